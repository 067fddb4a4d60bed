//! Consumer groups on scenarios with pinned seeds: assignment, rebalances on kill, stall,
//! join and coordinator crash, eager vs cooperative, offsets and redelivery, heartbeats from
//! poll() before 0.10.1. Invariants are checked after every event (the `invariants` feature).

mod common;

use common::{assert_a_clone_ends_the_same, run, time_of};
use kafka_sim::kafka::protocol::{MessageKind, NodeId};
use kafka_sim::observe::group_view::GroupView;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::{Report, Simulation};

/// A 3-broker cluster, topic `orders` with `partitions`, one producer sending `records` at
/// 500/s, and group `g1` with `group` extra keys (JSON members, without braces).
fn scenario(
    version: &str,
    partitions: u32,
    records: u32,
    group: &str,
    actions: &str,
    duration_ms: u64,
) -> kafka_sim::Scenario {
    let text = format!(
        r#"{{ "format": 1, "seed": 11, "kafka.version": "{version}", "duration.ms": {duration_ms},
  "cluster": {{ "brokers": 3 }},
  "topics": [ {{ "name": "orders", "partitions": {partitions}, "replication.factor": 3, "min.insync.replicas": 2 }} ],
  "producers": [ {{ "name": "p1", "topic": "orders", "records": {records}, "records.per.sec": 500, "keys": 16 }} ],
  "groups": [ {{ "group.id": "g1", "topics": ["orders"], "auto.offset.reset": "earliest", {group} }} ],
  "actions": [ {actions} ] }}"#
    );
    parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn group(sim: &Simulation) -> GroupView {
    sim.group_views().into_iter().next().expect("one group")
}

/// Consumers that sent a fetch at this very instant.
fn fetching_now(sim: &Simulation) -> Vec<u32> {
    let now = sim.now_us();
    sim.messages_in_flight()
        .into_iter()
        .filter(|m| m.kind == MessageKind::ConsumerFetch && m.depart_us == now)
        .filter_map(|m| match m.from {
            NodeId::Consumer(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// Partitions per member, in member order.
fn shares(r: &Report) -> Vec<usize> {
    r.groups["g1"]
        .assignment
        .values()
        .map(|a| a.len())
        .collect()
}

#[test]
fn four_partitions_with_one_consumer_all_go_to_it() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 1"#, "", 10_000));
    assert_eq!(shares(&r), vec![4]);
    assert_eq!(r.groups["g1"].generation, 1);
    assert_eq!(r.rebalances, 1);
    assert_eq!(r.consumed.records, 2000);
    assert_eq!(r.consumed.redelivered, 0);
}

#[test]
fn four_partitions_with_two_consumers_split_two_and_two() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 2"#, "", 10_000));
    assert_eq!(shares(&r), vec![2, 2]);
    assert_eq!(r.consumed.records, 2000);
}

#[test]
fn four_partitions_with_three_consumers_split_two_one_one() {
    let (r, _, _) = run(scenario("3.9", 4, 2000, r#""consumers": 3"#, "", 10_000));
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![1, 1, 2]);
    assert_eq!(r.consumed.records, 2000);
}

#[test]
fn four_partitions_with_five_consumers_leave_one_idle_with_an_empty_assignment() {
    let (r, _, sim) = run(scenario("3.9", 4, 2000, r#""consumers": 5"#, "", 10_000));
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![0, 1, 1, 1, 1]);
    assert_eq!(r.groups["g1"].assignment.len(), 5);
    let idle: Vec<_> = group(&sim)
        .members
        .into_iter()
        .filter(|m| m.owned.is_empty())
        .collect();
    assert_eq!(idle.len(), 1);
    assert_eq!(idle[0].delivered, 0);
    assert_eq!(r.consumed.records, 2000);
}

const TWO_CONSUMERS: &str = r#""consumers": 2, "session.timeout.ms": 10000, "max.poll.interval.ms": 10000, "processing.ms.per.record": 1"#;

#[test]
fn a_killed_consumers_partitions_move_after_the_session_timeout_and_not_before() {
    let actions =
        r#"{ "at.ms": 8000, "do": "kill-consumer", "group.id": "g1", "consumer": "g1-c2" }"#;
    let (r, events, _) = run(scenario("3.9", 4, 10000, TWO_CONSUMERS, actions, 40_000));
    let removed = time_of(&events, "no heartbeat from g1-c2").expect("c2 is evicted");
    // Its last heartbeat went out at most heartbeat.interval.ms before the kill.
    assert!(removed >= 8000.0 + 10000.0 - 3000.0, "evicted at {removed}");
    assert!(removed <= 8000.0 + 10000.0 + 10.0, "evicted at {removed}");
    let moved = time_of(
        &events,
        "g1-c1 generation 2: owns [orders-0, orders-1, orders-2, orders-3]",
    )
    .expect("c1 takes everything");
    assert!(moved > removed);
    assert_eq!(r.groups["g1"].generation, 2);
    assert_eq!(shares(&r), vec![4]);
    assert_eq!(r.consumed.records, 10000);
}

#[test]
fn a_stalled_consumer_is_evicted_after_max_poll_interval_and_rejoins_when_it_polls_again() {
    let actions = r#"{ "at.ms": 8000, "do": "stall-consumer", "group.id": "g1", "consumer": "g1-c2", "for.ms": 20000 }"#;
    let (r, events, _) = run(scenario("3.9", 4, 15000, TWO_CONSUMERS, actions, 45_000));
    let left = time_of(
        &events,
        "g1-c2 has not called poll() for max.poll.interval.ms",
    )
    .expect("c2's heartbeat thread leaves");
    // Inside poll() until the stall at 8 s: the deadline is 18 s, a wake of its heartbeat
    // thread (a heartbeat tick).
    assert_eq!(left, 18_000.0);
    // Not the session timeout: the heartbeat thread kept the session alive.
    assert!(time_of(&events, "no heartbeat from g1-c2").is_none());
    assert!(time_of(
        &events,
        "g1-c1 generation 2: owns [orders-0, orders-1, orders-2, orders-3]"
    )
    .is_some());
    // Back at 28 s it re-joins: generation 3 splits again.
    assert_eq!(r.groups["g1"].generation, 3);
    assert_eq!(shares(&r), vec![2, 2]);
    assert_eq!(r.consumed.records, 15000);
}

#[test]
fn during_an_eager_rebalance_no_member_fetches() {
    let actions = r#"{ "at.ms": 8000, "do": "add-consumer", "group.id": "g1" }"#;
    let mut sim = Simulation::new(scenario("3.9", 4, 10000, TWO_CONSUMERS, actions, 20_000));
    let mut paused_steps = 0;
    while sim.step() {
        let now = sim.now_us();
        let senders = fetching_now(&sim);
        if sim.events_handled().is_multiple_of(64) || !senders.is_empty() {
            let g = group(&sim);
            if g.members
                .iter()
                .any(|m| format!("{:?}", m.activity) == "Paused")
            {
                paused_steps += 1;
            }
        }
        if senders.is_empty() {
            continue;
        }
        let g = group(&sim);
        for c in senders {
            let member = &g.members[c as usize];
            assert_eq!(
                format!("{:?}", member.member_state),
                "Stable",
                "{} fetched at {now} while rebalancing",
                member.name
            );
            assert!(!member.owned.is_empty());
        }
    }
    assert!(paused_steps > 0);
    let r = sim.report();
    assert_eq!(r.groups["g1"].generation, 2);
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![1, 1, 2]);
}

#[test]
fn with_cooperative_sticky_members_that_keep_their_partitions_keep_fetching() {
    let cfg = r#""consumers": 3, "partition.assignment.strategy": "cooperative-sticky", "session.timeout.ms": 10000"#;
    let actions = r#"{ "at.ms": 8000, "do": "add-consumer", "group.id": "g1" }"#;
    let mut sim = Simulation::new(scenario("3.9", 6, 10000, cfg, actions, 30_000));
    let mut fetches_while_rebalancing = 0;
    while sim.step() {
        let senders = fetching_now(&sim);
        if senders.is_empty() {
            continue;
        }
        let g = group(&sim);
        for c in senders {
            if format!("{:?}", g.members[c as usize].member_state) != "Stable" {
                fetches_while_rebalancing += 1;
            }
        }
    }
    assert!(fetches_while_rebalancing > 0);
    let r = sim.report();
    // The join, then the follow-up that hands over the revoked partitions.
    assert_eq!(r.groups["g1"].generation, 3);
    assert_eq!(r.rebalances, 3);
    let mut s = shares(&r);
    s.sort_unstable();
    assert_eq!(s, vec![1, 1, 2, 2]);
    assert_eq!(r.consumed.records, 10000);
}

#[test]
fn a_crash_of_the_coordinators_broker_moves_the_coordinator_the_members_find_it_and_no_rebalance_follows(
) {
    let s = scenario("3.9", 4, 10000, TWO_CONSUMERS, "", 40_000);
    let mut sim = Simulation::new(s);
    sim.advance_to(8_000_000);
    let before = group(&sim);
    let old = before.coordinator.expect("a coordinator");
    assert_eq!(format!("{:?}", before.state), "Stable");
    sim.take_events();
    sim.apply(kafka_sim::ActionKind::CrashBroker { broker: old });
    let mut events = Vec::new();
    while !sim.is_finished() {
        let next = sim.now_us() + 1_000_000;
        sim.advance_to(next);
        events.extend(sim.take_events().into_iter().map(|e| e.text));
    }
    let after = group(&sim);
    let new = after.coordinator.expect("a new coordinator");
    assert_ne!(new, old);
    assert!(events
        .iter()
        .any(|e| e.contains(&format!("broker {new} is now the coordinator of group g1"))));
    assert!(events
        .iter()
        .any(|e| e.contains(&format!("finds its coordinator: broker {new}"))));
    assert!(after.members.iter().all(|m| m.coordinator == Some(new)));
    // The group and its offsets were loaded from __consumer_offsets: no records are lost, and
    // the move by itself starts no rebalance (not a trigger: the coordinator loads the group
    // as it was, `GroupMetadataManager.loadGroupsForPartition`): the generation is unchanged.
    let r = sim.report();
    assert_eq!(r.consumed.records, 10000);
    assert_eq!(format!("{:?}", after.state), "Stable");
    assert_eq!(after.generation, before.generation);
    assert!(
        !events
            .iter()
            .any(|e| e.to_lowercase().contains("rebalance")),
        "{events:#?}"
    );
}

#[test]
fn auto_commit_and_a_crash_give_redelivered_records() {
    let cfg = r#""consumers": 2, "session.timeout.ms": 10000, "processing.ms.per.record": 2, "auto.commit.interval.ms": 5000"#;
    let actions =
        r#"{ "at.ms": 12000, "do": "kill-consumer", "group.id": "g1", "consumer": "g1-c1" }"#;
    let (r, events, _) = run(scenario("3.9", 4, 10000, cfg, actions, 45_000));
    // Generation 1 starts at 6 s (two initial delays: c2 joined during the first), so c1's
    // first auto-commit is at 11 s, before the kill.
    assert!(time_of(&events, "g1-c1 commits (auto-commit)").is_some_and(|t| t < 12_000.0));
    assert_eq!(r.consumed.records, 10000);
    // What c1 processed after its last auto-commit is processed again by c2.
    assert!(r.consumed.redelivered > 0, "{:?}", r.consumed);
    assert!(r.consumed.redelivered <= 5000 / 2 * 2, "{:?}", r.consumed);
    assert_eq!(r.consumed.redelivered, REDELIVERED_AFTER_KILL);
}
/// Pinned for seed 11: the records c1 processed after its last auto-commit.
const REDELIVERED_AFTER_KILL: u64 = 390;

#[test]
fn before_0_10_1_slow_processing_between_polls_gets_a_member_evicted_by_the_session_timeout() {
    // 2,000 records per poll at 10 ms each: 20 s between polls, session.timeout.ms 10 s.
    let cfg = r#""consumers": 2, "session.timeout.ms": 10000, "max.poll.records": 2000, "processing.ms.per.record": 10"#;
    let (_, old, _) = run(scenario("0.10.0", 2, 8000, cfg, "", 40_000));
    assert!(
        old.iter().any(|e| e.contains("no heartbeat from")),
        "heartbeats from poll() stop while processing"
    );
    // Since 0.10.1 the heartbeat thread keeps the session alive through the same processing
    // (and max.poll.interval.ms, here 300 s by default, is not reached).
    let (_, new, _) = run(scenario("0.10.1", 2, 8000, cfg, "", 40_000));
    assert!(!new.iter().any(|e| e.contains("no heartbeat from")));
    assert!(!new.iter().any(|e| e.contains("max.poll.interval.ms")));
}

fn load(name: &str) -> kafka_sim::Scenario {
    let path = format!("{}/tests/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_scenario(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn scenario_file_kill_then_add_a_consumer_rebalances_three_times_and_redelivers() {
    let (r, events, _) = run(load("groups_kill_consumer"));
    assert!(events.iter().any(|e| e.contains("no heartbeat from g1-c2")));
    // Initial join, c2's eviction, c3's join.
    assert_eq!(r.rebalances, 3);
    assert_eq!(r.groups["g1"].generation, 3);
    assert_eq!(
        r.groups["g1"].assignment.keys().collect::<Vec<_>>(),
        vec!["g1-c1", "g1-c3"]
    );
    assert_eq!(shares(&r), vec![2, 2]);
    assert_eq!(r.consumed.records, 6000);
    assert!(r.consumed.redelivered > 0);
    assert!(r.groups["g1"].lag.values().all(|l| *l == 0));
}

#[test]
fn scenario_file_cooperative_join_needs_a_follow_up_rebalance() {
    let (r, events, _) = run(load("groups_cooperative_join"));
    assert!(events
        .iter()
        .any(|e| e.contains("re-joins at once (cooperative follow-up rebalance)")));
    assert_eq!(r.rebalances, 3);
    assert_eq!(shares(&r), vec![2, 2, 2]);
    assert_eq!(r.consumed.records, 6000);
    assert_eq!(r.consumed.redelivered, 0);
}

#[test]
fn a_group_run_is_deterministic_and_a_clone_midway_ends_the_same() {
    assert_a_clone_ends_the_same(load("groups_kill_consumer"), 12_000_000);
}

/// A broker crash moves partition leadership while the consumers keep their positions. The new
/// leader may not know the old high watermark yet; Kafka answers such a fetch with no records
/// (only a position past the log end is OFFSET_OUT_OF_RANGE), so nothing is read twice.
#[test]
fn a_leader_failover_neither_resets_positions_nor_redelivers() {
    let (report, events, _) =
        run(parse_scenario(kafka_sim::scenario::DEFAULT_SCENARIO_JSON).expect("default scenario"));
    assert_eq!(report.consumed.records, 3600);
    assert_eq!(report.consumed.redelivered, 0);
    assert!(
        events.iter().all(|e| !e.contains("OFFSET_OUT_OF_RANGE")),
        "{:?}",
        events
            .iter()
            .filter(|e| e.contains("OFFSET_OUT_OF_RANGE"))
            .collect::<Vec<_>>()
    );
}

/// Kafka's coordinator delays every rebalance of an Empty group by
/// `group.initial.rebalance.delay.ms` (`InitialDelayedJoin`), not only in generation 0, so two
/// consumers joining an emptied group half a second apart form it in one rebalance.
#[test]
fn two_consumers_joining_an_emptied_group_give_one_rebalance_after_the_initial_delay() {
    let cfg = r#""consumers": 1, "session.timeout.ms": 10000"#;
    let actions = r#"{ "at.ms": 10000, "do": "remove-consumer", "group.id": "g1", "consumer": "g1-c1" },
        { "at.ms": 14000, "do": "add-consumer", "group.id": "g1" },
        { "at.ms": 14500, "do": "add-consumer", "group.id": "g1" }"#;
    let (r, events, _) = run(scenario("3.9", 4, 10000, cfg, actions, 30_000));
    let empty = time_of(
        &events,
        "group g1 has no members left: Empty (generation 2)",
    );
    let joined = time_of(&events, "g1-c2 joins empty group g1");
    let formed = time_of(&events, "group g1: generation 3 with 2 members");
    assert_eq!(
        (empty, joined, formed),
        (Some(10001.842), Some(14007.16), Some(17007.16))
    );
    // Generation 1 (c1 alone), Empty as generation 2, generation 3 with c2 and c3: no
    // generation 4.
    assert_eq!(r.groups["g1"].generation, 3);
    assert_eq!(r.rebalances, 2);
    assert_eq!(shares(&r), vec![2, 2]);
    assert!(time_of(&events, "generation 4").is_none());
}

/// The heartbeat thread checks the poll timer every time it wakes, and with no heartbeat due
/// it wakes every `retry.backoff.ms` (100 ms), so a stall is noticed within 100 ms of
/// `max.poll.interval.ms`, not at the next heartbeat (which was 21 s here).
#[test]
fn the_heartbeat_thread_notices_the_poll_timeout_within_retry_backoff_not_at_the_next_heartbeat() {
    // c2's last poll() is at most 9.55 s (the stall), so its deadline is in (19.5 s, 19.55 s];
    // its heartbeat thread woke at the 18 s heartbeat, then every 100 ms: 19.6 s.
    let actions = r#"{ "at.ms": 9550, "do": "stall-consumer", "group.id": "g1", "consumer": "g1-c2", "for.ms": 20000 }"#;
    let (r, events, _) = run(scenario("3.9", 4, 15000, TWO_CONSUMERS, actions, 45_000));
    let needle = "g1-c2 has not called poll() for max.poll.interval.ms = 10000 ms";
    assert_eq!(events.iter().filter(|e| e.contains(needle)).count(), 1);
    assert_eq!(time_of(&events, needle), Some(19_600.0));
    assert_eq!(
        time_of(&events, "g1-c2 leaves group g1 (LeaveGroup)"),
        Some(19_602.012)
    );
    assert_eq!(r.groups["g1"].generation, 3);
    assert_eq!(r.rebalances, 3);
}

/// After leaving on the poll timeout the member has no generation: when the application
/// polls again, the auto-commit before re-joining (`onJoinPrepare`) fails with
/// CommitFailedException, visibly, and the partitions are lost, not revoked.
#[test]
fn a_commit_after_leaving_on_the_poll_timeout_fails_with_commit_failed_exception() {
    let actions = r#"{ "at.ms": 9550, "do": "stall-consumer", "group.id": "g1", "consumer": "g1-c2", "for.ms": 20000 }"#;
    let (r, events, _) = run(scenario("3.9", 4, 15000, TWO_CONSUMERS, actions, 45_000));
    let failed: Vec<&String> = events
        .iter()
        .filter(|e| e.contains("CommitFailedException"))
        .collect();
    assert_eq!(
        failed,
        vec!["29550.000 g1-c2's commit (commit before re-joining) failed: it is not part of an active group, likely kicked out (CommitFailedException)"]
    );
    assert_eq!(
        time_of(
            &events,
            "g1-c2 is no longer a member: onPartitionsLost(orders-2, orders-3) without committing"
        ),
        Some(29_550.0)
    );
    assert_eq!(r.consumed.records, 15000);
    assert_eq!(r.consumed.redelivered, 1789);
}
