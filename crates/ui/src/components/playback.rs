//! The playback bar: play/pause, one step, speed, a scrubber over the whole run (backwards too),
//! fast-forward to the end with its progress, and the timeline's actions to jump to.

use crate::state::{Playback, SPEEDS};
use kafka_sim::support::decimal::{Fixed, Trimmed};
use serde_json::Value;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub struct PlaybackBarProps {
    pub position_us: u64,
    pub end_us: u64,
    pub playback: Playback,
    pub speed: f64,
    pub doc: Rc<Value>,
    pub disabled: bool,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_seek: Callback<u64>,
    pub on_speed: Callback<f64>,
    pub on_fast_forward: Callback<()>,
}

fn speed_label(s: f64) -> String {
    if s < 1.0 {
        format!("1/{}x", Fixed(1.0 / s, 0))
    } else {
        format!("{}x", Trimmed(s, 2))
    }
}

fn action_label(a: &Value) -> String {
    let what = a.get("do").and_then(Value::as_str).unwrap_or("?");
    let who = a
        .get("broker")
        .map(|b| format!(" b{b}"))
        .or_else(|| {
            a.get("consumer")
                .and_then(Value::as_str)
                .map(|c| format!(" {c}"))
        })
        .or_else(|| {
            ["group.id", "producer", "subject"]
                .iter()
                .find_map(|k| a.get(k)?.as_str())
                .map(|g| format!(" {g}"))
        })
        .or_else(|| {
            let topic = a.get("topic").and_then(Value::as_str)?;
            let partitions = a.get("partitions").and_then(Value::as_u64)?;
            Some(format!(" {topic} to {partitions}"))
        })
        .unwrap_or_default();
    let to = ["value.schema", "compatibility"]
        .iter()
        .find_map(|k| a.get(k)?.as_str())
        .map(|v| format!(" → {v}"))
        .unwrap_or_default();
    let at = a.get("at.ms").and_then(Value::as_u64).unwrap_or(0);
    format!("{what}{who}{to} @{} s", Fixed(at as f64 / 1000.0, 1))
}

/// A plain function (no component): the position changes on every tick of a playing run, when
/// a component would redraw anyway, and a component's generic machinery costs download.
pub fn playback_bar(props: &PlaybackBarProps) -> Html {
    let toggle = {
        let cb = props.on_toggle.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let step = {
        let cb = props.on_step.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let ff = {
        let cb = props.on_fast_forward.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let rewind = {
        let cb = props.on_seek.clone();
        Callback::from(move |_| cb.emit(0))
    };
    let scrub = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let ms: u64 = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse()
                .unwrap_or(0);
            cb.emit(ms.saturating_mul(1000));
        })
    };
    let speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlSelectElement>().value();
            let v = crate::doc::parse_number(&text).unwrap_or(1.0);
            cb.emit(v);
        })
    };
    let playing = props.playback == Playback::Playing;
    let end_ms = props.end_us / 1000;
    let pos_ms = props.position_us / 1000;
    let actions: Vec<Value> = props
        .doc
        .get("actions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    html! {
        <section class="playback" aria-label="Playback">
            <div class="playback-row">
                <button type="button" onclick={rewind} disabled={props.disabled} aria-label="Back to the start">{"|◀"}</button>
                <button type="button" class="play" onclick={toggle} disabled={props.disabled}
                        aria-label={if playing { "Pause" } else { "Play" }} aria-keyshortcuts="Space">
                    {if playing { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <button type="button" onclick={step} disabled={props.disabled} aria-label="Step to the next event" aria-keyshortcuts="Period">{"▶| Step"}</button>
                <label class="speed">{"speed"}
                    <select onchange={speed}>
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={Trimmed(*s, 2).to_string()} selected={(*s - props.speed).abs() < 1e-9}>{speed_label(*s)}</option>
                        }) }
                    </select>
                </label>
                <input type="range" class="scrubber" min="0" max={end_ms.to_string()} step="10"
                       value={pos_ms.to_string()} oninput={scrub} disabled={props.disabled}
                       aria-label="position" aria-keyshortcuts="ArrowLeft ArrowRight"
                       aria-valuetext={format!("{} s of {} s", Fixed(pos_ms as f64 / 1000.0, 3), Fixed(end_ms as f64 / 1000.0, 1))} />
                <output class="time mono" data-position-ms={pos_ms.to_string()}>
                    {format!("{} s / {} s", Fixed(pos_ms as f64 / 1000.0, 3), Fixed(end_ms as f64 / 1000.0, 1))}
                </output>
                <button type="button" onclick={ff} disabled={props.disabled} aria-label="Fast-forward to the end">{"▶▶ to the end"}</button>
                if props.playback == Playback::FastForwarding {
                    <progress max={end_ms.max(1).to_string()} value={pos_ms.to_string()} aria-label="fast-forward progress" />
                }
            </div>
            if !actions.is_empty() {
                <ol class="timeline" aria-label="Timeline">
                    { for actions.iter().map(|a| {
                        let at = a.get("at.ms").and_then(Value::as_u64).unwrap_or(0);
                        let cb = props.on_seek.clone();
                        html! {
                            <li><button type="button" class="timeline-action" onclick={Callback::from(move |_| cb.emit(at.saturating_mul(1000)))}>
                                {action_label(a)}
                            </button></li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
