//! `max.poll.interval.ms` (KIP-62): the heartbeat thread, not the coordinator, notices an
//! application that stopped calling `poll()` and leaves the group for it.
//!
//! The thread checks the poll timer each time it wakes (`AbstractCoordinator.HeartbeatThread`:
//! `heartbeat.pollTimeoutExpired(now)` before deciding whether a heartbeat is due), and when no
//! heartbeat is due it waits only `retry.backoff.ms` before looking again. So the timeout is
//! noticed at the first such wake at or after the deadline, not at the next heartbeat. Rather
//! than one event per 100 ms wake, one timer is set at that wake when the application is known
//! to be busy past the deadline.

use super::{Consumer, MemberState, RETRY_BACKOFF_US};
use crate::kafka::protocol::GroupMessage;
use crate::node::{Ctx, Timer};
use crate::observe::trace::TraceKind;

impl Consumer {
    fn max_poll_interval_us(&self) -> u64 {
        self.cfg.max_poll_interval_ms.saturating_mul(1000)
    }

    /// `Heartbeat.pollTimeoutExpired`: the thread runs only for a member that has joined
    /// (`!state.hasNotJoinedGroup()`: CompletingRebalance or Stable), and an application
    /// waiting inside `poll()` has reset the timer.
    pub(super) fn poll_timeout_expired(&self, now: u64) -> bool {
        !self.heartbeat_from_poll
            && matches!(self.member, MemberState::Stable | MemberState::AwaitingSync)
            && !self.waiting_in_poll
            && now
                >= self
                    .last_poll_us
                    .saturating_add(self.max_poll_interval_us())
    }

    /// The application will not call `poll()` before `next_poll_us`: if that is past the poll
    /// deadline, wake the heartbeat thread where it would notice.
    pub(super) fn arm_poll_check(&mut self, ctx: &mut Ctx, next_poll_us: u64) {
        if self.heartbeat_from_poll {
            return;
        }
        let deadline = self
            .last_poll_us
            .saturating_add(self.max_poll_interval_us());
        let at = self.heartbeat_thread_wake_at_or_after(deadline);
        if at > next_poll_us || self.poll_check_due == Some(at) {
            return;
        }
        self.poll_check_due = Some(at);
        ctx.out.timer(at, self.node(), Timer::ConsumerPollCheck);
    }

    /// The heartbeat thread's first wake at or after `t`: it wakes at every heartbeat tick and
    /// every `retry.backoff.ms` after one.
    fn heartbeat_thread_wake_at_or_after(&self, t: u64) -> u64 {
        let interval = self.heartbeat_interval_us().max(1);
        let next = self.heartbeat_due;
        // The heartbeat tick at or before `t` (ticks are `next + k · interval`).
        let tick = if t >= next {
            next + (t - next) / interval * interval
        } else {
            next.saturating_sub((next - t).div_ceil(interval) * interval)
        };
        let backoff = RETRY_BACKOFF_US.max(1);
        let wake = tick + (t.saturating_sub(tick)).div_ceil(backoff) * backoff;
        wake.min(tick + interval)
    }

    pub(super) fn on_poll_check(&mut self, ctx: &mut Ctx) {
        if self.poll_check_due != Some(ctx.now) {
            return;
        }
        self.poll_check_due = None;
        if self.poll_timeout_expired(ctx.now) {
            self.leave_for_poll_timeout(ctx);
        }
    }

    /// `AbstractCoordinator.maybeLeaveGroup`: LeaveGroup, and the generation is reset, so the
    /// next commit fails (`CommitFailedException`) and the partitions are lost on re-join.
    pub(super) fn leave_for_poll_timeout(&mut self, ctx: &mut Ctx) {
        self.trace(
            ctx,
            TraceKind::PollIntervalExceeded,
            format!(
                "{} has not called poll() for max.poll.interval.ms = {} ms: its heartbeat thread sends LeaveGroup",
                self.name, self.cfg.max_poll_interval_ms
            ),
        );
        if let Some(c) = self.coordinator {
            self.send_group(ctx, c, GroupMessage::LeaveGroup { member: self.index });
        }
        self.member = MemberState::Unjoined;
        self.generation = -1;
        self.rejoin_needed = true;
        self.group_request_sent_us = None;
    }
}
