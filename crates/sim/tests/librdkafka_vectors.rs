//! librdkafka's partitioners against placements measured from librdkafka 2.12.1
//! (tests/data/librdkafka-partition-vectors.json, copied from the project's reference data).
//! Every fifth vector is held out: it is checked in its own test, so a change that was fitted to
//! the others shows there.

use kafka_sim::kafka::librdkafka_partitioner::LibrdkafkaPartitioner;
use serde_json::Value;

fn vectors() -> Vec<(usize, LibrdkafkaPartitioner, u32, String, u32)> {
    let text = include_str!("data/librdkafka-partition-vectors.json");
    let doc: Value = serde_json::from_str(text).expect("json");
    doc["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = v["partitioner"].as_str().expect("partitioner");
            (
                i,
                LibrdkafkaPartitioner::from_name(name).expect("known partitioner"),
                v["partitions"].as_u64().expect("partitions") as u32,
                v["key_utf8"].as_str().expect("key").to_string(),
                v["partition"].as_u64().expect("partition") as u32,
            )
        })
        .collect()
}

fn check(held_out: bool) -> usize {
    let mut checked = 0;
    for (i, p, n, key, want) in vectors() {
        if (i % 5 == 0) != held_out {
            continue;
        }
        assert_eq!(
            p.keyed(Some(key.as_bytes()), n),
            Some(want),
            "vector {i}: {} of {key:?} over {n}",
            p.name()
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_measured_placement_of_librdkafkas_partitioners_is_reproduced() {
    assert_eq!(check(false), 480);
}

#[test]
fn every_held_out_placement_is_reproduced_too() {
    assert_eq!(check(true), 120);
}

#[test]
fn murmur2_random_places_keys_where_the_java_client_does() {
    for (_, p, n, key, _) in vectors() {
        if p == LibrdkafkaPartitioner::Murmur2Random {
            assert_eq!(
                p.keyed(Some(key.as_bytes()), n),
                Some(kafka_sim::kafka::murmur2::partition_for_key(
                    key.as_bytes(),
                    n
                ))
            );
        }
    }
}

#[test]
fn the_default_consistent_random_puts_key_0_and_order_42_elsewhere_than_java() {
    let p = LibrdkafkaPartitioner::ConsistentRandom;
    assert_eq!(p.keyed(Some(b"key-0"), 4), Some(0));
    assert_eq!(kafka_sim::kafka::murmur2::partition_for_key(b"key-0", 4), 1);
    assert_eq!(p.keyed(Some(b"order-42"), 4), Some(2));
    assert_eq!(
        kafka_sim::kafka::murmur2::partition_for_key(b"order-42", 4),
        0
    );
    // Null and empty keys: random for consistent_random, hashed for consistent.
    assert_eq!(p.keyed(None, 4), None);
    assert_eq!(p.keyed(Some(b""), 4), None);
    assert_eq!(
        LibrdkafkaPartitioner::Consistent.keyed(Some(b""), 4),
        Some(0)
    );
    assert!(LibrdkafkaPartitioner::Murmur2Random
        .keyed(Some(b""), 4)
        .is_some());
}
