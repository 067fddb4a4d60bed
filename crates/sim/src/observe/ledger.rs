//! The outcome ledger: every record from the application's `send()` to the committed log.
//! Memory follows what is in flight, not what was sent: per producer, the statuses of settled
//! records are runs of consecutive ids (`StatusRuns`: a long acknowledged stretch is one
//! entry), and only the window from the oldest unsettled record on keeps one slot per record
//! (its send time, for the latency histogram). Classification against the partitions' logs
//! happens on demand (the format's exact definitions, see `classify`), over bit sets.

mod classify;

pub use classify::{
    Batches, Classification, CommittedScan, PartitionLogs, RecordCounts, RecordFate, WalkBatches,
};

use crate::support::vec_map::VecMap;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::VecDeque;

/// What the producer (and through it the application) knows of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordStatus {
    /// Handed to the producer, no result yet.
    Pending,
    /// The application was told it succeeded.
    Acknowledged,
    /// The application was told it failed.
    Failed,
    /// Fire-and-forget: the producer finished with it (success or failure), the application
    /// never looked.
    Unobserved,
}

/// One record's send: when and to which partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordEntry {
    pub sent_us: u64,
    pub partition: u32,
}

/// How many sends per producer the trail keeps (16 bytes each: 1 MiB per producer).
pub const SEND_TRAIL_RECORDS: usize = 1 << 16;

/// The send time and partition of a producer's first `SEND_TRAIL_RECORDS` records, for tests
/// and drill-down on small runs; later sends are only counted (the ledger's figures never
/// read the trail).
#[derive(Debug, Clone, Default)]
pub struct SendTrail {
    kept: Vec<RecordEntry>,
}

impl SendTrail {
    fn push(&mut self, e: RecordEntry) {
        if self.kept.len() < SEND_TRAIL_RECORDS {
            self.kept.push(e);
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, RecordEntry> {
        self.kept.iter()
    }

    /// Sends kept (at most `SEND_TRAIL_RECORDS`; `ProducerLedger::sent` counts them all).
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    pub fn get(&self, offset: usize) -> Option<&RecordEntry> {
        self.kept.get(offset)
    }
}

/// Settled statuses of offsets `0..end` as runs: each `(start, status)` lasts until the next
/// run's start (or `end`). Appending the status the last run has extends it, so a producer
/// whose records are all acknowledged keeps one run however many it sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusRuns {
    runs: Vec<(u32, RecordStatus)>,
    end: u32,
}

impl StatusRuns {
    /// Appends offset `end` with `status`.
    pub fn push(&mut self, status: RecordStatus) {
        if self.runs.last().is_none_or(|&(_, s)| s != status) {
            self.runs.push((self.end, status));
        }
        self.end += 1;
    }

    /// Offsets covered (`0..end`).
    pub fn end(&self) -> u32 {
        self.end
    }

    /// Runs kept (entries, not offsets).
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    pub fn get(&self, offset: u32) -> Option<RecordStatus> {
        if offset >= self.end {
            return None;
        }
        let i = self.runs.partition_point(|&(start, _)| start <= offset);
        self.runs.get(i.checked_sub(1)?).map(|&(_, s)| s)
    }

    /// `(start, end, status)` of each run, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32, RecordStatus)> + '_ {
        self.runs.iter().enumerate().map(|(i, &(start, s))| {
            let end = self.runs.get(i + 1).map_or(self.end, |&(next, _)| next);
            (start, end, s)
        })
    }
}

/// A record from the oldest unsettled one on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Sent at this time (µs), no result yet.
    Pending(u64),
    Settled(RecordStatus),
}

#[derive(Debug, Clone, Default)]
pub struct ProducerLedger {
    pub base: u32,
    /// Statuses of offsets below the window (all settled).
    settled: StatusRuns,
    /// Offsets `settled.end() ..`: the oldest is pending (or the window is empty).
    window: VecDeque<Slot>,
    /// The first sends' times and partitions (see `SendTrail`).
    pub entries: SendTrail,
    pub acknowledged: u64,
    pub failed: u64,
    pub unobserved: u64,
}

impl ProducerLedger {
    /// Records sent so far.
    pub fn sent(&self) -> u32 {
        self.settled.end() + self.window.len() as u32
    }

    pub fn pending(&self) -> u64 {
        u64::from(self.sent()) - self.acknowledged - self.failed - self.unobserved
    }

    /// The status of the record at `offset` (its id less `base`).
    pub fn status_at(&self, offset: u32) -> Option<RecordStatus> {
        if offset < self.settled.end() {
            return self.settled.get(offset);
        }
        match self.window.get((offset - self.settled.end()) as usize)? {
            Slot::Pending(_) => Some(RecordStatus::Pending),
            Slot::Settled(s) => Some(*s),
        }
    }

    /// `(start, end, status)` over offsets `0..sent()`, ascending, adjacent runs of one status
    /// merged.
    pub fn status_runs(&self) -> Vec<(u32, u32, RecordStatus)> {
        let mut out: Vec<(u32, u32, RecordStatus)> = Vec::new();
        let mut add = |start: u32, end: u32, s: RecordStatus| match out.last_mut() {
            Some(last) if last.2 == s && last.1 == start => last.1 = end,
            _ => out.push((start, end, s)),
        };
        for (start, end, s) in self.settled.iter() {
            add(start, end, s);
        }
        let from = self.settled.end();
        for (i, slot) in self.window.iter().enumerate() {
            let s = match slot {
                Slot::Pending(_) => RecordStatus::Pending,
                Slot::Settled(s) => *s,
            };
            let at = from + i as u32;
            add(at, at + 1, s);
        }
        out
    }

    /// Entries the ledger keeps for this producer: status runs plus window slots (the trail
    /// aside). For the benchmark and tests of the compact form.
    pub fn kept(&self) -> (usize, usize) {
        (self.settled.runs(), self.window.len())
    }

    fn record_sent(&mut self, partition: u32, now: u64) -> u32 {
        let offset = self.sent();
        self.entries.push(RecordEntry {
            sent_us: now,
            partition,
        });
        self.window.push_back(Slot::Pending(now));
        offset
    }

    /// Moves the settled front of the window into the runs.
    fn advance(&mut self) {
        while let Some(&Slot::Settled(s)) = self.window.front() {
            self.settled.push(s);
            self.window.pop_front();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Ledger {
    pub producers: Vec<ProducerLedger>,
    /// Send-to-acknowledgement latency of acknowledged records, in microseconds.
    latency: Option<Histogram<u64>>,
    pub first_send_us: Option<u64>,
    pub last_success_us: u64,
    pub successes: u64,
    /// The consumer side, per consumer group (by group index).
    pub groups: Vec<GroupConsumption>,
    /// Value bytes of records written with a shape.
    pub values: crate::observe::values::ValueLog,
}

/// What a consumer group's applications were handed. A record is known by its partition and
/// offset, so a second delivery of the same offset (a new owner restarting from an older
/// commit after a rebalance or a crash: at-least-once) counts as redelivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupConsumption {
    /// Deliveries of distinct records.
    pub records: u64,
    /// Extra deliveries of records already delivered to the group.
    pub redelivered: u64,
    /// Per global partition: the end of the highest offset range delivered so far.
    pub delivered_end: VecMap<u32, u64>,
    /// Records whose value the deserializer could not read (each counted once per consumer
    /// that met it, however often `poll()` throws again at it).
    pub deserialization_errors: u64,
    /// Of those, records the application caught and sought past.
    pub skipped: u64,
    /// Records handed to the application without an error but with other values than the
    /// producer wrote.
    pub misread: u64,
}

impl Ledger {
    pub fn new(record_counts: &[u64]) -> Self {
        let mut base: u64 = 0;
        let producers = record_counts
            .iter()
            .map(|&n| {
                let b = base.min(u64::from(u32::MAX)) as u32;
                base = base.saturating_add(n);
                ProducerLedger {
                    base: b,
                    ..Default::default()
                }
            })
            .collect();
        Ledger {
            producers,
            latency: Histogram::new_with_bounds(1, 1_000_000_000_000, 3).ok(),
            first_send_us: None,
            last_success_us: 0,
            successes: 0,
            groups: Vec::new(),
            values: Default::default(),
        }
    }

    /// A group's consumption figures, created on first use.
    pub fn group_mut(&mut self, group: u32) -> Option<&mut GroupConsumption> {
        let g = group as usize;
        if self.groups.len() <= g {
            self.groups.resize_with(g + 1, GroupConsumption::default);
        }
        self.groups.get_mut(g)
    }

    /// Counts the delivery of offsets `from .. to` of a partition to a group's application.
    /// Consumers read a partition in order, so everything below the highest delivered end
    /// was delivered before.
    pub fn record_delivery(&mut self, group: u32, partition: u32, from: u64, to: u64) {
        let g = group as usize;
        if self.groups.len() <= g {
            self.groups.resize_with(g + 1, GroupConsumption::default);
        }
        let Some(c) = self.groups.get_mut(g) else {
            return;
        };
        let end = c.delivered_end.get_or_insert_with(partition, || 0);
        let again = to.min(*end).saturating_sub(from);
        let fresh = to.saturating_sub(from) - again;
        c.redelivered += again;
        c.records += fresh;
        *end = (*end).max(to);
    }

    /// Registers a record the application sends now; returns its global id.
    pub fn record_sent(&mut self, producer: usize, partition: u32, now: u64) -> u32 {
        self.first_send_us.get_or_insert(now);
        let Some(p) = self.producers.get_mut(producer) else {
            return u32::MAX;
        };
        let offset = p.record_sent(partition, now);
        p.base.saturating_add(offset)
    }

    /// Settles records of one producer. `observed` is false for fire-and-forget.
    pub fn settle(
        &mut self,
        producer: usize,
        ids: &[u32],
        success: bool,
        observed: bool,
        now: u64,
    ) {
        let Some(p) = self.producers.get_mut(producer) else {
            return;
        };
        let status = match (observed, success) {
            (false, _) => RecordStatus::Unobserved,
            (true, true) => RecordStatus::Acknowledged,
            (true, false) => RecordStatus::Failed,
        };
        let from = p.settled.end();
        for &id in ids {
            // Below the window: settled already.
            let Some(at) = id.wrapping_sub(p.base).checked_sub(from) else {
                continue;
            };
            let Some(slot) = p.window.get_mut(at as usize) else {
                continue;
            };
            let Slot::Pending(sent_us) = *slot else {
                continue;
            };
            *slot = Slot::Settled(status);
            match status {
                RecordStatus::Acknowledged => {
                    p.acknowledged += 1;
                    if let Some(h) = self.latency.as_mut() {
                        h.saturating_record(now.saturating_sub(sent_us));
                    }
                }
                RecordStatus::Failed => p.failed += 1,
                _ => p.unobserved += 1,
            }
            if success {
                self.successes += 1;
                self.last_success_us = self.last_success_us.max(now);
            }
        }
        p.advance();
    }

    pub fn status(&self, producer: usize, id: u32) -> Option<RecordStatus> {
        let p = self.producers.get(producer)?;
        p.status_at(id.wrapping_sub(p.base))
    }

    pub fn total_sent(&self) -> u64 {
        self.producers.iter().map(|p| u64::from(p.sent())).sum()
    }

    /// Records the application was told succeeded: the classification's `acknowledged`, kept
    /// as the run goes.
    pub fn total_acknowledged(&self) -> u64 {
        self.producers.iter().map(|p| p.acknowledged).sum()
    }

    pub(crate) fn producer_of(&self, id: u32) -> Option<usize> {
        let i = self.producers.partition_point(|p| p.base <= id);
        let i = i.checked_sub(1)?;
        let p = self.producers.get(i)?;
        (id.wrapping_sub(p.base) < p.sent()).then_some(i)
    }

    /// Latency percentiles in milliseconds (p50, p99, max); zeros when nothing was acknowledged.
    pub fn latency_ms(&self) -> (f64, f64, f64) {
        match &self.latency {
            Some(h) if !h.is_empty() => (
                h.value_at_quantile(0.50) as f64 / 1000.0,
                h.value_at_quantile(0.99) as f64 / 1000.0,
                h.max() as f64 / 1000.0,
            ),
            _ => (0.0, 0.0, 0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A led partition whose leader holds `committed` below its high watermark and nothing above.
    fn led<'a>(committed: Vec<&'a [u32]>) -> Vec<PartitionLogs<'a>> {
        vec![PartitionLogs {
            led: true,
            committed: committed.into(),
            ..Default::default()
        }]
    }

    fn ledger_with(n: u64) -> Ledger {
        let mut l = Ledger::new(&[n]);
        for t in 0..n {
            l.record_sent(0, 0, t);
        }
        l
    }

    #[test]
    fn status_runs_merge_adjacent_settled_records_of_one_status() {
        let mut r = StatusRuns::default();
        for s in [
            RecordStatus::Acknowledged,
            RecordStatus::Acknowledged,
            RecordStatus::Failed,
            RecordStatus::Acknowledged,
            RecordStatus::Acknowledged,
        ] {
            r.push(s);
        }
        assert_eq!((r.end(), r.runs()), (5, 3));
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            [
                (0, 2, RecordStatus::Acknowledged),
                (2, 3, RecordStatus::Failed),
                (3, 5, RecordStatus::Acknowledged)
            ]
        );
        assert_eq!(r.get(2), Some(RecordStatus::Failed));
        assert_eq!(r.get(4), Some(RecordStatus::Acknowledged));
        assert_eq!(r.get(5), None);
    }

    #[test]
    fn a_million_acknowledged_records_keep_one_run_and_no_window() {
        let mut l = Ledger::new(&[1_000_000]);
        for t in 0..1_000_000u64 {
            let id = l.record_sent(0, (t % 12) as u32, t);
            l.settle(0, &[id], true, true, t + 5);
        }
        assert_eq!(l.producers[0].kept(), (1, 0));
        assert_eq!(l.producers[0].sent(), 1_000_000);
        assert_eq!(l.producers[0].entries.len(), SEND_TRAIL_RECORDS);
        assert_eq!(l.latency_ms().2, 0.005);
    }

    #[test]
    fn records_acknowledged_out_of_order_wait_in_the_window_then_merge() {
        let mut l = ledger_with(6);
        l.settle(0, &[3, 1, 4], true, true, 10);
        // Record 0 is still pending: everything from it on stays in the window.
        assert_eq!(l.producers[0].kept(), (0, 6));
        assert_eq!(l.status(0, 1), Some(RecordStatus::Acknowledged));
        assert_eq!(l.status(0, 2), Some(RecordStatus::Pending));
        l.settle(0, &[0, 2], true, true, 20);
        assert_eq!(l.producers[0].kept(), (1, 1));
        l.settle(0, &[5], false, true, 30);
        assert_eq!(l.producers[0].kept(), (2, 0));
        // Settling again changes nothing.
        l.settle(0, &[0, 5], false, false, 40);
        assert_eq!((l.producers[0].acknowledged, l.producers[0].failed), (5, 1));
        assert_eq!(l.producers[0].unobserved, 0);
        assert_eq!(l.ids_with(Some(RecordStatus::Failed)), vec![5]);
    }

    #[test]
    fn duplicates_and_reorderings_still_count_over_settled_runs() {
        let mut l = ledger_with(6);
        l.settle(0, &[0, 1, 2, 3, 4, 5], true, true, 10);
        assert_eq!(l.producers[0].kept(), (1, 0));
        let c = l.classify(&led(vec![&[2u32, 3][..], &[0u32, 1][..], &[1u32, 4][..]]));
        assert_eq!(
            (c.counts.duplicated, c.duplicated_ids.clone()),
            (1, vec![1])
        );
        assert_eq!(
            (c.counts.reordered, c.reordered_ids.clone()),
            (2, vec![0, 1])
        );
        assert_eq!((c.counts.lost, c.lost_ids.clone()), (1, vec![5]));
        assert_eq!(c.counts.delivered, 5);
    }

    #[test]
    fn a_second_delivery_of_an_offset_counts_as_redelivered() {
        let mut l = ledger_with(0);
        l.record_delivery(0, 3, 0, 100);
        l.record_delivery(0, 3, 60, 150);
        l.record_delivery(1, 3, 0, 10);
        assert_eq!((l.groups[0].records, l.groups[0].redelivered), (150, 40));
        assert_eq!((l.groups[1].records, l.groups[1].redelivered), (10, 0));
    }

    #[test]
    fn an_acknowledged_record_missing_from_the_log_is_lost() {
        let mut l = ledger_with(3);
        l.settle(0, &[0, 1, 2], true, true, 10);
        let c = l.classify(&led(vec![&[0u32, 2][..]]));
        assert_eq!(c.counts.acknowledged, 3);
        assert_eq!(c.counts.lost, 1);
        assert_eq!(c.lost_ids, vec![1]);
    }

    #[test]
    fn a_second_copy_is_a_duplicate_and_not_a_reordering() {
        let mut l = ledger_with(2);
        l.settle(0, &[0, 1], true, true, 10);
        let c = l.classify(&led(vec![&[0u32, 1][..], &[0u32, 1][..]]));
        assert_eq!(c.counts.duplicated, 2);
        assert_eq!(c.counts.reordered, 0);
    }

    #[test]
    fn a_record_after_a_later_one_is_reordered() {
        let mut l = ledger_with(4);
        l.settle(0, &[0, 1, 2, 3], true, true, 10);
        let c = l.classify(&led(vec![&[2u32, 3][..], &[0u32, 1][..]]));
        assert_eq!(c.counts.reordered, 2);
    }

    #[test]
    fn fire_and_forget_failures_are_lost_not_failed() {
        let mut l = ledger_with(2);
        l.settle(0, &[0, 1], false, false, 10);
        let c = l.classify(&led(vec![&[0u32][..]]));
        assert_eq!(c.counts.failed, 0);
        assert_eq!(c.counts.lost, 1);
        assert_eq!(c.counts.pending, 0);
    }

    #[test]
    fn told_success_records_are_each_committed_at_risk_unavailable_or_lost() {
        // Partition 0 led: 0 committed, 1 above the high watermark, 2 in no log.
        // Partition 1 offline: 3 on a replica that may lead again, 4 in no such log.
        let mut l = Ledger::new(&[5]);
        for (t, partition) in [0, 0, 0, 1, 1].into_iter().enumerate() {
            l.record_sent(0, partition, t as u64);
        }
        l.settle(0, &[0, 1, 2, 3, 4], true, true, 10);
        let partitions = [
            PartitionLogs {
                led: true,
                committed: vec![&[0u32][..]].into(),
                held: vec![&[1u32][..]].into(),
                ..Default::default()
            },
            PartitionLogs {
                led: false,
                held: vec![&[3u32][..]].into(),
                ..Default::default()
            },
        ];
        let c = l.classify(&partitions);
        assert_eq!(
            (c.counts.lost, c.counts.at_risk, c.counts.unavailable),
            (2, 1, 1)
        );
        assert_eq!(
            (c.lost_ids, c.at_risk_ids, c.unavailable_ids),
            (vec![2, 4], vec![1], vec![3])
        );
        assert_eq!(c.counts.acknowledged, 5);
        let fates = l.fates(&l.classify(&partitions));
        use RecordFate::*;
        assert_eq!(fates, [Acknowledged, AtRisk, Lost, Unavailable, Lost]);
    }

    #[test]
    fn a_committed_record_on_an_offline_partition_is_unavailable_and_still_delivered() {
        let mut l = ledger_with(2);
        l.settle(0, &[0, 1], false, false, 10);
        let c = l.classify(&[PartitionLogs {
            led: false,
            committed: vec![&[0u32][..]].into(),
            ..Default::default()
        }]);
        assert_eq!((c.counts.unavailable, c.counts.lost), (1, 1));
        assert_eq!(c.counts.delivered, 1);
    }

    #[test]
    fn pending_and_failed_records_are_neither_at_risk_nor_unavailable() {
        let mut l = ledger_with(3);
        l.settle(0, &[1], false, true, 10);
        let c = l.classify(&[PartitionLogs {
            led: false,
            held: vec![&[0u32, 1, 2][..]].into(),
            ..Default::default()
        }]);
        assert_eq!((c.counts.pending, c.counts.failed), (2, 1));
        assert_eq!(
            (c.counts.unavailable, c.counts.at_risk, c.counts.lost),
            (0, 0, 0)
        );
    }
}
