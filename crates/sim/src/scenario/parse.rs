//! Reading a scenario document (the format in the README, "Scenario format"): the entry points,
//! the top level, `cluster`, `network` and `topics`. Producers are read in `producers`, groups
//! in `groups`, the timeline in `actions`, what they share is in `context`; this module ties
//! them together. Keys given twice in the JSON text are refused (`duplicates`), since a JSON
//! reader would silently keep the last.
//!
//! Defaults for what a document leaves out (beyond Kafka's own, see `version`):
//! - `format` is required; `seed` 1; `kafka.version` "3.9"; `duration.ms` 20000.
//! - `cluster`: 3 brokers, other keys by version, `offsets.topic.num.partitions` 50,
//!   `group.initial.rebalance.delay.ms` 3000.
//! - `network`: `latency.ms` 2.0, `jitter.ms` 0.5, `loss.rate` 0.0.
//! - `topics` omitted: one topic `orders`, 4 partitions, replication factor min(3, brokers),
//!   `min.insync.replicas` 1. A listed topic that leaves keys out gets Kafka's broker defaults
//!   (`num.partitions` 1, `default.replication.factor` 1, `min.insync.replicas` 1).
//! - `producers`, `groups`, `actions` omitted: none.

use super::actions::read_actions;
use super::context::{each_object, Context};
use super::diagnostics::{Problems, ScenarioErrors, ScenarioNote};
use super::duplicates::duplicate_keys;
use super::fields::{kind_and_value, read_int, Fields, Got, INT_MAX};
use super::groups::read_groups;
use super::limits::*;
use super::producers::read_producers;
use super::schemas::{read_registry, read_schemas};
use super::version::{defaults_for, parse_version, Defaults, DEFAULT_VERSION};
use crate::scenario::{
    ClusterConfig, GroupConfig, KafkaVersion, NetworkConfig, ProducerConfig, Scenario, TopicConfig,
};
use crate::support::vec_map::{VecMap, VecSet};
use serde_json::Value;

/// The only format version this reader knows.
pub const FORMAT: u64 = 1;
pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_DURATION_MS: u64 = 20_000;
pub const DEFAULT_BROKERS: u32 = 3;
pub use super::context::DEFAULT_METADATA_MAX_AGE_MS;

/// The page's default scenario (also a worked example of the format).
pub const DEFAULT_SCENARIO_JSON: &str = include_str!("../../scenarios/default.json");

const TOP_KEYS: [&str; 12] = [
    "format",
    "seed",
    "kafka.version",
    "duration.ms",
    "cluster",
    "network",
    "topics",
    "producers",
    "groups",
    "actions",
    "schemas",
    "schema.registry",
];
const CLUSTER_KEYS: [&str; 6] = [
    "brokers",
    "replica.lag.time.max.ms",
    "unclean.leader.election.enable",
    "offsets.topic.num.partitions",
    "group.initial.rebalance.delay.ms",
    "broker.session.timeout.ms",
];
const NETWORK_KEYS: [&str; 3] = ["latency.ms", "jitter.ms", "loss.rate"];
const TOPIC_KEYS: [&str; 4] = [
    "name",
    "partitions",
    "replication.factor",
    "min.insync.replicas",
];

/// Parses and resolves a scenario from JSON text.
pub fn parse_scenario(json: &str) -> Result<Scenario, ScenarioErrors> {
    parse_with_notes(json).map(|(scenario, _)| scenario)
}

/// Like [`parse_scenario`], also returning the notes (see [`resolve_with_notes`]).
pub fn parse_with_notes(json: &str) -> Result<(Scenario, Vec<ScenarioNote>), ScenarioErrors> {
    match serde_json::from_str::<Value>(json) {
        Ok(doc) => {
            let repeated = duplicate_keys(json);
            let resolved = resolve_with_notes(&doc);
            if repeated.is_empty() {
                return resolved;
            }
            let mut problems = Problems::default();
            for path in repeated {
                problems.error(
                    &path,
                    "key given twice in one object (a JSON reader would silently keep the last)",
                );
            }
            let mut errors = problems.into_errors();
            if let Err(more) = resolved {
                errors.errors.extend(more.errors);
            }
            Err(errors)
        }
        Err(e) => {
            let mut problems = Problems::default();
            problems.error(
                "",
                format!(
                    "invalid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    json_error_text(&e)
                ),
            );
            Err(problems.into_errors())
        }
    }
}

/// Resolves a scenario held as a JSON value (the page keeps and edits the document so).
pub fn resolve_scenario(doc: &Value) -> Result<Scenario, ScenarioErrors> {
    resolve_with_notes(doc).map(|(scenario, _)| scenario)
}

/// Resolves a scenario and lists what was resolved differently from what the document says
/// (idempotence silently disabled, `delivery.timeout.ms` raised, keys the version ignores).
pub fn resolve_with_notes(doc: &Value) -> Result<(Scenario, Vec<ScenarioNote>), ScenarioErrors> {
    let mut problems = Problems::default();
    let Value::Object(map) = doc else {
        problems.error(
            "",
            format!("a scenario is a JSON object, got {}", kind_and_value(doc)),
        );
        return Err(problems.into_errors());
    };
    let top = Fields {
        map,
        path: String::new(),
    };

    // A format this reader does not know may mean anything: refuse it alone.
    match map.get("format") {
        None => problems.error(
            "format",
            format!("required key is missing (write \"format\": {FORMAT})"),
        ),
        Some(value) => {
            if let Got::Value(n) = read_int(value, "format", 0..=u64::MAX, &mut problems) {
                if n != FORMAT {
                    let mut alone = Problems::default();
                    alone.error(
                        "format",
                        format!(
                            "unsupported format {n}: this reader knows format {FORMAT} only \
                             (was the scenario written by a newer Kafka Playground?)"
                        ),
                    );
                    return Err(alone.into_errors());
                }
            }
        }
    }
    top.check_keys(&TOP_KEYS, &mut problems);

    let seed = top
        .int("seed", 0..=u64::MAX, &mut problems)
        .or(DEFAULT_SEED);
    let version = match top.get("kafka.version") {
        // 3.10 and 3.1 are different releases: a number cannot say which.
        Some(Value::Number(n)) => {
            problems.error(
                "kafka.version",
                format!("write the version as a string, e.g. \"{n}\""),
            );
            DEFAULT_VERSION
        }
        _ => version_of(&top, &mut problems),
    };
    let duration = top.int("duration.ms", 1..=MAX_DURATION_MS, &mut problems);
    let defaults = defaults_for(version);
    let (cluster, brokers) = read_cluster(&top, &defaults, &mut problems);
    let network = read_network(&top, &mut problems);
    let mut ctx = Context {
        version,
        defaults,
        brokers,
        duration_ms: duration.usable(DEFAULT_DURATION_MS),
        topics: VecSet::new(),
        partitions: VecMap::new(),
        metadata_can_change: adds_partitions(&top),
        groups: VecMap::new(),
        clients: 0,
        schemas: VecMap::new(),
        producer_schemas: VecMap::new(),
        group_schemas: VecMap::new(),
    };
    let topics = read_topics(&top, &mut ctx, &mut problems);
    let schemas = read_schemas(&top, &mut ctx, &mut problems);
    let schema_registry = read_registry(&top, &mut problems);
    let producers = read_producers(&top, &ctx, &mut problems);
    for p in &producers {
        let schema = p.value_schema.as_ref().map(|r| r.name.clone());
        ctx.producer_schemas.insert(p.name.clone(), schema);
    }
    let groups = read_groups(&top, &mut ctx, &mut problems);
    for g in &groups {
        let schema = g.value_schema.as_ref().map(|r| r.name.clone());
        ctx.group_schemas.insert(g.group_id.clone(), schema);
    }
    check_clients(&producers, &groups, &mut ctx, &mut problems);
    let actions = read_actions(&top, &ctx, &mut problems);

    if !problems.errors.is_empty() {
        return Err(problems.into_errors());
    }
    let scenario = Scenario {
        format: FORMAT as u32,
        seed,
        kafka_version: version,
        duration_ms: duration.or(DEFAULT_DURATION_MS),
        cluster,
        network,
        topics,
        producers,
        groups,
        actions,
        schemas,
        schema_registry,
    };
    Ok((scenario, problems.notes))
}

/// A first look at the timeline (read in full last): does it add partitions?
fn adds_partitions(top: &Fields<'_>) -> bool {
    match top.get("actions") {
        Some(Value::Array(items)) => items
            .iter()
            .any(|a| a.get("do").and_then(Value::as_str) == Some("add-partitions")),
        _ => false,
    }
}

fn version_of(top: &Fields<'_>, problems: &mut Problems) -> KafkaVersion {
    match top.string("kafka.version", problems) {
        Got::Value(text) => match parse_version(text) {
            Ok(v) => v,
            Err(message) => {
                problems.error("kafka.version", message);
                DEFAULT_VERSION
            }
        },
        Got::Missing | Got::Bad => DEFAULT_VERSION,
    }
}

/// serde_json's message without its own " at line L column C" suffix (we print ours).
fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn read_cluster(
    top: &Fields<'_>,
    d: &Defaults,
    problems: &mut Problems,
) -> (ClusterConfig, Option<u32>) {
    let empty = serde_json::Map::new();
    let mut usable = true;
    let fields = match top.get("cluster") {
        None => None,
        Some(v) => {
            let f = Fields::of(v, "cluster", problems);
            usable = f.is_some();
            f
        }
    }
    .unwrap_or(Fields {
        map: &empty,
        path: "cluster".into(),
    });
    fields.check_keys(&CLUSTER_KEYS, problems);
    let (cluster, brokers) = resolve_cluster(&fields, d, problems);
    (cluster, brokers.filter(|_| usable))
}

fn resolve_cluster(
    f: &Fields<'_>,
    d: &Defaults,
    problems: &mut Problems,
) -> (ClusterConfig, Option<u32>) {
    let brokers = f.int32("brokers", 1..=MAX_BROKERS, problems);
    let cluster = ClusterConfig {
        brokers: brokers.or(DEFAULT_BROKERS),
        replica_lag_time_max_ms: f
            .int("replica.lag.time.max.ms", 1..=INT_MAX, problems)
            .or(d.replica_lag_time_max_ms),
        unclean_leader_election_enable: f
            .boolean("unclean.leader.election.enable", problems)
            .or(d.unclean_leader_election_enable),
        offsets_topic_num_partitions: f
            .int32("offsets.topic.num.partitions", 1..=1000, problems)
            .or(d.offsets_topic_num_partitions),
        group_initial_rebalance_delay_ms: f
            .int("group.initial.rebalance.delay.ms", 0..=INT_MAX, problems)
            .or(d.group_initial_rebalance_delay_ms),
        broker_session_timeout_ms: f
            .int("broker.session.timeout.ms", 1..=INT_MAX, problems)
            .or(d.broker_session_timeout_ms),
    };
    (cluster, brokers.usable(DEFAULT_BROKERS))
}

fn read_network(top: &Fields<'_>, problems: &mut Problems) -> NetworkConfig {
    let mut network = NetworkConfig {
        latency_ms: 2.0,
        jitter_ms: 0.5,
        loss_rate: 0.0,
    };
    let Some(value) = top.get("network") else {
        return network;
    };
    let Some(f) = Fields::of(value, "network", problems) else {
        return network;
    };
    f.check_keys(&NETWORK_KEYS, problems);
    network.latency_ms = f
        .number("latency.ms", 0.0..=MAX_LATENCY_MS, problems)
        .or(network.latency_ms);
    network.jitter_ms = f
        .number("jitter.ms", 0.0..=MAX_LATENCY_MS, problems)
        .or(network.jitter_ms);
    network.loss_rate = f
        .number("loss.rate", 0.0..=1.0, problems)
        .or(network.loss_rate);
    network
}

fn read_topics(top: &Fields<'_>, ctx: &mut Context, problems: &mut Problems) -> Vec<TopicConfig> {
    if top.get("topics").is_none() {
        let replication_factor = ctx.brokers.unwrap_or(DEFAULT_BROKERS).min(3);
        ctx.topics.insert("orders".into());
        ctx.partitions.insert("orders".into(), 4);
        return vec![TopicConfig {
            name: "orders".into(),
            partitions: 4,
            replication_factor,
            min_insync_replicas: 1,
        }];
    }
    let mut topics = Vec::new();
    let mut first_path: VecMap<String, String> = VecMap::new();
    let mut total_partitions = 0u32;
    let listed = each_object(top, "topics", MAX_TOPICS, problems, |_, f, problems| {
        f.check_keys(&TOPIC_KEYS, problems);
        let name = match f.string("name", problems) {
            Got::Value(name) => {
                check_topic_name(&f.path_of("name"), name, problems);
                if let Some(earlier) = first_path.get(name) {
                    problems.error(
                        &f.path_of("name"),
                        format!("duplicate topic name \"{name}\" (also {earlier})"),
                    );
                }
                first_path.insert(name.to_string(), f.path_of("name"));
                Some(name.to_string())
            }
            Got::Missing => {
                f.require("name", problems);
                None
            }
            Got::Bad => None,
        };
        let partitions = f.int32("partitions", 1..=MAX_PARTITIONS, problems);
        let rf = f.int32("replication.factor", 1..=MAX_BROKERS, problems);
        let min_isr = f.int32("min.insync.replicas", 1..=MAX_BROKERS, problems);
        if let (Some(rf), Some(brokers)) = (rf.usable(1), ctx.brokers) {
            if rf > brokers {
                problems.error(
                    &f.path_of("replication.factor"),
                    format!(
                        "replication factor {rf} is larger than the {brokers} brokers: Kafka \
                         refuses to create the topic (INVALID_REPLICATION_FACTOR)"
                    ),
                );
            }
        }
        if let (Some(rf), Some(min_isr)) = (rf.usable(1), min_isr.usable(1)) {
            // Kafka accepts this (before 3.7 every acks=all write then fails with
            // NOT_ENOUGH_REPLICAS; since 3.7 it is capped). Refused here: it is nearly always a
            // typo, and the lesson it would teach is better taught by crashing a broker.
            if min_isr > rf {
                problems.error(
                    &f.path_of("min.insync.replicas"),
                    format!(
                        "min.insync.replicas {min_isr} is above the replication factor {rf}: \
                         Kafka before 3.7 accepts it and then fails every acks=all write with \
                         NOT_ENOUGH_REPLICAS (since 3.7 it is capped); refused here as a likely \
                         mistake"
                    ),
                );
            }
        }
        if let Got::Value(p) = partitions {
            total_partitions = total_partitions.saturating_add(p);
        } else {
            total_partitions = total_partitions.saturating_add(1);
        }
        if let Some(name) = &name {
            ctx.topics.insert(name.clone());
            if let Some(p) = partitions.usable(1) {
                ctx.partitions.get_or_insert_with(name.clone(), || p);
            }
        }
        topics.push(TopicConfig {
            name: name.unwrap_or_default(),
            partitions: partitions.or(1),
            replication_factor: rf.or(1),
            min_insync_replicas: min_isr.or(1),
        });
    });
    if !listed {
        return Vec::new();
    }
    if total_partitions > MAX_TOTAL_PARTITIONS {
        problems.error(
            "topics",
            format!(
                "at most {MAX_TOTAL_PARTITIONS} partitions in all topics (got {total_partitions})"
            ),
        );
    }
    topics
}

/// Producers plus consumers within [`MAX_CLIENTS`]; the count goes to `ctx` for `add-consumer`.
fn check_clients(
    producers: &[ProducerConfig],
    groups: &[GroupConfig],
    ctx: &mut Context,
    problems: &mut Problems,
) {
    let consumers: u32 = groups.iter().map(|g| g.consumers).sum();
    let clients = (producers.len() as u32).saturating_add(consumers);
    ctx.clients = clients;
    if clients > MAX_CLIENTS {
        problems.error(
            "groups",
            format!(
                "at most {MAX_CLIENTS} producers and consumers in all (got {} producers and \
                 {consumers} consumers)",
                producers.len()
            ),
        );
    }
}

/// Kafka's topic name rules (`Topic.validate`), plus: names starting with `__` are Kafka's
/// internal topics and cannot be produced to here.
fn check_topic_name(path: &str, name: &str, problems: &mut Problems) {
    if name.is_empty() {
        problems.error(path, "must not be empty");
    } else if name == "." || name == ".." {
        problems.error(path, "\".\" and \"..\" are not valid topic names");
    } else if name.len() > MAX_TOPIC_NAME_LEN {
        problems.error(path, format!("at most {MAX_TOPIC_NAME_LEN} characters"));
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        problems.error(
            path,
            "a topic name may contain only ASCII letters, digits, '.', '_' and '-'",
        );
    } else if name.starts_with("__") {
        problems.error(
            path,
            "names starting with \"__\" are Kafka's internal topics",
        );
    }
}
