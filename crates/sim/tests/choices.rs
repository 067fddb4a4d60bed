//! The closed sets of property values (send modes, acks, assignment strategies, offset resets)
//! have one list in the core; the reader, the page's choices and the report all use its names.

use kafka_sim::scenario::{resolve_scenario, Acks, AssignmentStrategy, OffsetReset, SendMode};
use serde_json::{json, Value};

fn resolved(doc: Value) -> kafka_sim::Scenario {
    match resolve_scenario(&doc) {
        Ok(s) => s,
        Err(e) => panic!("valid scenario: {e}"),
    }
}

fn with_producer(key: &str, value: &str) -> kafka_sim::Scenario {
    resolved(json!({"format": 1, "producers": [{"name": "p", key: value}]}))
}

fn with_group(key: &str, value: &str) -> kafka_sim::Scenario {
    resolved(json!({"format": 1, "groups": [{"group.id": "g", "topics": ["orders"], key: value}]}))
}

#[test]
fn every_send_mode_name_reads_as_its_mode_and_writes_back_the_same() {
    assert_eq!(SendMode::NAMES, ["fire-and-forget", "sync", "async"]);
    for &mode in SendMode::ALL {
        let s = with_producer("send.mode", mode.name());
        assert_eq!(s.producers[0].send_mode, mode);
        assert_eq!(serde_json::to_value(mode).ok(), Some(json!(mode.name())));
    }
}

#[test]
fn every_acks_name_reads_as_its_acks_and_writes_back_the_same() {
    assert_eq!(Acks::NAMES, ["0", "1", "all"]);
    for &acks in Acks::ALL {
        let s = with_producer("acks", acks.name());
        assert_eq!(s.producers[0].acks, acks);
        assert_eq!(serde_json::to_value(acks).ok(), Some(json!(acks.name())));
    }
}

#[test]
fn every_strategy_name_reads_as_its_strategy_and_writes_back_the_same() {
    assert_eq!(
        AssignmentStrategy::NAMES.len(),
        AssignmentStrategy::ALL.len()
    );
    for &strategy in AssignmentStrategy::ALL {
        let s = with_group("partition.assignment.strategy", strategy.name());
        assert_eq!(s.groups[0].partition_assignment_strategy, strategy);
        assert_eq!(
            serde_json::to_value(strategy).ok(),
            Some(json!(strategy.name()))
        );
        assert_eq!(
            AssignmentStrategy::from_name(strategy.name()),
            Some(strategy)
        );
    }
}

#[test]
fn every_offset_reset_name_reads_as_its_reset_and_writes_back_the_same() {
    assert_eq!(OffsetReset::NAMES, ["earliest", "latest", "none"]);
    for &reset in OffsetReset::ALL {
        let s = with_group("auto.offset.reset", reset.name());
        assert_eq!(s.groups[0].auto_offset_reset, reset);
        assert_eq!(serde_json::to_value(reset).ok(), Some(json!(reset.name())));
    }
}

#[test]
fn group_states_are_named_as_kafka_names_them() {
    use kafka_sim::node::coordinator::GroupState;
    for (state, name) in [
        (GroupState::Empty, "Empty"),
        (GroupState::PreparingRebalance, "PreparingRebalance"),
        (GroupState::CompletingRebalance, "CompletingRebalance"),
        (GroupState::Stable, "Stable"),
        (GroupState::Dead, "Dead"),
    ] {
        assert_eq!(state.name(), name);
        assert_eq!(serde_json::to_value(state).ok(), Some(json!(name)));
    }
}
