//! Property test over random consumer-group timelines (join, leave, kill, stall, broker
//! crash, partitions added) with every assignor: nothing panics, the group invariants hold
//! after every event (the `invariants` feature), and the consumed figures add up.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/proptest_setup.rs"]
mod proptest_setup;

use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const STRATEGIES: [&str; 4] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

/// One timeline entry; the consumer is one of those present from the start (the reader
/// refuses names that do not exist yet).
fn action(consumers: u32, (at, kind, c, for_ms): (u64, u8, u32, u64)) -> String {
    {
        let consumer = format!("g1-c{}", c % consumers + 1);
        match kind {
            0 => format!(r#"{{ "at.ms": {at}, "do": "add-consumer", "group.id": "g1" }}"#),
            1 => format!(
                r#"{{ "at.ms": {at}, "do": "remove-consumer", "group.id": "g1", "consumer": "{consumer}" }}"#
            ),
            2 => format!(
                r#"{{ "at.ms": {at}, "do": "kill-consumer", "group.id": "g1", "consumer": "{consumer}" }}"#
            ),
            3 => format!(
                r#"{{ "at.ms": {at}, "do": "stall-consumer", "group.id": "g1", "consumer": "{consumer}", "for.ms": {for_ms} }}"#
            ),
            _ => format!(
                r#"{{ "at.ms": {at}, "do": "crash-broker", "broker": {} }}"#,
                c % 3
            ),
        }
    }
}

proptest! {
    #![proptest_config(proptest_setup::config(24))]
    #[test]
    fn random_group_timelines_keep_the_group_invariants(
        seed in 0u64..1_000_000,
        strategy in 0usize..4,
        consumers in 1u32..5,
        partitions in 1u32..7,
        version in prop_oneof![Just("3.9"), Just("2.3"), Just("0.10.0")],
        actions in proptest::collection::vec((0u64..25_000, 0u8..5, 0u32..4, 1_000u64..20_000), 0..6),
        grow in proptest::option::of((0u64..25_000, 1u32..4)),
    ) {
        // Assignors a version has: sticky since 0.11, cooperative-sticky since 2.4;
        // max.poll.interval.ms since 0.10.1.
        let strategy = match version {
            "0.10.0" => strategy % 2,
            "2.3" => strategy % 3,
            _ => strategy,
        };
        let poll_interval = if version == "0.10.0" { "" } else { r#""max.poll.interval.ms": 6000,"# };
        let mut timeline: Vec<String> = actions.iter().map(|a| action(consumers, *a)).collect();
        if let Some((at, more)) = grow {
            timeline.push(format!(
                r#"{{ "at.ms": {at}, "do": "add-partitions", "topic": "orders", "partitions": {} }}"#,
                partitions + more
            ));
        }
        let partitions_at_end = partitions + grow.map_or(0, |(_, more)| more);
        let text = format!(
            r#"{{ "format": 1, "seed": {seed}, "kafka.version": "{version}", "duration.ms": 40000,
  "cluster": {{ "brokers": 3 }},
  "topics": [ {{ "name": "orders", "partitions": {partitions}, "replication.factor": 3, "min.insync.replicas": 1 }} ],
  "producers": [ {{ "name": "p1", "topic": "orders", "records": 3000, "records.per.sec": 300, "keys": 8, "acks": "all" }} ],
  "groups": [ {{ "group.id": "g1", "topics": ["orders"], "consumers": {consumers},
                "partition.assignment.strategy": "{}", "session.timeout.ms": 6000,
                "heartbeat.interval.ms": 1000, {poll_interval}
                "metadata.max.age.ms": 3000, "auto.offset.reset": "earliest" }} ],
  "actions": [ {} ] }}"#,
            STRATEGIES[strategy],
            timeline.join(", ")
        );
        let scenario = parse_scenario(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let mut sim = Simulation::new(scenario);
        sim.run_to_end();
        let r = sim.report();
        // Distinct offsets delivered: at most the committed log (duplicates included).
        prop_assert!(
            r.consumed.records <= r.records.sent + r.records.duplicated,
            "{:?} {:?}", r.consumed, r.records
        );
        if actions.is_empty() {
            prop_assert!(r.rebalances >= 1);
        }
        let g = &r.groups["g1"];
        // Every member of the coordinator's group has an entry, possibly empty.
        let assigned: usize = g.assignment.values().map(|a| a.len()).sum();
        // The controller refuses new partitions while fewer brokers than the replication
        // factor are registered (a crashed one is fenced after its session timeout).
        let now = sim.topology().partitions.len() as u32;
        prop_assert!(now == partitions || now == partitions_at_end, "{} partitions", now);
        prop_assert!(assigned <= now as usize);
    }
}
