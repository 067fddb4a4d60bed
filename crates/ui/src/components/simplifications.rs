//! Where the simulation simplifies Apache Kafka, said plainly on the page. The words are a
//! file served beside the page (`simplifications.txt`, one per line), fetched when the list is
//! first opened, not compiled into the page.

use yew::prelude::*;

/// Where the list lives, relative to the page.
const URL: &str = "simplifications.txt";

#[derive(Clone, PartialEq)]
enum Loaded {
    NotYet,
    Lines(Vec<String>),
    Failed(String),
}

#[component]
pub fn Simplifications() -> Html {
    let loaded = use_state(|| Loaded::NotYet);
    let ontoggle = {
        let loaded = loaded.clone();
        Callback::from(move |_: Event| {
            if *loaded != Loaded::NotYet {
                return;
            }
            #[cfg(target_arch = "wasm32")]
            {
                let loaded = loaded.clone();
                yew::platform::spawn_local(async move {
                    loaded.set(match crate::browser::fetch_text(URL).await {
                        Ok(text) => Loaded::Lines(
                            text.lines()
                                .filter(|l| !l.trim().is_empty())
                                .map(str::to_string)
                                .collect(),
                        ),
                        Err(why) => Loaded::Failed(why),
                    });
                });
            }
        })
    };
    let body = match &*loaded {
        Loaded::NotYet => html! { <p>{"Loading…"}</p> },
        Loaded::Failed(why) => html! { <p role="alert">{format!("The list could not be loaded ({URL}): {why}")}</p> },
        Loaded::Lines(lines) => html! {
            <ul>{ for lines.iter().map(|l| html! { <li>{l.clone()}</li> }) }</ul>
        },
    };
    html! {
        <details class="simplifications" {ontoggle}>
            <summary>{"Simplifications"}</summary>
            {body}
        </details>
    }
}
