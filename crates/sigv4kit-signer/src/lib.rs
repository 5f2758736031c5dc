//! The [`Signer`] trait and the types sigv4kit's backends share.
//!
//! This crate holds no algorithm, as RustCrypto's `signature` crate holds
//! none: it defines what signing takes ([`Credentials`], [`SigningParams`])
//! and gives ([`SigningOutput`], [`SigningError`]), so that the SigV4 backend
//! (`sigv4kit-hmac`) and the SigV4A backend (`sigv4kit-ecdsa`) are
//! interchangeable behind a `Box<dyn Signer>`. The [`procedure`] module holds
//! the steps both algorithms share, so that they cannot drift apart.
//!
//! Verification mirrors it: the [`Verifier`] trait, what it checks against
//! ([`VerifyPolicy`], [`VerifyLimits`], an injectable [`Clock`]), what it
//! returns ([`Verified`], [`VerifyError`]), and in [`verification`] the
//! verification steps both algorithms share, on the signer's own
//! canonicalization.
//!
//! ```
//! use sigv4kit_canon::{AmzDate, Region, Service};
//! use sigv4kit_signer::{Credentials, Expiry, SigningParams};
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let params = SigningParams::new(
//!     &credentials,
//!     AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")?,
//!     Service::new("service")?,
//!     Region::new("us-east-1")?,
//! )
//! .presigned(Expiry::from_secs(3600)?);
//! assert!(format!("{params:?}").contains("<redacted>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod chain;
pub mod credentials;
pub mod error;
pub mod output;
pub mod params;
pub mod procedure;
pub mod signature;
pub mod signer;
pub mod verification;
pub mod verifier;

pub use chain::{ChainScope, ChainSigner, ChainVerifier, ChainedPiece};
pub use credentials::{
    Credentials, FingerprintedSecret, SecretAccessKey, SecretFingerprint, SessionToken,
};
pub use error::SigningError;
pub use output::SigningOutput;
pub use params::{
    Expiry, SessionTokenMode, SignatureLocation, SigningParams, SigningRegion, SigningSettings,
};
pub use signature::Signature;
pub use signer::Signer;
pub use sigv4kit_canon as canon;
pub use verifier::{
    AccessKeyId, Clock, FixedClock, PresignedPayload, SystemClock, Verified, Verifier, VerifyError,
    VerifyLimits, VerifyPolicy,
};
