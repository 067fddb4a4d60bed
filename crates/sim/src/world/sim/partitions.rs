//! `add-partitions` (CreatePartitions): the controller creates the new partitions, places
//! their replicas and elects their leaders, and the brokers learn of them by the LeaderAndIsr
//! path. Producers and consumers see them only when they next refresh their metadata.
//!
//! Kafka's clients refresh metadata every `metadata.max.age.ms` (5 minutes by default) besides
//! on errors. Here that periodic refresh runs only in a simulation whose topics can change
//! (an `add-partitions` in the timeline, or one applied live): with fixed topics it would
//! fetch nothing new (leader changes are learned from errors), yet its messages and their
//! network jitter would change the trace of every run longer than the age.

use super::Simulation;
use crate::kafka::protocol::NodeId;
use crate::observe::trace::TraceKind;
use crate::scenario::limits::{MAX_PARTITIONS, MAX_TOTAL_PARTITIONS};
use crate::scenario::ActionKind;
use std::sync::Arc;

impl Simulation {
    /// Whether the scenario's timeline changes topic metadata.
    pub(super) fn changes_metadata(actions: &[crate::scenario::Action]) -> bool {
        actions
            .iter()
            .any(|a| matches!(a.kind, ActionKind::AddPartitions { .. }))
    }

    /// Producers and consumers start their periodic metadata refresh (once).
    pub(super) fn enable_metadata_refresh(&mut self) {
        if self.world.metadata_refresh {
            return;
        }
        self.world.metadata_refresh = true;
        for p in self.world.producers.iter_mut() {
            p.enable_metadata_refresh();
        }
        for i in 0..self.world.consumers.len() {
            self.with_consumer(i, |c, ctx| c.enable_metadata_refresh(ctx));
        }
    }

    /// Refuses what Kafka's CreatePartitions would refuse, as a visible event.
    fn refuse(&mut self, text: String) {
        self.out.trace(
            self.now,
            NodeId::Controller,
            TraceKind::ActionIgnored,
            format!("add-partitions refused: {text}"),
        );
    }

    pub(super) fn add_partitions(&mut self, topic: &str, total: u32) {
        let Some(t) = self.world.topo.topic_index(topic) else {
            self.refuse(format!("no topic {topic} (UNKNOWN_TOPIC_OR_PARTITION)"));
            return;
        };
        let current = self.world.topo.partition_count(t);
        if total <= current {
            self.refuse(format!(
                "{topic} has {current} partitions and {total} is not more (INVALID_PARTITIONS)"
            ));
            return;
        }
        let all = self.world.topo.partitions.len() as u32 + (total - current);
        if total > MAX_PARTITIONS || all > MAX_TOTAL_PARTITIONS {
            self.refuse(format!(
                "at most {MAX_PARTITIONS} partitions per topic and {MAX_TOTAL_PARTITIONS} in all"
            ));
            return;
        }
        let live = self.world.controller.live_brokers();
        let rf = self
            .world
            .topo
            .replication_factors
            .get(t)
            .copied()
            .unwrap_or(1);
        if (live.len() as u32) < rf {
            self.refuse(format!(
                "replication factor {rf} is larger than the {} live brokers \
                 (INVALID_REPLICATION_FACTOR)",
                live.len()
            ));
            return;
        }
        self.enable_metadata_refresh();
        Arc::make_mut(&mut self.world.topo).add_partitions(t, total, &live);
        let created = self
            .world
            .controller
            .create_partitions(&self.world.topo, &mut self.out);
        let placed: Vec<String> = created
            .iter()
            .map(|&g| {
                let replicas = self
                    .world
                    .topo
                    .partition(g)
                    .map(|p| p.replicas.clone())
                    .unwrap_or_default();
                let leader = self
                    .world
                    .controller
                    .partitions
                    .get(g as usize)
                    .and_then(|s| s.leader)
                    .map_or("none".to_string(), |l| l.to_string());
                format!(
                    "{} on brokers {replicas:?}, leader {leader}",
                    self.world.topo.name(g)
                )
            })
            .collect();
        self.out.trace(
            self.now,
            NodeId::Controller,
            TraceKind::PartitionsAdded,
            format!(
                "{topic} now has {total} partitions: {}; clients see them when they next refresh metadata",
                placed.join("; ")
            ),
        );
    }
}
