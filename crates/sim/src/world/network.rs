//! The network: latency, jitter, loss and isolation. Every message departs and arrives at a
//! known time; each connection (ordered node pair) is FIFO like the TCP connection it models,
//! so jitter never reorders two messages on one connection.
//!
//! Loss is TCP's, not a datagram's: Kafka's requests travel on TCP connections, so a lost
//! segment is retransmitted after the retransmission timeout and arrives late, and everything
//! behind it on that connection waits for it (in-order delivery, head-of-line blocking). No
//! request ever vanishes because of `loss.rate`. Each message counts as one segment.

use crate::kafka::protocol::{MessageKind, NodeId, Payload};
use crate::scenario::NetworkConfig;
use crate::support::vec_map::VecMap;
use rand_core::Rng;
use serde::Serialize;

/// What becomes of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Still travelling; will be delivered unless its destination is gone or cut off.
    InFlight,
    Delivered,
    /// A segment of it was lost (`loss.rate`) and TCP retransmitted it: it arrives late.
    Retransmitted,
    /// Could not be delivered: the destination is down or a partition cut it off.
    Dropped,
}

/// A message on the wire, for the page to animate.
#[derive(Debug, Clone, Serialize)]
pub struct MessageInFlight {
    pub id: u64,
    pub kind: MessageKind,
    pub from: NodeId,
    pub to: NodeId,
    pub depart_us: u64,
    pub arrive_us: u64,
    pub fate: Fate,
    /// For produce requests: the global record ids `[first, last]` of each batch.
    pub record_ranges: Vec<(u32, u32)>,
    pub is_retry: bool,
}

#[derive(Debug, Clone)]
pub struct Envelope {
    pub info: MessageInFlight,
    pub payload: Payload,
}

#[derive(Debug, Clone)]
pub struct Network {
    latency_us: u64,
    jitter_us: u64,
    /// Loss probability scaled to 2^32.
    loss_threshold: u64,
    /// Last arrival time per (from, to): keeps each connection FIFO.
    last_arrival: ConnectionClock,
    /// Brokers cut off until the given time.
    isolated_until: VecMap<u32, u64>,
    next_id: u64,
}

/// The last arrival time on each connection, in a table by both ends' dense index: every
/// message looks its connection up, and at 100 nodes a sorted map of pairs cost a binary
/// search of enum comparisons each time.
#[derive(Debug, Clone, Default)]
struct ConnectionClock {
    rows: Vec<Vec<u64>>,
}

impl ConnectionClock {
    /// Each kind of node interleaved, so the table grows with the largest index in use.
    fn dense(node: NodeId) -> usize {
        match node {
            NodeId::Controller => 0,
            NodeId::Registry => 1,
            NodeId::Broker(i) => 2 + 3 * i as usize,
            NodeId::Producer(i) => 3 + 3 * i as usize,
            NodeId::Consumer(i) => 4 + 3 * i as usize,
        }
    }

    fn last_arrival(&mut self, from: NodeId, to: NodeId) -> &mut u64 {
        let (f, t) = (Self::dense(from), Self::dense(to));
        if self.rows.len() <= f {
            self.rows.resize_with(f + 1, Vec::new);
        }
        let row = &mut self.rows[f];
        if row.len() <= t {
            row.resize(t + 1, 0);
        }
        &mut row[t]
    }
}

fn ms_to_us(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1000.0).round() as u64
    } else {
        0
    }
}

/// Linux's `TCP_RTO_MIN` (200 ms): the least retransmission timeout. Linux keeps the RTT
/// variance term at least this large, so on a fast network RTO ≈ RTT + 200 ms (RFC 6298 §2,
/// `tcp_set_rto` in net/ipv4/tcp_input.c).
const TCP_RTO_MIN_US: u64 = 200_000;
/// Linux's `TCP_RTO_MAX` (120 s): the backed-off timeout never exceeds it.
const TCP_RTO_MAX_US: u64 = 120_000_000;
/// Linux's `tcp_retries2` default (15): after that many retransmissions of one segment the
/// kernel resets the connection (about 15 minutes with backoff). Resets are not modelled: the
/// segment simply arrives after its 15th retransmission (only `loss.rate` near 1 gets there).
const TCP_RETRIES2: u32 = 15;

fn loss_threshold(rate: f64) -> u64 {
    if rate.is_finite() && rate > 0.0 {
        (rate.min(1.0) * 4_294_967_296.0) as u64
    } else {
        0
    }
}

impl Network {
    pub fn new(cfg: &NetworkConfig) -> Self {
        Network {
            latency_us: ms_to_us(cfg.latency_ms),
            jitter_us: ms_to_us(cfg.jitter_ms),
            loss_threshold: loss_threshold(cfg.loss_rate),
            last_arrival: ConnectionClock::default(),
            isolated_until: VecMap::new(),
            next_id: 0,
        }
    }

    pub fn set(&mut self, latency_ms: Option<f64>, jitter_ms: Option<f64>, loss_rate: Option<f64>) {
        if let Some(l) = latency_ms {
            self.latency_us = ms_to_us(l);
        }
        if let Some(j) = jitter_ms {
            self.jitter_us = ms_to_us(j);
        }
        if let Some(r) = loss_rate {
            self.loss_threshold = loss_threshold(r);
        }
    }

    pub fn latency_us(&self) -> u64 {
        self.latency_us
    }

    pub fn isolate(&mut self, broker: u32, until_us: u64) {
        let e = self.isolated_until.get_or_insert_with(broker, || 0);
        *e = (*e).max(until_us);
    }

    pub fn heal(&mut self, broker: u32, now_us: u64) {
        if self
            .isolated_until
            .get(&broker)
            .is_some_and(|&u| u <= now_us)
        {
            self.isolated_until.remove(&broker);
        }
    }

    pub fn is_isolated(&self, broker: u32, now_us: u64) -> bool {
        self.isolated_until
            .get(&broker)
            .is_some_and(|&u| u > now_us)
    }

    fn cut_off(&self, node: NodeId, now_us: u64) -> bool {
        match node {
            NodeId::Broker(b) => self.is_isolated(b, now_us),
            _ => false,
        }
    }

    /// Whether a message between these nodes cannot pass at this time.
    pub fn blocked(&self, from: NodeId, to: NodeId, now_us: u64) -> bool {
        self.cut_off(from, now_us) || self.cut_off(to, now_us)
    }

    /// Puts a message on the wire: picks its arrival time. Each loss of its segment costs one
    /// retransmission timeout, doubled for each further loss of the same segment (exponential
    /// backoff, RFC 6298 §5.5). `reliable` messages (connection resets) are never lost.
    pub fn transmit(
        &mut self,
        from: NodeId,
        to: NodeId,
        payload: Payload,
        now_us: u64,
        reliable: bool,
        rng: &mut impl Rng,
    ) -> Envelope {
        let jitter = if self.jitter_us > 0 {
            rng.next_u64() % (2 * self.jitter_us + 1)
        } else {
            0
        };
        // Symmetric jitter around the latency, never below zero.
        let delay = (self.latency_us + jitter).saturating_sub(self.jitter_us);
        let mut arrive = now_us + delay;
        let mut retransmits = 0;
        if !reliable && self.loss_threshold > 0 {
            let rto = TCP_RTO_MIN_US + 2 * self.latency_us;
            while retransmits < TCP_RETRIES2 && u64::from(rng.next_u32()) < self.loss_threshold {
                arrive += (rto << retransmits).min(TCP_RTO_MAX_US);
                retransmits += 1;
            }
        }
        // In order: a message waits for every earlier one on its connection (a late,
        // retransmitted segment holds back everything sent after it).
        let last = self.last_arrival.last_arrival(from, to);
        arrive = arrive.max(*last);
        *last = arrive;
        let fate = if self.blocked(from, to, now_us) {
            Fate::Dropped
        } else if retransmits > 0 {
            Fate::Retransmitted
        } else {
            Fate::InFlight
        };
        let (record_ranges, is_retry) = match &payload {
            Payload::Produce(req) => (
                req.batches
                    .iter()
                    .map(|b| {
                        let records = req.records_of(b);
                        (
                            records.first().copied().unwrap_or(0),
                            records.last().copied().unwrap_or(0),
                        )
                    })
                    .collect(),
                req.batches.iter().any(|b| b.is_retry),
            ),
            _ => (Vec::new(), false),
        };
        let id = self.next_id;
        self.next_id += 1;
        Envelope {
            info: MessageInFlight {
                id,
                kind: payload.kind(),
                from,
                to,
                depart_us: now_us,
                arrive_us: arrive,
                fate,
                record_ranges,
                is_retry,
            },
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    fn net(latency: f64, jitter: f64, loss: f64) -> Network {
        Network::new(&NetworkConfig {
            latency_ms: latency,
            jitter_ms: jitter,
            loss_rate: loss,
        })
    }

    #[test]
    fn a_connection_never_reorders_its_messages_under_jitter() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(3);
        let mut n = net(5.0, 4.0, 0.0);
        let mut last = 0;
        for t in 0..200u64 {
            let e = n.transmit(
                NodeId::Producer(0),
                NodeId::Broker(1),
                Payload::Disconnect,
                t * 10,
                false,
                &mut rng,
            );
            assert!(e.info.arrive_us >= last);
            assert!(e.info.arrive_us >= t * 10 + 1000);
            last = e.info.arrive_us;
        }
    }

    #[test]
    fn messages_to_an_isolated_broker_are_dropped() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(3);
        let mut n = net(1.0, 0.0, 0.0);
        n.isolate(2, 5_000);
        let e = n.transmit(
            NodeId::Producer(0),
            NodeId::Broker(2),
            Payload::Disconnect,
            0,
            false,
            &mut rng,
        );
        assert_eq!(e.info.fate, Fate::Dropped);
        let e = n.transmit(
            NodeId::Producer(0),
            NodeId::Broker(2),
            Payload::Disconnect,
            6_000,
            false,
            &mut rng,
        );
        assert_eq!(e.info.fate, Fate::InFlight);
    }

    #[test]
    fn full_loss_delays_every_message_by_fifteen_backed_off_retransmissions() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(3);
        let mut n = net(1.0, 0.0, 1.0);
        let e = n.transmit(
            NodeId::Controller,
            NodeId::Broker(0),
            Payload::Disconnect,
            0,
            false,
            &mut rng,
        );
        assert_eq!(e.info.fate, Fate::Retransmitted);
        // RTO 202 ms doubling: 0.202 · (1 + 2 + ... + 512) s, then capped at 120 s five times,
        // then the 1 ms latency.
        assert_eq!(e.info.arrive_us, 202_000 * 1023 + 5 * 120_000_000 + 1_000);
        let reset = n.transmit(
            NodeId::Broker(0),
            NodeId::Controller,
            Payload::Disconnect,
            0,
            true,
            &mut rng,
        );
        assert_eq!(
            (reset.info.fate, reset.info.arrive_us),
            (Fate::InFlight, 1_000)
        );
    }

    #[test]
    fn a_retransmitted_message_holds_back_the_later_ones_on_its_connection_only() {
        let mut rng = rand_pcg::Pcg32::seed_from_u64(3);
        let mut n = net(1.0, 0.0, 1.0);
        let send = |n: &mut Network, rng: &mut rand_pcg::Pcg32, to: u32, at: u64| {
            n.transmit(
                NodeId::Producer(0),
                NodeId::Broker(to),
                Payload::Disconnect,
                at,
                false,
                rng,
            )
            .info
        };
        let first = send(&mut n, &mut rng, 0, 0);
        n.set(None, None, Some(0.0));
        let behind = send(&mut n, &mut rng, 0, 10);
        let elsewhere = send(&mut n, &mut rng, 1, 10);
        assert_eq!(behind.fate, Fate::InFlight);
        assert_eq!(behind.arrive_us, first.arrive_us);
        assert_eq!(elsewhere.arrive_us, 1_010);
    }
}

/// Messages on the wire, by id. Ids are handed out in order and most messages arrive roughly
/// in order, so a ring of slots beats a tree (no rebalancing, no moves of big values).
#[derive(Debug, Clone, Default)]
pub struct Wire {
    first_id: u64,
    slots: std::collections::VecDeque<Option<Envelope>>,
}

impl Wire {
    pub fn insert(&mut self, env: Envelope) {
        let id = env.info.id;
        if self.slots.is_empty() {
            self.first_id = id;
        }
        let idx = id.saturating_sub(self.first_id) as usize;
        while self.slots.len() < idx {
            self.slots.push_back(None);
        }
        if idx == self.slots.len() {
            self.slots.push_back(Some(env));
        } else if let Some(slot) = self.slots.get_mut(idx) {
            *slot = Some(env);
        }
    }

    pub fn remove(&mut self, id: u64) -> Option<Envelope> {
        let idx = id.checked_sub(self.first_id)? as usize;
        let env = self.slots.get_mut(idx)?.take();
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.first_id += 1;
        }
        env
    }

    pub fn iter(&self) -> impl Iterator<Item = &Envelope> {
        self.slots.iter().flatten()
    }
}
