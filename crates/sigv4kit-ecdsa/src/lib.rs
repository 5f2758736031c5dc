//! SigV4A (`AWS4-ECDSA-P256-SHA256`) cryptography for sigv4kit.
//!
//! AWS Signature Version 4A replaces SigV4's per-region HMAC key with an
//! ECDSA P-256 key derived from the access key pair, so one signature is
//! valid in many regions. This crate holds the parts of that scheme that are
//! cryptography rather than HTTP canonicalization:
//!
//! * [`derive_signing_key`]: the SigV4A key derivation (NIST SP 800-108
//!   counter-mode KDF with HMAC-SHA256, not HKDF), giving a [`SigningKey`]
//!   whose [`PublicKey`] matches AWS's.
//! * [`KeyCache`]: a bounded, thread-safe cache of derived keys.
//! * [`SigningEngine`]: sign and verify SHA-256 prehashes of the string to
//!   sign, producing [`DerSignature`]s; [`P256Engine`] (pure Rust, default)
//!   and `AwsLcEngine` (cargo feature `aws-lc`).
//! * [`verify()`]: one-call verification of a hex signature.
//! * [`hazmat`]: the sharp low-level pieces, for tests and interop.
//! * [`EcdsaSigner`]: the `Signer` for SigV4A, sharing every request rule with
//!   SigV4 through `sigv4kit-signer`'s procedure.
//! * [`EcdsaVerifier`]: the `Verifier` for SigV4A, which checks a received
//!   request's signature with only the public key.
//!
//! ```
//! use sigv4kit_ecdsa::{derive_signing_key, verify, P256Engine, SigningEngine};
//!
//! let key = derive_signing_key("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
//! assert_eq!(
//!     key.public_key().x_hex(),
//!     "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1"
//! );
//! let string_to_sign = b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n...";
//! let signature = P256Engine::new().sign(&key, string_to_sign)?;
//! verify(string_to_sign, &signature.to_hex(), &key.public_key())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bigint;
mod cache;
mod chain;
mod der_signature;
mod engine;
pub mod hazmat;
mod hex;
mod kdf;
mod public_key;
mod request_verifier;
mod signer;
mod signing_key;
mod verify;

pub use cache::{CacheStats, KeyCache};
pub use chain::{EcdsaChainSigner, EcdsaChainVerifier};
pub use der_signature::{DerSignature, SignatureFormatError};
#[cfg(feature = "aws-lc")]
pub use engine::AwsLcEngine;
pub use engine::{EngineError, P256Engine, SigningEngine};
pub use hex::HexError;
pub use kdf::{ALGORITHM, KdfError, derive_signing_key};
pub use public_key::{PublicKey, PublicKeyError, UNCOMPRESSED_SEC1_LEN};
pub use request_verifier::EcdsaVerifier;
pub use signer::EcdsaSigner;
pub use signing_key::SigningKey;
pub use verify::{VerifyError, verify};
