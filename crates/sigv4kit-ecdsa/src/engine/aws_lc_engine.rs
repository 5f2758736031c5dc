//! An engine backed by AWS-LC (`aws-lc-rs`), the library the AWS CRT uses.
//!
//! Enabled by the cargo feature `aws-lc`. It signs the SHA-256 prehash with
//! `EcdsaKeyPair::sign_digest` and verifies with
//! `UnparsedPublicKey::verify_digest`, so it fits the same prehash trait as
//! [`super::P256Engine`]. Differences from the default engine:
//!
//! * Nonces are random (AWS-LC's own RNG), like the CRT: two signatures of
//!   the same digest differ.
//! * The derived scalar must be imported into AWS-LC, which parses it and
//!   checks it against the public point. The imported key pair is cached
//!   inside the engine, keyed by the (public) SEC1 point, so repeated signing
//!   with one key imports once. At most [`AwsLcEngine::DEFAULT_KEY_CAPACITY`]
//!   keys are kept (least recently used evicted). The private key then also
//!   lives inside AWS-LC until evicted or the engine is dropped; AWS-LC clears
//!   EC private keys when it frees them.
//! * Signing allocates (AWS-LC returns the DER in a heap buffer), unlike
//!   [`super::P256Engine`].
//!
//! Signatures are checked with this crate's strict DER parser before AWS-LC
//! sees them, so both engines reject exactly the same malformed inputs with
//! the same typed errors.

use core::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, UnparsedPublicKey,
};

use super::{EngineError, SigningEngine};
use crate::der_signature::parse_components;
use crate::public_key::UNCOMPRESSED_SEC1_LEN;
use crate::{DerSignature, PublicKey, SigningKey};

const NAME: &str = "aws-lc";

type KeyId = [u8; UNCOMPRESSED_SEC1_LEN];

/// ECDSA P-256 engine backed by AWS-LC (random nonces).
pub struct AwsLcEngine {
    capacity: usize,
    /// Imported key pairs, most recently used last.
    keys: Mutex<Vec<(KeyId, Arc<EcdsaKeyPair>)>>,
}

impl AwsLcEngine {
    /// Number of imported key pairs kept by [`AwsLcEngine::new`].
    pub const DEFAULT_KEY_CAPACITY: usize = 16;

    /// Creates an engine that caches up to
    /// [`AwsLcEngine::DEFAULT_KEY_CAPACITY`] imported keys.
    #[must_use]
    pub fn new() -> Self {
        Self::with_key_capacity(Self::DEFAULT_KEY_CAPACITY)
    }

    /// Creates an engine that caches up to `capacity` imported keys
    /// (0 disables the cache: every signature imports the key again).
    #[must_use]
    pub fn with_key_capacity(capacity: usize) -> Self {
        Self {
            capacity,
            keys: Mutex::new(Vec::with_capacity(capacity)),
        }
    }

    /// Number of key pairs currently imported and cached.
    #[must_use]
    pub fn cached_keys(&self) -> usize {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn key_pair(&self, key: &SigningKey) -> Result<Arc<EcdsaKeyPair>, EngineError> {
        let id = key.public_key().to_uncompressed_sec1();
        {
            let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(pos) = keys.iter().position(|(k, _)| *k == id) {
                let entry = keys.remove(pos);
                let pair = Arc::clone(&entry.1);
                keys.push(entry);
                return Ok(pair);
            }
        }
        // Import outside the lock; a concurrent import of the same key only
        // costs a duplicate parse.
        let scalar = key.scalar_bytes();
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_ASN1_SIGNING,
            &scalar[..],
            &id,
        )
        .map_err(|_| EngineError::Backend {
            engine: NAME,
            what: "AWS-LC rejected the derived key",
        })?;
        drop(scalar);
        let pair = Arc::new(pair);
        if self.capacity > 0 {
            let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
            if !keys.iter().any(|(k, _)| *k == id) {
                if keys.len() >= self.capacity {
                    keys.remove(0);
                }
                keys.push((id, Arc::clone(&pair)));
            }
        }
        Ok(pair)
    }
}

impl Default for AwsLcEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AwsLcEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsLcEngine")
            .field("key_capacity", &self.capacity)
            .field("cached_keys", &self.cached_keys())
            .finish()
    }
}

fn import_digest(digest32: &[u8; 32]) -> Result<Digest, EngineError> {
    Digest::import_less_safe(digest32, &SHA256).map_err(|_| EngineError::Backend {
        engine: NAME,
        what: "AWS-LC rejected the SHA-256 digest",
    })
}

impl SigningEngine for AwsLcEngine {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sign_prehash(
        &self,
        key: &SigningKey,
        digest32: &[u8; 32],
    ) -> Result<DerSignature, EngineError> {
        let pair = self.key_pair(key)?;
        let sig =
            pair.sign_digest(&import_digest(digest32)?)
                .map_err(|_| EngineError::Backend {
                    engine: NAME,
                    what: "ECDSA signing failed",
                })?;
        DerSignature::from_der(sig.as_ref()).map_err(|_| EngineError::Backend {
            engine: NAME,
            what: "AWS-LC produced a non-DER signature",
        })
    }

    fn verify_prehash(
        &self,
        key: &PublicKey,
        digest32: &[u8; 32],
        der: &[u8],
    ) -> Result<(), EngineError> {
        parse_components(der)?;
        let sec1 = key.to_uncompressed_sec1();
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &sec1[..])
            .verify_digest(&import_digest(digest32)?, der)
            .map_err(|_| EngineError::InvalidSignature)
    }
}
