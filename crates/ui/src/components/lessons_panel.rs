//! The Lessons panel: the shipped lessons and challenges in the course's order (the index's),
//! each with its title, summary and kind, and what this browser has done (finished lessons,
//! passed challenges). A plain function (no component): it changes only with the state it is
//! drawn from, and each component costs the page's download about half a kilobyte.

use crate::lesson_play::Catalog;
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
        Catalog::Loading => html! { <p role="status">{"Loading the lessons…"}</p> },
        Catalog::Failed(why) => html! {
            <p class="lessons-error" role="alert">
                {format!("The lessons could not be loaded: {why}. The playground works without them; reload the page to try again.")}
            </p>
        },
        Catalog::Loaded(entries) if entries.is_empty() => html! {
            <p>{"No lessons are published with this page."}</p>
        },
        Catalog::Loaded(entries) => html! {
            <ol class="lessons-list">
                { for entries.iter().enumerate().map(|(i, e)| {
                    let done = done.contains(&e.id);
                    let on = on_open.clone();
                    let id = e.id.clone();
                    let (kind, done_text) = if e.challenge {
                        ("challenge", "✓ passed")
                    } else {
                        ("lesson", "✓ finished")
                    };
                    html! {
                        <li class="lessons-entry" data-lesson-id={e.id.clone()} data-kind={kind} data-done={done.to_string()}>
                            <button type="button" class="lessons-open"
                                    onclick={Callback::from(move |_: MouseEvent| on.emit(id.clone()))}>
                                <span class="lessons-num" aria-hidden="true">{format!("{}.", i + 1)}</span>
                                <span class="lessons-title">{&e.title}</span>
                            </button>
                            <span class={format!("lessons-kind kind-{kind}")}>{kind}</span>
                            if done { <span class="lessons-done">{done_text}</span> }
                            if !e.summary.is_empty() { <p class="lessons-summary">{&e.summary}</p> }
                        </li>
                    }
                }) }
            </ol>
        },
    };
    html! {
        <section id="lessons-panel" class="lessons-panel" aria-labelledby="lessons-heading">
            <div class="lessons-head">
                <h2 id="lessons-heading">{"Lessons and challenges"}</h2>
                <button type="button" onclick={on_close}>{"Close"}</button>
            </div>
            <p class="small">{"Each lesson plays a scenario, stops where something happens and checks the figures live. Challenges give you a goal and lock every setting but a few."}</p>
            {body}
        </section>
    }
}
