//! Reading a lesson document: the top level, steps, tries, versions and a challenge's keys,
//! every problem collected with its key path (the scenario's under `scenario.`), as the
//! scenario reader does.

use super::expect::{Expectation, Expected};
use super::figures::check_figure;
use super::limits::*;
use super::set::{ScenarioPath, Set};
use super::show::Target;
use super::{Lesson, LessonErrors, Step, Try, Versions};
use crate::observe::outline::report_outline;
use crate::scenario::diagnostics::Problems;
use crate::scenario::fields::{index, join, kind_and_value, read_int, Fields, Got};
use crate::scenario::{duplicate_keys, parse_version, resolve_scenario, Scenario, ScenarioErrors};
use serde_json::Value;

mod challenge;
use challenge::read_challenge;

/// The only lesson format version this reader knows.
pub const FORMAT: u64 = 1;

const TOP_KEYS: [&str; 13] = [
    "lesson",
    "id",
    "title",
    "course.section",
    "summary",
    "scenario",
    "steps",
    "try",
    "versions",
    "goal",
    "allowed",
    "hints",
    "solution",
];
const STEP_KEYS: [&str; 5] = ["at.ms", "say", "show", "pause", "expect"];
const TRY_KEYS: [&str; 3] = ["say", "set", "expect"];
const VERSIONS_KEYS: [&str; 2] = ["say", "compare"];

/// Parses and validates a lesson from JSON text.
pub fn parse_lesson(text: &str) -> Result<Lesson, LessonErrors> {
    let mut problems = Problems::default();
    if text.len() > MAX_LESSON_BYTES {
        problems.error(
            "",
            format!(
                "a lesson is at most {MAX_LESSON_BYTES} bytes of JSON (got {})",
                text.len()
            ),
        );
        return Err(problems.into_errors());
    }
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |m| m.0);
            problems.error(
                "",
                format!(
                    "invalid JSON at line {}, column {}: {message}",
                    e.line(),
                    e.column()
                ),
            );
            return Err(problems.into_errors());
        }
    };
    for path in duplicate_keys(text) {
        problems.error(
            &path,
            "key given twice in one object (a JSON reader would silently keep the last)",
        );
    }
    match resolve_lesson(&doc) {
        Ok(lesson) if problems.errors.is_empty() => Ok(lesson),
        Ok(_) => Err(problems.into_errors()),
        Err(more) => {
            let mut errors = problems.into_errors();
            errors.errors.extend(more.errors);
            Err(errors)
        }
    }
}

/// What the steps, tries and challenge are checked against: the resolved scenario, its
/// document, the same written back as JSON (every key the reader knows) and the report's shape.
struct Base<'a> {
    doc: &'a Value,
    scenario: Scenario,
    resolved: Value,
    outline: Value,
}

/// Validates a lesson held as a JSON value.
pub fn resolve_lesson(doc: &Value) -> Result<Lesson, LessonErrors> {
    let mut problems = Problems::default();
    let Some(top) = Fields::of(doc, "", &mut problems) else {
        return Err(problems.into_errors());
    };
    match top.get("lesson") {
        None => problems.error(
            "lesson",
            format!("required key is missing (write \"lesson\": {FORMAT})"),
        ),
        Some(value) => {
            if let Got::Value(n) = read_int(value, "lesson", 0..=u64::MAX, &mut problems) {
                if n != FORMAT {
                    let mut alone = Problems::default();
                    alone.error(
                        "lesson",
                        format!(
                            "unsupported lesson format {n}: this reader knows format {FORMAT} \
                             only (was the lesson written for a newer Kafka Playground?)"
                        ),
                    );
                    return Err(alone.into_errors());
                }
            }
        }
    }
    top.check_keys(&TOP_KEYS, &mut problems);
    let id = read_id(&top, &mut problems);
    let title = text(&top, "title", MAX_TITLE_CHARS, true, &mut problems);
    let summary = text(&top, "summary", MAX_SUMMARY_CHARS, false, &mut problems);
    let course_section = text(
        &top,
        "course.section",
        MAX_TITLE_CHARS,
        false,
        &mut problems,
    );
    let base = read_scenario(&top, &mut problems);
    let steps = read_steps(&top, base.as_ref(), &mut problems);
    let tries = read_tries(&top, base.as_ref(), &mut problems);
    let versions = read_versions(&top, base.as_ref(), &mut problems);
    let challenge = read_challenge(&top, base.as_ref(), &mut problems);
    if challenge.is_none() && top.get("goal").is_none() && top.get("steps").is_none() {
        problems.error(
            "steps",
            "required key is missing (a lesson without a \"goal\" walks through steps)",
        );
    }
    match base {
        Some(base) if problems.errors.is_empty() => Ok(Lesson {
            id: id.unwrap_or_default(),
            title: title.unwrap_or_default(),
            summary,
            course_section,
            scenario_doc: base.doc.clone(),
            scenario: base.scenario,
            steps,
            tries,
            versions,
            challenge,
        }),
        _ => Err(problems.into_errors()),
    }
}

fn read_id(top: &Fields<'_>, problems: &mut Problems) -> Option<String> {
    let id = match top.string("id", problems) {
        Got::Value(id) => id,
        Got::Missing => {
            top.require("id", problems);
            return None;
        }
        Got::Bad => return None,
    };
    let ok = !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        problems.error(
            "id",
            format!("expected 1 to {MAX_ID_CHARS} lowercase letters, digits and \"-\""),
        );
    }
    Some(id.to_string())
}

/// Plain text under `key`: not empty, at most `max` characters, no control characters but
/// line breaks, no HTML (the page shows text as written).
fn text(
    f: &Fields<'_>,
    key: &str,
    max: usize,
    required: bool,
    problems: &mut Problems,
) -> Option<String> {
    match f.string(key, problems) {
        Got::Value(s) => check_text(&f.path_of(key), s, max, problems),
        Got::Missing => {
            if required {
                f.require(key, problems);
            }
            None
        }
        Got::Bad => None,
    }
}

fn check_text(path: &str, s: &str, max: usize, problems: &mut Problems) -> Option<String> {
    let chars = s.chars().count();
    if s.trim().is_empty() {
        problems.error(path, "must not be empty");
    } else if chars > max {
        problems.error(path, format!("at most {max} characters (got {chars})"));
    } else if s.chars().any(|c| c.is_control() && c != '\n') {
        problems.error(
            path,
            "must not contain control characters (line breaks are fine)",
        );
    } else if s
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
    {
        problems.error(
            path,
            "plain text only: no HTML tags (the page shows the text as written; `code` in \
             backticks may show as code)",
        );
    } else {
        return Some(s.to_string());
    }
    None
}

/// The list under `key`: None when absent; a non-list or one longer than `max` is reported.
fn list<'a>(f: &Fields<'a>, key: &str, max: usize, problems: &mut Problems) -> Option<&'a [Value]> {
    let path = f.path_of(key);
    match f.get(key)? {
        Value::Array(items) if items.len() <= max => Some(items.as_slice()),
        Value::Array(items) => {
            problems.error(&path, format!("at most {max} items (got {})", items.len()));
            None
        }
        other => {
            problems.error(
                &path,
                format!("expected a list, got {}", kind_and_value(other)),
            );
            None
        }
    }
}

/// The strings of a list, each with its path (items that are not strings are reported).
fn strings<'a>(items: &'a [Value], path: &str, problems: &mut Problems) -> Vec<(String, &'a str)> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = index(path, i);
        match item {
            Value::String(s) => out.push((at, s.as_str())),
            other => problems.error(
                &at,
                format!("expected a string, got {}", kind_and_value(other)),
            ),
        }
    }
    out
}

fn read_scenario<'a>(top: &Fields<'a>, problems: &mut Problems) -> Option<Base<'a>> {
    let Some(doc) = top.get("scenario") else {
        top.require("scenario", problems);
        return None;
    };
    match resolve_scenario(doc) {
        Ok(scenario) => {
            let resolved = serde_json::to_value(&scenario).unwrap_or(Value::Null);
            let outline = report_outline(&scenario);
            Some(Base {
                doc,
                scenario,
                resolved,
                outline,
            })
        }
        Err(errors) => {
            for e in errors.iter() {
                problems.error(&join("scenario", &e.path), e.message.clone());
            }
            None
        }
    }
}

/// A `set` on its own (compare's run B, a `vs=` link): every path checked against `scenario`
/// (a scenario document), and the changed scenario read again; problems under `set.`.
pub fn parse_set(scenario: &Value, set: &Value) -> Result<Set, LessonErrors> {
    let mut problems = Problems::default();
    let base = match resolve_scenario(scenario) {
        Ok(resolved_scenario) => Base {
            doc: scenario,
            resolved: serde_json::to_value(&resolved_scenario).unwrap_or(Value::Null),
            outline: Value::Null,
            scenario: resolved_scenario,
        },
        Err(errors) => {
            for e in errors.iter() {
                problems.error(&join("scenario", &e.path), e.message.clone());
            }
            return Err(problems.into_errors());
        }
    };
    let read = read_set(set, "set", Some(&base), &mut problems);
    if problems.errors.is_empty() {
        Ok(read)
    } else {
        Err(problems.into_errors())
    }
}

/// The expectations under `key` (figures checked against the report's shape when known).
fn read_expect(
    f: &Fields<'_>,
    key: &str,
    base: Option<&Base<'_>>,
    problems: &mut Problems,
) -> Vec<Expectation> {
    let Some(items) = list(f, key, MAX_EXPECT, problems) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, s) in strings(items, &f.path_of(key), problems) {
        if s.chars().count() > MAX_EXPECT_CHARS {
            problems.error(&path, format!("at most {MAX_EXPECT_CHARS} characters"));
            continue;
        }
        match Expectation::parse(s) {
            Ok(e) => {
                let text = matches!(e.value, Expected::Text(_));
                let known = base.map_or(Ok(()), |b| check_figure(&b.outline, &e.figure, text));
                match known {
                    Ok(()) => out.push(e),
                    Err(message) => problems.error(&path, message),
                }
            }
            Err(message) => problems.error(&path, message),
        }
    }
    out
}

fn read_steps(top: &Fields<'_>, base: Option<&Base<'_>>, problems: &mut Problems) -> Vec<Step> {
    let Some(items) = list(top, "steps", MAX_STEPS, problems) else {
        return Vec::new();
    };
    if items.is_empty() && top.get("goal").is_none() {
        problems.error(
            "steps",
            "name at least one step (or give the lesson a \"goal\")",
        );
    }
    let mut steps = Vec::new();
    let mut previous: Option<(u64, String)> = None;
    for (i, item) in items.iter().enumerate() {
        let Some(f) = Fields::of(item, &index("steps", i), problems) else {
            continue;
        };
        f.check_keys(&STEP_KEYS, problems);
        let duration = base.map_or(crate::scenario::limits::MAX_DURATION_MS, |b| {
            b.scenario.duration_ms
        });
        let at_ms = match f.int("at.ms", 0..=u64::MAX, problems) {
            Got::Value(at) if at > duration => {
                problems.error(
                    &f.path_of("at.ms"),
                    format!("{at} ms is past the scenario's duration.ms ({duration})"),
                );
                None
            }
            Got::Value(at) => Some(at),
            Got::Missing => {
                f.require("at.ms", problems);
                None
            }
            Got::Bad => None,
        };
        if let (Some(at), Some((before, path))) = (at_ms, &previous) {
            if at < *before {
                problems.error(
                    &f.path_of("at.ms"),
                    format!("steps go in order of time: {at} ms is before {path} ({before} ms)"),
                );
            }
        }
        if let Some(at) = at_ms {
            previous = Some((at, f.path_of("at.ms")));
        }
        let say = text(&f, "say", MAX_SAY_CHARS, true, problems);
        let mut show = Vec::new();
        if let Some(targets) = list(&f, "show", MAX_SHOW, problems) {
            for (path, s) in strings(targets, &f.path_of("show"), problems) {
                let (Some(b), Some(at)) = (base, at_ms) else {
                    continue;
                };
                match Target::read(s, &b.scenario, at) {
                    Ok(t) => show.push(t),
                    Err(message) => problems.error(&path, message),
                }
            }
        }
        let pause = f.boolean("pause", problems).or(false);
        let expect = read_expect(&f, "expect", base, problems);
        steps.push(Step {
            at_ms: at_ms.unwrap_or(0),
            say: say.unwrap_or_default(),
            show,
            pause,
            expect,
        });
    }
    steps
}

/// A `set` object at `path`: paths checked against the scenario, then the changed scenario
/// read again (the reader's problems at a set path are reported there).
fn read_set(value: &Value, path: &str, base: Option<&Base<'_>>, problems: &mut Problems) -> Set {
    let Some(f) = Fields::of(value, path, problems) else {
        return Set::default();
    };
    if f.map.is_empty() {
        problems.error(path, "sets nothing (name at least one scenario path)");
    }
    if f.map.len() > MAX_SET {
        problems.error(
            path,
            format!("at most {MAX_SET} paths (got {})", f.map.len()),
        );
        return Set::default();
    }
    let Some(b) = base else {
        return Set::default();
    };
    let mut set = Set::default();
    for (key, v) in f.map {
        match ScenarioPath::read(b.doc, &b.resolved, key) {
            Ok(p) => set.entries.push((p, v.clone())),
            Err(message) => problems.error(&f.path_of(key), message),
        }
    }
    if let Err(errors) = set.apply(b.doc) {
        report_changed(path, &set, &errors, problems);
    }
    set
}

/// The reader's problems with a changed scenario: at the set's key when one names its path.
fn report_changed(path: &str, set: &Set, errors: &ScenarioErrors, problems: &mut Problems) {
    for e in errors.iter() {
        match set.entries.iter().find(|(p, _)| p.covers(&e.path)) {
            Some((p, _)) if p.text() == e.path => {
                problems.error(&join(path, &e.path), e.message.clone())
            }
            _ => problems.error(path, format!("the changed scenario is refused: {e}")),
        }
    }
}

fn read_tries(top: &Fields<'_>, base: Option<&Base<'_>>, problems: &mut Problems) -> Vec<Try> {
    let Some(items) = list(top, "try", MAX_TRIES, problems) else {
        return Vec::new();
    };
    let mut tries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(f) = Fields::of(item, &index("try", i), problems) else {
            continue;
        };
        f.check_keys(&TRY_KEYS, problems);
        let say = text(&f, "say", MAX_SAY_CHARS, true, problems);
        let set = match f.get("set") {
            Some(v) => read_set(v, &f.path_of("set"), base, problems),
            None => {
                f.require("set", problems);
                Set::default()
            }
        };
        let expect = read_expect(&f, "expect", base, problems);
        tries.push(Try {
            say: say.unwrap_or_default(),
            set,
            expect,
        });
    }
    tries
}

fn read_versions(
    top: &Fields<'_>,
    base: Option<&Base<'_>>,
    problems: &mut Problems,
) -> Option<Versions> {
    let f = Fields::of(top.get("versions")?, "versions", problems)?;
    f.check_keys(&VERSIONS_KEYS, problems);
    let say = text(&f, "say", MAX_SAY_CHARS, false, problems);
    let Some(items) = list(&f, "compare", MAX_COMPARE, problems) else {
        f.require("compare", problems);
        return None;
    };
    if items.len() < 2 {
        problems.error("versions.compare", "name at least two releases to compare");
    }
    let mut compare = Vec::new();
    let mut parsed = Vec::new();
    for (path, s) in strings(items, "versions.compare", problems) {
        let version = match parse_version(s) {
            Ok(v) => v,
            Err(message) => {
                problems.error(&path, message);
                continue;
            }
        };
        if parsed.contains(&version) {
            problems.error(&path, format!("{version} is named twice"));
            continue;
        }
        if let Some(b) = base {
            let mut doc = b.doc.clone();
            if let Some(map) = doc.as_object_mut() {
                map.insert("kafka.version".into(), Value::from(s));
            }
            if let Err(errors) = resolve_scenario(&doc) {
                let first = errors
                    .iter()
                    .next()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                problems.error(
                    &path,
                    format!("the scenario is refused with kafka.version {s}: {first}"),
                );
            }
        }
        compare.push(s.to_string());
        parsed.push(version);
    }
    Some(Versions {
        say,
        compare,
        parsed,
    })
}
