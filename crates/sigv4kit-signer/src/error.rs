//! Why signing failed.

use sigv4kit_canon::{Algorithm, CanonicalError};

/// A signing failure, with the culprit named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The request cannot be canonicalized; the inner error says which part.
    #[error(transparent)]
    Request(#[from] CanonicalError),
    /// The credentials are incomplete or malformed.
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong.
        reason: &'static str,
    },
    /// A presigned URL's expiry is 0 or over 7 days.
    #[error(
        "invalid expiry of {seconds} s: a presigned URL must expire after 1 s to 7 days (604800 s)"
    )]
    InvalidExpiry {
        /// The expiry asked for.
        seconds: u64,
    },
    /// A region set was given to the SigV4 signer, which signs for one region.
    #[error("{algorithm} signs for a single region, but a region set ({region_set}) was given")]
    RegionSetForSigv4 {
        /// The algorithm of the signer.
        algorithm: Algorithm,
        /// The set that was given.
        region_set: String,
    },
    /// The signer's key could not be derived from the credentials.
    #[error("key derivation failed: {reason}")]
    KeyDerivation {
        /// What went wrong.
        reason: String,
    },
    /// The signature primitive failed.
    #[error("signature computation failed: {reason}")]
    Crypto {
        /// What went wrong.
        reason: String,
    },
}
