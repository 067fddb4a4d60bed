//! The run cache: the one place the page meets the simulation. A [`Runner`] is a cache of "a fresh
//! `Simulation` of the scenario, advanced to the playback position": going forwards advances it,
//! going backwards starts a fresh run and replays it to the target (the engine is deterministic,
//! so the replay is the same run). Keeping copies of the run to rewind to would be faster, but
//! copying the whole world is code: it cost 12 KB of the page's gzip. A way long enough to be
//! felt, backwards or forwards, goes frame by frame with its progress instead
//! ([`Runner::is_long_way_to`]).
//! Everything the components draw comes out of [`Runner::frame`] as plain data.

use crate::highlight::Highlight;
use kafka_sim::kafka::protocol::{MessageKind, NodeId};
use kafka_sim::node::coordinator::GroupState;
use kafka_sim::observe::figure::{Figure, FigureValues};
use kafka_sim::observe::ledger::Classification;
use kafka_sim::scenario::Scenario;
use kafka_sim::{Simulation, View};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A seek simulates at once up to about this many records (a few tenths of a second in the
/// browser); a longer way goes frame by frame.
const REPLAY_AT_ONCE_RECORDS: u64 = 50_000;
/// Simulated time between chart samples.
pub const SAMPLE_EVERY_US: u64 = 500_000;
/// The event log keeps the newest lines only; older ones are summarised by a count.
const MAX_LOG_LINES: usize = 4_000;
/// Messages drawn at once; beyond this the stage would stop animating smoothly.
const MAX_FLIGHTS: usize = 2_000;

/// A node of the stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Producer(u32),
    Broker(u32),
    Controller,
    Consumer(String),
    /// A consumer group's application (its header on the stage).
    Group(String),
    /// The schema registry (scenarios with an Avro serializer).
    Registry,
}

impl Node {
    /// `consumers`: the consumers' names by their engine index.
    fn of(id: NodeId, consumers: &[String]) -> Node {
        match id {
            NodeId::Producer(i) => Node::Producer(i),
            NodeId::Broker(b) => Node::Broker(b),
            NodeId::Controller => Node::Controller,
            NodeId::Registry => Node::Registry,
            NodeId::Consumer(c) => Node::Consumer(
                consumers
                    .get(c as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("consumer {c}")),
            ),
        }
    }
}

/// What becomes of a message, for its colour and shape (the core's judgement).
pub use kafka_sim::observe::snapshot::MessageOutcome as Outcome;

/// A message on a wire at the playback position.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    pub id: u64,
    /// Kafka's name of the request or response (`Produce`, `FetchResponse`, ...).
    pub kind: String,
    /// Group protocol and control messages are drawn thinner.
    pub is_control: bool,
    pub from: Node,
    pub to: Node,
    /// 0 at departure, 1 at arrival.
    pub progress: f64,
    pub outcome: Outcome,
    pub records: u32,
    /// Carries a record of the ledger figure the learner selected.
    pub highlighted: bool,
}

/// The nodes the event log has had lines from, by name, in node order (producers, brokers,
/// the controller, consumers): its node filter's choices, kept as lines arrive rather than
/// gathered from every line on each frame.
pub type LogNodes = Rc<Vec<String>>;

/// One readable line of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub time_us: u64,
    /// Who acted, by name (`p1`, `g1-c2`, `broker 3`), as the lines' texts name it.
    pub node: String,
    pub kind: String,
    pub text: String,
}

/// One chart sample.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sample {
    pub time_us: u64,
    pub acknowledged: u64,
    pub sent: u64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    pub throughput_records_per_sec: f64,
    pub consumed: u64,
    pub redelivered: u64,
    pub rebalances: u64,
    pub consumer_lag: u64,
}

/// A consumer group as the stage draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    pub group_id: String,
    pub state: GroupState,
    pub generation: u32,
    pub coordinator: Option<u32>,
    pub leader: Option<String>,
    pub members: Vec<MemberView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberView {
    pub name: String,
    pub paused: bool,
    pub assignment: Vec<(String, u32)>,
    /// `suppliers-0 @0`: the record every poll() throws at (a poison pill).
    pub stuck: Option<String>,
}

/// Every frame's revision is new (across runners too), so components compare frames cheaply.
static NEXT_REVISION: AtomicU64 = AtomicU64::new(1);

/// A revision no frame has had yet.
pub fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, Ordering::Relaxed)
}

/// Everything drawn at one playback position. Equal frames have equal revisions.
#[derive(Debug, Clone)]
pub struct Frame {
    pub revision: u64,
    pub now_us: u64,
    pub end_us: u64,
    pub view: View,
    pub ledger: FigureValues,
    pub flights: Vec<Flight>,
    pub groups: Vec<GroupView>,
    pub log: Rc<Vec<Rc<LogLine>>>,
    pub log_dropped: usize,
    pub log_nodes: LogNodes,
    pub samples: Rc<Vec<Sample>>,
    pub throughput_records_per_sec: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    pub trace_hash: String,
    /// The selected figure's records: how many, and where they sit in the logs.
    pub highlight: Option<Highlight>,
    /// The run's scenario (its schemas and topics, for the stage's menus).
    pub scenario: Rc<Scenario>,
    /// Whose records the producers' figures count when the focus narrows them ("producer p3",
    /// "topic orders"); the consumers' figures stay the whole cluster's.
    pub records_of: Option<String>,
}

impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

/// The simulation of one valid scenario, positioned where the playback is.
pub struct Runner {
    sim: Simulation,
    /// Lines are shared, so taking a frame while the log grows copies pointers, not text.
    log: Rc<Vec<Rc<LogLine>>>,
    log_dropped: usize,
    log_nodes: LogNodes,
    /// `log_nodes`' nodes (`NodeId::code`), in the same order.
    log_node_codes: Vec<u64>,
    samples: Rc<Vec<Sample>>,
    scenario: Rc<Scenario>,
    /// The last classification of a long run while playing, and the frames it has served.
    classified: RefCell<Option<(Classification, u32)>>,
}

/// While playing, a run of more than this many records is classified (the ledger against every
/// log, which costs in proportion to the records) once every [`RECLASSIFY_FRAMES`] frames: the
/// ledger and the messages' outcomes then lag by up to half a second at 60 frames a second.
/// Paused frames are always classified afresh.
const RECLASSIFY_AFTER_RECORDS: u64 = 20_000;
const RECLASSIFY_FRAMES: u32 = 30;

impl Runner {
    pub fn new(scenario: Scenario) -> Runner {
        Runner::fresh(Rc::new(scenario))
    }

    /// A fresh run of the scenario: at its start, its log empty, its first sample taken.
    fn fresh(scenario: Rc<Scenario>) -> Runner {
        let mut runner = Runner {
            sim: Simulation::new((*scenario).clone()),
            log: Rc::new(Vec::new()),
            log_dropped: 0,
            log_nodes: Rc::default(),
            log_node_codes: Vec::new(),
            samples: Rc::new(Vec::new()),
            scenario,
            classified: RefCell::new(None),
        };
        runner.take_sample();
        runner
    }

    pub fn now_us(&self) -> u64 {
        self.sim.now_us()
    }

    pub fn end_us(&self) -> u64 {
        self.sim.end_us()
    }

    /// The report of the run so far (the embedding API's `report`).
    pub fn run_report(&self) -> kafka_sim::Report {
        self.sim.report()
    }

    /// Moves the run to `t_us` (clamped to the end), forwards or backwards.
    pub fn seek(&mut self, t_us: u64) {
        let t = t_us.min(self.end_us());
        if t < self.sim.now_us() {
            self.restart();
        }
        while self.sim.now_us() < t {
            let now = self.sim.now_us();
            let next_sample = (now / SAMPLE_EVERY_US + 1) * SAMPLE_EVERY_US;
            let stop = next_sample.min(t);
            self.sim.advance_to(stop);
            self.drain_events();
            if stop == next_sample {
                self.take_sample();
            }
            if self.sim.is_finished() && self.sim.now_us() >= self.end_us() {
                break;
            }
        }
    }

    /// Advances to the time of the next event after the position; false when there is none.
    pub fn step(&mut self) -> bool {
        let now = self.sim.now_us();
        // Events already due here (an action just applied) are handled where the run stands.
        if self.sim.next_event_us().is_some_and(|t| t <= now) {
            self.sim.advance_to(now);
            self.drain_events();
        }
        match self.sim.next_event_us() {
            Some(t) => {
                self.seek(t);
                true
            }
            None => false,
        }
    }

    /// Whether bringing the run to `t_us` means simulating more than [`REPLAY_AT_ONCE_RECORDS`]
    /// records by the producers' planned rates: from the start when `t_us` is behind the run,
    /// from where it stands otherwise.
    pub fn is_long_way_to(&self, t_us: u64) -> bool {
        let now = self.sim.now_us();
        let from = if t_us < now { 0 } else { now };
        let planned = |t| self.scenario.planned_records_by(t);
        planned(t_us).saturating_sub(planned(from)) > REPLAY_AT_ONCE_RECORDS
    }

    /// Back to the start: the same as a new runner of the scenario (whose classification of a
    /// later moment must not stand for an earlier one).
    pub fn restart(&mut self) {
        *self = Runner::fresh(Rc::clone(&self.scenario));
    }

    fn drain_events(&mut self) {
        let events = self.sim.take_events();
        if events.is_empty() {
            return;
        }
        let log = Rc::make_mut(&mut self.log);
        for e in events {
            let node = self.sim.node_name(e.node);
            let code = e.node.code();
            let at = self.log_node_codes.partition_point(|&n| n < code);
            if self.log_node_codes.get(at) != Some(&code) {
                self.log_node_codes.insert(at, code);
                Rc::make_mut(&mut self.log_nodes).insert(at, node.clone());
            }
            log.push(Rc::new(LogLine {
                time_us: e.time_us,
                node,
                kind: kind_name(&e.kind),
                text: e.text,
            }));
        }
        if log.len() > MAX_LOG_LINES {
            let extra = log.len() - MAX_LOG_LINES;
            log.drain(..extra);
            self.log_dropped += extra;
        }
    }

    /// A chart sample: the ledger's tally, never the records' classification (whose cost grows
    /// with the records, which made a long fast-forward quadratic).
    fn take_sample(&mut self) {
        let tally = self.sim.tally();
        Rc::make_mut(&mut self.samples).push(Sample {
            time_us: self.sim.now_us(),
            acknowledged: tally.acknowledged,
            sent: tally.sent,
            latency_p50_ms: tally.latency_ms.p50,
            latency_p99_ms: tally.latency_ms.p99,
            throughput_records_per_sec: tally.throughput_records_per_sec,
            consumed: tally.consumed.records,
            redelivered: tally.consumed.redelivered,
            rebalances: u64::from(tally.rebalances),
            consumer_lag: self
                .sim
                .group_views()
                .iter()
                .flat_map(|g| g.partitions.iter().map(|p| p.lag))
                .sum(),
        });
    }

    /// The report of the run so far as JSON, the document lesson figures are read from.
    pub fn report(&self) -> serde_json::Value {
        kafka_sim::lesson::report_json(&self.sim.report())
    }

    /// The report of the run so far, as the command line prints it (`kafka-sim run --json`).
    #[cfg(test)]
    pub fn report_json(&self) -> String {
        serde_json::to_string(&self.sim.report()).unwrap_or_default()
    }

    /// This moment, classified afresh unless a long run is playing (see [`RECLASSIFY_FRAMES`]).
    fn snapshot(&self, detailed: bool) -> kafka_sim::observe::snapshot::Snapshot<'_> {
        let mut cached = self.classified.borrow_mut();
        if !detailed {
            if let Some((c, served)) = cached.as_mut().filter(|(_, n)| *n < RECLASSIFY_FRAMES) {
                *served += 1;
                return self.sim.snapshot_classified(c.clone());
            }
        }
        let snapshot = self.sim.snapshot();
        let long = snapshot.classification().counts.sent > RECLASSIFY_AFTER_RECORDS;
        *cached = (long && !detailed).then(|| (snapshot.classification().clone(), 1));
        snapshot
    }

    /// Everything to draw now; `selection` marks the messages carrying its records and the
    /// offsets holding them. While
    /// playing (`detailed` false) the report's figures that are not record counts (latency,
    /// throughput, consumer figures) come from the latest sample, which keeps frames cheap;
    /// a detailed frame has the exact report of the position.
    pub fn frame(&self, selection: Option<Figure>, detailed: bool) -> Frame {
        let snapshot = self.snapshot(detailed);
        let classification = snapshot.classification();
        let report = if detailed {
            let r = snapshot.figures();
            Sample {
                time_us: self.sim.now_us(),
                acknowledged: r.records.acknowledged,
                sent: r.records.sent,
                latency_p50_ms: r.latency_ms.p50,
                latency_p99_ms: r.latency_ms.p99,
                throughput_records_per_sec: r.throughput_records_per_sec,
                consumed: r.consumed.records,
                redelivered: r.consumed.redelivered,
                rebalances: u64::from(r.rebalances),
                consumer_lag: 0,
            }
        } else {
            self.samples.last().copied().unwrap_or_default()
        };
        let ledger = FigureValues::new(
            &classification.counts,
            report.consumed,
            report.redelivered,
            report.rebalances,
        )
        .with_deserialization(&self.sim.consumed_counts());
        let (highlight, selected) = match selection.map(|f| Highlight::find(&snapshot, f)) {
            Some((h, ids)) => (Some(h), ids),
            None => (None, Vec::new()),
        };
        let now = self.sim.now_us();
        let view = snapshot.view();
        let consumers = self.sim.consumer_names();
        let flights = snapshot
            .messages()
            .take(MAX_FLIGHTS)
            .map(|(m, outcome)| {
                let span = m.arrive_us.saturating_sub(m.depart_us).max(1);
                let progress = (now.saturating_sub(m.depart_us) as f64 / span as f64).min(1.0);
                let carries = |ids: &[u32]| {
                    m.record_ranges.iter().any(|&(first, last)| {
                        let i = ids.partition_point(|&id| id < first);
                        ids.get(i).is_some_and(|&id| id <= last)
                    })
                };
                let records = m
                    .record_ranges
                    .iter()
                    .map(|&(a, b)| b.saturating_sub(a) + 1)
                    .sum();
                Flight {
                    id: m.id,
                    kind: message_name(m.kind),
                    is_control: !matches!(
                        m.kind,
                        MessageKind::Produce | MessageKind::ProduceResponse
                    ),
                    from: Node::of(m.from, consumers),
                    to: Node::of(m.to, consumers),
                    progress,
                    outcome,
                    records,
                    highlighted: !selected.is_empty() && carries(&selected),
                }
            })
            .collect();
        Frame {
            revision: next_revision(),
            now_us: now,
            end_us: self.end_us(),
            groups: view.groups.iter().map(group_view).collect(),
            view,
            ledger,
            flights,
            log: Rc::clone(&self.log),
            log_dropped: self.log_dropped,
            log_nodes: Rc::clone(&self.log_nodes),
            samples: Rc::clone(&self.samples),
            throughput_records_per_sec: report.throughput_records_per_sec,
            latency_p50_ms: report.latency_p50_ms,
            latency_p99_ms: report.latency_p99_ms,
            trace_hash: self.sim.trace_hash(),
            highlight,
            scenario: Rc::clone(&self.scenario),
            records_of: None,
        }
    }
}

/// Kafka's name of a message kind (the variant's name: `Produce`, `JoinGroup`, ...).
fn message_name(kind: MessageKind) -> String {
    format!("{kind:?}")
}

/// The trace kind's kebab-case name (its serialised form), for filtering the log.
fn kind_name<T: serde::Serialize>(kind: &T) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("event"),
    }
}

/// The engine's view of a group, as the stage draws it.
fn group_view(g: &kafka_sim::observe::group_view::GroupView) -> GroupView {
    use kafka_sim::observe::group_view::MemberActivity;
    GroupView {
        group_id: g.id.clone(),
        state: g.state,
        generation: u32::try_from(g.generation).unwrap_or(0),
        coordinator: g.coordinator,
        leader: g.leader.clone(),
        members: g
            .members
            .iter()
            .filter(|m| {
                !matches!(m.activity, MemberActivity::Dead | MemberActivity::Closed) || m.in_group
            })
            .map(|m| MemberView {
                name: m.name.clone(),
                paused: matches!(m.activity, MemberActivity::Paused | MemberActivity::Stalled),
                assignment: m.owned.clone(),
                stuck: m.stuck_at.as_ref().map(|(p, o)| format!("{p} @{o}")),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::{parse_scenario, DEFAULT_SCENARIO_JSON};

    /// One producer at 100,000 records a second: past 20,000 records by 0.3 s.
    fn long_runner() -> Runner {
        let doc = r#"{"format": 1, "seed": 2, "duration.ms": 2000,
            "producers": [{"name": "p", "topic": "orders", "records": 150000,
                           "records.per.sec": 100000, "linger.ms": 5}]}"#;
        Runner::new(parse_scenario(doc).expect("valid"))
    }

    #[test]
    fn a_long_playing_run_reuses_its_classification_for_thirty_frames_and_paused_frames_are_exact()
    {
        let mut runner = long_runner();
        runner.seek(1_200_000);
        let first = runner.frame(None, false).ledger.get(Figure::Sent);
        assert!(first > RECLASSIFY_AFTER_RECORDS, "{first}");
        runner.seek(1_300_000);
        assert_eq!(runner.frame(None, false).ledger.get(Figure::Sent), first);
        let exact = runner.frame(None, true).ledger.get(Figure::Sent);
        assert!(exact > first, "{exact} > {first}");
        // A backward seek forgets the later classification.
        runner.seek(1_250_000);
        let earlier = runner.frame(None, false).ledger.get(Figure::Sent);
        assert!(earlier < exact && earlier != first, "{earlier}");
        for _ in 1..RECLASSIFY_FRAMES {
            assert_eq!(runner.frame(None, false).ledger.get(Figure::Sent), earlier);
        }
        runner.seek(1_400_000);
        assert!(runner.frame(None, false).ledger.get(Figure::Sent) > exact);
    }

    fn default_runner() -> Runner {
        match parse_scenario(DEFAULT_SCENARIO_JSON) {
            Ok(s) => Runner::new(s),
            Err(e) => panic!("the default scenario is valid: {e}"),
        }
    }

    /// The stage's marks of values with a shape: a consumer stuck on a record it cannot read,
    /// and the registry's refusals.
    #[test]
    fn a_frame_shows_a_stuck_consumer_and_the_registrys_refusals() {
        let text = include_str!("../../sim/tests/scenarios/serde/custom_new_field.json");
        let mut runner = Runner::new(parse_scenario(text).unwrap_or_else(|e| panic!("{e}")));
        runner.seek(u64::MAX);
        let frame = runner.frame(None, true);
        let stuck: Vec<Option<String>> = frame
            .groups
            .iter()
            .flat_map(|g| g.members.iter().map(|m| m.stuck.clone()))
            .collect();
        assert_eq!(stuck, [None, Some("suppliers-0 @0".to_string())]);
        assert!(
            frame.view.registry.is_none(),
            "no Avro, no registry on the stage"
        );
        let text = include_str!("../../sim/tests/scenarios/serde/avro_registry.json");
        let mut runner = Runner::new(parse_scenario(text).unwrap_or_else(|e| panic!("{e}")));
        runner.seek(u64::MAX);
        let frame = runner.frame(None, true);
        assert_eq!(frame.view.registry.map(|r| r.refusals), Some(200));
    }

    #[test]
    fn the_log_names_its_nodes_in_node_order_once_each() {
        let mut runner = default_runner();
        runner.seek(15_000_000);
        let frame = runner.frame(None, true);
        assert_eq!(
            frame.log_nodes.as_slice(),
            [
                "p1",
                "broker 0",
                "broker 1",
                "broker 2",
                "controller",
                "g1-c1",
                "g1-c2"
            ]
        );
        assert!(frame.log.iter().any(|l| l.node == "g1-c2"));
    }

    #[test]
    fn scrubbing_back_replays_the_same_run() {
        let mut once = default_runner();
        once.seek(9_300_000);
        let straight = once.frame(None, true);
        let mut twice = default_runner();
        twice.seek(15_000_000);
        twice.seek(3_100_000);
        twice.seek(9_300_000);
        let replayed = twice.frame(None, true);
        assert_eq!(straight.ledger, replayed.ledger);
        assert_eq!(straight.trace_hash, replayed.trace_hash);
        assert_eq!(straight.log.as_slice(), replayed.log.as_slice());
        assert_eq!(straight.samples.as_slice(), replayed.samples.as_slice());
    }

    #[test]
    fn the_end_gives_the_report_of_a_headless_run() {
        let Ok(scenario) = parse_scenario(DEFAULT_SCENARIO_JSON) else {
            panic!("the default scenario is valid");
        };
        let mut headless = Simulation::new(scenario.clone());
        headless.run_to_end();
        let mut runner = Runner::new(scenario);
        runner.seek(u64::MAX);
        assert_eq!(
            runner.report_json(),
            serde_json::to_string(&headless.report()).unwrap_or_default()
        );
    }

    /// The page's ledger and the core's figures cannot drift apart: at the end of a run every
    /// figure the ledger shows has the value the report gives under the figure's name.
    #[test]
    fn the_ledger_shows_every_core_figure_with_the_reports_value() {
        let mut runner = default_runner();
        runner.seek(u64::MAX);
        let frame = runner.frame(None, true);
        let report: serde_json::Value =
            serde_json::from_str(&runner.report_json()).unwrap_or_default();
        for f in Figure::ALL {
            let in_report = match f {
                Figure::Consumed => &report["consumed"]["records"],
                Figure::Redelivered => &report["consumed"]["redelivered"],
                Figure::Rebalances => &report["rebalances"],
                Figure::DeserializationErrors | Figure::Skipped | Figure::Misread => {
                    &report["consumed"][f.name()]
                }
                _ => &report["records"][f.name()],
            };
            assert_eq!(
                in_report.as_u64(),
                Some(frame.ledger.get(f)),
                "{}",
                f.name()
            );
        }
    }

    #[test]
    fn consumers_are_named_in_the_order_the_engine_creates_them() {
        let Ok(scenario) = kafka_sim::scenario::resolve_scenario(&serde_json::json!({
            "format": 1,
            "groups": [{"group.id": "a", "topics": ["orders"], "consumers": 2},
                       {"group.id": "b", "topics": ["orders"], "consumers": 1}],
            "actions": [{"at.ms": 5000, "do": "add-consumer", "group.id": "b"},
                        {"at.ms": 3000, "do": "add-consumer", "group.id": "a"}]
        })) else {
            panic!("the scenario is valid");
        };
        let mut sim = kafka_sim::Simulation::new(scenario);
        assert_eq!(sim.consumer_names(), ["a-c1", "a-c2", "b-c1"]);
        sim.advance_to(6_000_000);
        assert_eq!(
            sim.consumer_names(),
            ["a-c1", "a-c2", "b-c1", "a-c3", "b-c2"]
        );
    }

    #[test]
    fn a_step_moves_to_the_next_event() {
        let mut runner = default_runner();
        assert!(runner.step());
        let first = runner.now_us();
        assert!(runner.step());
        assert!(runner.now_us() > first);
    }

    #[test]
    fn steps_land_where_single_events_of_a_headless_run_do() {
        let Ok(scenario) = parse_scenario(DEFAULT_SCENARIO_JSON) else {
            panic!("the default scenario is valid");
        };
        let mut headless = Simulation::new(scenario.clone());
        let mut runner = Runner::new(scenario);
        for _ in 0..200 {
            let before = headless.now_us();
            while headless.now_us() <= before {
                assert!(headless.step());
            }
            assert!(runner.step());
            assert_eq!(runner.now_us(), headless.now_us());
        }
    }
}
