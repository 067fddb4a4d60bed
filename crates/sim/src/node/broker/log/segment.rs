//! A sealed run of a log's batches, encoded compactly: a flags byte per batch, varint deltas for
//! offsets, epochs, producer sequences and record ids. Encoding depends only on the batches, so
//! two replicas holding the same batches hold equal segments (and can share one).

use crate::kafka::protocol::ProducerIdentity;
use crate::kafka::record_batch::{BatchRef, BatchRun, RecordIds};

/// The count lives in the flags' low four bits up to this; from it on, a varint follows.
const COUNT_ESCAPE: u8 = 15;
/// The batch does not start where the one before ended.
const BASE_JUMP: u8 = 1 << 4;
/// The batch's leader epoch differs from the one before.
const EPOCH_CHANGE: u8 = 1 << 5;
/// Identity kinds, in the top two bits.
const ID_NONE: u8 = 0;
/// A producer seen earlier in the segment, same epoch, the next sequence.
const ID_CONTINUES: u8 = 1 << 6;
/// A producer seen earlier in the segment, with another epoch or sequence.
const ID_KNOWN: u8 = 2 << 6;
/// A producer new to the segment.
const ID_NEW: u8 = 3 << 6;
const ID_MASK: u8 = 3 << 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Segment {
    /// Base offset of the first batch and leader epoch of the first batch: where decoding starts.
    pub base_offset: u64,
    first_epoch: u32,
    /// End offset and leader epoch of the last batch.
    pub end_offset: u64,
    pub last_epoch: u32,
    bytes: Box<[u8]>,
}

/// Per producer seen in a segment: what the next batch of it usually is.
#[derive(Debug, Clone, Copy)]
struct ProducerSlot {
    producer_id: u64,
    epoch: u16,
    next_seq: i32,
    last_id: u32,
}

/// What encoder and decoder both track, so each batch is written relative to it.
#[derive(Debug, Clone, Default)]
struct State {
    prev_end: u64,
    epoch: u32,
    last_id: u32,
    producers: Vec<ProducerSlot>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn id_delta(id: u32, from: u32) -> u64 {
    zigzag(i64::from(id) - i64::from(from))
}

impl Segment {
    /// Encodes `batches` (at least one).
    pub fn encode(batches: &BatchRun) -> Option<Segment> {
        let first = batches.iter().next()?;
        let last = batches.last()?;
        let mut out = Vec::with_capacity(batches.len() * 6);
        let mut st = State {
            prev_end: first.base_offset,
            epoch: first.leader_epoch,
            ..Default::default()
        };
        for b in batches.iter() {
            let count = b.records.len();
            let mut flags = (count as u64).min(u64::from(COUNT_ESCAPE)) as u8;
            if b.base_offset != st.prev_end {
                flags |= BASE_JUMP;
            }
            if b.leader_epoch != st.epoch {
                flags |= EPOCH_CHANGE;
            }
            let slot = b.identity.map(|id| {
                (
                    id,
                    st.producers
                        .iter()
                        .position(|s| s.producer_id == id.producer_id),
                )
            });
            flags |= match slot {
                None => ID_NONE,
                Some((_, None)) => ID_NEW,
                Some((id, Some(i))) => {
                    let s = st.producers[i];
                    if s.epoch == id.producer_epoch && s.next_seq == id.base_sequence {
                        ID_CONTINUES
                    } else {
                        ID_KNOWN
                    }
                }
            };
            out.push(flags);
            if count as u64 >= u64::from(COUNT_ESCAPE) {
                put_varint(&mut out, count as u64);
            }
            if flags & BASE_JUMP != 0 {
                put_varint(
                    &mut out,
                    zigzag(b.base_offset.wrapping_sub(st.prev_end) as i64),
                );
            }
            if flags & EPOCH_CHANGE != 0 {
                put_varint(&mut out, u64::from(b.leader_epoch));
            }
            let mut reference = st.last_id;
            match slot {
                None => {}
                Some((id, None)) => {
                    put_varint(&mut out, id.producer_id);
                    put_varint(&mut out, u64::from(id.producer_epoch));
                    put_varint(&mut out, zigzag(i64::from(id.base_sequence)));
                    st.producers.push(ProducerSlot {
                        producer_id: id.producer_id,
                        epoch: id.producer_epoch,
                        next_seq: id.base_sequence,
                        last_id: st.last_id,
                    });
                }
                Some((id, Some(i))) => {
                    put_varint(&mut out, i as u64);
                    if flags & ID_MASK == ID_KNOWN {
                        let s = st.producers[i];
                        put_varint(&mut out, u64::from(id.producer_epoch));
                        put_varint(
                            &mut out,
                            zigzag(i64::from(id.base_sequence.wrapping_sub(s.next_seq))),
                        );
                    }
                }
            }
            if let Some((id, _)) = slot {
                let s = st
                    .producers
                    .iter_mut()
                    .find(|s| s.producer_id == id.producer_id);
                if let Some(s) = s {
                    reference = s.last_id;
                    s.epoch = id.producer_epoch;
                    s.next_seq = id.base_sequence.wrapping_add(count as i32);
                }
            }
            for r in b.records.iter() {
                put_varint(&mut out, id_delta(r, reference));
                reference = r;
            }
            if let Some(l) = b.records.last() {
                st.last_id = l;
                if let Some((id, _)) = slot {
                    if let Some(s) = st
                        .producers
                        .iter_mut()
                        .find(|s| s.producer_id == id.producer_id)
                    {
                        s.last_id = l;
                    }
                }
            }
            st.prev_end = b.end_offset();
            st.epoch = b.leader_epoch;
        }
        Some(Segment {
            base_offset: first.base_offset,
            first_epoch: first.leader_epoch,
            end_offset: last.end_offset(),
            last_epoch: last.leader_epoch,
            bytes: out.into_boxed_slice(),
        })
    }

    pub fn decoder(&self) -> Decoder<'_> {
        Decoder {
            bytes: &self.bytes,
            pos: 0,
            st: State {
                prev_end: self.base_offset,
                epoch: self.first_epoch,
                ..Default::default()
            },
            records: Vec::new(),
        }
    }
}

/// Reads a segment's batches in order; the batch just read has its record ids in `records`.
pub(super) struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    st: State,
    records: Vec<u32>,
}

impl Decoder<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 || shift >= 63 {
                return v;
            }
            shift += 7;
        }
    }

    /// The next batch, its record ids borrowed from the decoder until the next call.
    pub fn next_batch(&mut self) -> Option<BatchRef<'_>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let flags = self.byte();
        let mut count = u64::from(flags & 0x0f);
        if count == u64::from(COUNT_ESCAPE) {
            count = self.varint();
        }
        let mut base_offset = self.st.prev_end;
        if flags & BASE_JUMP != 0 {
            base_offset = base_offset.wrapping_add(unzigzag(self.varint()) as u64);
        }
        if flags & EPOCH_CHANGE != 0 {
            self.st.epoch = self.varint() as u32;
        }
        let mut reference = self.st.last_id;
        let slot = match flags & ID_MASK {
            ID_NONE => None,
            ID_NEW => {
                let producer_id = self.varint();
                let epoch = self.varint() as u16;
                let seq = unzigzag(self.varint()) as i32;
                self.st.producers.push(ProducerSlot {
                    producer_id,
                    epoch,
                    next_seq: seq,
                    last_id: self.st.last_id,
                });
                Some(self.st.producers.len() - 1)
            }
            kind => {
                let i = self.varint() as usize;
                if kind == ID_KNOWN {
                    let epoch = self.varint() as u16;
                    let delta = unzigzag(self.varint()) as i32;
                    if let Some(s) = self.st.producers.get_mut(i) {
                        s.epoch = epoch;
                        s.next_seq = s.next_seq.wrapping_add(delta);
                    }
                }
                Some(i)
            }
        };
        let identity = match slot.and_then(|i| self.st.producers.get_mut(i)) {
            Some(s) => {
                let id = ProducerIdentity {
                    producer_id: s.producer_id,
                    producer_epoch: s.epoch,
                    base_sequence: s.next_seq,
                };
                reference = s.last_id;
                s.next_seq = s.next_seq.wrapping_add(count as i32);
                Some(id)
            }
            None => None,
        };
        self.records.clear();
        for _ in 0..count {
            let id = (i64::from(reference) + unzigzag(self.varint())) as u32;
            self.records.push(id);
            reference = id;
        }
        if let Some(&l) = self.records.last() {
            self.st.last_id = l;
            if let Some(s) = slot.and_then(|i| self.st.producers.get_mut(i)) {
                s.last_id = l;
            }
        }
        self.st.prev_end = base_offset.wrapping_add(count);
        Some(BatchRef {
            base_offset,
            leader_epoch: self.st.epoch,
            identity,
            records: RecordIds::listed(&self.records),
        })
    }
}
