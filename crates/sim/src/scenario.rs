//! A scenario after defaults and validation: plain data, every property resolved for the
//! scenario's `kafka.version`. This is what the engine runs. Field names are Kafka's property
//! names in snake case; `Serialize` writes them back with Kafka's dotted names (the report's
//! `effective` section).
//!
//! Parsing the JSON format (docs: README, "Scenario format"), applying version defaults and
//! validating every key live in `scenario::parse` (added by the scenario work).

mod actions;
mod base64url;
mod context;
pub mod diagnostics;
mod duplicates;
pub mod export;
pub(crate) use duplicates::duplicate_keys;
pub(crate) mod fields;
mod groups;
mod inflate;
pub mod librdkafka;
pub mod limits;
pub mod parse;
pub mod permalink;
pub mod presets;
mod producers;
mod schemas;
mod upgrades;
pub mod version;

pub use diagnostics::{ScenarioError, ScenarioErrors, ScenarioNote};
pub use parse::{
    parse_scenario, parse_with_notes, resolve_scenario, resolve_with_notes, DEFAULT_SCENARIO_JSON,
};
pub use version::{parse_version, version_defaults, ImpliedDefault};

use crate::kafka::errors::ErrorCode;
pub use crate::kafka::librdkafka_partitioner::LibrdkafkaPartitioner;
pub use crate::kafka::serialization::compat::Compatibility;
use crate::kafka::serialization::RecordSchema;
use serde::Serialize;
use std::sync::Arc;

/// A Kafka release, ordered: `KafkaVersion::new(2, 0) < KafkaVersion::new(3, 9)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KafkaVersion {
    pub major: u8,
    pub minor: u8,
    pub patch: u8,
}

impl KafkaVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        KafkaVersion {
            major,
            minor,
            patch: 0,
        }
    }
    pub const fn with_patch(major: u8, minor: u8, patch: u8) -> Self {
        KafkaVersion {
            major,
            minor,
            patch,
        }
    }
    pub fn at_least(self, major: u8, minor: u8) -> bool {
        self >= KafkaVersion::new(major, minor)
    }
}

impl std::fmt::Display for KafkaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

impl Serialize for KafkaVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub format: u32,
    pub seed: u64,
    #[serde(rename = "kafka.version")]
    pub kafka_version: KafkaVersion,
    #[serde(rename = "duration.ms")]
    pub duration_ms: u64,
    pub cluster: ClusterConfig,
    pub network: NetworkConfig,
    pub topics: Vec<TopicConfig>,
    pub producers: Vec<ProducerConfig>,
    pub groups: Vec<GroupConfig>,
    pub actions: Vec<Action>,
    /// `schemas`: each name's versions, version N at index N - 1 (not in the report).
    #[serde(skip)]
    pub schemas: Vec<(String, Vec<Arc<RecordSchema>>)>,
    #[serde(rename = "schema.registry")]
    pub schema_registry: RegistryConfig,
}

impl Scenario {
    /// The schema `NAME@N` names, if the scenario defines it.
    pub fn schema(&self, r: &SchemaRef) -> Option<&Arc<RecordSchema>> {
        let (_, versions) = self.schemas.iter().find(|(n, _)| *n == r.name)?;
        versions.get((r.version as usize).checked_sub(1)?)
    }

    /// The records the scenario's producers plan to have sent by `t_us` (their rates, up to
    /// their totals): an estimate of the work of simulating that far, before running it.
    pub fn planned_records_by(&self, t_us: u64) -> u64 {
        let seconds = t_us as f64 / 1_000_000.0;
        self.producers
            .iter()
            .map(|p| ((p.records_per_sec * seconds) as u64).min(p.records))
            .sum()
    }

    /// Whether any client writes or reads values with a shape (a serializer other than
    /// `string`): only then do records carry value bytes and fetches carry record ids.
    pub fn has_shaped_values(&self) -> bool {
        self.producers
            .iter()
            .any(|p| p.value_serializer != ValueSerializer::String)
            || self
                .groups
                .iter()
                .any(|g| g.value_deserializer != ValueSerializer::String)
    }
}

/// `schema.registry`: the registry's global compatibility mode (Confluent's default BACKWARD).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryConfig {
    pub compatibility: Compatibility,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            compatibility: Compatibility::Backward,
        }
    }
}

impl Serialize for Compatibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Choice for Compatibility {
    const ALL: &'static [Self] = &Compatibility::ALL;
    fn name(self) -> &'static str {
        Compatibility::name(self)
    }
}

/// `NAME@N`: version N (from 1) of the scenario's schema NAME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRef {
    pub name: String,
    pub version: u32,
}

impl std::fmt::Display for SchemaRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

impl Serialize for SchemaRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterConfig {
    pub brokers: u32,
    #[serde(rename = "replica.lag.time.max.ms")]
    pub replica_lag_time_max_ms: u64,
    #[serde(rename = "unclean.leader.election.enable")]
    pub unclean_leader_election_enable: bool,
    /// Partitions of `__consumer_offsets` (the group coordinator is the leader of
    /// `abs(hash(group.id)) % this`).
    #[serde(rename = "offsets.topic.num.partitions")]
    pub offsets_topic_num_partitions: u32,
    #[serde(rename = "group.initial.rebalance.delay.ms")]
    pub group_initial_rebalance_delay_ms: u64,
    /// How long after a broker stops the controller notices (KRaft `broker.session.timeout.ms`,
    /// or the ZooKeeper session timeout for ZooKeeper-era versions).
    #[serde(rename = "broker.session.timeout.ms")]
    pub broker_session_timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkConfig {
    #[serde(rename = "latency.ms")]
    pub latency_ms: f64,
    #[serde(rename = "jitter.ms")]
    pub jitter_ms: f64,
    #[serde(rename = "loss.rate")]
    pub loss_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicConfig {
    pub name: String,
    pub partitions: u32,
    #[serde(rename = "replication.factor")]
    pub replication_factor: u32,
    #[serde(rename = "min.insync.replicas")]
    pub min_insync_replicas: u32,
}

/// A closed set of a property's values, so the reader can take any of them by name.
pub trait Choice: Copy + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
}

/// Gives a closed set of a property's values its list (`ALL`, in the page's order), the name
/// Kafka's config file uses for each (`name`, `NAMES`): the one spelling the reader, the page's
/// choices and the report share.
macro_rules! choices {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl Choice for $ty {
            const ALL: &'static [$ty] = $ty::ALL;
            fn name(self) -> &'static str {
                $ty::name(self)
            }
        }
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($name),+];
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendMode {
    FireAndForget,
    Sync,
    Async,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Acks {
    #[serde(rename = "0")]
    Zero,
    #[serde(rename = "1")]
    One,
    #[serde(rename = "all")]
    All,
}

/// Which client library a producer or group runs: the Java client (`kafka-clients` of the
/// scenario's `kafka.version`) or librdkafka 2.12.1 (what Python's confluent-kafka, Go's
/// confluent-kafka-go, .NET's Confluent.Kafka and node-rdkafka run), with its own defaults and
/// behaviour whatever `kafka.version` (which still picks the brokers').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Client {
    #[default]
    Java,
    Librdkafka,
}

choices!(Client { Java => "java", Librdkafka => "librdkafka" });

impl Choice for LibrdkafkaPartitioner {
    const ALL: &'static [Self] = LibrdkafkaPartitioner::ALL;
    fn name(self) -> &'static str {
        LibrdkafkaPartitioner::name(self)
    }
}

impl Client {
    pub fn is_librdkafka(self) -> bool {
        self == Client::Librdkafka
    }

    /// Whether an idempotent producer may build another request for a partition with
    /// `records_in_flight`. librdkafka caps new requests at `RD_KAFKA_IDEMP_MAX_INFLIGHT (5) -
    /// messages in flight` (`rd_kafka_toppar_producer_serve`, `rdkafka_broker.c`): a message
    /// count against a request limit, so with batches of 5 records or more about one request is
    /// in flight per partition. The Java client's window alone bounds it.
    pub fn may_send_idempotent(self, records_in_flight: u32) -> bool {
        self == Client::Java || records_in_flight < 5
    }
}

choices!(SendMode { FireAndForget => "fire-and-forget", Sync => "sync", Async => "async" });
choices!(Acks { Zero => "0", One => "1", All => "all" });

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerConfig {
    pub name: String,
    pub topic: String,
    pub client: Client,
    /// librdkafka's `partitioner` (librdkafka clients only; the Java client hashes keys with
    /// murmur2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitioner: Option<LibrdkafkaPartitioner>,
    /// librdkafka's `batch.num.messages`: a batch also closes at this many records
    /// (librdkafka clients only).
    #[serde(rename = "batch.num.messages", skip_serializing_if = "Option::is_none")]
    pub batch_num_messages: Option<u32>,
    #[serde(rename = "send.mode")]
    pub send_mode: SendMode,
    /// How many records the application sends in all.
    pub records: u64,
    /// The rate at which the application calls `send()` (sync mode: at most this rate).
    #[serde(rename = "records.per.sec")]
    pub records_per_sec: f64,
    /// Distinct keys cycled through (`key-0`, `key-1`, ...); 0 sends null keys.
    pub keys: u32,
    #[serde(rename = "value.bytes")]
    pub value_bytes: u32,
    pub acks: Acks,
    pub retries: u32,
    #[serde(rename = "retry.backoff.ms")]
    pub retry_backoff_ms: u64,
    /// Only used from 3.7 on (exponential backoff, KIP-580); before, the backoff is constant.
    #[serde(rename = "retry.backoff.max.ms")]
    pub retry_backoff_max_ms: u64,
    #[serde(rename = "max.in.flight.requests.per.connection")]
    pub max_in_flight_requests_per_connection: u32,
    /// Idempotence as it takes effect (after Kafka's silent-disable rule and the 3.0.0/3.1.0 bug).
    #[serde(rename = "enable.idempotence")]
    pub enable_idempotence: bool,
    #[serde(rename = "linger.ms")]
    pub linger_ms: u64,
    #[serde(rename = "batch.size")]
    pub batch_size: u32,
    #[serde(rename = "request.timeout.ms")]
    pub request_timeout_ms: u64,
    #[serde(rename = "delivery.timeout.ms")]
    pub delivery_timeout_ms: u64,
    /// How old the producer's metadata may get before it refreshes it (new partitions show up
    /// only then). `sim::partitions` says when the periodic refresh runs.
    #[serde(rename = "metadata.max.age.ms")]
    pub metadata_max_age_ms: u64,
    /// A record whose serialized size is above this fails in `send()` (RecordTooLargeException);
    /// it also bounds the batches of one Produce request.
    #[serde(rename = "max.request.size")]
    pub max_request_size: u32,
    /// Bytes the accumulator's batches may hold (`BufferPool`); a `send()` that needs a new
    /// batch beyond it blocks.
    #[serde(rename = "buffer.memory")]
    pub buffer_memory: u64,
    /// How long a `send()` blocks for buffer memory before it fails (TimeoutException).
    #[serde(rename = "max.block.ms")]
    pub max_block_ms: u64,
    #[serde(
        rename = "value.serializer",
        skip_serializing_if = "ValueSerializer::is_string"
    )]
    pub value_serializer: ValueSerializer,
    /// The schema its values are written with (`custom` and `avro`).
    #[serde(rename = "value.schema", skip_serializing_if = "Option::is_none")]
    pub value_schema: Option<SchemaRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentStrategy {
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

choices!(AssignmentStrategy {
    Range => "range",
    RoundRobin => "roundrobin",
    Sticky => "sticky",
    CooperativeSticky => "cooperative-sticky",
});

impl AssignmentStrategy {
    pub fn from_name(name: &str) -> Option<Self> {
        AssignmentStrategy::ALL
            .iter()
            .copied()
            .find(|s| s.name() == name)
    }
    /// Cooperative (incremental) rebalancing, KIP-429; the others are eager.
    pub fn is_cooperative(self) -> bool {
        self == AssignmentStrategy::CooperativeSticky
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

choices!(OffsetReset { Earliest => "earliest", Latest => "latest", None => "none" });

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupConfig {
    #[serde(rename = "group.id")]
    pub group_id: String,
    pub topics: Vec<String>,
    pub client: Client,
    /// Consumers at the start; named `<group.id>-c<N>`, N from 1 in joining order.
    pub consumers: u32,
    #[serde(rename = "partition.assignment.strategy")]
    pub partition_assignment_strategy: AssignmentStrategy,
    #[serde(rename = "session.timeout.ms")]
    pub session_timeout_ms: u64,
    #[serde(rename = "heartbeat.interval.ms")]
    pub heartbeat_interval_ms: u64,
    #[serde(rename = "max.poll.interval.ms")]
    pub max_poll_interval_ms: u64,
    #[serde(rename = "max.poll.records")]
    pub max_poll_records: u32,
    #[serde(rename = "processing.ms.per.record")]
    pub processing_ms_per_record: f64,
    #[serde(rename = "enable.auto.commit")]
    pub enable_auto_commit: bool,
    #[serde(rename = "auto.commit.interval.ms")]
    pub auto_commit_interval_ms: u64,
    #[serde(rename = "auto.offset.reset")]
    pub auto_offset_reset: OffsetReset,
    /// How old a consumer's metadata may get before it refreshes it; the group leader re-joins
    /// when a refresh shows a partition count its assignment did not cover.
    #[serde(rename = "metadata.max.age.ms")]
    pub metadata_max_age_ms: u64,
    #[serde(
        rename = "value.deserializer",
        skip_serializing_if = "ValueSerializer::is_string"
    )]
    pub value_deserializer: ValueSerializer,
    /// The schema its application reads values as (`custom` and `avro`).
    #[serde(rename = "value.schema", skip_serializing_if = "Option::is_none")]
    pub value_schema: Option<SchemaRef>,
    #[serde(
        rename = "on.deserialization.error",
        skip_serializing_if = "OnDeserializationError::is_fail"
    )]
    pub on_deserialization_error: OnDeserializationError,
}

/// A consumer's name: `<group.id>-c<N>`, N from 1 in joining order (the initial consumers
/// first, then those `add-consumer` adds).
pub fn consumer_name(group_id: &str, n: u32) -> String {
    format!("{group_id}-c{n}")
}

/// One entry of the scenario's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    #[serde(rename = "at.ms")]
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum ActionKind {
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
    IsolateBroker {
        broker: u32,
        #[serde(rename = "for.ms")]
        for_ms: u64,
    },
    FailRequests {
        broker: u32,
        error: ErrorCode,
        count: u32,
    },
    SetNetwork {
        #[serde(rename = "latency.ms", skip_serializing_if = "Option::is_none")]
        latency_ms: Option<f64>,
        #[serde(rename = "jitter.ms", skip_serializing_if = "Option::is_none")]
        jitter_ms: Option<f64>,
        #[serde(rename = "loss.rate", skip_serializing_if = "Option::is_none")]
        loss_rate: Option<f64>,
    },
    AddConsumer {
        #[serde(rename = "group.id")]
        group_id: String,
    },
    RemoveConsumer {
        #[serde(rename = "group.id")]
        group_id: String,
        consumer: String,
    },
    KillConsumer {
        #[serde(rename = "group.id")]
        group_id: String,
        consumer: String,
    },
    StallConsumer {
        #[serde(rename = "group.id")]
        group_id: String,
        consumer: String,
        #[serde(rename = "for.ms")]
        for_ms: u64,
    },
    /// CreatePartitions (`kafka-topics --alter --partitions N`): the topic's new total count.
    AddPartitions {
        topic: String,
        partitions: u32,
    },
    /// The producer's application is redeployed writing values with another version.
    UpgradeProducer {
        producer: String,
        #[serde(rename = "value.schema")]
        value_schema: SchemaRef,
    },
    /// The group's applications are redeployed reading values as another version.
    UpgradeGroup {
        #[serde(rename = "group.id")]
        group_id: String,
        #[serde(rename = "value.schema")]
        value_schema: SchemaRef,
    },
    /// The registry's compatibility mode of one subject (`PUT /config/<subject>`).
    SetCompatibility {
        subject: String,
        compatibility: Compatibility,
    },
}

/// `value.serializer` / `value.deserializer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueSerializer {
    /// Opaque bytes of `value.bytes`, no schema (the default; records carry no value bytes).
    #[default]
    String,
    /// A hand-written serializer: the fields' values in order (`kafka::serialization::custom`).
    Custom,
    /// Confluent's Avro serializer with a schema registry.
    Avro,
}

choices!(ValueSerializer { String => "string", Custom => "custom", Avro => "avro" });

impl ValueSerializer {
    fn is_string(&self) -> bool {
        *self == ValueSerializer::String
    }
}

/// `on.deserialization.error`: what the application does when `poll()` throws
/// `RecordDeserializationException`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnDeserializationError {
    /// Kafka's behaviour: the exception escapes, every later poll throws it again.
    #[default]
    Fail,
    /// The application catches it, seeks past the record and counts it.
    Skip,
}

choices!(OnDeserializationError { Fail => "fail", Skip => "skip" });

impl OnDeserializationError {
    fn is_fail(&self) -> bool {
        *self == OnDeserializationError::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::parse_scenario;

    #[test]
    fn planned_records_follow_each_producers_rate_up_to_its_total() {
        let doc = r#"{"format": 1, "producers": [
            {"name": "fast", "records": 1000, "records.per.sec": 500},
            {"name": "slow", "records": 1000, "records.per.sec": 10}]}"#;
        let scenario = parse_scenario(doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.planned_records_by(0), 0);
        assert_eq!(scenario.planned_records_by(1_000_000), 510);
        assert_eq!(scenario.planned_records_by(3_000_000), 1030);
    }
}
