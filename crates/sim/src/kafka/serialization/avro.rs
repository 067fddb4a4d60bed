//! Avro's binary encoding (the Avro specification, "Binary Encoding") in Confluent's wire
//! format (`AbstractKafkaAvroSerializer.serializeImpl`): the magic byte 0, the schema's
//! registry id as 4 big-endian bytes, then the record's fields in the writer's order: int and
//! long as zigzag varints, float and double as little-endian IEEE 754, boolean as one byte,
//! string and bytes as a long length and the bytes, null as nothing, a union as the branch's
//! position (a long) and the value.

use super::datum::Datum;
use super::schema::{RecordSchema, Type};
use super::{DecodeError, Reader};

/// Confluent's magic byte.
pub const MAGIC_BYTE: u8 = 0;

/// The framed value: magic byte, schema id, Avro binary of `values` (one per field).
pub fn encode(schema_id: u32, schema: &RecordSchema, values: &[Datum]) -> Vec<u8> {
    let mut out = vec![MAGIC_BYTE];
    out.extend_from_slice(&schema_id.to_be_bytes());
    out.extend_from_slice(&encode_body(schema, values));
    out
}

/// Avro binary of a record, without Confluent's header.
pub fn encode_body(schema: &RecordSchema, values: &[Datum]) -> Vec<u8> {
    let mut out = Vec::new();
    for (f, v) in schema.fields.iter().zip(values) {
        put(&f.ty, v, &mut out);
    }
    out
}

fn put_long(n: i64, out: &mut Vec<u8>) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn put(ty: &Type, v: &Datum, out: &mut Vec<u8>) {
    match (ty, v) {
        (Type::Union(branches), v) => {
            let i = branches.iter().position(|b| v.is_of(b)).unwrap_or(0);
            put_long(i as i64, out);
            if let Some(b) = branches.get(i) {
                put(b, v, out);
            }
        }
        (_, Datum::Null) => {}
        (_, Datum::Boolean(b)) => out.push(u8::from(*b)),
        (_, Datum::Int(i)) => put_long(i64::from(*i), out),
        (_, Datum::Long(l)) => put_long(*l, out),
        (_, Datum::Float(f)) => out.extend_from_slice(&f.to_le_bytes()),
        (_, Datum::Double(d)) => out.extend_from_slice(&d.to_le_bytes()),
        (_, Datum::Str(s)) => {
            put_long(s.len() as i64, out);
            out.extend_from_slice(s.as_bytes());
        }
        (_, Datum::Bytes(b)) => {
            put_long(b.len() as i64, out);
            out.extend_from_slice(b);
        }
    }
}

/// The schema id of a framed value, and its Avro body
/// (`AbstractKafkaAvroDeserializer.getByteBuffer`: "Unknown magic byte!" otherwise).
pub fn split_frame(bytes: &[u8]) -> Result<(u32, &[u8]), DecodeError> {
    match bytes {
        [MAGIC_BYTE, a, b, c, d, body @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), body)),
        [MAGIC_BYTE, ..] | [] => Err(DecodeError(
            "SerializationException: too short for Confluent's wire format".into(),
        )),
        _ => Err(DecodeError(
            "SerializationException: Unknown magic byte!".into(),
        )),
    }
}

pub(crate) fn get_long(r: &mut Reader, what: &str) -> Result<i64, DecodeError> {
    let mut z: u64 = 0;
    for shift in (0..70).step_by(7) {
        let b = r.array::<1>(what)?[0];
        z |= u64::from(b & 0x7f) << shift.min(63);
        if b & 0x80 == 0 {
            return Ok((z >> 1) as i64 ^ -((z & 1) as i64));
        }
    }
    Err(DecodeError(format!(
        "AvroRuntimeException reading {what}: invalid long encoding"
    )))
}

fn get_int(r: &mut Reader, what: &str) -> Result<i32, DecodeError> {
    let n = get_long(r, what)?;
    i32::try_from(n).map_err(|_| {
        DecodeError(format!(
            "AvroRuntimeException reading {what}: invalid int encoding"
        ))
    })
}

fn get_len<'a>(r: &mut Reader<'a>, what: &str) -> Result<&'a [u8], DecodeError> {
    let n = get_long(r, what)?;
    let Ok(n) = usize::try_from(n) else {
        return Err(DecodeError(format!(
            "AvroRuntimeException reading {what}: malformed data, length is negative: {n}"
        )));
    };
    r.take(n, what)
}

/// Reads one value written as `ty` (the writer's type).
pub(crate) fn get(ty: &Type, what: &str, r: &mut Reader) -> Result<Datum, DecodeError> {
    Ok(match ty {
        Type::Null => Datum::Null,
        Type::Boolean => Datum::Boolean(r.array::<1>(what)?[0] != 0),
        Type::Int => Datum::Int(get_int(r, what)?),
        Type::Long => Datum::Long(get_long(r, what)?),
        Type::Float => Datum::Float(f32::from_le_bytes(r.array(what)?)),
        Type::Double => Datum::Double(f64::from_le_bytes(r.array(what)?)),
        Type::String => {
            Datum::Str(String::from_utf8(get_len(r, what)?.to_vec()).map_err(|_| {
                DecodeError(format!(
                    "AvroRuntimeException reading {what}: invalid UTF-8"
                ))
            })?)
        }
        Type::Bytes => Datum::Bytes(get_len(r, what)?.to_vec()),
        Type::Union(branches) => {
            let i = get_long(r, what)?;
            let Some(b) = usize::try_from(i).ok().and_then(|i| branches.get(i)) else {
                return Err(DecodeError(format!(
                    "AvroRuntimeException reading {what}: no union branch {i} in {}",
                    ty.name()
                )));
            };
            get(b, what, r)?
        }
    })
}

/// Reads an Avro body written with `schema`, one value per field.
pub fn decode_body(schema: &RecordSchema, body: &[u8]) -> Result<Vec<Datum>, DecodeError> {
    let mut r = Reader::new(body);
    schema
        .fields
        .iter()
        .map(|f| get(&f.ty, &f.name, &mut r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::serialization::datum::record_values;
    use crate::kafka::serialization::schema::Field;

    #[test]
    fn zigzag_varints_and_the_confluent_header_match_the_spec() {
        let mut out = Vec::new();
        for n in [0, -1, 1, -2, 2, 63, -64, 64] {
            put_long(n, &mut out);
        }
        assert_eq!(out, [0, 1, 2, 3, 4, 0x7e, 0x7f, 0x80, 0x01]);
        let s = RecordSchema {
            name: "S".into(),
            aliases: Vec::new(),
            fields: vec![Field {
                name: "id".into(),
                aliases: Vec::new(),
                ty: Type::Int,
                default: None,
            }],
        };
        let framed = encode(7, &s, &record_values(&s, 3));
        assert_eq!(framed, [0, 0, 0, 0, 7, 6]);
        let (id, body) = split_frame(&framed).unwrap_or((0, &[]));
        assert_eq!((id, decode_body(&s, body)), (7, Ok(vec![Datum::Int(3)])));
        assert!(split_frame(&[1, 0, 0, 0, 7]).is_err());
    }
}
