//! What the scenario reader said: the errors that stop the document from running (each also
//! shown beside its control) and the notes on what Kafka would have done quietly.

use crate::markup::el;
use kafka_sim::scenario::{ScenarioError, ScenarioNote};
use yew::prelude::*;

/// A plain function (no component): like `lesson_problems`, it is drawn from the state on
/// every render of the page, which saves a component's generic machinery in the download.
pub fn problems(errors: &[ScenarioError], notes: &[ScenarioNote]) -> Html {
    let item = |path: &str, message: &str| {
        el("li")
            .el(el("code").text(path.to_string()))
            .text(": ")
            .text(message.to_string())
            .html()
    };
    let errors = (!errors.is_empty()).then(|| {
        el("div")
            .class("problems")
            .attr("role", "alert")
            .el(el("strong")
                .text("This scenario does not run; the last valid run stays on screen (dimmed)."))
            .el(el("ul").child(
                errors
                    .iter()
                    .map(|e| {
                        item(
                            if e.path.is_empty() {
                                "scenario"
                            } else {
                                &e.path
                            },
                            &e.message,
                        )
                    })
                    .collect(),
            ))
            .html()
    });
    let notes = (!notes.is_empty()).then(|| {
        el("div")
            .class("notes")
            .attr("aria-label", "Notes")
            .el(el("ul").child(notes.iter().map(|n| item(&n.path, &n.message)).collect()))
            .html()
    });
    [errors.unwrap_or_default(), notes.unwrap_or_default()]
        .into_iter()
        .collect()
}
