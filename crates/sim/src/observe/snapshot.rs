//! One moment of a run, classified once. Classifying the ledger against the committed logs is
//! the costly part of every observation, so a frame takes one [`Snapshot`] and asks it for the
//! view, the figures, the log marks of a selected figure and the messages on the wires with
//! what becomes of them.

use crate::observe::ledger::Classification;
use crate::observe::log_marks::{LogMarks, RecordCategory};
use crate::observe::report::Figures;
use crate::observe::view::View;
use crate::world::network::{Fate, MessageInFlight};
use crate::world::sim::Simulation;
use crate::world::topology::Topology;

/// What becomes of a message on a wire, as far as the run can tell now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageOutcome {
    /// Will arrive (or has, and is about to vanish).
    Delivered,
    /// A produce request carrying a retried batch.
    Retried,
    /// A segment of it was lost and TCP retransmitted it: it arrives late.
    Retransmitted,
    /// Its destination is down or cut off.
    Dropped,
    /// Carries records that end up duplicated in the committed log.
    Duplicate,
    /// Carries records that end up out of order in the committed log.
    OutOfOrder,
}

impl MessageOutcome {
    pub fn name(self) -> &'static str {
        match self {
            MessageOutcome::Delivered => "delivered",
            MessageOutcome::Retried => "retried",
            MessageOutcome::Retransmitted => "retransmitted",
            MessageOutcome::Dropped => "dropped",
            MessageOutcome::Duplicate => "duplicate",
            MessageOutcome::OutOfOrder => "out of order",
        }
    }
}

/// A run at one moment with its ledger classified.
pub struct Snapshot<'a> {
    sim: &'a Simulation,
    classification: Classification,
}

impl Simulation {
    /// This moment, classified once for everything a frame asks of it.
    pub fn snapshot(&self) -> Snapshot<'_> {
        self.snapshot_classified(self.classify())
    }

    /// This moment with a classification taken earlier (a playing page refreshes a long run's
    /// ledger every few frames): the view's logs are now, the figures and outcomes then.
    pub fn snapshot_classified(&self, classification: Classification) -> Snapshot<'_> {
        Snapshot {
            sim: self,
            classification,
        }
    }
}

impl Snapshot<'_> {
    pub fn now_us(&self) -> u64 {
        self.sim.now_us()
    }

    pub fn topology(&self) -> &Topology {
        self.sim.topology()
    }

    pub fn classification(&self) -> &Classification {
        &self.classification
    }

    pub fn view(&self) -> View {
        self.sim.view_of(&self.classification)
    }

    pub fn figures(&self) -> Figures {
        self.sim.figures_of(&self.classification)
    }

    /// Every replica's offsets holding a record of `category`, and its records in no log.
    pub fn log_marks(&self, category: RecordCategory) -> LogMarks {
        self.sim.log_marks_of(category, &self.classification)
    }

    /// The messages on a wire now (departed, not yet arrived), in departure order, each with
    /// what becomes of it.
    pub fn messages(&self) -> impl Iterator<Item = (&MessageInFlight, MessageOutcome)> + '_ {
        let now = self.now_us();
        self.sim
            .messages_in_flight()
            .into_iter()
            .filter(move |m| m.depart_us <= now && m.arrive_us >= now)
            .map(|m| (m, self.outcome(m)))
    }

    fn outcome(&self, m: &MessageInFlight) -> MessageOutcome {
        let carries = |ids: &[u32]| {
            m.record_ranges.iter().any(|&(first, last)| {
                let i = ids.partition_point(|&id| id < first);
                ids.get(i).is_some_and(|&id| id <= last)
            })
        };
        match m.fate {
            Fate::Dropped => MessageOutcome::Dropped,
            _ if carries(&self.classification.duplicated_ids) => MessageOutcome::Duplicate,
            _ if carries(&self.classification.reordered_ids) => MessageOutcome::OutOfOrder,
            _ if m.is_retry => MessageOutcome::Retried,
            Fate::Retransmitted => MessageOutcome::Retransmitted,
            _ => MessageOutcome::Delivered,
        }
    }
}
