//! SigV4A's chained signatures: an ECDSA P-256 signature of the SHA-256 of
//! each chunk's, trailer's or event's string to sign.
//!
//! The signer holds the key derived once for the seed's credentials; the
//! verifier holds only the public key, so a server checks a whole upload
//! without being able to sign one. Each holds the engine in an `Arc`, shared
//! with the request signer or verifier that made it.

use std::fmt;
use std::sync::Arc;

use sigv4kit_canon::Algorithm;
use sigv4kit_signer::{ChainSigner, ChainVerifier, Signature, SigningError};

use crate::der_signature::DerSignature;
use crate::engine::SigningEngine;
use crate::public_key::PublicKey;
use crate::signing_key::SigningKey;

/// Signs a SigV4A chain with the key derived from the seed's credentials.
pub struct EcdsaChainSigner<E> {
    engine: Arc<E>,
    key: Arc<SigningKey>,
}

/// Checks a SigV4A chain with a public key.
pub struct EcdsaChainVerifier<E> {
    engine: Arc<E>,
    key: PublicKey,
}

impl<E> EcdsaChainSigner<E> {
    pub(crate) fn new(engine: Arc<E>, key: Arc<SigningKey>) -> Self {
        Self { engine, key }
    }
}

impl<E> EcdsaChainVerifier<E> {
    pub(crate) fn new(engine: Arc<E>, key: PublicKey) -> Self {
        Self { engine, key }
    }
}

impl<E: SigningEngine> ChainSigner for EcdsaChainSigner<E> {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4a
    }

    fn sign_string_to_sign(&self, string_to_sign: &[u8]) -> Result<Signature, SigningError> {
        let signature = self
            .engine
            .sign(&self.key, string_to_sign)
            .map_err(|error| SigningError::Crypto {
                reason: error.to_string(),
            })?;
        Signature::from_raw(signature.as_bytes())
    }
}

impl<E: SigningEngine> ChainVerifier for EcdsaChainVerifier<E> {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4a
    }

    fn verify_string_to_sign(&self, string_to_sign: &[u8], signature: &str) -> bool {
        let Ok(der) = DerSignature::from_hex(signature) else {
            return false;
        };
        self.engine
            .verify(&self.key, string_to_sign, der.as_bytes())
            .is_ok()
    }
}

impl<E: SigningEngine> fmt::Debug for EcdsaChainSigner<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaChainSigner")
            .field("engine", &self.engine.name())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl<E: SigningEngine> fmt::Debug for EcdsaChainVerifier<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaChainVerifier")
            .field("engine", &self.engine.name())
            .field("key", &self.key)
            .finish()
    }
}
