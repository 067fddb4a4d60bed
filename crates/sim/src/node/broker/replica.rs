//! One broker's replica of one partition: the log, log end offset, high watermark, leader
//! epoch, the leader's view of its followers and ISR, and the idempotent-producer state.

use super::log::{BatchRef, Log};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{LogBatch, ProducerIdentity};
use crate::kafka::record_batch::{BatchRun, RecordIds};
use crate::support::vec_map::VecMap;
use std::ops::ControlFlow;

/// How many batches per producer id a broker remembers for duplicate detection.
pub const PRODUCER_STATE_BATCHES: usize = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RememberedBatch {
    pub first_seq: i32,
    pub last_seq: i32,
    pub base_offset: u64,
}

/// A producer id's epoch and its last batches, oldest first, held inline: a heap queue per
/// producer per replica cost a cache miss on every append at 1,000 partitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerEntry {
    pub epoch: u16,
    /// The first `len` are the batches; the rest stay default (so equal entries compare equal).
    batches: [RememberedBatch; PRODUCER_STATE_BATCHES],
    len: usize,
}

impl ProducerEntry {
    /// The remembered batches, oldest first.
    pub fn batches(&self) -> &[RememberedBatch] {
        self.batches.get(..self.len).unwrap_or_default()
    }

    fn clear(&mut self) {
        self.batches = Default::default();
        self.len = 0;
    }

    /// Remembers a batch, forgetting the oldest when full.
    fn push(&mut self, b: RememberedBatch) {
        if self.len == PRODUCER_STATE_BATCHES {
            self.batches.rotate_left(1);
            self.len -= 1;
        }
        if let Some(slot) = self.batches.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }
}

/// The leader's knowledge of one follower.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerState {
    pub broker: u32,
    /// The follower's log end offset, as its last fetch offset told.
    pub log_end_offset: u64,
    pub last_caught_up_us: u64,
    pub last_fetch_us: u64,
    /// The leader's LEO when that last fetch arrived (Kafka's lastFetchLeaderLogEndOffset).
    pub last_fetch_leader_leo: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplicaRole {
    /// No instruction from the controller yet (a broker just restarted).
    None,
    Leader {
        isr: Vec<u32>,
        followers: Vec<FollowerState>,
        /// An AlterPartition is on its way to the controller.
        isr_change_pending: bool,
        /// A follower proposed for the ISR: until the controller answers, the high watermark
        /// waits for it too (the "maximal ISR", KIP-497).
        expanding: Option<u32>,
    },
    Follower {
        leader: Option<u32>,
    },
}

/// The outcome of a leader append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    Appended {
        base_offset: u64,
    },
    /// Idempotent duplicate of a batch among the last five: the original offset.
    Duplicate {
        base_offset: u64,
    },
    Rejected(ErrorCode),
}

#[derive(Debug, Clone)]
pub struct PartitionReplica {
    pub partition: u32,
    pub log: Log,
    pub log_end_offset: u64,
    pub high_watermark: u64,
    pub leader_epoch: u32,
    pub role: ReplicaRole,
    /// How many times its log was truncated: with the leader and its epoch, what tells the
    /// ledger's classification that the committed log it read before is still there.
    pub truncations: u32,
    /// Idempotent producers' last batches, as of `producers_end`: only a leader's append reads
    /// them, so a follower's appends leave them behind and the next leader append catches up
    /// from the log (the same fold over the same batches). Updating them on every follower
    /// append cost a cache miss per partition per fetch at 1,000 partitions.
    producers: VecMap<u64, ProducerEntry>,
    /// The log offset up to which `producers` has seen the batches.
    producers_end: u64,
    /// Kafka's leader epoch cache: (epoch, offset of its first batch) for each epoch in the
    /// log, ascending. Every follower fetch asks for epoch ends; a binary search over the whole
    /// log per partition per fetch cost more than the rest of a fetch at 1,000 partitions.
    epochs: Vec<(u32, u64)>,
    /// Some batch has a lower epoch than one before it: `epochs` does not describe the log,
    /// so epoch ends come from the log itself (never seen; kept so answers cannot change).
    epochs_unordered: bool,
    /// The last epoch in `epochs`, held here: most questions are about the newest epoch, and
    /// answering them without a look at the cache saves a cache miss per partition per fetch.
    newest_epoch: Option<u32>,
}

impl PartitionReplica {
    pub fn new(partition: u32) -> Self {
        PartitionReplica {
            partition,
            log: Log::default(),
            log_end_offset: 0,
            high_watermark: 0,
            leader_epoch: 0,
            role: ReplicaRole::None,
            truncations: 0,
            producers: VecMap::new(),
            producers_end: 0,
            epochs: Vec::new(),
            epochs_unordered: false,
            newest_epoch: None,
        }
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, ReplicaRole::Leader { .. })
    }

    pub fn isr(&self) -> Option<&[u32]> {
        match &self.role {
            ReplicaRole::Leader { isr, .. } => Some(isr),
            _ => None,
        }
    }

    /// Leader epoch of the last batch in the log (0 for an empty log).
    pub fn last_epoch(&self) -> u32 {
        self.log.last().map(|(_, epoch)| epoch).unwrap_or(0)
    }

    /// The end offset of `epoch` in this log: where the first batch of a later epoch starts,
    /// or the log end (OffsetsForLeaderEpoch).
    pub fn end_offset_for_epoch(&self, epoch: u32) -> u64 {
        if self.epochs_unordered {
            // The same search over the same sequence as over the batches themselves.
            let mut batches = Vec::with_capacity(self.log.batches());
            self.log.walk(|b| {
                batches.push((b.leader_epoch, b.base_offset));
                ControlFlow::Continue(())
            });
            let idx = batches.partition_point(|&(e, _)| e <= epoch);
            return batches
                .get(idx)
                .map(|&(_, base)| base)
                .unwrap_or(self.log_end_offset);
        }
        // No later epoch: the log end.
        if self.newest_epoch.is_none_or(|e| e <= epoch) {
            return self.log_end_offset;
        }
        // The first batch of a later epoch is the first batch of the first later epoch.
        let idx = self.epochs.partition_point(|&(e, _)| e <= epoch);
        self.epochs
            .get(idx)
            .map(|&(_, start)| start)
            .unwrap_or(self.log_end_offset)
    }

    /// Notes a batch about to be appended in the epoch cache.
    fn note_epoch(&mut self, leader_epoch: u32, base_offset: u64) {
        // `newest_epoch` is the cache's last epoch, read here without touching the cache.
        match self.newest_epoch {
            Some(e) if e == leader_epoch => {}
            Some(e) if e > leader_epoch => self.epochs_unordered = true,
            _ => {
                self.epochs.push((leader_epoch, base_offset));
                self.newest_epoch = Some(leader_epoch);
            }
        }
    }

    /// Rebuilds the epoch cache from the log (after a truncation).
    fn rebuild_epochs(&mut self) {
        self.epochs.clear();
        self.epochs_unordered = false;
        self.newest_epoch = None;
        let log = std::mem::take(&mut self.log);
        log.walk(|b| {
            self.note_epoch(b.leader_epoch, b.base_offset);
            ControlFlow::Continue(())
        });
        self.log = log;
    }

    /// Idempotence checks, then the append (leader side).
    pub fn append_as_leader(
        &mut self,
        records: &[u32],
        identity: Option<ProducerIdentity>,
    ) -> AppendOutcome {
        if let Some(id) = identity {
            self.catch_up_producers();
            if let Some(entry) = self.producers.get(&id.producer_id) {
                if id.producer_epoch < entry.epoch {
                    return AppendOutcome::Rejected(ErrorCode::InvalidProducerEpoch);
                }
                if id.producer_epoch == entry.epoch {
                    let last_seq = id.base_sequence + records.len() as i32 - 1;
                    if let Some(dup) = entry
                        .batches()
                        .iter()
                        .find(|b| b.first_seq == id.base_sequence && b.last_seq == last_seq)
                    {
                        return AppendOutcome::Duplicate {
                            base_offset: dup.base_offset,
                        };
                    }
                    let expected = entry
                        .batches()
                        .last()
                        .map(|b| b.last_seq.wrapping_add(1))
                        .unwrap_or(0);
                    if id.base_sequence != expected {
                        return AppendOutcome::Rejected(ErrorCode::OutOfOrderSequenceNumber);
                    }
                } else if id.base_sequence != 0 {
                    // A new epoch starts its sequences at 0.
                    return AppendOutcome::Rejected(ErrorCode::OutOfOrderSequenceNumber);
                }
            }
        }
        let base_offset = self.log_end_offset;
        self.append_ref(BatchRef {
            base_offset,
            records: RecordIds::listed(records),
            leader_epoch: self.leader_epoch,
            identity,
        });
        if let Some(id) = identity {
            // Caught up above: this batch is the only one `producers` has not seen.
            remember(&mut self.producers, id, base_offset, records.len());
            self.producers_end = self.log_end_offset;
        }
        AppendOutcome::Appended { base_offset }
    }

    /// Appends a batch at the log end (leader or follower).
    pub fn append(&mut self, batch: LogBatch) {
        self.append_ref(BatchRef::from(&batch));
    }

    /// `append` of a copy of `batch`. Producer state catches up when a leader append reads it.
    pub fn append_ref(&mut self, batch: BatchRef<'_>) {
        self.log_end_offset = batch.end_offset();
        self.note_epoch(batch.leader_epoch, batch.base_offset);
        self.log.push_ref(batch);
    }

    /// Brings `producers` up to the log end: the batches appended since, in log order.
    fn catch_up_producers(&mut self) {
        if self.producers_end >= self.log_end_offset {
            return;
        }
        let producers = &mut self.producers;
        self.log.walk_from(self.producers_end, |b| {
            if let Some(id) = b.identity {
                remember(producers, id, b.base_offset, b.records.len());
            }
            ControlFlow::Continue(())
        });
        self.producers_end = self.log_end_offset;
    }

    /// Drops every batch at or above `offset`; producer state is read again from what is left.
    pub fn truncate_to(&mut self, offset: u64) -> u64 {
        let old_end = self.log_end_offset;
        if !self.log.truncate(offset) {
            return 0;
        }
        self.truncations += 1;
        self.rebuild_epochs();
        self.log_end_offset = self.log.last().map(|(end, _)| end).unwrap_or(0);
        self.high_watermark = self.high_watermark.min(self.log_end_offset);
        // Forgotten, to be read again from what the log keeps when a leader append needs it.
        self.producers.clear();
        self.producers_end = 0;
        old_end - self.log_end_offset
    }

    /// Appends to `out` the batches from `offset` on (a follower's fetch), at most `max`.
    pub fn copy_batches_from(&self, offset: u64, max: usize, out: &mut BatchRun) {
        // A caught-up follower (the usual case) gets nothing: no search of the log.
        if offset < self.log_end_offset {
            self.log.copy_from(offset, max, out);
        }
    }
}

fn remember(
    producers: &mut VecMap<u64, ProducerEntry>,
    id: ProducerIdentity,
    base_offset: u64,
    records: usize,
) {
    let entry = producers.get_or_default(id.producer_id);
    if id.producer_epoch != entry.epoch {
        entry.epoch = id.producer_epoch;
        entry.clear();
    }
    entry.push(RememberedBatch {
        first_seq: id.base_sequence,
        last_seq: id.base_sequence + records as i32 - 1,
        base_offset,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ident(seq: i32) -> Option<ProducerIdentity> {
        Some(ProducerIdentity {
            producer_id: 7,
            producer_epoch: 0,
            base_sequence: seq,
        })
    }

    fn recs(ids: &[u32]) -> Arc<[u32]> {
        Arc::from(ids)
    }

    #[test]
    fn a_resent_batch_among_the_last_five_gets_its_original_offset() {
        let mut r = PartitionReplica::new(0);
        assert_eq!(
            r.append_as_leader(&recs(&[1, 2]), ident(0)),
            AppendOutcome::Appended { base_offset: 0 }
        );
        assert_eq!(
            r.append_as_leader(&recs(&[3]), ident(2)),
            AppendOutcome::Appended { base_offset: 2 }
        );
        assert_eq!(
            r.append_as_leader(&recs(&[1, 2]), ident(0)),
            AppendOutcome::Duplicate { base_offset: 0 }
        );
        assert_eq!(r.log_end_offset, 3);
    }

    #[test]
    fn a_sequence_gap_is_out_of_order_and_writes_nothing() {
        let mut r = PartitionReplica::new(0);
        r.append_as_leader(&recs(&[1, 2]), ident(0));
        assert_eq!(
            r.append_as_leader(&recs(&[5]), ident(4)),
            AppendOutcome::Rejected(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert_eq!(r.log_end_offset, 2);
    }

    #[test]
    fn truncation_forgets_the_removed_batches_for_idempotence() {
        let mut r = PartitionReplica::new(0);
        r.append_as_leader(&recs(&[1, 2]), ident(0));
        r.append_as_leader(&recs(&[3, 4]), ident(2));
        assert_eq!(r.truncate_to(2), 2);
        assert_eq!(r.log_end_offset, 2);
        assert_eq!(
            r.append_as_leader(&recs(&[3, 4]), ident(2)),
            AppendOutcome::Appended { base_offset: 2 }
        );
    }

    #[test]
    fn a_follower_that_becomes_leader_knows_the_batches_it_copied() {
        // As follower it copies three batches of producer 7 (no producer state updated then);
        // as leader it must still see a resend of the second as a duplicate and expect seq 5.
        let mut r = PartitionReplica::new(0);
        for (seq, ids) in [(0, &[1, 2][..]), (2, &[3, 4][..]), (4, &[5][..])] {
            let base_offset = r.log_end_offset;
            r.append_ref(BatchRef {
                base_offset,
                records: RecordIds::listed(ids),
                leader_epoch: 0,
                identity: ident(seq),
            });
        }
        assert_eq!(
            r.append_as_leader(&recs(&[3, 4]), ident(2)),
            AppendOutcome::Duplicate { base_offset: 2 }
        );
        assert_eq!(
            r.append_as_leader(&recs(&[7]), ident(6)),
            AppendOutcome::Rejected(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert_eq!(
            r.append_as_leader(&recs(&[6]), ident(5)),
            AppendOutcome::Appended { base_offset: 5 }
        );
        // One more copied batch after leading: the next leader append catches up again.
        r.append_ref(BatchRef {
            base_offset: 6,
            records: RecordIds::listed(&[8]),
            leader_epoch: 0,
            identity: ident(6),
        });
        assert_eq!(
            r.append_as_leader(&recs(&[8]), ident(6)),
            AppendOutcome::Duplicate { base_offset: 6 }
        );
    }

    #[test]
    fn end_offset_for_an_epoch_is_where_the_next_epoch_starts() {
        let mut r = PartitionReplica::new(0);
        r.append_as_leader(&recs(&[1, 2]), None);
        r.leader_epoch = 2;
        r.append_as_leader(&recs(&[3]), None);
        assert_eq!(r.end_offset_for_epoch(0), 2);
        assert_eq!(r.end_offset_for_epoch(1), 2);
        assert_eq!(r.end_offset_for_epoch(2), 3);
    }
}
