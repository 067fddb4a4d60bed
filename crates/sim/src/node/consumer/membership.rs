//! The member side of the classic group protocol: finding the coordinator, JoinGroup (the
//! leader runs the assignor), SyncGroup, heartbeats, leaving on `max.poll.interval.ms`, and
//! offset commits and fetches.

use super::{Consumer, Lifecycle, MemberState, REQUEST_TIMEOUT_US};
use crate::kafka::assignor::{assign, MemberSubscription, TopicPartition};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{GroupMessage, JoinResult};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::scenario::OffsetReset;
use crate::support::vec_map::VecSet;
use std::fmt::Write;
use std::sync::Arc;

impl Consumer {
    pub(super) fn find_coordinator(&mut self, ctx: &mut Ctx) {
        if self.find_in_flight {
            return;
        }
        self.find_in_flight = true;
        self.find_sent_us = ctx.now;
        let b = self.bootstrap;
        self.send_group(ctx, b, GroupMessage::FindCoordinator);
    }

    pub(super) fn coordinator_lost(&mut self, ctx: &mut Ctx, why: &str) {
        let Some(old) = self.coordinator.take() else {
            return;
        };
        self.offsets_in_flight = false;
        self.heartbeat_unanswered_since = None;
        if matches!(
            self.member,
            MemberState::Joining | MemberState::AwaitingSync
        ) {
            self.member = MemberState::Unjoined;
            self.rejoin_needed = true;
            self.group_request_sent_us = None;
        }
        self.trace(
            ctx,
            TraceKind::CoordinatorFound,
            format!(
                "{} lost its coordinator (broker {old}): {why}; it looks for the new one",
                self.name
            ),
        );
    }

    /// Before re-joining: eager members commit and give up everything; cooperative members
    /// keep their partitions and report them as owned.
    pub(super) fn start_join(&mut self, coordinator: u32, ctx: &mut Ctx) {
        if self.generation < 0 && !self.owned.is_empty() {
            // onJoinPrepare auto-commits first, whatever the generation; without one the
            // commit fails (CommitFailedException) and the partitions are then lost.
            if self.cfg.enable_auto_commit {
                self.commit_positions(ctx, None, "commit before re-joining");
            }
            let lost = ctx.topo.list(self.owned.iter());
            self.trace(
                ctx,
                TraceKind::PartitionsLost,
                format!(
                    "{} is no longer a member: onPartitionsLost({}) without committing",
                    self.name, lost
                ),
            );
            self.drop_partitions(&self.owned.clone());
            self.last_assignment.clear();
        } else if !self.cooperative() && !self.owned.is_empty() {
            if self.cfg.enable_auto_commit {
                self.commit_positions(ctx, None, "commit before re-joining");
            }
            let names = ctx.topo.list(self.owned.iter());
            self.trace(
                ctx,
                TraceKind::PartitionsRevoked,
                format!(
                    "{} (eager) revokes all its partitions before re-joining: {}",
                    self.name, names
                ),
            );
            self.drop_partitions(&self.owned.clone());
        }
        self.rejoin_needed = false;
        self.member = MemberState::Joining;
        self.group_request_sent_us = Some(ctx.now);
        let session_timeout_us = self.cfg.session_timeout_ms.saturating_mul(1000);
        let rebalance_timeout_us = self.cfg.max_poll_interval_ms.saturating_mul(1000);
        let owned = if self.generation >= 0 {
            self.last_assignment.clone()
        } else {
            Vec::new()
        };
        self.send_group(
            ctx,
            coordinator,
            GroupMessage::JoinGroup {
                member: self.index,
                owned,
                generation: self.generation,
                session_timeout_us,
                rebalance_timeout_us,
            },
        );
    }

    pub(super) fn set_owned(&mut self, owned: VecSet<u32>) {
        self.owned = owned;
        self.owned_version += 1;
    }

    fn disown(&mut self, p: u32) {
        self.owned_version += u64::from(self.owned.remove(&p));
    }

    pub(super) fn drop_partitions(&mut self, parts: &VecSet<u32>) {
        for p in parts {
            self.disown(*p);
            self.positions.remove(p);
            self.buffered.forget(*p);
            self.reset_latest.remove(p);
            self.fetch_changed.insert(*p);
        }
    }

    /// Commits the current positions (all owned partitions, or only `only`).
    pub(super) fn commit_positions(
        &mut self,
        ctx: &mut Ctx,
        only: Option<&VecSet<u32>>,
        why: &str,
    ) {
        let offsets: Vec<(u32, u64)> = self
            .positions
            .iter()
            .filter(|(p, _)| self.owned.contains(p) && only.is_none_or(|o| o.contains(p)))
            .map(|(p, o)| (*p, *o))
            .collect();
        if offsets.is_empty() {
            return;
        }
        let Some(c) = self.coordinator else {
            return;
        };
        if self.generation < 0 {
            // ConsumerCoordinator.sendOffsetCommitRequest: no generation (left on the poll
            // timeout, or fenced) fails the commit at once, without a request.
            self.trace(
                ctx,
                TraceKind::CommitFailed,
                format!(
                    "{}'s commit ({why}) failed: it is not part of an active group, likely kicked out (CommitFailedException)",
                    self.name
                ),
            );
            return;
        }
        let mut text = format!("{} commits ({why}): ", self.name);
        for (i, (p, o)) in offsets.iter().enumerate() {
            let sep = if i > 0 { ", " } else { "" };
            let _ = write!(text, "{sep}{}@{o}", ctx.topo.name(*p));
        }
        self.trace(ctx, TraceKind::OffsetsCommitted, text);
        self.send_group(
            ctx,
            c,
            GroupMessage::OffsetCommit {
                member: self.index,
                generation: self.generation,
                offsets,
            },
        );
    }

    pub(super) fn fetch_committed_offsets(&mut self, coordinator: u32, ctx: &mut Ctx) {
        // Steady state, checked on every poll: each owned partition has its position. Only
        // owned partitions have one (`drop_partitions` removes both), so equal counts say it.
        debug_assert!(
            self.positions.keys().all(|p| self.owned.contains(p)),
            "{} has a position for a partition it does not own",
            self.name
        );
        if self.offsets_in_flight || self.positions.len() == self.owned.len() {
            return;
        }
        let missing: Vec<u32> = self
            .owned
            .iter()
            .filter(|p| !self.positions.contains_key(p) && !self.reset_latest.contains(p))
            .copied()
            .collect();
        if missing.is_empty() {
            return;
        }
        self.offsets_in_flight = true;
        self.offsets_sent_us = ctx.now;
        self.send_group(
            ctx,
            coordinator,
            GroupMessage::OffsetFetch {
                partitions: missing,
            },
        );
    }

    /// The heartbeat thread (0.10.1+) or, before, the network client's housekeeping.
    pub(super) fn on_heartbeat_tick(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        if self
            .group_request_sent_us
            .is_some_and(|t| now.saturating_sub(t) > self.rebalance_request_timeout_us())
        {
            self.coordinator_lost(ctx, "JoinGroup/SyncGroup timed out");
        }
        let stale: Vec<u32> = self
            .fetches
            .iter()
            .filter(|(_, (_, sent))| now.saturating_sub(*sent) > REQUEST_TIMEOUT_US)
            .map(|(b, _)| *b)
            .collect();
        for b in stale {
            self.fetches.remove(&b);
            // Its answer, if any, will not be read: the leader's session is out of step.
            if let Some(s) = self.fetch_sessions.get_mut(&b) {
                s.reset();
            }
        }
        self.time_out_requests(ctx);
        if self.heartbeat_from_poll {
            // The network client runs only inside poll(): no heartbeats while processing.
            if self.waiting_in_poll {
                self.send_heartbeat(ctx);
            }
            return;
        }
        // KIP-62: the heartbeat thread also watches the time between polls.
        if self.poll_timeout_expired(now) {
            self.leave_for_poll_timeout(ctx);
            return;
        }
        self.send_heartbeat(ctx);
        if self.coordinator.is_none() && self.lifecycle == Lifecycle::Running {
            self.find_coordinator(ctx);
        }
    }

    /// `request.timeout.ms` for the coordinator lookup, heartbeats and offset fetches: an
    /// unanswered FindCoordinator asks another broker; an unanswered Heartbeat or OffsetFetch
    /// marks the coordinator unknown (`AbstractCoordinator.markCoordinatorUnknown`).
    fn time_out_requests(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let expired = |sent: u64| now.saturating_sub(sent) > REQUEST_TIMEOUT_US;
        if self.find_in_flight && expired(self.find_sent_us) {
            self.find_in_flight = false;
            self.bootstrap = self.bootstrap.wrapping_add(1) % ctx.topo.brokers.max(1);
        }
        let heartbeat_lost = self.heartbeat_unanswered_since.is_some_and(expired);
        let offsets_lost = self.offsets_in_flight && expired(self.offsets_sent_us);
        if heartbeat_lost || offsets_lost {
            self.heartbeat_unanswered_since = None;
            self.coordinator_lost(ctx, "a request to it timed out");
            self.schedule_retry(ctx);
        }
    }

    fn rebalance_request_timeout_us(&self) -> u64 {
        self.cfg
            .max_poll_interval_ms
            .saturating_mul(1000)
            .saturating_add(5_000_000)
            .max(REQUEST_TIMEOUT_US)
    }

    /// Before 0.10.1 each `poll()` call sends the heartbeat when one is due.
    pub(super) fn heartbeat_from_poll_call(&mut self, ctx: &mut Ctx) {
        if ctx.now
            >= self
                .last_heartbeat_sent_us()
                .saturating_add(self.heartbeat_interval_us())
        {
            self.send_heartbeat(ctx);
        }
    }

    fn last_heartbeat_sent_us(&self) -> u64 {
        self.last_heartbeat_us
    }

    fn send_heartbeat(&mut self, ctx: &mut Ctx) {
        let Some(c) = self.coordinator else {
            return;
        };
        if self.member != MemberState::Stable {
            return;
        }
        self.last_heartbeat_us = ctx.now;
        self.heartbeat_unanswered_since.get_or_insert(ctx.now);
        self.send_group(
            ctx,
            c,
            GroupMessage::Heartbeat {
                member: self.index,
                generation: self.generation,
            },
        );
    }

    /// Kicked out (unknown member, illegal generation): the partitions are lost.
    fn fenced(&mut self, ctx: &mut Ctx, error: ErrorCode) {
        self.trace(
            ctx,
            TraceKind::PartitionsLost,
            format!(
                "{} got {error}: it is no longer a member and must re-join",
                self.name
            ),
        );
        self.generation = -1;
        self.member = MemberState::Unjoined;
        self.rejoin_needed = true;
        self.group_request_sent_us = None;
    }

    pub(super) fn on_group_message(&mut self, broker: u32, message: GroupMessage, ctx: &mut Ctx) {
        if matches!(message, GroupMessage::HeartbeatResponse(_)) {
            self.heartbeat_unanswered_since = None;
        }
        match message {
            GroupMessage::FindCoordinatorResponse(result) => {
                self.find_in_flight = false;
                match result {
                    Ok(b) => {
                        if self.coordinator != Some(b) {
                            self.coordinator = Some(b);
                            self.trace(
                                ctx,
                                TraceKind::CoordinatorFound,
                                format!("{} finds its coordinator: broker {b}", self.name),
                            );
                        }
                        self.wake(ctx);
                    }
                    Err(_) => self.schedule_retry(ctx),
                }
            }
            GroupMessage::JoinGroupResponse(result) => {
                if self.member != MemberState::Joining {
                    return;
                }
                match result {
                    Ok(r) => self.on_joined(broker, r, ctx),
                    Err(e) => self.group_request_failed(e, ctx),
                }
            }
            GroupMessage::SyncGroupResponse { generation, result } => {
                if self.member != MemberState::AwaitingSync || generation != self.generation {
                    return;
                }
                match result {
                    Ok(parts) => self.on_synced(parts, ctx),
                    Err(e) => self.group_request_failed(e, ctx),
                }
            }
            GroupMessage::HeartbeatResponse(error) => match error {
                None => {}
                Some(ErrorCode::RebalanceInProgress) if self.member == MemberState::Stable => {
                    self.rejoin_needed = true;
                    self.wake(ctx);
                }
                Some(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => {
                    self.coordinator_lost(ctx, "NOT_COORDINATOR");
                    self.schedule_retry(ctx);
                }
                Some(e @ (ErrorCode::IllegalGeneration | ErrorCode::UnknownMemberId))
                    if self.member == MemberState::Stable =>
                {
                    self.fenced(ctx, e);
                    self.wake(ctx);
                }
                Some(_) => {}
            },
            GroupMessage::OffsetCommitResponse(Some(e)) => {
                self.trace(
                    ctx,
                    TraceKind::CommitFailed,
                    format!(
                        "{}'s commit failed with {e} (CommitFailedException)",
                        self.name
                    ),
                );
                if matches!(
                    e,
                    ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
                ) {
                    self.coordinator_lost(ctx, "NOT_COORDINATOR");
                    self.schedule_retry(ctx);
                }
            }
            GroupMessage::OffsetFetchResponse(result) => {
                self.offsets_in_flight = false;
                match result {
                    Ok(offsets) => self.on_committed_offsets(offsets, ctx),
                    Err(_) => {
                        self.coordinator_lost(ctx, "NOT_COORDINATOR");
                        self.schedule_retry(ctx);
                    }
                }
            }
            _ => {}
        }
    }

    fn group_request_failed(&mut self, e: ErrorCode, ctx: &mut Ctx) {
        self.group_request_sent_us = None;
        match e {
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.coordinator_lost(ctx, "NOT_COORDINATOR");
                self.schedule_retry(ctx);
            }
            ErrorCode::IllegalGeneration | ErrorCode::UnknownMemberId => self.fenced(ctx, e),
            _ => {
                self.member = MemberState::Unjoined;
                self.rejoin_needed = true;
            }
        }
        self.wake(ctx);
    }

    /// JoinGroup answered: the leader runs the assignor, everyone sends SyncGroup.
    fn on_joined(&mut self, coordinator: u32, r: JoinResult, ctx: &mut Ctx) {
        self.generation = r.generation;
        self.member = MemberState::AwaitingSync;
        self.group_request_sent_us = Some(ctx.now);
        // Only the leader watches for partition changes (it assigned from this snapshot).
        self.assignment_snapshot = r.members.is_some().then(|| self.metadata_snapshot.clone());
        let assignment = r.members.map(|members| {
            // The leader assigns the partitions its own metadata shows.
            let topics = &self.metadata_snapshot;
            let name = |c: u32| {
                ctx.consumer_names
                    .get(c as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("consumer-{c}"))
            };
            let subs: Vec<MemberSubscription> = members
                .iter()
                .map(|m| MemberSubscription {
                    id: name(m.member),
                    subscriptions: self.cfg.topics.clone(),
                    owned: m
                        .owned
                        .iter()
                        .filter_map(|p| {
                            let info = ctx.topo.partition(*p)?;
                            let t = ctx.topo.topic_names.get(info.topic)?;
                            Some(TopicPartition::new(t.clone(), info.index))
                        })
                        .collect(),
                    generation: (m.generation >= 0).then_some(m.generation),
                    group_instance_id: None,
                })
                .collect();
            let result = assign(self.cfg.partition_assignment_strategy, topics, &subs);
            let by_member: Arc<[(u32, Vec<u32>)]> = members
                .iter()
                .map(|m| {
                    let parts = result
                        .get(&name(m.member))
                        .map(|tps| {
                            tps.iter()
                                .filter_map(|tp| {
                                    let t = ctx.topo.topic_index(&tp.topic)?;
                                    ctx.topo.global(t, tp.partition)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (m.member, parts)
                })
                .collect();
            self.trace(
                ctx,
                TraceKind::PartitionsAssigned,
                format!(
                    "{} is the group leader of generation {}: it runs the {} assignor for {} members and sends the assignment in SyncGroup",
                    self.name,
                    r.generation,
                    r.protocol,
                    members.len()
                ),
            );
            by_member
        });
        self.send_group(
            ctx,
            coordinator,
            GroupMessage::SyncGroup {
                member: self.index,
                generation: r.generation,
                assignment,
            },
        );
    }

    /// SyncGroup answered with this member's partitions.
    fn on_synced(&mut self, parts: Vec<u32>, ctx: &mut Ctx) {
        self.group_request_sent_us = None;
        let assigned: VecSet<u32> = parts.iter().copied().collect();
        let revoked: VecSet<u32> = self.owned.difference(&assigned).copied().collect();
        let added: Vec<u32> = assigned.difference(&self.owned).copied().collect();
        if !revoked.is_empty() {
            // Cooperative: only the moved partitions are revoked; a follow-up rebalance
            // hands them to their new owner.
            if self.cfg.enable_auto_commit {
                self.commit_positions(ctx, Some(&revoked), "commit on revocation");
            }
            let names = ctx.topo.list(revoked.iter());
            self.trace(
                ctx,
                TraceKind::PartitionsRevoked,
                format!(
                    "{} revokes only {} and re-joins at once (cooperative follow-up rebalance)",
                    self.name, names
                ),
            );
            self.drop_partitions(&revoked);
            self.rejoin_needed = true;
        }
        self.set_owned(assigned);
        self.last_assignment = parts;
        self.member = MemberState::Stable;
        self.last_heartbeat_us = ctx.now;
        self.next_auto_commit_us = ctx.now + self.cfg.auto_commit_interval_ms.saturating_mul(1000);
        let all = ctx.topo.list(self.owned.iter());
        let new = ctx.topo.list(added.iter());
        self.trace(
            ctx,
            TraceKind::PartitionsAssigned,
            format!(
                "{} generation {}: owns [{}]{}",
                self.name,
                self.generation,
                all,
                if new.is_empty() || new.len() == all.len() {
                    String::new()
                } else {
                    format!(" (newly assigned: {})", new)
                }
            ),
        );
        self.wake(ctx);
    }

    fn on_committed_offsets(&mut self, offsets: Vec<(u32, Option<u64>)>, ctx: &mut Ctx) {
        for (p, committed) in offsets {
            if !self.owned.contains(&p) || self.positions.contains_key(&p) {
                continue;
            }
            match committed {
                Some(o) => {
                    self.positions.insert(p, o);
                    self.fetch_changed.insert(p);
                }
                None => self.apply_offset_reset(p, ctx, "no committed offset"),
            }
        }
        self.send_fetches(ctx);
        self.wake(ctx);
    }

    /// `auto.offset.reset` for a partition with no (valid) committed offset.
    pub(super) fn apply_offset_reset(&mut self, p: u32, ctx: &mut Ctx, why: &str) {
        self.fetch_changed.insert(p);
        let how = match self.cfg.auto_offset_reset {
            OffsetReset::Earliest => {
                self.positions.insert(p, 0);
                "earliest: from the log start".to_string()
            }
            OffsetReset::Latest => {
                self.reset_latest.insert(p);
                "latest: from the log end (only new records)".to_string()
            }
            OffsetReset::None => {
                "none: NoOffsetForPartitionException, the partition is not consumed".to_string()
            }
        };
        self.trace(
            ctx,
            TraceKind::OffsetReset,
            format!(
                "{} {}: {why}, auto.offset.reset={how}",
                self.name,
                ctx.topo.name(p)
            ),
        );
    }
}
