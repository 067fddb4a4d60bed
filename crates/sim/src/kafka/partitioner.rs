//! Which partition a record goes to (Kafka's `KafkaProducer.partition`): murmur2 for keyed
//! records, and the null-key strategy of the producer's `kafka.version`.

use crate::kafka::murmur2::partition_for_key;
use crate::scenario::KafkaVersion;
use rand_core::Rng;

/// How records without a key are spread, by Kafka release: `DefaultPartitioner`'s round robin,
/// its sticky partitioner from 2.4 (KIP-480), `BuiltInPartitioner` from 3.3 (KIP-794).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullKeyStrategy {
    /// ≤ 2.3: a counter starting at a random value, over the available partitions.
    RoundRobin,
    /// 2.4 – 3.2: stick to one partition until its batch is sent, then a different random one.
    StickyPerBatch,
    /// ≥ 3.3: stick until `batch.size` bytes went to the partition, then a random one.
    StickyPerBytes,
}

impl NullKeyStrategy {
    pub fn for_version(v: KafkaVersion) -> Self {
        if v.at_least(3, 3) {
            NullKeyStrategy::StickyPerBytes
        } else if v.at_least(2, 4) {
            NullKeyStrategy::StickyPerBatch
        } else {
            NullKeyStrategy::RoundRobin
        }
    }
}

/// The producer's partitioner state for its one topic.
#[derive(Debug, Clone)]
pub struct Partitioner {
    strategy: NullKeyStrategy,
    partitions: u32,
    /// Cached partition of each key index (keys are `key-0`, `key-1`, ...).
    key_partitions: Vec<u32>,
    counter: Option<u32>,
    sticky: Option<u32>,
    sticky_bytes: u64,
    batch_size: u64,
}

impl Partitioner {
    pub fn new(version: KafkaVersion, partitions: u32, keys: u32, batch_size: u32) -> Self {
        let key_partitions = (0..keys)
            .map(|k| partition_for_key(key_name(k).as_bytes(), partitions))
            .collect();
        Partitioner {
            strategy: NullKeyStrategy::for_version(version),
            partitions,
            key_partitions,
            counter: None,
            sticky: None,
            sticky_bytes: 0,
            batch_size: u64::from(batch_size.max(1)),
        }
    }

    /// The topic now has `partitions` (metadata showed more): keys map anew. A sticky
    /// null-key partition stays until its usual switch.
    pub fn set_partitions(&mut self, partitions: u32) {
        self.partitions = partitions;
        for (k, p) in self.key_partitions.iter_mut().enumerate() {
            *p = partition_for_key(key_name(k as u32).as_bytes(), partitions);
        }
    }

    pub fn strategy(&self) -> NullKeyStrategy {
        self.strategy
    }

    /// The partition of key index `key` (keyed records ignore availability, as Kafka does).
    pub fn keyed(&self, key: u32) -> u32 {
        self.key_partitions.get(key as usize).copied().unwrap_or(0)
    }

    /// The partition of a null-key record. `available` lists partitions with a known leader
    /// (sorted); `record_bytes` feeds the 3.3+ byte counter.
    pub fn null_key(&mut self, available: &[u32], record_bytes: u64, rng: &mut impl Rng) -> u32 {
        let n = self.partitions.max(1);
        match self.strategy {
            NullKeyStrategy::RoundRobin => {
                let c = *self.counter.get_or_insert_with(|| rng.next_u32());
                self.counter = Some(c.wrapping_add(1));
                let pos = c & 0x7fff_ffff;
                if available.is_empty() {
                    pos % n
                } else {
                    available
                        .get(pos as usize % available.len())
                        .copied()
                        .unwrap_or(0)
                }
            }
            NullKeyStrategy::StickyPerBatch => match self.sticky {
                Some(p) => p,
                None => {
                    let p = pick_random(available, n, None, rng);
                    self.sticky = Some(p);
                    p
                }
            },
            NullKeyStrategy::StickyPerBytes => {
                let p = match self.sticky {
                    Some(p) if self.sticky_bytes < self.batch_size => p,
                    _ => {
                        // Adaptive weighting needs queue sizes; uniform is `BuiltInPartitioner`'s
                        // choice with adaptive partitioning off (KIP-794) and keeps this pure.
                        let p = pick_random(available, n, None, rng);
                        self.sticky = Some(p);
                        self.sticky_bytes = 0;
                        p
                    }
                };
                self.sticky_bytes += record_bytes;
                p
            }
        }
    }

    /// The 2.4–3.2 sticky partitioner moves on when the batch of its partition was sent.
    pub fn on_new_batch(&mut self, partition: u32, available: &[u32], rng: &mut impl Rng) {
        if self.strategy == NullKeyStrategy::StickyPerBatch && self.sticky == Some(partition) {
            let n = self.partitions.max(1);
            self.sticky = Some(pick_random(available, n, Some(partition), rng));
        }
    }
}

/// The key bytes of key index `k`.
pub fn key_name(k: u32) -> String {
    format!("key-{k}")
}

fn pick_random(available: &[u32], n: u32, avoid: Option<u32>, rng: &mut impl Rng) -> u32 {
    let r = rng.next_u32();
    if available.is_empty() {
        return r % n;
    }
    match avoid {
        Some(prev) if available.len() >= 2 && available.contains(&prev) => {
            let others: Vec<u32> = available.iter().copied().filter(|&p| p != prev).collect();
            others
                .get(r as usize % others.len().max(1))
                .copied()
                .unwrap_or(0)
        }
        _ => available
            .get(r as usize % available.len())
            .copied()
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn keyed_records_follow_murmur2_of_the_key_name() {
        let p = Partitioner::new(KafkaVersion::new(3, 9), 6, 3, 16384);
        assert_eq!(p.keyed(0), partition_for_key(b"key-0", 6));
        assert_eq!(p.keyed(2), partition_for_key(b"key-2", 6));
    }

    #[test]
    fn more_partitions_remap_keys_by_murmur2_of_the_new_count() {
        let mut p = Partitioner::new(KafkaVersion::new(3, 9), 4, 50, 16384);
        p.set_partitions(6);
        for k in 0..50 {
            assert_eq!(p.keyed(k), partition_for_key(key_name(k).as_bytes(), 6));
        }
        let moved = (0..50)
            .filter(|&k| partition_for_key(key_name(k).as_bytes(), 4) != p.keyed(k))
            .count();
        // About two thirds move (h mod 4 = h mod 6 only for h mod 12 < 4).
        assert_eq!(moved, 30);
    }

    #[test]
    fn round_robin_null_keys_visit_every_available_partition_in_turn() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(7);
        let mut p = Partitioner::new(KafkaVersion::new(2, 0), 4, 0, 16384);
        let got: Vec<u32> = (0..4)
            .map(|_| p.null_key(&[0, 1, 2, 3], 100, &mut rng))
            .collect();
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
    }

    #[test]
    fn sticky_per_batch_moves_to_another_partition_after_a_batch() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(7);
        let mut p = Partitioner::new(KafkaVersion::new(2, 8), 4, 0, 16384);
        let first = p.null_key(&[0, 1, 2, 3], 100, &mut rng);
        assert_eq!(p.null_key(&[0, 1, 2, 3], 100, &mut rng), first);
        p.on_new_batch(first, &[0, 1, 2, 3], &mut rng);
        assert_ne!(p.null_key(&[0, 1, 2, 3], 100, &mut rng), first);
    }

    #[test]
    fn sticky_per_bytes_switches_after_batch_size_bytes() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(1);
        let mut p = Partitioner::new(KafkaVersion::new(3, 9), 100, 0, 1000);
        let first = p.null_key(&[], 400, &mut rng);
        assert_eq!(p.null_key(&[], 400, &mut rng), first);
        assert_eq!(p.null_key(&[], 400, &mut rng), first);
        // 1200 bytes went to `first`: the next record picks again (100 partitions: new one
        // with this seed).
        let next = p.null_key(&[], 400, &mut rng);
        assert_ne!(next, first);
    }
}
