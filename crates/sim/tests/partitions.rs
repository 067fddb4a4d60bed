//! `add-partitions` on scenarios with pinned seeds: the controller creates the partitions at
//! once, producers and consumers see them only on a metadata refresh (`metadata.max.age.ms`),
//! the group leader then re-joins and the rebalance hands out the new partitions. Invariants
//! are checked after every event (the `invariants` feature).

mod common;

use common::{assert_a_clone_ends_the_same, run, time_of};
use kafka_sim::kafka::murmur2::partition_for_key;
use kafka_sim::kafka::partitioner::key_name;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::{ActionKind, Report, Simulation};

/// 3 brokers, topic `orders` with 4 partitions, producer `p1` sending 10,000 records at 500/s
/// with 16 keys, group `g1` with 2 consumers; `producer` and `group` add keys (JSON members).
fn scenario(producer: &str, group: &str, actions: &str, duration_ms: u64) -> kafka_sim::Scenario {
    let text = format!(
        r#"{{ "format": 1, "seed": 11, "kafka.version": "3.9", "duration.ms": {duration_ms},
  "cluster": {{ "brokers": 3 }},
  "topics": [ {{ "name": "orders", "partitions": 4, "replication.factor": 3, "min.insync.replicas": 2 }} ],
  "producers": [ {{ "name": "p1", "topic": "orders", "records": 10000, "records.per.sec": 500, "keys": 16 {producer} }} ],
  "groups": [ {{ "group.id": "g1", "topics": ["orders"], "consumers": 2 {group} }} ],
  "actions": [ {actions} ] }}"#
    );
    parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

const TO_SIX_AT_10S: &str =
    r#"{ "at.ms": 10000, "do": "add-partitions", "topic": "orders", "partitions": 6 }"#;
const AGE_5S: &str = r#", "metadata.max.age.ms": 5000"#;
const EARLIEST_AGE_5S: &str = r#", "metadata.max.age.ms": 5000, "auto.offset.reset": "earliest""#;

fn count(events: &[String], needle: &str) -> usize {
    events.iter().filter(|e| e.contains(needle)).count()
}

/// The group's assigned partitions of `orders`, sorted.
fn assigned(r: &Report) -> Vec<u32> {
    let mut parts: Vec<u32> = r.groups["g1"]
        .assignment
        .values()
        .flatten()
        .map(|(_, p)| *p)
        .collect();
    parts.sort_unstable();
    parts
}

/// (send time in µs, global partition) of every record p1 sent, in send order.
fn sends(sim: &Simulation) -> Vec<(u64, u32)> {
    sim.ledger().producers[0]
        .entries
        .iter()
        .map(|e| (e.sent_us, e.partition))
        .collect()
}

#[test]
fn the_group_leader_rejoins_after_its_refresh_shows_six_partitions_and_all_six_are_consumed() {
    let (r, events, sim) = run(scenario(AGE_5S, EARLIEST_AGE_5S, TO_SIX_AT_10S, 30_000));
    assert_eq!(
        time_of(&events, "orders now has 6 partitions: orders-4 on brokers [1, 2, 0], leader 1; orders-5 on brokers [2, 0, 1], leader 2"),
        Some(10_000.0)
    );
    // Only the leader watches its metadata; it notices on its first refresh after 10 s, at
    // most metadata.max.age.ms later.
    let noticed = "(group leader) sees in its metadata that orders has 6 partitions, 4 when it assigned: it re-joins";
    assert_eq!(count(&events, noticed), 1);
    assert_eq!(count(&events, &format!("g1-c1 {noticed}")), 1);
    let seen = time_of(&events, noticed).expect("the leader notices");
    assert!(seen > 10_000.0 && seen <= 15_000.0, "noticed at {seen}");
    assert_eq!(seen, 10_012.804);
    // Nothing re-joined between the first generation and that moment.
    assert_eq!(
        time_of(&events, "re-joins; PreparingRebalance"),
        Some(10_014.789)
    );
    // The other member learns from its next heartbeat (heartbeat.interval.ms 3000).
    let synced = time_of(
        &events,
        "g1-c2 generation 2: owns [orders-3, orders-4, orders-5]",
    )
    .expect("c2 gets the new partitions");
    assert!(synced - seen <= 3_000.0 + 100.0, "synced at {synced}");
    assert_eq!(
        time_of(
            &events,
            "g1-c1 generation 2: owns [orders-0, orders-1, orders-2]"
        ),
        Some(12_011.887)
    );
    assert_eq!(r.rebalances, 2);
    assert_eq!(r.groups["g1"].generation, 2);
    assert_eq!(assigned(&r), vec![0, 1, 2, 3, 4, 5]);
    // Records written to the new partitions are read.
    let to_new = sends(&sim).iter().filter(|(_, p)| *p >= 4).count();
    assert_eq!(to_new, 624);
    assert_eq!(r.consumed.records, 10_000);
    assert_eq!(r.consumed.redelivered, 0);
    assert_eq!(r.groups["g1"].lag["orders-4"], 0);
    assert_eq!(r.groups["g1"].committed["orders-5"], 312);
    assert_eq!(sim.view().partitions.len(), 6);
}

#[test]
fn the_producer_writes_to_the_new_partitions_only_after_its_own_refresh() {
    let (_, events, sim) = run(scenario(AGE_5S, EARLIEST_AGE_5S, TO_SIX_AT_10S, 30_000));
    let refreshed = time_of(&events, "p1 refreshed metadata: orders now has 6 partitions; orders-0→0, orders-1→1, orders-2→2, orders-3→0, orders-4→1, orders-5→2")
        .expect("p1 refreshes");
    assert!(refreshed > 10_000.0 && refreshed <= 15_000.0);
    assert_eq!(refreshed, 10_012.221);
    let refreshed_us = (refreshed * 1000.0).round() as u64;
    let all = sends(&sim);
    let first_new = all.iter().find(|(_, p)| *p >= 4).map(|(t, _)| *t);
    assert!(
        first_new.is_some_and(|t| t >= refreshed_us),
        "{first_new:?}"
    );
    // Keys map by murmur2 over 4 partitions until the refresh, over 6 after it.
    let mut between = 0;
    for (i, (t, p)) in all.iter().enumerate() {
        let key = key_name(i as u32 % 16);
        let n = if *t < refreshed_us { 4 } else { 6 };
        assert_eq!(
            *p,
            partition_for_key(key.as_bytes(), n),
            "record {i} at {t} µs"
        );
        if (10_000_000..refreshed_us).contains(t) {
            between += 1;
        }
    }
    // Sent after the partitions existed but before p1 knew: still spread over four.
    assert_eq!(between, 7);
}

#[test]
fn with_the_default_metadata_max_age_a_minute_passes_without_the_clients_noticing() {
    let (r, events, sim) = run(scenario(
        "",
        r#", "auto.offset.reset": "earliest""#,
        TO_SIX_AT_10S,
        60_000,
    ));
    assert!(time_of(&events, "orders now has 6 partitions").is_some());
    // metadata.max.age.ms = 300000: the first refresh would come after five minutes.
    assert_eq!(r.rebalances, 1);
    assert_eq!(r.groups["g1"].generation, 1);
    assert_eq!(assigned(&r), vec![0, 1, 2, 3]);
    assert!(sends(&sim).iter().all(|(_, p)| *p < 4));
    assert_eq!(count(&events, "now has 6 partitions"), 1);
    assert_eq!(r.consumed.records, 10_000);
    // The partitions exist, led and replicated, with nothing in them.
    let view = sim.view();
    assert_eq!(view.partitions.len(), 6);
    assert_eq!(view.partitions[5].leader, Some(2));
    assert_eq!(view.partitions[5].isr, vec![2, 0, 1]);
}

#[test]
fn cooperative_members_keep_their_partitions_while_the_new_ones_are_handed_out() {
    let group = r#", "metadata.max.age.ms": 5000, "auto.offset.reset": "earliest", "partition.assignment.strategy": "cooperative-sticky""#;
    let (r, events, _) = run(scenario(AGE_5S, group, TO_SIX_AT_10S, 30_000));
    let seen = time_of(&events, "sees in its metadata that orders has 6 partitions")
        .expect("the leader notices");
    let after: Vec<&String> = events
        .iter()
        .filter(|e| e.split(' ').next().and_then(|t| t.parse::<f64>().ok()) >= Some(seen))
        .collect();
    assert!(after.iter().all(|e| !e.contains("revokes")), "{after:?}");
    // Nothing was revoked, so no follow-up rebalance.
    assert_eq!(r.rebalances, 2);
    assert_eq!(assigned(&r), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(
        r.groups["g1"]
            .assignment
            .values()
            .map(Vec::len)
            .collect::<Vec<_>>(),
        vec![3, 3]
    );
    assert_eq!(r.consumed.records, 10_000);
    assert_eq!(r.consumed.redelivered, 0);
}

#[test]
fn with_auto_offset_reset_latest_records_written_to_new_partitions_before_the_rebalance_are_skipped(
) {
    let (r, events, sim) = run(scenario(
        AGE_5S,
        r#", "metadata.max.age.ms": 5000, "auto.offset.reset": "latest""#,
        TO_SIX_AT_10S,
        30_000,
    ));
    // Each partition's reader starts at the log end it finds when first assigned it.
    let all = sends(&sim);
    let skipped: Vec<usize> = (0..6)
        .map(|p| {
            let needle = format!("orders-{p}: no committed offset, auto.offset.reset=latest");
            let reset = time_of(&events, &needle).expect("every partition starts at latest");
            let reset_us = (reset * 1000.0).round() as u64;
            all.iter().filter(|(t, q)| *q == p && *t < reset_us).count()
        })
        .collect();
    // Orders-4 and -5 got their first reader two seconds after p1 started writing to them:
    // what it wrote in between is never read (as what it wrote to the others before the
    // first generation).
    assert_eq!(skipped, vec![940, 940, 376, 752, 62, 63]);
    assert_eq!(r.consumed.records, 6869);
    // A record sent just before a reset and appended after its log-end lookup is still read.
    let unread = 10_000 - r.consumed.records;
    let sent_before = skipped.iter().sum::<usize>() as u64;
    assert!(
        unread <= sent_before && sent_before - unread <= 6,
        "{unread} {sent_before}"
    );
}

#[test]
fn a_clone_taken_before_the_partitions_are_added_ends_the_same() {
    let s = scenario(AGE_5S, EARLIEST_AGE_5S, TO_SIX_AT_10S, 20_000);
    let clone = assert_a_clone_ends_the_same(s, 9_000_000);
    assert_eq!(clone.topology().partitions.len(), 6);
}

#[test]
fn partitions_added_live_are_refused_visibly_when_kafka_would_refuse_them() {
    let mut sim = Simulation::new(scenario("", "", "", 30_000));
    sim.advance_to(5_000_000);
    sim.apply(ActionKind::AddPartitions {
        topic: "orders".into(),
        partitions: 4,
    });
    sim.apply(ActionKind::AddPartitions {
        topic: "payments".into(),
        partitions: 2,
    });
    sim.apply(ActionKind::CrashBroker { broker: 1 });
    sim.apply(ActionKind::CrashBroker { broker: 2 });
    // broker.session.timeout.ms 9000: the controller fences them, and then has one live broker.
    sim.advance_to(15_000_000);
    sim.apply(ActionKind::AddPartitions {
        topic: "orders".into(),
        partitions: 6,
    });
    let refused: Vec<String> = sim
        .take_events()
        .into_iter()
        .filter(|e| e.text.starts_with("add-partitions refused"))
        .map(|e| e.text)
        .collect();
    assert_eq!(
        refused,
        [
            "add-partitions refused: orders has 4 partitions and 4 is not more (INVALID_PARTITIONS)",
            "add-partitions refused: no topic payments (UNKNOWN_TOPIC_OR_PARTITION)",
            "add-partitions refused: replication factor 3 is larger than the 1 live brokers (INVALID_REPLICATION_FACTOR)",
        ]
    );
    sim.run_to_end();
    assert_eq!(sim.topology().partitions.len(), 4);
}

#[test]
fn partitions_added_live_start_the_periodic_refresh_and_the_group_follows() {
    let mut sim = Simulation::new(scenario(AGE_5S, EARLIEST_AGE_5S, "", 30_000));
    sim.advance_to(10_000_000);
    sim.apply(ActionKind::AddPartitions {
        topic: "orders".into(),
        partitions: 5,
    });
    sim.run_to_end();
    let r = sim.report();
    assert_eq!(r.rebalances, 2);
    assert_eq!(assigned(&r), vec![0, 1, 2, 3, 4]);
    assert!(sends(&sim).iter().any(|(_, p)| *p == 4));
    assert_eq!(r.consumed.records, 10_000);
}

/// A refresh of a topic past twelve partitions names how many changed leader and lists the
/// first twelve of them, not all of them: one event-log line, readable at 250 partitions.
#[test]
fn a_metadata_refresh_of_a_large_topic_lists_only_the_partitions_whose_leader_changed() {
    let text = r#"{ "format": 1, "seed": 11, "kafka.version": "3.9", "duration.ms": 16000,
  "cluster": { "brokers": 3 },
  "topics": [ { "name": "orders", "partitions": 30, "replication.factor": 3 } ],
  "producers": [ { "name": "p1", "topic": "orders", "records": 2000, "records.per.sec": 200, "keys": 16 } ],
  "actions": [ { "at.ms": 2000, "do": "crash-broker", "broker": 1 } ] }"#;
    let (_, events, _) = run(parse_scenario(text).expect("valid"));
    let refreshes: Vec<&String> = events
        .iter()
        .filter(|e| e.contains("p1 refreshed metadata"))
        .collect();
    assert!(
        refreshes[0].ends_with(
            "p1 refreshed metadata: 30 of 30 partitions have a new leader: orders-0→0, orders-1→1, \
             orders-2→2, orders-3→0, orders-4→1, orders-5→2, orders-6→0, orders-7→1, orders-8→2, \
             orders-9→0, orders-10→1, orders-11→2 and 18 more"
        ),
        "{}",
        refreshes[0]
    );
    // After the controller fences broker 1, its ten partitions have moved: only they are listed.
    let moved = refreshes
        .iter()
        .find(|e| e.contains("10 of 30 partitions have a new leader"))
        .unwrap_or_else(|| panic!("{refreshes:#?}"));
    assert_eq!(
        moved.as_str(),
        "9599.474 p1 refreshed metadata: 10 of 30 partitions have a new leader: orders-1→2, \
         orders-4→2, orders-7→2, orders-10→2, orders-13→2, orders-16→2, orders-19→2, \
         orders-22→2, orders-25→2, orders-28→2"
    );
}

/// Partitions added to the first topic get global numbers after the second topic's, yet every
/// broker's view lists its replicas in topic order: the first topic's, by partition, then the
/// second's.
#[test]
fn a_brokers_view_lists_its_replicas_in_topic_order_after_partitions_are_added() {
    let text = r#"{ "format": 1, "seed": 11, "kafka.version": "3.9", "duration.ms": 3000,
  "cluster": { "brokers": 3 },
  "topics": [ { "name": "a", "partitions": 2, "replication.factor": 3 },
              { "name": "b", "partitions": 2, "replication.factor": 3 } ],
  "producers": [ { "name": "p1", "topic": "a", "records": 100, "records.per.sec": 100 } ],
  "actions": [ { "at.ms": 1000, "do": "add-partitions", "topic": "a", "partitions": 4 } ] }"#;
    let (_, _, sim) = run(parse_scenario(text).expect("valid"));
    for b in &sim.view().brokers {
        let listed: Vec<String> = b
            .replicas
            .iter()
            .map(|r| format!("{}-{}", r.topic, r.partition))
            .collect();
        assert_eq!(
            listed,
            ["a-0", "a-1", "a-2", "a-3", "b-0", "b-1"],
            "broker {}",
            b.id
        );
    }
}
