//! Which partition a record goes to (Kafka's `KafkaProducer.partition`): murmur2 for keyed
//! records, and the null-key strategy of the producer's `kafka.version`; for a librdkafka
//! producer, its `partitioner` and its sticky null-key placement (`rdkafka_msg.c`,
//! `rd_kafka_msg_partitioner`).

use crate::kafka::librdkafka_partitioner::LibrdkafkaPartitioner;
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
    /// librdkafka (`rd_kafka_msg_sticky_partition`): every partitioner but `random` sticks a
    /// null-key record to one random partition for `sticky.partitioning.linger.ms` (10 ms),
    /// or until that partition has no leader; `random` draws for each record.
    LibrdkafkaSticky,
}

/// librdkafka's `sticky.partitioning.linger.ms` default, in µs.
pub const LIBRDKAFKA_STICKY_LINGER_US: u64 = 10_000;

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
    /// A librdkafka producer's `partitioner`.
    librdkafka: Option<LibrdkafkaPartitioner>,
    /// When librdkafka's sticky partition was last picked.
    sticky_since_us: u64,
}

impl Partitioner {
    pub fn new(version: KafkaVersion, partitions: u32, keys: u32, batch_size: u32) -> Self {
        Self::for_client(version, partitions, keys, batch_size, None)
    }

    /// The Java client's partitioner of `version`, or librdkafka's `librdkafka` partitioner.
    pub fn for_client(
        version: KafkaVersion,
        partitions: u32,
        keys: u32,
        batch_size: u32,
        librdkafka: Option<LibrdkafkaPartitioner>,
    ) -> Self {
        let mut p = Partitioner {
            strategy: match librdkafka {
                Some(_) => NullKeyStrategy::LibrdkafkaSticky,
                None => NullKeyStrategy::for_version(version),
            },
            partitions,
            key_partitions: vec![0; keys as usize],
            counter: None,
            sticky: None,
            sticky_bytes: 0,
            batch_size: u64::from(batch_size.max(1)),
            librdkafka,
            sticky_since_us: 0,
        };
        p.set_partitions(partitions);
        p
    }

    /// The partition of key `key` among `partitions`, by the client's hash (0 for librdkafka's
    /// `random`, which never looks at it: see [`Partitioner::random_keyed`]).
    fn hash(&self, key: u32, partitions: u32) -> u32 {
        let name = key_name(key);
        match self.librdkafka {
            None => partition_for_key(name.as_bytes(), partitions),
            Some(l) => l.keyed(Some(name.as_bytes()), partitions).unwrap_or(0),
        }
    }

    /// Whether keyed records are placed at random too (librdkafka's `random`).
    pub fn random_keyed(&self) -> bool {
        self.librdkafka == Some(LibrdkafkaPartitioner::Random)
    }

    /// The topic now has `partitions` (metadata showed more): keys map anew. A sticky
    /// null-key partition stays until its usual switch.
    pub fn set_partitions(&mut self, partitions: u32) {
        self.partitions = partitions;
        let placed: Vec<u32> = (0..self.key_partitions.len() as u32)
            .map(|k| self.hash(k, partitions))
            .collect();
        self.key_partitions = placed;
    }

    pub fn strategy(&self) -> NullKeyStrategy {
        self.strategy
    }

    /// The partition of key index `key` (keyed records ignore availability, as Kafka does).
    pub fn keyed(&self, key: u32) -> u32 {
        self.key_partitions.get(key as usize).copied().unwrap_or(0)
    }

    /// The partition of a null-key record (or any record of librdkafka's `random`), sent at
    /// `now_us`. `available` lists partitions with a known leader (sorted); `record_bytes`
    /// feeds the 3.3+ byte counter.
    pub fn null_key(
        &mut self,
        available: &[u32],
        record_bytes: u64,
        now_us: u64,
        rng: &mut impl Rng,
    ) -> u32 {
        let n = self.partitions.max(1);
        match self.strategy {
            NullKeyStrategy::LibrdkafkaSticky if self.random_keyed() => {
                librdkafka_random(available, n, rng)
            }
            NullKeyStrategy::LibrdkafkaSticky => match self.sticky {
                // `rd_interval` fires when the linger has passed since the last pick;
                // an unavailable sticky partition expedites it.
                Some(p)
                    if now_us
                        < self
                            .sticky_since_us
                            .saturating_add(LIBRDKAFKA_STICKY_LINGER_US)
                        && (available.is_empty() || available.contains(&p)) =>
                {
                    p
                }
                _ => {
                    let p = librdkafka_random(available, n, rng);
                    self.sticky = Some(p);
                    self.sticky_since_us = now_us;
                    p
                }
            },
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

    /// The partition the next null-key record goes to without a draw (the sticky one while it
    /// lasts), or `None` where it needs a pick (or is placed by time, as librdkafka does).
    pub fn sticky_partition(&self) -> Option<u32> {
        match (self.strategy, self.sticky) {
            (NullKeyStrategy::StickyPerBytes, Some(p)) if self.sticky_bytes < self.batch_size => {
                Some(p)
            }
            (NullKeyStrategy::StickyPerBatch, p) => p,
            _ => None,
        }
    }

    /// How many more records of `record_bytes` the 3.3+ sticky partition takes before the
    /// partitioner picks again (`None` for the other strategies).
    pub fn sticky_records_left(&self, record_bytes: u64) -> Option<u64> {
        (self.strategy == NullKeyStrategy::StickyPerBytes && self.sticky.is_some()).then(|| {
            self.batch_size
                .saturating_sub(self.sticky_bytes)
                .div_ceil(record_bytes.max(1))
        })
    }

    /// The 2.4–3.2 sticky partitioner moves on when the batch of its partition was sent.
    pub fn on_new_batch(&mut self, partition: u32, available: &[u32], rng: &mut impl Rng) {
        if self.strategy == NullKeyStrategy::StickyPerBatch && self.sticky == Some(partition) {
            let n = self.partitions.max(1);
            self.sticky = Some(pick_random(available, n, Some(partition), rng));
        }
    }
}

/// `rd_kafka_msg_partitioner_random`: a uniform draw, and one more draw when the first has no
/// leader (whatever the second gives).
fn librdkafka_random(available: &[u32], n: u32, rng: &mut impl Rng) -> u32 {
    let p = rng.next_u32() % n;
    if available.is_empty() || available.contains(&p) {
        p
    } else {
        rng.next_u32() % n
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
    fn librdkafka_null_keys_stick_to_one_partition_for_ten_milliseconds() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(3);
        let mut p = Partitioner::for_client(
            KafkaVersion::new(3, 9),
            64,
            0,
            1_000_000,
            Some(LibrdkafkaPartitioner::ConsistentRandom),
        );
        let all: Vec<u32> = (0..64).collect();
        let first = p.null_key(&all, 100, 1_000, &mut rng);
        assert_eq!(p.null_key(&all, 100, 10_999, &mut rng), first);
        // 10 ms after the pick: a new draw (64 partitions: another one with this seed).
        let next = p.null_key(&all, 100, 11_000, &mut rng);
        assert_ne!(next, first);
        // A sticky partition without a leader is left at once.
        let others: Vec<u32> = all.iter().copied().filter(|&q| q != next).collect();
        assert_ne!(p.null_key(&others, 100, 11_001, &mut rng), next);
    }

    #[test]
    fn librdkafka_keyed_records_follow_its_partitioner() {
        let crc = Partitioner::for_client(
            KafkaVersion::new(3, 9),
            4,
            8,
            1_000_000,
            Some(LibrdkafkaPartitioner::ConsistentRandom),
        );
        let java = Partitioner::new(KafkaVersion::new(3, 9), 4, 8, 16384);
        let murmur = Partitioner::for_client(
            KafkaVersion::new(3, 9),
            4,
            8,
            1_000_000,
            Some(LibrdkafkaPartitioner::Murmur2Random),
        );
        // key-0: librdkafka 0, Java 1 (measured, librdkafka-behaviour.md).
        assert_eq!((crc.keyed(0), java.keyed(0)), (0, 1));
        assert!((0..8).all(|k| murmur.keyed(k) == java.keyed(k)));
        assert!(!crc.random_keyed());
    }

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
            .map(|_| p.null_key(&[0, 1, 2, 3], 100, 0, &mut rng))
            .collect();
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
    }

    #[test]
    fn sticky_per_batch_moves_to_another_partition_after_a_batch() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(7);
        let mut p = Partitioner::new(KafkaVersion::new(2, 8), 4, 0, 16384);
        let first = p.null_key(&[0, 1, 2, 3], 100, 0, &mut rng);
        assert_eq!(p.null_key(&[0, 1, 2, 3], 100, 0, &mut rng), first);
        p.on_new_batch(first, &[0, 1, 2, 3], &mut rng);
        assert_ne!(p.null_key(&[0, 1, 2, 3], 100, 0, &mut rng), first);
    }

    #[test]
    fn sticky_per_bytes_switches_after_batch_size_bytes() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(1);
        let mut p = Partitioner::new(KafkaVersion::new(3, 9), 100, 0, 1000);
        let first = p.null_key(&[], 400, 0, &mut rng);
        assert_eq!(p.null_key(&[], 400, 0, &mut rng), first);
        assert_eq!(p.null_key(&[], 400, 0, &mut rng), first);
        // 1200 bytes went to `first`: the next record picks again (100 partitions: new one
        // with this seed).
        let next = p.null_key(&[], 400, 0, &mut rng);
        assert_ne!(next, first);
    }
}
