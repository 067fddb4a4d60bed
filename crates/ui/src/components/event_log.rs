//! The event log: one readable line per protocol event, newest first, filterable by node and
//! by kind, and narrowed to what mentions the stage's focus.

use crate::markup::el;
use crate::run_cache::{LogLine, LogNodes};
use kafka_sim::lesson::Target;
use kafka_sim::support::decimal::Fixed;
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
    pub nodes: LogNodes,
    /// The stage's focus: only lines from it or naming it.
    #[prop_or_default]
    pub focus: Option<Target>,
}

/// What a line names when it concerns `target`.
fn needle(target: &Target) -> String {
    match target {
        Target::Topic(t) | Target::Producer(t) | Target::Group(t) | Target::Consumer(t) => {
            t.clone()
        }
        Target::Coordinator(g) => g.clone(),
        Target::Partition { topic, partition } => format!("{topic}-{partition}"),
        other => other.to_string().replace(':', " "),
    }
}

/// Whether `text` names `word` whole (`broker 1` is not in `broker 12`).
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let part =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        !part(before) && !part(after)
    })
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let node = use_state(String::new);
    let kind = use_state(String::new);
    let kinds: VecSet<&str> = props.lines.iter().map(|l| l.kind.as_str()).collect();
    let pick = |state: UseStateHandle<String>| {
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let focus = props.focus.as_ref().map(needle);
    // Keyed by their place in the whole log, so a new line adds one element.
    let shown: Vec<(usize, &Rc<LogLine>)> = props
        .lines
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| node.is_empty() || l.node == *node)
        .filter(|(_, l)| kind.is_empty() || l.kind == *kind)
        .filter(|(_, l)| {
            focus
                .as_deref()
                .is_none_or(|w| l.node == w || mentions(&l.text, w))
        })
        .take(SHOWN)
        .collect();
    let filter = |label: &'static str,
                  chosen: &UseStateHandle<String>,
                  all: &mut dyn Iterator<Item = &str>| {
        let option = |value: &str, selected: bool, label: &str| {
            el("option")
                .attr("value", value.to_string())
                .flag("selected", selected)
                .text(label.to_string())
                .html()
        };
        el("label").text(label).el(el("select")
            .on_change(pick(chosen.clone()))
            .child(option("", chosen.is_empty(), "all"))
            .child(all.map(|n| option(n, chosen.as_str() == n, n)).collect()))
    };
    // Hundreds of lines redrawn on every frame of a playing run: `html!` builds each line's
    // attributes with no per-element key list and fewer allocations than `markup::el`
    // (measured: about 0.3 ms of frame work at the median, and no larger download).
    let lines = shown.iter().map(|(i, l)| {
        html! {
            <li key={props.dropped + i} data-kind={l.kind.clone()}>
                <span class="mono time">{format!("{:>8} s", Fixed(l.time_us as f64 / 1e6, 3).to_string())}</span>
                {" "}<span class="event-text">{&l.text}</span>
            </li>
        }
    });
    el("section")
        .class("event-log")
        .attr("aria-label", "Event log")
        .el(el("h2").text("Event log"))
        .el(el("div")
            .class("event-log-filters")
            .el(filter(
                "node ",
                &node,
                &mut props.nodes.iter().map(String::as_str),
            ))
            .el(filter("kind ", &kind, &mut kinds.iter().copied())))
        .el(el("ol")
            .class("event-lines")
            .flag("reversed", true)
            // Focusable to scroll it by keyboard; an empty list would be a stop with nothing.
            .attr("tabindex", if shown.is_empty() { "-1" } else { "0" })
            .attr("aria-label", "Events, newest first")
            .child(lines.collect()))
        .maybe(shown.is_empty().then(|| {
            el("p")
                .class("small")
                .text("No events yet at this position.")
                .html()
        }))
        .maybe((props.dropped > 0).then(|| {
            el("p")
                .class("small")
                .text(format!("{} older lines are not kept.", props.dropped))
                .html()
        }))
        .html()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_focus_matches_whole_names_only() {
        assert!(mentions("broker 1 is the leader of orders-10", "broker 1"));
        assert!(!mentions("broker 12 is the leader", "broker 1"));
        assert!(mentions("orders-10: leader 2", "orders-10"));
        assert!(!mentions("orders-10: leader 2", "orders-1"));
        assert!(!mentions("orders-1x", "orders-1"));
        assert_eq!(needle(&Target::Broker(3)), "broker 3");
        assert_eq!(
            needle(&Target::Partition {
                topic: "a".into(),
                partition: 2
            }),
            "a-2"
        );
    }
}
