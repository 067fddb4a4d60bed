//! Numbers with a fixed count of decimals, written with integer arithmetic.
//!
//! `format!("{x:.1}")` and `format!("{x}")` on an `f64` pull core's float printing (Grisu with a
//! Dragon fallback and its big-number code) into the page: about 15 KB before wasm-opt. Every
//! number the page and the reports show has at most a few decimals, so scaling to an integer
//! and writing that is enough. Halves round away from zero (`{:.1}` rounds the exact binary
//! value half to even, so the two differ only on ties such as 0.25).

use std::fmt;

/// `Fixed(x, places)` displays `x` rounded to `places` decimals (at most 6): `Fixed(2.345, 1)`
/// is `2.3`, `Fixed(-0.04, 1)` is `0.0`, `Fixed(12.0, 0)` is `12`. Scaled magnitudes past
/// 1.8e19 (far beyond any figure; 64-bit arithmetic keeps the code small) are written `inf`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed(pub f64, pub u8);

const POWERS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(x, places) = *self;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        let places = usize::from(places.min(6));
        let scale = POWERS[places];
        let scaled = (x.abs() * scale as f64).round();
        if x.is_infinite() || scaled >= u64::MAX as f64 {
            return f.write_str(if x < 0.0 { "-inf" } else { "inf" });
        }
        let scaled = scaled as u64;
        // A value that rounds to zero is written without a sign, as "0.0" and not "-0.0".
        if x < 0.0 && scaled != 0 {
            f.write_str("-")?;
        }
        write!(f, "{}", scaled / scale)?;
        if places > 0 {
            write!(f, ".{:0width$}", scaled % scale, width = places)?;
        }
        Ok(())
    }
}

/// Up to `places` decimals without trailing zeros: `Trimmed(0.5, 3)` is `0.5`, `Trimmed(2.0, 3)`
/// is `2` (for values a user typed, where `2.50` would read as a change).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trimmed(pub f64, pub u8);

impl fmt::Display for Trimmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Fixed(self.0, self.1).to_string();
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        f.write_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_writes_the_same_as_the_standard_library_away_from_ties() {
        for &(x, places) in &[
            (0.0, 1),
            (3.0, 1),
            (2.345, 1),
            (1234.5678, 3),
            (-7.26, 1),
            (99.96, 1),
            (0.049, 1),
            (1e9 / 3.0, 2),
            (5.5, 0),
            (1e18, 0),
            (123456789012345.6, 1),
            (42.0, 0),
        ] {
            assert_eq!(
                Fixed(x, places).to_string(),
                format!("{x:.*}", usize::from(places)),
                "{x} to {places}"
            );
        }
    }

    #[test]
    fn fixed_rounds_ties_away_from_zero_and_drops_the_sign_of_zero() {
        assert_eq!(Fixed(0.5, 0).to_string(), "1");
        assert_eq!(Fixed(-0.04, 1).to_string(), "0.0");
        assert_eq!(Fixed(-1.25, 1).to_string(), "-1.3");
    }

    #[test]
    fn fixed_names_what_is_not_a_number() {
        assert_eq!(Fixed(f64::NAN, 1).to_string(), "NaN");
        assert_eq!(Fixed(f64::INFINITY, 1).to_string(), "inf");
        assert_eq!(Fixed(f64::NEG_INFINITY, 0).to_string(), "-inf");
    }

    #[test]
    fn trimmed_drops_trailing_zeros() {
        assert_eq!(Trimmed(0.5, 3).to_string(), "0.5");
        assert_eq!(Trimmed(2.0, 3).to_string(), "2");
        assert_eq!(Trimmed(0.125, 2).to_string(), "0.13");
        assert_eq!(Trimmed(11.0, 1).to_string(), "11");
    }
}
