//! Values with a shape on pinned scenarios (tests/scenarios/serde/*.json): a hand-written
//! serializer breaking on a new field, the same change through Avro and a schema registry,
//! exact counts of deserialization errors, skips, misreads and refusals. Invariants are
//! checked after every event (the `invariants` feature).

use kafka_sim::scenario::{parse_scenario, resolve_scenario};
use kafka_sim::{Report, Simulation};
use serde_json::{json, Value};

fn doc(name: &str) -> Value {
    let path = format!(
        "{}/tests/scenarios/serde/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The scenario reader itself, as `kafka-sim run` reads the file.
    if let Err(e) = parse_scenario(&text) {
        panic!("{path}: {e}");
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run_doc(doc: &Value) -> Report {
    let scenario = resolve_scenario(doc).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(scenario);
    sim.run_to_end();
    sim.report()
}

fn run(name: &str) -> Report {
    run_doc(&doc(name))
}

/// (records, deserialization errors, skipped, misread) of one group.
fn group(r: &Report, id: &str) -> (u64, u64, u64, u64) {
    let c = &r.groups[id].consumed;
    (c.records, c.deserialization_errors, c.skipped, c.misread)
}

#[test]
fn a_custom_reader_of_the_new_version_is_stuck_at_the_first_old_record_and_the_old_reader_drops_the_new_field(
) {
    let r = run("custom_new_field");
    assert_eq!(r.records.acknowledged, 1000);
    // The old reader reads every record, the new field left over at the end of the new ones.
    assert_eq!(group(&r, "old"), (1000, 0, 0, 0));
    // The new reader underflows at offset 0 and every later poll throws there again: one
    // record failed, nothing processed, nothing committed, the lag is everything.
    assert_eq!(group(&r, "new"), (0, 1, 0, 0));
    assert_eq!(r.groups["new"].lag["suppliers-0"], 1000);
    assert_eq!(r.groups["new"].committed["suppliers-0"], 0);
    assert_eq!(r.consumed.deserialization_errors, 1);
    assert_eq!(r.records.serialization_failed, 0);
    assert_eq!(r.schema_registry.schemas, 0, "no Avro, no registry traffic");
}

#[test]
fn a_custom_reader_that_skips_loses_every_record_written_before_the_upgrade() {
    let r = run("custom_new_field_skip");
    // The upgrade at 8 s: records 0..800 were written without email.
    assert_eq!(group(&r, "new"), (200, 800, 800, 0));
    assert_eq!(r.groups["new"].lag["suppliers-0"], 0);
    assert_eq!(group(&r, "old"), (1000, 0, 0, 0));
}

#[test]
fn fields_written_in_another_order_are_misread_without_an_error_and_an_avro_reader_refuses_custom_bytes(
) {
    let r = run("custom_reordered_fields");
    // From the upgrade on (200 records) name and startDate trade places: no error, wrong values.
    assert_eq!(group(&r, "old"), (1000, 0, 0, 200));
    assert_eq!(r.consumed.misread, 200);
    // Custom bytes are not Confluent's wire format: every record fails, every one is skipped.
    assert_eq!(group(&r, "avro-reader"), (0, 1000, 1000, 0));
}

#[test]
fn the_registry_accepts_a_field_with_a_default_refuses_one_without_and_then_accepts_it_under_none()
{
    let r = run("avro_registry");
    let s = &r.schema_registry.subjects["suppliers-value"];
    assert_eq!(
        (s.versions, s.ids.clone(), s.refusals),
        (3, vec![1, 2, 3], 200)
    );
    assert_eq!(r.schema_registry.refusals, 200);
    // 7 s to 9 s at 100 records/s: every send of version 3 is refused until NONE.
    assert_eq!(r.records.serialization_failed, 200);
    assert_eq!(r.producers["p1"].serialization_failed, 200);
    assert_eq!(r.records.sent, 800);
    assert_eq!(r.records.acknowledged, 800);
    // Avro resolves every version for the old and the new reader: nothing fails or is misread.
    assert_eq!(group(&r, "old"), (800, 0, 0, 0));
    assert_eq!(group(&r, "new"), (800, 0, 0, 0));
    // A reader of version 3 (phone without a default) cannot read the 700 records before it.
    assert_eq!(group(&r, "newest"), (100, 700, 700, 0));
}

#[test]
fn the_report_names_the_figures_of_the_contract() {
    let r = run("avro_registry");
    let json = serde_json::to_value(&r).unwrap_or_default();
    for path in [
        "/consumed/deserialization.errors",
        "/consumed/skipped",
        "/consumed/misread",
        "/records/serialization.failed",
        "/schema.registry/subjects/suppliers-value/versions",
        "/schema.registry/refusals",
    ] {
        assert!(json.pointer(path).is_some_and(|v| v.is_u64()), "{path}");
    }
}

/// The consumers are upgraded before the producer: the next old record is a poison pill.
fn consumers_first(actions: Value) -> Value {
    let mut d = doc("custom_new_field");
    d["groups"][1]["value.schema"] = json!("Supplier@1");
    d["actions"] = actions;
    d
}

#[test]
fn a_group_upgraded_before_its_producer_is_stuck_at_the_first_old_record_after_the_upgrade() {
    let r = run_doc(&consumers_first(json!([
        { "at.ms": 5000, "do": "upgrade-group", "group.id": "new", "value.schema": "Supplier@2" },
        { "at.ms": 8000, "do": "upgrade-producer", "producer": "p1", "value.schema": "Supplier@2" }
    ])));
    // Up to 5 s it reads version 1 like the old group; then one record fails, every poll after.
    let (records, errors, skipped, misread) = group(&r, "new");
    assert_eq!((records, errors, skipped, misread), (500, 1, 0, 0));
    assert_eq!(r.groups["new"].lag["suppliers-0"], 1000 - 500);
    assert_eq!(group(&r, "old"), (1000, 0, 0, 0));
}

#[test]
fn rolling_the_group_back_unsticks_it_and_it_reads_everything() {
    let r = run_doc(&consumers_first(json!([
        { "at.ms": 5000, "do": "upgrade-group", "group.id": "new", "value.schema": "Supplier@2" },
        { "at.ms": 8000, "do": "upgrade-producer", "producer": "p1", "value.schema": "Supplier@2" },
        { "at.ms": 12000, "do": "upgrade-group", "group.id": "new", "value.schema": "Supplier@1" }
    ])));
    assert_eq!(group(&r, "new"), (1000, 1, 0, 0));
    assert_eq!(r.groups["new"].lag["suppliers-0"], 0);
}

#[test]
fn under_forward_a_new_field_without_a_default_is_accepted_since_old_readers_drop_it() {
    // FORWARD: the old schema must read the new; a new field is dropped by the old reader, so
    // version 3 (phone without a default) is accepted at once.
    let mut d = doc("avro_registry");
    d["schema.registry"]["compatibility"] = json!("FORWARD");
    let r = run_doc(&d);
    assert_eq!(r.schema_registry.refusals, 0);
    assert_eq!(r.records.serialization_failed, 0);
    assert_eq!(r.records.sent, 1000);
    assert_eq!(group(&r, "newest"), (300, 700, 700, 0));
}

#[test]
fn one_schema_under_two_subjects_keeps_one_global_id_and_versions_count_per_subject() {
    let mut d = doc("avro_registry");
    d["topics"] = json!([
        { "name": "suppliers", "partitions": 1, "replication.factor": 3 },
        { "name": "vendors", "partitions": 1, "replication.factor": 3 }
    ]);
    d["producers"] = json!([
        { "name": "p1", "topic": "suppliers", "records": 100, "records.per.sec": 100,
          "value.serializer": "avro", "value.schema": "Supplier@1" },
        { "name": "p2", "topic": "vendors", "records": 100, "records.per.sec": 100,
          "value.serializer": "avro", "value.schema": "Supplier@2" }
    ]);
    d["groups"] = json!([]);
    d["actions"] = json!([
        { "at.ms": 500, "do": "upgrade-producer", "producer": "p1", "value.schema": "Supplier@2" }
    ]);
    let r = run_doc(&d);
    let ids = |s: &str| r.schema_registry.subjects[s].ids.clone();
    // p2 registers version 2 first (id 1 is p1's version 1, registered at the same moment):
    // the same schema under suppliers-value later gets that id again.
    assert_eq!(r.schema_registry.schemas, 2);
    assert_eq!(ids("vendors-value").len(), 1);
    assert_eq!(ids("suppliers-value").len(), 2);
    assert_eq!(ids("suppliers-value")[1], ids("vendors-value")[0]);
    assert_eq!(r.records.serialization_failed, 0);
}
