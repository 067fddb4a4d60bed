//! The run's figures, listed once: their report names, what each means, and the records behind
//! it. The page's ledger and the command line's table derive from this list, so a new figure is
//! added here and nowhere else.

use crate::observe::ledger::RecordCounts;
use crate::observe::log_marks::RecordCategory;
use crate::observe::report::{ConsumedCounts, Figures};

/// One figure of the outcome ledger, in the order the page and the command line list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    Sent,
    Acknowledged,
    Failed,
    Lost,
    AtRisk,
    Unavailable,
    Duplicated,
    Reordered,
    Pending,
    SerializationFailed,
    Consumed,
    Redelivered,
    DeserializationErrors,
    Skipped,
    Misread,
    Rebalances,
}

impl Figure {
    pub const ALL: [Figure; 16] = [
        Figure::Sent,
        Figure::Acknowledged,
        Figure::Failed,
        Figure::Lost,
        Figure::AtRisk,
        Figure::Unavailable,
        Figure::Duplicated,
        Figure::Reordered,
        Figure::Pending,
        Figure::SerializationFailed,
        Figure::Consumed,
        Figure::Redelivered,
        Figure::DeserializationErrors,
        Figure::Skipped,
        Figure::Misread,
        Figure::Rebalances,
    ];

    /// The report's name for the figure (its key in `records`, `consumed` or the report).
    pub fn name(self) -> &'static str {
        match self {
            Figure::Sent => "sent",
            Figure::Acknowledged => "acknowledged",
            Figure::Failed => "failed",
            Figure::Lost => "lost",
            Figure::AtRisk => "at.risk",
            Figure::Unavailable => "unavailable",
            Figure::Duplicated => "duplicated",
            Figure::Reordered => "reordered",
            Figure::Pending => "pending",
            Figure::SerializationFailed => "serialization.failed",
            Figure::DeserializationErrors => "deserialization.errors",
            Figure::Skipped => "skipped",
            Figure::Misread => "misread",
            Figure::Consumed => "consumed",
            Figure::Redelivered => "redelivered",
            Figure::Rebalances => "rebalances",
        }
    }

    /// Where the figure sits in the report (`kafka-sim run --json`, the lessons' paths).
    pub fn report_path(self) -> String {
        match self {
            Figure::Consumed => "consumed.records".to_string(),
            Figure::Redelivered
            | Figure::DeserializationErrors
            | Figure::Skipped
            | Figure::Misread => {
                format!("consumed.{}", self.name())
            }
            Figure::Rebalances => "rebalances".to_string(),
            _ => format!("records.{}", self.name()),
        }
    }

    /// What the figure counts, in a line.
    pub fn meaning(self) -> &'static str {
        match self {
            Figure::Sent => "records the applications handed to send()",
            Figure::Acknowledged => "the application was told the record succeeded",
            Figure::Failed => "the application was told the record failed",
            Figure::Lost => {
                "told success (or nothing), yet gone: truncated, never written, or not on its partition's leader"
            }
            Figure::AtRisk => {
                "told success (or nothing), on the leader but not yet below its high watermark: a new leader can still truncate it"
            }
            Figure::Unavailable => {
                "told success (or nothing), on a partition with no leader: readable once a replica holding it leads"
            }
            Figure::Duplicated => "extra copies in the committed log",
            Figure::Reordered => "committed after a record its producer sent later",
            Figure::Pending => "not settled yet",
            Figure::SerializationFailed => {
                "sends the value serializer failed (SerializationException, e.g. a schema the registry refused): never records"
            }
            Figure::DeserializationErrors => {
                "records a consumer could not deserialize: poll() threw at them (with on.deserialization.error=fail, again at every retry)"
            }
            Figure::Skipped => "of those, records the application caught and sought past",
            Figure::Misread => {
                "records a consumer read without an error but with other values than were written"
            }
            Figure::Consumed => "records consumers processed",
            Figure::Redelivered => "records consumers processed more than once",
            Figure::Rebalances => "consumer group rebalances",
        }
    }

    /// The category of records behind a figure; none for the consumer figures, which count
    /// deliveries and rebalances rather than records.
    pub fn category(self) -> Option<RecordCategory> {
        Some(match self {
            Figure::Sent => RecordCategory::Sent,
            Figure::Acknowledged => RecordCategory::Acknowledged,
            Figure::Failed => RecordCategory::Failed,
            Figure::Lost => RecordCategory::Lost,
            Figure::AtRisk => RecordCategory::AtRisk,
            Figure::Unavailable => RecordCategory::Unavailable,
            Figure::Duplicated => RecordCategory::Duplicated,
            Figure::Reordered => RecordCategory::Reordered,
            Figure::Pending => RecordCategory::Pending,
            Figure::SerializationFailed
            | Figure::Consumed
            | Figure::Redelivered
            | Figure::DeserializationErrors
            | Figure::Skipped
            | Figure::Misread
            | Figure::Rebalances => return None,
        })
    }

    /// Whether the figure counts records that can be pointed at on the stage.
    pub fn has_records(self) -> bool {
        self.category().is_some()
    }

    /// Whether the figure is a producer's: its records, or its failed serializations. The
    /// others are the consumers' (deliveries, errors, rebalances) and belong to no producer.
    pub fn is_producers(self) -> bool {
        self.has_records() || self == Figure::SerializationFailed
    }
}

impl RecordCounts {
    /// The count of one category of records.
    pub fn get(&self, category: RecordCategory) -> u64 {
        match category {
            RecordCategory::Sent => self.sent,
            RecordCategory::Acknowledged => self.acknowledged,
            RecordCategory::Failed => self.failed,
            RecordCategory::Lost => self.lost,
            RecordCategory::AtRisk => self.at_risk,
            RecordCategory::Unavailable => self.unavailable,
            RecordCategory::Duplicated => self.duplicated,
            RecordCategory::Reordered => self.reordered,
            RecordCategory::Pending => self.pending,
        }
    }
}

/// Every figure's value at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureValues([u64; Figure::ALL.len()]);

impl FigureValues {
    /// The values from the record counts and the consumer figures.
    pub fn new(records: &RecordCounts, consumed: u64, redelivered: u64, rebalances: u64) -> Self {
        let mut values = [0; Figure::ALL.len()];
        for (slot, figure) in values.iter_mut().zip(Figure::ALL) {
            *slot = match (figure.category(), figure) {
                (Some(c), _) => records.get(c),
                (None, Figure::SerializationFailed) => records.serialization_failed,
                (None, Figure::Consumed) => consumed,
                (None, Figure::Redelivered) => redelivered,
                (None, Figure::Rebalances) => rebalances,
                (None, _) => 0,
            };
        }
        FigureValues(values)
    }

    /// With the consumers' deserialization figures (`new` leaves them 0).
    pub fn with_deserialization(mut self, c: &ConsumedCounts) -> Self {
        for (figure, value) in [
            (Figure::DeserializationErrors, c.deserialization_errors),
            (Figure::Skipped, c.skipped),
            (Figure::Misread, c.misread),
        ] {
            if let Some(slot) = self.0.get_mut(figure as usize) {
                *slot = value;
            }
        }
        self
    }

    pub fn get(&self, figure: Figure) -> u64 {
        self.0.get(figure as usize).copied().unwrap_or(0)
    }

    /// The record figures (and failed serializations) summed over `counts` alone, say the
    /// producers of one topic; the consumer figures stay as they are.
    pub fn with_records_of<'a>(mut self, counts: impl Iterator<Item = &'a RecordCounts>) -> Self {
        let mut sums = [0; Figure::ALL.len()];
        for c in counts {
            for (sum, figure) in sums.iter_mut().zip(Figure::ALL) {
                *sum += match figure.category() {
                    Some(category) => c.get(category),
                    None if figure == Figure::SerializationFailed => c.serialization_failed,
                    None => 0,
                };
            }
        }
        for (slot, (sum, figure)) in self.0.iter_mut().zip(sums.iter().zip(Figure::ALL)) {
            if figure.is_producers() {
                *slot = *sum;
            }
        }
        self
    }
}

impl From<&Figures> for FigureValues {
    fn from(f: &Figures) -> Self {
        FigureValues::new(
            &f.records,
            f.consumed.records,
            f.consumed.redelivered,
            u64::from(f.rebalances),
        )
        .with_deserialization(&f.consumed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{parse_scenario, DEFAULT_SCENARIO_JSON};
    use crate::Simulation;

    #[test]
    fn all_lists_every_figure_once_in_declaration_order() {
        for (i, f) in Figure::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?} is out of place in Figure::ALL");
        }
    }

    /// The list and the report cannot drift apart: every figure's name is a key of the report
    /// with the value the figure gives.
    #[test]
    fn every_figure_is_the_report_key_of_its_name() {
        let Ok(scenario) = parse_scenario(DEFAULT_SCENARIO_JSON) else {
            panic!("the default scenario is valid");
        };
        let mut sim = Simulation::new(scenario);
        sim.run_to_end();
        let report = serde_json::to_value(sim.report()).unwrap_or_default();
        let values = FigureValues::from(&sim.figures());
        for f in Figure::ALL {
            let key = f.name();
            let in_report = match f {
                Figure::Consumed => &report["consumed"]["records"],
                Figure::Redelivered => &report["consumed"]["redelivered"],
                Figure::Rebalances => &report["rebalances"],
                Figure::DeserializationErrors | Figure::Skipped | Figure::Misread => {
                    &report["consumed"][key]
                }
                _ => &report["records"][key],
            };
            assert_eq!(in_report.as_u64(), Some(values.get(f)), "figure {key}");
        }
        assert!(values.get(Figure::Consumed) > 0, "the scenario consumes");
    }
}
