//! Limits that keep the page responsive and the drawing readable. Going past one is a
//! validation error naming the key and the limit, never a silent clamp.

/// `cluster.brokers`: 1..=50 (the cases teachers of Kafka operations ask for: a controller
/// failover or a rebalance storm on a large cluster).
pub const MAX_BROKERS: u32 = 50;
/// `topics`: at most 16 topics, each 1..=1000 partitions, at most 1000 partitions in all (the
/// core's cost per event does not grow with the partition count; see `kafka-sim bench --sweep`).
pub const MAX_TOPICS: usize = 16;
pub const MAX_PARTITIONS: u32 = 1000;
pub const MAX_TOTAL_PARTITIONS: u32 = 1000;
/// Kafka's limit on topic name length.
pub const MAX_TOPIC_NAME_LEN: usize = 249;
/// Producer names and group ids: 1..=64 characters.
pub const MAX_NAME_LEN: usize = 64;
/// `producers`: at most 50.
pub const MAX_PRODUCERS: usize = 50;
/// Producers plus every group's consumers (those `add-consumer` adds included): at most 50.
pub const MAX_CLIENTS: u32 = 50;
/// `producers[].records`: at most 10 million per producer.
pub const MAX_RECORDS: u64 = 10_000_000;
/// `producers[].records.per.sec`: above 0, at most 100,000.
pub const MAX_RECORDS_PER_SEC: f64 = 100_000.0;
/// `producers[].keys`: at most 100,000 distinct keys.
pub const MAX_KEYS: u32 = 100_000;
/// `producers[].value.bytes` and `batch.size`: at most 1 MiB (the default `max.request.size`).
pub const MAX_VALUE_BYTES: u32 = 1_048_576;
/// `max.in.flight.requests.per.connection`: at most 100.
pub const MAX_IN_FLIGHT: u32 = 100;
/// `groups`: at most 4; each with at most 50 consumers, counting those `add-consumer` adds
/// (and within [`MAX_CLIENTS`] with the producers and the other groups).
pub const MAX_GROUPS: usize = 4;
pub const MAX_CONSUMERS_PER_GROUP: u32 = 50;
/// `duration.ms`: 1 ms to 1 hour of virtual time.
pub const MAX_DURATION_MS: u64 = 3_600_000;
/// `actions`: at most 1000 timeline entries.
pub const MAX_ACTIONS: usize = 1000;
/// `fail-requests.count`: at most 100,000.
pub const MAX_FAIL_COUNT: u32 = 100_000;
/// `network.latency.ms` and `jitter.ms`: at most 10 s.
pub const MAX_LATENCY_MS: f64 = 10_000.0;
/// `groups[].processing.ms.per.record`: at most 60 s per record.
pub const MAX_PROCESSING_MS: f64 = 60_000.0;
/// Kafka's broker limits on a consumer's `session.timeout.ms`
/// (`group.min.session.timeout.ms`, `group.max.session.timeout.ms`).
pub const MIN_SESSION_TIMEOUT_MS: u64 = 6_000;
pub const MAX_SESSION_TIMEOUT_MS: u64 = 1_800_000;
