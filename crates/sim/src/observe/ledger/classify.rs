//! The ledger's records compared with the partitions' logs, on demand: each record's verdict
//! (committed, at risk, unavailable, lost), its copies and its order, counted over bit sets.

use super::{Ledger, RecordStatus};
use crate::kafka::record_batch::RecordIds;
use serde::Serialize;

/// Per-record verdict after comparing with the partitions' logs (for drill-down): each record
/// has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordFate {
    Pending,
    /// Acknowledged and in the committed log.
    Acknowledged,
    Failed,
    /// Fire-and-forget and in the committed log.
    Delivered,
    /// Told success (or nothing), and gone.
    Lost,
    /// Told success (or nothing), on its leader but not yet below the high watermark.
    AtRisk,
    /// Told success (or nothing), on a partition with no leader.
    Unavailable,
}

/// The record figures. Of the records the application was told succeeded (or, fire-and-forget,
/// told nothing about), each is exactly one of: committed, `lost`, `at.risk`, `unavailable`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: u64,
    /// Gone: truncated, never written, or not in the log of the leader serving the partition.
    pub lost: u64,
    /// In the serving leader's log but not yet below its high watermark: a leader change can
    /// still truncate them (a follower truncates to its new leader's log: KIP-101 leader
    /// epochs, `AbstractFetcherThread`).
    #[serde(rename = "at.risk")]
    pub at_risk: u64,
    /// On a partition with no leader (`kafka-topics --describe` shows `Leader: none`, and
    /// `--unavailable-partitions` lists it), in the log of a replica that may lead it again.
    pub unavailable: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub pending: u64,
    /// Distinct sent records present in the committed logs (an addition to the format).
    pub delivered: u64,
    /// Sends the value serializer failed (`SerializationException` out of `send()`, e.g. a
    /// schema the registry refused): never records, so outside every figure above.
    #[serde(rename = "serialization.failed")]
    pub serialization_failed: u64,
}

impl RecordCounts {
    /// Adds `other`'s record figures (a producer's, into the run's totals); not
    /// `serialization.failed`, which counts sends rather than records and is set apart.
    pub fn add_record_figures(&mut self, other: &RecordCounts) {
        self.sent += other.sent;
        self.acknowledged += other.acknowledged;
        self.failed += other.failed;
        self.lost += other.lost;
        self.at_risk += other.at_risk;
        self.unavailable += other.unavailable;
        self.duplicated += other.duplicated;
        self.reordered += other.reordered;
        self.pending += other.pending;
        self.delivered += other.delivered;
    }
}

/// Hands each batch's record ids, in order, from the given offset (the count of records
/// before it in the log) on, to the function it is given.
pub type WalkBatches<'a> = std::rc::Rc<dyn Fn(u64, &mut dyn FnMut(RecordIds<'_>)) + 'a>;

/// Record ids of a log's batches in log order, one batch at a time: borrowed slices, or a walk
/// over a log (whose batches hand out listed ids or ranges, decoded one at a time).
#[derive(Clone)]
pub enum Batches<'a> {
    Slices(Vec<&'a [u32]>),
    Walk(WalkBatches<'a>),
}

impl Batches<'_> {
    /// Calls `f` with each batch's record ids, in order.
    pub fn each(&self, f: impl FnMut(RecordIds<'_>)) {
        self.each_from(0, f);
    }

    /// The same from offset `from` on: the records before it are skipped.
    pub fn each_from(&self, from: u64, mut f: impl FnMut(RecordIds<'_>)) {
        match self {
            Batches::Slices(v) => {
                let mut skip = from as usize;
                for b in v {
                    if skip < b.len() {
                        f(RecordIds::listed(&b[skip..]));
                    }
                    skip = skip.saturating_sub(b.len());
                }
            }
            Batches::Walk(walk) => walk(from, &mut f),
        }
    }
}

impl Default for Batches<'_> {
    fn default() -> Self {
        Batches::Slices(Vec::new())
    }
}

impl<'a> From<Vec<&'a [u32]>> for Batches<'a> {
    fn from(v: Vec<&'a [u32]>) -> Self {
        Batches::Slices(v)
    }
}

impl std::fmt::Debug for Batches<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        self.each(|b| {
            list.entry(&b.to_vec());
        });
        list.finish()
    }
}

/// One partition's logs as the ledger classifies against them.
#[derive(Debug, Clone, Default)]
pub struct PartitionLogs<'a> {
    /// Whether a leader serves the partition (false: offline).
    pub led: bool,
    /// The committed log: record ids below the high watermark in log order, one slice per
    /// batch (on the leader; while offline, on the ISR member with the highest watermark).
    pub committed: Batches<'a>,
    /// Records held but not committed: with a leader, its records at or above its high
    /// watermark; offline, every record of each replica that may lead the partition again.
    pub held: Batches<'a>,
    /// For a led partition, what identifies the log `committed` reads (its leader, leader
    /// epoch and truncations): while it stays, that log below the high watermark only grows,
    /// so a [`CommittedScan`] reads on from where it stopped. `None`: read it all each time.
    pub log_key: Option<LogKey>,
    /// Where `committed` ends (the high watermark).
    pub committed_end: u64,
}

/// A committed log's identity: its leader, leader epoch and the leader replica's truncations.
pub type LogKey = (u32, u32, u32);

/// What classifying has read of every partition's committed log so far, and what it found:
/// kept between classifications of one run, so that each reads only what was committed since
/// (a long run's logs hold millions of records; reading them all took a playing page tens of
/// milliseconds twice a second). Read again from the start when a log is not the one read
/// before (a new leader or epoch, a truncation) or a partition has no leader.
#[derive(Debug, Clone, Default)]
pub struct CommittedScan {
    /// Per partition: the log read and how far (`None`: nothing read yet).
    read: Vec<(Option<LogKey>, u64)>,
    /// Per partition and producer: the highest id read yet, for order.
    max_seen: Vec<Vec<Option<u32>>>,
    /// Per producer: its records found in a committed log (by offset from its first id).
    seen: Vec<Bits>,
    /// One entry per extra copy found.
    extra: Vec<u32>,
    reordered_ids: Vec<u32>,
    /// How many times it started over.
    pub starts: u32,
}

impl CommittedScan {
    fn new(partitions: usize, producers: usize, starts: u32) -> Self {
        CommittedScan {
            read: vec![(None, 0); partitions],
            max_seen: vec![vec![None; producers]; partitions],
            seen: (0..producers).map(|_| Bits::default()).collect(),
            extra: Vec::new(),
            reordered_ids: Vec::new(),
            starts,
        }
    }

    /// Whether it has read these logs before (only grown since).
    fn resumes(&self, partitions: &[PartitionLogs], producers: usize) -> bool {
        self.seen.len() == producers
            && self.read.len() == partitions.len()
            && partitions.iter().zip(&self.read).all(|(p, (key, end))| {
                p.led && p.log_key.is_some() && p.log_key == *key && p.committed_end >= *end
            })
    }
}

/// The outcome of comparing the ledger with the partitions' logs.
/// Every id list is ascending (the page looks messages' record ranges up in them).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Classification {
    pub counts: RecordCounts,
    pub per_producer: Vec<RecordCounts>,
    pub lost_ids: Vec<u32>,
    pub at_risk_ids: Vec<u32>,
    pub unavailable_ids: Vec<u32>,
    pub duplicated_ids: Vec<u32>,
    pub reordered_ids: Vec<u32>,
}

/// One bit per record of a producer, by offset from its first id; grows as bits are set.
#[derive(Debug, Clone, Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Sets bit `i`; whether it was set before.
    fn test_and_set(&mut self, i: usize) -> bool {
        if self.0.len() <= i / 64 {
            self.0.resize(i / 64 + 1, 0);
        }
        let Some(w) = self.0.get_mut(i / 64) else {
            return false;
        };
        let bit = 1u64 << (i % 64);
        let was = *w & bit != 0;
        *w |= bit;
        was
    }

    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn word(&self, w: usize) -> u64 {
        self.0.get(w).copied().unwrap_or(0)
    }

    /// Set bits among `start..end`.
    fn count(&self, start: usize, end: usize) -> u64 {
        let mut n = 0u64;
        let mut i = start;
        while i < end {
            let w = i / 64;
            let lo = i % 64;
            let hi = (end - w * 64).min(64);
            let mask = if hi - lo == 64 {
                u64::MAX
            } else {
                ((1u64 << (hi - lo)) - 1) << lo
            };
            n += u64::from((self.word(w) & mask).count_ones());
            i = w * 64 + hi;
        }
        n
    }
}

impl Ledger {
    /// Compares with the partitions' logs, indexed by global partition. A record the
    /// application was told succeeded (or, fire-and-forget, told nothing about) is committed
    /// when below its leader's high watermark, at risk when in its leader's log above it,
    /// unavailable when its partition has no leader but a replica that may lead it again holds
    /// it, and lost otherwise. Copies and order are counted in the committed logs.
    ///
    /// A record's batches only ever go to the partition it was sent to, so whether its
    /// partition is led is read off the partition whose logs hold it (a record in no log is
    /// lost whatever its partition's state). Bit sets over the records sent, and a map of the
    /// extra copies, replace per-record counters.
    pub fn classify(&self, partitions: &[PartitionLogs]) -> Classification {
        self.classify_resuming(partitions, &mut CommittedScan::default())
    }

    /// The same, reading each committed log on from where `scan` stopped in it (see
    /// [`CommittedScan`]): the same classification as reading them all.
    pub fn classify_resuming(
        &self,
        partitions: &[PartitionLogs],
        scan: &mut CommittedScan,
    ) -> Classification {
        if !scan.resumes(partitions, self.producers.len()) {
            *scan = CommittedScan::new(partitions.len(), self.producers.len(), scan.starts + 1);
        }
        // A record's offset from its producer's first id, if sent.
        let slot = |p: usize, id: u32| -> Option<usize> {
            let prod = self.producers.get(p)?;
            let offset = id.wrapping_sub(prod.base);
            (offset < prod.sent()).then_some(offset as usize)
        };
        let producers = self.producers.len();
        let mut held: Vec<Bits> = (0..producers).map(|_| Bits::default()).collect();
        // In a log (committed or held) of a partition with no leader.
        let mut unled: Vec<Bits> = (0..producers).map(|_| Bits::default()).collect();
        let CommittedScan {
            read,
            max_seen,
            seen,
            extra,
            reordered_ids,
            ..
        } = scan;
        for ((partition, (key, end)), max_seen) in partitions.iter().zip(read).zip(max_seen) {
            partition.committed.each_from(*end, |batch| {
                let Some(first) = batch.first() else {
                    return;
                };
                let Some(p) = self.producer_of(first) else {
                    return;
                };
                for id in batch.iter() {
                    let (Some(i), Some(seen)) = (slot(p, id), seen.get_mut(p)) else {
                        continue;
                    };
                    if !partition.led {
                        if let Some(u) = unled.get_mut(p) {
                            u.test_and_set(i);
                        }
                    }
                    if seen.test_and_set(i) {
                        extra.push(id);
                        continue;
                    }
                    if let Some(m) = max_seen.get_mut(p) {
                        match m {
                            Some(prev) if id < *prev => reordered_ids.push(id),
                            Some(prev) => *prev = id,
                            None => *m = Some(id),
                        }
                    }
                }
            });
            (*key, *end) = (partition.log_key, partition.committed_end);
            partition.held.each(|batch| {
                let Some(p) = batch.first().and_then(|id| self.producer_of(id)) else {
                    return;
                };
                for id in batch.iter() {
                    if let (Some(i), Some(h), Some(u)) =
                        (slot(p, id), held.get_mut(p), unled.get_mut(p))
                    {
                        h.test_and_set(i);
                        if !partition.led {
                            u.test_and_set(i);
                        }
                    }
                }
            });
        }
        let mut extra = extra.clone();
        crate::support::sorting::sort(&mut extra);
        let mut reordered_ids = reordered_ids.clone();
        crate::support::sorting::sort(&mut reordered_ids);
        let mut out = Classification {
            reordered_ids,
            ..Default::default()
        };
        let none = Bits::default();
        for (pi, p) in self.producers.iter().enumerate() {
            let [seen, held, unled] =
                [&scan.seen, &held, &unled].map(|b| b.get(pi).unwrap_or(&none));
            let sent = p.sent();
            let mut c = RecordCounts {
                sent: u64::from(sent),
                delivered: seen.count(0, sent as usize),
                ..Default::default()
            };
            let ids = p.base..p.base.saturating_add(sent);
            let mut k = extra.partition_point(|&id| id < ids.start);
            while let Some(&id) = extra.get(k).filter(|&&id| id < ids.end) {
                let run = extra[k..].iter().take_while(|&&x| x == id).count();
                c.duplicated += run as u64;
                out.duplicated_ids.push(id);
                k += run;
            }
            for (from, to, status) in p.status_runs() {
                let n = u64::from(to - from);
                match status {
                    RecordStatus::Pending => c.pending += n,
                    RecordStatus::Failed => c.failed += n,
                    RecordStatus::Acknowledged | RecordStatus::Unobserved => {
                        if status == RecordStatus::Acknowledged {
                            c.acknowledged += n;
                        }
                        // Committed (in a committed log of a led partition) unless a bit says
                        // otherwise: visit only the records that are not.
                        let (lo, hi) = (from as usize, to as usize);
                        let mut i = lo;
                        while i < hi {
                            let w = i / 64;
                            let committed = seen.word(w) & !unled.word(w);
                            let word_end = ((w + 1) * 64).min(hi);
                            if committed == u64::MAX && i % 64 == 0 && word_end - i == 64 {
                                i = word_end;
                                continue;
                            }
                            for j in i..word_end {
                                let (in_log, in_held, led) =
                                    (seen.get(j), held.get(j), !unled.get(j));
                                let (count, list) = match (led, in_log, in_held) {
                                    (true, true, _) => continue,
                                    (true, false, true) => (&mut c.at_risk, &mut out.at_risk_ids),
                                    (false, true, _) | (false, false, true) => {
                                        (&mut c.unavailable, &mut out.unavailable_ids)
                                    }
                                    (_, false, false) => (&mut c.lost, &mut out.lost_ids),
                                };
                                *count += 1;
                                list.push(p.base + j as u32);
                            }
                            i = word_end;
                        }
                    }
                }
            }
            c.reordered = out
                .reordered_ids
                .iter()
                .filter(|&&id| self.producer_of(id) == Some(pi))
                .count() as u64;
            out.counts.add_record_figures(&c);
            out.per_producer.push(c);
        }
        out
    }

    /// The ids of records with `status` (every record sent for `None`), ascending.
    pub fn ids_with(&self, status: Option<RecordStatus>) -> Vec<u32> {
        let mut ids = Vec::new();
        for p in &self.producers {
            for (from, to, s) in p.status_runs() {
                if status.is_none_or(|w| w == s) {
                    ids.extend((from..to).map(|o| p.base.saturating_add(o)));
                }
            }
        }
        ids
    }

    /// Each sent record's verdict, producer by producer in send order (for drill-down). Ids
    /// are reserved per producer for all its records, so a producer that has not sent them all
    /// leaves a gap in the ids but none here.
    pub fn fates(&self, classification: &Classification) -> Vec<RecordFate> {
        let mut fates = Vec::new();
        let mut starts = Vec::with_capacity(self.producers.len());
        for p in &self.producers {
            starts.push(fates.len());
            for (from, to, s) in p.status_runs() {
                let fate = match s {
                    RecordStatus::Pending => RecordFate::Pending,
                    RecordStatus::Acknowledged => RecordFate::Acknowledged,
                    RecordStatus::Failed => RecordFate::Failed,
                    RecordStatus::Unobserved => RecordFate::Delivered,
                };
                fates.extend(std::iter::repeat_n(fate, (to - from) as usize));
            }
        }
        for (ids, fate) in [
            (&classification.lost_ids, RecordFate::Lost),
            (&classification.at_risk_ids, RecordFate::AtRisk),
            (&classification.unavailable_ids, RecordFate::Unavailable),
        ] {
            for &id in ids {
                let Some(i) = self.producer_of(id) else {
                    continue;
                };
                let at = starts[i] + id.wrapping_sub(self.producers[i].base) as usize;
                if let Some(f) = fates.get_mut(at) {
                    *f = fate;
                }
            }
        }
        fates
    }
}
