//! The producer's value serializer, called inside `send()` before the record reaches the
//! accumulator (`KafkaProducer.doSend`). `string` writes opaque bytes and keeps nothing;
//! `custom` writes the fields in its own layout; `avro` is Confluent's
//! `KafkaAvroSerializer` with `auto.register.schemas=true`
//! (`AbstractKafkaAvroSerializer.serializeImpl`): the first record of a schema version
//! registers it under `<topic>-value` with a blocking HTTP call (the application's `send()`
//! waits for the answer), the id is cached, and a refusal throws a `SerializationException`
//! out of that `send()`. Refusals are not cached: the next record tries again.

use crate::kafka::protocol::{NodeId, Payload, RegistryMessage};
use crate::kafka::serialization::{avro, custom, datum::record_values, RecordSchema};
use crate::node::Ctx;
use crate::observe::trace::TraceKind;
use crate::observe::values::WrittenValue;
use crate::scenario::{ProducerConfig, SchemaRef, ValueSerializer};
use std::sync::Arc;

/// What the serializer says about the next record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Serialize and send it.
    Ready,
    /// `send()` is blocked on the registry.
    Blocked,
    /// `send()` threw a `SerializationException` with this message.
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct ValueWriter {
    pub serializer: ValueSerializer,
    pub schema: Option<(SchemaRef, Arc<RecordSchema>)>,
    /// Registered ids by version (Confluent's `CachedSchemaRegistryClient`).
    ids: Vec<(u32, u32)>,
    /// The registration `send()` waits for: (correlation id, version).
    registering: Option<(u64, u32)>,
    refused: Option<String>,
    next_correlation: u64,
}

impl ValueWriter {
    pub fn new(cfg: &ProducerConfig, schema: Option<Arc<RecordSchema>>) -> Self {
        ValueWriter {
            serializer: cfg.value_serializer,
            schema: cfg.value_schema.clone().zip(schema),
            ids: Vec::new(),
            registering: None,
            refused: None,
            next_correlation: 0,
        }
    }

    /// The application is redeployed with another version of its schema.
    pub fn upgrade(&mut self, to: SchemaRef, schema: Arc<RecordSchema>) {
        self.schema = Some((to, schema));
    }

    fn id_of(&self, version: u32) -> Option<u32> {
        self.ids
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, id)| *id)
    }

    pub fn is_blocked(&self) -> bool {
        self.registering.is_some()
    }

    /// Whether the next record's value is written without a trip to the schema registry and
    /// without a refusal to report (what [`ValueWriter::prepare`] answers `Ready` to at once).
    pub fn ready_without_io(&self) -> bool {
        self.refused.is_none()
            && (self.serializer != ValueSerializer::Avro
                || self
                    .schema
                    .as_ref()
                    .is_none_or(|(r, _)| self.id_of(r.version).is_some()))
    }

    /// Before the next record: registers its schema first if it has no id yet.
    pub fn prepare(&mut self, me: NodeId, topic: &str, ctx: &mut Ctx) -> Prepared {
        if let Some(message) = self.refused.take() {
            return Prepared::Failed(message);
        }
        if self.serializer != ValueSerializer::Avro {
            return Prepared::Ready;
        }
        let Some((r, schema)) = &self.schema else {
            return Prepared::Ready;
        };
        if self.id_of(r.version).is_some() {
            return Prepared::Ready;
        }
        if self.registering.is_none() {
            let correlation_id = self.next_correlation;
            self.next_correlation += 1;
            self.registering = Some((correlation_id, r.version));
            ctx.out.send(
                me,
                NodeId::Registry,
                Payload::Registry(RegistryMessage::Register {
                    correlation_id,
                    subject: format!("{topic}-value"),
                    schema: schema.clone(),
                }),
            );
        }
        Prepared::Blocked
    }

    /// The registry's answer to the registration `send()` waits for.
    pub fn on_registered(&mut self, correlation_id: u64, result: Result<u32, String>) {
        let Some((c, version)) = self.registering else {
            return;
        };
        if c != correlation_id {
            return;
        }
        self.registering = None;
        match result {
            Ok(id) => self.ids.push((version, id)),
            Err(message) => self.refused = Some(message),
        }
    }

    /// The value bytes of record `id`, for the ledger's value log (`None` for `string`).
    pub fn write(&self, id: u32) -> Option<WrittenValue> {
        let (r, schema) = self.schema.as_ref()?;
        let values = record_values(schema, id);
        let bytes = match self.serializer {
            ValueSerializer::String => return None,
            ValueSerializer::Custom => custom::encode(schema, &values),
            ValueSerializer::Avro => {
                avro::encode(self.id_of(r.version).unwrap_or(0), schema, &values)
            }
        };
        Some(WrittenValue {
            bytes: bytes.into_boxed_slice(),
            writer: schema.clone(),
        })
    }
}

/// Counts a send the serializer failed and tells the trace.
pub fn serialization_failed(ctx: &mut Ctx, producer: u32, name: &str, message: &str) {
    ctx.ledger
        .values
        .count_serialization_failure(producer as usize);
    ctx.out.trace(
        ctx.now,
        NodeId::Producer(producer),
        TraceKind::SerializationFailed,
        format!("{name}: send() throws SerializationException: {message}"),
    );
}
