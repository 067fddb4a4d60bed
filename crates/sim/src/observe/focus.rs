//! Focus: the part of a view that concerns one broker, topic, partition or producer, so a large
//! cluster can be read one piece at a time (the page's focused stage). The targets are the
//! lessons' ([`Target`]); groups and consumers are filtered by the page with
//! [`View::focus_topics`].

use crate::lesson::Target;
use crate::observe::view::View;

impl View {
    /// The view narrowed to `target`: the brokers that host it, each with only its replicas,
    /// its partitions, and the producers that write to it. Targets outside the cluster drawing
    /// (groups, consumers, the controller) leave the view whole.
    pub fn focus(&self, target: &Target) -> View {
        let topics = self.focus_topics(target);
        let concerns = |topic: &str, partition: u32| match target {
            Target::Partition { partition: p, .. } if *p != partition => false,
            _ => topics.as_ref().is_none_or(|t| t.iter().any(|t| t == topic)),
        };
        let mut v = self.clone();
        for b in &mut v.brokers {
            b.replicas.retain(|r| concerns(&r.topic, r.partition));
        }
        v.brokers.retain(|b| match target {
            Target::Broker(id) => b.id == *id,
            _ if topics.is_some() => !b.replicas.is_empty(),
            _ => true,
        });
        v.partitions.retain(|p| match target {
            Target::Broker(id) => p.replicas.contains(id),
            _ => concerns(&p.topic, p.partition),
        });
        v.producers.retain(|p| match target {
            Target::Producer(name) => p.name == *name,
            Target::Broker(id) => {
                p.connections
                    .iter()
                    .any(|c| c.broker == *id && c.in_flight > 0)
                    || v.partitions
                        .iter()
                        .any(|q| q.topic == p.topic && q.leader == Some(*id))
            }
            _ => topics.as_ref().is_none_or(|t| t.contains(&p.topic)),
        });
        // Each producer's connections to the brokers kept: at 50 brokers its card would
        // otherwise show its first few connections, not the one to the focused broker.
        for p in &mut v.producers {
            p.connections
                .retain(|c| v.brokers.iter().any(|b| b.id == c.broker));
        }
        v
    }

    /// The topics `target` concerns (`None`: not one topic more than another).
    pub fn focus_topics(&self, target: &Target) -> Option<Vec<String>> {
        match target {
            Target::Topic(t) | Target::Partition { topic: t, .. } => Some(vec![t.clone()]),
            Target::Producer(name) => Some(
                self.producers
                    .iter()
                    .filter(|p| p.name == *name)
                    .map(|p| p.topic.clone())
                    .collect(),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::resolve_scenario;
    use crate::world::sim::Simulation;
    use serde_json::json;

    /// Two topics on three brokers (RF 2), a producer for each, run for a second.
    fn view() -> View {
        let doc = json!({"format": 1, "seed": 1, "duration.ms": 2000,
            "cluster": {"brokers": 3},
            "topics": [{"name": "orders", "partitions": 3, "replication.factor": 2},
                       {"name": "audit", "partitions": 2, "replication.factor": 2}],
            "producers": [{"name": "po", "topic": "orders", "records": 100},
                          {"name": "pa", "topic": "audit", "records": 100}]});
        let mut sim = Simulation::new(resolve_scenario(&doc).expect("valid"));
        sim.advance_to(1_000_000);
        sim.view()
    }

    fn names(v: &View) -> (Vec<u32>, Vec<String>, Vec<String>, usize) {
        (
            v.brokers.iter().map(|b| b.id).collect(),
            v.partitions.iter().map(|p| p.name.clone()).collect(),
            v.producers.iter().map(|p| p.name.clone()).collect(),
            v.brokers.iter().map(|b| b.replicas.len()).sum(),
        )
    }

    #[test]
    fn a_topic_focus_keeps_its_partitions_their_replicas_and_its_producer() {
        let (brokers, partitions, producers, replicas) =
            names(&view().focus(&Target::Topic("audit".into())));
        assert_eq!(partitions, ["audit-0", "audit-1"]);
        assert_eq!(producers, ["pa"]);
        assert_eq!(replicas, 4);
        assert!(!brokers.is_empty());
    }

    #[test]
    fn a_partition_focus_keeps_the_brokers_of_its_replicas_only() {
        let v = view();
        let target = Target::Partition {
            topic: "orders".into(),
            partition: 1,
        };
        let hosts = v
            .partitions
            .iter()
            .find(|p| p.name == "orders-1")
            .expect("orders-1")
            .replicas
            .clone();
        let (mut brokers, partitions, producers, replicas) = names(&v.focus(&target));
        brokers.sort_unstable();
        let mut hosts = hosts;
        hosts.sort_unstable();
        assert_eq!(brokers, hosts);
        assert_eq!(partitions, ["orders-1"]);
        assert_eq!(producers, ["po"]);
        assert_eq!(replicas, 2);
    }

    #[test]
    fn a_broker_focus_keeps_that_broker_whole_and_the_partitions_it_hosts() {
        let v = view();
        let whole = v
            .brokers
            .iter()
            .find(|b| b.id == 2)
            .expect("broker 2")
            .replicas
            .len();
        let (brokers, partitions, _, replicas) = names(&v.focus(&Target::Broker(2)));
        assert_eq!(brokers, [2]);
        assert_eq!(replicas, whole);
        assert_eq!(partitions.len(), whole);
    }

    /// Each producer's connections (to every broker here) as the focus keeps them.
    fn connections(v: &View) -> Vec<(String, Vec<u32>)> {
        v.producers
            .iter()
            .map(|p| {
                let brokers = p.connections.iter().map(|c| c.broker).collect();
                (p.name.clone(), brokers)
            })
            .collect()
    }

    #[test]
    fn a_focus_keeps_the_producers_connections_to_the_brokers_it_keeps_only() {
        let v = view();
        assert!(connections(&v).iter().all(|(_, b)| b == &[0, 1, 2]));
        let on_broker = v.focus(&Target::Broker(2));
        assert!(!on_broker.producers.is_empty());
        assert!(connections(&on_broker).iter().all(|(_, b)| b == &[2]));
        let target = Target::Partition {
            topic: "orders".into(),
            partition: 1,
        };
        let on_partition = v.focus(&target);
        let mut hosts: Vec<u32> = on_partition.brokers.iter().map(|b| b.id).collect();
        hosts.sort_unstable();
        assert_eq!(connections(&on_partition), [("po".to_string(), hosts)]);
    }

    #[test]
    fn a_producer_focus_keeps_its_topic_and_a_group_focus_keeps_everything() {
        let v = view();
        let (_, partitions, producers, _) = names(&v.focus(&Target::Producer("po".into())));
        assert_eq!(partitions, ["orders-0", "orders-1", "orders-2"]);
        assert_eq!(producers, ["po"]);
        assert_eq!(names(&v.focus(&Target::Group("g".into()))), names(&v));
    }
}
