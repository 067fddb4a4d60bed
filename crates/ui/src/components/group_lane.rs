//! The consumer groups beside the stage: each group's state and generation, its coordinator and
//! leader, its members (paused ones marked) and their assignment, drawn from the engine's view.

use crate::components::class_list;
use crate::markup::el;
use crate::run_cache::{GroupView, Node};
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::ActionKind;
use std::fmt::Write;
use yew::prelude::*;

pub struct GroupLaneProps {
    pub groups: Vec<GroupView>,
    pub on_act: Callback<ActionKind>,
    /// Opens a member's menu.
    pub on_open: Callback<Node>,
}

/// A plain function (no component): the stage passes a new `on_open` callback on every render,
/// so a component would redraw anyway; a component's generic machinery costs download.
pub fn group_lane(props: &GroupLaneProps) -> Html {
    if props.groups.is_empty() {
        return html! {};
    }
    let add = |group: &str| {
        let (on_act, group_id) = (props.on_act.clone(), group.to_string());
        Callback::from(move |_| {
            on_act.emit(ActionKind::AddConsumer {
                group_id: group_id.clone(),
            })
        })
    };
    let group = |g: &GroupView| {
        let rebalancing = g.state != GroupState::Stable;
        let members = g.members.iter().map(|m| {
            let leader = g.leader.as_deref() == Some(m.name.as_str());
            let open = {
                let (on_open, name) = (props.on_open.clone(), m.name.clone());
                Callback::from(move |_| on_open.emit(Node::Consumer(name.clone())))
            };
            el("li")
                .class(class_list("member", &[(m.paused, "paused")]))
                .el(el("button")
                    .attr("type", "button")
                    .class("member-button")
                    .on_click(open)
                    .attr("aria-label", format!("consumer {}: actions", m.name))
                    .text("⋯"))
                .text(format!(
                    "{}{}{}",
                    if leader { "♛ " } else { "" },
                    m.name,
                    if m.paused { " (paused)" } else { "" }
                ))
                .el(el("span").class("small").text({
                    let mut owned = String::from(" ");
                    for (i, (t, p)) in m.assignment.iter().enumerate() {
                        let _ = write!(owned, "{}{t}-{p}", if i > 0 { ", " } else { "" });
                    }
                    owned
                }))
                .html()
        });
        el("article")
            .class(class_list("group", &[(rebalancing, "rebalancing")]))
            .attr("data-group", g.group_id.clone())
            .el(el("h3").text(format!("group {}", g.group_id)))
            .el(el("p")
                .class("group-state")
                .attr("data-state", g.state.name())
                .text(format!(
                    "{}{} · generation {}",
                    if rebalancing { "⟳ " } else { "✔ " },
                    g.state.name(),
                    g.generation
                )))
            .el(el("p").class("small").text(format!(
                "coordinator: {}",
                g.coordinator
                    .map(|b| format!("broker {b}"))
                    .unwrap_or_else(|| "none".into())
            )))
            .el(el("ul").class("members").child(members.collect()))
            .el(el("button")
                .attr("type", "button")
                .on_click(add(&g.group_id))
                .text("Add a consumer"))
            .html()
    };
    el("section")
        .class("group-lane")
        .attr("aria-label", "Consumer groups")
        .child(props.groups.iter().map(group).collect())
        .html()
}
