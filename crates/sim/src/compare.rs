//! Compare: run B is run A with a `set` of scenario paths changed (the lessons' form), on the
//! same seed and timeline. Both run to the same time; the headline figures side by side, each
//! marked where the two differ. The page's compare view and `kafka-sim compare` read these.

use crate::lesson::{figure, report_json, Figure, Set};
use crate::observe::report::Report;
use crate::scenario::ScenarioErrors;
use crate::support::decimal::Fixed;
use crate::world::sim::Simulation;
use serde_json::Value;

/// The figures compared, as paths into the report (the lessons' figure paths): the ledger's
/// figures in the core's order (the page's compare table shows the same), then speed and
/// latency.
pub fn headline_paths() -> Vec<String> {
    crate::observe::figure::Figure::ALL
        .iter()
        .map(|f| f.report_path())
        .chain(
            [
                "records.delivered",
                "throughput.records.per.sec",
                "latency.ms.p50",
                "latency.ms.p99",
                "latency.ms.max",
            ]
            .map(String::from),
        )
        .collect()
}

/// One figure of both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub path: String,
    pub a: Figure,
    pub b: Figure,
}

impl Row {
    pub fn differs(&self) -> bool {
        self.a != self.b
    }
}

/// The headline figures of two reports, row by row.
pub fn rows(a: &Report, b: &Report) -> Vec<Row> {
    let (ja, jb) = (report_json(a), report_json(b));
    headline_paths()
        .into_iter()
        .map(|path| Row {
            a: figure(&ja, &path),
            b: figure(&jb, &path),
            path,
        })
        .collect()
}

/// Runs A (`doc`) and B (`doc` changed by `set`) to the end; B's problems if the change leaves
/// an invalid scenario.
pub fn run_both(doc: &Value, set: &Set) -> Result<(Report, Report), ScenarioErrors> {
    let a = crate::scenario::resolve_scenario(doc)?;
    let (_, b) = set.apply(doc)?;
    let report = |scenario| {
        let mut sim = Simulation::new(scenario);
        sim.run_to_end();
        sim.report()
    };
    Ok((report(a), report(b)))
}

/// Two columns: the figure, A's value, B's value, and `*` where they differ.
pub fn render(rows: &[Row]) -> String {
    let mut out = format!("{:<32} {:>14} {:>14}\n", "figure", "A", "B");
    for r in rows {
        let mark = if r.differs() { "  *" } else { "" };
        out.push_str(&format!(
            "{:<32} {:>14} {:>14}{mark}\n",
            r.path,
            show(&r.a),
            show(&r.b)
        ));
    }
    out
}

fn show(f: &Figure) -> String {
    match f {
        Figure::Number(n) => Fixed(*n, if n.fract() == 0.0 { 0 } else { 1 }).to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::parse_set;
    use serde_json::json;

    fn doc() -> Value {
        json!({"format": 1, "seed": 3, "duration.ms": 3000,
               "producers": [{"name": "p1", "topic": "orders", "records": 300,
                              "records.per.sec": 1000, "send.mode": "async"}]})
    }

    #[test]
    fn sync_sends_are_slower_than_async_on_the_same_seed() {
        let set = parse_set(&doc(), &json!({"producers[0].send.mode": "sync"})).expect("set");
        let (a, b) = run_both(&doc(), &set).expect("both run");
        let rows = rows(&a, &b);
        let throughput = rows
            .iter()
            .find(|r| r.path == "throughput.records.per.sec")
            .expect("row");
        assert!(throughput.differs());
        let sent = rows.iter().find(|r| r.path == "records.sent").expect("row");
        assert_eq!(sent.a, Figure::Number(300.0));
        assert!(render(&rows).contains("throughput.records.per.sec"));
    }

    #[test]
    fn a_set_that_breaks_the_scenario_is_refused_with_its_path() {
        let err = parse_set(&doc(), &json!({"producers[0].acks": "2"})).expect_err("refused");
        assert!(err.to_string().contains("producers[0].acks"), "{err}");
        let err = parse_set(&doc(), &json!({"producers[0].ackss": "1"})).expect_err("refused");
        assert!(err.to_string().contains("set"), "{err}");
    }
}
