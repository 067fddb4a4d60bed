//! The consumer's value deserializer, called as `poll()` hands records to the application
//! (Kafka's `CompletedFetch.parseRecord`): `string` reads nothing here; `custom` reads its own
//! schema's fields in the hand-written layout (`kafka::serialization::custom`), knowing
//! nothing of the writer's; `avro` is Confluent's `KafkaAvroDeserializer`: it reads the
//! schema id from the value, fetches that writer schema from the registry on first sight (a
//! blocking HTTP call inside `poll()`, then cached) and resolves it against its own schema.
//!
//! A value that fails to deserialize makes `poll()` throw a `RecordDeserializationException`
//! at that offset; records before it in the same `poll()` are returned first, and the fetch
//! stays at the bad record, so every later `poll()` throws again (`Fetcher.collectFetch`,
//! KIP-334): with `on.deserialization.error` `fail` the consumer is stuck there and its
//! application calls `poll()` again every 100 ms. With `skip` the application catches it,
//! seeks past the record (`seek(partition, offset + 1)`) and goes on. Values read without an
//! error are checked against what the producer wrote: a difference is a misread.

use super::{Buffered, Consumer, RETRY_BACKOFF_US};
use crate::kafka::protocol::{NodeId, Payload, RegistryMessage};
use crate::kafka::serialization::datum::read_correctly;
use crate::kafka::serialization::{avro, custom, resolve, DecodeError, RecordSchema};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::scenario::{GroupConfig, OnDeserializationError, ValueSerializer};
use std::sync::Arc;

/// The outcome of deserializing one record.
enum Read {
    /// Handed to the application; `misread`: with other values than were written.
    Ok {
        misread: bool,
    },
    /// The writer's schema is being fetched from the registry: `poll()` waits.
    NeedSchema,
    Error(String),
}

#[derive(Debug, Clone, Default)]
pub struct ValueReader {
    pub deserializer: ValueSerializer,
    pub schema: Option<Arc<RecordSchema>>,
    pub on_error: OnDeserializationError,
    /// Writer schemas by id, as the registry answered (`None`: unknown id).
    writer_schemas: Vec<(u32, Option<Arc<RecordSchema>>)>,
    /// The schema fetch `poll()` waits for: (correlation id, schema id).
    fetching: Option<(u64, u32)>,
    next_correlation: u64,
    /// The record every `poll()` throws at (`fail`): partition and offset.
    pub stuck_at: Option<(u32, u64)>,
}

impl ValueReader {
    pub fn new(cfg: &GroupConfig, schema: Option<Arc<RecordSchema>>) -> Self {
        ValueReader {
            deserializer: cfg.value_deserializer,
            schema,
            on_error: cfg.on_deserialization_error,
            ..Default::default()
        }
    }

    /// Whether `poll()` deserializes record by record.
    pub fn reads_shapes(&self) -> bool {
        self.deserializer != ValueSerializer::String && self.schema.is_some()
    }

    /// The application is redeployed reading another version.
    pub fn upgrade(&mut self, schema: Arc<RecordSchema>) {
        self.schema = Some(schema);
    }

    fn read(&mut self, id: Option<u32>, me: NodeId, ctx: &mut Ctx) -> Read {
        let Some(reader) = self.schema.clone() else {
            return Read::Ok { misread: false };
        };
        let written = id.and_then(|id| ctx.ledger.values.get(id)).cloned();
        let bytes: &[u8] = written.as_ref().map_or(&[], |w| &w.bytes);
        let decoded = match self.deserializer {
            ValueSerializer::String => return Read::Ok { misread: false },
            ValueSerializer::Custom => custom::decode(&reader, bytes),
            ValueSerializer::Avro => match avro::split_frame(bytes) {
                Err(e) => Err(e),
                Ok((schema_id, body)) => match self.writer_schemas.iter().find(|(i, _)| *i == schema_id).map(|(_, s)| s) {
                    Some(Some(writer)) => resolve::decode(writer, &reader, body),
                    Some(None) => Err(DecodeError(format!(
                        "SerializationException: error retrieving Avro schema for id {schema_id} (Schema not found; error code: 40403)"
                    ))),
                    None => {
                        self.fetch_schema(schema_id, me, ctx);
                        return Read::NeedSchema;
                    }
                },
            },
        };
        match decoded {
            Ok(values) => Read::Ok {
                misread: match (&written, id) {
                    (Some(w), Some(id)) => !read_correctly(&w.writer, &reader, id, &values),
                    _ => false,
                },
            },
            Err(e) => Read::Error(e.0),
        }
    }

    fn fetch_schema(&mut self, schema_id: u32, me: NodeId, ctx: &mut Ctx) {
        if self.fetching.is_some() {
            return;
        }
        let correlation_id = self.next_correlation;
        self.next_correlation += 1;
        self.fetching = Some((correlation_id, schema_id));
        ctx.out.send(
            me,
            NodeId::Registry,
            Payload::Registry(RegistryMessage::GetSchema {
                correlation_id,
                id: schema_id,
            }),
        );
    }
}

impl Consumer {
    /// The registry answered: a schema fetch `poll()` waits for.
    pub(super) fn on_registry_message(&mut self, message: RegistryMessage, ctx: &mut Ctx) {
        let RegistryMessage::GetSchemaResponse {
            correlation_id,
            id,
            schema,
        } = message
        else {
            return;
        };
        if self
            .values
            .fetching
            .is_some_and(|(c, _)| c == correlation_id)
        {
            self.values.fetching = None;
            self.values.writer_schemas.push((id, schema));
            self.wake(ctx);
        }
    }

    /// Hands up to `max.poll.records` records to the application, deserializing each (see
    /// the module's text); returns how many it handed over.
    pub(super) fn deliver_shaped(&mut self, ctx: &mut Ctx) -> u64 {
        let max = u64::from(self.cfg.max_poll_records.max(1));
        let mut left = max;
        if let Some((p, offset)) = self.values.stuck_at {
            let still =
                self.owned.contains(&p) && self.buffered.get(p).is_some_and(|b| b.next == offset);
            if !still {
                self.values.stuck_at = None;
            }
        }
        // The same order as `RoundRobin` gives `deliver`, from a copy: shaped values come with
        // small scenarios.
        let parts: Vec<u32> = self
            .buffered
            .partitions()
            .iter_round_from(self.partition_cursor)
            .collect();
        let me = self.node();
        'parts: for p in parts {
            if left == 0 {
                break;
            }
            let Some(b) = self.buffered.get(p).cloned() else {
                continue;
            };
            if !self.owned.contains(&p) {
                self.buffered.forget(p);
                self.fetch_changed.insert(p);
                continue;
            }
            let mut next = b.next;
            let mut run = next;
            let mut stop = false;
            while next < b.end && left > 0 {
                let id = b
                    .ids
                    .as_ref()
                    .and_then(|ids| ids.get(next.saturating_sub(b.base) as usize))
                    .copied();
                match self.values.read(id, me, ctx) {
                    Read::Ok { misread } => {
                        if misread {
                            if let Some(g) = ctx.ledger.group_mut(self.group) {
                                g.misread += 1;
                            }
                        }
                        next += 1;
                        left -= 1;
                    }
                    Read::NeedSchema => {
                        stop = true;
                        break;
                    }
                    Read::Error(message) => {
                        self.hand_over(p, run, next, ctx);
                        let again = self.values.stuck_at == Some((p, next));
                        if !again {
                            self.deserialization_failed(p, next, &message, ctx);
                        }
                        if self.values.on_error == OnDeserializationError::Fail {
                            self.values.stuck_at = Some((p, next));
                            stop = true;
                            run = next;
                            break;
                        }
                        if let Some(g) = ctx.ledger.group_mut(self.group) {
                            g.skipped += 1;
                        }
                        self.values.stuck_at = None;
                        next += 1;
                        run = next;
                        self.positions.insert(p, next);
                        self.fetch_changed.insert(p);
                    }
                }
            }
            self.hand_over(p, run, next, ctx);
            if next >= b.end {
                self.buffered.drain(p);
                self.fetch_changed.insert(p);
            } else if let Some(slot) = self.buffered.get_mut(p) {
                slot.next = next;
            }
            if stop {
                break 'parts;
            }
            self.partition_cursor = p + 1;
        }
        let n = max - left;
        self.delivered += n;
        n
    }

    /// Offsets `from .. to` of partition `p` reach the application.
    fn hand_over(&mut self, p: u32, from: u64, to: u64, ctx: &mut Ctx) {
        if to > from {
            self.positions.insert(p, to);
            self.fetch_changed.insert(p);
            ctx.ledger.record_delivery(self.group, p, from, to);
        }
    }

    fn deserialization_failed(&mut self, p: u32, offset: u64, message: &str, ctx: &mut Ctx) {
        if let Some(g) = ctx.ledger.group_mut(self.group) {
            g.deserialization_errors += 1;
        }
        let what = match self.values.on_error {
            OnDeserializationError::Fail => {
                "poll() throws RecordDeserializationException and will again at every retry"
            }
            OnDeserializationError::Skip => "the application catches it and seeks past the record",
        };
        let partition = ctx.topo.name(p);
        ctx.out.trace(
            ctx.now,
            self.node(),
            TraceKind::DeserializationFailed,
            format!(
                "{}: {partition} offset {offset}: {message}; {what}",
                self.name
            ),
        );
    }

    /// `poll()` threw at a stuck record: the application calls it again after a while.
    pub(super) fn poll_after_throw(&mut self, ctx: &mut Ctx) {
        let at = ctx.now + RETRY_BACKOFF_US;
        self.schedule_poll(ctx, at);
        self.arm_poll_check(ctx, at);
    }
}

/// A fetched range's records ids start at this offset.
impl Buffered {
    pub fn new(next: u64, end: u64, ids: Option<Arc<[u32]>>) -> Self {
        Buffered {
            next,
            end,
            base: next,
            ids,
        }
    }
}
