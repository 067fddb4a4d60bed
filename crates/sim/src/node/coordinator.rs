//! The group coordinator: the classic group protocol's state machine for one group (Kafka's
//! `GroupCoordinator` over `GroupMetadata`), hosted by the broker that leads the group's
//! partition of `__consumer_offsets` (`GroupMetadataManager.partitionFor`).
//!
//! Simplifications, said where they matter:
//! - `__consumer_offsets` is not simulated record by record: the group's metadata (generation,
//!   members, assignment) and its committed offsets are kept here as what that replicated
//!   partition holds, so a new coordinator "loads" them when leadership moves.
//! - Member ids are the consumers' names; the MEMBER_ID_REQUIRED round trip of 2.2+ (KIP-394)
//!   is skipped.
//! - `group.initial.rebalance.delay.ms` delays every rebalance that starts from Empty, at any
//!   generation (Kafka's `InitialDelayedJoin`); in generation 0 only, a member joining during
//!   a delay earns one more delay, up to the first member's rebalance timeout.

mod placement;
mod rebalance;

pub use placement::offsets_partition_leader;

use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{GroupMessage, NodeId, Payload};
use crate::node::{Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::scenario::AssignmentStrategy;
use crate::support::vec_map::VecMap;
use serde::Serialize;

/// The classic group states, as `GroupMetadata` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    /// Kafka's name of the state (`GroupState`'s constants in the group coordinator).
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

#[derive(Debug, Clone)]
pub struct GroupMember {
    pub consumer: u32,
    pub session_timeout_us: u64,
    pub rebalance_timeout_us: u64,
    pub last_heartbeat_us: u64,
    /// Joined the current join phase (its JoinGroup waits for the phase to complete).
    pub awaiting_join: bool,
    pub owned: Vec<u32>,
    pub owned_generation: i32,
    /// Sent SyncGroup and waits for the leader's assignment.
    pub awaiting_sync: bool,
    /// Its part of the current generation's assignment.
    pub assignment: Vec<u32>,
    /// When it first joined (the leader is the earliest joined member).
    pub joined_seq: u64,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub index: u32,
    pub id: String,
    pub strategy: AssignmentStrategy,
    pub state: GroupState,
    pub generation: i32,
    pub leader: Option<u32>,
    pub members: VecMap<u32, GroupMember>,
    /// Committed offsets (the next record to read), per global partition.
    pub offsets: VecMap<u32, u64>,
    /// The broker hosting the group now (leader of its `__consumer_offsets` partition).
    pub coordinator: Option<u32>,
    pub offsets_partition: u32,
    /// Completed join phases: the number of rebalances (the first join counts, as in Kafka).
    pub rebalances: u32,
    /// Consumer index → name (`g1-c1`), for the trace and the report.
    pub names: VecMap<u32, String>,
    initial_delay_us: u64,
    /// The join phase started from Empty: Kafka's `InitialDelayedJoin`, which never completes
    /// early and may extend itself.
    initial_join: bool,
    /// A new member joined during this delay (`GroupMetadata.newMemberAdded`, generation 0).
    new_member_added: bool,
    /// The current delay and what is left of the rebalance timeout beyond it
    /// (`InitialDelayedJoin.delayMs`, `remainingMs`).
    initial_chunk_us: u64,
    initial_remaining_us: u64,
    join_deadline_us: u64,
    join_started_us: u64,
    check_due: Option<u64>,
    next_seq: u64,
}

impl Group {
    pub fn new(
        index: u32,
        id: String,
        strategy: AssignmentStrategy,
        offsets_partition: u32,
        initial_delay_us: u64,
    ) -> Group {
        Group {
            index,
            id,
            strategy,
            state: GroupState::Empty,
            generation: 0,
            leader: None,
            members: VecMap::new(),
            offsets: VecMap::new(),
            coordinator: None,
            offsets_partition,
            rebalances: 0,
            names: VecMap::new(),
            initial_delay_us,
            initial_join: false,
            new_member_added: false,
            initial_chunk_us: 0,
            initial_remaining_us: 0,
            join_deadline_us: 0,
            join_started_us: 0,
            check_due: None,
            next_seq: 0,
        }
    }

    pub fn name_of(&self, consumer: u32) -> String {
        self.names
            .get(&consumer)
            .cloned()
            .unwrap_or_else(|| format!("consumer {consumer}"))
    }

    fn node(&self) -> NodeId {
        NodeId::Broker(self.coordinator.unwrap_or(0))
    }

    fn reply(&self, to: NodeId, message: GroupMessage, out: &mut Outbox) {
        out.send(
            self.node(),
            to,
            Payload::Group {
                group: self.index,
                message,
            },
        );
    }

    fn trace(&self, now: u64, kind: TraceKind, text: String, out: &mut Outbox) {
        out.trace(now, self.node(), kind, text);
    }

    /// Leadership of the offsets partition moved: the new coordinator loads the group from
    /// the log. Pending joins and syncs were the old broker's memory: the members re-send
    /// them after rediscovering the coordinator. Sessions restart at load time, as Kafka
    /// reschedules every member's heartbeat expiration when it loads a group.
    pub fn move_to(&mut self, coordinator: Option<u32>, now: u64, out: &mut Outbox) {
        if coordinator == self.coordinator {
            return;
        }
        self.coordinator = coordinator;
        let Some(b) = coordinator else {
            return;
        };
        for m in self.members.values_mut() {
            m.last_heartbeat_us = now;
            m.awaiting_sync = false;
        }
        self.trace(
            now,
            TraceKind::CoordinatorMoved,
            format!(
                "broker {b} is now the coordinator of group {} (leader of __consumer_offsets-{}); it loads the group: generation {}, {} members",
                self.id,
                self.offsets_partition,
                self.generation,
                self.members.len()
            ),
            out,
        );
        self.reschedule(now, out);
    }

    /// Handles one request that reached broker `broker`.
    pub fn on_message(
        &mut self,
        now: u64,
        broker: u32,
        from: NodeId,
        message: GroupMessage,
        out: &mut Outbox,
    ) {
        if let GroupMessage::FindCoordinator = message {
            let answer = self.coordinator.ok_or(ErrorCode::CoordinatorNotAvailable);
            out.send(
                NodeId::Broker(broker),
                from,
                Payload::Group {
                    group: self.index,
                    message: GroupMessage::FindCoordinatorResponse(answer),
                },
            );
            return;
        }
        if self.coordinator != Some(broker) {
            let err = ErrorCode::NotCoordinator;
            let reply = match message {
                GroupMessage::JoinGroup { .. } => GroupMessage::JoinGroupResponse(Err(err)),
                GroupMessage::SyncGroup { generation, .. } => GroupMessage::SyncGroupResponse {
                    generation,
                    result: Err(err),
                },
                GroupMessage::Heartbeat { .. } => GroupMessage::HeartbeatResponse(Some(err)),
                GroupMessage::LeaveGroup { .. } => GroupMessage::LeaveGroupResponse,
                GroupMessage::OffsetCommit { .. } => GroupMessage::OffsetCommitResponse(Some(err)),
                GroupMessage::OffsetFetch { .. } => GroupMessage::OffsetFetchResponse(Err(err)),
                _ => return,
            };
            out.send(
                NodeId::Broker(broker),
                from,
                Payload::Group {
                    group: self.index,
                    message: reply,
                },
            );
            return;
        }
        match message {
            GroupMessage::JoinGroup {
                member,
                owned,
                generation,
                session_timeout_us,
                rebalance_timeout_us,
            } => self.join(
                now,
                member,
                owned,
                generation,
                session_timeout_us,
                rebalance_timeout_us,
                out,
            ),
            GroupMessage::SyncGroup {
                member,
                generation,
                assignment,
            } => self.sync(now, member, generation, assignment, out),
            GroupMessage::Heartbeat { member, generation } => {
                let error = self.heartbeat(now, member, generation);
                self.reply(from, GroupMessage::HeartbeatResponse(error), out);
            }
            GroupMessage::LeaveGroup { member } => {
                self.reply(from, GroupMessage::LeaveGroupResponse, out);
                if self.members.remove(&member).is_some() {
                    self.trace(
                        now,
                        TraceKind::MemberLeft,
                        format!(
                            "{} leaves group {} (LeaveGroup)",
                            self.name_of(member),
                            self.id
                        ),
                        out,
                    );
                    self.member_gone(now, member, out);
                }
            }
            GroupMessage::OffsetCommit {
                member,
                generation,
                offsets,
            } => {
                let error = self.commit(member, generation, &offsets);
                self.reply(from, GroupMessage::OffsetCommitResponse(error), out);
            }
            GroupMessage::OffsetFetch { partitions } => {
                let offsets = partitions
                    .iter()
                    .map(|p| (*p, self.offsets.get(p).copied()))
                    .collect();
                self.reply(from, GroupMessage::OffsetFetchResponse(Ok(offsets)), out);
            }
            _ => {}
        }
        self.reschedule(now, out);
    }

    fn heartbeat(&mut self, now: u64, member: u32, generation: i32) -> Option<ErrorCode> {
        let Some(m) = self.members.get_mut(&member) else {
            return Some(ErrorCode::UnknownMemberId);
        };
        m.last_heartbeat_us = now;
        match self.state {
            GroupState::PreparingRebalance => Some(ErrorCode::RebalanceInProgress),
            _ if generation != self.generation => Some(ErrorCode::IllegalGeneration),
            GroupState::CompletingRebalance | GroupState::Stable => None,
            _ => Some(ErrorCode::UnknownMemberId),
        }
    }

    fn commit(
        &mut self,
        member: u32,
        generation: i32,
        offsets: &[(u32, u64)],
    ) -> Option<ErrorCode> {
        if !self.members.contains_key(&member) {
            return Some(ErrorCode::UnknownMemberId);
        }
        if generation != self.generation {
            return Some(ErrorCode::IllegalGeneration);
        }
        if self.state == GroupState::CompletingRebalance {
            return Some(ErrorCode::RebalanceInProgress);
        }
        for &(p, o) in offsets {
            self.offsets.insert(p, o);
        }
        None
    }

    /// Session expiries and the end of a join phase.
    pub fn on_check(&mut self, now: u64, out: &mut Outbox) {
        if self.check_due != Some(now) {
            return;
        }
        self.check_due = None;
        let expired: Vec<u32> = self
            .members
            .values()
            .filter(|m| {
                !m.awaiting_join && now >= m.last_heartbeat_us.saturating_add(m.session_timeout_us)
            })
            .map(|m| m.consumer)
            .collect();
        for c in expired {
            let timeout = self
                .members
                .remove(&c)
                .map(|m| m.session_timeout_us / 1000)
                .unwrap_or(0);
            self.trace(
                now,
                TraceKind::MemberRemoved,
                format!(
                    "no heartbeat from {} for session.timeout.ms = {timeout} ms: removed from group {}",
                    self.name_of(c),
                    self.id
                ),
                out,
            );
            self.member_gone(now, c, out);
        }
        self.maybe_complete_join(now, out);
        self.reschedule(now, out);
    }

    /// Sets the timer for the earliest deadline, if it changed.
    fn reschedule(&mut self, now: u64, out: &mut Outbox) {
        let mut next = self
            .members
            .values()
            .filter(|m| !m.awaiting_join)
            .map(|m| m.last_heartbeat_us.saturating_add(m.session_timeout_us))
            .min();
        if self.state == GroupState::PreparingRebalance {
            next = Some(next.map_or(self.join_deadline_us, |n| n.min(self.join_deadline_us)));
        }
        let Some(at) = next.map(|t| t.max(now)) else {
            return;
        };
        if self.check_due.is_some_and(|d| d <= at && d >= now) {
            return;
        }
        self.check_due = Some(at);
        out.timer(at, self.node(), Timer::GroupCheck { group: self.index });
    }

    /// Whether the coordinator's broker runs (a dead coordinator evicts no one).
    pub fn check_due(&self) -> Option<u64> {
        self.check_due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::protocol::JoinResult;
    use std::sync::Arc;

    fn group() -> Group {
        let mut g = Group::new(0, "g1".into(), AssignmentStrategy::Range, 7, 3_000_000);
        g.coordinator = Some(1);
        g
    }

    fn join(g: &mut Group, now: u64, member: u32, out: &mut Outbox) {
        g.on_message(
            now,
            1,
            NodeId::Consumer(member),
            GroupMessage::JoinGroup {
                member,
                owned: Vec::new(),
                generation: -1,
                session_timeout_us: 10_000_000,
                rebalance_timeout_us: 300_000_000,
            },
            out,
        );
    }

    fn join_responses(out: &Outbox) -> Vec<(NodeId, JoinResult)> {
        out.sends
            .iter()
            .filter_map(|(_, to, p)| match p {
                Payload::Group {
                    message: GroupMessage::JoinGroupResponse(Ok(r)),
                    ..
                } => Some((*to, r.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_first_member_to_join_leads_and_only_its_response_lists_the_members() {
        let mut g = group();
        let mut out = Outbox::default();
        join(&mut g, 0, 5, &mut out);
        join(&mut g, 1_000, 2, &mut out);
        assert_eq!(g.state, GroupState::PreparingRebalance);
        // group.initial.rebalance.delay.ms, then once more: a new member came during it.
        g.check_due = Some(3_000_000);
        g.on_check(3_000_000, &mut out);
        assert_eq!(g.state, GroupState::PreparingRebalance);
        g.check_due = Some(6_000_000);
        g.on_check(6_000_000, &mut out);
        assert_eq!(g.state, GroupState::CompletingRebalance);
        assert_eq!((g.generation, g.leader), (1, Some(5)));
        let responses = join_responses(&out);
        assert_eq!(responses.len(), 2);
        for (to, r) in responses {
            assert_eq!(r.members.is_some(), to == NodeId::Consumer(5));
        }
    }

    #[test]
    fn the_initial_delay_is_extended_at_most_to_the_first_members_rebalance_timeout() {
        let mut g = group();
        let mut out = Outbox::default();
        for (now, member) in [(0, 5), (1_000, 6)] {
            g.on_message(
                now,
                1,
                NodeId::Consumer(member),
                GroupMessage::JoinGroup {
                    member,
                    owned: Vec::new(),
                    generation: -1,
                    session_timeout_us: 10_000_000,
                    rebalance_timeout_us: 5_000_000,
                },
                &mut out,
            );
        }
        // 3 s, then min(3 s, 5 s − 3 s) = 2 s more: InitialDelayedJoin's remainingMs.
        g.on_check(3_000_000, &mut out);
        assert_eq!(g.state, GroupState::PreparingRebalance);
        assert_eq!(g.check_due(), Some(5_000_000));
        g.on_check(5_000_000, &mut out);
        assert_eq!(
            (g.state, g.generation),
            (GroupState::CompletingRebalance, 1)
        );
    }

    #[test]
    fn heartbeats_during_a_rebalance_say_rebalance_in_progress_and_old_commits_are_refused() {
        let mut g = group();
        let mut out = Outbox::default();
        join(&mut g, 0, 5, &mut out);
        g.check_due = Some(3_000_000);
        g.on_check(3_000_000, &mut out);
        g.on_message(
            3_000_100,
            1,
            NodeId::Consumer(5),
            GroupMessage::SyncGroup {
                member: 5,
                generation: 1,
                assignment: Some(Arc::from(vec![(5, vec![0, 1])])),
            },
            &mut out,
        );
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(g.heartbeat(3_000_200, 5, 1), None);
        join(&mut g, 3_000_300, 6, &mut out);
        assert_eq!(g.state, GroupState::PreparingRebalance);
        assert_eq!(
            g.heartbeat(3_000_400, 5, 1),
            Some(ErrorCode::RebalanceInProgress)
        );
        // Member 5 commits its generation-1 positions before re-joining: accepted.
        assert_eq!(g.commit(5, 1, &[(0, 10)]), None);
        assert_eq!(
            g.commit(5, 0, &[(0, 12)]),
            Some(ErrorCode::IllegalGeneration)
        );
        assert_eq!(g.commit(9, 1, &[(0, 12)]), Some(ErrorCode::UnknownMemberId));
        assert_eq!(g.offsets.get(&0), Some(&10));
    }

    #[test]
    fn a_request_to_a_broker_that_is_not_the_coordinator_gets_not_coordinator() {
        let mut g = group();
        let mut out = Outbox::default();
        g.on_message(
            0,
            2,
            NodeId::Consumer(5),
            GroupMessage::Heartbeat {
                member: 5,
                generation: 1,
            },
            &mut out,
        );
        assert!(matches!(
            out.sends.first(),
            Some((
                NodeId::Broker(2),
                NodeId::Consumer(5),
                Payload::Group {
                    message: GroupMessage::HeartbeatResponse(Some(ErrorCode::NotCoordinator)),
                    ..
                }
            ))
        ));
    }
}
