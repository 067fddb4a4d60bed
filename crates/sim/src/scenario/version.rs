//! `kafka.version`: which releases the reader knows, and the defaults each one implies
//! (those of Kafka's `ProducerConfig`, `ConsumerConfig` and broker configs in that release; the
//! notes beside them name the KIP behind a change).
//!
//! Releases before 1.0 are numbered 0.MINOR.LINE (0.10.0, 0.10.1, 0.11.0); they are held as
//! `KafkaVersion { major: 0, minor, patch: LINE }` so they order correctly, and their fourth
//! (bug-fix) component is accepted and ignored. "0.10" reads as 0.10.0, which is also how
//! `KafkaVersion` prints it, so the resolved scenario's version reads back the same.

use crate::scenario::{Acks, AssignmentStrategy, KafkaVersion, OffsetReset};

/// The version used when `kafka.version` is omitted.
pub const DEFAULT_VERSION: KafkaVersion = KafkaVersion::new(3, 9);

/// `delivery.timeout.ms` for releases before 2.1, which had no delivery timeout: Kafka's
/// `Integer.MAX_VALUE` ms (about 24.8 days), far past any run (at most an hour), so the engine
/// applies its usual rule and it never fires. Stays small enough that `ms * 1000` µs fits in u64.
pub const NO_DELIVERY_TIMEOUT_MS: u64 = 2_147_483_647;

/// `max.request.size`, `buffer.memory` and `max.block.ms`: the same in every release the reader
/// knows (0.10.0 to 4.0; `ProducerConfig`), so they are not in [`Defaults`]. Before 0.11 the
/// deprecated `block.on.buffer.full` (default false) left `max.block.ms` in charge too.
pub const DEFAULT_MAX_REQUEST_SIZE: u32 = 1_048_576;
pub const DEFAULT_BUFFER_MEMORY: u64 = 33_554_432;
pub const DEFAULT_MAX_BLOCK_MS: u64 = 60_000;

/// `max.poll.records` for 0.10.0, whose default was `Integer.MAX_VALUE`: capped here, because a
/// real fetch is bounded by `max.partition.fetch.bytes` (1 MiB) long before this many records.
pub const UNBOUNDED_MAX_POLL_RECORDS: u32 = 100_000;

/// Release lines the reader knows, oldest first, as written in `kafka.version`.
pub const KNOWN_LINES: [KafkaVersion; 26] = [
    KafkaVersion::with_patch(0, 10, 0),
    KafkaVersion::with_patch(0, 10, 1),
    KafkaVersion::with_patch(0, 10, 2),
    KafkaVersion::with_patch(0, 11, 0),
    KafkaVersion::new(1, 0),
    KafkaVersion::new(1, 1),
    KafkaVersion::new(2, 0),
    KafkaVersion::new(2, 1),
    KafkaVersion::new(2, 2),
    KafkaVersion::new(2, 3),
    KafkaVersion::new(2, 4),
    KafkaVersion::new(2, 5),
    KafkaVersion::new(2, 6),
    KafkaVersion::new(2, 7),
    KafkaVersion::new(2, 8),
    KafkaVersion::new(3, 0),
    KafkaVersion::new(3, 1),
    KafkaVersion::new(3, 2),
    KafkaVersion::new(3, 3),
    KafkaVersion::new(3, 4),
    KafkaVersion::new(3, 5),
    KafkaVersion::new(3, 6),
    KafkaVersion::new(3, 7),
    KafkaVersion::new(3, 8),
    KafkaVersion::new(3, 9),
    KafkaVersion::new(4, 0),
];

/// Reads "3.9", "3.0.1", "0.10.1", "0.11", "0.10.2.2". Errors say which lines are known.
pub fn parse_version(text: &str) -> Result<KafkaVersion, String> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    let numbers: Option<Vec<u8>> = parts
        .iter()
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u8>().ok()
            }
        })
        .collect();
    let unknown = || {
        format!(
            "unknown Kafka version \"{}\"; known: {}",
            text.chars().take(20).collect::<String>(),
            known_list()
        )
    };
    let Some(numbers) = numbers else {
        return Err(unknown());
    };
    let version = match numbers.as_slice() {
        // "0.10" and "0.11" mean the lines' first releases; `KafkaVersion` prints 0.10.0 so.
        [0, minor] => KafkaVersion::with_patch(0, *minor, 0),
        [0, minor, line] | [0, minor, line, _] => KafkaVersion::with_patch(0, *minor, *line),
        [major, minor] if *major > 0 => KafkaVersion::new(*major, *minor),
        [major, minor, patch] if *major > 0 => KafkaVersion::with_patch(*major, *minor, *patch),
        _ => return Err(unknown()),
    };
    let line = line_of(version);
    if KNOWN_LINES.contains(&line) {
        Ok(version)
    } else {
        Err(unknown())
    }
}

/// The release line of a version (patch dropped, except for 0.x where it names the line).
pub fn line_of(v: KafkaVersion) -> KafkaVersion {
    if v.major == 0 {
        v
    } else {
        KafkaVersion::new(v.major, v.minor)
    }
}

fn known_list() -> String {
    let names: Vec<String> = KNOWN_LINES
        .iter()
        .map(|v| {
            if v.major == 0 {
                format!("0.{}.{}", v.minor, v.patch)
            } else {
                v.to_string()
            }
        })
        .collect();
    names.join(", ")
}

/// Every default that depends on the version, in resolved form.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub acks: Acks,
    pub retries: u32,
    /// Kafka's documented default for `enable.idempotence`.
    pub enable_idempotence: bool,
    /// False in 3.0.0 and 3.1.0 (KAFKA-13598): the `true` default was not applied.
    pub idempotence_default_applied: bool,
    /// Whether the release has `enable.idempotence` at all (0.11+).
    pub has_idempotence: bool,
    pub linger_ms: u64,
    /// `None` before 2.1 (no such config).
    pub delivery_timeout_ms: Option<u64>,
    pub retry_backoff_ms: u64,
    /// `None` before 3.7 (no such config; the backoff is constant).
    pub retry_backoff_max_ms: Option<u64>,
    pub max_in_flight: u32,
    pub batch_size: u32,
    pub request_timeout_ms: u64,
    pub replica_lag_time_max_ms: u64,
    pub unclean_leader_election_enable: bool,
    pub broker_session_timeout_ms: u64,
    pub offsets_topic_num_partitions: u32,
    pub group_initial_rebalance_delay_ms: u64,
    pub session_timeout_ms: u64,
    pub heartbeat_interval_ms: u64,
    /// `None` before 0.10.1 (no such config: the session timeout also bounds poll gaps).
    pub max_poll_interval_ms: Option<u64>,
    pub max_poll_records: u32,
    pub partition_assignment_strategy: AssignmentStrategy,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: u64,
    pub auto_offset_reset: OffsetReset,
}

/// The defaults of a release.
pub fn defaults_for(v: KafkaVersion) -> Defaults {
    let since = |major, minor| v.at_least(major, minor);
    let v3 = since(3, 0);
    Defaults {
        acks: if v3 { Acks::All } else { Acks::One },
        retries: if since(2, 1) { 2_147_483_647 } else { 0 },
        enable_idempotence: v3,
        idempotence_default_applied: !(v == KafkaVersion::new(3, 0)
            || v == KafkaVersion::new(3, 1)),
        has_idempotence: v >= KafkaVersion::with_patch(0, 11, 0),
        linger_ms: if since(4, 0) { 5 } else { 0 },
        delivery_timeout_ms: since(2, 1).then_some(120_000),
        retry_backoff_ms: 100,
        retry_backoff_max_ms: since(3, 7).then_some(1000),
        max_in_flight: 5,
        batch_size: 16_384,
        request_timeout_ms: 30_000,
        replica_lag_time_max_ms: if since(2, 5) { 30_000 } else { 10_000 },
        unclean_leader_election_enable: v < KafkaVersion::with_patch(0, 11, 0),
        broker_session_timeout_ms: if since(3, 3) {
            9_000
        } else if since(2, 5) {
            18_000
        } else {
            6_000
        },
        offsets_topic_num_partitions: 50,
        group_initial_rebalance_delay_ms: 3_000,
        session_timeout_ms: if v3 {
            45_000
        } else if v >= KafkaVersion::with_patch(0, 10, 1) {
            10_000
        } else {
            30_000
        },
        heartbeat_interval_ms: 3_000,
        max_poll_interval_ms: (v >= KafkaVersion::with_patch(0, 10, 1)).then_some(300_000),
        max_poll_records: if v >= KafkaVersion::with_patch(0, 10, 1) {
            500
        } else {
            UNBOUNDED_MAX_POLL_RECORDS
        },
        partition_assignment_strategy: AssignmentStrategy::Range,
        enable_auto_commit: true,
        auto_commit_interval_ms: 5_000,
        auto_offset_reset: OffsetReset::Latest,
    }
}

/// One default a version implies, with why (for the page's "what this version changes" list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpliedDefault {
    pub key: &'static str,
    pub value: String,
    pub note: &'static str,
}

fn acks_name(a: Acks) -> &'static str {
    match a {
        Acks::Zero => "0",
        Acks::One => "1",
        Acks::All => "all",
    }
}

/// The version-dependent defaults of `v`, each with the reason it has that value.
pub fn version_defaults(v: KafkaVersion) -> Vec<ImpliedDefault> {
    let d = defaults_for(v);
    let since = |major, minor| v.at_least(major, minor);
    let item = |key, value: String, note| ImpliedDefault { key, value, note };
    let mut list = vec![
        item(
            "acks",
            acks_name(d.acks).to_string(),
            if since(3, 0) {
                "acks=all since 3.0 (KIP-679)"
            } else {
                "acks=1 before 3.0 (KIP-679)"
            },
        ),
        item(
            "retries",
            d.retries.to_string(),
            if since(2, 1) {
                "Integer.MAX_VALUE since 2.1 (KIP-91): delivery.timeout.ms bounds retrying"
            } else {
                "0 before 2.1 (KIP-91): a failed batch is not retried"
            },
        ),
    ];
    let idempotence_note = if !d.has_idempotence {
        "no idempotent producer before 0.11 (KIP-98)"
    } else if !since(3, 0) {
        "false before 3.0 (KIP-679)"
    } else if !d.idempotence_default_applied {
        "true since 3.0, but 3.0.0 and 3.1.0 did not apply the default (KAFKA-13598; fixed in 3.0.1, 3.1.1, 3.2)"
    } else {
        "true since 3.0 (KIP-679); silently off if acks, retries or max.in.flight conflict"
    };
    list.push(item(
        "enable.idempotence",
        (d.enable_idempotence && d.idempotence_default_applied).to_string(),
        idempotence_note,
    ));
    list.push(item(
        "linger.ms",
        d.linger_ms.to_string(),
        if since(4, 0) {
            "5 since 4.0 (KIP-1030)"
        } else {
            "0 before 4.0 (KIP-1030)"
        },
    ));
    list.push(match d.delivery_timeout_ms {
        Some(ms) => item(
            "delivery.timeout.ms",
            ms.to_string(),
            "120000 since 2.1 (KIP-91); raised to linger.ms + request.timeout.ms if below",
        ),
        None => item(
            "delivery.timeout.ms",
            NO_DELIVERY_TIMEOUT_MS.to_string(),
            "no delivery timeout before 2.1 (KIP-91): only retries bound a record's life",
        ),
    });
    list.push(match d.retry_backoff_max_ms {
        Some(ms) => item(
            "retry.backoff.max.ms",
            ms.to_string(),
            "1000 since 3.7 (KIP-580): exponential backoff with jitter",
        ),
        None => item(
            "retry.backoff.max.ms",
            d.retry_backoff_ms.to_string(),
            "before 3.7 the backoff is the constant retry.backoff.ms (KIP-580)",
        ),
    });
    list.push(item(
        "replica.lag.time.max.ms",
        d.replica_lag_time_max_ms.to_string(),
        if since(2, 5) {
            "30000 since 2.5 (KIP-537)"
        } else {
            "10000 before 2.5 (KIP-537)"
        },
    ));
    list.push(item(
        "unclean.leader.election.enable",
        d.unclean_leader_election_enable.to_string(),
        if d.unclean_leader_election_enable {
            "true before 0.11 (KIP-106): a lagging replica may become leader and lose data"
        } else {
            "false since 0.11 (KIP-106)"
        },
    ));
    list.push(item(
        "broker.session.timeout.ms",
        d.broker_session_timeout_ms.to_string(),
        if since(3, 3) {
            "KRaft broker.session.timeout.ms 9000 (KRaft production-ready since 3.3)"
        } else if since(2, 5) {
            "ZooKeeper session timeout 18000 from 2.5 to 3.2"
        } else {
            "ZooKeeper session timeout 6000 before 2.5"
        },
    ));
    list.push(item(
        "session.timeout.ms",
        d.session_timeout_ms.to_string(),
        if since(3, 0) {
            "45000 since 3.0 (KIP-735)"
        } else if v >= KafkaVersion::with_patch(0, 10, 1) {
            "10000 from 0.10.1 to 2.8"
        } else {
            "30000 in 0.10.0"
        },
    ));
    list.push(match d.max_poll_interval_ms {
        Some(ms) => item(
            "max.poll.interval.ms",
            ms.to_string(),
            "300000 since 0.10.1 (KIP-62): heartbeats come from a background thread",
        ),
        None => item(
            "max.poll.interval.ms",
            d.session_timeout_ms.to_string(),
            "none in 0.10.0: poll() sends the heartbeats, so session.timeout.ms bounds poll gaps",
        ),
    });
    list.push(item(
        "max.poll.records",
        d.max_poll_records.to_string(),
        if v >= KafkaVersion::with_patch(0, 10, 1) {
            "500 since 0.10.1"
        } else {
            "Integer.MAX_VALUE in 0.10.0 (KIP-41); capped here at 100000"
        },
    ));
    list.push(item(
        "partition.assignment.strategy",
        d.partition_assignment_strategy.name().to_string(),
        if since(3, 0) {
            "[range, cooperative-sticky] since 3.0: range wins the vote, eager rebalancing"
        } else {
            "[range] before 3.0"
        },
    ));
    list
}

/// The first release that has `strategy`, when it is newer than the oldest known line.
pub fn strategy_since(strategy: AssignmentStrategy) -> Option<(KafkaVersion, &'static str)> {
    match strategy {
        AssignmentStrategy::Range | AssignmentStrategy::RoundRobin => None,
        AssignmentStrategy::Sticky => Some((KafkaVersion::with_patch(0, 11, 0), "KIP-54")),
        AssignmentStrategy::CooperativeSticky => Some((KafkaVersion::new(2, 4), "KIP-429")),
    }
}
