//! What a node's handler returns: messages to send, timers to set, readable events. Nodes
//! are I/O-free state machines; the simulation owns time, the network and the queue.

pub mod broker;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod producer;

use crate::kafka::protocol::{NodeId, Payload};
use crate::observe::trace::{TraceEvent, TraceKind};

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
    /// An acks=all produce request's timeout in the purgatory.
    DelayedProduceTimeout { key: u64 },
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
