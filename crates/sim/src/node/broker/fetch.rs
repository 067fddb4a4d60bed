//! Replication, the leader side of follower fetches: fetch sessions, long poll, divergence
//! check, follower state, ISR expansion (the follower side is `replica_fetcher`).

use super::fetch_session::{CachedPartition, LeaderSession};
use super::purgatory::HeldFetch;
use super::replica::ReplicaRole;
use super::{node, Broker, FETCH_MAX_BATCHES, FETCH_WAIT_MAX_US};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{
    FetchRequest, FetchResponse, FetchSessionError, FetchedPartition, NodeId, Payload,
};
use crate::kafka::record_batch::BatchRun;
use crate::node::{Outbox, Timer};
use crate::support::bit_set::BitSet;
use crate::world::topology::Topology;

/// A follower fetch waits for records in any partition of its session (the purgatory is
/// asked per follower, see `release_held_fetches`).
impl HeldFetch for FetchRequest {
    fn correlation_id(&self) -> u64 {
        self.correlation_id
    }
}

/// The working lists of a follower fetch, taken out of the broker while in use and put back
/// after: made afresh, they were three allocations per fetch, about a tenth of the cap
/// scenario's.
/// (A nested fetch answer, from a high watermark advance, finds them taken and makes its own.)
#[derive(Debug, Clone, Default)]
pub(super) struct FetchScratch {
    cached: Vec<(u32, CachedPartition)>,
    partitions: Vec<u32>,
    /// The lists of answers this broker received as a follower, emptied, for the answers it
    /// sends as a leader: every broker is both, so the lists go round instead of being made
    /// for each answer (three allocations per answer, and more as a list grew).
    answers: Vec<(Vec<FetchedPartition>, BatchRun)>,
}

/// How many emptied answer lists a broker keeps (it has about one fetch in flight per leader).
const SPARE_ANSWERS: usize = 4;

impl FetchScratch {
    /// Keeps an answer's lists, emptied, for an answer to build.
    pub(super) fn recycle(&mut self, mut partitions: Vec<FetchedPartition>, mut batches: BatchRun) {
        if self.answers.len() < SPARE_ANSWERS {
            partitions.clear();
            batches.clear();
            self.answers.push((partitions, batches));
        }
    }
}

impl Broker {
    /// Opens, checks and updates the follower's session for this request; the answer to a
    /// request out of step with it is an error and no session work.
    fn fetch_session(&mut self, now: u64, req: &FetchRequest) -> Result<(), FetchSessionError> {
        let f = req.replica;
        if req.session_epoch == 0 {
            // A full fetch: a new session replaces the follower's old one
            // (`FetchSessionCache.maybeCreateSession`; one session per follower here).
            if let Some(old) = self.sessions.remove(&f) {
                let idle: Vec<u32> = old
                    .partitions
                    .keys()
                    .copied()
                    .filter(|&p| old.idle(p))
                    .collect();
                for p in idle {
                    self.settle_idle(f, p, old.last_fetch_us);
                }
            }
            self.next_session_id = self.next_session_id.wrapping_add(1).max(1);
            let partitions = req
                .partitions
                .iter()
                .map(|fp| {
                    (
                        fp.partition,
                        CachedPartition {
                            fetch_offset: fp.fetch_offset,
                            last_fetched_epoch: fp.last_fetched_epoch,
                            high_watermark_sent: None,
                        },
                    )
                })
                .collect();
            let mut dirty = BitSet::new();
            for fp in &req.partitions {
                dirty.insert(fp.partition);
            }
            self.sessions.insert(
                f,
                LeaderSession {
                    id: self.next_session_id,
                    epoch: 1,
                    partitions,
                    cached: dirty.clone(),
                    dirty,
                    last_fetch_us: now,
                    full_answer: true,
                },
            );
            return Ok(());
        }
        let Some(s) = self.sessions.get(&f) else {
            return Err(FetchSessionError::IdNotFound);
        };
        if s.id != req.session_id {
            return Err(FetchSessionError::IdNotFound);
        }
        if s.epoch != req.session_epoch {
            return Err(FetchSessionError::InvalidEpoch);
        }
        let last = s.last_fetch_us;
        // Partitions idle until now that this request changes or drops: their caught-up time
        // is settled first (`IncrementalFetchContext` updates and removes cached partitions).
        let settle: Vec<u32> = req
            .partitions
            .iter()
            .map(|fp| fp.partition)
            .chain(req.forgotten.iter().copied())
            .filter(|&p| s.idle(p))
            .collect();
        for p in settle {
            self.settle_idle(f, p, last);
        }
        let Some(s) = self.sessions.get_mut(&f) else {
            return Err(FetchSessionError::IdNotFound);
        };
        s.epoch = s.epoch.wrapping_add(1).max(1);
        s.last_fetch_us = now;
        for &p in &req.forgotten {
            s.partitions.remove(&p);
            s.cached.remove(p);
            s.dirty.remove(p);
        }
        for fp in &req.partitions {
            let hw = s
                .partitions
                .get_dense(fp.partition)
                .and_then(|c| c.high_watermark_sent);
            s.partitions.insert(
                fp.partition,
                CachedPartition {
                    fetch_offset: fp.fetch_offset,
                    last_fetched_epoch: fp.last_fetched_epoch,
                    high_watermark_sent: hw,
                },
            );
            s.cached.insert(fp.partition);
            s.dirty.insert(fp.partition);
        }
        Ok(())
    }

    /// A partition idle in follower `f`'s session since its fetch at `at`: the follower was
    /// caught up at each fetch until then, as Kafka's per-fetch update would have recorded.
    fn settle_idle(&mut self, f: u32, partition: u32, at: u64) {
        let Some(r) = self.replicas.get_dense_mut(partition) else {
            return;
        };
        if let ReplicaRole::Leader { followers, .. } = &mut r.role {
            if let Some(st) = followers.iter_mut().find(|s| s.broker == f) {
                st.last_caught_up_us = st.last_caught_up_us.max(at);
                st.last_fetch_us = st.last_fetch_us.max(at);
            }
        }
    }

    /// Something changed for `partition` on this leader (records, high watermark, leadership):
    /// every session caching it looks at it in its next answer.
    pub(super) fn partition_changed(&mut self, partition: u32) {
        self.watch_for_consumers(partition);
        let mut settle = Vec::new();
        for (&f, s) in self.sessions.iter_mut() {
            if s.cached.contains(partition) {
                debug_assert!(s.partitions.contains_key(&partition));
                // Idle until now (see `LeaderSession::idle`): settled first.
                if !s.dirty.contains(partition) {
                    settle.push((f, s.last_fetch_us));
                }
                s.dirty.insert(partition);
            }
        }
        for (f, at) in settle {
            self.settle_idle(f, partition, at);
        }
    }

    pub(super) fn handle_fetch(
        &mut self,
        now: u64,
        req: FetchRequest,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let f = req.replica;
        if let Err(e) = self.fetch_session(now, &req) {
            let resp = FetchResponse {
                correlation_id: req.correlation_id,
                session_id: 0,
                session_error: Some(e),
                partitions: Vec::new(),
                batches: BatchRun::default(),
            };
            out.send(node(self.id), node(f), Payload::FetchResponse(resp));
            return;
        }
        let Some(s) = self.sessions.get(&f) else {
            return;
        };
        // The partitions to read: those listed and those changed on this side. A cached
        // partition left out is caught up with nothing new (`LeaderSession::idle`).
        let mut work = std::mem::take(&mut self.fetch_scratch.cached);
        s.dirty_cached(&mut work);
        let mut touched = std::mem::take(&mut self.fetch_scratch.partitions);
        touched.clear();
        let mut has_data = false;
        for &(partition, fp) in &work {
            let Some(r) = self.replicas.get_dense_mut(partition) else {
                has_data = true;
                continue;
            };
            let leo = r.log_end_offset;
            let hw = r.high_watermark;
            // Where this epoch starts matters only to a follower that may rejoin the ISR.
            let may_rejoin = matches!(&r.role, ReplicaRole::Leader { isr, isr_change_pending, .. }
                if !isr.contains(&f) && !*isr_change_pending);
            let epoch_start = if may_rejoin {
                r.end_offset_for_epoch(r.leader_epoch.saturating_sub(1))
            } else {
                0
            };
            let end = r.end_offset_for_epoch(fp.last_fetched_epoch).min(leo);
            let ReplicaRole::Leader {
                isr,
                followers,
                isr_change_pending,
                expanding,
            } = &mut r.role
            else {
                has_data = true;
                continue;
            };
            if fp.fetch_offset > end {
                has_data = true;
                continue;
            }
            if let Some(st) = followers.iter_mut().find(|s| s.broker == f) {
                if fp.fetch_offset >= leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(now);
                } else if fp.fetch_offset >= st.last_fetch_leader_leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(st.last_fetch_us);
                }
                st.last_fetch_leader_leo = leo;
                st.last_fetch_us = now;
                st.log_end_offset = fp.fetch_offset;
            }
            if fp.fetch_offset < leo {
                has_data = true;
            }
            // A follower back at the high watermark of this epoch rejoins the ISR.
            if !isr.contains(&f)
                && !*isr_change_pending
                && fp.fetch_offset >= hw
                && fp.fetch_offset >= epoch_start
            {
                let mut new_isr = isr.clone();
                new_isr.push(f);
                crate::support::sorting::sort(&mut new_isr);
                *isr_change_pending = true;
                *expanding = Some(f);
                out.send(
                    node(self.id),
                    NodeId::Controller,
                    Payload::AlterPartition {
                        partition,
                        leader: self.id,
                        leader_epoch: r.leader_epoch,
                        isr: new_isr,
                    },
                );
            }
            touched.push(partition);
        }
        self.fetch_scratch.cached = work;
        for &p in &touched {
            self.advance_high_watermark(p, now, topo, out);
        }
        self.fetch_scratch.partitions = touched;
        if has_data {
            self.answer_fetch(f, &req, out);
        } else {
            out.timer(
                now + FETCH_WAIT_MAX_US,
                node(self.id),
                Timer::FetchWait {
                    follower: f,
                    correlation_id: req.correlation_id,
                },
            );
            self.held_fetches.hold(f, req);
        }
    }

    /// One partition of an answer, read at the cached position; its batches go to `batches`.
    fn fetched_partition(
        &self,
        partition: u32,
        c: &CachedPartition,
        batches: &mut BatchRun,
    ) -> FetchedPartition {
        let at = batches.len();
        let mut fp = FetchedPartition {
            partition,
            error: None,
            batches: at..at,
            high_watermark: 0,
            diverging_end_offset: None,
        };
        match self.replicas.get_dense(partition) {
            Some(r) if r.is_leader() => {
                fp.high_watermark = r.high_watermark;
                let end = r
                    .end_offset_for_epoch(c.last_fetched_epoch)
                    .min(r.log_end_offset);
                if c.fetch_offset > end {
                    fp.diverging_end_offset = Some(end);
                } else {
                    r.copy_batches_from(c.fetch_offset, FETCH_MAX_BATCHES, batches);
                    fp.batches.end = batches.len();
                }
            }
            _ => fp.error = Some(ErrorCode::NotLeaderOrFollower),
        }
        fp
    }

    /// The answer to follower `f`'s fetch: every cached partition after a full fetch; else
    /// those with records, a new high watermark, a divergence or an error
    /// (`CachedPartition.maybeUpdateResponseData`). A partition still lagging or in error
    /// stays to be looked at next time; the others are idle until something changes.
    pub(super) fn build_fetch_response(&mut self, f: u32, req: &FetchRequest) -> FetchResponse {
        let Some(s) = self.sessions.get(&f) else {
            return FetchResponse {
                correlation_id: req.correlation_id,
                session_id: 0,
                session_error: Some(FetchSessionError::IdNotFound),
                partitions: Vec::new(),
                batches: BatchRun::default(),
            };
        };
        let full = s.full_answer;
        let mut candidates = std::mem::take(&mut self.fetch_scratch.cached);
        if full {
            candidates.clear();
            candidates.extend(s.partitions.iter().map(|(&p, c)| (p, *c)));
        } else {
            s.dirty_cached(&mut candidates);
        }
        let (mut partitions, mut batches) = self.fetch_scratch.answers.pop().unwrap_or_default();
        let mut settled = std::mem::take(&mut self.fetch_scratch.partitions);
        settled.clear();
        for &(p, c) in &candidates {
            // A partition left out has no batches (they would make it changed).
            let fp = self.fetched_partition(p, &c, &mut batches);
            let lagging = self
                .replicas
                .get_dense(p)
                .is_some_and(|r| c.fetch_offset < r.log_end_offset);
            let changed = fp.error.is_some()
                || fp.diverging_end_offset.is_some()
                || !fp.batches.is_empty()
                || c.high_watermark_sent != Some(fp.high_watermark);
            if !(fp.error.is_some() || fp.diverging_end_offset.is_some() || lagging) {
                settled.push(p);
            }
            if full || changed {
                partitions.push(fp);
            }
        }
        let id = s.id;
        self.fetch_scratch.cached = candidates;
        if let Some(s) = self.sessions.get_mut(&f) {
            s.full_answer = false;
            for &p in &settled {
                s.dirty.remove(p);
            }
            for fp in &partitions {
                if let Some(c) = s.partitions.get_dense_mut(fp.partition) {
                    c.high_watermark_sent = Some(fp.high_watermark);
                }
            }
        }
        self.fetch_scratch.partitions = settled;
        FetchResponse {
            correlation_id: req.correlation_id,
            session_id: id,
            session_error: None,
            partitions,
            batches,
        }
    }

    pub(super) fn answer_fetch(&mut self, follower: u32, req: &FetchRequest, out: &mut Outbox) {
        let resp = self.build_fetch_response(follower, req);
        out.send(node(self.id), node(follower), Payload::FetchResponse(resp));
    }

    /// These partitions have new records: held follower fetches whose session caches any of
    /// them answer.
    pub(super) fn release_held_fetches(&mut self, partitions: &[u32], out: &mut Outbox) {
        if partitions.is_empty() {
            return;
        }
        let sessions = &self.sessions;
        let released = self.held_fetches.release_where(|f| {
            sessions
                .get(&f)
                .is_some_and(|s| partitions.iter().any(|p| s.partitions.contains_key(p)))
        });
        for (f, req) in released {
            self.answer_fetch(f, &req, out);
        }
    }
}

impl Broker {
    /// A partition a leader's fetch session leaves out of its reads (not dirty) must be one
    /// it leads, with the follower caught up at its log end and the current high watermark
    /// sent: otherwise leaving it out would hide records or a high watermark from the
    /// follower, or credit it with a caught-up time it did not earn.
    pub fn check_idle_session_partitions(&self) -> Result<(), String> {
        for (&f, s) in self.sessions.iter() {
            for (&p, c) in s.partitions.iter().filter(|(&p, _)| s.idle(p)) {
                let Some(r) = self.replicas.get_dense(p).filter(|r| r.is_leader()) else {
                    return Err(format!(
                        "broker {}'s session with {f} leaves out partition {p}, which it does not lead",
                        self.id
                    ));
                };
                let follower_at = match &r.role {
                    ReplicaRole::Leader { followers, .. } => followers
                        .iter()
                        .find(|st| st.broker == f)
                        .map(|st| st.log_end_offset),
                    _ => None,
                };
                if c.fetch_offset != r.log_end_offset
                    || c.high_watermark_sent != Some(r.high_watermark)
                    || follower_at != Some(c.fetch_offset)
                {
                    return Err(format!(
                        "broker {}'s session with {f} leaves out partition {p} at offset {} \
                         (log end {}, high watermark {} sent {:?}, follower state {:?})",
                        self.id,
                        c.fetch_offset,
                        r.log_end_offset,
                        r.high_watermark,
                        c.high_watermark_sent,
                        follower_at
                    ));
                }
            }
        }
        Ok(())
    }
}
