//! Typed reads of one JSON object's keys. Every read reports its own problem and returns a
//! [`Got`], so the walk goes on and the scenario's problems are all listed at once.

use super::diagnostics::Problems;
use super::Choice;
use crate::support::decimal::Trimmed;
use serde_json::{Map, Value};
use std::ops::RangeInclusive;

/// Kafka's `Integer.MAX_VALUE`, the upper bound of its int-typed configs.
pub const INT_MAX: u64 = 2_147_483_647;
/// Kafka's `Long.MAX_VALUE`, the upper bound of its long-typed configs.
pub const LONG_MAX: u64 = 9_223_372_036_854_775_807;

/// The outcome of reading one key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Got<T> {
    /// The key is absent: the default applies.
    Missing,
    Value(T),
    /// Present but wrong; already reported. Rules that involve this key are skipped so one
    /// mistake is reported once.
    Bad,
}

impl<T: Copy> Got<T> {
    /// The value, or `default` when absent or bad (a bad value already refused the scenario).
    pub fn or(self, default: T) -> T {
        match self {
            Got::Value(v) => v,
            Got::Missing | Got::Bad => default,
        }
    }
    /// `None` when bad, so cross-key rules can skip: `Some(value or default)` otherwise.
    pub fn usable(self, default: T) -> Option<T> {
        match self {
            Got::Value(v) => Some(v),
            Got::Missing => Some(default),
            Got::Bad => None,
        }
    }
    pub fn is_explicit(self) -> bool {
        matches!(self, Got::Value(_))
    }
}

/// Path of a key inside an object path (`producers[0]` + `acks`).
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Path of an element of a list.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A short rendering of a value for messages (JSON syntax, cut when long).
pub fn show(value: &Value) -> String {
    const MAX: usize = 40;
    let text = value.to_string();
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// A JSON type's name for "expected X, got Y" messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One object being read: its map and path.
pub struct Fields<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object, or reports that it is not one.
    pub fn of(value: &'a Value, path: &str, problems: &mut Problems) -> Option<Fields<'a>> {
        match value {
            Value::Object(map) => Some(Fields {
                map,
                path: path.to_string(),
            }),
            other => {
                problems.error(
                    path,
                    format!("expected an object, got {}", kind_and_value(other)),
                );
                None
            }
        }
    }

    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// Reports every key not in `known`, suggesting the nearest known key when it is close.
    pub fn check_keys(&self, known: &[&str], problems: &mut Problems) {
        for key in self.map.keys() {
            if !known.contains(&key.as_str()) {
                let message = match nearest(key, known) {
                    Some(near) => format!("unknown key (did you mean \"{near}\"?)"),
                    None => format!("unknown key (known keys: {})", known.join(", ")),
                };
                problems.error(&self.path_of(key), message);
            }
        }
    }

    /// Reports `key` as required when absent.
    pub fn require(&self, key: &str, problems: &mut Problems) -> bool {
        if self.map.contains_key(key) {
            true
        } else {
            problems.error(&self.path_of(key), "required key is missing");
            false
        }
    }

    /// An integer within `range` (integral floats such as `20000.0` are accepted).
    pub fn int(&self, key: &str, range: RangeInclusive<u64>, problems: &mut Problems) -> Got<u64> {
        let Some(value) = self.map.get(key) else {
            return Got::Missing;
        };
        read_int(value, &self.path_of(key), range, problems)
    }

    /// An integer within `range`, as u32 (the range must fit).
    pub fn int32(
        &self,
        key: &str,
        range: RangeInclusive<u32>,
        problems: &mut Problems,
    ) -> Got<u32> {
        let wide = u64::from(*range.start())..=u64::from(*range.end());
        match self.int(key, wide, problems) {
            Got::Value(v) => u32::try_from(v).map_or(Got::Bad, Got::Value),
            Got::Missing => Got::Missing,
            Got::Bad => Got::Bad,
        }
    }

    /// A finite number within `range`.
    pub fn number(
        &self,
        key: &str,
        range: RangeInclusive<f64>,
        problems: &mut Problems,
    ) -> Got<f64> {
        let Some(value) = self.map.get(key) else {
            return Got::Missing;
        };
        let path = self.path_of(key);
        match value.as_f64() {
            Some(n) if n.is_finite() && range.contains(&n) => Got::Value(n),
            Some(_) => {
                // Written without core's float printing (see support::decimal).
                let (from, to) = (Trimmed(*range.start(), 6), Trimmed(*range.end(), 6));
                out_of_range(&path, "a number", &(from..=to), value, problems)
            }
            None => wrong_kind(&path, "a number", value, problems),
        }
    }

    pub fn boolean(&self, key: &str, problems: &mut Problems) -> Got<bool> {
        let Some(value) = self.map.get(key) else {
            return Got::Missing;
        };
        match value {
            Value::Bool(b) => Got::Value(*b),
            other => {
                problems.error(
                    &self.path_of(key),
                    format!("expected true or false, got {}", kind_and_value(other)),
                );
                Got::Bad
            }
        }
    }

    /// A string (any content; callers check it).
    pub fn string(&self, key: &str, problems: &mut Problems) -> Got<&'a str> {
        let Some(value) = self.map.get(key) else {
            return Got::Missing;
        };
        match value {
            Value::String(s) => Got::Value(s.as_str()),
            other => {
                problems.error(
                    &self.path_of(key),
                    format!("expected a string, got {}", kind_and_value(other)),
                );
                Got::Bad
            }
        }
    }

    /// One of `choices` (a string), mapped to its value.
    pub fn choice<T: Choice>(&self, key: &str, problems: &mut Problems) -> Got<T> {
        let Some(value) = self.map.get(key) else {
            return Got::Missing;
        };
        let found = value
            .as_str()
            .and_then(|s| T::ALL.iter().find(|c| c.name() == s));
        match found {
            Some(v) => Got::Value(*v),
            None => {
                let names: Vec<String> =
                    T::ALL.iter().map(|c| format!("\"{}\"", c.name())).collect();
                problems.error(
                    &self.path_of(key),
                    format!("expected {}, got {}", one_of(&names), show(value)),
                );
                Got::Bad
            }
        }
    }
}

/// A value of the right kind outside its range: the error names the range.
fn out_of_range<T, R: std::fmt::Display>(
    path: &str,
    kind: &str,
    range: &RangeInclusive<R>,
    value: &Value,
    problems: &mut Problems,
) -> Got<T> {
    let (from, to) = (range.start(), range.end());
    problems.error(
        path,
        format!("expected {kind} from {from} to {to}, got {}", show(value)),
    );
    Got::Bad
}

/// A value of the wrong kind.
fn wrong_kind<T>(path: &str, kind: &str, value: &Value, problems: &mut Problems) -> Got<T> {
    problems.error(
        path,
        format!("expected {kind}, got {}", kind_and_value(value)),
    );
    Got::Bad
}

/// Reads an integer within `range` at `path`.
pub fn read_int(
    value: &Value,
    path: &str,
    range: RangeInclusive<u64>,
    problems: &mut Problems,
) -> Got<u64> {
    let as_int = match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Some(i128::from(u))
            } else if let Some(i) = n.as_i64() {
                Some(i128::from(i))
            } else {
                // A finite float without a fraction is an integer (`as` saturates huge ones,
                // which then fail the range check).
                n.as_f64()
                    .filter(|f| f.is_finite() && f.fract() == 0.0)
                    .map(|f| f as i128)
            }
        }
        _ => None,
    };
    match as_int {
        Some(i) if i >= i128::from(*range.start()) && i <= i128::from(*range.end()) => {
            u64::try_from(i).map_or(Got::Bad, Got::Value)
        }
        Some(_) => out_of_range(path, "an integer", &range, value, problems),
        None => wrong_kind(path, "an integer", value, problems),
    }
}

/// `"a", "b" or "c"`.
pub fn one_of(names: &[String]) -> String {
    match names {
        [] => String::from("nothing"),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// "a string \"x\"" for type mismatches; the value alone for numbers and literals.
pub fn kind_and_value(value: &Value) -> String {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => show(value),
        Value::Array(_) | Value::Object(_) => kind(value).to_string(),
    }
}

/// The known key nearest to `key` when it is plausibly a typo (also `_` written for `.`).
pub fn nearest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    // Known keys are ASCII; full Unicode case mapping would add 24 KB of tables to the page.
    let dotted = key.replace(['_', '-'], ".").to_ascii_lowercase();
    let best = known
        .iter()
        .map(|k| {
            let d = strsim::levenshtein(key, k).min(strsim::levenshtein(&dotted, k));
            (d, *k)
        })
        .min_by_key(|(d, _)| *d)?;
    let (distance, name) = best;
    let allowed = (name.len() / 4).max(2);
    (distance <= allowed).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn near_misses_get_the_nearest_key_and_strangers_get_none() {
        let known = ["acks", "linger.ms", "enable.idempotence", "records.per.sec"];
        assert_eq!(nearest("ackss", &known), Some("acks"));
        assert_eq!(
            nearest("enable_idempotence", &known),
            Some("enable.idempotence")
        );
        assert_eq!(nearest("records-per-sec", &known), Some("records.per.sec"));
        assert_eq!(nearest("lingerms", &known), Some("linger.ms"));
        assert_eq!(nearest("colour", &known), None);
        assert_eq!(nearest("x", &[]), None);
    }

    #[test]
    fn integers_are_read_exactly_and_out_of_range_values_are_reported() {
        let mut p = Problems::default();
        assert_eq!(
            read_int(&json!(u64::MAX), "k", 0..=u64::MAX, &mut p),
            Got::Value(u64::MAX)
        );
        assert_eq!(read_int(&json!(7.0), "k", 0..=9, &mut p), Got::Value(7));
        assert!(p.errors.is_empty());
        assert_eq!(read_int(&json!(-1), "k", 0..=9, &mut p), Got::Bad);
        assert_eq!(read_int(&json!(1e300), "k", 0..=9, &mut p), Got::Bad);
        assert_eq!(read_int(&json!("7"), "k", 0..=9, &mut p), Got::Bad);
        let messages: Vec<String> = p.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages,
            [
                "k: expected an integer from 0 to 9, got -1",
                "k: expected an integer from 0 to 9, got 1e+300",
                "k: expected an integer, got \"7\"",
            ]
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = Value::from("x".repeat(100));
        assert_eq!(show(&long).chars().count(), 41);
        assert_eq!(
            one_of(&["\"a\"".into(), "\"b\"".into(), "\"c\"".into()]),
            "\"a\", \"b\" or \"c\""
        );
    }
}
