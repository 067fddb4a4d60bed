//! Building a Produce request and writing it to the connection, and librdkafka's output
//! queue. librdkafka's broker thread builds the next ProduceRequest as soon as it has sent one
//! and parks it in the broker's output queue (`rkb_outbufs`); `max.in.flight` counts only the
//! requests sent and awaiting an answer (`rkb_waitresps`, `rdkafka_broker.c`), so when request
//! N fails the parked N+1 goes out at once, and N's messages, put back at the head of their
//! partition queue (`rd_kafka_toppar_retry_msgq`, `rdkafka_partition.c`), follow after
//! `retry.backoff.ms`: without idempotence the log is reordered even with a window of 1
//! (measured with librdkafka 2.12.1: `0-249, 300-349, 250-299, 350-1999`). With idempotence
//! librdkafka holds a partition back until its failed sequence is resolved, which the
//! sequence rules of `sender` already do, so only non-idempotent producers park here.

use super::{ms, InFlightRequest, Producer};
use crate::kafka::protocol::{NodeId, Payload, ProduceBatch, ProduceRequest, ProducerIdentity};
use crate::node::Ctx;
use crate::scenario::Acks;

/// A request built and not yet written (or being written) to its connection.
#[derive(Debug, Clone)]
pub struct BuiltRequest {
    wire: Vec<ProduceBatch>,
    records: Vec<u32>,
    ids: Vec<u64>,
}

impl BuiltRequest {
    /// The parked request of a connection that failed: its batches fail like those in flight.
    pub fn into_failed(self) -> InFlightRequest {
        InFlightRequest {
            correlation_id: u64::MAX,
            batch_ids: self.ids,
            sent_us: 0,
            deadline_us: u64::MAX,
        }
    }
}

impl Producer {
    /// Whether the sender may build a request for `broker` whose window is full, to park it:
    /// a librdkafka producer without idempotence, connected, with nothing parked yet.
    pub(super) fn may_park(&self, broker: u32) -> bool {
        self.cfg.client.is_librdkafka()
            && !self.idempotent()
            && self.cfg.acks != Acks::Zero
            && self
                .connections
                .get(&broker)
                .is_some_and(|c| c.is_ready() && c.parked.is_none())
    }

    /// Builds a request for a full window and parks it in the connection's output queue.
    pub(super) fn park_request(&mut self, broker: u32, batches: &[(u32, u64)]) {
        let built = self.build_request(batches);
        self.connections_scanned = false;
        self.connections.get_or_default(broker).parked = Some(built);
    }

    /// An answer freed a place in the window: the parked request goes out first.
    pub(super) fn send_parked(&mut self, broker: u32, ctx: &mut Ctx<'_>) {
        if !self.window_free(broker) {
            return;
        }
        self.connections_scanned = false;
        let Some(c) = self.connections.get_mut(&broker) else {
            return;
        };
        if let Some(built) = c.parked.take() {
            self.transmit(broker, built, ctx);
        }
    }

    pub(super) fn send_request(&mut self, broker: u32, batches: &[(u32, u64)], ctx: &mut Ctx<'_>) {
        let built = self.build_request(batches);
        self.transmit(broker, built, ctx);
    }

    /// Takes `batches` out of their queues into a request: frozen, sequenced (idempotence),
    /// and counted in flight from here on.
    fn build_request(&mut self, batches: &[(u32, u64)]) -> BuiltRequest {
        let idempotent = self.idempotent();
        let mut wire = Vec::with_capacity(batches.len());
        let mut wire_records = Vec::new();
        let mut ids = Vec::with_capacity(batches.len());
        for &(p, id) in batches {
            let partition = self.global(p);
            self.accumulator.take_front(p);
            let Some(s) = self.send_state.get_mut(p as usize) else {
                continue;
            };
            let Some(b) = self.accumulator.batches.get_mut(&id) else {
                continue;
            };
            let records = b.freeze();
            let at = wire_records.len();
            wire_records.extend_from_slice(records);
            let (records, len) = (at..wire_records.len(), records.len());
            let identity = if idempotent {
                let seq = match b.sequence {
                    Some(seq) => seq,
                    None => {
                        let seq = s.next_sequence;
                        s.next_sequence = s.next_sequence.wrapping_add(len as i32) & i32::MAX;
                        b.sequence = Some(seq);
                        b.producer_epoch = s.producer_epoch;
                        s.unresolved.insert(seq);
                        seq
                    }
                };
                Some(ProducerIdentity {
                    producer_id: self.producer_id,
                    producer_epoch: b.producer_epoch,
                    base_sequence: seq,
                })
            } else {
                None
            };
            b.in_flight = true;
            s.in_flight_batches += 1;
            s.in_flight_records += len as u32;
            wire.push(ProduceBatch {
                partition,
                batch_id: id,
                records,
                identity,
                is_retry: b.attempts > 0,
            });
            ids.push(id);
        }
        BuiltRequest {
            wire,
            records: wire_records,
            ids,
        }
    }

    /// Writes a built request to the broker's connection: it now awaits its answer.
    fn transmit(&mut self, broker: u32, built: BuiltRequest, ctx: &mut Ctx<'_>) {
        let BuiltRequest { wire, records, ids } = built;
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        let acks = self.cfg.acks;
        ctx.out.send(
            self.node(),
            NodeId::Broker(broker),
            Payload::Produce(ProduceRequest {
                correlation_id,
                acks,
                timeout_us: ms(self.cfg.request_timeout_ms),
                batches: wire,
                records,
            }),
        );
        self.connections_scanned = false;
        let conn = self.connections.get_or_default(broker);
        if acks == Acks::Zero {
            // Complete once written to the socket: no response will come.
            for id in ids {
                self.batch_succeeded(id, ctx);
            }
            return;
        }
        let deadline_us = ctx.now + ms(self.cfg.request_timeout_ms);
        conn.in_flight.push_back(InFlightRequest {
            correlation_id,
            batch_ids: ids,
            sent_us: ctx.now,
            deadline_us,
        });
        self.note_connection_due(deadline_us);
    }
}
