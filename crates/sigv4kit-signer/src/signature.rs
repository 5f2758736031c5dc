//! A signature in its written form: lower-case hex.
//!
//! A SigV4 signature is 32 bytes of HMAC; a SigV4A one is a DER-encoded ECDSA
//! `(r, s)` pair of at most 72 bytes. Both fit inline, so a signature never
//! touches the heap.

use std::fmt;

use arrayvec::ArrayString;

use crate::error::SigningError;

/// The longest raw signature: a DER ECDSA P-256 signature.
pub const MAX_SIGNATURE_BYTES: usize = 72;

/// A signature as lower-case hex, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    hex: ArrayString<{ 2 * MAX_SIGNATURE_BYTES }>,
}

impl Signature {
    /// The hex form of a raw signature of at most [`MAX_SIGNATURE_BYTES`].
    pub fn from_raw(raw: &[u8]) -> Result<Self, SigningError> {
        let mut hex = [0u8; 2 * MAX_SIGNATURE_BYTES];
        let written = sigv4kit_canon::encoding::hex_into(raw, &mut hex)
            .ok_or_else(|| SigningError::Crypto {
                reason: format!(
                    "a {}-byte signature is longer than {MAX_SIGNATURE_BYTES} bytes",
                    raw.len()
                ),
            })?
            .len();
        Ok(Self {
            hex: sigv4kit_canon::encoding::ascii_array_string(&hex[..written]),
        })
    }

    /// The lower-case hex text.
    pub fn as_str(&self) -> &str {
        &self.hex
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_raw_signatures() {
        assert_eq!(
            Signature::from_raw(&[0x00, 0xab, 0xff]).unwrap().as_str(),
            "00abff"
        );
        assert_eq!(Signature::from_raw(&[7; 72]).unwrap().as_str().len(), 144);
        assert!(Signature::from_raw(&[7; 73]).is_err());
    }
}
