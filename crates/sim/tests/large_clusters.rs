//! Large random clusters (issue 15's scale: up to 50 brokers, 1,000 partitions and 50 clients)
//! with the named invariants checked after every event (the `invariants` feature), a broker
//! crash and its restart: every record settles once the cluster is whole again, the group ends
//! Stable with every partition assigned, and the per-producer ledger adds up to the totals.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/proptest_setup.rs"]
mod proptest_setup;

use kafka_sim::node::coordinator::GroupState;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
use proptest::prelude::*;

fn scenario(
    seed: u64,
    brokers: u32,
    topics: &[u32],
    producers: u32,
    consumers: u32,
    crashed: u32,
) -> String {
    let topic_list: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                r#"{{ "name": "t{i}", "partitions": {p}, "replication.factor": {} }}"#,
                3.min(brokers)
            )
        })
        .collect();
    let producer_list: Vec<String> = (0..producers)
        .map(|i| {
            format!(
                r#"{{ "name": "p{i}", "topic": "t{}", "records": 60, "records.per.sec": 200, "keys": 16 }}"#,
                i as usize % topics.len()
            )
        })
        .collect();
    let names: Vec<String> = (0..topics.len()).map(|i| format!(r#""t{i}""#)).collect();
    format!(
        r#"{{ "format": 1, "seed": {seed}, "duration.ms": 20000,
  "cluster": {{ "brokers": {brokers} }},
  "topics": [ {} ],
  "producers": [ {} ],
  "groups": [ {{ "group.id": "g", "topics": [ {} ], "consumers": {consumers},
                 "session.timeout.ms": 6000, "heartbeat.interval.ms": 1000 }} ],
  "actions": [ {{ "at.ms": 300, "do": "crash-broker", "broker": {} }},
               {{ "at.ms": 2000, "do": "restart-broker", "broker": {} }} ] }}"#,
        topic_list.join(", "),
        producer_list.join(", "),
        names.join(", "),
        crashed % brokers,
        crashed % brokers,
    )
}

proptest! {
    #![proptest_config(proptest_setup::config(4))]

    #[test]
    fn large_clusters_keep_their_invariants_and_settle_after_a_crash_and_restart(
        seed in any::<u64>(),
        brokers in 10u32..=50,
        topics in proptest::collection::vec(50u32..=250, 1..=4),
        producers in 1u32..=20,
        consumers in 1u32..=30,
        crashed in any::<u32>(),
    ) {
        let text = scenario(seed, brokers, &topics, producers, consumers, crashed);
        let s = parse_scenario(&text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        let partitions: usize = s.topics.iter().map(|t| t.partitions as usize).sum();
        let mut sim = Simulation::new(s);
        sim.run_to_end();
        let r = sim.report();
        prop_assert_eq!(r.records.pending, 0, "{}", text);
        prop_assert_eq!(r.records.sent, u64::from(producers) * 60);
        prop_assert_eq!(r.producers.values().map(|p| p.sent).sum::<u64>(), r.records.sent);
        let g = &r.groups["g"];
        prop_assert_eq!(g.state, GroupState::Stable, "{:?}", g);
        prop_assert_eq!(g.assignment.values().map(|a| a.len()).sum::<usize>(), partitions);
    }
}
