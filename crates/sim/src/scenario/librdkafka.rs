//! `client: "librdkafka"` on producers and groups: librdkafka 2.12.1's own defaults for the
//! client-side properties (CONFIGURATION.md, read from a fresh configuration:
//! `tests/data/librdkafka-defaults.json`), whatever the scenario's `kafka.version`, and
//! librdkafka's rules between them (`rdkafka_conf.c`, `rd_kafka_conf_finalize`).

use super::diagnostics::Problems;
use super::fields::{Fields, Got};
use super::version::Defaults;
use crate::scenario::{Acks, AssignmentStrategy, Client, KafkaVersion, OffsetReset};

/// The librdkafka release whose behaviour and defaults `client: "librdkafka"` stands for.
pub const LIBRDKAFKA_VERSION: &str = "2.12.1";
/// `max.in.flight.requests.per.connection`: librdkafka's default and upper bound.
pub const MAX_IN_FLIGHT: u32 = 1_000_000;
/// With `enable.idempotence=true` librdkafka sets `max.in.flight` to 5 when left out and
/// refuses more (CONFIGURATION.md, `enable.idempotence`).
pub const IDEMPOTENT_MAX_IN_FLIGHT: u32 = 5;
/// `batch.num.messages`: a batch holds at most this many records (default; range 1..1000000).
pub const BATCH_NUM_MESSAGES: u32 = 10_000;
pub const MAX_BATCH_NUM_MESSAGES: u32 = 1_000_000;
/// `message.max.bytes` (librdkafka's `max.request.size`).
pub const MESSAGE_MAX_BYTES: u32 = 1_000_000;
/// `queue.buffering.max.kbytes` 1048576, in bytes (librdkafka's `buffer.memory`).
pub const QUEUE_BUFFERING_MAX_BYTES: u64 = 1_048_576 * 1024;
/// `metadata.max.age.ms` (librdkafka: 3 × `topic.metadata.refresh.interval.ms`).
pub const METADATA_MAX_AGE_MS: u64 = 900_000;
/// `message.timeout.ms` (= `delivery.timeout.ms`); 0 means no timeout in librdkafka.
pub const MESSAGE_TIMEOUT_MS: u64 = 300_000;

/// What the producer's version gates read for a librdkafka producer: librdkafka 2.12.1 has
/// what the Java client gained by 3.7 (a delivery timeout, `message.timeout.ms`; exponential
/// retry backoff with `retry.backoff.max.ms`), whatever the brokers' release.
pub const CLIENT_FEATURES: KafkaVersion = KafkaVersion::new(3, 7);

/// Keys only a librdkafka producer takes.
pub const LIBRDKAFKA_ONLY_KEYS: [&str; 2] = ["partitioner", "batch.num.messages"];

/// librdkafka's name of a property where it differs from the Java client's.
pub fn librdkafka_name(java: &str) -> Option<&'static str> {
    match java {
        "delivery.timeout.ms" => Some("message.timeout.ms"),
        "linger.ms" => Some("queue.buffering.max.ms"),
        "max.request.size" => Some("message.max.bytes"),
        _ => None,
    }
}

/// The defaults a client of `client` takes: the Java client's of the scenario's release, or
/// librdkafka's (broker-side defaults stay the release's).
pub fn client_defaults(client: Client, release: &Defaults) -> Defaults {
    match client {
        Client::Java => release.clone(),
        Client::Librdkafka => Defaults {
            acks: Acks::All,
            retries: 2_147_483_647,
            enable_idempotence: false,
            idempotence_default_applied: true,
            linger_ms: 5,
            delivery_timeout_ms: Some(MESSAGE_TIMEOUT_MS),
            retry_backoff_ms: 100,
            retry_backoff_max_ms: Some(1000),
            max_in_flight: MAX_IN_FLIGHT,
            batch_size: 1_000_000,
            request_timeout_ms: 30_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: Some(300_000),
            // librdkafka has no max.poll.records (it hands over one message per poll); the
            // playground's consumer keeps its 500 per turn.
            max_poll_records: 500,
            // "range,roundrobin": range first.
            partition_assignment_strategy: AssignmentStrategy::Range,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            // "largest".
            auto_offset_reset: OffsetReset::Latest,
            ..release.clone()
        },
    }
}

/// Refuses a librdkafka-only key on a Java client.
pub(crate) fn refuse_librdkafka_only(f: &Fields<'_>, client: Got<Client>, problems: &mut Problems) {
    if client != Got::Missing && client != Got::Value(Client::Java) {
        return;
    }
    for key in LIBRDKAFKA_ONLY_KEYS {
        if f.get(key).is_some() {
            problems.error(
                &f.path_of(key),
                "a librdkafka property; this producer runs the Java client (set \"client\": \"librdkafka\" to use it)",
            );
        }
    }
}

/// librdkafka's idempotence rules (CONFIGURATION.md, `enable.idempotence`: "max.in.flight.
/// requests.per.connection=5 (must be less than or equal to 5), retries=INT32_MAX (must be
/// greater than 0), acks=all ... Producer instantation will fail if user-supplied configuration
/// is incompatible"; the messages are `rd_kafka_conf_finalize`'s). Left out, it is off.
#[allow(clippy::too_many_arguments)]
pub(crate) fn resolve_idempotence(
    f: &Fields<'_>,
    v: KafkaVersion,
    brokers_have_idempotence: bool,
    explicit: Got<bool>,
    acks: Got<Acks>,
    retries: Got<u64>,
    in_flight: Got<u32>,
    problems: &mut Problems,
) -> bool {
    if explicit != Got::Value(true) {
        return false;
    }
    if !brokers_have_idempotence {
        problems.error(
            &f.path_of("enable.idempotence"),
            format!("the idempotent producer needs brokers of Kafka 0.11 or later (KIP-98); this scenario runs {v}"),
        );
        return false;
    }
    let refuse = |key: &str, message: &str, problems: &mut Problems| {
        problems.error(
            &f.path_of(key),
            format!("conflicts with enable.idempotence=true; librdkafka refuses it: \"{message}\""),
        );
    };
    if matches!(acks, Got::Value(a) if a != Acks::All) {
        refuse(
            "acks",
            "`acks` must be set to `all` when `enable.idempotence` is true",
            problems,
        );
    }
    if retries == Got::Value(0) {
        refuse(
            "retries",
            "`retries` must be set >= 1 when `enable.idempotence` is true",
            problems,
        );
    }
    if matches!(in_flight, Got::Value(n) if n > IDEMPOTENT_MAX_IN_FLIGHT) {
        refuse(
            "max.in.flight.requests.per.connection",
            "`max.in.flight` must be set <= 5 when `enable.idempotence` is true",
            problems,
        );
    }
    true
}

/// librdkafka's assignors: "range", "roundrobin", "cooperative-sticky" (CONFIGURATION.md,
/// `partition.assignment.strategy`); it has no eager sticky assignor.
pub(crate) fn refuse_strategy(
    f: &Fields<'_>,
    strategy: Got<AssignmentStrategy>,
    problems: &mut Problems,
) {
    if strategy == Got::Value(AssignmentStrategy::Sticky) {
        problems.error(
            &f.path_of("partition.assignment.strategy"),
            "librdkafka has no eager \"sticky\" assignor: it takes \"range\", \"roundrobin\" or \"cooperative-sticky\"",
        );
    }
}
