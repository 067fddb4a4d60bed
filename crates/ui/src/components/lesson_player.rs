//! The lesson's narration beside the stage: the step the run has reached (step n of m, its
//! words and its expectations), Continue at a pause (also Enter or N), the tries, the Kafka
//! releases to compare, and the way back to the free playground. A challenge's goal, hints,
//! Check and Reset are in [`ChallengePanel`].

use crate::components::challenge_panel::challenge_panel;
use crate::components::verdict_list::verdict_list;
use crate::components::{rich_text, seconds};
use crate::doc::Seg;
use crate::lesson_play::{LessonPlay, Mode};
use crate::state::LessonAction;
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
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

#[component]
pub fn LessonPlayer(props: &LessonPlayerProps) -> Html {
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
        "Paused: Play goes on with the lesson.".to_string()
    };
    let step_view = match (
        play.mode,
        current.and_then(|i| lesson.steps.get(i).map(|s| (i, s))),
    ) {
        (Mode::Walk, Some((i, step))) => html! {
            <div class="lesson-step" data-step={i.to_string()}>
                <p class="lesson-step-count">{format!("Step {} of {steps} · at {}", i + 1, seconds(step.at_ms * 1000))}</p>
                <p class="lesson-say">{rich_text(&step.say)}</p>
                {verdict_list(&step.expect, play.step_verdicts.get(i).and_then(Option::as_deref),
                              &format!("at {}", seconds(step.at_ms * 1000)))}
            </div>
        },
        // Before the first step: what the lesson is about.
        (Mode::Walk, None) => html! {
            if let Some(summary) = &lesson.summary { <p class="lesson-say">{rich_text(summary)}</p> }
        },
        (Mode::Try(i), _) => {
            let t = lesson.tries.get(i);
            html! {
                <div class="lesson-try-active" data-try={i.to_string()}>
                    <p class="lesson-step-count">{format!("Try {} of {}", i + 1, lesson.tries.len())}</p>
                    <p class="lesson-say">{rich_text(t.map(|t| t.say.as_str()).unwrap_or_default())}</p>
                    {verdict_list(t.map(|t| t.expect.as_slice()).unwrap_or_default(),
                                  play.end_verdicts.as_deref().map(Vec::as_slice), "at the end of the run")}
                    <button type="button" class="lesson-back" onclick={act(|| LessonAction::Back)}>
                        {"Back to the lesson"}
                    </button>
                </div>
            }
        }
    };
    let continue_label = if props.position_us == 0 {
        "Start ▶"
    } else {
        "Continue ▶"
    };
    let tries = (play.mode == Mode::Walk && !lesson.tries.is_empty()).then(|| html! {
        <section class="lesson-tries" aria-labelledby="lesson-tries-heading">
            <h3 id="lesson-tries-heading">{"Try this"}</h3>
            <ol>
                { for lesson.tries.iter().enumerate().map(|(i, t)| {
                    let on = props.on_lesson.clone();
                    let say_id = format!("lesson-try-{i}");
                    html! {
                        <li>
                            <p id={say_id.clone()}>{rich_text(&t.say)}</p>
                            <button type="button" class="lesson-try" aria-describedby={say_id}
                                    onclick={Callback::from(move |_: MouseEvent| on.emit(LessonAction::Try(i)))}>
                                {format!("Try this ({})", i + 1)}
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    });
    let versions = lesson.versions.as_ref().map(|v| html! {
        <section class="lesson-versions" aria-label="Compare Kafka releases">
            if let Some(say) = &v.say { <p>{rich_text(say)}</p> }
            <div class="lesson-version-buttons" role="group" aria-label="kafka.version">
                { for v.compare.iter().map(|c| {
                    let on = props.on_edit.clone();
                    let value = Value::String(c.clone());
                    let pressed = props.version.as_deref() == Some(c.as_str());
                    html! {
                        <button type="button" aria-pressed={pressed.to_string()}
                                onclick={Callback::from(move |_: MouseEvent| on.emit((vec![Seg::Key("kafka.version")], Some(value.clone()))))}>
                            {format!("Kafka {c}")}
                        </button>
                    }
                }) }
            </div>
        </section>
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
    html! {
        <>
        <section class="lesson-player panel-lesson" aria-labelledby="lesson-title" data-lesson={lesson.id.clone()}>
            <p class="lesson-kind">
                {kind}
                if let Some(section) = &lesson.course_section { {format!(" · {section}")} }
                if props.done && lesson.challenge.is_none() { <span class="lesson-done">{" · ✓ finished"}</span> }
            </p>
            <h2 id="lesson-title">{rich_text(&lesson.title)}</h2>
            {step_view}
            <p class="lesson-status" aria-live="polite">{status}</p>
            if play.waiting && !at_end && play.mode == Mode::Walk {
                <button type="button" class="lesson-continue" aria-keyshortcuts="Enter N"
                        onclick={act(|| LessonAction::Continue)}>{continue_label}</button>
            }
            if let Some(problem) = &play.problem {
                <p class="field-error" role="alert">{format!("This try cannot be applied: {problem}")}</p>
            }
            if lesson.challenge.is_some() {
                {challenge_panel(play, props.done, &props.on_lesson)}
            }
        </section>
        <section class="lesson-more panel-lesson-more" aria-label="More of this lesson">
            {for tries}
            {for versions}
            if steps > 1 && play.mode == Mode::Walk {
                <details class="lesson-steps">
                    <summary>{"All steps"}</summary>
                    <ol>
                        { for lesson.steps.iter().enumerate().map(|(i, s)| html! {
                            <li aria-current={(current == Some(i)).then_some("step")}>
                                <span class="small">{format!("at {} ", seconds(s.at_ms * 1000))}</span>
                                {rich_text(&s.say)}
                                {verdict_list(&s.expect, play.step_verdicts.get(i).and_then(Option::as_deref),
                                              &format!("at {}", seconds(s.at_ms * 1000)))}
                            </li>
                        }) }
                    </ol>
                </details>
            }
            <button type="button" class="lesson-leave" onclick={on_leave}>{"Leave the lesson"}</button>
        </section>
        </>
    }
}
