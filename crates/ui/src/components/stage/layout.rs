//! Where the stage puts things: fixed columns, and rows that grow with what each node holds.

use crate::run_cache::{Frame, Node};

/// The stage's drawing width (it scales to its box), wider when consumers are drawn.
pub(super) const WIDTH: f64 = 700.0;
pub(super) const WIDTH_WITH_GROUPS: f64 = 920.0;
pub(super) const PRODUCER_X: f64 = 10.0;
pub(super) const PRODUCER_W: f64 = 210.0;
pub(super) const PRODUCER_H: f64 = 86.0;
pub(super) const BROKER_X: f64 = 330.0;
pub(super) const BROKER_W: f64 = 300.0;
pub(super) const ROW_H: f64 = 17.0;
pub(super) const BROKER_HEAD: f64 = 26.0;
pub(super) const TOP: f64 = 70.0;
pub(super) const GAP: f64 = 16.0;
pub(super) const GROUP_X: f64 = 700.0;
pub(super) const GROUP_W: f64 = 210.0;
pub(super) const GROUP_HEAD: f64 = 52.0;
pub(super) const MEMBER_H: f64 = 30.0;
/// Replica rows drawn per broker; more are summarised.
pub(super) const MAX_ROWS: usize = 12;
/// Log cells of a replica strip.
pub(super) const STRIP_CELLS: u64 = 24;

/// Where things are on the stage.
pub(super) struct Layout {
    pub(super) producers: Vec<f64>,
    /// Consumer name → the y of its row; groups → the y of their header.
    pub(super) consumers: Vec<(String, f64)>,
    pub(super) groups: Vec<f64>,
    pub(super) brokers: Vec<(f64, f64)>,
    /// The id of each of `brokers` (a focused stage draws some brokers only).
    pub(super) broker_ids: Vec<u32>,
    pub(super) controller: (f64, f64),
    pub(super) width: f64,
    pub(super) height: f64,
}

pub(super) fn layout(frame: &Frame) -> Layout {
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
    pub(super) fn anchor(&self, node: &Node, other: &Node) -> Option<(f64, f64)> {
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
