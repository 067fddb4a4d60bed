//! Consumer groups on scenarios with pinned seeds: assignment, rebalances on kill, stall,
//! join and coordinator crash, eager vs cooperative, offsets and redelivery, heartbeats from
//! poll() before 0.10.1. Invariants are checked after every event (the `invariants` feature).

use kafka_sim::group_view::GroupView;
use kafka_sim::protocol::{MessageKind, NodeId};
use kafka_sim::scenario::parse_scenario;
use kafka_sim::{ActionKind, Report, Simulation};

/// A 3-broker cluster, topic `orders` with `partitions`, one producer sending `records` at
/// 500/s, and group `g1` with `group` extra keys (JSON members, without braces).
fn scenario(
    version: &str,
    partitions: u32,
    records: u32,
    group: &str,
    actions: &str,
    duration_ms: u64,
) -> kafka_sim::Scenario {
    let text = format!(
        r#"{{ "format": 1, "seed": 11, "kafka.version": "{version}", "duration.ms": {duration_ms},
  "cluster": {{ "brokers": 3 }},
  "topics": [ {{ "name": "orders", "partitions": {partitions}, "replication.factor": 3, "min.insync.replicas": 2 }} ],
  "producers": [ {{ "name": "p1", "topic": "orders", "records": {records}, "records.per.sec": 500, "keys": 16 }} ],
  "groups": [ {{ "group.id": "g1", "topics": ["orders"], "auto.offset.reset": "earliest", {group} }} ],
  "actions": [ {actions} ] }}"#
    );
    parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn run(s: kafka_sim::Scenario) -> (Report, Vec<String>, Simulation) {
    let mut sim = Simulation::new(s);
    let mut events = Vec::new();
    while !sim.is_finished() {
        let next = sim.now_us() + 1_000_000;
        sim.advance_to(next);
        events.extend(
            sim.take_events()
                .into_iter()
                .map(|e| format!("{:.3} {}", e.time_us as f64 / 1000.0, e.text)),
        );
    }
    (sim.report(), events, sim)
}

fn group(sim: &Simulation) -> GroupView {
    sim.view().groups.into_iter().next().expect("one group")
}

/// Partitions per member, in member order.
fn shares(r: &Report) -> Vec<usize> {
    r.groups["g1"].assignment.values().map(|a| a.len()).collect()
}

fn time_of(events: &[String], needle: &str) -> Option<f64> {
    events
        .iter()
        .find(|e| e.contains(needle))
        .and_then(|e| e.split(' ').next())
        .and_then(|t| t.parse().ok())
}

#[test]
fn four_partitions_with_one_consumer_all_go_to_it() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 1"#, "", 10_000));
    assert_eq!(shares(&r), vec![4]);
    assert_eq!(r.groups["g1"].generation, 1);
    assert_eq!(r.rebalances, 1);
    assert_eq!(r.consumed.records, 2000);
    assert_eq!(r.consumed.redelivered, 0);
}

#[test]
fn four_partitions_with_two_consumers_split_two_and_two() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 2"#, "", 10_000));
    assert_eq!(shares(&r), vec![2, 2]);
    assert_eq!(r.consumed.records, 2000);
}

#[test]
fn four_partitions_with_three_consumers_split_two_one_one() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 3"#, "", 10_000));
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![1, 1, 2]);
    assert_eq!(r.consumed.records, 2000);
}

#[test]
fn four_partitions_with_five_consumers_leave_one_idle_with_an_empty_assignment() {
    let (r, _, sim) = run(scenario("3.9", 4, 2000, r#""consumers": 5"#, "", 10_000));
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![0, 1, 1, 1, 1]);
    assert_eq!(r.groups["g1"].assignment.len(), 5);
    let idle: Vec<_> = group(&sim)
        .members
        .into_iter()
        .filter(|m| m.owned.is_empty())
        .collect();
    assert_eq!(idle.len(), 1);
    assert_eq!(idle[0].delivered, 0);
    assert_eq!(r.consumed.records, 2000);
}
