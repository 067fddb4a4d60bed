//! The world the nodes live in: the event loop that owns time and routes messages and timers,
//! the event queue, the simulated network and the cluster's topology.

pub mod network;
pub mod queue;
pub mod sim;
pub mod topology;

use crate::node::broker::Broker;
use crate::node::consumer::Consumer;
use crate::node::controller::Controller;
use crate::node::coordinator::Group;
use crate::node::producer::Producer;
use crate::observe::ledger::Ledger;
use crate::scenario::{GroupConfig, Scenario};
use network::{Network, Wire};
use std::sync::Arc;
use topology::Topology;

/// Everything the loop routes between: the nodes, the network with the messages on it, and the
/// ledger the nodes write each record's fate into. The observation layer and the named
/// invariants read this; only [`sim::Simulation`] changes it.
#[derive(Debug, Clone)]
pub struct World {
    pub scenario: Arc<Scenario>,
    pub topo: Arc<Topology>,
    pub network: Network,
    pub messages: Wire,
    pub producers: Vec<Producer>,
    pub brokers: Vec<Broker>,
    pub controller: Controller,
    pub ledger: Ledger,
    /// The coordinator side of each consumer group (by group index).
    pub groups: Vec<Group>,
    pub group_configs: Vec<Arc<GroupConfig>>,
    /// Consumers created so far per group (names them `<group.id>-c<N>`).
    pub consumer_counts: Vec<u32>,
    pub consumers: Vec<Consumer>,
    /// Every consumer's name by its index (`<group.id>-c<N>`).
    pub consumer_names: Vec<String>,
    /// Whether producers and consumers refresh metadata every `metadata.max.age.ms` (see
    /// `sim::partitions`).
    pub metadata_refresh: bool,
    /// The schema registry (idle unless a producer uses `value.serializer` avro).
    pub registry: crate::node::registry::Registry,
}

impl World {
    /// Lets the replicas of each partition share the log segments they hold alike: only
    /// memory changes (see `node::broker::log`).
    pub fn share_logs(&mut self) {
        let mut logs: Vec<Vec<&mut crate::node::broker::log::Log>> =
            (0..self.topo.partitions.len())
                .map(|_| Vec::new())
                .collect();
        for b in &mut self.brokers {
            for r in b.replicas.values_mut() {
                if let Some(v) = logs.get_mut(r.partition as usize) {
                    v.push(&mut r.log);
                }
            }
        }
        for mut v in logs {
            crate::node::broker::log::share(&mut v);
        }
    }
}
