//! The SigV4A public key: a validated P-256 point.
//!
//! AWS publishes SigV4A public keys as the affine `X`/`Y` coordinates of the
//! uncompressed point (`public-key.json` in the signing suite), and a verifier
//! receives them from outside. Parsing therefore validates the point (on the
//! curve, not the identity) before anything can use it.

use core::fmt;

use p256::ecdsa::VerifyingKey;
use thiserror::Error;

use crate::hex::{self, HexError};

/// Length of an uncompressed SEC1 P-256 point: `0x04 || X || Y`.
pub const UNCOMPRESSED_SEC1_LEN: usize = 65;

/// Why a public key was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PublicKeyError {
    /// A coordinate was not 64 hex digits.
    #[error("public key coordinate {coordinate} is not 32 bytes of hex: {source}")]
    Hex {
        /// `'x'` or `'y'`.
        coordinate: char,
        /// The underlying hex error.
        source: HexError,
    },
    /// The bytes are not a SEC1 encoding of a point on P-256, or the point is
    /// the identity.
    #[error("not a valid P-256 public point")]
    NotOnCurve,
}

/// A validated P-256 public key (the public half of a SigV4A signing key).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
    sec1: [u8; UNCOMPRESSED_SEC1_LEN],
}

impl PublicKey {
    pub(crate) fn from_verifying_key(verifying: VerifyingKey) -> Self {
        let point = verifying.to_sec1_point(false);
        let mut sec1 = [0u8; UNCOMPRESSED_SEC1_LEN];
        // An uncompressed encoding of a non-identity P-256 point is always 65 bytes.
        sec1.copy_from_slice(point.as_bytes());
        Self { verifying, sec1 }
    }

    /// Parses the affine coordinates as published by AWS (`{"X": .., "Y": ..}`),
    /// 64 hex digits each, either case. Fails unless the point is on P-256.
    ///
    /// # Errors
    /// [`PublicKeyError::Hex`] for malformed hex, [`PublicKeyError::NotOnCurve`]
    /// for a point that is not on the curve.
    pub fn from_xy_hex(x: &str, y: &str) -> Result<Self, PublicKeyError> {
        let x: [u8; 32] = hex::decode_array(x).map_err(|source| PublicKeyError::Hex {
            coordinate: 'x',
            source,
        })?;
        let y: [u8; 32] = hex::decode_array(y).map_err(|source| PublicKeyError::Hex {
            coordinate: 'y',
            source,
        })?;
        let mut sec1 = [0u8; UNCOMPRESSED_SEC1_LEN];
        sec1[0] = 0x04;
        sec1[1..33].copy_from_slice(&x);
        sec1[33..].copy_from_slice(&y);
        Self::from_sec1_bytes(&sec1)
    }

    /// Parses a SEC1-encoded point (compressed or uncompressed).
    ///
    /// # Errors
    /// [`PublicKeyError::NotOnCurve`] unless `bytes` encodes a non-identity
    /// point on P-256.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, PublicKeyError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(Self::from_verifying_key)
            .map_err(|_| PublicKeyError::NotOnCurve)
    }

    /// The uncompressed SEC1 encoding `0x04 || X || Y`.
    #[must_use]
    pub fn to_uncompressed_sec1(&self) -> [u8; UNCOMPRESSED_SEC1_LEN] {
        self.sec1
    }

    /// The affine X coordinate, 32 bytes big-endian.
    #[must_use]
    pub fn x_bytes(&self) -> [u8; 32] {
        let mut x = [0u8; 32];
        x.copy_from_slice(&self.sec1[1..33]);
        x
    }

    /// The affine Y coordinate, 32 bytes big-endian.
    #[must_use]
    pub fn y_bytes(&self) -> [u8; 32] {
        let mut y = [0u8; 32];
        y.copy_from_slice(&self.sec1[33..]);
        y
    }

    /// The X coordinate as 64 lowercase hex digits.
    #[must_use]
    pub fn x_hex(&self) -> String {
        hex::encode(&self.sec1[1..33])
    }

    /// The Y coordinate as 64 lowercase hex digits.
    #[must_use]
    pub fn y_hex(&self) -> String {
        hex::encode(&self.sec1[33..])
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("x", &format_args!("{}", self.x_hex()))
            .field("y", &format_args!("{}", self.y_hex()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Public key of the signing suite's credentials (`public-key.json`).
    const X: &str = "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1";
    const Y: &str = "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518";

    #[test]
    fn parses_and_reencodes() {
        let key = PublicKey::from_xy_hex(X, &Y.to_uppercase()).expect("valid key");
        assert_eq!(key.x_hex(), X);
        assert_eq!(key.y_hex(), Y);
        let sec1 = key.to_uncompressed_sec1();
        assert_eq!(sec1[0], 0x04);
        assert_eq!(PublicKey::from_sec1_bytes(&sec1), Ok(key));
    }

    #[test]
    fn rejects_off_curve_and_bad_hex() {
        // Flip the last bit of Y: no longer on the curve.
        let mut y = Y.to_string();
        y.replace_range(63.., "9");
        assert_eq!(
            PublicKey::from_xy_hex(X, &y),
            Err(PublicKeyError::NotOnCurve)
        );
        assert!(matches!(
            PublicKey::from_xy_hex(&X[..62], Y),
            Err(PublicKeyError::Hex {
                coordinate: 'x',
                ..
            })
        ));
        assert!(matches!(
            PublicKey::from_xy_hex(X, "zz"),
            Err(PublicKeyError::Hex {
                coordinate: 'y',
                ..
            })
        ));
        assert_eq!(
            PublicKey::from_xy_hex(&"0".repeat(64), &"0".repeat(64)),
            Err(PublicKeyError::NotOnCurve)
        );
        assert_eq!(
            PublicKey::from_sec1_bytes(&[]),
            Err(PublicKeyError::NotOnCurve)
        );
        assert_eq!(
            PublicKey::from_sec1_bytes(&[0x00]),
            Err(PublicKeyError::NotOnCurve)
        );
    }
}
