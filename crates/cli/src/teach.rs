//! `kafka-sim export` and `kafka-sim compare`: the teacher tools' command-line side, printing
//! what the page shows.

use crate::read_input;
use serde_json::Value;
use std::process::ExitCode;

fn read_json(path: &str) -> Result<Value, String> {
    let text = read_input(path)?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: invalid JSON: {e}"))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("kafka-sim: {message}");
    ExitCode::from(1)
}

/// Every producer's `producer.properties` and every group's `consumer.properties`, each with
/// its Java snippet.
pub fn export(path: &str) -> ExitCode {
    let doc = match read_json(path) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match kafka_sim::scenario::export::export(&doc) {
        Ok((scenario, clients)) => {
            for c in clients {
                print!("{}", c.properties_text(scenario.kafka_version));
                println!();
                let language = kafka_sim::scenario::export::snippet_language(c.client);
                let comment = if language == "Java" { "//" } else { "#" };
                println!(
                    "{comment} {language}: {} {}",
                    c.file.trim_end_matches(".properties"),
                    c.name
                );
                print!("{}", c.java);
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(errors) => fail(format!(
            "{path}: the scenario has {} problem(s):\n{errors}",
            errors.len()
        )),
    }
}

/// Both reports' headline figures in two columns: A is the scenario, B the scenario with the
/// set object's paths changed.
pub fn compare(scenario: &str, set: &str) -> ExitCode {
    let (doc, set_doc) = match (read_json(scenario), read_json(set)) {
        (Ok(d), Ok(s)) => (d, s),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let set = match kafka_sim::lesson::parse_set(&doc, &set_doc) {
        Ok(s) => s,
        Err(errors) => return fail(format!("{set}: the change is refused:\n{errors}")),
    };
    match kafka_sim::compare::run_both(&doc, &set) {
        Ok((a, b)) => {
            print!(
                "{}",
                kafka_sim::compare::render(&kafka_sim::compare::rows(&a, &b))
            );
            ExitCode::SUCCESS
        }
        Err(errors) => fail(errors),
    }
}
