//! A hand-written serializer, as the course's Supplier example writes one with a
//! `ByteBuffer`: the fields' values in order, no names, no types, no version. The layout:
//!
//! | type | bytes |
//! |---|---|
//! | int, float | 4, big-endian (`putInt`, `putFloat`) |
//! | long, double | 8, big-endian (`putLong`, `putDouble`) |
//! | boolean | 1 (0 or 1; reading, anything but 0 is true) |
//! | string, bytes | a 4-byte big-endian length, then the bytes (UTF-8 for a string) |
//! | null | nothing |
//! | union | 1 byte, the branch's position, then the value |
//!
//! The deserializer reads its own schema's fields in this layout and knows nothing of the
//! writer's: reading past the end fails (`BufferUnderflowException`), a negative length fails
//! (`NegativeArraySizeException`), bytes left at the end are ignored, and anything else is
//! read as whatever it happens to be (invalid UTF-8 becomes U+FFFD, as `new String(bytes,
//! UTF_8)` does): a misread with no error.

use super::datum::Datum;
use super::schema::{RecordSchema, Type};
use super::{DecodeError, Reader};

/// The bytes of `values` (one per field of `schema`).
pub fn encode(schema: &RecordSchema, values: &[Datum]) -> Vec<u8> {
    let mut out = Vec::new();
    for (f, v) in schema.fields.iter().zip(values) {
        put(&f.ty, v, &mut out);
    }
    out
}

fn put(ty: &Type, v: &Datum, out: &mut Vec<u8>) {
    match (ty, v) {
        (Type::Union(branches), v) => {
            let i = branches.iter().position(|b| v.is_of(b)).unwrap_or(0);
            out.push(i as u8);
            if let Some(b) = branches.get(i) {
                put(b, v, out);
            }
        }
        (_, Datum::Null) => {}
        (_, Datum::Boolean(b)) => out.push(u8::from(*b)),
        (_, Datum::Int(i)) => out.extend_from_slice(&i.to_be_bytes()),
        (_, Datum::Long(l)) => out.extend_from_slice(&l.to_be_bytes()),
        (_, Datum::Float(f)) => out.extend_from_slice(&f.to_be_bytes()),
        (_, Datum::Double(d)) => out.extend_from_slice(&d.to_be_bytes()),
        (_, Datum::Str(s)) => put_bytes(s.as_bytes(), out),
        (_, Datum::Bytes(b)) => put_bytes(b, out),
    }
}

fn put_bytes(b: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
    out.extend_from_slice(b);
}

/// Reads the fields of `schema` from `bytes`, in order.
pub fn decode(schema: &RecordSchema, bytes: &[u8]) -> Result<Vec<Datum>, DecodeError> {
    let mut r = Reader::new(bytes);
    schema
        .fields
        .iter()
        .map(|f| get(&f.ty, &f.name, &mut r))
        .collect()
}

fn get(ty: &Type, field: &str, r: &mut Reader) -> Result<Datum, DecodeError> {
    Ok(match ty {
        Type::Null => Datum::Null,
        Type::Boolean => Datum::Boolean(r.array::<1>(field)?[0] != 0),
        Type::Int => Datum::Int(i32::from_be_bytes(r.array(field)?)),
        Type::Long => Datum::Long(i64::from_be_bytes(r.array(field)?)),
        Type::Float => Datum::Float(f32::from_be_bytes(r.array(field)?)),
        Type::Double => Datum::Double(f64::from_be_bytes(r.array(field)?)),
        Type::String => Datum::Str(String::from_utf8_lossy(get_bytes(field, r)?).into_owned()),
        Type::Bytes => Datum::Bytes(get_bytes(field, r)?.to_vec()),
        Type::Union(branches) => {
            let i = r.array::<1>(field)?[0];
            let Some(b) = branches.get(usize::from(i)) else {
                return Err(DecodeError(format!(
                    "IllegalStateException reading {field}: no branch {i} in {}",
                    ty.name()
                )));
            };
            get(b, field, r)?
        }
    })
}

fn get_bytes<'a>(field: &str, r: &mut Reader<'a>) -> Result<&'a [u8], DecodeError> {
    let len = i32::from_be_bytes(r.array(field)?);
    let Ok(len) = usize::try_from(len) else {
        return Err(DecodeError(format!(
            "NegativeArraySizeException reading {field}: length {len}"
        )));
    };
    r.take(len, field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::serialization::datum::record_values;
    use crate::kafka::serialization::schema::Field;

    fn record(fields: &[(&str, Type)]) -> RecordSchema {
        RecordSchema {
            name: "Supplier".into(),
            aliases: Vec::new(),
            fields: fields
                .iter()
                .map(|(n, t)| Field {
                    name: (*n).into(),
                    aliases: Vec::new(),
                    ty: t.clone(),
                    default: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_layout_is_big_endian_with_length_prefixed_strings() {
        let s = record(&[("id", Type::Int), ("name", Type::String)]);
        let bytes = encode(&s, &record_values(&s, 1));
        assert_eq!(
            bytes,
            [0, 0, 0, 1, 0, 0, 0, 6, b'n', b'a', b'm', b'e', b'-', b'1']
        );
        assert_eq!(decode(&s, &bytes), Ok(record_values(&s, 1)));
    }

    #[test]
    fn a_reader_expecting_a_field_the_writer_never_wrote_underflows() {
        let v1 = record(&[("id", Type::Int), ("name", Type::String)]);
        let v2 = record(&[
            ("id", Type::Int),
            ("name", Type::String),
            ("email", Type::String),
        ]);
        let old = encode(&v1, &record_values(&v1, 9));
        let err = decode(&v2, &old).err().map(|e| e.0).unwrap_or_default();
        assert!(
            err.starts_with("BufferUnderflowException reading email"),
            "{err}"
        );
        // The old reader reads the new bytes and ignores what is left.
        let new = encode(&v2, &record_values(&v2, 9));
        assert_eq!(decode(&v1, &new), Ok(record_values(&v1, 9)));
    }
}
