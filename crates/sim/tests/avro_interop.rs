//! Our Avro against Apache Avro's own Rust implementation (`apache-avro`, a dev-dependency
//! only): the bytes we write are the bytes it writes, each reads what the other wrote, schema
//! resolution gives the same values or fails alike, and our compatibility decisions match its
//! `SchemaCompatibility` over a table of schema changes.
//!
//! Two cases differ, and there we follow Java's Avro, which Confluent's registry and
//! serializers run: Java's `SchemaCompatibility.schemaNameEquals` lets a reader record read a
//! writer record its `aliases` name (the Rust crate compares names only), and Java resolves a
//! reader field by its aliases (`Schema.applyAliases` in `ResolvingDecoder`; the Rust crate's
//! reader does not), and Java never reads a long as an int (`ResolvingGrammarGenerator`:
//! "Found long, expecting int"; the Rust crate's reader takes a long that fits). The tests name
//! each, so a change on either side shows.
#![cfg(not(target_arch = "wasm32"))]

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema_compatibility::{Compatibility as AvroCompatibility, SchemaCompatibility};
use apache_avro::types::Value as AvroValue;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema as AvroSchema;
use kafka_sim::kafka::serialization::compat::incompatibility;
use kafka_sim::kafka::serialization::datum::record_values;
use kafka_sim::kafka::serialization::{avro, resolve, Datum, RecordSchema, Type};
use kafka_sim::scenario::resolve_scenario;
use serde_json::{json, Value};

/// Our reading of a schema, through the scenario reader.
fn ours(schema: &Value) -> RecordSchema {
    let doc = json!({ "format": 1, "schemas": { "S": [schema] } });
    let s = resolve_scenario(&doc).unwrap_or_else(|e| panic!("{e}"));
    (*s.schemas[0].1[0]).clone()
}

fn theirs(schema: &Value) -> AvroSchema {
    AvroSchema::parse_str(&schema.to_string()).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

fn record(fields: Value) -> Value {
    json!({ "type": "record", "name": "Supplier", "fields": fields })
}

fn to_avro(ty: &Type, d: &Datum) -> AvroValue {
    if let Type::Union(branches) = ty {
        let i = branches.iter().position(|b| d.is_of(b)).unwrap_or(0);
        let b = branches.get(i).cloned().unwrap_or(Type::Null);
        return AvroValue::Union(i as u32, Box::new(to_avro(&b, d)));
    }
    match d {
        Datum::Null => AvroValue::Null,
        Datum::Boolean(b) => AvroValue::Boolean(*b),
        Datum::Int(i) => AvroValue::Int(*i),
        Datum::Long(l) => AvroValue::Long(*l),
        Datum::Float(f) => AvroValue::Float(*f),
        Datum::Double(x) => AvroValue::Double(*x),
        Datum::Str(s) => AvroValue::String(s.clone()),
        Datum::Bytes(b) => AvroValue::Bytes(b.clone()),
    }
}

fn from_avro(v: &AvroValue) -> Datum {
    match v {
        AvroValue::Null => Datum::Null,
        AvroValue::Boolean(b) => Datum::Boolean(*b),
        AvroValue::Int(i) => Datum::Int(*i),
        AvroValue::Long(l) => Datum::Long(*l),
        AvroValue::Float(f) => Datum::Float(*f),
        AvroValue::Double(x) => Datum::Double(*x),
        AvroValue::String(s) => Datum::Str(s.clone()),
        AvroValue::Bytes(b) => Datum::Bytes(b.clone()),
        AvroValue::Union(_, inner) => from_avro(inner),
        other => panic!("not a primitive: {other:?}"),
    }
}

fn avro_record(schema: &RecordSchema, values: &[Datum]) -> AvroValue {
    AvroValue::Record(
        schema
            .fields
            .iter()
            .zip(values)
            .map(|(f, d)| (f.name.clone(), to_avro(&f.ty, d)))
            .collect(),
    )
}

fn their_bytes(schema: &AvroSchema, value: AvroValue) -> Vec<u8> {
    GenericDatumWriter::builder(schema)
        .build()
        .and_then(|w| w.write_value_to_vec(value))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Apache Avro reading `bytes` written with `writer` as `reader`: the fields' values, or None.
fn their_read(writer: &AvroSchema, reader: &AvroSchema, bytes: &[u8]) -> Option<Vec<Datum>> {
    let r = GenericDatumReader::builder(writer)
        .reader_schema(reader)
        .build()
        .ok()?;
    match r.read_value(&mut &bytes[..]).ok()? {
        AvroValue::Record(fields) => Some(fields.iter().map(|(_, v)| from_avro(v)).collect()),
        _ => None,
    }
}

fn every_type() -> Value {
    record(json!([
        { "name": "id", "type": "int" },
        { "name": "total", "type": "long" },
        { "name": "ratio", "type": "float" },
        { "name": "score", "type": "double" },
        { "name": "name", "type": "string" },
        { "name": "blob", "type": "bytes" },
        { "name": "active", "type": "boolean" },
        { "name": "nothing", "type": "null" },
        { "name": "email", "type": ["null", "string"], "default": null },
        { "name": "code", "type": ["long", "null"] }
    ]))
}

#[test]
fn our_bytes_are_apache_avros_bytes_and_each_reads_what_the_other_wrote() {
    let json = every_type();
    let (s, t) = (ours(&json), theirs(&json));
    for id in [0u32, 1, 63, 64, 8191, 8192, 1_000_000, 9_999_999] {
        let values = record_values(&s, id);
        let mine = avro::encode_body(&s, &values);
        let theirs_bytes = their_bytes(&t, avro_record(&s, &values));
        assert_eq!(mine, theirs_bytes, "record {id}");
        assert_eq!(
            avro::decode_body(&s, &theirs_bytes),
            Ok(values.clone()),
            "record {id}"
        );
        assert_eq!(their_read(&t, &t, &mine), Some(values), "record {id}");
    }
}

/// Writer and reader schemas of one field change; `compatible`: the reader can read the writer.
fn pairs() -> Vec<(&'static str, Value, Value)> {
    let base = json!([{ "name": "id", "type": "int" }, { "name": "name", "type": "string" }]);
    let with = |extra: Value| {
        let mut f = base.as_array().cloned().unwrap_or_default();
        f.push(extra);
        record(Value::Array(f))
    };
    vec![
        (
            "add a field with a default",
            record(base.clone()),
            with(json!({ "name": "email", "type": "string", "default": "" })),
        ),
        (
            "add a field without a default",
            record(base.clone()),
            with(json!({ "name": "email", "type": "string" })),
        ),
        (
            "remove a field",
            with(json!({ "name": "email", "type": "string" })),
            record(base.clone()),
        ),
        (
            "rename without an alias",
            record(base.clone()),
            record(
                json!([{ "name": "id", "type": "int" }, { "name": "fullName", "type": "string" }]),
            ),
        ),
        (
            "rename with an alias",
            record(base.clone()),
            record(
                json!([{ "name": "id", "type": "int" }, { "name": "fullName", "type": "string", "aliases": ["name"] }]),
            ),
        ),
        (
            "promote int to long",
            record(base.clone()),
            record(json!([{ "name": "id", "type": "long" }, { "name": "name", "type": "string" }])),
        ),
        (
            "demote long to int",
            record(json!([{ "name": "id", "type": "long" }, { "name": "name", "type": "string" }])),
            record(base.clone()),
        ),
        (
            "int to double",
            record(base.clone()),
            record(
                json!([{ "name": "id", "type": "double" }, { "name": "name", "type": "string" }]),
            ),
        ),
        (
            "string to bytes",
            record(base.clone()),
            record(json!([{ "name": "id", "type": "int" }, { "name": "name", "type": "bytes" }])),
        ),
        (
            "make a field optional",
            record(base.clone()),
            record(
                json!([{ "name": "id", "type": "int" }, { "name": "name", "type": ["null", "string"], "default": null }]),
            ),
        ),
        (
            "make an optional field required",
            record(
                json!([{ "name": "id", "type": "int" }, { "name": "name", "type": ["null", "string"], "default": null }]),
            ),
            record(base.clone()),
        ),
        (
            "string to int",
            record(base.clone()),
            record(json!([{ "name": "id", "type": "int" }, { "name": "name", "type": "int" }])),
        ),
        (
            "another record name",
            record(base.clone()),
            json!({ "type": "record", "name": "Vendor", "fields": base.clone() }),
        ),
        (
            "another record name with an alias",
            record(base.clone()),
            json!({ "type": "record", "name": "Vendor", "aliases": ["Supplier"], "fields": base.clone() }),
        ),
    ]
}

#[test]
fn our_compatibility_decisions_are_apache_avros_over_a_table_of_schema_changes() {
    let mut table = Vec::new();
    for (what, writer, reader) in pairs() {
        let mine = incompatibility(&ours(&reader), &ours(&writer)).is_none();
        let theirs_ok = matches!(
            SchemaCompatibility::can_read(&theirs(&writer), &theirs(&reader)),
            Ok(AvroCompatibility::Full)
        );
        if what == "another record name with an alias" {
            assert!(
                mine && !theirs_ok,
                "{what}: Java's Avro reads it, the Rust crate does not"
            );
        } else {
            assert_eq!(
                mine, theirs_ok,
                "{what}: ours {mine}, Apache Avro {theirs_ok}"
            );
        }
        table.push((what, mine));
    }
    let compatible: Vec<&str> = table
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(w, _)| *w)
        .collect();
    assert_eq!(
        compatible,
        [
            "add a field with a default",
            "remove a field",
            "rename with an alias",
            "promote int to long",
            "int to double",
            "string to bytes",
            "make a field optional",
            "another record name with an alias",
        ]
    );
}

#[test]
fn resolution_reads_the_same_values_as_apache_avro_or_fails_where_it_fails() {
    let mut differ = Vec::new();
    for (what, writer, reader) in pairs() {
        let (w, r) = (ours(&writer), ours(&reader));
        let (tw, tr) = (theirs(&writer), theirs(&reader));
        for id in [3u32, 70_000] {
            let bytes = avro::encode_body(&w, &record_values(&w, id));
            let mine = resolve::decode(&w, &r, &bytes).ok();
            let theirs_read = their_read(&tw, &tr, &bytes);
            if mine != theirs_read {
                differ.push((what, id, mine.is_some(), theirs_read.is_some()));
            }
        }
    }
    // Where they differ we read as Java does (see the module's text): aliases resolve, and a
    // long is never read as an int (Java: "Found long, expecting int"), however small.
    assert_eq!(
        differ,
        [
            ("rename with an alias", 3, true, false),
            ("rename with an alias", 70_000, true, false),
            ("demote long to int", 3, false, true),
            ("demote long to int", 70_000, false, true),
        ]
    );
}
