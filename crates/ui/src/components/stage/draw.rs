//! The SVG of each kind of node on the stage, and of the messages on its wires.

use super::is_lit;
use super::layout::*;
use crate::components::log_marks::{log_marks, StripScale};
use crate::components::{class_list, px};
use crate::highlight::Highlight;
use crate::markup::{el, El};
use crate::run_cache::{Flight, GroupView, Node, Outcome};
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::observe::view::{BrokerView, ProducerView};
use kafka_sim::support::decimal::Fixed;
use kafka_sim::support::vec_map::VecMap;
use std::fmt::Write;
use yew::prelude::*;
use yew::virtual_dom::AttrValue;

pub(super) fn fmt(x: f64) -> String {
    px(x).to_string()
}

/// `<rect x y width height rx>`.
pub(super) fn rect(
    x: impl Into<AttrValue>,
    y: impl Into<AttrValue>,
    width: impl Into<AttrValue>,
    height: impl Into<AttrValue>,
    rx: &'static str,
) -> El {
    el("rect")
        .attr("x", x)
        .attr("y", y)
        .attr("width", width)
        .attr("height", height)
        .attr("rx", rx)
}

/// `<text x y>`.
pub(super) fn text_at(x: impl Into<AttrValue>, y: impl Into<AttrValue>) -> El {
    el("text").attr("x", x).attr("y", y)
}

/// `still_leads`: partitions the controller still has it leading while it is down (not fenced
/// yet, see `PartitionView::leader_down`).
pub(super) fn broker_status(b: &BrokerView, still_leads: usize) -> String {
    let mut parts = Vec::new();
    if !b.alive {
        parts.push("✖ down");
    }
    if b.isolated {
        parts.push("⊘ isolated");
    }
    if b.is_controller {
        parts.push("★ controller");
    }
    let leaders = b.replicas.iter().filter(|r| r.is_leader).count();
    let mut text = parts.join(", ");
    if b.alive {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&format!("leader of {leaders}"));
    } else if still_leads > 0 {
        text.push_str(&format!(", leads {still_leads}"));
    }
    text
}

pub(super) fn draw_producer(p: &ProducerView, y: f64, now_us: u64) -> Html {
    let slot = 9.0;
    let rows = p.connections.iter().enumerate().map(|(row, c)| {
        let ry = y + 34.0 + row as f64 * 13.0;
        let shown = c.window.min(10);
        let slots: Html = (0..shown)
            .map(|s| {
                el("rect")
                    .class(if s < c.in_flight { "slot used" } else { "slot" })
                    .attr("x", fmt(PRODUCER_X + 40.0 + s as f64 * (slot + 2.0)))
                    .attr("y", fmt(ry))
                    .attr("width", fmt(slot))
                    .attr("height", fmt(slot))
                    .html()
            })
            .collect();
        el("g")
            .class("window")
            .attr("data-broker", c.broker.to_string())
            .el(text_at(fmt(PRODUCER_X + 8.0), fmt(ry + 8.0))
                .class("small")
                .text(format!("→b{}", c.broker)))
            .child(slots)
            .el(text_at(
                fmt(PRODUCER_X + 44.0 + shown as f64 * (slot + 2.0)),
                fmt(ry + 8.0),
            )
            .class("small")
            .text(format!("{}/{}", c.in_flight, c.window)))
            .html()
    });
    let rows_h = p.connections.len().min(3) as f64;
    let backoff = p
        .backing_off
        .iter()
        .map(|b| b.ready_us.saturating_sub(now_us))
        .min();
    [
        rect(
            fmt(PRODUCER_X),
            fmt(y),
            fmt(PRODUCER_W),
            fmt(PRODUCER_H.max(40.0 + rows_h * 13.0)),
            "6",
        )
        .class("box")
        .html(),
        text_at(fmt(PRODUCER_X + 8.0), fmt(y + 28.0))
            .class("small")
            .text(format!(
                "sent {} · queued batches {}",
                p.counts.sent, p.queued_batches
            ))
            .html(),
        rows.take(3).collect(),
        backoff
            .map(|wait| {
                text_at(fmt(PRODUCER_X + 8.0), fmt(y + PRODUCER_H - 4.0))
                    .class("small backoff")
                    .text(format!(
                        "◷ {} batch(es) in retry backoff, {} ms",
                        p.backing_off.len(),
                        Fixed(wait as f64 / 1000.0, 0)
                    ))
                    .html()
            })
            .unwrap_or_default(),
    ]
    .into_iter()
    .collect()
}

/// A broker's replicas, each with its log strip: filled up to the log end offset, a line at the
/// high watermark, and the selected ledger figure's marks.
pub(super) fn draw_broker(
    b: &BrokerView,
    top: f64,
    h: f64,
    highlight: Option<&Highlight>,
    lit: &[String],
) -> Html {
    let max_leo = b
        .replicas
        .iter()
        .map(|r| r.log_end_offset)
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = b.replicas.iter().take(MAX_ROWS).enumerate().map(|(i, r)| {
        let y = top + BROKER_HEAD + i as f64 * ROW_H;
        let cell_w = 5.0;
        let strip_x = BROKER_X + 96.0;
        let filled = (r.log_end_offset * STRIP_CELLS).div_ceil(max_leo);
        let scale = StripScale {
            x: strip_x,
            width: STRIP_CELLS as f64 * cell_w,
            max_leo,
        };
        let hw_x = scale.x_of(r.high_watermark);
        let name = format!("{}-{}", r.topic, r.partition);
        let marks = highlight.and_then(|hl| {
            let m = hl.strip(b.id, &name)?;
            Some(log_marks(m, &scale, y + 2.0, hl.figure))
        });
        let role = if r.is_leader { "L" } else { "F" };
        // The log strip's outline and its filled part.
        let strip = |class: &'static str, width: f64| {
            el("rect")
                .class(class)
                .attr("x", fmt(strip_x))
                .attr("y", fmt(y + 2.0))
                .attr("width", fmt(width))
                .attr("height", "10")
        };
        let target = format!("partition:{name}");
        let on = is_lit(lit, &target) || is_lit(lit, &format!("topic:{}", r.topic));
        el("g")
            .class(class_list(
                "replica",
                &[
                    (r.is_leader, "leader"),
                    (!r.in_isr, "out-of-isr"),
                    (on, "lit"),
                ],
            ))
            .attr("data-partition", name)
            .attr("data-target", target)
            .maybe(on.then(|| {
                rect(
                    fmt(BROKER_X + 3.0),
                    fmt(y - 2.0),
                    fmt(BROKER_W - 6.0),
                    fmt(ROW_H),
                    "3",
                )
                .class("lit-ring")
                .html()
            }))
            .el(el("title").text(format!(
                "{}-{}: {} , epoch {}, {}, log end offset {}, high watermark {}",
                r.topic,
                r.partition,
                if r.is_leader { "leader" } else { "follower" },
                r.leader_epoch,
                if r.in_isr { "in ISR" } else { "out of ISR" },
                r.log_end_offset,
                r.high_watermark
            )))
            .el(text_at(fmt(BROKER_X + 8.0), fmt(y + 11.0))
                .class("small")
                .text(format!(
                    "{}-{} {}{}",
                    r.topic,
                    r.partition,
                    role,
                    if r.in_isr { "" } else { " ∉ISR" }
                )))
            .el(strip("strip", STRIP_CELLS as f64 * cell_w))
            .el(strip("strip-fill", filled as f64 * cell_w))
            .el(el("line")
                .class("hw")
                .attr("x1", fmt(hw_x))
                .attr("x2", fmt(hw_x))
                .attr("y1", fmt(y))
                .attr("y2", fmt(y + 14.0)))
            .maybe(marks)
            .el(text_at(
                fmt(strip_x + STRIP_CELLS as f64 * cell_w + 6.0),
                fmt(y + 11.0),
            )
            .class("small mono")
            .text(format!(
                "{}/{} e{}",
                r.high_watermark, r.log_end_offset, r.leader_epoch
            )))
            .html()
    });
    let more = b.replicas.len().saturating_sub(MAX_ROWS);
    [
        rect(fmt(BROKER_X), fmt(top), fmt(BROKER_W), fmt(h), "6")
            .class("box")
            .html(),
        text_at(fmt(BROKER_X + BROKER_W - 8.0), fmt(top + 17.0))
            .class("small legend")
            .attr("text-anchor", "end")
            // Short, as the rows write it ("50/55 e0"), so a long status beside it fits.
            .text("HW/LEO e")
            .el(el("title").text("high watermark / log end offset, leader epoch"))
            .html(),
        rows.collect(),
        if more > 0 {
            text_at(
                fmt(BROKER_X + 8.0),
                fmt(top + BROKER_HEAD + MAX_ROWS as f64 * ROW_H + 11.0),
            )
            .class("small")
            .text(format!("+{more} more replicas"))
            .html()
        } else {
            Html::default()
        },
    ]
    .into_iter()
    .collect()
}

/// Every message's mark, batched into one path per look (kind, fate, selection) so a frame
/// with hundreds of messages updates a handful of elements. The shape says what becomes of a
/// message (colour repeats it); a ring marks the selected ledger figure's records.
pub(super) fn draw_flights(flights: &[Flight], l: &Layout, reduced_motion: bool) -> Html {
    let mut paths: VecMap<String, String> = VecMap::new();
    for f in flights {
        let (Some((x1, y1)), Some((x2, y2))) = (l.anchor(&f.from, &f.to), l.anchor(&f.to, &f.from))
        else {
            continue;
        };
        // Reduced motion: marks wait at the middle of their wire instead of travelling.
        let t = if reduced_motion { 0.5 } else { f.progress };
        let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        let r = if f.is_control { 3.0 } else { 5.5 };
        let class = format!(
            "msg kind-{} fate-{}{}",
            f.kind,
            f.outcome.name().replace(' ', "-"),
            if f.is_control { " control" } else { "" }
        );
        let d = paths.get_or_default(class);
        let _ = match f.outcome {
            Outcome::Delivered | Outcome::Retransmitted => write!(
                d,
                "M{} {}a{r} {r} 0 1 0 {d2} 0a{r} {r} 0 1 0 -{d2} 0",
                px(x - r),
                px(y),
                r = px(r),
                d2 = px(2.0 * r)
            ),
            Outcome::Retried => write!(
                d,
                "M{} {}h{s}v{s}h-{s}Z",
                px(x - r),
                px(y - r),
                s = px(2.0 * r)
            ),
            Outcome::Dropped => write!(
                d,
                "M{} {}l{s} {s}M{} {}l{s} -{s}",
                px(x - r),
                px(y - r),
                px(x - r),
                px(y + r),
                s = px(2.0 * r)
            ),
            Outcome::Duplicate => write!(
                d,
                "M{} {}l{q} {q}l-{q} {q}l-{q} -{q}Z",
                px(x),
                px(y - r - 1.0),
                q = px(r + 1.0)
            ),
            Outcome::OutOfOrder => write!(
                d,
                "M{} {}l{q} {w}h-{w2}Z",
                px(x),
                px(y - r - 1.0),
                q = px(r + 1.0),
                w = px(2.0 * r + 1.0),
                w2 = px(2.0 * (r + 1.0))
            ),
        };
        if f.highlighted {
            let ring = paths.get_or_default("msg-ring".to_string());
            let rr = r + 4.0;
            let _ = write!(
                ring,
                "M{} {}a{rr} {rr} 0 1 0 {d2} 0a{rr} {rr} 0 1 0 -{d2} 0",
                px(x - rr),
                px(y),
                rr = px(rr),
                d2 = px(2.0 * rr)
            );
        }
    }
    paths
        .into_iter()
        .map(|(class, d)| {
            el("path")
                .key(class.clone())
                .class(class)
                .attr("d", d)
                .html()
        })
        .collect()
}

/// A consumer group: its state and generation (a rebalance is unmistakable: dashed outline and
/// ⟳), and its members, the leader crowned, paused members greyed, each with its assignment.
pub(super) fn draw_group(
    g: &GroupView,
    top: f64,
    l: &Layout,
    lit: &[String],
    button: &dyn Fn(Node, String) -> El,
) -> Html {
    let stable = g.state == GroupState::Stable;
    let height = GROUP_HEAD + g.members.len() as f64 * MEMBER_H;
    let members = g.members.iter().map(|m| {
        let y = l
            .consumers
            .iter()
            .find(|(n, _)| *n == m.name)
            .map(|(_, y)| *y)
            .unwrap_or(top);
        let leader = g.leader.as_deref() == Some(m.name.as_str());
        let target = format!("consumer:{}", m.name);
        let below = match &m.stuck {
            Some(at) => text_at(fmt(GROUP_X + 10.0), fmt(y + 25.0))
                .class("small stuck")
                .attr("data-stuck", at.clone())
                .text(format!("⚠ poll() stuck at {at}")),
            None => text_at(fmt(GROUP_X + 10.0), fmt(y + 25.0))
                .class("small")
                .text({
                    let mut owned = String::new();
                    for (i, (t, p)) in m.assignment.iter().enumerate() {
                        let _ = write!(owned, "{}{t}-{p}", if i > 0 { " " } else { "" });
                    }
                    owned
                }),
        };
        el("g")
            .class(class_list(
                "member",
                &[(m.paused, "paused"), (is_lit(lit, &target), "lit")],
            ))
            .attr("data-target", target)
            .el(button(Node::Consumer(m.name.clone()), "node".to_string())
                .el(rect(
                    fmt(GROUP_X + 4.0),
                    fmt(y + 1.0),
                    fmt(GROUP_W - 8.0),
                    fmt(MEMBER_H - 2.0),
                    "4",
                )
                .class("hit"))
                .el(text_at(fmt(GROUP_X + 10.0), fmt(y + 13.0)).text(format!(
                    "{}{}{}",
                    if leader { "♛ " } else { "● " },
                    m.name,
                    if m.paused { " (paused)" } else { "" }
                ))))
            .el(below)
            .html()
    });
    let target = format!("group:{}", g.group_id);
    el("g")
        .class(class_list(
            "group-box",
            &[(!stable, "rebalancing"), (is_lit(lit, &target), "lit")],
        ))
        .attr("data-group", g.group_id.clone())
        .attr("data-target", target)
        .el(rect(fmt(GROUP_X), fmt(top), fmt(GROUP_W), fmt(height), "6").class("box"))
        .el(button(Node::Group(g.group_id.clone()), "node".to_string())
            .el(rect(
                fmt(GROUP_X + 4.0),
                fmt(top + 2.0),
                fmt(GROUP_W - 8.0),
                "20",
                "4",
            )
            .class("hit"))
            .el(text_at(fmt(GROUP_X + 8.0), fmt(top + 16.0))
                .class("title")
                .text(format!(
                    "{} group {}",
                    if stable { "✔" } else { "⟳" },
                    g.group_id
                ))))
        .el(text_at(fmt(GROUP_X + 8.0), fmt(top + 30.0))
            .class("small group-state")
            .text(format!("{} · generation {}", g.state.name(), g.generation)))
        .el(text_at(fmt(GROUP_X + 8.0), fmt(top + 43.0))
            .class("small")
            .text(
                g.coordinator
                    .map(|b| format!("coordinator: broker {b}"))
                    .unwrap_or_else(|| "no coordinator".to_string()),
            ))
        .child(members.collect())
        .html()
}
