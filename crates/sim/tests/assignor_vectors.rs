//! Every assignor case of `kafka-vectors.json` (taken from Kafka's own unit tests, each naming
//! its test in `source`) run through our assignors. All failures are collected and printed
//! with their source before the test fails.

use kafka_sim::kafka::assignor::java::java_hashmap_order;
use kafka_sim::kafka::assignor::{
    assign, cooperative_rebalance_until_stable, cooperative_sticky_assign, sticky_assign,
    Assignment, MemberSubscription, TopicPartition,
};
use kafka_sim::scenario::AssignmentStrategy;
use kafka_sim::support::vec_map::VecMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const VECTORS: &str = include_str!("data/kafka-vectors.json");

fn vectors() -> Vec<Value> {
    match serde_json::from_str::<Value>(VECTORS) {
        Ok(Value::Array(list)) => list,
        other => panic!("kafka-vectors.json is not a JSON list: {other:?}"),
    }
}

fn tp(v: &Value) -> Result<TopicPartition, String> {
    match v.as_array().map(Vec::as_slice) {
        Some([Value::String(t), Value::Number(p)]) => p
            .as_u64()
            .and_then(|p| u32::try_from(p).ok())
            .map(|p| TopicPartition::new(t.clone(), p))
            .ok_or_else(|| format!("bad partition in {v}")),
        _ => Err(format!("bad topic-partition {v}")),
    }
}

fn tp_list(v: &Value) -> Result<Vec<TopicPartition>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))?
        .iter()
        .map(tp)
        .collect()
}

fn assignment_of(v: &Value) -> Result<Assignment, String> {
    v.as_object()
        .ok_or_else(|| format!("expected an object, got {v}"))?
        .iter()
        .map(|(m, list)| Ok((m.clone(), tp_list(list)?)))
        .collect()
}

struct Case {
    source: String,
    strategy: AssignmentStrategy,
    topics: VecMap<String, u32>,
    members: Vec<MemberSubscription>,
    raw: Value,
}

fn parse_case(v: &Value) -> Result<Case, String> {
    let source = v["source"].as_str().unwrap_or("?").to_string();
    let name = v["assignor"].as_str().ok_or("no assignor")?;
    let strategy = AssignmentStrategy::from_name(name).ok_or(format!("unknown assignor {name}"))?;
    let topics = v["topics"]
        .as_object()
        .ok_or("no topics")?
        .iter()
        .map(|(t, n)| Ok((t.clone(), n.as_u64().ok_or("bad count")? as u32)))
        .collect::<Result<_, String>>()?;
    let mut members = Vec::new();
    for m in v["members"].as_array().ok_or("no members")? {
        members.push(MemberSubscription {
            id: m["id"].as_str().ok_or("member without id")?.to_string(),
            subscriptions: m["subscriptions"]
                .as_array()
                .ok_or("no subscriptions")?
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect(),
            owned: match m.get("owned") {
                Some(o) => tp_list(o)?,
                None => Vec::new(),
            },
            generation: m
                .get("generation")
                .and_then(Value::as_i64)
                .map(|g| g as i32),
            group_instance_id: m
                .get("group_instance_id")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    Ok(Case {
        source,
        strategy,
        topics,
        members,
        raw: v.clone(),
    })
}

fn sorted(list: &[TopicPartition]) -> Vec<TopicPartition> {
    let mut l = list.to_vec();
    l.sort();
    l
}

fn compare(label: &str, ordered: bool, got: &Assignment, want: &Assignment) -> Result<(), String> {
    let got_keys: BTreeSet<&String> = got.keys().collect();
    let want_keys: BTreeSet<&String> = want.keys().collect();
    if got_keys != want_keys {
        return Err(format!(
            "{label}: members {got_keys:?}, expected {want_keys:?}"
        ));
    }
    for (member, list) in want {
        let mine = got.get(member).map(Vec::as_slice).unwrap_or(&[]);
        let same = if ordered {
            mine == list.as_slice()
        } else {
            sorted(mine) == sorted(list)
        };
        if !same {
            return Err(format!("{label}: {member} got {mine:?}, expected {list:?}"));
        }
    }
    Ok(())
}

fn fmt_list(l: &[TopicPartition]) -> String {
    let parts: Vec<String> = l.iter().map(ToString::to_string).collect();
    parts.join(",")
}

/// Checks one named property of `result` (a case's `expected_properties`: what its Kafka test
/// asserts when it checks properties, not exact lists). Unknown names fail.
fn check_property(
    name: &str,
    case: &Case,
    result: &Assignment,
    transferring: &VecMap<TopicPartition, String>,
) -> Result<(), String> {
    let sizes: Vec<usize> = result.values().map(Vec::len).collect();
    let min = sizes.iter().copied().min().unwrap_or(0);
    let max = sizes.iter().copied().max().unwrap_or(0);
    let owned: BTreeMap<&str, BTreeSet<&TopicPartition>> = case
        .members
        .iter()
        .map(|m| (m.id.as_str(), m.owned.iter().collect()))
        .collect();
    let subs: BTreeMap<&str, BTreeSet<&str>> = case
        .members
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.subscriptions.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let all_sizes = |k: usize| sizes.iter().all(|s| *s == k);
    let keeps = |member: &str| -> bool {
        let mine: BTreeSet<&TopicPartition> = result.get(member).into_iter().flatten().collect();
        owned
            .get(member)
            .is_some_and(|o| o.iter().all(|tp| mine.contains(tp)))
    };
    let subset = |member: &str| -> bool {
        let o = owned.get(member).cloned().unwrap_or_default();
        result
            .get(member)
            .into_iter()
            .flatten()
            .all(|tp| o.contains(tp))
    };
    let no_twice = || {
        let mut seen = BTreeSet::new();
        result.values().flatten().all(|tp| seen.insert(tp))
    };
    let ok = match name {
        "valid" => {
            let mut seen = BTreeMap::new();
            let mut fine = case.members.iter().all(|m| result.contains_key(&m.id));
            for (member, list) in result {
                for tp in list {
                    fine &= seen.insert(tp.clone(), member).is_none();
                    fine &= subs
                        .get(member.as_str())
                        .is_some_and(|s| s.contains(tp.topic.as_str()));
                }
            }
            for (topic, n) in &case.topics {
                if subs.values().any(|s| s.contains(topic.as_str())) {
                    fine &=
                        (0..*n).all(|p| seen.contains_key(&TopicPartition::new(topic.clone(), p)));
                }
            }
            fine
        }
        "fully_balanced" => max <= min + 1,
        "balanced_or_no_movable_partition" => {
            let mut fine = true;
            for (a, la) in result {
                for (b, lb) in result {
                    if la.len() >= lb.len() + 2 {
                        let b_subs = subs.get(b.as_str()).cloned().unwrap_or_default();
                        fine &= !la.iter().any(|tp| b_subs.contains(tp.topic.as_str()));
                        let _ = a;
                    }
                }
            }
            fine
        }
        "no_partition_assigned_twice" | "members_disjoint" => no_twice(),
        "each_member_keeps_owned" => case.members.iter().all(|m| keeps(&m.id)),
        "each_member_subset_of_owned" => case.members.iter().all(|m| subset(&m.id)),
        "no_partitions_transferring_ownership" => transferring.is_empty(),
        _ => {
            if let Some(k) = name.strip_prefix("each_member_exactly_") {
                all_sizes(k.parse().map_err(|_| format!("bad property {name}"))?)
            } else if let Some(k) = name.strip_prefix("sizes_equal_") {
                all_sizes(k.parse().map_err(|_| format!("bad property {name}"))?)
            } else if let Some(k) = name.strip_prefix("each_member_at_most_") {
                let k: usize = k.parse().map_err(|_| format!("bad property {name}"))?;
                max <= k
            } else if let Some(range) = name.strip_prefix("each_member_between_") {
                let (lo, hi) = range
                    .split_once("_and_")
                    .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
                    .ok_or(format!("bad property {name}"))?;
                sizes.iter().all(|s| (lo..=hi).contains(s))
            } else if let Some(list) = name.strip_prefix("sizes_multiset=") {
                let mut want: Vec<usize> = list
                    .split(',')
                    .map(|k| k.parse().map_err(|_| format!("bad property {name}")))
                    .collect::<Result<_, _>>()?;
                want.sort_unstable();
                let mut got = sizes.clone();
                got.sort_unstable();
                got == want
            } else if let Some(spec) = name.strip_prefix("per_topic_count_each_member:") {
                let (topic, k) = spec
                    .split_once('=')
                    .and_then(|(t, k)| Some((t, k.parse::<usize>().ok()?)))
                    .ok_or(format!("bad property {name}"))?;
                result
                    .values()
                    .all(|l| l.iter().filter(|tp| tp.topic == topic).count() == k)
            } else if let Some(member) = name.strip_suffix("_keeps_owned") {
                result.contains_key(member) && keeps(member)
            } else if let Some(member) = name.strip_suffix("_subset_of_owned") {
                result.contains_key(member) && subset(member)
            } else {
                return Err(format!("unknown property {name}"));
            }
        }
    };
    if ok {
        Ok(())
    } else {
        let shown: Vec<String> = result
            .iter()
            .map(|(m, l)| format!("{m}: [{}]", fmt_list(l)))
            .collect();
        Err(format!("property {name} fails on {}", shown.join("; ")))
    }
}

fn check_case(case: &Case, checked_observed: &std::cell::Cell<usize>) -> Vec<String> {
    let mut problems = Vec::new();
    let v = &case.raw;
    let result = assign(case.strategy, &case.topics, &case.members);
    let outcome = match case.strategy {
        AssignmentStrategy::Sticky => Some(sticky_assign(&case.topics, &case.members)),
        AssignmentStrategy::CooperativeSticky => {
            Some(cooperative_sticky_assign(&case.topics, &case.members))
        }
        _ => None,
    };
    let transferring = outcome
        .as_ref()
        .map(|o| o.partitions_transferring_ownership.clone())
        .unwrap_or_default();
    let after_followup = if case.strategy == AssignmentStrategy::CooperativeSticky {
        cooperative_rebalance_until_stable(&case.topics, &case.members)
            .last()
            .cloned()
    } else {
        None
    };
    let ordered = v.get("compare").and_then(Value::as_str) == Some("ordered");

    if let Some(order) = v.get("java_hashmap_member_order").and_then(Value::as_array) {
        let want: Vec<&str> = order.iter().filter_map(Value::as_str).collect();
        let got = java_hashmap_order(case.members.iter().map(|m| m.id.as_str()));
        if got != want {
            problems.push(format!(
                "java_hashmap_member_order: got {got:?}, expected {want:?}"
            ));
        }
    }
    if let Some(expected) = v.get("expected") {
        match assignment_of(expected) {
            Ok(want) => {
                if let Err(e) = compare("expected", ordered, &result, &want) {
                    problems.push(e);
                }
            }
            Err(e) => problems.push(format!("expected: {e}")),
        }
    }
    if let Some(partial) = v.get("expected_partial") {
        match assignment_of(partial) {
            Ok(want) => {
                for (member, list) in &want {
                    let mine = result.get(member).map(Vec::as_slice).unwrap_or(&[]);
                    if sorted(mine) != sorted(list) {
                        problems.push(format!(
                            "expected_partial: {member} got [{}], expected [{}]",
                            fmt_list(mine),
                            fmt_list(list)
                        ));
                    }
                }
            }
            Err(e) => problems.push(format!("expected_partial: {e}")),
        }
    }
    if let Some(expected) = v.get("expected_after_followup") {
        match (assignment_of(expected), &after_followup) {
            (Ok(want), Some(got)) => {
                if let Err(e) = compare("expected_after_followup", false, got, &want) {
                    problems.push(e);
                }
            }
            (Err(e), _) => problems.push(format!("expected_after_followup: {e}")),
            (_, None) => problems.push("expected_after_followup on a non-cooperative case".into()),
        }
    }
    // Not asserted by Kafka's tests, but recorded from Kafka's real assignors: matching them
    // shows the general algorithm is exact, not merely valid.
    if let Some(observed) = v.get("observed_kafka_output") {
        checked_observed.set(checked_observed.get() + 1);
        match assignment_of(observed) {
            Ok(want) => {
                if let Err(e) = compare("observed_kafka_output", false, &result, &want) {
                    problems.push(e);
                }
            }
            Err(e) => problems.push(format!("observed_kafka_output: {e}")),
        }
    }
    if let Some(observed) = v.get("observed_kafka_output_after_followup") {
        match (assignment_of(observed), &after_followup) {
            (Ok(want), Some(got)) => {
                if let Err(e) = compare("observed_kafka_output_after_followup", false, got, &want) {
                    problems.push(e);
                }
            }
            (Err(e), _) => problems.push(format!("observed_kafka_output_after_followup: {e}")),
            (_, None) => problems.push("observed after follow-up on a non-cooperative case".into()),
        }
    }
    if let Some(list) = v
        .get("expected_partitions_transferring_ownership")
        .and_then(Value::as_array)
    {
        let want: VecMap<TopicPartition, String> = list
            .iter()
            .filter_map(|e| match e.as_array().map(Vec::as_slice) {
                Some([Value::String(t), Value::Number(p), Value::String(m)]) => Some((
                    TopicPartition::new(t.clone(), p.as_u64()? as u32),
                    m.clone(),
                )),
                _ => None,
            })
            .collect();
        if want.len() != list.len() {
            problems.push("expected_partitions_transferring_ownership: unreadable".into());
        } else if want != transferring {
            problems.push(format!(
                "partitions transferring ownership: got {transferring:?}, expected {want:?}"
            ));
        }
    }
    if let Some(props) = v.get("expected_properties").and_then(Value::as_array) {
        let on_followup = v.get("properties_apply_to").is_some();
        let state = match (&after_followup, on_followup) {
            (Some(s), true) => s,
            _ => &result,
        };
        for p in props {
            let name = p.as_str().unwrap_or("<not a string>");
            if let Err(e) = check_property(name, case, state, &transferring) {
                problems.push(e);
            }
        }
    }
    problems
}

#[test]
fn every_kafka_assignor_vector_passes() {
    let mut failures = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let observed = std::cell::Cell::new(0);
    for v in vectors() {
        if v.get("kind").and_then(Value::as_str) != Some("assignor") {
            continue;
        }
        let case = match parse_case(&v) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: unreadable case: {e}", v["source"]));
                continue;
            }
        };
        *counts.entry(case.strategy.name().to_string()).or_default() += 1;
        for problem in check_case(&case, &observed) {
            failures.push(format!(
                "[{}] {}\n    {problem}",
                case.strategy.name(),
                case.source
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    let expected_counts: BTreeMap<String, usize> = [
        ("cooperative-sticky", 31),
        ("range", 12),
        ("roundrobin", 9),
        ("sticky", 38),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(counts, expected_counts);
    assert_eq!(observed.get(), 34, "cases carrying Kafka's observed output");
}

#[test]
fn unknown_property_names_fail() {
    let case = Case {
        source: "test".into(),
        strategy: AssignmentStrategy::Range,
        topics: VecMap::new(),
        members: Vec::new(),
        raw: Value::Null,
    };
    let err = check_property("perfectly_fair", &case, &Assignment::new(), &VecMap::new());
    assert_eq!(err, Err("unknown property perfectly_fair".to_string()));
}
