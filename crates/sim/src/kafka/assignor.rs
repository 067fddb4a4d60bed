//! Kafka's four client-side consumer-group assignors (classic protocol) as pure functions:
//! `range`, `roundrobin`, `sticky` and `cooperative-sticky`, exact to Kafka's `RangeAssignor`,
//! `RoundRobinAssignor`, `StickyAssignor` and `CooperativeStickyAssignor` (checked against
//! vectors from their unit tests) including the Java iteration orders that leak into results.
//! The group leader calls [`assign`]; the command line calls [`assign_json`].

mod cooperative;
mod general;
pub mod java;
mod json;
mod range;
mod roundrobin;
mod sticky;

pub use cooperative::{
    cooperative_rebalance_until_stable, cooperative_sticky_assign, MAX_COOPERATIVE_ROUNDS,
};
pub use json::assign_json;
pub use sticky::sticky_assign;

use crate::scenario::AssignmentStrategy;
use crate::support::sorting;
use crate::support::vec_map::{VecMap, VecSet};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;

/// One partition of one topic; serialises as `["topic", 0]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl Serialize for TopicPartition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.topic, self.partition).serialize(s)
    }
}

impl std::fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// What a member sends in JoinGroup: its subscription and, for the sticky assignors, what it
/// owned and in which generation (`None`: no generation info, counted as -1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSubscription {
    pub id: String,
    pub subscriptions: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: Option<i32>,
    pub group_instance_id: Option<String>,
}

impl MemberSubscription {
    pub fn new(id: impl Into<String>, subscriptions: &[&str]) -> Self {
        MemberSubscription {
            id: id.into(),
            subscriptions: subscriptions.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }
}

/// Member id → its partitions. Every member has an entry, possibly empty. A sorted vector map
/// (same key order and JSON as a `BTreeMap`): the assignors' maps as B-trees cost kilobytes of
/// the page's download.
pub type Assignment = VecMap<String, Vec<TopicPartition>>;

/// Kafka's `AbstractStickyAssignor.DEFAULT_GENERATION`.
pub const DEFAULT_GENERATION: i32 = -1;

/// Runs one assignment as the group leader does. For `cooperative-sticky` this is the first
/// round: partitions still owned by another member are withheld (see
/// [`cooperative_rebalance_until_stable`] for the follow-up rounds).
///
/// Members are visited in the order Kafka's leader would (a Java `HashMap` filled in `members`
/// order), subscribed topics absent from `topics` or without partitions are skipped, and a
/// repeated member id keeps its last definition. Work grows with the partitions enumerated, so
/// callers bound partition counts (the scenario's validation, [`assign_json`]'s limits).
pub fn assign(
    strategy: AssignmentStrategy,
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    match strategy {
        AssignmentStrategy::Range => range::assign(&Group::new(topics, members)),
        AssignmentStrategy::RoundRobin => roundrobin::assign(&Group::new(topics, members)),
        AssignmentStrategy::Sticky => sticky_assign(topics, members).assignment,
        AssignmentStrategy::CooperativeSticky => {
            cooperative_sticky_assign(topics, members).assignment
        }
    }
}

/// A sticky assignor's result with the partitions it moves to a new owner while the previous
/// owner still holds them (`partitionsTransferringOwnership`: partition → new owner).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StickyOutcome {
    pub assignment: Assignment,
    pub partitions_transferring_ownership: VecMap<TopicPartition, String>,
}

/// The inputs as Kafka's leader sees them: members keyed by id in a Java `HashMap` (so visited
/// in its iteration order), subscriptions as sets, and only the subscribed topics that exist
/// with at least one partition (`AbstractPartitionAssignor.assign`).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Members in Java `HashMap` iteration order; a repeated id keeps its first position and
    /// its last definition, as `HashMap.put` does.
    pub members: Vec<GroupMember>,
    /// Topic → partition count, subscribed topics present in metadata only.
    pub topics: VecMap<String, u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct GroupMember {
    pub id: String,
    /// Subscription in the member's order, without repeats (a consumer subscribes to a set).
    pub subscriptions: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: Option<i32>,
    pub group_instance_id: Option<String>,
}

impl GroupMember {
    pub fn subscribes_to(&self, topic: &str) -> bool {
        self.subscriptions.iter().any(|t| t == topic)
    }
    pub fn generation_or_default(&self) -> i32 {
        self.generation.unwrap_or(DEFAULT_GENERATION)
    }
}

impl Group {
    pub fn new(topics: &VecMap<String, u32>, members: &[MemberSubscription]) -> Group {
        let latest: VecMap<&str, &MemberSubscription> =
            members.iter().map(|m| (m.id.as_str(), m)).collect();
        let order = java::java_hashmap_order(members.iter().map(|m| m.id.as_str()));
        let members: Vec<GroupMember> = order
            .into_iter()
            .filter_map(|id| latest.get(id))
            .map(|m| {
                let mut subscriptions: Vec<String> = Vec::new();
                for t in &m.subscriptions {
                    if !subscriptions.contains(t) {
                        subscriptions.push(t.clone());
                    }
                }
                // Kafka never shrinks a topic, so it keeps any owned partition of an existing
                // topic; drop numbers past the topic's end so they are never handed out.
                let owned = m
                    .owned
                    .iter()
                    .filter(|tp| topics.get(&tp.topic).is_none_or(|n| tp.partition < *n))
                    .cloned()
                    .collect();
                GroupMember {
                    id: m.id.clone(),
                    subscriptions,
                    owned,
                    generation: m.generation,
                    group_instance_id: m.group_instance_id.clone(),
                }
            })
            .collect();
        let subscribed: VecSet<&str> = members
            .iter()
            .flat_map(|m| m.subscriptions.iter().map(String::as_str))
            .collect();
        let topics = topics
            .iter()
            .filter(|(t, n)| **n > 0 && subscribed.contains(t.as_str()))
            .map(|(t, n)| (t.clone(), *n))
            .collect();
        Group { members, topics }
    }

    /// Topic names in Java `String.compareTo` order.
    pub fn sorted_topics(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.topics.keys().map(String::as_str).collect();
        sorting::sort_by(&mut names, |a, b| java::java_cmp(a, b));
        names
    }

    /// An empty entry for every member.
    pub fn empty_assignment(&self) -> Assignment {
        self.members
            .iter()
            .map(|m| (m.id.clone(), Vec::new()))
            .collect()
    }
}

/// Kafka's `MemberInfo` order (`AbstractPartitionAssignor.MemberInfo.compareTo`): static
/// members first by instance id, then dynamic members by member id. The sort is stable, like
/// Java's.
pub(crate) fn member_info_order(a: &GroupMember, b: &GroupMember) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java::java_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java::java_cmp(&a.id, &b.id),
    }
}

/// Comparison of `TopicPartition`s by topic (Java order), then partition.
pub(crate) fn topic_then_partition(a: &TopicPartition, b: &TopicPartition) -> Ordering {
    java::java_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(list: &[(&str, u32)]) -> VecMap<String, u32> {
        list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    #[test]
    fn topic_partition_serialises_as_a_pair() {
        let json = serde_json::to_string(&TopicPartition::new("orders", 3)).ok();
        assert_eq!(json.as_deref(), Some(r#"["orders",3]"#));
    }

    #[test]
    fn every_member_gets_an_entry_even_without_subscriptions() {
        let members = [
            MemberSubscription::new("a", &["t"]),
            MemberSubscription::new("b", &[]),
        ];
        for strategy in [
            AssignmentStrategy::Range,
            AssignmentStrategy::RoundRobin,
            AssignmentStrategy::Sticky,
            AssignmentStrategy::CooperativeSticky,
        ] {
            let result = assign(strategy, &topics(&[("t", 2)]), &members);
            assert_eq!(
                result.get("a").map(Vec::len),
                Some(2),
                "{}",
                strategy.name()
            );
            assert_eq!(
                result.get("b").map(Vec::len),
                Some(0),
                "{}",
                strategy.name()
            );
        }
    }

    #[test]
    fn topics_nobody_subscribes_to_or_without_partitions_are_skipped() {
        let group = Group::new(
            &topics(&[("used", 2), ("unused", 4), ("empty", 0)]),
            &[MemberSubscription::new("a", &["used", "empty", "missing"])],
        );
        assert_eq!(group.topics, topics(&[("used", 2)]));
    }

    #[test]
    fn a_repeated_member_id_keeps_its_first_position_and_last_definition() {
        let group = Group::new(
            &topics(&[("t", 1)]),
            &[
                MemberSubscription::new("consumer1", &["x"]),
                MemberSubscription::new("consumer2", &["t"]),
                MemberSubscription::new("consumer1", &["t"]),
            ],
        );
        let ids: Vec<&str> = group.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, vec!["consumer2", "consumer1"]);
        assert!(group.members.iter().all(|m| m.subscribes_to("t")));
    }

    #[test]
    fn static_members_sort_by_instance_id_before_dynamic_members() {
        let mut members = [
            MemberSubscription::new("consumer-a", &["t"]),
            MemberSubscription {
                group_instance_id: Some("instance2".into()),
                ..MemberSubscription::new("consumer-c", &["t"])
            },
            MemberSubscription {
                group_instance_id: Some("instance1".into()),
                ..MemberSubscription::new("consumer-b", &["t"])
            },
        ];
        members.reverse();
        let group = Group::new(&topics(&[("t", 3)]), &members);
        let mut sorted: Vec<&GroupMember> = group.members.iter().collect();
        sorted.sort_by(|a, b| member_info_order(a, b));
        let ids: Vec<&str> = sorted.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, vec!["consumer-b", "consumer-c", "consumer-a"]);
    }
}
