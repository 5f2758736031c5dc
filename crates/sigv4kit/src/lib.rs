//! sigv4kit: sign, and verify, HTTP requests with AWS Signature Version 4.
//!
//! This is the crate applications depend on. It gathers the request model
//! and canonicalization ([`canon`]), the shared signing types ([`Signer`],
//! [`Credentials`], [`SigningParams`]) and the algorithm backends: SigV4
//! ([`HmacSigner`]) and SigV4A ([`EcdsaSigner`], with the pure-Rust `p256`
//! engine by default, or AWS-LC with the `aws-lc` feature). It verifies too:
//! [`RequestVerifier`] checks a received request of either algorithm, with a
//! key from a [`KeyProvider`], and [`presign()`] makes presigned URLs for both
//! (see `docs/VERIFYING.md`).
//!
//! Applications choose the algorithm by configuration rather than code: a
//! [`SignerConfig`] (built in code, read from TOML, or empty) is completed
//! from the AWS conventions (`AWS_AUTH_SCHEME_PREFERENCE`, `AWS_REGION`,
//! `AWS_PROFILE` and the shared config files, the endpoint's host name, the
//! service [`preset`]s) into a [`RequestSigner`] of SigV4 or SigV4A, with
//! credentials from any [`ProvideCredentials`] (see `docs/CONFIGURATION.md`).
//!
//! Large bodies stream: [`RequestSigner::chunked_upload`] plans an
//! `aws-chunked` upload whose every chunk is signed as it is sent, and
//! [`RequestVerifier::verify_seed`] with [`stream`]'s verifier checks one
//! chunk by chunk; event streams are signed and verified in
//! [`stream::event`] (see `docs/STREAMING.md`). The features `http`,
//! `tokio`, `tower` and `reqwest` plug both into those stacks.
//!
//! ```
//! use sigv4kit::canon::{AmzDate, Header, Region, Request, Service};
//! use sigv4kit::{Credentials, HmacSigner, Signer, SigningParams};
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let headers = [Header::new("Host", "example.amazonaws.com")];
//! let request = Request::new("GET", "/", &headers);
//! let params = SigningParams::new(
//!     &credentials,
//!     AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")?,
//!     Service::new("service")?,
//!     Region::new("us-east-1")?,
//! );
//! let signer: Box<dyn Signer> = Box::new(HmacSigner::new());
//! let output = signer.sign(&request, &params)?;
//! for (name, value) in output.headers() {
//!     println!("{name}: {value}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod credentials;
pub mod environment;
pub mod explain;
#[cfg(any(feature = "http", feature = "tower", feature = "reqwest"))]
pub mod integrations;
pub mod preset;
pub mod presign;
pub mod profile;
pub mod streaming;
pub mod verify;

pub use config::{
    ConfigError, PresetChoice, RequestSigner, ResolvedConfig, SettingSource, SignRequestError,
    SignerConfig, SigningOverrides,
};
pub use credentials::{
    CredentialsChain, CredentialsError, CredentialsFuture, DefaultCredentialsChain,
    EnvironmentCredentials, ProfileCredentials, ProfileSource, ProvideCredentials,
};
pub use environment::{Environment, MapEnvironment, ProcessEnvironment};
#[cfg(feature = "reqwest")]
pub use integrations::reqwest::SigningMiddleware;
#[cfg(feature = "tower")]
pub use integrations::tower::{SignLayer, VerifiedCaller, VerifyLayer};
pub use preset::{
    InferredEndpoint, PayloadPolicy, ServicePreset, Transport, UnknownPreset, infer_from_host,
};
pub use presign::{PresignError, PresignRequest, PresignedUrl, presign};
pub use profile::{Profile, ProfileError, ProfileFiles, ProfileSet, ProfileWarning};
pub use sigv4kit_canon as canon;
#[cfg(feature = "aws-lc")]
pub use sigv4kit_ecdsa::AwsLcEngine;
pub use sigv4kit_ecdsa::{EcdsaSigner, EcdsaVerifier, P256Engine, PublicKey, SigningEngine};
pub use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
pub use sigv4kit_signer::verification::{CanonicalForms, canonical_forms};
pub use sigv4kit_signer::{
    AccessKeyId, Clock, Credentials, Expiry, FixedClock, PresignedPayload, SecretAccessKey,
    SessionTokenMode, SignatureLocation, Signer, SigningError, SigningOutput, SigningParams,
    SigningRegion, SigningSettings, SystemClock, Verified, Verifier, VerifyError, VerifyLimits,
    VerifyPolicy,
};
pub use sigv4kit_stream as stream;
pub use streaming::{ChunkedUploads, SignedChunkedUpload};
pub use verify::{
    InMemoryKeyProvider, KeyLookupError, KeyProvider, RequestVerifier, VerifiedSeed, VerifyingKey,
    verify_request,
};
