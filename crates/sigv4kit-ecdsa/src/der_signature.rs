//! DER-encoded ECDSA signatures, as SigV4A puts them on the wire.
//!
//! A SigV4A signature is the lowercase hex of the DER `ECDSA-Sig-Value`
//! `SEQUENCE { r INTEGER, s INTEGER }` (so its length varies, usually 140 to
//! 144 hex digits). For P-256 the DER form is at most 72 bytes, so
//! [`DerSignature`] keeps it inline and signing needs no heap allocation.
//!
//! Signatures also arrive from outside (verification), so parsing is strict
//! DER: one short-form length, minimal non-negative INTEGERs, `0 < r, s < n`,
//! nothing after the sequence. Every deviation is a typed
//! [`SignatureFormatError`], never a panic. High-S values are accepted: AWS
//! does not normalize `s`.

use core::fmt;

use crypto_bigint::U256;
use p256::NistP256;
use p256::elliptic_curve::Curve;
use thiserror::Error;

use crate::hex::{self, HexError};

/// Why a signature was rejected before any curve arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureFormatError {
    /// The signature is empty.
    #[error("signature is empty")]
    Empty,
    /// The hex form was malformed (or longer than any P-256 DER signature).
    #[error("signature hex is malformed: {0}")]
    Hex(#[from] HexError),
    /// Longer than the 72 bytes a P-256 DER signature can take.
    #[error("signature is {len} bytes, longer than the 72-byte maximum")]
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// Not a DER `SEQUENCE` whose length covers exactly the input.
    #[error("signature is not a single DER SEQUENCE")]
    BadSequence,
    /// An element is not a well-formed DER `INTEGER`.
    #[error("signature component {component} is not a DER INTEGER")]
    BadInteger {
        /// `'r'` or `'s'`.
        component: char,
    },
    /// An `INTEGER` has a redundant leading zero byte (not DER).
    #[error("signature component {component} is not minimally encoded")]
    NonMinimalInteger {
        /// `'r'` or `'s'`.
        component: char,
    },
    /// An `INTEGER` is negative.
    #[error("signature component {component} is negative")]
    NegativeInteger {
        /// `'r'` or `'s'`.
        component: char,
    },
    /// A component is zero or not below the group order `n`.
    #[error("signature component {component} is out of range")]
    OutOfRange {
        /// `'r'` or `'s'`.
        component: char,
    },
    /// Bytes follow the `SEQUENCE`.
    #[error("signature has trailing data")]
    TrailingData,
}

/// A DER-encoded P-256 ECDSA signature, stored inline.
///
/// Always holds a strictly valid encoding: it is built only by the engines
/// (which sign) or by [`DerSignature::from_der`] / [`DerSignature::from_hex`]
/// (which parse strictly).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DerSignature {
    bytes: [u8; DerSignature::MAX_LEN],
    len: u8,
}

/// `r` and `s` as 32-byte big-endian values, after strict parsing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Components {
    pub(crate) r: [u8; 32],
    pub(crate) s: [u8; 32],
}

impl DerSignature {
    /// Maximum DER length of a P-256 signature:
    /// `30 LL 02 21 00 <32> 02 21 00 <32>`.
    pub const MAX_LEN: usize = 72;
    /// Maximum length of its hex form.
    pub const MAX_HEX_LEN: usize = 2 * Self::MAX_LEN;

    /// Parses and validates DER bytes (see the module docs for the rules).
    ///
    /// # Errors
    /// A [`SignatureFormatError`] naming the first rule broken.
    pub fn from_der(der: &[u8]) -> Result<Self, SignatureFormatError> {
        parse_components(der)?;
        let mut bytes = [0u8; Self::MAX_LEN];
        bytes[..der.len()].copy_from_slice(der);
        Ok(Self {
            bytes,
            // parse_components bounded the length by MAX_LEN (72).
            len: u8::try_from(der.len())
                .map_err(|_| SignatureFormatError::TooLong { len: der.len() })?,
        })
    }

    /// Parses the hex form used in SigV4A headers and query strings (either
    /// case; no `*` padding, which chunk signers must strip first).
    ///
    /// # Errors
    /// [`SignatureFormatError::Hex`] for bad hex, otherwise as
    /// [`DerSignature::from_der`].
    pub fn from_hex(hex: &str) -> Result<Self, SignatureFormatError> {
        if hex.is_empty() {
            return Err(SignatureFormatError::Empty);
        }
        let mut buf = [0u8; Self::MAX_LEN];
        let n = hex::decode_into(hex.as_bytes(), &mut buf)?;
        Self::from_der(&buf[..n])
    }

    /// Encodes `r` and `s` (32-byte big-endian, already known to be in range).
    pub(crate) fn from_components(r: &[u8; 32], s: &[u8; 32]) -> Self {
        let mut bytes = [0u8; Self::MAX_LEN];
        let mut pos = 2;
        for int in [r, s] {
            // Minimal encoding: strip leading zeros (keep one byte), then add a
            // zero byte if the top bit is set so the INTEGER stays positive.
            let first = int.iter().position(|&b| b != 0).unwrap_or(31);
            let value = &int[first..];
            let pad = usize::from(value[0] & 0x80 != 0);
            let int_len = value.len() + pad;
            bytes[pos] = 0x02;
            bytes[pos + 1] = len_byte(int_len);
            pos += 2 + pad;
            bytes[pos..pos + value.len()].copy_from_slice(value);
            pos += value.len();
        }
        bytes[0] = 0x30;
        bytes[1] = len_byte(pos - 2);
        Self {
            bytes,
            len: len_byte(pos),
        }
    }

    /// The DER bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Length of the DER encoding in bytes (8 to 72).
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Always `false`: a valid signature is never empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the lowercase hex form into `out` without allocating and returns
    /// it as a `&str` borrowed from `out`.
    pub fn write_hex<'a>(&self, out: &'a mut [u8; Self::MAX_HEX_LEN]) -> &'a str {
        let n = 2 * self.len();
        hex::encode_into(self.as_bytes(), &mut out[..n]);
        // Only ASCII hex digits were written, so this cannot fail.
        core::str::from_utf8(&out[..n]).unwrap_or_default()
    }

    /// The lowercase hex form (allocates; see [`DerSignature::write_hex`]).
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.as_bytes())
    }

    #[cfg(test)]
    pub(crate) fn components(&self) -> Components {
        // Built only from valid encodings, so re-parsing cannot fail; fall back
        // to zeros (which never verify) rather than panic.
        parse_components(self.as_bytes()).unwrap_or(Components {
            r: [0; 32],
            s: [0; 32],
        })
    }
}

fn len_byte(n: usize) -> u8 {
    // Every length here is at most 72.
    u8::try_from(n).unwrap_or(u8::MAX)
}

impl AsRef<[u8]> for DerSignature {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Display for DerSignature {
    /// Lowercase hex, as in `Signature=` / `X-Amz-Signature`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; Self::MAX_HEX_LEN];
        f.write_str(self.write_hex(&mut buf))
    }
}

impl fmt::Debug for DerSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerSignature({self})")
    }
}

/// Strict DER parse of `SEQUENCE { r INTEGER, s INTEGER }` with range checks.
pub(crate) fn parse_components(der: &[u8]) -> Result<Components, SignatureFormatError> {
    if der.is_empty() {
        return Err(SignatureFormatError::Empty);
    }
    if der.len() > DerSignature::MAX_LEN {
        return Err(SignatureFormatError::TooLong { len: der.len() });
    }
    // Content is at most 70 bytes, so DER requires the short length form.
    let [0x30, seq_len, rest @ ..] = der else {
        return Err(SignatureFormatError::BadSequence);
    };
    if *seq_len >= 0x80 {
        return Err(SignatureFormatError::BadSequence);
    }
    let seq_len = usize::from(*seq_len);
    if seq_len > rest.len() {
        return Err(SignatureFormatError::BadSequence);
    }
    let (content, trailing) = rest.split_at(seq_len);
    if !trailing.is_empty() {
        return Err(SignatureFormatError::TrailingData);
    }
    let (r, content) = parse_integer(content, 'r')?;
    let (s, content) = parse_integer(content, 's')?;
    if !content.is_empty() {
        // Extra elements inside the SEQUENCE.
        return Err(SignatureFormatError::BadSequence);
    }
    Ok(Components { r, s })
}

fn parse_integer(input: &[u8], component: char) -> Result<([u8; 32], &[u8]), SignatureFormatError> {
    let bad = SignatureFormatError::BadInteger { component };
    let [0x02, len, rest @ ..] = input else {
        return Err(bad);
    };
    let len = usize::from(*len);
    if len == 0 || len >= 0x80 || len > rest.len() {
        return Err(bad);
    }
    let (value, rest) = rest.split_at(len);
    if value[0] & 0x80 != 0 {
        return Err(SignatureFormatError::NegativeInteger { component });
    }
    if value.len() > 1 && value[0] == 0 && value[1] & 0x80 == 0 {
        return Err(SignatureFormatError::NonMinimalInteger { component });
    }
    // Drop the sign byte; what is left must fit 32 bytes.
    let magnitude = if value[0] == 0 { &value[1..] } else { value };
    if magnitude.len() > 32 {
        return Err(SignatureFormatError::OutOfRange { component });
    }
    let mut out = [0u8; 32];
    out[32 - magnitude.len()..].copy_from_slice(magnitude);
    // Public values: variable-time comparison is fine.
    let v = U256::from_be_slice(&out);
    if v == U256::ZERO || v >= NistP256::ORDER.get() {
        return Err(SignatureFormatError::OutOfRange { component });
    }
    Ok((out, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    // header-signature.txt of the suite's get-vanilla case.
    const SAMPLE: &str = "3045022018b4e277d0281864beb51d3600e23f88510ea5031d68ddfbb68614b82a5eb7d2022100effb9c5f22ed9ef3ae0ab243d21f06bce82365bbb79529a07b6888c343ae5f8c";

    #[test]
    fn parses_sample_and_roundtrips() {
        let sig = DerSignature::from_hex(SAMPLE).expect("valid sample");
        assert_eq!(sig.to_hex(), SAMPLE);
        assert_eq!(sig.to_string(), SAMPLE);
        let mut buf = [0u8; DerSignature::MAX_HEX_LEN];
        assert_eq!(sig.write_hex(&mut buf), SAMPLE);
        let c = sig.components();
        assert_eq!(DerSignature::from_components(&c.r, &c.s), sig);
        assert_eq!(DerSignature::from_hex(&SAMPLE.to_uppercase()), Ok(sig));
    }

    #[test]
    fn encodes_small_and_high_bit_values() {
        let mut r = [0u8; 32];
        r[31] = 1;
        let mut s = [0u8; 32];
        s[0] = 0x80;
        let sig = DerSignature::from_components(&r, &s);
        assert_eq!(
            sig.as_bytes()[..7],
            [0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21]
        );
        assert_eq!(sig.as_bytes()[7], 0x00);
        assert_eq!(sig.len(), 40);
        assert_eq!(DerSignature::from_der(sig.as_bytes()), Ok(sig));
        let max = [0x7f; 32];
        let hi = [0xff; 31];
        let mut s = [0u8; 32];
        s[1..].copy_from_slice(&hi);
        let sig = DerSignature::from_components(&max, &s);
        assert_eq!(DerSignature::from_der(sig.as_bytes()), Ok(sig));
    }

    #[test]
    fn rejects_non_der() {
        use SignatureFormatError as E;
        let good = DerSignature::from_hex(SAMPLE).expect("valid");
        let der = good.as_bytes().to_vec();

        assert_eq!(DerSignature::from_der(&[]), Err(E::Empty));
        assert_eq!(DerSignature::from_hex(""), Err(E::Empty));
        assert_eq!(
            DerSignature::from_der(&[0u8; 73]),
            Err(E::TooLong { len: 73 })
        );
        assert!(matches!(
            DerSignature::from_hex(&"00".repeat(73)),
            Err(E::Hex(HexError::TooLong { .. }))
        ));
        assert!(matches!(DerSignature::from_hex("30x"), Err(E::Hex(_))));

        let mut wrong_tag = der.clone();
        wrong_tag[0] = 0x31;
        assert_eq!(DerSignature::from_der(&wrong_tag), Err(E::BadSequence));

        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(DerSignature::from_der(&trailing), Err(E::TrailingData));

        let mut long_form = vec![0x30, 0x81, der[1]];
        long_form.extend_from_slice(&der[2..]);
        assert_eq!(DerSignature::from_der(&long_form), Err(E::BadSequence));

        let truncated = &der[..der.len() - 1];
        assert!(DerSignature::from_der(truncated).is_err());

        // r with a redundant leading zero.
        let mut r = vec![0x02, 0x02, 0x00, 0x01];
        let s = [0x02, 0x01, 0x01];
        let mut v = vec![0x30, u8::try_from(r.len() + s.len()).expect("small")];
        v.append(&mut r);
        v.extend_from_slice(&s);
        assert_eq!(
            DerSignature::from_der(&v),
            Err(E::NonMinimalInteger { component: 'r' })
        );

        // Negative s.
        let v = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x80];
        assert_eq!(
            DerSignature::from_der(&v),
            Err(E::NegativeInteger { component: 's' })
        );

        // Zero r.
        let v = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01];
        assert_eq!(
            DerSignature::from_der(&v),
            Err(E::OutOfRange { component: 'r' })
        );

        // s = n.
        let n: [u8; 32] = NistP256::ORDER.get().to_be_bytes().into();
        let mut v = vec![0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00];
        v.extend_from_slice(&n);
        assert_eq!(
            DerSignature::from_der(&v),
            Err(E::OutOfRange { component: 's' })
        );

        // Three integers.
        let v = [
            0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
        ];
        assert_eq!(DerSignature::from_der(&v), Err(E::BadSequence));

        // Zero-length integer.
        let v = [0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01];
        assert_eq!(
            DerSignature::from_der(&v),
            Err(E::BadInteger { component: 'r' })
        );
    }
}
