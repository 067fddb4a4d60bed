//! The value bytes of records written with a shape (`value.serializer` `custom` or `avro`),
//! by record id: the bytes travel with the record id through the logs, as a record's value
//! does in Kafka, and consumers read them from here. Records of the `string` format carry no
//! bytes, so plain runs keep nothing here.

use crate::kafka::serialization::RecordSchema;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct WrittenValue {
    pub bytes: Box<[u8]>,
    /// The schema the producer wrote it with (to check what a consumer read against it).
    pub writer: Arc<RecordSchema>,
}

#[derive(Debug, Clone, Default)]
pub struct ValueLog {
    written: BTreeMap<u32, Arc<WrittenValue>>,
    /// Per producer index: sends that failed in the serializer (`SerializationException`,
    /// e.g. the registry refused the schema): the record never reached the producer.
    pub serialization_failed: Vec<u64>,
}

impl ValueLog {
    pub fn write(&mut self, id: u32, value: WrittenValue) {
        self.written.insert(id, Arc::new(value));
    }

    pub fn get(&self, id: u32) -> Option<&Arc<WrittenValue>> {
        self.written.get(&id)
    }

    pub fn count_serialization_failure(&mut self, producer: usize) {
        if self.serialization_failed.len() <= producer {
            self.serialization_failed.resize(producer + 1, 0);
        }
        if let Some(n) = self.serialization_failed.get_mut(producer) {
            *n += 1;
        }
    }

    pub fn serialization_failures(&self) -> u64 {
        self.serialization_failed.iter().sum()
    }
}
