//! Editing the scenario document by key path. The document is kept as the user wrote it (a JSON
//! value), so a control only touches its own key; paths print the way the scenario reader names
//! them in its errors (`producers[0].acks`), so an error finds its control.

use serde_json::{Map, Value};

/// One step of a key path: an object key (Kafka names contain dots, so keys are never split)
/// or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The reader's spelling of a path: keys joined by `.`, indexes as `[i]`.
pub fn path_text(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(k);
            }
            Seg::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// The value at `path`, if every step exists.
pub fn get<'a>(doc: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let mut here = doc;
    for seg in path {
        here = match seg {
            Seg::Key(k) => here.as_object()?.get(*k)?,
            Seg::Index(i) => here.as_array()?.get(*i)?,
        };
    }
    Some(here)
}

/// Sets (Some) or removes (None, back to the default) the value at `path`, creating objects on
/// the way. A step through a list index that does not exist, or through a value of another
/// kind, leaves the document unchanged and returns false.
pub fn set(doc: &mut Value, path: &[Seg], value: Option<Value>) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut here = doc;
    for seg in parents {
        here = match seg {
            Seg::Key(k) => {
                let Some(map) = here.as_object_mut() else {
                    return false;
                };
                map.entry(k.to_string())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            Seg::Index(i) => match here.as_array_mut().and_then(|a| a.get_mut(*i)) {
                Some(v) => v,
                None => return false,
            },
        };
    }
    match (last, here) {
        (Seg::Key(k), Value::Object(map)) => {
            match value {
                Some(v) => {
                    map.insert(k.to_string(), v);
                }
                None => {
                    map.remove(*k);
                }
            }
            true
        }
        (Seg::Index(i), Value::Array(list)) => match (value, list.get_mut(*i)) {
            (Some(v), Some(slot)) => {
                *slot = v;
                true
            }
            (None, Some(_)) => {
                list.remove(*i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Appends an action to the document's timeline (creating `actions` when absent).
pub fn push_action(doc: &mut Value, action: Value) -> bool {
    let Some(map) = doc.as_object_mut() else {
        return false;
    };
    let list = map
        .entry("actions".to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    match list.as_array_mut() {
        Some(list) => {
            list.push(action);
            true
        }
        None => false,
    }
}

/// What a text field's content becomes in the document: nothing (the default) when empty, a
/// number when it reads as one, otherwise the text itself, so the reader names the problem.
pub fn value_from_text(text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Some(n) = parse_number(text).and_then(serde_json::Number::from_f64) {
        return Some(Value::Number(n));
    }
    Some(Value::String(text.to_string()))
}

/// A finite number written as `str::parse::<f64>` reads one (`-1.5`, `.5`, `5.`, `2E-3`);
/// None for anything else, infinities and NaN included (JSON holds neither).
pub fn parse_number(text: &str) -> Option<f64> {
    if !is_decimal(text) {
        return None;
    }
    // In the page the browser converts: its parseFloat rounds correctly as well, and core's
    // float parser (with its 10 KB table) would add 13 KB to the download.
    #[cfg(target_arch = "wasm32")]
    let x = js_sys::parse_float(text);
    #[cfg(not(target_arch = "wasm32"))]
    let x = text.parse::<f64>().ok()?;
    x.is_finite().then_some(x)
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`: the finite forms, on which
/// Rust's and JavaScript's readers agree (parseFloat alone would also take `1.5abc`).
fn is_decimal(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    let fraction = if b.get(i) == Some(&b'.') {
        i += 1;
        digits(&mut i)
    } else {
        0
    };
    if whole + fraction == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A value as a control shows it.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_print_as_the_reader_names_them() {
        let path = vec![
            Seg::Key("producers"),
            Seg::Index(0),
            Seg::Key("max.in.flight.requests.per.connection"),
        ];
        assert_eq!(
            path_text(&path),
            "producers[0].max.in.flight.requests.per.connection"
        );
    }

    #[test]
    fn setting_a_key_creates_missing_objects_and_removing_restores_the_default() {
        let mut doc = json!({"format": 1});
        assert!(set(
            &mut doc,
            &[Seg::Key("network"), Seg::Key("latency.ms")],
            Some(json!(5))
        ));
        assert_eq!(doc, json!({"format": 1, "network": {"latency.ms": 5}}));
        assert!(set(
            &mut doc,
            &[Seg::Key("network"), Seg::Key("latency.ms")],
            None
        ));
        assert_eq!(doc, json!({"format": 1, "network": {}}));
    }

    #[test]
    fn a_missing_list_element_leaves_the_document_unchanged() {
        let mut doc = json!({"producers": []});
        let before = doc.clone();
        assert!(!set(
            &mut doc,
            &[Seg::Key("producers"), Seg::Index(3), Seg::Key("acks")],
            Some(json!("1"))
        ));
        assert_eq!(doc, before);
    }

    #[test]
    fn numbers_read_as_rust_reads_them_and_nothing_else() {
        let forms = [
            "0.25", "-1.5", "+2", ".5", "5.", "1e3", "2E-3", "-.5e+2", "007.50", "1e400", "1e-400",
        ];
        for text in forms {
            let rust = text.parse::<f64>().ok().filter(|x| x.is_finite());
            assert_eq!(parse_number(text), rust, "{text}");
        }
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("1e400"), None);
        let refused = [
            "", ".", "+", "e5", "1e", "1e+", "1.5abc", "1..2", "--1", "0x10", "inf", "NaN",
            "1_000", " 1",
        ];
        for text in refused {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }

    #[test]
    fn field_text_becomes_a_number_text_or_nothing() {
        assert_eq!(value_from_text(" 5 "), Some(json!(5)));
        assert_eq!(value_from_text("0.25"), Some(json!(0.25)));
        assert_eq!(value_from_text("lots"), Some(json!("lots")));
        assert_eq!(value_from_text(""), None);
    }

    #[test]
    fn actions_are_appended_to_the_timeline() {
        let mut doc = json!({"format": 1});
        assert!(push_action(
            &mut doc,
            json!({"at.ms": 5, "do": "crash-broker", "broker": 0})
        ));
        assert_eq!(doc["actions"].as_array().map(Vec::len), Some(1));
        assert!(!push_action(&mut json!([1]), json!({})));
    }
}
