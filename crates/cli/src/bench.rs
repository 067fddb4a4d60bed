//! `kafka-sim bench`: the busy reference scenario, natively, with wall-clock figures.

use kafka_sim::scenario::presets::busy_reference;
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

/// CPU seconds (user + system) this process used, from /proc/self/stat (clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

pub fn run(json: bool) -> ExitCode {
    let scenario = busy_reference();
    let start = Instant::now();
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = cpu_seconds();
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
        println!("wall clock     {secs:.3} s");
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
