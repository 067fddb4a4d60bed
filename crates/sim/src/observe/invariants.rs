//! Named invariants, checked after every event in test builds (`cfg(test)` or the
//! `invariants` feature). A violation panics with the invariant's name.

use crate::world::sim::Simulation;
use std::collections::BTreeMap;

pub const ONE_LEADER_PER_EPOCH: &str = "one-leader-per-partition-and-epoch";
pub const HW_WITHIN_ISR_LEO: &str = "high-watermark-never-above-an-isr-member-leo";
pub const COMMITTED_NEVER_DISAPPEARS: &str = "committed-records-never-disappear";
pub const IDEMPOTENT_NO_DUPLICATES: &str = "idempotent-producer-never-duplicates";
pub const ONE_OWNER_PER_GENERATION: &str = "no-partition-owned-by-two-members-in-a-generation";
pub const FETCH_ONLY_OWNED: &str = "a-member-fetches-only-partitions-it-owns";
pub const COMMITTED_WITHIN_HW: &str = "committed-offsets-never-pass-the-high-watermark";

#[derive(Debug, Clone, Default)]
pub struct InvariantState {
    /// Per partition: (base offset, first record id, length) of each committed batch.
    committed: Vec<Vec<(u64, u32, usize)>>,
    committed_end: Vec<u64>,
    verified: Vec<Option<(u32, u32)>>,
    seen_idempotent: Vec<bool>,
}

pub fn check(sim: &mut Simulation) {
    check_groups(sim);
    let partitions = sim.world.topo.partitions.len();
    let unclean = sim.world.scenario.cluster.unclean_leader_election_enable;
    // 1. At most one broker believes it leads a partition in a given epoch.
    let mut leaders: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for b in sim.world.brokers.iter().filter(|b| b.alive) {
        for r in b.replicas.values().filter(|r| r.is_leader()) {
            if let Some(other) = leaders.insert((r.partition, r.leader_epoch), b.id) {
                panic!(
                    "invariant {ONE_LEADER_PER_EPOCH} violated: brokers {other} and {} both lead partition {} in epoch {}",
                    b.id, r.partition, r.leader_epoch
                );
            }
        }
    }
    // 2. The leader's high watermark never exceeds the log end of an ISR member.
    for b in sim.world.brokers.iter().filter(|b| b.alive) {
        for r in b.replicas.values() {
            let Some(isr) = r.isr() else { continue };
            for &m in isr {
                if let Some(mr) = sim
                    .world
                    .brokers
                    .get(m as usize)
                    .and_then(|x| x.replicas.get(&r.partition))
                {
                    if r.high_watermark > mr.log_end_offset {
                        panic!(
                            "invariant {HW_WITHIN_ISR_LEO} violated: {} high watermark {} on leader {} is above the log end {} of ISR member {m}",
                            sim.world.topo.name(r.partition), r.high_watermark, b.id, mr.log_end_offset
                        );
                    }
                }
            }
        }
    }
    if unclean {
        return;
    }
    // 3 and 4: follow each partition's committed prefix on its current leader.
    let idempotent: Vec<bool> = sim
        .world
        .scenario
        .producers
        .iter()
        .map(|p| p.enable_idempotence)
        .collect();
    let total = sim
        .world
        .ledger
        .producers
        .last()
        .map(|p| p.base as usize + p.entries.len())
        .unwrap_or(0);
    let mut st = std::mem::take(sim.invariant_state());
    st.committed.resize(partitions, Vec::new());
    st.committed_end.resize(partitions, 0);
    st.verified.resize(partitions, None);
    if st.seen_idempotent.len() < total {
        st.seen_idempotent.resize(total, false);
    }
    for (p, state) in sim.world.controller.partitions.iter().enumerate() {
        let Some(l) = state.leader else { continue };
        let Some(b) = sim.world.brokers.get(l as usize).filter(|b| b.alive) else {
            continue;
        };
        let Some(r) = b.replicas.get(&(p as u32)) else {
            continue;
        };
        if !r.is_leader() || r.leader_epoch != state.leader_epoch {
            continue;
        }
        let (Some(committed), Some(end)) = (st.committed.get_mut(p), st.committed_end.get_mut(p))
        else {
            continue;
        };
        if st.verified.get(p).copied().flatten() != Some((l, r.leader_epoch)) {
            for &(base, first, len) in committed.iter() {
                let i = r.log.partition_point(|x| x.base_offset < base);
                let ok = r.log.get(i).is_some_and(|x| {
                    x.base_offset == base
                        && x.records.len() == len
                        && x.records.first() == Some(&first)
                });
                if !ok {
                    panic!(
                        "invariant {COMMITTED_NEVER_DISAPPEARS} violated: {} offset {base} was committed but new leader {l} (epoch {}) does not have it",
                        sim.world.topo.name(p as u32), r.leader_epoch
                    );
                }
            }
            if let Some(v) = st.verified.get_mut(p) {
                *v = Some((l, r.leader_epoch));
            }
        }
        if r.high_watermark > *end {
            let i = r.log.partition_point(|x| x.base_offset < *end);
            for batch in r.log.iter().skip(i) {
                if batch.end_offset() > r.high_watermark {
                    break;
                }
                committed.push((
                    batch.base_offset,
                    batch.records.first().copied().unwrap_or(0),
                    batch.records.len(),
                ));
                *end = batch.end_offset();
                let producer = batch
                    .records
                    .first()
                    .and_then(|&id| sim.world.ledger.producer_of(id));
                if producer
                    .and_then(|pi| idempotent.get(pi).copied())
                    .unwrap_or(false)
                {
                    for &id in batch.records.iter() {
                        if let Some(seen) = st.seen_idempotent.get_mut(id as usize) {
                            if *seen {
                                panic!(
                                    "invariant {IDEMPOTENT_NO_DUPLICATES} violated: record {id} committed twice (second time in {} at offset {})",
                                    sim.world.topo.name(p as u32), batch.base_offset
                                );
                            }
                            *seen = true;
                        }
                    }
                }
            }
        }
    }
    *sim.invariant_state() = st;
}

/// Whether this build checks the invariants after every event.
/// The consumer groups' invariants.
pub fn check_groups(sim: &Simulation) {
    // 5. Within a generation of a group, no partition has two live owners.
    let mut owners: BTreeMap<(u32, i32, u32), &str> = BTreeMap::new();
    for c in sim
        .world
        .consumers
        .iter()
        .filter(|c| c.is_alive() && c.generation >= 0)
    {
        for &p in &c.owned {
            if let Some(other) = owners.insert((c.group, c.generation, p), &c.name) {
                panic!(
                    "invariant {ONE_OWNER_PER_GENERATION} violated: {other} and {} both own {} in generation {}",
                    c.name,
                    sim.world.topo.name(p),
                    c.generation
                );
            }
        }
        // 6. Fetches go only to owned partitions, and never during an eager rebalance.
        if c.foreign_fetches > 0 || c.fetches_during_eager_rebalance > 0 {
            panic!(
                "invariant {FETCH_ONLY_OWNED} violated: {} sent {} fetches for partitions it did not own and {} during an eager rebalance",
                c.name, c.foreign_fetches, c.fetches_during_eager_rebalance
            );
        }
    }
    // 7. A committed offset never passes the highest high watermark any replica reached.
    if sim.world.scenario.cluster.unclean_leader_election_enable {
        return;
    }
    for g in &sim.world.groups {
        for (&p, &offset) in &g.offsets {
            let hw = sim
                .world
                .brokers
                .iter()
                .filter_map(|b| b.replicas.get(&p))
                .map(|r| r.high_watermark)
                .max()
                .unwrap_or(0);
            if offset > hw {
                panic!(
                    "invariant {COMMITTED_WITHIN_HW} violated: group {} committed {} at {offset}, above its high watermark {hw}",
                    g.id,
                    sim.world.topo.name(p)
                );
            }
        }
    }
}

pub const CHECKED: bool = cfg!(any(test, feature = "invariants"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::broker::replica::ReplicaRole;
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::KafkaVersion;

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
        check(&mut sim);
    }

    #[test]
    #[should_panic(expected = "high-watermark-never-above-an-isr-member-leo")]
    fn a_high_watermark_above_a_follower_log_end_is_caught() {
        let mut sim = running();
        let r = sim.world.brokers[1].replicas.get_mut(&0).unwrap();
        r.truncate_to(0);
        check(&mut sim);
    }

    #[test]
    #[should_panic(expected = "committed-records-never-disappear")]
    fn a_new_leader_without_committed_records_is_caught() {
        let mut sim = running();
        check(&mut sim);
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
        check(&mut sim);
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
        sim.advance_to(5_000_000);
        check_groups(&sim);
        sim
    }

    #[test]
    #[should_panic(expected = "no-partition-owned-by-two-members-in-a-generation")]
    fn a_partition_owned_twice_in_a_generation_is_caught() {
        let mut sim = stable_group();
        let p = *sim.world.consumers[0].owned.iter().next().unwrap();
        sim.world.consumers[1].owned.insert(p);
        check_groups(&sim);
    }

    #[test]
    #[should_panic(expected = "a-member-fetches-only-partitions-it-owns")]
    fn a_fetch_of_a_foreign_partition_is_caught() {
        let mut sim = stable_group();
        sim.world.consumers[1].foreign_fetches = 1;
        check_groups(&sim);
    }

    #[test]
    #[should_panic(expected = "committed-offsets-never-pass-the-high-watermark")]
    fn a_commit_above_the_high_watermark_is_caught() {
        let mut sim = stable_group();
        sim.world.groups[0].offsets.insert(0, 1_000_000);
        check_groups(&sim);
    }
}
