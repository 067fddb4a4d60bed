//! The checker: runs everything a lesson claims and says what holds. Each step's expectations
//! on the lesson's run stopped at its `at.ms`; each try's at the end of the run its `set`
//! changes; a challenge's goal at the end of the solution's run (it must hold) and at the end
//! of the unchanged run (it must not: a challenge already met teaches nothing).

use super::expect::{Expectation, Verdict};
use super::figures::report_json;
use super::set::Set;
use super::Lesson;
use crate::scenario::Scenario;
use crate::world::sim::Simulation;
use std::fmt;

/// One expectation and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub expectation: Expectation,
    pub verdict: Verdict,
}

/// What a part of the check requires of its expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Every expectation holds.
    All,
    /// At least one does not (a challenge's goal on the unchanged scenario).
    NotAll,
}

/// One part of the check: a step, a try, a challenge's solution or its unchanged scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// `steps[2] at 4000 ms`, `try[0]: producers[0].acks = "all"`, ...
    pub title: String,
    pub want: Want,
    pub outcomes: Vec<Outcome>,
    /// Why it could not run (a set the reader refuses), if so.
    pub problem: Option<String>,
}

impl Part {
    pub fn passed(&self) -> bool {
        if self.problem.is_some() {
            return false;
        }
        let all = self.outcomes.iter().all(|o| o.verdict.holds);
        match self.want {
            Want::All => all,
            Want::NotAll => !all,
        }
    }
}

/// Everything checked of one lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub id: String,
    pub parts: Vec<Part>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.parts.iter().all(Part::passed)
    }
    /// Expectations checked in all.
    pub fn expectations(&self) -> usize {
        self.parts.iter().map(|p| p.outcomes.len()).sum()
    }
}

/// Each expectation on `sim` as it stands now (the page: at a step's time, or live).
pub fn evaluate(expect: &[Expectation], sim: &Simulation) -> Vec<Outcome> {
    let report = report_json(&sim.report());
    expect
        .iter()
        .map(|e| Outcome {
            expectation: e.clone(),
            verdict: e.evaluate(&report),
        })
        .collect()
}

/// A set as one line: `producers[0].acks = "all", cluster.brokers = 5`.
fn describe(set: &Set) -> String {
    let parts: Vec<String> = set
        .entries
        .iter()
        .map(|(p, v)| format!("{p} = {v}"))
        .collect();
    parts.join(", ")
}

/// The run `set` makes of the lesson's scenario, run to its end.
fn changed_run(lesson: &Lesson, set: &Set) -> Result<Simulation, String> {
    let (_, scenario) = set.apply(&lesson.scenario_doc).map_err(|e| e.to_string())?;
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    Ok(sim)
}

/// `expect` on the run `set` makes, all of which must hold (or why it cannot run).
fn changed_part(lesson: &Lesson, title: String, set: &Set, expect: &[Expectation]) -> Part {
    let (outcomes, problem) = match changed_run(lesson, set) {
        Ok(run) => (evaluate(expect, &run), None),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    Part {
        title,
        want: Want::All,
        outcomes,
        problem,
    }
}

fn ended(scenario: &Scenario) -> String {
    format!("at the end ({} ms)", scenario.duration_ms)
}

/// Runs every check of `lesson`.
pub fn check_lesson(lesson: &Lesson) -> CheckReport {
    let mut parts = Vec::new();
    let mut sim = Simulation::new(lesson.scenario.clone());
    for (i, step) in lesson.steps.iter().enumerate() {
        if step.expect.is_empty() {
            continue;
        }
        sim.advance_to(step.at_ms.saturating_mul(1000));
        parts.push(Part {
            title: format!("steps[{i}] at {} ms", step.at_ms),
            want: Want::All,
            outcomes: evaluate(&step.expect, &sim),
            problem: None,
        });
    }
    for (i, t) in lesson.tries.iter().enumerate() {
        if t.expect.is_empty() {
            continue;
        }
        let title = format!(
            "try[{i}]: {}, {}",
            describe(&t.set),
            ended(&lesson.scenario)
        );
        parts.push(changed_part(lesson, title, &t.set, &t.expect));
    }
    if let Some(c) = &lesson.challenge {
        let title = format!(
            "solution: {}, {}: meets the goal",
            describe(&c.solution),
            ended(&lesson.scenario)
        );
        parts.push(changed_part(lesson, title, &c.solution, &c.goal));
        sim.run_to_end();
        parts.push(Part {
            title: format!(
                "the unchanged scenario, {}: misses the goal",
                ended(&lesson.scenario)
            ),
            want: Want::NotAll,
            outcomes: evaluate(&c.goal, &sim),
            problem: None,
        });
    }
    CheckReport {
        id: lesson.id.clone(),
        parts,
    }
}

impl fmt::Display for CheckReport {
    /// One line per part and per expectation: `ok`/`FAIL` for a part, `holds`/`misses` and
    /// the actual figure for an expectation; a last line with the verdict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "lesson {}", self.id)?;
        let mut failed = 0;
        for part in &self.parts {
            let verdict = if part.passed() { "ok  " } else { "FAIL" };
            if !part.passed() {
                failed += 1;
            }
            writeln!(f, "  {verdict} {}", part.title)?;
            if let Some(problem) = &part.problem {
                writeln!(f, "         cannot run: {problem}")?;
            }
            for o in &part.outcomes {
                let state = if o.verdict.holds { "holds " } else { "misses" };
                writeln!(
                    f,
                    "         {state} {}   ({} = {})",
                    o.expectation, o.expectation.figure, o.verdict.actual
                )?;
            }
        }
        if failed == 0 {
            write!(
                f,
                "  passed: {} part(s), {} expectation(s)",
                self.parts.len(),
                self.expectations()
            )
        } else {
            write!(f, "  FAILED: {failed} of {} part(s)", self.parts.len())
        }
    }
}
