//! The page's one state: the scenario document as the user wrote it, the playback position, and
//! what follows from them (the resolved scenario or its problems, the run drawn on screen).
//! Every control, click and key press is an [`Action`] on it.

use crate::doc::{self, Seg};
use crate::lesson_play::{Catalog, LessonPlay};
use crate::run_cache::{Frame, Runner};
use kafka_sim::lesson::Target;
use kafka_sim::observe::figure::Figure;
use kafka_sim::scenario::{resolve_with_notes, Scenario, ScenarioError, ScenarioNote};
use kafka_sim::ActionKind;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

pub use crate::shared::Shared;

mod lesson_actions;
pub use lesson_actions::{LessonAction, LessonStatus};
pub mod api;
pub mod compare;

/// The slowest and the fastest playback speed: the ends of [`SPEEDS`] by name, so no index
/// into the list has to follow its length.
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 100.0;
/// Playback speeds offered, as multiples of real time, ascending.
pub const SPEEDS: &[f64] = &[MIN_SPEED, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, MAX_SPEED];
/// The speed a fresh page plays at.
pub const DEFAULT_SPEED: f64 = 0.1;
/// Simulated time covered per animation frame while fast-forwarding. Each frame also redraws
/// the page, and at the cap (50 brokers, 1,000 partitions) a redraw after seconds of events
/// costs about 30 ms: 5 s chunks took the cap scenario's 60 s from about 4.1 s to 3.5 s (the
/// run alone, in one chunk, 3.2 s), while a frame's work stays near a third of a second there.
pub(crate) const FAST_FORWARD_CHUNK_US: u64 = 5_000_000;
/// The same while running to a moment (a replay back to an earlier one, run B catching up):
/// smaller, since the learner waits there on a position they chose.
pub(crate) const RUN_TO_CHUNK_US: u64 = 2_000_000;

/// The cached run: the same run only if the same allocation.
pub type RunHandle = Shared<RefCell<Runner>>;

/// Whether the document runs, and what the reader said about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Valid {
        scenario: Shared<Scenario>,
        notes: Rc<Vec<ScenarioNote>>,
    },
    Invalid {
        errors: Rc<Vec<ScenarioError>>,
    },
}

/// The state's playback mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Playback {
    Paused,
    Playing,
    FastForwarding,
    /// A seek that would simulate too much at once (a step back in a long run, a jump ahead,
    /// a long run's edit or link): the run goes frame by frame (as fast as fast-forward) up to
    /// `to_us`, from its start if `from_start`, then plays on if `resume`, or pauses.
    RunningTo {
        to_us: u64,
        resume: bool,
        from_start: bool,
    },
}

/// Every field takes part in `==` (derived, so a new field cannot be left out), and each compares
/// cheaply: the revision before the document, so differing edits stop there and an unchanged
/// document is the same `Rc` (`Rc<Value>` checks the pointer first, `Value` being `Eq`); the run
/// and the resolved scenario by identity; frames by revision.
#[derive(Clone, PartialEq)]
pub struct Playground {
    /// `doc_revision` counts the document's edits (for the permalink effect).
    pub doc_revision: u64,
    /// The scenario document.
    pub doc: Rc<Value>,
    pub resolution: Resolution,
    /// The last valid scenario's effective settings, by the document's own key names.
    pub effective: Rc<Value>,
    /// The run on screen (the last valid one while the document is invalid).
    pub runner: Option<RunHandle>,
    pub frame: Option<Rc<Frame>>,
    pub position_us: u64,
    pub playback: Playback,
    pub speed: f64,
    pub selection: Option<Figure>,
    /// A link that could not be opened, and why.
    pub link_error: Option<String>,
    /// The lesson being played, if any.
    pub lesson: Option<LessonPlay>,
    /// A lesson on its way, or one that could not be opened and why.
    pub lesson_status: LessonStatus,
    /// The lesson index (the Lessons panel's list).
    pub catalog: Catalog,
    /// The Lessons panel is open.
    pub lessons_open: bool,
    /// Ids of the finished lessons and passed challenges (kept in localStorage).
    pub done: Rc<Vec<String>>,
    /// Run B of a comparison (`compare`), if comparing.
    pub compare: Option<compare::Compare>,
    /// The part of the cluster the stage shows in full (a large one is aggregated otherwise).
    pub focus: Option<Target>,
}

pub enum Action {
    /// Sets (Some) or clears (None, back to the default) one key of the document.
    Edit {
        path: Vec<Seg>,
        value: Option<Value>,
    },
    DismissLinkError,
    /// A stage click: the action (without `at.ms`) lands on the timeline at the position.
    Act(ActionKind),
    Play,
    Pause,
    TogglePlay,
    /// One event forwards.
    Step,
    Seek(u64),
    SeekBy(i64),
    SetSpeed(f64),
    FastForward,
    /// An animation frame: `elapsed_ms` of wall time passed.
    Tick(f64),
    Select(Option<Figure>),
    /// Focus the stage on one broker, topic, partition, producer or group (None: all).
    Focus(Option<Target>),
    Lesson(LessonAction),
    /// Compare: run B beside A (`compare`).
    Compare(compare::CompareAction),
    /// The embedding API's own actions (`api`).
    Api(api::ApiAction),
}

impl Playground {
    pub fn new(doc: Value, position_ms: Option<u64>) -> Playground {
        let mut state = Playground {
            doc_revision: 0,
            doc: Rc::new(Value::Null),
            resolution: Resolution::Invalid {
                errors: Rc::new(Vec::new()),
            },
            effective: Rc::new(Value::Null),
            runner: None,
            frame: None,
            position_us: position_ms.unwrap_or(0).saturating_mul(1000),
            playback: Playback::Paused,
            speed: DEFAULT_SPEED,
            selection: None,
            link_error: None,
            lesson: None,
            lesson_status: LessonStatus::Idle,
            catalog: Catalog::Loading,
            lessons_open: false,
            done: Rc::new(Vec::new()),
            compare: None,
            focus: None,
        };
        state.set_doc(doc);
        state
    }

    pub fn end_us(&self) -> u64 {
        self.frame.as_ref().map(|f| f.end_us).unwrap_or(0)
    }

    /// Whether animation frames have work: the run moves, or run B is on its way to it.
    pub fn animates(&self) -> bool {
        self.playback != Playback::Paused || self.compare.as_ref().is_some_and(|c| c.catching_up)
    }

    pub fn errors(&self) -> &[ScenarioError] {
        match &self.resolution {
            Resolution::Invalid { errors } => errors,
            Resolution::Valid { .. } => &[],
        }
    }

    pub fn notes(&self) -> &[ScenarioNote] {
        match &self.resolution {
            Resolution::Valid { notes, .. } => notes,
            Resolution::Invalid { .. } => &[],
        }
    }

    /// Resolves a new document; a valid one replaces the run (rebuilt from scratch, so the
    /// screen always shows exactly what a fresh run of the permalink gives).
    pub(crate) fn set_doc(&mut self, doc: Value) {
        self.doc = Rc::new(doc);
        self.doc_revision += 1;
        if let Some(play) = &mut self.lesson {
            play.forget_verdicts();
        }
        match resolve_with_notes(&self.doc) {
            Ok((scenario, notes)) => {
                self.effective = Rc::new(serde_json::to_value(&scenario).unwrap_or_default());
                let runner = Runner::new(scenario.clone());
                self.resolution = Resolution::Valid {
                    scenario: Shared::new(scenario),
                    notes: Rc::new(notes),
                };
                self.runner = Some(Shared::new(RefCell::new(runner)));
                let end = self
                    .runner
                    .as_ref()
                    .map(|r| r.borrow().end_us())
                    .unwrap_or(0);
                self.position_us = self.position_us.min(end);
                self.refresh();
            }
            Err(errors) => {
                self.resolution = Resolution::Invalid {
                    errors: Rc::new(errors.errors),
                };
                self.playback = Playback::Paused;
            }
        }
    }

    /// Brings the run to the position (frame by frame if that is a long way) and takes a new
    /// frame.
    fn refresh(&mut self) {
        self.start_long_way();
        self.draw();
    }

    /// A move to the position that would simulate a lot at once ([`Runner::is_long_way_to`])
    /// becomes [`Playback::RunningTo`]: the run stays where it is (or goes back to its start)
    /// and the animation frames take it there.
    fn start_long_way(&mut self) {
        // A seek interrupts a fast-forward: the long way ends paused.
        let resume = match self.playback {
            Playback::Paused | Playback::FastForwarding => false,
            Playback::Playing => true,
            Playback::RunningTo { resume, .. } => resume,
        };
        let Some(runner) = &self.runner else {
            return;
        };
        let mut runner = runner.borrow_mut();
        let to_us = self.position_us;
        if !runner.is_long_way_to(to_us) {
            return;
        }
        let from_start = to_us < runner.now_us() || runner.now_us() == 0;
        if to_us < runner.now_us() {
            runner.restart();
        }
        self.playback = Playback::RunningTo {
            to_us,
            resume,
            from_start,
        };
        self.position_us = runner.now_us();
    }

    /// Brings the run to the position, however far, and takes a new frame.
    fn draw(&mut self) {
        let Some(runner) = &self.runner else {
            return;
        };
        let mut runner = runner.borrow_mut();
        let valid = matches!(self.resolution, Resolution::Valid { .. });
        if let (Some(play), true) = (&mut self.lesson, valid) {
            play.evaluate(&mut runner, self.position_us);
        }
        runner.seek(self.position_us);
        self.position_us = runner.now_us();
        let detailed = self.playback == Playback::Paused;
        self.frame = Some(Rc::new(runner.frame(self.selection, detailed)));
        drop(runner);
        self.note_progress();
    }

    fn is_valid(&self) -> bool {
        matches!(self.resolution, Resolution::Valid { .. })
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let end = next.end_us();
        match action {
            Action::Edit { path, value } => {
                let mut doc = (*next.doc).clone();
                if doc::set(&mut doc, &path, value) {
                    next.set_doc(doc);
                }
            }
            Action::DismissLinkError => next.link_error = None,
            Action::Act(action) => {
                if !next.is_valid() || !next.allows("actions") {
                    return self;
                }
                // The document keeps the user's JSON, so the typed action lands there as the JSON
                // the scenario reader takes back.
                let action = kafka_sim::Action {
                    at_ms: next.position_us / 1000,
                    kind: action,
                };
                let Ok(action) = serde_json::to_value(action) else {
                    return self;
                };
                let mut doc = (*next.doc).clone();
                if doc::push_action(&mut doc, action) {
                    next.set_doc(doc);
                }
            }
            Action::Play if next.is_valid() => {
                if let Some(play) = &mut next.lesson {
                    play.waiting = false;
                }
                if next.position_us >= end {
                    next.position_us = 0;
                    next.refresh();
                }
                next.playback = Playback::Playing;
            }
            Action::Play => {}
            Action::Pause => {
                next.playback = Playback::Paused;
                next.refresh();
            }
            Action::TogglePlay => {
                let action = if next.playback == Playback::Paused {
                    Action::Play
                } else {
                    Action::Pause
                };
                return Rc::new(next).reduce(action);
            }
            Action::Step => {
                next.playback = Playback::Paused;
                if let Some(runner) = &next.runner {
                    let stepped = runner.borrow_mut().step();
                    if stepped {
                        next.position_us = runner.borrow().now_us();
                    }
                }
                next.refresh();
            }
            Action::Seek(t) => {
                next.position_us = t.min(end);
                next.refresh();
            }
            Action::SeekBy(delta) => {
                next.position_us = next.position_us.saturating_add_signed(delta).min(end);
                next.refresh();
            }
            Action::SetSpeed(speed) => next.speed = speed.clamp(MIN_SPEED, MAX_SPEED),
            Action::FastForward if next.is_valid() => next.playback = Playback::FastForwarding,
            Action::FastForward => {}
            Action::Tick(elapsed_ms) => {
                let advance = match next.playback {
                    // Paused, a frame only brings run B on its way to the position.
                    Playback::Paused if next.compare.as_ref().is_some_and(|c| c.catching_up) => {
                        next.sync_compare();
                        return Rc::new(next);
                    }
                    Playback::Paused => return self,
                    Playback::Playing => {
                        (elapsed_ms.clamp(0.0, 100.0) * next.speed * 1000.0) as u64
                    }
                    Playback::FastForwarding => FAST_FORWARD_CHUNK_US,
                    Playback::RunningTo { .. } => RUN_TO_CHUNK_US,
                };
                let mut target = next.position_us.saturating_add(advance.max(1)).min(end);
                let running_to = matches!(next.playback, Playback::RunningTo { .. });
                if let Playback::RunningTo { to_us, resume, .. } = next.playback {
                    target = target.min(to_us);
                    if target >= to_us {
                        next.playback = if resume {
                            Playback::Playing
                        } else {
                            Playback::Paused
                        };
                    }
                }
                // A lesson's walkthrough stops at each step's time (to evaluate it there), and
                // stays stopped at a pausing step until the learner continues.
                let mut waits = false;
                // Running to a moment passes the steps on the way (a replay has stopped at them).
                if let Some(play) = next.lesson.as_mut().filter(|p| p.stops() && !running_to) {
                    if let Some(step) = play.next_step_us(next.position_us) {
                        if step <= target {
                            target = step;
                            waits = play.pauses_at(step);
                            play.waiting = waits;
                        }
                    }
                }
                next.position_us = target;
                if next.position_us >= end || waits {
                    next.playback = Playback::Paused;
                }
                next.draw();
            }
            // Escape sends Select(None) whatever is selected: nothing to redraw then.
            Action::Focus(focus) if focus == next.focus => return self,
            Action::Focus(focus) => next.focus = focus,
            Action::Select(figure) if figure == next.selection => return self,
            Action::Select(figure) => {
                next.selection = figure;
                next.refresh();
            }
            Action::Lesson(action) => {
                if !next.reduce_lesson(action) {
                    return self;
                }
            }
            Action::Compare(action) => {
                if !next.reduce_compare(action) {
                    return self;
                }
            }
            Action::Api(action) => next.reduce_api(action),
        }
        // Run B follows A's document and position (no-op unless comparing).
        next.sync_compare();
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::DEFAULT_SCENARIO_JSON;
    use serde_json::json;

    fn default_state() -> Rc<Playground> {
        let doc: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null);
        Rc::new(Playground::new(doc, None))
    }

    #[test]
    fn an_invalid_edit_keeps_the_last_valid_run_and_lists_the_problem() {
        let state = default_state().reduce(Action::Seek(3_000_000));
        let before = state.frame.clone();
        let state = state.reduce(Action::Edit {
            path: vec![Seg::Key("producers"), Seg::Index(0), Seg::Key("acks")],
            value: Some(json!("2")),
        });
        assert_eq!(state.errors().len(), 1);
        assert_eq!(state.errors()[0].path, "producers[0].acks");
        assert_eq!(state.frame, before);
    }

    #[test]
    fn a_valid_edit_redraws_with_the_new_run_at_the_same_position() {
        let state = default_state().reduce(Action::Seek(5_000_000));
        let before = state.frame.clone();
        let state = state.reduce(Action::Edit {
            path: vec![Seg::Key("producers"), Seg::Index(0), Seg::Key("records")],
            value: Some(json!(10)),
        });
        assert_ne!(state.frame, before);
        assert_eq!(state.position_us, 5_000_000);
        assert_eq!(
            state.frame.as_ref().map(|f| f.ledger.get(Figure::Sent)),
            Some(10)
        );
    }

    #[test]
    fn acting_on_the_stage_records_the_action_at_the_position() {
        let state = default_state().reduce(Action::Seek(2_500_000));
        let state = state.reduce(Action::Act(ActionKind::CrashBroker { broker: 2 }));
        let actions = state.doc["actions"].as_array().cloned().unwrap_or_default();
        assert_eq!(actions.len(), 3);
        assert_eq!(actions[2]["broker"], json!(2));
        assert_eq!(actions[2]["at.ms"], json!(2500));
        assert_eq!(state.position_us, 2_500_000);
    }

    #[test]
    fn selecting_a_figure_marks_its_records_and_selecting_none_clears_them() {
        let state = default_state().reduce(Action::Seek(u64::MAX));
        let acknowledged = state
            .frame
            .as_ref()
            .map_or(0, |f| f.ledger.get(Figure::Acknowledged));
        let state = state.reduce(Action::Select(Some(Figure::Acknowledged)));
        let highlight = state.frame.as_ref().and_then(|f| f.highlight.clone());
        assert_eq!(highlight.map(|h| h.records as u64), Some(acknowledged));
        let cleared = state.reduce(Action::Select(None));
        assert_eq!(
            cleared.frame.as_ref().map(|f| f.highlight.is_none()),
            Some(true)
        );
        let again = cleared.clone().reduce(Action::Select(None));
        assert!(
            Rc::ptr_eq(&cleared, &again),
            "nothing selected: nothing to redraw"
        );
    }

    #[test]
    fn playing_advances_by_wall_time_times_speed_and_stops_at_the_end() {
        let state = default_state()
            .reduce(Action::SetSpeed(10.0))
            .reduce(Action::Play)
            .reduce(Action::Tick(50.0));
        assert_eq!(state.position_us, 500_000);
        let state = state
            .reduce(Action::Seek(u64::MAX))
            .reduce(Action::Tick(16.0));
        assert_eq!(state.playback, Playback::Paused);
        let state = state.reduce(Action::Seek(0)).reduce(Action::FastForward);
        let mut state = state;
        for _ in 0..20 {
            state = state.reduce(Action::Tick(16.0));
        }
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, state.end_us());
    }

    /// One producer at 100,000 records a second for 1.5 s: a step back from the end replays
    /// more than a page should at once.
    fn long_state() -> Rc<Playground> {
        let doc = json!({"format": 1, "seed": 2, "duration.ms": 2000,
            "producers": [{"name": "p", "topic": "orders", "records": 150000,
                           "records.per.sec": 100000, "linger.ms": 5}]});
        Rc::new(Playground::new(doc, None))
    }

    fn sent_and_hash(state: &Playground) -> Option<(u64, String)> {
        let frame = state.frame.as_ref()?;
        Some((frame.ledger.get(Figure::Sent), frame.trace_hash.clone()))
    }

    /// Ticks until a long way is gone.
    fn settled(mut state: Rc<Playground>) -> Rc<Playground> {
        for _ in 0..100 {
            if !matches!(state.playback, Playback::RunningTo { .. }) {
                break;
            }
            state = state.reduce(Action::Tick(16.0));
        }
        state
    }

    #[test]
    fn a_step_back_in_a_long_run_replays_frame_by_frame_to_the_same_moment() {
        let straight = settled(long_state().reduce(Action::Seek(1_100_000)));
        let state = settled(long_state().reduce(Action::Seek(u64::MAX)));
        assert_eq!(state.position_us, 2_000_000);
        let state = state.reduce(Action::Seek(1_100_000));
        assert_eq!(
            state.playback,
            Playback::RunningTo {
                to_us: 1_100_000,
                resume: false,
                from_start: true
            }
        );
        assert_eq!(state.position_us, 0);
        let state = state.reduce(Action::Tick(16.0));
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, 1_100_000);
        assert_eq!(sent_and_hash(&state), sent_and_hash(&straight));
        // Every send() from 0 to 1.1 s at 100,000 a second, the one at 1.1 s too.
        assert_eq!(
            sent_and_hash(&straight).map(|(sent, _)| sent),
            Some(110_001)
        );
        // A short step back replays at once.
        let state = state.reduce(Action::Seek(300_000));
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, 300_000);
    }

    #[test]
    fn a_jump_ahead_in_a_long_run_goes_on_frame_by_frame_from_where_the_run_stands() {
        let state = long_state().reduce(Action::Seek(300_000));
        assert_eq!(state.playback, Playback::Paused, "30,000 records: at once");
        let state = state.reduce(Action::Seek(1_900_000));
        assert_eq!(
            state.playback,
            Playback::RunningTo {
                to_us: 1_900_000,
                resume: false,
                from_start: false
            }
        );
        assert_eq!(state.position_us, 300_000);
        let state = state.reduce(Action::Tick(16.0));
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, 1_900_000);
    }

    #[test]
    fn an_edit_of_a_long_run_runs_the_new_scenario_frame_by_frame_to_the_position() {
        let state = settled(long_state().reduce(Action::Seek(1_500_000)));
        let state = state.reduce(Action::Edit {
            path: vec![Seg::Key("producers"), Seg::Index(0), Seg::Key("linger.ms")],
            value: Some(json!(20)),
        });
        assert_eq!(
            state.playback,
            Playback::RunningTo {
                to_us: 1_500_000,
                resume: false,
                from_start: true
            }
        );
        assert_eq!(state.position_us, 0);
        let state = settled(state);
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, 1_500_000);
    }

    #[test]
    fn fast_forward_covers_five_simulated_seconds_a_frame() {
        let mut state = default_state().reduce(Action::FastForward);
        let mut positions = Vec::new();
        while state.playback == Playback::FastForwarding {
            state = state.reduce(Action::Tick(16.0));
            positions.push(state.position_us / 1_000_000);
        }
        assert_eq!(positions, [5, 10, 15, 20]);
    }

    #[test]
    fn a_step_back_while_fast_forwarding_a_long_run_replays_and_pauses_there() {
        let state = settled(long_state().reduce(Action::Seek(1_500_000)))
            .reduce(Action::FastForward)
            .reduce(Action::Seek(1_200_000));
        assert_eq!(
            state.playback,
            Playback::RunningTo {
                to_us: 1_200_000,
                resume: false,
                from_start: true
            }
        );
        let state = settled(state);
        assert_eq!(state.playback, Playback::Paused);
        assert_eq!(state.position_us, 1_200_000);
    }

    #[test]
    fn a_step_back_while_playing_plays_on_after_the_replay() {
        let state = settled(long_state().reduce(Action::Seek(1_900_000)))
            .reduce(Action::Play)
            .reduce(Action::Seek(1_600_000));
        assert!(matches!(
            state.playback,
            Playback::RunningTo { resume: true, .. }
        ));
        let state = state.reduce(Action::Tick(16.0));
        assert_eq!(state.playback, Playback::Playing);
        assert_eq!(state.position_us, 1_600_000);
    }

    /// `base` with one change applied, and whether it still equals `base`.
    fn equal_after(base: &Playground, change: impl FnOnce(&mut Playground)) -> bool {
        let mut changed = base.clone();
        change(&mut changed);
        changed == *base
    }

    #[test]
    fn a_change_to_any_field_makes_the_states_unequal() {
        let base = (*default_state().reduce(Action::Seek(1_000_000))).clone();
        assert!(base == base.clone());
        // Every field by name (no `..`): a new field fails to compile here until it has a case.
        let Playground {
            doc_revision: _,
            doc: _,
            resolution: _,
            effective: _,
            runner: _,
            frame: _,
            position_us: _,
            playback: _,
            speed: _,
            selection: _,
            link_error: _,
            lesson: _,
            lesson_status: _,
            catalog: _,
            lessons_open: _,
            done: _,
            compare: _,
            focus: _,
        } = &base;
        assert!(!equal_after(&base, |s| s.doc_revision += 1));
        assert!(!equal_after(&base, |s| s.doc = Rc::new(json!({"format": 1}))));
        // The same document in a new allocation is the same state: documents compare by value.
        assert!(equal_after(&base, |s| s.doc = Rc::new((*s.doc).clone())));
        assert!(!equal_after(&base, |s| {
            s.resolution = Resolution::Invalid {
                errors: Rc::new(Vec::new()),
            }
        }));
        assert!(!equal_after(&base, |s| s.effective = Rc::new(Value::Null)));
        // Runs compare by identity: a fresh run of the same scenario is another run.
        assert!(!equal_after(&base, |s| {
            if let Resolution::Valid { scenario, .. } = &s.resolution {
                s.runner = Some(Shared::new(RefCell::new(Runner::new((**scenario).clone()))));
            }
        }));
        assert!(!equal_after(&base, |s| s.runner = None));
        // A frame taken again at the same position is a new frame (a new revision).
        assert!(!equal_after(&base, |s| {
            let frame = s.runner.as_ref().map(|r| r.borrow_mut().frame(None, true));
            s.frame = frame.map(Rc::new);
        }));
        assert!(!equal_after(&base, |s| s.frame = None));
        assert!(!equal_after(&base, |s| s.position_us += 1));
        assert!(!equal_after(&base, |s| s.playback = Playback::Playing));
        assert!(!equal_after(&base, |s| s.speed = MAX_SPEED));
        assert!(!equal_after(&base, |s| s.selection = Some(Figure::Acknowledged)));
        assert!(!equal_after(&base, |s| s.link_error = Some("damaged".to_string())));
        assert!(!equal_after(&base, |s| s.lesson_status =
            LessonStatus::Failed {
                source: "x".into(),
                errors: Rc::new(Vec::new())
            }));
        assert!(!equal_after(&base, |s| s.catalog = Catalog::Failed("x".into())));
        assert!(!equal_after(&base, |s| s.lessons_open = true));
        assert!(!equal_after(&base, |s| s.done = Rc::new(vec!["acks".into()])));
        assert!(!equal_after(&base, |s| {
            s.compare = Some(compare::Compare::new(Default::default()))
        }));
        assert!(!equal_after(&base, |s| s.focus = Some(Target::Broker(1))));
    }

    #[test]
    fn speeds_ascend_from_the_slowest_to_the_fastest() {
        assert!(SPEEDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(SPEEDS.first(), Some(&MIN_SPEED));
        assert_eq!(SPEEDS.last(), Some(&MAX_SPEED));
        assert!(SPEEDS.contains(&DEFAULT_SPEED));
        let state = default_state().reduce(Action::SetSpeed(1e9));
        assert_eq!(state.speed, MAX_SPEED);
        let state = state.reduce(Action::SetSpeed(0.0));
        assert_eq!(state.speed, MIN_SPEED);
    }
}
