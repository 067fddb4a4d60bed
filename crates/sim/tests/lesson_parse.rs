//! The lesson reader: a valid lesson reads into its parts, and every kind of mistake is listed
//! at once with its key path, as the scenario reader does. Damaged input never panics.

#[path = "common/proptest_setup.rs"]
mod proptest_setup;

use kafka_sim::lesson::limits::{MAX_LESSON_BYTES, MAX_STEPS};
use kafka_sim::lesson::link::{decode_lesson_link, encode_lesson_link, is_lesson_link};
use kafka_sim::lesson::{parse_lesson, resolve_lesson, Expected, Op, Target};
use kafka_sim::scenario::permalink::{decode_link, LinkError};
use proptest::prelude::*;
use serde_json::{json, Value};

fn scenario() -> Value {
    json!({
        "format": 1, "seed": 7, "kafka.version": "3.9", "duration.ms": 10000,
        "topics": [{"name": "orders", "partitions": 2, "replication.factor": 3}],
        "producers": [{"name": "p1", "topic": "orders", "records": 100, "records.per.sec": 50}],
        "groups": [{"group.id": "g1", "topics": ["orders"], "consumers": 1}],
        "actions": [{"at.ms": 2000, "do": "crash-broker", "broker": 0}]
    })
}

fn lesson() -> Value {
    json!({
        "lesson": 1, "id": "small", "title": "Small", "course.section": "Acks",
        "summary": "A small lesson.",
        "scenario": scenario(),
        "steps": [
            {"at.ms": 0, "say": "Start.", "show": ["producer:p1", "broker:0", "controller"]},
            {"at.ms": 2000, "say": "Crash.", "pause": true,
             "show": ["partition:orders-1", "group:g1", "consumer:g1-c1", "coordinator:g1"]},
            {"at.ms": 10000, "say": "End.",
             "expect": ["records.lost == 0", "groups.g1.leader == \"g1-c1\"",
                        "latency.ms.p99 < 1000", "producers.p1.reordered == 0"]}
        ],
        "try": [{"say": "Try acks 1.", "set": {"producers[0].acks": "1",
                 "producers[0].enable.idempotence": false}, "expect": ["records.sent == 100"]}],
        "versions": {"say": "Compare.", "compare": ["2.0", "3.9"]}
    })
}

/// Every problem as `path: message`, one per line.
fn problems(doc: &Value) -> Vec<String> {
    match resolve_lesson(doc) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn a_valid_lesson_reads_into_its_steps_tries_and_versions() {
    let l = resolve_lesson(&lesson()).expect("valid");
    assert_eq!((l.id.as_str(), l.kind()), ("small", "lesson"));
    assert_eq!(l.steps.len(), 3);
    assert_eq!(l.steps[1].at_ms, 2000);
    assert!(l.steps[1].pause);
    assert_eq!(
        l.steps[1].show,
        [
            Target::Partition {
                topic: "orders".into(),
                partition: 1
            },
            Target::Group("g1".into()),
            Target::Consumer("g1-c1".into()),
            Target::Coordinator("g1".into()),
        ]
    );
    let e = &l.steps[2].expect[0];
    assert_eq!(
        (e.figure.as_str(), e.op, &e.value),
        ("records.lost", Op::Eq, &Expected::Number(0.0))
    );
    assert_eq!(l.tries[0].set.entries.len(), 2);
    let (doc, changed) = l.tries[0].set.apply(&l.scenario_doc).expect("valid change");
    assert_eq!(doc["producers"][0]["acks"], "1");
    assert_eq!(changed.producers[0].acks, kafka_sim::scenario::Acks::One);
    assert_eq!(
        l.versions.as_ref().map(|v| v.compare.clone()),
        Some(vec!["2.0".to_string(), "3.9".to_string()])
    );
    assert!(l.challenge.is_none());
}

#[test]
fn every_mistake_is_listed_at_once_with_its_key_path() {
    let mut doc = lesson();
    doc["titel"] = json!("typo");
    doc["steps"][0]["sey"] = json!("typo");
    doc["steps"][2]["at.ms"] = json!(1000);
    if let Some(steps) = doc["steps"].as_array_mut() {
        steps.push(json!({"at.ms": 11000, "say": "Too late."}));
    }
    doc["steps"][2]["expect"] = json!([
        "records.lsot == 0",
        "records.lost = 0",
        "records",
        "groups.g1.leader < \"x\""
    ]);
    doc["steps"][0]["show"] = json!([
        "broker:3",
        "consumer:g1-c2",
        "brokr:0",
        "partition:orders-2"
    ]);
    doc["try"][0]["set"] =
        json!({"producers[0].ackss": "1", "producers[1].acks": "1", "network.latency.ms": -1});
    doc["versions"]["compare"] = json!(["2.0", "9.9", "2.0"]);
    assert_eq!(
        problems(&doc),
        [
            "titel: unknown key (did you mean \"title\"?)",
            "steps[0].sey: unknown key (did you mean \"say\"?)",
            "steps[0].show[0]: no broker 3 (brokers are numbered 0 to 2)",
            "steps[0].show[1]: no consumer \"g1-c2\" by 0 ms (consumers are named <group.id>-c<N>, e.g. \"g1-c1\")",
            "steps[0].show[2]: unknown kind \"brokr\" (did you mean \"broker\"?)",
            "steps[0].show[3]: topic \"orders\" has partitions 0 to 1 at 0 ms",
            "steps[2].at.ms: steps go in order of time: 1000 ms is before steps[1].at.ms (2000 ms)",
            "steps[2].expect[0]: unknown figure \"records.lsot\" (did you mean \"records.lost\"?)",
            "steps[2].expect[1]: unknown operator \"=\" (did you mean \"==\"?)",
            "steps[2].expect[2]: expected FIGURE OP NUMBER (e.g. \"records.lost == 0\") with spaces between",
            "steps[2].expect[3]: a text compares only with == or !=, not <",
            "steps[3].at.ms: 11000 ms is past the scenario's duration.ms (10000)",
            "try[0].set.producers[0].ackss: unknown key \"ackss\" in producers[0] (did you mean \"producers[0].acks\"?)",
            "try[0].set.producers[1].acks: the scenario has no producers[1] (producers has 1 item(s))",
            "try[0].set.network.latency.ms: expected a number from 0 to 10000, got -1",
            "versions.compare[1]: unknown Kafka version \"9.9\"; known: 0.10.0, 0.10.1, 0.10.2, 0.11.0, 1.0, 1.1, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8, 3.9, 4.0",
            "versions.compare[2]: 2.0 is named twice",
        ]
    );
}

#[test]
fn a_bad_value_in_a_set_gets_the_scenario_readers_message_at_that_set_key() {
    let mut doc = lesson();
    doc["try"][0]["set"] = json!({"producers[0].acks": "2"});
    assert_eq!(
        problems(&doc),
        ["try[0].set.producers[0].acks: expected \"0\", \"1\" or \"all\", got \"2\""]
    );
    // Kafka's rule between keys, reported at the key the set changes.
    doc["scenario"]["producers"][0]["enable.idempotence"] = json!(true);
    doc["try"][0]["set"] = json!({"producers[0].acks": "1"});
    assert_eq!(
        problems(&doc),
        [
            "try[0].set.producers[0].acks: conflicts with enable.idempotence=true; Kafka refuses \
          it: \"Must set acks to all in order to use the idempotent producer. Otherwise we \
          cannot guarantee idempotence.\""
        ]
    );
    // A change that breaks a rule at another key: named with the scenario's path.
    let mut doc = lesson();
    doc["try"][0]["set"] = json!({"cluster.brokers": 1});
    let found = problems(&doc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "try[0].set: the changed scenario is refused: topics[0].replication.factor: \
             replication factor 3 is larger than the 1 brokers"
        ),
        "{found:?}"
    );
}

#[test]
fn the_scenarios_own_problems_are_listed_under_scenario() {
    let mut doc = lesson();
    doc["scenario"]["producers"][0]["ackss"] = json!("1");
    doc["scenario"]["duration.ms"] = json!(0);
    assert_eq!(
        problems(&doc),
        [
            "scenario.duration.ms: expected an integer from 1 to 3600000, got 0",
            "scenario.producers[0].ackss: unknown key (did you mean \"acks\"?)",
        ]
    );
}

#[test]
fn required_keys_the_format_and_text_rules_are_enforced() {
    assert_eq!(
        problems(&json!({"lesson": 2, "titel": "x"})),
        ["lesson: unsupported lesson format 2: this reader knows format 1 only (was the lesson written for a newer Kafka Playground?)"]
    );
    assert_eq!(
        problems(&json!({})),
        [
            "lesson: required key is missing (write \"lesson\": 1)",
            "id: required key is missing",
            "title: required key is missing",
            "scenario: required key is missing",
            "steps: required key is missing (a lesson without a \"goal\" walks through steps)",
        ]
    );
    let mut doc = lesson();
    doc["steps"] = json!([]);
    assert_eq!(
        problems(&doc),
        ["steps: name at least one step (or give the lesson a \"goal\")"]
    );
    let mut doc = lesson();
    doc["id"] = json!("Small Lesson");
    doc["title"] = json!("<b>bold</b>");
    doc["summary"] = json!("x".repeat(401));
    doc["steps"][0]["say"] = json!("  ");
    doc["steps"][1]["pause"] = json!("yes");
    assert_eq!(
        problems(&doc),
        [
            "id: expected 1 to 64 lowercase letters, digits and \"-\"",
            "title: plain text only: no HTML tags (the page shows the text as written; `code` in backticks may show as code)",
            "summary: at most 400 characters (got 401)",
            "steps[0].say: must not be empty",
            "steps[1].pause: expected true or false, got \"yes\"",
        ]
    );
}

#[test]
fn limits_on_size_and_counts_are_errors_that_name_the_limit() {
    let mut doc = lesson();
    let step = json!({"at.ms": 10000, "say": "again"});
    doc["steps"] = Value::Array(vec![step; MAX_STEPS + 1]);
    assert_eq!(problems(&doc), ["steps: at most 40 items (got 41)"]);
    let huge = format!(
        "{{\"lesson\": 1, \"pad\": \"{}\"}}",
        "x".repeat(MAX_LESSON_BYTES)
    );
    let errors = parse_lesson(&huge).expect_err("refused");
    assert_eq!(
        errors.to_string(),
        format!(
            "a lesson is at most 262144 bytes of JSON (got {})",
            huge.len()
        )
    );
}

fn challenge() -> Value {
    let mut doc = lesson();
    let map = doc.as_object_mut().expect("object");
    map.remove("steps");
    map.remove("try");
    map.insert("goal".into(), json!(["records.lost == 0"]));
    map.insert("allowed".into(), json!(["producers[0].acks", "cluster"]));
    map.insert("hints".into(), json!(["Look at acks."]));
    map.insert(
        "solution".into(),
        json!({"producers[0].acks": "all", "cluster.brokers": 5}),
    );
    doc
}

#[test]
fn a_challenge_has_a_goal_allowed_paths_hints_and_a_solution_within_them() {
    let l = resolve_lesson(&challenge()).expect("valid");
    assert_eq!(l.kind(), "challenge");
    let c = l.challenge.expect("a challenge");
    assert!(c.allows("producers[0].acks") && c.allows("cluster.brokers"));
    assert!(!c.allows("producers[0].acksx") && !c.allows("producers[0].linger.ms"));
    assert_eq!(c.hints, ["Look at acks."]);

    let mut doc = challenge();
    doc["solution"] = json!({"producers[0].linger.ms": 5});
    doc["allowed"] = json!(["producers[0].lingr.ms"]);
    doc["goal"] = json!([]);
    assert_eq!(
        problems(&doc),
        [
            "goal: name at least one expectation",
            "allowed[0]: unknown key \"lingr.ms\" in producers[0] (did you mean \"producers[0].linger.ms\"?)",
            "solution.producers[0].linger.ms: the solution may only change allowed paths (add it to \"allowed\")",
        ]
    );
    let mut doc = challenge();
    doc.as_object_mut().expect("object").remove("solution");
    assert_eq!(
        problems(&doc),
        ["solution: required key is missing (a challenge has a goal, the paths the learner may change, and a solution)"]
    );
}

#[test]
fn figures_are_the_reports_paths_including_names_a_run_adds() {
    let mut doc = lesson();
    doc["scenario"]["actions"] = json!([{"at.ms": 5000, "do": "add-consumer", "group.id": "g1"}]);
    doc["steps"][2]["expect"] = json!([
        "groups.g1.assignment.g1-c2 == 1",
        "groups.g1.lag.orders-1 >= 0",
        "groups.g1.committed.orders-0 >= 0",
        "effective.producers.p1.retries > 0",
        "throughput.records.per.sec > 0",
        "groups.g1.state == \"Stable\""
    ]);
    assert_eq!(problems(&doc), Vec::<String>::new());
    doc["steps"][2]["expect"] = json!([
        "groups.g1.assignment.g1-c3 == 1",
        "groups.g2.generation == 1"
    ]);
    let found = problems(&doc);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("steps[2].expect[0]: unknown figure \"groups.g1.assignment.g1-c3\" (did you mean \"groups.g1.assignment.g1-c"), "{found:?}");
    assert!(found[1].starts_with("steps[2].expect[1]: unknown figure \"groups.g2.generation\" (did you mean \"groups.g1.generation\"?)"), "{found:?}");
}

#[test]
fn keys_given_twice_and_broken_json_are_refused_with_their_place() {
    let text = lesson().to_string().replacen(
        "\"title\":\"Small\"",
        "\"title\":\"Small\",\"title\":\"Again\"",
        1,
    );
    let errors = parse_lesson(&text).expect_err("refused");
    assert_eq!(
        errors.to_string(),
        "title: key given twice in one object (a JSON reader would silently keep the last)"
    );
    let errors = parse_lesson("{\"lesson\": 1,").expect_err("refused");
    assert!(
        errors
            .to_string()
            .starts_with("invalid JSON at line 1, column 13"),
        "{errors}"
    );
}

#[test]
fn a_lesson_link_carries_the_lesson_and_damaged_links_are_refused() {
    let doc = lesson();
    let link = encode_lesson_link(&doc, "https://example.org/playground/#old");
    assert!(
        link.starts_with("https://example.org/playground/#l="),
        "{link}"
    );
    assert!(is_lesson_link(&link));
    assert_eq!(decode_lesson_link(&link), Ok(doc));
    assert_eq!(decode_link(&link), Err(LinkError::LessonLink));
    assert_eq!(
        decode_lesson_link("https://example.org/"),
        Err(LinkError::NoLesson)
    );
    assert!(matches!(
        decode_lesson_link("#l=!!!"),
        Err(LinkError::BadBase64(_))
    ));
    assert!(matches!(
        decode_lesson_link("#l=abc&t=5"),
        Err(LinkError::UnknownKey(_))
    ));
    let long = format!("#l={}", "A".repeat(70_000));
    assert!(matches!(
        decode_lesson_link(&long),
        Err(LinkError::TooLong { .. })
    ));
}

/// A valid lesson's text with one byte range replaced: the kinds of damage a hand edit or a
/// truncated download makes.
fn damaged() -> impl Strategy<Value = String> {
    let text = serde_json::to_string_pretty(&lesson()).expect("json");
    let len = text.len();
    (
        0..len,
        0..40usize,
        proptest::collection::vec(any::<u8>(), 0..12),
    )
        .prop_map(move |(at, cut, bytes)| {
            let mut b = text.as_bytes().to_vec();
            let end = (at + cut).min(b.len());
            b.splice(at..end, bytes);
            String::from_utf8_lossy(&b).into_owned()
        })
}

/// Random JSON shaped like a lesson: right keys, values of any kind.
fn lesson_like() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z0-9.:\\[\\]<>= \"-]{0,24}".prop_map(Value::from),
        Just(json!("records.lost >= 1")),
        Just(json!("producers[0].acks")),
        Just(json!("consumer:g1-c1")),
        Just(scenario()),
    ];
    let value = leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("at.ms".to_string()),
                    Just("say".to_string()),
                    Just("expect".to_string()),
                    Just("set".to_string()),
                    Just("show".to_string()),
                    Just("producers[0].acks".to_string()),
                    Just("compare".to_string()),
                    "[a-z.\\[\\]0-9]{1,12}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    proptest::collection::btree_map(
        prop_oneof![
            Just("lesson".to_string()),
            Just("id".to_string()),
            Just("title".to_string()),
            Just("scenario".to_string()),
            Just("steps".to_string()),
            Just("try".to_string()),
            Just("versions".to_string()),
            Just("goal".to_string()),
            Just("allowed".to_string()),
            Just("hints".to_string()),
            Just("solution".to_string()),
        ],
        value,
        0..10,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(proptest_setup::config(256))]

    #[test]
    fn damaged_lesson_text_never_panics_the_reader(text in damaged()) {
        let _ = parse_lesson(&text);
    }

    #[test]
    fn random_lesson_shaped_json_never_panics_the_reader(doc in lesson_like()) {
        let _ = resolve_lesson(&doc);
        let _ = parse_lesson(&doc.to_string());
    }

    #[test]
    fn random_text_never_panics_the_link_reader(text in "[#l=A-Za-z0-9_&-]{0,200}") {
        let _ = decode_lesson_link(&text);
    }
}
