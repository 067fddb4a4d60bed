//! librdkafka's partitioners (`partitioner` topic property; `rdkafka_msg.c`'s
//! `rd_kafka_msg_partitioner_*`), as the non-JVM clients built on it (confluent-kafka for
//! Python and Go, Confluent.Kafka, node-rdkafka) place keyed records. The default,
//! `consistent_random`, hashes with CRC32 where the Java client hashes with murmur2, so the
//! same key lands elsewhere; `murmur2_random` is the Java-compatible one. Checked against
//! placements measured from librdkafka 2.12.1 (`tests/data/librdkafka-partition-vectors.json`).

use crate::kafka::murmur2::{murmur2, to_positive};
use rand_core::Rng;

/// A `partitioner` value. `*_random` send null keys (and `consistent_random` empty ones too) to
/// a random partition; the others hash them like any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LibrdkafkaPartitioner {
    Random,
    Consistent,
    ConsistentRandom,
    Murmur2,
    Murmur2Random,
    Fnv1a,
    Fnv1aRandom,
}

impl LibrdkafkaPartitioner {
    pub const ALL: &'static [LibrdkafkaPartitioner] = &[
        LibrdkafkaPartitioner::Random,
        LibrdkafkaPartitioner::Consistent,
        LibrdkafkaPartitioner::ConsistentRandom,
        LibrdkafkaPartitioner::Murmur2,
        LibrdkafkaPartitioner::Murmur2Random,
        LibrdkafkaPartitioner::Fnv1a,
        LibrdkafkaPartitioner::Fnv1aRandom,
    ];

    /// Every name, in `ALL`'s order (derived from `name`).
    pub const NAMES: [&'static str; 7] = {
        let mut names = [""; 7];
        let mut i = 0;
        while i < names.len() {
            names[i] = Self::ALL[i].name();
            i += 1;
        }
        names
    };

    /// librdkafka's name for it.
    pub const fn name(self) -> &'static str {
        match self {
            LibrdkafkaPartitioner::Random => "random",
            LibrdkafkaPartitioner::Consistent => "consistent",
            LibrdkafkaPartitioner::ConsistentRandom => "consistent_random",
            LibrdkafkaPartitioner::Murmur2 => "murmur2",
            LibrdkafkaPartitioner::Murmur2Random => "murmur2_random",
            LibrdkafkaPartitioner::Fnv1a => "fnv1a",
            LibrdkafkaPartitioner::Fnv1aRandom => "fnv1a_random",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// The partition of a record with `key` (`None`: a null key) among `partitions`, or `None`
    /// when this partitioner picks a random one for it (the caller draws it, so a keyed
    /// placement never touches the RNG).
    pub fn keyed(self, key: Option<&[u8]>, partitions: u32) -> Option<u32> {
        let n = partitions.max(1);
        let bytes = key.unwrap_or_default();
        match self {
            LibrdkafkaPartitioner::Random => None,
            LibrdkafkaPartitioner::ConsistentRandom if bytes.is_empty() => None,
            LibrdkafkaPartitioner::Murmur2Random | LibrdkafkaPartitioner::Fnv1aRandom
                if key.is_none() =>
            {
                None
            }
            LibrdkafkaPartitioner::Consistent | LibrdkafkaPartitioner::ConsistentRandom => {
                Some(crc32(bytes) % n)
            }
            LibrdkafkaPartitioner::Murmur2 | LibrdkafkaPartitioner::Murmur2Random => {
                Some(to_positive(murmur2(bytes)) % n)
            }
            // The hash as a signed 32-bit int, C's remainder, then its absolute value
            // (`rd_kafka_msg_partitioner_fnv1a`): not the unsigned remainder.
            LibrdkafkaPartitioner::Fnv1a | LibrdkafkaPartitioner::Fnv1aRandom => {
                let n = i64::from(n);
                Some((i64::from(fnv1a(bytes) as i32) % n).unsigned_abs() as u32)
            }
        }
    }

    /// The partition of a record, drawing from `rng` where the partitioner is random.
    pub fn partition(self, key: Option<&[u8]>, partitions: u32, rng: &mut impl Rng) -> u32 {
        self.keyed(key, partitions)
            .unwrap_or_else(|| rng.next_u32() % partitions.max(1))
    }
}

/// CRC32 (IEEE, `rd_crc32`), as the consistent partitioners hash keys: the `crc` crate's
/// table-free form, as `crc32fast`'s slice-by-16 table is 16 KB that gzip cannot shrink (+16.4
/// KB on the page), and keys are a few bytes.
pub fn crc32(data: &[u8]) -> u32 {
    const CRC32: crc::Crc<u32, crc::NoTable> =
        crc::Crc::<u32, crc::NoTable>::new(&crc::CRC_32_ISO_HDLC);
    CRC32.checksum(data)
}

/// 32-bit FNV-1a (`rd_fnv1a`).
pub fn fnv1a(data: &[u8]) -> u32 {
    const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    data.iter()
        .fold(OFFSET, |h, &b| (h ^ u32::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn crc32_gives_the_ieee_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }
}
