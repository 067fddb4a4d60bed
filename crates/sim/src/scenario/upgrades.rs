//! The keys of the timeline's serialization actions: `upgrade-producer` names a producer and
//! a new version of the schema it already uses, `upgrade-group` a group and such a version,
//! `set-compatibility` a subject (`<topic>-value` of a scenario topic).

use super::context::{unknown_name, Context};
use super::diagnostics::Problems;
use super::fields::{show, Fields, Got};
use super::schemas::read_schema_ref;
use crate::scenario::SchemaRef;

pub(super) fn read_producer(
    f: &Fields<'_>,
    ctx: &Context,
    problems: &mut Problems,
) -> Option<String> {
    let got = f.string("producer", problems);
    let name = required_str(f, "producer", got, problems)?;
    if ctx.producer_schemas.contains_key(name) {
        return Some(name.to_string());
    }
    problems.error(
        &f.path_of("producer"),
        unknown_name("producer", "producers", name, ctx.producer_schemas.keys()),
    );
    None
}

/// The new `value.schema` of an upgrade: a version of the schema the client already uses
/// (`current`: `Some(None)` for a client with the string format, `None` when unknown).
pub(super) fn read_upgrade_schema(
    f: &Fields<'_>,
    current: Option<&Option<String>>,
    ctx: &Context,
    problems: &mut Problems,
) -> Option<SchemaRef> {
    let got = read_schema_ref(f, ctx, problems);
    let schema = match got {
        Got::Value(s) => s,
        Got::Missing => {
            f.require("value.schema", problems);
            return None;
        }
        Got::Bad => return None,
    };
    match current {
        Some(None) => {
            problems.error(
                &f.path_of("value.schema"),
                "this client writes or reads strings (no value.schema): give it value.serializer or value.deserializer custom or avro first",
            );
            None
        }
        Some(Some(name)) if *name != schema.name => {
            problems.error(
                &f.path_of("value.schema"),
                format!("{schema} is a version of another schema: this client uses {name} (an upgrade moves to another version of the same schema)"),
            );
            None
        }
        _ => Some(schema),
    }
}

/// A registry subject: `<topic>-value` of one of the scenario's topics.
pub(super) fn read_subject(
    f: &Fields<'_>,
    ctx: &Context,
    problems: &mut Problems,
) -> Option<String> {
    let got = f.string("subject", problems);
    let subject = required_str(f, "subject", got, problems)?;
    match subject.strip_suffix("-value") {
        Some(topic) if ctx.topics.contains(topic) => Some(subject.to_string()),
        _ => {
            let known: Vec<String> = ctx
                .topics
                .iter()
                .map(|t| format!("\"{t}-value\""))
                .collect();
            problems.error(
                &f.path_of("subject"),
                format!(
                    "unknown subject {}: a value's subject is <topic>-value ({})",
                    show(&subject.into()),
                    known.join(", ")
                ),
            );
            None
        }
    }
}

/// A required string: reports it when absent.
fn required_str<'a>(
    f: &Fields<'a>,
    key: &str,
    got: Got<&'a str>,
    problems: &mut Problems,
) -> Option<&'a str> {
    match got {
        Got::Value(v) => Some(v),
        Got::Missing => {
            f.require(key, problems);
            None
        }
        Got::Bad => None,
    }
}
