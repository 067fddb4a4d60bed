//! The consumer's metadata: leaders and partition counts of its topics, refreshed when a
//! fetch needs it and every `metadata.max.age.ms`, and the group leader's watch for partition
//! changes (a partition count change is a rebalance trigger, leader changes are not): the
//! leader compares what its metadata shows with what its last assignment was computed for,
//! and re-joins when they differ. As in Kafka's
//! `ConsumerCoordinator`, only the leader watches; the others learn of the rebalance from
//! their heartbeats.

use super::{Consumer, REQUEST_TIMEOUT_US, RETRY_BACKOFF_US};
use crate::kafka::protocol::{NodeId, Payload};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use std::sync::Arc;

impl Consumer {
    pub(super) fn request_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_in_flight {
            return;
        }
        self.metadata_in_flight = true;
        self.metadata_sent_us = ctx.now;
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        ctx.out.send(
            self.node(),
            NodeId::Broker(self.bootstrap),
            Payload::Metadata { correlation_id },
        );
    }

    pub(super) fn on_metadata(&mut self, leaders: Arc<[Option<u32>]>, ctx: &mut Ctx) {
        self.metadata_in_flight = false;
        if !leaders.is_empty() {
            self.metadata_refreshed_us = ctx.now;
            // Partition counts only grow: a broker with an older view does not shrink them.
            for (topic, count) in self.metadata_snapshot.iter_mut() {
                if let Some(t) = ctx.topo.topic_index(topic) {
                    *count = (*count).max(ctx.topo.partitions_known(t, leaders.len()));
                }
            }
            self.leaders = leaders;
        }
        self.arm_metadata_refresh(ctx);
        self.send_fetches(ctx);
        self.wake(ctx);
    }

    /// Starts refreshing metadata every `metadata.max.age.ms`.
    pub fn enable_metadata_refresh(&mut self, ctx: &mut Ctx) {
        self.metadata_max_age_us = Some(self.cfg.metadata_max_age_ms.saturating_mul(1000));
        self.arm_metadata_refresh(ctx);
    }

    /// When the next periodic refresh is due: the age after the last answer (or attempt),
    /// at least `retry.backoff.ms` apart; a request still out gets `request.timeout.ms`.
    fn next_metadata_refresh(&self) -> Option<u64> {
        let period = self.metadata_max_age_us?.max(RETRY_BACKOFF_US);
        let due = self
            .metadata_refreshed_us
            .max(self.metadata_sent_us)
            .saturating_add(period);
        Some(if self.metadata_in_flight {
            due.max(self.metadata_sent_us.saturating_add(REQUEST_TIMEOUT_US))
        } else {
            due
        })
    }

    fn arm_metadata_refresh(&mut self, ctx: &mut Ctx) {
        if !self.is_alive() {
            return;
        }
        let Some(at) = self.next_metadata_refresh() else {
            return;
        };
        let at = at.max(ctx.now + 1);
        // An earlier timer looks again when it fires.
        if self
            .metadata_refresh_due
            .is_some_and(|d| d > ctx.now && d <= at)
        {
            return;
        }
        self.metadata_refresh_due = Some(at);
        ctx.out
            .timer(at, self.node(), crate::node::Timer::ConsumerMetadataRefresh);
    }

    pub(super) fn on_metadata_refresh_due(&mut self, ctx: &mut Ctx) {
        if self
            .next_metadata_refresh()
            .is_some_and(|due| due <= ctx.now)
        {
            // A request unanswered for request.timeout.ms is given up.
            self.metadata_in_flight = false;
            self.request_metadata(ctx);
        }
        self.arm_metadata_refresh(ctx);
    }

    /// The leader's metadata shows other partition counts than its assignment covered.
    pub(super) fn assignment_outdated(&self) -> bool {
        self.assignment_snapshot
            .as_ref()
            .is_some_and(|a| *a != self.metadata_snapshot)
    }

    pub(super) fn rejoin_for_metadata(&mut self, ctx: &mut Ctx) {
        let Some(before) = self.assignment_snapshot.take() else {
            return;
        };
        let changes: Vec<String> = self
            .metadata_snapshot
            .iter()
            .filter(|(t, n)| before.get(*t) != Some(n))
            .map(|(t, n)| {
                format!(
                    "{t} has {n} partitions, {} when it assigned",
                    before.get(t).copied().unwrap_or(0)
                )
            })
            .collect();
        self.trace(
            ctx,
            TraceKind::RebalanceStarted,
            format!(
                "{} (group leader) sees in its metadata that {}: it re-joins",
                self.name,
                changes.join("; ")
            ),
        );
        self.rejoin_needed = true;
    }
}
