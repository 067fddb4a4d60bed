//! The consumer-group side of the world: building the groups and their consumers, routing
//! group requests to the coordinator, the consumer actions, and moving coordinators when the
//! controller's view of broker liveness changes.

use super::Simulation;
use crate::kafka::coordinator_hash::coordinator_partition;
use crate::kafka::protocol::{GroupMessage, NodeId, Payload};
use crate::node::consumer::Consumer;
use crate::node::coordinator::{offsets_partition_leader, Group};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::scenario::ActionKind;
use std::sync::Arc;

impl Simulation {
    /// Creates every group with its initial consumers (started at time 0).
    pub(super) fn build_groups(&mut self) {
        let configs = self.world.scenario.groups.clone();
        let partitions = self
            .world
            .scenario
            .cluster
            .offsets_topic_num_partitions
            .max(1);
        let delay_us = self
            .world
            .scenario
            .cluster
            .group_initial_rebalance_delay_ms
            .saturating_mul(1000);
        for (i, cfg) in configs.iter().enumerate() {
            let offsets_partition = coordinator_partition(&cfg.group_id, partitions);
            let mut g = Group::new(
                i as u32,
                cfg.group_id.clone(),
                cfg.partition_assignment_strategy,
                offsets_partition,
                delay_us,
            );
            g.coordinator =
                offsets_partition_leader(offsets_partition, self.world.topo.brokers, None, |b| {
                    self.world.brokers.get(b as usize).is_some_and(|x| x.alive)
                });
            self.world.groups.push(g);
            self.world.group_configs.push(Arc::new(cfg.clone()));
            self.world.consumer_counts.push(0);
        }
        self.world
            .ledger
            .groups
            .resize_with(configs.len(), Default::default);
        for (i, cfg) in configs.iter().enumerate() {
            for _ in 0..cfg.consumers {
                self.add_consumer(i);
            }
        }
    }

    fn add_consumer(&mut self, group: usize) {
        let (Some(cfg), Some(n)) = (
            self.world.group_configs.get(group).cloned(),
            self.world.consumer_counts.get_mut(group),
        ) else {
            return;
        };
        *n += 1;
        let name = crate::scenario::consumer_name(&cfg.group_id, *n);
        let index = self.world.consumers.len() as u32;
        if let Some(g) = self.world.groups.get_mut(group) {
            g.names.insert(index, name.clone());
        }
        self.world.consumer_names.push(name.clone());
        let schema = cfg
            .value_schema
            .as_ref()
            .and_then(|r| self.world.scenario.schema(r))
            .cloned();
        let values = crate::node::consumer::values::ValueReader::new(&cfg, schema);
        let mut c = Consumer::new(
            index,
            group as u32,
            name,
            cfg,
            self.world.scenario.kafka_version,
        );
        c.values = values;
        self.world.consumers.push(c);
        let refresh = self.world.metadata_refresh;
        self.with_consumer(index as usize, |c, ctx| {
            c.start(ctx);
            if refresh {
                c.enable_metadata_refresh(ctx);
            }
        });
    }

    /// Runs `f` on consumer `i` with its view of the world.
    pub(super) fn with_consumer(&mut self, i: usize, f: impl FnOnce(&mut Consumer, &mut Ctx)) {
        let (nodes, mut ctx) = self.split();
        if let Some(c) = nodes.consumers.get_mut(i) {
            f(c, &mut ctx);
        }
    }

    /// A request that reached a live broker for a group's coordinator.
    pub(super) fn group_arrive(
        &mut self,
        broker: u32,
        from: NodeId,
        group: u32,
        message: GroupMessage,
    ) {
        if let Some(g) = self.world.groups.get_mut(group as usize) {
            g.on_message(self.now, broker, from, message, &mut self.out);
        }
    }

    /// The group's deadline timer; a dead coordinator evicts no one.
    pub(super) fn group_check(&mut self, group: u32) {
        let Some(g) = self.world.groups.get_mut(group as usize) else {
            return;
        };
        let alive = g
            .coordinator
            .and_then(|b| self.world.brokers.get(b as usize))
            .is_some_and(|b| b.registered);
        // A coordinator that crashed (or restarted and has not registered yet) runs no
        // deadlines: its successor loads the group and starts the session timers again.
        if alive {
            g.on_check(self.now, &mut self.out);
        }
    }

    /// After the controller acted: a group whose offsets partition lost its leader moves.
    pub(super) fn refresh_coordinators(&mut self) {
        if self.world.groups.is_empty() {
            return;
        }
        let brokers = self.world.topo.brokers;
        let live: Vec<bool> = self
            .world
            .controller
            .brokers
            .iter()
            .map(|b| !b.fenced)
            .collect();
        for g in self.world.groups.iter_mut() {
            let next = offsets_partition_leader(g.offsets_partition, brokers, g.coordinator, |b| {
                live.get(b as usize).copied().unwrap_or(false)
            });
            g.move_to(next, self.now, &mut self.out);
        }
    }

    /// A crashed broker's connections reset: consumers talking to it learn at once.
    pub(super) fn disconnect_consumers(&mut self, broker: u32) {
        for c in self
            .world
            .consumers
            .iter()
            .filter(|c| c.is_alive() && c.talks_to(broker))
        {
            self.out
                .send(NodeId::Broker(broker), c.node(), Payload::Disconnect);
        }
    }

    fn find_consumer(&self, group_id: &str, name: &str) -> Option<usize> {
        self.world.consumers.iter().position(|c| {
            c.name == name
                && self
                    .world
                    .group_configs
                    .get(c.group as usize)
                    .is_some_and(|g| g.group_id == group_id)
        })
    }

    /// `add-consumer`, `remove-consumer`, `kill-consumer`, `stall-consumer`.
    pub(super) fn consumer_action(&mut self, action: &ActionKind) {
        let now = self.now;
        let (group_id, name) = match action {
            ActionKind::AddConsumer { group_id } => (group_id, None),
            ActionKind::RemoveConsumer { group_id, consumer }
            | ActionKind::KillConsumer { group_id, consumer }
            | ActionKind::StallConsumer {
                group_id, consumer, ..
            } => (group_id, Some(consumer)),
            _ => return,
        };
        let Some(group) = self
            .world
            .group_configs
            .iter()
            .position(|g| &g.group_id == group_id)
        else {
            self.out.trace(
                now,
                NodeId::Controller,
                TraceKind::ActionIgnored,
                format!("no group {group_id}: action ignored"),
            );
            return;
        };
        let Some(name) = name else {
            self.add_consumer(group);
            return;
        };
        let Some(i) = self.find_consumer(group_id, name) else {
            self.out.trace(
                now,
                NodeId::Controller,
                TraceKind::ActionIgnored,
                format!("no consumer {name} in group {group_id}: action ignored"),
            );
            return;
        };
        self.with_consumer(i, |c, ctx| {
            if !c.is_alive() {
                return;
            }
            match action {
                ActionKind::RemoveConsumer { .. } => c.close(ctx),
                ActionKind::KillConsumer { .. } => c.kill(ctx),
                ActionKind::StallConsumer { for_ms, .. } => {
                    c.stall(for_ms.saturating_mul(1000), ctx)
                }
                _ => {}
            }
        });
    }
}
