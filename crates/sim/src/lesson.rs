//! Lessons: a scenario plus the words that go with it, the moments the narration stops, the
//! changes a learner is invited to make, and what the report's figures must show at each point
//! (the format: README, "Write your own lesson"). A challenge is a lesson with a goal, the
//! scenario paths the learner may change, hints and a solution.
//!
//! What the page and the command line use:
//! - [`parse_lesson`] / [`resolve_lesson`]: read and validate a lesson, every problem listed at
//!   once with its key path (`steps[2].expect[0]`), as strictly as a scenario;
//! - [`Lesson`]: its steps, tries, challenge and versions, the scenario both as the document
//!   (to edit) and resolved (to run);
//! - [`Expectation::evaluate`] on [`report_json`] of a running simulation's report: does it
//!   hold now, and what is the figure;
//! - [`Set::apply`]: a try's or a solution's change, applied to a scenario document and read
//!   again by the scenario reader;
//! - [`check::check_lesson`]: run everything a lesson claims (what `kafka-sim lesson check`
//!   prints); [`link`]: the self-contained `#l=` link; [`index_of`]: the list of lessons the
//!   page offers (`web/lessons/index.json`).

pub mod check;
mod expect;
mod figures;
pub mod limits;
pub mod link;
mod read;
mod set;
mod show;

pub use expect::{Expectation, Expected, Op, Verdict};
pub use figures::{figure, report_json, Figure};
pub use read::{parse_lesson, parse_set, resolve_lesson, FORMAT};
pub use set::{ScenarioPath, Set};
pub use show::Target;

use crate::scenario::{KafkaVersion, Scenario, ScenarioErrors};
use serde_json::Value;

/// Every problem found in a lesson, each with its key path (the scenario's own problems under
/// `scenario.`). The same list type as a scenario's.
pub type LessonErrors = ScenarioErrors;

/// A validated lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Lowercase letters, digits and `-`.
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    /// The course section it teaches (`course.section`).
    pub course_section: Option<String>,
    /// The scenario as written (what a `set` edits and a permalink carries).
    pub scenario_doc: Value,
    /// The scenario resolved (what runs).
    pub scenario: Scenario,
    /// In order of `at_ms`, each within the scenario's `duration.ms`.
    pub steps: Vec<Step>,
    /// Each applied to the lesson's scenario on its own.
    pub tries: Vec<Try>,
    pub versions: Option<Versions>,
    pub challenge: Option<Challenge>,
}

impl Lesson {
    /// `challenge` when it has a goal, `lesson` otherwise (the index's `kind`).
    pub fn kind(&self) -> &'static str {
        if self.challenge.is_some() {
            "challenge"
        } else {
            "lesson"
        }
    }

    /// The lesson's entry in an index of lessons (`web/lessons/index.json`): `id`, `title`,
    /// `summary`, `course.section` and `kind`; the lesson itself is the file `<id>.json`
    /// beside the index.
    pub fn index_entry(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "course.section": self.course_section,
            "kind": self.kind(),
        })
    }
}

/// An index of lessons in the order given (the course's): `{"lessons": [entry, ...]}`.
pub fn index_of(lessons: &[Lesson]) -> Value {
    serde_json::json!({ "lessons": lessons.iter().map(Lesson::index_entry).collect::<Vec<_>>() })
}

/// A moment the narration stops at.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at_ms: u64,
    pub say: String,
    pub show: Vec<Target>,
    /// The page waits for the learner to continue.
    pub pause: bool,
    /// Hold for the run stopped at `at_ms`.
    pub expect: Vec<Expectation>,
}

/// A change the learner is invited to make, and what the changed run shows at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Try {
    pub say: String,
    pub set: Set,
    pub expect: Vec<Expectation>,
}

/// Kafka releases the learner can flip between.
#[derive(Debug, Clone, PartialEq)]
pub struct Versions {
    pub say: Option<String>,
    /// As written (`"2.0"`), each a known `kafka.version` the scenario is valid with.
    pub compare: Vec<String>,
    pub parsed: Vec<KafkaVersion>,
}

/// A goal instead of a walkthrough.
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    /// Hold at the end of the run.
    pub goal: Vec<Expectation>,
    /// The scenario paths the learner may change (each with everything under it); the rest
    /// is locked.
    pub allowed: Vec<ScenarioPath>,
    /// Revealed one by one.
    pub hints: Vec<String>,
    /// Sets only allowed paths, and passes the goal.
    pub solution: Set,
}

impl Challenge {
    /// Whether the learner may change the scenario at `path` (a canonical scenario path such
    /// as `producers[0].acks`).
    pub fn allows(&self, path: &str) -> bool {
        self.allowed.iter().any(|a| a.covers(path))
    }
}
