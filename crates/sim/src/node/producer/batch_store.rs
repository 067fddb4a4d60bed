//! The producer's batches by id. Ids are handed out in increasing order and batches finish
//! roughly in that order, so a deque indexed by `id - first` finds one in O(1) and drops
//! finished ones from the front; a sorted vector paid a binary search per lookup and a
//! shift of every later batch per completion (thousands of batches at 1,000 partitions).

use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub struct BatchStore<B> {
    /// Slot `i` holds batch `first + i`, or `None` once it finished. The front slot is
    /// always occupied (or the deque is empty).
    slots: VecDeque<Option<B>>,
    first: u64,
    len: usize,
}

impl<B> Default for BatchStore<B> {
    fn default() -> Self {
        BatchStore {
            slots: VecDeque::new(),
            first: 0,
            len: 0,
        }
    }
}

impl<B> BatchStore<B> {
    pub fn new() -> Self {
        BatchStore::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&self, id: u64) -> Option<usize> {
        usize::try_from(id.checked_sub(self.first)?).ok()
    }

    pub fn get(&self, id: &u64) -> Option<&B> {
        self.slots.get(self.slot(*id)?)?.as_ref()
    }

    pub fn get_mut(&mut self, id: &u64) -> Option<&mut B> {
        let i = self.slot(*id)?;
        self.slots.get_mut(i)?.as_mut()
    }

    pub fn contains_key(&self, id: &u64) -> bool {
        self.get(id).is_some()
    }

    /// Adds a batch; its id must be above every id added before.
    pub fn insert(&mut self, id: u64, batch: B) {
        if self.slots.is_empty() {
            self.first = id;
        }
        let Some(i) = self.slot(id).filter(|&i| i >= self.slots.len()) else {
            debug_assert!(false, "batch ids must grow");
            return;
        };
        self.slots.resize_with(i, || None);
        self.slots.push_back(Some(batch));
        self.len += 1;
    }

    pub fn remove(&mut self, id: &u64) -> Option<B> {
        let i = self.slot(*id)?;
        let b = self.slots.get_mut(i)?.take()?;
        self.len -= 1;
        while self.slots.front().is_some_and(|s| s.is_none()) {
            self.slots.pop_front();
            self.first += 1;
        }
        Some(b)
    }

    /// Batches in id order (creation order).
    pub fn values(&self) -> impl Iterator<Item = &B> {
        self.slots.iter().flatten()
    }

    /// The oldest batch with its id: the front slot (always occupied), with no walk.
    pub fn first(&self) -> Option<(u64, &B)> {
        self.slots.front()?.as_ref().map(|b| (self.first, b))
    }

    /// (id, batch) in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &B)> {
        let first = self.first;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| Some((first + i as u64, s.as_ref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_finish_in_any_order_and_the_oldest_stays_first() {
        let mut s = BatchStore::new();
        for id in [3u64, 4, 5, 8] {
            s.insert(id, id * 10);
        }
        assert!(s.get(&6).is_none() && s.get(&2).is_none());
        assert_eq!(s.remove(&4), Some(40));
        assert_eq!(s.remove(&4), None);
        assert_eq!(s.values().next(), Some(&30));
        assert_eq!(s.first(), Some((3, &30)));
        assert_eq!(s.remove(&3), Some(30));
        assert_eq!(s.iter().map(|(id, _)| id).collect::<Vec<_>>(), [5, 8]);
        assert_eq!(s.first(), Some((5, &50)));
        assert_eq!(s.len(), 2);
        s.remove(&5);
        s.remove(&8);
        assert!(s.is_empty());
        s.insert(9, 90);
        assert_eq!(s.get(&9), Some(&90));
    }
}
