//! The rebalance itself: the join phase (PreparingRebalance, the initial delay, the rebalance
//! timeout, choosing the leader, bumping the generation) and the sync phase
//! (CompletingRebalance until the leader's assignment arrives, then Stable).

use super::{Group, GroupMember, GroupState};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{GroupMessage, JoinResult, JoinedMember, MemberAssignments, NodeId};
use crate::node::Outbox;
use crate::observe::trace::TraceKind;
use std::sync::Arc;

impl Group {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn join(
        &mut self,
        now: u64,
        member: u32,
        owned: Vec<u32>,
        generation: i32,
        session_timeout_us: u64,
        rebalance_timeout_us: u64,
        out: &mut Outbox,
    ) {
        let seq = self.next_seq;
        let is_new = !self.members.contains_key(&member);
        let m = self.members.get_or_insert_with(member, || GroupMember {
            consumer: member,
            session_timeout_us,
            rebalance_timeout_us,
            last_heartbeat_us: now,
            awaiting_join: false,
            owned: Vec::new(),
            owned_generation: -1,
            awaiting_sync: false,
            assignment: Vec::new(),
            joined_seq: seq,
        });
        if is_new {
            self.next_seq += 1;
        }
        m.awaiting_join = true;
        m.awaiting_sync = false;
        m.owned = owned;
        m.owned_generation = generation;
        m.last_heartbeat_us = now;
        let name = self.name_of(member);
        match self.state {
            GroupState::Empty | GroupState::Dead => {
                // Whenever an Empty group (re)forms, at any generation, the coordinator waits
                // for more members: GroupCoordinator.prepareRebalance schedules an
                // InitialDelayedJoin when the group is Empty (KIP-134; in 3.7+
                // GroupMetadataManager.prepareRebalance, `isInitialRebalance`).
                self.state = GroupState::PreparingRebalance;
                self.join_started_us = now;
                self.initial_join = true;
                self.new_member_added = false;
                self.initial_chunk_us = self.initial_delay_us;
                self.initial_remaining_us = self
                    .max_rebalance_timeout()
                    .saturating_sub(self.initial_delay_us);
                self.join_deadline_us = now.saturating_add(self.initial_delay_us);
                self.trace(
                    now,
                    TraceKind::RebalanceStarted,
                    format!(
                        "{name} joins empty group {}: PreparingRebalance, waiting group.initial.rebalance.delay.ms = {} ms for more members",
                        self.id,
                        self.initial_delay_us / 1000
                    ),
                    out,
                );
            }
            GroupState::PreparingRebalance => {
                // GroupCoordinator.addMemberAndRebalance: only in generation 0 does a new
                // member earn the delay another round.
                if is_new && self.generation == 0 {
                    self.new_member_added = true;
                }
                self.trace(
                    now,
                    TraceKind::MemberJoined,
                    format!("{name} joins group {}", self.id),
                    out,
                );
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                let why = if is_new {
                    format!("{name} joins")
                } else {
                    format!("{name} re-joins")
                };
                self.prepare_rebalance(now, &why, out);
            }
        }
        self.maybe_complete_join(now, out);
    }

    fn max_rebalance_timeout(&self) -> u64 {
        self.members
            .values()
            .map(|m| m.rebalance_timeout_us)
            .max()
            .unwrap_or(0)
    }

    /// Stable or CompletingRebalance → PreparingRebalance: every member must re-join within the
    /// rebalance timeout (the largest `max.poll.interval.ms`).
    pub(super) fn prepare_rebalance(&mut self, now: u64, why: &str, out: &mut Outbox) {
        if self.state == GroupState::CompletingRebalance {
            // Members waiting for their assignment learn the rebalance restarted.
            self.answer_waiting_syncs(Some(ErrorCode::RebalanceInProgress), out);
        }
        self.state = GroupState::PreparingRebalance;
        self.initial_join = false;
        self.join_started_us = now;
        self.join_deadline_us = now.saturating_add(self.max_rebalance_timeout());
        self.trace(
            now,
            TraceKind::RebalanceStarted,
            format!(
                "group {}: {why}; PreparingRebalance (generation {}), members must re-join within {} ms",
                self.id,
                self.generation,
                self.max_rebalance_timeout() / 1000
            ),
            out,
        );
    }

    /// A member left or was evicted: rebalance (or settle the join phase in progress).
    pub(super) fn member_gone(&mut self, now: u64, member: u32, out: &mut Outbox) {
        if self.leader == Some(member) {
            self.leader = None;
        }
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                if self.members.is_empty() {
                    self.become_empty(now, out);
                } else {
                    let why = format!("{} is gone", self.name_of(member));
                    self.prepare_rebalance(now, &why, out);
                }
            }
            GroupState::PreparingRebalance => self.maybe_complete_join(now, out),
            _ => {}
        }
    }

    fn become_empty(&mut self, now: u64, out: &mut Outbox) {
        self.state = GroupState::Empty;
        self.initial_join = false;
        self.generation += 1;
        self.leader = None;
        self.trace(
            now,
            TraceKind::GroupEmpty,
            format!(
                "group {} has no members left: Empty (generation {})",
                self.id, self.generation
            ),
            out,
        );
    }

    pub(super) fn maybe_complete_join(&mut self, now: u64, out: &mut Outbox) {
        if self.state != GroupState::PreparingRebalance {
            return;
        }
        if self.initial_join {
            // InitialDelayedJoin: tryComplete is false, so only its delay ends it; then, if a
            // new member came meanwhile and time remains, one more delay (onComplete).
            if now < self.join_deadline_us {
                return;
            }
            if self.new_member_added && self.initial_remaining_us != 0 {
                self.new_member_added = false;
                let delay = self.initial_delay_us.min(self.initial_remaining_us);
                self.initial_remaining_us = self
                    .initial_remaining_us
                    .saturating_sub(self.initial_chunk_us);
                self.initial_chunk_us = delay;
                self.join_deadline_us = now.saturating_add(delay);
                self.trace(
                    now,
                    TraceKind::RebalanceStarted,
                    format!(
                        "group {}: members joined during the delay; it waits group.initial.rebalance.delay.ms = {} ms more",
                        self.id,
                        delay / 1000
                    ),
                    out,
                );
                return;
            }
            self.complete_join(now, out);
            return;
        }
        let all_joined = self.members.values().all(|m| m.awaiting_join);
        if all_joined || now >= self.join_deadline_us {
            self.complete_join(now, out);
        }
    }

    /// The join phase ends: members that did not re-join are removed, the generation is
    /// bumped, and every pending JoinGroup is answered (the leader's with the member list).
    fn complete_join(&mut self, now: u64, out: &mut Outbox) {
        let late: Vec<u32> = self
            .members
            .values()
            .filter(|m| !m.awaiting_join)
            .map(|m| m.consumer)
            .collect();
        for c in late {
            self.members.remove(&c);
            if self.leader == Some(c) {
                self.leader = None;
            }
            self.trace(
                now,
                TraceKind::MemberRemoved,
                format!(
                    "{} did not re-join group {} within the rebalance timeout: removed",
                    self.name_of(c),
                    self.id
                ),
                out,
            );
        }
        if self.members.is_empty() {
            self.become_empty(now, out);
            return;
        }
        self.initial_join = false;
        self.generation += 1;
        self.rebalances += 1;
        if self.leader.is_none() {
            self.leader = self
                .members
                .values()
                .min_by_key(|m| m.joined_seq)
                .map(|m| m.consumer);
        }
        let leader = self.leader.unwrap_or(0);
        self.state = GroupState::CompletingRebalance;
        let list: Arc<[JoinedMember]> = self
            .members
            .values()
            .map(|m| JoinedMember {
                member: m.consumer,
                owned: m.owned.clone(),
                generation: m.owned_generation,
            })
            .collect();
        self.trace(
            now,
            TraceKind::GenerationStarted,
            format!(
                "group {}: generation {} with {} members, leader {}, protocol {}; CompletingRebalance (awaiting the leader's SyncGroup)",
                self.id,
                self.generation,
                self.members.len(),
                self.name_of(leader),
                self.strategy.name()
            ),
            out,
        );
        let members: Vec<u32> = self.members.keys().copied().collect();
        for c in members {
            if let Some(m) = self.members.get_mut(&c) {
                m.awaiting_join = false;
                m.last_heartbeat_us = now;
            }
            let result = JoinResult {
                generation: self.generation,
                leader,
                protocol: self.strategy.name(),
                members: (c == leader).then(|| list.clone()),
            };
            self.reply(
                NodeId::Consumer(c),
                GroupMessage::JoinGroupResponse(Ok(result)),
                out,
            );
        }
    }

    pub(super) fn sync(
        &mut self,
        now: u64,
        member: u32,
        generation: i32,
        assignment: Option<MemberAssignments>,
        out: &mut Outbox,
    ) {
        let error = if !self.members.contains_key(&member) {
            Some(ErrorCode::UnknownMemberId)
        } else if generation != self.generation {
            Some(ErrorCode::IllegalGeneration)
        } else if self.state == GroupState::PreparingRebalance {
            Some(ErrorCode::RebalanceInProgress)
        } else {
            None
        };
        if let Some(e) = error {
            self.reply_sync(member, generation, Err(e), out);
            return;
        }
        if self.state == GroupState::Stable {
            let part = self
                .members
                .get(&member)
                .map(|m| m.assignment.clone())
                .unwrap_or_default();
            self.reply_sync(member, generation, Ok(part), out);
            return;
        }
        if let Some(m) = self.members.get_mut(&member) {
            m.awaiting_sync = true;
            m.last_heartbeat_us = now;
        }
        if let (Some(a), true) = (assignment, self.leader == Some(member)) {
            for m in self.members.values_mut() {
                m.assignment = a
                    .iter()
                    .find(|(c, _)| *c == m.consumer)
                    .map(|(_, ps)| ps.clone())
                    .unwrap_or_default();
            }
            self.state = GroupState::Stable;
            self.trace(
                now,
                TraceKind::GroupStable,
                format!(
                    "group {}: the leader's assignment is stored; Stable in generation {}",
                    self.id, self.generation
                ),
                out,
            );
            self.answer_waiting_syncs(None, out);
        }
    }

    /// Answers every member waiting in SyncGroup, in member order: with `error`, or else with
    /// its part of the stored assignment.
    fn answer_waiting_syncs(&mut self, error: Option<ErrorCode>, out: &mut Outbox) {
        let waiting: Vec<(u32, Result<Vec<u32>, ErrorCode>)> = self
            .members
            .values()
            .filter(|m| m.awaiting_sync)
            .map(|m| {
                (
                    m.consumer,
                    error.map_or_else(|| Ok(m.assignment.clone()), Err),
                )
            })
            .collect();
        for (c, result) in waiting {
            if let Some(m) = self.members.get_mut(&c) {
                m.awaiting_sync = false;
            }
            self.reply_sync(c, self.generation, result, out);
        }
    }

    fn reply_sync(
        &self,
        member: u32,
        generation: i32,
        result: Result<Vec<u32>, ErrorCode>,
        out: &mut Outbox,
    ) {
        self.reply(
            NodeId::Consumer(member),
            GroupMessage::SyncGroupResponse { generation, result },
            out,
        );
    }
}
