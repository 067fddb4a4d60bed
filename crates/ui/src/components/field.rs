//! One labelled control: its label is the Kafka property name, it edits one key of the scenario
//! document, shows the default it would take when left empty, and the reader's errors for it.

use crate::components::class_list;
use crate::doc::{self, Seg};
use crate::markup::{el, El};
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What a control accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One of Kafka's named values (written as strings).
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Boolean,
    /// A number typed as text, so a wrong entry reaches the reader and gets its message.
    Number,
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    /// The Kafka property name: the label's text.
    pub label: &'static str,
    pub path: Vec<Seg>,
    pub kind: FieldKind,
    /// The document's value (None: left to the default).
    pub value: Option<Value>,
    /// What the default resolves to, from the last valid scenario.
    pub effective: Option<Value>,
    pub errors: Vec<String>,
    pub on_edit: Callback<(Vec<Seg>, Option<Value>)>,
    /// A challenge does not allow changing it: shown, disabled, and said so.
    #[prop_or_default]
    pub locked: bool,
    /// The client's own name of the property (librdkafka's), shown as the label with the
    /// property's Java name beside it.
    #[prop_or_default]
    pub alias: Option<&'static str>,
}

/// A choice's options: `default (…)` (the empty value, leaving the key out), each of
/// `options`, and `shown` too when it is none of them; the one shown is selected.
pub fn choices(shown: &str, default_text: &str, options: &[&str]) -> Html {
    let option = |value: &str, selected: bool, label: String| {
        el("option")
            .attr("value", value.to_string())
            .flag("selected", selected)
            .text(label)
            .html()
    };
    let known = shown.is_empty() || options.contains(&shown);
    [
        option("", shown.is_empty(), format!("default ({default_text})")),
        options
            .iter()
            .map(|o| option(o, shown == *o, o.to_string()))
            .collect(),
        if known {
            Html::default()
        } else {
            option(shown, true, shown.to_string())
        },
    ]
    .into_iter()
    .collect()
}

/// A field's error messages, each its own line.
pub fn field_errors(errors: &[String]) -> El {
    el("p").class("field-error").child(
        errors
            .iter()
            .map(|e| el("span").text(e.clone()).html())
            .collect(),
    )
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    let id = format!(
        "f-{}",
        doc::path_text(&props.path)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    );
    let error_id = format!("{id}-error");
    let locked_id = format!("{id}-locked");
    let locked = props.locked;
    // An invalid value's message first; a locked field cannot be edited into one.
    let describedby = if !props.errors.is_empty() {
        Some(error_id.clone())
    } else {
        locked.then(|| locked_id.clone())
    };
    let shown = props.value.as_ref().map(doc::display).unwrap_or_default();
    let default_text = props
        .effective
        .as_ref()
        .map(doc::display)
        .unwrap_or_default();
    let invalid = !props.errors.is_empty();
    let control = match &props.kind {
        FieldKind::Choice(_) | FieldKind::Boolean => {
            let options: Vec<&str> = match &props.kind {
                FieldKind::Choice(options) => options.to_vec(),
                _ => vec!["true", "false"],
            };
            let boolean = props.kind == FieldKind::Boolean;
            let onchange = {
                let (path, on_edit) = (props.path.clone(), props.on_edit.clone());
                Callback::from(move |e: Event| {
                    let text = e.target_unchecked_into::<HtmlSelectElement>().value();
                    let value = match (text.as_str(), boolean) {
                        ("", _) => None,
                        ("true", true) => Some(Value::Bool(true)),
                        ("false", true) => Some(Value::Bool(false)),
                        (other, _) => Some(Value::String(other.to_string())),
                    };
                    on_edit.emit((path.clone(), value));
                })
            };
            el("select")
                .attr("id", id.clone())
                .on_change(onchange)
                .attr("aria-invalid", invalid.to_string())
                .attr_opt("aria-describedby", describedby.clone())
                .flag("disabled", locked)
                .child(choices(&shown, &default_text, &options))
                .html()
        }
        FieldKind::Number => {
            let onchange = {
                let (path, on_edit) = (props.path.clone(), props.on_edit.clone());
                Callback::from(move |e: Event| {
                    let text = e.target_unchecked_into::<HtmlInputElement>().value();
                    on_edit.emit((path.clone(), doc::value_from_text(&text)));
                })
            };
            html! {
                <input id={id.clone()} type="text" inputmode="decimal" value={shown.clone()}
                       placeholder={default_text.clone()} {onchange} autocomplete="off"
                       aria-invalid={invalid.to_string()} disabled={locked}
                       aria-describedby={describedby.clone()} />
            }
        }
    };
    let hint = |class: &'static str, text: String| el("span").class(class).text(text);
    el("div")
        .class(class_list(
            "field",
            &[(invalid, "field-invalid"), (locked, "field-locked")],
        ))
        .attr("data-key", doc::path_text(&props.path))
        .el(el("label")
            .attr("for", id.clone())
            .text(props.alias.unwrap_or(props.label)))
        .child(control)
        .maybe(
            props
                .alias
                .is_some()
                .then(|| hint("field-default", format!("Java: {}", props.label)).html()),
        )
        .maybe(
            (shown.is_empty() && !default_text.is_empty())
                .then(|| hint("field-default", format!("default: {default_text}")).html()),
        )
        .maybe(locked.then(|| {
            hint("field-locked-hint", "locked in this challenge".to_string())
                .attr("id", locked_id)
                .html()
        }))
        .maybe(invalid.then(|| field_errors(&props.errors).attr("id", error_id).html()))
        .html()
}
