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
//!   checks it against the public point. The import is remembered inside
//!   the [`SigningKey`] itself, so repeated signing with one key imports
//!   once, a signer's key cache finds the key and its import in one lookup,
//!   and the imports alive are bounded by the keys alive. The private key
//!   then also lives inside AWS-LC until the key is dropped; AWS-LC clears
//!   EC private keys when it frees them.
//! * Signing allocates (AWS-LC returns the DER in a heap buffer), unlike
//!   [`super::P256Engine`].
//!
//! Signatures are checked with this crate's strict DER parser before AWS-LC
//! sees them, so both engines reject exactly the same malformed inputs with
//! the same typed errors.

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, UnparsedPublicKey,
};

use super::{EngineError, SigningEngine};
use crate::der_signature::parse_components;
use crate::{DerSignature, PublicKey, SigningKey};

const NAME: &str = "aws-lc";

/// ECDSA P-256 engine backed by AWS-LC (random nonces).
#[derive(Debug, Default, Clone, Copy)]
pub struct AwsLcEngine;

impl AwsLcEngine {
    /// The engine. It holds no state: each [`SigningKey`] remembers its own
    /// import into AWS-LC.
    #[must_use]
    pub fn new() -> Self {
        Self
    }
}

fn import_key(key: &SigningKey) -> Result<EcdsaKeyPair, EngineError> {
    EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        &key.scalar_bytes()[..],
        &key.public_key().to_uncompressed_sec1(),
    )
    .map_err(|_| EngineError::Backend {
        engine: NAME,
        what: "AWS-LC rejected the derived key",
    })
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
        let pair = key.aws_lc_pair(import_key)?;
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
