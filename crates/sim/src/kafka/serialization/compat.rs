//! The schema registry's compatibility checks: Avro's `SchemaCompatibility` (can a reader
//! schema read what a writer schema wrote?) and Confluent's compatibility modes over a
//! subject's versions (`AvroCompatibilityLevel`: BACKWARD, the default, lets the new schema
//! read the latest; FORWARD lets the latest read the new; FULL both; the _TRANSITIVE modes
//! check every earlier version instead of the latest only; NONE checks nothing).

use super::resolve::promotes;
use super::schema::{RecordSchema, Type};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Compatibility {
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
    None,
}

impl Compatibility {
    pub const ALL: [Compatibility; 7] = [
        Compatibility::Backward,
        Compatibility::BackwardTransitive,
        Compatibility::Forward,
        Compatibility::ForwardTransitive,
        Compatibility::Full,
        Compatibility::FullTransitive,
        Compatibility::None,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Compatibility::Backward => "BACKWARD",
            Compatibility::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Compatibility::Forward => "FORWARD",
            Compatibility::ForwardTransitive => "FORWARD_TRANSITIVE",
            Compatibility::Full => "FULL",
            Compatibility::FullTransitive => "FULL_TRANSITIVE",
            Compatibility::None => "NONE",
        }
    }

    fn transitive(self) -> bool {
        matches!(
            self,
            Compatibility::BackwardTransitive
                | Compatibility::ForwardTransitive
                | Compatibility::FullTransitive
        )
    }
}

/// Whether a reader field type can read a writer field type (`SchemaCompatibility`): a
/// writer's union needs every branch readable, a reader's union one branch that reads the
/// writer's type.
pub fn type_reads(reader: &Type, writer: &Type) -> bool {
    match (reader, writer) {
        (_, Type::Union(ws)) => ws.iter().all(|w| type_reads(reader, w)),
        (Type::Union(rs), w) => rs.iter().any(|r| type_reads(r, w)),
        (r, w) => promotes(w, r),
    }
}

/// Why `reader` cannot read what `writer` wrote, or `None` when it can.
pub fn incompatibility(reader: &RecordSchema, writer: &RecordSchema) -> Option<String> {
    if !reader.reads_name(&writer.name) {
        return Some(format!(
            "NAME_MISMATCH: expected {}, found {}",
            writer.name, reader.name
        ));
    }
    for f in &reader.fields {
        match writer.writer_field(f) {
            Some((_, w)) if !type_reads(&f.ty, &w.ty) => {
                return Some(format!(
                    "TYPE_MISMATCH at /fields/{}: reader type {} cannot read writer type {}",
                    f.name,
                    f.ty.name(),
                    w.ty.name()
                ));
            }
            Some(_) => {}
            None if f.default.is_none() => {
                return Some(format!(
                    "READER_FIELD_MISSING_DEFAULT_VALUE: {} (a reader of this schema cannot read data written before it)",
                    f.name
                ))
            }
            None => {}
        }
    }
    None
}

/// Why `new` may not join a subject whose versions are `existing` (oldest first) under
/// `mode`, or `None` when it may (Confluent's `AvroCompatibilityChecker`).
pub fn check(
    mode: Compatibility,
    new: &RecordSchema,
    existing: &[&RecordSchema],
) -> Option<String> {
    let against: &[&RecordSchema] = if mode.transitive() {
        existing
    } else {
        existing.last().map_or(&[], std::slice::from_ref)
    };
    let backward = matches!(
        mode,
        Compatibility::Backward
            | Compatibility::BackwardTransitive
            | Compatibility::Full
            | Compatibility::FullTransitive
    );
    let forward = matches!(
        mode,
        Compatibility::Forward
            | Compatibility::ForwardTransitive
            | Compatibility::Full
            | Compatibility::FullTransitive
    );
    for old in against.iter().rev() {
        if backward {
            if let Some(why) = incompatibility(new, old) {
                return Some(format!(
                    "{} (the new schema reading the old): {why}",
                    mode.name()
                ));
            }
        }
        if forward {
            if let Some(why) = incompatibility(old, new) {
                return Some(format!(
                    "{} (the old schema reading the new): {why}",
                    mode.name()
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::serialization::schema::Field;
    use serde_json::json;

    fn record(fields: &[(&str, Type, bool)]) -> RecordSchema {
        RecordSchema {
            name: "Supplier".into(),
            aliases: Vec::new(),
            fields: fields
                .iter()
                .map(|(n, t, d)| Field {
                    name: (*n).into(),
                    aliases: Vec::new(),
                    ty: t.clone(),
                    default: d.then(|| json!("")),
                })
                .collect(),
        }
    }

    #[test]
    fn transitive_modes_check_every_version_and_the_others_only_the_latest() {
        let v1 = record(&[("id", Type::Int, false)]);
        let v2 = record(&[("id", Type::Int, false), ("email", Type::String, true)]);
        // v3 drops email's default: BACKWARD against v2 is fine (v2 wrote email), against v1 not.
        let v3 = record(&[("id", Type::Int, false), ("email", Type::String, false)]);
        assert_eq!(check(Compatibility::Backward, &v3, &[&v1, &v2]), None);
        assert!(check(Compatibility::BackwardTransitive, &v3, &[&v1, &v2]).is_some());
        assert!(check(Compatibility::Backward, &v3, &[&v1]).is_some());
        assert_eq!(check(Compatibility::Forward, &v3, &[&v1]), None);
        assert!(check(Compatibility::Full, &v3, &[&v1]).is_some());
        assert_eq!(check(Compatibility::None, &v3, &[&v1]), None);
        // v1 after v3 and v2: FORWARD checks v2 reading v1 (fine: email has a default), the
        // transitive mode also v3 reading v1, which misses email's default.
        assert_eq!(check(Compatibility::Forward, &v1, &[&v3, &v2]), None);
        assert!(check(Compatibility::ForwardTransitive, &v1, &[&v3, &v2]).is_some());
        assert!(check(Compatibility::FullTransitive, &v2, &[&v1, &v3]).is_none());
        assert!(check(Compatibility::FullTransitive, &v3, &[&v1, &v2]).is_some());
        assert!(check(Compatibility::Full, &v3, &[&v1, &v2]).is_none());
        assert_eq!(check(Compatibility::Backward, &v1, &[]), None);
    }
}
