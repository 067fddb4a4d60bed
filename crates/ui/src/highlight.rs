//! The selected ledger figure found in the run: the records it counts (the stage rings the
//! messages carrying them) and the offsets holding them in each replica's log (the partition
//! log strips mark them). Asked of the core for the selected figure only.

use kafka_sim::observe::figure::Figure;
use kafka_sim::observe::log_marks::LogSpan;
use kafka_sim::observe::snapshot::Snapshot;
use std::fmt::Write;

/// One replica strip's marks, in offset order.
#[derive(Debug, Clone, PartialEq)]
pub struct StripMarks {
    pub broker: u32,
    /// `orders-0`.
    pub partition: String,
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
    strips: Vec<StripMarks>,
}

impl Highlight {
    /// The figure's records in the run at the snapshot's moment, and their ids, ascending.
    pub fn find(snapshot: &Snapshot, figure: Figure) -> (Highlight, Vec<u32>) {
        let marks = figure
            .category()
            .map(|c| snapshot.log_marks(c))
            .unwrap_or_default();
        // The core lists spans replica by replica.
        let mut strips: Vec<StripMarks> = Vec::new();
        for span in &marks.spans {
            match strips.last_mut() {
                Some(s)
                    if s.broker == span.broker
                        && s.spans
                            .first()
                            .is_some_and(|f| f.partition == span.partition) =>
                {
                    s.offsets += span.len();
                    s.spans.push(*span);
                }
                _ => strips.push(StripMarks {
                    broker: span.broker,
                    partition: snapshot.topology().name(span.partition).to_string(),
                    spans: vec![*span],
                    offsets: span.len(),
                }),
            }
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
        self.strips
            .iter()
            .find(|s| s.broker == broker && s.partition == partition)
    }

    /// Every replica strip's marks, replica by replica.
    pub fn strips(&self) -> &[StripMarks] {
        &self.strips
    }

    /// What the highlight shows, on the stage drawn node by node or `aggregated` (where the
    /// partition map outlines the partitions holding the records), and what it cannot (records
    /// in no log).
    pub fn caption(&self, aggregated: bool) -> String {
        let name = self.figure.name();
        if !self.figure.has_records() {
            return format!("{name} counts the consumers' work, not records: nothing is marked.");
        }
        let (records, offsets) = (self.records, self.offsets);
        let mut text = if aggregated {
            format!("{records} record(s) {name}: the partitions holding them ({offsets} offset(s) in all replicas) are outlined on the map.")
        } else {
            format!("{records} record(s) {name}: their messages are ringed on the stage, {offsets} offset(s) marked ▼ in the partition logs.")
        };
        if self.in_no_log > 0 && self.in_no_log == self.records {
            text.push_str(&format!(" {name} records are in no log."));
        } else if self.in_no_log > 0 {
            text.push_str(&format!(" {} of them are in no log.", self.in_no_log));
        }
        text
    }
}

impl StripMarks {
    /// The strip's accessible label: `orders-0 on broker 1: 5 offset(s) hold duplicated
    /// records: 250–254`, listing the first few runs of offsets.
    pub fn label(&self, figure: Figure) -> String {
        const SHOWN: usize = 8;
        let mut text = format!(
            "{} on broker {}: {} offset(s) hold {} records:",
            self.partition,
            self.broker,
            self.offsets,
            figure.name()
        );
        let mut runs = 0;
        let mut spans = self.spans.iter().peekable();
        while let Some(s) = spans.next() {
            let (start, mut end) = (s.start, s.end);
            // Spans split only by the high watermark read as one run.
            while let Some(next) = spans.next_if(|n| n.start == end) {
                end = next.end;
            }
            runs += 1;
            let sep = if runs == 1 { " " } else { ", " };
            let _ = match runs {
                r if r > SHOWN => write!(text, "{sep}…"),
                _ if end - start == 1 => write!(text, "{sep}{start}"),
                _ => write!(text, "{sep}{start}–{}", end - 1),
            };
            if runs > SHOWN {
                break;
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::parse_scenario;
    use kafka_sim::Simulation;

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
        let (h, ids) = Highlight::find(&sim.snapshot(), Figure::Duplicated);
        assert_eq!(ids, [501, 502]);
        assert_eq!((h.records, h.offsets, h.in_no_log), (2, 15, 0));
        let Some(strip) = h.strip(1, "orders-0") else {
            panic!("broker 1 holds orders-0");
        };
        assert_eq!(
            strip.label(h.figure),
            "orders-0 on broker 1: 5 offset(s) hold duplicated records: 250–254"
        );
        assert_eq!(h.strip(1, "orders-1"), None);
        let (consumed, _) = Highlight::find(&sim.snapshot(), Figure::Consumed);
        assert!(consumed.caption(false).contains("nothing is marked"));
    }

    #[test]
    fn a_label_reads_runs_split_by_the_high_watermark_as_one_and_elides_past_eight() {
        let span = |start, end, committed| LogSpan {
            broker: 2,
            partition: 0,
            start,
            end,
            committed,
        };
        let mut spans = vec![span(10, 12, true), span(12, 15, false)];
        spans.extend((20..29).map(|o| span(o * 2, o * 2 + 1, false)));
        let strip = StripMarks {
            broker: 2,
            partition: "orders-0".into(),
            spans,
            offsets: 14,
        };
        assert_eq!(
            strip.label(Figure::Pending),
            "orders-0 on broker 2: 14 offset(s) hold pending records: 10–14, 40, 42, 44, 46, 48, 50, 52, …"
        );
    }

    #[test]
    fn lost_records_truncated_from_every_log_are_said_to_be_in_no_log() {
        let sim = run(include_str!(
            "../../sim/tests/scenarios/acks_1_leader_crash.json"
        ));
        let (h, _) = Highlight::find(&sim.snapshot(), Figure::Lost);
        assert_eq!((h.records, h.offsets, h.in_no_log), (13, 0, 13));
        assert!(
            h.caption(false).ends_with(
                "0 offset(s) marked ▼ in the partition logs. lost records are in no log."
            ),
            "{}",
            h.caption(false)
        );
    }

    #[test]
    fn a_record_at_risk_is_marked_above_the_high_watermark_of_every_replica_holding_it() {
        let sim = run(include_str!(
            "../../sim/tests/scenarios/acks_1_ends_mid_replication.json"
        ));
        let (h, ids) = Highlight::find(&sim.snapshot(), Figure::AtRisk);
        // The followers fetched it; the leader learns so from their next fetch, which the end
        // of the run cuts off, so the high watermark has not passed it anywhere.
        assert_eq!((h.records, h.offsets, h.in_no_log), (1, 3, 0));
        assert_eq!(ids.len(), 1);
        assert_eq!(h.strips.len(), 3);
        assert!(h.strips.iter().flat_map(|s| &s.spans).all(|s| !s.committed));
    }
}
