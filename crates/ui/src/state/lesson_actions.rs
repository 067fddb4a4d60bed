//! The lesson player's actions on the page's state: opening and leaving a lesson, continuing
//! at a pause, a try and back, a challenge's hints, Check and Reset, the Lessons panel and its
//! index, and the done list.

use super::{Playback, Playground, Shared};
use crate::lesson_play::{Catalog, LessonPlay, Mode};
use kafka_sim::lesson::Lesson;
use std::rc::Rc;

/// How the learner opened a lesson, and what came of it.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonStatus {
    Idle,
    /// Fetching the lesson from this address.
    Loading(String),
    /// The lesson at `source` could not be opened: every problem as (key path, message).
    Failed {
        source: String,
        errors: Rc<Vec<(String, String)>>,
    },
}

pub enum LessonAction {
    /// Opens or closes the Lessons panel.
    ToggleLessons,
    CatalogLoaded(Catalog),
    Loading(String),
    Open(Shared<Lesson>),
    Failed {
        source: String,
        errors: Vec<(String, String)>,
    },
    DismissProblems,
    /// Back to the free playground, the scenario on screen kept.
    Leave,
    /// Continue after a pausing step (a click, Enter or N); nothing when not waiting.
    Continue,
    /// Applies `try[i]` to the lesson's scenario and runs it to the end.
    Try(usize),
    /// The lesson's own scenario again, from the start.
    Back,
    Hint,
    /// Runs the challenge to its end and checks the goal there.
    Check,
    /// The challenge's scenario again, its pass forgotten.
    Reset,
}

impl Playground {
    /// Whether the scenario path may be changed (everything, outside a challenge).
    pub fn allows(&self, path: &str) -> bool {
        self.lesson
            .as_ref()
            .and_then(|p| p.lesson.challenge.as_ref())
            .is_none_or(|c| c.allows(path))
    }

    /// The lesson's own scenario at the start, paused, waiting for the learner.
    fn restart_lesson(&mut self, mode: Mode) {
        let Some(play) = &mut self.lesson else {
            return;
        };
        play.mode = mode;
        play.waiting = mode == Mode::Walk;
        play.checking = false;
        play.problem = None;
        let doc = play.lesson.scenario_doc.clone();
        self.position_us = 0;
        self.playback = Playback::Paused;
        self.set_doc(doc);
    }

    /// Marks what the run on screen completes: a challenge passed, a lesson walked through.
    pub(super) fn note_progress(&mut self) {
        let Some(play) = &self.lesson else {
            return;
        };
        let id = &play.lesson.id;
        if (play.passed() || play.finished(self.position_us)) && !self.done.contains(id) {
            Rc::make_mut(&mut self.done).push(id.clone());
        }
    }

    /// Applies a lesson action; false when nothing changed.
    pub fn reduce_lesson(&mut self, action: LessonAction) -> bool {
        match action {
            LessonAction::ToggleLessons => self.lessons_open = !self.lessons_open,
            LessonAction::CatalogLoaded(catalog) => self.catalog = catalog,
            LessonAction::Loading(source) => self.lesson_status = LessonStatus::Loading(source),
            LessonAction::Open(lesson) => {
                self.lesson = Some(LessonPlay::new(lesson));
                self.lesson_status = LessonStatus::Idle;
                self.lessons_open = false;
                self.link_error = None;
                self.selection = None;
                self.speed = self.speed.max(1.0);
                self.restart_lesson(Mode::Walk);
            }
            LessonAction::Failed { source, errors } => {
                self.lesson_status = LessonStatus::Failed {
                    source,
                    errors: Rc::new(errors),
                }
            }
            LessonAction::DismissProblems => self.lesson_status = LessonStatus::Idle,
            LessonAction::Leave => {
                self.lesson = None;
                self.refresh();
            }
            LessonAction::Continue => {
                if !self.lesson.as_ref().is_some_and(|p| p.waiting) {
                    return false;
                }
                if let Some(play) = &mut self.lesson {
                    play.waiting = false;
                }
                if self.position_us >= self.end_us() {
                    return true;
                }
                self.playback = Playback::Playing;
            }
            LessonAction::Try(i) => {
                let Some(play) = &mut self.lesson else {
                    return false;
                };
                let Some(t) = play.lesson.tries.get(i) else {
                    return false;
                };
                match t.set.apply_to(&play.lesson.scenario_doc) {
                    Ok(doc) => {
                        play.mode = Mode::Try(i);
                        play.waiting = false;
                        play.checking = false;
                        play.problem = None;
                        self.position_us = 0;
                        self.set_doc(doc);
                        self.playback = if self.is_valid() {
                            Playback::FastForwarding
                        } else {
                            Playback::Paused
                        };
                        self.refresh();
                    }
                    Err(problem) => play.problem = Some(problem),
                }
            }
            LessonAction::Back => self.restart_lesson(Mode::Walk),
            LessonAction::Hint => {
                let Some(play) = &mut self.lesson else {
                    return false;
                };
                let hints = play.lesson.challenge.as_ref().map_or(0, |c| c.hints.len());
                play.hints_shown = (play.hints_shown + 1).min(hints);
            }
            LessonAction::Check => {
                let Some(play) = &mut self.lesson else {
                    return false;
                };
                play.mode = Mode::Walk;
                play.checking = true;
                play.waiting = false;
                if self.is_valid() {
                    self.playback = Playback::FastForwarding;
                }
                self.refresh();
            }
            LessonAction::Reset => {
                if let Some(id) = self.lesson.as_ref().map(|p| p.lesson.id.clone()) {
                    Rc::make_mut(&mut self.done).retain(|d| *d != id);
                }
                self.restart_lesson(Mode::Walk);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, Playground};
    use super::*;
    use crate::app::default_doc;
    use kafka_sim::lesson::parse_lesson;
    use yew::Reducible;

    fn open(text: &str) -> Rc<Playground> {
        let lesson = parse_lesson(text).expect("a shipped lesson reads");
        Rc::new(Playground::new(default_doc(), None))
            .reduce(Action::Lesson(LessonAction::Open(Shared::new(lesson))))
    }

    fn run(mut state: Rc<Playground>, frames: usize) -> Rc<Playground> {
        for _ in 0..frames {
            state = state.reduce(Action::Tick(100.0));
        }
        state
    }

    #[test]
    fn the_walkthrough_stops_at_a_pausing_step_and_its_verdicts_match_the_checker() {
        let text = include_str!("../../../../web/lessons/acks.json");
        let state = open(text);
        assert!(state.lesson.as_ref().is_some_and(|p| p.waiting));
        let state = state
            .reduce(Action::Lesson(LessonAction::Continue))
            .reduce(Action::SetSpeed(100.0));
        let state = run(state, 20);
        // acks: steps at 0, 2900, 3000 (pause), 20000.
        assert_eq!(state.position_us, 3_000_000);
        assert_eq!(state.playback, Playback::Paused);
        let play = state.lesson.clone().expect("playing");
        assert!(play.waiting);
        assert_eq!(play.current_step(state.position_us), Some(2));
        let at_2900 = play.step_verdicts[1].clone().expect("evaluated at 2900 ms");
        assert!(at_2900.iter().all(|v| v.holds));
        let state = run(state.reduce(Action::Lesson(LessonAction::Continue)), 40);
        let play = state.lesson.clone().expect("playing");
        let at_end = play.step_verdicts[3].clone().expect("evaluated at the end");
        assert!(at_end.iter().all(|v| v.holds), "{at_end:?}");
        assert!(state.done.contains(&"acks".to_string()));
        // A try: applied as an edit, run to the end, its expectations checked there.
        let state = run(state.reduce(Action::Lesson(LessonAction::Try(0))), 30);
        assert_eq!(state.doc["producers"][0]["acks"], "all");
        let play = state.lesson.clone().expect("playing");
        let verdicts = play.end_verdicts.expect("evaluated at the end");
        assert!(verdicts.iter().all(|v| v.holds));
        let state = state.reduce(Action::Lesson(LessonAction::Back));
        assert_eq!(state.doc["producers"][0]["acks"], "1");
    }

    #[test]
    fn a_challenge_locks_what_it_does_not_allow_and_passes_with_its_solution() {
        let text = include_str!("../../../../web/lessons/challenge-no-loss-fast.json");
        let state = open(text);
        assert!(state.allows("producers[0].acks"));
        assert!(!state.allows("producers[0].records"));
        assert!(!state.allows("actions"));
        let solution = state
            .lesson
            .as_ref()
            .and_then(|p| p.lesson.challenge.clone())
            .map(|c| c.solution)
            .unwrap_or_default();
        let doc = solution.apply_to(&state.doc).expect("the solution applies");
        let mut state = state;
        let mut changed = (*state).clone();
        changed.set_doc(doc);
        state = Rc::new(changed);
        let state = run(state.reduce(Action::Lesson(LessonAction::Check)), 30);
        assert!(state.lesson.as_ref().is_some_and(LessonPlay::passed));
        assert!(state.done.iter().any(|d| d == "challenge-no-loss-fast"));
        let state = state.reduce(Action::Lesson(LessonAction::Reset));
        assert!(state.done.is_empty());
        assert!(!state.lesson.as_ref().is_some_and(LessonPlay::passed));
    }
}
