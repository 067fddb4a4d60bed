//! A challenge's goal (checked at the end of the run), what may be changed, hints revealed one
//! by one, Check (runs to the end and shows each goal met or not) and Reset (the challenge's
//! scenario again, its pass forgotten). A pass is kept in this browser. A plain function (no
//! component): drawn inside the lesson player only.

use crate::components::rich_text;
use crate::components::verdict_list::verdict_list;
use crate::lesson_play::LessonPlay;
use crate::markup::el;
use crate::state::LessonAction;
use yew::prelude::*;

/// `remembered`: passed before (the done list kept in this browser).
pub fn challenge_panel(
    play: &LessonPlay,
    remembered: bool,
    on_lesson: &Callback<LessonAction>,
) -> Html {
    let Some(challenge) = play.lesson.challenge.as_ref() else {
        return html! {};
    };
    let act = |a: fn() -> LessonAction| {
        let on = on_lesson.clone();
        Callback::from(move |_: MouseEvent| on.emit(a()))
    };
    let verdicts = play.end_verdicts.as_deref().map(Vec::as_slice);
    let passed = play.passed();
    let failed = verdicts.is_some() && !passed;
    let hints = challenge.hints.len();
    let result = if passed {
        Some(("challenge-passed", "✓ Passed! This browser remembers it."))
    } else if failed {
        Some((
            "challenge-failed",
            "✗ Not yet: change an allowed setting and check again.",
        ))
    } else if remembered {
        Some((
            "challenge-passed",
            "✓ You passed this challenge before (remembered in this browser).",
        ))
    } else {
        None
    };
    let button = |class: &'static str, a: fn() -> LessonAction, label: &'static str| {
        el("button")
            .attr("type", "button")
            .class(class)
            .on_click(act(a))
            .text(label)
    };
    let allowed = challenge.allowed.iter().enumerate().map(|(i, p)| {
        [
            html! { {if i > 0 { ", " } else { "" }} },
            el("code").text(p.text()).html(),
        ]
        .into_iter()
        .collect::<Html>()
    });
    let hints_view = (hints > 0).then(|| {
        el("div")
            .class("challenge-hints")
            .el(el("ol").child(
                challenge
                    .hints
                    .iter()
                    .take(play.hints_shown)
                    .map(|h| el("li").child(rich_text(h)).html())
                    .collect(),
            ))
            .maybe((play.hints_shown < hints).then(|| {
                el("button")
                    .attr("type", "button")
                    .class("challenge-hint")
                    .on_click(act(|| LessonAction::Hint))
                    .text(format!("Show a hint ({} of {hints})", play.hints_shown + 1))
                    .html()
            }))
            .html()
    });
    el("section")
        .class("challenge")
        .attr("aria-labelledby", "challenge-goal-heading")
        .el(el("h3")
            .attr("id", "challenge-goal-heading")
            .text("Goal, checked at the end of the run"))
        .child(verdict_list(
            &challenge.goal,
            verdicts,
            "at the end of the run",
        ))
        .el(el("div")
            .class("challenge-result")
            .attr("aria-live", "polite")
            .maybe(result.map(|(class, text)| el("p").class(class).text(text).html())))
        .el(el("div")
            .class("challenge-buttons")
            .el(button("challenge-check", || LessonAction::Check, "Check"))
            .el(button("challenge-reset", || LessonAction::Reset, "Reset")))
        .el(el("p")
            .class("small")
            .text("Only these may change: ")
            .child(allowed.collect()))
        .maybe(hints_view)
        .html()
}
