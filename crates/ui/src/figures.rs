//! The ledger's figures as the page lists them, and the ledger at the playback position: the
//! vocabulary the run cache, the highlight and the components share (its own module, so none
//! of them imports another for it).

use kafka_sim::observe::log_marks::RecordCategory;

/// The outcome ledger's figures, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    Sent,
    Acknowledged,
    Failed,
    Lost,
    Duplicated,
    Reordered,
    Pending,
    Consumed,
    Redelivered,
    Rebalances,
}

impl Figure {
    pub const ALL: [Figure; 10] = [
        Figure::Sent,
        Figure::Acknowledged,
        Figure::Failed,
        Figure::Lost,
        Figure::Duplicated,
        Figure::Reordered,
        Figure::Pending,
        Figure::Consumed,
        Figure::Redelivered,
        Figure::Rebalances,
    ];

    /// The report's name for the figure.
    pub fn name(self) -> &'static str {
        match self {
            Figure::Sent => "sent",
            Figure::Acknowledged => "acknowledged",
            Figure::Failed => "failed",
            Figure::Lost => "lost",
            Figure::Duplicated => "duplicated",
            Figure::Reordered => "reordered",
            Figure::Pending => "pending",
            Figure::Consumed => "consumed",
            Figure::Redelivered => "redelivered",
            Figure::Rebalances => "rebalances",
        }
    }
}

/// The ledger at the playback position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub pending: u64,
    pub consumed: u64,
    pub redelivered: u64,
    pub rebalances: u64,
}

impl Ledger {
    pub fn get(&self, figure: Figure) -> u64 {
        match figure {
            Figure::Sent => self.sent,
            Figure::Acknowledged => self.acknowledged,
            Figure::Failed => self.failed,
            Figure::Lost => self.lost,
            Figure::Duplicated => self.duplicated,
            Figure::Reordered => self.reordered,
            Figure::Pending => self.pending,
            Figure::Consumed => self.consumed,
            Figure::Redelivered => self.redelivered,
            Figure::Rebalances => self.rebalances,
        }
    }
}

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
