//! The value bytes of records written with a shape (`value.serializer` `custom` or `avro`),
//! by record id: the bytes travel with the record id through the logs, as a record's value
//! does in Kafka, and consumers read them from here. Records of the `string` format carry no
//! bytes, so plain runs keep nothing here.

use crate::kafka::serialization::RecordSchema;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct WrittenValue {
    pub bytes: Box<[u8]>,
    /// The schema the producer wrote it with (to check what a consumer read against it).
    pub writer: Arc<RecordSchema>,
}

#[derive(Debug, Clone, Default)]
pub struct ValueLog {
    /// Per producer index, by record id in send order (ids increase per producer; plain lists
    /// keep another map type out of the page).
    written: Vec<Vec<(u32, Arc<WrittenValue>)>>,
    /// Per producer index: sends that failed in the serializer (`SerializationException`,
    /// e.g. the registry refused the schema): the record never reached the producer.
    pub serialization_failed: Vec<u64>,
}

impl ValueLog {
    /// The value of record `id`, the producer's newest.
    pub fn write(&mut self, producer: usize, id: u32, value: WrittenValue) {
        if self.written.len() <= producer {
            self.written.resize_with(producer + 1, Vec::new);
        }
        if let Some(list) = self.written.get_mut(producer) {
            list.push((id, Arc::new(value)));
        }
    }

    pub fn get(&self, id: u32) -> Option<&Arc<WrittenValue>> {
        self.written.iter().find_map(|list| {
            let at = list.partition_point(|(i, _)| *i < id);
            list.get(at).filter(|(i, _)| *i == id).map(|(_, v)| v)
        })
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
