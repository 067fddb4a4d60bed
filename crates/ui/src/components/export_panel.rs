//! "Export config": per producer its `producer.properties` and a Java snippet of its send
//! style, per group its `consumer.properties` and a poll loop (`kafka_sim::scenario::export`,
//! the same text as `kafka-sim export`), each with a Copy button whose result is announced.

use crate::browser;
use crate::markup::el;
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
    let body = |list: &Result<Vec<Piece>, String>| match list {
        Err(why) => el("p").class("problems").text(format!(
            "The scenario does not run, so there is nothing to export: {why}"
        )),
        Ok(list) if list.is_empty() => el("p").text("This scenario has no producers or groups."),
        Ok(list) => el("div").class("export-pieces").child(
            list.iter()
                .enumerate()
                .map(|(i, p)| {
                    let onclick = {
                        let (copied, text) = (copied.clone(), p.text.clone());
                        Callback::from(move |_: MouseEvent| {
                            browser::copy_text(&text);
                            copied.set(Some(i));
                        })
                    };
                    let done = *copied == Some(i);
                    el("figure")
                        .class(format!("export-piece export-{}", p.kind))
                        .el(el("figcaption")
                            .el(el("span").text(p.heading.clone()))
                            .el(el("button")
                                .attr("type", "button")
                                .class("copy")
                                .on_click(onclick)
                                .attr("aria-label", format!("Copy {}", p.heading))
                                .text(if done { "Copied ✓" } else { "Copy" })))
                        .el(el("pre")
                            .attr("tabindex", "0")
                            .attr("aria-label", p.heading.clone())
                            .el(el("code").text(p.text.clone())))
                        .html()
                })
                .collect(),
        ),
    };
    let panel = open.then(|| {
        el("section")
            .attr("id", "export-panel")
            .class("export-panel")
            .attr("aria-label", "Export config")
            .el(el("h2").text(format!("Export config{what}")))
            .el(el("p")
                .class("small")
                .text("Every effective property of each client after the defaults of its Kafka version, ready for a real client (the same text as ")
                .el(el("code").text("kafka-sim export"))
                .text(")."))
            .el(el("p")
                .class("visually-hidden")
                .attr("aria-live", "polite")
                .text(if copied.is_some() { "Copied to the clipboard" } else { "" }))
            .el(body(&list))
            .html()
    });
    el("div")
        .class("export")
        .el(el("button")
            .attr("type", "button")
            .attr("aria-expanded", open.to_string())
            .attr("aria-controls", "export-panel")
            .on_click(toggle)
            .text("Export config"))
        .maybe(panel)
        .html()
}
