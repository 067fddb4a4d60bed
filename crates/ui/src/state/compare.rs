//! Compare: run B is run A with a few settings changed, kept as a `set` of scenario paths (the
//! lessons' form, `{"producers[0].send.mode": "sync"}`), on the same seed and timeline. B follows
//! A: an edit of A, or an act on the stage, changes both. Both share A's clock; the ledgers are
//! aligned figure by figure. The permalink carries B as `vs=<deflated set object, base64url>`.

use super::{Playback, Playground, RunHandle, Shared};
use crate::doc::{self, Seg};
use crate::run_cache::{Frame, Runner};
use kafka_sim::lesson::{parse_set, ScenarioPath, Set};
use kafka_sim::observe::figure::Figure;
#[cfg(not(target_arch = "wasm32"))]
use kafka_sim::scenario::permalink::pack;
use kafka_sim::scenario::permalink::{unpack_object, MAX_INFLATED_BYTES, MAX_LINK_CHARS};
use kafka_sim::scenario::{resolve_with_notes, ScenarioError};
use kafka_sim::support::decimal::Fixed;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// Simulated time B goes per animation frame on a long way to A's position: as much as a
/// replay's frame on its way to a chosen moment.
const CATCH_UP_CHUNK_US: u64 = crate::state::RUN_TO_CHUNK_US;

/// Run B of a comparison.
#[derive(Clone, PartialEq)]
pub struct Compare {
    /// What B changes: scenario path → value (`null`: the key removed, its default applies).
    pub set: Rc<Map<String, Value>>,
    /// A's document with the set applied.
    pub doc: Rc<Value>,
    /// B's effective settings (the last valid B).
    pub effective: Rc<Value>,
    /// Why B does not run, by scenario path (empty: it runs).
    pub errors: Rc<Vec<ScenarioError>>,
    /// B's run (the last valid one while B is invalid).
    pub runner: Option<RunHandle>,
    pub frame: Option<Rc<Frame>>,
    /// The settings panel edits B (else A).
    pub editing_b: bool,
    /// B is still on its way to A's position (a long way goes a chunk per animation frame, with
    /// its progress shown, as A's own does): its frame is of an earlier moment than A's.
    pub catching_up: bool,
    /// A's document revision B was derived from, and A's frame revision B's frame matches.
    based_on: u64,
    framed_at: u64,
}

/// What the compare controls do.
#[derive(Debug, Clone, PartialEq)]
pub enum CompareAction {
    /// Start comparing: B = A, nothing changed yet.
    Start,
    /// Back to A alone.
    Leave,
    /// Sets (Some) or clears (None) one key of B.
    Edit {
        path: Vec<Seg>,
        value: Option<Value>,
    },
    /// Drops one path of the set (B takes A's value there again).
    Unset(String),
    /// Whether the settings panel edits B.
    EditB(bool),
}

impl Compare {
    pub fn new(set: Map<String, Value>) -> Compare {
        Compare {
            set: Rc::new(set),
            doc: Rc::new(Value::Null),
            effective: Rc::new(Value::Null),
            errors: Rc::new(Vec::new()),
            runner: None,
            frame: None,
            editing_b: true,
            catching_up: false,
            based_on: u64::MAX,
            framed_at: u64::MAX,
        }
    }

    /// Derives B from A's document (`resolved`: A's effective settings, which name the keys a
    /// path may reach through defaults).
    fn rebuild(&mut self, a_doc: &Value, resolved: &Value) {
        let mut set = Set::default();
        let mut errors = Vec::new();
        for (key, value) in self.set.iter() {
            match ScenarioPath::read(a_doc, resolved, key) {
                Ok(path) => set.entries.push((path, value.clone())),
                Err(message) => errors.push(ScenarioError {
                    path: key.clone(),
                    message,
                }),
            }
        }
        let doc = match set.apply_to(a_doc) {
            Ok(doc) => doc,
            Err(message) => {
                errors.push(ScenarioError {
                    path: String::new(),
                    message,
                });
                a_doc.clone()
            }
        };
        if errors.is_empty() {
            match resolve_with_notes(&doc) {
                Ok((scenario, _)) => {
                    self.effective = Rc::new(serde_json::to_value(&scenario).unwrap_or_default());
                    self.runner = Some(Shared::new(RefCell::new(Runner::new(scenario))));
                    self.framed_at = u64::MAX;
                }
                Err(e) => errors = e.errors,
            }
        }
        self.doc = Rc::new(doc);
        self.errors = Rc::new(errors);
    }

    /// The set as the link carries it.
    pub fn set_value(&self) -> Value {
        Value::Object((*self.set).clone())
    }
}

impl Playground {
    /// Keeps B in step with A after every action: derived again when A's document changed, at
    /// A's position whenever A took a new frame.
    pub fn sync_compare(&mut self) {
        let (revision, position) = (self.doc_revision, self.position_us);
        let a_frame = self.frame.as_ref().map_or(0, |f| f.revision);
        let detailed = self.playback == Playback::Paused;
        let (selection, doc, effective) = (self.selection, &self.doc, &self.effective);
        let Some(c) = self.compare.as_mut() else {
            return;
        };
        if c.based_on != revision {
            c.rebuild(doc, effective);
            c.based_on = revision;
        }
        if c.framed_at == a_frame {
            return;
        }
        if let Some(runner) = &c.runner {
            let mut runner = runner.borrow_mut();
            // B may end sooner than A (its own duration.ms): it goes no further than its end.
            let target = position.min(runner.end_us());
            if target < runner.now_us() && runner.is_long_way_to(target) {
                runner.restart();
            }
            let to = if runner.is_long_way_to(target) {
                target.min(runner.now_us() + CATCH_UP_CHUNK_US)
            } else {
                target
            };
            runner.seek(to);
            c.catching_up = to < target;
            c.frame = Some(Rc::new(runner.frame(selection, detailed)));
            // Taken again on the next action (the next animation frame) until B is there.
            c.framed_at = if c.catching_up { u64::MAX } else { a_frame };
        }
    }

    /// Applies a compare action; false when nothing changes.
    pub fn reduce_compare(&mut self, action: CompareAction) -> bool {
        match action {
            CompareAction::Start => {
                if self.compare.is_some() {
                    return false;
                }
                self.compare = Some(Compare::new(Map::new()));
            }
            CompareAction::Leave => return self.compare.take().is_some(),
            CompareAction::EditB(on) => match self.compare.as_mut() {
                Some(c) if c.editing_b != on => c.editing_b = on,
                _ => return false,
            },
            CompareAction::Edit { path, value } => {
                let a_value = doc::get(&self.doc, &path).cloned();
                let Some(c) = self.compare.as_mut() else {
                    return false;
                };
                let key = doc::path_text(&path);
                let mut set = (*c.set).clone();
                // A value equal to A's is no change: the path leaves the set.
                if value == a_value {
                    set.remove(&key);
                } else {
                    set.insert(key, value.unwrap_or(Value::Null));
                }
                c.set = Rc::new(set);
                c.based_on = u64::MAX;
            }
            CompareAction::Unset(key) => {
                let Some(c) = self.compare.as_mut() else {
                    return false;
                };
                let mut set = (*c.set).clone();
                if set.remove(&key).is_none() {
                    return false;
                }
                c.set = Rc::new(set);
                c.based_on = u64::MAX;
            }
        }
        true
    }
}

/// The fragment of a page showing `doc` (and B's set when comparing) at `position_ms`:
/// `#s=<data>&vs=<set>&t=<ms>`, with each document packed by `pack` (natively the core's
/// deflate; the page packs asynchronously with the browser's, in `link_data`).
#[cfg(not(target_arch = "wasm32"))]
pub fn fragment(doc: &Value, set: Option<&Value>, position_ms: Option<u64>) -> String {
    fragment_of(&pack(doc), set.map(pack).as_deref(), position_ms)
}

/// The fragment from link data already packed.
pub fn fragment_of(data: &str, set: Option<&str>, position_ms: Option<u64>) -> String {
    let mut out = format!("#s={data}");
    if let Some(set) = set {
        out.push_str(&format!("&vs={set}"));
    }
    if let Some(t) = position_ms {
        out.push_str(&format!("&t={t}"));
    }
    out
}

/// Splits `vs=` off a fragment: the rest (a scenario link), and the set's data if present.
/// A fragment given `vs` twice, or past the link limit, is left whole for the link reader to
/// refuse.
pub fn split_vs(fragment: &str) -> (String, Option<String>) {
    let fragment = fragment.trim_start_matches('#');
    if fragment.chars().count() > MAX_LINK_CHARS {
        return (fragment.to_string(), None);
    }
    let (mut rest, mut vs) = (String::new(), Vec::new());
    for part in fragment.split('&') {
        match part.strip_prefix("vs=") {
            Some(data) => vs.push(data),
            None => {
                if !rest.is_empty() {
                    rest.push('&');
                }
                rest.push_str(part);
            }
        }
    }
    match vs.as_slice() {
        [one] => (rest, Some(one.to_string())),
        _ => (fragment.to_string(), None),
    }
}

/// Reads a link's `vs=` data against A's document: the set object, or why it is refused (a
/// damaged link, or a change the scenario reader refuses, with its path).
pub fn read_vs(data: &str, a_doc: &Value) -> Result<Map<String, Value>, String> {
    let value = unpack_object(data, MAX_INFLATED_BYTES).map_err(|e| e.to_string())?;
    let Value::Object(map) = &value else {
        return Err("the comparison is not a JSON object".into());
    };
    if !map.is_empty() {
        parse_set(a_doc, &value).map_err(|e| format!("the change is refused:\n{e}"))?;
    }
    Ok(map.clone())
}

/// Opens the comparison a link carries on the state its scenario opened in; a refused one
/// leaves A alone on screen, saying why.
pub fn open_from_link(state: &mut Playground, vs: Option<String>) {
    let Some(data) = vs else {
        return;
    };
    match read_vs(&data, &state.doc) {
        Ok(set) => {
            state.compare = Some(Compare::new(set));
            state.sync_compare();
        }
        Err(why) => {
            state.link_error = Some(format!(
                "This link's comparison (vs=) could not be opened: {why}. Run A is shown alone."
            ))
        }
    }
}

/// One line of the aligned ledgers.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The report path (`records.lost`, `throughput.records.per.sec`).
    pub path: String,
    pub a: String,
    pub b: String,
}

impl Row {
    pub fn differs(&self) -> bool {
        self.a != self.b
    }
}

/// The ledger's figures of both frames, then throughput and latency, as the command line's
/// `kafka-sim compare` writes them (the report's paths; whole numbers bare, others to 0.1).
pub fn rows(a: &Frame, b: &Frame) -> Vec<Row> {
    let mut out: Vec<Row> = Figure::ALL
        .iter()
        .map(|&f| Row {
            path: f.report_path(),
            a: a.ledger.get(f).to_string(),
            b: b.ledger.get(f).to_string(),
        })
        .collect();
    let more = [
        (
            "throughput.records.per.sec",
            a.throughput_records_per_sec,
            b.throughput_records_per_sec,
        ),
        ("latency.ms.p50", a.latency_p50_ms, b.latency_p50_ms),
        ("latency.ms.p99", a.latency_p99_ms, b.latency_p99_ms),
    ];
    for (path, va, vb) in more {
        out.push(Row {
            path: path.to_string(),
            a: show(va),
            b: show(vb),
        });
    }
    out
}

fn show(n: f64) -> String {
    Fixed(n, if n.fract() == 0.0 { 0 } else { 1 }).to_string()
}

/// A set entry as a person reads it: `producers[0].send.mode = "sync"`.
pub fn describe(key: &str, value: &Value) -> String {
    match value {
        Value::Null => format!("{key} = (default)"),
        other => format!("{key} = {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Action;
    use kafka_sim::scenario::DEFAULT_SCENARIO_JSON;
    use serde_json::json;
    use yew::Reducible;

    fn default_doc() -> Value {
        serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null)
    }

    fn comparing() -> Rc<Playground> {
        Rc::new(Playground::new(default_doc(), None)).reduce(Action::Compare(CompareAction::Start))
    }

    fn send_mode(path_end: &'static str) -> Vec<Seg> {
        vec![Seg::Key("producers"), Seg::Index(0), Seg::Key(path_end)]
    }

    #[test]
    fn b_starts_as_a_and_keeps_the_changed_paths_as_a_set() {
        let state = comparing().reduce(Action::Seek(4_000_000));
        let c = state.compare.clone().expect("comparing");
        assert!(c.set.is_empty());
        assert_eq!(*c.doc, *state.doc);
        let table = rows(
            state.frame.as_deref().expect("a"),
            c.frame.as_deref().expect("b"),
        );
        assert!(table.iter().all(|r| !r.differs()), "{table:?}");
        let state = state.reduce(Action::Compare(CompareAction::Edit {
            path: send_mode("send.mode"),
            value: Some(json!("sync")),
        }));
        let c = state.compare.clone().expect("comparing");
        assert_eq!(c.set_value(), json!({"producers[0].send.mode": "sync"}));
        assert_eq!(c.doc["producers"][0]["send.mode"], json!("sync"));
        assert_eq!(state.position_us, 4_000_000);
        let b = c.frame.as_deref().expect("b");
        assert_eq!(b.now_us, 4_000_000);
        let table = rows(state.frame.as_deref().expect("a"), b);
        assert!(table.iter().any(Row::differs));
        // Setting A's value again takes the path out of the set.
        let a_mode = state.doc["producers"][0].get("send.mode").cloned();
        let state = state.reduce(Action::Compare(CompareAction::Edit {
            path: send_mode("send.mode"),
            value: a_mode,
        }));
        assert!(state.compare.as_ref().is_some_and(|c| c.set.is_empty()));
    }

    /// Ticks of the animation loop until it has nothing to do; how many it took.
    fn settle(mut state: Rc<Playground>) -> (Rc<Playground>, u32) {
        let mut ticks = 0;
        while state.animates() && ticks < 1000 {
            state = state.reduce(Action::Tick(16.0));
            ticks += 1;
        }
        (state, ticks)
    }

    #[test]
    fn a_b_made_far_into_a_busy_run_goes_there_a_chunk_per_frame_and_compares_only_once_there() {
        let mut doc = default_doc();
        doc["duration.ms"] = json!(20_000);
        doc["producers"][0]["records.per.sec"] = json!(20_000);
        doc["producers"][0]["records"] = json!(400_000);
        doc["actions"] = json!([]);
        let state = Rc::new(Playground::new(doc, None)).reduce(Action::Seek(10_000_000));
        let (state, _) = settle(state);
        assert_eq!(state.position_us, 10_000_000);
        let state = state.reduce(Action::Compare(CompareAction::Start));
        let c = state.compare.clone().expect("comparing");
        assert!(c.catching_up && state.animates());
        assert_eq!(c.frame.as_ref().map(|b| b.now_us), Some(2_000_000));
        let (state, ticks) = settle(state);
        assert_eq!(ticks, 4, "2 s of B a frame, from 2 s to 10 s");
        let c = state.compare.clone().expect("comparing");
        assert!(!c.catching_up);
        let b = c.frame.as_deref().expect("b");
        assert_eq!(b.now_us, 10_000_000);
        assert!(rows(state.frame.as_deref().expect("a"), b)
            .iter()
            .all(|r| !r.differs()));
        // A change of B's settings runs B again from the start, again a chunk per frame.
        let state = state.reduce(Action::Compare(CompareAction::Edit {
            path: send_mode("acks"),
            value: Some(json!("1")),
        }));
        assert!(state.compare.as_ref().is_some_and(|c| c.catching_up));
        let (state, ticks) = settle(state);
        assert_eq!(ticks, 4);
        assert_eq!(state.position_us, 10_000_000, "A stayed where it was");
        // A B that ends before A's moment goes to its own end, and stops there.
        let state = state.reduce(Action::Compare(CompareAction::Edit {
            path: vec![Seg::Key("duration.ms")],
            value: Some(json!(5_000)),
        }));
        let (state, ticks) = settle(state);
        assert_eq!(ticks, 2, "2 s, 4 s, then its end at 5 s");
        let c = state.compare.clone().expect("comparing");
        assert!(!c.catching_up);
        assert_eq!(c.frame.as_ref().map(|b| b.now_us), Some(5_000_000));
    }

    #[test]
    fn an_invalid_b_lists_its_problem_and_keeps_its_last_run() {
        let state = comparing();
        let before = state.compare.as_ref().and_then(|c| c.runner.clone());
        let state = state.reduce(Action::Compare(CompareAction::Edit {
            path: send_mode("acks"),
            value: Some(json!("2")),
        }));
        let c = state.compare.clone().expect("comparing");
        assert_eq!(c.errors.len(), 1);
        assert_eq!(c.errors[0].path, "producers[0].acks");
        assert!(c.runner == before);
    }

    #[test]
    fn b_follows_edits_of_a_and_leaving_returns_to_a() {
        let state = comparing().reduce(Action::Compare(CompareAction::Edit {
            path: send_mode("acks"),
            value: Some(json!("1")),
        }));
        let state = state.reduce(Action::Edit {
            path: send_mode("records"),
            value: Some(json!(10)),
        });
        let c = state.compare.clone().expect("comparing");
        assert_eq!(c.doc["producers"][0]["records"], json!(10));
        assert_eq!(c.doc["producers"][0]["acks"], json!("1"));
        let state = state.reduce(Action::Compare(CompareAction::Leave));
        assert!(state.compare.is_none());
        assert_eq!(state.doc["producers"][0]["records"], json!(10));
    }

    #[test]
    fn the_link_carries_the_set_and_a_refused_one_says_why() {
        let doc = default_doc();
        let set = json!({"producers[0].acks": "1"});
        let link = fragment(&doc, Some(&set), Some(3000));
        assert!(link.contains("&vs=") && link.ends_with("&t=3000"));
        let (rest, vs) = split_vs(&link);
        assert!(!rest.contains("vs="));
        let map = read_vs(&vs.expect("vs"), &doc).expect("valid");
        assert_eq!(Value::Object(map), set);
        let bad = fragment(&doc, Some(&json!({"producers[0].acks": "2"})), None);
        let (_, vs) = split_vs(&bad);
        let why = read_vs(&vs.expect("vs"), &doc).expect_err("refused");
        assert!(why.contains("producers[0].acks"), "{why}");
        let why = read_vs("!!!", &doc).expect_err("damaged");
        assert!(why.contains("damaged"), "{why}");
        let mut state = Playground::new(doc, None);
        open_from_link(&mut state, Some("!!!".into()));
        assert!(state.compare.is_none());
        assert!(state.link_error.is_some());
    }
}
