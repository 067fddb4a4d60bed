//! A Java and a librdkafka producer on one topic, pinned seeds: where each puts the same keys
//! (`rdkafka_msg.c`'s partitioners against the Java client's murmur2), and librdkafka's sticky
//! null-key placement. Invariants are checked after every event (the `invariants` feature).

mod common;

use common::{assert_a_clone_ends_the_same, run, time_of};
use kafka_sim::scenario::parse_scenario;
use std::collections::BTreeSet;

/// 3 brokers, `orders` with 6 partitions; `java` and `python` (librdkafka) each send 1200
/// records at 200/s cycling through 24 keys (`key-0`..`key-23`); group `g1` reads everything.
/// `python` adds keys (JSON members).
fn two_clients(python: &str) -> kafka_sim::Scenario {
    let text = format!(
        r#"{{ "format": 1, "seed": 5, "kafka.version": "3.9", "duration.ms": 12000,
  "cluster": {{ "brokers": 3 }},
  "topics": [ {{ "name": "orders", "partitions": 6, "replication.factor": 3 }} ],
  "producers": [
    {{ "name": "java", "records": 1200, "records.per.sec": 200, "keys": 24 }},
    {{ "name": "python", "client": "librdkafka", "records": 1200, "records.per.sec": 200,
       "keys": 24 {python} }} ],
  "groups": [ {{ "group.id": "g1", "consumers": 2, "client": "librdkafka",
                 "auto.offset.reset": "earliest" }} ] }}"#
    );
    parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Keys whose records sit in more than one partition, over both producers.
fn split_keys(sim: &kafka_sim::Simulation, keys: u64) -> usize {
    let ledger = sim.ledger();
    (0..keys)
        .filter(|&k| {
            let parts: BTreeSet<u32> = ledger
                .producers
                .iter()
                .flat_map(|p| {
                    p.entries
                        .iter()
                        .enumerate()
                        .filter(move |(i, _)| *i as u64 % keys == k)
                        .map(|(_, e)| e.partition)
                })
                .collect();
            parts.len() > 1
        })
        .count()
}

#[test]
fn a_java_and_a_librdkafka_producer_split_most_keys_across_partitions() {
    let (r, _, sim) = run(two_clients(""));
    assert_eq!(r.records.sent, 2400);
    assert_eq!(r.records.acknowledged, 2400);
    // 18 of the 24 keys: CRC32 and murmur2 agree on 6 partitions for 6 of them.
    assert_eq!(split_keys(&sim, 24), 18);
    assert_eq!(r.consumed.records, 2400);
}

#[test]
fn with_murmur2_random_no_key_is_split() {
    let (r, _, sim) = run(two_clients(r#", "partitioner": "murmur2_random""#));
    assert_eq!(r.records.acknowledged, 2400);
    assert_eq!(split_keys(&sim, 24), 0);
}

#[test]
fn librdkafkas_random_partitioner_scatters_every_key() {
    let (r, _, sim) = run(two_clients(r#", "partitioner": "random""#));
    assert_eq!(r.records.acknowledged, 2400);
    assert_eq!(split_keys(&sim, 24), 24);
}

/// One producer of `client` writing 2000 records at 2000/s to a single partition (3 brokers,
/// 25 ms each way, as measured: 50 ms round trip) with `max.in.flight` 1; its leader answers
/// the first Produce request after 100 ms with NOT_ENOUGH_REPLICAS. `extra` adds keys.
fn window_one(client: &str, extra: &str) -> kafka_sim::Scenario {
    let text = format!(
        r#"{{ "format": 1, "seed": 9, "kafka.version": "3.9", "duration.ms": 8000,
  "cluster": {{ "brokers": 3 }}, "network": {{ "latency.ms": 25, "jitter.ms": 0 }},
  "topics": [ {{ "name": "orders", "partitions": 1, "replication.factor": 3 }} ],
  "producers": [ {{ "name": "p1", "client": "{client}", "records": 2000,
    "records.per.sec": 2000, "keys": 0, "linger.ms": 5,
    "max.in.flight.requests.per.connection": 1 {extra} }} ],
  "actions": [ {{ "at.ms": 100, "do": "fail-requests", "broker": 0,
                  "error": "NOT_ENOUGH_REPLICAS", "count": 1 }} ] }}"#
    );
    parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn librdkafka_reorders_after_a_retriable_error_even_with_one_request_in_flight() {
    let s = window_one("librdkafka", r#", "enable.idempotence": false"#);
    let (r, events, _) = run(s.clone());
    assert!(
        time_of(&events, "NOT_ENOUGH_REPLICAS").is_some(),
        "{events:?}"
    );
    // Cloned while a request is parked in the output queue, the run ends the same.
    assert_a_clone_ends_the_same(s, 120_000);
    assert_eq!(r.records.acknowledged, 2000);
    assert_eq!(r.records.duplicated, 0);
    // The failed request's 11 records were written after the parked request behind them.
    assert_eq!(r.records.reordered, 11);
}

#[test]
fn the_java_client_keeps_order_with_one_request_in_flight() {
    let (r, events, _) = run(window_one("java", r#", "enable.idempotence": false"#));
    assert!(
        events.iter().any(|e| e.contains("NOT_ENOUGH_REPLICAS")),
        "{events:?}"
    );
    assert_eq!(r.records.acknowledged, 2000);
    assert_eq!(r.records.reordered, 0);
}

#[test]
fn with_idempotence_neither_client_reorders() {
    for client in ["java", "librdkafka"] {
        let (r, events, _) = run(window_one(client, r#", "enable.idempotence": true"#));
        assert!(
            events.iter().any(|e| e.contains("NOT_ENOUGH_REPLICAS")),
            "{client}"
        );
        assert_eq!(r.records.acknowledged, 2000, "{client}");
        assert_eq!(
            (r.records.reordered, r.records.duplicated),
            (0, 0),
            "{client}"
        );
    }
}

/// One producer of `client` writing 2000 records as fast as it can (20000/s) to a single
/// partition, 50 ms round trip, batches of 50 records (librdkafka `batch.num.messages`, Java
/// `batch.size` for 50 such records). Returns the ms from the first send to the last
/// acknowledgement.
fn pipelining_ms(client: &str, extra: &str) -> u64 {
    let batch = if client == "librdkafka" {
        r#""batch.num.messages": 50"#
    } else {
        // 50 records of 192 bytes (Kafka's upper-bound estimate) and the batch header.
        r#""batch.size": 9661"#
    };
    let text = format!(
        r#"{{ "format": 1, "seed": 9, "kafka.version": "3.9", "duration.ms": 10000,
  "cluster": {{ "brokers": 3 }}, "network": {{ "latency.ms": 25, "jitter.ms": 0 }},
  "topics": [ {{ "name": "orders", "partitions": 1, "replication.factor": 3 }} ],
  "producers": [ {{ "name": "p1", "client": "{client}", "records": 2000,
    "records.per.sec": 20000, "keys": 1, {batch} {extra} }} ] }}"#
    );
    let s = parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let (r, _, sim) = run(s);
    assert_eq!(r.records.acknowledged, 2000, "{client} {extra}");
    assert_eq!((r.records.reordered, r.records.duplicated), (0, 0));
    let l = sim.ledger();
    (l.last_success_us - l.first_send_us.unwrap_or(0)) / 1000
}

#[test]
fn librdkafkas_idempotent_producer_keeps_about_one_request_in_flight_per_partition() {
    let idempotent = pipelining_ms("librdkafka", r#", "enable.idempotence": true"#);
    let window_5 = pipelining_ms(
        "librdkafka",
        r#", "max.in.flight.requests.per.connection": 5"#,
    );
    let window_1 = pipelining_ms(
        "librdkafka",
        r#", "max.in.flight.requests.per.connection": 1"#,
    );
    let java = pipelining_ms("java", r#", "enable.idempotence": true"#);
    // Each request takes about 100 ms here (50 ms round trip, and acks=all waits for the
    // followers' fetch): 40 batches one after the other take 4 s. The idempotent librdkafka
    // producer takes exactly as long as a window of 1 (one request per partition in flight:
    // 50 records in flight, and 5 - 50 leaves no room); a window of 5 without idempotence, and
    // the idempotent Java producer (5 requests), pipeline. Measured with librdkafka 2.12.1 on
    // its mock cluster: 3.0-3.5 s against 0.8 s.
    assert_eq!(
        (idempotent, window_5, window_1, java),
        (4050, 1100, 4050, 700)
    );
}
