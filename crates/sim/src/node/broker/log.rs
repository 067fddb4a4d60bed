//! A replica's log: its batches in offset order. The newest batches are kept whole; every
//! `SEGMENT_BATCHES` of them are sealed into a compact segment (a few bytes per record), and
//! the replicas of a partition that hold the same segment share it (`share`). Kafka keeps
//! every batch for `retention.ms` (7 days by default), so nothing is ever dropped: at 20,000
//! records/s a log kept as one full batch per entry on each replica grew past 100 bytes a
//! record.

mod segment;

use crate::kafka::protocol::LogBatch;
pub use crate::kafka::record_batch::BatchRef;
use crate::kafka::record_batch::BatchRun;
use segment::Segment;
use std::ops::ControlFlow;
use std::sync::Arc;

/// Batches per sealed segment. Segments start at multiples of it (counted in batches from the
/// log's start), so replicas with the same batches cut them at the same places.
pub const SEGMENT_BATCHES: usize = 256;

#[derive(Debug, Clone, Default)]
pub struct Log {
    segments: Vec<Arc<Segment>>,
    /// The batches after the last segment (fewer than `SEGMENT_BATCHES`).
    tail: BatchRun,
    /// Segments below this were compared with the other replicas' by `share`.
    shared: usize,
}

impl Log {
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.tail.is_empty()
    }

    /// How many batches the log holds.
    pub fn batches(&self) -> usize {
        self.segments.len() * SEGMENT_BATCHES + self.tail.len()
    }

    /// End offset and leader epoch of the last batch.
    pub fn last(&self) -> Option<(u64, u32)> {
        match self.tail.last() {
            Some(b) => Some((b.end_offset(), b.leader_epoch)),
            None => self.segments.last().map(|s| (s.end_offset, s.last_epoch)),
        }
    }

    /// How many of this log's segments are the very ones `other` holds (shared, not copies).
    pub fn shared_segments_with(&self, other: &Log) -> usize {
        self.segments
            .iter()
            .zip(&other.segments)
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count()
    }

    pub fn push(&mut self, batch: LogBatch) {
        self.push_ref(BatchRef::from(&batch));
    }

    /// Appends a copy of `batch`.
    pub fn push_ref(&mut self, batch: BatchRef<'_>) {
        self.tail.push(batch);
        if self.tail.len() >= SEGMENT_BATCHES {
            if let Some(s) = Segment::encode(&self.tail) {
                self.segments.push(Arc::new(s));
                self.tail.clear();
            }
        }
    }

    /// Visits the batches in order from segment `first` on, until `f` breaks.
    fn walk_from_segment<'a>(
        &'a self,
        first: usize,
        f: &mut dyn FnMut(BatchRef<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        for s in self.segments.iter().skip(first) {
            let mut d = s.decoder();
            while let Some(b) = d.next_batch() {
                f(b)?;
            }
        }
        for b in self.tail.iter() {
            f(b)?;
        }
        ControlFlow::Continue(())
    }

    /// Visits every batch in order until `f` breaks.
    pub fn walk(&self, mut f: impl FnMut(BatchRef<'_>) -> ControlFlow<()>) {
        let _ = self.walk_from_segment(0, &mut f);
    }

    /// Visits the batches from the first one ending past `offset` (as a `partition_point` on
    /// end offsets would find it) until `f` breaks.
    pub fn walk_from(&self, offset: u64, mut f: impl FnMut(BatchRef<'_>) -> ControlFlow<()>) {
        let first = self.segments.partition_point(|s| s.end_offset <= offset);
        if first == self.segments.len() {
            // Past every segment: straight to the tail's first batch ending past `offset` (the
            // ledger's classification reads on from each high watermark this way).
            let start = self.tail.ending_at_or_before(offset);
            for b in self.tail.iter_from(start) {
                if f(b).is_break() {
                    return;
                }
            }
            return;
        }
        let mut started = false;
        let _ = self.walk_from_segment(first, &mut |b| {
            if !started && b.end_offset() <= offset {
                return ControlFlow::Continue(());
            }
            started = true;
            f(b)
        });
    }

    /// Visits the batches from the first one starting at or after `offset` (a
    /// `partition_point` on base offsets) until `f` breaks.
    pub fn walk_from_base(&self, offset: u64, mut f: impl FnMut(BatchRef<'_>) -> ControlFlow<()>) {
        let first = self.segments.partition_point(|s| s.end_offset < offset);
        let mut started = false;
        let _ = self.walk_from_segment(first, &mut |b| {
            if !started && b.base_offset < offset {
                return ControlFlow::Continue(());
            }
            started = true;
            f(b)
        });
    }

    /// Appends to `out` the batches from the first one ending past `offset`, at most `max`
    /// of them (a follower's fetch).
    pub fn copy_from(&self, offset: u64, max: usize, out: &mut BatchRun) {
        if max == 0 {
            return;
        }
        if self.segments.last().is_none_or(|s| s.end_offset <= offset) {
            // The usual case (a follower close behind): a copy from the tail, no decoding.
            out.extend_from(&self.tail, self.tail.ending_at_or_before(offset), max);
            return;
        }
        let mut taken = 0;
        self.walk_from(offset, |b| {
            out.push(b);
            taken += 1;
            if taken >= max {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
    }

    /// `copy_from` as whole batches.
    pub fn batches_from(&self, offset: u64, max: usize) -> Vec<LogBatch> {
        let mut run = BatchRun::default();
        self.copy_from(offset, max, &mut run);
        run.iter().map(|b| b.to_batch()).collect()
    }

    /// Keeps the batches ending at or before `offset` (the longest such prefix); whether any
    /// went.
    pub fn truncate(&mut self, offset: u64) -> bool {
        let cut = self.segments.partition_point(|s| s.end_offset <= offset);
        if cut < self.segments.len() {
            // The cut falls in a segment: its kept batches become the tail again.
            let mut kept = BatchRun::default();
            if let Some(s) = self.segments.get(cut) {
                let mut d = s.decoder();
                while let Some(b) = d.next_batch() {
                    if b.end_offset() > offset {
                        break;
                    }
                    kept.push(b);
                }
            }
            self.segments.truncate(cut);
            self.shared = self.shared.min(cut);
            self.tail = kept;
            return true;
        }
        let keep = self.tail.ending_at_or_before(offset);
        let removed = keep < self.tail.len();
        self.tail.truncate(keep);
        removed
    }
}

/// Makes the logs of one partition's replicas share the segments they hold alike. Only memory
/// changes: equal segments are equal batches.
pub fn share(logs: &mut [&mut Log]) {
    let from = logs.iter().map(|l| l.shared).min().unwrap_or(0);
    let to = logs.iter().map(|l| l.segments.len()).max().unwrap_or(0);
    for i in from..to {
        for j in 1..logs.len() {
            let Some(mine) = logs.get(j).and_then(|l| l.segments.get(i)).cloned() else {
                continue;
            };
            let same = logs.iter().take(j).find_map(|other| {
                other
                    .segments
                    .get(i)
                    .filter(|s| Arc::ptr_eq(s, &mine) || **s == mine)
                    .cloned()
            });
            if let (Some(same), Some(slot)) =
                (same, logs.get_mut(j).and_then(|l| l.segments.get_mut(i)))
            {
                *slot = same;
            }
        }
    }
    for l in logs.iter_mut() {
        l.shared = l.segments.len();
    }
}
