//! Tower middleware: [`SignLayer`] signs what a client sends, and
//! [`VerifyLayer`] checks what a server receives.
//!
//! Both sit where the whole request is seen exactly once, so that neither
//! the application nor the handler has to remember to sign or to check.
//!
//! ## Signing, and the body
//!
//! A signature covers the body's hash, but an `http_body::Body` may be a
//! stream that cannot be read twice. [`SignService`] decides by the body's
//! `size_hint()`:
//!
//! - under a payload policy of `UNSIGNED-PAYLOAD`, the body is not read at
//!   all;
//! - a body of exactly known length, at most
//!   [`SignLayer::with_max_buffered_body`] bytes (8 MiB by default), is
//!   collected, hashed and sent on from memory. `Full<Bytes>`, `Empty` and
//!   the bodies of `reqwest` and `axum` built from bytes report an exact
//!   length and arrive as one chunk, so collecting them copies nothing;
//! - any other body is a stream. It is sent as it comes, signed
//!   `UNSIGNED-PAYLOAD` where the preset allows it
//!   ([`streamed_body_payload`](super::http::streamed_body_payload));
//!   otherwise the request
//!   fails with [`SignRequestError::StreamingBodyNotAllowed`] before
//!   anything is sent.
//!
//! With [`SignLayer::with_chunked_uploads`], a body of exactly known length
//! is instead sent `aws-chunked`: never read whole, each chunk signed as it
//! goes (`docs/STREAMING.md`).
//!
//! The inner service receives a [`SignedBody`]: the bytes read, the
//! original body (trailers kept), or the `aws-chunked` encoding.
//!
//! ## Verifying, and the answer
//!
//! An `aws-chunked` request (its `x-amz-content-sha256` says so) is
//! verified chunk by chunk as its body arrives: the seed, each chunk
//! signature in order, the trailer signature and the checksums; the handler
//! gets the decoded body once all of it verified.
//!
//! [`VerifyService`] reads the body up to the policy's
//! [`max_payload_bytes`](crate::VerifyLimits::max_payload_bytes), verifies
//! the request, and on success hands the handler the request with the body
//! as `Full<Bytes>` and a [`VerifiedCaller`] extension saying who signed. A
//! rejection never reaches the handler: it is answered as AWS answers, with
//! an error code the AWS SDKs and tools recognise ([`Rejection`]), in XML or
//! JSON ([`ErrorFormat::for_request`]). The message says what was wrong
//! without secrets or server internals; the canonical request and string
//! to sign that S3 returns with `SignatureDoesNotMatch` are included only
//! when [`VerifyLayer::with_signature_debug`] asks for them, because they
//! show an attacker exactly what the server computes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use ::http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use ::http::{Request, Response, StatusCode};
use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use pin_project_lite::pin_project;
use sigv4kit_canon::{Algorithm, AuthorizationError, CanonicalPayload, Payload, StreamingPayload};
use sigv4kit_ecdsa::{P256Engine, SigningEngine};
use sigv4kit_signer::{Verified, VerifyError};
use sigv4kit_stream::decode::{DecodeError, StreamLimits};
use sigv4kit_stream::verify::StreamVerifyError;
use tower_layer::Layer;
use tower_service::Service;

use super::http::{
    ChunkedBody, ChunkedHttpError, HttpSignError, credentials_now, is_aws_chunked,
    sign_chunked_http_parts_with, sign_http_parts_with, streamed_body_payload,
    verify_chunked_http_parts, verify_http_parts,
};
use crate::config::{RequestSigner, SignRequestError};
use crate::preset::PayloadPolicy;
use crate::streaming::ChunkedUploads;
use crate::verify::{KeyProvider, RequestVerifier};

/// The error type bodies and services box theirs into.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Signs every request sent through the service it wraps.
#[derive(Debug, Clone)]
pub struct SignLayer {
    signer: RequestSigner,
    max_buffered_body: u64,
    chunked: Option<ChunkedUploads>,
}

impl SignLayer {
    /// The largest body collected to be hashed by default: 8 MiB.
    pub const DEFAULT_MAX_BUFFERED_BODY: u64 = 8 * 1024 * 1024;

    /// A layer signing with `signer`.
    pub fn new(signer: RequestSigner) -> Self {
        Self {
            signer,
            max_buffered_body: Self::DEFAULT_MAX_BUFFERED_BODY,
            chunked: None,
        }
    }

    /// The same layer sending every non-empty body of exactly known length
    /// `aws-chunked`, signed chunk by chunk as `chunked` plans it, instead
    /// of reading it to hash it. This is how large S3 uploads are sent.
    pub fn with_chunked_uploads(mut self, chunked: ChunkedUploads) -> Self {
        self.chunked = Some(chunked);
        self
    }

    /// The same layer collecting bodies of at most `bytes` to hash them;
    /// longer ones are streamed.
    pub fn with_max_buffered_body(mut self, bytes: u64) -> Self {
        self.max_buffered_body = bytes;
        self
    }
}

impl<S> Layer<S> for SignLayer {
    type Service = SignService<S>;

    fn layer(&self, inner: S) -> SignService<S> {
        SignService {
            inner,
            signer: self.signer.clone(),
            max_buffered_body: self.max_buffered_body,
            chunked: self.chunked,
        }
    }
}

/// A service that signs each request, then passes it to the inner service.
/// Made by [`SignLayer`].
#[derive(Debug, Clone)]
pub struct SignService<S> {
    inner: S,
    signer: RequestSigner,
    max_buffered_body: u64,
    chunked: Option<ChunkedUploads>,
}

/// Why a [`SignService`] call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignServiceError<E> {
    /// The request could not be signed; nothing was sent.
    #[error(transparent)]
    Sign(#[from] HttpSignError),
    /// The body, collected to be hashed, failed to read; nothing was sent.
    #[error("the request body could not be read to hash it: {0}")]
    Body(BoxError),
    /// The inner service failed.
    #[error(transparent)]
    Inner(E),
}

impl<E> From<SignRequestError> for SignServiceError<E> {
    fn from(error: SignRequestError) -> Self {
        Self::Sign(HttpSignError::Sign(error))
    }
}

impl<S, B> Service<Request<B>> for SignService<S>
where
    S: Service<Request<SignedBody<B>>> + Clone + Send + 'static,
    S::Future: Send,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = SignServiceError<S::Error>;
    type Future = BoxFuture<Result<S::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(SignServiceError::Inner)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone is not the instance poll_ready made ready; keep the
        // ready one for this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let signer = self.signer.clone();
        let max_buffered_body = self.max_buffered_body;
        let chunked = self.chunked;
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let streamed_payload = streamed_body_payload(&signer, &parts.uri);
            let (credentials, time) = credentials_now(&signer).await?;
            if let Some(chunked) = chunked
                && let Some(length) = body.size_hint().exact().filter(|length| *length > 0)
            {
                let upload = chunked.plan(&signer, length);
                let encoder =
                    sign_chunked_http_parts_with(&signer, &mut parts, &upload, &credentials, time)?;
                let body = SignedBody::chunked(ChunkedBody::new(body, encoder));
                return inner
                    .call(Request::from_parts(parts, body))
                    .await
                    .map_err(SignServiceError::Inner);
            }
            let mut sign = |payload: Payload<'_>| {
                sign_http_parts_with(&signer, &mut parts, payload, &credentials, time)
            };
            let body = match signer.payload_policy() {
                PayloadPolicy::Unsigned => {
                    sign(Payload::Unsigned)?;
                    SignedBody::streamed(body)
                }
                PayloadPolicy::Hashed
                    if body
                        .size_hint()
                        .exact()
                        .is_some_and(|length| length <= max_buffered_body) =>
                {
                    let collected = Limited::new(body, clamp_to_usize(max_buffered_body))
                        .collect()
                        .await
                        .map_err(SignServiceError::Body)?;
                    let trailers = collected.trailers().cloned();
                    let bytes = collected.to_bytes();
                    sign(Payload::Bytes(&bytes))?;
                    SignedBody::buffered(bytes, trailers)
                }
                PayloadPolicy::Hashed => {
                    sign(streamed_payload?)?;
                    SignedBody::streamed(body)
                }
            };
            inner
                .call(Request::from_parts(parts, body))
                .await
                .map_err(SignServiceError::Inner)
        })
    }
}

fn clamp_to_usize(bytes: u64) -> usize {
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

pin_project! {
    /// The body a [`SignService`] sends: the bytes it read to hash them, the
    /// caller's body streamed unread, or the caller's body sent
    /// `aws-chunked`.
    pub struct SignedBody<B> {
        #[pin]
        kind: SignedBodyKind<B>,
    }
}

pin_project! {
    #[project = SignedBodyProjection]
    enum SignedBodyKind<B> {
        Buffered {
            data: Option<Bytes>,
            trailers: Option<HeaderMap>,
        },
        Streamed {
            #[pin]
            body: B,
        },
        Chunked {
            #[pin]
            body: ChunkedBody<B>,
        },
    }
}

impl<B> SignedBody<B> {
    fn buffered(data: Bytes, trailers: Option<HeaderMap>) -> Self {
        Self {
            kind: SignedBodyKind::Buffered {
                data: Some(data),
                trailers,
            },
        }
    }

    fn streamed(body: B) -> Self {
        Self {
            kind: SignedBodyKind::Streamed { body },
        }
    }

    fn chunked(body: ChunkedBody<B>) -> Self {
        Self {
            kind: SignedBodyKind::Chunked { body },
        }
    }

    /// Whether the body is sent `aws-chunked`.
    pub fn is_chunked(&self) -> bool {
        matches!(self.kind, SignedBodyKind::Chunked { .. })
    }

    /// Whether the body was read and hashed (not streamed).
    pub fn is_buffered(&self) -> bool {
        matches!(self.kind, SignedBodyKind::Buffered { .. })
    }
}

impl<B> fmt::Debug for SignedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SignedBodyKind::Buffered { data, .. } => f
                .debug_struct("SignedBody::Buffered")
                .field("len", &data.as_ref().map_or(0, Bytes::len))
                .finish(),
            SignedBodyKind::Streamed { .. } => f.write_str("SignedBody::Streamed"),
            SignedBodyKind::Chunked { body } => {
                f.debug_tuple("SignedBody::Chunked").field(body).finish()
            }
        }
    }
}

impl<B> Body for SignedBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.project().kind.project() {
            SignedBodyProjection::Buffered { data, trailers } => {
                if let Some(data) = data.take().filter(|data| !data.is_empty()) {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Poll::Ready(
                    trailers
                        .take()
                        .map(|trailers| Ok(Frame::trailers(trailers))),
                )
            }
            SignedBodyProjection::Streamed { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|frame| frame.map_err(Into::into))),
            SignedBodyProjection::Chunked { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|frame| frame.map_err(Into::into))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            SignedBodyKind::Buffered { data, trailers } => {
                data.as_ref().is_none_or(Bytes::is_empty) && trailers.is_none()
            }
            SignedBodyKind::Streamed { body } => body.is_end_stream(),
            SignedBodyKind::Chunked { body } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            SignedBodyKind::Buffered { data, .. } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |data| data.len() as u64))
            }
            SignedBodyKind::Streamed { body } => body.size_hint(),
            SignedBodyKind::Chunked { body } => body.size_hint(),
        }
    }
}

/// Who signed a request that [`VerifyService`] accepted, as a request
/// extension for the handler (`axum::Extension<VerifiedCaller>`, or
/// `request.extensions().get::<VerifiedCaller>()`).
#[derive(Debug, Clone)]
pub struct VerifiedCaller(Verified);

impl VerifiedCaller {
    /// The access key id that signed.
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The algorithm it signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm
    }

    /// Whether the body the handler receives is authenticated: the
    /// signature covers its hash, or it came `aws-chunked` with every chunk
    /// signature verified. `false` for `UNSIGNED-PAYLOAD` and for
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (whose checksum trailer this
    /// layer checked, but which anyone could have computed): then a handler
    /// that needs the body authenticated must refuse it.
    pub fn body_is_signed(&self) -> bool {
        match self.0.payload {
            CanonicalPayload::Hash(_) => true,
            CanonicalPayload::Literal(_) => self
                .0
                .payload
                .streaming()
                .and_then(StreamingPayload::chunk_algorithm)
                .is_some(),
        }
    }

    /// Everything verification established: scope, time, signed headers,
    /// session token.
    pub fn verified(&self) -> &Verified {
        &self.0
    }

    /// The verification result.
    pub fn into_verified(self) -> Verified {
        self.0
    }
}

/// Which error body a rejection is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    /// `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`,
    /// as S3 and the REST-XML and query services answer.
    Xml,
    /// `{"__type": "…", "message": "…"}`, as the JSON services (DynamoDB,
    /// Kinesis, Lambda) answer, with the request id in `x-amzn-RequestId`.
    Json,
}

impl ErrorFormat {
    /// The format a client sending these headers reads, by the first rule
    /// that decides:
    ///
    /// 1. the first media type of `Accept` that names JSON
    ///    (`application/json`, `application/x-amz-json-1.0`, `…+json`) or
    ///    XML (`application/xml`, `text/xml`, `…+xml`), in the order listed
    ///    (quality values are not weighed; `*/*` decides nothing);
    /// 2. the request's own `Content-Type`, JSON or XML by the same names;
    /// 3. an `X-Amz-Target` header, which only the JSON protocols send;
    /// 4. otherwise XML, the format of S3 and of the query protocol.
    pub fn for_request(headers: &HeaderMap) -> Self {
        let accepted = headers
            .get_all(ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .find_map(Self::of_media_type);
        accepted
            .or_else(|| {
                headers
                    .get(CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .and_then(Self::of_media_type)
            })
            .or_else(|| headers.contains_key("x-amz-target").then_some(Self::Json))
            .unwrap_or(Self::Xml)
    }

    fn of_media_type(media_type: &str) -> Option<Self> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let subtype = essence.split_once('/').map(|(_, subtype)| subtype)?;
        if subtype == "json" || subtype.ends_with("+json") || subtype.starts_with("x-amz-json") {
            Some(Self::Json)
        } else if subtype == "xml" || subtype.ends_with("+xml") {
            Some(Self::Xml)
        } else {
            None
        }
    }
}

/// The kinds of rejection a [`VerifyService`] answers, each with the HTTP
/// status and the AWS error codes a client expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectionKind {
    /// No signature at all.
    MissingAuthenticationToken,
    /// The signature's parameters are missing, repeated or malformed.
    IncompleteSignature,
    /// The signature does not match the request.
    SignatureDoesNotMatch,
    /// The request's time is too far from the server's.
    RequestTimeTooSkewed,
    /// A presigned URL has expired.
    RequestExpired,
    /// A presigned URL's `X-Amz-Expires` is longer than allowed.
    ExpiryTooLong,
    /// No key is known for the access key id.
    InvalidAccessKeyId,
    /// The credential scope names another service or region.
    WrongScope,
    /// `Host` or an `x-amz-*` header is not signed.
    UnsignedHeaders,
    /// The body does not match `x-amz-content-sha256`.
    ContentSha256Mismatch,
    /// The key cannot check this algorithm, or access is otherwise denied.
    AccessDenied,
    /// Too many or too large headers, or too long a URL.
    RequestHeaderSectionTooLarge,
    /// The body is larger than the server accepts.
    EntityTooLarge,
    /// The body could not be read to the end, or an `aws-chunked` body
    /// ended before its declared length or its final chunk.
    IncompleteBody,
    /// An `aws-chunked` body is malformed, or does not match what its seed
    /// request declares of it.
    InvalidChunkedBody,
    /// A trailing checksum does not match the data received.
    BadDigest,
    /// The key store or the signature primitive failed: the request may be
    /// fine, and a retry may succeed.
    InternalFailure,
}

impl RejectionKind {
    /// The HTTP status: 403 for every authentication failure; 400, 413 or
    /// 500 where the request could not even be judged.
    pub fn status(self) -> StatusCode {
        match self {
            Self::RequestHeaderSectionTooLarge
            | Self::IncompleteBody
            | Self::InvalidChunkedBody
            | Self::BadDigest => StatusCode::BAD_REQUEST,
            Self::EntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::FORBIDDEN,
        }
    }

    /// The AWS error code for `format`: S3's names in XML, the JSON
    /// services' exception names in JSON.
    pub fn code(self, format: ErrorFormat) -> &'static str {
        let (xml, json) = match self {
            Self::MissingAuthenticationToken => (
                "MissingAuthenticationToken",
                "MissingAuthenticationTokenException",
            ),
            Self::IncompleteSignature => ("IncompleteSignature", "IncompleteSignatureException"),
            Self::SignatureDoesNotMatch => ("SignatureDoesNotMatch", "InvalidSignatureException"),
            Self::RequestTimeTooSkewed => ("RequestTimeTooSkewed", "InvalidSignatureException"),
            Self::RequestExpired => ("AccessDenied", "AccessDeniedException"),
            Self::ExpiryTooLong => (
                "AuthorizationQueryParametersError",
                "IncompleteSignatureException",
            ),
            Self::InvalidAccessKeyId => ("InvalidAccessKeyId", "UnrecognizedClientException"),
            Self::WrongScope => ("AuthorizationHeaderMalformed", "InvalidSignatureException"),
            Self::UnsignedHeaders => ("AccessDenied", "InvalidSignatureException"),
            Self::ContentSha256Mismatch => {
                ("XAmzContentSHA256Mismatch", "InvalidSignatureException")
            }
            Self::AccessDenied => ("AccessDenied", "AccessDeniedException"),
            Self::RequestHeaderSectionTooLarge => (
                "RequestHeaderSectionTooLarge",
                "MalformedHttpRequestException",
            ),
            Self::EntityTooLarge => ("EntityTooLarge", "RequestEntityTooLargeException"),
            Self::IncompleteBody => ("IncompleteBody", "MalformedHttpRequestException"),
            Self::InvalidChunkedBody => ("InvalidRequest", "MalformedHttpRequestException"),
            Self::BadDigest => ("BadDigest", "BadDigestException"),
            Self::InternalFailure => ("InternalError", "InternalFailure"),
        };
        match format {
            ErrorFormat::Xml => xml,
            ErrorFormat::Json => json,
        }
    }
}

/// A rejected request, as the client is told: the kind, a message without
/// secrets or server internals, and, for a signature mismatch, what the
/// server computed (shown only with
/// [`VerifyLayer::with_signature_debug`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// What kind of failure.
    pub kind: RejectionKind,
    /// The message for the client.
    pub message: String,
    /// The canonical request and string to sign the server computed, when
    /// the signature did not match.
    pub computed: Option<ComputedSignature>,
}

/// What a server computed for a request whose signature did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedSignature {
    /// The canonical request (session token redacted).
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

const INTERNAL_FAILURE_MESSAGE: &str =
    "The request could not be authenticated because of a server failure; retry it later.";

impl Rejection {
    /// The rejection a client is told for an `aws-chunked` body refused
    /// by the stream verifier.
    pub fn from_stream_error(error: &StreamVerifyError) -> Self {
        let kind = match error {
            StreamVerifyError::ChunkSignatureMismatch { .. }
            | StreamVerifyError::TrailerSignatureMismatch
            | StreamVerifyError::MissingChunkSignature { .. }
            | StreamVerifyError::MissingTrailerSignature
            | StreamVerifyError::UnexpectedChunkSignature { .. }
            | StreamVerifyError::UnexpectedTrailerSignature => RejectionKind::SignatureDoesNotMatch,
            StreamVerifyError::ChecksumMismatch { .. } => RejectionKind::BadDigest,
            StreamVerifyError::Decode(
                DecodeError::Truncated { .. } | DecodeError::MissingFinalChunk { .. },
            )
            | StreamVerifyError::DecodedLengthMismatch { .. } => RejectionKind::IncompleteBody,
            _ => RejectionKind::InvalidChunkedBody,
        };
        Self::new(kind, capitalized(&error.to_string()))
    }

    /// The rejection a client is told for `error`.
    pub fn from_verify_error(error: &VerifyError) -> Self {
        let kind = match error {
            VerifyError::Malformed(AuthorizationError::MissingSignature) => {
                RejectionKind::MissingAuthenticationToken
            }
            VerifyError::Malformed(_)
            | VerifyError::WrongAlgorithm { .. }
            | VerifyError::Canonical(_) => RejectionKind::IncompleteSignature,
            VerifyError::TooManyHeaders { .. }
            | VerifyError::HeaderTooLarge { .. }
            | VerifyError::UrlTooLarge { .. }
            | VerifyError::SignedHeaderListTooLong { .. } => {
                RejectionKind::RequestHeaderSectionTooLarge
            }
            VerifyError::PayloadTooLarge { .. } => RejectionKind::EntityTooLarge,
            VerifyError::WrongService { .. } | VerifyError::WrongRegion { .. } => {
                RejectionKind::WrongScope
            }
            VerifyError::ClockSkew { .. } => RejectionKind::RequestTimeTooSkewed,
            VerifyError::Expired { .. } => RejectionKind::RequestExpired,
            VerifyError::ExpiryTooLong { .. } => RejectionKind::ExpiryTooLong,
            VerifyError::UnsignedHost | VerifyError::UnsignedAmzHeader { .. } => {
                RejectionKind::UnsignedHeaders
            }
            VerifyError::BodyHashMismatch { .. } => RejectionKind::ContentSha256Mismatch,
            VerifyError::UnknownAccessKey { .. } => RejectionKind::InvalidAccessKeyId,
            VerifyError::KeyUnavailable { .. } | VerifyError::Crypto { .. } => {
                RejectionKind::InternalFailure
            }
            VerifyError::WrongKeyType { .. } => RejectionKind::AccessDenied,
            VerifyError::MalformedEcdsaSignature { .. } | VerifyError::SignatureMismatch { .. } => {
                RejectionKind::SignatureDoesNotMatch
            }
            _ => RejectionKind::AccessDenied,
        };
        let (message, computed) = match error {
            VerifyError::SignatureMismatch {
                canonical_request,
                string_to_sign,
            } => (
                "The signature does not match the one computed for this request; check the secret access key and how the request was signed."
                    .to_owned(),
                Some(ComputedSignature {
                    canonical_request: canonical_request.clone(),
                    string_to_sign: string_to_sign.clone(),
                }),
            ),
            // The key store's and the primitive's own words may describe
            // the server; the client learns only that it was not its fault.
            VerifyError::KeyUnavailable { .. } | VerifyError::Crypto { .. } => {
                (INTERNAL_FAILURE_MESSAGE.to_owned(), None)
            }
            other => (capitalized(&other.to_string()), None),
        };
        Self {
            kind,
            message,
            computed,
        }
    }

    fn new(kind: RejectionKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            computed: None,
        }
    }

    /// The HTTP response: the status, the error body in `format`, and the
    /// request id in the header AWS uses for that format. The computed
    /// canonical request and string to sign are written only if
    /// `show_computed`.
    pub fn to_response(
        &self,
        format: ErrorFormat,
        request_id: &str,
        show_computed: bool,
    ) -> Response<Full<Bytes>> {
        let code = self.kind.code(format);
        let computed = self.computed.as_ref().filter(|_| show_computed);
        let (body, content_type, request_id_header) = match format {
            ErrorFormat::Xml => (
                self.xml_body(code, computed, request_id),
                "application/xml",
                "x-amz-request-id",
            ),
            ErrorFormat::Json => (
                self.json_body(code, computed),
                "application/x-amz-json-1.1",
                "x-amzn-requestid",
            ),
        };
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = self.kind.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(id) = HeaderValue::from_str(request_id) {
            headers.insert(HeaderName::from_static(request_id_header), id);
        }
        if format == ErrorFormat::Json {
            headers.insert(
                HeaderName::from_static("x-amzn-errortype"),
                HeaderValue::from_static(code),
            );
        }
        response
    }

    fn xml_body(
        &self,
        code: &str,
        computed: Option<&ComputedSignature>,
        request_id: &str,
    ) -> String {
        let mut xml = String::with_capacity(256 + self.message.len());
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        push_xml_element(&mut xml, "Code", code);
        push_xml_element(&mut xml, "Message", &self.message);
        if let Some(computed) = computed {
            push_xml_element(&mut xml, "CanonicalRequest", &computed.canonical_request);
            push_xml_element(&mut xml, "StringToSign", &computed.string_to_sign);
        }
        push_xml_element(&mut xml, "RequestId", request_id);
        xml.push_str("</Error>");
        xml
    }

    fn json_body(&self, code: &str, computed: Option<&ComputedSignature>) -> String {
        let message = match computed {
            Some(computed) => format!(
                "{}\n\nThe canonical request computed:\n'{}'\n\nThe string to sign computed:\n'{}'",
                self.message, computed.canonical_request, computed.string_to_sign
            ),
            None => self.message.clone(),
        };
        serde_json::json!({ "__type": code, "message": message }).to_string()
    }
}

/// `text` with its first letter upper-case, as AWS messages are written.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn push_xml_element(xml: &mut String, name: &str, text: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    for character in text.chars() {
        match character {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '"' => xml.push_str("&quot;"),
            '\'' => xml.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all.
            control if control.is_control() && !matches!(control, '\n' | '\t' | '\r') => {
                xml.push('\u{FFFD}');
            }
            other => xml.push(other),
        }
    }
    xml.push_str("</");
    xml.push_str(name);
    xml.push('>');
}

/// Makes the id of a rejected request, from its headers.
type RequestIdFn = dyn Fn(&HeaderMap) -> String + Send + Sync;

/// A request id unique in this process: the process start time and a
/// counter, in hex. Not random and not secret; it only lets a client's
/// report be matched with the server's log.
fn next_request_id(_headers: &HeaderMap) -> String {
    static STARTED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let started = *STARTED.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{started:010X}{count:06X}")
}

/// How rejections are written.
#[derive(Clone)]
struct RejectionOptions {
    format: Option<ErrorFormat>,
    show_computed: bool,
    request_id: Arc<RequestIdFn>,
}

impl fmt::Debug for RejectionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RejectionOptions")
            .field("format", &self.format)
            .field("show_computed", &self.show_computed)
            .finish_non_exhaustive()
    }
}

impl RejectionOptions {
    fn respond(&self, headers: &HeaderMap, rejection: &Rejection) -> Response<Full<Bytes>> {
        let format = self
            .format
            .unwrap_or_else(|| ErrorFormat::for_request(headers));
        rejection.to_response(format, &(self.request_id)(headers), self.show_computed)
    }
}

/// Verifies every request before the service it wraps sees it, and answers
/// a rejected one itself.
pub struct VerifyLayer<P, E = P256Engine> {
    verifier: Arc<RequestVerifier<E>>,
    keys: Arc<P>,
    options: RejectionOptions,
}

impl<P, E> VerifyLayer<P, E> {
    /// A layer verifying with `verifier` and keys from `keys`. Rejections are
    /// in the format the request asks for ([`ErrorFormat::for_request`]),
    /// without what the server computed.
    pub fn new(verifier: RequestVerifier<E>, keys: P) -> Self {
        Self::shared(Arc::new(verifier), Arc::new(keys))
    }

    /// A layer sharing `verifier` and `keys` with the rest of the
    /// application.
    pub fn shared(verifier: Arc<RequestVerifier<E>>, keys: Arc<P>) -> Self {
        Self {
            verifier,
            keys,
            options: RejectionOptions {
                format: None,
                show_computed: false,
                request_id: Arc::new(next_request_id),
            },
        }
    }

    /// The same layer answering every rejection in `format`.
    pub fn with_error_format(mut self, format: ErrorFormat) -> Self {
        self.options.format = Some(format);
        self
    }

    /// The same layer including, in a `SignatureDoesNotMatch` answer, the
    /// canonical request and string to sign the server computed, as S3
    /// does. For debugging a client: they tell an attacker what the server
    /// signs over.
    pub fn with_signature_debug(mut self, show: bool) -> Self {
        self.options.show_computed = show;
        self
    }

    /// The same layer naming rejected requests with ids from `request_id`
    /// (for example, a proxy's `x-request-id`), instead of a process
    /// counter.
    pub fn with_request_id(
        mut self,
        request_id: impl Fn(&HeaderMap) -> String + Send + Sync + 'static,
    ) -> Self {
        self.options.request_id = Arc::new(request_id);
        self
    }
}

impl<P, E> Clone for VerifyLayer<P, E> {
    fn clone(&self) -> Self {
        Self {
            verifier: Arc::clone(&self.verifier),
            keys: Arc::clone(&self.keys),
            options: self.options.clone(),
        }
    }
}

impl<P, E: fmt::Debug> fmt::Debug for VerifyLayer<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyLayer")
            .field("verifier", &self.verifier)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<S, P, E> Layer<S> for VerifyLayer<P, E> {
    type Service = VerifyService<S, P, E>;

    fn layer(&self, inner: S) -> VerifyService<S, P, E> {
        VerifyService {
            inner,
            layer: self.clone(),
        }
    }
}

/// A service that verifies each request and passes the accepted ones, with
/// their body read and a [`VerifiedCaller`] extension, to the inner
/// service. Made by [`VerifyLayer`].
pub struct VerifyService<S, P, E = P256Engine> {
    inner: S,
    layer: VerifyLayer<P, E>,
}

impl<S: Clone, P, E> Clone for VerifyService<S, P, E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S: fmt::Debug, P, E: fmt::Debug> fmt::Debug for VerifyService<S, P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyService")
            .field("inner", &self.inner)
            .field("layer", &self.layer)
            .finish()
    }
}

/// The response body of a [`VerifyService`]: the inner service's, or a
/// rejection's.
pub type VerifyResponseBody<B> = Either<B, Full<Bytes>>;

impl<S, P, E, B, ResBody> Service<Request<B>> for VerifyService<S, P, E>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    P: KeyProvider + 'static,
    E: SigningEngine + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<VerifyResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let max_body = layer.verifier.policy().limits.max_payload_bytes;
            let outcome = if is_aws_chunked(&parts.headers) {
                read_chunked_body(&layer.verifier, &parts, &*layer.keys, body, max_body).await
            } else {
                match read_body(body, max_body).await {
                    Ok(bytes) => {
                        match verify_http_parts(&layer.verifier, &parts, &bytes, &*layer.keys).await
                        {
                            Ok(verified) => Ok((verified, bytes)),
                            Err(error) => Err(Rejection::from_verify_error(&error)),
                        }
                    }
                    Err(rejection) => Err(rejection),
                }
            };
            match outcome {
                Ok((verified, bytes)) => {
                    parts.extensions.insert(VerifiedCaller(verified));
                    let response = inner
                        .call(Request::from_parts(parts, Full::new(bytes)))
                        .await?;
                    Ok(response.map(Either::Left))
                }
                Err(rejection) => Ok(layer
                    .options
                    .respond(&parts.headers, &rejection)
                    .map(Either::Right)),
            }
        })
    }
}

/// Verifies an `aws-chunked` request: its seed, then its body as it
/// arrives, chunk by chunk, at most `max` encoded bytes. Returns the decoded
/// body once every chunk, the trailers and their checksums verified, so
/// that the handler never sees a byte of a body that failed.
async fn read_chunked_body<B, E, P>(
    verifier: &RequestVerifier<E>,
    parts: &::http::request::Parts,
    keys: &P,
    body: B,
    max: usize,
) -> Result<(Verified, Bytes), Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
    E: SigningEngine,
    P: KeyProvider + ?Sized,
{
    let (verified, mut chunked) =
        verify_chunked_http_parts(verifier, parts, keys, StreamLimits::DEFAULT)
            .await
            .map_err(|error| match error {
                ChunkedHttpError::Seed(error) => Rejection::from_verify_error(&error),
                ChunkedHttpError::Body(error) => Rejection::from_stream_error(&error),
            })?;
    if body.size_hint().lower() > max as u64 {
        return Err(body_too_large(max));
    }
    let mut body = std::pin::pin!(Limited::new(body, max));
    let mut decoded = bytes::BytesMut::new();
    let stream_error = |error: StreamVerifyError| Rejection::from_stream_error(&error);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            if error.is::<LengthLimitError>() {
                body_too_large(max)
            } else {
                body_unreadable()
            }
        })?;
        if let Ok(mut data) = frame.into_data() {
            while data.has_remaining() {
                let piece = data.chunk();
                let length = piece.len();
                chunked.push(piece).map_err(stream_error)?;
                data.advance(length);
            }
            while let Some(chunk) = chunked.next_verified() {
                decoded.extend_from_slice(&chunk);
            }
        }
    }
    chunked.finish().map_err(stream_error)?;
    while let Some(chunk) = chunked.next_verified() {
        decoded.extend_from_slice(&chunk);
    }
    Ok((verified, decoded.freeze()))
}

/// Reads `body` whole, refusing one longer than `max` bytes before reading
/// it when its declared length says so.
async fn read_body<B>(body: B, max: usize) -> Result<Bytes, Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    if body.size_hint().lower() > max as u64 {
        return Err(body_too_large(max));
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(body_too_large(max)),
        Err(_) => Err(body_unreadable()),
    }
}

fn body_too_large(max: usize) -> Rejection {
    Rejection::new(
        RejectionKind::EntityTooLarge,
        format!("The body is larger than the {max} bytes allowed."),
    )
}

fn body_unreadable() -> Rejection {
    Rejection::new(
        RejectionKind::IncompleteBody,
        "The request body could not be read to the end.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigv4kit_canon::AmzDate;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn the_format_follows_accept_then_content_type_then_the_target_header() {
        let cases: [(&[(&str, &str)], ErrorFormat); 7] = [
            (&[], ErrorFormat::Xml),
            (&[("accept", "*/*, application/json")], ErrorFormat::Json),
            (
                &[
                    ("accept", "application/xml"),
                    ("content-type", "application/json"),
                ],
                ErrorFormat::Xml,
            ),
            (
                &[("content-type", "application/x-amz-json-1.0; charset=utf-8")],
                ErrorFormat::Json,
            ),
            (
                &[("accept", "*/*"), ("content-type", "text/xml")],
                ErrorFormat::Xml,
            ),
            (
                &[("x-amz-target", "DynamoDB_20120810.ListTables")],
                ErrorFormat::Json,
            ),
            (
                &[("accept", "application/vnd.api+json;q=0.9")],
                ErrorFormat::Json,
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                ErrorFormat::for_request(&headers(pairs)),
                expected,
                "{pairs:?}"
            );
        }
    }

    fn mismatch() -> VerifyError {
        VerifyError::SignatureMismatch {
            canonical_request: "GET\n/\n\nhost:a&b\n\nhost\nUNSIGNED-PAYLOAD".into(),
            string_to_sign: "AWS4-HMAC-SHA256\n20150830T123600Z".into(),
        }
    }

    async fn body_text(response: Response<Full<Bytes>>) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_mismatch_shows_what_was_computed_only_when_asked() {
        let rejection = Rejection::from_verify_error(&mismatch());
        let hidden = rejection.to_response(ErrorFormat::Xml, "ID1", false);
        assert_eq!(hidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(hidden.headers()["x-amz-request-id"], "ID1");
        let text = pollster::block_on(body_text(hidden));
        assert!(
            text.contains("<Code>SignatureDoesNotMatch</Code>"),
            "{text}"
        );
        assert!(text.contains("<RequestId>ID1</RequestId>"), "{text}");
        assert!(!text.contains("host:a"), "{text}");

        let shown = pollster::block_on(body_text(rejection.to_response(
            ErrorFormat::Xml,
            "ID1",
            true,
        )));
        assert!(
            shown.contains("<CanonicalRequest>GET\n/\n\nhost:a&amp;b\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest>"),
            "{shown}"
        );
        assert!(shown.contains("<StringToSign>AWS4-HMAC-SHA256\n20150830T123600Z</StringToSign>"));

        let json = rejection.to_response(ErrorFormat::Json, "ID2", false);
        assert_eq!(json.headers()["x-amzn-requestid"], "ID2");
        assert_eq!(
            json.headers()["x-amzn-errortype"],
            "InvalidSignatureException"
        );
        let value: serde_json::Value =
            serde_json::from_str(&pollster::block_on(body_text(json))).unwrap();
        assert_eq!(value["__type"], "InvalidSignatureException");
        assert!(!value["message"].as_str().unwrap().contains("host:a"));
    }

    #[test]
    fn each_verify_error_maps_to_its_aws_code() {
        let time = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
        let cases = [
            (
                VerifyError::Malformed(AuthorizationError::MissingSignature),
                "MissingAuthenticationToken",
                "MissingAuthenticationTokenException",
            ),
            (
                VerifyError::Malformed(AuthorizationError::MissingParameter { name: "Signature" }),
                "IncompleteSignature",
                "IncompleteSignatureException",
            ),
            (
                mismatch(),
                "SignatureDoesNotMatch",
                "InvalidSignatureException",
            ),
            (
                VerifyError::ClockSkew {
                    request_time: time,
                    difference_seconds: 3600,
                    max_seconds: 900,
                },
                "RequestTimeTooSkewed",
                "InvalidSignatureException",
            ),
            (
                VerifyError::Expired {
                    expired_at: 1,
                    now: 2,
                },
                "AccessDenied",
                "AccessDeniedException",
            ),
            (
                VerifyError::UnknownAccessKey {
                    access_key_id: "AKID".into(),
                },
                "InvalidAccessKeyId",
                "UnrecognizedClientException",
            ),
            (
                VerifyError::WrongRegion {
                    region: "eu-west-1".into(),
                },
                "AuthorizationHeaderMalformed",
                "InvalidSignatureException",
            ),
            (
                VerifyError::BodyHashMismatch {
                    declared: "a".into(),
                    computed: "b".into(),
                },
                "XAmzContentSHA256Mismatch",
                "InvalidSignatureException",
            ),
        ];
        for (error, xml, json) in cases {
            let rejection = Rejection::from_verify_error(&error);
            assert_eq!(rejection.kind.code(ErrorFormat::Xml), xml, "{error:?}");
            assert_eq!(rejection.kind.code(ErrorFormat::Json), json, "{error:?}");
            assert_eq!(rejection.kind.status(), StatusCode::FORBIDDEN, "{error:?}");
        }
    }

    #[test]
    fn a_key_store_failure_is_a_500_that_does_not_repeat_the_store() {
        let rejection = Rejection::from_verify_error(&VerifyError::KeyUnavailable {
            reason: "postgres://admin@10.0.0.5 refused".into(),
        });
        assert_eq!(rejection.kind.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!rejection.message.contains("postgres"));
    }

    #[test]
    fn xml_text_is_escaped() {
        let mut xml = String::new();
        push_xml_element(&mut xml, "Message", "a<b>&\"c'\u{1}");
        assert_eq!(
            xml,
            "<Message>a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}</Message>"
        );
    }

    #[test]
    fn a_buffered_body_yields_its_bytes_then_its_trailers() {
        let mut trailers = HeaderMap::new();
        trailers.insert("x-checksum", HeaderValue::from_static("1"));
        let body: SignedBody<Full<Bytes>> =
            SignedBody::buffered(Bytes::from_static(b"abc"), Some(trailers.clone()));
        assert_eq!(body.size_hint().exact(), Some(3));
        let collected = pollster::block_on(body.collect()).unwrap();
        assert_eq!(collected.trailers(), Some(&trailers));
        assert_eq!(collected.to_bytes(), Bytes::from_static(b"abc"));
    }

    #[test]
    fn request_ids_differ() {
        let headers = HeaderMap::new();
        assert_ne!(next_request_id(&headers), next_request_id(&headers));
    }
}
