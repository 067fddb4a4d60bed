//! Figure paths: a dotted path into the report as JSON (`records.lost`, `latency.ms.p99`,
//! `groups.g1.generation`, `effective.topics[0].partitions`). The report is the one list of
//! figures; this module only walks it. Keys that hold dots themselves (`latency.ms`,
//! `throughput.records.per.sec`, a group id `a.b`) are matched longest first. A number is its
//! own figure, a list counts its items (`groups.g1.assignment.g1-c5 == 0`: owns nothing).

use crate::observe::report::Report;
use crate::scenario::fields::{join, nearest};
use crate::support::decimal::Trimmed;
use serde_json::Value;

/// The report as JSON, the document figure paths walk.
pub fn report_json(report: &Report) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// A figure read from a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Number(f64),
    /// Not in the report at this moment (a consumer that has not joined yet, a partition with
    /// no committed offset).
    Absent,
    /// Text (`groups.g1.leader`, `groups.g1.state`).
    Text(String),
    /// Something that is neither a number, a list nor text (its kind).
    NotANumber(&'static str),
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Six decimals, trailing zeros dropped (core's float printing is left out of the page).
            Figure::Number(n) => write!(f, "{}", Trimmed(*n, 6)),
            Figure::Absent => f.write_str("absent"),
            Figure::Text(t) => write!(f, "\"{t}\""),
            Figure::NotANumber(kind) => write!(f, "{kind}, not a number"),
        }
    }
}

/// The figure at `path` in `report` (JSON, see [`report_json`]).
pub fn figure(report: &Value, path: &str) -> Figure {
    match walk(report, path) {
        Walk::Found(value) => as_figure(value),
        Walk::Missing { .. } | Walk::Inside { .. } => Figure::Absent,
    }
}

fn as_figure(value: &Value) -> Figure {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map_or(Figure::NotANumber("a number"), Figure::Number),
        Value::Array(items) => Figure::Number(items.len() as f64),
        Value::Object(_) => Figure::NotANumber("a group of figures"),
        Value::String(s) => Figure::Text(s.clone()),
        Value::Bool(_) => Figure::NotANumber("a yes/no value"),
        Value::Null => Figure::NotANumber("nothing"),
    }
}

enum Walk<'a> {
    Found(&'a Value),
    /// No key at `walked` matches what follows.
    Missing {
        walked: String,
        keys: Vec<String>,
    },
    /// The path goes on inside something that has no keys.
    Inside {
        walked: String,
    },
}

fn walk<'a>(report: &'a Value, path: &str) -> Walk<'a> {
    let mut current = report;
    let mut rest = path;
    let mut walked = String::new();
    while !rest.is_empty() {
        match current {
            Value::Object(map) => {
                let found = map
                    .keys()
                    .filter(|k| {
                        rest == k.as_str()
                            || (rest.starts_with(k.as_str())
                                && matches!(rest.as_bytes().get(k.len()), Some(b'.' | b'[')))
                    })
                    .max_by_key(|k| k.len());
                let Some(key) = found else {
                    return Walk::Missing {
                        walked,
                        keys: map.keys().cloned().collect(),
                    };
                };
                let Some(value) = map.get(key) else {
                    return Walk::Inside { walked };
                };
                walked = join(&walked, key);
                current = value;
                rest = &rest[key.len()..];
                rest = rest.strip_prefix('.').unwrap_or(rest);
            }
            Value::Array(items) => {
                let item = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .and_then(|(n, after)| Some((n.parse::<usize>().ok()?, after)));
                let Some((i, after)) = item else {
                    return Walk::Inside { walked };
                };
                let Some(value) = items.get(i) else {
                    return Walk::Inside { walked };
                };
                walked = format!("{walked}[{i}]");
                current = value;
                rest = after.strip_prefix('.').unwrap_or(after);
            }
            _ => return Walk::Inside { walked },
        }
    }
    Walk::Found(current)
}

/// Checks that `path` names a figure in `outline` (the report's shape before the run,
/// `observe::outline::report_outline`) that compares with a number (or with text, when
/// `text`: a text figure, or one still empty before the run); the error says why not and
/// suggests the nearest.
pub(crate) fn check_figure(outline: &Value, path: &str, text: bool) -> Result<(), String> {
    let quoted = format!("\"{}\"", path.chars().take(80).collect::<String>());
    match walk(outline, path) {
        Walk::Found(value) => match (value, as_figure(value)) {
            (_, Figure::Number(_)) if !text => Ok(()),
            (Value::String(_) | Value::Null, _) if text => Ok(()),
            (_, Figure::Number(_)) => Err(format!("{quoted} is a number; compare it with one")),
            (_, Figure::Text(_)) => Err(format!(
                "{quoted} is text: compare it with == or != and a \"quoted\" text"
            )),
            (Value::Object(map), _) => Err(format!(
                "{quoted} is a group of figures, not one: name one of {}",
                some_keys(map.keys(), path)
            )),
            (_, other) => Err(format!("{quoted} is {other}; expectations compare numbers")),
        },
        Walk::Missing { walked, keys } => {
            let all = figure_paths(outline);
            let known: Vec<&str> = all.iter().map(String::as_str).collect();
            if let Some(near) = nearest(path, &known) {
                return Err(format!(
                    "unknown figure {quoted} (did you mean \"{near}\"?)"
                ));
            }
            if walked.is_empty() {
                Err(format!(
                    "unknown figure {quoted} (the report's parts: {})",
                    keys.join(", ")
                ))
            } else {
                Err(format!(
                    "unknown figure {quoted} ({walked} holds {})",
                    some_keys(keys.iter(), &walked)
                ))
            }
        }
        Walk::Inside { walked } => Err(format!(
            "unknown figure {quoted}: {walked} has no parts to name (a list is counted as a whole)"
        )),
    }
}

/// Up to 12 full paths under `prefix`, for messages.
fn some_keys<'k>(keys: impl Iterator<Item = &'k String>, prefix: &str) -> String {
    let keys: Vec<String> = keys.map(|k| format!("\"{}\"", join(prefix, k))).collect();
    if keys.len() > 12 {
        format!("{}, … ({} in all)", keys[..12].join(", "), keys.len())
    } else {
        keys.join(", ")
    }
}

/// Every figure path of a report (numbers and lists; lists of objects by item).
pub(crate) fn figure_paths(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(report, String::new(), &mut out);
    out
}

fn collect(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                collect(v, join(&path, k), out);
            }
        }
        Value::Array(items) => {
            out.push(path.clone());
            for (i, item) in items.iter().enumerate() {
                if item.is_object() {
                    collect(item, format!("{path}[{i}]"), out);
                }
            }
        }
        Value::Number(_) => out.push(path),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> Value {
        json!({
            "records": {"lost": 3, "sent": 10},
            "latency.ms": {"p99": 4.5},
            "throughput.records.per.sec": 99.5,
            "groups": {"g1": {"generation": 2, "leader": "g1-c1",
                              "assignment": {"g1-c1": [["orders", 0], ["orders", 1]], "g1-c2": []}}},
            "effective": {"topics": [{"name": "orders", "partitions": 4}]}
        })
    }

    #[test]
    fn dotted_keys_lists_and_items_are_figures() {
        let r = report();
        assert_eq!(figure(&r, "records.lost"), Figure::Number(3.0));
        assert_eq!(figure(&r, "latency.ms.p99"), Figure::Number(4.5));
        assert_eq!(
            figure(&r, "throughput.records.per.sec"),
            Figure::Number(99.5)
        );
        assert_eq!(
            figure(&r, "groups.g1.assignment.g1-c1"),
            Figure::Number(2.0)
        );
        assert_eq!(
            figure(&r, "groups.g1.assignment.g1-c2"),
            Figure::Number(0.0)
        );
        assert_eq!(figure(&r, "groups.g1.assignment.g1-c9"), Figure::Absent);
        assert_eq!(
            figure(&r, "effective.topics[0].partitions"),
            Figure::Number(4.0)
        );
        assert_eq!(figure(&r, "groups.g1.leader"), Figure::Text("g1-c1".into()));
    }

    #[test]
    fn unknown_figures_get_the_nearest_path_or_the_keys_where_the_walk_stopped() {
        let r = report();
        assert_eq!(
            check_figure(&r, "records.lsot", false),
            Err("unknown figure \"records.lsot\" (did you mean \"records.lost\"?)".into())
        );
        assert_eq!(
            check_figure(&r, "groups.g1.colour", false),
            Err(
                "unknown figure \"groups.g1.colour\" (groups.g1 holds \"groups.g1.assignment\", \
                 \"groups.g1.generation\", \"groups.g1.leader\")"
                    .into()
            )
        );
        assert_eq!(
            check_figure(&r, "records", false),
            Err(
                "\"records\" is a group of figures, not one: name one of \"records.lost\", \
                 \"records.sent\""
                    .into()
            )
        );
        assert_eq!(
            check_figure(&r, "groups.g1.leader", false),
            Err(
                "\"groups.g1.leader\" is text: compare it with == or != and a \"quoted\" text"
                    .into()
            )
        );
        assert!(check_figure(&r, "groups.g1.leader", true).is_ok());
        assert!(check_figure(&r, "records.lost", true).is_err());
        assert!(check_figure(&r, "effective.topics[0].partitions", false).is_ok());
        assert!(check_figure(&r, "effective.topics[1].partitions", false).is_err());
    }
}
