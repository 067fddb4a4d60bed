//! `kafka-sim bench --sweep`: the busy reference scenario's records at several sizes, with
//! events and records per second against the partition count and against the clients.
//! Figures only: nothing here fails on a target.

use kafka_sim::scenario::presets::busy_scaled;
use kafka_sim::Simulation;
use std::process::ExitCode;
use std::time::Instant;

/// One size to run: the topic's partitions, the producers, and each group's consumers.
struct Size {
    axis: &'static str,
    partitions: u32,
    producers: u32,
    groups: &'static [u32],
}

impl Size {
    fn clients(&self) -> u32 {
        self.producers + self.groups.iter().sum::<u32>()
    }
}

/// Against partitions: the reference's 10 clients (4 producers, groups of 4 and 2). Against
/// clients: 100 partitions (every consumer of a 25-member group gets some), half producers.
const SIZES: &[Size] = &[
    Size {
        axis: "partitions",
        partitions: 12,
        producers: 4,
        groups: &[4, 2],
    },
    Size {
        axis: "partitions",
        partitions: 100,
        producers: 4,
        groups: &[4, 2],
    },
    Size {
        axis: "partitions",
        partitions: 1000,
        producers: 4,
        groups: &[4, 2],
    },
    Size {
        axis: "clients",
        partitions: 100,
        producers: 2,
        groups: &[2],
    },
    Size {
        axis: "clients",
        partitions: 100,
        producers: 10,
        groups: &[6, 4],
    },
    Size {
        axis: "clients",
        partitions: 100,
        producers: 25,
        groups: &[15, 10],
    },
];

/// CPU time this thread has run, in seconds: /proc/self/schedstat in ns (steadier than the
/// wall clock on a machine shared with other work).
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

struct Row {
    size: &'static Size,
    records: u64,
    events: u64,
    wall: f64,
    cpu: Option<f64>,
    hash: String,
}

impl Row {
    /// CPU seconds where known, else wall seconds.
    fn secs(&self) -> f64 {
        self.cpu.unwrap_or(self.wall).max(1e-9)
    }
}

fn measure(size: &'static Size) -> Row {
    let scenario = busy_scaled(size.partitions, size.producers, size.groups);
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    let wall = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    let report = sim.report();
    Row {
        size,
        records: report.records.sent,
        events: report.events,
        wall,
        cpu,
        hash: report.trace_hash,
    }
}

pub fn run(json: bool) -> ExitCode {
    let rows: Vec<Row> = SIZES.iter().map(measure).collect();
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "axis": r.size.axis,
                    "partitions": r.size.partitions,
                    "clients": r.size.clients(),
                    "records": r.records,
                    "events": r.events,
                    "wall.seconds": r.wall,
                    "cpu.seconds": r.cpu,
                    "events.per.sec": r.events as f64 / r.secs(),
                    "records.per.sec": r.records as f64 / r.secs(),
                    "trace.hash": r.hash,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(v));
        return ExitCode::SUCCESS;
    }
    println!("busy reference records (1,200,000 at 120,000/s, 3 brokers, RF 3) at several sizes;");
    println!("per second of CPU time (wall clock where unknown)");
    println!(
        "{:<11} {:>10} {:>7} {:>10} {:>7} {:>12} {:>12} {:>7}",
        "against", "partitions", "clients", "events", "cpu s", "events/s", "records/s", "wall s"
    );
    let f = |x: f64| {
        let s = format!("{:.0}", x);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    for r in &rows {
        println!(
            "{:<11} {:>10} {:>7} {:>10} {:>7.2} {:>12} {:>12} {:>7.2}",
            r.size.axis,
            r.size.partitions,
            r.size.clients(),
            r.events,
            r.secs(),
            f(r.events as f64 / r.secs()),
            f(r.records as f64 / r.secs()),
            r.wall
        );
    }
    ExitCode::SUCCESS
}
