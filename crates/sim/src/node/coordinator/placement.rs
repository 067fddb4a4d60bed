//! Where a group's coordinator runs: the leader of its `__consumer_offsets` partition.
//! The offsets topic (replication factor 3, or fewer brokers) is placed like the cluster's
//! own topics, and its leader is elected like theirs: it stays while its broker is live,
//! and moves to the first live replica when the controller fences it.

/// `offsets.topic.replication.factor`.
pub const OFFSETS_TOPIC_REPLICATION_FACTOR: u32 = 3;

/// The replicas of `__consumer_offsets-<partition>` on a cluster of `brokers`.
pub fn offsets_partition_replicas(partition: u32, brokers: u32) -> Vec<u32> {
    let brokers = brokers.max(1);
    let rf = OFFSETS_TOPIC_REPLICATION_FACTOR.min(brokers);
    (0..rf).map(|i| (partition + i) % brokers).collect()
}

/// The partition's leader after the controller's latest view of broker liveness: the
/// current leader while live, otherwise the first live replica (none: the group has no
/// coordinator, COORDINATOR_NOT_AVAILABLE).
pub fn offsets_partition_leader(
    partition: u32,
    brokers: u32,
    current: Option<u32>,
    live: impl Fn(u32) -> bool,
) -> Option<u32> {
    let replicas = offsets_partition_replicas(partition, brokers);
    if let Some(c) = current.filter(|c| replicas.contains(c) && live(*c)) {
        return Some(c);
    }
    replicas.into_iter().find(|&b| live(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coordinator_stays_while_live_and_moves_to_the_next_live_replica() {
        assert_eq!(offsets_partition_replicas(4, 3), vec![1, 2, 0]);
        assert_eq!(offsets_partition_leader(4, 3, None, |_| true), Some(1));
        assert_eq!(offsets_partition_leader(4, 3, Some(2), |_| true), Some(2));
        assert_eq!(offsets_partition_leader(4, 3, Some(1), |b| b != 1), Some(2));
        assert_eq!(offsets_partition_leader(4, 3, Some(1), |_| false), None);
    }
}
