//! The acks=all purgatory: produce requests parked until the high watermark reaches their
//! batches (Kafka's `DelayedProduce`). An index by partition lets a high watermark's move visit
//! only the requests waiting on that partition, not every parked request: at a thousand
//! partitions the high watermark moves hundreds of times per follower fetch.

use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{NodeId, ProducePartitionResult};
use crate::support::vec_map::VecMap;

#[derive(Debug, Clone)]
pub(super) struct DelayedProduce {
    pub producer: NodeId,
    pub correlation_id: u64,
    pub results: Vec<ProducePartitionResult>,
    /// (index into results, partition, end offset to reach), sorted by partition once parked.
    /// Settled waits stay in place (marked in `settled`): removing each from a list of
    /// hundreds moved the rest every time at 1,000 partitions.
    waiting: Vec<(usize, u32, u64)>,
    settled: Vec<bool>,
    /// Waits not settled yet; never 0 while parked.
    pending: usize,
}

impl DelayedProduce {
    pub fn new(
        producer: NodeId,
        correlation_id: u64,
        results: Vec<ProducePartitionResult>,
        waiting: Vec<(usize, u32, u64)>,
    ) -> Self {
        DelayedProduce {
            producer,
            correlation_id,
            results,
            settled: vec![false; waiting.len()],
            pending: waiting.len(),
            waiting,
        }
    }

    /// The indexes into `results` of the waits not settled yet.
    pub fn unsettled(&self) -> impl Iterator<Item = usize> + '_ {
        self.waiting
            .iter()
            .zip(&self.settled)
            .filter(|(_, &done)| !done)
            .map(|(&(i, _, _), _)| i)
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
}

impl ProducePurgatory {
    /// Parks a request (its `waiting` not empty) and returns its key for the timeout timer.
    pub fn park(&mut self, mut d: DelayedProduce) -> u64 {
        // By partition: a high watermark move finds its entries by binary search instead of
        // a pass over the whole list (a request to one broker lists hundreds of partitions at
        // 1,000 partitions, and each of them moves on its own).
        if !d.waiting.is_sorted_by_key(|w| w.1) {
            crate::support::sorting::sort_by(&mut d.waiting, |a, b| a.1.cmp(&b.1));
        }
        debug_assert!(d.pending == d.waiting.len() && d.settled.iter().all(|&s| !s));
        let key = self.next_key;
        self.next_key += 1;
        for &(_, p, _) in &d.waiting {
            let p = p as usize;
            if self.by_partition.len() <= p {
                self.by_partition.resize_with(p + 1, Vec::new);
            }
            if let Some(keys) = self.by_partition.get_mut(p) {
                if keys.last() != Some(&key) {
                    keys.push(key);
                }
            }
        }
        self.parked.insert(key, d);
        key
    }

    /// The request's `timeout` passed: it comes out, unless it was answered already.
    pub fn expire(&mut self, key: u64) -> Option<DelayedProduce> {
        self.parked.remove(&key)
    }

    /// The process stopped: parked requests are forgotten (keys keep growing).
    pub fn clear(&mut self) {
        self.parked.clear();
        self.by_partition.clear();
    }

    /// Settles the waits on `partition` that `settle` picks (true: settled), giving `edit` each
    /// settled one's result; returns the requests left with nothing to wait for, in key order.
    fn settle_on(
        &mut self,
        partition: u32,
        mut settle: impl FnMut(u64) -> bool,
        mut edit: impl FnMut(&mut ProducePartitionResult),
    ) -> Vec<DelayedProduce> {
        let Some(keys) = self.by_partition.get_mut(partition as usize) else {
            return Vec::new();
        };
        let mut done = Vec::new();
        keys.retain(|key| {
            let Some(d) = self.parked.get_mut(key) else {
                return false;
            };
            let mut changed = false;
            let mut still_waiting = false;
            let first = d.waiting.partition_point(|w| w.1 < partition);
            for (&(i, p, end), settled) in d.waiting.iter().zip(&mut d.settled).skip(first) {
                if p != partition {
                    break;
                }
                if *settled {
                    continue;
                }
                if settle(end) {
                    if let Some(r) = d.results.get_mut(i) {
                        edit(r);
                    }
                    *settled = true;
                    d.pending -= 1;
                    changed = true;
                } else {
                    still_waiting = true;
                }
            }
            if changed && d.pending == 0 {
                done.push(*key);
            }
            still_waiting
        });
        done.into_iter()
            .filter_map(|key| self.parked.remove(&key))
            .collect()
    }

    /// The high watermark of `partition` reached `hw`: the waits it covers are settled (as
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is below min.insync.replicas).
    pub fn reached(&mut self, partition: u32, hw: u64, isr_short: bool) -> Vec<DelayedProduce> {
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
    pub fn lost_leadership(&mut self, partition: u32) -> Vec<DelayedProduce> {
        self.settle_on(
            partition,
            |_| true,
            |r| r.result = Err(ErrorCode::NotLeaderOrFollower),
        )
    }
}
