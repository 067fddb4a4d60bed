//! The leader side of consumer fetches: consumers read only below the high watermark, and a
//! fetch with nothing to return is held for `fetch.max.wait.ms` (or until new records are
//! committed).

use super::purgatory::HeldFetch;
use super::{node, Broker};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{ConsumerFetchPartition, ConsumerFetchedPartition, NodeId, Payload};
use crate::node::{Outbox, Timer};

/// `fetch.max.wait.ms` (consumer default).
pub const CONSUMER_FETCH_WAIT_MAX_US: u64 = 500_000;
/// Records per partition in one answer; stands in for `max.partition.fetch.bytes` (1 MiB).
pub const CONSUMER_FETCH_MAX_RECORDS: u64 = 10_000;

#[derive(Debug, Clone)]
pub struct HeldConsumerFetch {
    pub correlation_id: u64,
    pub partitions: Vec<ConsumerFetchPartition>,
}

/// A consumer fetch waits for the high watermark to move in any partition it reads.
impl HeldFetch for HeldConsumerFetch {
    fn correlation_id(&self) -> u64 {
        self.correlation_id
    }
    fn partitions(&self) -> impl Iterator<Item = u32> {
        self.partitions.iter().map(|p| p.partition)
    }
}

/// The ids of the records at offsets `from .. to` of a log, in offset order.
fn record_ids(log: &super::log::Log, from: u64, to: u64) -> std::sync::Arc<[u32]> {
    let mut ids = Vec::with_capacity(to.saturating_sub(from) as usize);
    // From the first batch ending past `from`, not a scan of the whole log.
    log.walk_from(from, |b| {
        if b.base_offset >= to {
            return std::ops::ControlFlow::Break(());
        }
        let start = from.saturating_sub(b.base_offset) as usize;
        let end = (to.min(b.end_offset()) - b.base_offset) as usize;
        ids.extend_from_slice(b.records.get(start..end).unwrap_or(&[]));
        std::ops::ControlFlow::Continue(())
    });
    ids.into()
}

impl Broker {
    pub(crate) fn handle_consumer_fetch(
        &mut self,
        now: u64,
        consumer: u32,
        correlation_id: u64,
        partitions: Vec<ConsumerFetchPartition>,
        out: &mut Outbox,
    ) {
        // Whether to answer now is decided before the answer is built: a held fetch (most
        // fetches of a quiet partition set) would throw it away.
        if partitions.iter().any(|fp| self.consumer_fetch_ready(fp)) {
            let answer = self.consumer_fetch_answer(&partitions);
            self.send_consumer_fetch(consumer, correlation_id, answer, out);
        } else {
            out.timer(
                now + CONSUMER_FETCH_WAIT_MAX_US,
                node(self.id),
                Timer::ConsumerFetchWait {
                    consumer,
                    correlation_id,
                },
            );
            self.held_consumer_fetches.hold(
                consumer,
                HeldConsumerFetch {
                    correlation_id,
                    partitions,
                },
            );
        }
    }

    /// Whether this partition's part of the answer has records or an error, or is a LATEST
    /// lookup: the answer goes out now (the same test as on the built answer).
    fn consumer_fetch_ready(&self, fp: &ConsumerFetchPartition) -> bool {
        let Some(offset) = fp.offset else {
            return true;
        };
        match self.replicas.get_dense(fp.partition) {
            Some(r) if r.is_leader() => {
                offset > r.log_end_offset || r.high_watermark.saturating_sub(offset) > 0
            }
            _ => true,
        }
    }

    fn consumer_fetch_answer(
        &self,
        partitions: &[ConsumerFetchPartition],
    ) -> Vec<ConsumerFetchedPartition> {
        partitions
            .iter()
            .map(|fp| match self.replicas.get_dense(fp.partition) {
                Some(r) if r.is_leader() => {
                    let hw = r.high_watermark;
                    let offset = fp.offset.unwrap_or(hw);
                    // As Kafka's log read: past the log end is OFFSET_OUT_OF_RANGE (the log was
                    // truncated below the position); between the high watermark and the log
                    // end (a new leader still learning the high watermark) is an empty answer.
                    let out_of_range = offset > r.log_end_offset;
                    let records = hw.saturating_sub(offset).min(CONSUMER_FETCH_MAX_RECORDS);
                    let ids = (self.settings.record_ids_in_fetches && records > 0)
                        .then(|| record_ids(&r.log, offset, offset + records));
                    ConsumerFetchedPartition {
                        partition: fp.partition,
                        error: out_of_range.then_some(ErrorCode::OffsetOutOfRange),
                        offset,
                        records,
                        high_watermark: hw,
                        ids,
                    }
                }
                _ => ConsumerFetchedPartition {
                    partition: fp.partition,
                    error: Some(ErrorCode::NotLeaderOrFollower),
                    offset: fp.offset.unwrap_or(0),
                    records: 0,
                    high_watermark: 0,
                    ids: None,
                },
            })
            .collect()
    }

    fn send_consumer_fetch(
        &self,
        consumer: u32,
        correlation_id: u64,
        partitions: Vec<ConsumerFetchedPartition>,
        out: &mut Outbox,
    ) {
        out.send(
            node(self.id),
            NodeId::Consumer(consumer),
            Payload::ConsumerFetchResponse {
                correlation_id,
                partitions,
            },
        );
    }

    /// `fetch.max.wait.ms` passed: answer with whatever is there.
    pub(crate) fn on_consumer_fetch_wait(
        &mut self,
        consumer: u32,
        correlation_id: u64,
        out: &mut Outbox,
    ) {
        if let Some(h) = self.held_consumer_fetches.expire(consumer, correlation_id) {
            let answer = self.consumer_fetch_answer(&h.partitions);
            self.send_consumer_fetch(consumer, h.correlation_id, answer, out);
        }
    }

    /// The high watermark of these partitions moved: held consumer fetches on them answer.
    pub(super) fn release_consumer_fetches(&mut self, partitions: &[u32], out: &mut Outbox) {
        for (c, h) in self.held_consumer_fetches.release(partitions) {
            let answer = self.consumer_fetch_answer(&h.partitions);
            self.send_consumer_fetch(c, h.correlation_id, answer, out);
        }
    }
}
