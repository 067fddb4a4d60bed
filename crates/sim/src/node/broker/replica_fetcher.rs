//! Replication, the follower side (Kafka's `ReplicaFetcherThread`): a fetch session per
//! leader, the fetch of the partitions that moved, and the answer's truncation and appends.

use super::replica::ReplicaRole;
use super::{node, Broker, FETCH_BACKOFF_US};
use crate::kafka::protocol::{FetchPartition, FetchRequest, FetchResponse, Payload};
use crate::node::{Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::world::topology::Topology;

impl Broker {
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
        if resp.session_error.is_some() {
            // `FetchSessionHandler.handleResponse` drops the session: the next fetch is full.
            fetcher.session.reset();
            self.send_fetch(leader, now, out);
            return;
        }
        let session = &mut fetcher.session;
        session.established = Some(match session.established {
            Some((id, epoch)) => (id, epoch.wrapping_add(1).max(1)),
            None => (resp.session_id, 1),
        });
        session
            .touched
            .extend(resp.partitions.iter().map(|fp| fp.partition));
        let cached = session.sent.len();
        let mut errors = 0;
        let FetchResponse {
            mut partitions,
            batches,
            ..
        } = resp;
        for fp in partitions.drain(..) {
            let Some(r) = self.replicas.get_dense_mut(fp.partition) else {
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
            for b in batches.range(fp.batches) {
                if b.base_offset == r.log_end_offset {
                    r.append_ref(b);
                }
            }
            let hw = fp.high_watermark.min(r.log_end_offset);
            if hw > r.high_watermark {
                r.high_watermark = hw;
            }
        }
        self.fetch_scratch.recycle(partitions, batches);
        // Every partition it fetches from this leader in error: back off.
        if errors > 0 && errors == cached {
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

    /// The partitions this broker follows from `leader`, with its fetch position of each.
    fn following(&self, leader: u32) -> Vec<FetchPartition> {
        self.replicas
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
            .collect()
    }

    pub(super) fn send_fetch(&mut self, leader: u32, now: u64, out: &mut Outbox) {
        let roles = self.role_changes;
        let mut session = self
            .fetchers
            .get_mut(&leader)
            .map(|f| std::mem::take(&mut f.session))
            .unwrap_or_default();
        let (partitions, forgotten) =
            if session.established.is_none() || session.roles_seen != roles {
                // A full fetch, or the partitions followed from this leader may have changed:
                // compare all of them with what the session holds (`FetchSessionHandler.Builder`).
                let current = self.following(leader);
                if current.is_empty() {
                    self.fetchers.remove(&leader);
                    return;
                }
                let full = session.established.is_none();
                let forgotten: Vec<u32> = if full {
                    Vec::new()
                } else {
                    session
                        .sent
                        .keys()
                        .copied()
                        .filter(|p| current.binary_search_by_key(p, |fp| fp.partition).is_err())
                        .collect()
                };
                let listed: Vec<FetchPartition> = current
                    .iter()
                    .copied()
                    .filter(|fp| {
                        full || session.sent.get_dense(fp.partition)
                            != Some(&(fp.fetch_offset, fp.last_fetched_epoch))
                    })
                    .collect();
                session.sent = current
                    .iter()
                    .map(|fp| (fp.partition, (fp.fetch_offset, fp.last_fetched_epoch)))
                    .collect();
                session.roles_seen = roles;
                (listed, forgotten)
            } else {
                // Only partitions in the last answer can have moved.
                let mut touched = std::mem::take(&mut session.touched);
                crate::support::sorting::sort(&mut touched);
                touched.dedup();
                let mut listed = Vec::with_capacity(touched.len());
                for &p in &touched {
                    let Some(r) = self.replicas.get_dense(p) else {
                        continue;
                    };
                    let now_at = (r.log_end_offset, r.last_epoch());
                    if let Some(sent) = session.sent.get_dense_mut(p) {
                        if *sent != now_at {
                            *sent = now_at;
                            listed.push(FetchPartition {
                                partition: p,
                                fetch_offset: now_at.0,
                                last_fetched_epoch: now_at.1,
                            });
                        }
                    }
                }
                // The list goes back for its capacity.
                touched.clear();
                session.touched = touched;
                (listed, Vec::new())
            };
        session.touched.clear();
        let (session_id, session_epoch) = session.established.unwrap_or((0, 0));
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        let f = self.fetchers.get_or_default(leader);
        f.in_flight = Some(correlation_id);
        f.sent_us = now;
        f.generation += 1;
        f.session = session;
        out.send(
            node(self.id),
            node(leader),
            Payload::Fetch(FetchRequest {
                correlation_id,
                replica: self.id,
                session_id,
                session_epoch,
                partitions,
                forgotten,
            }),
        );
    }
}
