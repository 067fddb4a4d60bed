//! Helpers shared by the integration tests that follow a run's readable events.

use kafka_sim::{Report, Simulation};

/// Runs to the end, second by second; the readable events as `<ms> <text>`.
pub fn run(s: kafka_sim::Scenario) -> (Report, Vec<String>, Simulation) {
    let mut sim = Simulation::new(s);
    let mut events = Vec::new();
    while !sim.is_finished() {
        let next = sim.now_us() + 1_000_000;
        sim.advance_to(next);
        events.extend(
            sim.take_events()
                .into_iter()
                .map(|e| format!("{:.3} {}", e.time_us as f64 / 1000.0, e.text)),
        );
    }
    (sim.report(), events, sim)
}

/// The time in ms of the first event containing `needle`.
pub fn time_of(events: &[String], needle: &str) -> Option<f64> {
    events
        .iter()
        .find(|e| e.contains(needle))
        .and_then(|e| e.split(' ').next())
        .and_then(|t| t.parse().ok())
}

/// Runs `s` to the end straight, and again cloned at `at_us` (both halves run on); asserts the
/// three end with the same trace and report, and returns the clone.
pub fn assert_a_clone_ends_the_same(s: kafka_sim::Scenario, at_us: u64) -> Simulation {
    let mut a = Simulation::new(s.clone());
    a.advance_to(at_us);
    let mut b = a.clone();
    a.run_to_end();
    b.run_to_end();
    let mut c = Simulation::new(s);
    c.run_to_end();
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.trace_hash(), c.trace_hash());
    assert_eq!(a.report(), c.report());
    b
}
