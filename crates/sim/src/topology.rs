//! The cluster's fixed layout: every partition of every topic, numbered globally, with its
//! replica assignment.

use crate::scenario::Scenario;

#[derive(Debug, Clone)]
pub struct PartitionInfo {
    pub topic: usize,
    pub index: u32,
    /// `orders-2`, Kafka's way of naming a partition.
    pub name: String,
    /// Assignment order; the first is the preferred leader.
    pub replicas: Vec<u32>,
    pub min_insync_replicas: u32,
}

#[derive(Debug, Clone)]
pub struct Topology {
    pub brokers: u32,
    pub partitions: Vec<PartitionInfo>,
    /// Global index of each topic's partition 0.
    pub topic_base: Vec<u32>,
    pub topic_names: Vec<String>,
}

impl Topology {
    pub fn new(s: &Scenario) -> Self {
        let brokers = s.cluster.brokers.max(1);
        let mut partitions = Vec::new();
        let mut topic_base = Vec::new();
        let mut topic_names = Vec::new();
        for (t, topic) in s.topics.iter().enumerate() {
            topic_base.push(partitions.len() as u32);
            topic_names.push(topic.name.clone());
            let rf = topic.replication_factor.clamp(1, brokers);
            for p in 0..topic.partitions {
                // Round-robin placement, shifted per topic like Kafka's assignment.
                let start = (p + t as u32) % brokers;
                let replicas = (0..rf).map(|i| (start + i) % brokers).collect();
                partitions.push(PartitionInfo {
                    topic: t,
                    index: p,
                    name: format!("{}-{}", topic.name, p),
                    replicas,
                    min_insync_replicas: topic.min_insync_replicas,
                });
            }
        }
        Topology {
            brokers,
            partitions,
            topic_base,
            topic_names,
        }
    }

    pub fn topic_index(&self, name: &str) -> Option<usize> {
        self.topic_names.iter().position(|n| n == name)
    }

    pub fn partition(&self, global: u32) -> Option<&PartitionInfo> {
        self.partitions.get(global as usize)
    }

    /// Kafka's (topic, partition) of a global partition number.
    pub fn topic_partition(&self, global: u32) -> (String, u32) {
        let info = self.partition(global);
        (
            info.and_then(|i| self.topic_names.get(i.topic))
                .cloned()
                .unwrap_or_default(),
            info.map(|i| i.index).unwrap_or(0),
        )
    }

    pub fn name(&self, global: u32) -> &str {
        self.partition(global)
            .map(|p| p.name.as_str())
            .unwrap_or("?")
    }
}
