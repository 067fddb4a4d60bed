//! What a step highlights on the stage: `producer:NAME`, `broker:N`, `topic:NAME`,
//! `partition:TOPIC-P`, `group:ID`, `consumer:NAME`, `coordinator:GROUP`, `controller`, each
//! checked against the scenario (a consumer or a partition must exist by the step's time). The
//! page focuses its stage on the same targets.

use crate::scenario::{consumer_name, ActionKind, Scenario};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Producer(String),
    Broker(u32),
    Topic(String),
    Partition {
        topic: String,
        partition: u32,
    },
    Group(String),
    Consumer(String),
    /// The coordinator of a group.
    Coordinator(String),
    Controller,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Producer(n) => write!(f, "producer:{n}"),
            Target::Broker(b) => write!(f, "broker:{b}"),
            Target::Topic(t) => write!(f, "topic:{t}"),
            Target::Partition { topic, partition } => write!(f, "partition:{topic}-{partition}"),
            Target::Group(g) => write!(f, "group:{g}"),
            Target::Consumer(c) => write!(f, "consumer:{c}"),
            Target::Coordinator(g) => write!(f, "coordinator:{g}"),
            Target::Controller => f.write_str("controller"),
        }
    }
}

const KINDS: [&str; 8] = [
    "producer",
    "broker",
    "topic",
    "partition",
    "group",
    "consumer",
    "coordinator",
    "controller",
];

impl Target {
    /// Reads a target and checks it names something `scenario` has by `at_ms`.
    pub fn read(text: &str, scenario: &Scenario, at_ms: u64) -> Result<Target, String> {
        let shown: String = text.chars().take(60).collect();
        if text == "controller" {
            return Ok(Target::Controller);
        }
        let Some((kind, name)) = text.split_once(':') else {
            return Err(format!(
                "expected KIND:NAME or \"controller\", got \"{shown}\" (kinds: {})",
                KINDS.join(", ")
            ));
        };
        let groups = || quoted(scenario.groups.iter().map(|g| g.group_id.as_str()));
        let has_group = |id: &str| scenario.groups.iter().any(|g| g.group_id == id);
        match kind {
            "producer" => {
                if scenario.producers.iter().any(|p| p.name == name) {
                    Ok(Target::Producer(name.into()))
                } else {
                    Err(format!(
                        "no producer \"{name}\" in the scenario (producers: {})",
                        quoted(scenario.producers.iter().map(|p| p.name.as_str()))
                    ))
                }
            }
            "broker" => match name.parse::<u32>() {
                Ok(b) if b < scenario.cluster.brokers => Ok(Target::Broker(b)),
                _ => Err(format!(
                    "no broker {name} (brokers are numbered 0 to {})",
                    scenario.cluster.brokers.saturating_sub(1)
                )),
            },
            "topic" if scenario.topics.iter().any(|t| t.name == name) => {
                Ok(Target::Topic(name.into()))
            }
            "topic" => Err(format!(
                "no topic \"{name}\" in the scenario (topics: {})",
                quoted(scenario.topics.iter().map(|t| t.name.as_str()))
            )),
            "partition" => partition(name, scenario, at_ms),
            "group" | "coordinator" if has_group(name) => Ok(if kind == "group" {
                Target::Group(name.into())
            } else {
                Target::Coordinator(name.into())
            }),
            "group" | "coordinator" => Err(format!(
                "no group \"{name}\" in the scenario (groups: {})",
                groups()
            )),
            "consumer" => consumer(name, scenario, at_ms),
            other => Err(match crate::scenario::fields::nearest(other, &KINDS) {
                Some(near) => format!("unknown kind \"{other}\" (did you mean \"{near}\"?)"),
                None => format!("unknown kind \"{other}\" (kinds: {})", KINDS.join(", ")),
            }),
        }
    }
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

/// `TOPIC-P`, the topic's partitions counted with those added by `at_ms`.
fn partition(name: &str, scenario: &Scenario, at_ms: u64) -> Result<Target, String> {
    let parsed = name
        .rsplit_once('-')
        .and_then(|(t, p)| Some((t, p.parse::<u32>().ok()?)));
    let Some((topic, p)) = parsed else {
        return Err(format!(
            "expected partition:TOPIC-N, e.g. partition:orders-0, got \"{name}\""
        ));
    };
    let Some(config) = scenario.topics.iter().find(|t| t.name == topic) else {
        return Err(format!(
            "no topic \"{topic}\" in the scenario (topics: {})",
            quoted(scenario.topics.iter().map(|t| t.name.as_str()))
        ));
    };
    let count = scenario
        .actions
        .iter()
        .filter(|a| a.at_ms <= at_ms)
        .filter_map(|a| match &a.kind {
            ActionKind::AddPartitions {
                topic: t,
                partitions,
            } if t == topic => Some(*partitions),
            _ => None,
        })
        .fold(config.partitions, u32::max);
    if p < count {
        Ok(Target::Partition {
            topic: topic.into(),
            partition: p,
        })
    } else {
        Err(format!(
            "topic \"{topic}\" has partitions 0 to {} at {at_ms} ms",
            count.saturating_sub(1)
        ))
    }
}

/// A consumer that has joined by `at_ms` (`<group.id>-c<N>`).
fn consumer(name: &str, scenario: &Scenario, at_ms: u64) -> Result<Target, String> {
    for g in &scenario.groups {
        let added = scenario
            .actions
            .iter()
            .filter(|a| a.at_ms <= at_ms)
            .filter(|a| matches!(&a.kind, ActionKind::AddConsumer { group_id } if *group_id == g.group_id))
            .count() as u32;
        let total = g.consumers.saturating_add(added);
        if (1..=total).any(|n| consumer_name(&g.group_id, n) == name) {
            return Ok(Target::Consumer(name.into()));
        }
    }
    let all: Vec<String> = scenario
        .groups
        .iter()
        .map(|g| consumer_name(&g.group_id, 1))
        .collect();
    Err(format!(
        "no consumer \"{name}\" by {at_ms} ms (consumers are named <group.id>-c<N>, e.g. {})",
        quoted(all.iter().map(String::as_str))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    #[test]
    fn targets_name_what_the_scenario_has_by_the_steps_time() {
        let s = parse_scenario(
            r#"{"format": 1, "cluster": {"brokers": 2},
                "topics": [{"name": "my.topic", "partitions": 2}],
                "producers": [{"name": "p1", "topic": "my.topic"}],
                "groups": [{"group.id": "g1", "topics": ["my.topic"], "consumers": 1}],
                "actions": [{"at.ms": 500, "do": "add-consumer", "group.id": "g1"},
                            {"at.ms": 500, "do": "add-partitions", "topic": "my.topic", "partitions": 3}]}"#,
        )
        .expect("valid");
        let read = |t: &str, at| Target::read(t, &s, at).map(|t| t.to_string());
        assert_eq!(read("producer:p1", 0), Ok("producer:p1".into()));
        assert_eq!(read("broker:1", 0), Ok("broker:1".into()));
        assert_eq!(
            read("partition:my.topic-1", 0),
            Ok("partition:my.topic-1".into())
        );
        assert_eq!(read("controller", 0), Ok("controller".into()));
        assert_eq!(read("coordinator:g1", 0), Ok("coordinator:g1".into()));
        assert_eq!(read("consumer:g1-c2", 500), Ok("consumer:g1-c2".into()));
        assert_eq!(
            read("partition:my.topic-2", 600),
            Ok("partition:my.topic-2".into())
        );
        assert_eq!(
            read("broker:2", 0),
            Err("no broker 2 (brokers are numbered 0 to 1)".into())
        );
        assert_eq!(
            read("consumer:g1-c2", 499),
            Err(
                "no consumer \"g1-c2\" by 499 ms (consumers are named <group.id>-c<N>, e.g. \
                 \"g1-c1\")"
                    .into()
            )
        );
        assert_eq!(
            read("partition:my.topic-2", 0),
            Err("topic \"my.topic\" has partitions 0 to 1 at 0 ms".into())
        );
        assert_eq!(
            read("brokr:0", 0),
            Err("unknown kind \"brokr\" (did you mean \"broker\"?)".into())
        );
        assert!(read("group:g2", 0).is_err());
        assert!(read("producer:p2", 0).is_err());
    }
}
