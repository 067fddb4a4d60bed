//! A lesson that is loading, or one that could not be opened: every problem with its key path,
//! as the scenario's problems are listed. The page stays usable with the scenario it had. A
//! plain function (no component): it changes only with the state it is drawn from.

use crate::state::LessonStatus;
use yew::prelude::*;

pub fn lesson_problems(status: &LessonStatus, on_dismiss: Callback<MouseEvent>) -> Html {
    match status {
        LessonStatus::Idle => html! {},
        LessonStatus::Loading(source) => html! {
            <p class="lesson-loading" role="status">{format!("Loading the lesson {source}…")}</p>
        },
        LessonStatus::Failed { source, errors } => html! {
            <div class="problems lesson-problems" role="alert">
                <strong>{format!("The lesson {source} could not be opened ({} problem{}). The playground works as before.",
                    errors.len(), if errors.len() == 1 { "" } else { "s" })}</strong>
                <ul>
                    { for errors.iter().map(|(path, message)| html! {
                        <li><code>{if path.is_empty() { "lesson" } else { path.as_str() }}</code>{": "}{message}</li>
                    }) }
                </ul>
                <button type="button" onclick={on_dismiss}>{"Dismiss"}</button>
            </div>
        },
    }
}
