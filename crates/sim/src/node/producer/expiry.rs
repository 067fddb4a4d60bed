//! What runs out of time: requests without an answer within `request.timeout.ms` and
//! connection attempts past their setup timeout (`NetworkClient`), batches past the delivery
//! timeout (`delivery.timeout.ms`, KIP-91, checked by `Sender.sendProducerData` for queued and
//! in-flight batches), and before 2.1 batches past the accumulator's own expiry after
//! `request.timeout.ms` (`RecordAccumulator.expiredBatches`).

use super::{ms, ConnectionState, Producer};
use crate::kafka::errors::ErrorCode;
use crate::node::Ctx;
use crate::observe::trace::TraceKind;

impl Producer {
    /// Before 2.1 (no `delivery.timeout.ms`, KIP-91) batches still in the accumulator expire
    /// after `request.timeout.ms`: counted from the last append for a full batch, from
    /// creation plus `linger.ms` for the open one, and from the end of the retry backoff for a
    /// batch waiting to be retried; per partition from the front, stopping at the first that
    /// has not expired, and not while a muted partition has a batch in flight
    /// (`RecordAccumulator.expiredBatches`, `ProducerBatch.maybeExpire` in 2.0).
    pub(super) fn expire_batches_before_2_1(&mut self, ctx: &mut Ctx<'_>) {
        let rt = ms(self.cfg.request_timeout_ms);
        let linger = ms(self.cfg.linger_ms);
        let muting = self.cfg.max_in_flight_requests_per_connection <= 1;
        let now = ctx.now;
        let mut expired = Vec::new();
        for p in self.accumulator.queued().iter() {
            let Some(q) = self.accumulator.queue(p) else {
                continue;
            };
            let muted = muting
                && self
                    .send_state
                    .get(p as usize)
                    .is_some_and(|s| s.in_flight_batches > 0);
            if muted {
                continue;
            }
            let last = q.back().copied();
            for &id in q.iter() {
                let Some(b) = self.accumulator.batches.get(&id) else {
                    break;
                };
                let full = Some(id) != last || b.closed;
                let gone = if b.attempts > 0 {
                    now.saturating_sub(b.retry_at_us) > rt
                } else {
                    (full && now.saturating_sub(b.last_append_us) > rt)
                        || now.saturating_sub(b.created_us + linger) > rt
                };
                if !gone {
                    break;
                }
                expired.push(id);
            }
        }
        for id in expired {
            self.give_up(
                id,
                "expired in the accumulator after request.timeout.ms (TimeoutException)",
                true,
                ctx,
            );
        }
    }
    /// Batches whose delivery deadline passed fail (queued or in flight).
    pub(super) fn expire_batches(&mut self, ctx: &mut Ctx<'_>) {
        if !self.version.at_least(2, 1) {
            self.expire_batches_before_2_1(ctx);
        }
        let dt = ms(self.cfg.delivery_timeout_ms);
        // Batch ids grow with creation time: only the oldest can be due.
        loop {
            let first = self.accumulator.batches.first();
            let Some((id, created_us)) = first.map(|(id, b)| (id, b.created_us)) else {
                break;
            };
            if created_us.saturating_add(dt) > ctx.now {
                break;
            }
            self.batch_failed(id, ErrorCode::RequestTimedOut, ctx);
            // batch_failed removes expired batches; guard against a batch that stays.
            if self.accumulator.batches.contains_key(&id) {
                self.accumulator.remove(id);
            }
        }
    }

    pub(super) fn check_request_timeouts(&mut self, ctx: &mut Ctx<'_>) {
        let timed_out: Vec<u32> = self
            .connections
            .iter()
            .filter(|(_, c)| {
                c.in_flight
                    .front()
                    .is_some_and(|r| r.deadline_us <= ctx.now)
            })
            .map(|(b, _)| *b)
            .collect();
        // A connection attempt that gets no answer (an isolated broker) gives up.
        let setup = self.connection_setup_timeout_us();
        let stuck: Vec<u32> = self
            .connections
            .iter()
            .filter(|(_, c)| {
                matches!(c.state, ConnectionState::Connecting { since_us, .. }
                    if ctx.now.saturating_sub(since_us) > setup)
            })
            .map(|(b, _)| *b)
            .collect();
        for b in stuck {
            self.connection_failed(b, ErrorCode::NetworkException, ctx);
        }
        for b in timed_out {
            ctx.out.trace(
                ctx.now,
                self.node(),
                TraceKind::ProduceError,
                format!(
                    "{}: no answer from broker {b} within request.timeout.ms: disconnecting",
                    self.cfg.name
                ),
            );
            self.connection_failed(b, ErrorCode::RequestTimedOut, ctx);
        }
    }

    /// A metadata request without an answer within `request.timeout.ms` is given up.
    pub(super) fn check_metadata_timeout(&mut self, ctx: &mut Ctx<'_>) {
        if self
            .metadata_in_flight
            .is_some_and(|(_, deadline)| deadline <= ctx.now)
        {
            self.metadata_in_flight = None;
            self.metadata_needed = true;
        }
    }
}
