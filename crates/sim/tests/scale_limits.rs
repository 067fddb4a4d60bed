//! The scale limits (issue 15): 50 brokers, 1,000 partitions in all (up to 1,000 in one
//! topic), 50 producers and consumers in all. Each is accepted at the limit and refused one past
//! it, with the key path and the rule.

use kafka_sim::scenario::limits::{
    MAX_BROKERS, MAX_CLIENTS, MAX_CONSUMERS_PER_GROUP, MAX_PARTITIONS, MAX_PRODUCERS,
    MAX_TOTAL_PARTITIONS,
};
use kafka_sim::scenario::{resolve_scenario, Scenario, ScenarioErrors};
use serde_json::{json, Value};

fn ok(doc: Value) -> Scenario {
    match resolve_scenario(&doc) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

/// The one problem of `doc`: (path, message).
fn only_error(doc: Value) -> (String, String) {
    let e: ScenarioErrors = match resolve_scenario(&doc) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e,
    };
    assert_eq!(e.len(), 1, "{e}");
    (e.errors[0].path.clone(), e.errors[0].message.clone())
}

fn producers(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({ "name": format!("p{i}"), "records": 10 }))
        .collect()
}

fn add_consumers(n: usize) -> Vec<Value> {
    (0..n)
        .map(|_| json!({ "at.ms": 100, "do": "add-consumer", "group.id": "g" }))
        .collect()
}

#[test]
fn the_limits_are_the_issues() {
    assert_eq!(MAX_BROKERS, 50);
    assert_eq!((MAX_PARTITIONS, MAX_TOTAL_PARTITIONS), (1000, 1000));
    assert_eq!(
        (MAX_PRODUCERS, MAX_CONSUMERS_PER_GROUP, MAX_CLIENTS),
        (50, 50, 50)
    );
}

#[test]
fn fifty_brokers_are_accepted_and_fifty_one_refused() {
    let s = ok(json!({ "format": 1, "cluster": { "brokers": 50 } }));
    assert_eq!(s.cluster.brokers, 50);
    assert_eq!(
        only_error(json!({ "format": 1, "cluster": { "brokers": 51 } })),
        (
            "cluster.brokers".to_string(),
            "expected an integer from 1 to 50, got 51".to_string()
        )
    );
}

#[test]
fn a_thousand_partitions_in_one_topic_or_in_all_are_accepted_and_one_more_refused() {
    let one = |p: u32| json!({ "format": 1, "topics": [{ "name": "t", "partitions": p }] });
    assert_eq!(ok(one(1000)).topics[0].partitions, 1000);
    assert_eq!(
        only_error(one(1001)),
        (
            "topics[0].partitions".to_string(),
            "expected an integer from 1 to 1000, got 1001".to_string()
        )
    );
    let two = |a: u32, b: u32| {
        json!({ "format": 1, "topics": [
            { "name": "a", "partitions": a }, { "name": "b", "partitions": b }] })
    };
    assert_eq!(ok(two(500, 500)).topics.len(), 2);
    assert_eq!(
        only_error(two(500, 501)),
        (
            "topics".to_string(),
            "at most 1000 partitions in all topics (got 1001)".to_string()
        )
    );
}

#[test]
fn fifty_producers_are_accepted_and_fifty_one_refused() {
    let doc = |n: usize| json!({ "format": 1, "producers": producers(n) });
    assert_eq!(ok(doc(50)).producers.len(), 50);
    assert_eq!(
        only_error(doc(51)),
        (
            "producers".to_string(),
            "at most 50 producers (got 51)".to_string()
        )
    );
}

#[test]
fn fifty_producers_and_consumers_in_all_are_accepted_and_fifty_one_refused() {
    let doc = |p: usize, c: [u32; 2], adds: usize| {
        json!({ "format": 1, "producers": producers(p),
            "groups": [{ "group.id": "g", "consumers": c[0] }, { "group.id": "h", "consumers": c[1] }],
            "actions": add_consumers(adds) })
    };
    let s = ok(doc(20, [20, 10], 0));
    assert_eq!(
        s.producers.len() as u32 + s.groups[0].consumers + s.groups[1].consumers,
        50
    );
    assert_eq!(
        only_error(doc(20, [20, 11], 0)),
        (
            "groups".to_string(),
            "at most 50 producers and consumers in all (got 20 producers and 31 consumers)"
                .to_string()
        )
    );
    // add-consumer counts too: the first add past the limit is named.
    assert_eq!(ok(doc(20, [18, 10], 2)).actions.len(), 2);
    assert_eq!(
        only_error(doc(20, [18, 10], 3)),
        (
            "actions[2]".to_string(),
            "would make more than 50 producers and consumers in all".to_string()
        )
    );
}

#[test]
fn fifty_consumers_in_one_group_are_accepted_and_fifty_one_refused() {
    let doc = |n: u32| json!({ "format": 1, "groups": [{ "group.id": "g", "consumers": n }] });
    assert_eq!(ok(doc(50)).groups[0].consumers, 50);
    let (path, message) = only_error(doc(51));
    assert_eq!(path, "groups[0].consumers");
    assert_eq!(message, "expected an integer from 0 to 50, got 51");
}
