//! Self-contained lesson links: `#l=<data>`, the lesson's minified JSON raw-deflated in
//! base64url (the permalink codec's packing), for lessons hosted nowhere.

use super::limits::{MAX_LESSON_BYTES, MAX_LESSON_LINK_CHARS};
use crate::scenario::permalink::{pack, unpack_object, LinkError};
use serde_json::Value;

/// The fragment `#l=<data>` for a lesson document.
pub fn encode_lesson_fragment(doc: &Value) -> String {
    format!("#l={}", pack(doc))
}

/// `base_url` (any fragment it had replaced) with the lesson's fragment.
pub fn encode_lesson_link(doc: &Value, base_url: &str) -> String {
    let base = base_url.split('#').next().unwrap_or(base_url);
    format!("{base}{}", encode_lesson_fragment(doc))
}

/// Whether a link (URL or fragment) carries a lesson (`l=`) rather than a scenario.
pub fn is_lesson_link(url_or_fragment: &str) -> bool {
    let input = url_or_fragment.trim();
    let fragment = input.split_once('#').map_or(input, |(_, f)| f);
    fragment.split('&').any(|part| part.starts_with("l="))
}

/// The lesson document a link carries (validate it with `resolve_lesson`). Refused like a
/// scenario link: too long, damaged, too large once inflated, not a JSON object, a key given
/// twice, or a fragment with anything but `l=`.
pub fn decode_lesson_link(url_or_fragment: &str) -> Result<Value, LinkError> {
    let input = url_or_fragment.trim();
    let chars = input.chars().count();
    if chars > MAX_LESSON_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars,
            limit: MAX_LESSON_LINK_CHARS,
        });
    }
    let fragment = match input.split_once('#') {
        Some((_, fragment)) => fragment,
        None if input.contains("://") => return Err(LinkError::NoLesson),
        None => input,
    };
    let mut data = None;
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(LinkError::Malformed(part.chars().take(40).collect()));
        };
        if key == "s" {
            return Err(LinkError::UnknownKey("s (a scenario link)".into()));
        }
        if key != "l" {
            return Err(LinkError::UnknownKey(key.chars().take(40).collect()));
        }
        if data.replace(value).is_some() {
            return Err(LinkError::RepeatedKey(key.to_string()));
        }
    }
    let data = data.ok_or(LinkError::NoLesson)?;
    unpack_object(data, MAX_LESSON_BYTES)
}
