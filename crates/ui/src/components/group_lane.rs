//! The consumer groups beside the stage: each group's state and generation, its coordinator and
//! leader, its members (paused ones marked) and their assignment, drawn from the engine's view.

use crate::components::class_list;
use crate::run_cache::{GroupView, Node};
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::ActionKind;
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
    html! {
        <section class="group-lane" aria-label="Consumer groups">
            { for props.groups.iter().map(|g| {
                let rebalancing = g.state != GroupState::Stable;
                html! {
                    <article class={class_list("group", &[(rebalancing, "rebalancing")])} data-group={g.group_id.clone()}>
                        <h3>{format!("group {}", g.group_id)}</h3>
                        <p class="group-state" data-state={g.state.name()}>
                            {format!("{}{} · generation {}", if rebalancing { "⟳ " } else { "✔ " }, g.state.name(), g.generation)}
                        </p>
                        <p class="small">{format!("coordinator: {}", g.coordinator.map(|b| format!("broker {b}")).unwrap_or_else(|| "none".into()))}</p>
                        <ul class="members">
                            { for g.members.iter().map(|m| {
                                let leader = g.leader.as_deref() == Some(m.name.as_str());
                                let open = {
                                    let (on_open, name) = (props.on_open.clone(), m.name.clone());
                                    Callback::from(move |_| on_open.emit(Node::Consumer(name.clone())))
                                };
                                html! {
                                    <li class={class_list("member", &[(m.paused, "paused")])}>
                                        <button type="button" class="member-button" onclick={open}
                                                aria-label={format!("consumer {}: actions", m.name)}>{"⋯"}</button>
                                        {format!("{}{}{}", if leader { "♛ " } else { "" }, m.name, if m.paused { " (paused)" } else { "" })}
                                        <span class="small">{format!(" {}", m.assignment.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>().join(", "))}</span>
                                    </li>
                                }
                            }) }
                        </ul>
                        <button type="button" onclick={add(&g.group_id)}>{"Add a consumer"}</button>
                    </article>
                }
            }) }
        </section>
    }
}
