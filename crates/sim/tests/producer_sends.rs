//! The application's `send()` calls, as any reader of a run sees them: each counts from its
//! own time, however rarely the producer wakes (a send that only joins an open batch wakes it
//! for nothing; it is made when the producer or a reader next looks). Pinned seeds; invariants
//! are checked after every event (the `invariants` feature).

use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;

/// One producer lingering a whole second at 10 records/s, so its batch fills slowly.
const LINGERING: &str = r#"{ "format": 1, "seed": 1, "duration.ms": 3000,
  "cluster": { "brokers": 3 },
  "topics": [ { "name": "t", "partitions": 1, "replication.factor": 3 } ],
  "producers": [ { "name": "p", "topic": "t", "records": 100, "records.per.sec": 10,
                   "linger.ms": 1000 } ] }"#;

/// Eight producers with null keys and linger.ms 0 on 60 partitions led by 6 brokers, fast
/// enough that the sticky partition's window is often full while other brokers' are free.
const STICKY: &str = r#"{ "format": 1, "seed": 3, "duration.ms": 4000,
  "cluster": { "brokers": 6 },
  "topics": [ { "name": "t", "partitions": 60, "replication.factor": 3 } ],
  "producers": [
    { "name": "p0", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p1", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p2", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p3", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p4", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p5", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p6", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 },
    { "name": "p7", "topic": "t", "records": 100000, "records.per.sec": 2000, "keys": 0 } ],
  "groups": [ { "group.id": "g", "topics": ["t"], "consumers": 3 } ],
  "actions": [ { "at.ms": 1500, "do": "crash-broker", "broker": 1 } ] }"#;

fn scenario(text: &str) -> kafka_sim::Scenario {
    parse_scenario(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `sim` to its end a millisecond at a time, handing each moment to `read`.
fn read_each_millisecond(sim: &mut Simulation, mut read: impl FnMut(&Simulation, u64)) {
    let mut t = 0;
    while !sim.is_finished() {
        t += 1_000;
        sim.advance_to(t);
        read(sim, t);
    }
}

/// Records an async producer at `rate` has handed to `send()` by `t_us` (the first at 0).
fn due_by(t_us: u64, rate: u64, records: u64) -> u64 {
    (t_us * rate / 1_000_000 + 1).min(records)
}

#[test]
fn a_run_stopped_while_the_batch_lingers_counts_every_send_made_by_then() {
    let mut sim = Simulation::new(scenario(LINGERING));
    // Sends at 0, 100, ..., 500 ms; the batch waits for linger.ms until 1,000 ms.
    sim.advance_to(550_000);
    let r = sim.report();
    assert_eq!((r.records.sent, r.records.pending), (6, 6));
    assert_eq!(r.records.acknowledged, 0, "nothing sent to a broker yet");
    assert_eq!(sim.view().producers[0].counts.sent, 6);
    sim.advance_to(1_050_000);
    let r = sim.report();
    assert_eq!(r.records.sent, 11);
    // The batch was drained at 1,000 ms, its last record joining at that moment.
    assert_eq!(r.records.acknowledged, 11);
}

#[test]
fn every_reading_of_a_sticky_run_counts_each_send_from_its_own_time() {
    let mut sim = Simulation::new(scenario(STICKY));
    read_each_millisecond(&mut sim, |sim, t| {
        for (name, p) in &sim.report().producers {
            assert_eq!(
                p.sent,
                due_by(t.min(4_000_000), 2000, 100_000),
                "{name} at {t} µs"
            );
        }
    });
}

#[test]
fn a_run_read_every_millisecond_goes_on_exactly_as_one_read_once() {
    let mut once = Simulation::new(scenario(STICKY));
    once.run_to_end();
    let mut often = Simulation::new(scenario(STICKY));
    read_each_millisecond(&mut often, |sim, _| {
        let _ = sim.view();
    });
    assert_eq!(often.report(), once.report());
    assert_eq!(often.trace_hash(), once.trace_hash());
}

#[test]
fn a_sticky_producer_behind_a_full_window_does_not_wake_for_each_send() {
    let mut sim = Simulation::new(scenario(STICKY));
    sim.run_to_end();
    let r = sim.report();
    assert_eq!(r.records.sent, 8 * 8001);
    // When any window with room woke the producer for every send, this run took 99,471.
    assert_eq!(sim.events_handled(), 41_163);
}

#[test]
fn a_null_key_producer_lingering_counts_every_send_at_each_reading() {
    // The sticky partition's batch takes each record; read where the page's samples fall.
    let text = LINGERING.replace(r#""linger.ms": 1000"#, r#""linger.ms": 1000, "keys": 0"#);
    assert_ne!(text, LINGERING);
    let mut sim = Simulation::new(scenario(&text));
    for t in [100_000, 200_000, 300_000, 400_000, 500_000, 550_000] {
        sim.advance_to(t);
        assert_eq!(sim.report().records.sent, due_by(t, 10, 100), "at {t} µs");
    }
    let r = sim.report();
    assert_eq!((r.records.sent, r.records.pending), (6, 6));
    assert_eq!(sim.view().producers[0].counts.sent, 6);
}
