//! The controller (KRaft's active controller, or the ZooKeeper-era controller broker): broker
//! liveness by session timeout, leader election from the ISR (unclean when enabled), ISR changes
//! proposed by leaders, and propagation of every change to the brokers.

use crate::kafka::protocol::{NodeId, PartitionState, Payload};
use crate::node::{Ctx, Node, Outbox, Timer};
use crate::observe::trace::TraceKind;
use crate::world::topology::Topology;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct BrokerLiveness {
    pub fenced: bool,
    pub last_heartbeat_us: u64,
    /// The registered incarnation (process start) of the broker.
    pub incarnation: u32,
    /// The controller's metadata offset when the broker's previous heartbeat arrived.
    pub offset_at_last_heartbeat: u64,
}

#[derive(Debug, Clone)]
pub struct Controller {
    pub partitions: Vec<PartitionState>,
    pub brokers: Vec<BrokerLiveness>,
    pub replicas: Vec<Vec<u32>>,
    pub names: Vec<String>,
    pub unclean_leader_election: bool,
    pub session_timeout_us: u64,
    /// How many change sets the controller has sent (KRaft's metadata log end offset).
    pub metadata_offset: u64,
    /// The metadata offset of each partition's latest change: what a broker that is behind
    /// is sent.
    changed_at: Vec<u64>,
}

/// How often the controller looks at broker sessions.
pub const SESSION_CHECK_US: u64 = 250_000;

impl Controller {
    pub fn new(topo: &Topology, unclean: bool, session_timeout_us: u64) -> Self {
        let partitions = topo
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| PartitionState {
                partition: i as u32,
                leader: p.replicas.first().copied(),
                leader_epoch: 0,
                isr: p.replicas.clone(),
            })
            .collect();
        Controller {
            partitions,
            brokers: (0..topo.brokers)
                .map(|_| BrokerLiveness {
                    fenced: false,
                    last_heartbeat_us: 0,
                    incarnation: 0,
                    offset_at_last_heartbeat: 0,
                })
                .collect(),
            replicas: topo.partitions.iter().map(|p| p.replicas.clone()).collect(),
            names: topo.partitions.iter().map(|p| p.name.clone()).collect(),
            unclean_leader_election: unclean,
            session_timeout_us,
            metadata_offset: 0,
            changed_at: vec![0; topo.partitions.len()],
        }
    }

    pub fn leaders(&self) -> Arc<[Option<u32>]> {
        self.partitions.iter().map(|p| p.leader).collect()
    }

    fn live(&self, b: u32) -> bool {
        self.brokers.get(b as usize).is_some_and(|l| !l.fenced)
    }

    /// Sends a change set to every unfenced broker. One that misses it (cut off from the
    /// network) reports an older metadata offset in its next heartbeat and is sent what it
    /// lacks then.
    fn broadcast(&mut self, changed: Vec<PartitionState>, out: &mut Outbox) {
        if changed.is_empty() {
            return;
        }
        self.metadata_offset += 1;
        for st in &changed {
            if let Some(at) = self.changed_at.get_mut(st.partition as usize) {
                *at = self.metadata_offset;
            }
        }
        let leaders = self.leaders();
        for (b, l) in self.brokers.iter().enumerate() {
            if !l.fenced {
                out.send(
                    NodeId::Controller,
                    NodeId::Broker(b as u32),
                    Payload::PartitionChanges {
                        states: changed.clone(),
                        leaders: leaders.clone(),
                        metadata_offset: self.metadata_offset,
                    },
                );
            }
        }
    }

    /// Elects a leader for partition `p` if its leader is gone; returns whether it changed.
    fn elect(&mut self, p: usize, now: u64, out: &mut Outbox) -> bool {
        let Some(replicas) = self.replicas.get(p).cloned() else {
            return false;
        };
        let live: Vec<bool> = replicas.iter().map(|&r| self.live(r)).collect();
        let current = self.partitions.get(p).and_then(|s| s.leader);
        if current.is_some_and(|l| self.live(l)) {
            return false;
        }
        let Some(state) = self.partitions.get_mut(p) else {
            return false;
        };
        let name = self.names.get(p).cloned().unwrap_or_default();
        let clean = replicas
            .iter()
            .zip(&live)
            .find(|(r, &ok)| ok && state.isr.contains(r))
            .map(|(r, _)| *r);
        let new_leader = clean.or_else(|| {
            if self.unclean_leader_election {
                replicas
                    .iter()
                    .zip(&live)
                    .find(|(_, &ok)| ok)
                    .map(|(r, _)| *r)
            } else {
                None
            }
        });
        match new_leader {
            Some(l) => {
                let unclean = clean.is_none();
                state.leader = Some(l);
                state.leader_epoch += 1;
                if unclean {
                    state.isr = vec![l];
                } else {
                    state.isr.retain(|r| {
                        replicas
                            .iter()
                            .position(|x| x == r)
                            .and_then(|i| live.get(i).copied())
                            .unwrap_or(false)
                    });
                }
                out.trace(
                    now,
                    NodeId::Controller,
                    TraceKind::LeaderElected,
                    format!(
                        "broker {l} is now leader of {name}, epoch {}{}",
                        state.leader_epoch,
                        if unclean { " (unclean election)" } else { "" }
                    ),
                );
                true
            }
            None => {
                if state.leader.is_some() {
                    state.leader = None;
                    state.leader_epoch += 1;
                    out.trace(
                        now,
                        NodeId::Controller,
                        TraceKind::PartitionOffline,
                        format!("{name} is offline: no live replica in its ISR"),
                    );
                    true
                } else {
                    false
                }
            }
        }
    }

    /// CreatePartitions: takes on every partition of `topo` it does not know yet, led by the
    /// first live replica with the live replicas as ISR, and tells the live brokers (the
    /// LeaderAndIsr path, which makes the hosting brokers create their replicas). Returns
    /// the new partitions' global numbers.
    pub fn create_partitions(&mut self, topo: &Topology, out: &mut Outbox) -> Vec<u32> {
        let mut created = Vec::new();
        for (g, info) in topo
            .partitions
            .iter()
            .enumerate()
            .skip(self.partitions.len())
        {
            let isr: Vec<u32> = info
                .replicas
                .iter()
                .copied()
                .filter(|&r| self.live(r))
                .collect();
            self.partitions.push(PartitionState {
                partition: g as u32,
                leader: isr.first().copied(),
                leader_epoch: 0,
                isr,
            });
            self.replicas.push(info.replicas.clone());
            self.names.push(info.name.clone());
            self.changed_at.push(0);
            created.push(g as u32);
        }
        let states = created
            .iter()
            .filter_map(|&g| self.partitions.get(g as usize).cloned())
            .collect();
        self.broadcast(states, out);
        created
    }

    /// Brokers whose session the controller holds, in order.
    pub fn live_brokers(&self) -> Vec<u32> {
        (0..self.brokers.len() as u32)
            .filter(|&b| self.live(b))
            .collect()
    }

    fn handle_timer(&mut self, now: u64, timer: Timer, out: &mut Outbox) {
        if timer != Timer::SessionCheck {
            return;
        }
        let expired: Vec<u32> = self
            .brokers
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                !l.fenced && now.saturating_sub(l.last_heartbeat_us) > self.session_timeout_us
            })
            .map(|(b, _)| b as u32)
            .collect();
        for b in expired {
            self.fence(b, now, out);
        }
        out.timer(
            now + SESSION_CHECK_US,
            NodeId::Controller,
            Timer::SessionCheck,
        );
    }

    fn fence(&mut self, b: u32, now: u64, out: &mut Outbox) {
        if let Some(l) = self.brokers.get_mut(b as usize) {
            l.fenced = true;
        }
        out.trace(
            now,
            NodeId::Controller,
            TraceKind::BrokerFenced,
            format!("broker {b} missed its session timeout: fenced"),
        );
        let mut changed = Vec::new();
        for p in 0..self.partitions.len() {
            let mut touched = false;
            if let Some(st) = self.partitions.get_mut(p) {
                // KRaft keeps the last ISR member so the partition can come back cleanly.
                if st.isr.contains(&b) && st.isr.len() > 1 {
                    st.isr.retain(|&r| r != b);
                    touched = true;
                }
            }
            if self.elect(p, now, out) {
                touched = true;
            }
            if touched {
                if let Some(st) = self.partitions.get(p) {
                    changed.push(st.clone());
                }
            }
        }
        self.broadcast(changed, out);
    }

    /// A broker process registers (at each start). While the previous incarnation's session
    /// is valid the controller refuses (`ClusterControlManager.registerBroker`:
    /// DuplicateBrokerRegistrationException); once it has expired, the old incarnation is
    /// fenced (its leaderships move, it leaves the ISRs) and the new one is registered fenced,
    /// with the whole state to replay. Its first heartbeat then unfences it. The ZooKeeper-era
    /// equivalent is the same wait: the dead process's ephemeral `/brokers/ids/N` node stays
    /// until its ZooKeeper session expires, and registration fails until then.
    fn register(
        &mut self,
        broker: u32,
        incarnation: u32,
        now: u64,
        from: NodeId,
        out: &mut Outbox,
    ) {
        let timeout = self.session_timeout_us;
        let Some(l) = self.brokers.get(broker as usize) else {
            return;
        };
        let same = l.incarnation == incarnation;
        let session_valid = !l.fenced && now.saturating_sub(l.last_heartbeat_us) <= timeout;
        if !same && session_valid {
            out.send(
                NodeId::Controller,
                from,
                Payload::BrokerRegistrationResponse {
                    accepted: false,
                    states: Vec::new(),
                    leaders: self.leaders(),
                    metadata_offset: 0,
                },
            );
            return;
        }
        if !same {
            if !l.fenced {
                self.fence(broker, now, out);
            }
            if let Some(l) = self.brokers.get_mut(broker as usize) {
                l.incarnation = incarnation;
                l.last_heartbeat_us = now;
            }
            out.trace(
                now,
                NodeId::Controller,
                TraceKind::BrokerRegistered,
                format!("broker {broker} registered a new incarnation; it catches up fenced"),
            );
        }
        out.send(
            NodeId::Controller,
            from,
            Payload::BrokerRegistrationResponse {
                accepted: true,
                states: self.partitions.clone(),
                leaders: self.leaders(),
                metadata_offset: self.metadata_offset,
            },
        );
    }

    /// A registered broker's heartbeat keeps its session. The first after fencing unfences it
    /// and sends it every partition's state. A broker that still lacks a change set sent
    /// before its previous heartbeat, a heartbeat interval ago, missed it while cut off from
    /// the network, and is sent the partitions changed since its offset. (Where repeated TCP
    /// retransmissions hold a change or a heartbeat up that long, the resend is a duplicate:
    /// harmless, as it carries the controller's current state.) Kafka's brokers fetch the metadata log from their offset once they
    /// reach the quorum again (KIP-500; the ZooKeeper-era `ControllerChannelManager` resends
    /// until a request gets through); without this a broker could keep a stale leader for
    /// good. Simplified: Kafka's fetch catches up sooner than the one or two heartbeat
    /// intervals (2 s each) this takes.
    fn heartbeat(
        &mut self,
        broker: u32,
        incarnation: u32,
        metadata_offset: u64,
        now: u64,
        from: NodeId,
        out: &mut Outbox,
    ) {
        let Some(l) = self.brokers.get_mut(broker as usize) else {
            return;
        };
        if l.incarnation != incarnation {
            return;
        }
        l.last_heartbeat_us = now;
        let missed = metadata_offset < l.offset_at_last_heartbeat;
        l.offset_at_last_heartbeat = self.metadata_offset;
        if !l.fenced {
            if missed {
                let states: Vec<PartitionState> = self
                    .partitions
                    .iter()
                    .zip(&self.changed_at)
                    .filter(|(_, &at)| at > metadata_offset)
                    .map(|(st, _)| st.clone())
                    .collect();
                out.trace(
                    now,
                    NodeId::Controller,
                    TraceKind::BrokerCaughtUp,
                    format!(
                        "broker {broker} missed metadata changes (its offset {metadata_offset}, \
                         the controller's {}): sent again for {} partition(s)",
                        self.metadata_offset,
                        states.len()
                    ),
                );
                out.send(
                    NodeId::Controller,
                    from,
                    Payload::PartitionChanges {
                        states,
                        leaders: self.leaders(),
                        metadata_offset: self.metadata_offset,
                    },
                );
            }
            return;
        }
        l.fenced = false;
        out.trace(
            now,
            NodeId::Controller,
            TraceKind::BrokerUnfenced,
            format!("broker {broker} heartbeats again: unfenced"),
        );
        let mut changed = Vec::new();
        for p in 0..self.partitions.len() {
            if self.elect(p, now, out) {
                if let Some(st) = self.partitions.get(p) {
                    changed.push(st.clone());
                }
            }
        }
        self.broadcast(changed, out);
        // The returning broker learns the state of every partition.
        out.send(
            NodeId::Controller,
            from,
            Payload::PartitionChanges {
                states: self.partitions.clone(),
                leaders: self.leaders(),
                metadata_offset: self.metadata_offset,
            },
        );
    }

    fn handle_message(&mut self, now: u64, from: NodeId, payload: Payload, out: &mut Outbox) {
        match payload {
            Payload::BrokerRegistration {
                broker,
                incarnation,
            } => self.register(broker, incarnation, now, from, out),
            Payload::BrokerHeartbeat {
                broker,
                incarnation,
                metadata_offset,
            } => self.heartbeat(broker, incarnation, metadata_offset, now, from, out),
            Payload::AlterPartition {
                partition,
                leader,
                leader_epoch,
                isr,
            } => {
                let Some(st) = self.partitions.get_mut(partition as usize) else {
                    return;
                };
                let accepted = st.leader == Some(leader) && st.leader_epoch == leader_epoch;
                if accepted {
                    // Fenced brokers may not join the ISR.
                    let brokers = &self.brokers;
                    let mut new_isr: Vec<u32> = isr
                        .into_iter()
                        .filter(|&r| {
                            r == leader || brokers.get(r as usize).is_some_and(|l| !l.fenced)
                        })
                        .collect();
                    new_isr.dedup();
                    st.isr = new_isr;
                    let st = st.clone();
                    self.broadcast(vec![st], out);
                } else {
                    let st = st.clone();
                    out.send(
                        NodeId::Controller,
                        from,
                        Payload::PartitionChanges {
                            states: vec![st],
                            leaders: self.leaders(),
                            metadata_offset: 0,
                        },
                    );
                }
            }
            _ => {}
        }
    }
}

impl Node for Controller {
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx) {
        self.handle_message(ctx.now, from, payload, ctx.out);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        self.handle_timer(ctx.now, timer, ctx.out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    fn controller() -> Controller {
        let s = parse_scenario(
            r#"{ "format": 1, "cluster": { "brokers": 3 },
                 "topics": [ { "name": "t", "partitions": 3, "replication.factor": 2 } ] }"#,
        )
        .expect("scenario");
        Controller::new(&Topology::new(&s), false, 9_000_000)
    }

    /// The partitions of each PartitionChanges the controller sends `broker` in answer to its
    /// heartbeat reporting `offset`.
    fn heartbeat(c: &mut Controller, broker: u32, offset: u64, now: u64) -> Vec<Vec<u32>> {
        let mut out = Outbox::default();
        let heartbeat = Payload::BrokerHeartbeat {
            broker,
            incarnation: 0,
            metadata_offset: offset,
        };
        c.handle_message(now, NodeId::Broker(broker), heartbeat, &mut out);
        out.sends
            .into_iter()
            .filter_map(|(_, to, payload)| match payload {
                Payload::PartitionChanges { states, .. } if to == NodeId::Broker(broker) => {
                    Some(states.iter().map(|s| s.partition).collect())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_broker_that_missed_a_change_set_is_sent_the_partitions_changed_since_its_offset() {
        let mut c = controller();
        let mut out = Outbox::default();
        c.fence(0, 1_000, &mut out);
        assert_eq!(c.metadata_offset, 1);
        let changed: Vec<u32> = (0..3).filter(|&p| c.changed_at[p as usize] == 1).collect();
        assert_eq!(changed.len(), 2, "the two partitions broker 0 hosts");
        // Its heartbeat crossed the change set on the wire: nothing yet.
        assert_eq!(heartbeat(&mut c, 1, 0, 1_002), Vec::<Vec<u32>>::new());
        // A heartbeat later it still lacks it: it missed it.
        assert_eq!(heartbeat(&mut c, 1, 0, 2_001_002), vec![changed]);
        // Caught up: nothing more.
        assert_eq!(heartbeat(&mut c, 1, 1, 4_001_002), Vec::<Vec<u32>>::new());
    }
}
