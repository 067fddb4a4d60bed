//! The command line's entry point: `{"topics": {...}, "members": [...]}` in, an assignment
//! out, every input problem reported at once with its key path.

use super::{assign, MemberSubscription, TopicPartition};
use crate::scenario::AssignmentStrategy;
use crate::support::vec_map::VecMap;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Bounds that keep one command-line call to seconds (the general sticky algorithm is
/// quadratic, as Kafka's is) and its memory small.
const MAX_PARTITIONS: u64 = 100_000;
const MAX_MEMBERS: usize = 10_000;

const MEMBER_KEYS: [&str; 5] = [
    "id",
    "subscriptions",
    "owned",
    "generation",
    "group_instance_id",
];

/// Runs `strategy` (`range`, `roundrobin`, `sticky`, `cooperative-sticky`) on
/// `{"topics": {"name": partitions}, "members": [{"id", "subscriptions", "owned"?,
/// "generation"?, "group_instance_id"?}]}` and returns `{"member": [["topic", p], ...]}` with
/// members sorted by id. Errors list every problem, one per line, each naming its key.
pub fn assign_json(strategy: &str, input: &str) -> Result<String, String> {
    let strategy = AssignmentStrategy::from_name(strategy).ok_or_else(|| {
        let names: Vec<&str> = AssignmentStrategy::NAMES.to_vec();
        format!(
            "strategy: unknown assignor \"{strategy}\", expected one of {}",
            names.join(", ")
        )
    })?;
    let (topics, members) = parse(input).map_err(|errors| errors.join("\n"))?;
    let assignment = assign(strategy, &topics, &members);
    serde_json::to_string(&assignment).map_err(|e| format!("output: {e}"))
}

type Parsed = (VecMap<String, u32>, Vec<MemberSubscription>);

fn parse(input: &str) -> Result<Parsed, Vec<String>> {
    let root: Value =
        serde_json::from_str(input).map_err(|e| vec![format!("input: not valid JSON: {e}")])?;
    let Some(root) = root.as_object() else {
        return Err(vec![
            "input: expected an object with \"topics\" and \"members\"".to_string(),
        ]);
    };
    let mut errors = Vec::new();
    for key in root.keys() {
        if key != "topics" && key != "members" {
            errors.push(format!(
                "{key}: unknown key, expected \"topics\" or \"members\""
            ));
        }
    }
    let topics = parse_topics(root.get("topics"), &mut errors);
    let members = parse_members(root.get("members"), &mut errors);
    let total: u64 = topics.values().map(|n| u64::from(*n)).sum();
    if total > MAX_PARTITIONS {
        errors.push(format!(
            "topics: at most {MAX_PARTITIONS} partitions in all, got {total}"
        ));
    }
    if members.len() > MAX_MEMBERS {
        errors.push(format!(
            "members: at most {MAX_MEMBERS} members, got {}",
            members.len()
        ));
    }
    if errors.is_empty() {
        Ok((topics, members))
    } else {
        Err(errors)
    }
}

fn parse_topics(value: Option<&Value>, errors: &mut Vec<String>) -> VecMap<String, u32> {
    let mut topics = VecMap::new();
    match value {
        None => errors.push("topics: required, an object of topic name to partition count".into()),
        Some(Value::Object(map)) => {
            for (name, count) in map {
                match as_partition_number(count) {
                    Some(n) => {
                        topics.insert(name.clone(), n);
                    }
                    None => errors.push(format!(
                        "topics.{name}: expected a partition count (a whole number from 0 to 2147483647), got {count}"
                    )),
                }
            }
        }
        Some(other) => errors.push(format!(
            "topics: expected an object of topic name to partition count, got {other}"
        )),
    }
    topics
}

/// Kafka partition numbers and counts are Java ints: 0 to 2^31 - 1.
fn as_partition_number(value: &Value) -> Option<u32> {
    value
        .as_u64()
        .filter(|n| *n <= i32::MAX as u64)
        .and_then(|n| u32::try_from(n).ok())
}

fn parse_members(value: Option<&Value>, errors: &mut Vec<String>) -> Vec<MemberSubscription> {
    let list = match value {
        None => {
            errors.push("members: required, a list of members".into());
            return Vec::new();
        }
        Some(Value::Array(list)) => list,
        Some(other) => {
            errors.push(format!("members: expected a list of members, got {other}"));
            return Vec::new();
        }
    };
    let mut seen = BTreeSet::new();
    let mut members = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let path = format!("members[{i}]");
        let Some(map) = value.as_object() else {
            errors.push(format!(
                "{path}: expected an object with \"id\" and \"subscriptions\""
            ));
            continue;
        };
        if let Some(member) = parse_member(&path, map, errors) {
            if !seen.insert(member.id.clone()) {
                errors.push(format!("{path}.id: duplicate member id \"{}\"", member.id));
            }
            members.push(member);
        }
    }
    members
}

fn parse_member(
    path: &str,
    map: &Map<String, Value>,
    errors: &mut Vec<String>,
) -> Option<MemberSubscription> {
    let before = errors.len();
    for key in map.keys() {
        if !MEMBER_KEYS.contains(&key.as_str()) {
            errors.push(format!(
                "{path}.{key}: unknown key, expected one of {}",
                MEMBER_KEYS.join(", ")
            ));
        }
    }
    let id = match map.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.push(format!("{path}.id: expected a string"));
            String::new()
        }
        None => {
            errors.push(format!("{path}.id: required, the member id"));
            String::new()
        }
    };
    let subscriptions = match map.get("subscriptions") {
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            errors.push(format!(
                "{path}.subscriptions: expected a list of topic names"
            ));
            Vec::new()
        }
        None => {
            errors.push(format!(
                "{path}.subscriptions: required, a list of topic names"
            ));
            Vec::new()
        }
    };
    let owned = match map.get("owned") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut owned = Vec::new();
            for (j, item) in items.iter().enumerate() {
                match as_topic_partition(item) {
                    Some(tp) => owned.push(tp),
                    None => errors.push(format!(
                        "{path}.owned[{j}]: expected [\"topic\", partition], got {item}"
                    )),
                }
            }
            owned
        }
        Some(_) => {
            errors.push(format!(
                "{path}.owned: expected a list of [\"topic\", partition] pairs"
            ));
            Vec::new()
        }
    };
    let generation = match map.get("generation") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                errors.push(format!(
                    "{path}.generation: expected a whole number (a Java int) or null, got {v}"
                ));
                None
            }
        },
    };
    let group_instance_id = match map.get("group_instance_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => {
            errors.push(format!(
                "{path}.group_instance_id: expected a string or null, got {v}"
            ));
            None
        }
    };
    (errors.len() == before).then_some(MemberSubscription {
        id,
        subscriptions,
        owned,
        generation,
        group_instance_id,
    })
}

fn as_topic_partition(value: &Value) -> Option<TopicPartition> {
    match value.as_array().map(Vec::as_slice) {
        Some([Value::String(topic), partition]) => Some(TopicPartition::new(
            topic.clone(),
            as_partition_number(partition)?,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_over_json_returns_members_in_id_order() {
        let input = r#"{"topics": {"t0": 3, "t1": 3},
            "members": [{"id": "C1", "subscriptions": ["t0", "t1"]},
                        {"id": "C0", "subscriptions": ["t0", "t1"]}]}"#;
        assert_eq!(
            assign_json("range", input).as_deref(),
            Ok(r#"{"C0":[["t0",0],["t0",1],["t1",0],["t1",1]],"C1":[["t0",2],["t1",2]]}"#)
        );
    }

    #[test]
    fn cooperative_sticky_over_json_withholds_transferring_partitions() {
        let input = r#"{"topics": {"topic": 3}, "members": [
            {"id": "consumer1", "subscriptions": ["topic"],
             "owned": [["topic", 0], ["topic", 1], ["topic", 2]], "generation": 1},
            {"id": "consumer2", "subscriptions": ["topic"], "owned": [], "generation": 1}]}"#;
        assert_eq!(
            assign_json("cooperative-sticky", input).as_deref(),
            Ok(r#"{"consumer1":[["topic",0],["topic",1]],"consumer2":[]}"#)
        );
    }

    #[test]
    fn unknown_strategy_lists_the_valid_ones() {
        let err = assign_json("fair", "{}").unwrap_err();
        assert_eq!(
            err,
            "strategy: unknown assignor \"fair\", expected one of range, roundrobin, sticky, cooperative-sticky"
        );
    }

    #[test]
    fn invalid_json_is_refused() {
        let err = assign_json("range", "{").unwrap_err();
        assert!(err.starts_with("input: not valid JSON"), "{err}");
        let err = assign_json("range", "[]").unwrap_err();
        assert_eq!(
            err,
            "input: expected an object with \"topics\" and \"members\""
        );
    }

    #[test]
    fn every_problem_is_listed_with_its_key() {
        let input = r#"{"topics": {"t": -1, "u": 2}, "extra": 1, "members": [
            {"id": "a", "subscriptions": ["t"]},
            {"id": "b", "subscriptions": "t", "owned": [["t"]], "generation": "x", "rack": 1},
            {"id": "a", "subscriptions": []},
            {"subscriptions": [], "group_instance_id": 5},
            7]}"#;
        let err = assign_json("sticky", input).unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            vec![
                "extra: unknown key, expected \"topics\" or \"members\"",
                "topics.t: expected a partition count (a whole number from 0 to 2147483647), got -1",
                "members[1].rack: unknown key, expected one of id, subscriptions, owned, generation, group_instance_id",
                "members[1].subscriptions: expected a list of topic names",
                "members[1].owned[0]: expected [\"topic\", partition], got [\"t\"]",
                "members[1].generation: expected a whole number (a Java int) or null, got \"x\"",
                "members[2].id: duplicate member id \"a\"",
                "members[3].id: required, the member id",
                "members[3].group_instance_id: expected a string or null, got 5",
                "members[4]: expected an object with \"id\" and \"subscriptions\"",
            ]
        );
    }

    #[test]
    fn missing_topics_and_members_are_reported_together() {
        let err = assign_json("roundrobin", "{}").unwrap_err();
        assert_eq!(
            err,
            "topics: required, an object of topic name to partition count\nmembers: required, a list of members"
        );
    }

    #[test]
    fn oversized_groups_are_refused_before_running() {
        let err = assign_json(
            "range",
            r#"{"topics": {"a": 2147483647, "b": 5}, "members": []}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "topics: at most 100000 partitions in all, got 2147483652"
        );
    }

    #[test]
    fn empty_group_gives_an_empty_assignment() {
        assert_eq!(
            assign_json("sticky", r#"{"topics": {"t": 4}, "members": []}"#).as_deref(),
            Ok("{}")
        );
    }
}
