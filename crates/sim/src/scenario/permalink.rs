//! Permalinks: a scenario document (and a position on its timeline) in a URL fragment,
//! `#s=<data>&t=<ms>`, where `<data>` is the minified JSON, raw-deflated, in base64url without
//! padding. The fragment never reaches a server, and the default scenario stays well under
//! 2,000 characters.
//!
//! Decoding refuses, each with its own message: links longer than [`MAX_LINK_CHARS`], data that
//! inflates past [`MAX_INFLATED_BYTES`] (the inflate stops there: no decompression bomb),
//! bad base64, bad deflate, text that is not UTF-8 or not a JSON object, unknown or repeated
//! fragment keys, and a bad `t`. It checks the link, not the scenario: the caller resolves the
//! document (`scenario::resolve_scenario`) and shows those errors the same way.

use super::base64url;
use super::inflate::InflateError;
use serde_json::Value;
use std::fmt;

/// Longest link (URL or fragment) accepted: 16 KiB.
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// Largest scenario JSON a link may inflate to: 256 KiB.
pub const MAX_INFLATED_BYTES: usize = 256 * 1024;
/// Deflate level (miniz scale 0..=10); links are written rarely and should be short.
const LEVEL: u8 = 9;

/// What a link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLink {
    pub doc: Value,
    pub position_ms: Option<u64>,
}

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Longer than [`MAX_LINK_CHARS`].
    TooLong { chars: usize, limit: usize },
    /// A URL without a `#` fragment, or a fragment without `s=`.
    NoScenario,
    /// A lesson link (`#l=`, `lesson::link`) where a scenario was expected.
    LessonLink,
    /// A lesson link without `l=`.
    NoLesson,
    /// A fragment key other than those of the link's kind (`s` and `t`, or `l`).
    UnknownKey(String),
    /// A fragment key given twice.
    RepeatedKey(String),
    /// A fragment part that is not `key=value`.
    Malformed(String),
    /// `t` is not a whole number of milliseconds.
    BadPosition(String),
    /// The data is not base64url.
    BadBase64(String),
    /// The data is not a complete raw deflate stream.
    BadDeflate(String),
    /// The data inflates past [`MAX_INFLATED_BYTES`].
    TooLarge { limit: usize },
    /// The inflated data is not UTF-8 text.
    NotText,
    /// The text is not JSON.
    NotJson(String),
    /// The JSON is not an object (a scenario is one).
    NotAnObject,
    /// A key given twice in one object (its path); a JSON reader would silently keep the last.
    RepeatedJsonKey(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { chars, limit } => write!(
                f,
                "the link is too long ({chars} characters; at most {limit} are accepted)"
            ),
            LinkError::NoScenario => {
                f.write_str("the link carries no scenario (expected a fragment like #s=...)")
            }
            LinkError::LessonLink => {
                f.write_str("the link carries a lesson (#l=...), not a scenario (#s=...)")
            }
            LinkError::NoLesson => {
                f.write_str("the link carries no lesson (expected a fragment like #l=...)")
            }
            LinkError::UnknownKey(key) => write!(
                f,
                "the link has an unknown part \"{key}\" (a scenario link has s= and t=, a \
                 lesson link l=)"
            ),
            LinkError::RepeatedKey(key) => write!(f, "the link gives \"{key}\" twice"),
            LinkError::Malformed(part) => {
                write!(
                    f,
                    "the link has a malformed part \"{part}\" (expected key=value)"
                )
            }
            LinkError::BadPosition(text) => write!(
                f,
                "the link's position t=\"{text}\" is not a whole number of milliseconds"
            ),
            LinkError::BadBase64(why) => write!(f, "the link's data is damaged: {why}"),
            LinkError::BadDeflate(why) => write!(
                f,
                "the link's data is damaged (it does not decompress: {why})"
            ),
            LinkError::TooLarge { limit } => write!(
                f,
                "the link's data is too large (more than {limit} bytes once decompressed)"
            ),
            LinkError::NotText => f.write_str("the link's data is not text"),
            LinkError::NotJson(why) => write!(f, "the link's data is not valid JSON: {why}"),
            LinkError::NotAnObject => f.write_str("the link's data is not a JSON object"),
            LinkError::RepeatedJsonKey(path) => write!(
                f,
                "the link's data gives the key {path} twice (refused rather than keeping one)"
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// A JSON document as link data: minified, raw-deflated, base64url without padding (also
/// the `#l=` of a lesson link).
pub fn pack(doc: &Value) -> String {
    let json = doc.to_string();
    encode_deflated(&miniz_oxide::deflate::compress_to_vec(
        json.as_bytes(),
        LEVEL,
    ))
}

/// Link data from bytes that are already raw deflate: base64url without padding. The page
/// deflates with the browser's own `CompressionStream("deflate-raw")`, so its download carries
/// no compressor; any valid raw deflate stream reads back through [`decode_link`].
pub fn encode_deflated(deflated: &[u8]) -> String {
    base64url::encode(deflated)
}

/// `data` as raw deflate made of stored (uncompressed) blocks (RFC 1951, 3.2.4): valid for
/// every inflater, for a browser without a compressor. Longer than deflated data.
pub fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / 0xffff + 1));
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        // An empty input is one empty final block.
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let len = chunk.len() as u16;
        // BFINAL on the last block; BTYPE 00 (stored).
        out.push(u8::from(chunks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// The fragment for `doc` at `position_ms`: `#s=<data>` or `#s=<data>&t=<ms>`.
pub fn encode_fragment(doc: &Value, position_ms: Option<u64>) -> String {
    let mut fragment = format!("#s={}", pack(doc));
    if let Some(t) = position_ms {
        fragment.push_str(&format!("&t={t}"));
    }
    fragment
}

/// `base_url` (any fragment it had replaced) with the scenario's fragment.
pub fn encode_link(doc: &Value, position_ms: Option<u64>, base_url: &str) -> String {
    let base = base_url.split('#').next().unwrap_or(base_url);
    format!("{base}{}", encode_fragment(doc, position_ms))
}

/// Reads a link: a full URL, a fragment with or without `#`, or just its `s=...&t=...` parts.
pub fn decode_link(url_or_fragment: &str) -> Result<DecodedLink, LinkError> {
    let input = url_or_fragment.trim();
    let chars = input.chars().count();
    if chars > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars,
            limit: MAX_LINK_CHARS,
        });
    }
    let fragment = match input.split_once('#') {
        Some((_, fragment)) => fragment,
        None if input.contains("://") => return Err(LinkError::NoScenario),
        None => input,
    };
    let mut data = None;
    let mut position = None;
    // Empty parts (`&&`, a trailing `&`) carry nothing and are skipped.
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(LinkError::Malformed(shorten(part)));
        };
        let slot = match key {
            "s" => &mut data,
            "t" => &mut position,
            "l" => return Err(LinkError::LessonLink),
            other => return Err(LinkError::UnknownKey(shorten(other))),
        };
        if slot.replace(value).is_some() {
            return Err(LinkError::RepeatedKey(key.to_string()));
        }
    }
    let data = data.ok_or(LinkError::NoScenario)?;
    let position_ms = match position {
        None => None,
        Some(text) => Some(parse_position(text)?),
    };
    Ok(DecodedLink {
        doc: unpack_object(data, MAX_INFLATED_BYTES)?,
        position_ms,
    })
}

fn parse_position(text: &str) -> Result<u64, LinkError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::BadPosition(shorten(text)));
    }
    text.parse::<u64>()
        .map_err(|_| LinkError::BadPosition(shorten(text)))
}

/// Link data back to a JSON object ([`pack`]'s inverse), inflating at most `limit` bytes.
pub fn unpack_object(data: &str, limit: usize) -> Result<Value, LinkError> {
    // base64url; padded input is taken too (some tools add `=`).
    let packed = base64url::decode(data).map_err(LinkError::BadBase64)?;
    let bytes = super::inflate::inflate(&packed, limit).map_err(|e| match e {
        InflateError::TooLarge => LinkError::TooLarge { limit },
        other => LinkError::BadDeflate(other.message().to_string()),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| LinkError::NotText)?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| LinkError::NotJson(e.to_string()))?;
    if !doc.is_object() {
        return Err(LinkError::NotAnObject);
    }
    match crate::scenario::duplicate_keys(&text).into_iter().next() {
        Some(path) => Err(LinkError::RepeatedJsonKey(shorten(&path))),
        None => Ok(doc),
    }
}

/// Untrusted text quoted in a message, cut short.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
