//! The event log: one readable line per protocol event, newest first, filterable by node and
//! by kind.

use crate::run_cache::LogLine;
use kafka_sim::support::vec_map::VecSet;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Lines shown at once (the newest).
const SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<Rc<LogLine>>>,
    pub dropped: usize,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let node = use_state(String::new);
    let kind = use_state(String::new);
    let nodes: VecSet<&str> = props.lines.iter().map(|l| l.node.as_str()).collect();
    let kinds: VecSet<&str> = props.lines.iter().map(|l| l.kind.as_str()).collect();
    let pick = |state: UseStateHandle<String>| {
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    // Keyed by their place in the whole log, so a new line adds one element.
    let shown: Vec<(usize, &Rc<LogLine>)> = props
        .lines
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| node.is_empty() || l.node == *node)
        .filter(|(_, l)| kind.is_empty() || l.kind == *kind)
        .take(SHOWN)
        .collect();
    html! {
        <section class="event-log" aria-label="Event log">
            <h2>{"Event log"}</h2>
            <div class="event-log-filters">
                <label>{"node "}
                    <select onchange={pick(node.clone())}>
                        <option value="" selected={node.is_empty()}>{"all"}</option>
                        { for nodes.iter().map(|n| html! { <option value={n.to_string()} selected={*node == *n}>{*n}</option> }) }
                    </select>
                </label>
                <label>{"kind "}
                    <select onchange={pick(kind.clone())}>
                        <option value="" selected={kind.is_empty()}>{"all"}</option>
                        { for kinds.iter().map(|k| html! { <option value={k.to_string()} selected={*kind == *k}>{*k}</option> }) }
                    </select>
                </label>
            </div>
            <ol class="event-lines" reversed=true tabindex="0" aria-label="Events, newest first">
                { for shown.iter().map(|(i, l)| html! {
                    <li key={props.dropped + i} data-kind={l.kind.clone()}>
                        <span class="mono time">{format!("{:>8.3} s", l.time_us as f64 / 1e6)}</span>
                        {" "}<span class="event-text">{&l.text}</span>
                    </li>
                }) }
            </ol>
            if shown.is_empty() {
                <p class="small">{"No events yet at this position."}</p>
            }
            if props.dropped > 0 {
                <p class="small">{format!("{} older lines are not kept.", props.dropped)}</p>
            }
        </section>
    }
}
