//! A plain snapshot of the world for the page to draw.

use crate::node::broker::replica::PartitionReplica;
use crate::observe::ledger::{Classification, RecordCounts};
use crate::support::vec_map::VecMap;
use crate::world::sim::Simulation;
use crate::world::topology::Topology;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ReplicaView {
    pub topic: String,
    pub partition: u32,
    pub is_leader: bool,
    pub in_isr: bool,
    pub log_end_offset: u64,
    pub high_watermark: u64,
    pub leader_epoch: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrokerView {
    pub id: u32,
    pub alive: bool,
    pub isolated: bool,
    /// ZooKeeper-era clusters (before 3.3) have a controller broker; KRaft runs a separate
    /// controller quorum, so no broker is the controller.
    pub is_controller: bool,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartitionView {
    pub topic: String,
    pub partition: u32,
    pub name: String,
    pub replicas: Vec<u32>,
    pub leader: Option<u32>,
    pub leader_epoch: u32,
    pub isr: Vec<u32>,
    pub offline: bool,
    /// Its leader, as the controller has it, is a broker that is down: the controller has not
    /// noticed yet (it fences a broker whose heartbeats stop for its session timeout, and only
    /// then elects new leaders), so clients meet a dead connection meanwhile.
    pub leader_down: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionView {
    pub broker: u32,
    pub in_flight: u32,
    pub window: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackoffView {
    /// Global partition index.
    pub partition: u32,
    pub records: usize,
    pub ready_us: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProducerView {
    pub name: String,
    pub topic: String,
    pub connections: Vec<ConnectionView>,
    pub backing_off: Vec<BackoffView>,
    /// Batches waiting in the accumulator (not in flight).
    pub queued_batches: usize,
    pub counts: RecordCounts,
    /// The `value.schema` it writes now (upgrades applied).
    pub value_schema: Option<crate::scenario::SchemaRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub now_us: u64,
    pub end_us: u64,
    pub brokers: Vec<BrokerView>,
    pub partitions: Vec<PartitionView>,
    pub producers: Vec<ProducerView>,
    pub totals: RecordCounts,
    /// Consumer groups (see `group_view`).
    pub groups: Vec<crate::observe::group_view::GroupView>,
    /// The schema registry, in scenarios with an Avro producer.
    pub registry: Option<crate::observe::report::RegistryReport>,
}

/// A broker's replicas in topic order: its own map's order (by global number), which is topic
/// order unless partitions were added to an earlier topic; else a lookup of every partition in
/// its map, which costs brokers × partitions a frame (50,000 at the cap).
fn in_topic_order<'a>(
    topo: &Topology,
    replicas: &'a VecMap<u32, PartitionReplica>,
) -> Vec<&'a PartitionReplica> {
    let order = |p: &u32| topo.partition(*p).map(|i| (i.topic, i.index));
    let mut last = None;
    let sorted = replicas.keys().map(order).all(|k| {
        let in_order = last <= k;
        last = k;
        in_order
    });
    if sorted {
        replicas.values().collect()
    } else {
        topo.in_topic_order()
            .filter_map(|p| replicas.get(&p))
            .collect()
    }
}

impl Simulation {
    /// The view of this moment (one classification; a frame that needs more than the view asks
    /// a `Snapshot` instead).
    pub fn view(&self) -> View {
        self.snapshot().view()
    }

    /// `classification`: of this same moment (see `Snapshot`).
    pub(crate) fn view_of(&self, classification: &Classification) -> View {
        let now = self.now_us();
        let topo = &self.world.topo;
        let zk_mode = !self.world.scenario.kafka_version.at_least(3, 3);
        let controller_broker = if zk_mode {
            self.world
                .brokers
                .iter()
                .find(|b| b.alive && !self.world.network.is_isolated(b.id, now))
                .map(|b| b.id)
        } else {
            None
        };
        let brokers: Vec<BrokerView> = self
            .world
            .brokers
            .iter()
            .map(|b| BrokerView {
                id: b.id,
                alive: b.alive,
                isolated: self.world.network.is_isolated(b.id, now),
                is_controller: controller_broker == Some(b.id),
                replicas: in_topic_order(topo, &b.replicas)
                    .into_iter()
                    .map(|r| {
                        let (topic, partition) = topo.topic_partition(r.partition);
                        ReplicaView {
                            topic,
                            partition,
                            is_leader: r.is_leader() && b.alive,
                            in_isr: self
                                .world
                                .controller
                                .partitions
                                .get(r.partition as usize)
                                .is_some_and(|s| s.isr.contains(&b.id)),
                            log_end_offset: r.log_end_offset,
                            high_watermark: r.high_watermark,
                            leader_epoch: r.leader_epoch,
                        }
                    })
                    .collect(),
            })
            .collect();
        let mut partitions: Vec<PartitionView> = topo
            .in_topic_order()
            .filter_map(|p| {
                Some((
                    self.world.controller.partitions.get(p as usize)?,
                    topo.partition(p)?,
                ))
            })
            .map(|(s, info)| PartitionView {
                topic: topo
                    .topic_names
                    .get(info.topic)
                    .cloned()
                    .unwrap_or_default(),
                partition: info.index,
                name: info.name.clone(),
                replicas: info.replicas.clone(),
                leader: s.leader,
                leader_epoch: s.leader_epoch,
                isr: s.isr.clone(),
                offline: s.leader.is_none(),
                leader_down: false,
            })
            .collect();
        // Apart from the map above: in it, this made the page's wasm 0.9 KB larger. Brokers are
        // numbered from 0 in order, so a leader's view is found by its id, not by a search per
        // partition (every frame, at 1,000 partitions and 50 brokers).
        debug_assert!(brokers.iter().enumerate().all(|(i, b)| b.id as usize == i));
        for p in &mut partitions {
            p.leader_down = p
                .leader
                .and_then(|l| brokers.get(l as usize))
                .is_some_and(|b| !b.alive);
        }
        let producers = self
            .world
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| ProducerView {
                name: p.cfg.name.clone(),
                topic: p.cfg.topic.clone(),
                connections: (0..topo.brokers)
                    .map(|b| ConnectionView {
                        broker: b,
                        in_flight: p
                            .connections
                            .get(&b)
                            .map(|c| c.in_flight.len() as u32)
                            .unwrap_or(0),
                        window: p.cfg.max_in_flight_requests_per_connection,
                    })
                    .collect(),
                backing_off: p
                    .backing_off(now)
                    .into_iter()
                    .map(|(partition, records, ready_us)| BackoffView {
                        partition,
                        records,
                        ready_us,
                    })
                    .collect(),
                queued_batches: p.batches_in_accumulator(),
                counts: classification
                    .per_producer
                    .get(i)
                    .cloned()
                    .unwrap_or_default(),
                value_schema: p.values.schema.as_ref().map(|(r, _)| r.clone()),
            })
            .collect();
        View {
            now_us: now,
            end_us: self.end_us(),
            brokers,
            partitions,
            producers,
            totals: classification.counts.clone(),
            groups: self.group_views(),
            registry: self
                .world
                .producers
                .iter()
                .any(|p| p.cfg.value_serializer == crate::scenario::ValueSerializer::Avro)
                .then(|| self.registry_report()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::{ActionKind, KafkaVersion};
    use crate::world::sim::Simulation;

    #[test]
    fn partitions_name_their_crashed_leader_until_the_controller_fences_it() {
        let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(5)
            .brokers(3)
            .duration_ms(20_000)
            .topic(6, 3, 2)
            .producer(|p| {
                p.records = 100;
                p.records_per_sec = 10.0;
            })
            .action(1_000, ActionKind::CrashBroker { broker: 0 })
            .build();
        let mut sim = Simulation::new(s);
        let led_by_0 = |sim: &Simulation| {
            let v = sim.view();
            let led: Vec<bool> = v
                .partitions
                .iter()
                .filter(|p| p.leader == Some(0))
                .map(|p| p.leader_down)
                .collect();
            (led, v.partitions.iter().filter(|p| p.leader_down).count())
        };
        sim.advance_to(900_000);
        assert_eq!(led_by_0(&sim), (vec![false, false], 0));
        // Down, but within broker.session.timeout.ms (9 s): still its partitions' leader.
        sim.advance_to(9_000_000);
        assert_eq!(led_by_0(&sim), (vec![true, true], 2));
        assert!(sim.view().partitions.iter().all(|p| !p.offline));
        // Fenced: its partitions moved to the other replicas.
        sim.advance_to(12_000_000);
        assert_eq!(led_by_0(&sim), (vec![], 0));
    }
}
