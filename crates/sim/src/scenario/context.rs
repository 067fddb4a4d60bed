//! What the readers of the scenario's sections share: the [`Context`] later sections read
//! from earlier ones, and the checks every list of named objects makes. A module of its own so
//! that `parse` calls the section readers and they all import from here, not from each other.

use super::diagnostics::Problems;
use super::fields::{index, kind_and_value, show, Fields, Got, INT_MAX};
use super::limits::MAX_NAME_LEN;
use super::version::Defaults;
use crate::scenario::KafkaVersion;
use crate::support::vec_map::{VecMap, VecSet};
use serde_json::Value;

/// `metadata.max.age.ms`, producers' and consumers' default since their first releases.
pub const DEFAULT_METADATA_MAX_AGE_MS: u64 = 300_000;

/// What later sections need to know about earlier ones. `None` marks a value that was bad
/// (already reported), so rules depending on it are skipped.
pub(crate) struct Context {
    pub version: KafkaVersion,
    pub defaults: Defaults,
    pub brokers: Option<u32>,
    pub duration_ms: Option<u64>,
    /// Names of the scenario's topics.
    pub topics: VecSet<String>,
    /// Partitions of each topic whose count is usable.
    pub partitions: VecMap<String, u32>,
    /// Whether the timeline holds an `add-partitions`, the one action that changes topic
    /// metadata a client's periodic refresh would pick up.
    pub metadata_can_change: bool,
    /// Group id → consumers at the start (None when bad).
    pub groups: VecMap<String, Option<u32>>,
    /// Producers plus the groups' consumers at the start (the clients `add-consumer` adds to).
    pub clients: u32,
    /// Schema name → its number of versions.
    pub schemas: VecMap<String, u32>,
    /// Producer name, or group id → the schema name its values use (None: `string`), for
    /// the upgrade actions.
    pub producer_schemas: VecMap<String, Option<String>>,
    pub group_schemas: VecMap<String, Option<String>>,
}

/// The list under `key`, or None when absent (a non-list is reported).
fn list<'a>(top: &Fields<'a>, key: &str, problems: &mut Problems) -> Option<&'a [Value]> {
    match top.get(key)? {
        Value::Array(items) => Some(items.as_slice()),
        other => {
            problems.error(
                &top.path_of(key),
                format!("expected a list, got {}", kind_and_value(other)),
            );
            None
        }
    }
}

/// Reports a list longer than `max` and returns whether it is within the limit.
pub(crate) fn within(
    path: &str,
    len: usize,
    max: usize,
    what: &str,
    problems: &mut Problems,
) -> bool {
    if len > max {
        problems.error(path, format!("at most {max} {what} (got {len})"));
        false
    } else {
        true
    }
}

/// Calls `each` on every object of the list under `key`, in document order (so problems are
/// reported in that order), with its position. False when there is nothing to read: no list, or
/// one that is not a list or is longer than `max` (both reported). Items that are not objects
/// are reported and skipped.
pub(crate) fn each_object<'a>(
    top: &Fields<'a>,
    key: &str,
    max: usize,
    problems: &mut Problems,
    mut each: impl FnMut(usize, Fields<'a>, &mut Problems),
) -> bool {
    let Some(items) = list(top, key, problems) else {
        return false;
    };
    if !within(key, items.len(), max, key, problems) {
        return false;
    }
    for (i, item) in items.iter().enumerate() {
        if let Some(f) = Fields::of(item, &index(key, i), problems) {
            each(i, f, problems);
        }
    }
    true
}

/// A list of named objects (`producers` by `name`, `groups` by `group.id`).
pub(crate) struct NamedList {
    pub list: &'static str,
    pub max: usize,
    pub keys: &'static [&'static str],
    /// The key that names an object.
    pub name: &'static str,
    /// A nameless object is `<prefix><N>`, N its position from 1.
    pub default_prefix: &'static str,
    /// What a name is called in the duplicate error ("producer name").
    pub what: &'static str,
}

/// Reads a list of named objects: unknown keys and bad names are reported, a nameless object
/// gets its default name, and a name given twice is refused, pointing at where it first stood.
/// `read` reads the rest of each object, given its name.
pub(crate) fn read_named<'a, T>(
    top: &Fields<'a>,
    named: &NamedList,
    problems: &mut Problems,
    mut read: impl FnMut(&Fields<'a>, String, &mut Problems) -> T,
) -> Vec<T> {
    let mut objects = Vec::new();
    let mut first_path: VecMap<String, String> = VecMap::new();
    each_object(top, named.list, named.max, problems, |i, f, problems| {
        f.check_keys(named.keys, problems);
        let name = match f.string(named.name, problems) {
            Got::Value(name) => {
                check_name(&f.path_of(named.name), name, problems);
                name.to_string()
            }
            Got::Missing | Got::Bad => format!("{}{}", named.default_prefix, i + 1),
        };
        if let Some(earlier) = first_path.get(&name) {
            problems.error(
                &f.path_of(named.name),
                format!("duplicate {} \"{name}\" (also {earlier})", named.what),
            );
        } else {
            let origin = if f.get(named.name).is_some() {
                f.path_of(named.name)
            } else {
                format!("{}, named by default", f.path)
            };
            first_path.insert(name.clone(), origin);
        }
        objects.push(read(&f, name, problems));
    });
    objects
}

/// Checks a producer name or group id: 1..=64 characters, no control characters.
fn check_name(path: &str, name: &str, problems: &mut Problems) {
    if name.is_empty() {
        problems.error(path, "must not be empty");
    } else if name.chars().count() > MAX_NAME_LEN {
        problems.error(path, format!("at most {MAX_NAME_LEN} characters"));
    } else if name.chars().any(char::is_control) {
        problems.error(path, "must not contain control characters");
    }
}

/// `metadata.max.age.ms` of a producer or group (Kafka: a long, at least 0). Set in a scenario
/// whose topics never change it has nothing to refresh, which a note says.
pub(crate) fn read_metadata_max_age(
    f: &Fields<'_>,
    ctx: &Context,
    default: u64,
    problems: &mut Problems,
) -> u64 {
    let got = f.int("metadata.max.age.ms", 0..=INT_MAX, problems);
    if got.is_explicit() && !ctx.metadata_can_change {
        problems.note(
            &f.path_of("metadata.max.age.ms"),
            "no effect here: the periodic metadata refresh runs only in scenarios with an \
             add-partitions action (nothing else changes what it would fetch; leader changes \
             are learned from errors)",
        );
    }
    got.or(default)
}

pub(crate) fn single_topic(ctx: &Context) -> Option<String> {
    match ctx.topics.iter().collect::<Vec<_>>().as_slice() {
        [only] => Some((*only).clone()),
        _ => None,
    }
}

pub(crate) fn unknown_topic(name: &str, ctx: &Context) -> String {
    unknown_name("topic", "topics", name, ctx.topics.iter())
}

/// "unknown topic "x" (topics: "a", "b")", or "(the scenario has no topics)": a name that
/// refers to something the scenario does not define, with what it does define.
pub(crate) fn unknown_name<'a>(
    what: &str,
    plural: &str,
    name: &str,
    known: impl Iterator<Item = &'a String>,
) -> String {
    let known: Vec<String> = known.map(|k| format!("\"{k}\"")).collect();
    if known.is_empty() {
        format!(
            "unknown {what} {} (the scenario has no {plural})",
            show(&Value::from(name))
        )
    } else {
        format!(
            "unknown {what} {} ({plural}: {})",
            show(&Value::from(name)),
            known.join(", ")
        )
    }
}
