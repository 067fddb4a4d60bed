//! `actions`: the timeline. Each entry has `at.ms` (within `duration.ms`) and `do`; the other
//! keys depend on `do`. References are checked: brokers by number (`< brokers`), groups by
//! `group.id`, consumers by name `<group.id>-c<N>` where N must have joined by then (the
//! group's starting consumers plus the `add-consumer` actions before it), topics by name.
//! `fail-requests.count` defaults to 1. Actions keep their document order; ties in `at.ms` run
//! in that order. `add-partitions` gives the topic's new total, which must exceed the count the
//! topic has by then (its `partitions` plus earlier `add-partitions`), as Kafka refuses a
//! decrease or the same count (INVALID_PARTITIONS).

use super::context::{each_object, unknown_name, unknown_topic, Context};
use super::diagnostics::Problems;
use super::fields::{nearest, show, Fields, Got};
use super::limits::*;
use super::upgrades::{read_producer, read_subject, read_upgrade_schema};
use crate::kafka::errors::ErrorCode;
use crate::scenario::{Action, ActionKind, Compatibility};

const KINDS: [&str; 13] = [
    "crash-broker",
    "restart-broker",
    "isolate-broker",
    "fail-requests",
    "set-network",
    "add-consumer",
    "remove-consumer",
    "kill-consumer",
    "stall-consumer",
    "add-partitions",
    "upgrade-producer",
    "upgrade-group",
    "set-compatibility",
];

/// The keys each kind takes besides `at.ms` and `do`.
fn keys_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "crash-broker" | "restart-broker" => &["broker"],
        "isolate-broker" => &["broker", "for.ms"],
        "fail-requests" => &["broker", "error", "count"],
        "set-network" => &["latency.ms", "jitter.ms", "loss.rate"],
        "add-consumer" => &["group.id"],
        "remove-consumer" | "kill-consumer" => &["group.id", "consumer"],
        "stall-consumer" => &["group.id", "consumer", "for.ms"],
        "add-partitions" => &["topic", "partitions"],
        "upgrade-producer" => &["producer", "value.schema"],
        "upgrade-group" => &["group.id", "value.schema"],
        "set-compatibility" => &["subject", "compatibility"],
        _ => &[],
    }
}

/// A consumer named by an action, checked once every `add-consumer` is known.
struct ConsumerRef {
    path: String,
    group_id: String,
    name: String,
    at_ms: u64,
    position: usize,
}

/// An `add-partitions`, checked against the counts before it once all are known.
struct PartitionsRef {
    path: String,
    topic: String,
    partitions: u32,
    at_ms: u64,
}

pub(crate) fn read_actions(
    top: &Fields<'_>,
    ctx: &Context,
    problems: &mut Problems,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut consumer_refs = Vec::new();
    // (group.id, at.ms, position, path) of every add-consumer.
    let mut adds: Vec<(String, u64, usize, String)> = Vec::new();
    let mut partition_refs = Vec::new();
    let listed = each_object(top, "actions", MAX_ACTIONS, problems, |i, f, problems| {
        let at = match f.get("at.ms") {
            None => {
                f.require("at.ms", problems);
                None
            }
            Some(_) => read_at(&f, ctx, problems),
        };
        let kind_name = match f.string("do", problems) {
            Got::Value(k) if KINDS.contains(&k) => Some(k),
            Got::Value(k) => {
                let hint = nearest(k, &KINDS)
                    .map(|n| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                problems.error(
                    &f.path_of("do"),
                    format!(
                        "unknown action {}{hint}; known: {}",
                        show(&serde_json::Value::from(k)),
                        KINDS.join(", ")
                    ),
                );
                None
            }
            Got::Missing => {
                f.require("do", problems);
                None
            }
            Got::Bad => None,
        };
        let Some(kind_name) = kind_name else {
            return;
        };
        check_action_keys(&f, kind_name, problems);
        let kind = read_kind(&f, kind_name, ctx, problems);
        let (Some(at_ms), Some(kind)) = (at, kind) else {
            return;
        };
        match &kind {
            ActionKind::AddConsumer { group_id } => {
                adds.push((group_id.clone(), at_ms, i, f.path.clone()));
            }
            ActionKind::RemoveConsumer { group_id, consumer }
            | ActionKind::KillConsumer { group_id, consumer }
            | ActionKind::StallConsumer {
                group_id, consumer, ..
            } => consumer_refs.push(ConsumerRef {
                path: f.path_of("consumer"),
                group_id: group_id.clone(),
                name: consumer.clone(),
                at_ms,
                position: i,
            }),
            ActionKind::AddPartitions { topic, partitions } => partition_refs.push(PartitionsRef {
                path: f.path_of("partitions"),
                topic: topic.clone(),
                partitions: *partitions,
                at_ms,
            }),
            _ => {}
        }
        actions.push(Action { at_ms, kind });
    });
    if !listed {
        return Vec::new();
    }
    check_group_sizes(&adds, ctx, problems);
    for r in &consumer_refs {
        check_consumer(r, &adds, ctx, problems);
    }
    check_partition_counts(partition_refs, ctx, problems);
    actions
}

/// Unknown keys, naming the action's own keys (a key of another kind is a common slip).
fn check_action_keys(f: &Fields<'_>, kind: &str, problems: &mut Problems) {
    let mut known = vec!["at.ms", "do"];
    known.extend_from_slice(keys_of(kind));
    for key in f.map.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let message = match nearest(key, &known) {
            Some(near) => format!("unknown key (did you mean \"{near}\"?)"),
            None => format!("{kind} takes no \"{key}\" (its keys: {})", known.join(", ")),
        };
        problems.error(&f.path_of(key), message);
    }
}

fn read_at(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Option<u64> {
    let end = ctx.duration_ms.unwrap_or(MAX_DURATION_MS);
    match f.int("at.ms", 0..=MAX_DURATION_MS, problems) {
        Got::Value(at) if at > end => {
            problems.error(
                &f.path_of("at.ms"),
                format!("at {at} ms is after the run ends (duration.ms {end})"),
            );
            None
        }
        Got::Value(at) => Some(at),
        Got::Missing | Got::Bad => None,
    }
}

/// A required key: reports it when absent and turns the read into an Option.
fn required<T: Copy>(f: &Fields<'_>, key: &str, got: Got<T>, problems: &mut Problems) -> Option<T> {
    match got {
        Got::Value(v) => Some(v),
        Got::Missing => {
            f.require(key, problems);
            None
        }
        Got::Bad => None,
    }
}

fn read_broker(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Option<u32> {
    let got = f.int32("broker", 0..=MAX_BROKERS, problems);
    let broker = required(f, "broker", got, problems)?;
    match ctx.brokers {
        Some(brokers) if broker >= brokers => {
            problems.error(
                &f.path_of("broker"),
                format!(
                    "no broker {broker}: brokers are numbered 0 to {} (cluster.brokers {brokers})",
                    brokers.saturating_sub(1)
                ),
            );
            None
        }
        _ => Some(broker),
    }
}

fn read_for(f: &Fields<'_>, problems: &mut Problems) -> Option<u64> {
    let got = f.int("for.ms", 1..=MAX_DURATION_MS, problems);
    required(f, "for.ms", got, problems)
}

fn read_group_id(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Option<String> {
    let got = f.string("group.id", problems);
    let id = required(f, "group.id", got, problems)?;
    if ctx.groups.contains_key(id) {
        Some(id.to_string())
    } else {
        problems.error(
            &f.path_of("group.id"),
            unknown_name("group", "groups", id, ctx.groups.keys()),
        );
        None
    }
}

fn read_consumer(f: &Fields<'_>, problems: &mut Problems) -> Option<String> {
    let got = f.string("consumer", problems);
    required(f, "consumer", got, problems).map(str::to_string)
}

fn read_topic(f: &Fields<'_>, ctx: &Context, problems: &mut Problems) -> Option<String> {
    let got = f.string("topic", problems);
    let topic = required(f, "topic", got, problems)?;
    if ctx.topics.contains(topic) {
        Some(topic.to_string())
    } else {
        problems.error(&f.path_of("topic"), unknown_topic(topic, ctx));
        None
    }
}

fn read_kind(
    f: &Fields<'_>,
    kind: &str,
    ctx: &Context,
    problems: &mut Problems,
) -> Option<ActionKind> {
    match kind {
        "crash-broker" => Some(ActionKind::CrashBroker {
            broker: read_broker(f, ctx, problems)?,
        }),
        "restart-broker" => Some(ActionKind::RestartBroker {
            broker: read_broker(f, ctx, problems)?,
        }),
        "isolate-broker" => {
            let broker = read_broker(f, ctx, problems);
            let for_ms = read_for(f, problems);
            Some(ActionKind::IsolateBroker {
                broker: broker?,
                for_ms: for_ms?,
            })
        }
        "fail-requests" => {
            let broker = read_broker(f, ctx, problems);
            let error = read_error(f, problems);
            let count = f.int32("count", 1..=MAX_FAIL_COUNT, problems);
            Some(ActionKind::FailRequests {
                broker: broker?,
                error: error?,
                count: match count {
                    Got::Value(n) => n,
                    Got::Missing => 1,
                    Got::Bad => return None,
                },
            })
        }
        "set-network" => {
            let latency = f.number("latency.ms", 0.0..=MAX_LATENCY_MS, problems);
            let jitter = f.number("jitter.ms", 0.0..=MAX_LATENCY_MS, problems);
            let loss = f.number("loss.rate", 0.0..=1.0, problems);
            let all = [latency, jitter, loss];
            if all.iter().all(|g| matches!(g, Got::Missing)) {
                problems.error(
                    &f.path,
                    "set-network needs at least one of latency.ms, jitter.ms, loss.rate",
                );
                return None;
            }
            if all.iter().any(|g| matches!(g, Got::Bad)) {
                return None;
            }
            let opt = |g: Got<f64>| match g {
                Got::Value(v) => Some(v),
                Got::Missing | Got::Bad => None,
            };
            Some(ActionKind::SetNetwork {
                latency_ms: opt(latency),
                jitter_ms: opt(jitter),
                loss_rate: opt(loss),
            })
        }
        "add-consumer" => Some(ActionKind::AddConsumer {
            group_id: read_group_id(f, ctx, problems)?,
        }),
        "remove-consumer" | "kill-consumer" => {
            let group_id = read_group_id(f, ctx, problems);
            let consumer = read_consumer(f, problems);
            let (group_id, consumer) = (group_id?, consumer?);
            Some(if kind == "remove-consumer" {
                ActionKind::RemoveConsumer { group_id, consumer }
            } else {
                ActionKind::KillConsumer { group_id, consumer }
            })
        }
        "stall-consumer" => {
            let group_id = read_group_id(f, ctx, problems);
            let consumer = read_consumer(f, problems);
            let for_ms = read_for(f, problems);
            Some(ActionKind::StallConsumer {
                group_id: group_id?,
                consumer: consumer?,
                for_ms: for_ms?,
            })
        }
        "add-partitions" => {
            let topic = read_topic(f, ctx, problems);
            let got = f.int32("partitions", 1..=MAX_PARTITIONS, problems);
            let partitions = required(f, "partitions", got, problems);
            Some(ActionKind::AddPartitions {
                topic: topic?,
                partitions: partitions?,
            })
        }
        "upgrade-producer" => {
            let producer = read_producer(f, ctx, problems);
            let schema = read_upgrade_schema(
                f,
                producer.as_ref().and_then(|p| ctx.producer_schemas.get(p)),
                ctx,
                problems,
            );
            Some(ActionKind::UpgradeProducer {
                producer: producer?,
                value_schema: schema?,
            })
        }
        "upgrade-group" => {
            let group_id = read_group_id(f, ctx, problems);
            let schema = read_upgrade_schema(
                f,
                group_id.as_ref().and_then(|g| ctx.group_schemas.get(g)),
                ctx,
                problems,
            );
            Some(ActionKind::UpgradeGroup {
                group_id: group_id?,
                value_schema: schema?,
            })
        }
        "set-compatibility" => {
            let subject = read_subject(f, ctx, problems);
            let got = f.choice::<Compatibility>("compatibility", problems);
            let compatibility = required(f, "compatibility", got, problems);
            Some(ActionKind::SetCompatibility {
                subject: subject?,
                compatibility: compatibility?,
            })
        }
        _ => None,
    }
}

fn read_error(f: &Fields<'_>, problems: &mut Problems) -> Option<ErrorCode> {
    let got = f.string("error", problems);
    let name = required(f, "error", got, problems)?;
    // Produce requests never answer OFFSET_OUT_OF_RANGE (a fetch error).
    let injectable = ErrorCode::ALL
        .into_iter()
        .filter(|e| *e != ErrorCode::OffsetOutOfRange);
    if let Some(code) = injectable.clone().find(|e| e.name() == name) {
        return Some(code);
    }
    let names: Vec<&str> = injectable.map(|e| e.name()).collect();
    // Kafka's error names are ASCII (Unicode case tables would cost the page 24 KB).
    let hint = nearest(&name.to_ascii_uppercase(), &names)
        .map(|n| format!(" (did you mean \"{n}\"?)"))
        .unwrap_or_default();
    problems.error(
        &f.path_of("error"),
        format!(
            "unknown Kafka error {}{hint}; known: {}",
            show(&name.into()),
            names.join(", ")
        ),
    );
    None
}

/// A group may not grow past the consumer limit through `add-consumer`, nor the clients past
/// theirs.
fn check_group_sizes(
    adds: &[(String, u64, usize, String)],
    ctx: &Context,
    problems: &mut Problems,
) {
    // Each add is one more client; only the first past the limit is reported.
    if let Some((_, _, _, path)) = adds
        .get((MAX_CLIENTS.saturating_sub(ctx.clients)) as usize)
        .filter(|_| ctx.clients <= MAX_CLIENTS)
    {
        problems.error(
            path,
            format!("would make more than {MAX_CLIENTS} producers and consumers in all"),
        );
    }
    for (group_id, start) in &ctx.groups {
        let Some(start) = start else { continue };
        let mut total = *start;
        for (id, _, _, path) in adds {
            if id == group_id {
                total += 1;
                if total == MAX_CONSUMERS_PER_GROUP + 1 {
                    problems.error(
                        path,
                        format!(
                            "group \"{group_id}\" would have more than {MAX_CONSUMERS_PER_GROUP} consumers"
                        ),
                    );
                }
            }
        }
    }
}

/// `<group.id>-c<N>`, N from 1, and consumer N must have joined by the action's time.
fn check_consumer(
    r: &ConsumerRef,
    adds: &[(String, u64, usize, String)],
    ctx: &Context,
    problems: &mut Problems,
) {
    let prefix = format!("{}-c", r.group_id);
    let number = r
        .name
        .strip_prefix(&prefix)
        .filter(|n| !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u32>().ok());
    let Some(n) = number else {
        problems.error(
            &r.path,
            format!(
                "expected a consumer of group \"{}\", named {prefix}<N> with N from 1, got {}",
                r.group_id,
                show(&r.name.as_str().into())
            ),
        );
        return;
    };
    let Some(Some(start)) = ctx.groups.get(&r.group_id) else {
        return;
    };
    let added = adds
        .iter()
        .filter(|(id, at, pos, _)| *id == r.group_id && (*at, *pos) < (r.at_ms, r.position))
        .count();
    let joined = u64::from(*start) + added as u64;
    if u64::from(n) > joined {
        problems.error(
            &r.path,
            format!(
                "no consumer {} at {} ms: group \"{}\" has had {joined} consumers by then \
                 ({start} at the start, {added} added)",
                r.name, r.at_ms, r.group_id
            ),
        );
    }
}

/// Each `add-partitions` must raise its topic's count as it stands by then (Kafka refuses a
/// decrease or the same count with INVALID_PARTITIONS), and all topics together stay within
/// the partition limit.
fn check_partition_counts(mut refs: Vec<PartitionsRef>, ctx: &Context, problems: &mut Problems) {
    let mut counts = ctx.partitions.clone();
    let mut total: u32 = counts.values().sum();
    // Topics already over the limit are reported with the topics.
    let mut within_limit = total <= MAX_TOTAL_PARTITIONS;
    // In timeline order: the earliest at.ms first, ties in document order (a selection
    // rather than a sort keeps another sort out of the page's code).
    while let Some(at) = refs.iter().map(|r| r.at_ms).min() {
        let Some(i) = refs.iter().position(|r| r.at_ms == at) else {
            break;
        };
        let r = refs.remove(i);
        // A topic whose own partitions were bad is already reported.
        let Some(count) = counts.get_mut(&r.topic) else {
            continue;
        };
        if r.partitions <= *count {
            problems.error(
                &r.path,
                format!(
                    "topic \"{}\" has {count} partitions by {} ms; Kafka only adds partitions \
                     and refuses {} (INVALID_PARTITIONS: the new total must be more than {count})",
                    r.topic, r.at_ms, r.partitions
                ),
            );
            continue;
        }
        total = total - *count + r.partitions;
        *count = r.partitions;
        if within_limit && total > MAX_TOTAL_PARTITIONS {
            within_limit = false;
            problems.error(
                &r.path,
                format!(
                    "at most {MAX_TOTAL_PARTITIONS} partitions in all topics (got {total} after this action)"
                ),
            );
        }
    }
}
