//! `kafka.version`: picks the release whose defaults fill every property left out, and lists
//! those defaults with the reason each has its value.

use crate::components::class_list;
use crate::components::field::{choices, field_errors};
use crate::doc::Seg;
use crate::markup::el;
use kafka_sim::scenario::{parse_version, version_defaults};
use serde_json::Value;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const VERSIONS: &[&str] = &["2.0", "2.4", "2.8", "3.0", "3.3", "3.7", "3.9", "4.0"];

pub struct VersionPickerProps {
    /// The version the document names (None: the reader's default).
    pub value: Option<String>,
    /// The version the scenario resolved to.
    pub effective: String,
    pub errors: Vec<String>,
    pub on_edit: Callback<(Vec<Seg>, Option<Value>)>,
    /// A challenge that does not allow changing the release.
    pub locked: bool,
}

/// A plain function (no component): a component's generic machinery costs more download than
/// rebuilding these few nodes with the page.
pub fn version_picker(props: &VersionPickerProps) -> Html {
    let onchange = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlSelectElement>().value();
            let value = (!text.is_empty()).then_some(Value::String(text));
            on_edit.emit((vec![Seg::Key("kafka.version")], value));
        })
    };
    let shown = props.value.clone().unwrap_or_default();
    let implied = parse_version(&props.effective)
        .map(version_defaults)
        .unwrap_or_default();
    let invalid = !props.errors.is_empty();
    let defaults = implied.iter().map(|d| {
        [
            el("dt")
                .el(el("code").text(d.key))
                .text(" = ")
                .el(el("code").text(d.value.clone()))
                .html(),
            el("dd").text(d.note).html(),
        ]
        .into_iter()
        .collect::<Html>()
    });
    el("div")
        .class(class_list(
            "field version-picker",
            &[(invalid, "field-invalid")],
        ))
        .attr("data-key", "kafka.version")
        .el(el("label")
            .attr("for", "f-kafka-version")
            .text("kafka.version"))
        .el(el("select")
            .attr("id", "f-kafka-version")
            .on_change(onchange)
            .attr("aria-invalid", invalid.to_string())
            .flag("disabled", props.locked)
            .attr_opt("title", props.locked.then_some("locked in this challenge"))
            .child(choices(&shown, &props.effective, VERSIONS)))
        .maybe(invalid.then(|| field_errors(&props.errors).html()))
        .el(el("details")
            .class("implied-defaults")
            .el(el("summary").text(format!("Defaults of Kafka {}", props.effective)))
            .el(el("dl").child(defaults.collect())))
        .html()
}
