//! Record batches: one as a log stores it, and runs of them with their record ids in a few
//! chunks, or as a range when they are consecutive (a log's newest batches, the batches of a
//! fetch answer). Nothing in a run is allocated or shared per batch: at 1,000 partitions a
//! batch holds about one record, and an `Arc` per batch cost an allocation, and a cache miss
//! for each replica that cloned, encoded or dropped it.

use std::ops::Range;
use std::sync::Arc;

/// The idempotent producer's identity on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerIdentity {
    pub producer_id: u64,
    pub producer_epoch: u16,
    pub base_sequence: i32,
}

/// A record batch as stored in a replica's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBatch {
    pub base_offset: u64,
    /// Global record ids (the ledger's index), in send order within the batch.
    pub records: Arc<[u32]>,
    pub leader_epoch: u32,
    pub identity: Option<ProducerIdentity>,
}

impl LogBatch {
    pub fn end_offset(&self) -> u64 {
        self.base_offset + self.records.len() as u64
    }
}

/// A batch's record ids: borrowed, or consecutive ids kept as their range. A producer's ids are
/// consecutive in send order, so a batch of records sent one after another to one partition
/// (null keys, the sticky partitioner of KIP-480) is a range: logs and fetch answers keep it
/// as two numbers instead of copying every id into memory that, at 1,000 partitions, no
/// cache still holds.
#[derive(Debug, Clone, Copy)]
pub struct RecordIds<'a> {
    /// The ids when listed; empty for a range.
    listed: &'a [u32],
    /// A range's first id.
    first: u32,
    len: u32,
}

impl<'a> RecordIds<'a> {
    pub fn listed(ids: &'a [u32]) -> Self {
        RecordIds {
            listed: ids,
            first: 0,
            len: ids.len() as u32,
        }
    }

    pub fn consecutive(first: u32, len: u32) -> Self {
        RecordIds {
            listed: &[],
            first,
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<u32> {
        (i < self.len()).then(|| {
            let id = self.listed.get(i).copied();
            id.unwrap_or(self.first.wrapping_add(i as u32))
        })
    }

    pub fn first(&self) -> Option<u32> {
        self.get(0)
    }

    pub fn last(&self) -> Option<u32> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(self) -> impl Iterator<Item = u32> + 'a {
        (0..self.len()).filter_map(move |i| self.get(i))
    }

    /// The ids from position `start` up to `end` (both clamped to the length).
    pub fn slice(self, start: usize, end: usize) -> RecordIds<'a> {
        let end = end.min(self.len());
        let start = start.min(end);
        RecordIds {
            listed: self.listed.get(start..end).unwrap_or_default(),
            first: self.first.wrapping_add(start as u32),
            len: (end - start) as u32,
        }
    }

    pub fn to_vec(self) -> Vec<u32> {
        self.iter().collect()
    }

    /// The first id, if the ids are consecutive.
    fn range_start(&self) -> Option<u32> {
        let first = self.first().unwrap_or(0);
        let mut ids = self.listed.iter().enumerate();
        ids.all(|(i, &id)| id.wrapping_sub(first) as usize == i)
            .then_some(first)
    }
}

/// One batch as a log or a run hands it out, its record ids borrowed.
#[derive(Debug, Clone, Copy)]
pub struct BatchRef<'a> {
    pub base_offset: u64,
    pub leader_epoch: u32,
    pub identity: Option<ProducerIdentity>,
    pub records: RecordIds<'a>,
}

impl BatchRef<'_> {
    pub fn end_offset(&self) -> u64 {
        self.base_offset + self.records.len() as u64
    }

    pub fn to_batch(&self) -> LogBatch {
        LogBatch {
            base_offset: self.base_offset,
            records: self.records.iter().collect(),
            leader_epoch: self.leader_epoch,
            identity: self.identity,
        }
    }
}

impl<'a> From<&'a LogBatch> for BatchRef<'a> {
    fn from(b: &'a LogBatch) -> Self {
        BatchRef {
            base_offset: b.base_offset,
            leader_epoch: b.leader_epoch,
            identity: b.identity,
            records: RecordIds::listed(&b.records),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Header {
    base_offset: u64,
    identity: Option<ProducerIdentity>,
    leader_epoch: u32,
    /// Its record ids: `chunks[chunk][first..first + count]`, or `first..first + count`
    /// when `chunk` is `CONSECUTIVE`.
    chunk: u32,
    first: u32,
    count: u32,
}

impl Header {
    fn end_offset(&self) -> u64 {
        self.base_offset + u64::from(self.count)
    }
}

/// The `chunk` of a batch whose record ids are a range, in no chunk.
const CONSECUTIVE: u32 = u32::MAX;

/// The largest chunk a run allocates for several batches (a larger batch gets one its size).
const CHUNK_RECORDS: usize = 1024;
/// The smallest.
const FIRST_CHUNK_RECORDS: usize = 16;

/// Batches with their record ids as ranges (when consecutive) or in chunks that are filled and
/// never moved: a chunk that cannot take the next batch is left as it is and a new one
/// follows, each about the size of everything before it. Growing one list instead moved every
/// record id again at each doubling, and at 1,000 partitions (thousands of logs, each with a
/// run still filling) those copies and the allocator's work on the blocks they left were a
/// tenth of the time.
#[derive(Debug, Clone, Default)]
pub struct BatchRun {
    headers: Vec<Header>,
    /// The first `used` hold this run's record ids; those after were emptied by `clear` or
    /// `truncate` and are filled again before any new one is made.
    chunks: Vec<Vec<u32>>,
    used: usize,
    /// Record ids in the chunks (a range's are in none).
    records: usize,
}

impl BatchRun {
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// How many record ids its chunks hold (those of ranges are not there).
    #[cfg(test)]
    fn records_len(&self) -> usize {
        self.records
    }

    pub fn clear(&mut self) {
        self.headers.clear();
        self.release_chunks_from(0);
    }

    /// Empties the chunks from `first` on (kept for reuse).
    fn release_chunks_from(&mut self, first: usize) {
        for c in self.chunks.iter_mut().take(self.used).skip(first) {
            c.clear();
        }
        self.used = self.used.min(first);
        self.records = self
            .headers
            .iter()
            .filter(|h| h.chunk != CONSECUTIVE)
            .map(|h| h.count as usize)
            .sum();
    }

    fn batch(&self, h: &Header) -> BatchRef<'_> {
        let (first, count) = (h.first as usize, h.count as usize);
        BatchRef {
            base_offset: h.base_offset,
            leader_epoch: h.leader_epoch,
            identity: h.identity,
            records: if h.chunk == CONSECUTIVE {
                RecordIds::consecutive(h.first, h.count)
            } else {
                RecordIds::listed(
                    self.chunks
                        .get(h.chunk as usize)
                        .and_then(|c| c.get(first..first + count))
                        .unwrap_or_default(),
                )
            },
        }
    }

    pub fn last(&self) -> Option<BatchRef<'_>> {
        self.headers.last().map(|h| self.batch(h))
    }

    pub fn iter(&self) -> impl Iterator<Item = BatchRef<'_>> + '_ {
        self.iter_from(0)
    }

    /// Its batches from the `first`th on.
    pub fn iter_from(&self, first: usize) -> impl Iterator<Item = BatchRef<'_>> + '_ {
        let headers = self.headers.get(first..).unwrap_or_default();
        headers.iter().map(|h| self.batch(h))
    }

    /// The chunk that takes the next `need` record ids: the last one in use if it has room,
    /// else the next emptied one (grown if too small), else a new one.
    fn chunk_for(&mut self, need: usize) -> usize {
        if let Some(c) = self.used.checked_sub(1) {
            if self
                .chunks
                .get(c)
                .is_some_and(|v| v.capacity() - v.len() >= need)
            {
                return c;
            }
        }
        let size = need.max(self.records.clamp(FIRST_CHUNK_RECORDS, CHUNK_RECORDS));
        match self.chunks.get_mut(self.used) {
            Some(v) => {
                if v.capacity() < need {
                    *v = Vec::with_capacity(size);
                }
            }
            None => self.chunks.push(Vec::with_capacity(size)),
        }
        self.used += 1;
        self.used - 1
    }

    /// Appends a copy of `b` (of a range of ids, just the range).
    pub fn push(&mut self, b: BatchRef<'_>) {
        let (chunk, first) = match b.records.range_start() {
            Some(first) => (CONSECUTIVE, first),
            None => {
                let ids = b.records.listed;
                let c = self.chunk_for(ids.len());
                let Some(chunk) = self.chunks.get_mut(c) else {
                    return;
                };
                let first = chunk.len() as u32;
                chunk.extend_from_slice(ids);
                self.records += ids.len();
                (c as u32, first)
            }
        };
        self.headers.push(Header {
            base_offset: b.base_offset,
            identity: b.identity,
            leader_epoch: b.leader_epoch,
            chunk,
            first,
            count: b.records.len() as u32,
        });
    }

    /// Keeps the first `n` batches.
    pub fn truncate(&mut self, n: usize) {
        self.headers.truncate(n);
        let last_listed = self.headers.iter().rev().find(|h| h.chunk != CONSECUTIVE);
        let (keep, end) = last_listed.map_or((0, 0), |h| {
            (h.chunk as usize + 1, (h.first + h.count) as usize)
        });
        if let Some(c) = keep.checked_sub(1).and_then(|c| self.chunks.get_mut(c)) {
            c.truncate(end);
        }
        self.release_chunks_from(keep);
    }

    /// How many batches end at or before `offset` (a `partition_point` on end offsets),
    /// searched from the end: a follower close behind asks for the last few batches, and a
    /// binary search over all of them cost a cache miss per step for each partition of each
    /// fetch at 1,000 partitions.
    pub fn ending_at_or_before(&self, offset: u64) -> usize {
        let hs = &self.headers;
        let at_or_before = |h: &Header| h.end_offset() <= offset;
        // Everything from `hi` on ends past `offset`; look `step` further back each time.
        let mut hi = hs.len();
        let mut step = 1;
        while hi > 0 {
            let lo = hi.saturating_sub(step);
            match hs.get(lo) {
                Some(h) if at_or_before(h) => {
                    let rest = hs.get(lo + 1..hi).unwrap_or_default();
                    return lo + 1 + rest.partition_point(at_or_before);
                }
                _ => {
                    hi = lo;
                    step *= 2;
                }
            }
        }
        0
    }

    /// The batches `range` of this run (a fetch answer's range for one partition).
    pub fn range(&self, range: Range<usize>) -> impl Iterator<Item = BatchRef<'_>> + '_ {
        self.headers
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|h| self.batch(h))
    }

    /// Appends copies of at most `max` of `from`'s batches from its `start`th on.
    pub fn extend_from(&mut self, from: &BatchRun, start: usize, max: usize) {
        let end = start.saturating_add(max).min(from.headers.len());
        for h in from.headers.get(start..end).unwrap_or_default() {
            self.push(from.batch(h));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batches ending at `ends`, each record's id its offset (each batch a range).
    fn run(ends: &[u64]) -> BatchRun {
        run_of(ends, 1)
    }

    /// Batches ending at `ends`, each record's id its offset times `step`.
    fn run_of(ends: &[u64], step: u32) -> BatchRun {
        let mut r = BatchRun::default();
        let mut base = 0;
        for &end in ends {
            let ids: Vec<u32> = (base as u32..end as u32).map(|o| o * step).collect();
            r.push(BatchRef {
                base_offset: base,
                leader_epoch: 0,
                identity: None,
                records: RecordIds::listed(&ids),
            });
            base = end;
        }
        r
    }

    #[test]
    fn consecutive_ids_are_kept_as_a_range_and_others_are_copied() {
        let r = run(&[1, 3, 7]);
        assert_eq!((r.records_len(), capacity(&r)), (0, 0));
        assert!(r.iter().all(|b| b.records.listed.is_empty()));
        let s = run_of(&[1, 3, 7], 2);
        // The first batch (one id) is a range; the other two are listed in one chunk.
        assert_eq!(s.records_len(), 6);
        assert_eq!(
            s.iter().map(|b| b.records.to_vec()).collect::<Vec<_>>(),
            vec![vec![0], vec![2, 4], vec![6, 8, 10, 12]]
        );
        let ids = RecordIds::consecutive(10, 4);
        assert_eq!(ids.slice(1, 3).to_vec(), vec![11, 12]);
        assert_eq!(ids.slice(3, 99).to_vec(), vec![13]);
        assert_eq!(
            (ids.first(), ids.last(), ids.get(4)),
            (Some(10), Some(13), None)
        );
    }

    #[test]
    fn searching_from_the_end_finds_what_a_partition_point_finds() {
        for len in 0..40u64 {
            let ends: Vec<u64> = (1..=len).map(|i| i * 2).collect();
            let r = run(&ends);
            for offset in 0..=len * 2 + 1 {
                assert_eq!(
                    r.ending_at_or_before(offset),
                    ends.partition_point(|&e| e <= offset),
                    "len {len}, offset {offset}"
                );
            }
        }
    }

    #[test]
    fn copied_batches_keep_their_records() {
        let r = run(&[1, 3, 4, 8, 9]);
        let mut c = run(&[2]);
        c.extend_from(&r, 1, 3);
        c.extend_from(&r, 5, 64);
        let got: Vec<(u64, Vec<u32>)> = c
            .range(1..4)
            .map(|b| (b.base_offset, b.records.to_vec()))
            .collect();
        assert_eq!(
            got,
            vec![(1, vec![1, 2]), (3, vec![3]), (4, vec![4, 5, 6, 7])]
        );
        assert_eq!(c.len(), 4);
        c.extend_from(&r, 4, 64);
        assert_eq!(c.last().map(|b| b.records.to_vec()), Some(vec![8]));
        let mut t = r.clone();
        t.truncate(2);
        assert_eq!(t.last().map(|b| b.end_offset()), Some(3));
        // Ranges, in no chunk.
        assert_eq!(t.records_len(), 0);
        assert_eq!(
            t.iter()
                .flat_map(|b| b.records.to_vec())
                .collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
    }

    /// What a run is asked to do, for the property test.
    #[cfg(not(target_arch = "wasm32"))]
    #[derive(Debug, Clone)]
    enum Step {
        /// This many records, listed (ids two apart) or a range.
        Push(usize, bool),
        Truncate(usize),
        Clear,
        /// Copy from a copy of the run itself: from, at most.
        Extend(usize, usize),
    }

    /// Record ids the run's chunks can hold without a new allocation.
    fn capacity(r: &BatchRun) -> usize {
        r.chunks.iter().map(Vec::capacity).sum()
    }

    /// Where each batch's ids are: (chunk, first).
    fn layout(r: &BatchRun) -> Vec<(u32, u32)> {
        r.headers.iter().map(|h| (h.chunk, h.first)).collect()
    }

    #[test]
    fn a_cleared_or_truncated_run_refills_its_chunks_before_making_new_ones() {
        let sizes = [3u64, 10, 40, 900, 5, 2000, 70, 1];
        let ends: Vec<u64> = sizes
            .iter()
            .scan(0, |end, n| {
                *end += n;
                Some(*end)
            })
            .collect();
        let mut r = run_of(&ends, 2);
        let full = capacity(&r);
        let places = layout(&r);
        assert!(full >= 3029);
        r.clear();
        assert_eq!(r.records_len(), 0);
        let refilled = run_of(&ends, 2);
        for b in refilled.iter() {
            r.push(b);
        }
        assert_eq!((capacity(&r), layout(&r)), (full, places.clone()));
        // The cut falls inside the first chunk (3 of its 16 ids kept): the second batch fits
        // in it again.
        r.truncate(1);
        assert_eq!(r.records_len(), 3);
        for b in refilled.iter().skip(1) {
            r.push(b);
        }
        assert_eq!((capacity(&r), layout(&r)), (full, places));
        assert!(r.iter().map(|b| b.end_offset()).eq(ends.iter().copied()));
    }

    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Chunking is invisible: a run holds what a plain list of batches holds, through
        /// pushes of any size (past a chunk too), truncation, clearing and copies.
        #[test]
        fn a_run_holds_what_a_plain_list_of_batches_holds(
            steps in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => (0usize..300, proptest::bool::ANY).prop_map(|(n, c)| Step::Push(n, c)),
                    1 => (0usize..3000, proptest::bool::ANY).prop_map(|(n, c)| Step::Push(n, c)),
                    1 => (0usize..12).prop_map(Step::Truncate),
                    1 => proptest::strategy::Just(Step::Clear),
                    1 => (0usize..12, 0usize..6).prop_map(|(f, m)| Step::Extend(f, m)),
                ],
                0..60,
            )
        ) {
            let mut r = BatchRun::default();
            let mut plain: Vec<(u64, Vec<u32>)> = Vec::new();
            let mut next_id = 0u32;
            for step in steps {
                match step {
                    Step::Push(n, consecutive) => {
                        let base = plain.last().map_or(0, |(b, ids)| b + ids.len() as u64);
                        let step = if consecutive { 1 } else { 2 };
                        let ids: Vec<u32> = (0..n as u32).map(|i| next_id + i * step).collect();
                        next_id += n as u32 * step;
                        r.push(BatchRef { base_offset: base, leader_epoch: 1, identity: None, records: RecordIds::listed(&ids) });
                        plain.push((base, ids));
                    }
                    Step::Truncate(n) => {
                        r.truncate(n);
                        plain.truncate(n);
                    }
                    Step::Clear => {
                        r.clear();
                        plain.clear();
                    }
                    Step::Extend(from, max) => {
                        let copy = r.clone();
                        r.extend_from(&copy, from, max);
                        let end = (from + max).min(plain.len());
                        let extra: Vec<_> = plain.get(from..end).unwrap_or_default().to_vec();
                        plain.extend(extra);
                    }
                }
                let got: Vec<(u64, Vec<u32>)> =
                    r.iter().map(|b| (b.base_offset, b.records.to_vec())).collect();
                prop_assert_eq!(&got, &plain);
                let listed = |ids: &Vec<u32>| ids.windows(2).any(|w| w[1] != w[0] + 1);
                prop_assert_eq!(r.records_len(), plain.iter().filter(|(_, ids)| listed(ids)).map(|(_, ids)| ids.len()).sum::<usize>());
            }
        }
    }
}
