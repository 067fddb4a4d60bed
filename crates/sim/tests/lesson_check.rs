//! The checker: expectations on the run stopped at each step, tries at the end of the changed
//! run, a challenge's solution meeting its goal and its unchanged scenario missing it; a false
//! expectation fails the check and shows the figure.

use kafka_sim::lesson::check::{check_lesson, Want};
use kafka_sim::lesson::{resolve_lesson, Figure, Lesson};
use serde_json::{json, Value};

/// 50 records a second for 2 s, no faults: every figure is exact.
fn doc(steps: Value) -> Value {
    json!({
        "lesson": 1, "id": "count", "title": "Counting",
        "scenario": {
            "format": 1, "seed": 3, "duration.ms": 4000,
            "network": {"latency.ms": 1.0, "jitter.ms": 0.0},
            "topics": [{"name": "orders", "partitions": 1, "replication.factor": 3}],
            "producers": [{"name": "p1", "topic": "orders", "records": 100, "records.per.sec": 50}]
        },
        "steps": steps
    })
}

fn lesson(doc: &Value) -> Lesson {
    resolve_lesson(doc).unwrap_or_else(|e| panic!("invalid lesson:\n{e}"))
}

#[test]
fn steps_are_checked_on_the_run_stopped_at_their_time() {
    let l = lesson(&doc(json!([
        {"at.ms": 1000, "say": "one second: sends at 0, 20, ..., 1000 ms", "expect": ["records.sent == 51"]},
        {"at.ms": 4000, "say": "the end", "expect": ["records.sent == 100", "records.acknowledged == 100"]}
    ])));
    let report = check_lesson(&l);
    assert!(report.passed(), "{report}");
    assert_eq!(report.parts.len(), 2);
    assert_eq!(report.expectations(), 3);
    assert_eq!(
        report.parts[0].outcomes[0].verdict.actual,
        Figure::Number(51.0)
    );
}

#[test]
fn a_false_expectation_fails_the_check_and_shows_the_actual_figure() {
    let l = lesson(&doc(json!([
        {"at.ms": 4000, "say": "wrong", "expect": ["records.sent == 100", "records.lost >= 1"]}
    ])));
    let report = check_lesson(&l);
    assert!(!report.passed());
    assert_eq!(
        report.to_string(),
        "lesson count\n\
         \x20 FAIL steps[0] at 4000 ms\n\
         \x20        holds  records.sent == 100   (records.sent = 100)\n\
         \x20        misses records.lost >= 1   (records.lost = 0)\n\
         \x20 FAILED: 1 of 1 part(s)"
    );
}

#[test]
fn a_try_is_checked_at_the_end_of_the_run_its_set_changes() {
    let mut d = doc(json!([{"at.ms": 0, "say": "start"}]));
    d["try"] = json!([
        {"say": "fewer", "set": {"producers[0].records": 40}, "expect": ["records.sent == 40"]},
        {"say": "wrong", "set": {"producers[0].records": 40}, "expect": ["records.sent == 100"]}
    ]);
    let report = check_lesson(&lesson(&d));
    let passed: Vec<bool> = report.parts.iter().map(|p| p.passed()).collect();
    assert_eq!(passed, [true, false]);
    assert_eq!(
        report.parts[1].title,
        "try[1]: producers[0].records = 40, at the end (4000 ms)"
    );
}

fn challenge(goal: Value, solution: Value) -> Value {
    let mut d = doc(json!([{"at.ms": 0, "say": "start"}]));
    d["goal"] = goal;
    d["allowed"] = json!(["producers[0].records"]);
    d["solution"] = solution;
    d
}

#[test]
fn a_challenge_passes_when_its_solution_meets_the_goal_and_the_scenario_misses_it() {
    let d = challenge(
        json!(["records.sent <= 60"]),
        json!({"producers[0].records": 60}),
    );
    let report = check_lesson(&lesson(&d));
    assert!(report.passed(), "{report}");
    let wants: Vec<Want> = report.parts.iter().map(|p| p.want).collect();
    assert_eq!(wants, [Want::All, Want::NotAll]);
}

#[test]
fn a_challenge_already_met_or_not_solved_fails_the_check() {
    let already = challenge(
        json!(["records.sent >= 60"]),
        json!({"producers[0].records": 60}),
    );
    let report = check_lesson(&lesson(&already));
    assert!(!report.passed());
    assert_eq!(
        report.parts.iter().map(|p| p.passed()).collect::<Vec<_>>(),
        [true, false]
    );
    let unsolved = challenge(
        json!(["records.sent <= 60"]),
        json!({"producers[0].records": 70}),
    );
    let report = check_lesson(&lesson(&unsolved));
    assert_eq!(
        report.parts.iter().map(|p| p.passed()).collect::<Vec<_>>(),
        [false, true]
    );
}

#[test]
fn the_readmes_example_lesson_is_valid_and_passes_its_check() {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("<!-- lesson example -->\n```json\n")
        .expect("the README's example lesson");
    let body = &readme[start..];
    let body = &body[body.find("{").expect("JSON")..];
    let text = &body[..body.find("\n```").expect("end of the example")];
    let l = kafka_sim::lesson::parse_lesson(text).unwrap_or_else(|e| panic!("{e}"));
    let report = check_lesson(&l);
    assert!(report.passed(), "{report}");
}
