//! Values with a shape, as the Java clients' serializers write them: Avro record schemas
//! (`schema`), the values a record carries, derived from its id (`datum`), a hand-written
//! serializer's layout (`custom`), Avro's binary encoding in Confluent's wire format (`avro`),
//! Avro's schema resolution when a reader reads a writer's bytes (`resolve`) and the schema
//! registry's compatibility checks (`compat`). Pure functions, no simulation state.

pub mod avro;
pub mod compat;
pub mod custom;
pub mod datum;
pub mod resolve;
pub mod schema;

pub use datum::Datum;
pub use schema::{Field, RecordSchema, Type};

/// Why bytes could not be turned back into a value: what the application's `poll()` throws
/// (Kafka wraps it in a `RecordDeserializationException` naming the partition and offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A byte reader over a record's value (Java's `ByteBuffer`: reading past the end fails).
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError(format!(
                "BufferUnderflowException reading {what}: {n} byte(s) wanted, {} left",
                self.remaining()
            )));
        }
        let out = self.bytes.get(self.at..self.at + n).unwrap_or(&[]);
        self.at += n;
        Ok(out)
    }
    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }
}
