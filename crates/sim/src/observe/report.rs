//! The report of a run, exactly as the scenario format defines it (plus a few additions).

use crate::kafka::record_batch::RecordIds;
use crate::node::broker::replica::PartitionReplica;
use crate::observe::ledger::{Batches, Classification, PartitionLogs, RecordCounts, RecordFate};
use crate::scenario::{
    ClusterConfig, GroupConfig, KafkaVersion, NetworkConfig, ProducerConfig, TopicConfig,
};
use crate::support::vec_map::VecMap;
use crate::world::sim::Simulation;
use serde::Serialize;
use std::ops::ControlFlow;
use std::rc::Rc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConsumedCounts {
    pub records: u64,
    pub redelivered: u64,
    /// Records whose value the deserializer could not read (`poll()` threw at them).
    #[serde(rename = "deserialization.errors")]
    pub deserialization_errors: u64,
    /// Of those, records the application sought past (`on.deserialization.error` skip).
    pub skipped: u64,
    /// Records read without an error but with other values than were written.
    pub misread: u64,
}

impl ConsumedCounts {
    fn of(groups: &[crate::observe::ledger::GroupConsumption]) -> Self {
        let mut c = ConsumedCounts::default();
        for g in groups {
            c.records += g.records;
            c.redelivered += g.redelivered;
            c.deserialization_errors += g.deserialization_errors;
            c.skipped += g.skipped;
            c.misread += g.misread;
        }
        c
    }
}

/// `schema.registry`: the global compatibility mode, each subject's versions (their schema
/// ids, version 1 first), its mode and the registrations it refused (HTTP 409).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryReport {
    pub compatibility: crate::scenario::Compatibility,
    pub schemas: u64,
    pub refusals: u64,
    pub subjects: VecMap<String, SubjectReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectReport {
    pub versions: u64,
    pub ids: Vec<u32>,
    pub compatibility: crate::scenario::Compatibility,
    pub refusals: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyMs {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    pub generation: u32,
    pub leader: Option<String>,
    pub assignment: VecMap<String, Vec<(String, u32)>>,
    /// Additions: the group's state, its own consumed figures, and per partition
    /// (`orders-0`) the committed offset and the lag behind the high watermark
    /// (`kafka-consumer-groups.sh --describe`'s LAG).
    pub state: crate::node::coordinator::GroupState,
    pub rebalances: u32,
    pub consumed: ConsumedCounts,
    pub committed: VecMap<String, u64>,
    pub lag: VecMap<String, u64>,
}

/// Every property after defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    #[serde(rename = "kafka.version")]
    pub kafka_version: KafkaVersion,
    pub cluster: ClusterConfig,
    pub network: NetworkConfig,
    pub topics: Vec<TopicConfig>,
    pub producers: VecMap<String, ProducerConfig>,
    pub groups: VecMap<String, GroupConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub records: RecordCounts,
    pub consumed: ConsumedCounts,
    pub rebalances: u32,
    #[serde(rename = "throughput.records.per.sec")]
    pub throughput_records_per_sec: f64,
    #[serde(rename = "latency.ms")]
    pub latency_ms: LatencyMs,
    pub groups: VecMap<String, GroupReport>,
    pub effective: Effective,
    #[serde(rename = "trace.hash")]
    pub trace_hash: String,
    /// Where the run stopped, and how many events it handled (additions to the format).
    #[serde(rename = "end.ms")]
    pub end_ms: f64,
    pub events: u64,
    /// Per producer name: its own record figures (an addition).
    pub producers: VecMap<String, RecordCounts>,
    #[serde(rename = "schema.registry")]
    pub schema_registry: RegistryReport,
}

/// The figures of [`Report`] that sum up the whole run ([`Simulation::figures`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub records: RecordCounts,
    /// Per producer, in scenario order.
    pub per_producer: Vec<RecordCounts>,
    pub consumed: ConsumedCounts,
    pub rebalances: u32,
    pub throughput_records_per_sec: f64,
    pub latency_ms: LatencyMs,
}

/// The figures the ledger counts as the run goes ([`Simulation::tally`]): the same values as
/// the matching fields of [`Figures`], without classifying the records against the logs.
/// `acknowledged` and `sent` are [`RecordCounts`]' (an acknowledged record later lost still
/// counts as acknowledged there too).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub sent: u64,
    pub acknowledged: u64,
    pub consumed: ConsumedCounts,
    pub rebalances: u32,
    pub throughput_records_per_sec: f64,
    pub latency_ms: LatencyMs,
}

/// The record ids of `r`'s log below its high watermark, batch by batch.
fn below_hw(r: &PartitionReplica) -> Batches<'_> {
    let hw = r.high_watermark;
    Batches::Walk(Rc::new(move |from, f: &mut dyn FnMut(RecordIds<'_>)| {
        r.log.walk_from(from, |b| {
            if b.base_offset >= hw {
                return ControlFlow::Break(());
            }
            let skip = from.saturating_sub(b.base_offset) as usize;
            let n = (hw - b.base_offset).min(b.records.len() as u64) as usize;
            f(b.records.slice(skip, n));
            ControlFlow::Continue(())
        })
    }))
}

/// The record ids of `r`'s log at and above its high watermark (or `from`), batch by batch.
fn from_hw(r: &PartitionReplica) -> Batches<'_> {
    Batches::Walk(Rc::new(move |from, f: &mut dyn FnMut(RecordIds<'_>)| {
        let start = r.high_watermark.max(from);
        r.log.walk_from(start, |b| {
            let skip = start
                .saturating_sub(b.base_offset)
                .min(b.records.len() as u64) as usize;
            f(b.records.slice(skip, usize::MAX));
            ControlFlow::Continue(())
        })
    }))
}

/// Every record id of each of `replicas`' logs, batch by batch (always read whole: `from` is
/// 0 for held records).
fn whole_logs<'a>(replicas: Vec<&'a PartitionReplica>) -> Batches<'a> {
    Batches::Walk(Rc::new(move |_, f: &mut dyn FnMut(RecordIds<'_>)| {
        for r in &replicas {
            r.log.walk(|b| {
                f(b.records);
                ControlFlow::Continue(())
            });
        }
    }))
}

/// The report's maps: sorted vectors (same key order and JSON as B-trees, smaller page code);
/// of pairs with equal keys the last stays.
fn map_from<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> VecMap<K, V> {
    pairs.into_iter().collect()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Simulation {
    /// Compares the ledger with the partitions' logs: each partition's committed log (below
    /// the high watermark of its current leader, or of its last ISR member while offline) and
    /// what it holds beyond (see `PartitionLogs`). The leader is the controller's: a crashed
    /// leader the controller has not yet noticed still serves its partition.
    pub fn classify(&self) -> Classification {
        let controller = &self.world.controller;
        let replica = |b: u32, p: u32| {
            self.world
                .brokers
                .get(b as usize)
                .and_then(|b| b.replicas.get(&p))
        };
        let partitions: Vec<PartitionLogs> = controller
            .partitions
            .iter()
            .map(|st| {
                let p = st.partition;
                let Some(leader) = st.leader else {
                    // Offline: `Controller::elect` picks the next leader from the ISR, or from
                    // every replica with unclean election (KIP-966's ELR is not modelled).
                    let electable: Vec<&PartitionReplica> = controller
                        .replicas
                        .get(p as usize)
                        .into_iter()
                        .flatten()
                        .filter(|&b| controller.unclean_leader_election || st.isr.contains(b))
                        .filter_map(|&b| replica(b, p))
                        .collect();
                    let holder = st
                        .isr
                        .iter()
                        .filter_map(|&b| replica(b, p))
                        .max_by_key(|r| r.high_watermark);
                    return PartitionLogs {
                        led: false,
                        committed: holder.map(|r| below_hw(r)).unwrap_or_default(),
                        held: whole_logs(electable),
                        ..Default::default()
                    };
                };
                let r = replica(leader, p);
                PartitionLogs {
                    led: true,
                    committed: r.map(below_hw).unwrap_or_default(),
                    held: r.map(from_hw).unwrap_or_default(),
                    log_key: r.map(|r| (leader, st.leader_epoch, r.truncations)),
                    committed_end: r.map_or(0, |r| r.high_watermark),
                }
            })
            .collect();
        let mut c = self
            .world
            .ledger
            .classify_resuming(&partitions, &mut self.committed_scan.borrow_mut());
        // Tests: reading on gives what reading every log whole gives.
        #[cfg(any(test, feature = "invariants"))]
        assert_eq!(
            c,
            self.world.ledger.classify(&partitions),
            "classification read on from the last one differs from reading the logs whole"
        );
        let failed = &self.world.ledger.values.serialization_failed;
        for (counts, n) in c.per_producer.iter_mut().zip(failed) {
            counts.serialization_failed = *n;
        }
        c.counts.serialization_failed = self.world.ledger.values.serialization_failures();
        c
    }

    /// The consumer figures summed over the groups.
    pub fn consumed_counts(&self) -> ConsumedCounts {
        ConsumedCounts::of(&self.world.ledger.groups)
    }

    pub fn registry_report(&self) -> RegistryReport {
        let r = &self.world.registry;
        RegistryReport {
            compatibility: r.compatibility,
            schemas: r.schemas.len() as u64,
            refusals: r.refusals(),
            subjects: map_from(r.subjects.iter().map(|s| {
                (
                    s.name.clone(),
                    SubjectReport {
                        versions: s.versions.len() as u64,
                        ids: s.versions.clone(),
                        compatibility: s.compatibility.unwrap_or(r.compatibility),
                        refusals: s.refusals,
                    },
                )
            })),
        }
    }

    /// Each sent record's verdict (producer by producer, in send order), and which records are
    /// duplicated or reordered.
    pub fn record_fates(&self) -> (Vec<RecordFate>, Classification) {
        let c = self.classify();
        (self.world.ledger.fates(&c), c)
    }

    /// The high watermark of a partition on its current leader (0 while offline).
    pub fn high_watermark(&self, partition: u32) -> u64 {
        self.world
            .controller
            .partitions
            .get(partition as usize)
            .and_then(|st| st.leader)
            .and_then(|l| self.world.brokers.get(l as usize))
            .and_then(|b| b.replicas.get(&partition))
            .map(|r| r.high_watermark)
            .unwrap_or(0)
    }

    /// Per partition a group subscribes to: (global partition, committed offset, lag).
    pub fn group_lag(&self, group: usize) -> Vec<(u32, Option<u64>, u64)> {
        let Some(cfg) = self.world.group_configs.get(group) else {
            return Vec::new();
        };
        let committed = self.world.groups.get(group).map(|g| &g.offsets);
        self.world
            .topo
            .in_topic_order()
            .filter(|&p| {
                self.world
                    .topo
                    .partition(p)
                    .and_then(|info| self.world.topo.topic_names.get(info.topic))
                    .is_some_and(|t| cfg.topics.contains(t))
            })
            .map(|p| {
                let c = committed.and_then(|o| o.get(&p).copied());
                let hw = self.high_watermark(p);
                (p, c, hw.saturating_sub(c.unwrap_or(0)))
            })
            .collect()
    }

    fn group_reports(&self) -> VecMap<String, GroupReport> {
        let tp = |p: u32| self.world.topo.topic_partition(p);
        map_from(self.world.groups.iter().enumerate().map(|(i, g)| {
            let lag = self.group_lag(i);
            let consumed = self.world.ledger.groups.get(i);
            (
                g.id.clone(),
                GroupReport {
                    generation: g.generation.max(0) as u32,
                    leader: g.leader.map(|l| g.name_of(l)),
                    assignment: map_from(g.members.values().map(|m| {
                        (
                            g.name_of(m.consumer),
                            m.assignment.iter().map(|p| tp(*p)).collect(),
                        )
                    })),
                    state: g.state,
                    rebalances: g.rebalances,
                    consumed: ConsumedCounts::of(consumed.map(std::slice::from_ref).unwrap_or(&[])),
                    committed: map_from(lag.iter().filter_map(|(p, c, _)| {
                        Some((self.world.topo.name(*p).to_string(), (*c)?))
                    })),
                    lag: map_from(
                        lag.iter()
                            .map(|(p, _, l)| (self.world.topo.name(*p).to_string(), *l)),
                    ),
                },
            )
        }))
    }

    /// The run's headline figures: the report without its per-group, per-producer and
    /// configuration parts (all the page's ledger needs when it stops).
    pub fn figures(&self) -> Figures {
        self.snapshot().figures()
    }

    /// The figures the ledger keeps as the run goes, without comparing the records with the
    /// logs (which costs in proportion to the records sent): cheap enough for the page to
    /// sample every half second however long the run.
    pub fn tally(&self) -> Tally {
        let ledger = &self.world.ledger;
        let (p50, p99, max) = ledger.latency_ms();
        let throughput = match ledger.first_send_us {
            Some(first) if ledger.last_success_us > first => {
                ledger.successes as f64 / ((ledger.last_success_us - first) as f64 / 1e6)
            }
            _ => 0.0,
        };
        Tally {
            sent: ledger.total_sent(),
            acknowledged: ledger.total_acknowledged(),
            consumed: self.consumed_counts(),
            rebalances: self.world.groups.iter().map(|g| g.rebalances).sum(),
            throughput_records_per_sec: round3(throughput),
            latency_ms: LatencyMs {
                p50: round3(p50),
                p99: round3(p99),
                max: round3(max),
            },
        }
    }

    /// `c`: the classification of this same moment (see `Snapshot`).
    pub(crate) fn figures_of(&self, c: &Classification) -> Figures {
        let tally = self.tally();
        Figures {
            records: c.counts.clone(),
            per_producer: c.per_producer.clone(),
            consumed: tally.consumed,
            rebalances: tally.rebalances,
            throughput_records_per_sec: tally.throughput_records_per_sec,
            latency_ms: tally.latency_ms,
        }
    }

    pub fn report(&self) -> Report {
        let f = self.figures();
        let s = self.scenario();
        Report {
            records: f.records,
            consumed: f.consumed,
            rebalances: f.rebalances,
            throughput_records_per_sec: f.throughput_records_per_sec,
            latency_ms: f.latency_ms,
            groups: self.group_reports(),
            effective: Effective {
                kafka_version: s.kafka_version,
                cluster: s.cluster.clone(),
                network: s.network.clone(),
                topics: s.topics.clone(),
                producers: map_from(s.producers.iter().map(|p| (p.name.clone(), p.clone()))),
                groups: map_from(s.groups.iter().map(|g| (g.group_id.clone(), g.clone()))),
            },
            trace_hash: self.trace_hash(),
            end_ms: self.now_us() as f64 / 1000.0,
            events: self.events_handled(),
            producers: map_from(
                s.producers
                    .iter()
                    .zip(f.per_producer)
                    .map(|(p, counts)| (p.name.clone(), counts)),
            ),
            schema_registry: self.registry_report(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets::{group_defaults, ScenarioBuilder};
    use crate::scenario::ActionKind;

    #[test]
    fn figures_are_the_reports_headline_figures() {
        let mut s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(3)
            .duration_ms(8_000)
            .producer(|p| p.records = 500)
            .build();
        let mut g = group_defaults(s.kafka_version, "g", &["orders"], 2);
        g.auto_offset_reset = crate::scenario::OffsetReset::Earliest;
        s.groups.push(g);
        let mut sim = Simulation::new(s);
        sim.run_to_end();
        let f = sim.figures();
        let r = sim.report();
        assert_eq!(f.records, r.records);
        assert_eq!(f.consumed, r.consumed);
        assert_eq!(f.rebalances, r.rebalances);
        assert_eq!(f.throughput_records_per_sec, r.throughput_records_per_sec);
        assert_eq!(f.latency_ms, r.latency_ms);
        assert_eq!(r.producers.get("p1"), f.per_producer.first());
        assert_eq!((f.records.sent, f.records.acknowledged), (500, 500));
        assert_eq!((f.consumed.records, f.rebalances), (500, 1));
    }

    /// Classified every 100 ms (as a playing page does), a run reads its logs from the start
    /// only when a log it read is no longer there: once in a fault-free run, and again at each
    /// leadership change of a crash. Each time, the figures equal reading every log whole
    /// (`classify` checks that in tests).
    #[test]
    fn classifying_again_reads_on_from_the_last_time_until_a_leader_changes() {
        let starts = |crash: bool| {
            let mut b = ScenarioBuilder::new(KafkaVersion::new(3, 9))
                .seed(5)
                .duration_ms(12_000)
                .producer(|p| p.records = 2_000);
            if crash {
                b = b
                    .action(3_000, ActionKind::CrashBroker { broker: 0 })
                    .action(6_000, ActionKind::RestartBroker { broker: 0 });
            }
            let mut sim = Simulation::new(b.build());
            let mut reads = 0;
            while !sim.is_finished() {
                sim.advance_to(sim.now_us() + 100_000);
                let _ = sim.classify();
                reads += 1;
            }
            let starts = sim.committed_scan.borrow().starts;
            (reads, starts)
        };
        assert_eq!(starts(false), (120, 1));
        let (reads, again) = starts(true);
        assert!(reads == 120 && (2..10).contains(&again), "{again}");
    }
}
