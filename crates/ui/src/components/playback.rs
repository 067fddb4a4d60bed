//! The playback bar: play/pause, one step, speed, a scrubber over the whole run (backwards too),
//! fast-forward to the end with its progress (and a long replay's), and the timeline's actions
//! to jump to.

use crate::markup::el;
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

/// While fast-forwarding, how far to the end; while going a long way frame by frame (a step
/// back, a jump ahead, a long run's edit or link), how far to the moment (written beside it).
fn progress(playback: Playback, pos_ms: u64, end_ms: u64) -> Option<Html> {
    let (max_ms, label, note) = match playback {
        Playback::FastForwarding => (end_ms, "fast-forward progress", None),
        Playback::RunningTo {
            to_us, from_start, ..
        } => (
            to_us / 1000,
            "progress to the position",
            Some(format!(
                "{} to {} s",
                if from_start {
                    "Running from the start"
                } else {
                    "Running on"
                },
                Fixed(to_us as f64 / 1_000_000.0, 1)
            )),
        ),
        Playback::Paused | Playback::Playing => return None,
    };
    let bar = el("progress")
        .attr("max", max_ms.max(1).to_string())
        .attr("value", pos_ms.to_string())
        .attr("aria-label", label);
    Some(match note {
        Some(note) => el("span")
            .class("running-to small")
            .attr("role", "status")
            .el(bar)
            .text(note)
            .html(),
        None => bar.html(),
    })
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
    let time = format!(
        "{} s / {} s",
        Fixed(pos_ms as f64 / 1000.0, 3),
        Fixed(end_ms as f64 / 1000.0, 1)
    );
    let button = |on: Callback<MouseEvent>, label: &'static str| {
        el("button")
            .attr("type", "button")
            .on_click(on)
            .flag("disabled", props.disabled)
            .attr("aria-label", label)
    };
    let speeds = SPEEDS.iter().map(|s| {
        el("option")
            .attr("value", Trimmed(*s, 2).to_string())
            .flag("selected", (*s - props.speed).abs() < 1e-9)
            .text(speed_label(*s))
            .html()
    });
    let timeline = (!actions.is_empty()).then(|| {
        el("ol")
            .class("timeline")
            .attr("aria-label", "Timeline")
            .child(
                actions
                    .iter()
                    .map(|a| {
                        let at = a.get("at.ms").and_then(Value::as_u64).unwrap_or(0);
                        let cb = props.on_seek.clone();
                        el("li")
                            .el(el("button")
                                .attr("type", "button")
                                .class("timeline-action")
                                .on_click(Callback::from(move |_| cb.emit(at.saturating_mul(1000))))
                                .text(action_label(a)))
                            .html()
                    })
                    .collect(),
            )
            .html()
    });
    el("section")
        .class("playback")
        .attr("aria-label", "Playback")
        .el(el("div")
            .class("playback-row")
            .el(button(rewind, "Back to the start").text("|◀"))
            .el(button(toggle, if playing { "Pause" } else { "Play" })
                .class("play")
                .attr("aria-keyshortcuts", "Space")
                .text(if playing { "❚❚ Pause" } else { "▶ Play" }))
            .el(button(step, "Step to the next event")
                .attr("aria-keyshortcuts", "Period")
                .text("▶| Step"))
            .el(el("label")
                .class("speed")
                .text("speed")
                .el(el("select").on_change(speed).child(speeds.collect())))
            .child(html! {
                <input type="range" class="scrubber" min="0" max={end_ms.to_string()} step="10"
                       value={pos_ms.to_string()} oninput={scrub} disabled={props.disabled}
                       aria-label="position" aria-keyshortcuts="ArrowLeft ArrowRight"
                       aria-valuetext={format!("{} s of {} s", Fixed(pos_ms as f64 / 1000.0, 3), Fixed(end_ms as f64 / 1000.0, 1))} />
            })
            .el(el("output")
                .class("time mono")
                .attr("data-position-ms", pos_ms.to_string())
                .text(time))
            .el(button(ff, "Fast-forward to the end").text("▶▶ to the end"))
            .maybe(progress(props.playback, pos_ms, end_ms)))
        .maybe(timeline)
        .html()
}
