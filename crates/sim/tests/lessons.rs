//! The shipped lessons (`web/lessons/`) stay true: every expectation of every lesson holds on
//! the simulation as it is now, every challenge's solution meets its goal and its unchanged
//! scenario does not, and the index lists exactly the lesson files, as they describe
//! themselves. A change to the simulation that makes a lesson's words untrue fails here.

use kafka_sim::lesson::check::check_lesson;
use kafka_sim::lesson::{index_of, parse_lesson, Lesson};
use serde_json::Value;
use std::path::PathBuf;

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/lessons")
}

/// Every lesson file (all but the index), by file name.
fn lesson_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(lessons_dir())
        .expect("web/lessons exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "index.json"))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            let text = std::fs::read_to_string(&p).expect("readable lesson");
            (name.unwrap_or_default(), text)
        })
        .collect();
    files.sort();
    files
}

fn load(name: &str, text: &str) -> Lesson {
    match parse_lesson(text) {
        Ok(lesson) => lesson,
        Err(errors) => panic!("{name} is not a valid lesson:\n{errors}"),
    }
}

#[test]
fn every_shipped_lesson_holds_when_checked_against_the_simulation() {
    let files = lesson_files();
    assert!(files.len() >= 20, "only {} lesson files", files.len());
    let mut failed = Vec::new();
    for (name, text) in &files {
        let report = check_lesson(&load(name, text));
        if !report.passed() {
            failed.push(format!("{name}: {report}"));
        }
    }
    assert!(
        failed.is_empty(),
        "lessons whose words are no longer true:\n{}",
        failed.join("\n")
    );
}

#[test]
fn each_lesson_file_is_named_by_its_id() {
    for (name, text) in lesson_files() {
        let lesson = load(&name, &text);
        assert_eq!(name, format!("{}.json", lesson.id));
    }
}

#[test]
fn the_index_lists_every_lesson_file_once_as_the_file_describes_itself() {
    let text = std::fs::read_to_string(lessons_dir().join("index.json")).expect("index.json");
    let index: Value = serde_json::from_str(&text).expect("index is JSON");
    let ids: Vec<&str> = index["lessons"]
        .as_array()
        .expect("a list of lessons")
        .iter()
        .map(|e| e["id"].as_str().expect("an id"))
        .collect();
    let files: Vec<(String, String)> = lesson_files();
    let mut listed: Vec<String> = ids.iter().map(|id| format!("{id}.json")).collect();
    listed.sort();
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(listed, names, "index.json and the lesson files differ");
    let in_order: Vec<Lesson> = ids
        .iter()
        .map(|id| {
            let (name, text) = files
                .iter()
                .find(|(n, _)| *n == format!("{id}.json"))
                .expect("listed file");
            load(name, text)
        })
        .collect();
    assert_eq!(
        index,
        index_of(&in_order),
        "index.json is out of date: regenerate it with `kafka-sim lesson index`"
    );
}

#[test]
fn at_least_five_challenges_are_shipped_and_each_course_lesson_has_a_section() {
    let lessons: Vec<Lesson> = lesson_files().iter().map(|(n, t)| load(n, t)).collect();
    let challenges = lessons.iter().filter(|l| l.challenge.is_some()).count();
    assert!(challenges >= 5, "{challenges} challenges");
    for l in &lessons {
        assert!(
            l.course_section.is_some(),
            "{} names no course section",
            l.id
        );
        assert!(l.summary.is_some(), "{} has no summary", l.id);
    }
}
