//! What the scenario reader said: the errors that stop the document from running (each also
//! shown beside its control) and the notes on what Kafka would have done quietly.

use kafka_sim::scenario::{ScenarioError, ScenarioNote};
use yew::prelude::*;

/// A plain function (no component): like `lesson_problems`, it is drawn from the state on
/// every render of the page, which saves a component's generic machinery in the download.
pub fn problems(errors: &[ScenarioError], notes: &[ScenarioNote]) -> Html {
    html! {
        <>
            if !errors.is_empty() {
                <div class="problems" role="alert">
                    <strong>{"This scenario does not run; the last valid run stays on screen (dimmed)."}</strong>
                    <ul>
                        { for errors.iter().map(|e| html! { <li><code>{if e.path.is_empty() { "scenario".to_string() } else { e.path.clone() }}</code>{": "}{&e.message}</li> }) }
                    </ul>
                </div>
            }
            if !notes.is_empty() {
                <div class="notes" aria-label="Notes">
                    <ul>
                        { for notes.iter().map(|n| html! { <li><code>{&n.path}</code>{": "}{&n.message}</li> }) }
                    </ul>
                </div>
            }
        </>
    }
}
