//! The selected ledger figure found in the run: the records it counts (the stage rings the
//! messages carrying them) and the offsets holding them in each replica's log (the partition
//! log strips mark them). Asked of the core for the selected figure only.

use crate::engine::Figure;
use kafka_sim::log_marks::{LogSpan, RecordCategory};
use kafka_sim::Simulation;
use std::collections::BTreeMap;

impl Figure {
    /// The core's category of records behind a figure; none for the consumer figures, which
    /// count deliveries and rebalances rather than records.
    pub fn category(self) -> Option<RecordCategory> {
        Some(match self {
            Figure::Sent => RecordCategory::Sent,
            Figure::Acknowledged => RecordCategory::Acknowledged,
            Figure::Failed => RecordCategory::Failed,
            Figure::Lost => RecordCategory::Lost,
            Figure::Duplicated => RecordCategory::Duplicated,
            Figure::Reordered => RecordCategory::Reordered,
            Figure::Pending => RecordCategory::Pending,
            Figure::Consumed | Figure::Redelivered | Figure::Rebalances => return None,
        })
    }

    /// Whether clicking it can point at records on the stage.
    pub fn has_records(self) -> bool {
        self.category().is_some()
    }
}

/// One replica strip's marks, in offset order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StripMarks {
    pub spans: Vec<LogSpan>,
    pub offsets: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub figure: Figure,
    /// How many records the figure stands for.
    pub records: usize,
    /// How many of them are in no replica's log.
    pub in_no_log: usize,
    /// Offsets marked in all strips.
    pub offsets: u64,
    /// By broker id and partition name (`orders-0`).
    strips: BTreeMap<(u32, String), StripMarks>,
}

impl Highlight {
    /// The figure's records in the run as it stands, and their ids, ascending.
    pub fn find(sim: &Simulation, figure: Figure) -> (Highlight, Vec<u32>) {
        let marks = figure
            .category()
            .map(|c| sim.log_marks(c))
            .unwrap_or_default();
        let mut strips: BTreeMap<(u32, String), StripMarks> = BTreeMap::new();
        for span in &marks.spans {
            let name = sim.topology().name(span.partition).to_string();
            let strip = strips.entry((span.broker, name)).or_default();
            strip.offsets += span.len();
            strip.spans.push(*span);
        }
        let highlight = Highlight {
            figure,
            records: marks.records.len(),
            in_no_log: marks.in_no_log,
            offsets: marks.offsets(),
            strips,
        };
        (highlight, marks.records)
    }

    /// The marks on the strip of `partition` (`orders-0`) on `broker`.
    pub fn strip(&self, broker: u32, partition: &str) -> Option<&StripMarks> {
        self.strips.get(&(broker, partition.to_string()))
    }

    /// What the highlight shows, and what it cannot (records in no log).
    pub fn caption(&self) -> String {
        let name = self.figure.name();
        if !self.figure.has_records() {
            return format!("{name} counts the consumers' work, not records: nothing is marked.");
        }
        let mut text = format!(
            "{} record(s) {name}: their messages are ringed on the stage, {} offset(s) marked ▼ in the partition logs.",
            self.records, self.offsets
        );
        if self.in_no_log > 0 && self.in_no_log == self.records {
            text.push_str(&format!(" {name} records are in no log."));
        } else if self.in_no_log > 0 {
            text.push_str(&format!(" {} of them are in no log.", self.in_no_log));
        }
        text
    }
}

/// A strip's accessible label: `orders-0 on broker 1: 5 offsets hold duplicated records:
/// 250–254`, listing the first few runs of offsets.
pub fn strip_label(partition: &str, broker: u32, figure: Figure, marks: &StripMarks) -> String {
    const SHOWN: usize = 8;
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for s in &marks.spans {
        match runs.last_mut() {
            // Spans split only by the high watermark read as one run.
            Some(last) if last.1 == s.start => last.1 = s.end,
            _ => runs.push((s.start, s.end)),
        }
    }
    let mut list: Vec<String> = runs
        .iter()
        .take(SHOWN)
        .map(|&(a, b)| {
            if b - a == 1 {
                a.to_string()
            } else {
                format!("{a}–{}", b - 1)
            }
        })
        .collect();
    if runs.len() > SHOWN {
        list.push("…".to_string());
    }
    format!(
        "{partition} on broker {broker}: {} offset(s) hold {} records: {}",
        marks.offsets,
        figure.name(),
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::parse_scenario;

    /// One of the core's pinned scenario files, run to its end.
    fn run(text: &str) -> Simulation {
        let Ok(scenario) = parse_scenario(text) else {
            panic!("the core's pinned scenario is valid");
        };
        let mut sim = Simulation::new(scenario);
        sim.run_to_end();
        sim
    }

    #[test]
    fn duplicated_records_are_marked_on_each_replica_strip_of_their_partition() {
        let sim = run(include_str!(
            "../../sim/tests/scenarios/timeout_after_append_idempotence_false.json"
        ));
        let (h, ids) = Highlight::find(&sim, Figure::Duplicated);
        assert_eq!(ids, [501, 502]);
        assert_eq!((h.records, h.offsets, h.in_no_log), (2, 15, 0));
        let Some(strip) = h.strip(1, "orders-0") else {
            panic!("broker 1 holds orders-0");
        };
        assert_eq!(
            strip_label("orders-0", 1, h.figure, strip),
            "orders-0 on broker 1: 5 offset(s) hold duplicated records: 250–254"
        );
        assert_eq!(h.strip(1, "orders-1"), None);
        let (consumed, _) = Highlight::find(&sim, Figure::Consumed);
        assert!(consumed.caption().contains("nothing is marked"));
    }

    #[test]
    fn lost_records_truncated_from_every_log_are_said_to_be_in_no_log() {
        let sim = run(include_str!(
            "../../sim/tests/scenarios/acks_1_leader_crash.json"
        ));
        let (h, _) = Highlight::find(&sim, Figure::Lost);
        assert_eq!((h.records, h.offsets, h.in_no_log), (13, 0, 13));
        assert!(
            h.caption().ends_with(
                "0 offset(s) marked ▼ in the partition logs. lost records are in no log."
            ),
            "{}",
            h.caption()
        );
    }
}
