//! The readable form of a report.

use kafka_sim::observe::figure::Figure;
use kafka_sim::scenario::ScenarioNote;
use kafka_sim::Report;
use std::fmt::Write;

pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let c = &r.records;
    // The record figures in the core's order, then the report's addition.
    let rows = Figure::ALL
        .iter()
        .filter_map(|f| f.category().map(|cat| (f.name(), c.get(cat))))
        .chain([("delivered", c.delivered)]);
    for (i, (name, v)) in rows.enumerate() {
        let head = if i == 0 { "records" } else { "" };
        let _ = writeln!(s, "{head:<14} {name:<12} {v:>9}");
    }
    if r.producers.len() > 1 {
        for (name, p) in &r.producers {
            let _ = writeln!(
                s,
                "  {name:<12} sent {} ack {} failed {} lost {} at.risk {} unavailable {} dup {} reordered {} pending {}",
                p.sent,
                p.acknowledged,
                p.failed,
                p.lost,
                p.at_risk,
                p.unavailable,
                p.duplicated,
                p.reordered,
                p.pending
            );
        }
    }
    let _ = writeln!(
        s,
        "consumed       {} (redelivered {})",
        r.consumed.records, r.consumed.redelivered
    );
    // Values with a shape: shown where a run has any of them.
    let c = &r.consumed;
    if c.deserialization_errors + c.misread > 0 {
        let _ = writeln!(
            s,
            "               deserialization.errors {} (skipped {}), misread {}",
            c.deserialization_errors, c.skipped, c.misread
        );
    }
    let registry = &r.schema_registry;
    if r.records.serialization_failed > 0 || registry.schemas > 0 {
        let _ = writeln!(
            s,
            "serialization  failed {}; registry {}: {} schema(s), {} refusal(s)",
            r.records.serialization_failed,
            registry.compatibility.name(),
            registry.schemas,
            registry.refusals
        );
        for (name, subject) in &registry.subjects {
            let _ = writeln!(
                s,
                "  subject {name}: versions {} (ids {:?}), {}, refusals {}",
                subject.versions,
                subject.ids,
                subject.compatibility.name(),
                subject.refusals
            );
        }
    }
    let _ = writeln!(s, "rebalances     {}", r.rebalances);
    for (id, g) in &r.groups {
        let _ = writeln!(
            s,
            "  group {id}: {:?}, generation {}, leader {}, consumed {} (redelivered {}), lag {}",
            g.state,
            g.generation,
            g.leader.as_deref().unwrap_or("-"),
            g.consumed.records,
            g.consumed.redelivered,
            g.lag.values().sum::<u64>()
        );
        for (member, parts) in &g.assignment {
            let list: Vec<String> = parts.iter().map(|(t, p)| format!("{t}-{p}")).collect();
            let _ = writeln!(s, "    {member:<12} [{}]", list.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "throughput     {:.1} records/s",
        r.throughput_records_per_sec
    );
    let _ = writeln!(
        s,
        "latency        p50 {:.3} ms   p99 {:.3} ms   max {:.3} ms",
        r.latency_ms.p50, r.latency_ms.p99, r.latency_ms.max
    );
    let _ = writeln!(
        s,
        "run            {:.1} ms simulated, {} events",
        r.end_ms, r.events
    );
    let _ = writeln!(s, "trace.hash     {}", r.trace_hash);
    s
}

/// The scenario's notes under the table, one per line with its key path.
pub fn render_notes(notes: &[ScenarioNote]) -> String {
    let mut s = String::new();
    for (i, n) in notes.iter().enumerate() {
        let head = if i == 0 { "notes" } else { "" };
        let _ = writeln!(s, "{head:<14} {n}");
    }
    s
}

/// The report as JSON with `notes` added after its keys: `[{"path", "message"}]`, empty when
/// there are none.
pub fn json_with_notes(r: &Report, notes: &[ScenarioNote]) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Note<'a> {
        path: &'a str,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct WithNotes<'a> {
        #[serde(flatten)]
        report: &'a Report,
        notes: Vec<Note<'a>>,
    }
    let notes = notes
        .iter()
        .map(|n| Note {
            path: &n.path,
            message: &n.message,
        })
        .collect();
    serde_json::to_string_pretty(&WithNotes { report: r, notes })
}
