//! The world the nodes live in: the event loop that owns time and routes messages and timers,
//! the event queue, the simulated network and the cluster's topology.

pub mod network;
pub mod queue;
pub mod sim;
pub mod topology;
