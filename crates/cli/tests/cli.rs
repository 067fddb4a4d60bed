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
    assert_eq!(v["trace.hash"], "c1bf41e7b45ad844");
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
