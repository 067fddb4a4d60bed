//! The lesson's narration beside the stage: the step the run has reached (step n of m, its
//! words and its expectations, evaluated on the run stopped at its time), Continue at a pause (also Enter or N), the tries, the Kafka
//! releases to compare, and the way back to the free playground. A challenge's goal, hints,
//! Check and Reset are in [`ChallengePanel`].

use crate::components::challenge_panel::challenge_panel;
use crate::components::verdict_list::verdict_list;
use crate::components::{rich_text, seconds};
use crate::doc::Seg;
use crate::lesson_play::{LessonPlay, Mode};
use crate::markup::{el, text};
use crate::state::LessonAction;
use serde_json::Value;
use yew::prelude::*;

/// What the player is drawn from. A plain function, no component: the page redraws it with the
/// playback position on every frame anyway, and a component costs the download about half a
/// kilobyte.
pub struct LessonPlayerProps {
    pub play: LessonPlay,
    pub position_us: u64,
    pub end_us: u64,
    pub playing: bool,
    /// The document's `kafka.version` (None: the default).
    pub version: Option<String>,
    /// The lesson is in the done list (kept in this browser).
    pub done: bool,
    pub on_lesson: Callback<LessonAction>,
    /// Edits the document (the versions' buttons set `kafka.version`).
    pub on_edit: Callback<(Vec<Seg>, Option<Value>)>,
    pub on_leave: Callback<()>,
}

pub fn lesson_player(props: &LessonPlayerProps) -> Html {
    let play = &props.play;
    let lesson = &play.lesson;
    let act = |a: fn() -> LessonAction| {
        let on = props.on_lesson.clone();
        Callback::from(move |_: MouseEvent| on.emit(a()))
    };
    let current = play.current_step(props.position_us);
    let steps = lesson.steps.len();
    let at_end = props.position_us >= props.end_us;
    let status = if at_end {
        "The run has ended.".to_string()
    } else if play.checking || matches!(play.mode, Mode::Try(_)) {
        "Running to the end…".to_string()
    } else if play.waiting {
        format!(
            "{}: press Continue (or Enter, or N).",
            match current {
                Some(i) if props.position_us > 0 => format!("Paused at step {} of {steps}", i + 1),
                _ => "Ready".to_string(),
            }
        )
    } else if props.playing {
        "Playing…".to_string()
    } else {
        "Paused.".to_string()
    };
    let say = |text: &str| el("p").class("lesson-say").child(rich_text(text));
    let step_view = match (
        play.mode,
        current.and_then(|i| lesson.steps.get(i).map(|s| (i, s))),
    ) {
        (Mode::Walk, Some((i, step))) => el("div")
            .class("lesson-step")
            .attr("data-step", i.to_string())
            .el(el("p")
                .class("lesson-step-count")
                .text(format!("Step {} of {steps}", i + 1)))
            .el(say(&step.say))
            .child(verdict_list(
                &step.expect,
                play.step_verdicts.get(i).and_then(Option::as_deref),
                &format!("at {}", seconds(step.at_ms * 1000)),
            ))
            .html(),
        // Before the first step: what the lesson is about.
        (Mode::Walk, None) => html! { {for lesson.summary.as_deref().map(|s| say(s).html())} },
        (Mode::Try(i), _) => {
            let t = lesson.tries.get(i);
            el("div")
                .class("lesson-try-active")
                .attr("data-try", i.to_string())
                .el(el("p").class("lesson-step-count").text(format!(
                    "Try {} of {}",
                    i + 1,
                    lesson.tries.len()
                )))
                .el(say(t.map(|t| t.say.as_str()).unwrap_or_default()))
                .child(verdict_list(
                    t.map(|t| t.expect.as_slice()).unwrap_or_default(),
                    play.end_verdicts.as_deref().map(Vec::as_slice),
                    "at the end of the run",
                ))
                .el(el("button")
                    .attr("type", "button")
                    .class("lesson-back")
                    .on_click(act(|| LessonAction::Back))
                    .text("Back to the lesson"))
                .html()
        }
    };
    let continue_label = if props.position_us == 0 {
        "Start ▶"
    } else {
        "Continue ▶"
    };
    let tries = (play.mode == Mode::Walk && !lesson.tries.is_empty()).then(|| {
        el("section")
            .class("lesson-tries")
            .attr("aria-labelledby", "lesson-tries-heading")
            .el(el("h3").attr("id", "lesson-tries-heading").text("Try this"))
            .el(el("ol").child(
                lesson
                    .tries
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let on = props.on_lesson.clone();
                        el("li")
                            .el(el("p").child(rich_text(&t.say)))
                            .el(el("button")
                                .attr("type", "button")
                                .class("lesson-try")
                                .on_click(Callback::from(move |_: MouseEvent| {
                                    on.emit(LessonAction::Try(i))
                                }))
                                .text(format!("Try this ({})", i + 1)))
                            .html()
                    })
                    .collect(),
            ))
            .html()
    });
    let versions = lesson.versions.as_ref().map(|v| {
        el("section")
            .class("lesson-versions")
            .attr("aria-label", "Compare Kafka releases")
            .maybe(
                v.say
                    .as_deref()
                    .map(|say| el("p").child(rich_text(say)).html()),
            )
            .el(el("div")
                .class("lesson-version-buttons")
                .attr("role", "group")
                .attr("aria-label", "kafka.version")
                .child(
                    v.compare
                        .iter()
                        .map(|c| {
                            let on = props.on_edit.clone();
                            let value = Value::String(c.clone());
                            let pressed = props.version.as_deref() == Some(c.as_str());
                            el("button")
                                .attr("type", "button")
                                .attr("aria-pressed", pressed.to_string())
                                .on_click(Callback::from(move |_: MouseEvent| {
                                    on.emit((vec![Seg::Key("kafka.version")], Some(value.clone())))
                                }))
                                .text(format!("Kafka {c}"))
                                .html()
                        })
                        .collect(),
                ))
            .html()
    });
    let on_leave = {
        let on = props.on_leave.clone();
        Callback::from(move |_: MouseEvent| on.emit(()))
    };
    let kind = if lesson.challenge.is_some() {
        "Challenge"
    } else {
        "Lesson"
    };
    // Two grid items of the page's layout: the narration beside (or above) the stage, the rest
    // (tries, releases, every step, leaving) below it on narrow screens.
    let player = el("section")
        .class("lesson-player panel-lesson")
        .attr("aria-labelledby", "lesson-title")
        .attr("data-lesson", lesson.id.clone())
        .el(el("p")
            .class("lesson-kind")
            .text(kind)
            .maybe(
                lesson
                    .course_section
                    .as_ref()
                    .map(|section| text(format!(" · {section}"))),
            )
            .maybe(
                (props.done && lesson.challenge.is_none())
                    .then(|| el("span").class("lesson-done").text(" · ✓ finished").html()),
            ))
        .el(el("h2")
            .attr("id", "lesson-title")
            .child(rich_text(&lesson.title)))
        .child(step_view)
        .el(el("p")
            .class("lesson-status")
            .attr("aria-live", "polite")
            .text(status))
        .maybe(
            (play.waiting && !at_end && play.mode == Mode::Walk).then(|| {
                el("button")
                    .attr("type", "button")
                    .class("lesson-continue")
                    .attr("aria-keyshortcuts", "Enter N")
                    .on_click(act(|| LessonAction::Continue))
                    .text(continue_label)
                    .html()
            }),
        )
        .maybe(play.problem.as_ref().map(|problem| {
            el("p")
                .class("field-error")
                .attr("role", "alert")
                .text(format!("This try cannot be applied: {problem}"))
                .html()
        }))
        .maybe(
            lesson
                .challenge
                .is_some()
                .then(|| challenge_panel(play, props.done, &props.on_lesson)),
        );
    let more = el("section")
        .class("lesson-more panel-lesson-more")
        .attr("aria-label", "More of this lesson")
        .maybe(tries)
        .maybe(versions)
        .el(el("button")
            .attr("type", "button")
            .class("lesson-leave")
            .on_click(on_leave)
            .text("Leave the lesson"));
    [player.html(), more.html()].into_iter().collect()
}
