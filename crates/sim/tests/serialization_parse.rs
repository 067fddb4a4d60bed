//! Reading `schemas`, `schema.registry`, the value keys of producers and groups and the
//! upgrade actions: every problem refused before the run, with its key path.

use kafka_sim::scenario::{resolve_scenario, Compatibility, ValueSerializer};
use serde_json::{json, Value};

fn supplier(extra: Value) -> Value {
    let mut fields = vec![
        json!({ "name": "id", "type": "int" }),
        json!({ "name": "name", "type": "string" }),
    ];
    if !extra.is_null() {
        fields.push(extra);
    }
    json!({ "type": "record", "name": "Supplier", "fields": fields })
}

/// A scenario with Supplier@1 and @2, one producer and one group, patched by `patch`.
fn doc(patch: impl FnOnce(&mut Value)) -> Value {
    let mut d = json!({
        "format": 1,
        "topics": [{ "name": "suppliers", "partitions": 1 }],
        "schemas": {
            "Supplier": [supplier(Value::Null), supplier(json!({ "name": "email", "type": "string", "default": "" }))],
            "Order": [{ "type": "record", "name": "Order", "fields": [{ "name": "id", "type": "long" }] }]
        },
        "producers": [{ "name": "p1", "value.serializer": "avro", "value.schema": "Supplier@1" }],
        "groups": [{ "group.id": "g1", "value.deserializer": "custom", "value.schema": "Supplier@1" }],
        "actions": []
    });
    patch(&mut d);
    d
}

fn problems(d: Value) -> Vec<String> {
    match resolve_scenario(&d) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn the_contracts_serialization_example_reads_as_written() {
    let d = json!({
      "format": 1,
      "topics": [{ "name": "suppliers" }],
      "schema.registry": { "compatibility": "BACKWARD" },
      "schemas": {
        "Supplier": [
          { "type": "record", "name": "Supplier", "fields": [
              { "name": "id", "type": "int" }, { "name": "name", "type": "string" },
              { "name": "startDate", "type": "string" } ] },
          { "type": "record", "name": "Supplier", "fields": [
              { "name": "id", "type": "int" }, { "name": "name", "type": "string" },
              { "name": "startDate", "type": "string" },
              { "name": "email", "type": "string", "default": "" } ] } ] },
      "producers": [ { "name": "p1", "topic": "suppliers",
                       "value.serializer": "custom", "value.schema": "Supplier@1" } ],
      "groups": [ { "group.id": "g1", "topics": ["suppliers"],
                    "value.deserializer": "custom", "value.schema": "Supplier@1",
                    "on.deserialization.error": "fail" } ],
      "actions": [
        { "at.ms": 8000, "do": "upgrade-producer", "producer": "p1", "value.schema": "Supplier@2" },
        { "at.ms": 12000, "do": "upgrade-group", "group.id": "g1", "value.schema": "Supplier@2" },
        { "at.ms": 15000, "do": "set-compatibility", "subject": "suppliers-value",
          "compatibility": "NONE" } ]
    });
    let s = resolve_scenario(&d).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.producers[0].value_serializer, ValueSerializer::Custom);
    assert_eq!(
        s.producers[0].value_schema.as_ref().map(|r| r.to_string()),
        Some("Supplier@1".into())
    );
    assert_eq!(s.schema_registry.compatibility, Compatibility::Backward);
    assert_eq!(s.schemas[0].1.len(), 2);
    assert_eq!(s.actions.len(), 3);
    // Left out, everything stays as it was: string values, no schema.
    let plain = resolve_scenario(&json!({ "format": 1 })).unwrap_or_else(|e| panic!("{e}"));
    assert!(!plain.has_shaped_values());
}

#[test]
fn a_reference_to_a_missing_schema_or_version_is_refused_with_its_path() {
    let p = problems(doc(|d| {
        d["producers"][0]["value.schema"] = json!("Suplier@1");
        d["groups"][0]["value.schema"] = json!("Supplier@3");
    }));
    assert_eq!(
        p,
        [
            "producers[0].value.schema: no schema \"Suplier\" (schemas: \"Order\", \"Supplier\")",
            "groups[0].value.schema: schema Supplier has 2 version(s): no version 3",
        ]
    );
    let p = problems(doc(|d| {
        d["producers"][0]["value.schema"] = json!("Supplier")
    }));
    assert_eq!(p, ["producers[0].value.schema: expected NAME@N (a schema's name and version, from 1), got \"Supplier\""]);
}

#[test]
fn a_shaped_format_needs_a_schema_and_the_string_format_takes_none() {
    let p = problems(doc(|d| {
        d["producers"][0]
            .as_object_mut()
            .map(|o| o.remove("value.schema"));
        d["groups"][0]["value.deserializer"] = json!("string");
    }));
    assert_eq!(
        p,
        [
            "producers[0].value.schema: required with value.serializer \"avro\" (write NAME@N, a schema of \"schemas\")",
            "groups[0].value.schema: a schema needs value.deserializer \"custom\" or \"avro\" (the string format has no schema)",
        ]
    );
}

#[test]
fn upgrades_to_another_schema_or_a_missing_version_are_refused_before_the_run() {
    let p = problems(doc(|d| {
        d["actions"] = json!([
            { "at.ms": 1000, "do": "upgrade-producer", "producer": "p1", "value.schema": "Order@1" },
            { "at.ms": 1000, "do": "upgrade-group", "group.id": "g1", "value.schema": "Supplier@9" },
            { "at.ms": 1000, "do": "upgrade-producer", "producer": "p2", "value.schema": "Supplier@2" },
            { "at.ms": 1000, "do": "set-compatibility", "subject": "orders-value", "compatibility": "FULL" },
            { "at.ms": 1000, "do": "set-compatibility", "subject": "suppliers-value", "compatibility": "full" }
        ]);
    }));
    assert_eq!(
        p,
        [
            "actions[0].value.schema: Order@1 is a version of another schema: this client uses Supplier (an upgrade moves to another version of the same schema)",
            "actions[1].value.schema: schema Supplier has 2 version(s): no version 9",
            "actions[2].producer: unknown producer \"p2\" (producers: \"p1\")",
            "actions[3].subject: unknown subject \"orders-value\": a value's subject is <topic>-value (\"suppliers-value\")",
            "actions[4].compatibility: expected \"BACKWARD\", \"BACKWARD_TRANSITIVE\", \"FORWARD\", \"FORWARD_TRANSITIVE\", \"FULL\", \"FULL_TRANSITIVE\" or \"NONE\", got \"full\"",
        ]
    );
}

#[test]
fn a_schema_that_is_not_a_record_an_unknown_type_or_a_default_of_the_wrong_type_is_refused() {
    let p = problems(doc(|d| {
        d["schemas"]["Supplier"][0] =
            json!({ "type": "enum", "name": "Supplier", "symbols": ["A"] });
        d["schemas"]["Supplier"][1] = supplier(json!({ "name": "email", "type": "text" }));
        d["schemas"]["Order"][0]["fields"] = json!([
            { "name": "id", "type": "int", "default": "0" },
            { "name": "note", "type": ["null", "string"], "default": "none" },
            { "name": "2x", "type": ["null", "null"] },
            { "name": "lines", "type": { "type": "array", "items": "string" } },
            { "name": "id", "type": "long", "defualt": 0 }
        ]);
    }));
    assert_eq!(
        p,
        [
            "schemas.Order[0].fields[0].default: expected a default of type int, got \"0\"",
            "schemas.Order[0].fields[1].default: expected a default of the union's first type, null, got \"none\"",
            "schemas.Order[0].fields[2].name: \"2x\" is not an Avro name (letters, digits and _, not starting with a digit)",
            "schemas.Order[0].fields[2].type[1]: a union may hold null only once (Avro's rule)",
            "schemas.Order[0].fields[3].type: expected a type name such as \"int\", or a union such as [\"null\", \"string\"], got {\"items\":\"string\",\"type\":\"array\"}",
            "schemas.Order[0].fields[4].defualt: unknown key (did you mean \"default\"?)",
            "schemas.Order[0].fields[4].name: field id is defined twice",
            "schemas.Supplier[0].type: a schema here is a record (\"type\": \"record\"), got \"enum\"",
            "schemas.Supplier[1].fields[2].type: unknown type \"text\" (Avro's primitive types: null, boolean, int, long, float, double, string, bytes)",
        ]
    );
}

#[test]
fn the_registry_section_takes_one_of_the_seven_modes() {
    let p = problems(doc(|d| {
        d["schema.registry"] = json!({ "compatibility": "STRICT", "url": "x" })
    }));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("schema.registry.url: unknown key"),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("schema.registry.compatibility: expected \"BACKWARD\""),
        "{p:?}"
    );
}
