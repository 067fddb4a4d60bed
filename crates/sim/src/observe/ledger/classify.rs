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

/// Hands each batch's record ids, in order, to the function it is given.
pub type WalkBatches<'a> = std::rc::Rc<dyn Fn(&mut dyn FnMut(RecordIds<'_>)) + 'a>;

/// Record ids of a log's batches in log order, one batch at a time: borrowed slices, or a walk
/// over a log (whose batches hand out listed ids or ranges, decoded one at a time).
#[derive(Clone)]
pub enum Batches<'a> {
    Slices(Vec<&'a [u32]>),
    Walk(WalkBatches<'a>),
}

impl Batches<'_> {
    /// Calls `f` with each batch's record ids, in order.
    pub fn each(&self, mut f: impl FnMut(RecordIds<'_>)) {
        match self {
            Batches::Slices(v) => v.iter().for_each(|b| f(RecordIds::listed(b))),
            Batches::Walk(walk) => walk(&mut f),
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
}

/// The outcome of comparing the ledger with the partitions' logs.
/// Every id list is ascending (the page looks messages' record ranges up in them).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Classification {
    pub counts: RecordCounts,
    pub per_producer: Vec<RecordCounts>,
    pub lost_ids: Vec<u32>,
    pub at_risk_ids: Vec<u32>,
    pub unavailable_ids: Vec<u32>,
    pub duplicated_ids: Vec<u32>,
    pub reordered_ids: Vec<u32>,
}

/// One bit per record, indexed like `Ledger::classify`'s slots (producer by producer).
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    /// Sets bit `i`; whether it was set before.
    fn test_and_set(&mut self, i: usize) -> bool {
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
        // Copies are counted over the records sent so far, not the id space: ids are reserved
        // per producer for all its `records`, so the id space can be millions wide.
        let mut starts = Vec::with_capacity(self.producers.len());
        let mut total = 0usize;
        for p in &self.producers {
            starts.push(total);
            total += p.sent() as usize;
        }
        let slot = |p: usize, id: u32| -> Option<usize> {
            let prod = self.producers.get(p)?;
            let offset = id.wrapping_sub(prod.base);
            (offset < prod.sent()).then(|| starts[p] + offset as usize)
        };
        // In a committed log (at least once); extra copies by id.
        let mut seen = Bits::new(total);
        // One entry per extra copy, sorted below: equal ids are runs (a B-tree here costs
        // kilobytes of the page's code).
        let mut extra: Vec<u32> = Vec::new();
        let mut held = Bits::new(total);
        // In a log (committed or held) of a partition with no leader.
        let mut unled = Bits::new(total);
        let mut reordered_ids = Vec::new();
        let mut max_seen: Vec<Option<u32>> = vec![None; self.producers.len()];
        for partition in partitions {
            max_seen.iter_mut().for_each(|m| *m = None);
            partition.committed.each(|batch| {
                let Some(first) = batch.first() else {
                    return;
                };
                let Some(p) = self.producer_of(first) else {
                    return;
                };
                for id in batch.iter() {
                    let Some(i) = slot(p, id) else {
                        continue;
                    };
                    if !partition.led {
                        unled.test_and_set(i);
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
            partition.held.each(|batch| {
                let Some(p) = batch.first().and_then(|id| self.producer_of(id)) else {
                    return;
                };
                for id in batch.iter() {
                    if let Some(i) = slot(p, id) {
                        held.test_and_set(i);
                        if !partition.led {
                            unled.test_and_set(i);
                        }
                    }
                }
            });
        }
        crate::support::sorting::sort(&mut extra);
        crate::support::sorting::sort(&mut reordered_ids);
        let mut out = Classification {
            reordered_ids,
            ..Default::default()
        };
        for (pi, p) in self.producers.iter().enumerate() {
            let start = starts[pi];
            let sent = p.sent();
            let mut c = RecordCounts {
                sent: u64::from(sent),
                delivered: seen.count(start, start + sent as usize),
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
                        let (lo, hi) = (start + from as usize, start + to as usize);
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
                                list.push(p.base + (j - start) as u32);
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
