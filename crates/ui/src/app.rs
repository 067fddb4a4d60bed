//! The page: reads the address (permalink fragment, embed parameters), holds the one state,
//! runs the animation loop and the keyboard shortcuts, keeps the permalink current, and lays
//! out the components.

use crate::browser;
use crate::components::charts::Charts;
use crate::components::class_list;
use crate::components::compare_button::compare_button;
use crate::components::compare_target::compare_target;
use crate::components::compare_view::{compare_view, CompareViewProps};
use crate::components::event_log::EventLog;
use crate::components::export_panel::ExportPanel;
use crate::components::ledger::{ledger, LedgerProps};
use crate::components::lesson_player::{lesson_player, LessonPlayerProps};
use crate::components::lesson_problems::lesson_problems;
use crate::components::lessons_panel::lessons_panel;
use crate::components::playback::{playback_bar, PlaybackBarProps};
use crate::components::problems::problems;
use crate::components::settings::Settings;
use crate::components::share::Share;
use crate::components::simplifications::simplifications;
use crate::components::stage::Stage;
use crate::components::stage_overview::stage_overview;
use crate::components::version_picker::{version_picker, VersionPickerProps};
use crate::handlers::Handlers;
use crate::lesson_load;
use crate::lesson_play::{read_done, DONE_KEY};
use crate::markup::el;
// The animation loop and the keys dispatch actions (the browser only).
#[cfg(target_arch = "wasm32")]
use crate::state::Action;
use crate::state::{LessonAction, Playback, Playground};
use kafka_sim::lesson::link::is_lesson_link;
use kafka_sim::scenario::permalink::decode_link;
use kafka_sim::scenario::{resolve_scenario, DEFAULT_SCENARIO_JSON};
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

/// How the page was opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub embed: bool,
    /// Embed mode: the controls to show (property names).
    pub controls: Vec<String>,
    pub bench: bool,
    pub base: String,
    /// `?lesson=`: a lesson id or an http(s) address.
    pub lesson: Option<String>,
    pub query: String,
    /// Embed mode: the one origin the embedding API speaks with (`api=`).
    pub api: Option<String>,
}

pub fn default_doc() -> Value {
    serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null)
}

/// The state a page opens in: the permalink's scenario and position, or the default scenario
/// with the reason the link could not be used.
pub fn initial_state(fragment: &str) -> Playground {
    let fragment = fragment.trim_start_matches('#');
    // `vs=` (run B of a comparison) is read once the scenario is.
    let (fragment, vs) = crate::state::compare::split_vs(fragment);
    let fragment = fragment.as_str();
    if fragment.is_empty() {
        return Playground::new(default_doc(), None);
    }
    if is_lesson_link(fragment) {
        let mut state = Playground::new(default_doc(), None);
        state.reduce_lesson(lesson_load::from_link(fragment));
        return state;
    }
    let failure = match decode_link(fragment) {
        Ok(link) => match resolve_scenario(&link.doc) {
            Ok(_) => {
                let mut state = Playground::new(link.doc, link.position_ms);
                crate::state::compare::open_from_link(&mut state, vs);
                return state;
            }
            Err(errors) => format!("the link's scenario is not valid:\n{errors}"),
        },
        Err(e) => e.to_string(),
    };
    let mut state = Playground::new(default_doc(), None);
    state.link_error = Some(format!(
        "This link could not be opened: {failure}. The default scenario is shown instead."
    ));
    state
}

/// A page address without its `lesson` parameter: the base of a scenario's permalink.
fn without_lesson(base: &str) -> String {
    match base.split_once('?') {
        Some((path, query)) => {
            let query = browser::with_param(query, "lesson", None);
            if query.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{query}")
            }
        }
        None => base.to_string(),
    }
}

fn opening() -> Opening {
    let address = browser::address();
    let controls = browser::query_param(&address.query, "controls")
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let embed =
        browser::query_param(&address.query, "embed").is_some_and(|v| v == "1" || v == "true");
    Opening {
        embed,
        api: browser::query_param(&address.query, "api")
            .filter(|_| embed)
            .and_then(|a| crate::embed_api::allowed_origin(&a)),
        controls,
        bench: browser::query_param(&address.query, "bench").is_some_and(|v| v == "1"),
        lesson: browser::query_param(&address.query, "lesson").filter(|l| !l.trim().is_empty()),
        query: address.query,
        base: address.base,
    }
}

#[component]
pub fn App() -> Html {
    let opening = use_memo((), |_| opening());
    let state = use_reducer(|| {
        let mut state = initial_state(&browser::address().fragment);
        state.done = Rc::new(read_done(browser::load(DONE_KEY).as_deref()));
        state
    });
    // Static: built once, then only compared on each render. An embedded page shows none.
    let simplifications_html = use_memo(opening.embed, |&embed| {
        (!embed).then(simplifications).flatten()
    });
    let reduced_motion = use_memo((), |_| {
        browser::media_matches("(prefers-reduced-motion: reduce)")
    });

    // The animation loop runs only while playing, fast-forwarding or bringing run B to the
    // position; dropping it cancels the pending frame.
    {
        let dispatcher = state.dispatcher();
        let running = state.animates();
        use_effect_with(running, move |running| {
            #[cfg(target_arch = "wasm32")]
            let frames = running.then(|| {
                browser::AnimationLoop::start(move |elapsed| {
                    crate::bench_hook::frame_started();
                    dispatcher.dispatch(Action::Tick(elapsed))
                })
            });
            #[cfg(not(target_arch = "wasm32"))]
            let _ = (running, dispatcher);
            move || {
                #[cfg(target_arch = "wasm32")]
                drop(frames);
            }
        });
    }

    // Keyboard: space plays/pauses, arrows move by a second (shift: 100 ms), period steps,
    // Escape clears the ledger highlight.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            #[cfg(target_arch = "wasm32")]
            let keys = browser::KeyListener::start(move |e| {
                // Escape clears the ledger highlight wherever focus is (often on the figure).
                if e.key() == "Escape" {
                    dispatcher.dispatch(Action::Select(None));
                    return;
                }
                // A lesson waiting at a pause: Enter or N goes on (not where they would type or
                // press a focused control).
                let key = e.key();
                let plain = !(e.ctrl_key() || e.meta_key() || e.alt_key());
                if plain
                    && (key == "n" || key == "N" || key == "Enter")
                    && !browser::typing_into_field(e)
                {
                    dispatcher.dispatch(Action::Lesson(LessonAction::Continue));
                    return;
                }
                if browser::typing_into_field(e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let step: i64 = if e.shift_key() { 100_000 } else { 1_000_000 };
                let action = match e.key().as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::SeekBy(step),
                    "ArrowLeft" => Action::SeekBy(-step),
                    "." => Action::Step,
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(action);
            });
            #[cfg(not(target_arch = "wasm32"))]
            let _ = dispatcher;
            move || {
                #[cfg(target_arch = "wasm32")]
                drop(keys);
            }
        });
    }

    // Lessons: the index for the Lessons panel, and the lesson
    // `?lesson=` names (an id beside the page, or an http(s) address).
    {
        let dispatcher = state.dispatcher();
        let opening = Rc::clone(&opening);
        use_effect_with((), move |_| {
            if !opening.embed {
                lesson_load::load_index(&dispatcher);
            }
            if let Some(param) = opening.lesson.as_deref() {
                lesson_load::open(param, &dispatcher);
            }
        });
    }
    {
        let done = Rc::clone(&state.done);
        use_effect_with(done, |done| {
            if let Ok(text) = serde_json::to_string(&**done) {
                browser::store(DONE_KEY, &text);
            }
        });
    }

    // The permalink follows the document and the position whenever playback rests.
    // The embedding API (`?embed=1&api=ORIGIN`).
    crate::embed_api::use_embed_api(opening.api.clone(), &state);

    // The permalink follows the document (and B's changes) and the position whenever playback
    // rests.
    let resting_ms = (state.playback == Playback::Paused).then_some(state.position_us / 1000);
    let compare_set = state.compare.as_ref().map(|c| Rc::new(c.set_value()));
    let (fragment, link_pending) = crate::link_data::use_fragment(
        Rc::clone(&state.doc),
        state.doc_revision,
        compare_set,
        resting_ms,
    );
    {
        let fragment = Rc::clone(&fragment);
        // Only a fragment packed for what is on screen now: while a newer one is being packed
        // (or before the first), the address keeps what it had.
        let current = resting_ms.is_some() && !link_pending;
        use_effect_with((fragment, current), |(fragment, current)| {
            if *current && !fragment.is_empty() {
                browser::replace_fragment(fragment);
            }
        });
    }

    #[cfg(target_arch = "wasm32")]
    {
        let bench = opening.bench;
        use_effect_with(bench, |bench| {
            let hook = bench.then(crate::bench_hook::install);
            move || drop(hook)
        });
        // After every render: ends the timing of an animation frame's work (bench only).
        use_effect(crate::bench_hook::frame_rendered);
    }

    // Callbacks made once (the dispatcher never changes): see `handlers`.
    let Handlers {
        on_edit,
        on_edit_b,
        on_act,
        on_select,
        dismiss,
        on_toggle,
        on_step,
        on_fast_forward,
        on_seek,
        on_speed,
        on_lesson,
        on_open_lesson,
        on_leave,
        on_compare,
        on_leave_compare,
        on_unset,
        on_target,
        on_focus,
    } = (*use_memo((), |_| Handlers::new(&state.dispatcher()))).clone();
    let lessons_open = state.lessons_open;
    let toggle_lessons = on_lesson.reform(|_: MouseEvent| LessonAction::ToggleLessons);
    let dismiss_lesson = on_lesson.reform(|_: MouseEvent| LessonAction::DismissProblems);
    // What the current step points at on the stage.
    let play = state.lesson.clone();
    let step = play.as_ref().and_then(|p| {
        (p.mode == crate::lesson_play::Mode::Walk)
            .then(|| p.current_step(state.position_us))
            .flatten()
    });
    let lit = use_memo(
        (play.as_ref().map(|p| p.lesson.clone()), step),
        |(lesson, step)| {
            lesson
                .as_ref()
                .and_then(|l| step.and_then(|i| l.steps.get(i)))
                .map(|s| s.show.iter().map(ToString::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
        },
    );
    let challenge = play
        .as_ref()
        .filter(|p| p.lesson.challenge.is_some())
        .map(|p| p.lesson.clone());
    let version_locked = !state.allows("kafka.version");
    // The frame the stage and the ledger show: narrowed to the focus, if any.
    // (`focus::shown`, written out: called from here, it made the page's gzip 480 bytes larger.)
    let shown = match (&state.frame, &state.focus) {
        (Some(frame), Some(target)) => Some(Rc::new(crate::focus::focus_frame(frame, target))),
        (frame, _) => frame.clone(),
    };
    let editing_b = state.compare.as_ref().filter(|c| c.editing_b);
    let errors_b = use_memo(editing_b.map(|c| Rc::clone(&c.errors)), |errors| {
        errors
            .iter()
            .flat_map(|e| e.iter())
            .map(|e| (e.path.clone(), e.message.clone()))
            .collect::<Vec<_>>()
    });
    let errors = use_memo(state.doc_revision, |_| {
        state
            .errors()
            .iter()
            .map(|e| (e.path.clone(), e.message.clone()))
            .collect::<Vec<_>>()
    });
    let stale = !state.errors().is_empty();
    let link = format!("{}{}", without_lesson(&opening.base), fragment);
    // The full page: the same address without the embed parameters.
    let full_link = format!(
        "{}{}",
        opening.base.split('?').next().unwrap_or_default(),
        fragment
    );
    let version_doc = state.doc.get("kafka.version").map(crate::doc::display);
    let version_effective = state
        .effective
        .get("kafka.version")
        .map(crate::doc::display)
        .unwrap_or_default();
    let version_errors: Vec<String> = errors
        .iter()
        .filter(|(p, _)| p == "kafka.version")
        .map(|(_, m)| m.clone())
        .collect();
    let embed = opening.embed;
    let comparing = state.compare.is_some();
    // The settings panel edits B while comparing (unless A is chosen).
    let (settings_doc, settings_effective, settings_errors, settings_edit) = match editing_b {
        Some(c) => (
            Rc::clone(&c.doc),
            Rc::clone(&c.effective),
            Rc::clone(&errors_b),
            on_edit_b,
        ),
        None => (
            Rc::clone(&state.doc),
            Rc::clone(&state.effective),
            Rc::clone(&errors),
            on_edit.clone(),
        ),
    };

    let header = el("header")
        .class("app-header")
        .el(el("h1").text("Kafka Playground"))
        .maybe((!embed).then(|| {
            [
                el("button")
                    .attr("type", "button")
                    .class("lessons-button")
                    .attr("aria-expanded", lessons_open.to_string())
                    .attr("aria-controls", "lessons-panel")
                    .on_click(toggle_lessons)
                    .text("Lessons")
                    .html(),
                version_picker(&VersionPickerProps {
                    value: version_doc.clone(),
                    effective: version_effective,
                    errors: version_errors,
                    on_edit: on_edit.clone(),
                    locked: version_locked,
                }),
            ]
            .into_iter()
            .collect()
        }))
        .maybe((!embed).then(|| {
            [
                compare_button(comparing, &on_compare),
                html! { <ExportPanel doc={Rc::clone(&state.doc)} /> },
            ]
            .into_iter()
            .collect()
        }))
        .child(html! { <Share link={if embed { full_link } else { link }} embed={embed} /> });
    let link_error = state.link_error.clone().map(|message| {
        el("div")
            .class("link-error")
            .attr("role", "alert")
            .el(el("p").text(message))
            .el(el("button")
                .attr("type", "button")
                .on_click(dismiss)
                .text("Dismiss"))
            .html()
    });
    let settings = (!embed || !opening.controls.is_empty()).then(|| {
        el("aside")
            .class("panel-settings")
            .attr("aria-label", "Settings")
            .maybe(
                state
                    .compare
                    .as_ref()
                    .map(|c| compare_target(c.editing_b, &on_target)),
            )
            .child(html! {
                <Settings doc={settings_doc} effective={settings_effective}
                          errors={settings_errors} on_edit={settings_edit}
                          only={embed.then(|| opening.controls.clone())}
                          challenge={challenge} />
            })
            .maybe((*simplifications_html).clone())
            .html()
    });
    let aggregated = shown
        .as_deref()
        .is_some_and(|f| crate::focus::aggregated(f, state.focus.as_ref()));
    let stage_body = match shown.clone() {
        Some(frame) => {
            let focus_bar = state.focus.as_ref().map(|target| {
                el("p")
                    .class("focus-bar")
                    .attr("aria-live", "polite")
                    // The ledger narrows to a producer's or a topic's records only.
                    .text(format!(
                        "Focused on {target}: {}. ",
                        if frame.records_of.is_some() {
                            "the ledger and the event log follow it"
                        } else {
                            "the event log follows it; the ledger stays the whole cluster's"
                        }
                    ))
                    .el(el("button")
                        .attr("type", "button")
                        .on_click(on_focus.reform(|_: MouseEvent| None))
                        .text("Whole cluster"))
                    .html()
            });
            let stage = if aggregated {
                stage_overview(&frame, &on_focus, &lit)
            } else {
                html! {
                    <Stage frame={frame} doc={Rc::clone(&state.doc)} reduced_motion={*reduced_motion} on_act={on_act.clone()}
                           lit={Rc::clone(&lit)} />
                }
            };
            [focus_bar.unwrap_or_default(), stage].into_iter().collect()
        }
        None => el("p")
            .class("stage-empty")
            .text("Fix the scenario's problems to run it.")
            .html(),
    };
    let main = el("main")
        .class(class_list("stage", &[(stale, "stale")]))
        .attr(
            "aria-label",
            if comparing { "Stage of run A" } else { "Stage" },
        )
        .maybe(comparing.then(|| el("h2").class("run-title").text("Run A").html()))
        .child(stage_body);
    let outcome = shown.clone().map(|frame| {
        el("aside")
            .class("panel-ledger")
            .attr("aria-label", "Outcome")
            .child(ledger(&LedgerProps {
                frame: Rc::clone(&frame),
                selection: state.selection,
                on_select,
                stale,
                aggregated,
            }))
            .maybe((!embed).then(|| {
                html! { <Charts samples={Rc::clone(&frame.samples)} end_us={frame.end_us} /> }
            }))
            .html()
    });
    let compare = match (state.compare.clone(), state.frame.clone()) {
        (Some(c), Some(frame)) => Some(compare_view(&CompareViewProps {
            a_frame: frame,
            compare: c,
            reduced_motion: *reduced_motion,
            on_act: on_act.clone(),
            on_unset,
            on_leave: on_leave_compare,
            focus: state.focus.clone(),
            on_focus: on_focus.clone(),
        })),
        _ => None,
    };
    let lessons = (lessons_open && !embed)
        .then(|| lessons_panel(&state.catalog, &state.done, &on_open_lesson, &on_lesson));
    let layout = el("div")
        .class(class_list(
            "layout",
            &[(play.is_some(), "with-lesson"), (comparing, "comparing")],
        ))
        .maybe(play.clone().map(|play| {
            lesson_player(&LessonPlayerProps {
                done: state.done.contains(&play.lesson.id),
                play,
                position_us: state.position_us,
                end_us: state.end_us(),
                playing: state.playback != Playback::Paused,
                version: version_doc.clone(),
                on_lesson,
                on_edit: on_edit.clone(),
                on_leave,
            })
        }))
        .maybe(settings)
        .el(main)
        .maybe(outcome)
        .maybe(compare);
    let log = match (embed, state.frame.clone()) {
        (false, Some(frame)) => Some(html! {
            <EventLog lines={Rc::clone(&frame.log)} dropped={frame.log_dropped} nodes={Rc::clone(&frame.log_nodes)} focus={state.focus.clone()} />
        }),
        _ => None,
    };
    el("div")
        .class(class_list("app", &[(embed, "embed")]))
        .attr("data-rendered-by", "wasm")
        .attr("data-embed", embed.to_string())
        .attr("data-link-pending", link_pending.to_string())
        .el(header)
        .maybe(link_error)
        .maybe(lessons)
        .child(lesson_problems(&state.lesson_status, dismiss_lesson))
        .child(problems(
            state.errors(),
            if embed { &[] } else { state.notes() },
        ))
        .el(layout)
        .child(playback_bar(&PlaybackBarProps {
            position_us: state.position_us,
            end_us: state.end_us(),
            playback: state.playback,
            speed: state.speed,
            doc: Rc::clone(&state.doc),
            disabled: state.frame.is_none() || stale,
            on_toggle,
            on_step,
            on_seek,
            on_speed,
            on_fast_forward,
        }))
        .maybe(log)
        .el(el("footer")
            .class("app-footer")
            .text(concat!("Kafka Playground v", env!("CARGO_PKG_VERSION"))))
        .html()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::permalink::encode_fragment;
    use serde_json::json;

    #[test]
    fn a_permalink_opens_its_scenario_at_its_position() {
        let mut doc = default_doc();
        doc["seed"] = json!(7);
        let state = initial_state(&encode_fragment(&doc, Some(4_200)));
        assert_eq!(state.link_error, None);
        assert_eq!(*state.doc, doc);
        assert_eq!(state.position_us, 4_200_000);
    }

    #[test]
    fn a_damaged_link_opens_the_default_scenario_and_says_why() {
        let state = initial_state("#s=!!!not-base64");
        assert!(state
            .link_error
            .as_deref()
            .is_some_and(|m| m.contains("damaged")));
        assert_eq!(*state.doc, default_doc());
        assert!(state.frame.is_some());
    }

    #[test]
    fn a_link_to_an_invalid_scenario_lists_its_problems() {
        let state = initial_state(&encode_fragment(&json!({"format": 1, "seed": -1}), None));
        assert!(state
            .link_error
            .as_deref()
            .is_some_and(|m| m.contains("seed")));
        assert_eq!(*state.doc, default_doc());
    }
}
