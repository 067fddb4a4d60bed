//! The menu a stage node opens: what can happen to it. Each choice becomes an action on the
//! scenario's timeline at the playback position.

use crate::run_cache::{Frame, Node};
use serde_json::{json, Value};
use std::rc::Rc;
use yew::prelude::*;

/// How long an isolation lasts when started from the stage.
const ISOLATE_MS: u64 = 10_000;

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: Node,
    pub frame: Rc<Frame>,
    pub on_act: Callback<Value>,
    pub on_close: Callback<()>,
}

#[component]
pub fn NodeMenu(props: &NodeMenuProps) -> Html {
    let item = |label: String, action: Value| {
        let on_act = props.on_act.clone();
        html! {
            <button type="button" role="menuitem" onclick={Callback::from(move |_| on_act.emit(action.clone()))}>
                {label}
            </button>
        }
    };
    let (title, items): (String, Vec<Html>) = match &props.node {
        Node::Broker(b) => {
            let alive = props
                .frame
                .view
                .brokers
                .iter()
                .find(|v| v.id == *b)
                .is_some_and(|v| v.alive);
            let mut items = Vec::new();
            if alive {
                items.push(item(
                    format!("Crash broker {b}"),
                    json!({"do": "crash-broker", "broker": b}),
                ));
                items.push(item(
                    format!("Isolate broker {b} for {} s", ISOLATE_MS / 1000),
                    json!({"do": "isolate-broker", "broker": b, "for.ms": ISOLATE_MS}),
                ));
                items.push(item(
                    "Fail the next produce request (NOT_ENOUGH_REPLICAS)".to_string(),
                    json!({"do": "fail-requests", "broker": b, "error": "NOT_ENOUGH_REPLICAS", "count": 1}),
                ));
                items.push(item(
                    "Time out the next produce request after the append (REQUEST_TIMED_OUT)"
                        .to_string(),
                    json!({"do": "fail-requests", "broker": b, "error": "REQUEST_TIMED_OUT", "count": 1}),
                ));
            } else {
                items.push(item(
                    format!("Restart broker {b}"),
                    json!({"do": "restart-broker", "broker": b}),
                ));
            }
            (format!("broker {b}"), items)
        }
        Node::Consumer(name) => {
            let group = name.rsplit_once("-c").map(|(g, _)| g).unwrap_or(name);
            (
                name.clone(),
                vec![
                    item(
                        format!("Remove {name} (LeaveGroup)"),
                        json!({"do": "remove-consumer", "group.id": group, "consumer": name}),
                    ),
                    item(
                        format!("Kill {name} (no LeaveGroup)"),
                        json!({"do": "kill-consumer", "group.id": group, "consumer": name}),
                    ),
                    item(
                        format!("Stall {name} for 10 s"),
                        json!({"do": "stall-consumer", "group.id": group, "consumer": name, "for.ms": 10_000}),
                    ),
                ],
            )
        }
        Node::Producer(i) => {
            let name = props
                .frame
                .view
                .producers
                .get(*i as usize)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            (format!("producer {name}"), Vec::new())
        }
        Node::Controller => ("controller".to_string(), Vec::new()),
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
    html! {
        <div class="node-menu" {onkeydown}>
            <p class="node-menu-title" id="node-menu-title">{format!("{title}: act at the current position")}</p>
            if items.is_empty() {
                <p class="small">{"Nothing can be done to this node from the stage; use its settings."}</p>
            }
            <div role="menu" aria-labelledby="node-menu-title">
                { for items }
                <button type="button" role="menuitem" class="node-menu-close" onclick={close}>{"Close"}</button>
            </div>
        </div>
    }
}
