//! The report's shape before a run: which figure paths (`records.lost`, `groups.g1.generation`,
//! `groups.g1.assignment.g1-c5`) a scenario's report can hold. A lesson's expectations are
//! checked against it before anything runs, so the report stays the one list of figures.

use crate::scenario::{consumer_name, ActionKind, Scenario};
use crate::world::sim::Simulation;
use crate::world::topology::Topology;
use serde_json::{Map, Value};

/// The report at time 0 as JSON, with the names a run adds filled in: each group's
/// `assignment` lists every consumer the scenario can have (those at the start and those its
/// `add-consumer` actions add), and `committed` and `lag` every partition of its topics,
/// `add-partitions` included. Values are those at time 0 (0 or empty where a run fills them).
pub fn report_outline(scenario: &Scenario) -> Value {
    let sim = Simulation::new(scenario.clone());
    let mut outline = serde_json::to_value(sim.report()).unwrap_or(Value::Null);
    let mut topo = Topology::new(scenario);
    let all: Vec<u32> = (0..topo.brokers).collect();
    for action in &scenario.actions {
        if let ActionKind::AddPartitions { topic, partitions } = &action.kind {
            if let Some(t) = topo.topic_index(topic) {
                if *partitions > topo.partition_count(t) {
                    topo.add_partitions(t, *partitions, &all);
                }
            }
        }
    }
    add_subjects(&mut outline, scenario);
    let Some(groups) = outline.get_mut("groups").and_then(Value::as_object_mut) else {
        return outline;
    };
    for group in &scenario.groups {
        let Some(Value::Object(report)) = groups.get_mut(&group.group_id) else {
            continue;
        };
        let added = scenario
            .actions
            .iter()
            .filter(|a| {
                matches!(&a.kind, ActionKind::AddConsumer { group_id } if *group_id == group.group_id)
            })
            .count() as u32;
        let Some(assignment) = object(report, "assignment") else {
            continue;
        };
        for n in 1..=group.consumers.saturating_add(added) {
            assignment
                .entry(consumer_name(&group.group_id, n))
                .or_insert(Value::Array(Vec::new()));
        }
        let partitions: Vec<String> = topo
            .in_topic_order()
            .filter(|&p| {
                topo.partition(p)
                    .and_then(|info| topo.topic_names.get(info.topic))
                    .is_some_and(|t| group.topics.contains(t))
            })
            .map(|p| topo.name(p).to_string())
            .collect();
        for key in ["committed", "lag"] {
            let Some(map) = object(report, key) else {
                continue;
            };
            for name in &partitions {
                map.entry(name.clone()).or_insert(Value::from(0));
            }
        }
    }
    outline
}

/// The registry's subjects a run registers: `<topic>-value` of every Avro producer's topic.
fn add_subjects(outline: &mut Value, scenario: &Scenario) {
    let mode = serde_json::to_value(scenario.schema_registry.compatibility).unwrap_or_default();
    let Some(subjects) = outline
        .get_mut("schema.registry")
        .and_then(Value::as_object_mut)
        .and_then(|r| object(r, "subjects"))
    else {
        return;
    };
    let avro = scenario
        .producers
        .iter()
        .filter(|p| p.value_serializer == crate::scenario::ValueSerializer::Avro);
    for p in avro {
        subjects.entry(format!("{}-value", p.topic)).or_insert_with(|| {
            serde_json::json!({ "versions": 0, "ids": [], "compatibility": mode.clone(), "refusals": 0 })
        });
    }
}

/// The object under `key` (made when missing).
fn object<'a>(parent: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    parent
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    #[test]
    fn the_outline_names_consumers_and_partitions_a_run_adds() {
        let s = parse_scenario(
            r#"{"format": 1, "topics": [{"name": "t", "partitions": 2}],
                "groups": [{"group.id": "g1", "topics": ["t"], "consumers": 1}],
                "actions": [{"at.ms": 10, "do": "add-consumer", "group.id": "g1"},
                            {"at.ms": 20, "do": "add-partitions", "topic": "t", "partitions": 3}]}"#,
        )
        .expect("valid");
        let o = report_outline(&s);
        let g = &o["groups"]["g1"];
        let consumers: Vec<&String> = g["assignment"].as_object().expect("map").keys().collect();
        assert_eq!(consumers, ["g1-c1", "g1-c2"]);
        let lag: Vec<&String> = g["lag"].as_object().expect("map").keys().collect();
        assert_eq!(lag, ["t-0", "t-1", "t-2"]);
        assert_eq!(g["committed"]["t-2"], 0);
        assert_eq!(o["records"]["lost"], 0);
    }
}
