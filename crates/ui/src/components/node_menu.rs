//! The menu a stage node opens: what can happen to it. Each choice becomes an action on the
//! scenario's timeline at the playback position.

use crate::markup::el;
use crate::run_cache::{Frame, Node};
use kafka_sim::kafka::errors::ErrorCode;
use kafka_sim::scenario::{Compatibility, Scenario, SchemaRef};
use kafka_sim::ActionKind;
use std::rc::Rc;
use yew::prelude::*;

/// How long an isolation lasts when started from the stage.
const ISOLATE_MS: u64 = 10_000;
/// How long a stall lasts when started from the stage.
const STALL_MS: u64 = 10_000;

pub struct NodeMenuProps {
    pub node: Node,
    pub frame: Rc<Frame>,
    pub on_act: Callback<ActionKind>,
    pub on_close: Callback<()>,
}

/// A broker's menu: faults while it runs, a restart once it is down.
fn broker_actions(broker: u32, alive: bool) -> Vec<(String, ActionKind)> {
    if !alive {
        return vec![(
            format!("Restart broker {broker}"),
            ActionKind::RestartBroker { broker },
        )];
    }
    vec![
        (
            format!("Crash broker {broker}"),
            ActionKind::CrashBroker { broker },
        ),
        (
            format!("Isolate broker {broker} for {} s", ISOLATE_MS / 1000),
            ActionKind::IsolateBroker {
                broker,
                for_ms: ISOLATE_MS,
            },
        ),
        (
            "Fail the next produce request (NOT_ENOUGH_REPLICAS)".to_string(),
            ActionKind::FailRequests {
                broker,
                error: ErrorCode::NotEnoughReplicas,
                count: 1,
            },
        ),
        (
            "Time out the next produce request after the append (REQUEST_TIMED_OUT)".to_string(),
            ActionKind::FailRequests {
                broker,
                error: ErrorCode::RequestTimedOut,
                count: 1,
            },
        ),
    ]
}

/// A group member's menu.
fn consumer_actions(group: &str, name: &str) -> Vec<(String, ActionKind)> {
    let (group_id, consumer) = (group.to_string(), name.to_string());
    vec![
        (
            format!("Remove {name} (LeaveGroup)"),
            ActionKind::RemoveConsumer {
                group_id: group_id.clone(),
                consumer: consumer.clone(),
            },
        ),
        (
            format!("Kill {name} (no LeaveGroup)"),
            ActionKind::KillConsumer {
                group_id: group_id.clone(),
                consumer: consumer.clone(),
            },
        ),
        (
            format!("Stall {name} for {} s", STALL_MS / 1000),
            ActionKind::StallConsumer {
                group_id,
                consumer,
                for_ms: STALL_MS,
            },
        ),
    ]
}

/// A client's upgrades: every version of the schema it uses `now` but that one (an upgrade or a
/// rollback), as `verb NAME@N`.
fn upgrades(
    scenario: &Scenario,
    now: Option<&SchemaRef>,
    verb: &str,
    to: &dyn Fn(SchemaRef) -> ActionKind,
) -> Vec<(String, ActionKind)> {
    let Some(now) = now else {
        return Vec::new();
    };
    let n = scenario
        .schemas
        .iter()
        .find(|(name, _)| *name == now.name)
        .map_or(0, |(_, v)| v.len() as u32);
    (1..=n)
        .filter(|v| *v != now.version)
        .map(|version| {
            let s = SchemaRef {
                name: now.name.clone(),
                version,
            };
            (format!("{verb} {s}"), to(s))
        })
        .collect()
}

/// A plain function (no component): drawn inside the stage, whose frame changes on every tick,
/// so a component would redraw anyway; a component's generic machinery costs download.
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let item = |(label, action): (String, ActionKind)| {
        let on_act = props.on_act.clone();
        el("button")
            .attr("type", "button")
            .attr("role", "menuitem")
            .on_click(Callback::from(move |_| on_act.emit(action.clone())))
            .text(label)
            .html()
    };
    let (view, scenario) = (&props.frame.view, &*props.frame.scenario);
    let (title, items): (String, Vec<Html>) = match &props.node {
        Node::Broker(b) => {
            let alive = props
                .frame
                .view
                .brokers
                .iter()
                .find(|v| v.id == *b)
                .is_some_and(|v| v.alive);
            let items = broker_actions(*b, alive).into_iter().map(item).collect();
            (format!("broker {b}"), items)
        }
        Node::Consumer(name) => {
            let group = name.rsplit_once("-c").map(|(g, _)| g).unwrap_or(name);
            let items = consumer_actions(group, name)
                .into_iter()
                .map(item)
                .collect();
            (name.clone(), items)
        }
        Node::Producer(i) => {
            let p = view.producers.get(*i as usize);
            let name = p.map(|p| p.name.clone()).unwrap_or_default();
            let now = p.and_then(|p| p.value_schema.as_ref());
            let to = |value_schema| ActionKind::UpgradeProducer {
                producer: name.clone(),
                value_schema,
            };
            let items = upgrades(scenario, now, "Upgrade to", &to);
            (
                format!("producer {name}"),
                items.into_iter().map(item).collect(),
            )
        }
        Node::Group(g) => {
            let now = view.groups.iter().find(|v| v.id == *g);
            let to = |value_schema| ActionKind::UpgradeGroup {
                group_id: g.clone(),
                value_schema,
            };
            let items = upgrades(
                scenario,
                now.and_then(|v| v.value_schema.as_ref()),
                "Move readers to",
                &to,
            );
            (format!("group {g}"), items.into_iter().map(item).collect())
        }
        Node::Controller => ("controller".to_string(), Vec::new()),
        Node::Registry => {
            let mut items = Vec::new();
            for t in &scenario.topics {
                let subject = format!("{}-value", t.name);
                // Named only when there is more than one to choose from.
                let of = if scenario.topics.len() > 1 {
                    format!(" of {subject}")
                } else {
                    String::new()
                };
                let now = view.registry.as_ref().map(|r| {
                    r.subjects
                        .get(&subject)
                        .map_or(r.compatibility, |s| s.compatibility)
                });
                for compatibility in Compatibility::ALL {
                    if Some(compatibility) != now {
                        items.push(item((
                            format!("Compatibility{of}: {}", compatibility.name()),
                            ActionKind::SetCompatibility {
                                subject: subject.clone(),
                                compatibility,
                            },
                        )));
                    }
                }
            }
            ("schema registry".to_string(), items)
        }
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                // Escape closes the menu only, not the ledger highlight as well.
                e.stop_propagation();
                on_close.emit(());
            }
        })
    };
    el("div")
        .class("node-menu")
        .on_keydown(onkeydown)
        .el(el("p")
            .class("node-menu-title")
            .attr("id", "node-menu-title")
            .text(format!("{title}: act at the current position")))
        .maybe(items.is_empty().then(|| {
            el("p")
                .class("small")
                .text("Nothing can be done to this node from the stage; use its settings.")
                .html()
        }))
        .el(el("div")
            .attr("role", "menu")
            .attr("aria-labelledby", "node-menu-title")
            .child(items.into_iter().collect())
            .el(el("button")
                .attr("type", "button")
                .attr("role", "menuitem")
                .class("node-menu-close")
                .on_click(close)
                .text("Close")))
        .html()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn serialized(actions: Vec<(String, ActionKind)>) -> Vec<Value> {
        actions
            .into_iter()
            .map(|(_, a)| serde_json::to_value(a).unwrap_or(Value::Null))
            .collect()
    }

    /// The JSON the menu wrote by hand before it sent typed actions: documents and permalinks
    /// made since must keep reading the same.
    fn written_before() -> Vec<Value> {
        let (b, group, name) = (1, "g1", "g1-c1");
        vec![
            json!({"do": "crash-broker", "broker": b}),
            json!({"do": "isolate-broker", "broker": b, "for.ms": 10_000}),
            json!({"do": "fail-requests", "broker": b, "error": "NOT_ENOUGH_REPLICAS", "count": 1}),
            json!({"do": "fail-requests", "broker": b, "error": "REQUEST_TIMED_OUT", "count": 1}),
            json!({"do": "restart-broker", "broker": b}),
            json!({"do": "remove-consumer", "group.id": group, "consumer": name}),
            json!({"do": "kill-consumer", "group.id": group, "consumer": name}),
            json!({"do": "stall-consumer", "group.id": group, "consumer": name, "for.ms": 10_000}),
        ]
    }

    fn menu_actions() -> Vec<(String, ActionKind)> {
        let mut all = broker_actions(1, true);
        all.extend(broker_actions(1, false));
        all.extend(consumer_actions("g1", "g1-c1"));
        all
    }

    #[test]
    fn each_menu_action_serializes_as_the_page_wrote_it_by_hand() {
        assert_eq!(serialized(menu_actions()), written_before());
    }

    /// The upgrades offered are the scenario's other versions, and each reads back as itself.
    #[test]
    fn upgrades_offer_the_other_versions_of_the_clients_schema() {
        let lesson: Value = serde_json::from_str(include_str!(
            "../../../../web/lessons/custom-serializer.json"
        ))
        .unwrap_or(Value::Null);
        let Ok(scenario) = kafka_sim::scenario::resolve_scenario(&lesson["scenario"]) else {
            panic!("the lesson's scenario reads");
        };
        let v = |version| SchemaRef {
            name: "Supplier".to_string(),
            version,
        };
        let to = |value_schema| ActionKind::UpgradeGroup {
            group_id: "old".to_string(),
            value_schema,
        };
        let offered = |now: Option<SchemaRef>| upgrades(&scenario, now.as_ref(), "Move to", &to);
        assert_eq!(
            offered(Some(v(2))),
            vec![("Move to Supplier@1".to_string(), to(v(1)))]
        );
        assert_eq!(
            offered(Some(v(1))),
            vec![("Move to Supplier@2".to_string(), to(v(2)))]
        );
        assert_eq!(offered(None), Vec::new());
        for kind in [
            ActionKind::UpgradeProducer {
                producer: "p1".to_string(),
                value_schema: v(2),
            },
            ActionKind::UpgradeGroup {
                group_id: "old".to_string(),
                value_schema: v(2),
            },
            ActionKind::SetCompatibility {
                subject: "suppliers-value".to_string(),
                compatibility: Compatibility::Forward,
            },
        ] {
            let mut doc = lesson["scenario"].clone();
            let mut value = serde_json::to_value(&kind).unwrap_or(Value::Null);
            value["at.ms"] = json!(1_000);
            doc["actions"] = json!([value]);
            let read = kafka_sim::scenario::resolve_scenario(&doc)
                .ok()
                .and_then(|s| s.actions.first().map(|a| a.kind.clone()));
            assert_eq!(read, Some(kind));
        }
    }

    #[test]
    fn each_menu_action_reads_back_as_itself() {
        let doc: Value =
            serde_json::from_str(kafka_sim::scenario::DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null);
        for (_, action) in menu_actions() {
            let mut doc = doc.clone();
            let mut value = serde_json::to_value(&action).unwrap_or(Value::Null);
            value["at.ms"] = json!(1_000);
            doc["actions"] = json!([value]);
            let scenario = kafka_sim::scenario::resolve_scenario(&doc);
            let read = scenario
                .ok()
                .and_then(|s| s.actions.first().map(|a| a.kind.clone()));
            assert_eq!(read, Some(action));
        }
    }
}
