//! `groups`: consumer groups, their keys, the version's defaults and Kafka's rules
//! (`ConsumerConfig`; `max.poll.interval.ms` is KIP-62's, the 45 s session timeout KIP-735's).
//!
//! Playground defaults where Kafka has none: `group.id` `g<N>`, `consumers` 1,
//! `processing.ms.per.record` 1. `topics` may be left out when the scenario has exactly one
//! topic.

use super::context::{
    read_metadata_max_age, read_named, single_topic, unknown_topic, within, Context, NamedList,
    DEFAULT_METADATA_MAX_AGE_MS,
};
use super::diagnostics::Problems;
use super::fields::{index, show, Fields, Got, INT_MAX};
use super::librdkafka::{self, client_defaults};
use super::limits::*;
use super::schemas::read_value_format;
use super::version::strategy_since;
use crate::scenario::{
    AssignmentStrategy, Client, GroupConfig, OffsetReset, OnDeserializationError, ValueSerializer,
};
use serde_json::Value;

const GROUP_KEYS: [&str; 17] = [
    "group.id",
    "topics",
    "client",
    "consumers",
    "partition.assignment.strategy",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "max.poll.records",
    "processing.ms.per.record",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "metadata.max.age.ms",
    "value.deserializer",
    "value.schema",
    "on.deserialization.error",
];

const GROUPS: NamedList = NamedList {
    list: "groups",
    max: MAX_GROUPS,
    keys: &GROUP_KEYS,
    name: "group.id",
    default_prefix: "g",
    what: "group.id",
};

pub(crate) fn read_groups(
    top: &Fields<'_>,
    ctx: &mut Context,
    problems: &mut Problems,
) -> Vec<GroupConfig> {
    read_named(top, &GROUPS, problems, |f, group_id, problems| {
        let (group, consumers) = read_group(f, group_id, ctx, problems);
        ctx.groups
            .get_or_insert_with(group.group_id.clone(), || consumers);
        group
    })
}

fn read_group_topics(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Vec<String> {
    let path = f.path_of("topics");
    let Some(value) = f.get("topics") else {
        return match single_topic(ctx) {
            Some(t) => vec![t],
            None => {
                problems.error(
                    &path,
                    format!(
                        "required key is missing (the scenario has {} topics)",
                        ctx.topics.len()
                    ),
                );
                Vec::new()
            }
        };
    };
    let Value::Array(items) = value else {
        problems.error(
            &path,
            format!("expected a list of topic names, got {}", show(value)),
        );
        return Vec::new();
    };
    if items.is_empty() {
        problems.error(&path, "a group subscribes to at least one topic");
    }
    if !within(&path, items.len(), MAX_TOPICS, "topics", problems) {
        return Vec::new();
    }
    let mut topics: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(&path, i);
        match item.as_str() {
            Some(name) if topics.iter().any(|t| t == name) => {
                problems.error(&item_path, format!("topic \"{name}\" is listed twice"));
            }
            Some(name) => {
                if !ctx.topics.contains(name) {
                    problems.error(&item_path, unknown_topic(name, ctx));
                }
                topics.push(name.to_string());
            }
            None => problems.error(
                &item_path,
                format!("expected a topic name, got {}", show(item)),
            ),
        }
    }
    topics
}

fn read_group(
    f: &Fields<'_>,
    group_id: String,
    ctx: &Context,
    problems: &mut Problems,
) -> (GroupConfig, Option<u32>) {
    let v = ctx.version;
    let client = f.choice::<Client>("client", problems);
    let lib = client == Got::Value(Client::Librdkafka);
    let client_d = client_defaults(client.or(Client::Java), &ctx.defaults);
    let d = &client_d;
    let topics = read_group_topics(f, ctx, problems);
    let consumers = f.int32("consumers", 0..=MAX_CONSUMERS_PER_GROUP, problems);
    let strategy = f.choice::<AssignmentStrategy>("partition.assignment.strategy", problems);
    if lib {
        librdkafka::refuse_strategy(f, strategy, problems);
    } else if let Got::Value(s) = strategy {
        if let Some((since, kip)) = strategy_since(s) {
            if v < since {
                problems.error(
                    &f.path_of("partition.assignment.strategy"),
                    format!(
                        "{} needs Kafka {since} or later ({kip}); this scenario runs {v}",
                        s.name()
                    ),
                );
            }
        }
    }
    let session = f.int(
        "session.timeout.ms",
        MIN_SESSION_TIMEOUT_MS..=MAX_SESSION_TIMEOUT_MS,
        problems,
    );
    let heartbeat = f.int("heartbeat.interval.ms", 1..=INT_MAX, problems);
    if let (Some(s), Some(h)) = (
        session.usable(d.session_timeout_ms),
        heartbeat.usable(d.heartbeat_interval_ms),
    ) {
        if h >= s {
            problems.error(
                &f.path_of("heartbeat.interval.ms"),
                format!("must be lower than session.timeout.ms ({h} >= {s}); Kafka advises at most a third of it"),
            );
        }
    }
    let session_timeout_ms = session.or(d.session_timeout_ms);
    let poll_interval = f.int("max.poll.interval.ms", 1..=INT_MAX, problems);
    let max_poll_interval_ms = match d.max_poll_interval_ms {
        Some(default) => poll_interval.or(default),
        None => {
            if poll_interval.is_explicit() {
                problems.note(
                    &f.path_of("max.poll.interval.ms"),
                    format!("ignored: Kafka {v} has no max.poll.interval.ms (added in 0.10.1, KIP-62); poll() sends the heartbeats, so session.timeout.ms bounds the time between polls"),
                );
            }
            session_timeout_ms
        }
    };
    let max_poll_records = f.int32("max.poll.records", 1..=INT_MAX as u32, problems);
    let processing = f.number(
        "processing.ms.per.record",
        0.0..=MAX_PROCESSING_MS,
        problems,
    );
    let auto_commit = f.boolean("enable.auto.commit", problems);
    let auto_commit_interval = f.int("auto.commit.interval.ms", 0..=INT_MAX, problems);
    let reset = f.choice::<OffsetReset>("auto.offset.reset", problems);
    let (value_deserializer, value_schema) =
        read_value_format(f, "value.deserializer", ctx, problems);
    let on_error = f.choice::<OnDeserializationError>("on.deserialization.error", problems);
    if on_error.is_explicit() && value_deserializer == ValueSerializer::String {
        problems.note(
            &f.path_of("on.deserialization.error"),
            "no effect: the string deserializer never fails",
        );
    }
    let metadata_age_default = if lib {
        librdkafka::METADATA_MAX_AGE_MS
    } else {
        DEFAULT_METADATA_MAX_AGE_MS
    };
    let metadata_max_age_ms = read_metadata_max_age(f, ctx, metadata_age_default, problems);
    let group = GroupConfig {
        group_id,
        topics,
        client: client.or(Client::Java),
        consumers: consumers.or(1),
        partition_assignment_strategy: strategy.or(d.partition_assignment_strategy),
        session_timeout_ms,
        heartbeat_interval_ms: heartbeat.or(d.heartbeat_interval_ms),
        max_poll_interval_ms,
        max_poll_records: max_poll_records.or(d.max_poll_records),
        processing_ms_per_record: processing.or(1.0),
        enable_auto_commit: auto_commit.or(d.enable_auto_commit),
        auto_commit_interval_ms: auto_commit_interval.or(d.auto_commit_interval_ms),
        auto_offset_reset: reset.or(d.auto_offset_reset),
        metadata_max_age_ms,
        value_deserializer,
        value_schema,
        on_deserialization_error: on_error.or(OnDeserializationError::Fail),
    };
    (group, consumers.usable(1))
}
