//! Charts over simulated time, from the run's samples: throughput (records acknowledged per
//! second), latency percentiles (p50, p99) and consumer lag.

use crate::components::px;
use crate::markup::el;
use crate::run_cache::{Sample, SAMPLE_EVERY_US};
use kafka_sim::support::decimal::Fixed;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;

const W: f64 = 300.0;
const H: f64 = 70.0;

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// Compared by pointer first: the charts redraw only when a sample is added.
    pub samples: Rc<Vec<Sample>>,
    pub end_us: u64,
}

/// One polyline's points for values over the run's duration.
fn points(
    samples: &[Sample],
    end_us: u64,
    max: f64,
    value: impl Fn(usize, &Sample) -> f64,
) -> String {
    let end = end_us.max(1) as f64;
    let mut points = String::new();
    for (i, s) in samples.iter().enumerate() {
        let x = s.time_us as f64 / end * W;
        let y = H - (value(i, s) / max.max(1e-9)).min(1.0) * (H - 4.0);
        let _ = write!(
            points,
            "{}{},{}",
            if i > 0 { " " } else { "" },
            px(x),
            px(y)
        );
    }
    points
}

fn chart(title: &str, caption: String, lines: Vec<(&'static str, String)>) -> Html {
    el("figure")
        .class("chart")
        .el(el("figcaption")
            .text(title.to_string())
            .el(el("span").class("small").text(caption)))
        .el(el("svg")
            .attr("viewBox", format!("0 0 {} {}", px(W), px(H)))
            .attr("role", "img")
            .attr("aria-label", title.to_string())
            .el(el("line")
                .class("axis")
                .attr("x1", "0")
                .attr("y1", px(H).to_string())
                .attr("x2", px(W).to_string())
                .attr("y2", px(H).to_string()))
            .child(
                lines
                    .into_iter()
                    .map(|(class, pts)| el("polyline").class(class).attr("points", pts).html())
                    .collect(),
            ))
        .html()
}

#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let samples = props.samples.as_slice();
    let end = props.end_us;
    let per_sec = 1e6 / SAMPLE_EVERY_US as f64;
    let rate = |i: usize, s: &Sample| {
        let before = i
            .checked_sub(1)
            .and_then(|j| samples.get(j))
            .map(|p| p.acknowledged)
            .unwrap_or(0);
        s.acknowledged.saturating_sub(before) as f64 * per_sec
    };
    let max_rate = samples
        .iter()
        .enumerate()
        .map(|(i, s)| rate(i, s))
        .fold(0.0, f64::max);
    let max_latency = samples.iter().map(|s| s.latency_p99_ms).fold(0.0, f64::max);
    let max_lag = samples
        .iter()
        .map(|s| s.consumer_lag as f64)
        .fold(0.0, f64::max);
    let latency = vec![
        (
            "line-info",
            points(samples, end, max_latency, |_, s| s.latency_p50_ms),
        ),
        (
            "line-warn dashed",
            points(samples, end, max_latency, |_, s| s.latency_p99_ms),
        ),
    ];
    let lag_note = if max_lag > 0.0 {
        format!(
            " up to {} records behind the committed offsets (as kafka-consumer-groups shows LAG; \
             it climbs between auto-commits)",
            Fixed(max_lag, 0)
        )
    } else {
        " (no consumer figures in this run)".to_string()
    };
    el("section")
        .class("charts")
        .attr("aria-label", "Charts")
        .child(chart(
            "throughput",
            format!(" up to {} records/s", Fixed(max_rate, 0)),
            vec![("line-ok", points(samples, end, max_rate, rate))],
        ))
        .child(chart(
            "latency",
            format!(
                " p50 (solid), p99 (dashed), up to {} ms",
                Fixed(max_latency, 1)
            ),
            latency,
        ))
        .child(chart(
            "consumer lag",
            lag_note,
            vec![(
                "line-dup",
                points(samples, end, max_lag, |_, s| s.consumer_lag as f64),
            )],
        ))
        .html()
}
