//! A producer: the application's send loop in its send mode, the RecordAccumulator, and the
//! Sender with a real per-broker in-flight window, retries with backoff, request and delivery
//! timeouts, metadata refresh and idempotence (producer id, epoch, sequences).

pub mod accumulator;
mod application;
mod batch_store;
mod bounds;
mod expiry;
mod metadata;
mod request;
mod sender;
pub mod values;

use crate::kafka::errors::ErrorCode;
use crate::kafka::partitioner::Partitioner;
use crate::kafka::protocol::{NodeId, Payload};
use crate::kafka::record_size::{estimate_size_upper_bound, KEY_BYTES};
use crate::node::{Ctx, Node, Timer};
use crate::scenario::{Client, KafkaVersion, ProducerConfig, SendMode};
use crate::support::vec_map::{VecMap, VecSet};
use crate::world::topology::Topology;
use accumulator::Accumulator;
pub use bounds::BlockedSend;
use std::collections::VecDeque;
use std::sync::Arc;
use values::ValueWriter;

#[derive(Debug, Clone)]
pub struct InFlightRequest {
    pub correlation_id: u64,
    pub batch_ids: Vec<u64>,
    pub sent_us: u64,
    pub deadline_us: u64,
}

/// Whether the client may send on a connection (`NetworkClient.ready`). A connection starts
/// ready (the run begins with the client connected). After a disconnect the client waits
/// `reconnect.backoff.ms` (50), doubling per failure in a row up to `reconnect.backoff.max.ms`
/// (1000; KIP-144), then connects again; the Sender drains nothing to a node that is not ready,
/// so a dead leader costs no attempts (`Sender.sendProducerData` skips such nodes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConnectionState {
    #[default]
    Ready,
    /// Waiting out the reconnect backoff after `failures` failed connections in a row.
    Backoff { until_us: u64, failures: u32 },
    /// Connecting (TCP, then ApiVersions) since `since_us`, after `failures` failed
    /// connections in a row.
    Connecting { since_us: u64, failures: u32 },
}

/// `reconnect.backoff.ms` and `reconnect.backoff.max.ms` (Kafka's defaults; not settable here,
/// and without the 20 % jitter Kafka adds).
pub const RECONNECT_BACKOFF_US: u64 = 50_000;
pub const RECONNECT_BACKOFF_MAX_US: u64 = 1_000_000;

/// One broker connection: its state and the window of unanswered requests.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub in_flight: VecDeque<InFlightRequest>,
    pub state: ConnectionState,
    /// librdkafka: a request built while the window was full, waiting in the output queue.
    pub parked: Option<request::BuiltRequest>,
}

impl Connection {
    pub fn is_ready(&self) -> bool {
        self.state == ConnectionState::Ready
    }
}

/// Per-partition sender state.
#[derive(Debug, Clone, Default)]
pub struct PartitionSendState {
    pub in_flight_batches: u32,
    /// Records in those batches (librdkafka's `rktp_msgs_inflight`).
    pub in_flight_records: u32,
    pub next_sequence: i32,
    pub producer_epoch: u16,
    /// Sequences sent and not yet resolved (idempotence).
    pub unresolved: VecSet<i32>,
    pub needs_epoch_bump: bool,
    /// Highest sequence acknowledged in the current epoch.
    pub last_acked_sequence: Option<i32>,
}

/// The sender's lists for one pass of `drain`, kept between passes for their capacity: a pass
/// lists up to every partition, and new lists on every wake-up were a good part of its work
/// (at 1,000 partitions, four allocations per request sent).
#[derive(Debug, Clone, Default)]
struct DrainScratch {
    /// The partitions of the pass, in round-robin order.
    turn: Vec<u32>,
    /// By broker id: the (partition, batch id) pairs going into its request.
    per_broker: Vec<Vec<(u32, u64)>>,
    /// By broker id: the bytes its request holds so far, when `max.request.size` can bind.
    request_bytes: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct Producer {
    pub index: u32,
    pub cfg: ProducerConfig,
    version: KafkaVersion,
    /// Its topic's index; `None` for a topic the cluster lacks (refused by validation).
    topic: Option<usize>,
    /// Global number of each topic-local partition its metadata knows.
    globals: Vec<u32>,
    partitions: u32,
    pub next_record: u64,
    /// Sync mode: the record whose result the application waits for.
    pub waiting_for: Option<u32>,
    sync_ready_us: u64,
    partitioner: Partitioner,
    record_bytes: u32,
    /// Kafka's upper-bound estimate of one record's serialized size (`max.request.size`,
    /// `buffer.memory` and a batch's buffer are measured against it).
    record_estimate: u64,
    /// The application's `send()` waiting for buffer memory (`BufferPool.allocate`).
    pub blocked: Option<BlockedSend>,
    /// When the application's last blocking `send()` returned: later sends start no earlier.
    unblocked_us: u64,
    told_too_large: bool,
    /// When the current stretch of blocked sends began (for the trace).
    blocking_since: Option<u64>,
    pub accumulator: Accumulator,
    pub send_state: Vec<PartitionSendState>,
    pub connections: VecMap<u32, Connection>,
    /// Leader per topic-local partition, as the producer's metadata says.
    leaders: Vec<Option<u32>>,
    /// The partitions with a leader, ascending, and the brokers leading any: derived from
    /// `leaders` when metadata changes them, not per record or per turn.
    available: Vec<u32>,
    leader_brokers: Vec<u32>,
    metadata_needed: bool,
    metadata_in_flight: Option<(u64, u64)>,
    metadata_ready_us: u64,
    metadata_cursor: u32,
    /// When the last metadata answer arrived (`metadata.max.age.ms` counts from there).
    metadata_refreshed_us: u64,
    /// `metadata.max.age.ms` in µs while the periodic refresh runs (see `sim::partitions`).
    metadata_max_age_us: Option<u64>,
    next_correlation: u64,
    drain_cursor: u32,
    drain_scratch: DrainScratch,
    pub producer_id: u64,
    wake_at: Option<u64>,
    /// No connection needs a look before this time: no request deadline, setup timeout or
    /// reconnect backoff ends earlier (lowered wherever one is set). A turn before it skips
    /// the passes over every connection, which at 50 brokers were most of a wake-up's work.
    connection_due_us: u64,
    /// Brokers whose reconnect backoff was over at the end of the last turn, with nothing
    /// queued for them then (so not connecting): looked at each turn, in broker order, without
    /// counting toward `connection_due_us`, which would otherwise stay in the past.
    idle_backoffs: Vec<u32>,
    /// No connection changed since `schedule_wake` last went over them all: their due times
    /// are still summed up in `connection_due_us` (and `idle_backoffs`). Cleared wherever a
    /// connection is changed. A pass over 50 connections on every wake-up (one per record
    /// sent) was a tenth of the cap scenario's cache misses.
    connections_scanned: bool,
    brokers: u32,
    pub retries_done: u64,
    /// The value serializer (see `values`).
    pub values: ValueWriter,
}

/// Milliseconds of a config value in µs (the sender uses it too).
fn ms(v: u64) -> u64 {
    // Clamp, then a plain multiply: an overflow-checked u64 multiply is a 128-bit libcall on
    // wasm32, and this runs on every producer turn.
    v.min(u64::MAX / 1000) * 1000
}

impl Producer {
    /// `schema`: the record schema `cfg.value_schema` names, if any.
    pub fn new(
        index: u32,
        cfg: ProducerConfig,
        version: KafkaVersion,
        topo: &Topology,
        schema: Option<Arc<crate::kafka::serialization::RecordSchema>>,
    ) -> Self {
        let topic = topo.topic_index(&cfg.topic);
        let globals: Vec<u32> = topic
            .and_then(|t| topo.topic_partitions.get(t))
            .cloned()
            .unwrap_or_default();
        let partitions = globals.len() as u32;
        let key_len = if cfg.keys > 0 { KEY_BYTES } else { 0 };
        let record_bytes = cfg.value_bytes.saturating_add(key_len);
        let record_estimate = estimate_size_upper_bound(
            version,
            (cfg.keys > 0).then_some(KEY_BYTES),
            cfg.value_bytes,
        );
        let mut accumulator = Accumulator::new(partitions, cfg.batch_size, record_bytes);
        accumulator.linger_us = ms(cfg.linger_ms);
        accumulator.batch_buffer_bytes =
            u32::try_from(record_estimate.max(u64::from(cfg.batch_size))).unwrap_or(u32::MAX);
        if let Some(n) = cfg.batch_num_messages {
            // librdkafka: a batch also closes at batch.num.messages records.
            accumulator.records_per_batch = accumulator.records_per_batch.min(n.max(1));
        }
        Producer {
            index,
            version: match cfg.client {
                Client::Java => version,
                Client::Librdkafka => crate::scenario::librdkafka::CLIENT_FEATURES,
            },
            topic,
            globals,
            partitions,
            next_record: 0,
            waiting_for: None,
            sync_ready_us: 0,
            partitioner: Partitioner::for_client(
                version,
                partitions,
                cfg.keys,
                cfg.batch_size,
                cfg.partitioner,
            ),
            record_bytes,
            record_estimate,
            blocked: None,
            unblocked_us: 0,
            told_too_large: false,
            blocking_since: None,
            accumulator,
            send_state: (0..partitions)
                .map(|_| PartitionSendState::default())
                .collect(),
            connections: VecMap::new(),
            leaders: vec![None; partitions as usize],
            available: Vec::new(),
            leader_brokers: Vec::new(),
            metadata_needed: true,
            metadata_in_flight: None,
            metadata_ready_us: 0,
            metadata_cursor: index,
            metadata_refreshed_us: 0,
            metadata_max_age_us: None,
            next_correlation: 0,
            drain_cursor: 0,
            drain_scratch: DrainScratch::default(),
            producer_id: 1000 + u64::from(index),
            wake_at: None,
            connection_due_us: 0,
            idle_backoffs: Vec::new(),
            connections_scanned: false,
            brokers: topo.brokers,
            retries_done: 0,
            values: ValueWriter::new(&cfg, schema),
            cfg,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Producer(self.index)
    }

    /// The global number of a topic-local partition.
    fn global(&self, partition: u32) -> u32 {
        // Only a producer of a missing topic (refused by validation) has none; any number
        // keeps it from panicking.
        self.globals
            .get(partition as usize)
            .copied()
            .unwrap_or(partition)
    }

    fn observed(&self) -> bool {
        self.cfg.send_mode != SendMode::FireAndForget
    }

    fn idempotent(&self) -> bool {
        self.cfg.enable_idempotence
    }

    /// A connection deadline was set for `at`: the next turn at or after it looks at the
    /// connections.
    fn note_connection_due(&mut self, at: u64) {
        self.connection_due_us = self.connection_due_us.min(at);
    }

    pub fn run(&mut self, ctx: &mut Ctx<'_>) {
        self.run_application(None, ctx);
        // Whatever was set since the last turn ends after now (see `note_connection_due`).
        let connections_due = ctx.now >= self.connection_due_us;
        if connections_due {
            self.check_request_timeouts(ctx);
        }
        self.check_metadata_timeout(ctx);
        self.expire_batches(ctx);
        self.maybe_request_metadata(ctx);
        if connections_due || !self.idle_backoffs.is_empty() {
            self.maybe_reconnect(connections_due, ctx);
        }
        self.drain(ctx);
        // Draining may complete records (acks=0) and free a sync application.
        if self.cfg.send_mode == SendMode::Sync
            && self.waiting_for.is_none()
            && self.next_send_us().is_some_and(|t| t <= ctx.now)
        {
            self.run_application(None, ctx);
            self.drain(ctx);
        }
        // Expiry and draining may free the buffer memory a blocked send() waits for.
        if self.blocked.is_some() && self.can_allocate() {
            self.run_application(None, ctx);
            self.drain(ctx);
        }
        self.schedule_wake(ctx);
    }

    fn schedule_wake(&mut self, ctx: &mut Ctx<'_>) {
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
            // A plain send of a null-key record joins the sticky partition's open batch, which
            // is drained at once only if that leader's window has room. While it has none, the
            // producer wakes where the fullest batch fills, where the partitioner picks again
            // (its draw then comes at its time, as when every send woke the producer), or at a
            // response (see `plain_partition`).
            let sticky_leader = self
                .plain_partition()
                .filter(|_| self.cfg.keys == 0)
                .and_then(|p| self.leaders.get(p as usize).copied().flatten());
            let any_free = self.leader_brokers.iter().any(|&b| self.window_free(b));
            let free = eager && (sync || sticky_leader.map_or(any_free, |b| self.window_free(b)));
            if eager && !free && any_free {
                let left = self
                    .partitioner
                    .sticky_records_left(u64::from(self.record_bytes));
                if let Some(left) = left {
                    consider(
                        self.scheduled_send_us(self.next_record.saturating_add(left))
                            .max(now + 1),
                    );
                }
            }
            // Near the buffer.memory bound every send() runs at its own time (`bounds`).
            if free || self.memory_tight() {
                consider(t.max(now + 1));
            } else {
                // Wake when the fullest batch could fill (windows full: responses wake us too).
                let room = if self.partitions == 0 {
                    1
                } else {
                    self.accumulator.least_room().max(1)
                };
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
        if let Some(b) = self.blocked {
            consider(b.deadline_us);
            if self.can_allocate() {
                consider(now + 1);
            }
        }
        let dt = ms(self.cfg.delivery_timeout_ms);
        if let Some(b) = self.accumulator.batches.values().next() {
            consider(b.created_us.saturating_add(dt));
        }
        if !self.version.at_least(2, 1) {
            // The accumulator's own expiry (see `expire_batches_before_2_1`).
            let rt = ms(self.cfg.request_timeout_ms);
            for p in self.accumulator.queued().iter() {
                let Some(q) = self.accumulator.queue(p) else {
                    continue;
                };
                let Some(b) = q.front().and_then(|id| self.accumulator.batches.get(id)) else {
                    continue;
                };
                let from = if b.attempts > 0 {
                    b.retry_at_us
                } else if b.closed || q.len() > 1 {
                    b.last_append_us.min(b.created_us + linger)
                } else {
                    b.created_us + linger
                };
                consider(from.saturating_add(rt) + 1);
            }
        }
        // The front batches' next due time (a retry's backoff, an open batch's linger), of a
        // partition with a leader: what a scan of every queued partition would find.
        self.accumulator.promote(now);
        let leaders = &self.leaders;
        if let Some(t) = self
            .accumulator
            .next_due(|p| leaders.get(p as usize).copied().flatten().is_some())
        {
            consider(t);
        }
        // The connections' next due times, for the wake-up and for `connection_due_us`; a
        // backoff already over (nothing queued for its broker) goes to `idle_backoffs`. Their
        // earliest is still `connection_due_us` while no connection changed and it is ahead.
        if self.connections_scanned && self.connection_due_us > now {
            if cfg!(debug_assertions) {
                let mut idle = Vec::new();
                let due = self.scan_connections(now, &mut idle);
                assert!(
                    due == (self.connection_due_us, self.connection_due_us)
                        && idle == self.idle_backoffs,
                    "a connection changed without clearing `connections_scanned`"
                );
            }
            consider(self.connection_due_us);
        } else {
            let mut idle = std::mem::take(&mut self.idle_backoffs);
            let (earliest, next_due) = self.scan_connections(now, &mut idle);
            self.idle_backoffs = idle;
            self.connection_due_us = earliest;
            self.connections_scanned = true;
            consider(next_due);
        }
        if let Some((_, d)) = self.metadata_in_flight {
            consider(d);
        }
        if self.metadata_needed && self.metadata_in_flight.is_none() {
            consider(self.metadata_ready_us.max(now + 1));
        }
        if let Some(due) = self.metadata_refresh_due() {
            if self.metadata_in_flight.is_none() {
                consider(due.max(self.metadata_ready_us).max(now + 1));
            }
        }
        if next == u64::MAX {
            return;
        }
        if self.wake_at.is_none_or(|w| w <= now || next < w) {
            self.wake_at = Some(next);
            ctx.out.timer(next, self.node(), Timer::ProducerWake);
        }
    }

    /// The connections' earliest due time (a request's deadline, a backoff's or a connection
    /// attempt's end) and the earliest after `now`; `idle` gets the brokers whose backoff is
    /// over.
    fn scan_connections(&self, now: u64, idle: &mut Vec<u32>) -> (u64, u64) {
        idle.clear();
        let setup = self.connection_setup_timeout_us();
        let (mut earliest, mut next) = (u64::MAX, u64::MAX);
        for (&b, c) in self.connections.iter() {
            let mut due = |t: u64| {
                earliest = earliest.min(t);
                if t > now {
                    next = next.min(t);
                }
            };
            if let Some(r) = c.in_flight.front() {
                due(r.deadline_us);
            }
            match c.state {
                ConnectionState::Backoff { until_us, .. } if until_us <= now => idle.push(b),
                ConnectionState::Backoff { until_us, .. } => due(until_us),
                ConnectionState::Connecting { since_us, .. } => {
                    due(since_us.saturating_add(setup) + 1)
                }
                ConnectionState::Ready => {}
            }
        }
        (earliest, next)
    }

    /// Batches waiting out a retry backoff: (partition, records, ready at).
    pub fn backing_off(&self, now: u64) -> Vec<(u32, usize, u64)> {
        self.accumulator
            .batches
            .values()
            .filter(|b| b.attempts > 0 && !b.in_flight && b.retry_at_us > now)
            .map(|b| (self.global(b.partition), b.len(), b.retry_at_us))
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

impl Node for Producer {
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx<'_>) {
        // The sends due before this message came were made before it (a wake-up at each
        // would have made them).
        self.catch_up(ctx.now + 1, ctx);
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
            Payload::Registry(crate::kafka::protocol::RegistryMessage::RegisterResponse {
                correlation_id,
                result,
            }) => self.values.on_registered(correlation_id, result),
            Payload::ApiVersionsResponse => {
                if let NodeId::Broker(b) = from {
                    self.connection_ready(b);
                }
            }
            Payload::Disconnect => {
                if let NodeId::Broker(b) = from {
                    self.connection_failed(b, ErrorCode::NetworkException, ctx);
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

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_>) {
        if timer == Timer::ProducerWake {
            if self.wake_at == Some(ctx.now) {
                self.wake_at = None;
            }
            self.run(ctx);
        }
    }
}
