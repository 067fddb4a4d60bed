//! One topic's partitions on the aggregated stage: a cell each, coloured by health. Its own
//! component so that a frame in which no partition changed leader, ISR or health (most frames)
//! does not rebuild a thousand cells.

use crate::markup::el;
use kafka_sim::lesson::Target;
use kafka_sim::observe::view::PartitionView;
use std::rc::Rc;
use web_sys::wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a cell shows of a partition.
#[derive(Clone, PartialEq)]
pub struct Cell {
    pub name: String,
    pub health: &'static str,
    pub leader: Option<u32>,
    pub isr: Vec<u32>,
}

/// A partition's health, worst first: its cell's class.
pub fn health(p: &PartitionView) -> &'static str {
    if p.offline {
        "offline"
    } else if p.leader_down {
        "leader-down"
    } else if p.isr.len() < p.replicas.len() {
        "under-replicated"
    } else {
        "healthy"
    }
}

impl Cell {
    pub fn of(p: &PartitionView) -> Cell {
        Cell {
            name: p.name.clone(),
            health: health(p),
            leader: p.leader,
            isr: p.isr.clone(),
        }
    }
}

/// `orders-3` as the partition it names.
fn partition_target(name: &str) -> Option<Target> {
    let (topic, p) = name.rsplit_once('-')?;
    Some(Target::Partition {
        topic: topic.to_string(),
        partition: p.parse().ok()?,
    })
}

#[derive(Properties, PartialEq)]
pub struct PartitionCellsProps {
    pub topic: String,
    pub cells: Rc<Vec<Cell>>,
    /// The page's own (stable) callback, so a frame with no change skips the cells.
    pub on_focus: Callback<Option<Target>>,
}

#[component]
pub fn PartitionCells(props: &PartitionCellsProps) -> Html {
    // One listener for all the cells (a closure a cell would cost more).
    let onclick = {
        let on_focus = props.on_focus.clone();
        Callback::from(move |e: MouseEvent| {
            let cell = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|el| el.get_attribute("data-partition"));
            if let Some(t) = cell.as_deref().and_then(partition_target) {
                on_focus.emit(Some(t));
            }
        })
    };
    // Keyboard: Tab reaches the strip, the arrow keys move along its cells, Enter or Space
    // focuses the partition of the cell in focus.
    let onkeydown = {
        let on_focus = props.on_focus.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(active) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
            else {
                return;
            };
            let in_cell = active.has_attribute("data-partition");
            let next = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" if in_cell => active.next_element_sibling(),
                "ArrowLeft" | "ArrowUp" if in_cell => active.previous_element_sibling(),
                "ArrowRight" | "ArrowDown" | "Home" => active.first_element_child(),
                "Enter" | " " if in_cell => {
                    e.prevent_default();
                    if let Some(t) = active
                        .get_attribute("data-partition")
                        .as_deref()
                        .and_then(partition_target)
                    {
                        on_focus.emit(Some(t));
                    }
                    return;
                }
                _ => return,
            };
            if let Some(cell) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                e.prevent_default();
                let _ = cell.focus();
            }
        })
    };
    let list = |ids: &[u32]| ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let cells: Html = props
        .cells
        .iter()
        .map(|c| {
            el("span")
                .class(format!("cell {}", c.health))
                .attr("data-partition", c.name.clone())
                .attr("role", "button")
                .attr("tabindex", "-1")
                .attr(
                    "title",
                    format!(
                        "{}: {}, leader {}, ISR {}",
                        c.name,
                        c.health,
                        c.leader
                            .map_or_else(|| "none".to_string(), |l| l.to_string()),
                        list(&c.isr)
                    ),
                )
                .html()
        })
        .collect();
    el("div")
        .class("cells")
        .attr("role", "group")
        .attr("tabindex", "0")
        .attr(
            "aria-label",
            format!("partitions of {} (arrow keys, then Enter)", props.topic),
        )
        .on_click(onclick)
        .on_keydown(onkeydown)
        .child(cells)
        .html()
}
