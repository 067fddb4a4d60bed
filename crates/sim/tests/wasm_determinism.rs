//! Compiled to wasm32 and run under Node (wasm-bindgen-test): the same scenario gives the same
//! trace hash as natively (determinism.rs asserts the native value).
#![cfg(target_arch = "wasm32")]

use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
use wasm_bindgen_test::wasm_bindgen_test;

const SCENARIO: &str = include_str!("scenarios/acks_all_idempotent_crash.json");
const NATIVE_HASH: &str = "4a1e09e4d9f6eaf2";

#[wasm_bindgen_test]
fn the_pinned_scenario_has_the_native_trace_hash_under_wasm() {
    let mut sim = Simulation::new(parse_scenario(SCENARIO).expect("scenario"));
    sim.run_to_end();
    assert_eq!(sim.trace_hash(), NATIVE_HASH);
    assert_eq!(sim.events_handled(), 13453);
}
