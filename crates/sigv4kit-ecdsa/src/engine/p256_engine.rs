//! The default engine: pure-Rust ECDSA from the RustCrypto `p256` crate.
//!
//! Nonces are deterministic (RFC 6979), so signing needs no RNG and the same
//! key and digest always give the same signature. AWS verifies any valid
//! ECDSA signature, so this is interoperable with the CRT's random nonces.
//! Scalar multiplication by the base point uses `p256`'s precomputed tables
//! (the `precomputed-tables` feature, enabled by this crate).

use p256::ecdsa::Signature;
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};

use super::{EngineError, SigningEngine};
use crate::der_signature::parse_components;
use crate::{DerSignature, PublicKey, SigningKey};

const NAME: &str = "p256";

/// Pure-Rust ECDSA P-256 engine (RFC 6979 deterministic nonces).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct P256Engine {
    _private: (),
}

impl P256Engine {
    /// Creates the engine (it holds no state).
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl SigningEngine for P256Engine {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sign_prehash(
        &self,
        key: &SigningKey,
        digest32: &[u8; 32],
    ) -> Result<DerSignature, EngineError> {
        let sig: Signature =
            key.ecdsa()
                .sign_prehash(digest32)
                .map_err(|_| EngineError::Backend {
                    engine: NAME,
                    what: "ECDSA signing failed",
                })?;
        let (r, s) = sig.split_bytes();
        Ok(DerSignature::from_components(&r.into(), &s.into()))
    }

    fn verify_prehash(
        &self,
        key: &PublicKey,
        digest32: &[u8; 32],
        der: &[u8],
    ) -> Result<(), EngineError> {
        let c = parse_components(der)?;
        // parse_components already enforced 0 < r, s < n; this cannot fail
        // for other reasons, but treat any failure as a bad signature.
        let sig = Signature::from_scalars(c.r, c.s).map_err(|_| EngineError::InvalidSignature)?;
        key.verifying_key()
            .verify_prehash(digest32, &sig)
            .map_err(|_| EngineError::InvalidSignature)
    }
}
