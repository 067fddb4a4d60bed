//! The focused stage: a frame narrowed to one broker, topic, partition, producer or group (the
//! core's [`View::focus`](kafka_sim::observe::view::View::focus) for the cluster, the groups and
//! the messages here), and when the stage is drawn aggregated instead of node by node.

use crate::run_cache::{Frame, GroupView, Node};
use kafka_sim::lesson::Target;
use std::rc::Rc;

/// Past these the stage draws the cluster aggregated (tiles, a partition map, message counts):
/// drawn node by node it would be a long list. At or below them it looks as it always has.
const DETAILED_MAX_BROKERS: usize = 6;
const DETAILED_MAX_REPLICAS: usize = 96;
const DETAILED_MAX_CLIENTS: usize = 16;

/// Whether `frame` is too big to draw node by node.
fn is_large(frame: &Frame) -> bool {
    let replicas: usize = frame.view.brokers.iter().map(|b| b.replicas.len()).sum();
    let consumers: usize = frame.groups.iter().map(|g| g.members.len()).sum();
    frame.view.brokers.len() > DETAILED_MAX_BROKERS
        || replicas > DETAILED_MAX_REPLICAS
        || frame.view.producers.len() + consumers > DETAILED_MAX_CLIENTS
}

/// The frame the stage and the ledger show: `frame` narrowed to the focus, if any.
pub fn shown(frame: &Rc<Frame>, focus: Option<&Target>) -> Rc<Frame> {
    match focus {
        Some(target) => Rc::new(focus_frame(frame, target)),
        None => Rc::clone(frame),
    }
}

/// Whether the stage draws `shown` aggregated: the whole of a large cluster (a focus is drawn
/// node by node).
pub fn aggregated(shown: &Frame, focus: Option<&Target>) -> bool {
    focus.is_none() && is_large(shown)
}

/// `frame` narrowed to `target`; messages between what is kept (producers renumbered as the
/// narrowed list numbers them).
pub fn focus_frame(frame: &Frame, target: &Target) -> Frame {
    // The group `target` names, or the one holding the consumer it names.
    let is_target = |g: &GroupView| match target {
        Target::Group(id) | Target::Coordinator(id) => g.group_id == *id,
        Target::Consumer(name) => g.members.iter().any(|m| m.name == *name),
        _ => false,
    };
    // A group's (or a member's) part of a large cluster is its coordinator: drawn whole, the
    // cluster would be every broker leading one of its partitions, which at 50 is all of them.
    let coordinator = frame
        .groups
        .iter()
        .find(|g| is_target(g))
        .and_then(|g| g.coordinator);
    let on_coordinator = coordinator.filter(|_| is_large(frame)).map(Target::Broker);
    let mut view = frame.view.focus(on_coordinator.as_ref().unwrap_or(target));
    if on_coordinator.is_some() {
        view.producers.clear();
    }
    let topics = frame.view.focus_topics(target);
    let mut groups = frame.groups.clone();
    match target {
        Target::Group(_) | Target::Coordinator(_) | Target::Consumer(_) => groups.retain(is_target),
        Target::Broker(b) => groups.retain(|g| {
            g.coordinator == Some(*b)
                || g.members.iter().any(|m| {
                    m.assignment.iter().any(|(t, p)| {
                        view.partitions
                            .iter()
                            .any(|q| q.topic == *t && q.partition == *p)
                    })
                })
        }),
        _ => {}
    }
    if let Some(topics) = &topics {
        groups.retain(|g| {
            g.members
                .iter()
                .any(|m| m.assignment.iter().any(|(t, _)| topics.contains(t)))
        });
    }
    let producer_index = |i: u32| {
        let name = &frame.view.producers.get(i as usize)?.name;
        view.producers.iter().position(|p| p.name == *name)
    };
    let keep = |n: &Node| -> Option<Node> {
        match n {
            Node::Producer(i) => producer_index(*i).map(|j| Node::Producer(j as u32)),
            Node::Broker(b) => view.brokers.iter().any(|x| x.id == *b).then(|| n.clone()),
            Node::Consumer(c) => groups
                .iter()
                .any(|g| g.members.iter().any(|m| m.name == *c))
                .then(|| n.clone()),
            Node::Group(g) => groups.iter().any(|x| x.group_id == *g).then(|| n.clone()),
            Node::Controller | Node::Registry => Some(n.clone()),
        }
    };
    let flights = frame
        .flights
        .iter()
        .filter_map(|f| {
            let (from, to) = (keep(&f.from)?, keep(&f.to)?);
            Some(crate::run_cache::Flight {
                from,
                to,
                ..f.clone()
            })
        })
        .collect();
    // A producer's records, or a topic's (each producer writes one topic), are its producers';
    // the rest of the ledger stays the cluster's.
    let (ledger, records_of) = match target {
        Target::Producer(_) | Target::Topic(_) => (
            frame
                .ledger
                .clone()
                .with_records_of(view.producers.iter().map(|p| &p.counts)),
            Some(target.to_string().replacen(':', " ", 1)),
        ),
        _ => (frame.ledger.clone(), None),
    };
    Frame {
        revision: crate::run_cache::next_revision(),
        ledger,
        records_of,
        view,
        groups,
        flights,
        ..frame.clone()
    }
}
