//! The Lessons panel: the shipped lessons and challenges in the course's order (the index's),
//! each with its title, summary and kind, and what this browser has done (finished lessons,
//! passed challenges). A plain function (no component): it changes only with the state it is
//! drawn from, and each component costs the page's download about half a kilobyte.

use crate::lesson_play::Catalog;
use crate::markup::el;
use crate::state::LessonAction;
use yew::prelude::*;

/// `on_open`: opens the lesson with this id; `on_lesson`: closes the panel (ToggleLessons).
pub fn lessons_panel(
    catalog: &Catalog,
    done: &[String],
    on_open: &Callback<String>,
    on_lesson: &Callback<LessonAction>,
) -> Html {
    let on_close = on_lesson.reform(|_: MouseEvent| LessonAction::ToggleLessons);
    let body = match catalog {
        Catalog::Loading => el("p").attr("role", "status").text("Loading the lessons…"),
        Catalog::Failed(why) => el("p")
            .class("lessons-error")
            .attr("role", "alert")
            .text(format!(
                "The lessons could not be loaded ({why}); reload to try again."
            )),
        Catalog::Loaded(entries) if entries.is_empty() => {
            el("p").text("No lessons are published with this page.")
        }
        Catalog::Loaded(entries) => el("ol").class("lessons-list").child(
            entries
                .iter()
                .map(|e| {
                    let done = done.contains(&e.id);
                    let on = on_open.clone();
                    let id = e.id.clone();
                    let (kind, done_text) = if e.challenge {
                        ("challenge", "✓ passed")
                    } else {
                        ("lesson", "✓ finished")
                    };
                    el("li")
                        .class("lessons-entry")
                        .attr("data-lesson-id", e.id.clone())
                        .attr("data-kind", kind)
                        .attr("data-done", done.to_string())
                        .el(el("button")
                            .attr("type", "button")
                            .class("lessons-open")
                            .on_click(Callback::from(move |_: MouseEvent| on.emit(id.clone())))
                            .el(el("span").class("lessons-title").text(e.title.clone())))
                        .el(el("span")
                            .class(format!("lessons-kind kind-{kind}"))
                            .text(kind))
                        .maybe(
                            done.then(|| el("span").class("lessons-done").text(done_text).html()),
                        )
                        .maybe((!e.summary.is_empty()).then(|| {
                            el("p")
                                .class("lessons-summary")
                                .text(e.summary.clone())
                                .html()
                        }))
                        .html()
                })
                .collect(),
        ),
    };
    el("section")
        .attr("id", "lessons-panel")
        .class("lessons-panel")
        .attr("aria-labelledby", "lessons-heading")
        .el(el("div")
            .class("lessons-head")
            .el(el("h2")
                .attr("id", "lessons-heading")
                .text("Lessons and challenges"))
            .el(el("button")
                .attr("type", "button")
                .on_click(on_close)
                .text("Close")))
        .el(body)
        .html()
}
