//! Lowercase hex encoding and strict hex decoding for public values.
//!
//! SigV4A puts signatures on the wire as lowercase hex of the DER bytes, and
//! publishes public keys as two 64-digit hex coordinates. Only *public* data
//! passes through here, so the decoder is plain variable-time code; it never
//! panics and reports bad input as [`HexError`].

use thiserror::Error;

const LOWER: &[u8; 16] = b"0123456789abcdef";

/// Why a hex string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HexError {
    /// The string has an odd number of digits.
    #[error("hex string has an odd number of digits")]
    OddLength,
    /// A character that is not `0-9`, `a-f` or `A-F` was found.
    #[error("invalid hex digit at index {index}")]
    InvalidDigit {
        /// Byte offset of the offending character.
        index: usize,
    },
    /// The decoded value does not fit the destination buffer.
    #[error("hex string decodes to {actual} bytes, expected at most {max}")]
    TooLong {
        /// Bytes the input would decode to.
        actual: usize,
        /// Capacity of the destination.
        max: usize,
    },
    /// The decoded value has the wrong length for a fixed-size field.
    #[error("hex string decodes to {actual} bytes, expected exactly {expected}")]
    WrongLength {
        /// Bytes the input decodes to.
        actual: usize,
        /// Bytes required.
        expected: usize,
    },
}

/// Writes the lowercase hex of `bytes` into `out`, which must be exactly
/// `2 * bytes.len()` long (checked by the callers, which size it statically).
pub(crate) fn encode_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = LOWER[usize::from(b >> 4)];
        pair[1] = LOWER[usize::from(b & 0x0f)];
    }
}

/// Lowercase hex of `bytes` as a `String`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    encode_into(bytes, &mut out);
    // Only ASCII hex digits were written.
    out.into_iter().map(char::from).collect()
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes `hex` into the front of `out`, returning the number of bytes written.
pub(crate) fn decode_into(hex: &[u8], out: &mut [u8]) -> Result<usize, HexError> {
    if !hex.len().is_multiple_of(2) {
        return Err(HexError::OddLength);
    }
    let n = hex.len() / 2;
    if n > out.len() {
        return Err(HexError::TooLong {
            actual: n,
            max: out.len(),
        });
    }
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let hi = nibble(pair[0]).ok_or(HexError::InvalidDigit { index: 2 * i })?;
        let lo = nibble(pair[1]).ok_or(HexError::InvalidDigit { index: 2 * i + 1 })?;
        out[i] = (hi << 4) | lo;
    }
    Ok(n)
}

/// Decodes exactly `N` bytes.
pub(crate) fn decode_array<const N: usize>(hex: &str) -> Result<[u8; N], HexError> {
    let mut out = [0u8; N];
    let hex = hex.as_bytes();
    if hex.len().is_multiple_of(2) && hex.len() / 2 != N {
        return Err(HexError::WrongLength {
            actual: hex.len() / 2,
            expected: N,
        });
    }
    decode_into(hex, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_errors() {
        assert_eq!(encode(&[0x00, 0xab, 0xff]), "00abff");
        let mut buf = [0u8; 3];
        assert_eq!(decode_into(b"00ABff", &mut buf), Ok(3));
        assert_eq!(buf, [0x00, 0xab, 0xff]);
        assert_eq!(decode_into(b"abc", &mut buf), Err(HexError::OddLength));
        assert_eq!(
            decode_into(b"zz", &mut buf),
            Err(HexError::InvalidDigit { index: 0 })
        );
        assert_eq!(
            decode_into(b"0g", &mut buf),
            Err(HexError::InvalidDigit { index: 1 })
        );
        assert_eq!(
            decode_into(b"0000000000", &mut buf),
            Err(HexError::TooLong { actual: 5, max: 3 })
        );
        assert_eq!(
            decode_array::<2>("00"),
            Err(HexError::WrongLength {
                actual: 1,
                expected: 2
            })
        );
        assert_eq!(decode_array::<2>("0102"), Ok([1, 2]));
        // Multi-byte UTF-8 is not hex and must not panic.
        assert!(decode_array::<2>("é0").is_err());
    }
}
