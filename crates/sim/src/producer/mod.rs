//! A producer: the application's send loop in its send mode, the RecordAccumulator, and the
//! Sender with a real per-broker in-flight window, retries with backoff, request and delivery
//! timeouts, metadata refresh and idempotence (producer id, epoch, sequences).

pub mod accumulator;

use crate::errors::ErrorCode;
use crate::ledger::Ledger;
use crate::node::{Outbox, Timer};
use crate::partitioner::Partitioner;
use crate::protocol::{
    NodeId, Payload, ProduceBatch, ProduceRequest, ProduceResponse, ProducerIdentity,
};
use crate::scenario::{Acks, KafkaVersion, ProducerConfig, SendMode};
use crate::topology::Topology;
use crate::trace::TraceKind;
use accumulator::Accumulator;
use rand_core::Rng;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// Everything a producer handler needs from the world.
pub struct ProducerCtx<'a, R: Rng> {
    pub now: u64,
    pub rng: &'a mut R,
    pub out: &'a mut Outbox,
    pub ledger: &'a mut Ledger,
    pub topo: &'a Topology,
}

#[derive(Debug, Clone)]
pub struct InFlightRequest {
    pub correlation_id: u64,
    pub batch_ids: Vec<u64>,
    pub sent_us: u64,
    pub deadline_us: u64,
}

/// One broker connection: the window of unanswered requests.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub in_flight: VecDeque<InFlightRequest>,
}

/// Per-partition sender state.
#[derive(Debug, Clone, Default)]
pub struct PartitionSendState {
    pub in_flight_batches: u32,
    pub next_sequence: i32,
    pub producer_epoch: u16,
    /// Sequences sent and not yet resolved (idempotence).
    pub unresolved: BTreeSet<i32>,
    pub needs_epoch_bump: bool,
}

#[derive(Debug, Clone)]
pub struct Producer {
    pub index: u32,
    pub cfg: ProducerConfig,
    version: KafkaVersion,
    topic_base: u32,
    partitions: u32,
    pub next_record: u64,
    /// Sync mode: the record whose result the application waits for.
    pub waiting_for: Option<u32>,
    sync_ready_us: u64,
    partitioner: Partitioner,
    record_bytes: u32,
    pub accumulator: Accumulator,
    pub send_state: Vec<PartitionSendState>,
    pub connections: BTreeMap<u32, Connection>,
    /// Leader per topic-local partition, as the producer's metadata says.
    pub leaders: Vec<Option<u32>>,
    metadata_needed: bool,
    metadata_in_flight: Option<(u64, u64)>,
    metadata_ready_us: u64,
    metadata_cursor: u32,
    next_correlation: u64,
    drain_cursor: u32,
    pub producer_id: u64,
    wake_at: Option<u64>,
    brokers: u32,
    pub retries_done: u64,
}

fn ms(v: u64) -> u64 {
    v.saturating_mul(1000)
}

impl Producer {
    pub fn new(index: u32, cfg: ProducerConfig, version: KafkaVersion, topo: &Topology) -> Self {
        let (topic_base, partitions) = topo
            .topic_index(&cfg.topic)
            .map(|t| {
                let base = topo.topic_base.get(t).copied().unwrap_or(0);
                let n = topo.partitions.iter().filter(|p| p.topic == t).count() as u32;
                (base, n)
            })
            .unwrap_or((0, 0));
        let key_len = if cfg.keys > 0 { 6 } else { 0 };
        let record_bytes = cfg.value_bytes.saturating_add(key_len);
        Producer {
            index,
            version,
            topic_base,
            partitions,
            next_record: 0,
            waiting_for: None,
            sync_ready_us: 0,
            partitioner: Partitioner::new(version, partitions, cfg.keys, cfg.batch_size),
            record_bytes,
            accumulator: Accumulator::new(partitions, cfg.batch_size, record_bytes),
            send_state: (0..partitions)
                .map(|_| PartitionSendState::default())
                .collect(),
            connections: BTreeMap::new(),
            leaders: vec![None; partitions as usize],
            metadata_needed: true,
            metadata_in_flight: None,
            metadata_ready_us: 0,
            metadata_cursor: index,
            next_correlation: 0,
            drain_cursor: 0,
            producer_id: 1000 + u64::from(index),
            wake_at: None,
            brokers: topo.brokers,
            retries_done: 0,
            cfg,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Producer(self.index)
    }

    fn observed(&self) -> bool {
        self.cfg.send_mode != SendMode::FireAndForget
    }

    fn idempotent(&self) -> bool {
        self.cfg.enable_idempotence
    }

    /// When the application calls `send()` for record `i` (before sync-mode waiting).
    fn scheduled_send_us(&self, i: u64) -> u64 {
        let rate = self.cfg.records_per_sec;
        if rate.is_finite() && rate > 0.0 {
            (i as f64 * 1_000_000.0 / rate) as u64
        } else {
            0
        }
    }

    fn next_send_us(&self) -> Option<u64> {
        if self.next_record >= self.cfg.records {
            return None;
        }
        match self.cfg.send_mode {
            SendMode::Sync if self.waiting_for.is_some() => None,
            SendMode::Sync => Some(
                self.scheduled_send_us(self.next_record)
                    .max(self.sync_ready_us),
            ),
            _ => Some(self.scheduled_send_us(self.next_record)),
        }
    }

    pub fn done_sending(&self) -> bool {
        self.next_record >= self.cfg.records
    }

    fn available_partitions(&self) -> Vec<u32> {
        self.leaders
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_some())
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The application's send loop: every record due by now enters the accumulator.
    fn run_application<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        while let Some(due) = self.next_send_us() {
            if due > ctx.now {
                break;
            }
            let i = self.next_record;
            let partition = if self.cfg.keys > 0 {
                self.partitioner
                    .keyed((i % u64::from(self.cfg.keys)) as u32)
            } else {
                let avail = self.available_partitions();
                let mut p =
                    self.partitioner
                        .null_key(&avail, u64::from(self.record_bytes), ctx.rng);
                // 2.4–3.2: a record that would start a new batch makes the sticky partition move.
                if self.partitioner.strategy()
                    == crate::partitioner::NullKeyStrategy::StickyPerBatch
                    && self.accumulator.open_batch(p).is_none()
                    && !self.accumulator.batches.is_empty()
                {
                    self.partitioner.on_new_batch(p, &avail, ctx.rng);
                    p = self
                        .partitioner
                        .null_key(&avail, u64::from(self.record_bytes), ctx.rng);
                }
                p
            };
            let id = ctx
                .ledger
                .record_sent(self.index as usize, self.topic_base + partition, due);
            self.accumulator.append(partition, id, due);
            self.next_record += 1;
            if self.cfg.send_mode == SendMode::Sync {
                self.waiting_for = Some(id);
            }
        }
    }

    fn backoff_us(&self, attempt: u32, rng: &mut impl Rng) -> u64 {
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

    pub fn on_timer<R: Rng>(&mut self, timer: Timer, ctx: &mut ProducerCtx<'_, R>) {
        if timer == Timer::ProducerWake {
            if self.wake_at == Some(ctx.now) {
                self.wake_at = None;
            }
            self.run(ctx);
        }
    }

    /// First wake-up at time 0.
    pub fn start<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        self.run(ctx);
    }

    pub fn on_message<R: Rng>(
        &mut self,
        from: NodeId,
        payload: Payload,
        ctx: &mut ProducerCtx<'_, R>,
    ) {
        match payload {
            Payload::ProduceResponse(resp) => {
                if let NodeId::Broker(b) = from {
                    self.handle_produce_response(b, resp, ctx);
                }
            }
            Payload::MetadataResponse {
                correlation_id,
                leaders,
            } if self.metadata_in_flight.map(|(c, _)| c) == Some(correlation_id) => {
                self.metadata_in_flight = None;
                self.apply_metadata(&leaders, ctx);
            }
            Payload::Disconnect => {
                if let NodeId::Broker(b) = from {
                    self.connection_failed(b, ctx);
                    if self
                        .metadata_in_flight
                        .is_some_and(|(c, _)| c == u64::from(b) << 48 | (c & 0xffff_ffff_ffff))
                    {
                        self.metadata_in_flight = None;
                    }
                }
            }
            _ => {}
        }
        self.run(ctx);
    }

    fn apply_metadata<R: Rng>(
        &mut self,
        leaders: &Arc<[Option<u32>]>,
        ctx: &mut ProducerCtx<'_, R>,
    ) {
        let mut changed = false;
        for p in 0..self.partitions {
            let l = leaders
                .get((self.topic_base + p) as usize)
                .copied()
                .flatten();
            if let Some(slot) = self.leaders.get_mut(p as usize) {
                if *slot != l {
                    *slot = l;
                    changed = true;
                }
            }
        }
        self.metadata_needed = self.leaders.iter().any(|l| l.is_none());
        self.metadata_ready_us = ctx.now + ms(self.cfg.retry_backoff_ms);
        if changed {
            let text = self
                .leaders
                .iter()
                .enumerate()
                .map(|(p, l)| match l {
                    Some(b) => format!("{}→{b}", ctx.topo.name(self.topic_base + p as u32)),
                    None => format!("{}→none", ctx.topo.name(self.topic_base + p as u32)),
                })
                .collect::<Vec<_>>()
                .join(", ");
            ctx.out.trace(
                ctx.now,
                self.node(),
                TraceKind::MetadataUpdated,
                format!("{} refreshed metadata: {text}", self.cfg.name),
            );
        }
    }

    /// A connection reset or request timeout: every request in flight on it fails.
    fn connection_failed<R: Rng>(&mut self, broker: u32, ctx: &mut ProducerCtx<'_, R>) {
        let Some(conn) = self.connections.get_mut(&broker) else {
            return;
        };
        let requests: Vec<InFlightRequest> = conn.in_flight.drain(..).collect();
        for req in requests {
            for id in req.batch_ids {
                self.batch_failed(id, ErrorCode::NetworkException, ctx);
            }
        }
        self.metadata_needed = true;
    }

    fn handle_produce_response<R: Rng>(
        &mut self,
        broker: u32,
        resp: ProduceResponse,
        ctx: &mut ProducerCtx<'_, R>,
    ) {
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
    }

    fn release_in_flight(&mut self, id: u64) {
        if let Some(b) = self.accumulator.batches.get_mut(&id) {
            if b.in_flight {
                b.in_flight = false;
                if let Some(s) = self.send_state.get_mut(b.partition as usize) {
                    s.in_flight_batches = s.in_flight_batches.saturating_sub(1);
                }
            }
        }
    }

    fn batch_succeeded<R: Rng>(&mut self, id: u64, ctx: &mut ProducerCtx<'_, R>) {
        self.release_in_flight(id);
        let Some(b) = self.accumulator.remove(id) else {
            return;
        };
        if let (Some(seq), Some(s)) = (b.sequence, self.send_state.get_mut(b.partition as usize)) {
            s.unresolved.remove(&seq);
        }
        self.settle(&b, true, ctx);
    }

    fn settle<R: Rng>(
        &mut self,
        b: &accumulator::Batch,
        success: bool,
        ctx: &mut ProducerCtx<'_, R>,
    ) {
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

    fn batch_failed<R: Rng>(&mut self, id: u64, error: ErrorCode, ctx: &mut ProducerCtx<'_, R>) {
        self.release_in_flight(id);
        let now = ctx.now;
        let idempotent = self.idempotent();
        let retries = self.cfg.retries;
        let delivery_deadline = ms(self.cfg.delivery_timeout_ms);
        let Some(b) = self.accumulator.batches.get(&id) else {
            return;
        };
        let partition = b.partition;
        let name = ctx.topo.name(self.topic_base + partition).to_string();
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
        // The idempotent producer's own rules (reference 1.8).
        let idempotent_retry = idempotent
            && matches!(
                error,
                ErrorCode::OutOfOrderSequenceNumber
                    | ErrorCode::UnknownProducerId
                    | ErrorCode::InvalidProducerEpoch
            );
        if idempotent_retry && !expired {
            if error != ErrorCode::OutOfOrderSequenceNumber || seq == lowest_unresolved {
                // A real gap (or lost producer state): bump the epoch, resend from sequence 0.
                if let Some(s) = self.send_state.get_mut(partition as usize) {
                    s.needs_epoch_bump = true;
                }
            }
            if let Some(b) = self.accumulator.batches.get_mut(&id) {
                b.retry_at_us = now;
            }
            self.accumulator.reenqueue(id);
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
            self.accumulator.reenqueue(id);
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
        let Some(b) = self.accumulator.remove(id) else {
            return;
        };
        if let (Some(seq), Some(s)) = (b.sequence, self.send_state.get_mut(partition as usize)) {
            s.unresolved.remove(&seq);
            // A sequence that will never be written leaves a gap: start a new epoch.
            s.needs_epoch_bump = true;
        }
        let why = if expired {
            "delivery.timeout.ms expired".to_string()
        } else {
            error.to_string()
        };
        ctx.out.trace(
            now,
            self.node(),
            if expired {
                TraceKind::BatchExpired
            } else {
                TraceKind::BatchFailed
            },
            format!(
                "{}: a batch of {len} records to {name} failed: {why}",
                self.cfg.name
            ),
        );
        self.settle(&b, false, ctx);
    }

    /// Batches whose delivery deadline passed fail (queued or in flight).
    fn expire_batches<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        let dt = ms(self.cfg.delivery_timeout_ms);
        // Batch ids grow with creation time: only the oldest can be due.
        while let Some((&id, b)) = self.accumulator.batches.iter().next() {
            if b.created_us.saturating_add(dt) > ctx.now {
                break;
            }
            self.batch_failed(id, ErrorCode::RequestTimedOut, ctx);
            // batch_failed removes expired batches; guard against a batch that stays.
            if self.accumulator.batches.contains_key(&id) {
                self.accumulator.remove(id);
            }
        }
    }

    fn check_request_timeouts<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
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
            self.connection_failed(b, ctx);
        }
        if self
            .metadata_in_flight
            .is_some_and(|(_, deadline)| deadline <= ctx.now)
        {
            self.metadata_in_flight = None;
            self.metadata_needed = true;
        }
    }

    fn maybe_request_metadata<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        if !self.metadata_needed
            || self.metadata_in_flight.is_some()
            || ctx.now < self.metadata_ready_us
        {
            return;
        }
        let brokers = self.brokers.max(1);
        let b = self.metadata_cursor % brokers;
        self.metadata_cursor = self.metadata_cursor.wrapping_add(1);
        let correlation_id = (u64::from(b) << 48) | (self.next_correlation & 0xffff_ffff_ffff);
        self.next_correlation += 1;
        self.metadata_in_flight = Some((correlation_id, ctx.now + ms(self.cfg.request_timeout_ms)));
        self.metadata_ready_us = ctx.now + ms(self.cfg.retry_backoff_ms);
        ctx.out.send(
            self.node(),
            NodeId::Broker(b),
            Payload::Metadata { correlation_id },
        );
    }

    fn window_free(&self, broker: u32) -> bool {
        self.connections.get(&broker).is_none_or(|c| {
            (c.in_flight.len() as u32) < self.cfg.max_in_flight_requests_per_connection.max(1)
        })
    }

    /// Whether the front batch of a partition may be drained now; bumps the epoch if due.
    fn front_ready(&mut self, p: u32, now: u64) -> Option<u64> {
        let linger = ms(self.cfg.linger_ms);
        let flushing = self.done_sending() && self.cfg.send_mode != SendMode::Sync;
        let guarantee_order = self.cfg.max_in_flight_requests_per_connection <= 1;
        let idempotent = self.idempotent();
        let s = self.send_state.get_mut(p as usize)?;
        if guarantee_order && s.in_flight_batches > 0 {
            return None;
        }
        if idempotent && s.needs_epoch_bump {
            if s.in_flight_batches > 0 {
                return None;
            }
            s.needs_epoch_bump = false;
            s.producer_epoch = s.producer_epoch.wrapping_add(1);
            s.next_sequence = 0;
            s.unresolved.clear();
            if let Some(q) = self.accumulator.queues.get(p as usize) {
                for id in q.iter() {
                    if let Some(b) = self.accumulator.batches.get_mut(id) {
                        b.sequence = None;
                    }
                }
            }
        }
        let q = self.accumulator.queues.get(p as usize)?;
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
    fn drain<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        let n = self.partitions;
        if n == 0 || self.accumulator.queues.iter().all(|q| q.is_empty()) {
            return;
        }
        let start = self.drain_cursor % n;
        self.drain_cursor = self.drain_cursor.wrapping_add(1);
        // Each pass sends at most one request per broker (one batch per partition), like one
        // turn of Kafka's sender loop; passes repeat while something went out.
        let mut per_broker: BTreeMap<u32, Vec<(u32, u64)>> = BTreeMap::new();
        loop {
            for k in 0..n {
                let p = (start + k) % n;
                if self
                    .accumulator
                    .queues
                    .get(p as usize)
                    .is_none_or(|q| q.is_empty())
                {
                    continue;
                }
                let Some(b) = self.leaders.get(p as usize).copied().flatten() else {
                    continue;
                };
                if !self.window_free(b) {
                    continue;
                }
                if let Some(id) = self.front_ready(p, ctx.now) {
                    per_broker.entry(b).or_default().push((p, id));
                }
            }
            if per_broker.is_empty() {
                break;
            }
            for (b, batches) in std::mem::take(&mut per_broker) {
                self.send_request(b, batches, ctx);
            }
        }
    }

    fn send_request<R: Rng>(
        &mut self,
        broker: u32,
        batches: Vec<(u32, u64)>,
        ctx: &mut ProducerCtx<'_, R>,
    ) {
        let idempotent = self.idempotent();
        let mut wire = Vec::with_capacity(batches.len());
        let mut ids = Vec::with_capacity(batches.len());
        for (p, id) in batches {
            if let Some(q) = self.accumulator.queues.get_mut(p as usize) {
                q.pop_front();
            }
            let Some(s) = self.send_state.get_mut(p as usize) else {
                continue;
            };
            let Some(b) = self.accumulator.batches.get_mut(&id) else {
                continue;
            };
            let records = b.freeze();
            let identity = if idempotent {
                let seq = match b.sequence {
                    Some(seq) => seq,
                    None => {
                        let seq = s.next_sequence;
                        s.next_sequence =
                            s.next_sequence.wrapping_add(records.len() as i32) & i32::MAX;
                        b.sequence = Some(seq);
                        b.producer_epoch = s.producer_epoch;
                        s.unresolved.insert(seq);
                        seq
                    }
                };
                Some(ProducerIdentity {
                    producer_id: self.producer_id,
                    producer_epoch: b.producer_epoch,
                    base_sequence: seq,
                })
            } else {
                None
            };
            b.in_flight = true;
            s.in_flight_batches += 1;
            wire.push(ProduceBatch {
                partition: self.topic_base + p,
                batch_id: id,
                records,
                identity,
                is_retry: b.attempts > 0,
            });
            ids.push(id);
        }
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        let acks = self.cfg.acks;
        ctx.out.send(
            self.node(),
            NodeId::Broker(broker),
            Payload::Produce(ProduceRequest {
                correlation_id,
                acks,
                timeout_us: ms(self.cfg.request_timeout_ms),
                batches: wire,
            }),
        );
        if acks == Acks::Zero {
            // Complete once written to the socket: no response will come.
            for id in ids {
                self.batch_succeeded(id, ctx);
            }
            return;
        }
        self.connections
            .entry(broker)
            .or_default()
            .in_flight
            .push_back(InFlightRequest {
                correlation_id,
                batch_ids: ids,
                sent_us: ctx.now,
                deadline_us: ctx.now + ms(self.cfg.request_timeout_ms),
            });
    }

    /// One turn of the producer: application sends, expiry, metadata, draining, next wake-up.
    pub fn run<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        self.run_application(ctx);
        self.check_request_timeouts(ctx);
        self.expire_batches(ctx);
        self.maybe_request_metadata(ctx);
        self.drain(ctx);
        // Draining may complete records (acks=0) and free a sync application.
        if self.cfg.send_mode == SendMode::Sync
            && self.waiting_for.is_none()
            && self.next_send_us().is_some_and(|t| t <= ctx.now)
        {
            self.run_application(ctx);
            self.drain(ctx);
        }
        self.schedule_wake(ctx);
    }

    fn schedule_wake<R: Rng>(&mut self, ctx: &mut ProducerCtx<'_, R>) {
        let now = ctx.now;
        let linger = ms(self.cfg.linger_ms);
        let mut next = u64::MAX;
        let mut consider = |t: u64| {
            if t > now && t < next {
                next = t;
            }
        };
        if let Some(t) = self.next_send_us() {
            let sync = self.cfg.send_mode == SendMode::Sync;
            let eager = linger == 0 || sync;
            if eager && (sync || self.leaders.iter().flatten().any(|&b| self.window_free(b))) {
                consider(t.max(now + 1));
            } else {
                // Wake when the fullest batch could fill (windows full: responses wake us too).
                let room = (0..self.partitions)
                    .map(|p| self.accumulator.room(p))
                    .min()
                    .unwrap_or(1)
                    .max(1);
                consider(
                    self.scheduled_send_us(self.next_record + u64::from(room) - 1)
                        .max(now + 1),
                );
                if !eager {
                    consider(t.saturating_add(linger));
                    if self.accumulator.batches.is_empty() {
                        consider(t.max(now + 1));
                    }
                }
            }
        }
        let dt = ms(self.cfg.delivery_timeout_ms);
        if let Some(b) = self.accumulator.batches.values().next() {
            consider(b.created_us.saturating_add(dt));
        }
        for (p, q) in self.accumulator.queues.iter().enumerate() {
            let Some(b) = q.front().and_then(|id| self.accumulator.batches.get(id)) else {
                continue;
            };
            if self.leaders.get(p).copied().flatten().is_none() {
                continue;
            }
            if b.attempts > 0 {
                consider(b.retry_at_us);
            } else if !b.closed {
                consider(b.created_us + linger);
            }
        }
        for c in self.connections.values() {
            if let Some(r) = c.in_flight.front() {
                consider(r.deadline_us);
            }
        }
        if let Some((_, d)) = self.metadata_in_flight {
            consider(d);
        }
        if self.metadata_needed && self.metadata_in_flight.is_none() {
            consider(self.metadata_ready_us.max(now + 1));
        }
        if next == u64::MAX {
            return;
        }
        if self.wake_at.is_none_or(|w| w <= now || next < w) {
            self.wake_at = Some(next);
            ctx.out.timer(next, self.node(), Timer::ProducerWake);
        }
    }

    /// Batches waiting out a retry backoff: (partition, records, ready at).
    pub fn backing_off(&self, now: u64) -> Vec<(u32, usize, u64)> {
        self.accumulator
            .batches
            .values()
            .filter(|b| b.attempts > 0 && !b.in_flight && b.retry_at_us > now)
            .map(|b| (self.topic_base + b.partition, b.len(), b.retry_at_us))
            .collect()
    }

    pub fn batches_in_accumulator(&self) -> usize {
        self.accumulator
            .batches
            .values()
            .filter(|b| !b.in_flight)
            .count()
    }
}
