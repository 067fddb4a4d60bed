//! What the scenario reader said: the errors that stop the document from running (each also
//! shown beside its control) and the notes on what Kafka would have done quietly.

use kafka_sim::scenario::{ScenarioError, ScenarioNote};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub errors: Vec<ScenarioError>,
    pub notes: Vec<ScenarioNote>,
}

#[component]
pub fn Problems(props: &ProblemsProps) -> Html {
    html! {
        <>
            if !props.errors.is_empty() {
                <div class="problems" role="alert">
                    <strong>{"This scenario does not run; the last valid run stays on screen (dimmed)."}</strong>
                    <ul>
                        { for props.errors.iter().map(|e| html! { <li><code>{if e.path.is_empty() { "scenario".to_string() } else { e.path.clone() }}</code>{": "}{&e.message}</li> }) }
                    </ul>
                </div>
            }
            if !props.notes.is_empty() {
                <div class="notes" aria-label="Notes">
                    <ul>
                        { for props.notes.iter().map(|n| html! { <li><code>{&n.path}</code>{": "}{&n.message}</li> }) }
                    </ul>
                </div>
            }
        </>
    }
}
