//! Replication: the leader side of follower fetches (long poll, divergence check, follower
//! state, ISR expansion) and the follower side (fetch sessions per leader, truncation, append).

use super::purgatory::HeldFetch;
use super::replica::ReplicaRole;
use super::{node, Broker, FETCH_BACKOFF_US, FETCH_MAX_BATCHES, FETCH_WAIT_MAX_US};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{
    FetchPartition, FetchRequest, FetchResponse, FetchedPartition, NodeId, Payload,
};
use crate::node::{Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::world::topology::Topology;

/// A follower fetch waits for records in any partition it reads.
impl HeldFetch for FetchRequest {
    fn correlation_id(&self) -> u64 {
        self.correlation_id
    }
    fn partitions(&self) -> impl Iterator<Item = u32> {
        self.partitions.iter().map(|fp| fp.partition)
    }
}

impl Broker {
    pub(super) fn handle_fetch(
        &mut self,
        now: u64,
        req: FetchRequest,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let f = req.replica;
        let mut touched = Vec::new();
        let mut has_data = false;
        for fp in &req.partitions {
            let Some(r) = self.replicas.get_mut(&fp.partition) else {
                has_data = true;
                continue;
            };
            let leo = r.log_end_offset;
            let hw = r.high_watermark;
            let epoch_start = r.end_offset_for_epoch(r.leader_epoch.saturating_sub(1));
            let end = r.end_offset_for_epoch(fp.last_fetched_epoch).min(leo);
            let ReplicaRole::Leader {
                isr,
                followers,
                isr_change_pending,
                expanding,
            } = &mut r.role
            else {
                has_data = true;
                continue;
            };
            if fp.fetch_offset > end {
                has_data = true;
                continue;
            }
            if let Some(st) = followers.iter_mut().find(|s| s.broker == f) {
                if fp.fetch_offset >= leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(now);
                } else if fp.fetch_offset >= st.last_fetch_leader_leo {
                    st.last_caught_up_us = st.last_caught_up_us.max(st.last_fetch_us);
                }
                st.last_fetch_leader_leo = leo;
                st.last_fetch_us = now;
                st.log_end_offset = fp.fetch_offset;
            }
            if fp.fetch_offset < leo {
                has_data = true;
            }
            // A follower back at the high watermark of this epoch rejoins the ISR.
            if !isr.contains(&f)
                && !*isr_change_pending
                && fp.fetch_offset >= hw
                && fp.fetch_offset >= epoch_start
            {
                let mut new_isr = isr.clone();
                new_isr.push(f);
                crate::support::sorting::sort(&mut new_isr);
                *isr_change_pending = true;
                *expanding = Some(f);
                out.send(
                    node(self.id),
                    NodeId::Controller,
                    Payload::AlterPartition {
                        partition: fp.partition,
                        leader: self.id,
                        leader_epoch: r.leader_epoch,
                        isr: new_isr,
                    },
                );
            }
            touched.push(fp.partition);
        }
        for p in touched {
            self.advance_high_watermark(p, now, topo, out);
        }
        if has_data {
            self.answer_fetch(f, &req, topo, out);
        } else {
            out.timer(
                now + FETCH_WAIT_MAX_US,
                node(self.id),
                Timer::FetchWait {
                    follower: f,
                    correlation_id: req.correlation_id,
                },
            );
            self.held_fetches.hold(f, req);
        }
    }

    pub(super) fn build_fetch_response(
        &self,
        req: &FetchRequest,
        _topo: &Topology,
    ) -> FetchResponse {
        let partitions = req
            .partitions
            .iter()
            .map(|fp| match self.replicas.get(&fp.partition) {
                Some(r) if r.is_leader() => {
                    let end = r
                        .end_offset_for_epoch(fp.last_fetched_epoch)
                        .min(r.log_end_offset);
                    if fp.fetch_offset > end {
                        FetchedPartition {
                            partition: fp.partition,
                            error: None,
                            batches: Vec::new(),
                            high_watermark: r.high_watermark,
                            diverging_end_offset: Some(end),
                        }
                    } else {
                        FetchedPartition {
                            partition: fp.partition,
                            error: None,
                            batches: r.batches_from(fp.fetch_offset, FETCH_MAX_BATCHES),
                            high_watermark: r.high_watermark,
                            diverging_end_offset: None,
                        }
                    }
                }
                _ => FetchedPartition {
                    partition: fp.partition,
                    error: Some(ErrorCode::NotLeaderOrFollower),
                    batches: Vec::new(),
                    high_watermark: 0,
                    diverging_end_offset: None,
                },
            })
            .collect();
        FetchResponse {
            correlation_id: req.correlation_id,
            partitions,
        }
    }

    pub(super) fn answer_fetch(
        &self,
        follower: u32,
        req: &FetchRequest,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let resp = self.build_fetch_response(req, topo);
        out.send(node(self.id), node(follower), Payload::FetchResponse(resp));
    }

    /// These partitions have new records: held follower fetches on them answer.
    pub(super) fn release_held_fetches(
        &mut self,
        partitions: &[u32],
        topo: &Topology,
        out: &mut Outbox,
    ) {
        for (f, req) in self.held_fetches.release(partitions) {
            self.answer_fetch(f, &req, topo, out);
        }
    }

    pub(super) fn handle_fetch_response(
        &mut self,
        now: u64,
        leader: u32,
        resp: FetchResponse,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let Some(fetcher) = self.fetchers.get_mut(&leader) else {
            return;
        };
        if fetcher.in_flight != Some(resp.correlation_id) {
            return;
        }
        fetcher.in_flight = None;
        let mut errors = 0;
        for fp in resp.partitions.iter() {
            let Some(r) = self.replicas.get_mut(&fp.partition) else {
                continue;
            };
            if r.role
                != (ReplicaRole::Follower {
                    leader: Some(leader),
                })
            {
                continue;
            }
            if fp.error.is_some() {
                errors += 1;
                continue;
            }
            if let Some(end) = fp.diverging_end_offset {
                let removed = r.truncate_to(end);
                if removed > 0 {
                    out.trace(
                        now,
                        node(self.id),
                        TraceKind::LogTruncated,
                        format!("broker {} truncates {} to offset {end}: {removed} records it had that leader {leader} does not", self.id, topo.name(fp.partition)),
                    );
                }
                continue;
            }
            for b in &fp.batches {
                if b.base_offset == r.log_end_offset {
                    r.append(b.clone());
                }
            }
            let hw = fp.high_watermark.min(r.log_end_offset);
            if hw > r.high_watermark {
                r.high_watermark = hw;
            }
        }
        if errors > 0 && errors == resp.partitions.len() {
            let f = self.fetchers.get_or_default(leader);
            f.generation += 1;
            out.timer(
                now + FETCH_BACKOFF_US,
                node(self.id),
                Timer::FetchRetry {
                    leader,
                    generation: f.generation,
                },
            );
        } else {
            self.send_fetch(leader, now, out);
        }
    }

    pub(super) fn send_fetch(&mut self, leader: u32, now: u64, out: &mut Outbox) {
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter(|r| {
                r.role
                    == ReplicaRole::Follower {
                        leader: Some(leader),
                    }
            })
            .map(|r| FetchPartition {
                partition: r.partition,
                fetch_offset: r.log_end_offset,
                last_fetched_epoch: r.last_epoch(),
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        let f = self.fetchers.get_or_default(leader);
        f.in_flight = Some(correlation_id);
        f.sent_us = now;
        f.generation += 1;
        out.send(
            node(self.id),
            node(leader),
            Payload::Fetch(FetchRequest {
                correlation_id,
                replica: self.id,
                partitions,
            }),
        );
    }
}
