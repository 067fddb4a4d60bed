//! `kafka-sim bench`: the busy reference scenario, natively, with wall-clock figures (the
//! fastest of a few runs); with `--hour`, the one-hour run's peak memory.

use kafka_sim::scenario::presets::{busy_reference, hour_reference};
use kafka_sim::scenario::Scenario;
use kafka_sim::Simulation;
use std::process::ExitCode;
use std::time::Instant;

/// Peak resident memory of this process (VmHWM), in kB, where Linux tells it.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Runs of the busy reference scenario; the fastest is the figure (the first also prints).
/// The same count as the wasm benchmark (`crates/sim/tests/wasm_bench.rs`), so the two
/// compare like for like: a JIT compiles the wasm in tiers, and its first run is slower.
const RUNS: u32 = 3;

/// Runs `scenario` to its end: its wall-clock seconds, its thread CPU seconds (where the
/// clock is known) and the finished simulation. The sweep times its runs the same way.
pub(crate) fn timed_run(scenario: Scenario) -> (f64, Option<f64>, Simulation) {
    let cpu0 = crate::cpu_time::thread_seconds();
    let start = Instant::now();
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    let wall = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = crate::cpu_time::thread_seconds()
        .zip(cpu0)
        .map(|(b, a)| b - a);
    (wall, cpu, sim)
}

/// One run of the busy reference: its seconds and report (the simulation is dropped before
/// the next run, so the peak memory is one run's).
fn reference_run() -> (f64, Option<f64>, kafka_sim::Report) {
    let (wall, cpu, sim) = timed_run(busy_reference());
    (wall, cpu, sim.report())
}

pub fn run(json: bool) -> ExitCode {
    let (first_secs, mut cpu, mut report) = reference_run();
    let mut secs = first_secs;
    for _ in 1..RUNS {
        let (s, c, r) = reference_run();
        if s < secs {
            (secs, cpu, report) = (s, c, r);
        }
    }
    let records = report.records.sent;
    let events = report.events;
    let peak = peak_memory_kb();
    if json {
        let v = serde_json::json!({
            "records": records,
            "events": events,
            "wall.seconds": secs,
            "records.per.sec": records as f64 / secs,
            "events.per.sec": events as f64 / secs,
            "runs": RUNS,
            "first.run.wall.seconds": first_secs,
            "first.run.records.per.sec": records as f64 / first_secs,
            "peak.memory.kb": peak,
            "cpu.seconds": cpu,
            "acknowledged": report.records.acknowledged,
            "consumed": report.consumed,
            "rebalances": report.rebalances,
            "trace.hash": report.trace_hash,
        });
        println!("{v}");
    } else {
        println!("busy reference scenario: 3 brokers, 12 partitions RF 3, 4 async producers, 2 consumer groups (4 + 2 consumers)");
        println!(
            "simulated      {records} records, {events} events, {:.1} s of virtual time",
            report.end_ms / 1000.0
        );
        println!(
            "wall clock     {secs:.3} s (the fastest of {RUNS} runs; the first {first_secs:.3} s)"
        );
        println!("records/s      {:.0}", records as f64 / secs);
        println!("events/s       {:.0}", events as f64 / secs);
        if let Some(c) = cpu.filter(|c| *c > 0.0) {
            // On a machine shared with other work, CPU time is the steadier figure.
            println!(
                "cpu time       {c:.2} s ({:.0} records per CPU second)",
                records as f64 / c
            );
        }
        match peak {
            Some(kb) => println!("peak memory    {:.1} MB (VmHWM)", kb as f64 / 1024.0),
            None => println!("peak memory    unknown"),
        }
        println!("acknowledged   {}", report.records.acknowledged);
        println!(
            "consumed       {} by the groups ({} redelivered), {} rebalances",
            report.consumed.records, report.consumed.redelivered, report.rebalances
        );
        println!("trace.hash     {}", report.trace_hash);
    }
    ExitCode::SUCCESS
}

/// `kafka-sim bench --hour` (or `--minutes N`): the long run at 20,000 records/s, its peak
/// memory, and what the ledger keeps at the end (status runs and window slots, against the
/// records sent).
pub fn hour(json: bool, minutes: u64) -> ExitCode {
    let minutes = minutes.clamp(1, 60);
    let scenario = hour_reference(minutes);
    let start = Instant::now();
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = crate::cpu_time::process_seconds();
    let peak_run = peak_memory_kb();
    let (runs, window) = sim
        .ledger()
        .producers
        .iter()
        .map(|p| p.kept())
        .fold((0, 0), |(a, b), (r, w)| (a + r, b + w));
    let report = sim.report();
    // The report's classification is part of the run's peak too (bit sets over the records).
    let peak = peak_memory_kb();
    let records = report.records.sent;
    if json {
        let v = serde_json::json!({
            "minutes": minutes,
            "records": records,
            "events": report.events,
            "wall.seconds": secs,
            "cpu.seconds": cpu,
            "peak.memory.kb": peak,
            "peak.memory.kb.before.report": peak_run,
            "ledger.runs": runs,
            "ledger.window": window,
            "acknowledged": report.records.acknowledged,
            "consumed": report.consumed,
            "trace.hash": report.trace_hash,
        });
        println!("{v}");
    } else {
        println!(
            "hour run ({minutes} min): 3 brokers, 12 partitions RF 3, 8 producers x 2,500 records/s, 1 group of 4"
        );
        println!(
            "simulated      {records} records, {} events, {:.1} s of virtual time",
            report.events,
            report.end_ms / 1000.0
        );
        println!("wall clock     {secs:.1} s");
        if let Some(c) = cpu.filter(|c| *c > 0.0) {
            println!("cpu time       {c:.1} s");
        }
        let mb = |kb: Option<u64>| {
            kb.map_or("unknown".to_string(), |kb| {
                format!("{:.1} MB", kb as f64 / 1024.0)
            })
        };
        println!(
            "peak memory    {} (VmHWM; {} before the report)",
            mb(peak),
            mb(peak_run)
        );
        if let Some(kb) = peak.filter(|_| records > 0) {
            println!(
                "per record     {:.1} bytes",
                kb as f64 * 1024.0 / records as f64
            );
        }
        println!("ledger keeps   {runs} status runs + {window} window slots for {records} records");
        println!("acknowledged   {}", report.records.acknowledged);
        println!(
            "consumed       {} by the group ({} redelivered)",
            report.consumed.records, report.consumed.redelivered
        );
        println!("trace.hash     {}", report.trace_hash);
    }
    ExitCode::SUCCESS
}
