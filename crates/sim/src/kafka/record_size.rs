//! The size the producer checks a record against before it enters the accumulator
//! (`KafkaProducer.doSend` → `AbstractRecords.estimateSizeInBytesUpperBound`), and the size of
//! the buffer a new batch takes from the `BufferPool` (`RecordAccumulator.append`:
//! `max(batch.size, that estimate)`). Uncompressed, no headers.

use crate::scenario::KafkaVersion;

/// Bytes of a key as the simulation counts them: every key (`key-0`, `key-1`, ...) as 6.
pub const KEY_BYTES: u32 = 6;

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD` (magic v2, 0.11+).
const RECORD_BATCH_OVERHEAD: u64 = 61;
/// `DefaultRecord.MAX_RECORD_OVERHEAD`: the widest varints of length, attributes, timestamp
/// delta and offset delta.
const MAX_RECORD_OVERHEAD: u64 = 21;
/// `Records.LOG_OVERHEAD` (offset and size) before 0.11 (magic v1).
const LOG_OVERHEAD: u64 = 12;
/// `Record.RECORD_OVERHEAD` of magic v1: crc, magic, attributes, timestamp, key and value sizes.
const RECORD_OVERHEAD_V1: u64 = 22;

/// `ByteUtils.sizeOfVarint`: bytes of a zig-zag varint.
fn size_of_varint(value: u64) -> u64 {
    let mut v = value << 1; // zig-zag of a non-negative int
    let mut bytes = 1;
    while v >= 0x80 {
        v >>= 7;
        bytes += 1;
    }
    bytes
}

/// `AbstractRecords.estimateSizeInBytesUpperBound` of one record with a key of `key` bytes
/// (`None`: a null key) and a value of `value` bytes, for the record format `version`'s producer
/// writes: magic v2 from 0.11 (`DefaultRecordBatch.estimateBatchSizeUpperBound`: batch header,
/// the widest record overhead, varint-prefixed key and value, an empty header count), magic v1
/// before (`LOG_OVERHEAD + Record.recordSize`).
pub fn estimate_size_upper_bound(version: KafkaVersion, key: Option<u32>, value: u32) -> u64 {
    let value = u64::from(value);
    if version >= KafkaVersion::with_patch(0, 11, 0) {
        let key = match key {
            Some(k) => size_of_varint(u64::from(k)) + u64::from(k),
            None => 1, // NULL_VARINT_SIZE_BYTES
        };
        RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + key + size_of_varint(value) + value + 1
    } else {
        LOG_OVERHEAD + RECORD_OVERHEAD_V1 + u64::from(key.unwrap_or(0)) + value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_grow_at_kafkas_zig_zag_boundaries() {
        assert_eq!(size_of_varint(0), 1);
        assert_eq!(size_of_varint(63), 1);
        assert_eq!(size_of_varint(64), 2);
        assert_eq!(size_of_varint(8191), 2);
        assert_eq!(size_of_varint(8192), 3);
        assert_eq!(size_of_varint(1_048_576), 4);
    }

    #[test]
    fn a_keyed_100_byte_record_is_estimated_at_192_bytes() {
        // 61 + 21 + (1 + 6) + (2 + 100) + 1
        let v = KafkaVersion::new(3, 9);
        assert_eq!(estimate_size_upper_bound(v, Some(6), 100), 192);
        // Null key: one varint byte (-1).
        assert_eq!(estimate_size_upper_bound(v, None, 100), 186);
        // 0.10 writes magic v1: 12 + 22 + 6 + 100.
        let old = KafkaVersion::with_patch(0, 10, 2);
        assert_eq!(estimate_size_upper_bound(old, Some(6), 100), 140);
    }
}
