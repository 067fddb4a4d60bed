//! Where a ledger figure's records sit in the replicas' logs (`Simulation::log_marks`), on the
//! pinned scenario files the other tests use.

use kafka_sim::observe::log_marks::{LogMarks, RecordCategory};
use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;

fn run_to(name: &str, t_us: u64) -> Simulation {
    let path = format!("{}/tests/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = parse_scenario(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut sim = Simulation::new(scenario);
    sim.advance_to(t_us);
    sim
}

/// Per broker: (offsets marked, of which committed).
fn per_broker(m: &LogMarks, brokers: u32) -> Vec<(u64, u64)> {
    (0..brokers)
        .map(|b| {
            let spans = m.spans.iter().filter(|s| s.broker == b);
            let committed = spans.clone().filter(|s| s.committed).map(|s| s.len());
            (spans.map(|s| s.len()).sum(), committed.sum())
        })
        .collect()
}

#[test]
fn every_copy_of_a_duplicated_record_is_marked_on_each_replica_of_orders_0() {
    let sim = run_to("timeout_after_append_idempotence_false", u64::MAX);
    let m = sim.log_marks(RecordCategory::Duplicated);
    assert_eq!(sim.report().records.duplicated, 3);
    // Two records, one written three times and one twice: 3 extra copies + 2 originals.
    assert_eq!(m.records, [501, 502]);
    assert_eq!(per_broker(&m, 3), [(5, 5), (5, 5), (5, 5)]);
    assert!(m.spans.iter().all(|s| s.partition == 0));
    assert_eq!((m.spans[0].start, m.spans[0].end), (250, 255));
    assert_eq!(m.offsets(), 15);
    assert_eq!(m.in_no_log, 0);
}

#[test]
fn the_sent_records_of_a_run_without_losses_are_one_span_per_replica() {
    let sim = run_to("timeout_after_append_idempotence_false", u64::MAX);
    let m = sim.log_marks(RecordCategory::Sent);
    assert_eq!(m.records.len(), 2000);
    assert_eq!(m.spans.len(), 6, "2 partitions on 3 brokers");
    assert_eq!(m.offsets(), 3 * (2000 + 3));
    assert_eq!(m.in_no_log, 0);
}

/// Before the change of what "lost" means, these 37 counted as lost: they are not, yet.
#[test]
fn records_a_crashed_leader_acknowledged_above_the_high_watermark_are_at_risk_not_lost() {
    // Broker 0, the leader with acks=1, crashed at 3 s; its followers had not fetched all it
    // acknowledged. The controller has not yet noticed at 10 s: broker 0 still leads orders-0.
    let sim = run_to("acks_1_leader_crash", 10_000_000);
    let m = sim.log_marks(RecordCategory::AtRisk);
    assert_eq!(m.records.len(), 37);
    assert_eq!(per_broker(&m, 3), [(37, 0), (24, 0), (28, 0)]);
    assert_eq!(m.in_no_log, 0);
    assert_eq!(sim.log_marks(RecordCategory::Lost), LogMarks::default());
    let r = sim.report().records;
    assert_eq!((r.lost, r.at_risk, r.unavailable), (0, 37, 0));
}

#[test]
fn lost_records_have_no_offset_on_the_surviving_leader_nor_anywhere_after_truncation() {
    let sim = run_to("acks_1_leader_crash", u64::MAX);
    let m = sim.log_marks(RecordCategory::Lost);
    assert_eq!(m.records.len(), 13);
    assert_eq!(m.spans, []);
    assert_eq!(m.in_no_log, 13, "the page says lost records are in no log");
    assert_eq!(sim.log_marks(RecordCategory::AtRisk), LogMarks::default());
    let acked = sim.log_marks(RecordCategory::Acknowledged);
    assert_eq!(acked.records.len(), 20000);
    assert_eq!(acked.in_no_log, 13);
}

#[test]
fn pending_records_are_partly_in_no_log_and_partly_appended_without_an_answer() {
    // 20 ms after broker 0 began answering REQUEST_TIMED_OUT after appending.
    let sim = run_to("timeout_after_append_idempotence_false", 1_020_000);
    let m = sim.log_marks(RecordCategory::Pending);
    assert_eq!(m.records.len(), 8);
    assert_eq!(m.in_no_log, 4);
    assert_eq!(per_broker(&m, 3), [(3, 2), (4, 1), (3, 0)]);
    assert_eq!(sim.log_marks(RecordCategory::Failed), Default::default());
}

#[test]
fn unavailable_records_are_marked_on_the_crashed_replicas_of_the_offline_partition() {
    // Both replicas of orders-0 (brokers 0 and 1) crashed at 3 s; the controller fenced them
    // at 11.25 s and orders-0 has had no leader since.
    let sim = run_to("all_replicas_down", u64::MAX);
    let m = sim.log_marks(RecordCategory::Unavailable);
    assert_eq!(m.records.len(), 500);
    assert_eq!(per_broker(&m, 3), [(500, 500), (500, 500), (0, 0)]);
    assert!(m.spans.iter().all(|s| s.partition == 0));
    assert_eq!(m.in_no_log, 0);
}
