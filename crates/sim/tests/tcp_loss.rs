//! `loss.rate` is loss on the wire under TCP: a lost segment is retransmitted after the
//! retransmission timeout (≥ 200 ms on Linux, doubling on repeated loss) and delays its message
//! and everything behind it on the connection; no request vanishes. Pinned seeds, exact counts.
//!
//! Before this model a lost message vanished and its sender waited for a timeout: the same four
//! runs ended with 0.1 % loss: acks=1 3179 of 4000 records "lost" and 104 pending, acks=all
//! 3560 pending; 2 % loss: acks=1 332 lost and 3628 pending, acks=all 3979 pending.

use kafka_sim::scenario::parse_scenario;
use kafka_sim::{Report, Simulation};

fn run(loss: f64, acks: &str) -> Report {
    let text = format!(
        r#"{{ "format": 1, "seed": 7, "kafka.version": "3.9", "duration.ms": 30000,
  "cluster": {{ "brokers": 3 }},
  "network": {{ "latency.ms": 2.0, "jitter.ms": 0.5, "loss.rate": {loss} }},
  "topics": [ {{ "name": "orders", "partitions": 4, "replication.factor": 3, "min.insync.replicas": 2 }} ],
  "producers": [ {{ "name": "p1", "topic": "orders", "send.mode": "async", "records": 4000,
                   "records.per.sec": 200, "keys": 8, "acks": "{acks}" }} ] }}"#
    );
    let mut sim = Simulation::new(parse_scenario(&text).expect("valid"));
    sim.run_to_end();
    sim.report()
}

/// (acknowledged, lost, pending, duplicated, p99 in ms, max in ms)
fn figures(r: &Report) -> (u64, u64, u64, u64, f64, f64) {
    let c = &r.records;
    (
        c.acknowledged,
        c.lost,
        c.pending,
        c.duplicated,
        r.latency_ms.p99,
        r.latency_ms.max,
    )
}

#[test]
fn with_a_tenth_of_a_percent_loss_every_record_settles_and_p99_is_one_retransmission() {
    let r = run(0.001, "1");
    assert_eq!(figures(&r), (4000, 0, 0, 0, 172.927, 208.767));
    let r = run(0.001, "all");
    assert_eq!(figures(&r), (4000, 0, 0, 0, 205.183, 213.503));
}

#[test]
fn with_two_percent_loss_every_record_settles_with_latency_in_the_hundreds_of_ms() {
    let r = run(0.02, "1");
    assert_eq!(figures(&r), (4000, 0, 0, 0, 381.951, 739.327));
    let r = run(0.02, "all");
    assert_eq!(figures(&r), (4000, 0, 0, 0, 697.343, 916.479));
}

#[test]
fn a_lossy_run_replays_exactly_and_pins_its_trace_hash() {
    let (a, b) = (run(0.02, "all"), run(0.02, "all"));
    assert_eq!(a, b);
    assert_eq!(a.trace_hash, "7a031bc619e81238");
}
