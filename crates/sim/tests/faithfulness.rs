//! Kafka's outcomes where an audit against Kafka's source found the simulation wrong (issue
//! #10), each pinned with its seed and exact counts. The figures before the fix are in the
//! comments. Invariants are checked after every event (the `invariants` feature).

mod common;

use common::{assert_a_clone_ends_the_same, run, time_of};
use kafka_sim::scenario::parse_scenario;

fn load(name: &str) -> kafka_sim::Scenario {
    let path = format!(
        "{}/tests/scenarios/faithful/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_scenario(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// KRaft (`ClusterControlManager.registerBroker`, `BrokerLifecycleManager`): the restarted
/// broker registers a new incarnation once the old session has expired, is fenced, catches up,
/// is unfenced, and its followers rejoin the ISR. Before: 200 of 2000 acknowledged, 1800
/// pending to the end (the broker never learned its partitions again).
#[test]
fn a_broker_restarted_before_it_was_fenced_rejoins_and_every_record_is_acknowledged() {
    let (r, events, _) = run(load("restart_before_fencing"));
    assert_eq!(r.records.sent, 2000);
    assert_eq!(r.records.acknowledged, 2000);
    assert_eq!(
        (r.records.pending, r.records.failed, r.records.lost),
        (0, 0, 0)
    );
    let registered = time_of(&events, "broker 1 registered a new incarnation").unwrap();
    let unfenced = time_of(&events, "broker 1 heartbeats again: unfenced").unwrap();
    assert!(registered >= 9000.0 && unfenced < 9010.0, "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| e.ends_with("ISR of orders-1 is now [0, 1, 2]")),
        "broker 1 is back in the ISR: {events:#?}"
    );
}

/// Restarted at 5 s, inside the old incarnation's 9 s session: refused twice
/// (DUPLICATE_BROKER_REGISTRATION, retried every broker.heartbeat.interval.ms), accepted once
/// the session expired. A quick restart costs seconds, not the run.
#[test]
fn a_restart_inside_the_old_session_is_refused_until_the_session_expires() {
    let (r, events, _) = run(load("restart_within_session"));
    let refused = events
        .iter()
        .filter(|e| e.contains("DUPLICATE_BROKER_REGISTRATION"))
        .count();
    assert_eq!(refused, 2);
    // A clone taken while the broker waits to register runs on the same.
    assert_a_clone_ends_the_same(load("restart_within_session"), 6_000_000);
    let registered = time_of(&events, "broker 1 registered a new incarnation").unwrap();
    assert!((9000.0..9010.0).contains(&registered), "{registered}");
    assert_eq!(r.records.acknowledged, 2000);
}

/// acks=0: the dead leader's connection resets, the sender drains nothing to it, the broker
/// that comes back as a follower closes the connection on NOT_LEADER_OR_FOLLOWER
/// (`KafkaApis.handleProduceRequest`), and each disconnect refreshes metadata. Before: 600 of
/// 3000 lost.
#[test]
fn acks_0_finds_the_new_leader_and_loses_only_what_was_on_the_wire() {
    let (r, _, _) = run(load("acks0_leader_crash_and_return"));
    assert_eq!(r.records.sent, 3000);
    assert_eq!(r.records.lost, 1);
    assert_eq!(r.records.delivered, 2999);
    assert_eq!((r.records.failed, r.records.pending), (0, 0));
}

/// The Sender only drains batches to ready nodes: while the leader is dead its batches wait
/// (costing no attempts) and go to the new leader. Before: 401 of 3000 failed with retries=2.
#[test]
fn a_dead_leader_uses_up_no_retries() {
    let (r, _, _) = run(load("dead_leader_retries_2"));
    assert_eq!(r.records.acknowledged, 3000);
    assert_eq!(r.records.failed, 0);
}

/// Kafka 2.0's defaults (retries=0): only the one batch in flight at the crash fails. Before:
/// 268 of 3000 failed.
#[test]
fn with_retries_0_only_the_batch_in_flight_at_the_crash_fails() {
    let (r, events, _) = run(load("dead_leader_2.0_defaults"));
    assert_eq!(r.records.failed, 1);
    assert_eq!(r.records.acknowledged, 2999);
    assert!(events
        .iter()
        .any(|e| e.ends_with("a batch of 1 records to orders-1 failed: NETWORK_EXCEPTION")));
}

/// Before KIP-91 (2.1) batches expire in the accumulator after request.timeout.ms
/// (`ProducerBatch.maybeExpire`): orders-1 (RF 1) is gone, so its 600 records fail 30 s after
/// they were batched. Before: 600 pending to the end. From 2.1 they wait for
/// delivery.timeout.ms, which a 60 s run does not reach.
#[test]
fn before_2_1_batches_for_a_partition_without_leader_expire_after_request_timeout() {
    let (r, events, _) = run(load("accumulator_expiry_2.0"));
    assert_eq!(r.records.failed, 600);
    assert_eq!(r.records.pending, 0);
    let first = time_of(
        &events,
        "expired in the accumulator after request.timeout.ms",
    )
    .unwrap();
    assert!((33_000.0..33_200.0).contains(&first), "{first}");

    let mut s = load("accumulator_expiry_2.0");
    s.kafka_version = kafka_sim::scenario::KafkaVersion::new(2, 1);
    let (r, _, _) = run(s);
    assert_eq!((r.records.failed, r.records.pending), (0, 600));
}

/// KAFKA-17927: Kafka 4.0 refuses max.in.flight.requests.per.connection above 5 when
/// idempotence is on by default; 3.9 only switched idempotence off.
#[test]
fn kafka_4_0_refuses_a_window_above_5_with_default_idempotence() {
    let doc = |v: &str| {
        format!(
            r#"{{"format":1,"kafka.version":"{v}","producers":[{{"max.in.flight.requests.per.connection":6}}]}}"#
        )
    };
    let err = parse_scenario(&doc("4.0")).expect_err("4.0 refuses it");
    assert!(
        err.to_string()
            .contains("producers[0].max.in.flight.requests.per.connection: at most 5 in Kafka 4.0"),
        "{err}"
    );
    let ok = parse_scenario(&doc("3.9")).expect("3.9 takes it");
    assert!(!ok.producers[0].enable_idempotence);
}

#[test]
fn a_lagging_follower_leaves_the_isr_at_the_leaders_next_check_which_runs_every_half_lag_time() {
    // replica.lag.time.max.ms 10 s: the leader checks its followers every 5 s (Kafka's
    // "isr-expiration" task, `ReplicaManager.startup`). Broker 2 is cut off at 2.3 s and stays
    // registered (its session outlasts the cut), so only that check can drop it: out of sync
    // from 12.3 s, dropped at the check at 15 s, not at the next second.
    let scenario = parse_scenario(
        r#"{ "format": 1, "seed": 5, "kafka.version": "3.9", "duration.ms": 30000,
             "cluster": { "brokers": 3, "replica.lag.time.max.ms": 10000,
                          "broker.session.timeout.ms": 60000 },
             "topics": [ { "name": "orders", "partitions": 1, "replication.factor": 3 } ],
             "producers": [ { "name": "p1", "topic": "orders", "send.mode": "async",
                              "records": 2500, "records.per.sec": 100, "acks": "1" } ],
             "actions": [ { "at.ms": 2300, "do": "isolate-broker", "broker": 2,
                            "for.ms": 20000 } ] }"#,
    )
    .expect("a valid scenario");
    let (_, events, _) = run(scenario);
    let shrinks: Vec<&String> = events
        .iter()
        .filter(|e| e.ends_with("ISR of orders-0 is now [0, 1]"))
        .collect();
    assert_eq!(shrinks, ["15004.273 ISR of orders-0 is now [0, 1]"]);
}
