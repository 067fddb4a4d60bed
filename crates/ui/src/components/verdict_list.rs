//! A lesson's expectations, each with what the run on screen says of it: pending (its time has
//! not come), met ✓, or not met ✗ with the figure as the run has it. The mark is a symbol and a
//! word, so it reads without colour. A plain function (no component): it is drawn only
//! inside the lesson player, which decides when to redraw.

use crate::markup::el;
use kafka_sim::lesson::{Expectation, Verdict};
use yew::prelude::*;

/// `verdicts`: None while pending; `when`: when they are checked (`at 3.0 s`), said meanwhile.
pub fn verdict_list(expect: &[Expectation], verdicts: Option<&[Verdict]>, when: &str) -> Html {
    if expect.is_empty() {
        return html! {};
    }
    el("ul")
        .class("verdicts")
        .child(
            expect
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let verdict = verdicts.and_then(|v| v.get(i));
                    let (class, mark, state) = match verdict {
                        None => ("verdict pending", "…", format!("pending: checked {when}")),
                        Some(v) if v.holds => (
                            "verdict holds",
                            "✓",
                            format!("met: {} = {}", e.figure, v.actual),
                        ),
                        Some(v) => (
                            "verdict misses",
                            "✗",
                            format!("not met: {} = {}", e.figure, v.actual),
                        ),
                    };
                    let text = e.to_string();
                    el("li")
                        .class(class)
                        .attr("data-expect", text.clone())
                        .text(format!("{mark} {text} · {state}"))
                        .html()
                })
                .collect(),
        )
        .html()
}
