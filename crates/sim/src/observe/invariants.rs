//! Named invariants, checked after every event in test builds (`cfg(test)` or the
//! `invariants` feature). Like stateright's `Property::always`, each is a name and a predicate
//! over the [`World`]; the simulation only calls [`check_all`], so this module knows nothing of
//! the loop. A violation panics with the invariant's name.

use crate::node::broker::log::BatchRef;
use crate::node::broker::replica::PartitionReplica as Replica;
use crate::world::World;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

pub const ONE_LEADER_PER_EPOCH: &str = "one-leader-per-partition-and-epoch";
pub const HW_WITHIN_ISR_LEO: &str = "high-watermark-never-above-an-isr-member-leo";
pub const COMMITTED_NEVER_DISAPPEARS: &str = "committed-records-never-disappear";
pub const IDEMPOTENT_NO_DUPLICATES: &str = "idempotent-producer-never-duplicates";
pub const ONE_OWNER_PER_GENERATION: &str = "no-partition-owned-by-two-members-in-a-generation";
pub const FETCH_ONLY_OWNED: &str = "a-member-fetches-only-partitions-it-owns";
pub const COMMITTED_WITHIN_HW: &str = "committed-offsets-never-pass-the-high-watermark";
pub const BUFFER_WITHIN_MEMORY: &str = "a-producers-batches-never-hold-more-than-buffer-memory";
pub const FETCH_SESSION_IDLE_CAUGHT_UP: &str =
    "a-fetch-session-leaves-out-only-caught-up-partitions";
pub const CONSUMER_SESSION_MATCHES: &str =
    "a-consumer-fetch-session-holds-what-the-consumer-reads-and-answers-all-it-has";

/// A property that must hold after every event. `holds` may keep history in the
/// [`InvariantState`] (what was committed so far), since some properties span events.
pub struct Property {
    pub name: &'static str,
    pub holds: fn(&World, &mut InvariantState) -> Result<(), String>,
}

/// Every property, in the order they are checked.
pub const ALWAYS: &[Property] = &[
    Property {
        name: ONE_OWNER_PER_GENERATION,
        holds: one_owner_per_generation,
    },
    Property {
        name: FETCH_ONLY_OWNED,
        holds: fetch_only_owned,
    },
    Property {
        name: COMMITTED_WITHIN_HW,
        holds: committed_within_hw,
    },
    Property {
        name: ONE_LEADER_PER_EPOCH,
        holds: one_leader_per_epoch,
    },
    Property {
        name: HW_WITHIN_ISR_LEO,
        holds: hw_within_isr_leo,
    },
    Property {
        name: COMMITTED_NEVER_DISAPPEARS,
        holds: committed_never_disappears,
    },
    Property {
        name: IDEMPOTENT_NO_DUPLICATES,
        holds: idempotent_no_duplicates,
    },
    Property {
        name: BUFFER_WITHIN_MEMORY,
        holds: buffer_within_memory,
    },
    Property {
        name: FETCH_SESSION_IDLE_CAUGHT_UP,
        holds: fetch_session_idle_caught_up,
    },
    Property {
        name: CONSUMER_SESSION_MATCHES,
        holds: consumer_session_matches,
    },
];

/// Whether this build checks the invariants after every event.
pub const CHECKED: bool = cfg!(any(test, feature = "invariants"));

/// The history the properties that span events keep.
#[derive(Debug, Clone, Default)]
pub struct InvariantState {
    /// Per partition: (base offset, first record id, length) of each committed batch.
    committed: Vec<Vec<(u64, u32, usize)>>,
    committed_end: Vec<u64>,
    verified: Vec<Option<(u32, u32)>>,
    /// Where the duplicate check has read each partition's committed log up to (kept apart
    /// from `committed_end` so the two properties stay independent).
    idempotent_end: Vec<u64>,
    seen_idempotent: Vec<bool>,
}

/// Checks every property in [`ALWAYS`]; panics naming the first that does not hold.
pub fn check_all(world: &World, state: &mut InvariantState) {
    for p in ALWAYS {
        if let Err(why) = (p.holds)(world, state) {
            panic!("invariant {} violated: {why}", p.name);
        }
    }
}

/// At most one broker believes it leads a partition in a given epoch.
fn one_leader_per_epoch(w: &World, _: &mut InvariantState) -> Result<(), String> {
    let mut leaders: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for b in w.brokers.iter().filter(|b| b.alive) {
        for r in b.replicas.values().filter(|r| r.is_leader()) {
            if let Some(other) = leaders.insert((r.partition, r.leader_epoch), b.id) {
                return Err(format!(
                    "brokers {other} and {} both lead partition {} in epoch {}",
                    b.id, r.partition, r.leader_epoch
                ));
            }
        }
    }
    Ok(())
}

/// A leader's incremental fetch session reads only partitions that changed (KIP-227): each one
/// it leaves out is caught up, with nothing new to send.
fn fetch_session_idle_caught_up(w: &World, _: &mut InvariantState) -> Result<(), String> {
    w.brokers
        .iter()
        .filter(|b| b.alive)
        .try_for_each(|b| b.check_idle_session_partitions())
}

/// A leader's session with a consumer holds exactly the partitions and offsets the consumer
/// last sent in full alongside, and each answer lists every cached partition with records, an
/// error or a LATEST lookup (the leader checks both as it answers and counts what differs).
fn consumer_session_matches(w: &World, _: &mut InvariantState) -> Result<(), String> {
    match w.brokers.iter().find(|b| b.consumer_session_faults > 0) {
        Some(b) => Err(format!(
            "broker {} found {} consumer fetch session(s) out of step with the consumer or \
             leaving out a partition with something to answer",
            b.id, b.consumer_session_faults
        )),
        None => Ok(()),
    }
}

/// The leader's high watermark never exceeds the log end of an ISR member.
fn hw_within_isr_leo(w: &World, _: &mut InvariantState) -> Result<(), String> {
    for b in w.brokers.iter().filter(|b| b.alive) {
        for r in b.replicas.values() {
            let Some(isr) = r.isr() else { continue };
            for &m in isr {
                if let Some(mr) = w
                    .brokers
                    .get(m as usize)
                    .and_then(|x| x.replicas.get(&r.partition))
                {
                    if r.high_watermark > mr.log_end_offset {
                        return Err(format!(
                            "{} high watermark {} on leader {} is above the log end {} of ISR member {m}",
                            w.topo.name(r.partition), r.high_watermark, b.id, mr.log_end_offset
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Each partition's current leader, when the controller and that broker agree on it (the
/// committed-prefix properties follow only such leaders). Unclean elections may lose committed
/// records by design, so then there are none.
fn agreed_leaders(w: &World) -> impl Iterator<Item = (usize, u32, &Replica)> {
    let unclean = w.scenario.cluster.unclean_leader_election_enable;
    w.controller
        .partitions
        .iter()
        .enumerate()
        .filter(move |_| !unclean)
        .filter_map(|(p, state)| {
            let l = state.leader?;
            let b = w.brokers.get(l as usize).filter(|b| b.alive)?;
            let r = b.replicas.get(&(p as u32))?;
            (r.is_leader() && r.leader_epoch == state.leader_epoch).then_some((p, l, r))
        })
}

/// A batch committed once (below a leader's high watermark) is on every later leader.
fn committed_never_disappears(w: &World, st: &mut InvariantState) -> Result<(), String> {
    let partitions = w.topo.partitions.len();
    st.committed.resize(partitions, Vec::new());
    st.committed_end.resize(partitions, 0);
    st.verified.resize(partitions, None);
    for (p, l, r) in agreed_leaders(w) {
        let (Some(committed), Some(end)) = (st.committed.get_mut(p), st.committed_end.get_mut(p))
        else {
            continue;
        };
        if st.verified.get(p).copied().flatten() != Some((l, r.leader_epoch)) {
            for &(base, first, len) in committed.iter() {
                let mut ok = false;
                r.log.walk_from_base(base, |x| {
                    ok = x.base_offset == base
                        && x.records.len() == len
                        && x.records.first() == Some(first);
                    ControlFlow::Break(())
                });
                if !ok {
                    return Err(format!(
                        "{} offset {base} was committed but new leader {l} (epoch {}) does not have it",
                        w.topo.name(p as u32), r.leader_epoch
                    ));
                }
            }
            if let Some(v) = st.verified.get_mut(p) {
                *v = Some((l, r.leader_epoch));
            }
        }
        newly_committed(r, end, |batch| {
            committed.push((
                batch.base_offset,
                batch.records.first().unwrap_or(0),
                batch.records.len(),
            ));
            Ok(())
        })?;
    }
    Ok(())
}

/// Visits the batches of `r`'s log from `end` up to its high watermark, moving `end` past
/// each; the first error `f` returns stops the walk.
fn newly_committed(
    r: &Replica,
    end: &mut u64,
    mut f: impl FnMut(BatchRef<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let mut result = Ok(());
    if r.high_watermark > *end {
        r.log.walk_from_base(*end, |batch| {
            if batch.end_offset() > r.high_watermark {
                return ControlFlow::Break(());
            }
            *end = batch.end_offset();
            result = f(batch);
            if result.is_err() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
    }
    result
}

/// A producer's batches hold at most `buffer.memory` bytes (`BufferPool`), and the count of
/// what they hold is their sum.
fn buffer_within_memory(w: &World, _: &mut InvariantState) -> Result<(), String> {
    for p in &w.producers {
        let held: u64 = p
            .accumulator
            .batches
            .values()
            .map(|b| u64::from(b.buffer_bytes))
            .sum();
        if held != p.accumulator.allocated || held > p.cfg.buffer_memory {
            return Err(format!(
                "{}'s batches hold {held} bytes (counted {}), buffer.memory {}",
                p.cfg.name, p.accumulator.allocated, p.cfg.buffer_memory
            ));
        }
    }
    Ok(())
}

/// An idempotent producer's record is committed at most once.
fn idempotent_no_duplicates(w: &World, st: &mut InvariantState) -> Result<(), String> {
    let idempotent: Vec<bool> = w
        .scenario
        .producers
        .iter()
        .map(|p| p.enable_idempotence)
        .collect();
    let total = w
        .ledger
        .producers
        .last()
        .map(|p| p.base as usize + p.sent() as usize)
        .unwrap_or(0);
    st.idempotent_end.resize(w.topo.partitions.len(), 0);
    if st.seen_idempotent.len() < total {
        st.seen_idempotent.resize(total, false);
    }
    for (p, _, r) in agreed_leaders(w) {
        let Some(end) = st.idempotent_end.get_mut(p) else {
            continue;
        };
        let seen_idempotent = &mut st.seen_idempotent;
        newly_committed(r, end, |batch| {
            let producer = batch
                .records
                .first()
                .and_then(|id| w.ledger.producer_of(id));
            if !producer
                .and_then(|pi| idempotent.get(pi).copied())
                .unwrap_or(false)
            {
                return Ok(());
            }
            for id in batch.records.iter() {
                if let Some(seen) = seen_idempotent.get_mut(id as usize) {
                    if *seen {
                        return Err(format!(
                            "record {id} committed twice (second time in {} at offset {})",
                            w.topo.name(p as u32),
                            batch.base_offset
                        ));
                    }
                    *seen = true;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Within a generation of a group, no partition has two live owners.
fn one_owner_per_generation(w: &World, _: &mut InvariantState) -> Result<(), String> {
    let mut owners: BTreeMap<(u32, i32, u32), &str> = BTreeMap::new();
    for c in w
        .consumers
        .iter()
        .filter(|c| c.is_alive() && c.generation >= 0)
    {
        for &p in &c.owned {
            if let Some(other) = owners.insert((c.group, c.generation, p), &c.name) {
                return Err(format!(
                    "{other} and {} both own {} in generation {}",
                    c.name,
                    w.topo.name(p),
                    c.generation
                ));
            }
        }
    }
    Ok(())
}

/// Fetches go only to owned partitions, and never during an eager rebalance.
fn fetch_only_owned(w: &World, _: &mut InvariantState) -> Result<(), String> {
    for c in w
        .consumers
        .iter()
        .filter(|c| c.is_alive() && c.generation >= 0)
    {
        if c.foreign_fetches > 0 || c.fetches_during_eager_rebalance > 0 {
            return Err(format!(
                "{} sent {} fetches for partitions it did not own and {} during an eager rebalance",
                c.name, c.foreign_fetches, c.fetches_during_eager_rebalance
            ));
        }
    }
    Ok(())
}

/// A committed offset never passes the highest high watermark any replica reached (unclean
/// elections may move the high watermark back, so then it is not checked).
fn committed_within_hw(w: &World, _: &mut InvariantState) -> Result<(), String> {
    if w.scenario.cluster.unclean_leader_election_enable {
        return Ok(());
    }
    for g in &w.groups {
        for (&p, &offset) in &g.offsets {
            let hw = w
                .brokers
                .iter()
                .filter_map(|b| b.replicas.get(&p))
                .map(|r| r.high_watermark)
                .max()
                .unwrap_or(0);
            if offset > hw {
                return Err(format!(
                    "group {} committed {} at {offset}, above its high watermark {hw}",
                    g.id,
                    w.topo.name(p)
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::protocol::LogBatch;
    use crate::node::broker::replica::ReplicaRole;
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::KafkaVersion;
    use crate::world::sim::Simulation;

    fn running() -> Simulation {
        let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .topic(1, 3, 2)
            .producer(|p| p.records = 50)
            .build();
        let mut sim = Simulation::new(s);
        sim.advance_to(1_000_000);
        sim
    }

    #[test]
    #[should_panic(expected = "one-leader-per-partition-and-epoch")]
    fn two_leaders_in_one_epoch_are_caught() {
        let mut sim = running();
        let epoch = sim.world.brokers[0].replicas.get(&0).unwrap().leader_epoch;
        let r = sim.world.brokers[1].replicas.get_mut(&0).unwrap();
        r.leader_epoch = epoch;
        r.role = ReplicaRole::Leader {
            isr: vec![1],
            followers: vec![],
            isr_change_pending: false,
            expanding: None,
        };
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(expected = "high-watermark-never-above-an-isr-member-leo")]
    fn a_high_watermark_above_a_follower_log_end_is_caught() {
        let mut sim = running();
        let r = sim.world.brokers[1].replicas.get_mut(&0).unwrap();
        r.truncate_to(0);
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(expected = "committed-records-never-disappear")]
    fn a_new_leader_without_committed_records_is_caught() {
        let mut sim = running();
        let mut state = InvariantState::default();
        check_all(&sim.world, &mut state);
        // Broker 1 takes over in a new epoch with an empty log.
        sim.world.brokers[0].replicas.get_mut(&0).unwrap().role =
            ReplicaRole::Follower { leader: Some(1) };
        let st = &mut sim.world.controller.partitions[0];
        st.leader = Some(1);
        st.leader_epoch += 1;
        let r = sim.world.brokers[1].replicas.get_mut(&0).unwrap();
        r.truncate_to(0);
        r.leader_epoch = st.leader_epoch;
        r.role = ReplicaRole::Leader {
            isr: vec![1],
            followers: vec![],
            isr_change_pending: false,
            expanding: None,
        };
        check_all(&sim.world, &mut state);
    }

    #[test]
    #[should_panic(expected = "a-producers-batches-never-hold-more-than-buffer-memory")]
    fn batches_beyond_buffer_memory_are_caught() {
        let mut sim = running();
        // Records still sending at 1 s: a batch holds a buffer, which a smaller pool cannot.
        sim.world.producers[0].accumulator.append(0, 0, 1_000_000);
        sim.world.producers[0].cfg.buffer_memory = 100;
        check_all(&sim.world, &mut InvariantState::default());
    }

    fn stable_group() -> Simulation {
        let mut s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .topic(2, 3, 2)
            .producer(|p| p.records = 50)
            .build();
        let topic = s.topics[0].name.clone();
        s.groups.push(crate::scenario::presets::group_defaults(
            s.kafka_version,
            "g1",
            &[&topic],
            2,
        ));
        let mut sim = Simulation::new(s);
        // Two members joining together: Stable after two initial rebalance delays (6 s).
        sim.advance_to(8_000_000);
        check_all(&sim.world, &mut InvariantState::default());
        sim
    }

    #[test]
    #[should_panic(expected = "no-partition-owned-by-two-members-in-a-generation")]
    fn a_partition_owned_twice_in_a_generation_is_caught() {
        let mut sim = stable_group();
        let p = *sim.world.consumers[0].owned.iter().next().unwrap();
        sim.world.consumers[1].owned.insert(p);
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(
        expected = "a-consumer-fetch-session-holds-what-the-consumer-reads-and-answers-all-it-has"
    )]
    fn a_consumer_session_out_of_step_is_caught() {
        let mut sim = stable_group();
        sim.world.brokers[0].consumer_session_faults = 1;
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(expected = "a-member-fetches-only-partitions-it-owns")]
    fn a_fetch_of_a_foreign_partition_is_caught() {
        let mut sim = stable_group();
        sim.world.consumers[1].foreign_fetches = 1;
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(expected = "committed-offsets-never-pass-the-high-watermark")]
    fn a_commit_above_the_high_watermark_is_caught() {
        let mut sim = stable_group();
        sim.world.groups[0].offsets.insert(0, 1_000_000);
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    #[should_panic(expected = "a-fetch-session-leaves-out-only-caught-up-partitions")]
    fn records_a_fetch_session_would_not_look_at_are_caught() {
        let mut sim = running();
        let leader = sim
            .world
            .brokers
            .iter()
            .position(|b| b.replicas.get(&0).is_some_and(|r| r.is_leader()))
            .unwrap();
        // Appended behind the session's back (a real append marks the partition changed).
        let r = sim.world.brokers[leader].replicas.get_mut(&0).unwrap();
        let batch = LogBatch {
            base_offset: r.log_end_offset,
            records: std::sync::Arc::from(vec![0u32]),
            leader_epoch: r.leader_epoch,
            identity: None,
        };
        r.append(batch);
        check_all(&sim.world, &mut InvariantState::default());
    }

    #[test]
    fn every_property_has_a_unique_non_empty_name() {
        let names: Vec<&str> = ALWAYS.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), 10);
        assert!(names.iter().all(|n| !n.trim().is_empty()));
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "duplicate property names in {names:?}"
        );
    }

    #[test]
    fn a_violation_panics_with_the_property_name() {
        let mut sim = stable_group();
        sim.world.consumers[0].foreign_fetches = 3;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_all(&sim.world, &mut InvariantState::default())
        }));
        let msg = r.unwrap_err();
        let msg = msg.downcast_ref::<String>().unwrap();
        assert!(
            msg.starts_with("invariant a-member-fetches-only-partitions-it-owns violated: "),
            "{msg}"
        );
    }
}
