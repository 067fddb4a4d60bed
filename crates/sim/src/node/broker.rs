//! A broker: hosts partition replicas, answers produce requests per `acks` (with the acks=all
//! purgatory), serves and sends replica fetches, tracks the ISR, and heartbeats to the
//! controller. Crashing keeps the log; everything else is process memory.

mod consumer_fetch;
mod fetch;
mod fetch_session;
pub mod log;
mod produce;
mod produce_purgatory;
mod purgatory;
pub mod replica;
mod replica_fetcher;

use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{FetchRequest, NodeId, PartitionState, Payload, ProduceResponse};
use crate::node::{Ctx, Node, Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::scenario::KafkaVersion;
use crate::support::bit_set::BitSet;
use crate::support::vec_map::VecMap;
use crate::world::topology::Topology;
use consumer_fetch::{ConsumerSession, HeldConsumerFetch};
pub use consumer_fetch::{CONSUMER_FETCH_MAX_RECORDS, CONSUMER_FETCH_WAIT_MAX_US};
use fetch_session::{FollowerSession, LeaderSession};
use produce_purgatory::ProducePurgatory;
use purgatory::FetchPurgatory;
use replica::{FollowerState, PartitionReplica, ReplicaRole};
use std::collections::VecDeque;
use std::sync::Arc;

/// `broker.heartbeat.interval.ms`.
pub const HEARTBEAT_INTERVAL_US: u64 = 2_000_000;
/// `replica.fetch.wait.max.ms`: how long a leader holds a follower fetch with no new data.
pub const FETCH_WAIT_MAX_US: u64 = 500_000;
/// `replica.fetch.backoff.ms`.
pub const FETCH_BACKOFF_US: u64 = 1_000_000;
/// `replica.socket.timeout.ms`: a fetch with no answer is abandoned after this.
pub const FETCH_TIMEOUT_US: u64 = 30_000_000;
/// Batches per partition in one fetch response (stands in for `replica.fetch.max.bytes`).
const FETCH_MAX_BATCHES: usize = 64;

#[derive(Debug, Clone, Default)]
struct Fetcher {
    in_flight: Option<u64>,
    sent_us: u64,
    generation: u64,
    session: FollowerSession,
}

#[derive(Debug, Clone)]
pub struct BrokerSettings {
    pub version: KafkaVersion,
    pub replica_lag_time_max_us: u64,
    /// Whether consumer fetch answers carry their records' ids (a consumer reads values with
    /// a shape and needs the records' bytes).
    pub record_ids_in_fetches: bool,
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub id: u32,
    pub alive: bool,
    pub replicas: VecMap<u32, PartitionReplica>,
    /// The partitions whose replica here is the leader (the roles set in `replicas`, kept
    /// alongside): the ISR check visits these only, not every replica it hosts.
    leading: BitSet,
    leaders: Arc<[Option<u32>]>,
    /// acks=all produce requests waiting for the high watermark.
    delayed: ProducePurgatory,
    /// Follower fetches waiting for records, per follower.
    held_fetches: FetchPurgatory<FetchRequest>,
    /// Consumer fetches waiting for records, per consumer.
    held_consumer_fetches: FetchPurgatory<HeldConsumerFetch>,
    /// As a leader, its fetch session with each consumer (process memory).
    consumer_sessions: VecMap<u32, ConsumerSession>,
    /// Consumer session answers or contents found wrong by their checks (the invariants want
    /// none; counted only in the builds that check them).
    pub consumer_session_faults: u32,
    pub injections: VecDeque<(ErrorCode, u32)>,
    fetchers: VecMap<u32, Fetcher>,
    /// As a leader, its fetch session with each follower (process memory).
    sessions: VecMap<u32, LeaderSession>,
    /// Lists a follower fetch's handling fills and empties, kept for their capacity.
    fetch_scratch: fetch::FetchScratch,
    /// The partitions a produce request appended to, kept for its capacity (one list per
    /// request was an allocation per batch produced).
    appended: Vec<u32>,
    next_session_id: u32,
    /// Partition changes applied so far: a follower's fetch session compares the partitions it
    /// follows with what its leader caches only after one.
    role_changes: u64,
    next_correlation: u64,
    heartbeat_due: u64,
    housekeeping_due: u64,
    /// When the next ISR check runs: every `replica.lag.time.max.ms / 2` from the process's
    /// start (`ReplicaManager.startup` schedules its "isr-expiration" task at that period), so
    /// a follower leaves the ISR between 1 and 1.5 times that lag after it fell behind.
    isr_check_due: u64,
    settings: BrokerSettings,
    /// Process starts so far (KRaft's incarnation id): a restart registers anew.
    pub incarnation: u32,
    /// Registered with the controller and caught up with its metadata: until then a
    /// restarted broker accepts no connections (`BrokerServer` enables request processing
    /// only after the initial catch-up).
    pub registered: bool,
    /// The controller's metadata offset this broker has applied up to; its heartbeats report
    /// it, so that changes it missed are sent again.
    metadata_offset: u64,
}

fn node(b: u32) -> NodeId {
    NodeId::Broker(b)
}

impl Broker {
    pub fn new(id: u32, topo: &Topology, settings: BrokerSettings) -> Self {
        let mut replicas = VecMap::new();
        for (i, p) in topo.partitions.iter().enumerate() {
            if p.replicas.contains(&id) {
                replicas.insert(i as u32, PartitionReplica::new(i as u32));
            }
        }
        Broker {
            id,
            alive: true,
            replicas,
            leading: BitSet::new(),
            leaders: Arc::from(Vec::new()),
            delayed: ProducePurgatory::default(),
            held_fetches: FetchPurgatory::new(),
            held_consumer_fetches: FetchPurgatory::new(),
            consumer_sessions: VecMap::new(),
            consumer_session_faults: 0,
            injections: VecDeque::new(),
            fetchers: VecMap::new(),
            sessions: VecMap::new(),
            fetch_scratch: Default::default(),
            appended: Vec::new(),
            next_session_id: 0,
            role_changes: 0,
            next_correlation: 0,
            heartbeat_due: 0,
            housekeeping_due: 0,
            isr_check_due: 0,
            settings,
            incarnation: 0,
            registered: true,
            metadata_offset: 0,
        }
    }

    /// The initial state every broker starts with (no messages needed at time 0).
    pub fn start(
        &mut self,
        states: &[PartitionState],
        leaders: Arc<[Option<u32>]>,
        topo: &Topology,
        now: u64,
        out: &mut Outbox,
    ) {
        self.apply_partition_changes(states, leaders, topo, now, out);
        self.heartbeat_due = now + HEARTBEAT_INTERVAL_US;
        out.timer(self.heartbeat_due, node(self.id), Timer::BrokerHeartbeat);
        self.isr_check_due = now;
        self.schedule_housekeeping(now, out);
    }

    /// The ISR check's period: half of `replica.lag.time.max.ms` (at least a millisecond).
    fn isr_check_period(&self) -> u64 {
        (self.settings.replica_lag_time_max_us / 2).max(1_000)
    }

    /// The housekeeping tick: at most a second, for follower fetches that timed out; the ISR
    /// check runs on the first tick at or after `isr_check_due` (with a lag time that is not
    /// a whole number of seconds, up to a tick late).
    fn housekeeping_interval(&self) -> u64 {
        self.isr_check_period().min(1_000_000)
    }

    fn schedule_housekeeping(&mut self, now: u64, out: &mut Outbox) {
        self.housekeeping_due = now + self.housekeeping_interval();
        out.timer(self.housekeeping_due, node(self.id), Timer::IsrCheck);
    }

    /// The process stops: only the logs (and their checkpointed offsets) survive.
    pub fn crash(&mut self) {
        self.alive = false;
        self.registered = false;
        for r in self.replicas.values_mut() {
            r.role = ReplicaRole::None;
        }
        self.leading = BitSet::new();
        self.delayed.clear();
        self.held_fetches.clear();
        self.held_consumer_fetches.clear();
        self.consumer_sessions.clear();
        self.injections.clear();
        self.fetchers.clear();
        self.sessions.clear();
    }

    /// The process starts again with its log, as a new incarnation that must register
    /// (BrokerLifecycleManager) before it serves anyone.
    pub fn restart(&mut self, now: u64, out: &mut Outbox) {
        self.alive = true;
        self.registered = false;
        self.incarnation += 1;
        self.heartbeat_due = now;
        out.timer(now, node(self.id), Timer::BrokerHeartbeat);
        self.isr_check_due = now;
        self.schedule_housekeeping(now, out);
    }

    /// Heartbeats once registered; until then registers, and tries again after
    /// `broker.heartbeat.interval.ms` when refused
    /// (`BrokerLifecycleManager.scheduleNextCommunicationAfterFailure`).
    fn heartbeat(&mut self, now: u64, out: &mut Outbox) {
        let (broker, incarnation) = (self.id, self.incarnation);
        let payload = if self.registered {
            Payload::BrokerHeartbeat {
                broker,
                incarnation,
                metadata_offset: self.metadata_offset,
            }
        } else {
            Payload::BrokerRegistration {
                broker,
                incarnation,
            }
        };
        out.send(node(self.id), NodeId::Controller, payload);
        self.heartbeat_due = now + HEARTBEAT_INTERVAL_US;
        out.timer(self.heartbeat_due, node(self.id), Timer::BrokerHeartbeat);
    }

    /// Whether a message from `from` reaches this broker's request handling: a starting
    /// broker listens to the controller only.
    pub fn accepts_from(&self, from: NodeId) -> bool {
        self.alive && (self.registered || from == NodeId::Controller)
    }

    pub fn inject(&mut self, error: ErrorCode, count: u32) {
        if count > 0 {
            self.injections.push_back((error, count));
        }
    }

    fn take_injection(&mut self) -> Option<ErrorCode> {
        let (err, left) = self.injections.front_mut()?;
        let e = *err;
        *left -= 1;
        if *left == 0 {
            self.injections.pop_front();
        }
        Some(e)
    }

    fn effective_min_isr(&self, topo: &Topology, partition: u32) -> usize {
        let Some(p) = topo.partition(partition) else {
            return 1;
        };
        let min = p.min_insync_replicas as usize;
        if self.settings.version.at_least(3, 7) {
            min.min(p.replicas.len())
        } else {
            min
        }
    }

    fn handle_timer(&mut self, now: u64, timer: Timer, out: &mut Outbox) {
        if !self.alive {
            return;
        }
        match timer {
            Timer::BrokerHeartbeat if now == self.heartbeat_due => self.heartbeat(now, out),
            Timer::IsrCheck if now == self.housekeeping_due => {
                if now >= self.isr_check_due {
                    self.check_isr(now, out);
                    let period = self.isr_check_period();
                    while self.isr_check_due <= now {
                        self.isr_check_due += period;
                    }
                }
                let stale: Vec<u32> = self
                    .fetchers
                    .iter()
                    .filter(|(_, f)| {
                        f.in_flight.is_some() && now.saturating_sub(f.sent_us) >= FETCH_TIMEOUT_US
                    })
                    .map(|(l, _)| *l)
                    .collect();
                for l in stale {
                    if let Some(f) = self.fetchers.get_mut(&l) {
                        f.in_flight = None;
                        // A fetch that timed out closes the session (`handleError`).
                        f.session.reset();
                    }
                    self.send_fetch(l, now, out);
                }
                self.schedule_housekeeping(now, out);
            }
            Timer::FetchWait {
                follower,
                correlation_id,
            } => {
                if let Some(req) = self.held_fetches.expire(follower, correlation_id) {
                    self.answer_fetch(follower, &req, out);
                }
            }
            Timer::DelayedProduceTimeout => {
                let (expired, next) = self.delayed.expire_due(now);
                for d in expired {
                    let unsettled: Vec<usize> = d.unsettled().collect();
                    let mut results = d.results;
                    for i in unsettled {
                        if let Some(r) = results.get_mut(i) {
                            r.result = Err(ErrorCode::RequestTimedOut);
                        }
                    }
                    out.send(
                        node(self.id),
                        d.producer,
                        Payload::ProduceResponse(ProduceResponse {
                            correlation_id: d.correlation_id,
                            results,
                        }),
                    );
                }
                if let Some(due) = next {
                    out.timer(due, node(self.id), Timer::DelayedProduceTimeout);
                }
            }
            Timer::ConsumerFetchWait {
                consumer,
                correlation_id,
            } => self.on_consumer_fetch_wait(consumer, correlation_id, out),
            Timer::FetchRetry { leader, generation }
                if self
                    .fetchers
                    .get(&leader)
                    .is_some_and(|f| f.generation == generation && f.in_flight.is_none()) =>
            {
                self.send_fetch(leader, now, out);
            }
            _ => {}
        }
    }

    fn handle_message(
        &mut self,
        now: u64,
        from: NodeId,
        payload: Payload,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        if !self.alive {
            return;
        }
        match payload {
            Payload::Produce(req) => self.handle_produce(now, from, req, topo, out),
            Payload::Fetch(req) => self.handle_fetch(now, req, topo, out),
            Payload::ConsumerFetch(req) => {
                if let NodeId::Consumer(c) = from {
                    self.handle_consumer_fetch(now, c, req, out);
                }
            }
            Payload::FetchResponse(resp) => {
                if let NodeId::Broker(l) = from {
                    self.handle_fetch_response(now, l, resp, topo, out);
                }
            }
            Payload::ApiVersions => out.send(node(self.id), from, Payload::ApiVersionsResponse),
            Payload::Metadata { correlation_id } => out.send(
                node(self.id),
                from,
                Payload::MetadataResponse {
                    correlation_id,
                    leaders: self.leaders.clone(),
                },
            ),
            Payload::BrokerRegistrationResponse {
                accepted,
                states,
                leaders,
                metadata_offset,
            } => {
                if self.registered {
                    return;
                }
                if accepted {
                    // Registered (fenced) and caught up: its replicas follow the current
                    // leaders, and the next heartbeat asks to be unfenced.
                    self.registered = true;
                    self.metadata_offset = metadata_offset;
                    self.apply_partition_changes(&states, leaders, topo, now, out);
                    self.heartbeat(now, out);
                } else {
                    out.trace(
                        now,
                        node(self.id),
                        TraceKind::BrokerRegistrationRefused,
                        format!(
                            "broker {} may not register yet: its previous incarnation's session \
                             is still valid (DUPLICATE_BROKER_REGISTRATION)",
                            self.id
                        ),
                    );
                }
            }
            // A starting broker takes the whole state with its registration instead.
            Payload::PartitionChanges {
                states,
                leaders,
                metadata_offset,
            } if self.registered => {
                // ISR changes reach a broker from the controller only.
                self.metadata_offset = self.metadata_offset.max(metadata_offset);
                let before = self.isr_sizes();
                self.apply_partition_changes(&states, leaders, topo, now, out);
                self.trace_isr_changes(&before, now, topo, out);
            }
            Payload::Disconnect => {
                if let NodeId::Broker(l) = from {
                    if let Some(f) = self.fetchers.get_mut(&l) {
                        f.in_flight = None;
                        f.session.reset();
                        f.generation += 1;
                        out.timer(
                            now + FETCH_BACKOFF_US,
                            node(self.id),
                            Timer::FetchRetry {
                                leader: l,
                                generation: f.generation,
                            },
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn apply_partition_changes(
        &mut self,
        states: &[PartitionState],
        leaders: Arc<[Option<u32>]>,
        topo: &Topology,
        now: u64,
        out: &mut Outbox,
    ) {
        self.leaders = leaders;
        self.role_changes += 1;
        let mut new_leaders = Vec::new();
        let mut hw_check = Vec::new();
        for st in states {
            // A partition created since (CreatePartitions): a hosting broker makes its replica.
            if !self.replicas.contains_dense(st.partition)
                && topo
                    .partition(st.partition)
                    .is_some_and(|p| p.replicas.contains(&self.id))
            {
                self.replicas
                    .insert(st.partition, PartitionReplica::new(st.partition));
            }
            if !self.replicas.contains_dense(st.partition) {
                continue;
            }
            // Sessions caching it look at it again (leadership, epoch or ISR may change).
            self.partition_changed(st.partition);
            let Some(r) = self.replicas.get_dense_mut(st.partition) else {
                continue;
            };
            if st.leader == Some(self.id) {
                match &mut r.role {
                    ReplicaRole::Leader {
                        isr,
                        isr_change_pending,
                        expanding,
                        ..
                    } if r.leader_epoch == st.leader_epoch => {
                        *isr = st.isr.clone();
                        *isr_change_pending = false;
                        *expanding = None;
                        hw_check.push(st.partition);
                    }
                    _ => {
                        r.leader_epoch = st.leader_epoch;
                        let followers = topo
                            .partition(st.partition)
                            .map(|p| {
                                p.replicas
                                    .iter()
                                    .filter(|&&b| b != self.id)
                                    .map(|&b| FollowerState {
                                        broker: b,
                                        log_end_offset: 0,
                                        last_caught_up_us: now,
                                        last_fetch_us: now,
                                        last_fetch_leader_leo: 0,
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        r.role = ReplicaRole::Leader {
                            isr: st.isr.clone(),
                            followers,
                            isr_change_pending: false,
                            expanding: None,
                        };
                        self.leading.insert(st.partition);
                        new_leaders.push(st.partition);
                        hw_check.push(st.partition);
                    }
                }
            } else {
                let was_leader = r.is_leader();
                r.leader_epoch = st.leader_epoch;
                r.role = ReplicaRole::Follower { leader: st.leader };
                self.leading.remove(st.partition);
                if was_leader {
                    self.fail_delayed_for(st.partition, out);
                }
            }
        }
        for p in hw_check {
            self.advance_high_watermark(p, now, topo, out);
        }
        // Start fetchers for leaders we now follow and have no fetch running to.
        let wanted: Vec<u32> = self
            .replicas
            .values()
            .filter_map(|r| match r.role {
                ReplicaRole::Follower { leader: Some(l) } => Some(l),
                _ => None,
            })
            .collect();
        let mut wanted_sorted = wanted;
        crate::support::sorting::sort(&mut wanted_sorted);
        wanted_sorted.dedup();
        for l in wanted_sorted {
            if self.fetchers.get(&l).is_none_or(|f| f.in_flight.is_none()) {
                self.send_fetch(l, now, out);
            }
        }
        let _ = new_leaders;
    }

    fn check_isr(&mut self, now: u64, out: &mut Outbox) {
        let lag = self.settings.replica_lag_time_max_us;
        let sessions = &self.sessions;
        debug_assert!(
            self.replicas
                .iter()
                .all(|(&p, r)| r.is_leader() == self.leading.contains(p)),
            "broker {}'s leading set differs from its replicas' roles",
            self.id
        );
        for p in self.leading.iter() {
            let Some(r) = self.replicas.get_dense_mut(p) else {
                continue;
            };
            let epoch = r.leader_epoch;
            let ReplicaRole::Leader {
                isr,
                followers,
                isr_change_pending,
                ..
            } = &mut r.role
            else {
                continue;
            };
            if *isr_change_pending {
                continue;
            }
            let out_of_sync: Vec<u32> = followers
                .iter()
                .filter(|f| {
                    let caught_up = fetch_session::last_caught_up(
                        sessions,
                        f.broker,
                        r.partition,
                        f.last_caught_up_us,
                    );
                    isr.contains(&f.broker) && now.saturating_sub(caught_up) > lag
                })
                .map(|f| f.broker)
                .collect();
            if out_of_sync.is_empty() {
                continue;
            }
            let new_isr: Vec<u32> = isr
                .iter()
                .copied()
                .filter(|b| !out_of_sync.contains(b))
                .collect();
            *isr_change_pending = true;
            out.send(
                node(self.id),
                NodeId::Controller,
                Payload::AlterPartition {
                    partition: r.partition,
                    leader: self.id,
                    leader_epoch: epoch,
                    isr: new_isr,
                },
            );
        }
    }
}

impl Node for Broker {
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx) {
        self.handle_message(ctx.now, from, payload, ctx.topo, ctx.out);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        self.handle_timer(ctx.now, timer, ctx.out);
    }
}

impl Broker {
    /// Each partition this broker leads, with its ISR's size.
    fn isr_sizes(&self) -> Vec<(u32, usize)> {
        self.replicas
            .values()
            .filter_map(|r| r.isr().map(|i| (r.partition, i.len())))
            .collect()
    }

    fn trace_isr_changes(
        &self,
        before: &[(u32, usize)],
        now: u64,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        for r in self.replicas.values() {
            let Some(isr) = r.isr() else { continue };
            let Some(&(_, old)) = before.iter().find(|(p, _)| *p == r.partition) else {
                continue;
            };
            if isr.len() != old {
                let kind = if isr.len() < old {
                    TraceKind::IsrShrunk
                } else {
                    TraceKind::IsrExpanded
                };
                out.trace(
                    now,
                    node(self.id),
                    kind,
                    format!("ISR of {} is now {:?}", topo.name(r.partition), isr),
                );
            }
        }
    }
}
