//! The few Java behaviours Kafka's assignors leak into their results: `String.compareTo`
//! order, and the iteration order of `HashMap`/`HashSet` (which members the sticky assignor
//! visits first, which partition it moves back). Emulated exactly so results match Kafka's.

use super::TopicPartition;
use crate::kafka::coordinator_hash::java_string_hash;
use std::cmp::Ordering;

/// Java `String.compareTo`: lexicographic over UTF-16 code units (differs from Rust's byte
/// order only for characters above U+FFFF against U+E000..U+FFFF).
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(tp: &TopicPartition) -> i32 {
    // Kafka's partition is an int; ours is u32, reinterpreted the way Java would store it.
    let partition = tp.partition as i32;
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(java_string_hash(&tp.topic))
}

/// `HashMap.hash`: the high half folded into the low half.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

const DEFAULT_CAPACITY: usize = 16;

/// A Java `HashSet` (default capacity 16, load factor 0.75) reduced to what decides its
/// iteration order: each element's bucket at the current capacity, ties in insertion order.
/// Capacity only ever grows, as in Java. Small sets only: iteration sorts.
#[derive(Debug, Clone)]
pub struct JavaHashSet<T> {
    entries: Vec<(T, i32)>,
    capacity: usize,
}

impl<T: PartialEq + Clone> JavaHashSet<T> {
    pub fn new() -> Self {
        JavaHashSet {
            entries: Vec::new(),
            capacity: DEFAULT_CAPACITY,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, item: &T) -> bool {
        self.entries.iter().any(|(e, _)| e == item)
    }

    /// Inserts with the given Java hash code; false if already present.
    pub fn insert(&mut self, item: T, hash: i32) -> bool {
        if self.contains(&item) {
            return false;
        }
        self.entries.push((item, hash));
        // Java resizes once size exceeds capacity * 0.75.
        while self.entries.len() * 4 > self.capacity * 3 {
            self.capacity *= 2;
        }
        true
    }

    pub fn remove(&mut self, item: &T) -> bool {
        match self.entries.iter().position(|(e, _)| e == item) {
            Some(i) => {
                self.entries.remove(i);
                true
            }
            None => false,
        }
    }

    /// Elements in Java's iteration order.
    pub fn iter_java_order(&self) -> Vec<T> {
        let mask = (self.capacity - 1) as u32;
        let mut order: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (_, h))| (spread(*h) & mask, i))
            .collect();
        crate::support::sorting::sort(&mut order);
        order
            .into_iter()
            .filter_map(|(_, i)| self.entries.get(i).map(|(e, _)| e.clone()))
            .collect()
    }

    pub fn first_java_order(&self) -> Option<T> {
        self.iter_java_order().into_iter().next()
    }
}

impl<T: PartialEq + Clone> Default for JavaHashSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The order in which a Java `HashMap<String, _>` filled with `keys` (in this order) iterates
/// them. Repeated keys keep their first position, as a `put` of an existing key does.
pub fn java_hashmap_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut set = JavaHashSet::new();
    for key in keys {
        set.insert(key, java_string_hash(key));
    }
    set.iter_java_order()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_cmp_orders_by_utf16_units() {
        assert_eq!(java_cmp("a", "b"), Ordering::Less);
        assert_eq!(java_cmp("consumer10", "consumer2"), Ordering::Less);
        // U+FF21 (one unit 0xFF21) sorts after U+1F600 (units 0xD83D 0xDE00) in Java,
        // while Rust's byte order puts U+1F600 last.
        assert_eq!(java_cmp("\u{FF21}", "\u{1F600}"), Ordering::Greater);
        assert_eq!("\u{FF21}".cmp("\u{1F600}"), Ordering::Less);
    }

    #[test]
    fn hashmap_order_matches_kafka_test_maps() {
        // Orders recorded from Kafka's tests (kafka-vectors.json, java_hashmap_member_order).
        assert_eq!(
            java_hashmap_order(["consumer1", "consumer2", "consumer3"]),
            vec!["consumer3", "consumer2", "consumer1"]
        );
        assert_eq!(
            java_hashmap_order(["c0", "c1", "c2"]),
            vec!["c0", "c1", "c2"]
        );
    }

    #[test]
    fn hashset_grows_past_three_quarters_and_keeps_insertion_order_in_a_bucket() {
        let mut set = JavaHashSet::new();
        for i in 0..13 {
            set.insert(i, i * 16);
        }
        // 13 > 12 = 16 * 0.75: capacity doubled to 32, so hashes 0,32,64.. share bucket 0.
        assert_eq!(set.capacity, 32);
        let order = set.iter_java_order();
        assert_eq!(order.first(), Some(&0));
        assert_eq!(order.get(1), Some(&2));
        assert_eq!(set.len(), 13);
    }

    #[test]
    fn topic_partition_hash_matches_java() {
        // new TopicPartition("topic", 0).hashCode() == 31*31 + "topic".hashCode()
        let tp = TopicPartition::new("topic", 0);
        assert_eq!(
            topic_partition_hash(&tp),
            961i32.wrapping_add(java_string_hash("topic"))
        );
    }
}
