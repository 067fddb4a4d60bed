//! Export: each client's effective configuration as a user would paste it into a real
//! `producer.properties` or `consumer.properties`: the properties the scenario set first, then
//! the version's defaults (each marked), with what Kafka would have changed quietly said in a
//! comment; and a short Java snippet of the chosen send style or of the poll loop, building
//! exactly that configuration. The values are the report's `effective`, property for property;
//! the keys that only drive the simulation (rates, record counts, processing time) are not
//! Kafka's and stay out. A librdkafka client (`client: "librdkafka"`) gets librdkafka's names
//! where they differ (`message.timeout.ms`, `queue.buffering.max.ms`, `message.max.bytes`,
//! `queue.buffering.max.kbytes`; `partitioner` and `batch.num.messages` are its own), leaves
//! out what librdkafka has no property for, and a Python (confluent-kafka) snippet instead.

use super::librdkafka::{librdkafka_name, LIBRDKAFKA_VERSION};
use super::{resolve_with_notes, Client, KafkaVersion, Scenario, ScenarioErrors, SendMode};
use serde_json::Value;
use std::fmt::Write;

/// Producer keys that describe the simulated application, not the Kafka client.
pub const PRODUCER_SIMULATION_KEYS: &[&str] = &[
    "name",
    "topic",
    "client",
    "send.mode",
    "records",
    "records.per.sec",
    "keys",
    "value.bytes",
    "value.schema",
];
/// Group keys that describe the simulated application (and `group.id` is a property).
pub const GROUP_SIMULATION_KEYS: &[&str] = &[
    "topics",
    "client",
    "consumers",
    "processing.ms.per.record",
    "value.schema",
    "on.deserialization.error",
];

/// One exported property.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: String,
    pub value: String,
    /// Written in the scenario (else the version's default).
    pub set: bool,
    /// What Kafka does to it quietly (the scenario reader's note), if anything.
    pub note: Option<String>,
}

/// One client's export.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientExport {
    /// `producer.properties` or `consumer.properties`.
    pub file: &'static str,
    /// The producer's name or the group's id.
    pub name: String,
    pub properties: Vec<Property>,
    /// The client library the configuration is for.
    pub client: Client,
    /// The snippet: Java for the Java client, Python (confluent-kafka) for librdkafka.
    pub java: String,
}

impl ClientExport {
    /// The properties file: set properties first, then defaults under a comment.
    pub fn properties_text(&self, version: KafkaVersion) -> String {
        let release = match self.client {
            Client::Java => format!("Kafka {version}"),
            Client::Librdkafka => format!("librdkafka {LIBRDKAFKA_VERSION}"),
        };
        let mut out = format!(
            "# {} for {} ({release}), exported from Kafka Playground\n",
            self.file, self.name
        );
        out.push_str("bootstrap.servers=localhost:9092\n");
        let (set, defaults): (Vec<&Property>, Vec<&Property>) =
            self.properties.iter().partition(|p| p.set);
        for p in set {
            write_property(&mut out, p);
        }
        if !defaults.is_empty() {
            let _ = writeln!(out, "# defaults of {release}:");
            for p in defaults {
                write_property(&mut out, p);
            }
        }
        out
    }
}

fn write_property(out: &mut String, p: &Property) {
    if let Some(note) = &p.note {
        let _ = writeln!(out, "# {note}");
    }
    let _ = writeln!(out, "{}={}", p.key, p.value);
}

/// Whether Kafka `v` knows the client property `key` (the scenario reader keeps a value for
/// every key in every version; the export leaves out what a release would not recognise).
fn known_in(key: &str, v: KafkaVersion) -> bool {
    match key {
        // KIP-62.
        "max.poll.interval.ms" => v >= KafkaVersion::with_patch(0, 10, 1),
        // KIP-98.
        "enable.idempotence" => v.at_least(0, 11),
        // KIP-91.
        "delivery.timeout.ms" => v.at_least(2, 1),
        // KIP-580.
        "retry.backoff.max.ms" => v.at_least(3, 7),
        _ => true,
    }
}

/// The value as a properties file writes it; assignors, serializers and deserializers by their
/// class (a hand-written one by the name the course gives its Supplier example's).
fn property_value(key: &str, value: &Value) -> String {
    match (key, value) {
        ("partition.assignment.strategy", Value::String(s)) => assignor_class(s).to_string(),
        ("value.serializer", Value::String(s)) if s == "avro" => {
            "io.confluent.kafka.serializers.KafkaAvroSerializer".to_string()
        }
        ("value.deserializer", Value::String(s)) if s == "avro" => {
            "io.confluent.kafka.serializers.KafkaAvroDeserializer".to_string()
        }
        ("value.serializer", Value::String(s)) if s == "custom" => "SupplierSerializer".to_string(),
        ("value.deserializer", Value::String(s)) if s == "custom" => {
            "SupplierDeserializer".to_string()
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The snippet's language.
pub fn snippet_language(client: Client) -> &'static str {
    match client {
        Client::Java => "Java",
        Client::Librdkafka => "Python",
    }
}

/// A property as librdkafka names it (and its value in librdkafka's unit), or None for one
/// librdkafka has no property for (`max.block.ms`: its produce() never blocks;
/// `max.poll.records`: its poll hands over one message).
fn as_librdkafka(key: &str, value: &Value) -> Option<(String, Value)> {
    match key {
        "max.block.ms" | "max.poll.records" => None,
        "buffer.memory" => Some((
            "queue.buffering.max.kbytes".to_string(),
            Value::from(value.as_u64().unwrap_or(0) / 1024),
        )),
        _ => Some((
            librdkafka_name(key).unwrap_or(key).to_string(),
            value.clone(),
        )),
    }
}

/// Kafka's class for an assignor name (the page's and the scenario's short names).
pub fn assignor_class(name: &str) -> &str {
    match name {
        "range" => "org.apache.kafka.clients.consumer.RangeAssignor",
        "roundrobin" => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        "sticky" => "org.apache.kafka.clients.consumer.StickyAssignor",
        "cooperative-sticky" => "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        other => other,
    }
}

/// The properties of one client: its effective values (`effective`, a JSON object) minus the
/// simulation's keys and what the version does not know, marked set where `written` has them.
fn properties(
    effective: &Value,
    written: Option<&Value>,
    skip: &[&str],
    notes: &[(String, String)],
    v: KafkaVersion,
    client: Client,
) -> Vec<Property> {
    let Some(map) = effective.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, value)| {
            !skip.contains(&k.as_str())
                && (client == Client::Librdkafka || known_in(k, v))
                && !value.is_null()
        })
        .filter_map(|(k, value)| {
            let (name, value) = match client {
                Client::Java => (k.clone(), property_value(k, value)),
                Client::Librdkafka => {
                    let (name, value) = as_librdkafka(k, value)?;
                    let text = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (name, text)
                }
            };
            Some((k, name, value))
        })
        .map(|(k, name, value)| Property {
            key: name,
            value,
            set: written.and_then(|w| w.get(k)).is_some(),
            note: notes
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, m)| m.clone()),
        })
        .collect()
}

/// Exports every producer and group of a scenario document.
pub fn export(doc: &Value) -> Result<(Scenario, Vec<ClientExport>), ScenarioErrors> {
    let (scenario, notes) = resolve_with_notes(doc)?;
    let v = scenario.kafka_version;
    let notes_of = |prefix: &str| -> Vec<(String, String)> {
        notes
            .iter()
            .filter_map(|n| {
                n.path
                    .strip_prefix(prefix)
                    .map(|k| (k.to_string(), n.message.clone()))
            })
            .collect()
    };
    // The properties of the `i`th client of `list` (`producers` or `groups`).
    let props_of = |list: &str, i: usize, effective: Value, skip: &[&str], client: Client| {
        properties(
            &effective,
            doc.get(list).and_then(|l| l.get(i)),
            skip,
            &notes_of(&format!("{list}[{i}].")),
            v,
            client,
        )
    };
    let mut out = Vec::new();
    for (i, p) in scenario.producers.iter().enumerate() {
        let props = props_of(
            "producers",
            i,
            serde_json::to_value(p).unwrap_or(Value::Null),
            PRODUCER_SIMULATION_KEYS,
            p.client,
        );
        let java = match p.client {
            Client::Java => producer_java(&props, &p.topic, p.send_mode),
            Client::Librdkafka => producer_python(&props, &p.topic, p.send_mode),
        };
        out.push(ClientExport {
            file: "producer.properties",
            name: p.name.clone(),
            properties: props,
            client: p.client,
            java,
        });
    }
    for (i, g) in scenario.groups.iter().enumerate() {
        let props = props_of(
            "groups",
            i,
            serde_json::to_value(g).unwrap_or(Value::Null),
            GROUP_SIMULATION_KEYS,
            g.client,
        );
        let java = match g.client {
            Client::Java => consumer_java(&props, &g.topics, g.enable_auto_commit),
            Client::Librdkafka => consumer_python(&props, &g.topics, g.enable_auto_commit),
        };
        out.push(ClientExport {
            file: "consumer.properties",
            name: g.group_id.clone(),
            properties: props,
            client: g.client,
            java,
        });
    }
    Ok((scenario, out))
}

fn java_props(props: &[Property]) -> String {
    let mut s = String::from(
        "Properties props = new Properties();\nprops.put(\"bootstrap.servers\", \"localhost:9092\");\n",
    );
    for p in props {
        let _ = writeln!(s, "props.put(\"{}\", \"{}\");", p.key, p.value);
    }
    s
}

fn producer_java(props: &[Property], topic: &str, mode: SendMode) -> String {
    let send = match mode {
        SendMode::FireAndForget => "    producer.send(record); // fire-and-forget: the result is never looked at\n".to_string(),
        SendMode::Sync => "    RecordMetadata meta = producer.send(record).get(); // sync: waits for the answer, throws on failure\n".to_string(),
        SendMode::Async => "    producer.send(record, (meta, e) -> {\n        if (e != null) {\n            // async: the callback hears of every failure\n        }\n    });\n".to_string(),
    };
    format!(
        "{}try (KafkaProducer<String, String> producer =\n        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {{\n    ProducerRecord<String, String> record = new ProducerRecord<>(\"{topic}\", key, value);\n{send}}}\n",
        java_props(props)
    )
}

fn consumer_java(props: &[Property], topics: &[String], auto_commit: bool) -> String {
    let list: Vec<String> = topics.iter().map(|t| format!("\"{t}\"")).collect();
    let commit = if auto_commit {
        ""
    } else {
        "        consumer.commitSync();\n"
    };
    format!(
        "{}try (KafkaConsumer<String, String> consumer =\n        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {{\n    consumer.subscribe(List.of({}));\n    while (true) {{\n        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));\n        for (ConsumerRecord<String, String> record : records) {{\n            process(record);\n        }}\n{commit}    }}\n}}\n",
        java_props(props),
        list.join(", ")
    )
}

/// confluent-kafka's configuration dict (librdkafka's property names).
fn python_conf(props: &[Property]) -> String {
    let mut s = String::from("conf = {\n    \"bootstrap.servers\": \"localhost:9092\",\n");
    for p in props {
        let _ = writeln!(s, "    \"{}\": \"{}\",", p.key, p.value);
    }
    s.push_str("}\n");
    s
}

fn producer_python(props: &[Property], topic: &str, mode: SendMode) -> String {
    let send = match mode {
        SendMode::FireAndForget => format!(
            "producer.produce(\"{topic}\", key=key, value=value)  # fire-and-forget: no delivery report looked at\nproducer.poll(0)\n"
        ),
        SendMode::Sync => format!(
            "producer.produce(\"{topic}\", key=key, value=value, on_delivery=delivered)\nproducer.flush()  # sync: waits for the delivery report\n"
        ),
        SendMode::Async => format!(
            "producer.produce(\"{topic}\", key=key, value=value, on_delivery=delivered)\nproducer.poll(0)  # async: delivery reports arrive in poll()\n"
        ),
    };
    format!(
        "from confluent_kafka import Producer\n\n{}producer = Producer(conf)\n\ndef delivered(err, msg):\n    if err is not None:\n        pass  # the delivery report of every failure\n\n{send}producer.flush()\n",
        python_conf(props)
    )
}

fn consumer_python(props: &[Property], topics: &[String], auto_commit: bool) -> String {
    let list: Vec<String> = topics.iter().map(|t| format!("\"{t}\"")).collect();
    let commit = if auto_commit {
        ""
    } else {
        "    consumer.commit(asynchronous=False)\n"
    };
    format!(
        "from confluent_kafka import Consumer\n\n{}consumer = Consumer(conf)\nconsumer.subscribe([{}])\nwhile True:\n    msg = consumer.poll(0.1)\n    if msg is None or msg.error():\n        continue\n    process(msg)\n{commit}",
        python_conf(props),
        list.join(", ")
    )
}
