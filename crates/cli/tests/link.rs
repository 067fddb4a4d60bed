//! `kafka-sim link encode|decode` as a course author uses it.

use std::process::Command;

fn kafka_sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
}

fn default_scenario() -> String {
    format!(
        "{}/../sim/scenarios/default.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_scenario_file_round_trips_through_encode_and_decode() {
    let out = kafka_sim()
        .args(["link", "encode", &default_scenario()])
        .args(["--base", "https://courses.example/kafka/", "--at", "6000"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        link.starts_with("https://courses.example/kafka/#s="),
        "{link}"
    );
    assert!(link.ends_with("&t=6000"), "{link}");
    assert!(link.len() < 2000, "{} characters", link.len());

    let out = kafka_sim()
        .args(["link", "decode", &link])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(default_scenario()).expect("read"))
            .expect("json");
    assert_eq!(decoded, original);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "position: 6000 ms"
    );
}

#[test]
fn without_a_base_encode_prints_only_the_fragment() {
    let out = kafka_sim()
        .args(["link", "encode", &default_scenario()])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("#s="));
}

#[test]
fn a_damaged_link_is_refused_with_the_reason() {
    let out = kafka_sim()
        .args(["link", "decode", "https://x.example/#s=@@@"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the link is refused"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_invalid_scenario_gets_no_link() {
    let dir = std::env::temp_dir().join(format!("kafka-sim-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"format": 1, "producers": [{"acks": "2"}]}"#).expect("write");
    let out = kafka_sim()
        .args(["link", "encode", file.to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("producers[0].acks"), "{err}");
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
