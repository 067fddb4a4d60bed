//! Kafka Playground's simulation core: a deterministic discrete-event model of Apache Kafka
//! producers, brokers and consumer groups. No web dependency; the page and the command line run
//! this very code.

pub mod assignor;
pub mod coordinator_hash;
pub mod errors;
pub mod link;
pub mod scenario;
