//! Export: the properties files say exactly what the report's `effective` says, property for
//! property, in several versions, including one where Kafka changes a default quietly.

use kafka_sim::scenario::export::{
    assignor_class, export, GROUP_SIMULATION_KEYS, PRODUCER_SIMULATION_KEYS,
};
use kafka_sim::scenario::resolve_scenario;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `key=value` lines of a properties text (comments and the connection line left out).
fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| *k != "bootstrap.servers")
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => assignor_class(s).to_string(),
        other => other.to_string(),
    }
}

/// Every client's exported properties against the report's effective config.
fn assert_export_matches_effective(doc: &Value, absent_in_version: &[&str]) {
    let scenario = resolve_scenario(doc).expect("valid");
    let effective = serde_json::to_value(&scenario).expect("json");
    let (_, clients) = export(doc).expect("export");
    let v = scenario.kafka_version;
    for c in &clients {
        let (list, skip, name_key) = if c.file == "producer.properties" {
            ("producers", PRODUCER_SIMULATION_KEYS, "name")
        } else {
            ("groups", GROUP_SIMULATION_KEYS, "group.id")
        };
        let eff = effective[list]
            .as_array()
            .and_then(|l| l.iter().find(|x| x[name_key] == c.name.as_str()))
            .expect("the client in effective");
        let expected: BTreeMap<String, String> = eff
            .as_object()
            .expect("object")
            .iter()
            .filter(|(k, _)| {
                !skip.contains(&k.as_str()) && !absent_in_version.contains(&k.as_str())
            })
            .map(|(k, v)| (k.clone(), as_text(v)))
            .collect();
        assert_eq!(
            parse(&c.properties_text(v)),
            expected,
            "{} {}",
            c.file,
            c.name
        );
    }
}

#[test]
fn exported_properties_equal_the_effective_config_in_3_9() {
    let doc = json!({"format": 1, "kafka.version": "3.9",
        "producers": [{"name": "p1", "topic": "orders", "acks": "all", "linger.ms": 5}],
        "groups": [{"group.id": "g1", "topics": ["orders"],
                    "partition.assignment.strategy": "cooperative-sticky"}]});
    assert_export_matches_effective(&doc, &[]);
    let (_, clients) = export(&doc).expect("export");
    let text = clients[0].properties_text(kafka_sim::scenario::KafkaVersion::new(3, 9));
    // Set properties first, then the defaults under their heading.
    let set_at = text.find("linger.ms=5").expect("set");
    let defaults_at = text.find("# defaults of Kafka 3.9:").expect("heading");
    assert!(set_at < defaults_at && text.find("retries=").expect("default") > defaults_at);
    assert!(clients[1]
        .properties_text(kafka_sim::scenario::KafkaVersion::new(3, 9))
        .contains("partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
}

#[test]
fn acks_1_in_3_9_exports_idempotence_off_with_kafkas_reason() {
    let doc = json!({"format": 1, "kafka.version": "3.9",
        "producers": [{"name": "p1", "topic": "orders", "acks": "1"}]});
    assert_export_matches_effective(&doc, &[]);
    let (_, clients) = export(&doc).expect("export");
    let text = clients[0].properties_text(kafka_sim::scenario::KafkaVersion::new(3, 9));
    assert!(text.contains("enable.idempotence=false"), "{text}");
    assert!(text.contains("# off: left at its default"), "{text}");
}

#[test]
fn kafka_2_0_exports_no_property_it_does_not_know() {
    let doc = json!({"format": 1, "kafka.version": "2.0",
        "producers": [{"name": "p1", "topic": "orders", "send.mode": "sync"}],
        "groups": [{"group.id": "g1", "topics": ["orders"]}]});
    assert_export_matches_effective(&doc, &["delivery.timeout.ms", "retry.backoff.max.ms"]);
    let (_, clients) = export(&doc).expect("export");
    let producer = clients[0].properties_text(kafka_sim::scenario::KafkaVersion::new(2, 0));
    assert!(
        producer.contains("acks=1") && producer.contains("retries=0"),
        "{producer}"
    );
    assert!(!producer.contains("delivery.timeout.ms"), "{producer}");
    assert!(clients[0].java.contains("producer.send(record).get()"));
    assert!(clients[1]
        .java
        .contains("consumer.poll(Duration.ofMillis(100))"));
}

#[test]
fn kafka_0_10_0_exports_no_max_poll_interval() {
    let doc = json!({"format": 1, "kafka.version": "0.10.0",
        "groups": [{"group.id": "g1", "topics": ["orders"]}]});
    assert_export_matches_effective(&doc, &["max.poll.interval.ms"]);
}

#[test]
fn librdkafka_clients_export_librdkafkas_names_and_a_python_snippet() {
    let doc = serde_json::json!({ "format": 1, "kafka.version": "2.0",
        "producers": [{ "name": "py", "client": "librdkafka", "linger.ms": 10,
                        "partitioner": "murmur2_random" }],
        "groups": [{ "group.id": "g1", "client": "librdkafka" }] });
    let (_, clients) = export(&doc).expect("export");
    let v = kafka_sim::scenario::KafkaVersion::new(2, 0);
    let producer = clients[0].properties_text(v);
    let props = parse(&producer);
    for (key, value) in [
        ("queue.buffering.max.ms", "10"),
        ("partitioner", "murmur2_random"),
        ("message.timeout.ms", "300000"),
        ("batch.num.messages", "10000"),
        ("batch.size", "1000000"),
        ("message.max.bytes", "1000000"),
        ("queue.buffering.max.kbytes", "1048576"),
        ("max.in.flight.requests.per.connection", "1000000"),
        ("enable.idempotence", "false"),
        ("acks", "all"),
    ] {
        assert_eq!(
            props.get(key).map(String::as_str),
            Some(value),
            "{key}\n{producer}"
        );
    }
    for java_only in [
        "linger.ms",
        "delivery.timeout.ms",
        "max.request.size",
        "buffer.memory",
        "max.block.ms",
        "client",
    ] {
        assert!(!props.contains_key(java_only), "{java_only}\n{producer}");
    }
    assert!(producer.starts_with("# producer.properties for py (librdkafka 2.12.1)"));
    // Set properties first, librdkafka's defaults after.
    assert!(producer.contains("queue.buffering.max.ms=10\npartitioner=murmur2_random\n# defaults of librdkafka 2.12.1:\n"), "{producer}");
    assert!(clients[0]
        .java
        .starts_with("from confluent_kafka import Producer\n"));
    assert!(clients[0]
        .java
        .contains("    \"queue.buffering.max.ms\": \"10\",\n"));
    assert!(clients[0].java.contains("on_delivery=delivered"));
    let group = parse(&clients[1].properties_text(v));
    assert_eq!(
        group
            .get("partition.assignment.strategy")
            .map(String::as_str),
        Some("range")
    );
    assert_eq!(
        group.get("session.timeout.ms").map(String::as_str),
        Some("45000")
    );
    assert!(!group.contains_key("max.poll.records"));
    assert!(clients[1].java.contains("consumer = Consumer(conf)"));
}
