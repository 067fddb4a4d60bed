//! The busy reference scenario compiled to wasm32 and run under Node, timed with
//! `Date.now()`, the fastest of a few runs. Prints figures (never asserts a speed):
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p kafka-sim
//!  --target wasm32-unknown-unknown --release --test wasm_bench -- --nocapture`
//! The long run (`kafka-sim bench --hour`'s workload) and its peak linear memory, the memory a
//! browser tab gives the page's wasm, with `--include-ignored long_run`; its minutes are read
//! when it compiles, from `KAFKA_SIM_BENCH_MINUTES` (1 unless set).
#![cfg(target_arch = "wasm32")]

use kafka_sim::scenario::presets::{busy_reference, hour_reference};
use kafka_sim::Simulation;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// Runs, as natively (`kafka-sim bench`): the fastest is the figure. V8 first compiles the
/// wasm with its baseline compiler and optimizes the functions that run hot; a first run of
/// a quarter of a second spends much of itself before that, so it prints on its own.
const RUNS: u32 = 3;

/// One run's wall-clock seconds and report (the simulation dropped before the next run).
fn timed_run() -> (f64, kafka_sim::Report) {
    let start = js_sys::Date::now();
    let mut sim = Simulation::new(busy_reference());
    sim.run_to_end();
    let secs = ((js_sys::Date::now() - start) / 1000.0).max(1e-9);
    (secs, sim.report())
}

#[wasm_bindgen_test]
fn busy_reference_scenario_figures_under_wasm() {
    let (first, mut report) = timed_run();
    let mut secs = first;
    for _ in 1..RUNS {
        let (s, r) = timed_run();
        if s < secs {
            (secs, report) = (s, r);
        }
    }
    // Linear memory never shrinks: its size now is the peak.
    let memory_kb = core::arch::wasm32::memory_size(0) as u64 * 64;
    console_log!(
        "WASM_BENCH {{\"records\":{},\"events\":{},\"wall.seconds\":{},\"records.per.sec\":{},\"events.per.sec\":{},\"runs\":{},\"first.run.wall.seconds\":{},\"first.run.records.per.sec\":{},\"peak.memory.kb\":{},\"trace.hash\":\"{}\"}}",
        report.records.sent,
        report.events,
        secs,
        report.records.sent as f64 / secs,
        report.events as f64 / secs,
        RUNS,
        first,
        report.records.sent as f64 / first,
        memory_kb,
        report.trace_hash
    );
}

/// Ignored unless asked for: an hour of it takes minutes (`scripts/bench.sh --hour`).
#[wasm_bindgen_test]
#[ignore]
fn long_run_peak_memory_under_wasm() {
    let minutes: u64 = option_env!("KAFKA_SIM_BENCH_MINUTES")
        .and_then(|m| m.parse().ok())
        .unwrap_or(1);
    let start = js_sys::Date::now();
    let mut sim = Simulation::new(hour_reference(minutes));
    sim.run_to_end();
    let report = sim.report();
    let secs = (js_sys::Date::now() - start) / 1000.0;
    // Run on its own (a filter), linear memory's size is this run's peak, the report included.
    let memory_kb = core::arch::wasm32::memory_size(0) as u64 * 64;
    console_log!(
        "WASM_LONG_RUN {{\"minutes\":{},\"records\":{},\"events\":{},\"wall.seconds\":{},\"peak.memory.kb\":{},\"trace.hash\":\"{}\"}}",
        minutes,
        report.records.sent,
        report.events,
        secs,
        memory_kb,
        report.trace_hash
    );
}
