//! The Sender half of the producer: drains ready batches into Produce requests within each
//! broker's in-flight window, handles responses, retries with backoff, request and delivery
//! timeouts (Kafka's `Sender` over the `RecordAccumulator`), and the idempotent producer's
//! sequence rules (`TransactionManager`: KIP-98, with KIP-360's epoch bump).

use super::{
    accumulator, ms, ConnectionState, DrainScratch, InFlightRequest, Producer,
    RECONNECT_BACKOFF_MAX_US, RECONNECT_BACKOFF_US,
};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{NodeId, Payload, ProduceResponse};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::scenario::{Acks, SendMode};
use rand_core::Rng;

impl Producer {
    pub(super) fn handle_produce_response(
        &mut self,
        broker: u32,
        resp: ProduceResponse,
        ctx: &mut Ctx<'_>,
    ) {
        self.connections_scanned = false;
        let Some(conn) = self.connections.get_mut(&broker) else {
            return;
        };
        let Some(pos) = conn
            .in_flight
            .iter()
            .position(|r| r.correlation_id == resp.correlation_id)
        else {
            return;
        };
        conn.in_flight.remove(pos);
        for r in resp.results {
            match r.result {
                Ok(_) => self.batch_succeeded(r.batch_id, ctx),
                Err(e) => self.batch_failed(r.batch_id, e, ctx),
            }
        }
        self.send_parked(broker, ctx);
    }

    /// A connection reset, refused or timed out: every request in flight on it fails with
    /// `error` (NETWORK_EXCEPTION, or REQUEST_TIMED_OUT when the client's own
    /// `request.timeout.ms` closed it, as `Sender.handleProduceResponse` reports
    /// `wasTimedOut`), the client backs off before reconnecting, and asks for metadata
    /// (`NetworkClient.processDisconnection` requests an update).
    pub(super) fn connection_failed(&mut self, broker: u32, error: ErrorCode, ctx: &mut Ctx<'_>) {
        self.connections_scanned = false;
        let conn = self.connections.get_or_default(broker);
        let failures = match conn.state {
            ConnectionState::Ready => 1,
            ConnectionState::Connecting { failures, .. } => failures + 1,
            // Already backing off: a late reset of the old connection changes nothing.
            ConnectionState::Backoff { failures, .. } => failures,
        };
        let backoff = RECONNECT_BACKOFF_US
            .saturating_mul(1 << (failures.saturating_sub(1)).min(20))
            .min(RECONNECT_BACKOFF_MAX_US);
        if !matches!(conn.state, ConnectionState::Backoff { .. }) {
            conn.state = ConnectionState::Backoff {
                until_us: ctx.now + backoff,
                failures,
            };
        }
        let mut requests: Vec<InFlightRequest> = conn.in_flight.drain(..).collect();
        // A built request still in the output queue fails with the connection.
        if let Some(parked) = conn.parked.take() {
            requests.push(parked.into_failed());
        }
        for req in requests {
            for id in req.batch_ids {
                self.batch_failed(id, error, ctx);
            }
        }
        self.metadata_needed = true;
        self.note_connection_due(ctx.now + backoff);
    }

    /// Connects again to each broker whose reconnect backoff is over and that leads a
    /// partition with batches waiting (the Sender asks `NetworkClient.ready`, which starts
    /// the connection, only for nodes it has data for). With `all`, every connection is
    /// looked at; otherwise only those whose backoff was over before this turn
    /// (`idle_backoffs`), the only ones that can be over when no connection is due.
    pub(super) fn maybe_reconnect(&mut self, all: bool, ctx: &mut Ctx<'_>) {
        let over = |b: u32, c: &super::Connection| match c.state {
            ConnectionState::Backoff { until_us, failures } if until_us <= ctx.now => {
                Some((b, failures))
            }
            _ => None,
        };
        let due: Vec<(u32, u32)> = if all {
            self.connections
                .iter()
                .filter_map(|(&b, c)| over(b, c))
                .collect()
        } else {
            self.idle_backoffs
                .iter()
                .filter_map(|&b| over(b, self.connections.get(&b)?))
                .collect()
        };
        for (b, failures) in due {
            let wanted = self
                .accumulator
                .queued()
                .iter()
                .any(|p| self.leaders.get(p as usize).copied().flatten() == Some(b));
            if !wanted {
                continue;
            }
            self.connections_scanned = false;
            if let Some(c) = self.connections.get_mut(&b) {
                c.state = ConnectionState::Connecting {
                    since_us: ctx.now,
                    failures,
                };
            }
            let setup = self.connection_setup_timeout_us();
            self.note_connection_due(ctx.now.saturating_add(setup) + 1);
            ctx.out
                .send(self.node(), NodeId::Broker(b), Payload::ApiVersions);
        }
    }

    /// How long a connection attempt may take: `socket.connection.setup.timeout.ms` (10 s,
    /// KIP-601, 2.7); before, the ApiVersions request's `request.timeout.ms`.
    pub(super) fn connection_setup_timeout_us(&self) -> u64 {
        if self.cfg.client.is_librdkafka() {
            // librdkafka's socket.connection.setup.timeout.ms (CONFIGURATION.md).
            30_000_000
        } else if self.version.at_least(2, 7) {
            10_000_000
        } else {
            ms(self.cfg.request_timeout_ms)
        }
    }

    /// The broker answered on a new connection: it is ready again.
    pub(super) fn connection_ready(&mut self, broker: u32) {
        self.connections_scanned = false;
        if let Some(c) = self.connections.get_mut(&broker) {
            if matches!(c.state, ConnectionState::Connecting { .. }) {
                c.state = ConnectionState::Ready;
            }
        }
    }

    pub(super) fn release_in_flight(&mut self, id: u64) {
        if let Some(b) = self.accumulator.batches.get_mut(&id) {
            if b.in_flight {
                b.in_flight = false;
                if let Some(s) = self.send_state.get_mut(b.partition as usize) {
                    s.in_flight_batches = s.in_flight_batches.saturating_sub(1);
                    s.in_flight_records = s.in_flight_records.saturating_sub(b.len() as u32);
                }
            }
        }
    }

    pub(super) fn batch_succeeded(&mut self, id: u64, ctx: &mut Ctx<'_>) {
        self.release_in_flight(id);
        let Some(b) = self.accumulator.remove(id) else {
            return;
        };
        if let (Some(seq), Some(s)) = (b.sequence, self.send_state.get_mut(b.partition as usize)) {
            s.unresolved.remove(&seq);
            if b.producer_epoch == s.producer_epoch {
                let last = seq.wrapping_add(b.len() as i32 - 1);
                s.last_acked_sequence = Some(s.last_acked_sequence.map_or(last, |a| a.max(last)));
            }
        }
        self.settle(&b, true, ctx);
        self.accumulator.recycle(b);
    }

    pub(super) fn settle(&mut self, b: &accumulator::Batch, success: bool, ctx: &mut Ctx<'_>) {
        let ids = b.record_ids();
        ctx.ledger
            .settle(self.index as usize, ids, success, self.observed(), ctx.now);
        if let Some(w) = self.waiting_for {
            if ids.contains(&w) {
                self.waiting_for = None;
                self.sync_ready_us = ctx.now;
            }
        }
    }

    pub(super) fn batch_failed(&mut self, id: u64, error: ErrorCode, ctx: &mut Ctx<'_>) {
        self.release_in_flight(id);
        let now = ctx.now;
        let idempotent = self.idempotent();
        let retries = self.cfg.retries;
        let delivery_deadline = ms(self.cfg.delivery_timeout_ms);
        let Some(b) = self.accumulator.batches.get(&id) else {
            return;
        };
        let partition = b.partition;
        let name = ctx.topo.name(self.global(partition)).to_string();
        let len = b.len();
        let seq = b.sequence;
        let expired = now >= b.created_us.saturating_add(delivery_deadline);
        let attempts = b.attempts;
        if error.refreshes_metadata() {
            self.metadata_needed = true;
        }
        let lowest_unresolved = self
            .send_state
            .get(partition as usize)
            .and_then(|s| s.unresolved.iter().next().copied());
        // The idempotent producer's own rules (`TransactionManager`, KIP-98 and KIP-360).
        let idempotent_retry = idempotent
            && matches!(
                error,
                ErrorCode::OutOfOrderSequenceNumber
                    | ErrorCode::UnknownProducerId
                    | ErrorCode::InvalidProducerEpoch
            );
        // A later sequence was acknowledged: the broker has this batch already (written in an
        // attempt whose answer was lost) but no longer remembers it. Kafka retries it until
        // its delivery timeout, then reports it failed; it is in the log once.
        let covered = seq.is_some_and(|q| {
            self.send_state
                .get(partition as usize)
                .and_then(|s| s.last_acked_sequence)
                .is_some_and(|a| a >= q)
        });
        if idempotent_retry && !expired && covered {
            let backoff = self.backoff_us(attempts + 1, ctx.rng);
            if let Some(b) = self.accumulator.batches.get_mut(&id) {
                b.attempts += 1;
                b.retry_at_us = now + backoff;
            }
            self.accumulator.reenqueue(id, idempotent);
            return;
        }
        if idempotent_retry && !expired {
            // The broker wrote nothing. A gap below this batch (or lost producer state) can
            // only be closed by a new epoch: the batch gives up its sequence and waits for it.
            if let Some(s) = self.send_state.get_mut(partition as usize) {
                let gap = error != ErrorCode::OutOfOrderSequenceNumber
                    || seq == lowest_unresolved
                    || s.needs_epoch_bump;
                if gap {
                    s.needs_epoch_bump = true;
                    if let Some(seq) = seq {
                        s.unresolved.remove(&seq);
                    }
                    if let Some(b) = self.accumulator.batches.get_mut(&id) {
                        b.sequence = None;
                    }
                }
            }
            if let Some(b) = self.accumulator.batches.get_mut(&id) {
                b.retry_at_us = now;
            }
            self.accumulator.reenqueue(id, idempotent);
            return;
        }
        let can_retry =
            error.is_retriable() && attempts < retries && !expired && self.cfg.acks != Acks::Zero;
        if can_retry {
            let backoff = self.backoff_us(attempts + 1, ctx.rng);
            if let Some(b) = self.accumulator.batches.get_mut(&id) {
                b.attempts += 1;
                b.retry_at_us = now + backoff;
            }
            self.accumulator.reenqueue(id, idempotent);
            self.retries_done += 1;
            ctx.out.trace(
                now,
                self.node(),
                TraceKind::BatchRetried,
                format!(
                    "{} retries a batch of {len} records to {name} after {error} (attempt {}, in {} ms)",
                    self.cfg.name,
                    attempts + 1,
                    backoff / 1000
                ),
            );
            return;
        }
        let why = if expired {
            "delivery.timeout.ms expired".to_string()
        } else {
            error.to_string()
        };
        self.give_up(id, &why, expired, ctx);
    }

    /// A batch fails for good: its records are reported failed to the application.
    pub(super) fn give_up(&mut self, id: u64, why: &str, expired: bool, ctx: &mut Ctx<'_>) {
        let Some(b) = self.accumulator.remove(id) else {
            return;
        };
        let partition = b.partition;
        if let (Some(seq), Some(s)) = (b.sequence, self.send_state.get_mut(partition as usize)) {
            s.unresolved.remove(&seq);
            // A sequence that may never be written leaves a gap: start a new epoch. Unless a
            // later sequence was acknowledged: then this batch was written after all.
            if s.last_acked_sequence.is_none_or(|a| a < seq) {
                s.needs_epoch_bump = true;
            }
        }
        let name = ctx.topo.name(self.global(partition)).to_string();
        ctx.out.trace(
            ctx.now,
            self.node(),
            if expired {
                TraceKind::BatchExpired
            } else {
                TraceKind::BatchFailed
            },
            format!(
                "{}: a batch of {} records to {name} failed: {why}",
                self.cfg.name,
                b.len()
            ),
        );
        self.settle(&b, false, ctx);
        self.accumulator.recycle(b);
    }

    /// Whether the Sender may send to `broker` now: connected, with room in its window.
    pub(super) fn window_free(&self, broker: u32) -> bool {
        self.connections.get(&broker).is_none_or(|c| {
            c.is_ready()
                && (c.in_flight.len() as u32)
                    < self.cfg.max_in_flight_requests_per_connection.max(1)
        })
    }

    /// Whether the front batch of a partition may be drained now; bumps the epoch if due.
    pub(super) fn front_ready(&mut self, p: u32, now: u64) -> Option<u64> {
        let linger = ms(self.cfg.linger_ms);
        let flushing = self.done_sending() && self.cfg.send_mode != SendMode::Sync;
        // The Java client mutes a partition with a batch in flight when the window is 1;
        // librdkafka has no such rule (see `request`).
        let guarantee_order =
            self.cfg.max_in_flight_requests_per_connection <= 1 && !self.cfg.client.is_librdkafka();
        let idempotent = self.idempotent();
        let s = self.send_state.get_mut(p as usize)?;
        if guarantee_order && s.in_flight_batches > 0 {
            return None;
        }
        if idempotent && !self.cfg.client.may_send_idempotent(s.in_flight_records) {
            return None;
        }
        if idempotent && s.needs_epoch_bump {
            let front_unsequenced = self
                .accumulator
                .queue(p)
                .and_then(|q| q.front())
                .and_then(|id| self.accumulator.batches.get(id))
                .is_some_and(|b| b.sequence.is_none());
            if front_unsequenced && s.in_flight_batches == 0 {
                // Behind a batch the broker rejected as out of order: nothing above it can be
                // written in this epoch either.
                self.accumulator.for_each_queued_mut(p, |b| {
                    if let Some(seq) = b.sequence.take() {
                        s.unresolved.remove(&seq);
                    }
                });
            }
            // Bump only once every sequence of the old epoch is resolved (KIP-360): a batch
            // whose outcome is unknown must first be retried under its old sequence.
            if s.unresolved.is_empty() && s.in_flight_batches == 0 {
                s.needs_epoch_bump = false;
                s.producer_epoch = s.producer_epoch.wrapping_add(1);
                s.next_sequence = 0;
                s.last_acked_sequence = None;
                self.accumulator
                    .for_each_queued_mut(p, |b| b.sequence = None);
            } else if front_unsequenced {
                return None;
            }
        }
        let q = self.accumulator.queue(p)?;
        let &id = q.front()?;
        let more_behind = q.len() > 1;
        let b = self.accumulator.batches.get(&id)?;
        if b.attempts > 0 && now < b.retry_at_us {
            return None;
        }
        if idempotent {
            if let (Some(seq), Some(lowest)) = (b.sequence, s.unresolved.iter().next()) {
                if seq != *lowest {
                    return None;
                }
            }
        }
        let ready = b.closed
            || more_behind
            || flushing
            || b.attempts > 0
            || b.sequence.is_some()
            || now >= b.created_us + linger;
        ready.then_some(id)
    }

    /// The Sender: drains ready batches into Produce requests, one batch per partition per
    /// request, while the broker's in-flight window has room.
    pub(super) fn drain(&mut self, ctx: &mut Ctx<'_>) {
        let n = self.partitions;
        if n == 0 || self.accumulator.all_queues_empty() {
            return;
        }
        let start = self.drain_cursor % n;
        self.drain_cursor = self.drain_cursor.wrapping_add(1);
        // Each pass sends at most one request per broker (one batch per partition), like one
        // turn of Kafka's sender loop; passes repeat while something went out. A request holds
        // batches up to max.request.size (`bounds`); a broker whose request is full waits for
        // the next pass.
        let bounded = self.request_size_binds();
        // Lists kept for their capacity (see `DrainScratch`).
        let DrainScratch {
            mut turn,
            mut per_broker,
            mut request_bytes,
        } = std::mem::take(&mut self.drain_scratch);
        // Flushing (the application has sent its last record), any front batch may go;
        // otherwise only those due by now (`Accumulator::promote`): no other can be ready.
        let flushing = self.done_sending() && self.cfg.send_mode != SendMode::Sync;
        loop {
            // The partitions of this pass in round-robin order from `start`, those with batches
            // queued only (a pass takes nothing out of the queues, so the list holds for it).
            turn.clear();
            if flushing {
                turn.extend(self.accumulator.queued().iter_round_from(start));
            } else {
                self.accumulator.promote(ctx.now);
                turn.extend(self.accumulator.ready().iter_round_from(start));
            }
            // Bytes taken so far in each broker's request (u64::MAX: full for this pass).
            request_bytes.clear();
            // The brokers given batches in this pass lie in `lo..hi`.
            let (mut lo, mut hi) = (usize::MAX, 0);
            for &p in &turn {
                let Some(b) = self.leaders.get(p as usize).copied().flatten() else {
                    continue;
                };
                let bi = b as usize;
                if !self.window_free(b) && !self.may_park(b) {
                    continue;
                }
                if bounded && request_bytes.get(bi) == Some(&u64::MAX) {
                    continue;
                }
                if let Some(id) = self.front_ready(p, ctx.now) {
                    if bounded {
                        if request_bytes.len() <= bi {
                            request_bytes.resize(bi + 1, 0);
                        }
                        let Some(bytes) = request_bytes.get_mut(bi) else {
                            continue;
                        };
                        if !self.fits_request(bytes, id) {
                            *bytes = u64::MAX;
                            continue;
                        }
                    }
                    if per_broker.len() <= bi {
                        per_broker.resize_with(bi + 1, Vec::new);
                    }
                    if let Some(batches) = per_broker.get_mut(bi) {
                        batches.push((p, id));
                        (lo, hi) = (lo.min(bi), hi.max(bi + 1));
                    }
                }
            }
            if lo >= hi {
                break;
            }
            // By broker, ascending.
            for (b, batches) in per_broker.iter_mut().enumerate().take(hi).skip(lo) {
                if batches.is_empty() {
                    continue;
                }
                let b = b as u32;
                if self.window_free(b) {
                    self.send_request(b, batches, ctx);
                } else {
                    self.park_request(b, batches);
                }
                batches.clear();
            }
        }
        self.drain_scratch = DrainScratch {
            turn,
            per_broker,
            request_bytes,
        };
    }

    pub(super) fn backoff_us(&self, attempt: u32, rng: &mut impl Rng) -> u64 {
        let base = ms(self.cfg.retry_backoff_ms);
        if !self.version.at_least(3, 7) {
            return base;
        }
        let max = ms(self.cfg.retry_backoff_max_ms);
        if max <= base {
            return base;
        }
        let exp = attempt.saturating_sub(1).min(40);
        let term = (base as f64) * 2f64.powi(exp as i32);
        // KIP-580: a random factor in [0.8, 1.2), then the cap.
        let factor = 0.8 + 0.4 * (f64::from(rng.next_u32()) / 4_294_967_296.0);
        ((term * factor) as u64).min(max)
    }
}

#[cfg(test)]
mod tests {
    use crate::kafka::protocol::{NodeId, Payload};
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::{ActionKind, KafkaVersion};
    use crate::world::sim::Simulation;

    #[test]
    fn a_backoff_over_with_nothing_to_send_waits_idle_and_reconnects_once_there_is() {
        // Broker 0 goes down: its partition moves to broker 1, so the producer's backoff for
        // broker 0 ends with nothing queued for it. Broker 0 comes back as a follower, and a
        // partition added later is led by it: the producer connects again from that idle
        // backoff, while its connection to broker 1 has nothing due.
        let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(9)
            .brokers(2)
            .duration_ms(50_000)
            .topic(2, 2, 1)
            .producer(|p| {
                p.records = 480;
                p.records_per_sec = 10.0;
                p.metadata_max_age_ms = 5_000;
            })
            .action(5_000, ActionKind::CrashBroker { broker: 0 })
            .action(20_000, ActionKind::RestartBroker { broker: 0 })
            .action(
                30_000,
                ActionKind::AddPartitions {
                    topic: "orders".into(),
                    partitions: 4,
                },
            )
            .build();
        let mut sim = Simulation::new(s);
        sim.world.producers[0].enable_metadata_refresh();
        let (mut seen, mut idle, mut reconnects) = (0, Vec::new(), Vec::new());
        while sim.step() {
            if sim.world.producers[0].idle_backoffs == [0] {
                idle.push(sim.now_us());
            }
            for e in sim.messages_since(&mut seen) {
                if let (NodeId::Producer(0), NodeId::Broker(0), Payload::ApiVersions) =
                    (e.info.from, e.info.to, &e.payload)
                {
                    reconnects.push(e.info.depart_us);
                }
            }
        }
        let (first_idle, last_idle) = (idle[0], idle[idle.len() - 1]);
        assert!(
            first_idle < 20_000_000 && last_idle > 30_000_000,
            "{first_idle} {last_idle}"
        );
        // The first connection attempt after the idle stretch comes at once and succeeds.
        let after: Vec<u64> = reconnects.into_iter().filter(|&t| t > last_idle).collect();
        assert_eq!(after.len(), 1, "{after:?}");
        let r = sim.report();
        assert_eq!(r.records.acknowledged, r.records.sent, "{:?}", r.records);
    }
}
