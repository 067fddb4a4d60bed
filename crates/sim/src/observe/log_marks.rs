//! Where a ledger category's records sit in the partition logs: for the page's highlight of a
//! ledger figure on the replica strips. Computed on demand for one category (never by `view`),
//! as runs of consecutive offsets so that "acknowledged" on a long log stays a handful of spans.

use crate::observe::ledger::{Classification, RecordStatus};
use crate::world::sim::Simulation;
use serde::Serialize;

/// The ledger's record figures (the consumer figures count deliveries, not records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordCategory {
    Sent,
    Acknowledged,
    Failed,
    Lost,
    AtRisk,
    Unavailable,
    Duplicated,
    Reordered,
    Pending,
}

/// Offsets `start..end` of one replica's log, each holding a record of the category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LogSpan {
    pub broker: u32,
    /// Global partition index (`Topology::topic_partition` names it).
    pub partition: u32,
    pub start: u64,
    pub end: u64,
    /// Below that replica's high watermark (above it, a later truncation may remove it).
    pub committed: bool,
}

impl LogSpan {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LogMarks {
    /// The category's records by global id, ascending.
    pub records: Vec<u32>,
    /// By broker, partition and offset.
    pub spans: Vec<LogSpan>,
    /// How many of `records` are in no replica's log at all (lost, pending and failed records
    /// usually are: the page says so instead of showing nothing). Lost records can still sit in
    /// a replica that will never serve them (a crashed old leader, a replica out of the ISR).
    pub in_no_log: usize,
}

impl LogMarks {
    /// Offsets marked in all replicas.
    pub fn offsets(&self) -> u64 {
        self.spans.iter().map(LogSpan::len).sum()
    }
}

/// One bit per global record id.
struct IdSet(Vec<u64>);

impl IdSet {
    fn new(len: usize) -> Self {
        IdSet(vec![0; len.div_ceil(64)])
    }

    fn insert(&mut self, id: u32) {
        if let Some(w) = self.0.get_mut(id as usize / 64) {
            *w |= 1 << (id % 64);
        }
    }

    fn contains(&self, id: u32) -> bool {
        self.0
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

impl Simulation {
    /// The records a figure counts, ascending: by what the application was told for sent,
    /// acknowledged, failed and pending (so their number is the figure), by comparison with
    /// the committed logs for the others.
    /// `classification`: of this same moment.
    fn records_in(&self, category: RecordCategory, classification: &Classification) -> Vec<u32> {
        let wanted = match category {
            RecordCategory::Lost
            | RecordCategory::AtRisk
            | RecordCategory::Unavailable
            | RecordCategory::Duplicated
            | RecordCategory::Reordered => {
                let ids = match category {
                    RecordCategory::Lost => &classification.lost_ids,
                    RecordCategory::AtRisk => &classification.at_risk_ids,
                    RecordCategory::Unavailable => &classification.unavailable_ids,
                    RecordCategory::Duplicated => &classification.duplicated_ids,
                    _ => &classification.reordered_ids,
                }
                .clone();
                return ids;
            }
            RecordCategory::Sent => None,
            RecordCategory::Acknowledged => Some(RecordStatus::Acknowledged),
            RecordCategory::Failed => Some(RecordStatus::Failed),
            RecordCategory::Pending => Some(RecordStatus::Pending),
        };
        self.world.ledger.ids_with(wanted)
    }

    /// Every replica's offsets holding a record of `category`, and which of its records are in
    /// no log. Scans each replica's whole log once.
    pub fn log_marks(&self, category: RecordCategory) -> LogMarks {
        self.snapshot().log_marks(category)
    }

    /// `classification`: of this same moment (see `Snapshot`).
    pub(crate) fn log_marks_of(
        &self,
        category: RecordCategory,
        classification: &Classification,
    ) -> LogMarks {
        let records = self.records_in(category, classification);
        if records.is_empty() {
            return LogMarks::default();
        }
        let total = records.last().map_or(0, |&id| id as usize + 1);
        let mut wanted = IdSet::new(total);
        records.iter().for_each(|&id| wanted.insert(id));
        let mut found = IdSet::new(total);
        let mut spans: Vec<LogSpan> = Vec::new();
        for b in &self.world.brokers {
            for r in b.replicas.values() {
                let mut add = |start: u64, end: u64| {
                    let hw = r.high_watermark.clamp(start, end);
                    add_span(&mut spans, b.id, r.partition, start, hw, true);
                    add_span(&mut spans, b.id, r.partition, hw, end, false);
                };
                r.log.walk(|batch| {
                    // Where the current run of wanted records started.
                    let mut run: Option<u64> = None;
                    for (i, id) in batch.records.iter().enumerate() {
                        let offset = batch.base_offset + i as u64;
                        if wanted.contains(id) {
                            found.insert(id);
                            run.get_or_insert(offset);
                        } else if let Some(start) = run.take() {
                            add(start, offset);
                        }
                    }
                    if let Some(start) = run {
                        add(start, batch.end_offset());
                    }
                    std::ops::ControlFlow::Continue(())
                });
            }
        }
        LogMarks {
            in_no_log: records.len() - found.count(),
            records,
            spans,
        }
    }
}

/// Appends offsets `start..end` of a replica, extending the last span when they continue it.
fn add_span(
    spans: &mut Vec<LogSpan>,
    broker: u32,
    partition: u32,
    start: u64,
    end: u64,
    committed: bool,
) {
    if start >= end {
        return;
    }
    match spans.last_mut() {
        Some(s)
            if (s.broker, s.partition, s.end, s.committed)
                == (broker, partition, start, committed) =>
        {
            s.end = end
        }
        _ => spans.push(LogSpan {
            broker,
            partition,
            start,
            end,
            committed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_counts_each_record_once_and_ignores_ids_past_its_end() {
        let mut s = IdSet::new(130);
        for id in [0, 63, 64, 129, 64, 100_000] {
            s.insert(id);
        }
        assert_eq!(s.count(), 4);
        assert!(s.contains(129) && !s.contains(128));
        assert!(!s.contains(100_000));
    }
}
