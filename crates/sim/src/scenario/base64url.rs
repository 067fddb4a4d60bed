//! base64url for link data, in place of the `base64` crate (its engine cost the page a few KB
//! of code). Encoding writes no padding; decoding takes it or not, and refuses what base64 0.22's
//! `URL_SAFE` engine with `DecodePaddingMode::Indifferent` refuses, with that crate's message
//! (`DecodeError`'s text): the tests compare the two on valid, damaged and random input.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn value(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == b).map(|v| v as u32)
}

fn invalid(offset: usize, byte: u8) -> String {
    format!("Invalid symbol {byte}, offset {offset}.")
}

/// base64url with or without padding, or the `base64` crate's message for why not.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let input = text.as_bytes();
    let rem = input.len() % 4;
    // The crate looks at a lone last symbol before anything else.
    if let (1, Some(&last)) = (rem, input.last()) {
        if last != b'=' && value(last).is_none() {
            return Err(invalid(input.len() - 1, last));
        }
    }
    // Whole groups of four but the last (even when it is complete), then the rest.
    let body = input
        .len()
        .saturating_sub(rem + if rem == 0 { 4 } else { 0 });
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    for (i, group) in input[..body].chunks(4).enumerate() {
        let mut n = 0u32;
        for (j, &b) in group.iter().enumerate() {
            n = n << 6 | value(b).ok_or_else(|| invalid(i * 4 + j, b))?;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..]);
    }
    let (mut n, mut symbols, mut padding, mut last) = (0u32, 0usize, None, 0u8);
    for (i, &b) in input[body..].iter().enumerate() {
        if b == b'=' {
            if i < 2 {
                return Err(invalid(body + i, b));
            }
            padding.get_or_insert(i);
            continue;
        }
        if let Some(first) = padding {
            return Err(invalid(body + first, b'='));
        }
        last = b;
        n |= value(b).ok_or_else(|| invalid(body + i, b))? << (26 - 6 * symbols);
        symbols += 1;
    }
    if !input.is_empty() && symbols < 2 {
        return Err(format!("Invalid input length: {}", body + symbols));
    }
    let bytes = symbols * 6 / 8;
    if n & (u32::MAX >> (bytes * 8)) != 0 {
        return Err(format!(
            "Invalid last symbol {last}, offset {}.",
            body + symbols - 1
        ));
    }
    out.extend_from_slice(&n.to_be_bytes()[..bytes]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::{alphabet, Engine};

    const CRATE: GeneralPurpose = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    fn same(text: &str) {
        assert_eq!(
            decode(text),
            CRATE.decode(text).map_err(|e| e.to_string()),
            "{text:?}"
        );
    }

    #[test]
    fn encoding_matches_the_crate_and_decodes_back() {
        for len in 0..200usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            let text = encode(&bytes);
            assert_eq!(text, CRATE.encode(&bytes));
            assert_eq!(decode(&text), Ok(bytes));
            same(&text);
        }
    }

    #[test]
    fn refusals_match_the_crate_s_messages() {
        for text in [
            "",
            "A",
            "@@@",
            "AB",
            "ABC",
            "ABCD",
            "AB==",
            "AB=",
            "A===",
            "AB=C",
            "ABC=",
            "ABCD=",
            "AR==",
            "ARA=",
            "AQ",
            "ABCDE",
            "@AAA@",
            "AAAA@",
            "A=AA",
            "====",
            "AAAA====",
            "AA AA",
            "AAAA+AAA",
            "AAAA/",
            "AAAAAAAA=AAA",
            "ABC==",
            "AB===",
        ] {
            same(text);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_text_gets_the_crate_s_verdict(text in "[A-Za-z0-9_=+/@-]{0,24}") {
                prop_assert_eq!(decode(&text), CRATE.decode(&text).map_err(|e| e.to_string()));
            }

            #[test]
            fn arbitrary_bytes_encode_as_the_crate_does(
                bytes in proptest::collection::vec(any::<u8>(), 0..64),
            ) {
                prop_assert_eq!(encode(&bytes), CRATE.encode(&bytes));
            }
        }
    }
}
