//! A consumer of a group: the application's poll loop (fetch, process for
//! `processing.ms.per.record`, auto-commit), the heartbeat thread, and the member side of the
//! classic rebalance protocol, eager or cooperative (Kafka's `ConsumerCoordinator` over
//! `AbstractCoordinator`; the heartbeat thread is KIP-62's, cooperative rebalancing KIP-429's).
//!
//! Records travel as offset ranges (offsets in a log are contiguous): a fetch answers
//! `offset .. offset + n`, `poll()` hands the application up to `max.poll.records` of them at
//! once and the application takes `n × processing.ms.per.record` before polling again. One
//! event per poll, not per record.

mod buffer;
mod fetching;
mod membership;
mod metadata;
mod poll_timeout;
pub mod values;

use crate::kafka::protocol::{GroupMessage, NodeId, Payload};
use crate::node::{Ctx, Node, Timer};
use crate::observe::trace::TraceKind;
use crate::scenario::{AssignmentStrategy, GroupConfig, KafkaVersion};
use crate::support::bit_set::BitSet;
use crate::support::vec_map::{VecMap, VecSet};
use serde::Serialize;
use std::sync::Arc;

/// `retry.backoff.ms` (consumer default).
pub const RETRY_BACKOFF_US: u64 = 100_000;
/// `request.timeout.ms` (consumer default): a request with no answer is given up.
pub const REQUEST_TIMEOUT_US: u64 = 30_000_000;

/// The application's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    Running,
    /// Stuck in processing: it does not call `poll()` until then.
    Stalled {
        until_us: u64,
    },
    /// Killed: no LeaveGroup, no heartbeats; only the session timeout notices.
    Dead,
    /// Closed cleanly (committed, sent LeaveGroup).
    Closed,
}

/// The member's side of the group protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberState {
    Unjoined,
    Joining,
    AwaitingSync,
    Stable,
}

/// Fetched records not yet returned by `poll()`: offsets `next .. end` of one partition,
/// with the records' ids from offset `base` where values are deserialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buffered {
    pub next: u64,
    pub end: u64,
    pub base: u64,
    pub ids: Option<Arc<[u32]>>,
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub index: u32,
    pub group: u32,
    pub name: String,
    pub cfg: Arc<GroupConfig>,
    /// Before 0.10.1 (KIP-62) heartbeats go out only from inside `poll()`.
    pub heartbeat_from_poll: bool,
    pub lifecycle: Lifecycle,
    pub member: MemberState,
    pub coordinator: Option<u32>,
    pub generation: i32,
    /// Partitions it consumes now. Changed only through `set_owned` and `disown`, which count
    /// the changes in `owned_version`.
    pub owned: VecSet<u32>,
    owned_version: u64,
    /// Its part of the last assignment (sent as owned partitions in JoinGroup).
    pub last_assignment: Vec<u32>,
    /// Next offset to return to the application, per owned partition.
    pub positions: VecMap<u32, u64>,
    pub buffered: buffer::FetchBuffer,
    /// Broker → (correlation id, sent at) of the fetch in flight.
    pub fetches: VecMap<u32, (u64, u64)>,
    /// Broker → this consumer's fetch session with it.
    fetch_sessions: VecMap<u32, fetching::FetchSession>,
    pub leaders: Arc<[Option<u32>]>,
    /// Partitions per subscribed topic as its metadata shows them (Kafka's metadata snapshot).
    pub metadata_snapshot: VecMap<String, u32>,
    /// The group leader's snapshot its last assignment was computed from (Kafka's
    /// assignment snapshot); only the leader watches for partition changes.
    pub assignment_snapshot: Option<VecMap<String, u32>>,
    pub rejoin_needed: bool,
    /// Inside `poll()` waiting for records or the group (as opposed to processing).
    pub waiting_in_poll: bool,
    pub last_poll_us: u64,
    /// Records handed to the application so far.
    pub delivered: u64,
    /// Fetches of partitions it did not own (the invariant wants none).
    pub foreign_fetches: u32,
    /// Fetches sent while an eager rebalance was in progress (the invariant wants none).
    pub fetches_during_eager_rebalance: u32,
    poll_due: Option<u64>,
    /// The heartbeat thread's wake that notices the poll timeout (see `poll_timeout`).
    poll_check_due: Option<u64>,
    heartbeat_due: u64,
    last_heartbeat_us: u64,
    retry_due: Option<u64>,
    next_auto_commit_us: u64,
    /// JoinGroup / SyncGroup outstanding since.
    group_request_sent_us: Option<u64>,
    find_in_flight: bool,
    /// Sent times of the unanswered FindCoordinator, oldest Heartbeat and OffsetFetch: each
    /// times out after `request.timeout.ms` (NetworkClient), as a message to an isolated
    /// broker never gets an answer.
    find_sent_us: u64,
    heartbeat_unanswered_since: Option<u64>,
    offsets_sent_us: u64,
    metadata_in_flight: bool,
    metadata_sent_us: u64,
    /// When the last metadata answer arrived (`metadata.max.age.ms` counts from there).
    metadata_refreshed_us: u64,
    /// `metadata.max.age.ms` in µs while the periodic refresh runs (see `sim::partitions`).
    metadata_max_age_us: Option<u64>,
    metadata_refresh_due: Option<u64>,
    offsets_in_flight: bool,
    /// Partitions to look up with ListOffsets(LATEST) (`auto.offset.reset=latest`).
    reset_latest: VecSet<u32>,
    bootstrap: u32,
    next_correlation: u64,
    partition_cursor: u32,
    fetch_plan: fetching::FetchPlan,
    /// Partitions whose buffer, position or reset changed since their leader's fetch session
    /// last listed them: an incremental fetch looks at these instead of every owned partition.
    fetch_changed: BitSet,
    /// The value deserializer (see `values`).
    pub values: values::ValueReader,
}

impl Consumer {
    pub fn new(
        index: u32,
        group: u32,
        name: String,
        cfg: Arc<GroupConfig>,
        version: KafkaVersion,
    ) -> Consumer {
        Consumer {
            index,
            group,
            name,
            cfg,
            heartbeat_from_poll: version < KafkaVersion::with_patch(0, 10, 1),
            lifecycle: Lifecycle::Running,
            member: MemberState::Unjoined,
            coordinator: None,
            generation: -1,
            owned: VecSet::new(),
            owned_version: 0,
            last_assignment: Vec::new(),
            positions: VecMap::new(),
            buffered: buffer::FetchBuffer::default(),
            fetches: VecMap::new(),
            fetch_sessions: VecMap::new(),
            leaders: Arc::from(Vec::new()),
            metadata_snapshot: VecMap::new(),
            assignment_snapshot: None,
            rejoin_needed: true,
            waiting_in_poll: false,
            last_poll_us: 0,
            delivered: 0,
            foreign_fetches: 0,
            fetches_during_eager_rebalance: 0,
            poll_due: None,
            poll_check_due: None,
            heartbeat_due: 0,
            last_heartbeat_us: 0,
            retry_due: None,
            next_auto_commit_us: 0,
            group_request_sent_us: None,
            find_in_flight: false,
            find_sent_us: 0,
            heartbeat_unanswered_since: None,
            offsets_sent_us: 0,
            metadata_in_flight: false,
            metadata_sent_us: 0,
            metadata_refreshed_us: 0,
            metadata_max_age_us: None,
            metadata_refresh_due: None,
            offsets_in_flight: false,
            reset_latest: VecSet::new(),
            // Every client bootstraps from the first broker (the scenario lists no others).
            bootstrap: 0,
            next_correlation: 0,
            partition_cursor: 0,
            fetch_plan: fetching::FetchPlan::default(),
            fetch_changed: BitSet::new(),
            values: values::ValueReader::default(),
        }
    }

    pub(crate) fn node(&self) -> NodeId {
        NodeId::Consumer(self.index)
    }

    pub fn is_alive(&self) -> bool {
        matches!(
            self.lifecycle,
            Lifecycle::Running | Lifecycle::Stalled { .. }
        )
    }

    pub fn cooperative(&self) -> bool {
        self.cfg.partition_assignment_strategy == AssignmentStrategy::CooperativeSticky
    }

    /// Whether an eager rebalance stops this member from consuming now.
    pub fn in_eager_rebalance(&self) -> bool {
        !self.cooperative() && self.member != MemberState::Stable
    }

    /// Whether it has anything in flight to this broker (told when the broker crashes).
    pub fn talks_to(&self, broker: u32) -> bool {
        self.coordinator == Some(broker) || self.fetches.contains_key(&broker)
    }

    fn trace(&self, ctx: &mut Ctx, kind: TraceKind, text: String) {
        ctx.out.trace(ctx.now, self.node(), kind, text);
    }

    fn send_group(&self, ctx: &mut Ctx, broker: u32, message: GroupMessage) {
        ctx.out.send(
            self.node(),
            NodeId::Broker(broker),
            Payload::Group {
                group: self.group,
                message,
            },
        );
    }

    /// The application starts: first metadata, then its first `poll()`. It bootstraps with
    /// the topics' partition counts as they are now.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.metadata_snapshot = self
            .cfg
            .topics
            .iter()
            .filter_map(|t| {
                let i = ctx.topo.topic_index(t)?;
                Some((t.clone(), ctx.topo.partition_count(i)))
            })
            .collect();
        self.last_poll_us = ctx.now;
        self.request_metadata(ctx);
        self.schedule_poll(ctx, ctx.now);
        self.heartbeat_due = ctx.now + self.heartbeat_interval_us();
        ctx.out
            .timer(self.heartbeat_due, self.node(), Timer::ConsumerHeartbeat);
    }

    fn heartbeat_interval_us(&self) -> u64 {
        self.cfg.heartbeat_interval_ms.max(1).saturating_mul(1000)
    }

    fn schedule_poll(&mut self, ctx: &mut Ctx, at: u64) {
        if self.poll_due.is_some_and(|d| d <= at && d >= ctx.now) {
            return;
        }
        self.poll_due = Some(at);
        ctx.out.timer(at, self.node(), Timer::ConsumerPoll);
    }

    fn schedule_retry(&mut self, ctx: &mut Ctx) {
        if self.retry_due.is_some_and(|d| d >= ctx.now) {
            return;
        }
        let at = ctx.now + RETRY_BACKOFF_US;
        self.retry_due = Some(at);
        ctx.out.timer(at, self.node(), Timer::ConsumerRetry);
    }

    /// Wakes a `poll()` that waits for the group or for records.
    fn wake(&mut self, ctx: &mut Ctx) {
        if self.waiting_in_poll && self.lifecycle == Lifecycle::Running {
            self.poll(ctx);
        }
    }

    /// One `poll()` call of the application, in the classic consumer's order: coordinator
    /// work (`ConsumerCoordinator.poll`), then records from the fetcher.
    pub fn poll(&mut self, ctx: &mut Ctx) {
        self.waiting_in_poll = false;
        self.last_poll_us = ctx.now;
        if self.heartbeat_from_poll {
            self.heartbeat_from_poll_call(ctx);
        }
        // 1. Coordinator work. With the coordinator unknown, poll() still returns records
        // of the partitions it owns (Kafka does not block fetching on rediscovery).
        match self.coordinator {
            None => self.find_coordinator(ctx),
            Some(coordinator) => {
                if self.member == MemberState::Stable && self.assignment_outdated() {
                    self.rejoin_for_metadata(ctx);
                }
                if self.rejoin_needed
                    && !matches!(
                        self.member,
                        MemberState::Joining | MemberState::AwaitingSync
                    )
                {
                    self.start_join(coordinator, ctx);
                }
                if self.cfg.enable_auto_commit
                    && self.member == MemberState::Stable
                    && ctx.now >= self.next_auto_commit_us
                {
                    self.commit_positions(ctx, None, "auto-commit");
                    self.next_auto_commit_us =
                        ctx.now + self.cfg.auto_commit_interval_ms.saturating_mul(1000);
                }
                // 2. Committed offsets of newly assigned partitions.
                self.fetch_committed_offsets(coordinator, ctx);
            }
        }
        // 3. Buffered records, at most max.poll.records; pre-fetch the next ones.
        let n = if self.values.reads_shapes() {
            self.deliver_shaped(ctx)
        } else {
            self.deliver(ctx)
        };
        self.send_fetches(ctx);
        if n == 0 && self.values.stuck_at.is_some() {
            self.poll_after_throw(ctx);
        } else if n > 0 {
            let processing_us =
                (n as f64 * self.cfg.processing_ms_per_record * 1000.0).round() as u64;
            let at = ctx.now + processing_us.max(1);
            self.schedule_poll(ctx, at);
            self.arm_poll_check(ctx, at);
        } else {
            self.waiting_in_poll = true;
        }
    }

    /// Hands up to `max.poll.records` buffered records to the application; positions move
    /// past them and the ledger counts their delivery.
    fn deliver(&mut self, ctx: &mut Ctx) -> u64 {
        let max = u64::from(self.cfg.max_poll_records.max(1));
        let mut left = max;
        let mut order = buffer::RoundRobin::starting_at(self.partition_cursor);
        while left > 0 {
            let Some(p) = order.next(self.buffered.partitions()) else {
                break;
            };
            if !self.owned.contains(&p) {
                self.buffered.forget(p);
                self.fetch_changed.insert(p);
                continue;
            }
            let Some(b) = self.buffered.get_mut(p) else {
                continue;
            };
            let k = (b.end - b.next).min(left);
            let (first, to) = (b.next, b.next + k);
            b.next = to;
            if b.next >= b.end {
                self.buffered.drain(p);
                self.fetch_changed.insert(p);
            }
            if k == 0 {
                continue;
            }
            left -= k;
            self.positions.insert(p, to);
            self.fetch_changed.insert(p);
            ctx.ledger.record_delivery(self.group, p, first, to);
            self.partition_cursor = p + 1;
        }
        let n = max - left;
        self.delivered += n;
        n
    }

    /// The scenario kills it: nothing more happens in its process.
    pub fn kill(&mut self, ctx: &mut Ctx) {
        self.lifecycle = Lifecycle::Dead;
        self.waiting_in_poll = false;
        self.trace(
            ctx,
            TraceKind::ConsumerKilled,
            format!(
                "{} is killed: no LeaveGroup, its heartbeats stop; only session.timeout.ms = {} ms will notice",
                self.name, self.cfg.session_timeout_ms
            ),
        );
    }

    /// The application is stuck processing for `for_us`: it does not call `poll()`.
    pub fn stall(&mut self, for_us: u64, ctx: &mut Ctx) {
        let until_us = ctx.now.saturating_add(for_us);
        self.lifecycle = Lifecycle::Stalled { until_us };
        if self.waiting_in_poll {
            // Blocked inside poll() until now: poll() resets the poll timer on each of its
            // rounds (ConsumerCoordinator.poll → pollHeartbeat), so the interval starts here.
            self.last_poll_us = ctx.now;
        }
        self.waiting_in_poll = false;
        let at = self.poll_due.map_or(until_us, |d| d.max(until_us));
        self.poll_due = None;
        self.schedule_poll(ctx, at);
        self.arm_poll_check(ctx, at);
        let note = if self.heartbeat_from_poll {
            "before 0.10.1 heartbeats go out only from poll(), so they stop too"
        } else {
            "its heartbeat thread keeps the session alive; max.poll.interval.ms still bounds the time between polls"
        };
        self.trace(
            ctx,
            TraceKind::ConsumerStalled,
            format!(
                "{} stops calling poll() for {} ms ({note})",
                self.name,
                for_us / 1000
            ),
        );
    }

    /// `close()`: commit (auto-commit), leave the group cleanly.
    pub fn close(&mut self, ctx: &mut Ctx) {
        if let Some(c) = self.coordinator {
            if self.cfg.enable_auto_commit && self.generation >= 0 {
                self.commit_positions(ctx, None, "commit on close");
            }
            self.send_group(ctx, c, GroupMessage::LeaveGroup { member: self.index });
        }
        self.lifecycle = Lifecycle::Closed;
        self.waiting_in_poll = false;
        self.set_owned(VecSet::new());
        for p in self.buffered.partitions().iter() {
            self.fetch_changed.insert(p);
        }
        self.buffered.clear();
        self.trace(
            ctx,
            TraceKind::MemberLeft,
            format!("{} closes: it commits and sends LeaveGroup", self.name),
        );
    }

    fn on_disconnect(&mut self, broker: u32, ctx: &mut Ctx) {
        self.bootstrap = broker.wrapping_add(1) % ctx.topo.brokers.max(1);
        if self.coordinator == Some(broker) {
            self.coordinator_lost(ctx, "the connection to it was reset");
        }
        self.find_in_flight = false;
        self.metadata_in_flight = false;
        if let Some(s) = self.fetch_sessions.get_mut(&broker) {
            s.reset();
        }
        if self.fetches.remove(&broker).is_some() {
            self.leaders = Arc::from(Vec::new());
        }
        self.schedule_retry(ctx);
    }
}

impl Node for Consumer {
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx) {
        if !self.is_alive() {
            return;
        }
        if let (NodeId::Registry, Payload::Registry(message)) = (from, &payload) {
            self.on_registry_message(message.clone(), ctx);
            return;
        }
        let NodeId::Broker(broker) = from else {
            return;
        };
        match payload {
            Payload::Group { message, .. } => self.on_group_message(broker, message, ctx),
            Payload::ConsumerFetchResponse {
                correlation_id,
                session_id,
                session_error,
                partitions,
            } => {
                let session = session_error.map_or(Ok(session_id), Err);
                self.on_fetch_response(broker, correlation_id, session, partitions, ctx)
            }
            Payload::MetadataResponse { leaders, .. } => self.on_metadata(leaders, ctx),
            Payload::Disconnect => self.on_disconnect(broker, ctx),
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        if !self.is_alive() {
            return;
        }
        match timer {
            Timer::ConsumerPoll if self.poll_due == Some(ctx.now) => {
                self.poll_due = None;
                if let Lifecycle::Stalled { until_us } = self.lifecycle {
                    if ctx.now < until_us {
                        return;
                    }
                    self.lifecycle = Lifecycle::Running;
                }
                self.poll(ctx);
            }
            Timer::ConsumerHeartbeat if self.heartbeat_due == ctx.now => {
                self.heartbeat_due = ctx.now + self.heartbeat_interval_us();
                ctx.out
                    .timer(self.heartbeat_due, self.node(), Timer::ConsumerHeartbeat);
                self.on_heartbeat_tick(ctx);
            }
            Timer::ConsumerPollCheck => self.on_poll_check(ctx),
            Timer::ConsumerMetadataRefresh if self.metadata_refresh_due == Some(ctx.now) => {
                self.metadata_refresh_due = None;
                self.on_metadata_refresh_due(ctx);
            }
            Timer::ConsumerRetry if self.retry_due == Some(ctx.now) => {
                self.retry_due = None;
                if self.leaders.is_empty() {
                    self.request_metadata(ctx);
                }
                if self.waiting_in_poll {
                    self.poll(ctx);
                }
            }
            _ => {}
        }
    }
}
