//! `kafka-sim assign`: the vectors' JSON shape in, each member's partitions out.

use std::io::Write;
use std::process::{Command, Stdio};

fn assign(strategy: &str, input: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
        .args(["assign", "--strategy", strategy])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("stdin takes the input");
    let out = child.wait_with_output().expect("the binary finishes");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

#[test]
fn range_gives_two_members_two_partitions_each() {
    let (ok, out) = assign(
        "range",
        r#"{"topics":{"t":4},"members":[{"id":"a","subscriptions":["t"]},{"id":"b","subscriptions":["t"]}]}"#,
    );
    assert!(ok);
    assert_eq!(out, r#"{"a":[["t",0],["t",1]],"b":[["t",2],["t",3]]}"#);
}

#[test]
fn an_unknown_strategy_is_refused() {
    let (ok, out) = assign("bogus", r#"{"topics":{},"members":[]}"#);
    assert!(!ok);
    assert!(out.is_empty());
}
