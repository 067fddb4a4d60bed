//! The stage: producers on the left, brokers with their partition replicas in the middle, the
//! controller above them and the consumer groups on the right; every message in flight is a
//! mark on the wire between its sender and receiver. Nodes are buttons that open a menu of what
//! can happen to them.

use crate::components::group_lane::{group_lane, GroupLaneProps};
use crate::components::log_marks::{log_marks, StripScale};
use crate::components::node_menu::{node_menu, NodeMenuProps};
use crate::components::partition_cells::still_leads;
use crate::components::{class_list, px};
use crate::highlight::Highlight;
use crate::markup::{el, El};
use crate::run_cache::{Flight, Frame, GroupView, Node, Outcome};
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::observe::view::{BrokerView, ProducerView};
use kafka_sim::support::decimal::Fixed;
use kafka_sim::support::vec_map::VecMap;
use kafka_sim::ActionKind;
use serde_json::Value;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;
use yew::virtual_dom::AttrValue;

/// The stage's drawing width (it scales to its box), wider when consumers are drawn.
const WIDTH: f64 = 700.0;
const WIDTH_WITH_GROUPS: f64 = 920.0;
const PRODUCER_X: f64 = 10.0;
const PRODUCER_W: f64 = 210.0;
const PRODUCER_H: f64 = 86.0;
const BROKER_X: f64 = 330.0;
const BROKER_W: f64 = 300.0;
const ROW_H: f64 = 17.0;
const BROKER_HEAD: f64 = 26.0;
const TOP: f64 = 70.0;
const GAP: f64 = 16.0;
const GROUP_X: f64 = 700.0;
const GROUP_W: f64 = 210.0;
const GROUP_HEAD: f64 = 52.0;
const MEMBER_H: f64 = 30.0;
/// Replica rows drawn per broker; more are summarised.
const MAX_ROWS: usize = 12;
/// Log cells of a replica strip.
const STRIP_CELLS: u64 = 24;

/// Where things are on the stage.
struct Layout {
    producers: Vec<f64>,
    /// Consumer name → the y of its row; groups → the y of their header.
    consumers: Vec<(String, f64)>,
    groups: Vec<f64>,
    brokers: Vec<(f64, f64)>,
    /// The id of each of `brokers` (a focused stage draws some brokers only).
    broker_ids: Vec<u32>,
    controller: (f64, f64),
    width: f64,
    height: f64,
}

fn layout(frame: &Frame) -> Layout {
    let mut y = TOP;
    let brokers: Vec<(f64, f64)> = frame
        .view
        .brokers
        .iter()
        .map(|b| {
            let rows = b.replicas.len().min(MAX_ROWS) + usize::from(b.replicas.len() > MAX_ROWS);
            let h = BROKER_HEAD + rows as f64 * ROW_H + 8.0;
            let top = y;
            y += h + GAP;
            (top, h)
        })
        .collect();
    let brokers_bottom = y;
    let producers: Vec<f64> = (0..frame.view.producers.len())
        .map(|i| TOP + i as f64 * (PRODUCER_H + GAP))
        .collect();
    let producers_bottom = TOP + producers.len() as f64 * (PRODUCER_H + GAP);
    let mut gy = TOP;
    let mut groups = Vec::new();
    let mut consumers = Vec::new();
    for g in &frame.groups {
        groups.push(gy);
        gy += GROUP_HEAD;
        for m in &g.members {
            consumers.push((m.name.clone(), gy));
            gy += MEMBER_H;
        }
        gy += GAP;
    }
    Layout {
        producers,
        consumers,
        groups,
        brokers,
        broker_ids: frame.view.brokers.iter().map(|b| b.id).collect(),
        controller: (BROKER_X + BROKER_W / 2.0, 28.0),
        width: if frame.groups.is_empty() {
            WIDTH
        } else {
            WIDTH_WITH_GROUPS
        },
        height: brokers_bottom.max(producers_bottom).max(gy).max(260.0) + 10.0,
    }
}

impl Layout {
    /// Where a node's wires meet it, seen from `other`.
    fn anchor(&self, node: &Node, other: &Node) -> Option<(f64, f64)> {
        match node {
            Node::Producer(i) => self
                .producers
                .get(*i as usize)
                .map(|y| (PRODUCER_X + PRODUCER_W, y + PRODUCER_H / 2.0)),
            Node::Broker(b) => {
                let i = self.broker_ids.iter().position(|id| id == b)?;
                self.brokers.get(i).map(|(top, h)| {
                    let x = match other {
                        Node::Producer(_) => BROKER_X,
                        Node::Broker(_) => BROKER_X + BROKER_W + 14.0,
                        Node::Consumer(_) | Node::Group(_) => BROKER_X + BROKER_W,
                        Node::Controller | Node::Registry => BROKER_X + BROKER_W / 2.0,
                    };
                    let y = match other {
                        Node::Controller | Node::Registry => *top,
                        _ => top + h / 2.0,
                    };
                    (x, y)
                })
            }
            Node::Controller => Some((self.controller.0, self.controller.1 + 16.0)),
            // Above the producers, at the stage's top left.
            Node::Registry => Some((PRODUCER_X + PRODUCER_W / 2.0, 28.0)),
            Node::Consumer(name) => self
                .consumers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, y)| (GROUP_X + 4.0, y + MEMBER_H / 2.0)),
            Node::Group(_) => None,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub frame: Rc<Frame>,
    pub doc: Rc<Value>,
    pub reduced_motion: bool,
    /// A stage action (without `at.ms`) for the timeline.
    pub on_act: Callback<ActionKind>,
    /// What a lesson's step points at (`broker:1`, `partition:orders-0`, ...): outlined.
    #[prop_or_default]
    pub lit: Rc<Vec<String>>,
}

/// Whether a lesson's step points at `target` (each drawn thing carries its target as
/// `data-target`).
pub(super) fn is_lit(lit: &[String], target: &str) -> bool {
    lit.iter().any(|t| t == target)
}

/// A broker is lit as itself, as the controller (ZooKeeper-era: a broker is the controller) or
/// as a group's coordinator.
fn broker_lit(lit: &[String], b: &BrokerView, groups: &[GroupView]) -> bool {
    is_lit(lit, &format!("broker:{}", b.id))
        || (b.is_controller && is_lit(lit, "controller"))
        || groups.iter().any(|g| {
            g.coordinator == Some(b.id) && is_lit(lit, &format!("coordinator:{}", g.group_id))
        })
}

#[component]
pub fn Stage(props: &StageProps) -> Html {
    let menu = use_state(|| None::<Node>);
    let frame = &props.frame;
    let lit: &[String] = &props.lit;
    let l = layout(frame);
    let open = |node: Node| {
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| menu.set(Some(node.clone())))
    };
    let open_key = |node: Node| {
        let menu = menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                menu.set(Some(node.clone()));
            }
        })
    };
    let kraft = !frame.view.brokers.iter().any(|b| b.is_controller);
    let wires: Html = l
        .producers
        .iter()
        .flat_map(|py| {
            l.brokers.iter().map(move |(top, h)| {
                el("line")
                    .class("wire")
                    .attr("x1", fmt(PRODUCER_X + PRODUCER_W))
                    .attr("y1", fmt(py + PRODUCER_H / 2.0))
                    .attr("x2", fmt(BROKER_X))
                    .attr("y2", fmt(top + h / 2.0))
                    .html()
            })
        })
        .collect();
    let flights = draw_flights(&frame.flights, &l, props.reduced_motion);
    let view_box = format!("0 0 {} {}", px(l.width), px(l.height));
    let on_close = {
        let menu = menu.clone();
        Callback::from(move |_| menu.set(None))
    };
    let on_act = {
        let (menu, on_act) = (menu.clone(), props.on_act.clone());
        Callback::from(move |v: ActionKind| {
            menu.set(None);
            on_act.emit(v);
        })
    };
    let menu_node = (*menu).clone();
    // A node of the stage: a button that opens its menu.
    let button = |node: Node, class: String| {
        el("g")
            .class(class)
            .attr("role", "button")
            .attr("tabindex", "0")
            .attr("aria-haspopup", "menu")
            .on_click(open(node.clone()))
            .on_keydown(open_key(node))
    };
    let controller = kraft.then(|| {
        button(
            Node::Controller,
            class_list("node controller", &[(is_lit(lit, "controller"), "lit")]),
        )
        .attr("data-target", "controller")
        .el(rect(fmt(l.controller.0 - 90.0), "8", "180", "36", "6"))
        .el(text_at(fmt(l.controller.0), "31")
            .attr("text-anchor", "middle")
            .text("◆ controller (KRaft)"))
        .html()
    });
    let registry = frame.view.registry.as_ref().map(|r| {
        button(
            Node::Registry,
            class_list("node registry", &[(r.refusals > 0, "refused")]),
        )
        .attr("data-registry-refusals", r.refusals.to_string())
        .el(rect(fmt(PRODUCER_X), "8", fmt(PRODUCER_W), "36", "6"))
        .el(text_at(fmt(PRODUCER_X + PRODUCER_W / 2.0), "31")
            .attr("text-anchor", "middle")
            .text(if r.refusals > 0 {
                format!("schema registry · {} refused (409)", r.refusals)
            } else {
                format!("schema registry · {} schema(s)", r.schemas)
            }))
        .html()
    });
    let producers = frame.view.producers.iter().enumerate().map(|(i, p)| {
        let y = l.producers.get(i).copied().unwrap_or(TOP);
        let target = format!("producer:{}", p.name);
        el("g")
            .class(class_list("producer", &[(is_lit(lit, &target), "lit")]))
            .attr("data-target", target)
            .child(draw_producer(p, y, frame.now_us))
            .el(button(Node::Producer(i as u32), "node".to_string())
                .attr("data-producer", p.name.clone())
                .el(rect(fmt(PRODUCER_X), fmt(y), fmt(PRODUCER_W), "22", "6").class("hit"))
                .el(text_at(fmt(PRODUCER_X + 8.0), fmt(y + 16.0))
                    .class("title")
                    .text(format!("▶ producer {}", p.name))))
            .html()
    });
    let brokers = frame.view.brokers.iter().enumerate().map(|(i, b)| {
        let (top, h) = l.brokers.get(i).copied().unwrap_or((TOP, 40.0));
        let status = broker_status(b, still_leads(&frame.view.partitions, b.id));
        el("g")
            .class(class_list(
                "broker",
                &[
                    (!b.alive, "down"),
                    (b.isolated, "isolated"),
                    (broker_lit(lit, b, &frame.groups), "lit"),
                ],
            ))
            .attr("data-target", format!("broker:{}", b.id))
            .child(draw_broker(b, top, h, frame.highlight.as_ref(), lit))
            .el(button(Node::Broker(b.id), "node".to_string())
                .attr("data-broker", b.id.to_string())
                .el(rect(fmt(BROKER_X), fmt(top), fmt(BROKER_W - 80.0), "24", "6").class("hit"))
                .el(text_at(fmt(BROKER_X + 8.0), fmt(top + 17.0))
                    .class("title")
                    .text(format!("■ broker {}", b.id))
                    // In a smaller face, so a long status clears the card's column legend.
                    .maybe(
                        (!status.is_empty())
                            .then(|| el("tspan").text(format!(" · {status}")).html()),
                    )))
            .html()
    });
    let groups = frame.groups.iter().enumerate().map(|(i, g)| {
        let top = l.groups.get(i).copied().unwrap_or(TOP);
        draw_group(g, top, &l, lit, &button)
    });
    let cluster = el("svg")
        .class("stage-svg")
        .attr("viewBox", view_box.clone())
        .attr("role", "group")
        .attr("aria-label", "Cluster")
        .el(el("g")
            .class("wires")
            .attr("aria-hidden", "true")
            .child(wires))
        .maybe(controller)
        .maybe(registry)
        .child(producers.collect())
        .child(brokers.collect())
        .child(groups.collect());
    // Messages move every frame: their own layer, so the cluster beneath is not repainted.
    let flights = el("svg")
        .class("flights")
        .attr("viewBox", view_box)
        .attr("aria-hidden", "true")
        .attr("focusable", "false")
        .child(flights);
    let lane = group_lane(&GroupLaneProps {
        groups: frame.groups.clone(),
        on_act: props.on_act.clone(),
        on_open: {
            let menu = menu.clone();
            Callback::from(move |n| menu.set(Some(n)))
        },
    });
    el("div")
        .class("stage-box")
        .el(el("div").class("stage-canvas").el(cluster).el(flights))
        .child(lane)
        .maybe(menu_node.map(|node| {
            node_menu(&NodeMenuProps {
                node,
                frame: props.frame.clone(),
                on_act,
                on_close,
            })
        }))
        .el(el("p")
            .class("stage-caption")
            .attr("aria-live", "polite")
            .text(format!("{} messages on the wire", frame.flights.len())))
        .html()
}

fn fmt(x: f64) -> String {
    px(x).to_string()
}

/// `<rect x y width height rx>`.
fn rect(
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
fn text_at(x: impl Into<AttrValue>, y: impl Into<AttrValue>) -> El {
    el("text").attr("x", x).attr("y", y)
}

/// `still_leads`: partitions the controller still has it leading while it is down (not fenced
/// yet, see `PartitionView::leader_down`).
fn broker_status(b: &BrokerView, still_leads: usize) -> String {
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

fn draw_producer(p: &ProducerView, y: f64, now_us: u64) -> Html {
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
fn draw_broker(
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
fn draw_flights(flights: &[Flight], l: &Layout, reduced_motion: bool) -> Html {
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
fn draw_group(
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
