//! Sorting and sorted maps through one shared body. Every `sort_by` on a new element type or
//! comparator, and every `collect()` into a `BTreeMap` (which sorts a vector of the pairs
//! first), makes the compiler emit another copy of the standard sort. Here one non-generic sort
//! orders positions and the elements follow, with the same (stable) result.
//!
//! Measured 2026-12-02 (page built with `wasm-release`, wasm-bindgen, `wasm-opt -Oz`, gzip -9;
//! 297,646 bytes with this module): `sort_by`/`sort` calling `slice::sort_by`/`slice::sort`
//! directly costs +14,300 bytes gzip (+70 KB raw); with `sort_unstable` for `sort`, +17,070.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `v.sort_by(cmp)`: stable, equal elements keep their order.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let swaps = {
        let items: &[T] = v;
        sorting_swaps(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    for (i, j) in swaps {
        v.swap(i, j);
    }
}

/// `v.sort()`; also stands in for `sort_unstable` (equal elements of a total order are alike).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The swaps that put positions `0..len` in the order `cmp` gives them (ties by position).
/// Computed here, once for every element type, so the generic part is a loop of swaps.
fn sorting_swaps(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<(usize, usize)> {
    // Already in order (the common case: record ids, the partitions of a fetch answer):
    // nothing to move, and nothing allocated to find that out.
    if (1..len).all(|i| cmp(i - 1, i) != Ordering::Greater) {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    // `at[p]`: the original index of the element now at p; `place[i]`: where element i is now.
    let mut at: Vec<usize> = (0..len).collect();
    let mut place = at.clone();
    let mut swaps = Vec::new();
    for (target, &wanted) in order.iter().enumerate() {
        let (Some(&from), Some(&displaced)) = (place.get(wanted), at.get(target)) else {
            continue;
        };
        if from != target {
            swaps.push((target, from));
            at.swap(target, from);
            place.swap(wanted, displaced);
        }
    }
    swaps
}

/// `pairs.collect::<BTreeMap<_, _>>()` by insertion: a later pair with an equal key replaces
/// the value, as `collect` keeps the last.
pub fn map_from<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_by_is_stable_like_the_standard_sort() {
        let pairs = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (3, 'f')];
        let mut ours = pairs.clone();
        sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
        let mut std_sorted = pairs;
        std_sorted.sort_by_key(|a| a.0);
        assert_eq!(ours, std_sorted);
        assert_eq!(
            ours,
            vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c'), (3, 'f')]
        );
    }

    #[test]
    fn sort_orders_owned_values_and_keeps_every_element() {
        let mut words: Vec<String> = ["kafka", "broker", "acks", "broker", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort(&mut words);
        assert_eq!(words, ["", "acks", "broker", "broker", "kafka"]);
        let mut empty: Vec<u32> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
        let mut in_order = vec![1, 2, 2, 9];
        sort(&mut in_order);
        assert_eq!(in_order, [1, 2, 2, 9]);
        // A long reversed run with repeats, against the standard sort.
        let mut many: Vec<(u32, u32)> = (0..200u32).map(|i| ((200 - i) % 7, i)).collect();
        let mut expected = many.clone();
        expected.sort_by_key(|x| x.0);
        sort_by(&mut many, |a, b| a.0.cmp(&b.0));
        assert_eq!(many, expected);
    }

    #[test]
    fn map_from_keeps_the_last_value_of_a_repeated_key_as_collect_does() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let ours = map_from(pairs);
        let collected: BTreeMap<&str, i32> = pairs.into_iter().collect();
        assert_eq!(ours, collected);
        assert_eq!(ours.get("b"), Some(&3));
    }
}
