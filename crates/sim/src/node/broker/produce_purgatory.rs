//! The acks=all purgatory: produce requests parked until the high watermark reaches their
//! batches (Kafka's `DelayedProduce`). An index by partition lets a high watermark's move visit
//! only the requests waiting on that partition, not every parked request: at a thousand
//! partitions the high watermark moves hundreds of times per follower fetch.
//!
//! Timeouts: one timer per broker, at the earliest deadline of what is parked, instead of one
//! per request. Most requests are answered within milliseconds of a 30 s deadline, and Kafka's
//! timing wheel (`DelayedOperationPurgatory`, `SystemTimer`) drops a completed operation's
//! timer task too. A timer per request was 7 % of the cap scenario's events, each a no-op, and
//! each waited out its 30 s in the event queue (half the peak memory of a minute at 20,000
//! records/s).

use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{NodeId, ProducePartitionResult};
use crate::support::vec_map::VecMap;

#[derive(Debug, Clone)]
pub(super) struct DelayedProduce {
    pub producer: NodeId,
    pub correlation_id: u64,
    pub results: Vec<ProducePartitionResult>,
    /// When the request times out (arrival plus its `timeout`).
    pub deadline_us: u64,
    /// What it waits for, sorted by partition once parked. Settled waits stay in place
    /// (marked): removing each from a list of hundreds moved the rest every time at 1,000
    /// partitions.
    waiting: Vec<Wait>,
    /// Waits not settled yet; never 0 while parked.
    pending: usize,
}

/// One partition of a parked request: the high watermark it waits for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wait {
    /// The index of its result in the request's `results`.
    pub result: usize,
    pub partition: u32,
    /// The end offset of its batch: the high watermark to reach.
    pub end: u64,
    settled: bool,
}

impl Wait {
    pub fn new(result: usize, partition: u32, end: u64) -> Self {
        Wait {
            result,
            partition,
            end,
            settled: false,
        }
    }
}

impl DelayedProduce {
    pub fn new(
        producer: NodeId,
        correlation_id: u64,
        results: Vec<ProducePartitionResult>,
        deadline_us: u64,
        waiting: Vec<Wait>,
    ) -> Self {
        DelayedProduce {
            producer,
            correlation_id,
            results,
            deadline_us,
            pending: waiting.len(),
            waiting,
        }
    }

    /// The indexes into `results` of the waits not settled yet.
    pub fn unsettled(&self) -> impl Iterator<Item = usize> + '_ {
        self.waiting.iter().filter(|w| !w.settled).map(|w| w.result)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct ProducePurgatory {
    /// Parked requests by key; keys grow, so key order is arrival order.
    parked: VecMap<u64, DelayedProduce>,
    /// Per partition, the keys of the requests waiting on it, ascending. Holds every such key;
    /// may also hold keys answered since (dropped when the partition is next visited).
    by_partition: Vec<Vec<u64>>,
    next_key: u64,
    /// The time of the one timeout timer that counts (earlier timers set since are stale).
    timer_due: Option<u64>,
    /// The requests a settlement answered, handed out by `settle_on`'s drain (kept for its
    /// capacity: a new list per high watermark move was an allocation per request).
    answered: Vec<DelayedProduce>,
}

impl ProducePurgatory {
    /// Parks a request (its `waiting` not empty); returns when to set the timeout timer, if
    /// the one already set comes later than this request's deadline (or none is set).
    pub fn park(&mut self, mut d: DelayedProduce) -> Option<u64> {
        // By partition: a high watermark move finds its entries by binary search instead of
        // a pass over the whole list (a request to one broker lists hundreds of partitions at
        // 1,000 partitions, and each of them moves on its own).
        if !d.waiting.is_sorted_by_key(|w| w.partition) {
            crate::support::sorting::sort_by(&mut d.waiting, |a, b| a.partition.cmp(&b.partition));
        }
        debug_assert!(d.pending == d.waiting.len() && d.waiting.iter().all(|w| !w.settled));
        let key = self.next_key;
        self.next_key += 1;
        for w in &d.waiting {
            let p = w.partition as usize;
            if self.by_partition.len() <= p {
                self.by_partition.resize_with(p + 1, Vec::new);
            }
            if let Some(keys) = self.by_partition.get_mut(p) {
                if keys.last() != Some(&key) {
                    keys.push(key);
                }
            }
        }
        let deadline = d.deadline_us;
        self.parked.insert(key, d);
        self.timer_due
            .is_none_or(|t| deadline < t)
            .then(|| *self.timer_due.insert(deadline))
    }

    /// The timeout timer set for `now` fired: the requests whose deadline passed come out, in
    /// arrival order, with when to set the next timer (the earliest deadline left). A timer
    /// that no longer counts changes nothing.
    pub fn expire_due(&mut self, now: u64) -> (Vec<DelayedProduce>, Option<u64>) {
        if self.timer_due != Some(now) {
            return (Vec::new(), None);
        }
        let due: Vec<u64> = self
            .parked
            .iter()
            .filter(|(_, d)| d.deadline_us <= now)
            .map(|(&k, _)| k)
            .collect();
        let expired = due.iter().filter_map(|k| self.parked.remove(k)).collect();
        self.timer_due = self.parked.values().map(|d| d.deadline_us).min();
        (expired, self.timer_due)
    }

    /// The process stopped: parked requests are forgotten (keys keep growing), and timers set
    /// before count no more.
    pub fn clear(&mut self) {
        self.parked.clear();
        self.by_partition.clear();
        self.timer_due = None;
    }

    /// Settles the waits on `partition` that `settle` picks (true: settled), giving `edit` each
    /// settled one's result; hands out the requests left with nothing to wait for, in key order.
    fn settle_on(
        &mut self,
        partition: u32,
        mut settle: impl FnMut(u64) -> bool,
        mut edit: impl FnMut(&mut ProducePartitionResult),
    ) -> std::vec::Drain<'_, DelayedProduce> {
        let (parked, answered) = (&mut self.parked, &mut self.answered);
        answered.clear();
        if let Some(keys) = self.by_partition.get_mut(partition as usize) {
            keys.retain(|key| {
                let Some(d) = parked.get_mut(key) else {
                    return false;
                };
                let mut changed = false;
                let mut still_waiting = false;
                let first = d.waiting.partition_point(|w| w.partition < partition);
                for w in d.waiting.iter_mut().skip(first) {
                    if w.partition != partition {
                        break;
                    }
                    if w.settled {
                        continue;
                    }
                    if settle(w.end) {
                        if let Some(r) = d.results.get_mut(w.result) {
                            edit(r);
                        }
                        w.settled = true;
                        d.pending -= 1;
                        changed = true;
                    } else {
                        still_waiting = true;
                    }
                }
                if changed && d.pending == 0 {
                    // Keys ascend here, so the answers come out in key order.
                    answered.extend(parked.remove(key));
                }
                still_waiting
            });
        }
        answered.drain(..)
    }

    /// The high watermark of `partition` reached `hw`: the waits it covers are settled (as
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is below min.insync.replicas).
    pub fn reached(
        &mut self,
        partition: u32,
        hw: u64,
        isr_short: bool,
    ) -> std::vec::Drain<'_, DelayedProduce> {
        self.settle_on(
            partition,
            |end| hw >= end,
            |r| {
                if isr_short {
                    r.result = Err(ErrorCode::NotEnoughReplicasAfterAppend);
                }
            },
        )
    }

    /// This broker no longer leads `partition`: its waits fail with NOT_LEADER_OR_FOLLOWER.
    pub fn lost_leadership(&mut self, partition: u32) -> std::vec::Drain<'_, DelayedProduce> {
        self.settle_on(
            partition,
            |_| true,
            |r| r.result = Err(ErrorCode::NotLeaderOrFollower),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(correlation_id: u64, deadline_us: u64) -> DelayedProduce {
        let result = ProducePartitionResult {
            partition: 0,
            batch_id: correlation_id,
            result: Ok(0),
        };
        DelayedProduce::new(
            NodeId::Producer(0),
            correlation_id,
            vec![result],
            deadline_us,
            vec![Wait::new(0, 0, 10)],
        )
    }

    /// The correlation ids of what expired at `now`, and the next timer.
    fn expire(purgatory: &mut ProducePurgatory, now: u64) -> (Vec<u64>, Option<u64>) {
        let (expired, next) = purgatory.expire_due(now);
        (expired.iter().map(|d| d.correlation_id).collect(), next)
    }

    #[test]
    fn parked_requests_share_one_timer_at_the_earliest_deadline() {
        let mut purgatory = ProducePurgatory::default();
        assert_eq!(purgatory.park(request(1, 300)), Some(300));
        // Later deadlines ride on the timer already set.
        assert_eq!(purgatory.park(request(2, 400)), None);
        assert_eq!(purgatory.park(request(3, 300)), None);
        // An earlier one sets its own; the timer at 300 no longer counts.
        assert_eq!(purgatory.park(request(4, 200)), Some(200));
        assert_eq!(expire(&mut purgatory, 300), (vec![], None));
        assert_eq!(expire(&mut purgatory, 200), (vec![4], Some(300)));
        assert_eq!(expire(&mut purgatory, 300), (vec![1, 3], Some(400)));
    }

    #[test]
    fn an_answered_request_leaves_the_timer_to_the_next_deadline() {
        let mut purgatory = ProducePurgatory::default();
        assert_eq!(purgatory.park(request(1, 300)), Some(300));
        assert_eq!(purgatory.park(request(2, 500)), None);
        assert_eq!(purgatory.reached(0, 10, false).len(), 2);
        // Nothing is parked when the timer fires: nothing expires and no timer follows.
        assert_eq!(expire(&mut purgatory, 300), (vec![], None));
        assert_eq!(purgatory.park(request(3, 900)), Some(900));
    }

    #[test]
    fn a_stopped_broker_ignores_the_timers_it_set_before() {
        let mut purgatory = ProducePurgatory::default();
        assert_eq!(purgatory.park(request(1, 300)), Some(300));
        purgatory.clear();
        assert_eq!(purgatory.park(request(2, 700)), Some(700));
        assert_eq!(expire(&mut purgatory, 300), (vec![], None));
        assert_eq!(expire(&mut purgatory, 700), (vec![2], None));
    }
}
