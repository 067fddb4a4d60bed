//! `kafka-sim link encode|decode`: the page's permalinks on the command line, so course authors
//! can keep scenarios as JSON files and generate links from them.

use crate::read_input;
use kafka_sim::scenario::permalink::{decode_link, encode_link};
use kafka_sim::scenario::{parse_scenario, resolve_scenario, ScenarioErrors};
use std::process::ExitCode;

fn report_problems(source: &str, errors: &ScenarioErrors) -> ExitCode {
    eprintln!(
        "kafka-sim: {source}: the scenario has {} problem(s):",
        errors.len()
    );
    for e in errors.iter() {
        eprintln!("  {e}");
    }
    ExitCode::from(1)
}

/// Prints the link of a scenario file. The scenario must be valid: a link that opens on an
/// error helps nobody.
pub fn encode(path: &str, base: &str, at_ms: Option<u64>) -> ExitCode {
    let text = match read_input(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(errors) = parse_scenario(&text) {
        return report_problems(path, &errors);
    }
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("kafka-sim: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{}", encode_link(&doc, at_ms, base));
    ExitCode::SUCCESS
}

/// Prints the scenario a link carries (as JSON, ready for `kafka-sim run`), and its position on
/// standard error.
pub fn decode(url: &str) -> ExitCode {
    if kafka_sim::lesson::link::is_lesson_link(url) {
        return decode_lesson(url);
    }
    let decoded = match decode_link(url) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("kafka-sim: the link is refused: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(errors) = resolve_scenario(&decoded.doc) {
        return report_problems("the link's scenario", &errors);
    }
    match serde_json::to_string_pretty(&decoded.doc) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("kafka-sim: cannot write the scenario: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(ms) = decoded.position_ms {
        eprintln!("position: {ms} ms");
    }
    ExitCode::SUCCESS
}

/// Prints the lesson a `#l=` link carries (as JSON, ready for `kafka-sim lesson check`).
fn decode_lesson(url: &str) -> ExitCode {
    let doc = match kafka_sim::lesson::link::decode_lesson_link(url) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("kafka-sim: the link is refused: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(errors) = kafka_sim::lesson::resolve_lesson(&doc) {
        eprintln!(
            "kafka-sim: the link's lesson has {} problem(s):",
            errors.len()
        );
        for e in errors.iter() {
            eprintln!("  {e}");
        }
        return ExitCode::from(1);
    }
    match serde_json::to_string_pretty(&doc) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kafka-sim: cannot write the lesson: {e}");
            ExitCode::from(2)
        }
    }
}
