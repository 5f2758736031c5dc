//! Percent-encoding and hex, the AWS way.
//!
//! SigV4 percent-encodes every byte except the RFC 3986 unreserved set
//! (`A-Z a-z 0-9 - _ . ~`), with upper-case hex digits, and a space is always
//! `%20`, never `+`. See "URI encode" in
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.
//! The encoders here write runs of bytes that need no escaping in one call, so
//! encoding costs about as much as copying.

use arrayvec::ArrayString;

use crate::sink::Sink;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `byte` is in the RFC 3986 unreserved set, which SigV4 never encodes.
#[inline]
pub const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Writes `bytes` percent-encoded, leaving unreserved bytes and any byte for
/// which `keep` returns true as they are.
#[inline]
pub fn percent_encode_into(bytes: &[u8], keep: impl Fn(u8) -> bool, sink: &mut impl Sink) {
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if is_unreserved(byte) || keep(byte) {
            continue;
        }
        if run_start < index {
            sink.put(&bytes[run_start..index]);
        }
        sink.put(&[
            b'%',
            UPPER_HEX[usize::from(byte >> 4)],
            UPPER_HEX[usize::from(byte & 0xF)],
        ]);
        run_start = index + 1;
    }
    if run_start < bytes.len() {
        sink.put(&bytes[run_start..]);
    }
}

/// Writes `bytes` with every byte outside the unreserved set percent-encoded,
/// as SigV4 encodes query keys, query values and the credential.
#[inline]
pub fn uri_encode_into(bytes: &[u8], sink: &mut impl Sink) {
    percent_encode_into(bytes, |_| false, sink);
}

/// Returns `bytes` encoded like [`uri_encode_into`], as a `String`.
pub fn uri_encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    uri_encode_into(bytes, &mut out);
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

/// The value of an ASCII hex digit, either case.
#[inline]
pub const fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Appends `bytes` with every valid `%XX` escape decoded. A `%` not followed by
/// two hex digits is kept literally, and `+` stays `+`: AWS does not treat it
/// as a space.
pub fn percent_decode_into(bytes: &[u8], out: &mut Vec<u8>) {
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(index + 1).copied().and_then(hex_value),
                bytes.get(index + 2).copied().and_then(hex_value),
            )
        {
            out.push(high << 4 | low);
            index += 3;
            continue;
        }
        out.push(byte);
        index += 1;
    }
}

/// Lower-case hex of 32 bytes, as SigV4 writes digests and signatures.
#[inline]
pub fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (digits, quad) in out.chunks_exact_mut(8).zip(bytes.chunks_exact(4)) {
        let quad = [quad[0], quad[1], quad[2], quad[3]];
        digits.copy_from_slice(&hex_word(quad).to_le_bytes());
    }
    out
}

/// Four bytes as their eight lower-case hex digits, in one word.
///
/// A digest's hex is read back as 16- or 32-byte blocks right after it is
/// written (a move, a copy into the hash buffer). Such a load waits for
/// every store it spans to be drained, so eight word stores cost a fraction
/// of what sixty-four byte stores do.
#[inline]
const fn hex_word(bytes: [u8; 4]) -> u64 {
    const PAIRS: u64 = 0x000F_000F_000F_000F;
    let x = u32::from_le_bytes(bytes) as u64;
    // Byte i moves to byte 2i, in two steps.
    let x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    let x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    // The high nibble of byte i in byte 2i, its low nibble in byte 2i + 1.
    let nibbles = ((x >> 4) & PAIRS) | ((x & PAIRS) << 8);
    // 1 in each byte whose nibble is 10 or more: adding 6 carries into bit 4.
    let letters = ((nibbles + 0x06 * crate::words::EACH) >> 4) & crate::words::EACH;
    nibbles + b'0' as u64 * crate::words::EACH + letters * (b'a' - b'0' - 10) as u64
}

/// Lower-case hex of 32 bytes as text, validated once and stored inline.
#[inline]
pub fn hex32_text(bytes: &[u8; 32]) -> ArrayString<64> {
    let hex = hex32(bytes);
    ascii_array_string(&hex)
}

/// Inline text from bytes that are ASCII by construction (validated once).
#[inline]
pub fn ascii_array_string<const N: usize>(bytes: &[u8]) -> ArrayString<N> {
    let mut text = ArrayString::new();
    // Callers pass ASCII of at most N bytes; anything else yields empty text.
    let _ = text.try_push_str(std::str::from_utf8(bytes).unwrap_or_default());
    text
}

/// Writes `bytes` as lower-case hex into `out`, which must be twice as long.
/// Returns the written prefix of `out`, or `None` if `out` is too short.
pub fn hex_into<'o>(bytes: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let written = out.get_mut(..bytes.len() * 2)?;
    let quads = bytes.chunks_exact(4);
    let tail = quads.remainder();
    let mut digits = written.chunks_exact_mut(8);
    for (eight, quad) in digits.by_ref().zip(quads) {
        let quad = [quad[0], quad[1], quad[2], quad[3]];
        eight.copy_from_slice(&hex_word(quad).to_le_bytes());
    }
    for (pair, byte) in digits.into_remainder().chunks_exact_mut(2).zip(tail) {
        pair[0] = LOWER_HEX[usize::from(byte >> 4)];
        pair[1] = LOWER_HEX[usize::from(byte & 0xF)];
    }
    Some(written)
}

/// Decodes hex (either case) into `out`; `None` on an odd length, a non-hex
/// digit, or a length that does not fill `out` exactly.
pub fn decode_hex_exact(hex: &[u8], out: &mut [u8]) -> Option<()> {
    if hex.len() != out.len() * 2 {
        return None;
    }
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = hex_value(pair[0])? << 4 | hex_value(pair[1])?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex_byte_by_byte(bytes: &[u8]) -> Vec<u8> {
        bytes
            .iter()
            .flat_map(|byte| {
                [
                    LOWER_HEX[usize::from(byte >> 4)],
                    LOWER_HEX[usize::from(byte & 0xF)],
                ]
            })
            .collect()
    }

    #[test]
    fn every_byte_has_its_two_hex_digits() {
        for byte in 0..=255u8 {
            let quad = [byte, byte ^ 0xff, byte.rotate_left(4), 0x0a];
            assert_eq!(
                hex_word(quad).to_le_bytes().to_vec(),
                hex_byte_by_byte(&quad),
                "{byte:#x}"
            );
        }
    }

    proptest! {
        #[test]
        fn word_hex_is_byte_hex(bytes in proptest::collection::vec(any::<u8>(), 0..40), digest in any::<[u8; 32]>()) {
            let mut out = vec![0u8; 80];
            prop_assert_eq!(hex_into(&bytes, &mut out).map(<[u8]>::to_vec), Some(hex_byte_by_byte(&bytes)));
            prop_assert_eq!(hex32(&digest).to_vec(), hex_byte_by_byte(&digest));
            let text = hex32_text(&digest);
            prop_assert_eq!(text.as_bytes(), &hex_byte_by_byte(&digest)[..]);
        }
    }

    #[test]
    fn unreserved_bytes_pass_through_and_others_are_upper_hex() {
        let cases: &[(&[u8], &str)] = &[
            (b"AZaz09-_.~", "AZaz09-_.~"),
            (b"a b", "a%20b"),
            (b"a+b", "a%2Bb"),
            (b"/", "%2F"),
            (b"%", "%25"),
            ("ሴ".as_bytes(), "%E1%88%B4"),
            (b"\x00\xff", "%00%FF"),
            (b"", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(uri_encode(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn decoding_keeps_plus_and_broken_escapes() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"a%20b", b"a b"),
            (b"a+b", b"a+b"),
            (b"%zz", b"%zz"),
            (b"%4", b"%4"),
            (b"%", b"%"),
            (b"%e1%88%B4", "ሴ".as_bytes()),
        ];
        for (input, expected) in cases {
            let mut out = Vec::new();
            percent_decode_into(input, &mut out);
            assert_eq!(&out, expected, "input {input:?}");
        }
    }

    #[test]
    fn hex_round_trips() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        let hex = hex32(&bytes);
        let mut back = [0u8; 32];
        decode_hex_exact(&hex, &mut back).unwrap();
        assert_eq!(back, bytes);
        assert!(decode_hex_exact(b"0g", &mut [0u8; 1]).is_none());
        assert!(decode_hex_exact(b"000", &mut [0u8; 1]).is_none());
    }
}
