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
    /// The consumer's `owned_version` it was made for, and its leader map.
    made_for: Option<(u64, Arc<[Option<u32>]>)>,
    /// Leader → its owned partitions in `owned`'s order, leaders ascending.
    by_leader: VecMap<u32, Vec<u32>>,
    /// Owned partitions whose leader the metadata does not know.
    leaderless: Vec<u32>,
}

impl FetchPlan {
    /// By the version of `owned` rather than its contents: comparing the owned lists on every
    /// fetch was a cost growing with the partitions owned.
    fn is_for(&self, owned_version: u64, leaders: &Arc<[Option<u32>]>) -> bool {
        self.made_for
            .as_ref()
            .is_some_and(|(v, l)| *v == owned_version && Arc::ptr_eq(l, leaders))
    }

    fn rebuild(&mut self, owned: &VecSet<u32>, owned_version: u64, leaders: &Arc<[Option<u32>]>) {
        self.made_for = Some((owned_version, leaders.clone()));
        self.by_leader.clear();
        self.leaderless.clear();
        for &p in owned {
            match leaders.get(p as usize).copied().flatten() {
                Some(leader) => self.by_leader.get_or_default(leader).push(p),
                None => self.leaderless.push(p),
            }
        }
    }

    /// The owned partitions it covers, ascending.
    #[cfg(debug_assertions)]
    fn covers(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self.by_leader.values().flatten().copied().collect();
        all.extend(&self.leaderless);
        all.sort_unstable();
        all
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

    /// The next request from the partitions that changed since the last one (`changes`,
    /// ascending, each with what the next fetch wants of it): the partitions added or moved,
    /// and those to forget. The session then holds what it held with `changes` applied. A
    /// session not yet opened (`established` is `None`) gets a full fetch: the session ref 0/0,
    /// everything wanted, nothing to forget. `None` when the session would be left empty: no
    /// fetch goes out and the session stays as it is.
    fn next_request(
        &mut self,
        changes: &[(u32, Want)],
    ) -> Option<(ConsumerSessionRef, Vec<ConsumerFetchPartition>, Vec<u32>)> {
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
        let session = match self.established {
            Some((id, epoch)) => {
                self.established = Some((id, epoch.wrapping_add(1).max(1)));
                ConsumerSessionRef { id, epoch }
            }
            None => ConsumerSessionRef::default(),
        };
        self.current = true;
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
        Some((session, changed, forgotten))
    }
}

impl Consumer {
    /// Whether the next fetch would read `p`: not buffered, with a position to read from (or a
    /// reset to the log end to learn).
    fn wants_records(&self, p: u32) -> Want {
        if self.buffered.contains(p) {
            return None;
        }
        match self.positions.get(&p) {
            Some(o) => Some(Some(*o)),
            None if self.reset_latest.contains(&p) => Some(None),
            None => None,
        }
    }

    /// Of `partitions` (ascending), those `wants_records` picks with their offsets, found by
    /// walking the sorted position and reset lists alongside instead of searching each per
    /// partition. Requests are built from what changed; this whole list is what the
    /// builds that check invariants send alongside, for the leader to compare its session with.
    fn fetchable(&self, partitions: &[u32]) -> Vec<ConsumerFetchPartition> {
        let with_position = self.positions.keys().as_slice();
        let positions = self.positions.values().as_slice();
        let reset = self.reset_latest.as_slice();
        let (mut i, mut r) = (0, 0);
        let mut out = Vec::with_capacity(partitions.len());
        for &p in partitions {
            if self.buffered.contains(p) {
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
        if !plan.is_for(self.owned_version, &self.leaders) {
            plan.rebuild(&self.owned, self.owned_version, &self.leaders);
            // Every session's next request looks at the whole plan.
            for s in self.fetch_sessions.values_mut() {
                s.current = false;
            }
            self.fetch_changed = BitSet::new();
        }
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            plan.covers(),
            self.owned.as_slice(),
            "owned changed, its version did not"
        );
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
            let s = self.fetch_sessions.get_or_default(leader);
            if !s.current || s.established.is_none() {
                // A look at everything this leader serves and everything its session holds
                // (after a new plan, or for a full fetch, which starts from nothing).
                if s.established.is_none() {
                    s.sent.clear();
                }
                for fp in &s.sent {
                    self.fetch_changed.insert(fp.partition);
                }
                for &p in owned {
                    self.fetch_changed.insert(p);
                }
            }
            let sent = self
                .fetch_sessions
                .get(&leader)
                .map(|s| s.sent.as_slice())
                .unwrap_or_default();
            changes.clear();
            changes.extend(self.fetch_changed.iter().filter_map(|p| {
                let serves = self.leader_of_owned(p) == Some(leader);
                let held = sent.binary_search_by_key(&p, |fp| fp.partition).is_ok();
                (serves || held).then(|| (p, self.wants_records(p).filter(|_| serves)))
            }));
            let request = self
                .fetch_sessions
                .get_or_default(leader)
                .next_request(&changes);
            if request.is_some() {
                for &(p, _) in &changes {
                    self.fetch_changed.remove(p);
                }
            }
            let Some((session, partitions, forgotten)) = request else {
                continue;
            };
            // The whole list, built afresh for the invariants' check of the leader's session
            // (which a request that missed a change would fail), in the builds that
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
                self.buffered.fill(
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

    /// Changes for a request: (partition, Some(offset)) wanted, (partition, None) not.
    fn ch(list: &[(u32, Option<Option<u64>>)]) -> Vec<(u32, Want)> {
        list.to_vec()
    }

    #[test]
    fn a_session_request_lists_added_and_moved_partitions_and_forgets_the_rest() {
        let mut s = FetchSession::default();
        let (session, parts, forgotten) = s
            .next_request(&ch(&[
                (0, Some(Some(5))),
                (3, Some(Some(7))),
                (6, Some(None)),
            ]))
            .expect("a request");
        // No session yet: a full fetch of everything.
        assert_eq!(session, ConsumerSessionRef { id: 0, epoch: 0 });
        assert_eq!(listed(&parts), [(0, Some(5)), (3, Some(7)), (6, None)]);
        assert!(forgotten.is_empty());
        s.established = Some((42, 1));
        let (session, parts, forgotten) = s
            .next_request(&ch(&[
                (0, Some(Some(5))),
                (3, Some(Some(9))),
                (6, None),
                (9, Some(Some(1))),
            ]))
            .expect("a request");
        assert_eq!(session, ConsumerSessionRef { id: 42, epoch: 1 });
        assert_eq!(listed(&parts), [(3, Some(9)), (9, Some(1))]);
        assert_eq!(forgotten, [6]);
        assert_eq!(listed(&s.sent), [(0, Some(5)), (3, Some(9)), (9, Some(1))]);
        // Nothing moved: an empty request in the next epoch.
        let (session, parts, forgotten) = s.next_request(&[]).expect("a request");
        assert_eq!(session, ConsumerSessionRef { id: 42, epoch: 2 });
        assert!(parts.is_empty() && forgotten.is_empty());
        // A change that would leave the session empty sends nothing and changes nothing.
        assert!(s
            .next_request(&ch(&[(0, None), (3, None), (9, None)]))
            .is_none());
        assert_eq!((s.sent.len(), s.established), (3, Some((42, 3))));
        // After a reset a full fetch again.
        s.reset();
        let (session, parts, _) = s
            .next_request(&ch(&[(1, Some(Some(2)))]))
            .expect("a request");
        assert_eq!((session.epoch, listed(&parts)), (0, vec![(1, Some(2))]));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// A request from the changes alone is the difference between what the session held
        /// and what it should hold: every added or moved partition, every dropped one, and the
        /// session then holds the new list.
        #[test]
        fn a_request_from_the_changes_is_the_difference_of_the_whole_lists(
            before in proptest::collection::btree_map(0u32..40, proptest::option::of(0u64..4), 0..20),
            changes in proptest::collection::btree_map(
                0u32..40,
                proptest::option::of(proptest::option::of(0u64..4)),
                0..12,
            ),
        ) {
            let mut after = before.clone();
            for (&p, &want) in &changes {
                match want {
                    Some(o) => after.insert(p, o),
                    None => after.remove(&p),
                };
            }
            let mut s = FetchSession {
                established: Some((7, 3)),
                sent: before.iter().map(|(&p, &o)| fp(p, o)).collect(),
                current: true,
            };
            let changes: Vec<(u32, Want)> = changes.into_iter().collect();
            let request = s.next_request(&changes);
            if after.is_empty() {
                // No fetch goes out, and the session is left as it was.
                proptest::prop_assert!(request.is_none());
                proptest::prop_assert_eq!(s.sent.len(), before.len());
                proptest::prop_assert_eq!(s.established, Some((7, 3)));
            } else {
                let (session, parts, forgotten) = request.expect("a request");
                let moved: Vec<(u32, Option<u64>)> = after
                    .iter()
                    .filter(|(p, o)| before.get(p) != Some(o))
                    .map(|(&p, &o)| (p, o))
                    .collect();
                let dropped: Vec<u32> =
                    before.keys().filter(|p| !after.contains_key(p)).copied().collect();
                proptest::prop_assert_eq!(session, ConsumerSessionRef { id: 7, epoch: 3 });
                proptest::prop_assert_eq!(listed(&parts), moved);
                proptest::prop_assert_eq!(forgotten, dropped);
                let held: Vec<(u32, Option<u64>)> = after.into_iter().collect();
                proptest::prop_assert_eq!(listed(&s.sent), held);
                proptest::prop_assert_eq!(s.established, Some((7, 4)));
            }
        }
    }
}
