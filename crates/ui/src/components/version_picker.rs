//! `kafka.version`: picks the release whose defaults fill every property left out, and lists
//! those defaults with the reason each has its value.

use crate::components::class_list;
use crate::doc::Seg;
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
    html! {
        <div class={class_list("field version-picker", &[(invalid, "field-invalid")])}
             data-key="kafka.version">
            <label for="f-kafka-version">{"kafka.version"}</label>
            <select id="f-kafka-version" {onchange} aria-invalid={invalid.to_string()}
                    disabled={props.locked} title={props.locked.then_some("locked in this challenge")}>
                <option value="" selected={shown.is_empty()}>
                    {format!("default ({})", props.effective)}
                </option>
                { for VERSIONS.iter().map(|v| html! {
                    <option value={v.to_string()} selected={shown == *v}>{*v}</option>
                }) }
                if !shown.is_empty() && !VERSIONS.contains(&shown.as_str()) {
                    <option value={shown.clone()} selected=true>{shown.clone()}</option>
                }
            </select>
            if invalid {
                <p class="field-error">{ for props.errors.iter().map(|e| html!{<span>{e}</span>}) }</p>
            }
            <details class="implied-defaults">
                <summary>{format!("Defaults of Kafka {}", props.effective)}</summary>
                <dl>
                    { for implied.iter().map(|d| html! {
                        <>
                            <dt><code>{d.key}</code>{" = "}<code>{&d.value}</code></dt>
                            <dd>{d.note}</dd>
                        </>
                    }) }
                </dl>
            </details>
        </div>
    }
}
