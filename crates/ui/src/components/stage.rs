//! The stage: producers on the left, brokers with their partition replicas in the middle, the
//! controller above them and the consumer groups on the right; every message in flight is a
//! mark on the wire between its sender and receiver. Nodes are buttons that open a menu of what
//! can happen to them.

use crate::components::group_lane::{group_lane, GroupLaneProps};
use crate::components::node_menu::{node_menu, NodeMenuProps};
use crate::components::partition_cells::still_leads;
use crate::components::{class_list, px};
use crate::markup::el;
use crate::run_cache::{Frame, GroupView, Node};
use kafka_sim::observe::view::BrokerView;
use kafka_sim::ActionKind;
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

mod draw;
mod layout;

use draw::{
    broker_status, draw_broker, draw_flights, draw_group, draw_producer, fmt, rect, text_at,
};
use layout::{layout, BROKER_W, BROKER_X, PRODUCER_H, PRODUCER_W, PRODUCER_X, TOP};

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub frame: Rc<Frame>,
    pub doc: Rc<Value>,
    pub reduced_motion: bool,
    /// A stage action (without `at.ms`) for the timeline.
    pub on_act: Callback<ActionKind>,
    /// What a lesson's step points at (`broker:1`, `partition:orders-0`, ...): outlined.
    #[prop_or_default]
    pub lit: Rc<Vec<String>>,
}

/// Whether a lesson's step points at `target` (each drawn thing carries its target as
/// `data-target`).
pub(super) fn is_lit(lit: &[String], target: &str) -> bool {
    lit.iter().any(|t| t == target)
}

/// A broker is lit as itself, as the controller (ZooKeeper-era: a broker is the controller) or
/// as a group's coordinator.
fn broker_lit(lit: &[String], b: &BrokerView, groups: &[GroupView]) -> bool {
    is_lit(lit, &format!("broker:{}", b.id))
        || (b.is_controller && is_lit(lit, "controller"))
        || groups.iter().any(|g| {
            g.coordinator == Some(b.id) && is_lit(lit, &format!("coordinator:{}", g.group_id))
        })
}

#[component]
pub fn Stage(props: &StageProps) -> Html {
    let menu = use_state(|| None::<Node>);
    let frame = &props.frame;
    let lit: &[String] = &props.lit;
    let l = layout(frame);
    let open = |node: Node| {
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| menu.set(Some(node.clone())))
    };
    let open_key = |node: Node| {
        let menu = menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                menu.set(Some(node.clone()));
            }
        })
    };
    let kraft = !frame.view.brokers.iter().any(|b| b.is_controller);
    let wires: Html = l
        .producers
        .iter()
        .flat_map(|py| {
            l.brokers.iter().map(move |(top, h)| {
                el("line")
                    .class("wire")
                    .attr("x1", fmt(PRODUCER_X + PRODUCER_W))
                    .attr("y1", fmt(py + PRODUCER_H / 2.0))
                    .attr("x2", fmt(BROKER_X))
                    .attr("y2", fmt(top + h / 2.0))
                    .html()
            })
        })
        .collect();
    let flights = draw_flights(&frame.flights, &l, props.reduced_motion);
    let view_box = format!("0 0 {} {}", px(l.width), px(l.height));
    let on_close = {
        let menu = menu.clone();
        Callback::from(move |_| menu.set(None))
    };
    let on_act = {
        let (menu, on_act) = (menu.clone(), props.on_act.clone());
        Callback::from(move |v: ActionKind| {
            menu.set(None);
            on_act.emit(v);
        })
    };
    let menu_node = (*menu).clone();
    // A node of the stage: a button that opens its menu.
    let button = |node: Node, class: String| {
        el("g")
            .class(class)
            .attr("role", "button")
            .attr("tabindex", "0")
            .attr("aria-haspopup", "menu")
            .on_click(open(node.clone()))
            .on_keydown(open_key(node))
    };
    let controller = kraft.then(|| {
        button(
            Node::Controller,
            class_list("node controller", &[(is_lit(lit, "controller"), "lit")]),
        )
        .attr("data-target", "controller")
        .el(rect(fmt(l.controller.0 - 90.0), "8", "180", "36", "6"))
        .el(text_at(fmt(l.controller.0), "31")
            .attr("text-anchor", "middle")
            .text("◆ controller (KRaft)"))
        .html()
    });
    let registry = frame.view.registry.as_ref().map(|r| {
        button(
            Node::Registry,
            class_list("node registry", &[(r.refusals > 0, "refused")]),
        )
        .attr("data-registry-refusals", r.refusals.to_string())
        .el(rect(fmt(PRODUCER_X), "8", fmt(PRODUCER_W), "36", "6"))
        .el(text_at(fmt(PRODUCER_X + PRODUCER_W / 2.0), "31")
            .attr("text-anchor", "middle")
            .text(if r.refusals > 0 {
                format!("schema registry · {} refused (409)", r.refusals)
            } else {
                format!("schema registry · {} schema(s)", r.schemas)
            }))
        .html()
    });
    let producers = frame.view.producers.iter().enumerate().map(|(i, p)| {
        let y = l.producers.get(i).copied().unwrap_or(TOP);
        let target = format!("producer:{}", p.name);
        el("g")
            .class(class_list("producer", &[(is_lit(lit, &target), "lit")]))
            .attr("data-target", target)
            .child(draw_producer(p, y, frame.now_us))
            .el(button(Node::Producer(i as u32), "node".to_string())
                .attr("data-producer", p.name.clone())
                .el(rect(fmt(PRODUCER_X), fmt(y), fmt(PRODUCER_W), "22", "6").class("hit"))
                .el(text_at(fmt(PRODUCER_X + 8.0), fmt(y + 16.0))
                    .class("title")
                    .text(format!("▶ producer {}", p.name))))
            .html()
    });
    let brokers = frame.view.brokers.iter().enumerate().map(|(i, b)| {
        let (top, h) = l.brokers.get(i).copied().unwrap_or((TOP, 40.0));
        let status = broker_status(b, still_leads(&frame.view.partitions, b.id));
        el("g")
            .class(class_list(
                "broker",
                &[
                    (!b.alive, "down"),
                    (b.isolated, "isolated"),
                    (broker_lit(lit, b, &frame.groups), "lit"),
                ],
            ))
            .attr("data-target", format!("broker:{}", b.id))
            .child(draw_broker(b, top, h, frame.highlight.as_ref(), lit))
            .el(button(Node::Broker(b.id), "node".to_string())
                .attr("data-broker", b.id.to_string())
                .el(rect(fmt(BROKER_X), fmt(top), fmt(BROKER_W - 80.0), "24", "6").class("hit"))
                .el(text_at(fmt(BROKER_X + 8.0), fmt(top + 17.0))
                    .class("title")
                    .text(format!("■ broker {}", b.id))
                    // In a smaller face, so a long status clears the card's column legend.
                    .maybe(
                        (!status.is_empty())
                            .then(|| el("tspan").text(format!(" · {status}")).html()),
                    )))
            .html()
    });
    let groups = frame.groups.iter().enumerate().map(|(i, g)| {
        let top = l.groups.get(i).copied().unwrap_or(TOP);
        draw_group(g, top, &l, lit, &button)
    });
    let cluster = el("svg")
        .class("stage-svg")
        .attr("viewBox", view_box.clone())
        .attr("role", "group")
        .attr("aria-label", "Cluster")
        .el(el("g")
            .class("wires")
            .attr("aria-hidden", "true")
            .child(wires))
        .maybe(controller)
        .maybe(registry)
        .child(producers.collect())
        .child(brokers.collect())
        .child(groups.collect());
    // Messages move every frame: their own layer, so the cluster beneath is not repainted.
    let flights = el("svg")
        .class("flights")
        .attr("viewBox", view_box)
        .attr("aria-hidden", "true")
        .attr("focusable", "false")
        .child(flights);
    let lane = group_lane(&GroupLaneProps {
        groups: frame.groups.clone(),
        on_act: props.on_act.clone(),
        on_open: {
            let menu = menu.clone();
            Callback::from(move |n| menu.set(Some(n)))
        },
    });
    el("div")
        .class("stage-box")
        .el(el("div").class("stage-canvas").el(cluster).el(flights))
        .child(lane)
        .maybe(menu_node.map(|node| {
            node_menu(&NodeMenuProps {
                node,
                frame: props.frame.clone(),
                on_act,
                on_close,
            })
        }))
        .el(el("p")
            .class("stage-caption")
            .attr("aria-live", "polite")
            .text(format!("{} messages on the wire", frame.flights.len())))
        .html()
}
