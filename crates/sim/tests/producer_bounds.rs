//! The producer's bounds (issue #10 item 9): `max.request.size` (RecordTooLargeException in
//! `send()`, and the batches of one request), `buffer.memory` with `max.block.ms` (a `send()`
//! blocks while the accumulator's batches hold the whole pool, and fails with a
//! TimeoutException after `max.block.ms`), and the reader's rules for the three keys. Pinned
//! seeds and exact counts; invariants (among them the buffer's bound) are checked after every
//! event (the `invariants` feature).

mod common;
#[path = "common/proptest_setup.rs"]
mod proptest_setup;

use common::{assert_a_clone_ends_the_same, run, time_of};
use kafka_sim::scenario::presets::ScenarioBuilder;
use kafka_sim::scenario::{parse_scenario, resolve_scenario, resolve_with_notes, ScenarioErrors};
use kafka_sim::scenario::{ActionKind, KafkaVersion, SendMode};
use kafka_sim::Simulation;
use proptest::prelude::*;
use serde_json::{json, Value};

fn load(name: &str) -> kafka_sim::Scenario {
    let path = format!(
        "{}/tests/scenarios/bounds/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_scenario(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn count(events: &[String], needle: &str) -> usize {
    events.iter().filter(|e| e.contains(needle)).count()
}

// ---- max.request.size ----

/// Value 2000 bytes with a 6-byte key: Kafka's estimate is 61 + 21 + 7 + 2002 + 1 = 2092
/// bytes, above max.request.size 2000, so every send() fails with RecordTooLargeException and
/// nothing enters the accumulator. Async and sync applications are told (failed); a
/// fire-and-forget one never looks, so its records count as lost, as any unobserved failure
/// does. With max.request.size 2092 the same records all go through.
#[test]
fn a_record_above_max_request_size_fails_in_send_and_never_reaches_a_broker() {
    let (r, events, _) = run(load("record_too_large"));
    let by = |name: &str| r.producers.get(name).cloned().unwrap_or_default();
    assert_eq!((by("big-async").sent, by("big-async").failed), (300, 300));
    assert_eq!((by("big-sync").sent, by("big-sync").failed), (100, 100));
    assert_eq!(
        (by("big-ff").sent, by("big-ff").failed, by("big-ff").lost),
        (200, 0, 200)
    );
    assert_eq!(by("big-ff").delivered, 0);
    assert_eq!((by("fits").acknowledged, by("fits").failed), (500, 0));
    assert_eq!(r.records.failed, 400);
    assert_eq!(r.records.pending, 0);
    // One line per producer says why (all its records have one size).
    assert_eq!(
        count(
            &events,
            "RecordTooLargeException: The message is 2092 bytes when serialized which is larger than 2000"
        ),
        3
    );
    // Nothing of the refused producers was ever drained: only `fits` is in the logs.
    assert_eq!(r.records.delivered, 500);
}

fn max_batches_per_request(s: kafka_sim::Scenario) -> (usize, kafka_sim::Report) {
    let mut sim = Simulation::new(s);
    let mut most = 0;
    while sim.step() {
        for m in sim.messages_in_flight() {
            most = most.max(m.record_ranges.len());
        }
    }
    (most, sim.report())
}

/// One broker leads 4 partitions; with one request in flight and a 20 ms network, several
/// full batches (140 records, 16301 bytes each) wait when a response comes back. Default
/// max.request.size (1 MiB): one request takes all 4. At 10000 each request carries one batch
/// (`RecordAccumulator.drain` stops before the batch that would pass it), and a batch larger
/// than max.request.size still travels, alone: every record is acknowledged either way.
#[test]
fn max_request_size_bounds_the_batches_of_one_request_but_never_strands_a_batch() {
    let (most, r) = max_batches_per_request(load("request_size"));
    assert_eq!(most, 1);
    assert_eq!((r.records.acknowledged, r.records.failed), (4000, 0));
    let mut unbounded = load("request_size");
    unbounded.producers[0].max_request_size = 1_048_576;
    let (most, r) = max_batches_per_request(unbounded);
    assert_eq!(most, 4);
    assert_eq!((r.records.acknowledged, r.records.failed), (4000, 0));
}

// ---- buffer.memory and max.block.ms ----

/// 1000 records/s to one partition whose leader (broker 0) dies at 2 s; broker 1 leads from
/// 9.25 s. buffer.memory 163840 holds 10 batches of 16384: the retried in-flight batches and
/// the new ones fill it at 2.702 s, and the application's send() blocks. After max.block.ms
/// (1000) it fails with a TimeoutException and the next send() blocks in turn: failures at
/// 3.702, 4.702, ... 8.702 s (6), until the new leader acknowledges batches and memory frees
/// up at 9.6 s; the late records then go out as fast as memory allows.
#[test]
fn a_full_buffer_blocks_send_and_fails_it_after_max_block_ms() {
    let (r, events, _) = run(load("dead_leader_small_buffer"));
    assert_eq!(r.records.sent, 10000);
    assert_eq!(r.records.failed, 6);
    assert_eq!(r.records.acknowledged, 9994);
    assert_eq!((r.records.lost, r.records.pending), (0, 0));
    assert_eq!(
        count(&events, "TimeoutException: Failed to allocate memory"),
        6
    );
    let blocked = time_of(&events, "send() blocks").unwrap();
    let failed = time_of(&events, "TimeoutException").unwrap();
    assert_eq!(blocked, 2702.0);
    assert_eq!(failed, blocked + 1000.0);
    let free = time_of(&events, "send() no longer blocks").unwrap();
    assert_eq!(free, 9737.0);
    // A clone taken while a send() is blocked runs on the same.
    let clone = assert_a_clone_ends_the_same(load("dead_leader_small_buffer"), 5_000_000);
    assert_eq!(clone.report().records.failed, 6);
}

/// The same run with Kafka's default buffer.memory (32 MiB): nothing blocks, nothing fails;
/// the records wait in batches for the new leader.
#[test]
fn with_the_default_buffer_memory_the_same_dead_leader_blocks_nothing() {
    let mut s = load("dead_leader_small_buffer");
    s.producers[0].buffer_memory = 33_554_432;
    let (r, events, _) = run(s);
    assert_eq!(r.records.acknowledged, 10000);
    assert_eq!(r.records.failed, 0);
    assert_eq!(count(&events, "send() blocks"), 0);
}

/// max.block.ms 0: a send() that finds the pool full fails at once (`BufferPool.allocate`
/// waits 0 ms), so the application does not slow down and every record sent while memory is
/// short fails.
#[test]
fn with_max_block_ms_0_every_send_into_a_full_buffer_fails_at_once() {
    let mut s = load("dead_leader_small_buffer");
    s.producers[0].max_block_ms = 0;
    let (r, events, _) = run(s);
    assert_eq!(r.records.sent, 10000);
    assert_eq!(r.records.failed, 6902);
    assert_eq!(r.records.acknowledged, 3098);
    assert_eq!(
        time_of(&events, "TimeoutException"),
        time_of(&events, "send() blocks")
    );
}

proptest! {
    #![proptest_config(proptest_setup::config(48))]

    /// Small pools in any send mode, with lingering, null or keyed records, and a broker that
    /// dies and comes back: the buffer's bound holds after every event (an invariant), a
    /// blocked send() ends by the end, the ledger adds up, and the run is deterministic.
    #[test]
    fn small_buffers_keep_the_bound_and_the_ledger_adds_up(
        version in prop_oneof![Just(KafkaVersion::new(2, 0)), Just(KafkaVersion::new(2, 4)), Just(KafkaVersion::new(3, 9))],
        seed in any::<u64>(),
        mode in 0u8..3,
        batches in 1u64..8,
        max_block in prop_oneof![Just(0u64), 1u64..3000],
        linger in prop_oneof![Just(0u64), 1u64..50],
        keys in 0u32..10,
        rate in 100.0f64..3000.0,
        crash_at in 500u64..4000,
        down_for in 500u64..8000,
    ) {
        let build = || {
            ScenarioBuilder::new(version)
                .seed(seed)
                .duration_ms(15_000)
                .topic(3, 2, 1)
                .producer(|c| {
                    c.send_mode = [SendMode::FireAndForget, SendMode::Sync, SendMode::Async][mode as usize];
                    c.buffer_memory = batches * u64::from(c.batch_size);
                    c.max_block_ms = max_block;
                    c.linger_ms = linger;
                    c.keys = keys;
                    c.records_per_sec = rate;
                    c.records = 3000;
                })
                .action(crash_at, ActionKind::CrashBroker { broker: 0 })
                .action(crash_at + down_for, ActionKind::RestartBroker { broker: 0 })
                .build()
        };
        let mut sim = Simulation::new(build());
        sim.run_to_end();
        let r = sim.report();
        let c = &r.records;
        if mode == 0 {
            prop_assert_eq!(c.acknowledged + c.failed, 0);
            prop_assert!(c.lost + c.delivered <= c.sent);
        } else {
            prop_assert_eq!(c.acknowledged + c.failed + c.pending, c.sent);
        }
        let mut again = Simulation::new(build());
        again.run_to_end();
        prop_assert_eq!(again.trace_hash(), sim.trace_hash());
    }
}

// ---- the reader ----

fn with_producer(producer: Value) -> Value {
    let mut p = json!({ "name": "p1" });
    if let (Some(p), Some(extra)) = (p.as_object_mut(), producer.as_object()) {
        p.extend(extra.clone());
    }
    json!({ "format": 1, "producers": [p] })
}

fn errors(doc: Value) -> Vec<String> {
    match resolve_scenario(&doc) {
        Ok(s) => panic!("expected errors, got {s:?}"),
        Err(e) => messages(&e),
    }
}

fn messages(e: &ScenarioErrors) -> Vec<String> {
    e.iter().map(|e| e.to_string()).collect()
}

#[test]
fn the_bounds_default_to_kafkas_values_in_every_release() {
    for v in ["0.10.0", "2.0", "3.9", "4.0"] {
        let mut doc = with_producer(json!({}));
        doc["kafka.version"] = json!(v);
        let s = resolve_scenario(&doc).unwrap();
        let p = &s.producers[0];
        assert_eq!(
            (p.max_request_size, p.buffer_memory, p.max_block_ms),
            (1_048_576, 33_554_432, 60_000),
            "{v}"
        );
    }
}

#[test]
fn the_bounds_appear_in_the_effective_config_with_kafkas_names() {
    let s = resolve_scenario(&with_producer(json!({
        "max.request.size": 5000, "buffer.memory": 65536, "max.block.ms": 250
    })))
    .unwrap();
    let effective = serde_json::to_value(&s.producers[0]).unwrap();
    assert_eq!(effective["max.request.size"], json!(5000));
    assert_eq!(effective["buffer.memory"], json!(65536));
    assert_eq!(effective["max.block.ms"], json!(250));
}

#[test]
fn wrong_types_and_negative_bounds_are_each_reported_with_their_key_path() {
    let e = errors(with_producer(json!({
        "max.request.size": "1m", "buffer.memory": -1, "max.block.ms": true
    })));
    assert_eq!(
        e,
        vec![
            "producers[0].max.request.size: expected an integer, got \"1m\"",
            "producers[0].buffer.memory: expected an integer from 0 to 9223372036854775807, got -1",
            "producers[0].max.block.ms: expected an integer, got true",
        ]
    );
}

#[test]
fn max_request_size_is_an_int_and_the_others_are_longs_as_in_kafka() {
    let e = errors(with_producer(json!({
        "max.request.size": 2_147_483_648u64, "max.block.ms": 9_223_372_036_854_775_808u64
    })));
    assert_eq!(
        e,
        vec![
            "producers[0].max.request.size: expected an integer from 0 to 2147483647, got 2147483648",
            "producers[0].max.block.ms: expected an integer from 0 to 9223372036854775807, got 9223372036854775808",
        ]
    );
    // Kafka's largest values are accepted: max.block.ms Long.MAX_VALUE blocks for good.
    let s = resolve_scenario(&with_producer(json!({
        "max.request.size": 2_147_483_647u64,
        "buffer.memory": 9_223_372_036_854_775_807u64,
        "max.block.ms": 9_223_372_036_854_775_807u64
    })))
    .unwrap();
    assert_eq!(s.producers[0].max_block_ms, 9_223_372_036_854_775_807);
}

/// `BufferPool.allocate` throws IllegalArgumentException out of send() for a batch larger
/// than the whole pool; Kafka accepts the config, the playground refuses it.
#[test]
fn a_buffer_memory_below_batch_size_is_refused_with_kafkas_exception() {
    let e = errors(with_producer(
        json!({ "buffer.memory": 10000, "batch.size": 16384 }),
    ));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("producers[0].buffer.memory: below batch.size 16384")
            && e[0].contains(
                "\"Attempt to allocate 16384 bytes, but there is a hard limit of 10000 on memory allocations.\""
            ),
        "{e:?}"
    );
    // batch.size 0 (no batching): each batch is one record's size, which fits.
    assert!(resolve_scenario(&with_producer(
        json!({ "buffer.memory": 10000, "batch.size": 0 })
    ))
    .is_ok());
}

/// A record that fails RecordTooLargeException is Kafka's runtime outcome, not a config
/// error: the run goes ahead and a note says why every send() will fail.
#[test]
fn records_above_max_request_size_or_buffer_memory_run_with_a_note() {
    let (_, notes) = resolve_with_notes(&with_producer(json!({
        "value.bytes": 2000, "max.request.size": 2000
    })))
    .unwrap();
    let text: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(
        text[0].starts_with(
            "producers[0].max.request.size: every record of this producer is 2092 bytes"
        ),
        "{text:?}"
    );
    // Records larger than the pool (checked after max.request.size, as Kafka does).
    let (_, notes) = resolve_with_notes(&with_producer(json!({
        "value.bytes": 2000, "buffer.memory": 2000, "batch.size": 0
    })))
    .unwrap();
    let text: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    assert!(
        text.len() == 1 && text[0].starts_with("producers[0].buffer.memory: every record"),
        "{text:?}"
    );
}
