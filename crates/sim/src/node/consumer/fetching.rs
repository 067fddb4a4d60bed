//! Fetching from partition leaders: one fetch in flight per leader, for the owned partitions
//! whose buffer is empty; the answers fill the buffer `poll()` drains.

use super::{Buffered, Consumer};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{ConsumerFetchPartition, ConsumerFetchedPartition, NodeId, Payload};
use crate::node::Ctx;
use crate::support::vec_map::VecMap;

impl Consumer {
    /// Sends a fetch to every leader of an owned partition that needs records and has no
    /// fetch of this consumer in flight.
    pub(super) fn send_fetches(&mut self, ctx: &mut Ctx) {
        if !self.is_alive() || self.in_eager_rebalance() {
            return;
        }
        let mut by_leader: VecMap<u32, Vec<ConsumerFetchPartition>> = VecMap::new();
        let mut unknown_leader = false;
        for &p in &self.owned {
            if self.buffered.contains_key(&p) {
                continue;
            }
            let offset = match self.positions.get(&p) {
                Some(o) => Some(*o),
                None if self.reset_latest.contains(&p) => None,
                None => continue,
            };
            let Some(leader) = self.leaders.get(p as usize).copied().flatten() else {
                unknown_leader = true;
                continue;
            };
            if self.fetches.contains_key(&leader) {
                continue;
            }
            by_leader
                .get_or_default(leader)
                .push(ConsumerFetchPartition {
                    partition: p,
                    offset,
                });
        }
        if unknown_leader {
            self.request_metadata(ctx);
        }
        for (leader, partitions) in by_leader {
            // Counted for the invariants (none expected).
            let foreign = partitions
                .iter()
                .filter(|p| !self.owned.contains(&p.partition))
                .count() as u32;
            self.foreign_fetches += foreign;
            if self.in_eager_rebalance() {
                self.fetches_during_eager_rebalance += 1;
            }
            let correlation_id = self.next_correlation;
            self.next_correlation += 1;
            let parts: Vec<u32> = partitions.iter().map(|p| p.partition).collect();
            self.fetches
                .insert(leader, (correlation_id, ctx.now, parts));
            ctx.out.send(
                self.node(),
                NodeId::Broker(leader),
                Payload::ConsumerFetch {
                    correlation_id,
                    partitions,
                },
            );
        }
    }

    pub(super) fn on_fetch_response(
        &mut self,
        broker: u32,
        correlation_id: u64,
        partitions: Vec<ConsumerFetchedPartition>,
        ctx: &mut Ctx,
    ) {
        if self
            .fetches
            .get(&broker)
            .is_none_or(|(c, _, _)| *c != correlation_id)
        {
            return;
        }
        self.fetches.remove(&broker);
        let mut stale_metadata = false;
        for fp in partitions {
            // Revoked while the fetch was in flight: the answer is dropped.
            if !self.owned.contains(&fp.partition) {
                continue;
            }
            if fp.error == Some(ErrorCode::OffsetOutOfRange)
                && self.positions.get(&fp.partition) == Some(&fp.offset)
            {
                self.positions.remove(&fp.partition);
                self.apply_offset_reset(
                    fp.partition,
                    ctx,
                    "OFFSET_OUT_OF_RANGE (the log was truncated below the position)",
                );
                continue;
            }
            if let Some(e) = fp.error {
                if e == ErrorCode::NotLeaderOrFollower {
                    stale_metadata = true;
                }
                continue;
            }
            if self.reset_latest.remove(&fp.partition) {
                self.positions.insert(fp.partition, fp.high_watermark);
                continue;
            }
            let Some(&pos) = self.positions.get(&fp.partition) else {
                continue;
            };
            if pos != fp.offset {
                continue;
            }
            if fp.records > 0 {
                self.buffered.insert(
                    fp.partition,
                    Buffered::new(fp.offset, fp.offset + fp.records, fp.ids),
                );
            }
        }
        if stale_metadata {
            self.leaders = std::sync::Arc::from(Vec::new());
            self.request_metadata(ctx);
        }
        if self.waiting_in_poll {
            self.wake(ctx);
        } else {
            self.send_fetches(ctx);
        }
    }
}
