//! A small raw-deflate decoder (RFC 1951) for link data, in place of `miniz_oxide`'s inflate,
//! which cost the page about 12 KB of code. It accepts exactly what miniz_oxide 0.9 accepts and
//! fails with the same status at the same point of the stream, so a link's error message stays
//! "Invalid input data", "Truncated input stream" or the size limit, whichever comes first in
//! the stream: the tests compare the two decoders on valid, cut and damaged streams.
//! miniz's rules kept here (`inflate::core`): at most 286 length and 30 distance codes, a
//! complete code-length code, literal/length and distance codes complete unless every length is
//! 0 or 1 (an unused code then fails when read), data after the final block ignored.

/// Why inflating stopped (miniz_oxide's `TINFLStatus` that the message names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// The stream breaks the format (miniz: `Failed`).
    Invalid,
    /// The input ended inside the stream (miniz: `FailedCannotMakeProgress`).
    Truncated,
    /// The output would pass the limit (miniz: `HasMoreOutput`).
    TooLarge,
}

impl InflateError {
    /// miniz_oxide's `DecompressError` text for the status.
    pub fn message(self) -> &'static str {
        match self {
            InflateError::Invalid => "Invalid input data",
            InflateError::Truncated => "Truncated input stream",
            InflateError::TooLarge => "Output size exceeded the specified limit",
        }
    }
}

type Result<T> = std::result::Result<T, InflateError>;

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Code {
    counts: [u16; 16],
    symbols: Vec<u16>,
    /// The longest length in use, at least 1 (an empty code still reads one bit, as miniz's).
    max_len: usize,
}

impl Code {
    /// The code of `lengths`, or Invalid when over-subscribed, or incomplete where miniz
    /// refuses that (`complete`: always; otherwise when some length is above 1).
    fn new(lengths: &[u8], complete: bool) -> Result<Code> {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[usize::from(l)] += 1;
        }
        counts[0] = 0;
        let mut left = 1i32;
        let mut max_len = 1;
        for (len, &count) in counts.iter().enumerate().skip(1) {
            left = (left << 1) - i32::from(count);
            if left < 0 {
                return Err(InflateError::Invalid);
            }
            if count > 0 {
                max_len = len;
            }
        }
        if left > 0 && (complete || max_len > 1) {
            return Err(InflateError::Invalid);
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + counts[len];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (symbol, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[usize::from(offsets[usize::from(l)])] = symbol as u16;
                offsets[usize::from(l)] += 1;
            }
        }
        Ok(Code {
            counts,
            symbols,
            max_len,
        })
    }
}

struct Inflater<'a> {
    input: &'a [u8],
    pos: usize,
    bits: u32,
    nbits: u32,
    out: Vec<u8>,
    limit: usize,
}

impl Inflater<'_> {
    fn bits(&mut self, n: u32) -> Result<u32> {
        while self.nbits < n {
            let byte = *self.input.get(self.pos).ok_or(InflateError::Truncated)?;
            self.pos += 1;
            self.bits |= u32::from(byte) << self.nbits;
            self.nbits += 8;
        }
        let value = self.bits & ((1u32 << n) - 1);
        self.bits >>= n;
        self.nbits -= n;
        Ok(value)
    }

    fn decode(&mut self, code: &Code) -> Result<u16> {
        let (mut value, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..=code.max_len {
            value |= self.bits(1)? as i32;
            let count = i32::from(code.counts[len]);
            if value - first < count {
                return Ok(code.symbols[(index + value - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        // An unused pattern of an incomplete code (miniz's invalid symbol).
        Err(InflateError::Invalid)
    }

    fn push(&mut self, byte: u8) -> Result<()> {
        if self.out.len() >= self.limit {
            return Err(InflateError::TooLarge);
        }
        self.out.push(byte);
        Ok(())
    }

    fn stored(&mut self) -> Result<()> {
        // Whole bytes only: the rest of the current byte is padding.
        self.bits(self.nbits % 8)?;
        let len = self.bits(16)?;
        let check = self.bits(16)?;
        if len != !check & 0xffff {
            return Err(InflateError::Invalid);
        }
        for _ in 0..len {
            if self.out.len() >= self.limit {
                return Err(InflateError::TooLarge);
            }
            let byte = self.bits(8)? as u8;
            self.out.push(byte);
        }
        Ok(())
    }

    fn dynamic_codes(&mut self) -> Result<(Code, Code)> {
        let nlen = self.bits(5)? as usize + 257;
        let ndist = self.bits(5)? as usize + 1;
        let ncode = self.bits(4)? as usize + 4;
        if nlen > 286 || ndist > 30 {
            return Err(InflateError::Invalid);
        }
        let mut lengths = [0u8; 19];
        for &at in &CODE_LENGTH_ORDER[..ncode] {
            lengths[at] = self.bits(3)? as u8;
        }
        let code_lengths = Code::new(&lengths, true)?;
        let total = nlen + ndist;
        let mut lengths = vec![0u8; total];
        let mut i = 0;
        while i < total {
            let symbol = self.decode(&code_lengths)?;
            if symbol < 16 {
                lengths[i] = symbol as u8;
                i += 1;
                continue;
            }
            let (repeat, value) = match symbol {
                16 => {
                    let Some(&previous) = i.checked_sub(1).and_then(|p| lengths.get(p)) else {
                        return Err(InflateError::Invalid);
                    };
                    (3 + self.bits(2)?, previous)
                }
                17 => (3 + self.bits(3)?, 0),
                _ => (11 + self.bits(7)?, 0),
            };
            let end = i + repeat as usize;
            if end > total {
                return Err(InflateError::Invalid);
            }
            lengths[i..end].fill(value);
            i = end;
        }
        // miniz builds the distance code first; either failing is the same error.
        let dist = Code::new(&lengths[nlen..], false)?;
        let lit = Code::new(&lengths[..nlen], false)?;
        Ok((lit, dist))
    }

    fn codes(&mut self, lit: &Code, dist: &Code) -> Result<()> {
        loop {
            let symbol = self.decode(lit)?;
            match symbol {
                0..=255 => self.push(symbol as u8)?,
                256 => return Ok(()),
                257..=285 => {
                    let at = usize::from(symbol - 257);
                    let len = u32::from(LENGTH_BASE[at]) + self.bits(LENGTH_EXTRA[at].into())?;
                    let d = usize::from(self.decode(dist)?);
                    if d > 29 {
                        return Err(InflateError::Invalid);
                    }
                    let extra = if d < 4 { 0 } else { (d as u32 - 2) / 2 };
                    let distance = (u32::from(DIST_BASE[d]) + self.bits(extra)?) as usize;
                    if distance > self.out.len() {
                        return Err(InflateError::Invalid);
                    }
                    for _ in 0..len {
                        let byte = self.out[self.out.len() - distance];
                        self.push(byte)?;
                    }
                }
                _ => return Err(InflateError::Invalid),
            }
        }
    }
}

/// Inflates a raw deflate stream to at most `limit` bytes.
pub fn inflate(input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut s = Inflater {
        input,
        pos: 0,
        bits: 0,
        nbits: 0,
        out: Vec::new(),
        limit,
    };
    loop {
        let last = s.bits(1)?;
        match s.bits(2)? {
            0 => s.stored()?,
            1 => {
                // The fixed codes (RFC 1951 3.2.6), with the unused symbols 286, 287 and
                // distances 30, 31 that fail when read.
                let mut lengths = [8u8; 288];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                let lit = Code::new(&lengths, false)?;
                let dist = Code::new(&[5; 32], false)?;
                s.codes(&lit, &dist)?;
            }
            2 => {
                let (lit, dist) = s.dynamic_codes()?;
                s.codes(&lit, &dist)?;
            }
            _ => return Err(InflateError::Invalid),
        }
        if last == 1 {
            return Ok(s.out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};

    /// miniz_oxide's verdict on `input`, in this module's terms.
    fn miniz(input: &[u8], limit: usize) -> Result<Vec<u8>> {
        decompress_to_vec_with_limit(input, limit).map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => InflateError::TooLarge,
            TINFLStatus::Failed => InflateError::Invalid,
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                InflateError::Truncated
            }
            other => panic!("unexpected status {other:?}"),
        })
    }

    fn same(input: &[u8], limit: usize) {
        assert_eq!(
            inflate(input, limit),
            miniz(input, limit),
            "{input:?} {limit}"
        );
    }

    fn sample() -> Vec<u8> {
        let text = crate::scenario::DEFAULT_SCENARIO_JSON;
        let mut data = text.as_bytes().to_vec();
        data.extend((0..3000u32).map(|i| (i * 7 % 251) as u8));
        data
    }

    #[test]
    fn streams_of_every_level_inflate_as_miniz_does() {
        let data = sample();
        for level in 0..=10 {
            let packed = miniz_oxide::deflate::compress_to_vec(&data, level);
            assert_eq!(
                inflate(&packed, usize::MAX),
                Ok(data.clone()),
                "level {level}"
            );
            for limit in [0, 1, 100, data.len() - 1, data.len()] {
                same(&packed, limit);
            }
        }
    }

    #[test]
    fn every_cut_of_a_stream_fails_as_miniz_does() {
        for level in [0, 1, 6, 9] {
            let packed = miniz_oxide::deflate::compress_to_vec(&sample(), level);
            for end in 0..packed.len() {
                same(&packed[..end], usize::MAX);
            }
        }
    }

    #[test]
    fn damaged_streams_fail_as_miniz_does() {
        let data = sample();
        for level in [1, 6, 9] {
            let packed = miniz_oxide::deflate::compress_to_vec(&data, level);
            for at in 0..packed.len().min(400) {
                for flip in [0x01u8, 0x10, 0x80, 0xff] {
                    let mut damaged = packed.clone();
                    damaged[at] ^= flip;
                    same(&damaged, 1 << 20);
                }
            }
        }
        // Block type 3, a bad stored length, a fixed block with distance 30, an empty input.
        for bytes in [
            &[0x07u8][..],
            &[0x01, 0x05, 0x00, 0x05, 0x00],
            &[0x03, 0xf8],
            &[],
        ] {
            same(bytes, 100);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes_get_miniz_s_verdict(
                bytes in proptest::collection::vec(any::<u8>(), 0..64),
                limit in 0usize..300,
            ) {
                prop_assert_eq!(inflate(&bytes, limit), miniz(&bytes, limit));
            }

            #[test]
            fn dynamic_blocks_with_arbitrary_tables_get_miniz_s_verdict(
                tail in proptest::collection::vec(any::<u8>(), 0..96),
                header in 0u8..32,
            ) {
                // A final dynamic block header (bits 1, 10) then random tables and data.
                let mut bytes = vec![0x05 | (header << 3)];
                bytes.extend(tail);
                prop_assert_eq!(inflate(&bytes, 4096), miniz(&bytes, 4096));
            }
        }
    }
}
