//! The consumer groups' part of the `View`: per group its coordinator, state, generation,
//! leader, members with their assignment and activity, and per partition the committed
//! offset and lag.

use crate::node::consumer::{Lifecycle, MemberState};
use crate::node::coordinator::GroupState;
use crate::world::sim::Simulation;
use serde::Serialize;

/// What a member is doing now, for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberActivity {
    /// It owns partitions and fetches or processes them.
    Fetching,
    /// Stable but owns nothing (more consumers than partitions) or waits for records.
    Idle,
    /// In a rebalance; an eager member has given up everything and fetches nothing.
    Paused,
    /// Not calling poll() (stall-consumer).
    Stalled,
    Dead,
    Closed,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub name: String,
    /// Whether the coordinator counts it as a member of the group now.
    pub in_group: bool,
    pub is_leader: bool,
    pub member_state: MemberState,
    pub activity: MemberActivity,
    /// The generation it belongs to (-1: none).
    pub generation: i32,
    /// Partitions it consumes now, as `(topic, partition)`.
    pub owned: Vec<(String, u32)>,
    pub coordinator: Option<u32>,
    /// Records handed to its application so far.
    pub delivered: u64,
    /// The record every `poll()` throws at (a value it cannot deserialize, with
    /// `on.deserialization.error` fail): partition (`suppliers-0`) and offset.
    pub stuck_at: Option<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupPartitionView {
    pub topic: String,
    pub partition: u32,
    /// The member owning it in the coordinator's current assignment.
    pub assigned_to: Option<String>,
    pub committed: Option<u64>,
    pub high_watermark: u64,
    /// High watermark minus committed offset.
    pub lag: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub id: String,
    pub state: GroupState,
    pub generation: i32,
    /// `partition.assignment.strategy`, and whether it rebalances cooperatively.
    pub protocol: &'static str,
    pub cooperative: bool,
    pub coordinator: Option<u32>,
    /// `__consumer_offsets` partition whose leader is the coordinator.
    pub offsets_partition: u32,
    pub leader: Option<String>,
    pub rebalances: u32,
    pub members: Vec<MemberView>,
    pub partitions: Vec<GroupPartitionView>,
    pub consumed: u64,
    pub redelivered: u64,
    /// The `value.schema` its application reads now (upgrades applied).
    pub value_schema: Option<crate::scenario::SchemaRef>,
    /// Where the model simplifies, for the page to say.
    pub notes: &'static str,
}

const NOTES: &str = "Member ids are the consumer names (the MEMBER_ID_REQUIRED round trip of 2.2+ is skipped). The coordinator keeps the group and its committed offsets as __consumer_offsets would; that topic is not drawn. The first rebalance waits group.initial.rebalance.delay.ms.";

impl Simulation {
    pub fn group_views(&self) -> Vec<GroupView> {
        let tp = |p: u32| self.world.topo.topic_partition(p);
        self.world
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let members = self
                    .world
                    .consumers
                    .iter()
                    .filter(|c| c.group as usize == i)
                    .map(|c| {
                        let activity = match c.lifecycle {
                            Lifecycle::Dead => MemberActivity::Dead,
                            Lifecycle::Closed => MemberActivity::Closed,
                            Lifecycle::Stalled { .. } => MemberActivity::Stalled,
                            Lifecycle::Running if c.in_eager_rebalance() => MemberActivity::Paused,
                            Lifecycle::Running if c.owned.is_empty() => MemberActivity::Idle,
                            Lifecycle::Running => MemberActivity::Fetching,
                        };
                        MemberView {
                            name: c.name.clone(),
                            in_group: g.members.contains_key(&c.index),
                            is_leader: g.leader == Some(c.index),
                            member_state: c.member,
                            activity,
                            generation: c.generation,
                            owned: c.owned.iter().map(|p| tp(*p)).collect(),
                            coordinator: c.coordinator,
                            delivered: c.delivered,
                            stuck_at: c
                                .values
                                .stuck_at
                                .map(|(p, o)| (self.world.topo.name(p).to_string(), o)),
                        }
                    })
                    .collect();
                // Each partition's owner, found in one pass over the assignment: a search of
                // every member's list for each partition cost partitions × members a frame.
                let mut owner: Vec<Option<u32>> =
                    vec![None; self.world.controller.partitions.len()];
                for m in g.members.values() {
                    for &p in &m.assignment {
                        if let Some(slot @ None) = owner.get_mut(p as usize) {
                            *slot = Some(m.consumer);
                        }
                    }
                }
                let partitions = self
                    .group_lag(i)
                    .into_iter()
                    .map(|(p, committed, lag)| {
                        let (topic, partition) = tp(p);
                        GroupPartitionView {
                            topic,
                            partition,
                            assigned_to: owner
                                .get(p as usize)
                                .copied()
                                .flatten()
                                .map(|c| g.name_of(c)),
                            committed,
                            high_watermark: self.high_watermark(p),
                            lag,
                        }
                    })
                    .collect();
                let consumed = self.world.ledger.groups.get(i);
                GroupView {
                    id: g.id.clone(),
                    state: g.state,
                    generation: g.generation,
                    protocol: g.strategy.name(),
                    cooperative: g.strategy
                        == crate::scenario::AssignmentStrategy::CooperativeSticky,
                    coordinator: g.coordinator,
                    offsets_partition: g.offsets_partition,
                    leader: g.leader.map(|l| g.name_of(l)),
                    rebalances: g.rebalances,
                    members,
                    partitions,
                    consumed: consumed.map(|c| c.records).unwrap_or(0),
                    redelivered: consumed.map(|c| c.redelivered).unwrap_or(0),
                    value_schema: self
                        .world
                        .group_configs
                        .get(i)
                        .and_then(|c| c.value_schema.clone()),
                    notes: NOTES,
                }
            })
            .collect()
    }
}
