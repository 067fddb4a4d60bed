//! The cluster's layout: every partition of every topic, numbered globally, with its replica
//! assignment. A topic's first partitions are numbered together; partitions added during the
//! run (`add-partitions`) are numbered after every existing one, so no global number ever
//! changes and a metadata snapshot of the first `n` global partitions is a prefix.

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
    /// Global numbers of each topic's partitions, in partition order.
    pub topic_partitions: Vec<Vec<u32>>,
    pub topic_names: Vec<String>,
    /// Each topic's replication factor (as placed: at most the brokers).
    pub replication_factors: Vec<u32>,
}

/// Round-robin placement, shifted per topic like Kafka's assignment: partition `p` of topic
/// `t` starts at broker `(p + t) mod n` of `brokers` and takes the next `rf` in turn.
fn placement(topic: usize, partition: u32, rf: u32, brokers: &[u32]) -> Vec<u32> {
    let n = brokers.len();
    if n == 0 {
        return Vec::new();
    }
    let start = (partition as usize + topic) % n;
    (0..(rf as usize).min(n))
        .filter_map(|i| brokers.get((start + i) % n).copied())
        .collect()
}

impl Topology {
    pub fn new(s: &Scenario) -> Self {
        let brokers = s.cluster.brokers.max(1);
        let all: Vec<u32> = (0..brokers).collect();
        let mut topo = Topology {
            brokers,
            partitions: Vec::new(),
            topic_partitions: Vec::new(),
            topic_names: Vec::new(),
            replication_factors: Vec::new(),
        };
        for (t, topic) in s.topics.iter().enumerate() {
            topo.topic_names.push(topic.name.clone());
            topo.topic_partitions.push(Vec::new());
            let rf = topic.replication_factor.clamp(1, brokers);
            topo.replication_factors.push(rf);
            for p in 0..topic.partitions {
                topo.push(t, p, placement(t, p, rf, &all), topic.min_insync_replicas);
            }
        }
        topo
    }

    fn push(&mut self, topic: usize, index: u32, replicas: Vec<u32>, min_isr: u32) -> u32 {
        let global = self.partitions.len() as u32;
        let name = format!("{}-{index}", self.topic_names.get(topic).map_or("?", |n| n));
        self.partitions.push(PartitionInfo {
            topic,
            index,
            name,
            replicas,
            min_insync_replicas: min_isr,
        });
        if let Some(list) = self.topic_partitions.get_mut(topic) {
            list.push(global);
        }
        global
    }

    /// Creates partitions of `topic` up to `total`, placed by the same round-robin as the
    /// first ones, continued over `live` brokers (sorted); returns their global numbers.
    /// The caller checks the count and that `live` has room for the replication factor.
    pub fn add_partitions(&mut self, topic: usize, total: u32, live: &[u32]) -> Vec<u32> {
        let rf = self.replication_factors.get(topic).copied().unwrap_or(1);
        let min_isr = self
            .topic_partitions
            .get(topic)
            .and_then(|l| l.first())
            .and_then(|&g| self.partition(g))
            .map_or(1, |p| p.min_insync_replicas);
        (self.partition_count(topic)..total)
            .map(|p| self.push(topic, p, placement(topic, p, rf, live), min_isr))
            .collect()
    }

    pub fn topic_index(&self, name: &str) -> Option<usize> {
        self.topic_names.iter().position(|n| n == name)
    }

    pub fn partition(&self, global: u32) -> Option<&PartitionInfo> {
        self.partitions.get(global as usize)
    }

    /// The global number of partition `index` of a topic.
    pub fn global(&self, topic: usize, index: u32) -> Option<u32> {
        self.topic_partitions
            .get(topic)?
            .get(index as usize)
            .copied()
    }

    pub fn partition_count(&self, topic: usize) -> u32 {
        self.topic_partitions
            .get(topic)
            .map_or(0, |l| l.len() as u32)
    }

    /// How many partitions of `topic` a metadata snapshot of global partitions `0..known`
    /// shows (a snapshot taken before partitions were added is shorter).
    pub fn partitions_known(&self, topic: usize, known: usize) -> u32 {
        self.topic_partitions.get(topic).map_or(0, |l| {
            l.iter().take_while(|&&g| (g as usize) < known).count() as u32
        })
    }

    /// Every global partition, by topic and then partition (added partitions are numbered
    /// after every other topic's, so global order alone would not be).
    pub fn in_topic_order(&self) -> impl Iterator<Item = u32> + '_ {
        self.topic_partitions.iter().flatten().copied()
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

    /// The partitions' names, comma-separated, for readable events.
    pub fn list<'a>(&self, partitions: impl IntoIterator<Item = &'a u32>) -> String {
        let mut text = String::new();
        for (i, &p) in partitions.into_iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(self.name(p));
        }
        text
    }

    pub fn name(&self, global: u32) -> &str {
        self.partition(global)
            .map(|p| p.name.as_str())
            .unwrap_or("?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::KafkaVersion;

    #[test]
    fn added_partitions_continue_the_round_robin_and_are_numbered_after_all_others() {
        let mut s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .brokers(4)
            .build();
        s.topics.push(s.topics[0].clone());
        s.topics[1].name = "audit".into();
        s.topics[1].partitions = 2;
        let mut topo = Topology::new(&s);
        let replicas = |topo: &Topology, g: u32| topo.partition(g).map(|p| p.replicas.clone());
        assert_eq!(replicas(&topo, 1), Some(vec![1, 2, 3]));
        assert_eq!(replicas(&topo, 5), Some(vec![2, 3, 0]));
        let added = topo.add_partitions(0, 6, &[0, 1, 2, 3]);
        assert_eq!(added, vec![6, 7]);
        let names: Vec<&str> = added.iter().map(|&g| topo.name(g)).collect();
        assert_eq!(names, ["orders-4", "orders-5"]);
        // As if the topic had been created with six partitions.
        assert_eq!(replicas(&topo, 6), Some(vec![0, 1, 2]));
        assert_eq!(replicas(&topo, 7), Some(vec![1, 2, 3]));
        assert_eq!(topo.global(0, 4), Some(6));
        assert_eq!(topo.global(1, 1), Some(5));
        assert_eq!(topo.partition_count(0), 6);
        assert_eq!(topo.partitions_known(0, 6), 4);
        assert_eq!(topo.partitions_known(0, 8), 6);
        // With broker 1 gone, placement goes round the live ones.
        let more = topo.add_partitions(0, 7, &[0, 2, 3]);
        assert_eq!(replicas(&topo, more[0]), Some(vec![0, 2, 3]));
    }
}
