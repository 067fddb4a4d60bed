//! The report of a run, exactly as the scenario format defines it (plus a few additions).

use crate::ledger::{Classification, RecordCounts, RecordFate};
use crate::scenario::{
    ClusterConfig, GroupConfig, KafkaVersion, NetworkConfig, ProducerConfig, TopicConfig,
};
use crate::sim::Simulation;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConsumedCounts {
    pub records: u64,
    pub redelivered: u64,
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
    pub assignment: BTreeMap<String, Vec<(String, u32)>>,
}

/// Every property after defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    #[serde(rename = "kafka.version")]
    pub kafka_version: KafkaVersion,
    pub cluster: ClusterConfig,
    pub network: NetworkConfig,
    pub topics: Vec<TopicConfig>,
    pub producers: BTreeMap<String, ProducerConfig>,
    pub groups: BTreeMap<String, GroupConfig>,
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
    pub groups: BTreeMap<String, GroupReport>,
    pub effective: Effective,
    #[serde(rename = "trace.hash")]
    pub trace_hash: String,
    /// Where the run stopped, and how many events it handled (additions to the format).
    #[serde(rename = "end.ms")]
    pub end_ms: f64,
    pub events: u64,
    /// Per producer name: its own record figures (an addition).
    pub producers: BTreeMap<String, RecordCounts>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Simulation {
    /// Compares the ledger with the committed logs (below each partition's high watermark on
    /// its current leader, or on its last ISR member while offline).
    pub fn classify(&self) -> Classification {
        let committed = self.controller.partitions.iter().map(|st| {
            let p = st.partition;
            let holder = match st.leader {
                Some(l) => self
                    .brokers
                    .get(l as usize)
                    .and_then(|b| b.replicas.get(&p)),
                None => st
                    .isr
                    .iter()
                    .filter_map(|&m| {
                        self.brokers
                            .get(m as usize)
                            .and_then(|b| b.replicas.get(&p))
                    })
                    .max_by_key(|r| r.high_watermark),
            };
            holder
                .map(|r| {
                    let hw = r.high_watermark;
                    r.log
                        .iter()
                        .take_while(move |b| b.base_offset < hw)
                        .map(move |b| {
                            let n = (hw - b.base_offset).min(b.records.len() as u64) as usize;
                            b.records.get(..n).unwrap_or(&[])
                        })
                        .collect::<Vec<&[u32]>>()
                })
                .unwrap_or_default()
        });
        self.ledger.classify(committed.collect::<Vec<_>>())
    }

    /// Each sent record's verdict, indexed by global record id (producer by producer, in
    /// send order), and which records are duplicated or reordered.
    pub fn record_fates(&self) -> (Vec<RecordFate>, Classification) {
        let c = self.classify();
        (self.ledger.fates(&c), c)
    }

    pub fn report(&self) -> Report {
        let c = self.classify();
        let (p50, p99, max) = self.ledger.latency_ms();
        let throughput = match self.ledger.first_send_us {
            Some(first) if self.ledger.last_success_us > first => {
                self.ledger.successes as f64 / ((self.ledger.last_success_us - first) as f64 / 1e6)
            }
            _ => 0.0,
        };
        let s = self.scenario();
        Report {
            records: c.counts.clone(),
            consumed: ConsumedCounts::default(),
            rebalances: 0,
            throughput_records_per_sec: round3(throughput),
            latency_ms: LatencyMs {
                p50: round3(p50),
                p99: round3(p99),
                max: round3(max),
            },
            groups: BTreeMap::new(),
            effective: Effective {
                kafka_version: s.kafka_version,
                cluster: s.cluster.clone(),
                network: s.network.clone(),
                topics: s.topics.clone(),
                producers: s
                    .producers
                    .iter()
                    .map(|p| (p.name.clone(), p.clone()))
                    .collect(),
                groups: s
                    .groups
                    .iter()
                    .map(|g| (g.group_id.clone(), g.clone()))
                    .collect(),
            },
            trace_hash: self.trace_hash(),
            end_ms: self.now_us() as f64 / 1000.0,
            events: self.events_handled(),
            producers: s
                .producers
                .iter()
                .zip(c.per_producer)
                .map(|(p, counts)| (p.name.clone(), counts))
                .collect(),
        }
    }
}
