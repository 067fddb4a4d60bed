//! The typed Kafka requests and responses the network carries between nodes, and the node ids.
//! Payloads are small: record ids travel as shared slices, so copying a batch is a pointer copy.

use crate::errors::ErrorCode;
use crate::scenario::Acks;
use serde::Serialize;
use std::sync::Arc;

/// A node of the simulated world. Consumers join later as one more kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum NodeId {
    Producer(u32),
    Broker(u32),
    Controller,
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Producer(i) => write!(f, "producer {i}"),
            NodeId::Broker(b) => write!(f, "broker {b}"),
            NodeId::Controller => f.write_str("controller"),
        }
    }
}

/// The idempotent producer's identity on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerIdentity {
    pub producer_id: u64,
    pub producer_epoch: u16,
    pub base_sequence: i32,
}

/// A record batch as stored in a replica's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBatch {
    pub base_offset: u64,
    /// Global record ids (the ledger's index), in send order within the batch.
    pub records: Arc<[u32]>,
    pub leader_epoch: u32,
    pub identity: Option<ProducerIdentity>,
}

impl LogBatch {
    pub fn end_offset(&self) -> u64 {
        self.base_offset + self.records.len() as u64
    }
}

/// One partition's batch inside a Produce request.
#[derive(Debug, Clone)]
pub struct ProduceBatch {
    /// Global partition index.
    pub partition: u32,
    pub batch_id: u64,
    pub records: Arc<[u32]>,
    pub identity: Option<ProducerIdentity>,
    pub is_retry: bool,
}

#[derive(Debug, Clone)]
pub struct ProduceRequest {
    pub correlation_id: u64,
    pub acks: Acks,
    pub timeout_us: u64,
    pub batches: Vec<ProduceBatch>,
}

#[derive(Debug, Clone, Copy)]
pub struct ProducePartitionResult {
    pub partition: u32,
    pub batch_id: u64,
    /// The base offset on success.
    pub result: Result<u64, ErrorCode>,
}

#[derive(Debug, Clone)]
pub struct ProduceResponse {
    pub correlation_id: u64,
    pub results: Vec<ProducePartitionResult>,
}

#[derive(Debug, Clone, Copy)]
pub struct FetchPartition {
    pub partition: u32,
    pub fetch_offset: u64,
    /// Leader epoch of the follower's last batch (divergence check, KIP-101/595).
    pub last_fetched_epoch: u32,
}

#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub correlation_id: u64,
    pub replica: u32,
    pub partitions: Vec<FetchPartition>,
}

#[derive(Debug, Clone)]
pub struct FetchedPartition {
    pub partition: u32,
    pub error: Option<ErrorCode>,
    pub batches: Vec<LogBatch>,
    pub high_watermark: u64,
    /// The leader's end offset of the follower's last epoch when the follower's log diverges.
    pub diverging_end_offset: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct FetchResponse {
    pub correlation_id: u64,
    pub partitions: Vec<FetchedPartition>,
}

/// The controller's view of one partition, as propagated to brokers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionState {
    pub partition: u32,
    pub leader: Option<u32>,
    pub leader_epoch: u32,
    pub isr: Vec<u32>,
}

#[derive(Debug, Clone)]
pub enum Payload {
    Produce(ProduceRequest),
    ProduceResponse(ProduceResponse),
    Fetch(FetchRequest),
    FetchResponse(FetchResponse),
    Metadata {
        correlation_id: u64,
    },
    MetadataResponse {
        correlation_id: u64,
        /// Leader per global partition, as the answering broker knows it.
        leaders: Arc<[Option<u32>]>,
    },
    BrokerHeartbeat {
        broker: u32,
    },
    AlterPartition {
        partition: u32,
        leader: u32,
        leader_epoch: u32,
        isr: Vec<u32>,
    },
    /// Controller → broker: partition leadership and ISR (LeaderAndIsr / metadata records).
    PartitionChanges {
        states: Vec<PartitionState>,
        leaders: Arc<[Option<u32>]>,
    },
    /// The connection was reset (the peer's process died or refused the connection).
    Disconnect,
}

/// What kind of message, for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MessageKind {
    Produce,
    ProduceResponse,
    Fetch,
    FetchResponse,
    Metadata,
    MetadataResponse,
    BrokerHeartbeat,
    AlterPartition,
    PartitionChanges,
    Disconnect,
}

impl Payload {
    pub fn kind(&self) -> MessageKind {
        match self {
            Payload::Produce(_) => MessageKind::Produce,
            Payload::ProduceResponse(_) => MessageKind::ProduceResponse,
            Payload::Fetch(_) => MessageKind::Fetch,
            Payload::FetchResponse(_) => MessageKind::FetchResponse,
            Payload::Metadata { .. } => MessageKind::Metadata,
            Payload::MetadataResponse { .. } => MessageKind::MetadataResponse,
            Payload::BrokerHeartbeat { .. } => MessageKind::BrokerHeartbeat,
            Payload::AlterPartition { .. } => MessageKind::AlterPartition,
            Payload::PartitionChanges { .. } => MessageKind::PartitionChanges,
            Payload::Disconnect => MessageKind::Disconnect,
        }
    }

    /// Whether a reset connection answers this message with a `Disconnect` (a request).
    pub fn expects_reply(&self) -> bool {
        matches!(
            self,
            Payload::Produce(_) | Payload::Fetch(_) | Payload::Metadata { .. }
        )
    }
}
