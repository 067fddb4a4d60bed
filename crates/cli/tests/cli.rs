//! The command line as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn kafka_sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
}

fn scenario(name: &str) -> String {
    format!(
        "{}/../sim/tests/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn partition_prints_key_murmur2_and_partition_like_kafka() {
    let out = kafka_sim()
        .args([
            "partition",
            "--partitions",
            "10",
            "foobar",
            "a-little-bit-longer-string",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "foobar\t-790332482\t6\na-little-bit-longer-string\t-1486304829\t9\n"
    );
}

#[test]
fn run_prints_the_report_as_json_with_the_format_keys() {
    let out = kafka_sim()
        .args(["run", &scenario("acks_all_idempotent_crash"), "--json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["records"]["sent"], 5000);
    assert_eq!(v["records"]["lost"], 0);
    assert_eq!(v["trace.hash"], "99d5e66950b773bd");
    for key in [
        "consumed",
        "rebalances",
        "throughput.records.per.sec",
        "latency.ms",
        "groups",
        "effective",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn a_bad_scenario_from_stdin_exits_1_listing_every_problem() {
    let mut child = kafka_sim()
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"format":1,"topics":[{"name":"t","partitions":0}],"producers":[{"name":"p","topic":"t","acks":"2"}]}"#)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("topics[0].partitions"), "{err}");
    assert!(err.contains("producers[0].acks"), "{err}");
}

fn lesson_file(name: &str) -> String {
    format!(
        "{}/../../web/lessons/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn lesson_check_passes_a_shipped_lesson_and_prints_each_figure() {
    let out = kafka_sim()
        .args(["lesson", "check", &lesson_file("idempotence")])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("holds  records.duplicated >= 1   (records.duplicated = 3)"),
        "{text}"
    );
    assert!(
        text.ends_with("1 lesson(s): 1 passed, 0 failed\n"),
        "{text}"
    );
}

#[test]
fn lesson_check_exits_1_when_an_expectation_is_false() {
    let lesson = r#"{"lesson": 1, "id": "false", "title": "False",
        "scenario": {"format": 1, "duration.ms": 2000,
                     "producers": [{"name": "p1", "topic": "orders", "records": 10}]},
        "steps": [{"at.ms": 2000, "say": "Wrong.", "expect": ["records.sent == 11"]}]}"#;
    let mut child = kafka_sim()
        .args(["lesson", "check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lesson.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("output");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("misses records.sent == 11   (records.sent = 10)"),
        "{text}"
    );
    assert!(
        text.ends_with("1 lesson(s): 0 passed, 1 failed\n"),
        "{text}"
    );
}

#[test]
fn lesson_link_writes_a_link_that_link_decode_and_lesson_check_read_back() {
    let out = kafka_sim()
        .args([
            "lesson",
            "link",
            &lesson_file("acks"),
            "--base",
            "https://x.example/play/",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(link.starts_with("https://x.example/play/#l="), "{link}");
    let decoded = kafka_sim()
        .args(["link", "decode", &link])
        .output()
        .expect("run");
    assert!(decoded.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&decoded.stdout).expect("json");
    assert_eq!(doc["id"], "acks");
    let checked = kafka_sim()
        .args(["lesson", "check", &link])
        .output()
        .expect("run");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}

#[test]
fn lesson_check_of_the_index_checks_every_shipped_lesson() {
    let out = kafka_sim()
        .args(["lesson", "check", &lesson_file("index")])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("fire-and-forget.json: lesson fire-and-forget"),
        "{text}"
    );
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lesson_file("index")).expect("index"))
            .expect("json");
    let n = index["lessons"].as_array().map_or(0, Vec::len);
    assert!(n >= 20, "{n} lessons listed");
    assert!(
        text.ends_with(&format!("{n} lesson(s): {n} passed, 0 failed\n")),
        "{text}"
    );
}
