//! Scenario paths (`producers[0].acks`, `cluster.unclean.leader.election.enable`: the paths
//! the scenario reader's messages use) and `set`: new values at such paths. Applying a set
//! edits the scenario document and reads it again with the ordinary scenario reader, so a bad
//! value gets the reader's own message.
//!
//! A path is read against the document and the resolved scenario written back as JSON (which
//! holds every key the reader knows, defaults included), longest key first, so keys with dots
//! need no quoting. An object the document leaves out (`cluster`) is made; an item of a list
//! must be in the document (`producers[3]` of a scenario with two producers is refused). A
//! `null` value removes the key (back to its default).

use crate::scenario::fields::{join, kind, nearest};
use crate::scenario::{resolve_scenario, Scenario, ScenarioErrors};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// A path into a scenario, checked against one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioPath {
    segments: Vec<Segment>,
}

impl std::fmt::Display for ScenarioPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ScenarioPath {
    /// As the scenario reader writes paths: `producers[0].acks`.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for s in &self.segments {
            match s {
                Segment::Key(k) => text = join(&text, k),
                Segment::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        text
    }

    /// Whether `path` is this path or lies under it.
    pub fn covers(&self, path: &str) -> bool {
        let own = self.text();
        path == own
            || path
                .strip_prefix(own.as_str())
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    }

    /// Reads `path` against a scenario `doc` and `resolved` (the resolved scenario as JSON).
    pub fn read(doc: &Value, resolved: &Value, path: &str) -> Result<ScenarioPath, String> {
        if path.is_empty() {
            return Err("an empty path names nothing".into());
        }
        let mut segments = Vec::new();
        let (mut d, mut r) = (Some(doc), Some(resolved));
        let mut rest = path;
        let mut walked = String::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let Some((n, tail)) = after.split_once(']') else {
                    return Err(format!("\"[\" without \"]\" after {walked}"));
                };
                let Ok(i) = n.parse::<usize>() else {
                    return Err(format!("expected [N] with N a number after {walked}"));
                };
                let items = d.and_then(Value::as_array).ok_or_else(|| {
                    format!("{walked} is not a list in the scenario, so it has no [{i}]")
                })?;
                let Some(item) = items.get(i) else {
                    return Err(format!(
                        "the scenario has no {walked}[{i}] ({walked} has {} item(s))",
                        items.len()
                    ));
                };
                d = Some(item);
                r = r.and_then(|r| r.get(i));
                walked.push_str(&format!("[{i}]"));
                segments.push(Segment::Index(i));
                rest = tail.strip_prefix('.').unwrap_or(tail);
                continue;
            }
            if d.is_some_and(Value::is_array) {
                return Err(format!(
                    "{walked} is a list in the scenario: name an item, e.g. {walked}[0]"
                ));
            }
            if let Some(v) = d.filter(|v| !v.is_object()) {
                return Err(format!(
                    "{walked} is {} in the scenario, so it has no keys",
                    kind(v)
                ));
            }
            let mut keys: Vec<&str> = Vec::new();
            for map in [d, r].into_iter().flatten().filter_map(Value::as_object) {
                for k in map.keys() {
                    if !keys.contains(&k.as_str()) {
                        keys.push(k);
                    }
                }
            }
            let found = keys
                .iter()
                .filter(|k| {
                    rest == **k
                        || (rest.starts_with(**k)
                            && matches!(rest.as_bytes().get(k.len()), Some(b'.' | b'[')))
                })
                .max_by_key(|k| k.len())
                .copied();
            let Some(key) = found else {
                let word = rest.split('[').next().unwrap_or(rest);
                let word: String = word.chars().take(60).collect();
                let unknown = if walked.is_empty() {
                    format!("unknown key \"{word}\" in the scenario")
                } else {
                    format!("unknown key \"{word}\" in {walked}")
                };
                return Err(match nearest(&word, &keys) {
                    Some(near) => format!("{unknown} (did you mean \"{}\"?)", join(&walked, near)),
                    None if keys.is_empty() => unknown,
                    None => format!("{unknown} (keys there: {})", keys.join(", ")),
                });
            };
            d = d.and_then(|d| d.get(key));
            r = r.and_then(|r| r.get(key));
            walked = join(&walked, key);
            segments.push(Segment::Key(key.to_string()));
            rest = &rest[key.len()..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        Ok(ScenarioPath { segments })
    }

    /// Puts `value` at this path in `doc` (`null` removes the key), making missing objects.
    fn put(&self, doc: &mut Value, value: &Value) -> Result<(), String> {
        let Some((last, parents)) = self.segments.split_last() else {
            return Err("an empty path names nothing".into());
        };
        let mut here = doc;
        for s in parents {
            here = match s {
                Segment::Key(k) => {
                    let map = here
                        .as_object_mut()
                        .ok_or_else(|| format!("{self}: the scenario has no object there"))?;
                    map.entry(k.clone())
                        .or_insert_with(|| Value::Object(Map::new()))
                }
                Segment::Index(i) => here
                    .as_array_mut()
                    .and_then(|items| items.get_mut(*i))
                    .ok_or_else(|| format!("{self}: the scenario has no item there"))?,
            };
        }
        match last {
            Segment::Key(k) => {
                let map = here
                    .as_object_mut()
                    .ok_or_else(|| format!("{self}: the scenario has no object there"))?;
                if value.is_null() {
                    map.remove(k);
                } else {
                    map.insert(k.clone(), value.clone());
                }
            }
            Segment::Index(i) => {
                let slot = here
                    .as_array_mut()
                    .and_then(|items| items.get_mut(*i))
                    .ok_or_else(|| format!("{self}: the scenario has no item there"))?;
                *slot = value.clone();
            }
        }
        Ok(())
    }
}

/// New values at scenario paths, in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Set {
    pub entries: Vec<(ScenarioPath, Value)>,
}

impl Set {
    /// The scenario document with every value put in place (not yet read again).
    pub fn apply_to(&self, doc: &Value) -> Result<Value, String> {
        let mut edited = doc.clone();
        for (path, value) in &self.entries {
            path.put(&mut edited, value)?;
        }
        Ok(edited)
    }

    /// The changed document and the scenario the reader makes of it. Errors are the reader's,
    /// with the scenario's paths.
    pub fn apply(&self, doc: &Value) -> Result<(Value, Scenario), ScenarioErrors> {
        let edited = self.apply_to(doc).map_err(|message| ScenarioErrors {
            errors: vec![crate::scenario::ScenarioError {
                path: String::new(),
                message,
            }],
        })?;
        let scenario = resolve_scenario(&edited)?;
        Ok((edited, scenario))
    }

    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use serde_json::json;

    fn doc() -> Value {
        json!({"format": 1, "kafka.version": "3.9",
               "producers": [{"name": "p1", "topic": "orders"}],
               "actions": [{"at.ms": 100, "do": "crash-broker", "broker": 1}]})
    }

    fn read(path: &str) -> Result<String, String> {
        let d = doc();
        let resolved =
            serde_json::to_value(parse_scenario(&d.to_string()).expect("valid")).expect("json");
        ScenarioPath::read(&d, &resolved, path).map(|p| p.text())
    }

    #[test]
    fn paths_with_dotted_keys_and_defaults_are_read_longest_key_first() {
        assert_eq!(read("producers[0].acks"), Ok("producers[0].acks".into()));
        assert_eq!(
            read("producers[0].max.in.flight.requests.per.connection"),
            Ok("producers[0].max.in.flight.requests.per.connection".into())
        );
        assert_eq!(
            read("cluster.unclean.leader.election.enable"),
            Ok("cluster.unclean.leader.election.enable".into())
        );
        assert_eq!(read("kafka.version"), Ok("kafka.version".into()));
        assert_eq!(read("actions"), Ok("actions".into()));
    }

    #[test]
    fn bad_paths_say_where_and_suggest_a_key() {
        assert_eq!(
            read("producers[0].ackss"),
            Err(
                "unknown key \"ackss\" in producers[0] (did you mean \"producers[0].acks\"?)"
                    .into()
            )
        );
        assert_eq!(
            read("producers[1].acks"),
            Err("the scenario has no producers[1] (producers has 1 item(s))".into())
        );
        assert_eq!(
            read("producer[0].acks"),
            Err("unknown key \"producer\" in the scenario (did you mean \"producers\"?)".into())
        );
        assert_eq!(
            read("producers.acks"),
            Err("producers is a list in the scenario: name an item, e.g. producers[0]".into())
        );
        assert!(read("").is_err());
        assert!(read("seed[0]").is_err());
    }

    #[test]
    fn a_set_edits_the_document_and_the_reader_judges_the_values() {
        let d = doc();
        let resolved =
            serde_json::to_value(parse_scenario(&d.to_string()).expect("valid")).expect("json");
        let path = |p: &str| ScenarioPath::read(&d, &resolved, p).expect("path");
        let set = Set {
            entries: vec![
                (path("producers[0].acks"), json!("1")),
                (path("cluster.brokers"), json!(5)),
                (path("actions"), json!([])),
            ],
        };
        let (edited, scenario) = set.apply(&d).expect("valid");
        assert_eq!(edited["cluster"], json!({"brokers": 5}));
        assert_eq!(scenario.cluster.brokers, 5);
        assert!(scenario.actions.is_empty());
        let bad = Set {
            entries: vec![(path("producers[0].acks"), json!("2"))],
        };
        let errors = bad.apply(&d).expect_err("refused");
        assert_eq!(
            errors.to_string(),
            "producers[0].acks: expected \"0\", \"1\" or \"all\", got \"2\""
        );
        let back = Set {
            entries: vec![(path("kafka.version"), Value::Null)],
        };
        assert!(back
            .apply_to(&d)
            .expect("edited")
            .get("kafka.version")
            .is_none());
    }
}
