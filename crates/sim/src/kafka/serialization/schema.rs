//! Avro record schemas as the scenario defines them (Avro's JSON form): a record of named
//! fields, each a primitive type or a union of primitives, with an optional default and
//! aliases. Nested records, enums, arrays, maps and fixed are left out.

use serde_json::Value;

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
    /// A union of primitives (no union directly inside a union, no type twice: Avro's rule).
    Union(Vec<Type>),
}

impl Type {
    /// Avro's primitive type names, in the spec's order.
    pub const PRIMITIVES: [(&'static str, Type); 8] = [
        ("null", Type::Null),
        ("boolean", Type::Boolean),
        ("int", Type::Int),
        ("long", Type::Long),
        ("float", Type::Float),
        ("double", Type::Double),
        ("string", Type::String),
        ("bytes", Type::Bytes),
    ];

    pub fn primitive(name: &str) -> Option<Type> {
        Type::PRIMITIVES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
    }

    /// Avro's name of the type (a union as its JSON list).
    pub fn name(&self) -> String {
        match self {
            Type::Union(branches) => {
                let names: Vec<String> = branches
                    .iter()
                    .map(|b| format!("\"{}\"", b.name()))
                    .collect();
                format!("[{}]", names.join(", "))
            }
            other => Type::PRIMITIVES
                .iter()
                .find(|(_, t)| t == other)
                .map_or("?", |(n, _)| *n)
                .to_string(),
        }
    }

    /// Whether `value` is a valid default of this type (the Avro spec's table: a union's
    /// default belongs to its first branch; bytes are a string of code points 0–255).
    pub fn accepts_default(&self, value: &Value) -> bool {
        match (self, value) {
            (Type::Null, Value::Null) => true,
            (Type::Boolean, Value::Bool(_)) => true,
            (Type::Int, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            (Type::Long, Value::Number(n)) => n.as_i64().is_some(),
            (Type::Float | Type::Double, Value::Number(_)) => true,
            (Type::String, Value::String(_)) => true,
            (Type::Bytes, Value::String(s)) => s.chars().all(|c| u32::from(c) <= 255),
            (Type::Union(branches), v) => branches.first().is_some_and(|b| b.accepts_default(v)),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: Type,
    pub default: Option<Value>,
}

impl Field {
    /// Whether this (reader) field stands for a writer field called `name`: its own name or
    /// one of its aliases (Avro's field aliases are the reader's).
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.iter().any(|a| a == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordSchema {
    pub name: String,
    pub aliases: Vec<String>,
    pub fields: Vec<Field>,
}

impl RecordSchema {
    /// The writer field a reader field reads: by the reader field's name, then its aliases.
    pub fn writer_field<'a>(&'a self, reader: &Field) -> Option<(usize, &'a Field)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, w)| w.name == reader.name)
            .or_else(|| {
                self.fields
                    .iter()
                    .enumerate()
                    .find(|(_, w)| reader.aliases.contains(&w.name))
            })
    }

    /// Whether a reader record of this name may read a writer record named `writer`.
    pub fn reads_name(&self, writer: &str) -> bool {
        self.name == writer || self.aliases.iter().any(|a| a == writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_follow_the_avro_table_and_a_union_takes_its_first_branch() {
        assert!(Type::Int.accepts_default(&json!(7)));
        assert!(!Type::Int.accepts_default(&json!(3_000_000_000u64)));
        assert!(!Type::Int.accepts_default(&json!("7")));
        assert!(Type::Bytes.accepts_default(&json!("\u{00ff}")));
        assert!(!Type::Bytes.accepts_default(&json!("\u{0100}")));
        let optional = Type::Union(vec![Type::Null, Type::String]);
        assert!(optional.accepts_default(&json!(null)));
        assert!(!optional.accepts_default(&json!("x")));
        assert_eq!(optional.name(), "[\"null\", \"string\"]");
    }
}
