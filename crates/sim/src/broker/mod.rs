//! A broker: hosts partition replicas, answers produce requests per `acks` (with the acks=all
//! purgatory), serves and sends replica fetches, tracks the ISR, and heartbeats to the
//! controller. Crashing keeps the log; everything else is process memory.

pub mod replica;

use crate::errors::ErrorCode;
use crate::node::{Outbox, Timer};
use crate::protocol::{
    FetchPartition, FetchRequest, FetchResponse, FetchedPartition, NodeId, PartitionState, Payload,
    ProducePartitionResult, ProduceRequest, ProduceResponse,
};
use crate::scenario::{Acks, KafkaVersion};
use crate::topology::Topology;
use crate::trace::TraceKind;
use replica::{AppendOutcome, FollowerState, PartitionReplica, ReplicaRole};
use std::collections::{BTreeMap, VecDeque};
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

#[derive(Debug, Clone)]
struct DelayedProduce {
    producer: NodeId,
    correlation_id: u64,
    results: Vec<ProducePartitionResult>,
    /// (index into results, partition, end offset to reach)
    waiting: Vec<(usize, u32, u64)>,
}

#[derive(Debug, Clone, Default)]
struct Fetcher {
    in_flight: Option<u64>,
    sent_us: u64,
    generation: u64,
}

#[derive(Debug, Clone)]
pub struct BrokerSettings {
    pub version: KafkaVersion,
    pub replica_lag_time_max_us: u64,
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub id: u32,
    pub alive: bool,
    pub replicas: BTreeMap<u32, PartitionReplica>,
    leaders: Arc<[Option<u32>]>,
    delayed: BTreeMap<u64, DelayedProduce>,
    next_delayed: u64,
    held_fetches: BTreeMap<u32, FetchRequest>,
    pub injections: VecDeque<(ErrorCode, u32)>,
    fetchers: BTreeMap<u32, Fetcher>,
    next_correlation: u64,
    heartbeat_due: u64,
    housekeeping_due: u64,
    settings: BrokerSettings,
}

fn node(b: u32) -> NodeId {
    NodeId::Broker(b)
}

impl Broker {
    pub fn new(id: u32, topo: &Topology, settings: BrokerSettings) -> Self {
        let mut replicas = BTreeMap::new();
        for (i, p) in topo.partitions.iter().enumerate() {
            if p.replicas.contains(&id) {
                replicas.insert(i as u32, PartitionReplica::new(i as u32));
            }
        }
        Broker {
            id,
            alive: true,
            replicas,
            leaders: Arc::from(Vec::new()),
            delayed: BTreeMap::new(),
            next_delayed: 0,
            held_fetches: BTreeMap::new(),
            injections: VecDeque::new(),
            fetchers: BTreeMap::new(),
            next_correlation: 0,
            heartbeat_due: 0,
            housekeeping_due: 0,
            settings,
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
        self.schedule_housekeeping(now, out);
    }

    fn housekeeping_interval(&self) -> u64 {
        (self.settings.replica_lag_time_max_us / 2).clamp(1_000, 1_000_000)
    }

    fn schedule_housekeeping(&mut self, now: u64, out: &mut Outbox) {
        self.housekeeping_due = now + self.housekeeping_interval();
        out.timer(self.housekeeping_due, node(self.id), Timer::IsrCheck);
    }

    /// The process stops: only the logs (and their checkpointed offsets) survive.
    pub fn crash(&mut self) {
        self.alive = false;
        for r in self.replicas.values_mut() {
            r.role = ReplicaRole::None;
        }
        self.delayed.clear();
        self.held_fetches.clear();
        self.injections.clear();
        self.fetchers.clear();
    }

    pub fn restart(&mut self, now: u64, out: &mut Outbox) {
        self.alive = true;
        self.heartbeat_due = now;
        out.timer(now, node(self.id), Timer::BrokerHeartbeat);
        self.schedule_housekeeping(now, out);
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

    pub fn on_timer(&mut self, now: u64, timer: Timer, topo: &Topology, out: &mut Outbox) {
        if !self.alive {
            return;
        }
        match timer {
            Timer::BrokerHeartbeat if now == self.heartbeat_due => {
                out.send(
                    node(self.id),
                    NodeId::Controller,
                    Payload::BrokerHeartbeat { broker: self.id },
                );
                self.heartbeat_due = now + HEARTBEAT_INTERVAL_US;
                out.timer(self.heartbeat_due, node(self.id), Timer::BrokerHeartbeat);
            }
            Timer::IsrCheck if now == self.housekeeping_due => {
                self.check_isr(now, out);
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
                    }
                    self.send_fetch(l, now, out);
                }
                self.schedule_housekeeping(now, out);
            }
            Timer::FetchWait {
                follower,
                correlation_id,
            } if self
                .held_fetches
                .get(&follower)
                .is_some_and(|r| r.correlation_id == correlation_id) =>
            {
                if let Some(req) = self.held_fetches.remove(&follower) {
                    let resp = self.build_fetch_response(&req, topo);
                    out.send(node(self.id), node(follower), Payload::FetchResponse(resp));
                }
            }
            Timer::DelayedProduceTimeout { key } => {
                if let Some(d) = self.delayed.remove(&key) {
                    let mut results = d.results;
                    for (i, _, _) in d.waiting {
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
            }
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

    pub fn on_message(
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
            Payload::FetchResponse(resp) => {
                if let NodeId::Broker(l) = from {
                    self.handle_fetch_response(now, l, resp, topo, out);
                }
            }
            Payload::Metadata { correlation_id } => out.send(
                node(self.id),
                from,
                Payload::MetadataResponse {
                    correlation_id,
                    leaders: self.leaders.clone(),
                },
            ),
            Payload::PartitionChanges { states, leaders } => {
                self.apply_partition_changes(&states, leaders, topo, now, out)
            }
            Payload::Disconnect => {
                if let NodeId::Broker(l) = from {
                    if let Some(f) = self.fetchers.get_mut(&l) {
                        f.in_flight = None;
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

    fn handle_produce(
        &mut self,
        now: u64,
        from: NodeId,
        req: ProduceRequest,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let injected = self.take_injection();
        let mut results = Vec::with_capacity(req.batches.len());
        let mut waiting = Vec::new();
        let mut appended: Vec<u32> = Vec::new();
        for b in &req.batches {
            let min_isr = self.effective_min_isr(topo, b.partition);
            let result = match self.replicas.get_mut(&b.partition) {
                Some(r) if r.is_leader() => {
                    let isr_len = r.isr().map(|i| i.len()).unwrap_or(0);
                    let append_first = matches!(
                        injected,
                        None | Some(ErrorCode::RequestTimedOut)
                            | Some(ErrorCode::NotEnoughReplicasAfterAppend)
                    );
                    if !append_first {
                        Err(injected.unwrap_or(ErrorCode::NotLeaderOrFollower))
                    } else if req.acks == Acks::All && isr_len < min_isr {
                        Err(ErrorCode::NotEnoughReplicas)
                    } else {
                        match r.append_as_leader(&b.records, b.identity) {
                            AppendOutcome::Appended { base_offset }
                            | AppendOutcome::Duplicate { base_offset } => {
                                appended.push(b.partition);
                                let end = base_offset + b.records.len() as u64;
                                if let Some(e) = injected {
                                    Err(e)
                                } else if req.acks == Acks::All && r.high_watermark < end {
                                    waiting.push((results.len(), b.partition, end));
                                    Ok(base_offset)
                                } else {
                                    Ok(base_offset)
                                }
                            }
                            AppendOutcome::Rejected(e) => Err(e),
                        }
                    }
                }
                _ => Err(ErrorCode::NotLeaderOrFollower),
            };
            results.push(ProducePartitionResult {
                partition: b.partition,
                batch_id: b.batch_id,
                result,
            });
        }
        if let Some(e) = injected {
            out.trace(
                now,
                node(self.id),
                TraceKind::ProduceError,
                format!(
                    "broker {} answers a produce request with {e} (injected)",
                    self.id
                ),
            );
        }
        appended.dedup();
        for p in &appended {
            self.advance_high_watermark(*p, now, topo, out);
        }
        self.release_held_fetches(&appended, topo, out);
        if req.acks == Acks::Zero {
            return;
        }
        // The HW may have moved during this very request (single-replica ISR).
        waiting.retain(|&(_, p, end)| {
            self.replicas
                .get(&p)
                .is_some_and(|r| r.high_watermark < end)
        });
        if waiting.is_empty() {
            out.send(
                node(self.id),
                from,
                Payload::ProduceResponse(ProduceResponse {
                    correlation_id: req.correlation_id,
                    results,
                }),
            );
        } else {
            let key = self.next_delayed;
            self.next_delayed += 1;
            self.delayed.insert(
                key,
                DelayedProduce {
                    producer: from,
                    correlation_id: req.correlation_id,
                    results,
                    waiting,
                },
            );
            out.timer(
                now + req.timeout_us,
                node(self.id),
                Timer::DelayedProduceTimeout { key },
            );
        }
    }

    /// Recomputes the leader's high watermark; completes parked acks=all requests it reaches.
    fn advance_high_watermark(
        &mut self,
        partition: u32,
        _now: u64,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let min_isr = self.effective_min_isr(topo, partition);
        let frozen_rule = self.settings.version.at_least(3, 7);
        let Some(r) = self.replicas.get_mut(&partition) else {
            return;
        };
        let ReplicaRole::Leader { isr, followers, .. } = &r.role else {
            return;
        };
        if frozen_rule && isr.len() < min_isr {
            return;
        }
        let mut hw = r.log_end_offset;
        for f in followers {
            if isr.contains(&f.broker) {
                hw = hw.min(f.log_end_offset);
            }
        }
        let isr_len = isr.len();
        if hw <= r.high_watermark {
            return;
        }
        r.high_watermark = hw;
        // Complete parked requests for this partition.
        let mut done = Vec::new();
        for (key, d) in self.delayed.iter_mut() {
            let mut changed = false;
            d.waiting.retain(|&(i, p, end)| {
                if p == partition && hw >= end {
                    if isr_len < min_isr {
                        if let Some(res) = d.results.get_mut(i) {
                            res.result = Err(ErrorCode::NotEnoughReplicasAfterAppend);
                        }
                    }
                    changed = true;
                    false
                } else {
                    true
                }
            });
            if changed && d.waiting.is_empty() {
                done.push(*key);
            }
        }
        for key in done {
            if let Some(d) = self.delayed.remove(&key) {
                out.send(
                    node(self.id),
                    d.producer,
                    Payload::ProduceResponse(ProduceResponse {
                        correlation_id: d.correlation_id,
                        results: d.results,
                    }),
                );
            }
        }
    }

    fn fail_delayed_for(&mut self, partition: u32, out: &mut Outbox) {
        let mut done = Vec::new();
        for (key, d) in self.delayed.iter_mut() {
            d.waiting.retain(|&(i, p, _)| {
                if p == partition {
                    if let Some(res) = d.results.get_mut(i) {
                        res.result = Err(ErrorCode::NotLeaderOrFollower);
                    }
                    false
                } else {
                    true
                }
            });
            if d.waiting.is_empty() {
                done.push(*key);
            }
        }
        for key in done {
            if let Some(d) = self.delayed.remove(&key) {
                out.send(
                    node(self.id),
                    d.producer,
                    Payload::ProduceResponse(ProduceResponse {
                        correlation_id: d.correlation_id,
                        results: d.results,
                    }),
                );
            }
        }
    }

    fn handle_fetch(&mut self, now: u64, req: FetchRequest, topo: &Topology, out: &mut Outbox) {
        let f = req.replica;
        let mut touched = Vec::new();
        let mut has_data = false;
        for fp in &req.partitions {
            let Some(r) = self.replicas.get_mut(&fp.partition) else {
                has_data = true;
                continue;
            };
            let leo = r.log_end_offset;
            let hw = r.high_watermark;
            let epoch_start = r.end_offset_for_epoch(r.leader_epoch.saturating_sub(1));
            let end = r.end_offset_for_epoch(fp.last_fetched_epoch).min(leo);
            let ReplicaRole::Leader {
                isr,
                followers,
                isr_change_pending,
            } = &mut r.role
            else {
                has_data = true;
                continue;
            };
            if fp.fetch_offset > end {
                has_data = true;
                continue;
            }
            if let Some(st) = followers.iter_mut().find(|s| s.broker == f) {
                if fp.fetch_offset >= leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(now);
                } else if fp.fetch_offset >= st.last_fetch_leader_leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(st.last_fetch_us);
                }
                st.last_fetch_leader_leo = leo;
                st.last_fetch_us = now;
                st.log_end_offset = fp.fetch_offset;
            }
            if fp.fetch_offset < leo {
                has_data = true;
            }
            // A follower back at the high watermark of this epoch rejoins the ISR.
            if !isr.contains(&f)
                && !*isr_change_pending
                && fp.fetch_offset >= hw
                && fp.fetch_offset >= epoch_start
            {
                let mut new_isr = isr.clone();
                new_isr.push(f);
                new_isr.sort_unstable();
                *isr_change_pending = true;
                out.send(
                    node(self.id),
                    NodeId::Controller,
                    Payload::AlterPartition {
                        partition: fp.partition,
                        leader: self.id,
                        leader_epoch: r.leader_epoch,
                        isr: new_isr,
                    },
                );
            }
            touched.push(fp.partition);
        }
        for p in touched {
            self.advance_high_watermark(p, now, topo, out);
        }
        if has_data {
            let resp = self.build_fetch_response(&req, topo);
            out.send(node(self.id), node(f), Payload::FetchResponse(resp));
        } else {
            out.timer(
                now + FETCH_WAIT_MAX_US,
                node(self.id),
                Timer::FetchWait {
                    follower: f,
                    correlation_id: req.correlation_id,
                },
            );
            self.held_fetches.insert(f, req);
        }
    }

    fn build_fetch_response(&self, req: &FetchRequest, _topo: &Topology) -> FetchResponse {
        let partitions = req
            .partitions
            .iter()
            .map(|fp| match self.replicas.get(&fp.partition) {
                Some(r) if r.is_leader() => {
                    let end = r
                        .end_offset_for_epoch(fp.last_fetched_epoch)
                        .min(r.log_end_offset);
                    if fp.fetch_offset > end {
                        FetchedPartition {
                            partition: fp.partition,
                            error: None,
                            batches: Vec::new(),
                            high_watermark: r.high_watermark,
                            diverging_end_offset: Some(end),
                        }
                    } else {
                        FetchedPartition {
                            partition: fp.partition,
                            error: None,
                            batches: r.batches_from(fp.fetch_offset, FETCH_MAX_BATCHES),
                            high_watermark: r.high_watermark,
                            diverging_end_offset: None,
                        }
                    }
                }
                _ => FetchedPartition {
                    partition: fp.partition,
                    error: Some(ErrorCode::NotLeaderOrFollower),
                    batches: Vec::new(),
                    high_watermark: 0,
                    diverging_end_offset: None,
                },
            })
            .collect();
        FetchResponse {
            correlation_id: req.correlation_id,
            partitions,
        }
    }

    fn release_held_fetches(&mut self, partitions: &[u32], topo: &Topology, out: &mut Outbox) {
        if partitions.is_empty() || self.held_fetches.is_empty() {
            return;
        }
        let ready: Vec<u32> = self
            .held_fetches
            .iter()
            .filter(|(_, req)| {
                req.partitions
                    .iter()
                    .any(|fp| partitions.contains(&fp.partition))
            })
            .map(|(f, _)| *f)
            .collect();
        for f in ready {
            if let Some(req) = self.held_fetches.remove(&f) {
                let resp = self.build_fetch_response(&req, topo);
                out.send(node(self.id), node(f), Payload::FetchResponse(resp));
            }
        }
    }

    fn handle_fetch_response(
        &mut self,
        now: u64,
        leader: u32,
        resp: FetchResponse,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let Some(fetcher) = self.fetchers.get_mut(&leader) else {
            return;
        };
        if fetcher.in_flight != Some(resp.correlation_id) {
            return;
        }
        fetcher.in_flight = None;
        let mut errors = 0;
        for fp in resp.partitions.iter() {
            let Some(r) = self.replicas.get_mut(&fp.partition) else {
                continue;
            };
            if r.role
                != (ReplicaRole::Follower {
                    leader: Some(leader),
                })
            {
                continue;
            }
            if fp.error.is_some() {
                errors += 1;
                continue;
            }
            if let Some(end) = fp.diverging_end_offset {
                let removed = r.truncate_to(end);
                if removed > 0 {
                    out.trace(
                        now,
                        node(self.id),
                        TraceKind::LogTruncated,
                        format!("broker {} truncates {} to offset {end}: {removed} records it had that leader {leader} does not", self.id, topo.name(fp.partition)),
                    );
                }
                continue;
            }
            for b in &fp.batches {
                if b.base_offset == r.log_end_offset {
                    r.append(b.clone());
                }
            }
            let hw = fp.high_watermark.min(r.log_end_offset);
            if hw > r.high_watermark {
                r.high_watermark = hw;
            }
        }
        if errors > 0 && errors == resp.partitions.len() {
            let f = self.fetchers.entry(leader).or_default();
            f.generation += 1;
            out.timer(
                now + FETCH_BACKOFF_US,
                node(self.id),
                Timer::FetchRetry {
                    leader,
                    generation: f.generation,
                },
            );
        } else {
            self.send_fetch(leader, now, out);
        }
    }

    fn send_fetch(&mut self, leader: u32, now: u64, out: &mut Outbox) {
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter(|r| {
                r.role
                    == ReplicaRole::Follower {
                        leader: Some(leader),
                    }
            })
            .map(|r| FetchPartition {
                partition: r.partition,
                fetch_offset: r.log_end_offset,
                last_fetched_epoch: r.last_epoch(),
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        let f = self.fetchers.entry(leader).or_default();
        f.in_flight = Some(correlation_id);
        f.sent_us = now;
        f.generation += 1;
        out.send(
            node(self.id),
            node(leader),
            Payload::Fetch(FetchRequest {
                correlation_id,
                replica: self.id,
                partitions,
            }),
        );
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
        let mut new_leaders = Vec::new();
        let mut hw_check = Vec::new();
        for st in states {
            let Some(r) = self.replicas.get_mut(&st.partition) else {
                continue;
            };
            if st.leader == Some(self.id) {
                match &mut r.role {
                    ReplicaRole::Leader {
                        isr,
                        isr_change_pending,
                        ..
                    } if r.leader_epoch == st.leader_epoch => {
                        *isr = st.isr.clone();
                        *isr_change_pending = false;
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
                        };
                        new_leaders.push(st.partition);
                        hw_check.push(st.partition);
                    }
                }
            } else {
                let was_leader = r.is_leader();
                r.leader_epoch = st.leader_epoch;
                r.role = ReplicaRole::Follower { leader: st.leader };
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
        wanted_sorted.sort_unstable();
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
        for r in self.replicas.values_mut() {
            let epoch = r.leader_epoch;
            let ReplicaRole::Leader {
                isr,
                followers,
                isr_change_pending,
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
                    isr.contains(&f.broker) && now.saturating_sub(f.last_caught_up_us) > lag
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
