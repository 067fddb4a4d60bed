//! The Simulation: owns virtual time, the event queue, the network, the nodes, the ledger and
//! the one seeded RNG. Handles one event at a time, dispatching what each node returns.

mod groups;
mod partitions;
mod values;

use crate::kafka::protocol::{NodeId, Payload};
use crate::node::broker::{Broker, BrokerSettings};
use crate::node::controller::{Controller, SESSION_CHECK_US};
use crate::node::producer::Producer;
use crate::node::{Ctx, Node, Outbox, Timer};
use crate::observe::invariants::InvariantState;
use crate::observe::ledger::Ledger;
use crate::observe::trace::{TraceEvent, TraceHash, TraceKind, TraceLog};
use crate::scenario::{ActionKind, Scenario};
use crate::world::network::{Fate, MessageInFlight, Network, Wire};
use crate::world::queue::EventQueue;
use crate::world::topology::Topology;
use crate::world::World;
use rand_core::SeedableRng;
use rand_pcg::Pcg32;
use std::sync::Arc;

/// Events between passes that let replicas share their sealed log segments: replicas seal
/// their own copies, and until the next pass each holds its own.
const SHARE_LOGS_EVERY: u64 = 1 << 15;

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrive(u64),
    Timer(NodeId, Timer),
    Action(usize),
}

/// The world's nodes, borrowed apart from what their context borrows.
pub(super) struct Nodes<'a> {
    producers: &'a mut [Producer],
    brokers: &'a mut [Broker],
    controller: &'a mut Controller,
    pub(super) consumers: &'a mut [crate::node::consumer::Consumer],
    registry: &'a mut crate::node::registry::Registry,
}

impl<'a> Nodes<'a> {
    fn get(self, id: NodeId) -> Option<&'a mut dyn Node> {
        match id {
            NodeId::Producer(i) => self
                .producers
                .get_mut(i as usize)
                .map(|n| n as &mut dyn Node),
            NodeId::Broker(i) => self.brokers.get_mut(i as usize).map(|n| n as &mut dyn Node),
            NodeId::Consumer(i) => self
                .consumers
                .get_mut(i as usize)
                .map(|n| n as &mut dyn Node),
            NodeId::Controller => Some(self.controller),
            NodeId::Registry => Some(self.registry),
        }
    }
}

/// A running simulation of one scenario: the [`World`] and the loop around it (time, the event
/// queue, the one RNG, the trace). Cheap to clone (logs share their record batches).
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) world: World,
    now: u64,
    end: u64,
    queue: EventQueue<Event>,
    rng: Pcg32,
    trace: TraceLog,
    hash: TraceHash,
    out: Outbox,
    spare_sends: Vec<(NodeId, NodeId, Payload)>,
    events: u64,
    invariants: InvariantState,
    /// What classifying the ledger has read of the logs so far (`Simulation::classify`).
    pub(crate) committed_scan: std::cell::RefCell<crate::observe::ledger::CommittedScan>,
}

fn timer_code(t: Timer) -> u64 {
    match t {
        Timer::ProducerWake => 1,
        Timer::BrokerHeartbeat => 2,
        Timer::IsrCheck => 3,
        Timer::FetchWait {
            follower,
            correlation_id,
        } => 4 | (u64::from(follower) << 8) | (correlation_id << 24),
        Timer::DelayedProduceTimeout => 5,
        Timer::FetchRetry { leader, generation } => {
            6 | (u64::from(leader) << 8) | (generation << 24)
        }
        Timer::SessionCheck => 7,
        Timer::Heal { broker } => 8 | (u64::from(broker) << 8),
        Timer::ConsumerPoll => 9,
        Timer::ConsumerHeartbeat => 10,
        Timer::ConsumerRetry => 11,
        Timer::ConsumerFetchWait {
            consumer,
            correlation_id,
        } => 12 | (u64::from(consumer) << 8) | (correlation_id << 24),
        Timer::GroupCheck { group } => 13 | (u64::from(group) << 8),
        Timer::ConsumerMetadataRefresh => 14,
        Timer::ConsumerPollCheck => 15,
    }
}

impl Simulation {
    /// Builds the world of a validated scenario and schedules its timeline.
    pub fn new(scenario: Scenario) -> Simulation {
        let topo = Topology::new(&scenario);
        let version = scenario.kafka_version;
        let settings = BrokerSettings {
            version,
            replica_lag_time_max_us: scenario
                .cluster
                .replica_lag_time_max_ms
                .saturating_mul(1000),
            record_ids_in_fetches: scenario.has_shaped_values(),
        };
        let controller = Controller::new(
            &topo,
            scenario.cluster.unclean_leader_election_enable,
            scenario
                .cluster
                .broker_session_timeout_ms
                .saturating_mul(1000),
        );
        let brokers = (0..topo.brokers)
            .map(|b| Broker::new(b, &topo, settings.clone()))
            .collect();
        let producers = scenario
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let schema = p
                    .value_schema
                    .as_ref()
                    .and_then(|r| scenario.schema(r))
                    .cloned();
                Producer::new(i as u32, p.clone(), version, &topo, schema)
            })
            .collect();
        let counts: Vec<u64> = scenario.producers.iter().map(|p| p.records).collect();
        let world = World {
            network: Network::new(&scenario.network),
            messages: Wire::default(),
            producers,
            brokers,
            controller,
            ledger: Ledger::new(&counts),
            groups: Vec::new(),
            group_configs: Vec::new(),
            consumer_counts: Vec::new(),
            consumers: Vec::new(),
            consumer_names: Vec::new(),
            metadata_refresh: false,
            registry: crate::node::registry::Registry::new(scenario.schema_registry.compatibility),
            topo: Arc::new(topo),
            scenario: Arc::new(scenario),
        };
        let mut sim = Simulation {
            now: 0,
            end: world.scenario.duration_ms.saturating_mul(1000),
            queue: EventQueue::default(),
            rng: Pcg32::seed_from_u64(world.scenario.seed),
            world,
            trace: TraceLog::default(),
            hash: TraceHash::default(),
            out: Outbox::default(),
            spare_sends: Vec::new(),
            events: 0,
            invariants: InvariantState::default(),
            committed_scan: Default::default(),
        };
        for (i, a) in sim.world.scenario.actions.iter().enumerate() {
            sim.queue
                .push(a.at_ms.saturating_mul(1000), Event::Action(i));
        }
        let states = sim.world.controller.partitions.clone();
        let leaders = sim.world.controller.leaders();
        for b in 0..sim.world.brokers.len() {
            if let Some(br) = sim.world.brokers.get_mut(b) {
                br.start(&states, leaders.clone(), &sim.world.topo, 0, &mut sim.out);
            }
            sim.dispatch();
        }
        for b in sim.world.controller.brokers.iter_mut() {
            b.last_heartbeat_us = 0;
        }
        sim.queue.push(
            SESSION_CHECK_US,
            Event::Timer(NodeId::Controller, Timer::SessionCheck),
        );
        for p in 0..sim.world.producers.len() {
            sim.queue.push(
                0,
                Event::Timer(NodeId::Producer(p as u32), Timer::ProducerWake),
            );
        }
        sim.build_groups();
        if Simulation::changes_metadata(&sim.world.scenario.actions) {
            sim.enable_metadata_refresh();
        }
        sim.dispatch();
        sim
    }

    pub fn scenario(&self) -> &Scenario {
        &self.world.scenario
    }

    /// The consumers' names by index (`NodeId::Consumer`), those added so far included.
    pub fn consumer_names(&self) -> &[String] {
        &self.world.consumer_names
    }

    /// A node's name as the scenario and the stage give it (`p1`, `g1-c2`, `broker 3`): the
    /// event log's node column says who acted in the words its lines use.
    pub fn node_name(&self, node: NodeId) -> String {
        let named = match node {
            NodeId::Producer(i) => self
                .world
                .scenario
                .producers
                .get(i as usize)
                .map(|p| &p.name),
            NodeId::Consumer(c) => self.world.consumer_names.get(c as usize),
            _ => None,
        };
        named.map_or_else(|| node.to_string(), String::clone)
    }

    pub fn now_us(&self) -> u64 {
        self.now
    }

    pub fn end_us(&self) -> u64 {
        self.end
    }

    /// Events handled so far.
    pub fn events_handled(&self) -> u64 {
        self.events
    }

    /// Record batches the producers have opened so far (each since its last start): the unit
    /// of work that follows the partition count, where events do not (a request carries one
    /// batch per partition, so more partitions mean more batches per event).
    pub fn batches_opened(&self) -> u64 {
        self.world
            .producers
            .iter()
            .map(|p| p.accumulator.batches_opened())
            .sum()
    }

    pub fn is_finished(&self) -> bool {
        self.now >= self.end || self.queue.peek_time().is_none_or(|t| t > self.end)
    }

    /// When the next event is due, if it is before the end: what "step to the next event" moves
    /// to, without running a copy of the simulation to find it.
    pub fn next_event_us(&self) -> Option<u64> {
        self.queue.peek_time().filter(|&t| t <= self.end)
    }

    /// Handles the next event; false when there is none before the end.
    pub fn step(&mut self) -> bool {
        match self.queue.peek_time() {
            Some(t) if t <= self.end => {}
            _ => return false,
        }
        let Some((t, ev)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(t);
        self.events += 1;
        self.handle(ev);
        self.dispatch();
        if self.events.is_multiple_of(SHARE_LOGS_EVERY) {
            self.world.share_logs();
        }
        if cfg!(any(test, feature = "invariants")) {
            crate::observe::invariants::check_all(&self.world, &mut self.invariants);
        }
        true
    }

    /// Handles every event up to `t_us` (clamped to the end) and moves the clock there.
    pub fn advance_to(&mut self, t_us: u64) {
        let t = t_us.min(self.end);
        while self.queue.peek_time().is_some_and(|e| e <= t) {
            if !self.step() {
                break;
            }
        }
        self.now = self.now.max(t);
        self.catch_up_producers(self.now + 1);
    }

    /// Every producer makes the plain sends due before `before_us` (they wake for no other):
    /// by now, so that what is read counts them; before now, ahead of a timeline action (which
    /// comes first among the moment's events). The same sends the producers' next turns would
    /// make, stamped with their own times: a run read often goes on as one read once.
    fn catch_up_producers(&mut self, before_us: u64) {
        let (nodes, mut ctx) = self.split();
        for p in nodes.producers.iter_mut() {
            p.catch_up(before_us, &mut ctx);
        }
    }

    pub fn run_to_end(&mut self) {
        self.advance_to(self.end);
    }

    /// An action now (the page's buttons), after what the run shows now. Timeline actions were
    /// scheduled by `new`.
    pub fn apply(&mut self, action: ActionKind) {
        self.catch_up_producers(self.now + 1);
        self.hash.write_u64(self.now);
        self.hash.write_u64(0xac);
        self.do_action(&action);
        self.dispatch();
    }

    /// Readable protocol events since the last call.
    pub fn take_events(&mut self) -> Vec<TraceEvent> {
        self.trace.take()
    }

    /// Messages on the wire now (for animation), in departure order.
    pub fn messages_in_flight(&self) -> Vec<&MessageInFlight> {
        self.world.messages.iter().map(|e| &e.info).collect()
    }

    pub fn trace_hash(&self) -> String {
        self.hash.hex()
    }

    pub fn ledger(&self) -> &Ledger {
        &self.world.ledger
    }

    pub fn topology(&self) -> &Topology {
        &self.world.topo
    }

    fn handle(&mut self, ev: Event) {
        self.hash.write_u64(self.now);
        match ev {
            Event::Arrive(id) => {
                self.hash.write_u64(1);
                self.hash.write_u64(id);
                self.arrive(id);
            }
            Event::Timer(node, timer) => {
                self.hash.write_u64(2);
                self.hash.write_u64(node.code());
                self.hash.write_u64(timer_code(timer));
                self.fire(node, timer);
            }
            Event::Action(i) => {
                self.hash.write_u64(3);
                self.hash.write_u64(i as u64);
                self.catch_up_producers(self.now);
                if let Some(a) = self.world.scenario.actions.get(i).map(|a| a.kind.clone()) {
                    self.do_action(&a);
                }
            }
        }
    }

    fn arrive(&mut self, id: u64) {
        let Some(env) = self.world.messages.remove(id) else {
            return;
        };
        let (from, to) = (env.info.from, env.info.to);
        if env.info.fate == Fate::Dropped || self.world.network.blocked(from, to, self.now) {
            return;
        }
        let dest_alive = match to {
            NodeId::Broker(b) => self
                .world
                .brokers
                .get(b as usize)
                .is_some_and(|x| x.accepts_from(from)),
            NodeId::Consumer(c) => self
                .world
                .consumers
                .get(c as usize)
                .is_some_and(|x| x.is_alive()),
            _ => true,
        };
        if !dest_alive {
            // Connection refused: the client learns at once (one trip back).
            if env.payload.expects_reply() {
                self.out.send(to, from, Payload::Disconnect);
            }
            return;
        }
        match (to, env.payload) {
            // Group requests go to the group's coordinator on that broker.
            (NodeId::Broker(b), Payload::Group { group, message }) => {
                self.group_arrive(b, from, group, message)
            }
            (to, payload) => self.with_node(to, |n, ctx| n.on_message(from, payload, ctx)),
        }
        if to == NodeId::Controller {
            self.refresh_coordinators();
        }
    }

    /// Routes a due timer to its owner: the network's and the coordinators' timers are the
    /// world's; every other timer belongs to the node that set it.
    fn fire(&mut self, node: NodeId, timer: Timer) {
        match timer {
            Timer::Heal { broker } => self.heal(broker),
            Timer::GroupCheck { group } => self.group_check(group),
            _ => {
                self.with_node(node, |n, ctx| n.on_timer(timer, ctx));
                if node == NodeId::Controller {
                    self.refresh_coordinators();
                }
            }
        }
    }

    /// Runs `f` on node `id`, if it exists, with its context.
    fn with_node(&mut self, id: NodeId, f: impl FnOnce(&mut dyn Node, &mut Ctx)) {
        let (nodes, mut ctx) = self.split();
        if let Some(node) = nodes.get(id) {
            f(node, &mut ctx);
        }
    }

    /// The nodes, and the one place a node's [`Ctx`] is built beside them.
    pub(super) fn split(&mut self) -> (Nodes<'_>, Ctx<'_>) {
        let w = &mut self.world;
        let nodes = Nodes {
            producers: &mut w.producers,
            brokers: &mut w.brokers,
            controller: &mut w.controller,
            consumers: &mut w.consumers,
            registry: &mut w.registry,
        };
        let ctx = Ctx {
            now: self.now,
            rng: &mut self.rng,
            out: &mut self.out,
            ledger: &mut w.ledger,
            topo: &w.topo,
            consumer_names: &w.consumer_names,
        };
        (nodes, ctx)
    }

    /// A broker's isolation ends (unless a later isolation still holds).
    fn heal(&mut self, broker: u32) {
        let now = self.now;
        self.world.network.heal(broker, now);
        if !self.world.network.is_isolated(broker, now) {
            self.out.trace(
                now,
                NodeId::Broker(broker),
                TraceKind::BrokerHealed,
                format!("broker {broker} can reach the network again"),
            );
        }
    }

    fn do_action(&mut self, action: &ActionKind) {
        let now = self.now;
        match action {
            ActionKind::CrashBroker { broker } => {
                let Some(br) = self.world.brokers.get_mut(*broker as usize) else {
                    return;
                };
                if !br.alive {
                    return;
                }
                br.crash();
                self.out.trace(
                    now,
                    NodeId::Broker(*broker),
                    TraceKind::BrokerCrashed,
                    format!("broker {broker} crashed"),
                );
                // Its connections reset: every producer connected to it learns it (the OS
                // closes a dead process's sockets), idle or not.
                for (i, p) in self.world.producers.iter().enumerate() {
                    if p.connections.get(broker).is_some_and(|c| c.is_ready()) {
                        self.out.send(
                            NodeId::Broker(*broker),
                            NodeId::Producer(i as u32),
                            Payload::Disconnect,
                        );
                    }
                }
                self.disconnect_consumers(*broker);
                for b in 0..self.world.brokers.len() as u32 {
                    if b != *broker {
                        self.out.send(
                            NodeId::Broker(*broker),
                            NodeId::Broker(b),
                            Payload::Disconnect,
                        );
                    }
                }
            }
            ActionKind::RestartBroker { broker } => {
                let Some(br) = self.world.brokers.get_mut(*broker as usize) else {
                    return;
                };
                if br.alive {
                    return;
                }
                br.restart(now, &mut self.out);
                self.out.trace(
                    now,
                    NodeId::Broker(*broker),
                    TraceKind::BrokerRestarted,
                    format!("broker {broker} restarted with its log"),
                );
            }
            ActionKind::IsolateBroker { broker, for_ms } => {
                let until = now.saturating_add(for_ms.saturating_mul(1000));
                self.world.network.isolate(*broker, until);
                self.out.timer(
                    until,
                    NodeId::Broker(*broker),
                    Timer::Heal { broker: *broker },
                );
                self.out.trace(
                    now,
                    NodeId::Broker(*broker),
                    TraceKind::BrokerIsolated,
                    format!("broker {broker} is cut off from the network for {for_ms} ms"),
                );
            }
            ActionKind::FailRequests {
                broker,
                error,
                count,
            } => {
                if let Some(br) = self.world.brokers.get_mut(*broker as usize) {
                    br.inject(*error, *count);
                }
                self.out.trace(now, NodeId::Broker(*broker), TraceKind::RequestsFailing, format!("broker {broker} will answer its next {count} produce requests with {error}"));
            }
            ActionKind::SetNetwork {
                latency_ms,
                jitter_ms,
                loss_rate,
            } => {
                self.world.network.set(*latency_ms, *jitter_ms, *loss_rate);
                self.out.trace(
                    now,
                    NodeId::Controller,
                    TraceKind::NetworkChanged,
                    "network conditions changed".to_string(),
                );
            }
            ActionKind::AddPartitions { topic, partitions } => {
                self.add_partitions(topic, *partitions)
            }
            ActionKind::UpgradeProducer { .. }
            | ActionKind::UpgradeGroup { .. }
            | ActionKind::SetCompatibility { .. } => self.serialization_action(action),
            ActionKind::AddConsumer { .. }
            | ActionKind::RemoveConsumer { .. }
            | ActionKind::KillConsumer { .. }
            | ActionKind::StallConsumer { .. } => self.consumer_action(action),
        }
    }

    /// Sends what the last handler produced over the network and queues its timers.
    fn dispatch(&mut self) {
        let now = self.now;
        // Swap with a spare buffer so both keep their capacity (no allocation per event).
        std::mem::swap(&mut self.out.sends, &mut self.spare_sends);
        for (from, to, payload) in self.spare_sends.drain(..) {
            let reliable = matches!(payload, Payload::Disconnect);
            let env = self
                .world
                .network
                .transmit(from, to, payload, now, reliable, &mut self.rng);
            let id = env.info.id;
            self.queue.push(env.info.arrive_us, Event::Arrive(id));
            self.world.messages.insert(env);
        }
        // Most events set no timer and write no trace: the page's size-optimized build does
        // not inline `drain`'s range check, which cost a per-cent of a fast-forward on its own.
        if !self.out.timers.is_empty() {
            for (at, node, timer) in self.out.timers.drain(..) {
                self.queue.push(at, Event::Timer(node, timer));
            }
        }
        if !self.out.traces.is_empty() {
            for t in self.out.traces.drain(..) {
                self.trace.push(t);
            }
        }
    }
}

/// For tests that watch the wire event by event.
#[cfg(test)]
impl Simulation {
    /// The messages put on the wire since message id `seen`, which moves past them.
    pub(crate) fn messages_since(&self, seen: &mut u64) -> Vec<&crate::world::network::Envelope> {
        let from = *seen;
        let new: Vec<_> = self
            .world
            .messages
            .iter()
            .filter(|e| e.info.id >= from)
            .collect();
        *seen = new
            .iter()
            .map(|e| e.info.id + 1)
            .max()
            .unwrap_or(from)
            .max(from);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::{KafkaVersion, SendMode};

    #[test]
    fn nodes_are_named_as_the_scenario_names_them_not_by_their_index() {
        let sim = Simulation::new(crate::scenario::presets::busy_reference());
        let names: Vec<String> = [
            NodeId::Producer(1),
            NodeId::Consumer(4),
            NodeId::Broker(2),
            NodeId::Controller,
            NodeId::Producer(99),
        ]
        .into_iter()
        .map(|n| sim.node_name(n))
        .collect();
        assert_eq!(
            names,
            ["p2", "audit-c1", "broker 2", "controller", "producer 99"]
        );
    }

    #[test]
    fn batches_opened_counts_one_per_sync_send_and_fewer_when_records_share_batches() {
        let run = |mode: SendMode, linger_ms: u64| {
            let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
                .topic(1, 1, 1)
                .duration_ms(5_000)
                .producer(|p| {
                    p.send_mode = mode;
                    p.records = 40;
                    p.records_per_sec = 1_000.0;
                    p.linger_ms = linger_ms;
                })
                .build();
            let mut sim = Simulation::new(s);
            sim.run_to_end();
            (sim.report().records.acknowledged, sim.batches_opened())
        };
        // send().get(): each record waits for its answer alone.
        assert_eq!(run(SendMode::Sync, 0), (40, 40));
        // One record a millisecond lingering 10 ms: about ten to a batch.
        let (acked, batches) = run(SendMode::Async, 10);
        assert_eq!(acked, 40);
        assert_eq!(batches, 4);
    }

    #[test]
    fn degenerate_values_the_validator_would_refuse_still_do_not_panic() {
        for (brokers, partitions, rf, rate, records) in [
            (0, 0, 0, 0.0, 10),
            (1, 0, 1, f64::NAN, 5),
            (2, 3, 5, f64::INFINITY, 50),
            (3, 2, 3, -1.0, 0),
        ] {
            for (mode, topic) in [
                (SendMode::FireAndForget, "orders"),
                (SendMode::Sync, "orders"),
                (SendMode::Async, "orders"),
                (SendMode::Async, "missing"),
            ] {
                let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
                    .brokers(brokers)
                    .topic(partitions, rf, 9)
                    .duration_ms(2_000)
                    .producer(|p| {
                        p.send_mode = mode;
                        p.records_per_sec = rate;
                        p.records = records;
                        p.batch_size = 0;
                        p.max_in_flight_requests_per_connection = 0;
                        p.topic = topic.into();
                    })
                    .action(10, ActionKind::CrashBroker { broker: 99 })
                    .action(20, ActionKind::RestartBroker { broker: 99 })
                    .build();
                let mut sim = Simulation::new(s);
                sim.run_to_end();
                let _ = sim.report();
                let _ = sim.view();
            }
        }
    }
}
