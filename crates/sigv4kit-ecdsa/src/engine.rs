//! The pluggable ECDSA engine behind SigV4A signing.
//!
//! SigV4A's last step is "ECDSA-P256 over SHA-256(string to sign), DER-encode,
//! hex". The arithmetic can come from pure Rust ([`P256Engine`], the default)
//! or from AWS-LC ([`AwsLcEngine`], cargo feature `aws-lc`), for speed or for
//! parity with the AWS CRT. The trait is deliberately small:
//! derive, sign a prehash, verify a prehash.
//!
//! # Why prehash
//! Both backends can sign a 32-byte SHA-256 digest directly (`p256` through
//! `PrehashSigner`, aws-lc-rs through `EcdsaKeyPair::sign_digest`), so the
//! trait takes the digest, not the message. A signer that streams the string
//! to sign into SHA-256 never has to materialize it. [`SigningEngine::sign`]
//! and [`SigningEngine::verify`] are provided conveniences that hash first.
//!
//! Key derivation is the same for every engine (it is HMAC, see
//! [`crate::kdf`]), so [`SigningEngine::derive`] has a default body.

use core::fmt;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::der_signature::SignatureFormatError;
use crate::kdf::{self, KdfError};
use crate::{DerSignature, PublicKey, SigningKey};

mod p256_engine;
pub use p256_engine::P256Engine;

#[cfg(feature = "aws-lc")]
mod aws_lc_engine;
#[cfg(feature = "aws-lc")]
pub use aws_lc_engine::AwsLcEngine;

/// Why an engine could not sign or verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The signature is not a strictly valid DER P-256 signature.
    #[error("malformed signature: {0}")]
    MalformedSignature(#[from] SignatureFormatError),
    /// The signature is well-formed but does not match the digest and key.
    #[error("signature does not verify")]
    InvalidSignature,
    /// The backend failed (for example it rejected a key import).
    #[error("{engine} engine failure: {what}")]
    Backend {
        /// Engine name.
        engine: &'static str,
        /// What failed.
        what: &'static str,
    },
}

/// An ECDSA P-256 implementation usable for SigV4A: derive, sign a prehash,
/// verify a prehash.
///
/// The required methods take the 32-byte SHA-256 digest of the string to sign
/// rather than the string itself: both backends can sign a digest directly,
/// and a signer that streams the string to sign into SHA-256 never has to
/// materialize it. [`SigningEngine::sign`] and [`SigningEngine::verify`] hash
/// first for callers that hold the whole string. Derivation is the same HMAC
/// KDF for every engine, so [`SigningEngine::derive`] has a default body.
///
/// Implementations: [`P256Engine`] (pure Rust, RFC 6979 nonces, the default)
/// and `AwsLcEngine` (cargo feature `aws-lc`, random nonces).
pub trait SigningEngine: fmt::Debug + Send + Sync + 'static {
    /// Short engine name, for logs and errors.
    fn name(&self) -> &'static str;

    /// Derives the SigV4A signing key for an access key pair (the same for
    /// every engine; see [`crate::derive_signing_key`]).
    ///
    /// # Errors
    /// As [`crate::derive_signing_key`].
    fn derive(
        &self,
        access_key_id: &str,
        secret_access_key: &[u8],
    ) -> Result<SigningKey, KdfError> {
        kdf::derive_signing_key(access_key_id, secret_access_key)
    }

    /// Signs a SHA-256 digest (of the string to sign) and returns the DER
    /// signature.
    ///
    /// # Errors
    /// [`EngineError::Backend`] if the backend fails.
    fn sign_prehash(
        &self,
        key: &SigningKey,
        digest32: &[u8; 32],
    ) -> Result<DerSignature, EngineError>;

    /// Verifies a DER signature over a SHA-256 digest. Malformed DER is
    /// [`EngineError::MalformedSignature`], never a panic.
    ///
    /// # Errors
    /// [`EngineError::MalformedSignature`] or [`EngineError::InvalidSignature`].
    fn verify_prehash(
        &self,
        key: &PublicKey,
        digest32: &[u8; 32],
        der: &[u8],
    ) -> Result<(), EngineError>;

    /// Hashes `string_to_sign` with SHA-256 and signs the digest.
    ///
    /// # Errors
    /// As [`SigningEngine::sign_prehash`].
    fn sign(&self, key: &SigningKey, string_to_sign: &[u8]) -> Result<DerSignature, EngineError> {
        self.sign_prehash(key, &sha256(string_to_sign))
    }

    /// Hashes `string_to_sign` with SHA-256 and verifies `der` over it.
    ///
    /// # Errors
    /// As [`SigningEngine::verify_prehash`].
    fn verify(
        &self,
        key: &PublicKey,
        string_to_sign: &[u8],
        der: &[u8],
    ) -> Result<(), EngineError> {
        self.verify_prehash(key, &sha256(string_to_sign), der)
    }
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}
