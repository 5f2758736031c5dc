//! One-call SigV4A signature verification.
//!
//! Services, tests and debugging tools need "does this hex signature match
//! this string to sign under this public key?" without choosing an engine.
//! This is the ECDSA level only: it does not rebuild the canonical request or
//! the string to sign.

use thiserror::Error;

use crate::der_signature::SignatureFormatError;
use crate::engine::{EngineError, P256Engine, SigningEngine, sha256};
use crate::{DerSignature, PublicKey};

/// Why [`verify`] rejected a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature is not hex of a strictly valid DER P-256 signature.
    #[error("malformed signature: {0}")]
    Malformed(#[from] SignatureFormatError),
    /// The signature is well-formed but does not match.
    #[error("signature does not verify")]
    Invalid,
    /// The engine failed.
    #[error("verification engine failure: {0}")]
    Engine(EngineError),
}

impl From<EngineError> for VerifyError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::MalformedSignature(f) => Self::Malformed(f),
            EngineError::InvalidSignature => Self::Invalid,
            other => Self::Engine(other),
        }
    }
}

/// Verifies a SigV4A signature (`Signature=` / `X-Amz-Signature` value: hex
/// of the DER ECDSA signature) over `string_to_sign` with the default engine.
///
/// Chunk and trailer signatures padded with `*` must be unpadded first.
///
/// # Errors
/// [`VerifyError::Malformed`] for bad hex or DER, [`VerifyError::Invalid`] if
/// the signature does not match.
pub fn verify(
    string_to_sign: &[u8],
    signature_hex: &str,
    public_key: &PublicKey,
) -> Result<(), VerifyError> {
    let sig = DerSignature::from_hex(signature_hex)?;
    P256Engine::new()
        .verify_prehash(public_key, &sha256(string_to_sign), sig.as_bytes())
        .map_err(VerifyError::from)
}
