//! Incremental fetch sessions between a follower and a leader (KIP-227, Kafka 1.1+): after a
//! full fetch the leader caches the follower's partitions with their fetch positions; each
//! later (incremental) request lists only the partitions whose position changed, plus those
//! to forget, and each response carries only the partitions with records, a changed high
//! watermark, a divergence or an error (Kafka's `FetchSession`, `FetchSessionCache` and
//! `IncrementalFetchContext` on the leader, `FetchSessionHandler` on the follower).
//!
//! Kafka's leader still reads every cached partition on each incremental fetch and then
//! leaves the unchanged ones out of the response. Here the leader remembers which cached
//! partitions changed on its side since the last answer (`dirty`) and looks at those only:
//! the same answers, for work that follows what changed rather than the partition count.

use crate::support::bit_set::BitSet;
use crate::support::vec_map::VecMap;

/// What the leader caches of one partition in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedPartition {
    pub fetch_offset: u64,
    pub last_fetched_epoch: u32,
    /// The high watermark last sent for it (`None`: not yet answered, so the next answer
    /// carries it, as Kafka's cached high watermark starts invalid).
    pub high_watermark_sent: Option<u64>,
}

/// The leader's session with one follower.
#[derive(Debug, Clone)]
pub struct LeaderSession {
    pub id: u32,
    /// The epoch the follower's next request must carry (`FetchSession.epoch`).
    pub epoch: u32,
    pub partitions: VecMap<u32, CachedPartition>,
    /// The keys of `partitions`: a membership test without a search (every change on the
    /// leader asks each session whether it caches the partition).
    pub cached: BitSet,
    /// Partitions to look at for the next answer: listed in the request, or changed on the
    /// leader since (records, high watermark, leadership), or still lagging or in error.
    pub dirty: BitSet,
    /// When the follower last fetched on this session. A cached partition that is not dirty
    /// was caught up at that fetch (its offset at the leader's log end, nothing new since), so
    /// that is when the follower was last caught up on it (`Partition.updateFollowerFetchState`
    /// would have set it on each fetch).
    pub last_fetch_us: u64,
    /// The next answer lists every cached partition (the answer to a full fetch).
    pub full_answer: bool,
}

impl LeaderSession {
    /// Whether the session caches `partition` and nothing has changed for it since the last
    /// fetch: the follower is caught up on it as of `last_fetch_us`.
    pub fn idle(&self, partition: u32) -> bool {
        debug_assert_eq!(
            self.cached.contains(partition),
            self.partitions.contains_key(&partition)
        );
        self.cached.contains(partition) && !self.dirty.contains(partition)
    }

    /// The dirty partitions it caches, ascending, with what it caches of them, into `out`
    /// (emptied first). Found by rank in `cached` (the keys of `partitions` are its members in
    /// order) rather than a search per partition: a fetch at 1,000 partitions looks up hundreds.
    pub fn dirty_cached(&self, out: &mut Vec<(u32, CachedPartition)>) {
        let keys = self.partitions.keys().as_slice();
        let values = self.partitions.values().as_slice();
        let mut ranks = self.cached.ranks();
        out.clear();
        for p in self.dirty.iter().filter(|&p| self.cached.contains(p)) {
            let i = ranks.below(p);
            debug_assert_eq!(keys.get(i), Some(&p));
            if let Some(c) = values.get(i) {
                out.push((p, *c));
            }
        }
    }
}

/// The follower's side of its session with one leader (`FetchSessionHandler`).
#[derive(Debug, Clone, Default)]
pub struct FollowerSession {
    /// Session id and the epoch of the next request; `None`: the next fetch is a full one.
    pub established: Option<(u32, u32)>,
    /// What the leader's session holds for each partition: (fetch offset, last fetched epoch)
    /// as last sent.
    pub sent: VecMap<u32, (u64, u32)>,
    /// Partitions whose position may have changed since the last request (those in the last
    /// response): only these are compared with `sent`.
    pub touched: Vec<u32>,
    /// The broker's partition-change count when `sent` was last compared with the partitions
    /// it follows from this leader: a change since means a full comparison (added and
    /// forgotten partitions).
    pub roles_seen: u64,
}

impl FollowerSession {
    /// The next fetch starts a new session (after an error, a disconnect or a timeout:
    /// `FetchSessionHandler.handleError` closes the old one).
    pub fn reset(&mut self) {
        self.established = None;
        self.sent.clear();
        self.touched.clear();
    }
}

/// When follower `f` was last caught up on `partition` (`recorded` in its follower state),
/// counting the fetches of its session that left the partition idle.
pub fn last_caught_up(
    sessions: &VecMap<u32, LeaderSession>,
    f: u32,
    partition: u32,
    recorded: u64,
) -> u64 {
    match sessions.get(&f) {
        Some(s) if s.idle(partition) => recorded.max(s.last_fetch_us),
        _ => recorded,
    }
}

#[cfg(test)]
mod tests {
    use crate::kafka::protocol::{FetchRequest, NodeId, Payload};
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::{ActionKind, KafkaVersion, Scenario};
    use crate::world::sim::Simulation;

    /// Every follower fetch put on the wire until `until_us`: (time, request).
    fn fetches(s: Scenario, until_us: u64) -> Vec<(u64, FetchRequest)> {
        let mut sim = Simulation::new(s);
        let mut seen = 0;
        let mut out = Vec::new();
        while sim.now_us() < until_us && sim.step() {
            for e in sim.messages_since(&mut seen) {
                if let (NodeId::Broker(_), Payload::Fetch(req)) = (e.info.from, &e.payload) {
                    out.push((e.info.depart_us, req.clone()));
                }
            }
        }
        out
    }

    /// 12 partitions over 3 brokers (each follows 4 from each other broker); one key, so
    /// records reach one partition only.
    fn one_busy_partition() -> ScenarioBuilder {
        ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(11)
            .duration_ms(3_000)
            .topic(12, 3, 2)
            .producer(|p| {
                p.records = 500;
                p.records_per_sec = 1000.0;
                p.keys = 1;
            })
    }

    #[test]
    fn after_a_full_fetch_a_follower_lists_only_the_partitions_that_moved() {
        let all = fetches(one_busy_partition().build(), 2_000_000);
        let full: Vec<usize> = all
            .iter()
            .filter(|(_, r)| r.session_epoch == 0)
            .map(|(_, r)| r.partitions.len())
            .collect();
        // One full fetch per follower and leader, each listing the 4 partitions it follows.
        assert_eq!(full, [4, 4, 4, 4, 4, 4]);
        let incremental: Vec<usize> = all
            .iter()
            .filter(|(_, r)| r.session_epoch > 0)
            .map(|(_, r)| r.partitions.len())
            .collect();
        assert!(incremental.iter().all(|&n| n <= 1));
        // The two followers of the busy partition list it after each answer with records; the
        // rest of the fetches list nothing (the leader keeps their positions).
        assert_eq!(incremental.len(), 264);
        assert_eq!(incremental.iter().filter(|&&n| n == 1).count(), 248);
    }

    #[test]
    fn a_restarted_follower_opens_a_new_session_with_a_full_fetch() {
        let s = one_busy_partition()
            .duration_ms(20_000)
            .action(500, ActionKind::CrashBroker { broker: 1 })
            .action(1_000, ActionKind::RestartBroker { broker: 1 })
            .build();
        let all = fetches(s, 20_000_000);
        let full_by_1: Vec<(u64, usize)> = all
            .iter()
            .filter(|(_, r)| r.replica == 1 && r.session_epoch == 0)
            .map(|(t, r)| (*t / 1000, r.partitions.len()))
            .collect();
        // Its sessions died with it: once registered again (9 s, after its old broker session
        // expired) it opens new ones with full fetches, of the partitions it now follows (one
        // leader took over its 4 while it was down).
        assert_eq!(full_by_1, [(0, 4), (0, 4), (9003, 4), (9003, 8)]);
        let full_by_others: Vec<(u64, u32, usize)> = all
            .iter()
            .filter(|(_, r)| r.replica != 1 && r.session_epoch == 0)
            .map(|(t, r)| (*t / 1000, r.replica, r.partitions.len()))
            .collect();
        // The others' fetches to the dead broker fail (a disconnect closes the session): each
        // retry, a second apart until the controller fences it at 9 s, is a full fetch.
        assert_eq!(full_by_others.len(), 20);
        assert!(full_by_others.iter().all(|&(_, _, n)| n == 4));
        assert_eq!(full_by_others[4..6], [(1502, 2, 4), (1503, 0, 4)]);
        // Leadership moving to a broker it already fetches from adds partitions to that session
        // in an incremental fetch: broker 0 lists the 4 it now follows there.
        let grown: Vec<(u32, usize, usize)> = all
            .iter()
            .filter(|(_, r)| r.replica != 1 && r.session_epoch > 0 && r.partitions.len() > 1)
            .map(|(_, r)| (r.replica, r.partitions.len(), r.forgotten.len()))
            .collect();
        assert_eq!(grown, [(0, 4, 0)]);
    }
}
