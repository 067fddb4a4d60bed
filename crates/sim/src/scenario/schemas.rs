//! `schemas` and `schema.registry`: each schema name's versions in Avro's JSON form (a record
//! of fields, each a primitive type or a union of primitives, with optional `default`,
//! `aliases` and `doc`), and the registry's global compatibility mode. A value's schema is
//! named `NAME@N`, version N from 1; `read_schema_ref` checks such a name against the list.

use super::context::Context;
use super::diagnostics::Problems;
use super::fields::{index, join, kind_and_value, show, Fields, Got};
use crate::kafka::serialization::{Field, RecordSchema, Type};
use crate::scenario::{Compatibility, RegistryConfig, SchemaRef, ValueSerializer};
use serde_json::Value;
use std::sync::Arc;

/// At most 16 schema names, 16 versions each, 64 fields a record.
pub const MAX_SCHEMAS: usize = 16;
pub const MAX_VERSIONS: usize = 16;
pub const MAX_FIELDS: usize = 64;

const RECORD_KEYS: [&str; 6] = ["type", "name", "namespace", "aliases", "doc", "fields"];
const FIELD_KEYS: [&str; 6] = ["name", "type", "default", "aliases", "doc", "order"];
const REGISTRY_KEYS: [&str; 1] = ["compatibility"];

/// Avro's name rule: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_avro_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn avro_name(f: &Fields<'_>, key: &str, problems: &mut Problems) -> Option<String> {
    match f.string(key, problems) {
        Got::Value(n) if is_avro_name(n) => Some(n.to_string()),
        Got::Value(n) => {
            problems.error(
                &f.path_of(key),
                format!(
                    "{} is not an Avro name (letters, digits and _, not starting with a digit)",
                    show(&n.into())
                ),
            );
            None
        }
        Got::Missing => {
            f.require(key, problems);
            None
        }
        Got::Bad => None,
    }
}

fn aliases(f: &Fields<'_>, problems: &mut Problems) -> Vec<String> {
    let Some(value) = f.get("aliases") else {
        return Vec::new();
    };
    let path = f.path_of("aliases");
    let Value::Array(items) = value else {
        problems.error(
            &path,
            format!("expected a list of names, got {}", kind_and_value(value)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(a) if is_avro_name(a) => out.push(a.to_string()),
            _ => problems.error(
                &index(&path, i),
                format!("expected an Avro name, got {}", show(item)),
            ),
        }
    }
    out
}

const PRIMITIVE_NAMES: &str = "null, boolean, int, long, float, double, string, bytes";

/// A primitive type by name; other names are refused, saying why.
fn primitive(path: &str, name: &str, problems: &mut Problems) -> Option<Type> {
    if let Some(t) = Type::primitive(name) {
        return Some(t);
    }
    let message = match name {
        "record" => "a record inside a record is not supported here: use primitive fields".to_string(),
        "enum" | "array" | "map" | "fixed" => format!("Avro's {name} type is not supported here (primitive types: {PRIMITIVE_NAMES}, and unions of them)"),
        _ => format!("unknown type {} (Avro's primitive types: {PRIMITIVE_NAMES})", show(&name.into())),
    };
    problems.error(path, message);
    None
}

/// A field's type: a primitive's name, `{"type": primitive}`, or a union (a list).
fn field_type(path: &str, value: &Value, in_union: bool, problems: &mut Problems) -> Option<Type> {
    match value {
        Value::String(name) => primitive(path, name, problems),
        Value::Object(map) => match map.get("type") {
            Some(Value::String(name)) if map.len() == 1 => {
                primitive(&join(path, "type"), name, problems)
            }
            Some(Value::String(name)) if name == "record" => {
                primitive(&join(path, "type"), name, problems)
            }
            _ => {
                problems.error(path, format!("expected a type name such as \"int\", or a union such as [\"null\", \"string\"], got {}", show(value)));
                None
            }
        },
        Value::Array(items) if in_union => {
            problems.error(path, "a union may not hold a union (Avro's rule)");
            let _ = items;
            None
        }
        Value::Array(items) => {
            if items.is_empty() {
                problems.error(path, "a union needs at least one type");
                return None;
            }
            let mut branches: Vec<Type> = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match field_type(&index(path, i), item, true, problems) {
                    Some(t) if branches.contains(&t) => {
                        problems.error(
                            &index(path, i),
                            format!("a union may hold {} only once (Avro's rule)", t.name()),
                        );
                        ok = false;
                    }
                    Some(t) => branches.push(t),
                    None => ok = false,
                }
            }
            ok.then_some(Type::Union(branches))
        }
        other => {
            problems.error(
                path,
                format!("expected a type, got {}", kind_and_value(other)),
            );
            None
        }
    }
}

fn read_field(f: &Fields<'_>, problems: &mut Problems) -> Option<Field> {
    f.check_keys(&FIELD_KEYS, problems);
    let name = avro_name(f, "name", problems);
    let ty = match f.get("type") {
        Some(v) => field_type(&f.path_of("type"), v, false, problems),
        None => {
            f.require("type", problems);
            None
        }
    };
    let aliases = aliases(f, problems);
    let default = f.get("default").cloned();
    if let (Some(ty), Some(d)) = (&ty, &default) {
        if !ty.accepts_default(d) {
            let which = match ty {
                Type::Union(b) => format!(
                    "a default of the union's first type, {}",
                    b.first().map(Type::name).unwrap_or_default()
                ),
                t => format!("a default of type {}", t.name()),
            };
            problems.error(
                &f.path_of("default"),
                format!("expected {which}, got {}", show(d)),
            );
        }
    }
    Some(Field {
        name: name?,
        aliases,
        ty: ty?,
        default,
    })
}

/// One version: a record schema.
fn read_record(path: &str, value: &Value, problems: &mut Problems) -> Option<RecordSchema> {
    let f = Fields::of(value, path, problems)?;
    match f.string("type", problems) {
        Got::Value("record") => {}
        Got::Value(other) => {
            problems.error(
                &f.path_of("type"),
                format!(
                    "a schema here is a record (\"type\": \"record\"), got {}",
                    show(&other.into())
                ),
            );
            return None;
        }
        Got::Missing => {
            f.require("type", problems);
            return None;
        }
        Got::Bad => return None,
    }
    f.check_keys(&RECORD_KEYS, problems);
    let name = avro_name(&f, "name", problems);
    if let Some(Value::String(_)) | None = f.get("namespace") {
    } else {
        problems.error(&f.path_of("namespace"), "expected a string");
    }
    let aliases = aliases(&f, problems);
    let fields_path = f.path_of("fields");
    let Some(list) = f.get("fields") else {
        f.require("fields", problems);
        return None;
    };
    let Value::Array(items) = list else {
        problems.error(
            &fields_path,
            format!("expected a list of fields, got {}", kind_and_value(list)),
        );
        return None;
    };
    if items.len() > MAX_FIELDS {
        problems.error(
            &fields_path,
            format!("at most {MAX_FIELDS} fields (got {})", items.len()),
        );
        return None;
    }
    let mut fields: Vec<Field> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let Some(ff) = Fields::of(item, &index(&fields_path, i), problems) else {
            ok = false;
            continue;
        };
        match read_field(&ff, problems) {
            Some(field) if fields.iter().any(|x| x.name == field.name) => {
                problems.error(
                    &ff.path_of("name"),
                    format!("field {} is defined twice", field.name),
                );
                ok = false;
            }
            Some(field) => fields.push(field),
            None => ok = false,
        }
    }
    (ok && name.is_some()).then(|| RecordSchema {
        name: name.unwrap_or_default(),
        aliases,
        fields,
    })
}

/// `schemas`: name → versions. Every name is entered in the context with its version count
/// (even when a version is bad, so references are not reported twice).
pub(crate) fn read_schemas(
    top: &Fields<'_>,
    ctx: &mut Context,
    problems: &mut Problems,
) -> Vec<(String, Vec<Arc<RecordSchema>>)> {
    let Some(value) = top.get("schemas") else {
        return Vec::new();
    };
    let Some(f) = Fields::of(value, "schemas", problems) else {
        return Vec::new();
    };
    if f.map.len() > MAX_SCHEMAS {
        problems.error(
            "schemas",
            format!("at most {MAX_SCHEMAS} schemas (got {})", f.map.len()),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, versions) in f.map {
        let path = f.path_of(name);
        if !is_avro_name(name) {
            problems.error(&path, "a schema's name is an Avro name (letters, digits and _, not starting with a digit)");
        }
        let Value::Array(items) = versions else {
            problems.error(
                &path,
                format!(
                    "expected a list of versions (version 1 first), got {}",
                    kind_and_value(versions)
                ),
            );
            continue;
        };
        if items.is_empty() || items.len() > MAX_VERSIONS {
            problems.error(
                &path,
                format!("expected 1 to {MAX_VERSIONS} versions, got {}", items.len()),
            );
            continue;
        }
        ctx.schemas.insert(name.clone(), items.len() as u32);
        let read: Vec<Arc<RecordSchema>> = items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| read_record(&index(&path, i), v, problems).map(Arc::new))
            .collect();
        out.push((name.clone(), read));
    }
    out
}

pub(crate) fn read_registry(top: &Fields<'_>, problems: &mut Problems) -> RegistryConfig {
    let mut config = RegistryConfig::default();
    let Some(value) = top.get("schema.registry") else {
        return config;
    };
    let Some(f) = Fields::of(value, "schema.registry", problems) else {
        return config;
    };
    f.check_keys(&REGISTRY_KEYS, problems);
    config.compatibility = f
        .choice::<Compatibility>("compatibility", problems)
        .or(config.compatibility);
    config
}

/// `value.schema`: `NAME@N` of a schema the scenario defines.
pub(crate) fn read_schema_ref(
    f: &Fields<'_>,
    ctx: &Context,
    problems: &mut Problems,
) -> Got<SchemaRef> {
    let path = f.path_of("value.schema");
    let text = match f.string("value.schema", problems) {
        Got::Value(t) => t,
        Got::Missing => return Got::Missing,
        Got::Bad => return Got::Bad,
    };
    let parsed = text.rsplit_once('@').and_then(|(n, v)| {
        let ok = !v.is_empty() && !v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit());
        Some((n, v.parse::<u32>().ok().filter(|_| ok)?))
    });
    let Some((name, version)) = parsed else {
        problems.error(
            &path,
            format!(
                "expected NAME@N (a schema's name and version, from 1), got {}",
                show(&text.into())
            ),
        );
        return Got::Bad;
    };
    match ctx.schemas.get(name) {
        None => {
            let known: Vec<String> = ctx.schemas.keys().map(|n| format!("\"{n}\"")).collect();
            let list = if known.is_empty() {
                "the scenario has no schemas".to_string()
            } else {
                format!("schemas: {}", known.join(", "))
            };
            problems.error(&path, format!("no schema {} ({list})", show(&name.into())));
            Got::Bad
        }
        Some(&count) if version > count => {
            problems.error(
                &path,
                format!("schema {name} has {count} version(s): no version {version}"),
            );
            Got::Bad
        }
        Some(_) => Got::Value(SchemaRef {
            name: name.to_string(),
            version,
        }),
    }
}

/// `value.serializer` (or `value.deserializer`) and `value.schema` of a producer or group:
/// `custom` and `avro` need a schema, `string` takes none.
pub(crate) fn read_value_format(
    f: &Fields<'_>,
    key: &str,
    ctx: &Context,
    problems: &mut Problems,
) -> (ValueSerializer, Option<SchemaRef>) {
    let format = f.choice::<ValueSerializer>(key, problems);
    let schema = read_schema_ref(f, ctx, problems);
    match (format.or(ValueSerializer::String), schema) {
        (ValueSerializer::String, Got::Value(_)) if format != Got::Bad => {
            problems.error(
                &f.path_of("value.schema"),
                format!(
                    "a schema needs {key} \"custom\" or \"avro\" (the string format has no schema)"
                ),
            );
            (ValueSerializer::String, None)
        }
        (s, Got::Missing) if s != ValueSerializer::String => {
            problems.error(
                &f.path_of("value.schema"),
                format!(
                    "required with {key} \"{}\" (write NAME@N, a schema of \"schemas\")",
                    s.name()
                ),
            );
            (s, None)
        }
        (s, Got::Value(r)) => (s, Some(r)),
        (s, _) => (s, None),
    }
}
