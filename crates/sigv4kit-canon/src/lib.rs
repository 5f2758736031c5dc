//! Canonical requests and strings to sign for AWS Signature Version 4.
//!
//! This crate holds the request rules of SigV4 and SigV4A and nothing else: no
//! keys, no clock, no I/O. It turns a request given as borrowed parts into the
//! canonical request and the string to sign that both algorithms sign. The
//! rules are AWS's, as published in
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>
//! and as the AWS CRT implements them; each module names the rule it holds.
//!
//! On the signing path nothing is built as a `String`: every piece streams
//! into a [`Sink`], normally SHA-256, and scratch buffers are reused. The same
//! code writes the text form into a `Vec<u8>` when someone wants to read it.
//!
//! ```
//! use sigv4kit_canon::{CanonicalRules, Header, Request, canonical_request_text};
//!
//! let headers = [
//!     Header::new("Host", "example.amazonaws.com"),
//!     Header::new("X-Amz-Date", "20150830T123600Z"),
//! ];
//! let request = Request::new("GET", "/?Param2=value2&Param1=value1", &headers);
//! let canonical = canonical_request_text(&request, &CanonicalRules::default())?;
//! assert_eq!(
//!     canonical,
//!     "GET\n/\nParam1=value1&Param2=value2\n\
//!      host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
//!      host;x-amz-date\n\
//!      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
//! );
//! # Ok::<(), sigv4kit_canon::CanonicalError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod auth;
pub mod authorization;
pub mod canonical;
pub mod encoding;
pub mod error;
pub mod headers;
#[cfg(feature = "http")]
pub mod http_adapter;
pub mod path;
pub mod payload;
pub mod query;
pub mod raw;
mod recent;
pub mod request;
pub mod resign;
pub mod scope;
pub mod sink;
pub mod text;
mod words;

pub use authorization::{
    AuthorizationError, AuthorizationHeader, Credential, Placement, RequestSignature,
    SignatureBytes, SignedHeaders,
};
pub use canonical::{
    CanonicalRules, PreparedRequest, Scratch, SignedHeaderMerge, canonical_request_text,
};
pub use error::CanonicalError;
pub use headers::{AddedHeader, HeaderNames, HeaderSelection};
pub use path::PathRules;
pub use payload::{CanonicalPayload, Payload, PayloadHash, PayloadHasher, StreamingPayload};
pub use raw::{RawRequest, RawRequestError};
pub use request::{Header, Request};
pub use scope::{Algorithm, AmzDate, CredentialScope, Region, RegionSet, Service, StringToSign};
pub use sink::Sink;
