//! `producers`: their keys, the version's defaults, and Kafka's rules between keys
//! (`ProducerConfig` and its `postProcessAndValidateIdempotenceConfigs`).
//!
//! Playground defaults where Kafka has none: `name` `p<N>`, `send.mode` async, `records` 1000,
//! `records.per.sec` 100, `keys` 8, `value.bytes` 100. `topic` may be left out when the
//! scenario has exactly one topic.

use super::context::{
    read_metadata_max_age, read_named, single_topic, unknown_topic, Context, NamedList,
    DEFAULT_METADATA_MAX_AGE_MS,
};
use super::diagnostics::Problems;
use super::fields::{show, Fields, Got, INT_MAX, LONG_MAX};
use super::librdkafka::{self, client_defaults, refuse_librdkafka_only};
use super::limits::*;
use super::schemas::read_value_format;
use super::version::{
    DEFAULT_BUFFER_MEMORY, DEFAULT_MAX_BLOCK_MS, DEFAULT_MAX_REQUEST_SIZE, NO_DELIVERY_TIMEOUT_MS,
};
use crate::kafka::record_size::{estimate_size_upper_bound, KEY_BYTES};
use crate::scenario::{
    Acks, Client, KafkaVersion, LibrdkafkaPartitioner, ProducerConfig, SendMode,
};
use serde_json::Value;

const PRODUCER_KEYS: [&str; 26] = [
    "name",
    "topic",
    "client",
    "send.mode",
    "records",
    "records.per.sec",
    "keys",
    "value.bytes",
    "acks",
    "retries",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "max.in.flight.requests.per.connection",
    "enable.idempotence",
    "linger.ms",
    "batch.size",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "metadata.max.age.ms",
    "max.request.size",
    "buffer.memory",
    "max.block.ms",
    "value.serializer",
    "value.schema",
    // librdkafka clients only.
    "partitioner",
    "batch.num.messages",
];

/// `acks`: "0", "1", "all", "-1" (as all), or the numbers 0, 1, -1.
fn read_acks(f: &Fields<'_>, problems: &mut Problems) -> Got<Acks> {
    let Some(value) = f.get("acks") else {
        return Got::Missing;
    };
    let acks = match value {
        Value::String(s) => match s.as_str() {
            "0" => Some(Acks::Zero),
            "1" => Some(Acks::One),
            "all" | "-1" => Some(Acks::All),
            _ => None,
        },
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(Acks::Zero),
            Some(1) => Some(Acks::One),
            Some(-1) => Some(Acks::All),
            _ => None,
        },
        _ => None,
    };
    match acks {
        Some(a) => Got::Value(a),
        None => {
            problems.error(
                &f.path_of("acks"),
                format!("expected \"0\", \"1\" or \"all\", got {}", show(value)),
            );
            Got::Bad
        }
    }
}

/// A topic reference: present and known, or left out when there is exactly one topic.
fn read_topic_ref(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Option<String> {
    match f.string("topic", problems) {
        Got::Value(name) => {
            if !ctx.topics.contains(name) {
                problems.error(&f.path_of("topic"), unknown_topic(name, ctx));
            }
            Some(name.to_string())
        }
        Got::Missing => match single_topic(ctx) {
            Some(name) => Some(name),
            None => {
                problems.error(
                    &f.path_of("topic"),
                    format!(
                        "required key is missing (the scenario has {} topics)",
                        ctx.topics.len()
                    ),
                );
                None
            }
        },
        Got::Bad => None,
    }
}

const PRODUCERS: NamedList = NamedList {
    list: "producers",
    max: MAX_PRODUCERS,
    keys: &PRODUCER_KEYS,
    name: "name",
    default_prefix: "p",
    what: "producer name",
};

pub(crate) fn read_producers(
    top: &Fields<'_>,
    ctx: &Context,
    problems: &mut Problems,
) -> Vec<ProducerConfig> {
    read_named(top, &PRODUCERS, problems, |f, name, problems| {
        let topic = read_topic_ref(f, ctx, problems).unwrap_or_default();
        read_producer(f, name, topic, ctx, problems)
    })
}

fn read_producer(
    f: &Fields<'_>,
    name: String,
    topic: String,
    ctx: &Context,
    problems: &mut Problems,
) -> ProducerConfig {
    let v = ctx.version;
    let client = f.choice::<Client>("client", problems);
    let lib = client == Got::Value(Client::Librdkafka);
    let client_d = client_defaults(client.or(Client::Java), &ctx.defaults);
    let d = &client_d;
    refuse_librdkafka_only(f, client, problems);
    // librdkafka's `partitioner` (default consistent_random) and `batch.num.messages`.
    let partitioner = lib.then(|| {
        f.choice::<LibrdkafkaPartitioner>("partitioner", problems)
            .or(LibrdkafkaPartitioner::ConsistentRandom)
    });
    let batch_num_messages = lib.then(|| {
        f.int32(
            "batch.num.messages",
            1..=librdkafka::MAX_BATCH_NUM_MESSAGES,
            problems,
        )
        .or(librdkafka::BATCH_NUM_MESSAGES)
    });
    let (max_in_flight, request_size_default, memory_default, metadata_age_default) = if lib {
        (
            librdkafka::MAX_IN_FLIGHT,
            librdkafka::MESSAGE_MAX_BYTES,
            librdkafka::QUEUE_BUFFERING_MAX_BYTES,
            librdkafka::METADATA_MAX_AGE_MS,
        )
    } else {
        (
            MAX_IN_FLIGHT,
            DEFAULT_MAX_REQUEST_SIZE,
            DEFAULT_BUFFER_MEMORY,
            DEFAULT_METADATA_MAX_AGE_MS,
        )
    };
    let send_mode = f.choice::<SendMode>("send.mode", problems);
    let records = f.int("records", 0..=MAX_RECORDS, problems);
    let rate = f.number("records.per.sec", 0.001..=MAX_RECORDS_PER_SEC, problems);
    let keys = f.int32("keys", 0..=MAX_KEYS, problems);
    let value_bytes = f.int32("value.bytes", 0..=MAX_VALUE_BYTES, problems);
    let acks = read_acks(f, problems);
    let retries = f.int("retries", 0..=INT_MAX, problems);
    let backoff = f.int("retry.backoff.ms", 0..=INT_MAX, problems);
    let backoff_max = f.int("retry.backoff.max.ms", 0..=INT_MAX, problems);
    let in_flight = f.int32(
        "max.in.flight.requests.per.connection",
        1..=max_in_flight,
        problems,
    );
    let idempotence = f.boolean("enable.idempotence", problems);
    let linger = f.int("linger.ms", 0..=INT_MAX, problems);
    let batch_size = f.int32("batch.size", 0..=MAX_VALUE_BYTES, problems);
    let request_timeout = f.int("request.timeout.ms", 0..=INT_MAX, problems);
    let delivery_timeout = f.int("delivery.timeout.ms", 0..=INT_MAX, problems);
    let metadata_max_age_ms = read_metadata_max_age(f, ctx, metadata_age_default, problems);
    let max_request_size = f.int32("max.request.size", 0..=INT_MAX as u32, problems);
    let buffer_memory = f.int("buffer.memory", 0..=LONG_MAX, problems);
    let max_block_ms = f.int("max.block.ms", 0..=LONG_MAX, problems);
    check_bounds(
        f,
        v,
        keys.usable(8),
        value_bytes.usable(100),
        batch_size.usable(d.batch_size),
        max_request_size.usable(request_size_default),
        buffer_memory.usable(memory_default),
        problems,
    );
    let (value_serializer, value_schema) = read_value_format(f, "value.serializer", ctx, problems);

    let retry_backoff_ms = backoff.or(d.retry_backoff_ms);
    let retry_backoff_max_ms = match d.retry_backoff_max_ms {
        Some(default) => backoff_max.or(default),
        None => {
            if backoff_max.is_explicit() {
                problems.note(
                    &f.path_of("retry.backoff.max.ms"),
                    format!("ignored: Kafka {v} has no exponential backoff (added in 3.7, KIP-580); the backoff is the constant retry.backoff.ms"),
                );
            }
            retry_backoff_ms
        }
    };

    // Before 3.0 the defaults (acks=1, retries=0 before 2.1) conflict with idempotence; Kafka
    // then overrides the ones the user left out instead of refusing them.
    let wants_idempotence = idempotence == Got::Value(true) && d.has_idempotence;
    let acks = match acks {
        Got::Missing if wants_idempotence && d.acks != Acks::All => {
            problems.note(
                &f.path_of("acks"),
                format!("all, not Kafka {v}'s default 1: with enable.idempotence=true Kafka overrides the default (\"Overriding the default acks to all since idempotence is enabled\")"),
            );
            Got::Value(Acks::All)
        }
        other => other,
    };
    let retries = match retries {
        Got::Missing if wants_idempotence && d.retries == 0 => {
            problems.note(
                &f.path_of("retries"),
                format!("{INT_MAX}, not Kafka {v}'s default 0: with enable.idempotence=true Kafka overrides the default (\"Overriding the default retries config to the recommended value of {INT_MAX} since the idempotent producer is enabled\")"),
            );
            Got::Value(INT_MAX)
        }
        other => other,
    };
    let enable_idempotence = if lib {
        librdkafka::resolve_idempotence(
            f,
            v,
            ctx.defaults.has_idempotence,
            idempotence,
            acks,
            retries,
            in_flight,
            problems,
        )
    } else {
        resolve_idempotence(
            f,
            v,
            ctx,
            idempotence,
            acks.usable(d.acks),
            retries.usable(u64::from(d.retries)),
            in_flight.usable(d.max_in_flight),
            problems,
        )
    };
    // librdkafka adjusts a max.in.flight left out to 5 for the idempotent producer.
    let max_in_flight_requests_per_connection = match in_flight {
        Got::Missing if lib && enable_idempotence => librdkafka::IDEMPOTENT_MAX_IN_FLIGHT,
        other => other.or(d.max_in_flight),
    };

    let linger_ms = linger.or(d.linger_ms);
    let request_timeout_ms = request_timeout.or(d.request_timeout_ms);
    let delivery_timeout_ms = match d.delivery_timeout_ms {
        // librdkafka's message.timeout.ms: 0 means none, and it has no rule against
        // linger.ms + request.timeout.ms.
        Some(_) if lib => match delivery_timeout.or(librdkafka::MESSAGE_TIMEOUT_MS) {
            0 => NO_DELIVERY_TIMEOUT_MS,
            ms => ms,
        },
        Some(default) => {
            let floor = linger
                .usable(d.linger_ms)
                .zip(request_timeout.usable(d.request_timeout_ms));
            match (delivery_timeout, floor) {
                (Got::Value(ms), Some((l, r))) if ms < l.saturating_add(r) => {
                    // Kafka's ConfigException text.
                    problems.error(
                        &f.path_of("delivery.timeout.ms"),
                        format!(
                            "delivery.timeout.ms should be equal to or larger than linger.ms + \
                             request.timeout.ms ({ms} < {l} + {r})"
                        ),
                    );
                    ms
                }
                (Got::Missing, Some((l, r))) if default < l.saturating_add(r) => {
                    let raised = l.saturating_add(r);
                    problems.note(
                        &f.path_of("delivery.timeout.ms"),
                        format!(
                            "raised from the default {default} to linger.ms + request.timeout.ms \
                             = {raised}, as Kafka does (with a warning) when it was left out"
                        ),
                    );
                    raised
                }
                (got, _) => got.or(default),
            }
        }
        None => {
            if delivery_timeout.is_explicit() {
                problems.note(
                    &f.path_of("delivery.timeout.ms"),
                    format!("ignored: Kafka {v} has no delivery timeout (added in 2.1, KIP-91)"),
                );
            }
            NO_DELIVERY_TIMEOUT_MS
        }
    };

    ProducerConfig {
        name,
        topic,
        client: client.or(Client::Java),
        partitioner,
        batch_num_messages,
        send_mode: send_mode.or(SendMode::Async),
        records: records.or(1000),
        records_per_sec: rate.or(100.0),
        keys: keys.or(8),
        value_bytes: value_bytes.or(100),
        acks: acks.or(d.acks),
        retries: u32::try_from(retries.or(u64::from(d.retries))).unwrap_or(u32::MAX),
        retry_backoff_ms,
        retry_backoff_max_ms,
        max_in_flight_requests_per_connection,
        enable_idempotence,
        linger_ms,
        batch_size: batch_size.or(d.batch_size),
        request_timeout_ms,
        delivery_timeout_ms,
        metadata_max_age_ms,
        max_request_size: max_request_size.or(request_size_default),
        buffer_memory: buffer_memory.or(memory_default),
        max_block_ms: max_block_ms.or(DEFAULT_MAX_BLOCK_MS),
        value_serializer,
        value_schema,
    }
}

/// What `KafkaProducer.doSend` does with records of this producer's size (all its records have
/// one size): above `max.request.size` or `buffer.memory` each `send()` fails with
/// RecordTooLargeException (`ensureValidRecordSize`), which the run shows, so a note says why.
/// Otherwise a `batch.size` above `buffer.memory` makes every `send()` throw
/// IllegalArgumentException out of `BufferPool.allocate` to the application (Kafka accepts the
/// config); the playground does not model an application that crashes, so it refuses it.
/// Kafka has no rule between `batch.size` and `max.request.size`: a batch larger than a
/// request still travels, alone in its request (`RecordAccumulator.drain`).
#[allow(clippy::too_many_arguments)]
fn check_bounds(
    f: &Fields<'_>,
    v: KafkaVersion,
    keys: Option<u32>,
    value_bytes: Option<u32>,
    batch_size: Option<u32>,
    max_request_size: Option<u32>,
    buffer_memory: Option<u64>,
    problems: &mut Problems,
) {
    let (Some(keys), Some(value_bytes)) = (keys, value_bytes) else {
        return;
    };
    let size = estimate_size_upper_bound(v, (keys > 0).then_some(KEY_BYTES), value_bytes);
    if let Some(max) = max_request_size {
        if size > u64::from(max) {
            problems.note(
                &f.path_of("max.request.size"),
                format!("every record of this producer is {size} bytes when serialized (Kafka's upper-bound estimate), more than {max}: each send() fails with RecordTooLargeException and the record never enters the accumulator"),
            );
            return;
        }
    }
    let Some(memory) = buffer_memory else {
        return;
    };
    if size > memory {
        problems.note(
            &f.path_of("buffer.memory"),
            format!("every record of this producer is {size} bytes when serialized (Kafka's upper-bound estimate), more than buffer.memory {memory}: each send() fails with RecordTooLargeException"),
        );
        return;
    }
    if let Some(batch) = batch_size {
        if u64::from(batch) > memory {
            problems.error(
                &f.path_of("buffer.memory"),
                format!("below batch.size {batch}: Kafka accepts this, but then every send() throws IllegalArgumentException (\"Attempt to allocate {batch} bytes, but there is a hard limit of {memory} on memory allocations.\") to the application, which the playground does not model; set buffer.memory to at least batch.size"),
            );
        }
    }
}

/// Kafka's idempotence rules (`ProducerConfig.postProcessAndValidateIdempotenceConfigs`,
/// KIP-679): set explicitly, a conflicting key is an error; left at the default, a conflicting
/// key silently switches idempotence off, except `max.in.flight.requests.per.connection` above
/// 5 from 4.0 on, which is an error (KAFKA-17927). 3.0.0 and 3.1.0 never applied the default
/// (KAFKA-13598).
#[allow(clippy::too_many_arguments)]
fn resolve_idempotence(
    f: &Fields<'_>,
    v: KafkaVersion,
    ctx: &Context,
    explicit: Got<bool>,
    acks: Option<Acks>,
    retries: Option<u64>,
    in_flight: Option<u32>,
    problems: &mut Problems,
) -> bool {
    let d = &ctx.defaults;
    let path = f.path_of("enable.idempotence");
    // Before 1.0 the idempotent producer required a single request in flight.
    let max_in_flight = if v.at_least(1, 0) { 5 } else { 1 };
    // Each conflict: (key, Kafka's ConfigException message).
    let mut conflicts: Vec<(&str, String)> = Vec::new();
    if let Some(a) = acks {
        if a != Acks::All {
            conflicts.push((
                "acks",
                String::from("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."),
            ));
        }
    }
    if retries == Some(0) {
        conflicts.push((
            "retries",
            String::from("Must set retries to non-zero when using the idempotent producer."),
        ));
    }
    if let Some(n) = in_flight {
        if n > max_in_flight {
            conflicts.push((
                "max.in.flight.requests.per.connection",
                format!("Must set max.in.flight.requests.per.connection to at most {max_in_flight} to use the idempotent producer."),
            ));
        }
    }
    match explicit {
        Got::Bad => false,
        Got::Value(false) => false,
        Got::Value(true) => {
            if !d.has_idempotence {
                problems.error(
                    &path,
                    format!("Kafka {v} has no idempotent producer (added in 0.11, KIP-98)"),
                );
                return false;
            }
            for (key, message) in &conflicts {
                problems.error(
                    &f.path_of(key),
                    format!(
                        "conflicts with enable.idempotence=true; Kafka refuses it: \"{message}\""
                    ),
                );
            }
            true
        }
        Got::Missing => {
            if !d.enable_idempotence {
                false
            } else if !d.idempotence_default_applied {
                problems.note(
                    &path,
                    format!("off: Kafka {v} did not apply the enable.idempotence=true default (KAFKA-13598, fixed in 3.0.1, 3.1.1 and 3.2)"),
                );
                false
            } else if v.at_least(4, 0) && in_flight.is_some_and(|n| n > max_in_flight) {
                // 4.0 made this an error even with idempotence left at its default, where 3.x
                // only disabled idempotence (KAFKA-17927).
                problems.error(
                    &f.path_of("max.in.flight.requests.per.connection"),
                    format!("at most {max_in_flight} in Kafka {v}: idempotence is on by default, and Kafka refuses more (\"Must set max.in.flight.requests.per.connection to at most {max_in_flight} to use the idempotent producer.\"); set enable.idempotence=false to allow more (KAFKA-17927)"),
                );
                true
            } else if let Some((key, _)) = conflicts.first() {
                let keys: Vec<&str> = conflicts.iter().map(|(k, _)| *k).collect();
                problems.note(
                    &path,
                    format!(
                        "off: left at its default, idempotence is silently disabled because {} \
                         conflicts with it (Kafka only logs this); set enable.idempotence \
                         explicitly to see Kafka's error instead",
                        if keys.len() == 1 {
                            (*key).to_string()
                        } else {
                            keys.join(", ")
                        }
                    ),
                );
                false
            } else {
                true
            }
        }
    }
}
