//! Sorted maps and sets in plain vectors, for the engine's small collections (a broker's
//! partitions, a group's members, a consumer's positions: bounded by the scenario limits).
//! They iterate in key order like `BTreeMap`/`BTreeSet`; keys and values live in separate
//! vectors, so every map with `u32` keys shares one search.
//!
//! Measured 2026-12-02 (page built with `wasm-release`, wasm-bindgen, `wasm-opt -Oz`, gzip -9;
//! 297,646 bytes with these types): the same API over `BTreeMap`/`BTreeSet` costs +40,430 bytes
//! gzip (+133 KB raw); over `litemap` 0.8 as it is, +11,889; over `litemap` building through
//! `sorting::sort_by`, +1,467. So they stay.

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;

/// A map sorted by key: binary search to find, vector insert and remove to change.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    keys: Vec<K>,
    values: Vec<V>,
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.values.clear();
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.keys.iter().zip(self.values.iter())
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.keys.iter().zip(self.values.iter_mut())
    }

    pub fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }

    /// Keeps the entries `keep` returns true for, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut kept = 0;
        for i in 0..self.keys.len() {
            let (Some(k), Some(v)) = (self.keys.get(i), self.values.get_mut(i)) else {
                break;
            };
            if keep(k, v) {
                self.keys.swap(kept, i);
                self.values.swap(kept, i);
                kept += 1;
            }
        }
        self.keys.truncate(kept);
        self.values.truncate(kept);
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.keys.binary_search_by(|k| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().and_then(|i| self.values.get(i))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().and_then(|i| self.values.get_mut(i))
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value of `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .values
                .get_mut(i)
                .map(|slot| std::mem::replace(slot, value)),
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, value);
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.keys.remove(i);
        Some(self.values.remove(i))
    }

    /// The value of `key`, inserted from `make` first if absent (`entry(key).or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, make());
                i
            }
        };
        // In range: found or just inserted there.
        &mut self.values[i]
    }

    /// `entry(key).or_default()`.
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }
}

/// Lookups by a `u32` key that first try where the key would be if the keys ran without gaps
/// from the first one: a broker hosting every partition, a fetch session caching them all,
/// find theirs with no search (a binary search over 1,000 partitions, many times per batch,
/// was a tenth of the work at 1,000 partitions). Any other map falls back to the search.
impl<V> VecMap<u32, V> {
    fn find_dense(&self, key: u32) -> Result<usize, usize> {
        let first = self.keys.first().copied().unwrap_or(0);
        let guess = key.wrapping_sub(first) as usize;
        if self.keys.get(guess) == Some(&key) {
            return Ok(guess);
        }
        self.find(&key)
    }

    pub fn get_dense(&self, key: u32) -> Option<&V> {
        self.find_dense(key).ok().and_then(|i| self.values.get(i))
    }

    pub fn get_dense_mut(&mut self, key: u32) -> Option<&mut V> {
        self.find_dense(key)
            .ok()
            .and_then(|i| self.values.get_mut(i))
    }

    pub fn contains_dense(&self, key: u32) -> bool {
        self.find_dense(key).is_ok()
    }
}

/// Sorts once, so building is O(n log n) whatever the order; of pairs with equal keys the
/// last value stays, as with `collect` into a B-tree map.
impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        crate::support::sorting::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut map = VecMap::new();
        for (k, v) in pairs {
            match map.values.last_mut() {
                Some(last) if map.keys.last() == Some(&k) => *last = v,
                _ => {
                    map.keys.push(k);
                    map.values.push(v);
                }
            }
        }
        map
    }
}

/// `map[&key]`, as for a `BTreeMap`: panics if the key is absent.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry found for key"),
        }
    }
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.iter().zip(self.values.iter())
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::iter::Zip<std::vec::IntoIter<K>, std::vec::IntoIter<V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

/// A set sorted in a vector.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
}

impl<T: Ord> VecSet<T> {
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|x| x.borrow().cmp(item))
            .is_ok()
    }

    /// Adds `item`; false if it was already there.
    pub fn insert(&mut self, item: T) -> bool {
        match self.items.binary_search(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    pub fn remove(&mut self, item: &T) -> bool {
        match self.items.binary_search(item) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// The items not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> {
        self.items.iter().filter(move |x| !other.contains(x))
    }
}

/// Sorts once and drops repeats (the first of equal items stays, as a B-tree set keeps it), so
/// building is O(n log n) whatever the order.
impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items: Vec<T> = items.into_iter().collect();
        crate::support::sorting::sort(&mut items);
        items.dedup();
        VecSet { items }
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn a_map_behaves_like_a_btree_map_through_inserts_replacements_and_removals() {
        let mut ours = VecMap::new();
        let mut btree = BTreeMap::new();
        for (i, k) in [5u32, 1, 9, 5, 3, 1, 7, 9, 2].into_iter().enumerate() {
            assert_eq!(ours.insert(k, i), btree.insert(k, i));
            if i % 3 == 2 {
                assert_eq!(ours.remove(&3), btree.remove(&3));
            }
        }
        assert_eq!(ours.remove(&42), None);
        let pairs: Vec<(u32, usize)> = ours.iter().map(|(k, v)| (*k, *v)).collect();
        let expected: Vec<(u32, usize)> = btree.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(pairs, expected);
        assert_eq!(pairs, [(1, 5), (2, 8), (5, 3), (7, 6), (9, 7)]);
        assert_eq!(ours.get(&7), Some(&6));
        assert!(!ours.contains_key(&3));
        assert_eq!(format!("{ours:?}"), format!("{btree:?}"));
    }

    #[test]
    fn dense_lookups_find_what_a_search_finds_with_or_without_gaps() {
        for keys in [
            vec![],
            vec![0u32, 1, 2, 3],
            vec![4, 5, 6],
            vec![1, 2, 5, 6, 9],
            vec![7],
        ] {
            let map: VecMap<u32, u32> = keys.iter().map(|&k| (k, k * 10)).collect();
            for k in 0..12 {
                assert_eq!(map.get_dense(k), map.get(&k), "{keys:?} {k}");
                assert_eq!(map.contains_dense(k), map.contains_key(&k));
            }
            let mut m = map.clone();
            if let Some(v) = m.get_dense_mut(5) {
                *v += 1;
            }
            assert_eq!(m.get(&5), map.get(&5).map(|v| v + 1).as_ref());
        }
    }

    #[test]
    fn collecting_sorts_and_keeps_the_last_value_of_a_key_like_a_btree_map() {
        let pairs = [(3u32, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let ours: VecMap<u32, char> = pairs.into_iter().collect();
        let btree: BTreeMap<u32, char> = pairs.into_iter().collect();
        assert!(ours.iter().eq(btree.iter()));
        assert_eq!(ours.values().collect::<String>(), "edc");
    }

    #[test]
    fn get_or_insert_makes_the_value_only_for_a_new_key() {
        let mut map: VecMap<u32, Vec<u32>> = VecMap::new();
        map.get_or_default(4).push(1);
        map.get_or_default(4).push(2);
        *map.get_or_insert_with(2, || vec![9]) = vec![3];
        map.get_or_insert_with(2, || unreachable!()).push(4);
        assert_eq!(map.get(&4), Some(&vec![1, 2]));
        assert_eq!(
            map.values().cloned().collect::<Vec<_>>(),
            [vec![3, 4], vec![1, 2]]
        );
    }

    #[test]
    fn retain_keeps_order_and_values() {
        let mut map = VecMap::new();
        for k in 0..10u32 {
            map.insert(k, k * 10);
        }
        map.retain(|k, v| {
            *v += 1;
            k % 3 == 0
        });
        let pairs: Vec<(u32, u32)> = map.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(pairs, [(0, 1), (3, 31), (6, 61), (9, 91)]);
    }

    #[test]
    fn a_set_behaves_like_a_btree_set() {
        let mut ours = VecSet::new();
        let mut btree = BTreeSet::new();
        for x in [4i32, -1, 4, 8, 0, -1] {
            assert_eq!(ours.insert(x), btree.insert(x));
        }
        assert_eq!(ours.remove(&8), btree.remove(&8));
        assert!(!ours.remove(&8));
        assert_eq!(
            ours.iter().collect::<Vec<_>>(),
            btree.iter().collect::<Vec<_>>()
        );
        assert_eq!(ours.first(), Some(&-1));
        let other: VecSet<i32> = [0, 7].into_iter().collect();
        assert_eq!(ours.difference(&other).collect::<Vec<_>>(), [&-1, &4]);
    }
}
