//! `kafka-sim lesson check|link`: checking lessons against the simulation (what the test
//! command runs over every shipped lesson) and writing self-contained lesson links.

use crate::read_input;
use kafka_sim::lesson::check::check_lesson;
use kafka_sim::lesson::link::{decode_lesson_link, encode_lesson_link, is_lesson_link};
use kafka_sim::lesson::{index_of, parse_lesson, resolve_lesson, Lesson, LessonErrors};
use std::process::ExitCode;

/// A lesson from a file (`-`: standard input) or a `#l=` link.
fn load(source: &str) -> Result<Lesson, String> {
    if is_lesson_link(source) && !std::path::Path::new(source).exists() {
        let doc = decode_lesson_link(source).map_err(|e| format!("the link is refused: {e}"))?;
        resolve_lesson(&doc).map_err(|errors| problems(source, &errors))
    } else {
        load_text(source, &read_input(source)?)
    }
}

fn problems(source: &str, errors: &LessonErrors) -> String {
    let mut out = format!("{source}: the lesson has {} problem(s):", errors.len());
    for e in errors.iter() {
        out.push_str(&format!("\n  {e}"));
    }
    out
}

/// The lessons an index file (`{"lessons": [{"id": ...}, ...]}`) lists, as the files
/// `<id>.json` beside it; None when `source` is not an index.
fn listed_in_index(source: &str) -> Option<Vec<String>> {
    if source == "-" || is_lesson_link(source) {
        return None;
    }
    let text = std::fs::read_to_string(source).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    if doc.get("lesson").is_some() {
        return None;
    }
    let dir = std::path::Path::new(source).parent()?;
    let ids = doc.get("lessons")?.as_array()?;
    Some(
        ids.iter()
            .map(|e| {
                let id = e.get("id").and_then(|v| v.as_str()).unwrap_or("?");
                dir.join(format!("{id}.json"))
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
    )
}

/// Checks every lesson given (an index file stands for the lessons it lists); exits 1 when
/// one is invalid or any of its checks fails.
pub fn check(given: &[String]) -> ExitCode {
    let sources: Vec<String> = given
        .iter()
        .flat_map(|s| listed_in_index(s).unwrap_or_else(|| vec![s.clone()]))
        .collect();
    let mut failed = 0;
    for source in &sources {
        match load(source) {
            Ok(lesson) => {
                let report = check_lesson(&lesson);
                println!("{source}: {report}");
                if !report.passed() {
                    failed += 1;
                }
            }
            Err(e) => {
                println!("{e}");
                failed += 1;
            }
        }
    }
    println!(
        "{} lesson(s): {} passed, {failed} failed",
        sources.len(),
        sources.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Prints the index of the lessons given (all must be valid), in the order given.
pub fn index(sources: &[String]) -> ExitCode {
    let mut lessons = Vec::new();
    for source in sources {
        match load(source) {
            Ok(lesson) => lessons.push(lesson),
            Err(e) => {
                eprintln!("kafka-sim: {e}");
                return ExitCode::from(1);
            }
        }
    }
    match serde_json::to_string_pretty(&index_of(&lessons)) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kafka-sim: cannot write the index: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints the self-contained `#l=` link of a valid lesson file.
pub fn link(source: &str, base: &str) -> ExitCode {
    let text = match read_input(source) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = load_text(source, &text) {
        eprintln!("kafka-sim: {e}");
        return ExitCode::from(1);
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(doc) => {
            println!("{}", encode_lesson_link(&doc, base));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kafka-sim: {source}: {e}");
            ExitCode::from(1)
        }
    }
}

fn load_text(source: &str, text: &str) -> Result<Lesson, String> {
    parse_lesson(text).map_err(|errors| problems(source, &errors))
}
