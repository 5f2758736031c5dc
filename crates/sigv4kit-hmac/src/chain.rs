//! SigV4's chained signatures: the HMAC of each chunk's, trailer's or event's
//! string to sign under the seed's signing key.
//!
//! Both sides hold the HMAC state already keyed with the derived key, so a
//! piece costs the HMAC of about 250 bytes and no key lookup.

use std::fmt;

use hmac::Mac;
use sigv4kit_canon::Algorithm;
use sigv4kit_canon::encoding::decode_hex_exact;
use sigv4kit_signer::{ChainSigner, ChainVerifier, Signature, SigningError};

use crate::kdf::HmacSha256;
use crate::verify::constant_time_equal;

/// Signs a SigV4 chain with the seed's signing key.
#[derive(Clone)]
pub struct HmacChainSigner {
    keyed: HmacSha256,
}

/// Checks a SigV4 chain with the seed's signing key.
#[derive(Clone)]
pub struct HmacChainVerifier {
    keyed: HmacSha256,
}

impl HmacChainSigner {
    pub(crate) fn new(keyed: HmacSha256) -> Self {
        Self { keyed }
    }
}

impl HmacChainVerifier {
    pub(crate) fn new(keyed: HmacSha256) -> Self {
        Self { keyed }
    }
}

fn mac_of(keyed: &HmacSha256, message: &[u8]) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

impl ChainSigner for HmacChainSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4
    }

    fn sign_string_to_sign(&self, string_to_sign: &[u8]) -> Result<Signature, SigningError> {
        Signature::from_raw(&mac_of(&self.keyed, string_to_sign))
    }
}

impl ChainVerifier for HmacChainVerifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4
    }

    fn verify_string_to_sign(&self, string_to_sign: &[u8], signature: &str) -> bool {
        let mut received = [0u8; 32];
        if decode_hex_exact(signature.as_bytes(), &mut received).is_none() {
            return false;
        }
        constant_time_equal(&mac_of(&self.keyed, string_to_sign), &received)
    }
}

impl fmt::Debug for HmacChainSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacChainSigner(<redacted>)")
    }
}

impl fmt::Debug for HmacChainVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacChainVerifier(<redacted>)")
    }
}
