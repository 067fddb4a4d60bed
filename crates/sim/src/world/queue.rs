//! The event queue: ordered by (time, insertion sequence), so ties resolve the same way on
//! every run and platform.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Debug, Clone)]
struct Entry<E> {
    time_us: u64,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time_us == other.time_us && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_us, other.seq).cmp(&(self.time_us, self.seq))
    }
}

/// Events further ahead than the current bucket wait in per-bucket lists; only the current
/// bucket's events are in the heap. Most far events are timeouts (request, delayed produce,
/// fetch waits) that pile up with the number of requests in flight, which grows with the
/// partition count: kept out of the heap, they no longer make every pop deeper. Buckets are
/// 2^14 µs (about 16 ms), wider than a network hop, so most arrivals go straight to the heap.
const BUCKET_SHIFT: u32 = 14;

/// A priority queue of events by (time, insertion sequence): the same total order as one heap
/// of everything, so the same run.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    /// Events of buckets up to `current`. Empty only when `far` is empty too.
    near: BinaryHeap<Entry<E>>,
    /// Events of later buckets by bucket, ascending, unordered within a bucket. A sorted deque
    /// rather than a `BTreeMap`: the next bucket comes off the front, a new one is mostly the
    /// farthest or the next (cheap inserts at either end), and the B-tree's code cost 2 KB of
    /// the page's gzip.
    far: VecDeque<(u64, Vec<Entry<E>>)>,
    current: u64,
    far_len: usize,
    /// Emptied bucket lists, kept for their capacity.
    spare: Vec<Vec<Entry<E>>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            near: BinaryHeap::new(),
            far: VecDeque::new(),
            current: 0,
            far_len: 0,
            spare: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, time_us: u64, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let entry = Entry {
            time_us,
            seq,
            event,
        };
        let bucket = time_us >> BUCKET_SHIFT;
        if self.near.is_empty() {
            // Nothing queued at all (`far` is empty too): this event's bucket is current.
            self.current = bucket;
            self.near.push(entry);
        } else if bucket <= self.current {
            self.near.push(entry);
        } else {
            let i = match self.far.binary_search_by_key(&bucket, |(b, _)| *b) {
                Ok(i) => i,
                Err(i) => {
                    let events = self.spare.pop().unwrap_or_default();
                    self.far.insert(i, (bucket, events));
                    i
                }
            };
            if let Some((_, events)) = self.far.get_mut(i) {
                events.push(entry);
            }
            self.far_len += 1;
        }
    }

    pub fn peek_time(&self) -> Option<u64> {
        self.near.peek().map(|e| e.time_us)
    }

    pub fn pop(&mut self) -> Option<(u64, E)> {
        let e = self.near.pop()?;
        if self.near.is_empty() {
            if let Some((bucket, mut events)) = self.far.pop_front() {
                self.current = bucket;
                self.far_len -= events.len();
                self.near.extend(events.drain(..));
                self.spare.push(events);
            }
        }
        Some((e.time_us, e.event))
    }

    pub fn len(&self) -> usize {
        self.near.len() + self.far_len
    }

    pub fn is_empty(&self) -> bool {
        self.near.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_at_the_same_time_come_out_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5, 'b');
        q.push(1, 'a');
        q.push(5, 'c');
        q.push(5, 'd');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
    }

    /// Events pushed in a scrambled order, some far ahead and some while popping, come out
    /// exactly as one sorted list of (time, insertion order) would give them.
    #[test]
    fn far_and_near_events_come_out_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        let mut all = Vec::new();
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut seq = 0;
        let mut push = |q: &mut EventQueue<u64>, all: &mut Vec<(u64, u64)>, t: u64| {
            q.push(t, seq);
            all.push((t, seq));
            seq += 1;
        };
        for _ in 0..500 {
            let t = next() % 5_000_000;
            push(&mut q, &mut all, t);
        }
        let mut out = Vec::new();
        let mut now = 0;
        while let Some((t, e)) = q.pop() {
            assert!(t >= now);
            now = t;
            out.push((t, e));
            if out.len() < 2_000 {
                let ahead = if next() % 3 == 0 {
                    next() % 40_000_000
                } else {
                    next() % 20_000
                };
                push(&mut q, &mut all, now + ahead);
            }
            assert_eq!(q.len(), all.len() - out.len());
        }
        all.sort();
        assert_eq!(out, all);
        assert!(q.is_empty());
    }
}
