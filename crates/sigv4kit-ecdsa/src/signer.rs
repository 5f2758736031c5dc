//! The SigV4A `Signer`.
//!
//! SigV4A signs the same canonical request as SigV4 with three differences,
//! all handled by the shared procedure of `sigv4kit-signer`: the algorithm
//! name, a credential scope without a region, and the signed
//! `X-Amz-Region-Set`. What is left here is the last step: the string to sign
//! is hashed with SHA-256 and signed with the ECDSA P-256 key derived from the
//! credentials, and the DER signature is written as lower-case hex.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{Algorithm, Request};
use sigv4kit_signer::procedure::sign_request;
use sigv4kit_signer::{
    ChainSigner, Credentials, Signature, Signer, SigningError, SigningOutput, SigningParams,
};

use crate::cache::KeyCache;
use crate::chain::EcdsaChainSigner;
use crate::engine::{P256Engine, SigningEngine};
use crate::public_key::PublicKey;

/// Signs with SigV4A through an ECDSA engine, caching derived keys.
#[derive(Debug, Default)]
pub struct EcdsaSigner<E = P256Engine> {
    engine: Arc<E>,
    keys: KeyCache,
}

impl EcdsaSigner<P256Engine> {
    /// A signer with the pure-Rust `p256` engine (deterministic RFC 6979 nonces).
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E: SigningEngine> EcdsaSigner<E> {
    /// A signer with `engine`, e.g. `AwsLcEngine` (feature `aws-lc`).
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

    /// The derived-key cache, for statistics.
    pub fn key_cache(&self) -> &KeyCache {
        &self.keys
    }

    /// The public key a verifier needs for `credentials`: derived (or taken
    /// from the cache) once, and safe to share.
    pub fn public_key(&self, credentials: &Credentials) -> Result<PublicKey, SigningError> {
        Ok(self.key_for(credentials)?.public_key())
    }

    fn key_for(&self, credentials: &Credentials) -> Result<Arc<crate::SigningKey>, SigningError> {
        self.keys
            .get_or_derive_for(credentials)
            .map_err(|error| SigningError::KeyDerivation {
                reason: error.to_string(),
            })
    }
}

impl<E: SigningEngine> Signer for EcdsaSigner<E> {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4a
    }

    fn sign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError> {
        sign_request(Algorithm::Sigv4a, request, params, |string_to_sign| {
            let key = self.key_for(params.credentials)?;
            let mut hasher = Buffered::<_, 256>::new(Sha256::new());
            string_to_sign.write(&mut hasher);
            let digest: [u8; 32] = hasher.finish().finalize().into();
            let signature =
                self.engine
                    .sign_prehash(&key, &digest)
                    .map_err(|error| SigningError::Crypto {
                        reason: error.to_string(),
                    })?;
            Signature::from_raw(signature.as_bytes())
        })
    }

    fn chain_signer(
        &self,
        params: &SigningParams<'_>,
    ) -> Result<Box<dyn ChainSigner>, SigningError> {
        Ok(Box::new(EcdsaChainSigner::new(
            Arc::clone(&self.engine),
            self.key_for(params.credentials)?,
        )))
    }
}
