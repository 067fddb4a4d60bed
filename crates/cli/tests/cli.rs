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
    assert_eq!(v["trace.hash"], "4a1e09e4d9f6eaf2");
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
fn run_reports_records_at_risk_and_unavailable_apart_from_lost_in_the_table_and_json() {
    let table = kafka_sim()
        .args(["run", &scenario("all_replicas_down")])
        .output()
        .expect("run");
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    let rows: Vec<&str> = text.lines().skip(3).take(3).collect();
    assert_eq!(
        rows,
        [
            "               lost                 0",
            "               at.risk              0",
            "               unavailable        500",
        ]
    );
    let out = kafka_sim()
        .args(["run", &scenario("acks_1_ends_mid_replication"), "--json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let r = &v["records"];
    assert_eq!(
        (&r["lost"], &r["at.risk"], &r["unavailable"]),
        (&0.into(), &1.into(), &0.into())
    );
    assert_eq!(v["producers"]["p1"]["at.risk"], 1);
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

/// A scenario where Kafka quietly changes a value: `acks=1` with idempotence left at its
/// 3.9 default disables idempotence.
const ACKS_1: &[u8] = br#"{"format":1,"seed":3,"duration.ms":2000,"producers":[{"name":"p1","topic":"orders","acks":"1","records":10}]}"#;
const IDEMPOTENCE_NOTE: &str = "producers[0].enable.idempotence: off: left at its default, idempotence is silently disabled because acks conflicts with it";

fn run_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = kafka_sim()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn run_prints_the_scenario_notes_under_the_table() {
    let out = run_stdin(&["run", "-"], ACKS_1);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("notes")).collect();
    assert_eq!(notes.len(), 1, "{text}");
    assert!(
        notes[0].starts_with(&format!("notes          {IDEMPOTENCE_NOTE}")),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("see Kafka's error instead"),
        "{text}"
    );
}

#[test]
fn run_json_carries_the_notes_with_their_key_paths_and_an_empty_list_without() {
    let out = run_stdin(&["run", "-", "--json"], ACKS_1);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["path"], "producers[0].enable.idempotence");
    let line = format!(
        "{}: {}",
        notes[0]["path"].as_str().unwrap_or(""),
        notes[0]["message"].as_str().unwrap_or("")
    );
    assert!(line.starts_with(IDEMPOTENCE_NOTE), "{line}");
    // The report's own keys are unchanged and come first.
    assert_eq!(v["records"]["sent"], 10);
    let out = kafka_sim()
        .args(["run", &scenario("acks_all_idempotent_crash"), "--json"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["notes"], serde_json::json!([]));
    let text = kafka_sim()
        .args(["run", &scenario("acks_all_idempotent_crash")])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&text.stdout).contains("notes"));
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
    let lesson = br#"{"lesson": 1, "id": "false", "title": "False",
        "scenario": {"format": 1, "duration.ms": 2000,
                     "producers": [{"name": "p1", "topic": "orders", "records": 10}]},
        "steps": [{"at.ms": 2000, "say": "Wrong.", "expect": ["records.sent == 11"]}]}"#;
    let out = run_stdin(&["lesson", "check", "-"], lesson);
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

#[test]
fn compare_prints_both_runs_figures_and_marks_what_differs() {
    let dir = std::env::temp_dir().join(format!("kafka-sim-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let set = dir.join("set.json");
    std::fs::write(&set, r#"{"producers[0].send.mode": "sync"}"#).expect("write");
    let out = kafka_sim()
        .args([
            "compare",
            &scenario("acks_all_idempotent_crash"),
            &set.to_string_lossy(),
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let sent = text
        .lines()
        .find(|l| l.starts_with("records.sent"))
        .expect("row");
    assert!(sent.contains("5000") && sent.ends_with('*'), "{text}");
    let lost = text
        .lines()
        .find(|l| l.starts_with("records.lost"))
        .expect("row");
    assert!(!lost.ends_with('*'), "{text}");
    std::fs::write(&set, r#"{"producers[0].acks": "2"}"#).expect("write");
    let out = kafka_sim()
        .args([
            "compare",
            &scenario("acks_all_idempotent_crash"),
            &set.to_string_lossy(),
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("producers[0].acks"));
}

#[test]
fn export_prints_the_properties_and_the_java_of_each_client() {
    let out = kafka_sim()
        .args(["export", &scenario("acks_all_idempotent_crash")])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.starts_with("# producer.properties for p1 (Kafka 3.9)"),
        "{text}"
    );
    assert!(text.contains("\nenable.idempotence=true\n"), "{text}");
    assert!(text.contains("# defaults of Kafka 3.9:\n"), "{text}");
    assert!(
        text.contains("producer.send(record, (meta, e) -> {"),
        "{text}"
    );
}

#[test]
fn partition_prints_librdkafkas_choice_and_refuses_an_unknown_partitioner() {
    let out = kafka_sim()
        .args([
            "partition",
            "--partitions",
            "4",
            "--client",
            "librdkafka",
            "key-0",
            "order-42",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let parts: Vec<&str> = text
        .lines()
        .map(|l| l.rsplit('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(parts, ["0", "2"], "{text}");
    let out = kafka_sim()
        .args([
            "partition",
            "--partitions",
            "4",
            "--client",
            "librdkafka",
            "--partitioner",
            "murmur2_random",
            "key-0",
        ])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("\t1\n"));
    let out = kafka_sim()
        .args([
            "partition",
            "--partitions",
            "4",
            "--client",
            "librdkafka",
            "--partitioner",
            "crc",
            "k",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--partitioner: unknown partitioner \"crc\"")
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // As `kafka-sim partition ... | head -c 100`: more lines than a pipe holds (about 190 KB),
    // and a reader that closes its end after the first 100 bytes.
    let keys: Vec<String> = (0..10_000).map(|i| format!("key-{i}")).collect();
    let mut child = kafka_sim()
        .args(["partition", "--partitions", "1000"])
        .args(&keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let mut first = [0u8; 100];
    std::io::Read::read_exact(child.stdout.as_mut().expect("stdout"), &mut first).expect("read");
    assert!(first.starts_with(b"key-0\t"));
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn run_trace_names_each_line_s_node_as_the_scenario_does() {
    let out = kafka_sim()
        .args(["run", &scenario("groups_kill_consumer"), "--trace"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let trace = String::from_utf8_lossy(&out.stderr);
    let commit = trace
        .lines()
        .find(|l| l.contains("commits (auto-commit)"))
        .expect("a commit line");
    let columns: Vec<&str> = commit.split_whitespace().collect();
    // time, "ms", the node, then the text, which starts with the consumer's own name.
    assert_eq!(columns.get(2), columns.get(3), "{commit}");
    assert!(
        !trace.contains("consumer 0 "),
        "no index in place of a name"
    );
}
