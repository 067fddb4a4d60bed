//! The trace hash of a pinned scenario, hard-coded: the wasm32 build (wasm_determinism.rs)
//! must produce this very value.

use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;

pub const SCENARIO: &str = include_str!("scenarios/acks_all_idempotent_crash.json");
pub const NATIVE_HASH: &str = "4a1e09e4d9f6eaf2";

#[test]
fn the_pinned_scenario_has_the_pinned_trace_hash_natively() {
    let mut sim = Simulation::new(parse_scenario(SCENARIO).expect("scenario"));
    sim.run_to_end();
    assert_eq!(sim.trace_hash(), NATIVE_HASH);
    assert_eq!(sim.events_handled(), 13453);
}
