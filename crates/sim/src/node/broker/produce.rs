//! The produce path on a leader: `acks` semantics, min.insync.replicas, injected failures, and
//! the acks=all purgatory completed by the high watermark (Kafka's
//! `ReplicaManager.appendRecords`, `Partition.appendRecordsToLeader` and `DelayedProduce`).

use super::produce_purgatory::{DelayedProduce, Wait};
use super::replica::{AppendOutcome, ReplicaRole};
use super::{node, Broker};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{
    NodeId, Payload, ProducePartitionResult, ProduceRequest, ProduceResponse,
};
use crate::node::{Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::scenario::Acks;
use crate::world::topology::Topology;

impl Broker {
    pub(super) fn handle_produce(
        &mut self,
        now: u64,
        from: NodeId,
        req: ProduceRequest,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let injected = self.take_injection();
        let mut results = Vec::with_capacity(req.batches.len());
        let mut waiting = Vec::new();
        let mut appended = std::mem::take(&mut self.appended);
        appended.clear();
        for b in &req.batches {
            let records = req.records_of(b);
            let min_isr = self.effective_min_isr(topo, b.partition);
            let result = match self.replicas.get_dense_mut(b.partition) {
                Some(r) if r.is_leader() => {
                    let isr_len = r.isr().map(|i| i.len()).unwrap_or(0);
                    let append_first = matches!(
                        injected,
                        None | Some(ErrorCode::RequestTimedOut)
                            | Some(ErrorCode::NotEnoughReplicasAfterAppend)
                    );
                    if !append_first {
                        Err(injected.unwrap_or(ErrorCode::NotLeaderOrFollower))
                    } else if req.acks == Acks::All && isr_len < min_isr {
                        Err(ErrorCode::NotEnoughReplicas)
                    } else {
                        match r.append_as_leader(records, b.identity) {
                            AppendOutcome::Appended { base_offset }
                            | AppendOutcome::Duplicate { base_offset } => {
                                appended.push(b.partition);
                                let end = base_offset + records.len() as u64;
                                if let Some(e) = injected {
                                    Err(e)
                                } else if req.acks == Acks::All && r.high_watermark < end {
                                    waiting.push(Wait::new(results.len(), b.partition, end));
                                    Ok(base_offset)
                                } else {
                                    Ok(base_offset)
                                }
                            }
                            AppendOutcome::Rejected(e) => Err(e),
                        }
                    }
                }
                _ => Err(ErrorCode::NotLeaderOrFollower),
            };
            results.push(ProducePartitionResult {
                partition: b.partition,
                batch_id: b.batch_id,
                result,
            });
        }
        if let Some(e) = injected {
            out.trace(
                now,
                node(self.id),
                TraceKind::ProduceError,
                format!(
                    "broker {} answers a produce request with {e} (injected)",
                    self.id
                ),
            );
        }
        appended.dedup();
        for p in &appended {
            self.partition_changed(*p);
            self.advance_high_watermark(*p, now, topo, out);
        }
        self.release_held_fetches(&appended, out);
        self.appended = appended;
        if req.acks == Acks::Zero {
            // No answer is expected, so an error closes the connection: the client sees the
            // disconnect and refreshes its metadata (`KafkaApis.handleProduceRequest`).
            if results.iter().any(|r| r.result.is_err()) {
                out.send(node(self.id), from, Payload::Disconnect);
            }
            return;
        }
        // The HW may have moved during this very request (single-replica ISR).
        waiting.retain(|w| {
            self.replicas
                .get_dense(w.partition)
                .is_some_and(|r| r.high_watermark < w.end)
        });
        if waiting.is_empty() {
            out.send(
                node(self.id),
                from,
                Payload::ProduceResponse(ProduceResponse {
                    correlation_id: req.correlation_id,
                    results,
                }),
            );
        } else {
            if let Some(due) = self.delayed.park(DelayedProduce::new(
                from,
                req.correlation_id,
                results,
                now + req.timeout_us,
                waiting,
            )) {
                out.timer(due, node(self.id), Timer::DelayedProduceTimeout);
            }
        }
    }

    /// Recomputes the leader's high watermark; completes parked acks=all requests it reaches.
    pub(super) fn advance_high_watermark(
        &mut self,
        partition: u32,
        _now: u64,
        topo: &Topology,
        out: &mut Outbox,
    ) {
        let frozen_rule = self.settings.version.at_least(3, 7);
        let Some(r) = self.replicas.get_dense(partition) else {
            return;
        };
        let ReplicaRole::Leader {
            isr,
            followers,
            expanding,
            ..
        } = &r.role
        else {
            return;
        };
        let mut hw = r.log_end_offset;
        for f in followers {
            if isr.contains(&f.broker) || *expanding == Some(f.broker) {
                hw = hw.min(f.log_end_offset);
            }
        }
        if hw <= r.high_watermark {
            return;
        }
        // Only a move needs the topic's min.insync.replicas (a look at the topology per
        // append was a cache miss per batch at 1,000 partitions).
        let isr_len = isr.len();
        let min_isr = self.effective_min_isr(topo, partition);
        if frozen_rule && isr_len < min_isr {
            return;
        }
        let Some(r) = self.replicas.get_dense_mut(partition) else {
            return;
        };
        r.high_watermark = hw;
        self.partition_changed(partition);
        self.release_consumer_fetches(&[partition], out);
        // Complete parked requests for this partition.
        let id = self.id;
        answer_delayed(
            id,
            self.delayed.reached(partition, hw, isr_len < min_isr),
            out,
        );
    }

    pub(super) fn fail_delayed_for(&mut self, partition: u32, out: &mut Outbox) {
        let id = self.id;
        answer_delayed(id, self.delayed.lost_leadership(partition), out);
    }
}

/// Answers the delayed produce requests whose partitions have all settled, in key order.
fn answer_delayed(broker: u32, done: impl Iterator<Item = DelayedProduce>, out: &mut Outbox) {
    for d in done {
        out.send(
            node(broker),
            d.producer,
            Payload::ProduceResponse(ProduceResponse {
                correlation_id: d.correlation_id,
                results: d.results,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::kafka::errors::ErrorCode;
    use crate::kafka::protocol::{NodeId, Payload};
    use crate::scenario::presets::ScenarioBuilder;
    use crate::scenario::{Acks, ActionKind, KafkaVersion};
    use crate::world::sim::Simulation;

    #[test]
    fn each_parked_acks_all_request_times_out_at_its_own_deadline() {
        // One partition led by broker 0 whose followers are cut off: no acks=all request can
        // complete, so each waits out its timeout in the purgatory, retries included.
        let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(3)
            .duration_ms(8_000)
            .topic(1, 3, 1)
            .producer(|p| {
                p.records = 3;
                p.records_per_sec = 2.0;
                p.acks = Acks::All;
                p.request_timeout_ms = 2_000;
            })
            .action(
                0,
                ActionKind::IsolateBroker {
                    broker: 1,
                    for_ms: 60_000,
                },
            )
            .action(
                0,
                ActionKind::IsolateBroker {
                    broker: 2,
                    for_ms: 60_000,
                },
            )
            .build();
        let mut sim = Simulation::new(s);
        let (mut seen, mut parked, mut answered) = (0, Vec::new(), Vec::new());
        while sim.step() {
            for e in sim.messages_since(&mut seen) {
                match (e.info.from, e.info.to, &e.payload) {
                    (NodeId::Producer(0), NodeId::Broker(0), Payload::Produce(req)) => {
                        parked.push((req.correlation_id, e.info.arrive_us + req.timeout_us))
                    }
                    (NodeId::Broker(0), NodeId::Producer(0), Payload::ProduceResponse(r))
                        if r.results
                            .iter()
                            .all(|x| x.result == Err(ErrorCode::RequestTimedOut)) =>
                    {
                        answered.push((r.correlation_id, e.info.depart_us))
                    }
                    _ => {}
                }
            }
        }
        // Requests whose deadline falls in the run (three of them parked at once) are
        // answered at that deadline exactly.
        parked.retain(|&(_, deadline)| deadline <= 8_000_000);
        assert_eq!(parked.len(), 5);
        assert_eq!(answered, parked);
    }
}
