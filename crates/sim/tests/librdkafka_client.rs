//! `client: "librdkafka"` on producers and groups: librdkafka 2.12.1's defaults whatever the
//! scenario's `kafka.version`, its own `partitioner`, and its configuration rules.

use kafka_sim::scenario::{parse_scenario, Client, GroupConfig, ProducerConfig, ScenarioErrors};
use serde_json::{json, Value};

fn parse(doc: Value) -> Result<kafka_sim::scenario::Scenario, ScenarioErrors> {
    parse_scenario(&doc.to_string())
}

fn scenario(version: &str, producer: Value, group: Value) -> (ProducerConfig, GroupConfig) {
    let mut s = parse(json!({ "format": 1, "kafka.version": version,
        "producers": [producer], "groups": [group] }))
    .unwrap_or_else(|e| panic!("{e}"));
    (s.producers.remove(0), s.groups.remove(0))
}

fn errors(doc: Value) -> Vec<String> {
    match parse(doc) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

fn producer_errors(producer: Value) -> Vec<String> {
    errors(json!({ "format": 1, "producers": [producer] }))
}

/// The effective value of a librdkafka property, as librdkafka writes it, or None for a
/// property the playground does not model.
fn effective(p: &Value, g: &Value, name: &str) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let of = |obj: &Value, key: &str| obj.get(key).map(text);
    match name {
        "acks" | "request.required.acks" => of(p, "acks").map(|a| match a.as_str() {
            "all" => "-1".to_string(),
            _ => a,
        }),
        "message.timeout.ms" | "delivery.timeout.ms" => of(p, "delivery.timeout.ms"),
        "queue.buffering.max.ms" | "linger.ms" => of(p, "linger.ms"),
        "message.send.max.retries" | "retries" => of(p, "retries"),
        "message.max.bytes" => of(p, "max.request.size"),
        "queue.buffering.max.kbytes" => p
            .get("buffer.memory")
            .and_then(Value::as_u64)
            .map(|b| (b / 1024).to_string()),
        "batch.num.messages"
        | "batch.size"
        | "enable.idempotence"
        | "partitioner"
        | "max.in.flight.requests.per.connection"
        | "retry.backoff.ms"
        | "retry.backoff.max.ms"
        | "request.timeout.ms" => of(p, name),
        "metadata.max.age.ms" => {
            assert_eq!(of(p, name), of(g, name), "producer and group agree");
            of(p, name)
        }
        "session.timeout.ms"
        | "heartbeat.interval.ms"
        | "max.poll.interval.ms"
        | "enable.auto.commit"
        | "auto.commit.interval.ms" => of(g, name),
        // "range,roundrobin": the first strategy leads.
        "partition.assignment.strategy" => of(g, name).map(|s| format!("{s},roundrobin")),
        "auto.offset.reset" => of(g, name).map(|r| match r.as_str() {
            "latest" => "largest".to_string(),
            "earliest" => "smallest".to_string(),
            _ => r,
        }),
        _ => None,
    }
}

#[test]
fn librdkafka_clients_take_librdkafkas_defaults_for_every_property_both_know() {
    let data: Value =
        serde_json::from_str(include_str!("data/librdkafka-defaults.json")).expect("json");
    // kafka.version 2.0 picks the brokers; the clients' defaults are librdkafka's all the same.
    for version in ["2.0", "3.9", "4.0"] {
        let (p, g) = scenario(
            version,
            json!({ "name": "p1", "client": "librdkafka" }),
            json!({ "group.id": "g1", "client": "librdkafka" }),
        );
        assert_eq!(
            (p.client, g.client),
            (Client::Librdkafka, Client::Librdkafka)
        );
        let p = serde_json::to_value(&p).expect("json");
        let g = serde_json::to_value(&g).expect("json");
        let mut compared = Vec::new();
        let mut not_modelled = Vec::new();
        for section in ["global", "topic"] {
            for (name, want) in data[section].as_object().expect("object") {
                match effective(&p, &g, name) {
                    Some(got) => {
                        assert_eq!(Some(got.as_str()), want.as_str(), "{version}: {name}");
                        compared.push(name.as_str());
                    }
                    None => not_modelled.push(name.as_str()),
                }
            }
        }
        not_modelled.sort_unstable();
        assert_eq!(
            not_modelled,
            [
                "compression.type",
                "group.protocol",
                "queue.buffering.max.messages",
                "queuing.strategy",
                "sticky.partitioning.linger.ms",
                "topic.metadata.refresh.interval.ms",
            ]
        );
        assert_eq!(compared.len(), 26, "{version}");
    }
}

#[test]
fn java_clients_keep_the_releases_defaults_and_no_librdkafka_keys() {
    let (p, g) = scenario("3.9", json!({ "name": "p1" }), json!({ "group.id": "g1" }));
    assert_eq!((p.client, g.client), (Client::Java, Client::Java));
    assert_eq!(p.partitioner, None);
    assert_eq!(p.batch_num_messages, None);
    assert_eq!(p.max_in_flight_requests_per_connection, 5);
    assert!(p.enable_idempotence);
    let v = serde_json::to_value(&p).expect("json");
    assert_eq!(v["client"], "java");
    assert!(v.get("partitioner").is_none());
}

#[test]
fn an_idempotent_librdkafka_producer_adjusts_max_in_flight_to_five() {
    let (p, _) = scenario(
        "3.9",
        json!({ "name": "p1", "client": "librdkafka", "enable.idempotence": true }),
        json!({ "group.id": "g1" }),
    );
    assert!(p.enable_idempotence);
    assert_eq!(p.max_in_flight_requests_per_connection, 5);
    assert_eq!(p.acks, kafka_sim::scenario::Acks::All);
}

#[test]
fn an_unknown_client_and_partitioner_are_refused_with_the_lists() {
    assert_eq!(
        producer_errors(json!({ "client": "kafka-python" })),
        ["producers[0].client: expected \"java\" or \"librdkafka\", got \"kafka-python\""]
    );
    assert_eq!(
        errors(json!({ "format": 1, "groups": [{ "client": "go" }] })),
        ["groups[0].client: expected \"java\" or \"librdkafka\", got \"go\""]
    );
    assert_eq!(
        producer_errors(json!({ "client": "librdkafka", "partitioner": "murmur3" })),
        ["producers[0].partitioner: expected \"random\", \"consistent\", \"consistent_random\", \"murmur2\", \"murmur2_random\", \"fnv1a\" or \"fnv1a_random\", got \"murmur3\""]
    );
}

#[test]
fn librdkafka_properties_on_a_java_client_are_refused() {
    assert_eq!(
        producer_errors(json!({ "partitioner": "murmur2_random", "batch.num.messages": 100 })),
        [
            "producers[0].partitioner: a librdkafka property; this producer runs the Java client (set \"client\": \"librdkafka\" to use it)",
            "producers[0].batch.num.messages: a librdkafka property; this producer runs the Java client (set \"client\": \"librdkafka\" to use it)",
        ]
    );
}

#[test]
fn librdkafkas_idempotence_rules_refuse_each_conflict_with_its_message() {
    assert_eq!(
        producer_errors(json!({ "client": "librdkafka", "enable.idempotence": true,
            "acks": "1", "retries": 0, "max.in.flight.requests.per.connection": 6 })),
        [
            "producers[0].acks: conflicts with enable.idempotence=true; librdkafka refuses it: \"`acks` must be set to `all` when `enable.idempotence` is true\"",
            "producers[0].retries: conflicts with enable.idempotence=true; librdkafka refuses it: \"`retries` must be set >= 1 when `enable.idempotence` is true\"",
            "producers[0].max.in.flight.requests.per.connection: conflicts with enable.idempotence=true; librdkafka refuses it: \"`max.in.flight` must be set <= 5 when `enable.idempotence` is true\"",
        ]
    );
    // Without idempotence librdkafka takes any window up to 1000000, and acks=1.
    assert_eq!(
        producer_errors(json!({ "client": "librdkafka", "acks": "1",
            "max.in.flight.requests.per.connection": 1_000_000 })),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(json!({ "format": 1, "kafka.version": "0.10.2",
            "producers": [{ "client": "librdkafka", "enable.idempotence": true }] })),
        ["producers[0].enable.idempotence: the idempotent producer needs brokers of Kafka 0.11 or later (KIP-98); this scenario runs 0.10.2"]
    );
}

#[test]
fn librdkafka_groups_have_no_eager_sticky_assignor() {
    assert_eq!(
        errors(json!({ "format": 1, "groups": [{ "client": "librdkafka",
            "partition.assignment.strategy": "sticky" }] })),
        ["groups[0].partition.assignment.strategy: librdkafka has no eager \"sticky\" assignor: it takes \"range\", \"roundrobin\" or \"cooperative-sticky\""]
    );
}
