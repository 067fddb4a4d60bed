//! Kafka Playground's simulation core: a deterministic discrete-event model of Apache Kafka
//! producers, brokers and consumer groups. No web dependency; the page and the command line run
//! this very code.

pub mod assignor;
pub mod broker;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod coordinator_hash;
pub mod errors;
pub mod group_view;
pub mod invariants;
pub mod ledger;
pub mod link;
pub mod log_marks;
pub mod murmur2;
pub mod network;
pub mod node;
pub mod partitioner;
pub mod presets;
pub mod producer;
pub mod protocol;
pub mod queue;
pub mod scenario;
pub mod sim;
pub mod sorting;
pub mod topology;
pub mod trace;
pub mod vec_map;

pub use sim::Simulation;
pub mod report;
pub mod view;

pub use network::{Fate, MessageInFlight};
pub use report::Report;
pub use scenario::{Action, ActionKind, Scenario};
pub use trace::{TraceEvent, TraceKind};
pub use view::View;
