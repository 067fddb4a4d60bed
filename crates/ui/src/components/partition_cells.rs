//! One topic's partitions on the aggregated stage: a cell each, coloured by health. Its own
//! component so that a frame in which no partition changed leader, ISR or health (most frames)
//! does not rebuild a thousand cells.

use kafka_sim::lesson::Target;
use kafka_sim::observe::view::PartitionView;
use std::rc::Rc;
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

#[derive(Properties, PartialEq)]
pub struct PartitionCellsProps {
    pub topic: String,
    pub cells: Rc<Vec<Cell>>,
    pub on_focus: Callback<Target>,
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
            let target = cell.as_deref().and_then(|c| {
                let (topic, p) = c.rsplit_once('-')?;
                Some(Target::Partition {
                    topic: topic.to_string(),
                    partition: p.parse().ok()?,
                })
            });
            if let Some(t) = target {
                on_focus.emit(t);
            }
        })
    };
    let list = |ids: &[u32]| ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    html! {
        <div class="cells" role="group" aria-label={format!("partitions of {}", props.topic)} {onclick}>
            { for props.cells.iter().map(|c| html! {
                <span class={format!("cell {}", c.health)} data-partition={c.name.clone()}
                      title={format!("{}: {}, leader {}, ISR {}", c.name, c.health,
                          c.leader.map_or_else(|| "none".to_string(), |l| l.to_string()), list(&c.isr))}></span>
            }) }
        </div>
    }
}
