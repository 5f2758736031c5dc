//! The `Verifier` trait: checking a received request's signature, for either
//! algorithm, and what it checks against.
//!
//! A server that accepts SigV4 requests must decide more than "does the
//! signature match": whether the request is fresh, scoped to this service and
//! region, signed over the headers that matter, and small enough to look at.
//! [`VerifyPolicy`] holds those decisions; [`VerifyError`] names each
//! rejection, so that a server can answer "expired" apart from "bad
//! signature". The steps both algorithms share live in
//! [`verification`](crate::verification), as the signing steps live in
//! [`procedure`](crate::procedure), so that signing and verifying
//! canonicalize with the same code and can never disagree.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sigv4kit_canon::headers::HeaderNames;
use sigv4kit_canon::text::ShortText;
use sigv4kit_canon::{
    Algorithm, AmzDate, AuthorizationError, CanonicalError, CanonicalPayload, PathRules, RegionSet,
    Request, RequestSignature, Service, SignatureBytes,
};

use crate::chain::ChainVerifier;
use crate::credentials::SessionToken;
use crate::params::{SessionTokenMode, SigningRegion};
use crate::signature::Signature;

/// Checks the signatures of received requests made with one algorithm.
///
/// Implemented by `HmacVerifier` (SigV4, keyed by the secret access key) and
/// `EcdsaVerifier` (SigV4A, keyed by a public key only). A server reads the
/// algorithm from the request ([`RequestSignature::algorithm`]) and picks the
/// verifier; the `sigv4kit` facade does that, with the key lookup in between.
pub trait Verifier: Send + Sync {
    /// What the signature is checked with: the secret for SigV4, a public key
    /// for SigV4A.
    type Key: ?Sized;

    /// The algorithm this verifier checks.
    fn algorithm(&self) -> Algorithm;

    /// Checks `request`, whose signature `signature` was read from it with
    /// [`RequestSignature::from_request`], with `key`. The request is already
    /// within `policy.limits`, as [`Verifier::verify`] checks them before it
    /// reads the signature.
    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &Self::Key,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError>;

    /// Bounds `request`, reads its signature and checks it with `key`.
    fn verify(
        &self,
        request: &Request<'_>,
        key: &Self::Key,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        policy.limits.check(request)?;
        // Borrowed where `from_request` returned it: moving it out of the
        // `Result` first costs a copy of a struct just written.
        match RequestSignature::from_request(request) {
            Ok(ref signature) => self.verify_parsed(request, signature, key, policy),
            Err(error) => Err(error.into()),
        }
    }

    /// The checker of the chunk, trailer or event signatures that follow the
    /// verified seed request `verified`, bound to `key`: for SigV4 the
    /// signing key of the seed's scope, for SigV4A the public key.
    ///
    /// # Errors
    /// [`VerifyError::WrongAlgorithm`] when `verified` is of the other
    /// algorithm; [`VerifyError::WrongKeyType`] when `key` cannot check it.
    fn chain_verifier(
        &self,
        verified: &Verified,
        key: &Self::Key,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError>;
}

impl<V: Verifier + ?Sized> Verifier for Box<V> {
    type Key = V::Key;

    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &Self::Key,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        (**self).verify_parsed(request, signature, key, policy)
    }

    fn chain_verifier(
        &self,
        verified: &Verified,
        key: &Self::Key,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        (**self).chain_verifier(verified, key)
    }
}

impl<V: Verifier + ?Sized> Verifier for Arc<V> {
    type Key = V::Key;

    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &Self::Key,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        (**self).verify_parsed(request, signature, key, policy)
    }

    fn chain_verifier(
        &self,
        verified: &Verified,
        key: &Self::Key,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        (**self).chain_verifier(verified, key)
    }
}

/// Why a request was rejected. Each rejection has its own variant, and the
/// message names the culprit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The request's signature parameters are missing, repeated or malformed
    /// (a duplicate parameter, an unknown algorithm, a malformed scope, bad
    /// hex, ...); the inner error says which.
    #[error(transparent)]
    Malformed(#[from] AuthorizationError),
    /// More headers than [`VerifyLimits::max_headers`].
    #[error("the request has {count} headers, more than the {max} allowed")]
    TooManyHeaders {
        /// Headers received.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A header (name and value) longer than [`VerifyLimits::max_header_bytes`].
    #[error("header {name:?} is {size} bytes, more than the {max} allowed")]
    HeaderTooLarge {
        /// The header name, shortened.
        name: String,
        /// Its size, name and value.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A path and query longer than [`VerifyLimits::max_url_bytes`].
    #[error("the request target is {size} bytes, more than the {max} allowed")]
    UrlTooLarge {
        /// Path and query bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A body longer than [`VerifyLimits::max_payload_bytes`].
    #[error("the body is {size} bytes, more than the {max} allowed")]
    PayloadTooLarge {
        /// Body bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A signed-header list longer than [`VerifyLimits::max_signed_headers_bytes`].
    #[error("the signed-header list is {size} bytes, more than the {max} allowed")]
    SignedHeaderListTooLong {
        /// The list's length.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The request was signed with another algorithm than this verifier's.
    #[error("the request is signed with {found}, but this verifier checks {expected}")]
    WrongAlgorithm {
        /// The verifier's algorithm.
        expected: Algorithm,
        /// The request's.
        found: Algorithm,
    },
    /// The scope names a service the policy does not accept.
    #[error("the signature is scoped to service {service:?}, which is not accepted here")]
    WrongService {
        /// The scope's service.
        service: String,
    },
    /// The scope's region (SigV4) or the region set (SigV4A) matches no
    /// region the policy accepts.
    #[error("the signature is scoped to region {region:?}, which is not accepted here")]
    WrongRegion {
        /// The scope's region, or the SigV4A region set.
        region: String,
    },
    /// The request's time is further from now than the allowed clock skew
    /// (a presigned URL: its start is in the future beyond the skew).
    #[error(
        "the request time {request_time} is {difference_seconds} s from now, more than the {max_seconds} s allowed"
    )]
    ClockSkew {
        /// `X-Amz-Date`.
        request_time: AmzDate,
        /// How far it is from now, in seconds.
        difference_seconds: i64,
        /// The allowed skew.
        max_seconds: u64,
    },
    /// A presigned URL is past its expiry.
    #[error("the presigned URL expired at {expired_at} (Unix time), it is now {now}")]
    Expired {
        /// `X-Amz-Date` plus `X-Amz-Expires`, Unix seconds.
        expired_at: i64,
        /// The verifier's clock, Unix seconds.
        now: i64,
    },
    /// A presigned URL's `X-Amz-Expires` is longer than the policy allows.
    #[error("X-Amz-Expires of {expires_seconds} s is longer than the {max_seconds} s allowed")]
    ExpiryTooLong {
        /// `X-Amz-Expires`.
        expires_seconds: u64,
        /// The limit (7 days by default, as AWS).
        max_seconds: u64,
    },
    /// `host` is not in the signed headers.
    #[error("the Host header is not signed")]
    UnsignedHost,
    /// An `x-amz-*` header of the request is not in the signed headers.
    #[error("header {name:?} is not signed; every x-amz-* header must be")]
    UnsignedAmzHeader {
        /// The header name, lower-case.
        name: String,
    },
    /// The body does not hash to the signed `x-amz-content-sha256`.
    #[error("the body hashes to {computed}, but x-amz-content-sha256 says {declared}")]
    BodyHashMismatch {
        /// The header's value.
        declared: String,
        /// The body's hash.
        computed: String,
    },
    /// The canonical request cannot be recomputed: a signed header is
    /// missing, the method is not a token, `x-amz-content-sha256` is
    /// malformed, ...
    #[error("the canonical request cannot be recomputed: {0}")]
    Canonical(CanonicalError),
    /// No key is known for the access key id.
    #[error("unknown access key id {access_key_id:?}")]
    UnknownAccessKey {
        /// The access key id of the credential.
        access_key_id: String,
    },
    /// The key store failed; the request may be fine.
    #[error("the key for the access key id could not be looked up: {reason}")]
    KeyUnavailable {
        /// What the key store said.
        reason: String,
    },
    /// The key cannot check this algorithm: a SigV4A public key for a SigV4
    /// signature, which needs the secret.
    #[error("the key cannot verify {algorithm}: {reason}")]
    WrongKeyType {
        /// The request's algorithm.
        algorithm: Algorithm,
        /// Why.
        reason: &'static str,
    },
    /// The SigV4A signature is not a valid DER ECDSA signature.
    #[error("the signature is not a valid DER ECDSA P-256 signature: {reason}")]
    MalformedEcdsaSignature {
        /// What is wrong.
        reason: String,
    },
    /// The signature primitive failed; the request may be fine.
    #[error("signature verification failed: {reason}")]
    Crypto {
        /// What went wrong.
        reason: String,
    },
    /// The signature does not match. Carries the canonical request and the
    /// string to sign this verifier computed, for the client to compare with
    /// its own, as AWS's `SignatureDoesNotMatch` does. The session token is
    /// redacted from both; no secret is ever in them.
    #[error(
        "the signature does not match.\n--- canonical request computed\n{canonical_request}\n--- string to sign computed\n{string_to_sign}"
    )]
    SignatureMismatch {
        /// The canonical request, as this verifier computed it.
        canonical_request: String,
        /// The string to sign, as this verifier computed it.
        string_to_sign: String,
    },
}

impl From<CanonicalError> for VerifyError {
    fn from(error: CanonicalError) -> Self {
        Self::Canonical(error)
    }
}

/// Bounds on a received request, checked before anything is parsed or hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyLimits {
    /// Most headers a request may have.
    pub max_headers: usize,
    /// Most bytes of one header, name plus value.
    pub max_header_bytes: usize,
    /// Most bytes of the path plus the query.
    pub max_url_bytes: usize,
    /// Most bytes of a body given as bytes.
    pub max_payload_bytes: usize,
    /// Most bytes of the signed-header list.
    pub max_signed_headers_bytes: usize,
}

impl VerifyLimits {
    /// Generous defaults: 100 headers of 8 KiB, a 16 KiB URL (a presigned URL
    /// with a session token is about 2 KiB), a 64 MiB body, a signed-header
    /// list of 4 KiB.
    pub const DEFAULT: Self = Self {
        max_headers: 100,
        max_header_bytes: 8 * 1024,
        max_url_bytes: 16 * 1024,
        max_payload_bytes: 64 * 1024 * 1024,
        max_signed_headers_bytes: 4 * 1024,
    };

    /// Checks the request against these limits. Costs one pass over the
    /// header lengths; nothing is parsed or hashed.
    pub fn check(&self, request: &Request<'_>) -> Result<(), VerifyError> {
        if request.headers.len() > self.max_headers {
            return Err(VerifyError::TooManyHeaders {
                count: request.headers.len(),
                max: self.max_headers,
            });
        }
        if let Some(header) = request
            .headers
            .iter()
            .find(|header| header.name.len() + header.value.len() > self.max_header_bytes)
        {
            let shown = &header.name[..header.name.len().min(64)];
            let mut name = String::from_utf8_lossy(shown).into_owned();
            if shown.len() < header.name.len() {
                name.push_str("...");
            }
            return Err(VerifyError::HeaderTooLarge {
                name,
                size: header.name.len() + header.value.len(),
                max: self.max_header_bytes,
            });
        }
        let url = request.path.len() + request.query.len();
        if url > self.max_url_bytes {
            return Err(VerifyError::UrlTooLarge {
                size: url,
                max: self.max_url_bytes,
            });
        }
        if let sigv4kit_canon::Payload::Bytes(body) = request.payload
            && body.len() > self.max_payload_bytes
        {
            return Err(VerifyError::PayloadTooLarge {
                size: body.len(),
                max: self.max_payload_bytes,
            });
        }
        Ok(())
    }
}

impl Default for VerifyLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The verifier's clock, injectable so that tests can verify old requests.
pub trait Clock: fmt::Debug + Send + Sync {
    /// Now, in seconds since the Unix epoch.
    fn now_unix_seconds(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_seconds(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl FixedClock {
    /// A clock stopped at `time`.
    pub fn at(time: &AmzDate) -> Self {
        Self(time.unix_seconds())
    }
}

impl Clock for FixedClock {
    fn now_unix_seconds(&self) -> i64 {
        self.0
    }
}

/// Where a presigned URL's payload line comes from when the request has no
/// `x-amz-content-sha256` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresignedPayload {
    /// `UNSIGNED-PAYLOAD`, as S3 and sigv4kit's presigner sign URLs.
    #[default]
    Unsigned,
    /// The request's payload, as for header signing (the body's hash); what
    /// the AWS signing suite's query cases sign.
    FromRequest,
}

/// What a verifier accepts.
#[derive(Debug, Clone)]
pub struct VerifyPolicy {
    /// The services a scope may name; any one of them.
    pub services: Vec<Service>,
    /// The regions this server serves, `*` for any (members may use `*` as a
    /// wildcard, e.g. `us-*`). A SigV4 scope's region must match one; a
    /// SigV4A region set must have a member that matches one.
    pub regions: RegionSet,
    /// The largest difference allowed between the request's time and now;
    /// 15 minutes by default, as AWS.
    pub max_clock_skew: Duration,
    /// The longest `X-Amz-Expires` accepted; 7 days by default, as AWS.
    pub max_expiry: Duration,
    /// Size bounds, checked first.
    pub limits: VerifyLimits,
    /// How the path is canonicalized: [`PathRules::STANDARD`], or
    /// [`PathRules::S3`] for S3 and S3-compatible stores.
    pub path: PathRules,
    /// The payload line of a presigned URL without `x-amz-content-sha256`.
    pub presigned_payload: PresignedPayload,
    /// Whether the session token is signed: [`SessionTokenMode::Signed`] by
    /// default. With [`SessionTokenMode::SentUnsigned`] (AWS IoT's
    /// convention), a header signature may leave `X-Amz-Security-Token` out
    /// of its signed headers, and a presigned URL's canonical query leaves
    /// the token out: it was added after signing.
    pub session_token: SessionTokenMode,
    /// Now.
    pub clock: Arc<dyn Clock>,
}

impl VerifyPolicy {
    /// The default skew, 15 minutes.
    pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);
    /// The default and AWS's longest expiry, 7 days.
    pub const DEFAULT_MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

    /// A policy accepting `service` in `regions`, with the defaults: 15
    /// minutes of skew, 7 days of expiry, [`VerifyLimits::DEFAULT`], standard
    /// path rules, unsigned presigned payloads, the system clock.
    pub fn new(service: Service, regions: RegionSet) -> Self {
        Self {
            services: vec![service],
            regions,
            max_clock_skew: Self::DEFAULT_MAX_CLOCK_SKEW,
            max_expiry: Self::DEFAULT_MAX_EXPIRY,
            limits: VerifyLimits::DEFAULT,
            path: PathRules::STANDARD,
            presigned_payload: PresignedPayload::Unsigned,
            session_token: SessionTokenMode::Signed,
            clock: Arc::new(SystemClock),
        }
    }

    /// S3's rules: the path is signed as sent.
    pub fn s3(regions: RegionSet) -> Self {
        let mut policy = Self::new(
            Service::new("s3").unwrap_or_else(|_| unreachable!()),
            regions,
        );
        policy.path = PathRules::S3;
        policy
    }

    /// This policy, also accepting `service`.
    pub fn with_service(mut self, service: Service) -> Self {
        self.services.push(service);
        self
    }

    /// This policy with `clock`.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// This policy with `skew` as the largest clock difference.
    pub fn with_max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// This policy with `path` rules.
    pub fn with_path_rules(mut self, path: PathRules) -> Self {
        self.path = path;
        self
    }

    /// This policy with `limits`.
    pub fn with_limits(mut self, limits: VerifyLimits) -> Self {
        self.limits = limits;
        self
    }

    /// This policy with the session token signed or `SentUnsigned`.
    pub fn with_session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// This policy taking a presigned URL's payload line from `payload`.
    pub fn with_presigned_payload(mut self, payload: PresignedPayload) -> Self {
        self.presigned_payload = payload;
        self
    }
}

/// What a verified request was signed for.
#[derive(Clone)]
pub struct Verified {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Who signed: the access key id.
    pub access_key_id: AccessKeyId,
    /// When: `X-Amz-Date`.
    pub time: AmzDate,
    /// The scope's service.
    pub service: Service,
    /// The scope's region (SigV4) or the region set (SigV4A).
    pub region: SigningRegion,
    /// The headers the signature covers; nothing else of the request's
    /// headers is authenticated.
    pub signed_headers: HeaderNames,
    /// The payload line signed: a body hash, `UNSIGNED-PAYLOAD` (the body is
    /// not authenticated) or a streaming literal (chunk signatures follow).
    pub payload: CanonicalPayload,
    /// `X-Amz-Expires` of a presigned URL; `None` for header signing.
    pub expires_seconds: Option<u64>,
    /// The session token sent, for the caller to check with its issuer.
    pub security_token: Option<SessionToken>,
    /// The request's signature: the seed of a chunk or event chain.
    pub signature: SignatureBytes,
}

impl Verified {
    /// The request's signature as lower-case hex, as the first chunk or
    /// event of a stream chains it.
    pub fn signature_hex(&self) -> Signature {
        Signature::from_raw(self.signature.as_bytes())
            .unwrap_or_else(|_| unreachable!("SignatureBytes holds at most MAX_SIGNATURE_BYTES"))
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("algorithm", &self.algorithm)
            .field("access_key_id", &self.access_key_id)
            .field("time", &self.time)
            .field("service", &self.service)
            .field("region", &self.region)
            .field("signed_headers", &self.signed_headers)
            .field("payload", &self.payload)
            .field("expires_seconds", &self.expires_seconds)
            .field("security_token", &self.security_token)
            .field("signature", &self.signature_hex())
            .finish()
    }
}

/// The access key id of a verified request.
///
/// Held inline when it is no longer than [`AccessKeyId::INLINE`] bytes, as
/// AWS's 20-character ids are, so that answering a verification with it
/// costs no allocation; a longer one is shared. It reads as a `str`
/// (`Deref`, `as_str`, `Display`) and compares with one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccessKeyId(ShortText<{ AccessKeyId::INLINE }>);

impl AccessKeyId {
    /// The longest id held inline, in bytes.
    pub const INLINE: usize = 32;

    /// The id `text`.
    pub fn new(text: &str) -> Self {
        Self(ShortText::new(text))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for AccessKeyId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for AccessKeyId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for AccessKeyId {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl PartialEq<str> for AccessKeyId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for AccessKeyId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for AccessKeyId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl fmt::Debug for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_read_and_compare_as_text_inline_or_shared() {
        let long = "A".repeat(AccessKeyId::INLINE + 1);
        for text in ["AKIDEXAMPLE", "", &long] {
            let id = AccessKeyId::new(text);
            assert_eq!(id.as_str(), text);
            assert_eq!(id, text);
            assert_eq!(id, AccessKeyId::from(text));
            assert_eq!(id.to_string(), text);
            assert_eq!(format!("{id:?}"), format!("{text:?}"));
        }
        assert!(AccessKeyId::new(&long[1..]).0.is_inline());
        assert!(!AccessKeyId::new(&long).0.is_inline());
    }
}
