//! The readable protocol events the page lists, and the trace hash every handled event feeds.

use crate::kafka::protocol::NodeId;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceKind {
    BrokerCrashed,
    BrokerRestarted,
    BrokerIsolated,
    BrokerHealed,
    BrokerFenced,
    BrokerUnfenced,
    BrokerRegistered,
    BrokerRegistrationRefused,
    /// A broker that missed the controller's changes while cut off is sent them again.
    BrokerCaughtUp,
    LeaderElected,
    PartitionOffline,
    PartitionsAdded,
    IsrShrunk,
    IsrExpanded,
    LogTruncated,
    RequestsFailing,
    NetworkChanged,
    ProduceError,
    BatchRetried,
    BatchFailed,
    BatchExpired,
    /// The application's `send()` blocks for buffer memory (`buffer.memory`).
    SendBlocked,
    /// A blocked `send()` got its memory and returns.
    SendResumed,
    /// A `send()` fails before its record enters the accumulator (RecordTooLargeException,
    /// or TimeoutException after `max.block.ms`).
    SendFailed,
    EpochBumped,
    MetadataUpdated,
    ActionIgnored,
    CoordinatorMoved,
    CoordinatorFound,
    RebalanceStarted,
    MemberJoined,
    MemberLeft,
    MemberRemoved,
    GroupEmpty,
    GenerationStarted,
    GroupStable,
    PartitionsAssigned,
    PartitionsRevoked,
    PartitionsLost,
    PollIntervalExceeded,
    ConsumerKilled,
    ConsumerStalled,
    OffsetsCommitted,
    CommitFailed,
    OffsetReset,
    SchemaRegistered,
    SchemaRefused,
    SerializationFailed,
    DeserializationFailed,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceEvent {
    pub time_us: u64,
    pub node: NodeId,
    pub kind: TraceKind,
    pub text: String,
}

/// FNV-1a, 64 bit: portable, no platform-dependent hasher.
#[derive(Debug, Clone)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    pub fn write_u64(&mut self, v: u64) {
        for b in v.to_le_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Readable events not yet taken by the page; bounded so a headless run does not grow.
#[derive(Debug, Clone, Default)]
pub struct TraceLog {
    pending: Vec<TraceEvent>,
    dropped: u64,
}

const MAX_PENDING: usize = 10_000;

impl TraceLog {
    pub fn push(&mut self, e: TraceEvent) {
        if self.pending.len() >= MAX_PENDING {
            self.dropped += 1;
            return;
        }
        self.pending.push(e);
    }

    pub fn take(&mut self) -> Vec<TraceEvent> {
        self.dropped = 0;
        std::mem::take(&mut self.pending)
    }
}
