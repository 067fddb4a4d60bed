//! The values a record carries: one per field, derived from the record's id and the field's
//! name, so that what a consumer read can be checked against what the producer wrote. A field
//! of the same name has the same value whatever its type (`id` 17 is int 17 or long 17;
//! `name` is "name-17" as a string or as bytes), so Avro's promotions keep values equal.

use super::schema::{Field, RecordSchema, Type};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    Null,
    Boolean(bool),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    Str(String),
    Bytes(Vec<u8>),
}

impl Datum {
    /// The same value, across Avro's promotions (numbers by value, string and bytes by
    /// content); a float compares at float precision.
    pub fn same(&self, other: &Datum) -> bool {
        use Datum::*;
        match (self, other) {
            (Str(a), Bytes(b)) | (Bytes(b), Str(a)) => a.as_bytes() == b.as_slice(),
            (Float(a), b) | (b, Float(a)) if b.number().is_some() => {
                b.number().is_some_and(|x| x as f32 == *a)
            }
            (a, b) if a.number().is_some() && b.number().is_some() => a.number() == b.number(),
            (a, b) => a == b,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Datum::Int(i) => Some(f64::from(*i)),
            Datum::Long(l) => Some(*l as f64),
            Datum::Float(f) => Some(f64::from(*f)),
            Datum::Double(d) => Some(*d),
            _ => None,
        }
    }

    /// Whether this value is of type `ty` (a union's branch is chosen by this).
    pub fn is_of(&self, ty: &Type) -> bool {
        matches!(
            (self, ty),
            (Datum::Null, Type::Null)
                | (Datum::Boolean(_), Type::Boolean)
                | (Datum::Int(_), Type::Int)
                | (Datum::Long(_), Type::Long)
                | (Datum::Float(_), Type::Float)
                | (Datum::Double(_), Type::Double)
                | (Datum::Str(_), Type::String)
                | (Datum::Bytes(_), Type::Bytes)
        )
    }

    /// A (validated) JSON default as a value of `ty`.
    pub fn from_default(ty: &Type, value: &Value) -> Datum {
        match ty {
            Type::Null => Datum::Null,
            Type::Boolean => Datum::Boolean(value.as_bool().unwrap_or(false)),
            Type::Int => Datum::Int(
                value
                    .as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .unwrap_or(0),
            ),
            Type::Long => Datum::Long(value.as_i64().unwrap_or(0)),
            Type::Float => Datum::Float(value.as_f64().unwrap_or(0.0) as f32),
            Type::Double => Datum::Double(value.as_f64().unwrap_or(0.0)),
            Type::String => Datum::Str(value.as_str().unwrap_or_default().to_string()),
            Type::Bytes => Datum::Bytes(
                value
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .map(|c| u32::from(c) as u8)
                    .collect(),
            ),
            Type::Union(branches) => branches
                .first()
                .map_or(Datum::Null, |b| Datum::from_default(b, value)),
        }
    }
}

/// FNV-1a of a field name: a stable number per name.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The value record `id` carries in a field `name` of type `ty`: `id` itself for a field
/// called `id`, a number built from the name and the id otherwise (within an int), the text
/// `<name>-<id>` for strings and bytes, `true` for even numbers; an optional field (a union)
/// holds a value of its first non-null branch.
pub fn value_of(name: &str, ty: &Type, id: u32) -> Datum {
    let n: i64 = if name == "id" {
        i64::from(id)
    } else {
        (name_hash(name) % 100) as i64 * 10_000_000 + i64::from(id % 10_000_000)
    };
    match ty {
        Type::Null => Datum::Null,
        Type::Boolean => Datum::Boolean(n % 2 == 0),
        Type::Int => Datum::Int(i32::try_from(n).unwrap_or(i32::MAX)),
        Type::Long => Datum::Long(n),
        Type::Float => Datum::Float(n as f32),
        Type::Double => Datum::Double(n as f64),
        Type::String => Datum::Str(format!("{name}-{id}")),
        Type::Bytes => Datum::Bytes(format!("{name}-{id}").into_bytes()),
        Type::Union(branches) => branches
            .iter()
            .find(|b| **b != Type::Null)
            .or(branches.first())
            .map_or(Datum::Null, |b| value_of(name, b, id)),
    }
}

/// Every field's value of record `id` written with `schema`, in field order.
pub fn record_values(schema: &RecordSchema, id: u32) -> Vec<Datum> {
    schema
        .fields
        .iter()
        .map(|f| value_of(&f.name, &f.ty, id))
        .collect()
}

/// Whether values a reader decoded (`read`, one per field of `reader`) are what record `id`
/// written with `writer` holds: each reader field that stands for a writer field must have
/// the writer's value; a field the writer lacks must have the reader's default, if any.
pub fn read_correctly(
    writer: &RecordSchema,
    reader: &RecordSchema,
    id: u32,
    read: &[Datum],
) -> bool {
    reader
        .fields
        .iter()
        .zip(read)
        .all(|(f, got): (&Field, &Datum)| match writer.writer_field(f) {
            Some((_, w)) => value_of(&w.name, &w.ty, id).same(got),
            None => f
                .default
                .as_ref()
                .is_none_or(|d| Datum::from_default(&f.ty, d).same(got)),
        })
        && read.len() == reader.fields.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_keeps_its_value_across_promotions() {
        assert_eq!(value_of("id", &Type::Int, 17), Datum::Int(17));
        assert!(value_of("id", &Type::Int, 17).same(&value_of("id", &Type::Long, 17)));
        assert!(value_of("name", &Type::String, 3).same(&value_of("name", &Type::Bytes, 3)));
        assert!(!value_of("name", &Type::String, 3).same(&value_of("name", &Type::String, 4)));
        let optional = Type::Union(vec![Type::Null, Type::String]);
        assert_eq!(
            value_of("email", &optional, 5),
            Datum::Str("email-5".into())
        );
    }
}
