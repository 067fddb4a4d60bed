//! "Export config": per producer its `producer.properties` and a Java snippet of its send
//! style, per group its `consumer.properties` and a poll loop (`kafka_sim::scenario::export`,
//! the same text as `kafka-sim export`), each with a Copy button whose result is announced.

use crate::browser;
use kafka_sim::scenario::export::export;
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExportPanelProps {
    /// The scenario document exported.
    pub doc: Rc<Value>,
    /// What it is ("run A", "run B"), when there is more than one.
    #[prop_or_default]
    pub what: Option<String>,
}

/// One exported text: its heading, its kind (for the tests and styling) and its content.
#[derive(Clone, PartialEq)]
struct Piece {
    heading: String,
    kind: &'static str,
    text: String,
}

fn pieces(doc: &Value) -> Result<Vec<Piece>, String> {
    let (scenario, clients) = export(doc).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for c in clients {
        let client = c.file.trim_end_matches(".properties");
        out.push(Piece {
            heading: format!(
                "{} of {} {}",
                c.file,
                if client == "consumer" {
                    "group"
                } else {
                    client
                },
                c.name
            ),
            kind: "properties",
            text: c.properties_text(scenario.kafka_version),
        });
        out.push(Piece {
            heading: format!("Java: {client} {}", c.name),
            kind: "java",
            text: c.java,
        });
    }
    Ok(out)
}

#[component]
pub fn ExportPanel(props: &ExportPanelProps) -> Html {
    let open = use_state(|| false);
    // The index of the piece last copied (its button says so, and a live region announces it).
    let copied = use_state(|| None::<usize>);
    let list = use_memo(Rc::clone(&props.doc), |doc| pieces(doc));
    let toggle = {
        let (open, copied) = (open.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(!*open);
            copied.set(None);
        })
    };
    let what = props
        .what
        .clone()
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    html! {
        <div class="export">
            <button type="button" aria-expanded={open.to_string()} aria-controls="export-panel" onclick={toggle}>
                {"Export config"}
            </button>
            if *open {
                <section id="export-panel" class="export-panel" aria-label="Export config">
                    <h2>{format!("Export config{what}")}</h2>
                    <p class="small">{"Every effective property of each client after the defaults of its Kafka version, ready for a real client (the same text as "}<code>{"kafka-sim export"}</code>{")."}</p>
                    <p class="visually-hidden" aria-live="polite">{if copied.is_some() { "Copied to the clipboard" } else { "" }}</p>
                    { match &*list {
                        Err(why) => html! { <p class="problems">{format!("The scenario does not run, so there is nothing to export: {why}")}</p> },
                        Ok(list) if list.is_empty() => html! { <p>{"This scenario has no producers or groups."}</p> },
                        Ok(list) => html! { <div class="export-pieces">
                            { for list.iter().enumerate().map(|(i, p)| {
                                let onclick = {
                                    let (copied, text) = (copied.clone(), p.text.clone());
                                    Callback::from(move |_: MouseEvent| {
                                        browser::copy_text(&text);
                                        copied.set(Some(i));
                                    })
                                };
                                let done = *copied == Some(i);
                                html! {
                                    <figure class={format!("export-piece export-{}", p.kind)}>
                                        <figcaption>
                                            <span>{&p.heading}</span>
                                            <button type="button" class="copy" {onclick} aria-label={format!("Copy {}", p.heading)}>
                                                {if done { "Copied ✓" } else { "Copy" }}
                                            </button>
                                        </figcaption>
                                        <pre tabindex="0" aria-label={p.heading.clone()}><code>{&p.text}</code></pre>
                                    </figure>
                                }
                            }) }
                        </div> },
                    } }
                </section>
            }
        </div>
    }
}
