//! The application's side of the producer: when it calls `send()`, and what `send()` does
//! before the record reaches the accumulator (`KafkaProducer.doSend`).

use super::values::{self, Prepared};
use super::Producer;
use crate::kafka::partitioner::NullKeyStrategy;
use crate::node::Ctx;
use crate::scenario::SendMode;

impl Producer {
    /// When the application calls `send()` for record `i` (before sync-mode waiting).
    pub(super) fn scheduled_send_us(&self, i: u64) -> u64 {
        let rate = self.cfg.records_per_sec;
        if rate.is_finite() && rate > 0.0 {
            (i as f64 * 1_000_000.0 / rate) as u64
        } else {
            0
        }
    }

    pub(super) fn next_send_us(&self) -> Option<u64> {
        if self.next_record >= self.cfg.records || self.blocked.is_some() {
            return None;
        }
        if self.values.is_blocked() {
            return None;
        }
        let scheduled = self
            .scheduled_send_us(self.next_record)
            .max(self.unblocked_us);
        match self.cfg.send_mode {
            SendMode::Sync if self.waiting_for.is_some() => None,
            SendMode::Sync => Some(scheduled.max(self.sync_ready_us)),
            _ => Some(scheduled),
        }
    }

    /// The application has made its last `send()` call and it returned.
    pub fn done_sending(&self) -> bool {
        self.next_record >= self.cfg.records && self.blocked.is_none()
    }

    /// The application's send loop: every record due by now goes through `send()`
    /// (`KafkaProducer.doSend`): its partition, the size check, then the accumulator, where a
    /// new batch may have to wait for buffer memory (see `bounds`).
    /// `plain_before`: only the plain sends due before it, stopping at the first that is not
    /// plain (see [`Producer::plain_partition`]).
    pub(super) fn run_application(&mut self, plain_before: Option<u64>, ctx: &mut Ctx<'_>) {
        let too_large = self.too_large();
        let plain_only = plain_before.is_some();
        while if plain_only {
            self.blocked.is_none()
        } else {
            self.resume_blocked_send(ctx)
        } {
            let Some(due) = self.next_send_us() else {
                break;
            };
            if due > ctx.now
                || plain_before.is_some_and(|b| due >= b || self.plain_partition().is_none())
            {
                break;
            }
            let i = self.next_record;
            match self.values.prepare(self.node(), &self.cfg.topic, ctx) {
                Prepared::Ready => {}
                Prepared::Blocked => break,
                Prepared::Failed(message) => {
                    values::serialization_failed(ctx, self.index, &self.cfg.name, &message);
                    self.next_record += 1;
                    continue;
                }
            }
            let partition = if self.cfg.keys > 0 && !self.partitioner.random_keyed() {
                self.partitioner
                    .keyed((i % u64::from(self.cfg.keys)) as u32)
            } else {
                let avail = std::mem::take(&mut self.available);
                let bytes = u64::from(self.record_bytes);
                let mut p = self.partitioner.null_key(&avail, bytes, due, ctx.rng);
                // 2.4–3.2: a record that would start a new batch makes the sticky partition move
                // (inside `RecordAccumulator.append`, so after the size check).
                if too_large.is_none()
                    && self.partitioner.strategy() == NullKeyStrategy::StickyPerBatch
                    && self.accumulator.open_batch(p).is_none()
                    && !self.accumulator.batches.is_empty()
                {
                    self.partitioner.on_new_batch(p, &avail, ctx.rng);
                    p = self.partitioner.null_key(&avail, bytes, due, ctx.rng);
                }
                self.available = avail;
                p
            };
            let id = ctx
                .ledger
                .record_sent(self.index as usize, self.global(partition), due);
            if let Some(value) = self.values.write(id) {
                ctx.ledger.values.write(self.index as usize, id, value);
            }
            self.next_record += 1;
            if let Some(why) = &too_large {
                self.refuse_record(id, why.clone(), ctx);
                continue;
            }
            let new_batch = !self.accumulator.has_open_batch(partition);
            if new_batch && !self.can_allocate() {
                self.block_send(id, partition, due, ctx);
                continue;
            }
            self.accumulator.append(partition, id, due);
            if new_batch && self.blocking_since.is_some() {
                // A new batch got its memory at once: sends no longer block.
                self.end_blocking(ctx);
            }
            if self.cfg.send_mode == SendMode::Sync {
                self.waiting_for = Some(id);
            }
        }
    }

    /// The partition of the next record if its `send()` is plain: it joins the open batch of a
    /// partition known without a draw, and needs no serializer I/O, no refusal and no buffer
    /// memory. Such a send changes nothing another node sees before the producer next runs (a
    /// batch is drained, expired or failed only in its own turns), so it needs no wake-up of
    /// its own: [`Producer::catch_up`] makes it at its time, stamped with it, whenever the
    /// producer or an observer looks.
    pub(super) fn plain_partition(&self) -> Option<u32> {
        if self.cfg.send_mode == SendMode::Sync
            || !self.values.ready_without_io()
            || self.record_estimate > u64::from(self.cfg.max_request_size)
            || self.record_estimate > self.cfg.buffer_memory
        {
            return None;
        }
        let keyed = self.cfg.keys > 0 && !self.partitioner.random_keyed();
        let p = if keyed {
            self.partitioner
                .keyed((self.next_record % u64::from(self.cfg.keys)) as u32)
        } else {
            self.partitioner.sticky_partition()?
        };
        // A new batch takes buffer memory there is (a send that waits for it, or that ends a
        // wait, is not plain), and moves the 2.4–3.2 sticky partition on.
        let new_batch_is_plain = self.blocking_since.is_none()
            && self.can_allocate()
            && (keyed || self.partitioner.strategy() != NullKeyStrategy::StickyPerBatch);
        (self.accumulator.has_open_batch(p) || new_batch_is_plain).then_some(p)
    }

    /// Makes the plain sends due before `before_us` (see [`Producer::plain_partition`]):
    /// before the producer handles a message, and whenever the page or a report reads the run,
    /// so that every figure counts each `send()` from its time on. Sends nothing, sets no
    /// timer.
    pub fn catch_up(&mut self, before_us: u64, ctx: &mut Ctx<'_>) {
        self.run_application(Some(before_us), ctx);
    }
}
