//! A lesson being played, as part of the page's state: which part the learner is in (the
//! walkthrough or a try), whether the narration waits for Continue, and the verdicts of the
//! expectations on the run on screen (a step's at its time, a try's or a goal's at the end).
//! Also the lesson index the Lessons panel lists, where a lesson is fetched from, and which
//! lessons are done (kept in localStorage).

use crate::run_cache::Runner;
use crate::shared::Shared;
use kafka_sim::lesson::{Expectation, Lesson, Verdict};
use serde_json::Value;
use std::rc::Rc;

/// Where the page keeps the ids of finished lessons and passed challenges.
pub const DONE_KEY: &str = "kafka-playground.lessons.done";

/// The part of the lesson on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The lesson's own scenario (and whatever the learner changed in it).
    Walk,
    /// `try[i]` applied to the lesson's scenario.
    Try(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LessonPlay {
    pub lesson: Shared<Lesson>,
    pub mode: Mode,
    /// Stopped at a pausing step (or at the start) until the learner continues.
    pub waiting: bool,
    /// Per step: its expectations on the run on screen, stopped at the step's time, once the
    /// playback has reached it.
    pub step_verdicts: Rc<Vec<Option<Vec<Verdict>>>>,
    /// The try's or the goal's expectations at the end of the run on screen, once reached.
    pub end_verdicts: Option<Rc<Vec<Verdict>>>,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// A challenge's Check is running the scenario to its end (pauses are skipped).
    pub checking: bool,
    /// Why the last try could not be applied, if it could not.
    pub problem: Option<String>,
}

impl LessonPlay {
    pub fn new(lesson: Shared<Lesson>) -> LessonPlay {
        let steps = lesson.steps.len();
        LessonPlay {
            lesson,
            mode: Mode::Walk,
            waiting: true,
            step_verdicts: Rc::new(vec![None; steps]),
            end_verdicts: None,
            hints_shown: 0,
            checking: false,
            problem: None,
        }
    }

    /// A new run is on screen: nothing is known of it yet.
    pub fn forget_verdicts(&mut self) {
        self.step_verdicts = Rc::new(vec![None; self.lesson.steps.len()]);
        self.end_verdicts = None;
    }

    /// The step the narration is at: the last one whose time has come.
    pub fn current_step(&self, position_us: u64) -> Option<usize> {
        self.lesson
            .steps
            .iter()
            .rposition(|s| s.at_ms.saturating_mul(1000) <= position_us)
    }

    /// Whether playback stops at pausing steps now (the walkthrough, not a Check).
    pub fn stops(&self) -> bool {
        self.mode == Mode::Walk && !self.checking
    }

    /// The time of the first step after `position_us` (playback stops there to evaluate it).
    pub fn next_step_us(&self, position_us: u64) -> Option<u64> {
        self.lesson
            .steps
            .iter()
            .map(|s| s.at_ms.saturating_mul(1000))
            .find(|&t| t > position_us)
    }

    /// Whether a step at `t_us` waits for the learner.
    pub fn pauses_at(&self, t_us: u64) -> bool {
        self.lesson
            .steps
            .iter()
            .any(|s| s.pause && s.at_ms.saturating_mul(1000) == t_us)
    }

    /// What must hold at the end of the run on screen: the try's, or the challenge's goal.
    pub fn end_expectations(&self) -> &[Expectation] {
        match (self.mode, &self.lesson.challenge) {
            (Mode::Try(i), _) => self
                .lesson
                .tries
                .get(i)
                .map(|t| t.expect.as_slice())
                .unwrap_or(&[]),
            (Mode::Walk, Some(c)) => &c.goal,
            (Mode::Walk, None) => &[],
        }
    }

    /// Evaluates what the run has reached and not yet evaluated: each step at its time, then
    /// the end. Leaves the runner anywhere (the caller seeks it back to the position).
    pub fn evaluate(&mut self, runner: &mut Runner, position_us: u64) {
        let lesson = Rc::clone(&self.lesson.0);
        for (i, step) in lesson.steps.iter().enumerate() {
            let at = step.at_ms.saturating_mul(1000);
            let known = self.step_verdicts.get(i).is_some_and(Option::is_some);
            if step.expect.is_empty() || known || at > position_us {
                continue;
            }
            runner.seek(at);
            let report = runner.report();
            if let Some(slot) = Rc::make_mut(&mut self.step_verdicts).get_mut(i) {
                *slot = Some(step.expect.iter().map(|e| e.evaluate(&report)).collect());
            }
        }
        let end = runner.end_us();
        if self.end_verdicts.is_none() && position_us >= end && !self.end_expectations().is_empty()
        {
            runner.seek(end);
            let report = runner.report();
            let verdicts = self
                .end_expectations()
                .iter()
                .map(|e| e.evaluate(&report))
                .collect();
            self.end_verdicts = Some(Rc::new(verdicts));
        }
    }

    /// A challenge whose goal holds at the end of the run on screen.
    pub fn passed(&self) -> bool {
        self.lesson.challenge.is_some()
            && self.mode == Mode::Walk
            && self
                .end_verdicts
                .as_ref()
                .is_some_and(|v| !v.is_empty() && v.iter().all(|v| v.holds))
    }

    /// A lesson walked to its last step.
    pub fn finished(&self, position_us: u64) -> bool {
        self.lesson.challenge.is_none()
            && self.mode == Mode::Walk
            && self
                .lesson
                .steps
                .last()
                .is_some_and(|s| s.at_ms.saturating_mul(1000) <= position_us)
    }
}

/// One entry of the lesson index (`lessons/index.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub section: String,
    pub challenge: bool,
}

/// The Lessons panel's list: loading, loaded, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Catalog {
    Loading,
    Loaded(Rc<Vec<Entry>>),
    Failed(String),
}

/// Reads an index (`{"lessons": [{id, title, summary, course.section, kind}, ...]}`); entries
/// without a valid id or a title are left out.
pub fn read_index(text: &str) -> Result<Vec<Entry>, String> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| format!("the index is not JSON ({e})"))?;
    let list = doc
        .get("lessons")
        .and_then(Value::as_array)
        .ok_or("the index has no \"lessons\" list")?;
    let text_of = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(list
        .iter()
        .filter(|v| is_lesson_id(&text_of(v, "id")) && !text_of(v, "title").is_empty())
        .map(|v| Entry {
            id: text_of(v, "id"),
            title: text_of(v, "title"),
            summary: text_of(v, "summary"),
            section: text_of(v, "course.section"),
            challenge: text_of(v, "kind") == "challenge",
        })
        .collect())
}

/// A shipped lesson's id: 1 to 64 lowercase letters, digits and `-`.
pub fn is_lesson_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Where `?lesson=` points: a shipped lesson by id (beside the page) or a lesson hosted
/// elsewhere (http or https); anything else is refused with the reason.
pub fn lesson_url(param: &str) -> Result<String, String> {
    let param = param.trim();
    if is_lesson_id(param) {
        return Ok(format!("lessons/{param}.json"));
    }
    let lower = param.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(param.to_string());
    }
    Err(format!(
        "\"{}\" is neither a lesson id (lowercase letters, digits and -) nor an http(s) address",
        param.chars().take(80).collect::<String>()
    ))
}

/// The done list as stored (a JSON list of ids); anything else reads as empty.
pub fn read_done(stored: Option<&str>) -> Vec<String> {
    stored
        .and_then(|s| serde_json::from_str::<Vec<String>>(s).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|id| is_lesson_id(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_addresses_are_ids_or_http_urls_only() {
        assert_eq!(lesson_url("acks").as_deref(), Ok("lessons/acks.json"));
        assert_eq!(
            lesson_url("https://x.org/l.json").as_deref(),
            Ok("https://x.org/l.json")
        );
        assert!(lesson_url("../secret").is_err());
        assert!(lesson_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn an_index_lists_its_valid_entries_in_order() {
        let text = r#"{"lessons": [{"id": "b", "title": "B", "kind": "challenge"},
            {"id": "Bad Id", "title": "x"}, {"id": "a", "title": "A", "summary": "s"}]}"#;
        let entries = read_index(text).unwrap_or_default();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["b", "a"]);
        assert!(entries[0].challenge);
        assert!(read_index("[").is_err());
        assert!(read_index("{}").is_err());
    }

    #[test]
    fn the_done_list_survives_only_when_readable() {
        assert_eq!(
            read_done(Some(r#"["acks", "BAD"]"#)),
            vec!["acks".to_string()]
        );
        assert!(read_done(Some("{")).is_empty());
        assert!(read_done(None).is_empty());
    }
}
