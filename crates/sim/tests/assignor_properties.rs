//! Property tests over random groups: every assignor hands out each partition of a subscribed
//! topic exactly once and only to subscribers, gives every member an entry, the sticky ones
//! stay balanced, cooperative-sticky never hands a partition to a new owner while another
//! member still owns it, and nothing panics on any input.

use kafka_sim::kafka::assignor::{
    assign, assign_json, cooperative_rebalance_until_stable, cooperative_sticky_assign, Assignment,
    MemberSubscription, TopicPartition,
};
use kafka_sim::scenario::AssignmentStrategy;
use kafka_sim::support::vec_map::VecMap;
use proptest::prelude::*;
use std::collections::BTreeSet;

const STRATEGIES: [AssignmentStrategy; 4] = [
    AssignmentStrategy::Range,
    AssignmentStrategy::RoundRobin,
    AssignmentStrategy::Sticky,
    AssignmentStrategy::CooperativeSticky,
];

const TOPIC_NAMES: [&str; 6] = ["orders", "payments", "t1", "t2", "topic", "Ünïcode-𝔘"];

fn topics_strategy() -> impl Strategy<Value = VecMap<String, u32>> {
    prop::collection::btree_map(
        prop::sample::select(TOPIC_NAMES.to_vec()).prop_map(str::to_string),
        0u32..9,
        0..5,
    )
    .prop_map(|topics| topics.into_iter().collect())
}

/// Topics a member may name: the real ones plus one that does not exist.
fn topic_name() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => prop::sample::select(TOPIC_NAMES.to_vec()).prop_map(str::to_string),
        1 => Just("deleted".to_string()),
    ]
}

fn owned_strategy() -> impl Strategy<Value = Vec<TopicPartition>> {
    prop::collection::vec(
        (topic_name(), 0u32..10).prop_map(|(t, p)| TopicPartition::new(t, p)),
        0..6,
    )
}

/// Members with unique ids; `equal` gives all of them the same subscription.
fn members_strategy(equal: bool) -> impl Strategy<Value = Vec<MemberSubscription>> {
    (
        prop::collection::vec(topic_name(), 0..4),
        prop::collection::vec(
            (
                prop::sample::select(vec!["consumer", "c", "member-", "Z", "ä"]),
                prop::collection::vec(topic_name(), 0..4),
                owned_strategy(),
                prop::option::of(-1i32..4),
                prop::option::of(prop::sample::select(vec!["i1", "i2", "i3"])),
            ),
            1..8,
        ),
    )
        .prop_map(move |(shared, raw)| {
            raw.into_iter()
                .enumerate()
                .map(
                    |(i, (prefix, subs, owned, generation, instance))| MemberSubscription {
                        id: format!("{prefix}{i}"),
                        subscriptions: if equal { shared.clone() } else { subs },
                        owned,
                        generation,
                        group_instance_id: instance.map(str::to_string),
                    },
                )
                .collect()
        })
}

/// Owned lists as a real group reports them: disjoint, all from one earlier assignment.
fn disjoint_owned(topics: &VecMap<String, u32>, members: &mut [MemberSubscription], seed: u64) {
    let all: Vec<TopicPartition> = topics
        .iter()
        .flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)))
        .collect();
    for m in members.iter_mut() {
        m.owned.clear();
        m.generation = Some(1);
    }
    let count = members.len() as u64;
    for (i, tp) in all.into_iter().enumerate() {
        // A deterministic scatter; some partitions stay unowned.
        let pick = (seed.wrapping_mul(31).wrapping_add(i as u64 * 7)) % (count + 1);
        if let Some(m) = members.get_mut(pick as usize) {
            m.owned.push(tp);
        }
    }
}

fn subscribed_partitions(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> BTreeSet<TopicPartition> {
    topics
        .iter()
        .filter(|(t, _)| members.iter().any(|m| m.subscriptions.contains(t)))
        .flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)))
        .collect()
}

/// Each partition at most once (exactly once when `complete`), only to subscribers, and an
/// entry for every member.
fn check_valid(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
    result: &Assignment,
    complete: bool,
) -> Result<(), TestCaseError> {
    let ids: BTreeSet<&String> = members.iter().map(|m| &m.id).collect();
    let keys: BTreeSet<&String> = result.keys().collect();
    prop_assert_eq!(keys, ids, "every member has an entry, and only members");
    let mut seen = BTreeSet::new();
    for m in members {
        for tp in result.get(&m.id).into_iter().flatten() {
            prop_assert!(seen.insert(tp.clone()), "{} assigned twice", tp);
            prop_assert!(
                m.subscriptions.contains(&tp.topic),
                "{} given to {} which does not subscribe to it",
                tp,
                m.id
            );
        }
    }
    let expected = subscribed_partitions(topics, members);
    if complete {
        prop_assert_eq!(seen, expected);
    } else {
        prop_assert!(seen.is_subset(&expected));
    }
    Ok(())
}

fn spread(result: &Assignment) -> usize {
    let sizes = result.values().map(Vec::len);
    sizes.clone().max().unwrap_or(0) - sizes.min().unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn eager_assignors_assign_every_subscribed_partition_exactly_once(
        topics in topics_strategy(),
        members in members_strategy(false),
    ) {
        for strategy in [AssignmentStrategy::Range, AssignmentStrategy::RoundRobin, AssignmentStrategy::Sticky] {
            let result = assign(strategy, &topics, &members);
            check_valid(&topics, &members, &result, true)?;
        }
    }

    #[test]
    fn cooperative_sticky_withholds_but_settles_to_a_complete_assignment(
        topics in topics_strategy(),
        members in members_strategy(false),
    ) {
        let rounds = cooperative_rebalance_until_stable(&topics, &members);
        prop_assert!(!rounds.is_empty());
        for round in &rounds {
            check_valid(&topics, &members, round, false)?;
        }
        prop_assert!(rounds.len() < kafka_sim::kafka::assignor::MAX_COOPERATIVE_ROUNDS, "did not settle");
        if let Some(last) = rounds.last() {
            check_valid(&topics, &members, last, true)?;
        }
    }

    #[test]
    fn cooperative_sticky_never_gives_a_partition_another_member_still_owns(
        topics in topics_strategy(),
        members in members_strategy(false),
    ) {
        let first = cooperative_sticky_assign(&topics, &members).assignment;
        for m in &members {
            for tp in first.get(&m.id).into_iter().flatten() {
                if m.owned.contains(tp) {
                    continue;
                }
                let holder = members.iter().find(|o| o.id != m.id && o.owned.contains(tp));
                prop_assert!(holder.is_none(), "{} given to {} while {:?} owns it", tp, m.id, holder.map(|h| &h.id));
            }
        }
    }

    #[test]
    fn sticky_assignors_are_balanced_with_equal_subscriptions(
        topics in topics_strategy(),
        mut members in members_strategy(true),
        seed in any::<u64>(),
        disjoint in any::<bool>(),
    ) {
        if disjoint {
            disjoint_owned(&topics, &mut members, seed);
        }
        let sticky = assign(AssignmentStrategy::Sticky, &topics, &members);
        prop_assert!(spread(&sticky) <= 1, "sticky spread {} in {:?}", spread(&sticky), sticky);
        let settled = cooperative_rebalance_until_stable(&topics, &members);
        let last = settled.last().cloned().unwrap_or_default();
        prop_assert!(spread(&last) <= 1, "cooperative spread {} in {:?}", spread(&last), last);
    }

    #[test]
    fn sticky_keeps_every_owned_partition_when_nothing_changed(
        topics in topics_strategy(),
        members in members_strategy(true),
    ) {
        // A settled assignment fed back as owned comes back unchanged.
        let first = assign(AssignmentStrategy::Sticky, &topics, &members);
        let again: Vec<MemberSubscription> = members
            .iter()
            .map(|m| MemberSubscription {
                owned: first.get(&m.id).cloned().unwrap_or_default(),
                generation: Some(5),
                ..m.clone()
            })
            .collect();
        let second = assign(AssignmentStrategy::Sticky, &topics, &again);
        for (id, list) in &first {
            let mut a = list.clone();
            a.sort();
            let mut b = second.get(id).cloned().unwrap_or_default();
            b.sort();
            prop_assert_eq!(a, b, "{} moved", id);
        }
    }

    #[test]
    fn assignment_is_deterministic(
        topics in topics_strategy(),
        members in members_strategy(false),
    ) {
        for strategy in STRATEGIES {
            prop_assert_eq!(assign(strategy, &topics, &members), assign(strategy, &topics, &members));
        }
    }

    #[test]
    fn nothing_panics_on_duplicate_ids_and_odd_generations(
        topics in topics_strategy(),
        raw in prop::collection::vec(
            (prop::sample::select(vec!["", "a", "b", "a"]),
             prop::collection::vec(topic_name(), 0..4),
             owned_strategy(),
             prop::option::of(prop_oneof![Just(i32::MIN), Just(i32::MAX), -3i32..3])),
            0..7),
    ) {
        let members: Vec<MemberSubscription> = raw
            .into_iter()
            .map(|(id, subscriptions, owned, generation)| MemberSubscription {
                id: id.to_string(),
                subscriptions,
                owned,
                generation,
                group_instance_id: None,
            })
            .collect();
        for strategy in STRATEGIES {
            let result = assign(strategy, &topics, &members);
            let ids: BTreeSet<&String> = members.iter().map(|m| &m.id).collect();
            prop_assert_eq!(result.keys().collect::<BTreeSet<_>>(), ids);
        }
        let _ = cooperative_rebalance_until_stable(&topics, &members);
    }

    #[test]
    fn assign_json_never_panics_on_arbitrary_text(input in ".{0,200}", strategy in "[a-z-]{0,20}") {
        let _ = assign_json(&strategy, &input);
    }

    #[test]
    fn assign_json_never_panics_on_arbitrary_json_shapes(
        value in prop::collection::btree_map(
            prop::sample::select(vec!["topics", "members", "x"]),
            prop_oneof![
                Just(serde_json::json!({"t": 3, "u": -1})),
                Just(serde_json::json!([{"id": "a", "subscriptions": ["t"], "owned": [["t", 9], ["t"]], "generation": 1e10}])),
                Just(serde_json::json!([{"id": 1}, null, {"subscriptions": [1]}])),
                Just(serde_json::json!(null)),
                Just(serde_json::json!({"t": 4294967296u64})),
            ],
            0..3),
    ) {
        let text = serde_json::to_string(&value).unwrap_or_default();
        for strategy in STRATEGIES {
            let _ = assign_json(strategy.name(), &text);
        }
    }
}
