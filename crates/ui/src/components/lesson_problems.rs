//! A lesson that is loading, or one that could not be opened: every problem with its key path,
//! as the scenario's problems are listed. The page stays usable with the scenario it had.

use crate::state::LessonStatus;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonProblemsProps {
    pub status: LessonStatus,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn LessonProblems(props: &LessonProblemsProps) -> Html {
    let on_dismiss = {
        let on = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| on.emit(()))
    };
    match &props.status {
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
