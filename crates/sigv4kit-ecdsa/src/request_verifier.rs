//! The SigV4A `Verifier`: request verification with only a public key.
//!
//! This is the point of SigV4A: the signer holds the secret, the verifier
//! needs only the public key derived from it, so a service can check
//! signatures without being able to make them. The verifier recomputes the
//! string to sign with the procedure it shares with SigV4
//! (`sigv4kit_signer::verification`), hashes it with SHA-256 and verifies
//! the DER ECDSA P-256 signature with the engine. A verifier that is given
//! the secret instead derives the public key once and caches it
//! ([`EcdsaVerifier::public_key_for`]).

use std::sync::Arc;

use sha2::{Digest, Sha256};
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{Algorithm, Request, RequestSignature};
use sigv4kit_signer::verification::verify_request;
use sigv4kit_signer::{
    ChainVerifier, FingerprintedSecret, Verified, Verifier, VerifyError, VerifyPolicy,
};

use crate::cache::KeyCache;
use crate::chain::EcdsaChainVerifier;
use crate::engine::{EngineError, P256Engine, SigningEngine};
use crate::kdf::KdfError;
use crate::public_key::PublicKey;

/// Verifies SigV4A signatures with a public key.
#[derive(Debug, Default)]
pub struct EcdsaVerifier<E = P256Engine> {
    engine: Arc<E>,
    keys: KeyCache,
}

impl EcdsaVerifier<P256Engine> {
    /// A verifier with the pure-Rust `p256` engine.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E: SigningEngine> EcdsaVerifier<E> {
    /// A verifier with `engine`, e.g. `AwsLcEngine` (feature `aws-lc`).
    pub fn with_engine(engine: E) -> Self {
        Self {
            engine: Arc::new(engine),
            keys: KeyCache::new(),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// The public key of an access key pair, for a verifier that holds the
    /// secret rather than the public key. Derived once and cached.
    ///
    /// # Errors
    /// As [`crate::derive_signing_key`].
    pub fn public_key_for(
        &self,
        access_key_id: &str,
        secret_access_key: &[u8],
    ) -> Result<PublicKey, KdfError> {
        Ok(self
            .keys
            .get_or_derive(access_key_id, secret_access_key)?
            .public_key())
    }

    /// [`Self::public_key_for`] a secret held with its fingerprint: a cached
    /// key is found without hashing the secret.
    ///
    /// # Errors
    /// As [`crate::derive_signing_key`].
    pub fn public_key_for_secret(
        &self,
        access_key_id: &str,
        secret: &FingerprintedSecret,
    ) -> Result<PublicKey, KdfError> {
        Ok(self
            .keys
            .get_or_derive_fingerprinted(access_key_id, secret)?
            .public_key())
    }
}

impl<E: SigningEngine> Verifier for EcdsaVerifier<E> {
    type Key = PublicKey;

    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4a
    }

    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &PublicKey,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        verify_request(
            Algorithm::Sigv4a,
            request,
            signature,
            policy,
            |string_to_sign| {
                let mut hasher = Buffered::<_, 256>::new(Sha256::new());
                string_to_sign.write(&mut hasher);
                let digest: [u8; 32] = hasher.finish().finalize().into();
                match self
                    .engine
                    .verify_prehash(key, &digest, signature.signature.as_bytes())
                {
                    Ok(()) => Ok(true),
                    Err(EngineError::InvalidSignature) => Ok(false),
                    Err(EngineError::MalformedSignature(error)) => {
                        Err(VerifyError::MalformedEcdsaSignature {
                            reason: error.to_string(),
                        })
                    }
                    Err(error) => Err(VerifyError::Crypto {
                        reason: error.to_string(),
                    }),
                }
            },
        )
    }

    fn chain_verifier(
        &self,
        verified: &Verified,
        key: &PublicKey,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        if verified.algorithm != Algorithm::Sigv4a {
            return Err(VerifyError::WrongAlgorithm {
                expected: Algorithm::Sigv4a,
                found: verified.algorithm,
            });
        }
        Ok(Box::new(EcdsaChainVerifier::new(
            Arc::clone(&self.engine),
            *key,
        )))
    }
}
