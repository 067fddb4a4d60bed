//! The consumer's fetched records not yet returned by `poll()` (Kafka's `FetchBuffer` of
//! completed fetches), per partition, and the round-robin order `poll()` reads them in.

use super::Buffered;
use crate::support::bit_set::BitSet;
use crate::support::vec_map::VecMap;

/// Buffered records by partition. A partition drained by `poll()` keeps its (emptied) slot
/// until it is revoked, so the next fetch answer for it fills the slot in place: removing and
/// re-inserting it in the sorted slots shifted every later partition, twice per batch per
/// partition, which at 1,000 partitions was a cost growing with the partitions owned.
#[derive(Debug, Clone, Default)]
pub struct FetchBuffer {
    /// Partitions with records left, ascending.
    ready: BitSet,
    /// Every partition buffered since it was assigned; those not in `ready` hold nothing.
    slots: VecMap<u32, Buffered>,
}

impl FetchBuffer {
    /// Whether `p` has records left.
    pub fn contains(&self, p: u32) -> bool {
        self.ready.contains(p)
    }

    pub fn get(&self, p: u32) -> Option<&Buffered> {
        self.slots.get_dense(p).filter(|_| self.ready.contains(p))
    }

    pub fn get_mut(&mut self, p: u32) -> Option<&mut Buffered> {
        if !self.ready.contains(p) {
            return None;
        }
        self.slots.get_dense_mut(p)
    }

    /// The partitions with records left, ascending.
    pub fn partitions(&self) -> &BitSet {
        &self.ready
    }

    /// `p`'s records are now `b`.
    pub fn fill(&mut self, p: u32, b: Buffered) {
        self.ready.insert(p);
        match self.slots.get_dense_mut(p) {
            Some(slot) => *slot = b,
            None => {
                self.slots.insert(p, b);
            }
        }
    }

    /// `p` has nothing left: its slot stays for the next fill, without the records' ids.
    pub fn drain(&mut self, p: u32) {
        if self.ready.remove(p) {
            if let Some(slot) = self.slots.get_dense_mut(p) {
                slot.ids = None;
            }
        }
    }

    /// `p` is no longer owned: its slot goes too.
    pub fn forget(&mut self, p: u32) {
        self.ready.remove(p);
        self.slots.remove(&p);
    }

    pub fn clear(&mut self) {
        self.ready = BitSet::new();
        self.slots.clear();
    }
}

/// One round over the buffered partitions from a cursor, wrapping once: the order in which
/// `poll()` serves them (Kafka's fetcher returns completed fetches in turn). Each next partition
/// is found from the last one, so a poll that stops at `max.poll.records` looks at no more
/// partitions than it reads. The caller may remove partitions between calls, but must add none.
pub(super) struct RoundRobin {
    cursor: u32,
    /// The next partition to look from (u64: past the last possible partition id too).
    from: u64,
    wrapped: bool,
}

impl RoundRobin {
    pub(super) fn starting_at(cursor: u32) -> Self {
        RoundRobin {
            cursor,
            from: u64::from(cursor),
            wrapped: false,
        }
    }

    /// The next partition of `set` in this round, if any is left.
    pub(super) fn next(&mut self, set: &BitSet) -> Option<u32> {
        loop {
            let found = u32::try_from(self.from)
                .ok()
                .and_then(|from| set.iter_from(from).next());
            match found {
                Some(p) if !self.wrapped || p < self.cursor => {
                    self.from = u64::from(p) + 1;
                    return Some(p);
                }
                _ if !self.wrapped => {
                    self.wrapped = true;
                    self.from = 0;
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(members: &[u32]) -> BitSet {
        let mut s = BitSet::new();
        for &p in members {
            s.insert(p);
        }
        s
    }

    #[test]
    fn round_robin_visits_from_the_cursor_then_wraps_and_allows_removal_on_the_way() {
        let mut keys = set(&[1, 4, 6, 9, 12, 200]);
        let mut order = RoundRobin::starting_at(6);
        let mut seen = Vec::new();
        while let Some(p) = order.next(&keys) {
            seen.push(p);
            // The caller removes what it emptied: the next search starts after it anyway.
            if p == 9 || p == 1 {
                keys.remove(p);
            }
        }
        assert_eq!(seen, [6, 9, 12, 200, 1, 4]);
        let mut order = RoundRobin::starting_at(0);
        assert_eq!(
            std::iter::from_fn(|| order.next(&set(&[3, 130]))).collect::<Vec<_>>(),
            [3, 130]
        );
        assert_eq!(RoundRobin::starting_at(5).next(&BitSet::new()), None);
        assert_eq!(RoundRobin::starting_at(u32::MAX).next(&set(&[7])), Some(7));
    }

    #[test]
    fn a_drained_partition_is_not_buffered_but_keeps_its_slot_until_forgotten() {
        let mut buffer = FetchBuffer::default();
        buffer.fill(3, Buffered::new(10, 20, Some(vec![1, 2].into())));
        buffer.fill(1, Buffered::new(0, 5, None));
        assert_eq!(buffer.partitions().iter().collect::<Vec<_>>(), [1, 3]);
        assert_eq!(buffer.get(3).map(|b| (b.next, b.end)), Some((10, 20)));
        buffer.drain(3);
        assert!(!buffer.contains(3) && buffer.get(3).is_none());
        assert!(buffer.get_mut(3).is_none());
        assert_eq!(buffer.slots.get(&3).map(|b| b.ids.is_none()), Some(true));
        buffer.fill(3, Buffered::new(20, 25, None));
        assert_eq!(buffer.get(3).map(|b| (b.next, b.end)), Some((20, 25)));
        buffer.forget(3);
        assert!(!buffer.contains(3) && buffer.slots.get(&3).is_none());
        buffer.clear();
        assert!(buffer.partitions().is_empty());
    }
}
