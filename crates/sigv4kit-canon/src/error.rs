//! Why a request cannot be canonicalized.
//!
//! Each variant names the culprit, so that a caller can fix the request
//! without reading the canonicalizer.

/// A request, or a part of the credential scope, that cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The method is empty or not an HTTP token.
    #[error("invalid HTTP method {method:?}")]
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// A header name is empty or has bytes an HTTP header name cannot have.
    #[error("invalid header name {name:?}")]
    InvalidHeaderName {
        /// The name, lossily decoded.
        name: String,
    },
    /// The request has no `Host` header, which every SigV4 signature covers.
    #[error("the request has no Host header; SigV4 requires the host to be signed")]
    MissingHost,
    /// A header the caller asked to sign is not in the request.
    #[error("header {name:?} was asked to be signed but the request does not have it")]
    MissingSignedHeader {
        /// The lower-case name.
        name: String,
    },
    /// The request already carries a header the signer adds.
    #[error(
        "the request already has a {name} header, which the signer adds; remove it first (see `resign`)"
    )]
    AlreadySignedHeader {
        /// The header name as found.
        name: String,
    },
    /// The request's query already carries an authentication parameter.
    #[error("the query already has the signing parameter {name}; remove it first (see `resign`)")]
    AlreadySignedQueryParameter {
        /// The parameter name as found.
        name: String,
    },
    /// A payload hash is not 64 hex digits.
    #[error("invalid payload hash {value:?}: expected 64 hex digits")]
    InvalidPayloadHash {
        /// The value as given.
        value: String,
    },
    /// The caller's `x-amz-content-sha256` header is neither a lower-case hex
    /// SHA-256 nor one of the literal payload values.
    #[error(
        "invalid x-amz-content-sha256 header {value:?}: expected 64 lower-case hex digits, UNSIGNED-PAYLOAD or a STREAMING-* value"
    )]
    InvalidContentSha256Header {
        /// The header value, lossily decoded.
        value: String,
    },
    /// The payload was to come from `x-amz-content-sha256`, which is missing.
    #[error("the payload hash was to come from the x-amz-content-sha256 header, which is missing")]
    MissingContentSha256Header,
    /// The caller's `x-amz-content-sha256` disagrees with the chosen payload.
    #[error("the x-amz-content-sha256 header says {header} but the chosen payload is {chosen}")]
    PayloadHashConflict {
        /// The header's value.
        header: String,
        /// The value of the chosen payload mode.
        chosen: String,
    },
    /// A service name is empty or has characters a credential scope cannot carry.
    #[error("invalid service name {value:?}")]
    InvalidService {
        /// The name as given.
        value: String,
    },
    /// A region is empty or has characters a credential scope cannot carry.
    #[error("invalid region {value:?}")]
    InvalidRegion {
        /// The region as given.
        value: String,
    },
    /// A SigV4A region set is empty, has an empty member, or whitespace in one.
    #[error("invalid region set {value:?}: {reason}")]
    InvalidRegionSet {
        /// The set as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A signing time cannot be written as an `X-Amz-Date`.
    #[error("invalid signing time {value:?}: {reason}")]
    InvalidTime {
        /// The time as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
}
