//! Record batches: one as a log stores it, and runs of them with their record ids in one list
//! (a log's newest batches, the batches of a fetch answer). Nothing in a run is allocated or
//! shared per batch: at 1,000 partitions a batch holds about one record, and an `Arc` per
//! batch cost an allocation, and a cache miss for each replica that cloned, encoded or dropped
//! it.

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

/// One batch as a log or a run hands it out, its record ids borrowed.
#[derive(Debug, Clone, Copy)]
pub struct BatchRef<'a> {
    pub base_offset: u64,
    pub leader_epoch: u32,
    pub identity: Option<ProducerIdentity>,
    pub records: &'a [u32],
}

impl BatchRef<'_> {
    pub fn end_offset(&self) -> u64 {
        self.base_offset + self.records.len() as u64
    }

    pub fn to_batch(&self) -> LogBatch {
        LogBatch {
            base_offset: self.base_offset,
            records: Arc::from(self.records),
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
            records: &b.records,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Header {
    base_offset: u64,
    identity: Option<ProducerIdentity>,
    leader_epoch: u32,
    /// Its record ids: `records[first..first + count]`.
    first: u32,
    count: u32,
}

impl Header {
    fn end_offset(&self) -> u64 {
        self.base_offset + u64::from(self.count)
    }
}

#[derive(Debug, Clone, Default)]
pub struct BatchRun {
    headers: Vec<Header>,
    records: Vec<u32>,
}

impl BatchRun {
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    pub fn clear(&mut self) {
        self.headers.clear();
        self.records.clear();
    }

    fn batch(&self, h: &Header) -> BatchRef<'_> {
        let (first, count) = (h.first as usize, h.count as usize);
        BatchRef {
            base_offset: h.base_offset,
            leader_epoch: h.leader_epoch,
            identity: h.identity,
            records: self.records.get(first..first + count).unwrap_or_default(),
        }
    }

    pub fn last(&self) -> Option<BatchRef<'_>> {
        self.headers.last().map(|h| self.batch(h))
    }

    pub fn iter(&self) -> impl Iterator<Item = BatchRef<'_>> + '_ {
        self.headers.iter().map(|h| self.batch(h))
    }

    /// Appends a copy of `b`.
    pub fn push(&mut self, b: BatchRef<'_>) {
        self.headers.push(Header {
            base_offset: b.base_offset,
            identity: b.identity,
            leader_epoch: b.leader_epoch,
            first: self.records.len() as u32,
            count: b.records.len() as u32,
        });
        self.records.extend_from_slice(b.records);
    }

    /// Keeps the first `n` batches.
    pub fn truncate(&mut self, n: usize) {
        self.headers.truncate(n);
        let end = self
            .headers
            .last()
            .map_or(0, |h| h.first as usize + h.count as usize);
        self.records.truncate(end);
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
        let hs = from
            .headers
            .get(start..(start.saturating_add(max)).min(from.headers.len()))
            .unwrap_or_default();
        let (Some(first), Some(last)) = (hs.first(), hs.last()) else {
            return;
        };
        let (from_first, to) = (first.first, last.first as usize + last.count as usize);
        let here = self.records.len() as u32;
        self.headers.extend(hs.iter().map(|h| Header {
            first: h.first - from_first + here,
            ..*h
        }));
        self.records.extend_from_slice(
            from.records
                .get(from_first as usize..to)
                .unwrap_or_default(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ends: &[u64]) -> BatchRun {
        let mut r = BatchRun::default();
        let mut base = 0;
        for &end in ends {
            let ids: Vec<u32> = (base as u32..end as u32).collect();
            r.push(BatchRef {
                base_offset: base,
                leader_epoch: 0,
                identity: None,
                records: &ids,
            });
            base = end;
        }
        r
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
        assert_eq!(t.records, vec![0, 1, 2]);
    }
}
