//! Scenarios built in Rust: a small builder with Kafka-version defaults (for tests and the
//! benchmark) and the busy reference scenario `kafka-sim bench` runs. The JSON parser with
//! full validation lives in `scenario::parse`.

use crate::scenario::version::{
    DEFAULT_BUFFER_MEMORY, DEFAULT_MAX_BLOCK_MS, DEFAULT_MAX_REQUEST_SIZE,
};
use crate::scenario::{
    Acks, Action, ActionKind, AssignmentStrategy, ClusterConfig, KafkaVersion, NetworkConfig,
    ProducerConfig, Scenario, SendMode, TopicConfig,
};

/// Producer defaults of a Kafka release (`ProducerConfig`: retries since 2.1 per KIP-91, acks
/// and idempotence since 3.0 per KIP-679 but for KAFKA-13598, linger.ms since 4.0 per
/// KIP-1030), before the silent-disable rule.
pub fn producer_defaults(version: KafkaVersion, name: &str, topic: &str) -> ProducerConfig {
    let modern = version.at_least(3, 0);
    let idempotence =
        modern && !(version == KafkaVersion::new(3, 0) || version == KafkaVersion::new(3, 1));
    ProducerConfig {
        name: name.to_string(),
        topic: topic.to_string(),
        client: crate::scenario::Client::Java,
        partitioner: None,
        batch_num_messages: None,
        send_mode: SendMode::Async,
        records: 1000,
        records_per_sec: 200.0,
        keys: 8,
        value_bytes: 100,
        acks: if modern { Acks::All } else { Acks::One },
        retries: if version.at_least(2, 1) {
            i32::MAX as u32
        } else {
            0
        },
        retry_backoff_ms: 100,
        retry_backoff_max_ms: 1000,
        max_in_flight_requests_per_connection: 5,
        enable_idempotence: idempotence,
        linger_ms: if version.at_least(4, 0) { 5 } else { 0 },
        batch_size: 16384,
        request_timeout_ms: 30_000,
        delivery_timeout_ms: 120_000,
        metadata_max_age_ms: crate::scenario::parse::DEFAULT_METADATA_MAX_AGE_MS,
        max_request_size: DEFAULT_MAX_REQUEST_SIZE,
        buffer_memory: DEFAULT_BUFFER_MEMORY,
        max_block_ms: DEFAULT_MAX_BLOCK_MS,
        value_serializer: Default::default(),
        value_schema: None,
    }
}

/// A scenario with one topic and the given producers, defaults of `version` elsewhere.
#[derive(Debug, Clone)]
pub struct ScenarioBuilder {
    pub scenario: Scenario,
}

impl ScenarioBuilder {
    pub fn new(version: KafkaVersion) -> Self {
        let zk = !version.at_least(3, 3);
        ScenarioBuilder {
            scenario: Scenario {
                format: 1,
                seed: 42,
                kafka_version: version,
                duration_ms: 20_000,
                cluster: ClusterConfig {
                    brokers: 3,
                    replica_lag_time_max_ms: if version.at_least(2, 5) {
                        30_000
                    } else {
                        10_000
                    },
                    unclean_leader_election_enable: false,
                    offsets_topic_num_partitions: 50,
                    group_initial_rebalance_delay_ms: 3000,
                    broker_session_timeout_ms: match (zk, version.at_least(2, 5)) {
                        (false, _) => 9000,
                        (true, true) => 18_000,
                        (true, false) => 6000,
                    },
                },
                network: NetworkConfig {
                    latency_ms: 2.0,
                    jitter_ms: 0.5,
                    loss_rate: 0.0,
                },
                topics: vec![TopicConfig {
                    name: "orders".into(),
                    partitions: 4,
                    replication_factor: 3,
                    min_insync_replicas: 2,
                }],
                producers: Vec::new(),
                groups: Vec::new(),
                actions: Vec::new(),
                schemas: Vec::new(),
                schema_registry: Default::default(),
            },
        }
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    pub fn duration_ms(mut self, ms: u64) -> Self {
        self.scenario.duration_ms = ms;
        self
    }

    pub fn brokers(mut self, n: u32) -> Self {
        self.scenario.cluster.brokers = n;
        self
    }

    pub fn topic(mut self, partitions: u32, rf: u32, min_isr: u32) -> Self {
        if let Some(t) = self.scenario.topics.first_mut() {
            t.partitions = partitions;
            t.replication_factor = rf;
            t.min_insync_replicas = min_isr;
        }
        self
    }

    pub fn network(mut self, latency_ms: f64, jitter_ms: f64, loss_rate: f64) -> Self {
        self.scenario.network = NetworkConfig {
            latency_ms,
            jitter_ms,
            loss_rate,
        };
        self
    }

    pub fn unclean(mut self, on: bool) -> Self {
        self.scenario.cluster.unclean_leader_election_enable = on;
        self
    }

    /// Adds a producer with the version's defaults, changed by `edit`.
    pub fn producer(mut self, edit: impl FnOnce(&mut ProducerConfig)) -> Self {
        let name = format!("p{}", self.scenario.producers.len() + 1);
        let mut p = producer_defaults(self.scenario.kafka_version, &name, "orders");
        edit(&mut p);
        self.scenario.producers.push(p);
        self
    }

    pub fn action(mut self, at_ms: u64, kind: ActionKind) -> Self {
        self.scenario.actions.push(Action { at_ms, kind });
        self.scenario.actions.sort_by_key(|a| a.at_ms);
        self
    }

    pub fn build(self) -> Scenario {
        self.scenario
    }
}

/// A group with the version's defaults, subscribed to `topics`, with `consumers`.
pub fn group_defaults(
    version: KafkaVersion,
    group_id: &str,
    topics: &[&str],
    consumers: u32,
) -> crate::scenario::GroupConfig {
    let d = crate::scenario::version::defaults_for(version);
    crate::scenario::GroupConfig {
        group_id: group_id.to_string(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        client: crate::scenario::Client::Java,
        consumers,
        partition_assignment_strategy: d.partition_assignment_strategy,
        session_timeout_ms: d.session_timeout_ms,
        heartbeat_interval_ms: d.heartbeat_interval_ms,
        max_poll_interval_ms: d.max_poll_interval_ms.unwrap_or(d.session_timeout_ms),
        max_poll_records: d.max_poll_records,
        processing_ms_per_record: 1.0,
        enable_auto_commit: d.enable_auto_commit,
        auto_commit_interval_ms: d.auto_commit_interval_ms,
        auto_offset_reset: d.auto_offset_reset,
        metadata_max_age_ms: crate::scenario::parse::DEFAULT_METADATA_MAX_AGE_MS,
        value_deserializer: Default::default(),
        value_schema: None,
        on_deserialization_error: Default::default(),
    }
}

/// The benchmark's busy cluster: 3 brokers, 12 partitions with RF 3, 4 async producers,
/// 1,200,000 records in all (acks=all, idempotent, linger.ms=5, 3.9 defaults otherwise), and
/// two consumer groups reading everything: 4 consumers (range, eager) and 2 consumers
/// (cooperative-sticky), 10 µs of processing per record.
pub fn busy_reference() -> Scenario {
    let mut b = ScenarioBuilder::new(KafkaVersion::new(3, 9))
        .seed(7)
        .duration_ms(15_000)
        .network(1.0, 0.2, 0.0)
        .topic(12, 3, 2);
    for _ in 0..4 {
        b = b.producer(|p| {
            p.records = 300_000;
            p.records_per_sec = 30_000.0;
            p.keys = 1000;
            p.linger_ms = 5;
        });
    }
    let mut s = b.build();
    let topic = s.topics.first().map(|t| t.name.clone()).unwrap_or_default();
    for (id, consumers, strategy) in [
        ("analytics", 4, AssignmentStrategy::Range),
        ("audit", 2, AssignmentStrategy::CooperativeSticky),
    ] {
        let mut g = group_defaults(s.kafka_version, id, &[topic.as_str()], consumers);
        g.partition_assignment_strategy = strategy;
        g.processing_ms_per_record = 0.01;
        g.auto_offset_reset = crate::scenario::OffsetReset::Earliest;
        s.groups.push(g);
    }
    s
}

/// The long-run memory benchmark: 20,000 records/s for `minutes` of virtual time (60: the
/// one-hour run, 72 million records). 3 brokers, 12 partitions with RF 3, 8 async producers of
/// 2,500 records/s each (acks=all, idempotent, linger.ms=5, 1,000 keys, 3.9 defaults
/// otherwise; eight because one producer may send at most `MAX_RECORDS`, 10 million, and an
/// hour at 20,000/s is 72 million), and one consumer group of 4 reading everything (10 µs of
/// processing per record). A valid scenario within today's limits.
pub fn hour_reference(minutes: u64) -> Scenario {
    let seconds = minutes.clamp(1, 60) * 60;
    let mut b = ScenarioBuilder::new(KafkaVersion::new(3, 9))
        .seed(7)
        .duration_ms(seconds * 1000)
        .network(1.0, 0.2, 0.0)
        .topic(12, 3, 2);
    for _ in 0..8 {
        b = b.producer(|p| {
            p.records = 2_500 * seconds;
            p.records_per_sec = 2_500.0;
            p.keys = 1000;
            p.linger_ms = 5;
        });
    }
    let mut s = b.build();
    let topic = s.topics.first().map(|t| t.name.clone()).unwrap_or_default();
    let mut g = group_defaults(s.kafka_version, "analytics", &[topic.as_str()], 4);
    g.processing_ms_per_record = 0.01;
    g.auto_offset_reset = crate::scenario::OffsetReset::Earliest;
    s.groups.push(g);
    s
}

/// The busy reference scenario scaled for `kafka-sim bench --sweep`: its topic with
/// `partitions`, its 1,200,000 records at 120,000 records/s split evenly over `producers`, and
/// one group per entry of `groups` with that many consumers (range first, cooperative-sticky
/// after, as the reference's two groups). The records and the rate stay the same at every size,
/// so the figures show what the size alone costs.
pub fn busy_scaled(partitions: u32, producers: u32, groups: &[u32]) -> Scenario {
    const RECORDS: u64 = 1_200_000;
    const RATE: f64 = 120_000.0;
    let mut b = ScenarioBuilder::new(KafkaVersion::new(3, 9))
        .seed(7)
        .duration_ms(15_000)
        .network(1.0, 0.2, 0.0)
        .topic(partitions, 3, 2);
    let n = producers.max(1);
    for i in 0..u64::from(n) {
        b = b.producer(|p| {
            // The remainder goes to the first producers, so the total stays RECORDS.
            p.records = RECORDS / u64::from(n) + u64::from(i < RECORDS % u64::from(n));
            p.records_per_sec = RATE / f64::from(n);
            p.keys = 1000;
            p.linger_ms = 5;
        });
    }
    let mut s = b.build();
    let topic = s.topics.first().map(|t| t.name.clone()).unwrap_or_default();
    for (i, &consumers) in groups.iter().enumerate() {
        let id = format!("g{}", i + 1);
        let mut g = group_defaults(s.kafka_version, &id, &[topic.as_str()], consumers);
        g.partition_assignment_strategy = if i == 0 {
            AssignmentStrategy::Range
        } else {
            AssignmentStrategy::CooperativeSticky
        };
        g.processing_ms_per_record = 0.01;
        g.auto_offset_reset = crate::scenario::OffsetReset::Earliest;
        s.groups.push(g);
    }
    s
}
