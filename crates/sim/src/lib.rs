//! Kafka Playground's simulation core: a deterministic discrete-event model of Apache Kafka
//! producers, brokers and consumer groups. No web dependency; the page and the command line run
//! this very code.
//!
//! The folders are the layers, each using only those above it in this list:
//! - [`kafka`]: Kafka's own pure functions and wire vocabulary (protocol, error codes,
//!   partitioner, murmur2, assignors), no state;
//! - [`scenario`]: what to run (plain config data, its JSON reader, presets, the permalink
//!   codec);
//! - [`node`]: the state machines (producer, broker, controller, group coordinator, consumer),
//!   each handling a message or a timer and returning what it sends;
//! - [`world`]: the event loop that routes between them, the queue, the network, the topology;
//! - [`observe`]: what is seen of a run (the record ledger, trace, view, report, log marks,
//!   named invariants);
//! - [`lesson`]: lessons and challenges (a scenario with words, steps and expectations on the
//!   report) and the checker that runs them;
//! - [`support`]: small containers sized for the page's download.

pub mod compare;
pub mod kafka;
pub mod lesson;
pub mod node;
pub mod observe;
pub mod scenario;
pub mod support;
pub mod world;

pub use observe::report::Report;
pub use observe::trace::{TraceEvent, TraceKind};
pub use observe::view::View;
pub use scenario::{Action, ActionKind, Scenario};
pub use world::network::{Fate, MessageInFlight};
pub use world::sim::Simulation;
