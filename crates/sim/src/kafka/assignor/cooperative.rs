//! Kafka's `CooperativeStickyAssignor` (KIP-429): the sticky result minus every partition still
//! owned by another member (it is revoked first and assigned in a follow-up rebalance).

use super::{sticky, Assignment, Group, MemberSubscription, StickyOutcome, DEFAULT_GENERATION};
use crate::support::vec_map::VecMap;

/// One cooperative-sticky assignment, exactly as Kafka's assignor returns it: partitions
/// transferring ownership are withheld from their new owner this round.
pub fn cooperative_sticky_assign(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> StickyOutcome {
    let mut outcome = sticky::run(&Group::new(topics, members));
    for (tp, new_owner) in &outcome.partitions_transferring_ownership {
        if let Some(list) = outcome.assignment.get_mut(new_owner) {
            list.retain(|x| x != tp);
        }
    }
    outcome
}

/// Cap on follow-up rebalances; Kafka's converge in one (as every cooperative-sticky case of
/// `tests/data/kafka-vectors.json` does), so reaching it means something is wrong, and the last
/// round is returned rather than looping forever.
pub const MAX_COOPERATIVE_ROUNDS: usize = 10;

/// Runs the first assignment and the follow-up rebalances a cooperative group goes through:
/// while some member lost a partition it owned, it re-joins, and every member reports its
/// latest assignment as owned in the next generation. Returns every round's assignment; the
/// first is [`cooperative_sticky_assign`]'s, the last is the settled state.
pub fn cooperative_rebalance_until_stable(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> Vec<Assignment> {
    let mut rounds = Vec::new();
    let mut current: Vec<MemberSubscription> = members.to_vec();
    let mut generation = members
        .iter()
        .map(|m| m.generation.unwrap_or(DEFAULT_GENERATION))
        .fold(0, i32::max)
        .saturating_add(1);
    for _ in 0..MAX_COOPERATIVE_ROUNDS {
        let assignment = cooperative_sticky_assign(topics, &current).assignment;
        let revoked_any = current.iter().any(|m| {
            let assigned = assignment.get(&m.id).map(Vec::as_slice).unwrap_or(&[]);
            m.owned.iter().any(|tp| !assigned.contains(tp))
        });
        for member in &mut current {
            member.owned = assignment.get(&member.id).cloned().unwrap_or_default();
            member.generation = Some(generation);
        }
        generation = generation.saturating_add(1);
        rounds.push(assignment);
        if !revoked_any {
            break;
        }
    }
    rounds
}

#[cfg(test)]
mod tests {
    use super::super::TopicPartition;
    use super::*;

    /// Reference 5.5's example (testAddRemoveConsumerOneTopic step 2).
    #[test]
    fn a_joining_member_gets_the_revoked_partition_in_the_follow_up_round() {
        let topics = VecMap::from_iter([("topic".to_string(), 3)]);
        let members = [
            MemberSubscription {
                owned: (0..3).map(|p| TopicPartition::new("topic", p)).collect(),
                generation: Some(1),
                ..MemberSubscription::new("consumer1", &["topic"])
            },
            MemberSubscription {
                generation: Some(1),
                ..MemberSubscription::new("consumer2", &["topic"])
            },
        ];
        let rounds = cooperative_rebalance_until_stable(&topics, &members);
        assert_eq!(rounds.len(), 2);
        let first = &rounds[0];
        assert_eq!(first.get("consumer1").map(Vec::len), Some(2));
        assert_eq!(first.get("consumer2").map(Vec::len), Some(0));
        assert_eq!(
            rounds[1].get("consumer2"),
            Some(&vec![TopicPartition::new("topic", 2)])
        );
    }

    #[test]
    fn a_group_with_nothing_to_move_settles_in_one_round() {
        let topics = VecMap::from_iter([("topic".to_string(), 2)]);
        let members = [
            MemberSubscription::new("a", &["topic"]),
            MemberSubscription::new("b", &["topic"]),
        ];
        assert_eq!(
            cooperative_rebalance_until_stable(&topics, &members).len(),
            1
        );
    }
}
