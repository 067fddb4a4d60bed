//! The RecordAccumulator: one queue of batches per partition; a batch fills up to
//! `batch.size` and waits up to `linger.ms` before the sender may take it. Each batch holds a
//! buffer from the producer's `BufferPool` from its creation until it completes; `allocated`
//! counts them (the pool's bound, `buffer.memory`, is the producer's to enforce).

use super::batch_store::BatchStore;
use crate::support::bit_set::BitSet;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Bytes of a record batch header (magic v2).
pub const BATCH_OVERHEAD_BYTES: u32 = 61;
/// Approximate per-record overhead (varints, attributes, timestamp delta, headers count).
pub const RECORD_OVERHEAD_BYTES: u32 = 10;

#[derive(Debug, Clone)]
pub struct Batch {
    pub id: u64,
    /// Topic-local partition.
    pub partition: u32,
    /// Global record ids; closed once first drained, so retries resend the very same batch.
    pub records: Vec<u32>,
    pub created_us: u64,
    /// When the last record entered it (before 2.1 a full batch expires counting from here).
    pub last_append_us: u64,
    pub attempts: u32,
    pub retry_at_us: u64,
    pub sequence: Option<i32>,
    pub producer_epoch: u16,
    /// Full: no more records fit.
    pub closed: bool,
    pub in_flight: bool,
    /// Bytes of its buffer (`RecordAccumulator.append`: `max(batch.size, record estimate)`).
    pub buffer_bytes: u32,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the batch to appends (it is being drained) and gives its records.
    pub fn freeze(&mut self) -> &[u32] {
        self.closed = true;
        &self.records
    }

    pub fn record_ids(&self) -> &[u32] {
        &self.records
    }
}

#[derive(Debug, Clone)]
pub struct Accumulator {
    pub batches: BatchStore<Batch>,
    /// Batch ids per partition, in the order the sender takes them.
    queues: Vec<VecDeque<u64>>,
    /// The partitions whose queue is not empty: the sender and the wake-up visit these only,
    /// so their cost follows the batches waiting, not the partition count.
    queued: BitSet,
    next_batch_id: u64,
    pub records_per_batch: u32,
    /// Records in each partition's open batch (0: none open). A cache for `room`.
    open_len: Vec<u32>,
    /// How many partitions have an open batch of each length (index 0 unused), and the
    /// longest: the least room of any partition without a scan over them.
    open_lengths: Vec<u32>,
    longest_open: u32,
    /// Bytes a new batch takes from the buffer pool.
    pub batch_buffer_bytes: u32,
    /// Bytes the batches present (queued or in flight) hold.
    pub allocated: u64,
    /// `linger.ms` in µs.
    pub linger_us: u64,
    /// Per partition, from when its front batch may be drained as far as time goes (see
    /// `front_due`; `u64::MAX` with an empty queue), and those times in a heap (stale entries
    /// are skipped). The sender and its wake-up visit the due partitions and read the next
    /// time off the heap instead of looking at every queued partition each turn.
    due: Vec<u64>,
    due_heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// The partitions whose `due` had come by the last `promote`.
    ready: BitSet,
    /// Record lists of finished batches, emptied, for new batches to reuse: a new list per
    /// batch was one of the few allocations per record sent.
    spare_records: Vec<Vec<u32>>,
}

/// How many emptied record lists the accumulator keeps (a producer finishes its batches
/// about as fast as it opens them, so a few cover it).
const SPARE_RECORD_LISTS: usize = 8;

impl Accumulator {
    /// Batches opened since this accumulator was made (the producer's start).
    pub fn batches_opened(&self) -> u64 {
        self.next_batch_id
    }

    pub fn new(partitions: u32, batch_size: u32, record_bytes: u32) -> Self {
        let room = batch_size.saturating_sub(BATCH_OVERHEAD_BYTES);
        Accumulator {
            batches: BatchStore::new(),
            queues: (0..partitions).map(|_| VecDeque::new()).collect(),
            queued: BitSet::new(),
            next_batch_id: 0,
            open_len: vec![0; partitions as usize],
            open_lengths: Vec::new(),
            longest_open: 0,
            batch_buffer_bytes: batch_size,
            allocated: 0,
            linger_us: 0,
            due: vec![u64::MAX; partitions as usize],
            due_heap: BinaryHeap::new(),
            ready: BitSet::new(),
            spare_records: Vec::new(),
            // A record larger than batch.size still travels, alone in its batch.
            records_per_batch: (room / (record_bytes + RECORD_OVERHEAD_BYTES).max(1)).max(1),
        }
    }

    /// Queues for partitions the topic gained (`partitions` in all).
    pub fn add_partitions(&mut self, partitions: u32) {
        self.queues.resize_with(partitions as usize, VecDeque::new);
        self.open_len.resize(partitions as usize, 0);
        self.due.resize(partitions as usize, u64::MAX);
    }

    /// When the front batch of a partition may be drained as far as time goes: a retry after
    /// its backoff, a full batch (or one with more behind it) at once, the open one after
    /// `linger.ms` (the time conditions of the sender's readiness check).
    fn front_due(&self, partition: u32) -> u64 {
        let Some(q) = self.queues.get(partition as usize) else {
            return u64::MAX;
        };
        let Some(b) = q.front().and_then(|id| self.batches.get(id)) else {
            return u64::MAX;
        };
        if b.attempts > 0 {
            b.retry_at_us
        } else if b.closed || q.len() > 1 {
            0
        } else {
            b.created_us.saturating_add(self.linger_us)
        }
    }

    /// Keeps `due` (and the heap and `ready`) in step after a partition's queue changed.
    fn refresh_due(&mut self, partition: u32) {
        let d = self.front_due(partition);
        let Some(slot) = self.due.get_mut(partition as usize) else {
            return;
        };
        if *slot == d {
            return;
        }
        *slot = d;
        self.ready.remove(partition);
        if d != u64::MAX {
            self.due_heap.push(Reverse((d, partition)));
        }
    }

    /// Moves the partitions due by `now` into the ready set.
    pub fn promote(&mut self, now: u64) {
        while let Some(&Reverse((d, p))) = self.due_heap.peek() {
            if d > now {
                break;
            }
            self.due_heap.pop();
            if self.due.get(p as usize) == Some(&d) {
                self.ready.insert(p);
            }
        }
    }

    /// The partitions whose front batch was due at the last `promote`, ascending.
    pub fn ready(&self) -> &BitSet {
        &self.ready
    }

    /// The earliest due time after the last `promote` of a partition `wanted` accepts.
    pub fn next_due(&mut self, wanted: impl Fn(u32) -> bool) -> Option<u64> {
        while let Some(&Reverse((d, p))) = self.due_heap.peek() {
            if self.due.get(p as usize) == Some(&d) {
                if wanted(p) {
                    return Some(d);
                }
                break;
            }
            self.due_heap.pop();
        }
        // The earliest is not wanted (a partition without a leader): look at them all.
        self.due_heap
            .iter()
            .filter(|Reverse((d, p))| self.due.get(*p as usize) == Some(d) && wanted(*p))
            .map(|Reverse((d, _))| *d)
            .min()
    }

    /// A partition's queue of batch ids, front first.
    pub fn queue(&self, partition: u32) -> Option<&VecDeque<u64>> {
        self.queues.get(partition as usize)
    }

    /// Runs `f` on each batch in a partition's queue, front first.
    pub fn for_each_queued_mut(&mut self, partition: u32, mut f: impl FnMut(&mut Batch)) {
        let Some(q) = self.queues.get(partition as usize) else {
            return;
        };
        for id in q {
            if let Some(b) = self.batches.get_mut(id) {
                f(b);
            }
        }
    }

    /// The partitions with batches queued, ascending.
    pub fn queued(&self) -> &BitSet {
        &self.queued
    }

    /// Whether no partition has a batch queued.
    pub fn all_queues_empty(&self) -> bool {
        self.queued.is_empty()
    }

    /// Keeps `queued` in step with a partition's queue after a change.
    fn note_queue(&mut self, partition: u32) {
        if self
            .queues
            .get(partition as usize)
            .is_some_and(|q| !q.is_empty())
        {
            self.queued.insert(partition);
        } else {
            self.queued.remove(partition);
        }
    }

    /// Sets a partition's open batch length, keeping the count per length and the longest.
    fn set_open_len(&mut self, partition: u32, len: u32) {
        let Some(slot) = self.open_len.get_mut(partition as usize) else {
            return;
        };
        let old = std::mem::replace(slot, len);
        if old == len {
            return;
        }
        if let Some(c) = self.open_lengths.get_mut(old as usize).filter(|_| old > 0) {
            *c -= 1;
        }
        if len > 0 {
            if self.open_lengths.len() <= len as usize {
                self.open_lengths.resize(len as usize + 1, 0);
            }
            if let Some(c) = self.open_lengths.get_mut(len as usize) {
                *c += 1;
            }
            self.longest_open = self.longest_open.max(len);
        }
        // Lengths grow one record at a time, so this walk down is paid for by the appends.
        while self.longest_open > 0
            && self
                .open_lengths
                .get(self.longest_open as usize)
                .is_none_or(|&c| c == 0)
        {
            self.longest_open -= 1;
        }
    }

    /// The least room of any partition's open batch (a fresh batch's room where none is open):
    /// `min(room(p))` over every partition.
    pub fn least_room(&self) -> u32 {
        self.records_per_batch.saturating_sub(self.longest_open)
    }

    /// The open (not yet drained, not full) batch at the back of a partition's queue.
    pub fn open_batch(&self, partition: u32) -> Option<&Batch> {
        let id = self.queues.get(partition as usize)?.back()?;
        self.batches.get(id).filter(|b| !b.closed)
    }

    /// Whether a record for `partition` goes into an open batch (no new buffer needed).
    pub fn has_open_batch(&self, partition: u32) -> bool {
        self.open_len.get(partition as usize).copied().unwrap_or(0) > 0
    }

    /// Room left in the open batch of a partition (a fresh batch's room if none).
    pub fn room(&self, partition: u32) -> u32 {
        let open = self.open_len.get(partition as usize).copied().unwrap_or(0);
        self.records_per_batch.saturating_sub(open)
    }

    /// The sender takes the front batch of a partition: if it is also the back, the open
    /// batch is gone.
    pub fn take_front(&mut self, partition: u32) -> Option<u64> {
        let q = self.queues.get_mut(partition as usize)?;
        let last = q.len() == 1;
        let id = q.pop_front();
        if last {
            self.set_open_len(partition, 0);
        }
        self.note_queue(partition);
        self.refresh_due(partition);
        id
    }

    /// Appends a record; returns whether it started a new batch.
    pub fn append(&mut self, partition: u32, record: u32, now: u64) -> bool {
        let rpb = self.records_per_batch as usize;
        // The open batch, if any, is the back of the queue (the cache says whether one is).
        let open = if self.has_open_batch(partition) {
            self.queues
                .get(partition as usize)
                .and_then(|q| q.back())
                .copied()
        } else {
            None
        };
        let (id, new) = match open {
            Some(id) => (id, false),
            None => {
                let id = self.next_batch_id;
                self.next_batch_id += 1;
                self.batches.insert(
                    id,
                    Batch {
                        id,
                        partition,
                        records: self
                            .spare_records
                            .pop()
                            .unwrap_or_else(|| Vec::with_capacity(rpb.min(1024))),
                        created_us: now,
                        last_append_us: now,
                        attempts: 0,
                        retry_at_us: 0,
                        sequence: None,
                        producer_epoch: 0,
                        closed: false,
                        in_flight: false,
                        buffer_bytes: self.batch_buffer_bytes,
                    },
                );
                self.allocated += u64::from(self.batch_buffer_bytes);
                if let Some(q) = self.queues.get_mut(partition as usize) {
                    q.push_back(id);
                }
                self.queued.insert(partition);
                (id, true)
            }
        };
        if let Some(b) = self.batches.get_mut(&id) {
            b.records.push(record);
            b.last_append_us = now;
            let open = if b.records.len() >= rpb {
                b.closed = true;
                0
            } else {
                b.records.len() as u32
            };
            self.set_open_len(partition, open);
        }
        if new || self.open_len.get(partition as usize) == Some(&0) {
            self.refresh_due(partition);
        }
        new
    }

    /// Removes a finished batch everywhere.
    pub fn remove(&mut self, id: u64) -> Option<Batch> {
        let b = self.batches.remove(&id)?;
        self.allocated = self.allocated.saturating_sub(u64::from(b.buffer_bytes));
        if !b.closed {
            self.set_open_len(b.partition, 0);
        }
        if let Some(q) = self.queues.get_mut(b.partition as usize) {
            if let Some(pos) = q.iter().position(|&x| x == id) {
                q.remove(pos);
            }
        }
        self.note_queue(b.partition);
        self.refresh_due(b.partition);
        Some(b)
    }

    /// Takes back a finished batch's record list for a new batch.
    pub fn recycle(&mut self, b: Batch) {
        if self.spare_records.len() < SPARE_RECORD_LISTS {
            let mut records = b.records;
            records.clear();
            self.spare_records.push(records);
        }
    }

    /// Puts a failed batch back for a retry: at the front (Kafka's `addFirst`), or, with
    /// `keep_order` (idempotence), in sequence order, else creation order.
    pub fn reenqueue(&mut self, id: u64, keep_order: bool) {
        let Some(b) = self.batches.get(&id) else {
            return;
        };
        let (partition, seq) = (b.partition, b.sequence);
        let Some(q) = self.queues.get_mut(partition as usize) else {
            return;
        };
        if let Some(pos) = q.iter().position(|&x| x == id) {
            q.remove(pos);
        }
        let pos = match (seq, keep_order) {
            (Some(s), _) => q
                .iter()
                .position(|other| {
                    self.batches
                        .get(other)
                        .and_then(|o| o.sequence)
                        .is_none_or(|os| os > s)
                })
                .unwrap_or(q.len()),
            // Batches of one partition are created in id order: back where it was.
            (None, true) => q.iter().position(|&other| other > id).unwrap_or(q.len()),
            (None, false) => 0,
        };
        q.insert(pos, id);
        self.queued.insert(partition);
        self.refresh_due(partition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_closes_when_batch_size_is_reached() {
        // (200 - 61) / (30 + 10) = 3 records per batch
        let mut a = Accumulator::new(1, 200, 30);
        assert_eq!(a.records_per_batch, 3);
        assert!(a.append(0, 0, 0));
        assert!(!a.append(0, 1, 0));
        assert!(!a.append(0, 2, 0));
        assert!(a.open_batch(0).is_none());
        assert!(a.append(0, 3, 0));
        assert_eq!(a.queues[0].len(), 2);
    }

    #[test]
    fn idempotent_retries_go_back_in_sequence_order() {
        let mut a = Accumulator::new(1, 200, 30);
        for r in 0..9 {
            a.append(0, r, 0);
        }
        let ids: Vec<u64> = a.queues[0].iter().copied().collect();
        for (i, id) in ids.iter().enumerate() {
            let b = a.batches.get_mut(id).unwrap();
            b.sequence = Some(i as i32 * 3);
        }
        // Batches 1 and 2 were in flight and come back out of order: 2 then 1.
        a.queues[0].retain(|&x| x == ids[0]);
        a.queues[0].clear();
        a.reenqueue(ids[2], true);
        a.reenqueue(ids[1], true);
        a.reenqueue(ids[0], true);
        assert_eq!(a.queues[0].iter().copied().collect::<Vec<_>>(), ids);
    }
}
