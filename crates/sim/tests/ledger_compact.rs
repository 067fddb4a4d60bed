//! The compact ledger (status runs and a window of unsettled records) answers exactly like a
//! plain per-record model over random sends, settlements and logs: every count, every id
//! list, each record's status and fate, the latency figures and the ids of each status.

use kafka_sim::observe::ledger::{
    Batches, Classification, CommittedScan, Ledger, PartitionLogs, RecordCounts, RecordFate,
    RecordStatus,
};
use proptest::prelude::*;

/// The ledger as it was: one entry per record.
struct Model {
    bases: Vec<u32>,
    /// Per producer: (sent µs, partition, status).
    records: Vec<Vec<(u64, u32, RecordStatus)>>,
    latencies: Vec<u64>,
    successes: u64,
}

impl Model {
    fn new(counts: &[u64]) -> Self {
        let mut base = 0u32;
        let bases = counts
            .iter()
            .map(|&n| {
                let b = base;
                base += n as u32;
                b
            })
            .collect();
        Model {
            bases,
            records: vec![Vec::new(); counts.len()],
            latencies: Vec::new(),
            successes: 0,
        }
    }

    fn producer_of(&self, id: u32) -> Option<usize> {
        let i = self.bases.partition_point(|&b| b <= id).checked_sub(1)?;
        ((id - self.bases[i]) < self.records[i].len() as u32).then_some(i)
    }

    fn send(&mut self, p: usize, partition: u32, now: u64) -> u32 {
        self.records[p].push((now, partition, RecordStatus::Pending));
        self.bases[p] + self.records[p].len() as u32 - 1
    }

    fn settle(&mut self, p: usize, ids: &[u32], success: bool, observed: bool, now: u64) {
        let status = match (observed, success) {
            (false, _) => RecordStatus::Unobserved,
            (true, true) => RecordStatus::Acknowledged,
            (true, false) => RecordStatus::Failed,
        };
        for &id in ids {
            let Some(e) = self.records[p].get_mut(id.wrapping_sub(self.bases[p]) as usize) else {
                continue;
            };
            if e.2 != RecordStatus::Pending {
                continue;
            }
            e.2 = status;
            if status == RecordStatus::Acknowledged {
                self.latencies.push(now - e.0);
            }
            if success {
                self.successes += 1;
            }
        }
    }

    fn status(&self, p: usize, id: u32) -> Option<RecordStatus> {
        self.records[p]
            .get(id.wrapping_sub(self.bases[p]) as usize)
            .map(|e| e.2)
    }

    /// The per-record classification, as `Ledger::classify` was written before the compact
    /// form.
    fn classify(&self, partitions: &[PartitionLogs]) -> Classification {
        let mut copies: Vec<Vec<u32>> = self.records.iter().map(|r| vec![0; r.len()]).collect();
        let mut held: Vec<Vec<bool>> = self.records.iter().map(|r| vec![false; r.len()]).collect();
        let mut reordered_ids = Vec::new();
        for partition in partitions {
            let mut max_seen: Vec<Option<u32>> = vec![None; self.records.len()];
            for batch in &owned(&partition.committed) {
                let Some(p) = batch.first().and_then(|&id| self.producer_of(id)) else {
                    continue;
                };
                for &id in batch.iter() {
                    let Some(c) = copies[p].get_mut(id.wrapping_sub(self.bases[p]) as usize) else {
                        continue;
                    };
                    *c += 1;
                    if *c == 1 {
                        match &mut max_seen[p] {
                            Some(prev) if id < *prev => reordered_ids.push(id),
                            Some(prev) => *prev = id,
                            m @ None => *m = Some(id),
                        }
                    }
                }
            }
            for batch in &owned(&partition.held) {
                let Some(p) = batch.first().and_then(|&id| self.producer_of(id)) else {
                    continue;
                };
                for &id in batch.iter() {
                    if let Some(h) = held[p].get_mut(id.wrapping_sub(self.bases[p]) as usize) {
                        *h = true;
                    }
                }
            }
        }
        reordered_ids.sort_unstable();
        let mut out = Classification {
            reordered_ids,
            ..Default::default()
        };
        for (pi, recs) in self.records.iter().enumerate() {
            let mut c = RecordCounts {
                sent: recs.len() as u64,
                ..Default::default()
            };
            for (i, &(_, partition, status)) in recs.iter().enumerate() {
                let id = self.bases[pi] + i as u32;
                let n = copies[pi][i];
                if n > 0 {
                    c.delivered += 1;
                }
                if n > 1 {
                    c.duplicated += u64::from(n - 1);
                    out.duplicated_ids.push(id);
                }
                match status {
                    RecordStatus::Pending => c.pending += 1,
                    RecordStatus::Failed => c.failed += 1,
                    RecordStatus::Acknowledged | RecordStatus::Unobserved => {
                        if status == RecordStatus::Acknowledged {
                            c.acknowledged += 1;
                        }
                        let led = partitions.get(partition as usize).is_none_or(|pl| pl.led);
                        let (count, ids) = match (led, n > 0, held[pi][i]) {
                            (true, true, _) => continue,
                            (true, false, true) => (&mut c.at_risk, &mut out.at_risk_ids),
                            (false, true, _) | (false, false, true) => {
                                (&mut c.unavailable, &mut out.unavailable_ids)
                            }
                            (_, false, false) => (&mut c.lost, &mut out.lost_ids),
                        };
                        *count += 1;
                        ids.push(id);
                    }
                }
            }
            c.reordered = out
                .reordered_ids
                .iter()
                .filter(|&&id| self.producer_of(id) == Some(pi))
                .count() as u64;
            out.counts.add_record_figures(&c);
            out.per_producer.push(c);
        }
        out
    }

    fn fates(&self, c: &Classification) -> Vec<RecordFate> {
        let mut fates = Vec::new();
        for (pi, recs) in self.records.iter().enumerate() {
            for (i, &(_, _, status)) in recs.iter().enumerate() {
                let id = self.bases[pi] + i as u32;
                fates.push(if c.lost_ids.contains(&id) {
                    RecordFate::Lost
                } else if c.at_risk_ids.contains(&id) {
                    RecordFate::AtRisk
                } else if c.unavailable_ids.contains(&id) {
                    RecordFate::Unavailable
                } else {
                    match status {
                        RecordStatus::Pending => RecordFate::Pending,
                        RecordStatus::Acknowledged => RecordFate::Acknowledged,
                        RecordStatus::Failed => RecordFate::Failed,
                        RecordStatus::Unobserved => RecordFate::Delivered,
                    }
                });
            }
        }
        fates
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// A producer sends `n` records round-robin over the partitions from `partition` on.
    Send {
        producer: usize,
        partition: u32,
        n: u8,
    },
    /// A producer's records picked by `picks` (indexes into its records, out of order and
    /// repeated) settle together.
    Settle {
        producer: usize,
        picks: Vec<u16>,
        success: bool,
        observed: bool,
    },
}

const PRODUCERS: usize = 3;
const PARTITIONS: u32 = 4;
const CAPACITY: u64 = 400;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..PRODUCERS, 0..PARTITIONS, 1u8..12).prop_map(|(producer, partition, n)| Op::Send {
            producer,
            partition,
            n
        }),
        (
            0..PRODUCERS,
            proptest::collection::vec(any::<u16>(), 0..12),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(producer, picks, success, observed)| Op::Settle {
                producer,
                picks,
                success,
                observed
            }),
    ]
}

/// Per partition: is it led, and per record of that partition (in send order) how many copies
/// the committed log holds (0..=2) and whether it is held beyond; the committed log's order is
/// shuffled by swapping `swaps` pairs of batches.
#[derive(Debug, Clone)]
struct LogPlan {
    led: [bool; PARTITIONS as usize],
    /// Per record (by global send order): copies in the committed log, held or not.
    marks: Vec<(u8, bool)>,
    batch: u8,
    swaps: Vec<(u16, u16)>,
}

fn log_plan() -> impl Strategy<Value = LogPlan> {
    (
        proptest::array::uniform4(any::<bool>()),
        proptest::collection::vec(
            (
                prop_oneof![3 => Just(1u8), 1 => Just(0u8), 1 => Just(2u8)],
                any::<bool>(),
            ),
            0..600,
        ),
        1u8..5,
        proptest::collection::vec((any::<u16>(), any::<u16>()), 0..6),
    )
        .prop_map(|(led, marks, batch, swaps)| LogPlan {
            led,
            marks,
            batch,
            swaps,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn the_compact_ledger_answers_like_one_entry_per_record(
        ops in proptest::collection::vec(op(), 0..80),
        plan in log_plan(),
    ) {
        let counts = [CAPACITY; PRODUCERS];
        let mut ledger = Ledger::new(&counts);
        let mut model = Model::new(&counts);
        // Every record in send order: (id, partition).
        let mut sends: Vec<(u32, u32)> = Vec::new();
        let mut now = 0u64;
        for op in &ops {
            now += 7;
            match op {
                Op::Send { producer, partition, n } => {
                    for k in 0..*n {
                        if model.records[*producer].len() as u64 >= CAPACITY {
                            break;
                        }
                        let part = (partition + u32::from(k)) % PARTITIONS;
                        now += 1;
                        let a = ledger.record_sent(*producer, part, now);
                        let b = model.send(*producer, part, now);
                        prop_assert_eq!(a, b);
                        sends.push((a, part));
                    }
                }
                Op::Settle { producer, picks, success, observed } => {
                    let sent = model.records[*producer].len();
                    let base = model.bases[*producer];
                    // Ids past what was sent (and of other producers) are ignored by both.
                    let ids: Vec<u32> = picks
                        .iter()
                        .map(|&k| base + u32::from(k) % (sent as u32 + 2))
                        .collect();
                    ledger.settle(*producer, &ids, *success, *observed, now);
                    model.settle(*producer, &ids, *success, *observed, now);
                }
            }
        }
        // The logs: each partition's records in send order as batches of one producer's
        // consecutive sends, each record in 0..=2 copies, some held.
        let mut committed: Vec<Vec<Vec<u32>>> = vec![Vec::new(); PARTITIONS as usize];
        let mut held: Vec<Vec<Vec<u32>>> = vec![Vec::new(); PARTITIONS as usize];
        for (k, &(id, part)) in sends.iter().enumerate() {
            let (copies, is_held) = plan.marks.get(k).copied().unwrap_or((1, false));
            let producer = model.producer_of(id);
            for _ in 0..copies {
                let log = &mut committed[part as usize];
                match log.last_mut() {
                    Some(b) if b.len() < plan.batch as usize
                        && model.producer_of(b[0]) == producer => b.push(id),
                    _ => log.push(vec![id]),
                }
            }
            if is_held {
                held[part as usize].push(vec![id]);
            }
        }
        for log in committed.iter_mut() {
            for &(a, b) in &plan.swaps {
                if !log.is_empty() {
                    let n = log.len();
                    log.swap(a as usize % n, b as usize % n);
                }
            }
        }
        let partitions: Vec<PartitionLogs> = (0..PARTITIONS as usize)
            .map(|p| PartitionLogs {
                led: plan.led[p],
                committed: committed[p].iter().map(|b| &b[..]).collect::<Vec<_>>().into(),
                held: held[p].iter().map(|b| &b[..]).collect::<Vec<_>>().into(),
                ..Default::default()
            })
            .collect();
        let got = ledger.classify(&partitions);
        let want = model.classify(&partitions);
        // Read on: each committed log's first half of its batches, then the whole of it (the same
        // log: the same key), with one scan, classifies as reading the whole logs at once.
        let keyed = |cut: bool| -> Vec<PartitionLogs> {
            (0..PARTITIONS as usize)
                .map(|p| {
                    let batches = &committed[p][..if cut { committed[p].len() / 2 } else { committed[p].len() }];
                    PartitionLogs {
                        led: plan.led[p],
                        committed: batches.iter().map(|b| &b[..]).collect::<Vec<_>>().into(),
                        held: held[p].iter().map(|b| &b[..]).collect::<Vec<_>>().into(),
                        log_key: Some((p as u32, 0, 0)),
                        committed_end: batches.iter().map(|b| b.len() as u64).sum(),
                    }
                })
                .collect()
        };
        let mut scan = CommittedScan::default();
        ledger.classify_resuming(&keyed(true), &mut scan);
        prop_assert_eq!(&ledger.classify_resuming(&keyed(false), &mut scan), &got);
        // And again with nothing new.
        prop_assert_eq!(&ledger.classify_resuming(&keyed(false), &mut scan), &got);
        prop_assert_eq!(&got.counts, &want.counts);
        prop_assert_eq!(&got.per_producer, &want.per_producer);
        prop_assert_eq!(&got.lost_ids, &want.lost_ids);
        prop_assert_eq!(&got.at_risk_ids, &want.at_risk_ids);
        prop_assert_eq!(&got.unavailable_ids, &want.unavailable_ids);
        prop_assert_eq!(&got.duplicated_ids, &want.duplicated_ids);
        prop_assert_eq!(&got.reordered_ids, &want.reordered_ids);
        prop_assert_eq!(ledger.fates(&got), model.fates(&want));
        for p in 0..PRODUCERS {
            let base = model.bases[p];
            for id in base..base + model.records[p].len() as u32 + 2 {
                prop_assert_eq!(ledger.status(p, id), model.status(p, id));
            }
            prop_assert_eq!(ledger.producers[p].sent() as usize, model.records[p].len());
            let pending = model.records[p].iter().filter(|e| e.2 == RecordStatus::Pending).count();
            prop_assert_eq!(ledger.producers[p].pending(), pending as u64);
        }
        for status in [None, Some(RecordStatus::Pending), Some(RecordStatus::Acknowledged),
                       Some(RecordStatus::Failed), Some(RecordStatus::Unobserved)] {
            let want: Vec<u32> = (0..PRODUCERS)
                .flat_map(|p| {
                    let base = model.bases[p];
                    model.records[p]
                        .iter()
                        .enumerate()
                        .filter(move |(_, e)| status.is_none_or(|s| s == e.2))
                        .map(move |(i, _)| base + i as u32)
                })
                .collect();
            prop_assert_eq!(ledger.ids_with(status), want);
        }
        // Latency: the same values recorded (the histogram's max is exact at this range).
        let (_, _, max) = ledger.latency_ms();
        let want_max = model.latencies.iter().copied().max().unwrap_or(0) as f64 / 1000.0;
        prop_assert!((max - want_max).abs() <= want_max * 0.001 + 1e-9, "{} vs {}", max, want_max);
        prop_assert_eq!(ledger.successes, model.successes);
    }
}

/// A log part's batches as owned vectors.
fn owned(batches: &Batches) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    batches.each(|b| out.push(b.to_vec()));
    out
}
