//! The typed Kafka requests and responses the network carries between nodes, and the node ids.
//! Payloads are small: batches carry record ids (not bytes), a request's or answer's in one list.

use crate::kafka::errors::ErrorCode;
use crate::kafka::record_batch::BatchRun;
pub use crate::kafka::record_batch::{LogBatch, ProducerIdentity};
use crate::kafka::serialization::RecordSchema;
use crate::scenario::Acks;
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// A node of the simulated world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum NodeId {
    Producer(u32),
    Broker(u32),
    Controller,
    /// A consumer, by its global index (groups' consumers in order of creation).
    Consumer(u32),
    /// Confluent's schema registry (a REST service beside the cluster).
    Registry,
}

impl NodeId {
    /// One number per node, in the nodes' order (what the trace hash writes for a node).
    pub fn code(self) -> u64 {
        match self {
            NodeId::Producer(i) => u64::from(i),
            NodeId::Broker(b) => (1 << 32) | u64::from(b),
            NodeId::Controller => 2 << 32,
            NodeId::Consumer(c) => (3 << 32) | u64::from(c),
            NodeId::Registry => 4 << 32,
        }
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Producer(i) => write!(f, "producer {i}"),
            NodeId::Broker(b) => write!(f, "broker {b}"),
            NodeId::Controller => f.write_str("controller"),
            NodeId::Consumer(c) => write!(f, "consumer {c}"),
            NodeId::Registry => f.write_str("schema registry"),
        }
    }
}

/// One partition's batch inside a Produce request.
#[derive(Debug, Clone)]
pub struct ProduceBatch {
    /// Global partition index.
    pub partition: u32,
    pub batch_id: u64,
    /// Its record ids: these of the request's `records`.
    pub records: Range<usize>,
    pub identity: Option<ProducerIdentity>,
    pub is_retry: bool,
}

#[derive(Debug, Clone)]
pub struct ProduceRequest {
    pub correlation_id: u64,
    pub acks: Acks,
    pub timeout_us: u64,
    pub batches: Vec<ProduceBatch>,
    /// The batches' record ids one after another (one list per request, not a shared slice
    /// per batch: at 1,000 partitions a request carries hundreds of one-record batches).
    pub records: Vec<u32>,
}

impl ProduceRequest {
    /// The record ids of `batch`, one of this request's.
    pub fn records_of(&self, batch: &ProduceBatch) -> &[u32] {
        self.records.get(batch.records.clone()).unwrap_or_default()
    }
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

/// A follower's fetch. With a fetch session (KIP-227) a full fetch (`session_epoch` 0) lists
/// every partition and opens a session; each later, incremental one lists only the partitions
/// whose position changed, and those the session should forget.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub correlation_id: u64,
    pub replica: u32,
    pub session_id: u32,
    pub session_epoch: u32,
    pub partitions: Vec<FetchPartition>,
    pub forgotten: Vec<u32>,
}

/// A fetch session the leader does not have (`FETCH_SESSION_ID_NOT_FOUND`, 70) or a request
/// out of step with it (`INVALID_FETCH_SESSION_EPOCH`, 71): the follower's next fetch is a
/// full one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchSessionError {
    IdNotFound,
    InvalidEpoch,
}

#[derive(Debug, Clone)]
pub struct FetchedPartition {
    pub partition: u32,
    pub error: Option<ErrorCode>,
    /// Its batches: these of the answer's `batches`.
    pub batches: Range<usize>,
    pub high_watermark: u64,
    /// The leader's end offset of the follower's last epoch when the follower's log diverges.
    pub diverging_end_offset: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct FetchResponse {
    pub correlation_id: u64,
    /// The session the answer belongs to (a full fetch learns its new session id here).
    pub session_id: u32,
    pub session_error: Option<FetchSessionError>,
    /// Every partition of a full fetch; of an incremental one, only those with something new.
    pub partitions: Vec<FetchedPartition>,
    /// The partitions' batches one after another (one list for the answer, not one per
    /// partition: at 1,000 partitions an answer carries hundreds of one-batch partitions).
    pub batches: BatchRun,
}

/// The controller's view of one partition, as propagated to brokers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionState {
    pub partition: u32,
    pub leader: Option<u32>,
    pub leader_epoch: u32,
    pub isr: Vec<u32>,
}

/// A consumer fetch request's session: id 0 and epoch 0 open a new one (a full fetch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsumerSessionRef {
    pub id: u32,
    pub epoch: u32,
}

/// A consumer's fetch from one leader, in its fetch session (KIP-227).
#[derive(Debug, Clone)]
pub struct ConsumerFetchRequest {
    pub correlation_id: u64,
    pub session: ConsumerSessionRef,
    /// The partitions added to the session or whose offset changed (every one it reads from
    /// this leader in a full fetch).
    pub partitions: Vec<ConsumerFetchPartition>,
    /// The partitions it no longer reads from this leader.
    pub forgotten: Vec<u32>,
    /// Every partition it reads from this leader, sent only in the builds that check the
    /// invariants: the leader compares its session with it.
    pub whole: Option<Vec<ConsumerFetchPartition>>,
}

/// A consumer's fetch of one partition (`offset: None` stands for ListOffsets(LATEST), which
/// `auto.offset.reset=latest` needs: the answer carries the high watermark and no records).
#[derive(Debug, Clone, Copy)]
pub struct ConsumerFetchPartition {
    pub partition: u32,
    pub offset: Option<u64>,
}

/// The answer for one partition: the records `offset .. offset + records`, all below the
/// high watermark. Offsets are contiguous in a log, so the range is the whole payload (the
/// ledger counts deliveries by partition and offset).
#[derive(Debug, Clone)]
pub struct ConsumerFetchedPartition {
    pub partition: u32,
    pub error: Option<ErrorCode>,
    /// The offset the consumer asked for (or the high watermark for a LATEST lookup).
    pub offset: u64,
    pub records: u64,
    pub high_watermark: u64,
    /// The records' ids, in offset order, where a consumer reads values with a shape (their
    /// bytes are in the ledger's value log); `None` otherwise, so plain runs carry nothing.
    pub ids: Option<Arc<[u32]>>,
}

/// One member as the leader's JoinGroup response lists it: id, subscription's owned
/// partitions (cooperative protocol, 2.4+) and the generation they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedMember {
    pub member: u32,
    pub owned: Vec<u32>,
    pub generation: i32,
}

#[derive(Debug, Clone)]
pub struct JoinResult {
    pub generation: i32,
    pub leader: u32,
    pub protocol: &'static str,
    /// Only the leader's response carries the member list.
    pub members: Option<Arc<[JoinedMember]>>,
}

/// The leader's assignment in SyncGroup: member → global partitions.
pub type MemberAssignments = Arc<[(u32, Vec<u32>)]>;

/// The classic group protocol's requests and responses (group and member by index; the
/// member id is the consumer's name).
#[derive(Debug, Clone)]
pub enum GroupMessage {
    FindCoordinator,
    FindCoordinatorResponse(Result<u32, ErrorCode>),
    JoinGroup {
        member: u32,
        owned: Vec<u32>,
        generation: i32,
        session_timeout_us: u64,
        rebalance_timeout_us: u64,
    },
    JoinGroupResponse(Result<JoinResult, ErrorCode>),
    SyncGroup {
        member: u32,
        generation: i32,
        /// The leader's assignment: member → global partitions.
        assignment: Option<MemberAssignments>,
    },
    SyncGroupResponse {
        generation: i32,
        result: Result<Vec<u32>, ErrorCode>,
    },
    Heartbeat {
        member: u32,
        generation: i32,
    },
    HeartbeatResponse(Option<ErrorCode>),
    LeaveGroup {
        member: u32,
    },
    LeaveGroupResponse,
    OffsetCommit {
        member: u32,
        generation: i32,
        offsets: Vec<(u32, u64)>,
    },
    OffsetCommitResponse(Option<ErrorCode>),
    OffsetFetch {
        partitions: Vec<u32>,
    },
    OffsetFetchResponse(Result<Vec<(u32, Option<u64>)>, ErrorCode>),
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
    /// Broker → controller: alive. `incarnation` counts the broker's process starts;
    /// `metadata_offset` is how far it has applied the controller's changes
    /// (`BrokerHeartbeatRequest.CurrentMetadataOffset`).
    BrokerHeartbeat {
        broker: u32,
        incarnation: u32,
        metadata_offset: u64,
    },
    /// Broker → controller, on each start: BrokerRegistration with a new incarnation.
    BrokerRegistration {
        broker: u32,
        incarnation: u32,
    },
    /// Controller → broker: registered (with the whole partition state to replay, as the
    /// metadata log gives a starting broker), or refused while the old incarnation's session
    /// is still valid (DUPLICATE_BROKER_REGISTRATION).
    BrokerRegistrationResponse {
        accepted: bool,
        states: Vec<PartitionState>,
        leaders: Arc<[Option<u32>]>,
        metadata_offset: u64,
    },
    AlterPartition {
        partition: u32,
        leader: u32,
        leader_epoch: u32,
        isr: Vec<u32>,
    },
    /// Controller → broker: partition leadership and ISR (LeaderAndIsr / metadata records).
    /// `metadata_offset`: the controller's metadata offset once these apply, or 0 for an
    /// answer about one partition to one broker, which is no position in the log.
    PartitionChanges {
        states: Vec<PartitionState>,
        leaders: Arc<[Option<u32>]>,
        metadata_offset: u64,
    },
    /// The connection was reset (the peer's process died or refused the connection).
    Disconnect,
    /// A client's first request on a new connection (`NetworkClient` sends ApiVersions before
    /// the connection counts as ready); a dead or starting broker refuses it.
    ApiVersions,
    ApiVersionsResponse,
    /// Consumer → partition leader: read records (only below the high watermark).
    ConsumerFetch(ConsumerFetchRequest),
    /// The partitions with records, an error or a LATEST lookup to answer; a session error
    /// answers nothing (the consumer's next fetch is a full one).
    ConsumerFetchResponse {
        correlation_id: u64,
        session_id: u32,
        session_error: Option<FetchSessionError>,
        partitions: Vec<ConsumerFetchedPartition>,
    },
    /// Consumer ↔ group coordinator, for the group with this index.
    Group {
        group: u32,
        message: GroupMessage,
    },
    /// Client ↔ schema registry (HTTP requests, drawn as messages).
    Registry(RegistryMessage),
}

/// Confluent's schema registry REST calls a serializer and a deserializer make.
#[derive(Debug, Clone)]
pub enum RegistryMessage {
    /// `POST /subjects/<subject>/versions` (the serializer with `auto.register.schemas=true`).
    Register {
        correlation_id: u64,
        subject: String,
        schema: Arc<RecordSchema>,
    },
    /// The schema's global id, or the HTTP 409 refusal's message.
    RegisterResponse {
        correlation_id: u64,
        result: Result<u32, String>,
    },
    /// `GET /schemas/ids/<id>` (the deserializer meeting an id it has not cached).
    GetSchema { correlation_id: u64, id: u32 },
    GetSchemaResponse {
        correlation_id: u64,
        id: u32,
        schema: Option<Arc<RecordSchema>>,
    },
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
    BrokerRegistration,
    BrokerRegistrationResponse,
    AlterPartition,
    PartitionChanges,
    Disconnect,
    ApiVersions,
    ApiVersionsResponse,
    /// A consumer's fetch from a partition leader, and its answer.
    ConsumerFetch,
    ConsumerFetchResponse,
    FindCoordinator,
    FindCoordinatorResponse,
    JoinGroup,
    JoinGroupResponse,
    SyncGroup,
    SyncGroupResponse,
    Heartbeat,
    HeartbeatResponse,
    LeaveGroup,
    LeaveGroupResponse,
    OffsetCommit,
    OffsetCommitResponse,
    OffsetFetch,
    OffsetFetchResponse,
    /// A request to the schema registry, and its answer.
    RegistryRequest,
    RegistryResponse,
}

impl GroupMessage {
    pub fn kind(&self) -> MessageKind {
        match self {
            GroupMessage::FindCoordinator => MessageKind::FindCoordinator,
            GroupMessage::FindCoordinatorResponse(_) => MessageKind::FindCoordinatorResponse,
            GroupMessage::JoinGroup { .. } => MessageKind::JoinGroup,
            GroupMessage::JoinGroupResponse(_) => MessageKind::JoinGroupResponse,
            GroupMessage::SyncGroup { .. } => MessageKind::SyncGroup,
            GroupMessage::SyncGroupResponse { .. } => MessageKind::SyncGroupResponse,
            GroupMessage::Heartbeat { .. } => MessageKind::Heartbeat,
            GroupMessage::HeartbeatResponse(_) => MessageKind::HeartbeatResponse,
            GroupMessage::LeaveGroup { .. } => MessageKind::LeaveGroup,
            GroupMessage::LeaveGroupResponse => MessageKind::LeaveGroupResponse,
            GroupMessage::OffsetCommit { .. } => MessageKind::OffsetCommit,
            GroupMessage::OffsetCommitResponse(_) => MessageKind::OffsetCommitResponse,
            GroupMessage::OffsetFetch { .. } => MessageKind::OffsetFetch,
            GroupMessage::OffsetFetchResponse(_) => MessageKind::OffsetFetchResponse,
        }
    }

    /// Requests (answered with a `Disconnect` by a dead broker), as opposed to responses.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            GroupMessage::FindCoordinator
                | GroupMessage::JoinGroup { .. }
                | GroupMessage::SyncGroup { .. }
                | GroupMessage::Heartbeat { .. }
                | GroupMessage::LeaveGroup { .. }
                | GroupMessage::OffsetCommit { .. }
                | GroupMessage::OffsetFetch { .. }
        )
    }
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
            Payload::BrokerRegistration { .. } => MessageKind::BrokerRegistration,
            Payload::BrokerRegistrationResponse { .. } => MessageKind::BrokerRegistrationResponse,
            Payload::AlterPartition { .. } => MessageKind::AlterPartition,
            Payload::PartitionChanges { .. } => MessageKind::PartitionChanges,
            Payload::Disconnect => MessageKind::Disconnect,
            Payload::ApiVersions => MessageKind::ApiVersions,
            Payload::ApiVersionsResponse => MessageKind::ApiVersionsResponse,
            Payload::ConsumerFetch(_) => MessageKind::ConsumerFetch,
            Payload::ConsumerFetchResponse { .. } => MessageKind::ConsumerFetchResponse,
            Payload::Group { message, .. } => message.kind(),
            Payload::Registry(
                RegistryMessage::Register { .. } | RegistryMessage::GetSchema { .. },
            ) => MessageKind::RegistryRequest,
            Payload::Registry(_) => MessageKind::RegistryResponse,
        }
    }

    /// Whether a reset connection answers this message with a `Disconnect` (a request).
    pub fn expects_reply(&self) -> bool {
        match self {
            Payload::Produce(_)
            | Payload::Fetch(_)
            | Payload::Metadata { .. }
            | Payload::ApiVersions
            | Payload::ConsumerFetch(_) => true,
            Payload::Group { message, .. } => message.is_request(),
            Payload::Registry(m) => matches!(
                m,
                RegistryMessage::Register { .. } | RegistryMessage::GetSchema { .. }
            ),
            _ => false,
        }
    }
}
