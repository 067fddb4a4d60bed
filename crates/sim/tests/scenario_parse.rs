//! The scenario reader: version defaults, Kafka's rules between keys, limits, and that every
//! problem of a document is listed at once with its key path.

use kafka_sim::kafka::errors::ErrorCode;
use kafka_sim::scenario::limits::MAX_PARTITIONS;
use kafka_sim::scenario::version::{defaults_for, parse_version, KNOWN_LINES};
use kafka_sim::scenario::{
    parse_scenario, parse_with_notes, resolve_scenario, resolve_with_notes, version_defaults, Acks,
    ActionKind, AssignmentStrategy, KafkaVersion, OffsetReset, Scenario, ScenarioErrors, SendMode,
    DEFAULT_SCENARIO_JSON,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The example of scenario-format.md, verbatim.
const FORMAT_EXAMPLE: &str = r#"{
  "format": 1,
  "seed": 42,
  "kafka.version": "3.9",
  "duration.ms": 20000,
  "cluster": { "brokers": 3, "replica.lag.time.max.ms": 30000,
               "unclean.leader.election.enable": false },
  "network": { "latency.ms": 2.0, "jitter.ms": 0.5, "loss.rate": 0.0 },
  "topics": [ { "name": "orders", "partitions": 4, "replication.factor": 3,
                "min.insync.replicas": 2 } ],
  "producers": [ {
      "name": "p1", "topic": "orders",
      "send.mode": "async",
      "records": 1000, "records.per.sec": 200, "keys": 8, "value.bytes": 100,
      "acks": "all", "retries": 2147483647, "retry.backoff.ms": 100,
      "max.in.flight.requests.per.connection": 5, "enable.idempotence": true,
      "linger.ms": 0, "batch.size": 16384,
      "request.timeout.ms": 30000, "delivery.timeout.ms": 120000 } ],
  "groups": [ {
      "group.id": "g1", "topics": ["orders"], "consumers": 2,
      "partition.assignment.strategy": "range",
      "session.timeout.ms": 45000, "heartbeat.interval.ms": 3000,
      "max.poll.interval.ms": 300000, "max.poll.records": 500,
      "processing.ms.per.record": 1,
      "enable.auto.commit": true, "auto.commit.interval.ms": 5000,
      "auto.offset.reset": "earliest" } ],
  "actions": [
      { "at.ms": 3000, "do": "crash-broker", "broker": 1 },
      { "at.ms": 9000, "do": "restart-broker", "broker": 1 } ]
}"#;

fn ok(doc: Value) -> Scenario {
    match resolve_scenario(&doc) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

fn errors(doc: Value) -> ScenarioErrors {
    match resolve_scenario(&doc) {
        Ok(s) => panic!("expected errors, got {s:?}"),
        Err(e) => e,
    }
}

/// A minimal scenario of one version with one producer carrying `producer` keys.
fn with_producer(version: &str, producer: Value) -> Value {
    let mut p = json!({ "name": "p1" });
    if let (Some(p), Some(extra)) = (p.as_object_mut(), producer.as_object()) {
        p.extend(extra.clone());
    }
    json!({ "format": 1, "kafka.version": version, "producers": [p] })
}

fn producer_of(version: &str, producer: Value) -> kafka_sim::scenario::ProducerConfig {
    ok(with_producer(version, producer)).producers.remove(0)
}

fn group_of(version: &str, group: Value) -> kafka_sim::scenario::GroupConfig {
    let mut g = json!({ "group.id": "g1" });
    if let (Some(g), Some(extra)) = (g.as_object_mut(), group.as_object()) {
        g.extend(extra.clone());
    }
    ok(json!({ "format": 1, "kafka.version": version, "groups": [g] }))
        .groups
        .remove(0)
}

fn messages(e: &ScenarioErrors) -> Vec<String> {
    e.iter().map(|e| e.to_string()).collect()
}

// ---- the documents we ship ----

#[test]
fn the_format_documents_example_parses_as_written() {
    let s = match parse_scenario(FORMAT_EXAMPLE) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.seed, 42);
    assert_eq!(s.kafka_version, KafkaVersion::new(3, 9));
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(s.topics[0].min_insync_replicas, 2);
    assert_eq!(s.producers[0].acks, Acks::All);
    assert!(s.producers[0].enable_idempotence);
    assert_eq!(s.groups[0].auto_offset_reset, OffsetReset::Earliest);
    assert_eq!(s.actions.len(), 2);
    assert_eq!(s.actions[0].kind, ActionKind::CrashBroker { broker: 1 });
}

#[test]
fn the_default_scenario_is_a_teaching_run_with_a_crash_and_restart() {
    let (s, notes) = match parse_with_notes(DEFAULT_SCENARIO_JSON) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(s.topics.len(), 1);
    let t = &s.topics[0];
    assert_eq!(
        (
            t.name.as_str(),
            t.partitions,
            t.replication_factor,
            t.min_insync_replicas
        ),
        ("orders", 4, 3, 2)
    );
    assert_eq!(s.producers.len(), 1);
    assert_eq!(s.producers[0].send_mode, SendMode::Async);
    assert_eq!(s.producers[0].records_per_sec, 200.0);
    assert_eq!(s.producers[0].keys, 8);
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.groups[0].consumers, 2);
    let kinds: Vec<&ActionKind> = s.actions.iter().map(|a| &a.kind).collect();
    assert_eq!(
        kinds,
        [
            &ActionKind::CrashBroker { broker: 1 },
            &ActionKind::RestartBroker { broker: 1 }
        ]
    );
    assert!(s.actions.iter().all(|a| a.at_ms < s.duration_ms));
}

#[test]
fn a_minimal_document_takes_the_documented_defaults() {
    let s = ok(json!({ "format": 1 }));
    assert_eq!(s.seed, 1);
    assert_eq!(s.duration_ms, 20_000);
    assert_eq!(s.kafka_version, KafkaVersion::new(3, 9));
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(s.cluster.offsets_topic_num_partitions, 50);
    assert_eq!(s.cluster.group_initial_rebalance_delay_ms, 3000);
    assert_eq!(
        (
            s.network.latency_ms,
            s.network.jitter_ms,
            s.network.loss_rate
        ),
        (2.0, 0.5, 0.0)
    );
    assert_eq!(s.topics.len(), 1);
    assert_eq!(
        (
            s.topics[0].name.as_str(),
            s.topics[0].partitions,
            s.topics[0].replication_factor
        ),
        ("orders", 4, 3)
    );
    assert!(s.producers.is_empty() && s.groups.is_empty() && s.actions.is_empty());
}

#[test]
fn the_default_topic_has_no_more_replicas_than_brokers() {
    let s = ok(json!({ "format": 1, "cluster": { "brokers": 2 } }));
    assert_eq!(s.topics[0].replication_factor, 2);
}

// ---- versions ----

#[test]
fn kafka_2_0_defaults_acks_1_no_retries_no_idempotence() {
    let p = producer_of("2.0", json!({}));
    assert_eq!(p.acks, Acks::One);
    assert_eq!(p.retries, 0);
    assert!(!p.enable_idempotence);
    assert_eq!(p.delivery_timeout_ms, 2_147_483_647);
    assert_eq!(p.retry_backoff_max_ms, p.retry_backoff_ms);
    assert_eq!(p.linger_ms, 0);
}

#[test]
fn kafka_2_8_defaults_retry_forever_within_the_delivery_timeout() {
    let s = ok(with_producer("2.8", json!({})));
    let p = &s.producers[0];
    assert_eq!(p.acks, Acks::One);
    assert_eq!(p.retries, 2_147_483_647);
    assert!(!p.enable_idempotence);
    assert_eq!(p.delivery_timeout_ms, 120_000);
    assert_eq!(s.cluster.replica_lag_time_max_ms, 30_000);
    assert_eq!(s.cluster.broker_session_timeout_ms, 18_000);
    assert_eq!(group_of("2.8", json!({})).session_timeout_ms, 10_000);
}

#[test]
fn kafka_3_0_0_leaves_idempotence_off_by_its_bug_but_3_0_1_fixes_it() {
    let (s, notes) = match resolve_with_notes(&with_producer("3.0", json!({}))) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.producers[0].acks, Acks::All);
    assert!(!s.producers[0].enable_idempotence);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].message.contains("KAFKA-13598"), "{}", notes[0]);
    assert!(!producer_of("3.0.0", json!({})).enable_idempotence);
    assert!(!producer_of("3.1.0", json!({})).enable_idempotence);
    assert!(producer_of("3.0.1", json!({})).enable_idempotence);
    assert!(producer_of("3.1.1", json!({})).enable_idempotence);
    assert!(producer_of("3.2", json!({})).enable_idempotence);
    // Set explicitly, it works in the buggy releases too.
    assert!(producer_of("3.0.0", json!({ "enable.idempotence": true })).enable_idempotence);
}

#[test]
fn kafka_3_9_defaults_acks_all_retries_max_idempotence_on() {
    let s = ok(with_producer("3.9", json!({})));
    let p = &s.producers[0];
    assert_eq!(p.acks, Acks::All);
    assert_eq!(p.retries, 2_147_483_647);
    assert!(p.enable_idempotence);
    assert_eq!(p.linger_ms, 0);
    assert_eq!(p.retry_backoff_max_ms, 1000);
    assert_eq!(s.cluster.broker_session_timeout_ms, 9000);
    assert!(!s.cluster.unclean_leader_election_enable);
    let g = group_of("3.9", json!({}));
    assert_eq!(g.session_timeout_ms, 45_000);
    assert_eq!(g.max_poll_records, 500);
    assert_eq!(g.partition_assignment_strategy, AssignmentStrategy::Range);
    assert_eq!(g.auto_offset_reset, OffsetReset::Latest);
}

#[test]
fn kafka_4_0_lingers_5_ms_by_default() {
    assert_eq!(producer_of("4.0", json!({})).linger_ms, 5);
    assert_eq!(producer_of("3.9", json!({})).linger_ms, 0);
}

#[test]
fn kafka_0_10_0_has_old_session_and_poll_defaults_and_unclean_election() {
    let s = ok(json!({ "format": 1, "kafka.version": "0.10.0", "groups": [{ "group.id": "g1" }] }));
    assert!(s.cluster.unclean_leader_election_enable);
    assert_eq!(s.cluster.replica_lag_time_max_ms, 10_000);
    assert_eq!(s.cluster.broker_session_timeout_ms, 6000);
    let g = &s.groups[0];
    assert_eq!(g.session_timeout_ms, 30_000);
    assert_eq!(g.max_poll_records, 100_000);
    assert_eq!(g.max_poll_interval_ms, g.session_timeout_ms);
    assert_eq!(group_of("0.10.1", json!({})).session_timeout_ms, 10_000);
    assert_eq!(group_of("0.10.1", json!({})).max_poll_records, 500);
}

#[test]
fn every_known_release_line_and_patch_forms_parse() {
    for line in KNOWN_LINES {
        let text = if line.major == 0 {
            format!("0.{}.{}", line.minor, line.patch)
        } else {
            line.to_string()
        };
        assert_eq!(parse_version(&text), Ok(line), "{text}");
        // What the resolved scenario prints reads back the same.
        assert_eq!(parse_version(&line.to_string()), Ok(line));
    }
    assert_eq!(
        parse_version("3.0.1"),
        Ok(KafkaVersion::with_patch(3, 0, 1))
    );
    assert_eq!(
        parse_version("0.11"),
        Ok(KafkaVersion::with_patch(0, 11, 0))
    );
    assert_eq!(
        parse_version("0.10.2.2"),
        Ok(KafkaVersion::with_patch(0, 10, 2))
    );
    let e = errors(json!({ "format": 1, "kafka.version": 3.9 }));
    assert_eq!(
        messages(&e),
        ["kafka.version: write the version as a string, e.g. \"3.9\""]
    );
    for bad in [
        "", "3", "4.1", "0.9.0", "3.x", "3..9", "-3.9", "300.1", "3.9.1.1",
    ] {
        assert!(parse_version(bad).is_err(), "{bad}");
    }
}

#[test]
fn version_defaults_explain_each_versions_choices() {
    let find = |v: KafkaVersion, key: &str| {
        version_defaults(v)
            .into_iter()
            .find(|d| d.key == key)
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    let acks = find(KafkaVersion::new(2, 0), "acks");
    assert_eq!(acks.value, "1");
    assert_eq!(acks.note, "acks=1 before 3.0 (KIP-679)");
    assert_eq!(find(KafkaVersion::new(3, 9), "acks").value, "all");
    assert_eq!(find(KafkaVersion::new(4, 0), "linger.ms").value, "5");
    assert_eq!(
        find(KafkaVersion::new(3, 0), "enable.idempotence").value,
        "false"
    );
    assert_eq!(
        find(KafkaVersion::with_patch(3, 0, 1), "enable.idempotence").value,
        "true"
    );
    assert_eq!(
        find(KafkaVersion::new(2, 4), "replica.lag.time.max.ms").value,
        "10000"
    );
    assert_eq!(
        find(KafkaVersion::new(2, 5), "replica.lag.time.max.ms").value,
        "30000"
    );
    // The list and the resolved defaults agree for every line.
    for v in KNOWN_LINES {
        let d = defaults_for(v);
        assert_eq!(find(v, "retries").value, d.retries.to_string());
        assert_eq!(
            find(v, "session.timeout.ms").value,
            d.session_timeout_ms.to_string()
        );
    }
}

// ---- Kafka's rules ----

#[test]
fn explicit_idempotence_with_acks_1_is_refused_with_kafkas_message() {
    let e = errors(with_producer(
        "3.9",
        json!({ "enable.idempotence": true, "acks": "1" }),
    ));
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(e.errors[0].path, "producers[0].acks");
    assert!(e.errors[0].message.contains("Must set acks to all"), "{e}");
}

#[test]
fn explicit_idempotence_with_no_retries_or_six_in_flight_is_refused() {
    let e = errors(with_producer(
        "3.9",
        json!({ "enable.idempotence": true, "retries": 0, "max.in.flight.requests.per.connection": 6 }),
    ));
    assert_eq!(e.len(), 2, "{e}");
    assert!(e.has_path("producers[0].retries"));
    assert!(e.has_path("producers[0].max.in.flight.requests.per.connection"));
}

#[test]
fn default_idempotence_with_acks_1_is_silently_disabled_with_a_note() {
    let (s, notes) = match resolve_with_notes(&with_producer("3.9", json!({ "acks": 1 }))) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert!(!s.producers[0].enable_idempotence);
    assert_eq!(s.producers[0].acks, Acks::One);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].path, "producers[0].enable.idempotence");
    assert!(notes[0].message.contains("acks"), "{}", notes[0]);
}

#[test]
fn default_idempotence_with_six_in_flight_is_silently_disabled() {
    let p = producer_of("3.9", json!({ "max.in.flight.requests.per.connection": 6 }));
    assert!(!p.enable_idempotence);
    let p = producer_of("3.9", json!({ "retries": 0 }));
    assert!(!p.enable_idempotence);
}

#[test]
fn idempotence_before_0_11_is_refused_and_0_11_needs_one_in_flight() {
    let e = errors(with_producer(
        "0.10.2",
        json!({ "enable.idempotence": true }),
    ));
    assert!(e.has_path("producers[0].enable.idempotence"), "{e}");
    let e = errors(with_producer(
        "0.11",
        json!({ "enable.idempotence": true, "acks": "all", "retries": 3 }),
    ));
    assert!(
        e.has_path("producers[0].max.in.flight.requests.per.connection"),
        "{e}"
    );
    let p = producer_of(
        "1.0",
        json!({ "enable.idempotence": true, "acks": "all", "retries": 3 }),
    );
    assert!(p.enable_idempotence);
}

#[test]
fn explicit_idempotence_before_3_0_overrides_the_acks_and_retries_defaults() {
    let (s, notes) =
        match resolve_with_notes(&with_producer("2.0", json!({ "enable.idempotence": true }))) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
    let p = &s.producers[0];
    assert!(p.enable_idempotence);
    assert_eq!(p.acks, Acks::All);
    assert_eq!(p.retries, 2_147_483_647);
    let paths: Vec<&str> = notes.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["producers[0].acks", "producers[0].retries"]);
    // Set by the user, the conflicting values are still refused.
    let e = errors(with_producer(
        "2.0",
        json!({ "enable.idempotence": true, "acks": "1" }),
    ));
    assert_eq!(e.len(), 1);
    assert!(e.has_path("producers[0].acks"));
}

#[test]
fn explicit_delivery_timeout_below_linger_plus_request_timeout_is_refused() {
    let e = errors(with_producer(
        "3.9",
        json!({ "delivery.timeout.ms": 30000, "linger.ms": 10, "request.timeout.ms": 30000 }),
    ));
    assert_eq!(messages(&e), ["producers[0].delivery.timeout.ms: delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms (30000 < 10 + 30000)"]);
}

#[test]
fn default_delivery_timeout_is_raised_to_linger_plus_request_timeout() {
    let (s, notes) = match resolve_with_notes(&with_producer(
        "3.9",
        json!({ "linger.ms": 1000, "request.timeout.ms": 150000 }),
    )) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.producers[0].delivery_timeout_ms, 151_000);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].path, "producers[0].delivery.timeout.ms");
}

#[test]
fn keys_a_version_lacks_are_ignored_with_a_note() {
    let (s, notes) = match resolve_with_notes(&with_producer(
        "2.0",
        json!({ "delivery.timeout.ms": 5000, "retry.backoff.max.ms": 800 }),
    )) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.producers[0].delivery_timeout_ms, 2_147_483_647);
    assert_eq!(s.producers[0].retry_backoff_max_ms, 100);
    assert_eq!(notes.len(), 2, "{notes:?}");
}

#[test]
fn replication_factor_above_brokers_is_refused_as_kafka_does() {
    let e = errors(json!({ "format": 1, "cluster": { "brokers": 2 },
        "topics": [{ "name": "t", "partitions": 1, "replication.factor": 3 }] }));
    assert_eq!(e.len(), 1);
    assert_eq!(e.errors[0].path, "topics[0].replication.factor");
    assert!(e.errors[0].message.contains("INVALID_REPLICATION_FACTOR"));
}

#[test]
fn min_insync_replicas_above_replication_factor_is_refused() {
    let e = errors(json!({ "format": 1,
        "topics": [{ "name": "t", "replication.factor": 2, "min.insync.replicas": 3 }] }));
    assert_eq!(e.len(), 1);
    assert_eq!(e.errors[0].path, "topics[0].min.insync.replicas");
}

#[test]
fn producer_and_group_topics_must_exist() {
    let e = errors(json!({ "format": 1,
        "topics": [{ "name": "orders" }, { "name": "payments" }],
        "producers": [{ "topic": "order" }, {}],
        "groups": [{ "topics": ["orders", "refunds"] }, {}] }));
    assert_eq!(
        messages(&e),
        [
            "producers[0].topic: unknown topic \"order\" (topics: \"orders\", \"payments\")",
            "producers[1].topic: required key is missing (the scenario has 2 topics)",
            "groups[0].topics[1]: unknown topic \"refunds\" (topics: \"orders\", \"payments\")",
            "groups[1].topics: required key is missing (the scenario has 2 topics)",
        ]
    );
}

#[test]
fn duplicate_names_are_refused() {
    let e = errors(json!({ "format": 1,
        "topics": [{ "name": "a" }, { "name": "a" }],
        "producers": [{ "name": "p", "topic": "a" }, { "name": "p", "topic": "a" }],
        "groups": [{ "group.id": "g", "topics": ["a"] }, { "group.id": "g", "topics": ["a", "a"] }] }));
    assert_eq!(
        messages(&e),
        [
            "topics[1].name: duplicate topic name \"a\" (also topics[0].name)",
            "producers[1].name: duplicate producer name \"p\" (also producers[0].name)",
            "groups[1].group.id: duplicate group.id \"g\" (also groups[0].group.id)",
            "groups[1].topics[1]: topic \"a\" is listed twice",
        ]
    );
}

#[test]
fn session_timeout_must_lie_within_the_brokers_bounds_and_above_the_heartbeat() {
    let e = errors(json!({ "format": 1, "groups": [
        { "group.id": "a", "session.timeout.ms": 5000 },
        { "group.id": "b", "session.timeout.ms": 1800001 },
        { "group.id": "c", "session.timeout.ms": 6000, "heartbeat.interval.ms": 6000 } ] }));
    assert_eq!(e.len(), 3, "{e}");
    assert!(e.has_path("groups[0].session.timeout.ms"));
    assert!(e.has_path("groups[1].session.timeout.ms"));
    assert!(e.has_path("groups[2].heartbeat.interval.ms"));
    assert_eq!(
        group_of(
            "3.9",
            json!({ "session.timeout.ms": 6000, "heartbeat.interval.ms": 2000 })
        )
        .session_timeout_ms,
        6000
    );
}

#[test]
fn acks_accepts_kafkas_spellings_and_refuses_others() {
    for (value, acks) in [
        (json!("0"), Acks::Zero),
        (json!("1"), Acks::One),
        (json!("all"), Acks::All),
        (json!("-1"), Acks::All),
        (json!(0), Acks::Zero),
        (json!(1), Acks::One),
        (json!(-1), Acks::All),
    ] {
        assert_eq!(producer_of("3.9", json!({ "acks": value })).acks, acks);
    }
    let e = errors(with_producer("3.9", json!({ "acks": "2" })));
    assert_eq!(
        messages(&e),
        [r#"producers[0].acks: expected "0", "1" or "all", got "2""#]
    );
    let e = errors(with_producer("3.9", json!({ "acks": 2 })));
    assert_eq!(
        messages(&e),
        [r#"producers[0].acks: expected "0", "1" or "all", got 2"#]
    );
}

#[test]
fn assignment_strategies_newer_than_the_version_are_refused() {
    let e = errors(json!({ "format": 1, "kafka.version": "2.3",
        "groups": [{ "group.id": "g", "partition.assignment.strategy": "cooperative-sticky" }] }));
    assert!(e.has_path("groups[0].partition.assignment.strategy"), "{e}");
    let g = group_of(
        "2.4",
        json!({ "partition.assignment.strategy": "cooperative-sticky" }),
    );
    assert_eq!(
        g.partition_assignment_strategy,
        AssignmentStrategy::CooperativeSticky
    );
}

// ---- the document's shape ----

#[test]
fn a_scenario_with_many_problems_lists_every_one_with_its_path() {
    let e = errors(json!({
        "format": 1,
        "seed": -1,
        "kafka.version": "9.9",
        "duration.ms": 0,
        "cluster": { "brokers": 51, "unclean.leader.election.enable": "yes" },
        "network": { "latency.ms": -1, "loss.rate": 2 },
        "topics": [{ "name": "bad name", "partitions": 1001 }],
        "producers": [{ "topic": "bad name", "acks": "2", "ackss": 1, "send.mode": "later",
                        "records": 20000000 }],
        "groups": [{ "group.id": "g1", "topics": ["bad name"], "consumers": 51,
                     "auto.offset.reset": "earliest-ish" }],
        "actions": [{ "at.ms": 1000, "do": "crash-brokr", "broker": 0 },
                    { "do": "kill-consumer", "group.id": "g2", "consumer": "x" }],
        "extra": true
    }));
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "extra",
            "seed",
            "kafka.version",
            "duration.ms",
            "cluster.brokers",
            "cluster.unclean.leader.election.enable",
            "network.latency.ms",
            "network.loss.rate",
            "topics[0].name",
            "topics[0].partitions",
            "producers[0].ackss",
            "producers[0].send.mode",
            "producers[0].records",
            "producers[0].acks",
            "groups[0].consumers",
            "groups[0].auto.offset.reset",
            "actions[0].do",
            "actions[1].at.ms",
            "actions[1].group.id",
        ],
        "{e}"
    );
    // Display prints one problem per line.
    assert_eq!(e.to_string().lines().count(), e.len());
    assert!(e
        .to_string()
        .contains("producers[0].ackss: unknown key (did you mean \"acks\"?)"));
    assert!(e.to_string().contains(
        "actions[0].do: unknown action \"crash-brokr\" (did you mean \"crash-broker\"?)"
    ));
}

#[test]
fn unknown_keys_are_named_and_near_misses_get_a_suggestion() {
    let e = errors(json!({ "format": 1,
        "cluster": { "broker": 3 },
        "producers": [{ "enable_idempotence": true, "lingerms": 5, "colour": "red" }] }));
    assert_eq!(
        messages(&e)[..3],
        [
            "cluster.broker: unknown key (did you mean \"brokers\"?)",
            "producers[0].colour: unknown key (known keys: name, topic, client, send.mode, records, records.per.sec, keys, value.bytes, acks, retries, retry.backoff.ms, retry.backoff.max.ms, max.in.flight.requests.per.connection, enable.idempotence, linger.ms, batch.size, request.timeout.ms, delivery.timeout.ms, metadata.max.age.ms, max.request.size, buffer.memory, max.block.ms, value.serializer, value.schema, partitioner, batch.num.messages)",
            "producers[0].enable_idempotence: unknown key (did you mean \"enable.idempotence\"?)",
        ]
    );
    assert!(e.has_path("producers[0].lingerms"));
}

#[test]
fn keys_given_twice_are_refused_rather_than_silently_overwritten() {
    let text = r#"{ "format": 1, "seed": 1, "seed": 2,
        "producers": [{ "acks": "1", "linger.ms": 5, "acks": "all" }] }"#;
    let e = match parse_scenario(text) {
        Err(e) => e,
        Ok(s) => panic!("{s:?}"),
    };
    assert_eq!(
        messages(&e),
        [
            "seed: key given twice in one object (a JSON reader would silently keep the last)",
            "producers[0].acks: key given twice in one object (a JSON reader would silently keep the last)",
        ]
    );
}

#[test]
fn a_default_name_that_collides_with_a_given_one_says_so() {
    let e = errors(json!({ "format": 1, "producers": [{}, { "name": "p1" }] }));
    assert_eq!(
        messages(&e),
        ["producers[1].name: duplicate producer name \"p1\" (also producers[0], named by default)"]
    );
}

#[test]
fn integral_numbers_written_as_floats_are_accepted_and_fractions_are_not() {
    let s = ok(json!({ "format": 1.0, "duration.ms": 5000.0 }));
    assert_eq!(s.duration_ms, 5000);
    let e = errors(json!({ "format": 1, "duration.ms": 5000.5 }));
    assert_eq!(
        messages(&e),
        ["duration.ms: expected an integer, got 5000.5"]
    );
}

#[test]
fn invalid_json_is_reported_with_line_and_column() {
    let e = match parse_scenario("{\n  \"format\": 1,\n  \"seed\": ,\n}") {
        Err(e) => e,
        Ok(s) => panic!("{s:?}"),
    };
    assert_eq!(e.len(), 1);
    assert!(
        e.errors[0]
            .message
            .starts_with("invalid JSON at line 3, column 11"),
        "{e}"
    );
}

#[test]
fn format_is_required_and_an_unknown_format_is_refused_alone() {
    let e = errors(json!({ "seed": 1 }));
    assert_eq!(e.len(), 1);
    assert_eq!(e.errors[0].path, "format");
    let e = errors(json!({ "format": 2, "seed": "x", "whatever": 1 }));
    assert_eq!(e.len(), 1);
    assert!(
        e.errors[0].message.starts_with("unsupported format 2"),
        "{e}"
    );
    assert_eq!(errors(json!({ "format": "1" })).errors[0].path, "format");
    assert_eq!(errors(json!([1, 2])).errors[0].path, "");
}

#[test]
fn limits_that_keep_the_page_safe_are_errors() {
    let topics: Vec<Value> = (0..5)
        .map(|i| json!({ "name": format!("t{i}"), "partitions": MAX_PARTITIONS }))
        .collect();
    let e = errors(
        json!({ "format": 1, "duration.ms": 3_600_001, "topics": topics,
        "producers": (0..51).map(|i| json!({ "name": format!("p{i}") })).collect::<Vec<_>>(),
        "groups": (0..5).map(|i| json!({ "group.id": format!("g{i}") })).collect::<Vec<_>>(),
        "actions": (0..1001).map(|_| json!({ "at.ms": 0, "do": "crash-broker", "broker": 0 })).collect::<Vec<_>>() }),
    );
    assert_eq!(
        messages(&e),
        [
            "duration.ms: expected an integer from 1 to 3600000, got 3600001",
            "topics: at most 1000 partitions in all topics (got 5000)",
            "producers: at most 50 producers (got 51)",
            "groups: at most 4 groups (got 5)",
            "actions: at most 1000 actions (got 1001)",
        ]
    );
}

// ---- actions ----

#[test]
fn every_action_kind_parses() {
    let s = ok(
        json!({ "format": 1, "groups": [{ "group.id": "g1", "consumers": 2 }],
        "actions": [
            { "at.ms": 0, "do": "crash-broker", "broker": 0 },
            { "at.ms": 1, "do": "restart-broker", "broker": 0 },
            { "at.ms": 2, "do": "isolate-broker", "broker": 2, "for.ms": 500 },
            { "at.ms": 3, "do": "fail-requests", "broker": 1, "error": "NOT_ENOUGH_REPLICAS", "count": 3 },
            { "at.ms": 4, "do": "set-network", "loss.rate": 0.1 },
            { "at.ms": 5, "do": "add-consumer", "group.id": "g1" },
            { "at.ms": 6, "do": "remove-consumer", "group.id": "g1", "consumer": "g1-c3" },
            { "at.ms": 7, "do": "kill-consumer", "group.id": "g1", "consumer": "g1-c1" },
            { "at.ms": 8, "do": "stall-consumer", "group.id": "g1", "consumer": "g1-c2", "for.ms": 1000 },
            { "at.ms": 9, "do": "fail-requests", "broker": 1, "error": "NETWORK_EXCEPTION" },
            { "at.ms": 10, "do": "add-partitions", "topic": "orders", "partitions": 6 }
        ] }),
    );
    let kinds: Vec<ActionKind> = s.actions.into_iter().map(|a| a.kind).collect();
    let g = || "g1".to_string();
    assert_eq!(
        kinds,
        [
            ActionKind::CrashBroker { broker: 0 },
            ActionKind::RestartBroker { broker: 0 },
            ActionKind::IsolateBroker {
                broker: 2,
                for_ms: 500
            },
            ActionKind::FailRequests {
                broker: 1,
                error: ErrorCode::NotEnoughReplicas,
                count: 3
            },
            ActionKind::SetNetwork {
                latency_ms: None,
                jitter_ms: None,
                loss_rate: Some(0.1)
            },
            ActionKind::AddConsumer { group_id: g() },
            ActionKind::RemoveConsumer {
                group_id: g(),
                consumer: "g1-c3".into()
            },
            ActionKind::KillConsumer {
                group_id: g(),
                consumer: "g1-c1".into()
            },
            ActionKind::StallConsumer {
                group_id: g(),
                consumer: "g1-c2".into(),
                for_ms: 1000
            },
            ActionKind::FailRequests {
                broker: 1,
                error: ErrorCode::NetworkException,
                count: 1
            },
            ActionKind::AddPartitions {
                topic: "orders".into(),
                partitions: 6
            },
        ]
    );
}

#[test]
fn action_references_are_checked() {
    let e = errors(json!({ "format": 1, "duration.ms": 10000,
        "groups": [{ "group.id": "g1", "consumers": 1 }],
        "actions": [
            { "at.ms": 10001, "do": "crash-broker", "broker": 0 },
            { "at.ms": 0, "do": "crash-broker", "broker": 3 },
            { "at.ms": 0, "do": "fail-requests", "broker": 0, "error": "NOT_ENOUGH_REPLICA", "count": 0 },
            { "at.ms": 0, "do": "add-consumer", "group.id": "g9" },
            { "at.ms": 0, "do": "kill-consumer", "group.id": "g1", "consumer": "g1-c2" },
            { "at.ms": 5, "do": "add-consumer", "group.id": "g1" },
            { "at.ms": 6, "do": "kill-consumer", "group.id": "g1", "consumer": "g1-c2" },
            { "at.ms": 6, "do": "kill-consumer", "group.id": "g1", "consumer": "c1" },
            { "at.ms": 6, "do": "set-network" },
            { "at.ms": 6, "do": "isolate-broker", "broker": 0, "for.ms": 0, "count": 1 }
        ] }));
    assert_eq!(
        messages(&e),
        [
            "actions[0].at.ms: at 10001 ms is after the run ends (duration.ms 10000)",
            "actions[1].broker: no broker 3: brokers are numbered 0 to 2 (cluster.brokers 3)",
            "actions[2].error: unknown Kafka error \"NOT_ENOUGH_REPLICA\" (did you mean \"NOT_ENOUGH_REPLICAS\"?); known: CORRUPT_MESSAGE, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, MESSAGE_TOO_LARGE, NETWORK_EXCEPTION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, KAFKA_STORAGE_ERROR, UNKNOWN_PRODUCER_ID, INVALID_RECORD, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID",
            "actions[2].count: expected an integer from 1 to 100000, got 0",
            "actions[3].group.id: unknown group \"g9\" (groups: \"g1\")",
            "actions[8]: set-network needs at least one of latency.ms, jitter.ms, loss.rate",
            "actions[9].count: isolate-broker takes no \"count\" (its keys: at.ms, do, broker, for.ms)",
            "actions[9].for.ms: expected an integer from 1 to 3600000, got 0",
            "actions[4].consumer: no consumer g1-c2 at 0 ms: group \"g1\" has had 1 consumers by then (1 at the start, 0 added)",
            "actions[7].consumer: expected a consumer of group \"g1\", named g1-c<N> with N from 1, got \"c1\"",
        ]
    );
}

#[test]
fn add_consumer_cannot_grow_a_group_past_fifty() {
    let mut actions: Vec<Value> = Vec::new();
    for _ in 0..2 {
        actions.push(json!({ "at.ms": 1, "do": "add-consumer", "group.id": "g1" }));
    }
    let e = errors(
        json!({ "format": 1, "groups": [{ "group.id": "g1", "consumers": 49 }], "actions": actions }),
    );
    assert_eq!(
        messages(&e),
        [
            "actions[1]: would make more than 50 producers and consumers in all",
            "actions[1]: group \"g1\" would have more than 50 consumers"
        ]
    );
}

#[test]
fn add_partitions_must_raise_the_count_the_topic_has_by_then_and_every_problem_is_listed() {
    let e = errors(json!({ "format": 1,
        "topics": [{ "name": "orders", "partitions": 4 }, { "name": "audit", "partitions": 2 }],
        "producers": [{ "topic": "orders", "metadata.max.age.ms": -1 }],
        "groups": [{ "topics": ["orders"], "metadata.max.age.ms": "5s" }],
        "actions": [
            { "at.ms": 3000, "do": "add-partitions", "topic": "orders", "partitions": 5 },
            { "at.ms": 1000, "do": "add-partitions", "topic": "orders", "partitions": 6 },
            { "at.ms": 2000, "do": "add-partitions", "topic": "audit", "partitions": 2 },
            { "at.ms": 0, "do": "add-partitions", "topic": "payments", "partitions": 3 },
            { "at.ms": 0, "do": "add-partitions", "topic": "audit", "partitions": 1001 },
            { "at.ms": 0, "do": "add-partitions", "topic": "audit" },
            { "at.ms": 3000, "do": "add-partitions", "topic": "orders", "partitions": 8, "broker": 1 }
        ] }));
    assert_eq!(
        messages(&e),
        [
            "producers[0].metadata.max.age.ms: expected an integer from 0 to 2147483647, got -1",
            "groups[0].metadata.max.age.ms: expected an integer, got \"5s\"",
            "actions[3].topic: unknown topic \"payments\" (topics: \"audit\", \"orders\")",
            "actions[4].partitions: expected an integer from 1 to 1000, got 1001",
            "actions[5].partitions: required key is missing",
            "actions[6].broker: add-partitions takes no \"broker\" (its keys: at.ms, do, topic, partitions)",
            "actions[2].partitions: topic \"audit\" has 2 partitions by 2000 ms; Kafka only adds partitions and refuses 2 (INVALID_PARTITIONS: the new total must be more than 2)",
            "actions[0].partitions: topic \"orders\" has 6 partitions by 3000 ms; Kafka only adds partitions and refuses 5 (INVALID_PARTITIONS: the new total must be more than 6)",
        ]
    );
}

#[test]
fn add_partitions_counts_towards_the_partition_limit_of_all_topics() {
    let topics: Vec<Value> = (0..5)
        .map(|i| json!({ "name": format!("t{i}"), "partitions": 199 }))
        .collect();
    let e = errors(json!({ "format": 1, "topics": topics,
        "actions": [{ "at.ms": 0, "do": "add-partitions", "topic": "t0", "partitions": 202 },
                    { "at.ms": 0, "do": "add-partitions", "topic": "t1", "partitions": 202 },
                    { "at.ms": 0, "do": "add-partitions", "topic": "t2", "partitions": 210 }] }));
    // Reported once, where the limit is first passed.
    assert_eq!(
        messages(&e),
        ["actions[1].partitions: at most 1000 partitions in all topics (got 1001 after this action)"]
    );
}

#[test]
fn metadata_max_age_defaults_to_five_minutes_and_has_no_effect_without_add_partitions() {
    let doc = json!({ "format": 1,
        "producers": [{ "metadata.max.age.ms": 0 }],
        "groups": [{ "consumers": 1, "metadata.max.age.ms": 5000 }] });
    let (s, notes) = match resolve_with_notes(&doc) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.producers[0].metadata_max_age_ms, 0);
    assert_eq!(s.groups[0].metadata_max_age_ms, 5000);
    let paths: Vec<&str> = notes.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "producers[0].metadata.max.age.ms",
            "groups[0].metadata.max.age.ms"
        ]
    );
    let mut with_action = doc.clone();
    with_action["actions"] =
        json!([{ "at.ms": 0, "do": "add-partitions", "topic": "orders", "partitions": 5 }]);
    let (s, notes) = match resolve_with_notes(&with_action) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(s.actions.len(), 1);
    assert_eq!(
        ok(json!({ "format": 1, "producers": [{}] })).producers[0].metadata_max_age_ms,
        300_000
    );
    assert_eq!(
        ok(json!({ "format": 1, "groups": [{}] })).groups[0].metadata_max_age_ms,
        300_000
    );
}

// ---- never panics ----

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("all".to_string()),
            Just("orders".to_string()),
            Just("g1".to_string()),
            Just("g1-c1".to_string()),
            Just("crash-broker".to_string()),
            Just("3.0".to_string()),
            ".{0,12}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("format".to_string()),
                    Just("topics".to_string()),
                    Just("producers".to_string()),
                    Just("groups".to_string()),
                    Just("actions".to_string()),
                    Just("name".to_string()),
                    Just("do".to_string()),
                    Just("at.ms".to_string()),
                    Just("acks".to_string()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every key path of a document's objects (to replace one value with junk).
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(k.clone());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(i.to_string());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn replace_at(v: &mut Value, path: &[String], junk: Value) {
    let Some((first, rest)) = path.split_first() else {
        *v = junk;
        return;
    };
    let child = match v {
        Value::Object(m) => m.get_mut(first),
        Value::Array(items) => first.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    };
    if let Some(child) = child {
        replace_at(child, rest, junk);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn resolving_arbitrary_json_never_panics(doc in arb_json()) {
        let _ = resolve_with_notes(&doc);
        let _ = resolve_with_notes(&json!({ "format": 1, "producers": [doc.clone()], "groups": [doc.clone()], "actions": [doc] }));
    }

    #[test]
    fn damaging_one_value_of_a_valid_scenario_never_panics(pick in any::<prop::sample::Index>(), junk in arb_json()) {
        let mut doc: Value = serde_json::from_str(FORMAT_EXAMPLE).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        let path = pick.get(&all).clone();
        replace_at(&mut doc, &path, junk);
        let _ = resolve_with_notes(&doc);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = parse_scenario(&text);
    }
}
