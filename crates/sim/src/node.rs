//! The one shape every node has: it handles a message or a timer with a [`Ctx`] and returns
//! what it sends through the context's [`Outbox`] (messages, timers, readable events). Nodes
//! are I/O-free state machines; the simulation owns time, the network and the queue, builds
//! the context in one place and only routes.

pub mod broker;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod producer;
pub mod registry;

use crate::kafka::protocol::{NodeId, Payload};
use crate::observe::ledger::Ledger;
use crate::observe::trace::{TraceEvent, TraceKind};
use crate::world::topology::Topology;
use rand_pcg::Pcg32;

/// What a node's handler gets from the world: the time, the run's one RNG, the outbox for what
/// it sends, the ledger it reports records to, and the topology.
pub struct Ctx<'a> {
    pub now: u64,
    pub rng: &'a mut Pcg32,
    pub out: &'a mut Outbox,
    pub ledger: &'a mut Ledger,
    pub topo: &'a Topology,
    /// Every consumer's name, by index (member ids, for a group leader's assignor).
    pub consumer_names: &'a [String],
}

/// A producer, broker, controller or consumer, as the event loop sees it.
pub trait Node {
    /// A message from `from` reached this node.
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx);
    /// A timer this node set is due.
    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx);
}

/// A timer a node sets for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The producer's application and sender loop wakes up.
    ProducerWake,
    /// A broker sends its heartbeat to the controller.
    BrokerHeartbeat,
    /// A leader checks its followers against `replica.lag.time.max.ms`.
    IsrCheck,
    /// A held (long-poll) fetch from this follower is due.
    FetchWait { follower: u32, correlation_id: u64 },
    /// The earliest timeout of the broker's parked acks=all produce requests.
    DelayedProduceTimeout,
    /// A follower's fetch to this leader timed out or backed off: send again.
    FetchRetry { leader: u32, generation: u64 },
    /// The controller checks broker sessions.
    SessionCheck,
    /// A broker's isolation ends.
    Heal { broker: u32 },
    /// The consumer's application calls `poll()` (after processing the previous records).
    ConsumerPoll,
    /// The consumer's background heartbeat thread wakes (0.10.1+; also request timeouts).
    ConsumerHeartbeat,
    /// A consumer's heartbeat thread wakes where it notices `max.poll.interval.ms` passed.
    ConsumerPollCheck,
    /// A consumer retries coordinator discovery or metadata after `retry.backoff.ms`.
    ConsumerRetry,
    /// A consumer's metadata may be older than `metadata.max.age.ms`: refresh it.
    ConsumerMetadataRefresh,
    /// A held (long-poll) consumer fetch is due (`fetch.max.wait.ms`).
    ConsumerFetchWait { consumer: u32, correlation_id: u64 },
    /// The coordinator's next group deadline (session expiry, join phase end).
    GroupCheck { group: u32 },
}

#[derive(Debug, Default, Clone)]
pub struct Outbox {
    pub sends: Vec<(NodeId, NodeId, Payload)>,
    pub timers: Vec<(u64, NodeId, Timer)>,
    pub traces: Vec<TraceEvent>,
}

impl Outbox {
    pub fn send(&mut self, from: NodeId, to: NodeId, payload: Payload) {
        self.sends.push((from, to, payload));
    }

    pub fn timer(&mut self, at_us: u64, node: NodeId, timer: Timer) {
        self.timers.push((at_us, node, timer));
    }

    pub fn trace(&mut self, time_us: u64, node: NodeId, kind: TraceKind, text: String) {
        self.traces.push(TraceEvent {
            time_us,
            node,
            kind,
            text,
        });
    }
}
