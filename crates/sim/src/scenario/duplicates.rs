//! Keys given twice in one JSON object. `serde_json::Value` keeps the last one silently, so the
//! text is walked once more and every repeated key is reported by its path.

use super::fields::{index, join};
use crate::support::vec_map::VecSet;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Paths of keys that appear more than once in their object, in document order. Text that is
/// not valid JSON yields what was found before the problem (the caller reports the syntax).
pub(crate) fn duplicate_keys(json: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let seed = Walk {
        path: String::new(),
        found: &mut found,
    };
    // Syntax errors are reported by the main parse.
    let _ = seed.deserialize(&mut deserializer);
    found
}

struct Walk<'a> {
    path: String,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Walk { path, found } = self;
        let mut i = 0;
        while seq
            .next_element_seed(Walk {
                path: index(&path, i),
                found: &mut *found,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk { path, found } = self;
        let mut seen = VecSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let key_path = join(&path, &key);
            if !seen.insert(key) {
                found.push(key_path.clone());
            }
            map.next_value_seed(Walk {
                path: key_path,
                found: &mut *found,
            })?;
        }
        Ok(())
    }
}
