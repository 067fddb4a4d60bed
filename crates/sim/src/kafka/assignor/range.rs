//! Kafka's `RangeAssignor`: per topic, the subscribers in `MemberInfo` order each take a
//! contiguous range; the first `partitions mod subscribers` members take one extra.

use super::{member_info_order, Assignment, Group, GroupMember, TopicPartition};
use crate::support::sorting;

pub(crate) fn assign(group: &Group) -> Assignment {
    let mut assignment = group.empty_assignment();
    for topic in group.sorted_topics() {
        let partitions = group.topics.get(topic).copied().unwrap_or(0);
        let mut subscribers: Vec<&GroupMember> = group
            .members
            .iter()
            .filter(|m| m.subscribes_to(topic))
            .collect();
        sorting::sort_by(&mut subscribers, |a, b| member_info_order(a, b));
        let count = subscribers.len() as u32;
        if count == 0 {
            continue;
        }
        let (quotient, remainder) = (partitions / count, partitions % count);
        for (i, member) in (0u32..).zip(subscribers) {
            let start = i * quotient + i.min(remainder);
            let length = quotient + u32::from(i < remainder);
            if let Some(list) = assignment.get_mut(&member.id) {
                list.extend((start..start + length).map(|p| TopicPartition::new(topic, p)));
            }
        }
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::super::MemberSubscription;
    use super::*;
    use crate::support::vec_map::VecMap;

    #[test]
    fn extra_partitions_go_to_the_first_members_of_every_topic() {
        let topics = VecMap::from_iter([
            ("t1".to_string(), 6),
            ("t2".to_string(), 7),
            ("t3".to_string(), 2),
        ]);
        let members: Vec<MemberSubscription> = ["c0", "c1", "c2"]
            .iter()
            .map(|id| MemberSubscription::new(*id, &["t1", "t2", "t3"]))
            .collect();
        let result = assign(&Group::new(&topics, &members));
        let sizes: Vec<usize> = result.values().map(Vec::len).collect();
        assert_eq!(sizes, vec![6, 5, 4]);
    }
}
