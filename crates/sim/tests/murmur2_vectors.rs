//! Every murmur2 vector of `tests/data/kafka-vectors.json` (`UtilsTest.testMurmur2`'s keys and
//! more, each with the value Kafka's `Utils.murmur2` gives).

use kafka_sim::kafka::murmur2::{murmur2, partition_for_key, to_positive};
use serde_json::Value;

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn every_murmur2_vector_matches_hash_to_positive_and_partitions() {
    let path = format!(
        "{}/tests/data/kafka-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("vectors");
    let all: Vec<Value> = serde_json::from_str(&text).expect("json");
    let mut checked = 0;
    for v in all.iter().filter(|v| v["kind"] == "murmur2") {
        let key = hex_bytes(v["key_hex"].as_str().expect("key_hex"));
        if let Some(utf8) = v["key_utf8"].as_str() {
            assert_eq!(utf8.as_bytes(), &key[..]);
        }
        let h = murmur2(&key);
        assert_eq!(i64::from(h), v["murmur2"].as_i64().expect("murmur2"), "{v}");
        assert_eq!(
            i64::from(to_positive(h)),
            v["to_positive"].as_i64().expect("tp"),
            "{v}"
        );
        for (n, p) in v["partitions"].as_object().expect("partitions") {
            let n: u32 = n.parse().expect("n");
            assert_eq!(
                u64::from(partition_for_key(&key, n)),
                p.as_u64().expect("p"),
                "{v} n={n}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 22);
}
