//! The stage: producers on the left, brokers with their partition replicas in the middle, the
//! controller above them and the consumer groups on the right; every message in flight is a
//! mark on the wire between its sender and receiver. Nodes are buttons that open a menu of what
//! can happen to them.

use crate::components::group_lane::{group_lane, GroupLaneProps};
use crate::components::log_marks::{log_marks, StripScale};
use crate::components::node_menu::{node_menu, NodeMenuProps};
use crate::components::{class_list, px};
use crate::highlight::Highlight;
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
fn is_lit(lit: &[String], target: &str) -> bool {
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
                html! { <line class="wire" x1={fmt(PRODUCER_X + PRODUCER_W)} y1={fmt(py + PRODUCER_H / 2.0)}
                              x2={fmt(BROKER_X)} y2={fmt(top + h / 2.0)} /> }
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
    html! {
        <div class="stage-box">
            <div class="stage-canvas">
            <svg class="stage-svg" viewBox={view_box.clone()} role="group" aria-label="Cluster">
                <g class="wires" aria-hidden="true">{wires}</g>
                if kraft {
                    <g class={class_list("node controller", &[(is_lit(lit, "controller"), "lit")])} data-target="controller" role="button" tabindex="0" aria-haspopup="menu"
                       onclick={open(Node::Controller)} onkeydown={open_key(Node::Controller)}>
                        <rect x={fmt(l.controller.0 - 90.0)} y="8" width="180" height="36" rx="6" />
                        <text x={fmt(l.controller.0)} y="31" text-anchor="middle">{"◆ controller (KRaft)"}</text>
                    </g>
                }
                if let Some(r) = &frame.view.registry {
                    <g class={class_list("node registry", &[(r.refusals > 0, "refused")])} role="button" tabindex="0"
                       aria-haspopup="menu" data-registry-refusals={r.refusals.to_string()}
                       onclick={open(Node::Registry)} onkeydown={open_key(Node::Registry)}>
                        <rect x={fmt(PRODUCER_X)} y="8" width={fmt(PRODUCER_W)} height="36" rx="6" />
                        <text x={fmt(PRODUCER_X + PRODUCER_W / 2.0)} y="31" text-anchor="middle">
                            {if r.refusals > 0 {
                                format!("schema registry · {} refused (409)", r.refusals)
                            } else {
                                format!("schema registry · {} schema(s)", r.schemas)
                            }}
                        </text>
                    </g>
                }
                { for frame.view.producers.iter().enumerate().map(|(i, p)| {
                    let y = l.producers.get(i).copied().unwrap_or(TOP);
                    html! {
                        <g class={class_list("producer", &[(is_lit(lit, &format!("producer:{}", p.name)), "lit")])}
                           data-target={format!("producer:{}", p.name)}>
                            {draw_producer(p, y, frame.now_us)}
                            <g class="node" role="button" tabindex="0" aria-haspopup="menu" data-producer={p.name.clone()}
                               onclick={open(Node::Producer(i as u32))} onkeydown={open_key(Node::Producer(i as u32))}>
                                <rect class="hit" x={fmt(PRODUCER_X)} y={fmt(y)} width={fmt(PRODUCER_W)} height="22" rx="6" />
                                <text class="title" x={fmt(PRODUCER_X + 8.0)} y={fmt(y + 16.0)}>{format!("▶ producer {}", p.name)}</text>
                            </g>
                        </g>
                    }
                }) }
                { for frame.view.brokers.iter().enumerate().map(|(i, b)| {
                    let (top, h) = l.brokers.get(i).copied().unwrap_or((TOP, 40.0));
                    let status = broker_status(b);
                    html! {
                        <g class={class_list("broker", &[(!b.alive, "down"), (b.isolated, "isolated"), (broker_lit(lit, b, &frame.groups), "lit")])}
                           data-target={format!("broker:{}", b.id)}>
                            {draw_broker(b, top, h, frame.highlight.as_ref(), lit)}
                            <g class="node" role="button" tabindex="0" aria-haspopup="menu" data-broker={b.id.to_string()}
                               onclick={open(Node::Broker(b.id))} onkeydown={open_key(Node::Broker(b.id))}>
                                <rect class="hit" x={fmt(BROKER_X)} y={fmt(top)} width={fmt(BROKER_W - 80.0)} height="24" rx="6" />
                                <text class="title" x={fmt(BROKER_X + 8.0)} y={fmt(top + 17.0)}>
                                    {format!("■ broker {}{}", b.id, if status.is_empty() { String::new() } else { format!(" · {status}") })}
                                </text>
                            </g>
                        </g>
                    }
                }) }
                { for frame.groups.iter().enumerate().map(|(i, g)| {
                    let top = l.groups.get(i).copied().unwrap_or(TOP);
                    draw_group(g, top, &l, lit, &open, &open_key)
                }) }
            </svg>
            // Messages move every frame: their own layer, so the cluster beneath is not repainted.
            <svg class="flights" viewBox={view_box} aria-hidden="true" focusable="false">{flights}</svg>
            </div>
            {group_lane(&GroupLaneProps {
                groups: frame.groups.clone(),
                on_act: props.on_act.clone(),
                on_open: {
                    let menu = menu.clone();
                    Callback::from(move |n| menu.set(Some(n)))
                },
            })}
            if let Some(node) = menu_node {
                {node_menu(&NodeMenuProps { node, frame: props.frame.clone(), on_act, on_close })}
            }
            <p class="stage-caption" aria-live="polite">
                {format!("{} messages on the wire", frame.flights.len())}
            </p>
        </div>
    }
}

fn fmt(x: f64) -> String {
    px(x).to_string()
}

fn broker_status(b: &BrokerView) -> String {
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
    }
    text
}

fn draw_producer(p: &ProducerView, y: f64, now_us: u64) -> Html {
    let slot = 9.0;
    let rows = p.connections.iter().enumerate().map(|(row, c)| {
        let ry = y + 34.0 + row as f64 * 13.0;
        let shown = c.window.min(10);
        html! {
            <g class="window" data-broker={c.broker.to_string()}>
                <text class="small" x={fmt(PRODUCER_X + 8.0)} y={fmt(ry + 8.0)}>{format!("→b{}", c.broker)}</text>
                { for (0..shown).map(|s| html! {
                    <rect class={if s < c.in_flight { "slot used" } else { "slot" }}
                          x={fmt(PRODUCER_X + 40.0 + s as f64 * (slot + 2.0))} y={fmt(ry)}
                          width={fmt(slot)} height={fmt(slot)} />
                }) }
                <text class="small" x={fmt(PRODUCER_X + 44.0 + shown as f64 * (slot + 2.0))} y={fmt(ry + 8.0)}>
                    {format!("{}/{}", c.in_flight, c.window)}
                </text>
            </g>
        }
    });
    let rows_h = p.connections.len().min(3) as f64;
    let backoff = p
        .backing_off
        .iter()
        .map(|b| b.ready_us.saturating_sub(now_us))
        .min();
    html! {
        <>
            <rect class="box" x={fmt(PRODUCER_X)} y={fmt(y)} width={fmt(PRODUCER_W)}
                  height={fmt(PRODUCER_H.max(40.0 + rows_h * 13.0))} rx="6" />
            <text class="small" x={fmt(PRODUCER_X + 8.0)} y={fmt(y + 28.0)}>
                {format!("sent {} · queued batches {}", p.counts.sent, p.queued_batches)}
            </text>
            { for rows.take(3) }
            if let Some(wait) = backoff {
                <text class="small backoff" x={fmt(PRODUCER_X + 8.0)} y={fmt(y + PRODUCER_H - 4.0)}>
                    {format!("◷ {} batch(es) in retry backoff, {} ms", p.backing_off.len(), Fixed(wait as f64 / 1000.0, 0))}
                </text>
            }
        </>
    }
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
        let target = format!("partition:{name}");
        let on = is_lit(lit, &target) || is_lit(lit, &format!("topic:{}", r.topic));
        html! {
            <g class={class_list("replica", &[(r.is_leader, "leader"), (!r.in_isr, "out-of-isr"), (on, "lit")])}
               data-partition={name.clone()} data-target={target}>
                if on {
                    <rect class="lit-ring" x={fmt(BROKER_X + 3.0)} y={fmt(y - 2.0)} width={fmt(BROKER_W - 6.0)} height={fmt(ROW_H)} rx="3" />
                }
                <title>{format!("{}-{}: {} , epoch {}, {}, log end offset {}, high watermark {}",
                    r.topic, r.partition, if r.is_leader { "leader" } else { "follower" }, r.leader_epoch,
                    if r.in_isr { "in ISR" } else { "out of ISR" }, r.log_end_offset, r.high_watermark)}</title>
                <text class="small" x={fmt(BROKER_X + 8.0)} y={fmt(y + 11.0)}>
                    {format!("{}-{} {}{}", r.topic, r.partition, role, if r.in_isr { "" } else { " ∉ISR" })}
                </text>
                <rect class="strip" x={fmt(strip_x)} y={fmt(y + 2.0)} width={fmt(STRIP_CELLS as f64 * cell_w)} height="10" />
                <rect class="strip-fill" x={fmt(strip_x)} y={fmt(y + 2.0)} width={fmt(filled as f64 * cell_w)} height="10" />
                <line class="hw" x1={fmt(hw_x)} x2={fmt(hw_x)} y1={fmt(y)} y2={fmt(y + 14.0)} />
                {marks}
                <text class="small mono" x={fmt(strip_x + STRIP_CELLS as f64 * cell_w + 6.0)} y={fmt(y + 11.0)}>
                    {format!("{}/{} e{}", r.high_watermark, r.log_end_offset, r.leader_epoch)}
                </text>
            </g>
        }
    });
    let more = b.replicas.len().saturating_sub(MAX_ROWS);
    html! {
        <>
            <rect class="box" x={fmt(BROKER_X)} y={fmt(top)} width={fmt(BROKER_W)} height={fmt(h)} rx="6" />
            <text class="small legend" x={fmt(BROKER_X + BROKER_W - 8.0)} y={fmt(top + 17.0)} text-anchor="end">{"HW/LEO epoch"}</text>
            { for rows }
            if more > 0 {
                <text class="small" x={fmt(BROKER_X + 8.0)} y={fmt(top + BROKER_HEAD + MAX_ROWS as f64 * ROW_H + 11.0)}>
                    {format!("+{more} more replicas")}
                </text>
            }
        </>
    }
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
        .map(|(class, d)| html! { <path key={class.clone()} class={class} d={d} /> })
        .collect()
}

/// A consumer group: its state and generation (a rebalance is unmistakable: dashed outline and
/// ⟳), and its members, the leader crowned, paused members greyed, each with its assignment.
fn draw_group(
    g: &GroupView,
    top: f64,
    l: &Layout,
    lit: &[String],
    open: &dyn Fn(Node) -> Callback<MouseEvent>,
    open_key: &dyn Fn(Node) -> Callback<KeyboardEvent>,
) -> Html {
    let stable = g.state == GroupState::Stable;
    let height = GROUP_HEAD + g.members.len() as f64 * MEMBER_H;
    html! {
        <g class={class_list("group-box", &[(!stable, "rebalancing"), (is_lit(lit, &format!("group:{}", g.group_id)), "lit")])}
           data-group={g.group_id.clone()} data-target={format!("group:{}", g.group_id)}>
            <rect class="box" x={fmt(GROUP_X)} y={fmt(top)} width={fmt(GROUP_W)} height={fmt(height)} rx="6" />
            <g class="node" role="button" tabindex="0" aria-haspopup="menu"
               onclick={open(Node::Group(g.group_id.clone()))} onkeydown={open_key(Node::Group(g.group_id.clone()))}>
                <rect class="hit" x={fmt(GROUP_X + 4.0)} y={fmt(top + 2.0)} width={fmt(GROUP_W - 8.0)} height="20" rx="4" />
                <text class="title" x={fmt(GROUP_X + 8.0)} y={fmt(top + 16.0)}>
                    {format!("{} group {}", if stable { "✔" } else { "⟳" }, g.group_id)}
                </text>
            </g>
            <text class="small group-state" x={fmt(GROUP_X + 8.0)} y={fmt(top + 30.0)}>
                {format!("{} · generation {}", g.state.name(), g.generation)}
            </text>
            <text class="small" x={fmt(GROUP_X + 8.0)} y={fmt(top + 43.0)}>
                {g.coordinator.map(|b| format!("coordinator: broker {b}")).unwrap_or_else(|| "no coordinator".to_string())}
            </text>
            { for g.members.iter().map(|m| {
                let y = l.consumers.iter().find(|(n, _)| *n == m.name).map(|(_, y)| *y).unwrap_or(top);
                let leader = g.leader.as_deref() == Some(m.name.as_str());
                let node = Node::Consumer(m.name.clone());
                html! {
                    <g class={class_list("member", &[(m.paused, "paused"), (is_lit(lit, &format!("consumer:{}", m.name)), "lit")])}
                       data-target={format!("consumer:{}", m.name)}>
                        <g class="node" role="button" tabindex="0" aria-haspopup="menu"
                           onclick={open(node.clone())} onkeydown={open_key(node)}>
                            <rect class="hit" x={fmt(GROUP_X + 4.0)} y={fmt(y + 1.0)} width={fmt(GROUP_W - 8.0)} height={fmt(MEMBER_H - 2.0)} rx="4" />
                            <text x={fmt(GROUP_X + 10.0)} y={fmt(y + 13.0)}>
                                {format!("{}{}{}", if leader { "♛ " } else { "● " }, m.name, if m.paused { " (paused)" } else { "" })}
                            </text>
                        </g>
                        if let Some(at) = &m.stuck {
                            <text class="small stuck" data-stuck={at.clone()} x={fmt(GROUP_X + 10.0)} y={fmt(y + 25.0)}>
                                {format!("⚠ poll() stuck at {at}")}
                            </text>
                        } else {
                            <text class="small" x={fmt(GROUP_X + 10.0)} y={fmt(y + 25.0)}>
                                {m.assignment.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>().join(" ")}
                            </text>
                        }
                    </g>
                }
            }) }
        </g>
    }
}
