//! One topic's partitions on the aggregated stage: a cell each, coloured by health. Its own
//! component so that a frame in which no partition changed leader, ISR or health (most frames)
//! does not rebuild a thousand cells.

use crate::markup::el;
use kafka_sim::lesson::Target;
use kafka_sim::observe::view::PartitionView;
use std::fmt::Write;
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
    /// Offsets holding the selected figure's records (the most in any one replica).
    pub marked: u32,
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

/// Partitions the controller still has `broker` leading while it is down: it has not noticed
/// yet (see `PartitionView::leader_down`). The stage's card and tile both count these.
pub fn still_leads(partitions: &[PartitionView], broker: u32) -> usize {
    partitions
        .iter()
        .filter(|p| p.leader_down && p.leader == Some(broker))
        .count()
}

impl Cell {
    pub fn of(p: &PartitionView, marked: u32) -> Cell {
        Cell {
            name: p.name.clone(),
            health: health(p),
            leader: p.leader,
            isr: p.isr.clone(),
            marked,
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
    // Written in place: joining a list of strings cost the page more code.
    let title = |c: &Cell| {
        let mut t = format!("{}: {}, leader ", c.name, c.health);
        let _ = match c.leader {
            Some(l) => write!(t, "{l}, ISR "),
            None => write!(t, "none, ISR "),
        };
        for (i, b) in c.isr.iter().enumerate() {
            let _ = write!(t, "{}{b}", if i > 0 { "," } else { "" });
        }
        if c.marked > 0 {
            let _ = write!(t, ", {} offset(s) hold the selected records", c.marked);
        }
        t
    };
    let cells: Html = props
        .cells
        .iter()
        .map(|c| {
            let marked = if c.marked > 0 { " marked" } else { "" };
            el("span")
                .class(format!("cell {}{marked}", c.health))
                .attr("data-partition", c.name.clone())
                .attr("role", "button")
                .attr("tabindex", "-1")
                .attr("title", title(c))
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
