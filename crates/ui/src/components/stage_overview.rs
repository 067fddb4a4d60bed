//! The stage of a large cluster, aggregated: brokers as tiles (leaders, replicas out of the ISR,
//! messages on their wires), each topic's partitions as a strip of cells coloured by health,
//! producers and groups as chips, and the messages in flight counted by kind rather than drawn
//! one by one. Every tile, topic and chip focuses the stage on it (a partition cell too).

use crate::components::class_list;
use crate::components::partition_cells::{health, still_leads, Cell, PartitionCells};
use crate::components::stage::is_lit;
use crate::markup::el;
use crate::run_cache::{Frame, Node};
use kafka_sim::lesson::Target;
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::observe::view::PartitionView;
use kafka_sim::support::vec_map::VecMap;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;

/// A plain function, not a component: its frame is new on every tick of a playing run, so it
/// redrew with the page anyway.
/// `lit`: what a lesson's step points at (`broker:5`, `producer:p1`, `group:g1`), outlined.
pub fn stage_overview(
    frame: &Rc<Frame>,
    on_focus: &Callback<Option<Target>>,
    lit: &[String],
) -> Html {
    let view = &frame.view;
    // Most frames light nothing: then no target's name is written at all.
    let lit = |t: std::fmt::Arguments| !lit.is_empty() && is_lit(lit, &t.to_string());
    let focus = |t: Target| on_focus.reform(move |_: MouseEvent| Some(t.clone()));
    // Messages on the wires touching each broker, and on the wires by kind.
    let mut load: VecMap<u32, u32> = VecMap::new();
    let mut kinds: VecMap<&str, u32> = VecMap::new();
    for f in &frame.flights {
        for n in [&f.from, &f.to] {
            if let Node::Broker(b) = n {
                *load.get_or_default(*b) += 1;
            }
        }
        *kinds.get_or_default(f.kind.as_str()) += 1;
    }
    let max_load = load.values().copied().max().unwrap_or(0).max(1);
    // The selected figure's offsets by partition, the most any one replica holds.
    let mut marked: VecMap<&str, u32> = VecMap::new();
    for s in frame.highlight.iter().flat_map(|h| h.strips()) {
        let n = marked.get_or_default(s.partition.as_str());
        *n = (*n).max(u32::try_from(s.offsets).unwrap_or(u32::MAX));
    }
    let mut topics: VecMap<&str, Vec<&PartitionView>> = VecMap::new();
    for p in &view.partitions {
        topics.get_or_default(p.topic.as_str()).push(p);
    }
    let count = |h: &str| view.partitions.iter().filter(|p| health(p) == h).count();
    let consumers: usize = frame.groups.iter().map(|g| g.members.len()).sum();
    let brokers = view.brokers.iter().map(|b| {
        // A broker that is down leads what the controller has not moved yet (as its card says).
        let leaders = if b.alive {
            b.replicas.iter().filter(|r| r.is_leader).count()
        } else {
            still_leads(&view.partitions, b.id)
        };
        let out = b.replicas.iter().filter(|r| !r.in_isr).count();
        let msgs = load.get(&b.id).copied().unwrap_or(0);
        let label = format!(
            "broker {}{}: leader of {leaders}, replicas out of the ISR: {out}, messages: {msgs}",
            b.id,
            if !b.alive {
                " (down)"
            } else if b.isolated {
                " (isolated)"
            } else {
                ""
            }
        );
        el("li")
            .el(el("button")
                .attr("type", "button")
                .attr("title", label.clone())
                .attr("data-broker", b.id.to_string())
                .class(class_list(
                    "tile",
                    &[
                        (!b.alive, "down"),
                        (b.isolated, "isolated"),
                        (out > 0, "under-replicated"),
                        (lit(format_args!("broker:{}", b.id)), "lit"),
                    ],
                ))
                .on_click(focus(Target::Broker(b.id)))
                .el(el("b").text(format!(
                    "{}{}",
                    if b.is_controller { "★" } else { "" },
                    b.id
                )))
                .el(el("span").text(format!("{}L{leaders}", if b.alive { "" } else { "✖" })))
                .maybe((out > 0).then(|| el("span").text(format!("∉{out}")).html()))
                .el(el("i").attr("style", format!("width:{}%", msgs * 100 / max_load)))
                .el(el("span").class("visually-hidden").text(label)))
            .html()
    });
    let topics = topics.iter().map(|(topic, parts)| {
        let topic = topic.to_string();
        el("div")
            .class("topic-row")
            .el(el("button")
                .attr("type", "button")
                .class("chip")
                .on_click(focus(Target::Topic(topic.clone())))
                .text(format!("{topic} ({})", parts.len())))
            .child(html! {
                <PartitionCells topic={topic.clone()} cells={Rc::new(parts.iter().map(|p| Cell::of(p, marked.get(p.name.as_str()).copied().unwrap_or(0))).collect::<Vec<_>>())}
                                on_focus={on_focus.clone()} />
            })
            .html()
    });
    let producers = view.producers.iter().map(|p| {
        el("li")
            .el(el("button")
                .attr("type", "button")
                .class(class_list(
                    "chip",
                    &[(lit(format_args!("producer:{}", p.name)), "lit")],
                ))
                .attr("data-producer", p.name.clone())
                .on_click(focus(Target::Producer(p.name.clone())))
                .text(format!(
                    "▶ {} → {} · sent {} · in flight {}",
                    p.name,
                    p.topic,
                    p.counts.sent,
                    p.connections.iter().map(|c| c.in_flight).sum::<u32>()
                )))
            .html()
    });
    let groups = frame.groups.iter().map(|g| {
        let stable = g.state == GroupState::Stable;
        el("li")
            .el(el("button")
                .attr("type", "button")
                .class(class_list(
                    "chip",
                    &[
                        (!stable, "rebalancing"),
                        (lit(format_args!("group:{}", g.group_id)), "lit"),
                    ],
                ))
                .attr("data-group", g.group_id.clone())
                .on_click(focus(Target::Group(g.group_id.clone())))
                .text(format!(
                    "{} group {} · {} · generation {} · {} members",
                    if stable { "✔" } else { "⟳" },
                    g.group_id,
                    g.state.name(),
                    g.generation,
                    g.members.len()
                )))
            .html()
    });
    let mut wire = format!("{} messages on the wire", frame.flights.len());
    for (i, (k, n)) in kinds.iter().enumerate() {
        let _ = write!(wire, "{}{k} {n}", if i > 0 { ", " } else { ": " });
    }
    el("div")
        .class("overview")
        .attr("data-overview", "")
        .el(el("p").class("small").text(format!(
            "{} brokers · {} partitions ({} offline, {} under-replicated{}) · {} producers · {} consumers. Drawn aggregated; pick a broker, topic, partition, producer or group to see it in full.",
            view.brokers.len(),
            view.partitions.len(),
            count("offline"),
            count("under-replicated"),
            match count("leader-down") {
                0 => String::new(),
                n => format!(", {n} led by a broker that is down until the controller notices"),
            },
            view.producers.len(),
            consumers
        )))
        .el(el("h3").text("Brokers"))
        .el(el("p").class("small legend").text(format!(
            // A broker is the controller only before KRaft.
            "{}L leader of · ✖ down · ∉ replicas out of the ISR · bar: messages on its wires",
            if view.brokers.iter().any(|b| b.is_controller) {
                "★ controller · "
            } else {
                ""
            }
        )))
        .el(el("ul").class("tiles").child(brokers.collect()))
        .el(el("h3").text("Partitions"))
        .child(partition_legend())
        .child(topics.collect())
        .el(el("h3").text("Clients"))
        .el(el("ul").class("chips").child(producers.collect()).child(groups.collect()))
        .el(el("p").class("small").attr("aria-live", "polite").text(wire))
        .html()
}

/// What a cell's colour and frame mean (its title says it for one partition). Swatches, not
/// cells: a cell is a partition.
fn partition_legend() -> Html {
    let key = |class: &'static str, meaning: &'static str| {
        el("li").el(el("span").class(class)).text(meaning).html()
    };
    el("ul")
        .class("small legend")
        .child(key("swatch healthy", "all replicas in the ISR"))
        .child(key("swatch under-replicated", "under-replicated"))
        .child(key("swatch leader-down", "leader down, not yet noticed"))
        .child(key("swatch offline", "offline"))
        .child(key("swatch marked", "holds the selected records"))
        .html()
}
