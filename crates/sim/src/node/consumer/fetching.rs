//! Fetching from partition leaders: one fetch in flight per leader, for the owned partitions
//! whose buffer is empty; the answers fill the buffer `poll()` drains. Each leader is fetched
//! from in a fetch session (KIP-227; the leader's side is `broker::consumer_fetch`).

use super::{Buffered, Consumer};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{
    ConsumerFetchPartition, ConsumerFetchRequest, ConsumerFetchedPartition, ConsumerSessionRef,
    FetchSessionError, NodeId, Payload,
};
use crate::node::Ctx;
use crate::support::vec_map::{VecMap, VecSet};
use std::sync::Arc;

/// The owned partitions grouped by leader, as of one `owned` set and one leader map: each
/// fetch visits only the partitions of the leaders it fetches from, instead of every owned
/// partition (a poll with every leader's fetch in flight then costs nothing per partition).
#[derive(Debug, Clone, Default)]
pub(super) struct FetchPlan {
    owned: Vec<u32>,
    leaders: Option<Arc<[Option<u32>]>>,
    /// Leader → its owned partitions in `owned`'s order, leaders ascending.
    by_leader: VecMap<u32, Vec<u32>>,
    /// Owned partitions whose leader the metadata does not know.
    leaderless: Vec<u32>,
}

impl FetchPlan {
    fn is_for(&self, owned: &VecSet<u32>, leaders: &Arc<[Option<u32>]>) -> bool {
        self.leaders
            .as_ref()
            .is_some_and(|l| Arc::ptr_eq(l, leaders))
            && self.owned.as_slice() == owned.as_slice()
    }

    fn rebuild(&mut self, owned: &VecSet<u32>, leaders: &Arc<[Option<u32>]>) {
        self.owned.clear();
        self.owned.extend(owned.iter().copied());
        self.leaders = Some(leaders.clone());
        self.by_leader.clear();
        self.leaderless.clear();
        for &p in owned {
            match leaders.get(p as usize).copied().flatten() {
                Some(leader) => self.by_leader.get_or_default(leader).push(p),
                None => self.leaderless.push(p),
            }
        }
    }
}

/// The consumer's side of its fetch session with one leader (Kafka's `FetchSessionHandler`).
#[derive(Debug, Clone, Default)]
pub(super) struct FetchSession {
    /// Session id and the epoch of the next request once the leader opened one; `None`: the
    /// next fetch is a full one.
    established: Option<(u32, u32)>,
    /// What the leader's session holds, as last sent (ascending by partition).
    sent: Vec<ConsumerFetchPartition>,
}

impl FetchSession {
    /// After a session error, a lost fetch or a reset connection the next fetch opens a new
    /// session (`FetchSessionHandler.handleError`).
    pub(super) fn reset(&mut self) {
        self.established = None;
        self.sent.clear();
    }

    /// The request for `wanted` (all it reads from this leader, ascending): its session, the
    /// partitions added or changed, and those to forget. The session then holds `wanted`.
    fn next_request(
        &mut self,
        wanted: Vec<ConsumerFetchPartition>,
    ) -> (ConsumerSessionRef, Vec<ConsumerFetchPartition>, Vec<u32>) {
        let old = std::mem::replace(&mut self.sent, wanted);
        let Some((id, epoch)) = self.established else {
            return (ConsumerSessionRef::default(), self.sent.clone(), Vec::new());
        };
        self.established = Some((id, epoch.wrapping_add(1).max(1)));
        // Both lists ascend: one walk finds the changed and the forgotten.
        let mut changed = Vec::new();
        let mut forgotten = Vec::new();
        let mut i = 0;
        for fp in &self.sent {
            while let Some(o) = old.get(i).filter(|o| o.partition < fp.partition) {
                forgotten.push(o.partition);
                i += 1;
            }
            match old.get(i) {
                Some(o) if o.partition == fp.partition => {
                    if o.offset != fp.offset {
                        changed.push(*fp);
                    }
                    i += 1;
                }
                _ => changed.push(*fp),
            }
        }
        forgotten.extend(old.get(i..).unwrap_or(&[]).iter().map(|o| o.partition));
        (ConsumerSessionRef { id, epoch }, changed, forgotten)
    }
}

impl Consumer {
    /// Whether the next fetch would read `p`: not buffered, with a position to read from (or a
    /// reset to the log end to learn).
    fn wants_records(&self, p: u32) -> Option<Option<u64>> {
        if self.buffered.contains_key(&p) {
            return None;
        }
        match self.positions.get(&p) {
            Some(o) => Some(Some(*o)),
            None if self.reset_latest.contains(&p) => Some(None),
            None => None,
        }
    }

    /// Of `partitions` (ascending), those `wants_records` picks with their offsets, found by
    /// walking the sorted buffer, position and reset lists alongside instead of searching
    /// each per partition (a fetch lists hundreds at 1,000 partitions).
    fn fetchable(&self, partitions: &[u32]) -> Vec<ConsumerFetchPartition> {
        let buffered = self.buffered.keys().as_slice();
        let with_position = self.positions.keys().as_slice();
        let positions = self.positions.values().as_slice();
        let reset = self.reset_latest.as_slice();
        let (mut b, mut i, mut r) = (0, 0, 0);
        let mut out = Vec::with_capacity(partitions.len());
        for &p in partitions {
            while buffered.get(b).is_some_and(|&x| x < p) {
                b += 1;
            }
            if buffered.get(b) == Some(&p) {
                continue;
            }
            while with_position.get(i).is_some_and(|&x| x < p) {
                i += 1;
            }
            let offset = if with_position.get(i) == Some(&p) {
                positions.get(i).copied()
            } else {
                while reset.get(r).is_some_and(|&x| x < p) {
                    r += 1;
                }
                if reset.get(r) != Some(&p) {
                    continue;
                }
                None
            };
            out.push(ConsumerFetchPartition {
                partition: p,
                offset,
            });
        }
        debug_assert!(out
            .iter()
            .all(|fp| self.wants_records(fp.partition) == Some(fp.offset)));
        debug_assert_eq!(
            out.len(),
            partitions
                .iter()
                .filter(|&&p| self.wants_records(p).is_some())
                .count()
        );
        out
    }

    /// Sends a fetch to every leader of an owned partition that needs records and has no
    /// fetch of this consumer in flight.
    pub(super) fn send_fetches(&mut self, ctx: &mut Ctx) {
        if !self.is_alive() || self.in_eager_rebalance() {
            return;
        }
        let mut plan = std::mem::take(&mut self.fetch_plan);
        if !plan.is_for(&self.owned, &self.leaders) {
            plan.rebuild(&self.owned, &self.leaders);
        }
        if plan
            .leaderless
            .iter()
            .any(|&p| self.wants_records(p).is_some())
        {
            self.request_metadata(ctx);
        }
        for (&leader, owned) in plan.by_leader.iter() {
            if self.fetches.contains_key(&leader) {
                continue;
            }
            let partitions = self.fetchable(owned);
            if partitions.is_empty() {
                continue;
            }
            // Counted for the invariants (none expected: the plan is built from `owned`), in
            // the builds that check them.
            if cfg!(any(test, feature = "invariants")) {
                let foreign = partitions
                    .iter()
                    .filter(|p| !self.owned.contains(&p.partition))
                    .count() as u32;
                self.foreign_fetches += foreign;
            }
            if self.in_eager_rebalance() {
                self.fetches_during_eager_rebalance += 1;
            }
            let correlation_id = self.next_correlation;
            self.next_correlation += 1;
            self.fetches.insert(leader, (correlation_id, ctx.now));
            let whole = cfg!(any(test, feature = "invariants")).then(|| partitions.clone());
            let (session, partitions, forgotten) = self
                .fetch_sessions
                .get_or_default(leader)
                .next_request(partitions);
            ctx.out.send(
                self.node(),
                NodeId::Broker(leader),
                Payload::ConsumerFetch(ConsumerFetchRequest {
                    correlation_id,
                    session,
                    partitions,
                    forgotten,
                    whole,
                }),
            );
        }
        self.fetch_plan = plan;
    }

    pub(super) fn on_fetch_response(
        &mut self,
        broker: u32,
        correlation_id: u64,
        session: Result<u32, FetchSessionError>,
        partitions: Vec<ConsumerFetchedPartition>,
        ctx: &mut Ctx,
    ) {
        if self
            .fetches
            .get(&broker)
            .is_none_or(|(c, _)| *c != correlation_id)
        {
            return;
        }
        self.fetches.remove(&broker);
        let s = self.fetch_sessions.get_or_default(broker);
        match session {
            Err(_) => s.reset(),
            Ok(id) if s.established.is_none() => s.established = Some((id, 1)),
            Ok(_) => {}
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(partition: u32, offset: Option<u64>) -> ConsumerFetchPartition {
        ConsumerFetchPartition { partition, offset }
    }

    fn listed(v: &[ConsumerFetchPartition]) -> Vec<(u32, Option<u64>)> {
        v.iter().map(|f| (f.partition, f.offset)).collect()
    }

    #[test]
    fn a_session_request_lists_added_and_moved_partitions_and_forgets_the_rest() {
        let mut s = FetchSession::default();
        let (session, parts, forgotten) =
            s.next_request(vec![fp(0, Some(5)), fp(3, Some(7)), fp(6, None)]);
        // No session yet: a full fetch of everything.
        assert_eq!(session, ConsumerSessionRef { id: 0, epoch: 0 });
        assert_eq!(listed(&parts), [(0, Some(5)), (3, Some(7)), (6, None)]);
        assert!(forgotten.is_empty());
        s.established = Some((42, 1));
        let (session, parts, forgotten) =
            s.next_request(vec![fp(0, Some(5)), fp(3, Some(9)), fp(9, Some(1))]);
        assert_eq!(session, ConsumerSessionRef { id: 42, epoch: 1 });
        assert_eq!(listed(&parts), [(3, Some(9)), (9, Some(1))]);
        assert_eq!(forgotten, [6]);
        // Nothing moved: an empty request in the next epoch.
        let (session, parts, forgotten) =
            s.next_request(vec![fp(0, Some(5)), fp(3, Some(9)), fp(9, Some(1))]);
        assert_eq!(session, ConsumerSessionRef { id: 42, epoch: 2 });
        assert!(parts.is_empty() && forgotten.is_empty());
        // Everything forgotten, then after a reset a full fetch again.
        let (_, parts, forgotten) = s.next_request(Vec::new());
        assert!(parts.is_empty());
        assert_eq!(forgotten, [0, 3, 9]);
        s.reset();
        let (session, parts, _) = s.next_request(vec![fp(1, Some(2))]);
        assert_eq!((session.epoch, listed(&parts)), (0, vec![(1, Some(2))]));
    }
}
