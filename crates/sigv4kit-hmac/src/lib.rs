//! The SigV4 backend of sigv4kit: `AWS4-HMAC-SHA256`.
//!
//! [`HmacSigner`] implements [`Signer`]: it derives the SigV4 signing key
//! from the secret with the AWS HMAC chain ([`kdf`]), keeps it in a bounded
//! cache ([`cache`]) so that a warm signing costs only the canonical request's
//! SHA-256 and one HMAC, and signs the string to sign with it.
//!
//! ```
//! use sigv4kit_canon::{AmzDate, Header, Region, Request, Service};
//! use sigv4kit_hmac::HmacSigner;
//! use sigv4kit_signer::{Credentials, Signer, SigningParams};
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
//! let output = HmacSigner::new().sign(&request, &params)?;
//! assert_eq!(
//!     output.signature(),
//!     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cache;
pub mod chain;
pub mod kdf;
pub mod verify;

use hmac::Mac;
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{Algorithm, Request, Sink};
use sigv4kit_signer::procedure::sign_request;
use sigv4kit_signer::{
    ChainSigner, Signature, Signer, SigningError, SigningOutput, SigningParams, SigningRegion,
};

pub use cache::{CacheStats, SigningKeyCache};
pub use chain::{HmacChainSigner, HmacChainVerifier};
pub use kdf::SigningKey;
pub use verify::{FingerprintedSecret, HmacVerifier};

/// Signs with SigV4, caching derived keys.
#[derive(Debug, Default)]
pub struct HmacSigner {
    keys: SigningKeyCache,
}

impl HmacSigner {
    /// A signer with a key cache of the default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signer whose key cache holds at most `capacity` keys (0: no cache).
    pub fn with_cache_capacity(capacity: usize) -> Self {
        Self {
            keys: SigningKeyCache::new(capacity),
        }
    }

    /// The key cache, for statistics.
    pub fn key_cache(&self) -> &SigningKeyCache {
        &self.keys
    }
}

struct MacSink<'m>(&'m mut kdf::HmacSha256);

impl Sink for MacSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl Signer for HmacSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4
    }

    fn sign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError> {
        sign_request(Algorithm::Sigv4, request, params, |string_to_sign| {
            let region = string_to_sign
                .scope
                .region
                .ok_or(SigningError::RegionSetForSigv4 {
                    algorithm: Algorithm::Sigv4,
                    region_set: String::new(),
                })?;
            let mut mac = self.keys.keyed_mac(
                params.credentials,
                params.time.date(),
                region,
                &params.service,
            );
            let mut sink = Buffered::<_, 256>::new(MacSink(&mut mac));
            string_to_sign.write(&mut sink);
            sink.finish();
            Signature::from_raw(&mac.finalize().into_bytes())
        })
    }

    fn chain_signer(
        &self,
        params: &SigningParams<'_>,
    ) -> Result<Box<dyn ChainSigner>, SigningError> {
        let region = match &params.region {
            SigningRegion::Region(region) => region,
            SigningRegion::RegionSet(set) => {
                return Err(SigningError::RegionSetForSigv4 {
                    algorithm: Algorithm::Sigv4,
                    region_set: set.as_str().to_owned(),
                });
            }
        };
        Ok(Box::new(HmacChainSigner::new(self.keys.keyed_mac(
            params.credentials,
            params.time.date(),
            region,
            &params.service,
        ))))
    }
}
