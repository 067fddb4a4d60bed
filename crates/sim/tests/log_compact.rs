//! A replica's log kept as sealed, shared segments answers exactly like a plain vector of
//! batches over random appends (several producers, epochs, sequences, gaps) and truncations:
//! every batch, the batches from any offset, the first batch from any base offset, the last
//! batch; and sharing segments between replicas changes none of it.

use kafka_sim::kafka::protocol::{LogBatch, ProducerIdentity};
use kafka_sim::node::broker::log::{share, Log, SEGMENT_BATCHES};
use proptest::prelude::*;
use std::ops::ControlFlow;
use std::sync::Arc;

#[derive(Debug, Clone)]
enum Op {
    /// Appends a batch of `len` records at the log end: from producer `producer` (none when
    /// 3), its ids `step + 1` apart (consecutive, a range, for about half of them), perhaps
    /// with a new epoch or a sequence jump.
    Append {
        producer: u8,
        len: u8,
        step: u32,
        new_epoch: bool,
        seq_jump: i32,
        gap: u8,
    },
    /// Truncates to this fraction of the log end.
    Truncate(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        30 => (0u8..4, 0u8..20, prop_oneof![Just(0u32), 0u32..40], proptest::bool::weighted(0.02), prop_oneof![9 => Just(0i32), 1 => -5i32..5], prop_oneof![19 => Just(0u8), 1 => 1u8..3])
            .prop_map(|(producer, len, step, new_epoch, seq_jump, gap)| Op::Append { producer, len, step, new_epoch, seq_jump, gap }),
        1 => (0u8..=255).prop_map(Op::Truncate),
    ]
}

/// Runs `ops` on a plain vector and on a `Log`.
fn build(ops: &[Op]) -> (Vec<LogBatch>, Log) {
    let mut plain: Vec<LogBatch> = Vec::new();
    let mut log = Log::default();
    let mut epoch = 0u32;
    let mut next_id = [0u32, 1_000_000, 2_000_000, u32::MAX - 5_000_000];
    let mut seq = [0i32; 3];
    let mut producer_epoch = [0u16; 3];
    for op in ops {
        match *op {
            Op::Append {
                producer,
                len,
                step,
                new_epoch,
                seq_jump,
                gap,
            } => {
                if new_epoch {
                    epoch += 1;
                }
                let p = producer as usize;
                let records: Vec<u32> = (0..len)
                    .map(|_| {
                        let id = next_id[p];
                        next_id[p] = id.wrapping_add(step).wrapping_add(1);
                        id
                    })
                    .collect();
                let identity = (p < 3).then(|| {
                    if seq_jump < -3 {
                        producer_epoch[p] += 1;
                        seq[p] = 0;
                    }
                    seq[p] = seq[p].wrapping_add(seq_jump);
                    let id = ProducerIdentity {
                        producer_id: 1000 + p as u64 * 77_777_777,
                        producer_epoch: producer_epoch[p],
                        base_sequence: seq[p],
                    };
                    seq[p] = seq[p].wrapping_add(i32::from(len));
                    id
                });
                let end = plain.last().map_or(0, |b| b.end_offset());
                let batch = LogBatch {
                    base_offset: end + u64::from(gap),
                    records: Arc::from(records),
                    leader_epoch: epoch,
                    identity,
                };
                plain.push(batch.clone());
                log.push(batch);
            }
            Op::Truncate(fraction) => {
                let end = plain.last().map_or(0, |b| b.end_offset());
                let offset = end * u64::from(fraction) / 255;
                let keep = plain.partition_point(|b| b.end_offset() <= offset);
                let removed = keep < plain.len();
                plain.truncate(keep);
                assert_eq!(log.truncate(offset), removed);
            }
        }
    }
    (plain, log)
}

fn all(log: &Log) -> Vec<LogBatch> {
    let mut out = Vec::new();
    log.walk(|b| {
        out.push(b.to_batch());
        ControlFlow::Continue(())
    });
    out
}

fn check_same(plain: &[LogBatch], log: &Log) -> Result<(), TestCaseError> {
    prop_assert_eq!(all(log), plain.to_vec());
    prop_assert_eq!(log.batches(), plain.len());
    prop_assert_eq!(
        log.last(),
        plain.last().map(|b| (b.end_offset(), b.leader_epoch))
    );
    let end = plain.last().map_or(0, |b| b.end_offset());
    for offset in (0..end + 2).step_by(7).chain([end.saturating_sub(1), end]) {
        for max in [1, 64] {
            let start = plain.partition_point(|b| b.end_offset() <= offset);
            let want: Vec<LogBatch> = plain.iter().skip(start).take(max).cloned().collect();
            prop_assert_eq!(log.batches_from(offset, max), want);
        }
        let i = plain.partition_point(|b| b.base_offset < offset);
        let mut first = None;
        log.walk_from_base(offset, |b| {
            first = Some(b.to_batch());
            ControlFlow::Break(())
        });
        prop_assert_eq!(first.as_ref(), plain.get(i));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_segmented_log_answers_like_a_vector_of_batches(
        ops in proptest::collection::vec(op(), 0..1500),
    ) {
        let (plain, log) = build(&ops);
        check_same(&plain, &log)?;
    }

    #[test]
    fn replicas_sharing_segments_still_hold_their_own_batches(
        ops in proptest::collection::vec(op(), 0..1200),
        cut in 0u8..=255,
    ) {
        // Two replicas with the same batches, a third that lost its tail.
        let (plain, a) = build(&ops);
        let mut b = a.clone();
        let mut c = a.clone();
        let end = plain.last().map_or(0, |b| b.end_offset());
        let offset = end * u64::from(cut) / 255;
        c.truncate(offset);
        let keep = plain.partition_point(|b| b.end_offset() <= offset);
        let mut a = a;
        share(&mut [&mut a, &mut b, &mut c]);
        check_same(&plain, &a)?;
        check_same(&plain, &b)?;
        check_same(&plain[..keep], &c)?;
    }
}

#[test]
fn replicas_that_sealed_the_same_batches_apart_end_up_sharing_them() {
    let batches: Vec<LogBatch> = (0..SEGMENT_BATCHES as u64 * 3 + 5)
        .map(|i| LogBatch {
            base_offset: i * 2,
            records: Arc::from([i as u32 * 24, i as u32 * 24 + 12]),
            leader_epoch: 0,
            identity: Some(ProducerIdentity {
                producer_id: 4000,
                producer_epoch: 0,
                base_sequence: (i * 2) as i32,
            }),
        })
        .collect();
    let (mut a, mut b) = (Log::default(), Log::default());
    for batch in &batches {
        a.push(batch.clone());
        b.push(batch.clone());
    }
    assert_eq!(a.shared_segments_with(&b), 0);
    share(&mut [&mut a, &mut b]);
    assert_eq!(a.shared_segments_with(&b), 3);
    assert_eq!(all(&b), batches);
}
