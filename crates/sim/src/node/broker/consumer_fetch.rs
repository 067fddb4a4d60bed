//! The leader side of consumer fetches: consumers read only below the high watermark, and a
//! fetch with nothing to return is held for `fetch.max.wait.ms` (or until new records are
//! committed).
//!
//! Consumers fetch in sessions (KIP-227, Kafka 1.1+; the client's `FetchSessionHandler`): a
//! full fetch opens one with every partition the consumer reads from this leader; each later
//! (incremental) fetch lists only the partitions added or whose offset changed, and those to
//! forget. The leader remembers which cached partitions may have something to answer
//! (`watch`): those a request listed, and those whose high watermark, leadership or log
//! changed here since. So a fetch costs what changed, not the partitions the consumer reads.
//! An answer lists only partitions with records, an error or a LATEST lookup (Kafka's full
//! answer also lists the empty ones, which a consumer skips).

use super::purgatory::HeldFetch;
use super::{node, Broker};
use crate::kafka::errors::ErrorCode;
use crate::kafka::protocol::{
    ConsumerFetchPartition, ConsumerFetchRequest, ConsumerFetchedPartition, ConsumerSessionRef,
    FetchSessionError, NodeId, Payload,
};
use crate::node::{Outbox, Timer};
use crate::support::bit_set::BitSet;
use crate::support::vec_map::VecMap;

/// `fetch.max.wait.ms` (consumer default).
pub const CONSUMER_FETCH_WAIT_MAX_US: u64 = 500_000;
/// Records per partition in one answer; stands in for `max.partition.fetch.bytes` (1 MiB).
pub const CONSUMER_FETCH_MAX_RECORDS: u64 = 10_000;

/// A held consumer fetch; what it reads is its consumer's session.
#[derive(Debug, Clone)]
pub struct HeldConsumerFetch {
    pub correlation_id: u64,
}

/// A consumer fetch waits for the high watermark to move in any partition of its session
/// (the purgatory is asked per consumer, see `release_consumer_fetches`).
impl HeldFetch for HeldConsumerFetch {
    fn correlation_id(&self) -> u64 {
        self.correlation_id
    }
}

/// The leader's fetch session with one consumer.
#[derive(Debug, Clone)]
pub struct ConsumerSession {
    id: u32,
    /// The epoch the consumer's next request must carry.
    epoch: u32,
    /// Partition → the offset to read from (`None`: a LATEST lookup).
    partitions: VecMap<u32, Option<u64>>,
    /// `partitions`' keys, for the look on each high watermark move.
    cached: BitSet,
    /// Cached partitions that may have something to answer; the others are known to have
    /// nothing (they had nothing when last looked at, and nothing changed since).
    watch: BitSet,
}

/// The ids of the records at offsets `from .. to` of a log, in offset order.
fn record_ids(log: &super::log::Log, from: u64, to: u64) -> std::sync::Arc<[u32]> {
    let mut ids = Vec::with_capacity(to.saturating_sub(from) as usize);
    // From the first batch ending past `from`, not a scan of the whole log.
    log.walk_from(from, |b| {
        if b.base_offset >= to {
            return std::ops::ControlFlow::Break(());
        }
        let start = from.saturating_sub(b.base_offset) as usize;
        let end = (to.min(b.end_offset()) - b.base_offset) as usize;
        ids.extend(b.records.slice(start, end).iter());
        std::ops::ControlFlow::Continue(())
    });
    ids.into()
}

impl Broker {
    /// Opens, checks and updates consumer `c`'s session for this request.
    fn update_consumer_session(
        &mut self,
        c: u32,
        session: ConsumerSessionRef,
        partitions: &[ConsumerFetchPartition],
        forgotten: &[u32],
    ) -> Result<u32, FetchSessionError> {
        if session.epoch == 0 {
            // A full fetch: a new session replaces the consumer's old one.
            self.next_session_id = self.next_session_id.wrapping_add(1).max(1);
            let mut cached = BitSet::new();
            for fp in partitions {
                cached.insert(fp.partition);
            }
            let s = ConsumerSession {
                id: self.next_session_id,
                epoch: 1,
                partitions: partitions
                    .iter()
                    .map(|fp| (fp.partition, fp.offset))
                    .collect(),
                watch: cached.clone(),
                cached,
            };
            self.consumer_sessions.insert(c, s);
            return Ok(self.next_session_id);
        }
        let s = self
            .consumer_sessions
            .get_mut(&c)
            .filter(|s| s.id == session.id)
            .ok_or(FetchSessionError::IdNotFound)?;
        if s.epoch != session.epoch {
            return Err(FetchSessionError::InvalidEpoch);
        }
        s.epoch = s.epoch.wrapping_add(1).max(1);
        for &p in forgotten {
            s.partitions.remove(&p);
            s.cached.remove(p);
            s.watch.remove(p);
        }
        for fp in partitions {
            s.partitions.insert(fp.partition, fp.offset);
            s.cached.insert(fp.partition);
            s.watch.insert(fp.partition);
        }
        Ok(s.id)
    }

    pub(crate) fn handle_consumer_fetch(
        &mut self,
        now: u64,
        consumer: u32,
        request: ConsumerFetchRequest,
        out: &mut Outbox,
    ) {
        let correlation_id = request.correlation_id;
        let session_id = match self.update_consumer_session(
            consumer,
            request.session,
            &request.partitions,
            &request.forgotten,
        ) {
            Ok(id) => id,
            Err(e) => {
                self.send_consumer_fetch(consumer, correlation_id, 0, Some(e), Vec::new(), out);
                return;
            }
        };
        if let Some(whole) = &request.whole {
            self.check_consumer_session(consumer, whole);
        }
        let answer = self.consumer_session_answer(consumer);
        if !answer.is_empty() {
            self.send_consumer_fetch(consumer, correlation_id, session_id, None, answer, out);
        } else {
            out.timer(
                now + CONSUMER_FETCH_WAIT_MAX_US,
                node(self.id),
                Timer::ConsumerFetchWait {
                    consumer,
                    correlation_id,
                },
            );
            self.held_consumer_fetches
                .hold(consumer, HeldConsumerFetch { correlation_id });
        }
    }

    /// Whether this partition's part of the answer has records or an error, or is a LATEST
    /// lookup.
    fn consumer_fetch_ready(&self, partition: u32, offset: Option<u64>) -> bool {
        let Some(offset) = offset else {
            return true;
        };
        match self.replicas.get_dense(partition) {
            Some(r) if r.is_leader() => offset > r.log_end_offset || r.high_watermark > offset,
            _ => true,
        }
    }

    /// The answer to consumer `c`'s session now: its partitions with records, an error or a
    /// LATEST lookup. Watched partitions found with nothing leave the watch.
    fn consumer_session_answer(&mut self, c: u32) -> Vec<ConsumerFetchedPartition> {
        let Some(s) = self.consumer_sessions.get(&c) else {
            return Vec::new();
        };
        let mut answer = Vec::new();
        let mut quiet = Vec::new();
        for p in s.watch.iter() {
            let Some(&offset) = s.partitions.get_dense(p) else {
                quiet.push(p);
                continue;
            };
            if self.consumer_fetch_ready(p, offset) {
                answer.push(self.consumer_fetched(p, offset));
            } else {
                quiet.push(p);
            }
        }
        if cfg!(any(test, feature = "invariants")) {
            // Every cached partition with something to answer was watched.
            let ready = s
                .partitions
                .iter()
                .filter(|(&p, &o)| self.consumer_fetch_ready(p, o))
                .count();
            if ready != answer.len() {
                self.consumer_session_faults += 1;
            }
        }
        if let Some(s) = self.consumer_sessions.get_mut(&c) {
            for p in quiet {
                s.watch.remove(p);
            }
        }
        answer
    }

    /// Counts a fault if consumer `c`'s session does not hold exactly what the consumer
    /// reads from this leader (`whole`, sent alongside in the builds that check invariants).
    fn check_consumer_session(&mut self, c: u32, whole: &[ConsumerFetchPartition]) {
        let same = self.consumer_sessions.get(&c).is_some_and(|s| {
            s.partitions.len() == whole.len()
                && whole
                    .iter()
                    .all(|fp| s.partitions.get(&fp.partition) == Some(&fp.offset))
        });
        if !same {
            self.consumer_session_faults += 1;
        }
    }

    /// Something changed for `partition` here (high watermark, leadership, log): consumer
    /// sessions caching it look at it in their next answer.
    pub(super) fn watch_for_consumers(&mut self, partition: u32) {
        for s in self.consumer_sessions.values_mut() {
            if s.cached.contains(partition) {
                s.watch.insert(partition);
            }
        }
    }

    /// The answer for one partition read at `offset` (`None`: LATEST).
    fn consumer_fetched(&self, partition: u32, offset: Option<u64>) -> ConsumerFetchedPartition {
        match self.replicas.get_dense(partition) {
            Some(r) if r.is_leader() => {
                let hw = r.high_watermark;
                let offset = offset.unwrap_or(hw);
                // As Kafka's log read: past the log end is OFFSET_OUT_OF_RANGE (the log was
                // truncated below the position); between the high watermark and the log
                // end (a new leader still learning the high watermark) is an empty answer.
                let out_of_range = offset > r.log_end_offset;
                let records = hw.saturating_sub(offset).min(CONSUMER_FETCH_MAX_RECORDS);
                let ids = (self.settings.record_ids_in_fetches && records > 0)
                    .then(|| record_ids(&r.log, offset, offset + records));
                ConsumerFetchedPartition {
                    partition,
                    error: out_of_range.then_some(ErrorCode::OffsetOutOfRange),
                    offset,
                    records,
                    high_watermark: hw,
                    ids,
                }
            }
            _ => ConsumerFetchedPartition {
                partition,
                error: Some(ErrorCode::NotLeaderOrFollower),
                offset: offset.unwrap_or(0),
                records: 0,
                high_watermark: 0,
                ids: None,
            },
        }
    }

    fn send_consumer_fetch(
        &self,
        consumer: u32,
        correlation_id: u64,
        session_id: u32,
        session_error: Option<FetchSessionError>,
        partitions: Vec<ConsumerFetchedPartition>,
        out: &mut Outbox,
    ) {
        out.send(
            node(self.id),
            NodeId::Consumer(consumer),
            Payload::ConsumerFetchResponse {
                correlation_id,
                session_id,
                session_error,
                partitions,
            },
        );
    }

    fn session_id_of(&self, consumer: u32) -> u32 {
        self.consumer_sessions.get(&consumer).map_or(0, |s| s.id)
    }

    /// `fetch.max.wait.ms` passed: answer with whatever is there.
    pub(crate) fn on_consumer_fetch_wait(
        &mut self,
        consumer: u32,
        correlation_id: u64,
        out: &mut Outbox,
    ) {
        if let Some(h) = self.held_consumer_fetches.expire(consumer, correlation_id) {
            let answer = self.consumer_session_answer(consumer);
            let id = self.session_id_of(consumer);
            self.send_consumer_fetch(consumer, h.correlation_id, id, None, answer, out);
        }
    }

    /// The high watermark of these partitions moved: held consumer fetches whose session
    /// caches any of them answer.
    pub(super) fn release_consumer_fetches(&mut self, partitions: &[u32], out: &mut Outbox) {
        let sessions = &self.consumer_sessions;
        let released = self.held_consumer_fetches.release_where(|c| {
            sessions
                .get(&c)
                .is_some_and(|s| partitions.iter().any(|&p| s.cached.contains(p)))
        });
        for (c, h) in released {
            let answer = self.consumer_session_answer(c);
            let id = self.session_id_of(c);
            self.send_consumer_fetch(c, h.correlation_id, id, None, answer, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kafka::protocol::{ConsumerFetchRequest, FetchSessionError, NodeId, Payload};
    use crate::scenario::presets::{group_defaults, ScenarioBuilder};
    use crate::scenario::{ActionKind, KafkaVersion, OffsetReset, Scenario};
    use crate::world::sim::Simulation;

    /// What went on the wire between consumer 0 and the brokers until `until_us`: its fetch
    /// requests (time, broker, request) and the session errors it got (time, broker, error).
    struct Wire {
        fetches: Vec<(u64, u32, ConsumerFetchRequest)>,
        errors: Vec<(u64, u32, FetchSessionError)>,
    }

    fn wire(
        s: Scenario,
        until_us: u64,
        mut meddle: impl FnMut(&mut Simulation),
    ) -> (Wire, Simulation) {
        let mut sim = Simulation::new(s);
        let mut seen = 0;
        let mut w = Wire {
            fetches: Vec::new(),
            errors: Vec::new(),
        };
        while sim.now_us() < until_us && sim.step() {
            meddle(&mut sim);
            for e in sim.messages_since(&mut seen) {
                match (e.info.from, e.info.to, &e.payload) {
                    (NodeId::Consumer(0), NodeId::Broker(b), Payload::ConsumerFetch(req)) => {
                        w.fetches.push((e.info.depart_us, b, req.clone()))
                    }
                    (
                        NodeId::Broker(b),
                        NodeId::Consumer(0),
                        Payload::ConsumerFetchResponse {
                            session_error: Some(err),
                            ..
                        },
                    ) => w.errors.push((e.info.depart_us, b, *err)),
                    _ => {}
                }
            }
        }
        sim.run_to_end();
        (w, sim)
    }

    /// 12 partitions over 3 brokers, one key (records reach one partition), one consumer
    /// reading them all from the earliest offset; `more` adds to the scenario.
    fn one_reader(more: impl FnOnce(ScenarioBuilder) -> ScenarioBuilder) -> Scenario {
        let b = ScenarioBuilder::new(KafkaVersion::new(3, 9))
            .seed(5)
            .duration_ms(8_000)
            .topic(12, 3, 2)
            .producer(|p| {
                p.records = 1_000;
                p.records_per_sec = 200.0;
                p.keys = 1;
            });
        let mut s = more(b).build();
        let mut g = group_defaults(s.kafka_version, "g", &["orders"], 1);
        g.auto_offset_reset = OffsetReset::Earliest;
        g.processing_ms_per_record = 0.1;
        s.groups.push(g);
        s
    }

    #[test]
    fn after_a_full_fetch_a_consumer_lists_only_partitions_whose_offset_moved() {
        let (w, sim) = wire(one_reader(|b| b), 8_000_000, |_| {});
        let full: Vec<(u32, usize)> = w
            .fetches
            .iter()
            .filter(|(_, _, r)| r.session.epoch == 0)
            .map(|(_, b, r)| (*b, r.partitions.len()))
            .collect();
        // One full fetch per leader, each listing the 4 partitions it leads.
        assert_eq!(full, [(0, 4), (1, 4), (2, 4)]);
        let incremental: Vec<usize> = w
            .fetches
            .iter()
            .filter(|(_, _, r)| r.session.epoch > 0)
            .map(|(_, _, r)| r.partitions.len() + r.forgotten.len())
            .collect();
        // Afterwards only the busy partition comes and goes: forgotten while its records wait
        // in the buffer, listed again at its new offset; the other fetches list nothing.
        assert_eq!(incremental.len(), 35);
        assert!(incremental.iter().all(|&n| n <= 1));
        assert_eq!(incremental.iter().filter(|&&n| n == 1).count(), 12);
        assert!(w.errors.is_empty());
        let r = sim.report();
        assert_eq!((r.records.sent, r.consumed.records), (1_000, 1_000));
    }

    #[test]
    fn a_leader_that_lost_the_session_answers_an_error_and_the_consumer_fetches_in_full() {
        let mut done = false;
        let (w, sim) = wire(one_reader(|b| b), 8_000_000, |sim| {
            // At 4 s broker 1 forgets its sessions, as when Kafka's session cache evicts one.
            if !done && sim.now_us() >= 4_000_000 {
                sim.world.brokers[1].consumer_sessions.clear();
                done = true;
            }
        });
        assert_eq!(w.errors.len(), 1);
        let (at, broker, error) = w.errors[0];
        assert_eq!((broker, error), (1, FetchSessionError::IdNotFound));
        let next = w
            .fetches
            .iter()
            .find(|(t, b, _)| *t >= at && *b == 1)
            .map(|(_, _, r)| (r.session.epoch, r.partitions.len()));
        assert_eq!(next, Some((0, 4)));
        let r = sim.report();
        assert_eq!((r.records.sent, r.consumed.records), (1_000, 1_000));
    }

    #[test]
    fn after_a_reset_connection_each_fetch_to_that_broker_is_a_full_one() {
        let s = one_reader(|b| {
            b.duration_ms(30_000)
                .action(1_000, ActionKind::CrashBroker { broker: 2 })
                .action(2_000, ActionKind::RestartBroker { broker: 2 })
        });
        let (w, sim) = wire(s, 30_000_000, |_| {});
        // Broker 2 restarts at 2 s but serves no one until it has registered again (9 s, once
        // the controller fenced its old incarnation). Until then each fetch the consumer sends
        // it meets a reset connection, which closes the session: every retry is a full fetch.
        let to_2: Vec<(u64, u32)> = w
            .fetches
            .iter()
            .filter(|(t, b, _)| *b == 2 && *t > 1_000_000)
            .map(|(t, _, r)| (*t / 1000, r.session.epoch))
            .collect();
        assert_eq!(to_2.len(), 71);
        assert!(to_2.iter().all(|&(_, epoch)| epoch == 0));
        assert_eq!(
            (to_2.first(), to_2.last()),
            (Some(&(3017, 0)), Some(&(9177, 0)))
        );
        assert!(w.errors.is_empty());
        let r = sim.report();
        assert_eq!((r.records.sent, r.consumed.records), (1_000, 1_000));
    }
}
