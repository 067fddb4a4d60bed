//! The producer's view of the cluster: metadata requests (when leaders are unknown and every
//! `metadata.max.age.ms`), applying an answer (partitions only grow; leaders move), and what
//! the Sender derives from the leaders (`Metadata`, `NetworkClient.leastLoadedNode`).

use super::{ms, PartitionSendState, Producer};
use crate::kafka::protocol::{NodeId, Payload};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::world::topology::Topology;
use std::sync::Arc;

/// Partitions a metadata refresh lists one by one in the event log.
const LISTED_LEADERS: usize = 12;
const FIRST_PARTITIONS: [u32; LISTED_LEADERS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

impl Producer {
    /// Starts refreshing metadata every `metadata.max.age.ms`.
    pub fn enable_metadata_refresh(&mut self) {
        self.metadata_max_age_us = Some(ms(self.cfg.metadata_max_age_ms));
    }

    /// When the periodic refresh is next due, if it runs.
    pub(super) fn metadata_refresh_due(&self) -> Option<u64> {
        self.metadata_max_age_us
            .map(|age| self.metadata_refreshed_us.saturating_add(age))
    }

    /// Derives `available` and `leader_brokers` after `leaders` changed.
    pub(super) fn leaders_changed(&mut self) {
        self.available.clear();
        self.available.extend(
            self.leaders
                .iter()
                .enumerate()
                .filter(|(_, l)| l.is_some())
                .map(|(i, _)| i as u32),
        );
        self.leader_brokers = self.leaders.iter().flatten().copied().collect();
        crate::support::sorting::sort(&mut self.leader_brokers);
        self.leader_brokers.dedup();
    }

    pub(super) fn maybe_request_metadata(&mut self, ctx: &mut Ctx<'_>) {
        let periodic = self
            .metadata_refresh_due()
            .is_some_and(|due| ctx.now >= due);
        if !(self.metadata_needed || periodic)
            || self.metadata_in_flight.is_some()
            || ctx.now < self.metadata_ready_us
        {
            return;
        }
        // Like `NetworkClient.leastLoadedNode`, skip brokers the client cannot reach now.
        let brokers = self.brokers.max(1);
        let mut b = self.metadata_cursor % brokers;
        for k in 0..brokers {
            let candidate = (self.metadata_cursor.wrapping_add(k)) % brokers;
            if self
                .connections
                .get(&candidate)
                .is_none_or(|c| c.is_ready())
            {
                b = candidate;
                break;
            }
        }
        self.metadata_cursor = self.metadata_cursor.wrapping_add(1);
        let correlation_id = (u64::from(b) << 48) | (self.next_correlation & 0xffff_ffff_ffff);
        self.next_correlation += 1;
        self.metadata_in_flight = Some((correlation_id, ctx.now + ms(self.cfg.request_timeout_ms)));
        self.metadata_ready_us = ctx.now + ms(self.cfg.retry_backoff_ms);
        ctx.out.send(
            self.node(),
            NodeId::Broker(b),
            Payload::Metadata { correlation_id },
        );
    }

    pub(super) fn apply_metadata(&mut self, leaders: &Arc<[Option<u32>]>, ctx: &mut Ctx<'_>) {
        self.metadata_refreshed_us = ctx.now;
        // Partitions only grow: a broker with an older view does not shrink the topic.
        let known = self
            .topic
            .map_or(0, |t| ctx.topo.partitions_known(t, leaders.len()));
        let grew = known > self.partitions;
        if grew {
            self.add_partitions(known, ctx.topo);
        }
        let mut moved = Vec::new();
        for p in 0..self.partitions {
            let l = leaders.get(self.global(p) as usize).copied().flatten();
            if let Some(slot) = self.leaders.get_mut(p as usize) {
                if *slot != l {
                    *slot = l;
                    moved.push(p);
                }
            }
        }
        let changed = grew || !moved.is_empty();
        if changed {
            self.leaders_changed();
        }
        self.metadata_needed = self.leaders.iter().any(|l| l.is_none());
        self.metadata_ready_us = ctx.now + ms(self.cfg.retry_backoff_ms);
        if changed {
            let text = self.leaders_text(ctx.topo, &moved);
            let grown = if grew {
                format!("{} now has {known} partitions; ", self.cfg.topic)
            } else {
                String::new()
            };
            ctx.out.trace(
                ctx.now,
                self.node(),
                TraceKind::MetadataUpdated,
                format!("{} refreshed metadata: {grown}{text}", self.cfg.name),
            );
        }
    }

    /// Every partition's leader for a small topic; past [`LISTED_LEADERS`] partitions, how many
    /// moved and the first of those, so a refresh of a 250-partition topic stays one line.
    fn leaders_text(&self, topo: &Topology, moved: &[u32]) -> String {
        use std::fmt::Write;
        let small = self.leaders.len() <= LISTED_LEADERS;
        let mut text = if small {
            String::new()
        } else {
            format!(
                "{} of {} partitions have a new leader: ",
                moved.len(),
                self.leaders.len()
            )
        };
        // A small topic lists every partition (by index, from a constant: collecting a range
        // cost the page 600 bytes of gzip), a large one those that moved.
        let listed = if small {
            &FIRST_PARTITIONS[..self.leaders.len()]
        } else {
            moved
        };
        for (i, &p) in listed.iter().take(LISTED_LEADERS).enumerate() {
            let sep = if i > 0 { ", " } else { "" };
            let name = topo.name(self.global(p));
            let _ = match self.leaders.get(p as usize).copied().flatten() {
                Some(b) => write!(text, "{sep}{name}→{b}"),
                None => write!(text, "{sep}{name}→none"),
            };
        }
        if listed.len() > LISTED_LEADERS {
            let _ = write!(text, " and {} more", listed.len() - LISTED_LEADERS);
        }
        text
    }

    /// Metadata shows more partitions: from now on the partitioner spreads over all of them
    /// (keyed records may map elsewhere, as in Kafka), with a queue and send state for each.
    pub(super) fn add_partitions(&mut self, total: u32, topo: &Topology) {
        let Some(t) = self.topic else {
            return;
        };
        for p in self.partitions..total {
            if let Some(g) = topo.global(t, p) {
                self.globals.push(g);
            }
        }
        let n = self.globals.len() as u32;
        self.partitions = n;
        self.partitioner.set_partitions(n);
        self.accumulator.add_partitions(n);
        self.send_state
            .resize_with(n as usize, PartitionSendState::default);
        self.leaders.resize(n as usize, None);
        self.leaders_changed();
    }
}
