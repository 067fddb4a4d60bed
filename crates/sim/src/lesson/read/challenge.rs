//! A challenge's keys: `goal`, `allowed`, `hints` and `solution` (which may only change
//! allowed paths).

use super::{check_text, list, read_expect, read_set, strings, Base};
use crate::lesson::limits::{MAX_HINTS, MAX_SAY_CHARS, MAX_SET};
use crate::lesson::set::{ScenarioPath, Set};
use crate::lesson::Challenge;
use crate::scenario::diagnostics::Problems;
use crate::scenario::fields::{join, Fields};

pub(super) fn read_challenge(
    top: &Fields<'_>,
    base: Option<&Base<'_>>,
    problems: &mut Problems,
) -> Option<Challenge> {
    let keys = ["goal", "allowed", "hints", "solution"];
    if keys.iter().all(|k| top.get(k).is_none()) {
        return None;
    }
    for k in ["goal", "allowed", "solution"] {
        if top.get(k).is_none() {
            problems.error(
                k,
                "required key is missing (a challenge has a goal, the paths the learner may \
                 change, and a solution)",
            );
        }
    }
    let goal = read_expect(top, "goal", base, problems);
    if top
        .get("goal")
        .is_some_and(|g| g.as_array().is_some_and(Vec::is_empty))
    {
        problems.error("goal", "name at least one expectation");
    }
    let mut allowed = Vec::new();
    if let Some(items) = list(top, "allowed", MAX_SET, problems) {
        for (path, s) in strings(items, "allowed", problems) {
            let Some(b) = base else { continue };
            match ScenarioPath::read(b.doc, &b.resolved, s) {
                Ok(p) => allowed.push(p),
                Err(message) => problems.error(&path, message),
            }
        }
    }
    let mut hints = Vec::new();
    if let Some(items) = list(top, "hints", MAX_HINTS, problems) {
        for (path, s) in strings(items, "hints", problems) {
            if let Some(h) = check_text(&path, s, MAX_SAY_CHARS, problems) {
                hints.push(h);
            }
        }
    }
    let solution = match top.get("solution") {
        Some(v) => read_set(v, "solution", base, problems),
        None => Set::default(),
    };
    for (p, _) in &solution.entries {
        let text = p.text();
        if !allowed.iter().any(|a| a.covers(&text)) {
            problems.error(
                &join("solution", &text),
                "the solution may only change allowed paths (add it to \"allowed\")",
            );
        }
    }
    Some(Challenge {
        goal,
        allowed,
        hints,
        solution,
    })
}
