//! Which `__consumer_offsets` partition (and so which broker) coordinates a group: Kafka takes
//! `abs(groupId.hashCode()) % offsets.topic.num.partitions` with Java's `String.hashCode`
//! (`GroupMetadataManager.partitionFor`, with `Utils.abs`).

/// Java's `String.hashCode`: `h = 31*h + c` over the UTF-16 code units, wrapping at 32 bits.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `Utils.abs`: like `Math.abs`, except `Integer.MIN_VALUE` maps to 0 instead of staying
/// negative.
pub fn java_utils_abs(n: i32) -> u32 {
    if n == i32::MIN {
        0
    } else {
        n.unsigned_abs()
    }
}

/// The `__consumer_offsets` partition whose leader coordinates `group_id`. A topic with no
/// partitions cannot exist, so 0 partitions yields partition 0 instead of dividing by zero.
pub fn coordinator_partition(group_id: &str, offsets_topic_num_partitions: u32) -> u32 {
    if offsets_topic_num_partitions == 0 {
        return 0;
    }
    java_utils_abs(java_string_hash(group_id)) % offsets_topic_num_partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java_for_known_strings() {
        // Values from Java: "".hashCode(), "a".hashCode(), "hello".hashCode(), ...
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("consumer1"), -421_004_549);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn string_hash_uses_utf16_code_units() {
        // U+1F600 is the surrogate pair D83D DE00: 31 * 0xD83D + 0xDE00.
        assert_eq!(java_string_hash("\u{1F600}"), 31 * 0xD83D + 0xDE00);
        assert_eq!(java_string_hash("é"), 0xE9);
    }

    #[test]
    fn abs_of_min_value_is_zero() {
        assert_eq!(java_utils_abs(i32::MIN), 0);
        assert_eq!(java_utils_abs(-5), 5);
        assert_eq!(java_utils_abs(7), 7);
    }

    #[test]
    fn coordinator_partition_is_abs_hash_modulo_partitions() {
        // "hello" = 99162322; 99162322 % 50 = 22.
        assert_eq!(coordinator_partition("hello", 50), 22);
        // "consumer1" = -421004549 -> 421004549 % 50 = 49.
        assert_eq!(coordinator_partition("consumer1", 50), 49);
        // hashCode == Integer.MIN_VALUE -> partition 0.
        assert_eq!(coordinator_partition("polygenelubricants", 50), 0);
        assert_eq!(coordinator_partition("", 50), 0);
    }

    #[test]
    fn coordinator_partition_with_zero_partitions_does_not_panic() {
        assert_eq!(coordinator_partition("g1", 0), 0);
    }

    #[test]
    fn coordinator_partition_is_always_below_partition_count() {
        for n in 1..=60u32 {
            for id in ["g1", "orders-app", "x", "ümlaut", "polygenelubricants"] {
                assert!(coordinator_partition(id, n) < n);
            }
        }
    }
}
