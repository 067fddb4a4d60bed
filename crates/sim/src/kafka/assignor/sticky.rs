//! The shared sticky algorithm (Kafka's `AbstractStickyAssignor`, KIP-54): collecting what
//! members owned, then the constrained algorithm when every member subscribes to the same
//! topics, else the general one (`general.rs`).

use super::java::java_cmp;
use super::{general, topic_then_partition, Assignment, Group, StickyOutcome, TopicPartition};
use crate::support::sorting;
use crate::support::vec_map::{VecMap, VecSet};

/// Eager `StickyAssignor`: members report their previous assignment and generation in their
/// user data. `partitions_transferring_ownership` is Kafka's for the constrained algorithm;
/// for the general one (where Kafka leaves it null) it is computed as cooperative-sticky does.
pub fn sticky_assign(
    topics: &VecMap<String, u32>,
    members: &[super::MemberSubscription],
) -> StickyOutcome {
    run(&Group::new(topics, members))
}

/// Each member's still-valid owned partitions (Kafka's `consumerToOwnedPartitions`), in member
/// visit order, plus the partitions claimed by two members of the same generation.
pub(crate) struct OwnedPartitions {
    pub all_subscriptions_equal: bool,
    pub owned: Vec<(String, Vec<TopicPartition>)>,
    pub multiply_claimed: VecSet<TopicPartition>,
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`: per owned partition of an existing topic,
/// unclaimed → this member's; claimed in the same generation → nobody's; claimed in another
/// generation → the higher generation's.
pub(crate) fn collect_owned(group: &Group) -> OwnedPartitions {
    let mut owned: Vec<(String, Vec<TopicPartition>)> = Vec::with_capacity(group.members.len());
    let mut previous_owner: VecMap<TopicPartition, usize> = VecMap::new();
    let mut multiply_claimed = Vec::new();
    let first: Option<VecSet<&str>> = group
        .members
        .first()
        .map(|m| m.subscriptions.iter().map(String::as_str).collect());
    let mut all_equal = true;

    for (i, member) in group.members.iter().enumerate() {
        let topics: VecSet<&str> = member.subscriptions.iter().map(String::as_str).collect();
        if first.as_ref() != Some(&topics) {
            all_equal = false;
        }
        owned.push((member.id.clone(), Vec::new()));
        let generation = member.generation_or_default();
        for tp in &member.owned {
            if !group.topics.contains_key(&tp.topic) {
                continue;
            }
            match previous_owner.get(tp).copied() {
                None => {
                    push_owned(&mut owned, i, tp);
                    previous_owner.insert(tp.clone(), i);
                }
                Some(other) => {
                    let other_generation = group
                        .members
                        .get(other)
                        .map_or(super::DEFAULT_GENERATION, |m| m.generation_or_default());
                    if generation == other_generation {
                        multiply_claimed.push(tp.clone());
                        remove_owned(&mut owned, other, tp);
                        previous_owner.insert(tp.clone(), i);
                    } else if generation > other_generation {
                        push_owned(&mut owned, i, tp);
                        remove_owned(&mut owned, other, tp);
                        previous_owner.insert(tp.clone(), i);
                    }
                }
            }
        }
    }
    OwnedPartitions {
        all_subscriptions_equal: all_equal,
        owned,
        multiply_claimed: multiply_claimed.into_iter().collect(),
    }
}

fn push_owned(owned: &mut [(String, Vec<TopicPartition>)], i: usize, tp: &TopicPartition) {
    if let Some((_, list)) = owned.get_mut(i) {
        list.push(tp.clone());
    }
}

/// Java `List.remove(Object)`: the first occurrence only.
fn remove_owned(owned: &mut [(String, Vec<TopicPartition>)], i: usize, tp: &TopicPartition) {
    if let Some((_, list)) = owned.get_mut(i) {
        if let Some(pos) = list.iter().position(|x| x == tp) {
            list.remove(pos);
        }
    }
}

pub(crate) fn run(group: &Group) -> StickyOutcome {
    if group.members.is_empty() {
        return StickyOutcome::default();
    }
    let owned = collect_owned(group);
    if owned.all_subscriptions_equal {
        constrained_assign(group, owned)
    } else {
        let assignment = general::assign(group, owned.owned);
        let partitions_transferring_ownership = transfers_from_owned(group, &assignment);
        StickyOutcome {
            assignment,
            partitions_transferring_ownership,
        }
    }
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions added to one
/// member that some member reported as owned and no longer gets (raw reports, any generation).
pub(crate) fn transfers_from_owned(
    group: &Group,
    assignment: &Assignment,
) -> VecMap<TopicPartition, String> {
    let mut added: VecMap<TopicPartition, String> = VecMap::new();
    let mut revoked: Vec<&TopicPartition> = Vec::new();
    for member in &group.members {
        let assigned = assignment.get(&member.id).map(Vec::as_slice).unwrap_or(&[]);
        for tp in assigned {
            if !member.owned.contains(tp) {
                added.insert(tp.clone(), member.id.clone());
            }
        }
        for tp in &member.owned {
            if !assigned.contains(tp) {
                revoked.push(tp);
            }
        }
    }
    let revoked: VecSet<&TopicPartition> = revoked.into_iter().collect();
    added.retain(|tp, _| revoked.contains(tp));
    added
}

/// Kafka's `ConstrainedAssignmentBuilder` without racks (equal subscriptions).
fn constrained_assign(group: &Group, owned: OwnedPartitions) -> StickyOutcome {
    let total: u32 = group.topics.values().sum();
    let members = owned.owned.len().max(1) as u32;
    let min_quota = (total / members) as usize;
    let max_quota = total.div_ceil(members) as usize;
    let expected_over = (total % members) as usize;
    let mut current_over = 0usize;

    let mut assignment: Assignment = group.empty_assignment();
    let mut assigned: Vec<TopicPartition> = Vec::new();
    let mut revoked: Vec<TopicPartition> = Vec::new();
    let mut under: Vec<String> = Vec::new();
    let mut exact: Vec<String> = Vec::new();

    for (member, list) in &owned.owned {
        let mut mine: Vec<TopicPartition> = list.clone();
        sorting::sort_by(&mut mine, |a, b| {
            a.partition
                .cmp(&b.partition)
                .then(java_cmp(&a.topic, &b.topic))
        });
        mine.retain(|tp| !owned.multiply_claimed.contains(tp));
        let keep = if mine.len() < min_quota {
            under.push(member.clone());
            mine.len()
        } else if mine.len() >= max_quota && current_over < expected_over {
            current_over += 1;
            if current_over == expected_over {
                exact.clear();
            }
            max_quota
        } else {
            if current_over < expected_over {
                exact.push(member.clone());
            }
            min_quota
        };
        let (kept, released) = mine.split_at(keep.min(mine.len()));
        assigned.extend(kept.iter().cloned());
        revoked.extend(released.iter().cloned());
        if let Some(entry) = assignment.get_mut(member) {
            entry.extend(kept.iter().cloned());
        }
    }

    let assigned: VecSet<TopicPartition> = assigned.into_iter().collect();
    let revoked: VecSet<TopicPartition> = revoked.into_iter().collect();
    let mut unassigned: Vec<TopicPartition> = group
        .sorted_topics()
        .into_iter()
        .flat_map(|t| {
            let n = group.topics.get(t).copied().unwrap_or(0);
            (0..n).map(move |p| TopicPartition::new(t, p))
        })
        .filter(|tp| !assigned.contains(tp))
        .collect();
    sorting::sort_by(&mut unassigned, topic_then_partition);
    sorting::sort_by(&mut under, |a, b| java_cmp(a, b));
    sorting::sort_by(&mut exact, |a, b| java_cmp(a, b));

    let mut transferring = VecMap::new();
    // A Java iterator over `under`: `cursor` is the index of the next member.
    let mut cursor = 0usize;
    for tp in unassigned {
        let (member, from_under) = if let Some(m) = under.get(cursor).cloned() {
            cursor += 1;
            (m, true)
        } else if under.is_empty() && !exact.is_empty() {
            (exact.remove(0), false)
        } else if let Some(m) = under.first().cloned() {
            cursor = 1;
            (m, true)
        } else {
            // Kafka throws here ("No more unfilled consumers"); the quotas make it unreachable.
            // Give it to the least-loaded member rather than lose it.
            (least_loaded(&assignment), false)
        };
        let Some(entry) = assignment.get_mut(&member) else {
            continue;
        };
        entry.push(tp.clone());
        let count = entry.len();
        if revoked.contains(&tp) || owned.multiply_claimed.contains(&tp) {
            transferring.insert(tp, member.clone());
        }
        if count == min_quota {
            if from_under && cursor > 0 {
                cursor -= 1;
                under.remove(cursor);
            }
            exact.push(member);
        }
        // (Kafka also counts members reaching maxQuota here, only to log a bug.)
    }
    StickyOutcome {
        assignment,
        partitions_transferring_ownership: transferring,
    }
}

fn least_loaded(assignment: &Assignment) -> String {
    assignment
        .iter()
        .min_by(|a, b| a.1.len().cmp(&b.1.len()).then(java_cmp(a.0, b.0)))
        .map(|(id, _)| id.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::MemberSubscription;
    use super::*;

    fn member(id: &str, owned: &[(&str, u32)], generation: i32) -> MemberSubscription {
        MemberSubscription {
            owned: owned
                .iter()
                .map(|(t, p)| TopicPartition::new(*t, *p))
                .collect(),
            generation: Some(generation),
            ..MemberSubscription::new(id, &["topic1", "topic2"])
        }
    }

    /// Kafka's testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: two members own
    /// maxQuota but only one may keep it; Kafka's HashMap visits consumer3, consumer2,
    /// consumer1, so consumer2 keeps both and consumer1 releases topic2-0.
    #[test]
    fn java_hashmap_visit_order_decides_which_max_quota_member_keeps_its_partitions() {
        let topics = VecMap::from_iter([("topic1".to_string(), 2), ("topic2".to_string(), 2)]);
        let members = [
            member("consumer1", &[("topic1", 0), ("topic2", 0)], 1),
            member("consumer2", &[("topic1", 1), ("topic2", 1)], 1),
            member("consumer3", &[], 1),
        ];
        let outcome = sticky_assign(&topics, &members);
        let expected: Assignment = [
            ("consumer1", vec![TopicPartition::new("topic1", 0)]),
            (
                "consumer2",
                vec![
                    TopicPartition::new("topic1", 1),
                    TopicPartition::new("topic2", 1),
                ],
            ),
            ("consumer3", vec![TopicPartition::new("topic2", 0)]),
        ]
        .into_iter()
        .map(|(m, l)| (m.to_string(), l))
        .collect();
        assert_eq!(outcome.assignment, expected);
        assert_eq!(
            outcome.partitions_transferring_ownership,
            VecMap::from_iter([(TopicPartition::new("topic2", 0), "consumer3".to_string())])
        );
    }

    #[test]
    fn same_generation_double_claim_leaves_the_partition_to_nobody_before_reassignment() {
        let group = Group::new(
            &VecMap::from_iter([("topic1".to_string(), 2), ("topic2".to_string(), 2)]),
            &[
                member("a", &[("topic1", 0)], 3),
                member("b", &[("topic1", 0), ("topic2", 1)], 3),
            ],
        );
        let owned = collect_owned(&group);
        assert!(owned.all_subscriptions_equal);
        assert_eq!(
            owned.multiply_claimed.iter().collect::<Vec<_>>(),
            [&TopicPartition::new("topic1", 0)]
        );
        let claimed: usize = owned.owned.iter().map(|(_, l)| l.len()).sum();
        assert_eq!(claimed, 1);
    }

    #[test]
    fn higher_generation_wins_a_conflicting_claim() {
        let group = Group::new(
            &VecMap::from_iter([("topic1".to_string(), 2), ("topic2".to_string(), 2)]),
            &[
                member("a", &[("topic1", 0)], 2),
                member("b", &[("topic1", 0)], 5),
            ],
        );
        let owned = collect_owned(&group);
        let b: Vec<&TopicPartition> = owned
            .owned
            .iter()
            .filter(|(m, _)| m == "b")
            .flat_map(|(_, l)| l)
            .collect();
        assert_eq!(b, vec![&TopicPartition::new("topic1", 0)]);
        assert!(owned.multiply_claimed.is_empty());
    }

    #[test]
    fn no_members_gives_an_empty_outcome() {
        let outcome = sticky_assign(&VecMap::from_iter([("t".to_string(), 3)]), &[]);
        assert!(outcome.assignment.is_empty());
    }
}
