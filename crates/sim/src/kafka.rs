//! Kafka's own pure functions and wire vocabulary: what the Java client and broker compute, with
//! no simulation state (each file cites the Kafka class it follows).

pub mod assignor;
pub mod coordinator_hash;
pub mod errors;
pub mod librdkafka_partitioner;
pub mod murmur2;
pub mod partitioner;
pub mod protocol;
pub mod record_batch;
pub mod record_size;
pub mod serialization;
