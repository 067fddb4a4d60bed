//! A lesson's expectations, each with what the run on screen says of it: pending (its time has
//! not come), met ✓, or not met ✗ with the figure as the run has it. The mark is a symbol and a
//! word, so it reads without colour.

use kafka_sim::lesson::{Expectation, Verdict};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictListProps {
    pub expect: Vec<Expectation>,
    /// None: not yet evaluated (pending).
    pub verdicts: Option<Vec<Verdict>>,
    /// When they are checked (`at 3.0 s`, `at the end`), said while pending.
    pub when: String,
}

#[component]
pub fn VerdictList(props: &VerdictListProps) -> Html {
    if props.expect.is_empty() {
        return html! {};
    }
    html! {
        <ul class="verdicts">
            { for props.expect.iter().enumerate().map(|(i, e)| {
                let verdict = props.verdicts.as_ref().and_then(|v| v.get(i));
                let (class, mark, state) = match verdict {
                    None => ("verdict pending", "…", format!("pending: checked {}", props.when)),
                    Some(v) if v.holds => ("verdict holds", "✓", format!("met: {} = {}", e.figure, v.actual)),
                    Some(v) => ("verdict misses", "✗", format!("not met: {} = {}", e.figure, v.actual)),
                };
                html! {
                    <li class={class} data-expect={e.to_string()}>
                        <span class="verdict-mark" aria-hidden="true">{mark}</span>
                        <code>{e.to_string()}</code>
                        <span class="verdict-state">{state}</span>
                    </li>
                }
            }) }
        </ul>
    }
}
