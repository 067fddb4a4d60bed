//! Permalinks: round trips, size, and damaged or hostile links refused with a clear reason.

use base64::Engine;
use kafka_sim::scenario::permalink::{
    decode_link, deflate_stored, encode_deflated, encode_fragment, encode_link, DecodedLink,
    LinkError, MAX_INFLATED_BYTES, MAX_LINK_CHARS,
};
use kafka_sim::scenario::{resolve_scenario, DEFAULT_SCENARIO_JSON};
use proptest::prelude::*;
use serde_json::{json, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn default_doc() -> Value {
    serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null)
}

fn decoded(link: &str) -> DecodedLink {
    match decode_link(link) {
        Ok(d) => d,
        Err(e) => panic!("{link}: {e}"),
    }
}

fn refused(link: &str) -> LinkError {
    match decode_link(link) {
        Ok(d) => panic!("expected a refusal, got {d:?}"),
        Err(e) => e,
    }
}

/// `s=` data holding exactly these bytes, deflated.
fn data_of(bytes: &[u8]) -> String {
    B64.encode(miniz_oxide::deflate::compress_to_vec(bytes, 6))
}

#[test]
fn the_default_scenario_round_trips_through_a_link_with_its_position() {
    let doc = default_doc();
    let link = encode_link(
        &doc,
        Some(7250),
        "https://example.org/playground/?lesson=1#old",
    );
    assert!(link.starts_with("https://example.org/playground/?lesson=1#s="));
    assert!(link.ends_with("&t=7250"));
    let back = decoded(&link);
    assert_eq!(back.doc, doc);
    assert_eq!(back.position_ms, Some(7250));
    assert!(resolve_scenario(&back.doc).is_ok());
}

#[test]
fn an_add_partitions_action_and_metadata_max_age_round_trip_through_a_link() {
    let mut doc = default_doc();
    doc["groups"][0]["metadata.max.age.ms"] = json!(5000);
    doc["actions"] = json!([
        { "at.ms": 10000, "do": "add-partitions", "topic": "orders", "partitions": 6 }
    ]);
    let back = decoded(&encode_link(&doc, Some(12000), ""));
    assert_eq!(back.doc, doc);
    assert_eq!(back.position_ms, Some(12000));
    let s = match resolve_scenario(&back.doc) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        s.actions[0].kind,
        kafka_sim::ActionKind::AddPartitions {
            topic: "orders".into(),
            partitions: 6
        }
    );
    assert_eq!(s.groups[0].metadata_max_age_ms, 5000);
}

#[test]
fn the_default_scenario_link_stays_under_2000_characters() {
    let link = encode_link(
        &default_doc(),
        Some(20000),
        "https://example.org/kafka-playground/",
    );
    println!("default scenario link: {} characters", link.len());
    assert!(link.len() < 2000, "{} characters", link.len());
}

#[test]
fn a_fragment_decodes_with_or_without_hash_and_without_position() {
    let doc = json!({ "format": 1, "seed": 7 });
    let fragment = encode_fragment(&doc, None);
    assert!(fragment.starts_with("#s=") && !fragment.contains("&t="));
    for text in [fragment.clone(), fragment[1..].to_string()] {
        let back = decoded(&text);
        assert_eq!(
            back,
            DecodedLink {
                doc: doc.clone(),
                position_ms: None
            }
        );
    }
    // Parts may come in either order; empty parts are harmless.
    let swapped = format!("#t=5&{}&", &fragment[1..]);
    assert_eq!(decoded(&swapped).position_ms, Some(5));
}

#[test]
fn encoding_is_deterministic_and_url_safe() {
    let doc = default_doc();
    let a = encode_fragment(&doc, Some(1));
    assert_eq!(a, encode_fragment(&doc, Some(1)));
    assert!(a[1..]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_=&".contains(c)));
}

#[test]
fn links_without_a_scenario_are_refused() {
    assert_eq!(refused("https://example.org/page"), LinkError::NoScenario);
    assert_eq!(refused("https://example.org/page#"), LinkError::NoScenario);
    assert_eq!(refused("#t=5"), LinkError::NoScenario);
    assert_eq!(refused(""), LinkError::NoScenario);
}

#[test]
fn unknown_repeated_and_malformed_parts_are_refused() {
    let s = encode_fragment(&json!({ "format": 1 }), None);
    assert_eq!(
        refused(&format!("{s}&x=1")),
        LinkError::UnknownKey("x".into())
    );
    assert_eq!(
        refused(&format!("{s}&t=1&t=2")),
        LinkError::RepeatedKey("t".into())
    );
    assert_eq!(
        refused(&format!("{s}&junk")),
        LinkError::Malformed("junk".into())
    );
    for bad in ["-1", "", "1.5", "99999999999999999999999", "1e3"] {
        assert!(
            matches!(refused(&format!("{s}&t={bad}")), LinkError::BadPosition(_)),
            "{bad}"
        );
    }
}

#[test]
fn damaged_data_is_refused_with_the_reason() {
    assert!(matches!(refused("#s=@@@"), LinkError::BadBase64(_)));
    assert!(matches!(refused("#s=A"), LinkError::BadBase64(_)));
    // Valid base64, not deflate.
    assert!(matches!(
        refused(&format!("#s={}", B64.encode([0xff_u8; 16]))),
        LinkError::BadDeflate(_)
    ));
    // A deflate stream cut short.
    let full = miniz_oxide::deflate::compress_to_vec(DEFAULT_SCENARIO_JSON.as_bytes(), 9);
    let cut = &full[..full.len() / 2];
    assert!(matches!(
        refused(&format!("#s={}", B64.encode(cut))),
        LinkError::BadDeflate(_)
    ));
    // Deflate of something that is not a scenario.
    assert_eq!(
        refused(&format!("#s={}", data_of(&[0xc3, 0x28]))),
        LinkError::NotText
    );
    assert!(matches!(
        refused(&format!("#s={}", data_of(b"{\"format\": 1,"))),
        LinkError::NotJson(_)
    ));
    assert_eq!(
        refused(&format!("#s={}", data_of(b"[1, 2, 3]"))),
        LinkError::NotAnObject
    );
}

#[test]
fn a_decompression_bomb_is_stopped_at_the_limit() {
    // 64 MiB of spaces inside an object deflates to a few dozen KiB; it must not be inflated.
    let mut text = Vec::with_capacity(4 * MAX_INFLATED_BYTES + 16);
    text.extend_from_slice(b"{\"format\":1");
    text.resize(4 * MAX_INFLATED_BYTES, b' ');
    text.push(b'}');
    let data = data_of(&text);
    assert!(data.len() < MAX_LINK_CHARS, "{}", data.len());
    assert_eq!(
        refused(&format!("#s={data}")),
        LinkError::TooLarge {
            limit: MAX_INFLATED_BYTES
        }
    );
}

#[test]
fn an_overlong_link_is_refused_before_any_decoding() {
    let link = format!("#s={}", "A".repeat(MAX_LINK_CHARS));
    assert_eq!(
        refused(&link),
        LinkError::TooLong {
            chars: MAX_LINK_CHARS + 3,
            limit: MAX_LINK_CHARS
        }
    );
}

#[test]
fn every_refusal_has_a_readable_message() {
    let errors = [
        LinkError::TooLong {
            chars: 20000,
            limit: MAX_LINK_CHARS,
        },
        LinkError::NoScenario,
        LinkError::UnknownKey("x".into()),
        LinkError::RepeatedKey("s".into()),
        LinkError::Malformed("junk".into()),
        LinkError::BadPosition("-1".into()),
        LinkError::BadBase64("Invalid symbol 64, offset 0.".into()),
        LinkError::BadDeflate("Truncated input stream".into()),
        LinkError::TooLarge {
            limit: MAX_INFLATED_BYTES,
        },
        LinkError::NotText,
        LinkError::NotJson("EOF while parsing".into()),
        LinkError::NotAnObject,
    ];
    for e in errors {
        let text = e.to_string();
        assert!(text.starts_with("the link"), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = decode_link(&text);
        let _ = decode_link(&format!("#s={text}"));
    }

    #[test]
    fn decoding_arbitrary_base64url_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_link(&format!("#s={}", B64.encode(&bytes)));
    }

    #[test]
    fn any_object_round_trips(seed in any::<u64>(), t in proptest::option::of(any::<u64>()), name in "[a-z]{1,12}") {
        let doc = json!({ "format": 1, "seed": seed, "topics": [{ "name": name }] });
        let back = decode_link(&encode_fragment(&doc, t)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, DecodedLink { doc, position_ms: t });
    }
}

#[test]
fn a_key_given_twice_in_a_link_is_refused_rather_than_silently_dropped() {
    let text = br#"{"format": 1, "network": {"latency.ms": 2, "latency.ms": 50}}"#;
    assert_eq!(
        refused(&format!("#s={}", data_of(text))),
        LinkError::RepeatedJsonKey("network.latency.ms".to_string())
    );
    assert!(refused(&format!("#s={}", data_of(text)))
        .to_string()
        .contains("network.latency.ms"));
}

#[test]
fn a_link_of_stored_deflate_blocks_reads_back_as_the_same_scenario() {
    // The page's fallback where the browser has no CompressionStream.
    let doc = default_doc();
    let data = encode_deflated(&deflate_stored(doc.to_string().as_bytes()));
    let link = decoded(&format!("#s={data}&t=5"));
    assert_eq!(link.doc, doc);
    assert_eq!(link.position_ms, Some(5));
    // Past 65,535 bytes a second block follows, and only it is marked final.
    let long = deflate_stored(&[b'x'; 70_000]);
    assert_eq!((long.len(), long[0], long[5 + 65_535]), (70_010, 0, 1));
    assert_eq!(deflate_stored(b""), [1, 0, 0, 0xff, 0xff]);
}
