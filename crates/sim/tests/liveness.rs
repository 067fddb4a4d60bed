//! Liveness: random clusters, producers and a consumer group under faults that all heal
//! (every crashed broker restarts, every isolation ends, lost segments stop, injected errors
//! run out) within the first 20 s. Once everything has been whole for long enough, every sent
//! record has settled (acknowledged or failed, none pending) and the group is Stable with every
//! partition assigned. This is the property a broker that never recovers from a quick restart
//! breaks. Invariants are checked after every event (the `invariants` feature).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/proptest_setup.rs"]
mod proptest_setup;

use kafka_sim::node::coordinator::GroupState;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Every fault has healed by then.
const HEALED_BY_MS: u64 = 20_000;
/// How long the run goes on after that: above the broker session timeout (18 s at most), the
/// longest delivery timeout drawn (30 s) and a rebalance with 6 s sessions.
const SETTLE_MS: u64 = 60_000;

const VERSIONS: [&str; 5] = ["2.0", "2.8", "3.6", "3.9", "4.0"];
const MODES: [&str; 3] = ["fire-and-forget", "sync", "async"];
const ACKS: [&str; 3] = ["0", "1", "all"];
const STRATEGIES: [&str; 4] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

/// (mode, acks, window, records, rate, keys, delivery timeout)
type ProducerDraw = (usize, usize, u32, u64, u32, u32, u64);

fn producer(i: usize, (mode, acks, window, records, rate, keys, dt): ProducerDraw) -> String {
    format!(
        r#"{{ "name": "p{}", "topic": "orders", "send.mode": "{}", "acks": "{}",
              "max.in.flight.requests.per.connection": {window}, "records": {records},
              "records.per.sec": {rate}, "keys": {keys}, "request.timeout.ms": 5000,
              "delivery.timeout.ms": {dt} }}"#,
        i + 1,
        MODES[mode],
        ACKS[acks]
    )
}

/// One fault and its healing, both inside the first 20 s.
fn fault(brokers: u32, (kind, at, lasting, b, extra): (u8, u64, u64, u32, u32)) -> Vec<String> {
    let b = b % brokers;
    let end = (at + lasting).min(HEALED_BY_MS);
    match kind {
        0 => vec![
            format!(r#"{{ "at.ms": {at}, "do": "crash-broker", "broker": {b} }}"#),
            format!(r#"{{ "at.ms": {end}, "do": "restart-broker", "broker": {b} }}"#),
        ],
        1 => vec![format!(
            r#"{{ "at.ms": {at}, "do": "isolate-broker", "broker": {b}, "for.ms": {} }}"#,
            end - at
        )],
        2 => {
            let error = [
                "NOT_ENOUGH_REPLICAS",
                "NOT_LEADER_OR_FOLLOWER",
                "REQUEST_TIMED_OUT",
            ][extra as usize % 3];
            vec![format!(
                r#"{{ "at.ms": {at}, "do": "fail-requests", "broker": {b}, "error": "{error}", "count": {} }}"#,
                extra % 4 + 1
            )]
        }
        _ => vec![
            format!(
                r#"{{ "at.ms": {at}, "do": "set-network", "loss.rate": {} }}"#,
                f64::from(extra % 50) / 1000.0
            ),
            format!(r#"{{ "at.ms": {end}, "do": "set-network", "loss.rate": 0 }}"#),
        ],
    }
}

#[allow(clippy::too_many_arguments)]
fn scenario(
    seed: u64,
    version: usize,
    brokers: u32,
    partitions: u32,
    (rf, min_isr, unclean): (u32, u32, bool),
    producers: &[ProducerDraw],
    consumers: u32,
    strategy: usize,
    faults: &[(u8, u64, u64, u32, u32)],
) -> String {
    let version = VERSIONS[version];
    let rf = rf % brokers + 1;
    let min_isr = min_isr % rf + 1;
    let strategy = match version {
        // cooperative-sticky arrived in 2.4.
        "2.0" => strategy % 3,
        _ => strategy,
    };
    let producers: Vec<String> = producers
        .iter()
        .enumerate()
        .map(|(i, p)| producer(i, *p))
        .collect();
    let groups = if consumers == 0 {
        String::new()
    } else {
        format!(
            r#"{{ "group.id": "g1", "topics": ["orders"], "consumers": {consumers},
                  "partition.assignment.strategy": "{}", "session.timeout.ms": 6000,
                  "heartbeat.interval.ms": 1000, "max.poll.interval.ms": 10000 }}"#,
            STRATEGIES[strategy]
        )
    };
    let actions: Vec<String> = faults.iter().flat_map(|f| fault(brokers, *f)).collect();
    format!(
        r#"{{ "format": 1, "seed": {seed}, "kafka.version": "{version}",
  "duration.ms": {},
  "cluster": {{ "brokers": {brokers}, "unclean.leader.election.enable": {unclean} }},
  "network": {{ "latency.ms": 2.0, "jitter.ms": 0.5 }},
  "topics": [ {{ "name": "orders", "partitions": {partitions}, "replication.factor": {rf},
                "min.insync.replicas": {min_isr} }} ],
  "producers": [ {} ],
  "groups": [ {groups} ],
  "actions": [ {} ] }}"#,
        HEALED_BY_MS + SETTLE_MS,
        producers.join(", "),
        actions.join(", ")
    )
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let s = parse_scenario(text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
    let partitions = s.topics.iter().map(|t| t.partitions).sum::<u32>() as usize;
    let has_group = !s.groups.is_empty();
    let mut sim = Simulation::new(s);
    sim.run_to_end();
    let r = sim.report();
    for (name, p) in &r.producers {
        prop_assert_eq!(
            p.pending,
            0,
            "{} left records pending: {:?}\n{}",
            name,
            p,
            text
        );
    }
    prop_assert_eq!(r.records.pending, 0);
    if has_group {
        let g = &r.groups["g1"];
        prop_assert_eq!(g.state, GroupState::Stable, "{:?}\n{}", g, text);
        let assigned: usize = g.assignment.values().map(|a| a.len()).sum();
        prop_assert_eq!(assigned, partitions, "{:?}\n{}", g, text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_setup::config(256))]

    #[test]
    fn once_every_fault_heals_every_record_settles_and_the_group_is_stable(
        seed in any::<u64>(),
        version in 0usize..5,
        brokers in 1u32..=4,
        partitions in 1u32..=4,
        replication in (0u32..4, 0u32..4, any::<bool>()),
        producers in proptest::collection::vec(
            (0usize..3, 0usize..3, 1u32..=5, 1u64..400, 50u32..2000, 0u32..10, 10_000u64..30_000),
            1..3,
        ),
        consumers in 0u32..4,
        strategy in 0usize..4,
        faults in proptest::collection::vec(
            (0u8..4, 0u64..HEALED_BY_MS, 100u64..8_000, 0u32..4, 0u32..1000),
            0..5,
        ),
    ) {
        let text = scenario(
            seed, version, brokers, partitions, replication, &producers, consumers, strategy,
            &faults,
        );
        check(&text)?;
    }
}
