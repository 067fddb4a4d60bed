//! The producer's bounds, as `KafkaProducer.doSend` and its `BufferPool` apply them:
//!
//! - `max.request.size` and `buffer.memory` bound one record: a record whose serialized size
//!   (`AbstractRecords.estimateSizeInBytesUpperBound`) is above either fails in `send()` with
//!   RecordTooLargeException (`ensureValidRecordSize`), an `ApiException`, so `doSend` hands it
//!   to the callback and returns a failed future; it never enters the accumulator.
//! - `buffer.memory` bounds the accumulator: each new batch takes `max(batch.size, record
//!   estimate)` bytes from the pool (`RecordAccumulator.append`) until it completes
//!   (`RecordAccumulator.deallocate`). A `send()` that needs a new batch when the pool lacks
//!   the room blocks the application's thread (`BufferPool.allocate`) until enough is freed,
//!   or fails after `max.block.ms` with a TimeoutException (`BufferExhaustedException` in
//!   recent releases), also handed to the callback; the application then goes on.
//! - `max.request.size` also bounds a Produce request: the sender adds batches for a broker
//!   until the next would pass it, always at least one (`RecordAccumulator.drain`).

use super::accumulator::{BATCH_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES};
use super::{ms, Producer};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::scenario::SendMode;

/// A `send()` blocked in `BufferPool.allocate`: its record (already handed to `send()`, so in
/// the ledger) and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockedSend {
    pub record: u32,
    pub partition: u32,
    pub since_us: u64,
    pub deadline_us: u64,
}

impl Producer {
    /// RecordTooLargeException's message when this producer's records (all of one size) are
    /// too large to send (`KafkaProducer.ensureValidRecordSize`).
    pub(super) fn too_large(&self) -> Option<String> {
        let size = self.record_estimate;
        if size > u64::from(self.cfg.max_request_size) {
            Some(format!(
                "RecordTooLargeException: The message is {size} bytes when serialized which is larger than {}, which is the value of the max.request.size configuration.",
                self.cfg.max_request_size
            ))
        } else if size > self.cfg.buffer_memory {
            Some(format!(
                "RecordTooLargeException: The message is {size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration ({}).",
                self.cfg.buffer_memory
            ))
        } else {
            None
        }
    }

    /// Whether the buffer pool has room for one more batch now.
    pub(super) fn can_allocate(&self) -> bool {
        self.accumulator
            .allocated
            .saturating_add(u64::from(self.accumulator.batch_buffer_bytes))
            <= self.cfg.buffer_memory
    }

    /// Whether the pool is close enough to full that sends catching up late could cross it:
    /// then the application runs at each record's own time. Between two wake-ups a catch-up
    /// starts at most one batch per partition and one more (see `schedule_wake`).
    pub(super) fn memory_tight(&self) -> bool {
        let batches = u64::from(self.partitions) + 1;
        let need = batches.saturating_mul(u64::from(self.accumulator.batch_buffer_bytes));
        self.accumulator.allocated.saturating_add(need) > self.cfg.buffer_memory
    }

    /// A `send()` failed before its record entered the accumulator: the callback (or the
    /// future) reports it at once, and a sync application moves on.
    pub(super) fn fail_send(&mut self, record: u32, ctx: &mut Ctx<'_>) {
        let observed = self.observed();
        ctx.ledger
            .settle(self.index as usize, &[record], false, observed, ctx.now);
        if self.cfg.send_mode == SendMode::Sync {
            self.sync_ready_us = ctx.now;
        }
    }

    /// Fails a record too large to send; the first one of the producer says why in the trace
    /// (its records are all of one size, so every one fails the same way).
    pub(super) fn refuse_record(&mut self, record: u32, why: String, ctx: &mut Ctx<'_>) {
        if !self.told_too_large {
            self.told_too_large = true;
            ctx.out.trace(
                ctx.now,
                self.node(),
                TraceKind::SendFailed,
                format!(
                    "{}: send() fails: {why} Every record of {} has this size, so every send() fails the same way.",
                    self.cfg.name, self.cfg.name
                ),
            );
        }
        self.fail_send(record, ctx);
    }

    /// The application's `send()` needs a new batch and the pool lacks the room: it blocks.
    /// The trace says so once per stretch of blocked sends (a catch-up after a long block
    /// blocks briefly for nearly every batch).
    pub(super) fn block_send(
        &mut self,
        record: u32,
        partition: u32,
        since: u64,
        ctx: &mut Ctx<'_>,
    ) {
        let deadline_us = since.saturating_add(ms(self.cfg.max_block_ms));
        self.blocked = Some(BlockedSend {
            record,
            partition,
            since_us: since,
            deadline_us,
        });
        if self.blocking_since.is_some() {
            return;
        }
        self.blocking_since = Some(since);
        ctx.out.trace(
            ctx.now,
            self.node(),
            TraceKind::SendBlocked,
            format!(
                "{}: send() blocks: the batches hold {} of buffer.memory {} bytes and a new batch for {} needs {}; it waits up to max.block.ms = {} ms, and so does each send() after it while memory is short",
                self.cfg.name,
                self.accumulator.allocated,
                self.cfg.buffer_memory,
                ctx.topo.name(self.global(partition)),
                self.accumulator.batch_buffer_bytes,
                self.cfg.max_block_ms
            ),
        );
    }

    /// Ends a blocked `send()` if it can end: memory was freed (the record enters a new batch
    /// now), or `max.block.ms` passed (TimeoutException). Returns whether the application may
    /// go on.
    pub(super) fn resume_blocked_send(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let Some(b) = self.blocked else {
            return true;
        };
        if self.can_allocate() {
            self.blocked = None;
            self.unblocked_us = ctx.now;
            self.accumulator.append(b.partition, b.record, ctx.now);
            if self.cfg.send_mode == SendMode::Sync {
                self.waiting_for = Some(b.record);
            }
            if self.next_record >= self.cfg.records {
                self.end_blocking(ctx);
            }
            return true;
        }
        if ctx.now < b.deadline_us {
            return false;
        }
        self.blocked = None;
        self.unblocked_us = b.deadline_us;
        ctx.out.trace(
            ctx.now,
            self.node(),
            TraceKind::SendFailed,
            format!(
                "{}: send() fails after blocking max.block.ms: TimeoutException: Failed to allocate memory within the configured max blocking time {} ms.",
                self.cfg.name, self.cfg.max_block_ms
            ),
        );
        self.fail_send(b.record, ctx);
        true
    }

    /// A `send()` went through without blocking (or the last one returned): the stretch of
    /// blocked sends is over.
    pub(super) fn end_blocking(&mut self, ctx: &mut Ctx<'_>) {
        let Some(since) = self.blocking_since.take() else {
            return;
        };
        ctx.out.trace(
            ctx.now,
            self.node(),
            TraceKind::SendResumed,
            format!(
                "{}: send() no longer blocks: completed batches freed buffer memory ({} ms after the first send() blocked)",
                self.cfg.name,
                ctx.now.saturating_sub(since) / 1000
            ),
        );
    }

    /// Bytes of a batch as the sender counts them against `max.request.size`.
    fn batch_bytes(&self, id: u64) -> u64 {
        let records = self.accumulator.batches.get(&id).map_or(0, |b| b.len()) as u64;
        u64::from(BATCH_OVERHEAD_BYTES)
            + records * u64::from(self.record_bytes.saturating_add(RECORD_OVERHEAD_BYTES))
    }

    /// Whether one request could pass `max.request.size` (otherwise the drain skips counting).
    pub(super) fn request_size_binds(&self) -> bool {
        let full = u64::from(BATCH_OVERHEAD_BYTES)
            + u64::from(self.accumulator.records_per_batch)
                * u64::from(self.record_bytes.saturating_add(RECORD_OVERHEAD_BYTES));
        u64::from(self.partitions).saturating_mul(full) > u64::from(self.cfg.max_request_size)
    }

    /// Adds batch `id` to a request of `bytes` so far if it fits `max.request.size`; the first
    /// batch of a request always fits (`RecordAccumulator.drainBatchesForOneNode`).
    pub(super) fn fits_request(&self, bytes: &mut u64, id: u64) -> bool {
        let size = self.batch_bytes(id);
        if *bytes > 0 && bytes.saturating_add(size) > u64::from(self.cfg.max_request_size) {
            return false;
        }
        *bytes = bytes.saturating_add(size);
        true
    }
}
