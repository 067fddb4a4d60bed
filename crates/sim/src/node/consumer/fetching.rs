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
use crate::support::bit_set::BitSet;
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
    /// `sent` was listed under the current fetch plan, so every partition that changed since
    /// is in the consumer's `fetch_changed`; otherwise the next request looks at them all.
    current: bool,
}

/// What the next fetch wants of a partition (`Consumer::wants_records`): nothing, or records
/// from an offset (`None`: the log end, to learn).
type Want = Option<Option<u64>>;

impl FetchSession {
    /// After a session error, a lost fetch or a reset connection the next fetch opens a new
    /// session (`FetchSessionHandler.handleError`).
    pub(super) fn reset(&mut self) {
        self.established = None;
        self.sent.clear();
        self.current = false;
    }

    /// An established session's next request from only the partitions that changed since
    /// the last one (`changes`, ascending): the same request `next_request` would build from
    /// the whole list, without looking at the partitions that did not change. `None` when the
    /// session would be left empty: no fetch goes out and the session stays as it is.
    fn next_changes(
        &mut self,
        changes: &[(u32, Want)],
    ) -> Option<(ConsumerSessionRef, Vec<ConsumerFetchPartition>, Vec<u32>)> {
        let (id, epoch) = self.established?;
        let find = |sent: &[ConsumerFetchPartition], p: u32| {
            sent.binary_search_by_key(&p, |fp| fp.partition)
        };
        let mut len = self.sent.len();
        for &(p, want) in changes {
            match (find(&self.sent, p).is_ok(), want.is_some()) {
                (true, false) => len -= 1,
                (false, true) => len += 1,
                _ => {}
            }
        }
        if len == 0 {
            return None;
        }
        self.established = Some((id, epoch.wrapping_add(1).max(1)));
        let mut changed = Vec::new();
        let mut forgotten = Vec::new();
        for &(partition, want) in changes {
            match (find(&self.sent, partition), want) {
                (Ok(i), Some(offset)) => {
                    if let Some(fp) = self.sent.get_mut(i).filter(|fp| fp.offset != offset) {
                        fp.offset = offset;
                        changed.push(*fp);
                    }
                }
                (Ok(i), None) => {
                    self.sent.remove(i);
                    forgotten.push(partition);
                }
                (Err(i), Some(offset)) => {
                    let fp = ConsumerFetchPartition { partition, offset };
                    self.sent.insert(i, fp);
                    changed.push(fp);
                }
                (Err(_), None) => {}
            }
        }
        Some((ConsumerSessionRef { id, epoch }, changed, forgotten))
    }

    /// The request for `wanted` (all it reads from this leader, ascending): its session, the
    /// partitions added or changed, and those to forget. The session then holds `wanted`.
    fn next_request(
        &mut self,
        wanted: Vec<ConsumerFetchPartition>,
    ) -> (ConsumerSessionRef, Vec<ConsumerFetchPartition>, Vec<u32>) {
        self.current = true;
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
    fn wants_records(&self, p: u32) -> Want {
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
            // Every session's next request looks at the whole plan.
            for s in self.fetch_sessions.values_mut() {
                s.current = false;
            }
            self.fetch_changed = BitSet::new();
        }
        if plan
            .leaderless
            .iter()
            .any(|&p| self.wants_records(p).is_some())
        {
            self.request_metadata(ctx);
        }
        let mut changes = Vec::new();
        for (&leader, owned) in plan.by_leader.iter() {
            if self.fetches.contains_key(&leader) {
                continue;
            }
            let incremental = self
                .fetch_sessions
                .get(&leader)
                .is_some_and(|s| s.current && s.established.is_some());
            let request = if incremental {
                changes.clear();
                changes.extend(
                    self.fetch_changed
                        .iter()
                        .filter(|&p| self.leader_of_owned(p) == Some(leader))
                        .map(|p| (p, self.wants_records(p))),
                );
                let request = self
                    .fetch_sessions
                    .get_or_default(leader)
                    .next_changes(&changes);
                if request.is_some() {
                    for &(p, _) in &changes {
                        self.fetch_changed.remove(p);
                    }
                }
                request
            } else {
                let partitions = self.fetchable(owned);
                if partitions.is_empty() {
                    continue;
                }
                for &p in owned {
                    self.fetch_changed.remove(p);
                }
                Some(
                    self.fetch_sessions
                        .get_or_default(leader)
                        .next_request(partitions),
                )
            };
            let Some((session, partitions, forgotten)) = request else {
                continue;
            };
            // The whole list, built afresh for the invariants' check of the leader's session
            // (which an incremental request missing a change would fail), in the builds that
            // check them.
            let whole = cfg!(any(test, feature = "invariants")).then(|| {
                let whole = self.fetchable(owned);
                self.foreign_fetches += whole
                    .iter()
                    .filter(|p| !self.owned.contains(&p.partition))
                    .count() as u32;
                whole
            });
            if self.in_eager_rebalance() {
                self.fetches_during_eager_rebalance += 1;
            }
            let correlation_id = self.next_correlation;
            self.next_correlation += 1;
            self.fetches.insert(leader, (correlation_id, ctx.now));
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

    /// `p`'s leader, if the consumer owns `p` (what the fetch plan groups it under).
    fn leader_of_owned(&self, p: u32) -> Option<u32> {
        self.leaders
            .get(p as usize)
            .copied()
            .flatten()
            .filter(|_| self.owned.contains(&p))
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
                self.fetch_changed.insert(fp.partition);
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
                self.fetch_changed.insert(fp.partition);
                continue;
            }
            let Some(&pos) = self.positions.get(&fp.partition) else {
                continue;
            };
            if pos != fp.offset {
                continue;
            }
            if fp.records > 0 {
                self.fetch_changed.insert(fp.partition);
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

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// The incremental path's request is the one the whole list would give, and leaves
        /// the session holding the same list.
        #[test]
        fn a_request_from_the_changes_alone_equals_the_one_from_the_whole_list(
            before in proptest::collection::btree_map(0u32..40, proptest::option::of(0u64..4), 0..20),
            changes in proptest::collection::btree_map(
                0u32..40,
                proptest::option::of(proptest::option::of(0u64..4)),
                0..12,
            ),
        ) {
            let listing = |m: &std::collections::BTreeMap<u32, Option<u64>>| -> Vec<_> {
                m.iter().map(|(&p, &o)| fp(p, o)).collect()
            };
            let mut after = before.clone();
            for (&p, &want) in &changes {
                match want {
                    Some(o) => after.insert(p, o),
                    None => after.remove(&p),
                };
            }
            let mut whole = FetchSession::default();
            whole.next_request(listing(&before));
            whole.established = Some((7, 3));
            let mut incremental = whole.clone();
            let changes: Vec<(u32, Want)> = changes.into_iter().collect();
            let by_changes = incremental.next_changes(&changes);
            if after.is_empty() {
                // No fetch goes out, and the session is left as it was.
                proptest::prop_assert!(by_changes.is_none());
                proptest::prop_assert_eq!(listed(&incremental.sent), listed(&whole.sent));
            } else {
                let (session, parts, forgotten) = whole.next_request(listing(&after));
                let (s2, p2, f2) = by_changes.expect("a request");
                proptest::prop_assert_eq!(session, s2);
                proptest::prop_assert_eq!(listed(&parts), listed(&p2));
                proptest::prop_assert_eq!(forgotten, f2);
                proptest::prop_assert_eq!(listed(&incremental.sent), listed(&whole.sent));
                proptest::prop_assert_eq!(incremental.established, whole.established);
            }
        }
    }
}
