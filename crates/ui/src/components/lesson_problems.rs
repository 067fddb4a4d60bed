//! A lesson that could not be opened: every problem with its key path,
//! as the scenario's problems are listed. The page stays usable with the scenario it had. A
//! plain function (no component): it changes only with the state it is drawn from.

use crate::markup::el;
use crate::state::LessonStatus;
use yew::prelude::*;

pub fn lesson_problems(status: &LessonStatus, on_dismiss: Callback<MouseEvent>) -> Html {
    match status {
        LessonStatus::Idle => html! {},
        LessonStatus::Failed { source, errors } => el("div")
            .class("problems lesson-problems")
            .attr("role", "alert")
            .el(el("strong").text(format!(
                "The lesson {source} could not be opened; the playground works as before."
            )))
            .el(el("ul").child(
                errors
                    .iter()
                    .map(|(path, message)| {
                        el("li")
                            .el(el("code").text(if path.is_empty() {
                                "lesson".to_string()
                            } else {
                                path.clone()
                            }))
                            .text(": ")
                            .text(message.clone())
                            .html()
                    })
                    .collect(),
            ))
            .el(el("button")
                .attr("type", "button")
                .on_click(on_dismiss)
                .text("Dismiss"))
            .html(),
    }
}
