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
        self.partitions.contains_key(&partition) && !self.dirty.contains(partition)
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
