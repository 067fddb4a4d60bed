//! Kafka's `RoundRobinAssignor`: all partitions of all subscribed topics (topics sorted
//! by name) dealt one by one to the members in `MemberInfo` order, skipping members not
//! subscribed to the partition's topic. Lists keep the order in which they were dealt.

use super::{member_info_order, Assignment, Group, GroupMember, TopicPartition};
use crate::support::sorting;

pub(crate) fn assign(group: &Group) -> Assignment {
    let mut assignment = group.empty_assignment();
    let mut circle: Vec<&GroupMember> = group.members.iter().collect();
    sorting::sort_by(&mut circle, |a, b| member_info_order(a, b));
    if circle.is_empty() {
        return assignment;
    }
    let mut cursor = 0usize;
    for topic in group.sorted_topics() {
        // Group::new keeps only topics someone subscribes to, so this search always ends; the
        // bound guards against a topic nobody takes all the same.
        let Some(skip) = (0..circle.len()).find(|k| {
            circle
                .get((cursor + k) % circle.len())
                .is_some_and(|m| m.subscribes_to(topic))
        }) else {
            continue;
        };
        cursor = (cursor + skip) % circle.len();
        let partitions = group.topics.get(topic).copied().unwrap_or(0);
        for p in 0..partitions {
            while !circle.get(cursor).is_some_and(|m| m.subscribes_to(topic)) {
                cursor = (cursor + 1) % circle.len();
            }
            if let Some(list) = circle.get(cursor).and_then(|m| assignment.get_mut(&m.id)) {
                list.push(TopicPartition::new(topic, p));
            }
            cursor = (cursor + 1) % circle.len();
        }
    }
    assignment
}
