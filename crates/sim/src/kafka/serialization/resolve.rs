//! Avro's schema resolution (the specification's "Schema Resolution"; Java's `Resolver` and
//! `ResolvingGrammarGenerator`): a reader reads bytes written with another schema. The
//! top-level record's name is not compared when reading (Java's `Resolver` resolves two
//! records field by field; only the compatibility check compares names); fields match by name or the
//! reader field's aliases; writer-only fields are read and dropped; a reader-only field takes
//! its default, and without one the read fails; int promotes to long, float, double, long to
//! float, double, float to double, string and bytes to each other; a writer's union resolves
//! the branch it wrote, a reader's union takes the first branch the writer's type fits.

use super::avro::get;
use super::datum::Datum;
use super::schema::{RecordSchema, Type};
use super::{DecodeError, Reader};

fn mismatch(field: &str, writer: &Type, reader: &Type) -> DecodeError {
    DecodeError(format!(
        "AvroTypeException: found {}, expecting {} (field {field})",
        writer.name(),
        reader.name()
    ))
}

/// Whether a value of the primitive type `writer` reads as `reader` (equal, or a promotion).
pub fn promotes(writer: &Type, reader: &Type) -> bool {
    use Type::*;
    writer == reader
        || matches!(
            (writer, reader),
            (Int, Long | Float | Double)
                | (Long, Float | Double)
                | (Float, Double)
                | (String, Bytes)
                | (Bytes, String)
        )
}

/// The value `v` (written as the primitive `writer`) as the reader's type.
fn convert(field: &str, v: Datum, writer: &Type, reader: &Type) -> Result<Datum, DecodeError> {
    if let Type::Union(branches) = reader {
        // The first branch of the same type, else the first the writer's type promotes to.
        let branch = branches
            .iter()
            .find(|b| *b == writer)
            .or_else(|| branches.iter().find(|b| promotes(writer, b)));
        return match branch {
            Some(b) => convert(field, v, writer, b),
            None => Err(mismatch(field, writer, reader)),
        };
    }
    if !promotes(writer, reader) {
        return Err(mismatch(field, writer, reader));
    }
    Ok(match (v, reader) {
        (Datum::Int(i), Type::Long) => Datum::Long(i64::from(i)),
        (Datum::Int(i), Type::Float) => Datum::Float(i as f32),
        (Datum::Int(i), Type::Double) => Datum::Double(f64::from(i)),
        (Datum::Long(l), Type::Float) => Datum::Float(l as f32),
        (Datum::Long(l), Type::Double) => Datum::Double(l as f64),
        (Datum::Float(f), Type::Double) => Datum::Double(f64::from(f)),
        (Datum::Str(s), Type::Bytes) => Datum::Bytes(s.into_bytes()),
        (Datum::Bytes(b), Type::String) => Datum::Str(String::from_utf8_lossy(&b).into_owned()),
        (v, _) => v,
    })
}

/// The type of the branch a union value was written with (its primitive type otherwise).
fn written_type<'a>(ty: &'a Type, v: &Datum) -> &'a Type {
    match ty {
        Type::Union(branches) => branches.iter().find(|b| v.is_of(b)).unwrap_or(ty),
        other => other,
    }
}

/// Reads `body` (Avro binary written with `writer`) as `reader`: one value per reader field.
pub fn decode(
    writer: &RecordSchema,
    reader: &RecordSchema,
    body: &[u8],
) -> Result<Vec<Datum>, DecodeError> {
    let mut r = Reader::new(body);
    let mut written = Vec::with_capacity(writer.fields.len());
    for f in &writer.fields {
        written.push(Some(get(&f.ty, &f.name, &mut r)?));
    }
    let mut out = Vec::with_capacity(reader.fields.len());
    for f in &reader.fields {
        match writer.writer_field(f) {
            Some((i, w)) => {
                let v = written
                    .get_mut(i)
                    .and_then(Option::take)
                    .unwrap_or(Datum::Null);
                let wt = written_type(&w.ty, &v).clone();
                out.push(convert(&f.name, v, &wt, &f.ty)?);
            }
            None => match &f.default {
                Some(d) => out.push(Datum::from_default(&f.ty, d)),
                None => {
                    return Err(DecodeError(format!(
                        "AvroTypeException: found {}, expecting {}, missing required field {}",
                        writer.name, reader.name, f.name
                    )))
                }
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::serialization::avro::encode_body;
    use crate::kafka::serialization::datum::{read_correctly, record_values};
    use crate::kafka::serialization::schema::Field;
    use serde_json::json;

    fn field(name: &str, ty: Type, default: Option<serde_json::Value>) -> Field {
        Field {
            name: name.into(),
            aliases: Vec::new(),
            ty,
            default,
        }
    }

    fn supplier(fields: Vec<Field>) -> RecordSchema {
        RecordSchema {
            name: "Supplier".into(),
            aliases: Vec::new(),
            fields,
        }
    }

    #[test]
    fn new_readers_default_missing_fields_and_old_readers_drop_new_ones() {
        let v1 = supplier(vec![
            field("id", Type::Int, None),
            field("name", Type::String, None),
        ]);
        let v2 = supplier(vec![
            field("id", Type::Long, None),
            field("name", Type::String, None),
            field("email", Type::String, Some(json!(""))),
        ]);
        let old = encode_body(&v1, &record_values(&v1, 4));
        let read = decode(&v1, &v2, &old).unwrap_or_default();
        assert_eq!(
            read,
            vec![
                Datum::Long(4),
                Datum::Str("name-4".into()),
                Datum::Str(String::new())
            ]
        );
        assert!(read_correctly(&v1, &v2, 4, &read));
        let new = encode_body(&v2, &record_values(&v2, 4));
        // long does not demote to int.
        assert!(decode(&v2, &v1, &new).is_err());
        let v3 = supplier(vec![field("id", Type::Int, None)]);
        let missing = decode(&v3, &v2, &encode_body(&v3, &record_values(&v3, 1)));
        assert!(missing.is_err_and(|e| e.0.contains("missing required field name")));
    }
}
