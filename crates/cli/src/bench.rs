//! `kafka-sim bench`: the busy reference scenario, natively, with wall-clock figures.

use kafka_sim::presets::busy_reference;
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

pub fn run(json: bool) -> ExitCode {
    let scenario = busy_reference();
    let start = Instant::now();
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let report = sim.report();
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
            "peak.memory.kb": peak,
            "acknowledged": report.records.acknowledged,
            "trace.hash": report.trace_hash,
        });
        println!("{v}");
    } else {
        println!("busy reference scenario: 3 brokers, 12 partitions RF 3, 4 async producers");
        println!(
            "simulated      {records} records, {events} events, {:.1} s of virtual time",
            report.end_ms / 1000.0
        );
        println!("wall clock     {secs:.3} s");
        println!("records/s      {:.0}", records as f64 / secs);
        println!("events/s       {:.0}", events as f64 / secs);
        match peak {
            Some(kb) => println!("peak memory    {:.1} MB (VmHWM)", kb as f64 / 1024.0),
            None => println!("peak memory    unknown"),
        }
        println!("acknowledged   {}", report.records.acknowledged);
        println!("trace.hash     {}", report.trace_hash);
    }
    ExitCode::SUCCESS
}
