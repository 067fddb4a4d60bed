//! A set of small numbers (partitions) as bits: insert, remove and membership in O(1), and
//! iteration in ascending order that skips 64 absent numbers per word, so visiting the few
//! members of a set over a thousand partitions costs a few words, not a thousand checks.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    pub fn new() -> Self {
        BitSet::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, i: u32) -> bool {
        self.words
            .get((i / 64) as usize)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds `i`; false if it was there.
    pub fn insert(&mut self, i: u32) -> bool {
        let w = (i / 64) as usize;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        let bit = 1 << (i % 64);
        let new = *word & bit == 0;
        *word |= bit;
        self.len += usize::from(new);
        new
    }

    /// Removes `i`; false if it was not there.
    pub fn remove(&mut self, i: u32) -> bool {
        let Some(word) = self.words.get_mut((i / 64) as usize) else {
            return false;
        };
        let bit = 1 << (i % 64);
        let had = *word & bit != 0;
        *word &= !bit;
        self.len -= usize::from(had);
        had
    }

    /// Members at or above `from`, ascending.
    pub fn iter_from(&self, from: u32) -> Members<'_> {
        let word = (from / 64) as usize;
        // The first word drops the bits below `from`.
        let bits = self
            .words
            .get(word)
            .map_or(0, |w| w & (u64::MAX << (from % 64)));
        Members {
            words: &self.words,
            word,
            bits,
        }
    }

    /// Members in ascending order.
    pub fn iter(&self) -> Members<'_> {
        self.iter_from(0)
    }

    /// How many members lie below each of an ascending run of numbers, counting each word
    /// once for the whole run: the index of a member in a sorted list of the members.
    pub fn ranks(&self) -> Ranks<'_> {
        Ranks {
            words: &self.words,
            word: 0,
            below_word: 0,
        }
    }

    /// Members from `start` up, then from 0 below `start`: a round-robin turn.
    pub fn iter_round_from(&self, start: u32) -> impl Iterator<Item = u32> + '_ {
        self.iter_from(start)
            .chain(self.iter().take_while(move |&i| i < start))
    }
}

/// [`BitSet::ranks`].
pub struct Ranks<'a> {
    words: &'a [u64],
    word: usize,
    /// Members in the words before `word`.
    below_word: usize,
}

impl Ranks<'_> {
    /// Members below `i`; `i` at or above every number asked before.
    pub fn below(&mut self, i: u32) -> usize {
        let w = (i / 64) as usize;
        debug_assert!(w >= self.word, "ranks asked out of order");
        while self.word < w {
            self.below_word += self.words.get(self.word).map_or(0, |x| x.count_ones()) as usize;
            self.word += 1;
        }
        let mask = (1u64 << (i % 64)) - 1;
        self.below_word + self.words.get(w).map_or(0, |x| (x & mask).count_ones()) as usize
    }
}

/// The members of a [`BitSet`] from some number up, ascending. A plain loop over the words
/// rather than adapters over them: the page's size-optimized build did not inline those, and
/// the sender's turn walks its ready partitions this way on every wake-up.
pub struct Members<'a> {
    words: &'a [u64],
    /// The word `bits` came from.
    word: usize,
    /// Its members not visited yet.
    bits: u64,
}

impl Iterator for Members<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        while self.bits == 0 {
            self.word += 1;
            self.bits = *self.words.get(self.word)?;
        }
        let b = self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        Some(self.word as u32 * 64 + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_bit_set_behaves_like_a_btree_set() {
        let mut ours = BitSet::new();
        let mut btree = BTreeSet::new();
        for (k, i) in [5u32, 64, 0, 63, 200, 5, 127, 128, 64]
            .into_iter()
            .enumerate()
        {
            assert_eq!(ours.insert(i), btree.insert(i));
            if k % 4 == 3 {
                assert_eq!(ours.remove(0), btree.remove(&0));
                assert!(!ours.remove(999));
            }
            assert_eq!(ours.len(), btree.len());
        }
        assert!(ours.iter().eq(btree.iter().copied()));
        assert!(ours.iter_from(64).eq(btree.range(64..).copied()));
        assert!(ours.iter_from(65).eq(btree.range(65..).copied()));
        assert_eq!(ours.iter_from(1000).count(), 0);
        let round: Vec<u32> = ours.iter_round_from(100).collect();
        assert_eq!(round, [127, 128, 200, 5, 63, 64]);
        assert!(ours.contains(127) && !ours.contains(126));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn iteration_from_any_number_matches_a_btree_set(
            members in proptest::collection::btree_set(0u32..300, 0..40),
            from in 0u32..320,
        ) {
            let mut ours = BitSet::new();
            for &i in &members {
                ours.insert(i);
            }
            proptest::prop_assert!(ours.iter_from(from).eq(members.range(from..).copied()));
            let round: Vec<u32> = members
                .range(from..)
                .chain(members.range(..from))
                .copied()
                .collect();
            proptest::prop_assert_eq!(ours.iter_round_from(from).collect::<Vec<_>>(), round);
        }

        #[test]
        fn ranks_of_ascending_numbers_count_the_members_below_each(
            members in proptest::collection::btree_set(0u32..300, 0..40),
            asked in proptest::collection::btree_set(0u32..320, 0..20),
        ) {
            let mut ours = BitSet::new();
            for &i in &members {
                ours.insert(i);
            }
            let mut ranks = ours.ranks();
            for &i in &asked {
                proptest::prop_assert_eq!(ranks.below(i), members.range(..i).count());
            }
        }
    }
}
