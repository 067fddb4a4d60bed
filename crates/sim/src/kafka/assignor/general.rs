//! The sticky assignors' general algorithm for unequal subscriptions (Kafka's
//! `GeneralAssignmentBuilder` without racks): keep valid owned partitions,
//! give each unassigned partition to the least-loaded subscriber, then move partitions towards
//! balance with movement bookkeeping that keeps moves sticky. Follows Kafka step by step,
//! including its visit orders, because the vectors check exact results.

use super::java::{java_cmp, topic_partition_hash, JavaHashSet};
use super::{Assignment, Group, TopicPartition};
use crate::support::sorting;
use crate::support::vec_map::{VecMap, VecSet};

type MemberPartitions = Assignment;

pub(crate) fn assign(group: &Group, owned: Vec<(String, Vec<TopicPartition>)>) -> Assignment {
    let mut builder = Builder::new(group, owned);
    builder.build();
    builder.current
}

struct Builder<'a> {
    group: &'a Group,
    /// Topic → its subscribers, in member visit order.
    topic_consumers: VecMap<String, Vec<String>>,
    /// Member → the existing topics it subscribes to.
    consumer_topics: VecMap<String, Vec<String>>,
    current: MemberPartitions,
    partition_consumer: VecMap<TopicPartition, String>,
    sorted_all_partitions: Vec<TopicPartition>,
    revocation_required: bool,
    movements: PartitionMovements,
    /// Each member's position in Java `String.compareTo` order, the tie-break of Kafka's
    /// `sortedCurrentSubscriptions`.
    rank: VecMap<String, usize>,
}

impl<'a> Builder<'a> {
    fn new(group: &'a Group, owned: Vec<(String, Vec<TopicPartition>)>) -> Self {
        let mut topic_consumers: VecMap<String, Vec<String>> = group
            .topics
            .keys()
            .map(|t| (t.clone(), Vec::new()))
            .collect();
        let mut consumer_topics = Vec::with_capacity(group.members.len());
        for member in &group.members {
            let mut topics = Vec::new();
            for topic in &member.subscriptions {
                if let Some(consumers) = topic_consumers.get_mut(topic) {
                    consumers.push(member.id.clone());
                    topics.push(topic.clone());
                }
            }
            consumer_topics.push((member.id.clone(), topics));
        }
        let consumer_topics: VecMap<String, Vec<String>> = consumer_topics.into_iter().collect();
        let mut current: MemberPartitions = owned.into_iter().collect();
        for member in &group.members {
            current.get_or_default(member.id.clone());
        }
        let partition_consumer = current
            .iter()
            .flat_map(|(c, tps)| tps.iter().map(|tp| (tp.clone(), c.clone())))
            .collect();

        // Topics with fewer potential consumers first, then by name; partitions ascending.
        let mut topics: Vec<&String> = group.topics.keys().collect();
        sorting::sort_by(&mut topics, |a, b| {
            let ca = topic_consumers.get(*a).map_or(0, Vec::len);
            let cb = topic_consumers.get(*b).map_or(0, Vec::len);
            ca.cmp(&cb).then(java_cmp(a, b))
        });
        let sorted_all_partitions = topics
            .into_iter()
            .flat_map(|t| {
                let n = group.topics.get(t).copied().unwrap_or(0);
                (0..n).map(move |p| TopicPartition::new(t.clone(), p))
            })
            .collect();
        let mut ids: Vec<&String> = group.members.iter().map(|m| &m.id).collect();
        sorting::sort_by(&mut ids, |a, b| java_cmp(a, b));
        let rank = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Builder {
            rank,
            group,
            topic_consumers,
            consumer_topics,
            current,
            partition_consumer,
            sorted_all_partitions,
            revocation_required: false,
            movements: PartitionMovements::default(),
        }
    }

    fn build(&mut self) {
        let prev = self.previous_assignment();
        let assigned = self.keep_owned_partitions();
        let unassigned: Vec<TopicPartition> = self
            .sorted_all_partitions
            .iter()
            .filter(|tp| !assigned.contains(*tp))
            .cloned()
            .collect();
        self.balance(&prev, unassigned);
    }

    /// `prepopulateCurrentAssignments`: for members of an older generation than the newest,
    /// which member of the newest of those generations reported each partition.
    fn previous_assignment(&self) -> VecMap<TopicPartition, (String, i32)> {
        let max_generation = self
            .group
            .members
            .iter()
            .map(|m| m.generation_or_default())
            .fold(super::DEFAULT_GENERATION, i32::max);
        let mut prev: VecMap<TopicPartition, (String, i32)> = VecMap::new();
        for member in &self.group.members {
            let generation = member.generation_or_default();
            if generation >= max_generation {
                continue;
            }
            for tp in &member.owned {
                let newer = prev.get(tp).is_none_or(|(_, g)| generation > *g);
                if newer {
                    prev.insert(tp.clone(), (member.id.clone(), generation));
                }
            }
        }
        prev
    }

    /// `assignOwnedPartitions`: drop owned partitions of topics the member no longer subscribes
    /// to (a revocation is then required) and return the ones kept.
    fn keep_owned_partitions(&mut self) -> VecSet<TopicPartition> {
        let mut assigned = Vec::new();
        for member in &self.group.members {
            let Some(list) = self.current.get_mut(&member.id) else {
                continue;
            };
            let mut kept = Vec::with_capacity(list.len());
            for tp in list.drain(..) {
                if !self.topic_consumers.contains_key(&tp.topic) {
                    self.partition_consumer.remove(&tp);
                } else if !member.subscribes_to(&tp.topic) {
                    self.revocation_required = true;
                } else {
                    assigned.push(tp.clone());
                    kept.push(tp);
                }
            }
            *list = kept;
        }
        assigned.into_iter().collect()
    }

    /// Kafka's `sortedCurrentSubscriptions` order: partition count, then member id.
    fn load_key(&self, consumer: &str, count: usize) -> (usize, usize) {
        (
            count,
            self.rank.get(consumer).copied().unwrap_or(usize::MAX),
        )
    }

    /// The first member of `sortedCurrentSubscriptions` that subscribes to `topic`: the least
    /// loaded subscriber, ties by member id.
    fn least_loaded_subscriber(&self, topic: &str) -> Option<String> {
        self.current
            .iter()
            .filter(|(c, _)| self.subscribes(c, topic))
            .min_by_key(|(c, tps)| self.load_key(c, tps.len()))
            .map(|(c, _)| c.clone())
    }

    fn subscribes(&self, consumer: &str, topic: &str) -> bool {
        self.consumer_topics
            .get(consumer)
            .is_some_and(|ts| ts.iter().any(|t| t == topic))
    }

    fn size(&self, consumer: &str) -> Option<usize> {
        self.current.get(consumer).map(Vec::len)
    }

    fn topic_shared(&self, topic: &str) -> bool {
        self.topic_consumers.get(topic).map_or(0, Vec::len) >= 2
    }

    fn max_assignment_size(&self, consumer: &str) -> usize {
        self.consumer_topics.get(consumer).map_or(0, |ts| {
            ts.iter()
                .map(|t| self.group.topics.get(t).copied().unwrap_or(0) as usize)
                .sum()
        })
    }

    fn can_consumer_participate(&self, consumer: &str) -> bool {
        let Some(partitions) = self.current.get(consumer) else {
            return false;
        };
        partitions.len() < self.max_assignment_size(consumer)
            || partitions.iter().any(|tp| self.topic_shared(&tp.topic))
    }

    fn balance(
        &mut self,
        prev: &VecMap<TopicPartition, (String, i32)>,
        mut unassigned: Vec<TopicPartition>,
    ) {
        let initializing = self.current.values().all(Vec::is_empty);

        for tp in &unassigned {
            if let Some(consumer) = self.least_loaded_subscriber(&tp.topic) {
                if let Some(list) = self.current.get_mut(&consumer) {
                    list.push(tp.clone());
                }
                self.partition_consumer.insert(tp.clone(), consumer);
            }
        }

        // Only partitions of topics with two or more potential consumers can move.
        // Built in key order, so every insert appends.
        let shared: VecSet<String> = self
            .topic_consumers
            .keys()
            .filter(|t| self.topic_shared(t))
            .cloned()
            .collect();
        self.sorted_all_partitions
            .retain(|tp| shared.contains(&tp.topic));
        unassigned.retain(|tp| shared.contains(&tp.topic));

        let fixed_consumers: Vec<String> = self
            .consumer_topics
            .keys()
            .filter(|c| !self.can_consumer_participate(c))
            .cloned()
            .collect();
        let mut fixed: MemberPartitions = VecMap::new();
        for consumer in fixed_consumers {
            if let Some(list) = self.current.remove(&consumer) {
                fixed.insert(consumer, list);
            }
        }

        let pre_balance = self.current.clone();
        let pre_balance_consumers = self.partition_consumer.clone();

        if !self.revocation_required {
            self.perform_reassignments(&unassigned, prev);
        }
        let all = self.sorted_all_partitions.clone();
        let performed = self.perform_reassignments(&all, prev);

        if !initializing && performed && balance_score(&self.current) >= balance_score(&pre_balance)
        {
            self.current = pre_balance;
            self.partition_consumer = pre_balance_consumers;
        }
        for (consumer, list) in fixed {
            self.current.insert(consumer, list);
        }
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[TopicPartition],
        prev: &VecMap<TopicPartition, (String, i32)>,
    ) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.partition_consumer.get(tp).cloned() else {
                    continue;
                };
                let Some(size) = self.size(&consumer) else {
                    continue;
                };
                // Prefer moving it back to its owner of an older generation. Kafka does not check
                // that owner still subscribes to the topic; we do, so nobody gets a partition
                // of a topic it does not subscribe to.
                if let Some((prev_owner, _)) = prev.get(tp) {
                    if self.subscribes(prev_owner, &tp.topic)
                        && self.size(prev_owner).is_some_and(|s| size > s + 1)
                    {
                        let prev_owner = prev_owner.clone();
                        self.reassign_partition_to(tp, &prev_owner);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better_exists = self.topic_consumers.get(&tp.topic).is_some_and(|others| {
                    others
                        .iter()
                        .any(|o| self.size(o).is_some_and(|s| size > s + 1))
                });
                if better_exists {
                    if let Some(target) = self.least_loaded_subscriber(&tp.topic) {
                        self.reassign_partition_to(tp, &target);
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    /// Balanced: counts differ by at most one, or no member could take a partition of its
    /// topics from a member with two or more partitions more.
    fn is_balanced(&self) -> bool {
        let counts = self.current.values().map(Vec::len);
        let (Some(min), Some(max)) = (counts.clone().min(), counts.max()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        // Least loaded first, as Kafka visits them; once a member has max - 1 partitions no
        // member from there on can take one more, so the search stops early.
        let mut by_load: Vec<((usize, usize), &String)> = self
            .current
            .iter()
            .map(|(c, tps)| (self.load_key(c, tps.len()), c))
            .collect();
        sorting::sort(&mut by_load);
        for ((count, _), consumer) in by_load {
            if count + 1 >= max {
                break;
            }
            if count == self.max_assignment_size(consumer) {
                continue;
            }
            for topic in self.consumer_topics.get(consumer).into_iter().flatten() {
                let n = self.group.topics.get(topic).copied().unwrap_or(0);
                for p in 0..n {
                    let tp = TopicPartition::new(topic.clone(), p);
                    let Some(owner) = self.partition_consumer.get(&tp) else {
                        continue;
                    };
                    if owner == consumer {
                        continue;
                    }
                    if self.size(owner).is_some_and(|other| count + 1 < other) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn reassign_partition_to(&mut self, tp: &TopicPartition, new_consumer: &str) {
        let Some(old) = self.partition_consumer.get(tp).cloned() else {
            return;
        };
        let actual = self
            .movements
            .actual_partition_to_move(tp, &old, new_consumer);
        let Some(old) = self.partition_consumer.get(&actual).cloned() else {
            return;
        };
        self.movements.move_partition(&actual, &old, new_consumer);
        if let Some(list) = self.current.get_mut(&old) {
            if let Some(pos) = list.iter().position(|x| *x == actual) {
                list.remove(pos);
            }
        }
        if let Some(list) = self.current.get_mut(new_consumer) {
            list.push(actual.clone());
        }
        self.partition_consumer
            .insert(actual, new_consumer.to_string());
    }
}

/// Sum over member pairs of the difference of their partition counts; 0 is perfect balance.
fn balance_score(assignment: &MemberPartitions) -> usize {
    let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
    let mut score = 0;
    for (i, a) in sizes.iter().enumerate() {
        for b in sizes.iter().skip(i + 1) {
            score += a.abs_diff(*b);
        }
    }
    score
}

/// Kafka's `PartitionMovements`: where each moved partition came from, so a later move in the
/// opposite direction moves a partition back instead of moving a different one.
#[derive(Debug, Default)]
struct PartitionMovements {
    /// Partition → (first owner, current owner).
    movements: VecMap<TopicPartition, (String, String)>,
    /// (topic, source, destination) → partitions, in a Java `HashSet` whose order decides
    /// which partition moves back (Kafka's topic → pair → set, flattened).
    by_topic: VecMap<(String, String, String), JavaHashSet<TopicPartition>>,
}

impl PartitionMovements {
    fn remove_record(&mut self, tp: &TopicPartition) -> Option<(String, String)> {
        let pair = self.movements.remove(tp)?;
        let key = (tp.topic.clone(), pair.0, pair.1);
        if let Some(set) = self.by_topic.get_mut(&key) {
            set.remove(tp);
            if set.is_empty() {
                self.by_topic.remove(&key);
            }
        }
        Some((key.1, key.2))
    }

    fn add_record(&mut self, tp: &TopicPartition, pair: (String, String)) {
        self.movements.insert(tp.clone(), pair.clone());
        self.by_topic
            .get_or_default((tp.topic.clone(), pair.0, pair.1))
            .insert(tp.clone(), topic_partition_hash(tp));
    }

    fn move_partition(&mut self, tp: &TopicPartition, old: &str, new: &str) {
        if self.movements.contains_key(tp) {
            if let Some((src, _)) = self.remove_record(tp) {
                if src != new {
                    self.add_record(tp, (src, new.to_string()));
                }
            }
        } else {
            self.add_record(tp, (old.to_string(), new.to_string()));
        }
    }

    fn actual_partition_to_move(
        &self,
        tp: &TopicPartition,
        old: &str,
        new: &str,
    ) -> TopicPartition {
        let old = self.movements.get(tp).map_or(old, |(src, _)| src.as_str());
        self.by_topic
            .get(&(tp.topic.clone(), new.to_string(), old.to_string()))
            .and_then(JavaHashSet::first_java_order)
            .unwrap_or_else(|| tp.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{sticky_assign, MemberSubscription};
    use super::*;

    fn tps(list: &[(&str, u32)]) -> Vec<TopicPartition> {
        list.iter()
            .map(|(t, p)| TopicPartition::new(*t, *p))
            .collect()
    }

    /// StickyAssignor Javadoc example 2: after C0 leaves, C1 takes t0p0 and nothing else moves.
    #[test]
    fn a_leaving_member_hands_its_partition_to_a_subscriber_and_nothing_else_moves() {
        let topics = VecMap::from_iter([
            ("t0".to_string(), 1),
            ("t1".to_string(), 2),
            ("t2".to_string(), 3),
        ]);
        let members = [
            MemberSubscription {
                owned: tps(&[("t1", 0), ("t1", 1)]),
                generation: Some(1),
                ..MemberSubscription::new("C1", &["t0", "t1"])
            },
            MemberSubscription {
                owned: tps(&[("t2", 0), ("t2", 1), ("t2", 2)]),
                generation: Some(1),
                ..MemberSubscription::new("C2", &["t0", "t1", "t2"])
            },
        ];
        let mut result = sticky_assign(&topics, &members).assignment;
        result.values_mut().for_each(|l| l.sort());
        assert_eq!(
            result.get("C1"),
            Some(&tps(&[("t0", 0), ("t1", 0), ("t1", 1)]))
        );
        assert_eq!(
            result.get("C2"),
            Some(&tps(&[("t2", 0), ("t2", 1), ("t2", 2)]))
        );
    }

    #[test]
    fn partitions_of_an_unsubscribed_topic_are_released_to_its_subscribers() {
        let topics = VecMap::from_iter([("a".to_string(), 2), ("b".to_string(), 2)]);
        let members = [
            MemberSubscription {
                owned: tps(&[("a", 0), ("a", 1), ("b", 0), ("b", 1)]),
                generation: Some(1),
                ..MemberSubscription::new("m1", &["a"])
            },
            MemberSubscription {
                generation: Some(1),
                ..MemberSubscription::new("m2", &["a", "b"])
            },
        ];
        let outcome = sticky_assign(&topics, &members);
        let mut m2 = outcome.assignment.get("m2").cloned().unwrap_or_default();
        m2.sort();
        assert_eq!(m2, tps(&[("b", 0), ("b", 1)]));
        assert_eq!(outcome.assignment.get("m1").map(Vec::len), Some(2));
        assert_eq!(outcome.partitions_transferring_ownership.len(), 2);
    }

    #[test]
    fn balance_score_sums_pairwise_differences() {
        let assignment: MemberPartitions = [
            ("a".to_string(), tps(&[("t", 0), ("t", 1), ("t", 2)])),
            ("b".to_string(), tps(&[("t", 3)])),
            ("c".to_string(), Vec::new()),
        ]
        .into_iter()
        .collect();
        assert_eq!(balance_score(&assignment), 2 + 3 + 1);
    }

    #[test]
    fn a_move_back_returns_the_partition_that_came_over() {
        let mut movements = PartitionMovements::default();
        let p0 = TopicPartition::new("t", 0);
        let p1 = TopicPartition::new("t", 1);
        movements.move_partition(&p0, "a", "b");
        // Moving any t-partition from b back to a picks the one that came from a.
        assert_eq!(movements.actual_partition_to_move(&p1, "b", "a"), p0);
        movements.move_partition(&p0, "b", "a");
        assert!(movements.movements.is_empty());
        assert!(movements.by_topic.is_empty());
    }
}
