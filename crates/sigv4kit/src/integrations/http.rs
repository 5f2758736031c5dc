//! Signing an `http` 1.x request in place, and verifying one.
//!
//! `http::Request` is the request type hyper, tonic, axum and reqwest share,
//! so this module is the one place where a signature meets real headers; the
//! tower and reqwest integrations call it. Three rules make a signed request
//! arrive as it was signed:
//!
//! - **Signing replaces, never doubles.** A retried request still carries
//!   the `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` and
//!   `X-Amz-Region-Set` of its last signature. They are left out of the new
//!   signature and replaced by its values, as the
//!   [`resign`](crate::canon::resign) helpers do; a caller's own
//!   `x-amz-content-sha256` is kept, and signed, because it describes the
//!   body. Nothing is changed when signing fails.
//! - **The host that is signed is the host that is sent.** Without a `Host`
//!   header the URI's authority is signed, and for HTTP/1.x it is also
//!   added as the `Host` header: hyper and reqwest would otherwise write
//!   their own, without a default port (`127.0.0.1` for
//!   `http://127.0.0.1:80/`), and the server would compute another canonical
//!   request. HTTP/2 sends the authority itself as `:authority`, so nothing
//!   is added there.
//! - **The body is the caller's to give.** An `http::Request<B>` may hold
//!   anything, even a stream not yet read; [`sign_http_request`] takes a
//!   body whose bytes are at hand (`B: AsRef<[u8]>`: `Vec<u8>`, `Bytes`,
//!   `String`, `&[u8]`), and [`sign_http_parts`] takes the request's parts
//!   and an explicit [`Payload`], for any other body. Bytes are signed as
//!   the signer's payload policy says: hashed, or `UNSIGNED-PAYLOAD`.
//!
//! Each signing function comes in two forms: `async`, with credentials from
//! the signer's provider and the time from its clock, and `_with`,
//! synchronous, with the credentials and time given.

use ::http::header::{HOST, HeaderMap, HeaderName, HeaderValue};
use ::http::request::Parts;
use ::http::{Request, Uri, Version};
use sigv4kit_canon::auth::{SIGNATURE_HEADERS, is_signature_header};
use sigv4kit_canon::http_adapter;
use sigv4kit_canon::{AmzDate, Header, Payload, StreamingPayload};
use sigv4kit_ecdsa::SigningEngine;
use sigv4kit_signer::{Credentials, SigningError, SigningOutput, Verified, VerifyError};

use sigv4kit_stream::decode::StreamLimits;
use sigv4kit_stream::verify::{ChunkedVerifier, StreamVerifyError};
use sigv4kit_stream::{ChunkedEncoder, ChunkedUpload};

#[cfg(feature = "tokio")]
pub use super::chunked::AsyncReadBody;
pub use super::chunked::{ChunkedBody, ChunkedBodyError};
use crate::config::{RequestSigner, SignRequestError};
use crate::preset::Transport;
use crate::verify::{KeyProvider, RequestVerifier};

/// Why an `http` request could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpSignError {
    /// The signer could not sign: no credentials, a body it may not leave
    /// unsigned, a request it refuses.
    #[error(transparent)]
    Sign(#[from] SignRequestError),
    /// The request names no host: it has no `Host` header and its URI no
    /// authority (a relative URI, to which a lower layer adds the origin).
    /// Every signature covers the host, so the signer must know it.
    #[error(
        "the request has no Host header and its URI has no authority; give an absolute URI or a Host header, since the signature covers the host"
    )]
    MissingHost,
    /// A value to set is not a valid HTTP header value (a session token or
    /// URI authority with control characters). The value is not shown: it
    /// may be a session token.
    #[error("the {name} header cannot be set: its value is not a valid HTTP header value")]
    InvalidHeaderValue {
        /// The header.
        name: &'static str,
    },
}

impl From<SigningError> for HttpSignError {
    fn from(error: SigningError) -> Self {
        Self::Sign(SignRequestError::Signing(error))
    }
}

/// Signs `request` now, in place, with credentials from the signer's
/// provider; the body's bytes are signed as the signer's payload policy
/// says. Returns what was signed, for logging or debugging.
pub async fn sign_http_request<B: AsRef<[u8]>>(
    signer: &RequestSigner,
    request: &mut Request<B>,
) -> Result<SigningOutput, HttpSignError> {
    let (credentials, time) = credentials_now(signer).await?;
    sign_http_request_with(signer, request, &credentials, time)
}

/// Signs `request` in place with `credentials` at `time`, synchronously; the
/// body's bytes are signed as the signer's payload policy says.
pub fn sign_http_request_with<B: AsRef<[u8]>>(
    signer: &RequestSigner,
    request: &mut Request<B>,
    credentials: &Credentials,
    time: AmzDate,
) -> Result<SigningOutput, HttpSignError> {
    let additions = RequestHead::of(request).sign(
        signer,
        Payload::Bytes(request.body().as_ref()),
        credentials,
        time,
    )?;
    Ok(additions.apply_to(request.headers_mut()))
}

/// Signs the head of a request now, in place, with credentials from the
/// signer's provider, for a body described by `payload`: its bytes
/// (`Payload::Bytes`, signed as the payload policy says), a hash computed
/// while streaming it (`Payload::Precomputed`), or `UNSIGNED-PAYLOAD`
/// (see [`streamed_body_payload`]).
pub async fn sign_http_parts(
    signer: &RequestSigner,
    parts: &mut Parts,
    payload: Payload<'_>,
) -> Result<SigningOutput, HttpSignError> {
    let (credentials, time) = credentials_now(signer).await?;
    sign_http_parts_with(signer, parts, payload, &credentials, time)
}

/// Signs the head of a request in place with `credentials` at `time`,
/// synchronously, for a body described by `payload`.
pub fn sign_http_parts_with(
    signer: &RequestSigner,
    parts: &mut Parts,
    payload: Payload<'_>,
    credentials: &Credentials,
    time: AmzDate,
) -> Result<SigningOutput, HttpSignError> {
    let additions = RequestHead::of_parts(parts).sign(signer, payload, credentials, time)?;
    Ok(additions.apply_to(&mut parts.headers))
}

/// Signs `request` now, with credentials from the signer's provider, as the
/// seed of the `aws-chunked` upload `upload`, and wraps its body in the
/// [`ChunkedBody`] that encodes and signs it as it is sent. The request's
/// `Content-Length` becomes the encoded length. Plan the upload with
/// [`RequestSigner::chunked_upload`] from the body's length.
pub async fn sign_chunked_http_request<B>(
    signer: &RequestSigner,
    request: Request<B>,
    upload: &ChunkedUpload,
) -> Result<Request<ChunkedBody<B>>, HttpSignError> {
    let (credentials, time) = credentials_now(signer).await?;
    sign_chunked_http_request_with(signer, request, upload, &credentials, time)
}

/// [`sign_chunked_http_request`] with `credentials` at `time`,
/// synchronously.
pub fn sign_chunked_http_request_with<B>(
    signer: &RequestSigner,
    request: Request<B>,
    upload: &ChunkedUpload,
    credentials: &Credentials,
    time: AmzDate,
) -> Result<Request<ChunkedBody<B>>, HttpSignError> {
    let (mut parts, body) = request.into_parts();
    let encoder = sign_chunked_http_parts_with(signer, &mut parts, upload, credentials, time)?;
    Ok(Request::from_parts(parts, ChunkedBody::new(body, encoder)))
}

/// Signs the head of a request in place as the seed of `upload`, with
/// `credentials` at `time`; returns the encoder of its body, for a
/// [`ChunkedBody`] or a hand-written sender.
pub fn sign_chunked_http_parts_with(
    signer: &RequestSigner,
    parts: &mut Parts,
    upload: &ChunkedUpload,
    credentials: &Credentials,
    time: AmzDate,
) -> Result<ChunkedEncoder, HttpSignError> {
    let (additions, encoder) =
        RequestHead::of_parts(parts).sign_chunked(signer, upload, credentials, time)?;
    additions.apply_to(&mut parts.headers);
    Ok(encoder)
}

/// Verifies a received `request` whose body is `body`, with keys from
/// `keys`: the signature's algorithm is read from the request.
pub async fn verify_http_request<B, E, P>(
    verifier: &RequestVerifier<E>,
    request: &Request<B>,
    body: &[u8],
    keys: &P,
) -> Result<Verified, VerifyError>
where
    E: SigningEngine,
    P: KeyProvider + ?Sized,
{
    RequestHead::of(request).verify(verifier, body, keys).await
}

/// Verifies a received request given as its parts and its `body`.
pub async fn verify_http_parts<E, P>(
    verifier: &RequestVerifier<E>,
    parts: &Parts,
    body: &[u8],
    keys: &P,
) -> Result<Verified, VerifyError>
where
    E: SigningEngine,
    P: KeyProvider + ?Sized,
{
    RequestHead::of_parts(parts)
        .verify(verifier, body, keys)
        .await
}

/// Verifies the head of a received request whose body is `aws-chunked`: the
/// seed's signature, and, for signed chunks, the checker of the chunk
/// signatures that follow. Returns the seed and the verifier to push the
/// body through; its data is released chunk by chunk as each verifies.
pub async fn verify_chunked_http_parts<E, P>(
    verifier: &RequestVerifier<E>,
    parts: &Parts,
    keys: &P,
    limits: StreamLimits,
) -> Result<(Verified, ChunkedVerifier), ChunkedHttpError>
where
    E: SigningEngine,
    P: KeyProvider + ?Sized,
{
    let head = RequestHead::of_parts(parts);
    let headers = head.canonical_headers();
    let request = sigv4kit_canon::Request::new(head.method, head.target, &headers);
    let seed = verifier.verify_seed(&request, keys).await?;
    let chunked = ChunkedVerifier::for_request(&request, &seed.verified, seed.chain, limits)?;
    Ok((seed.verified, chunked))
}

/// Whether a received request announces an `aws-chunked` body: its
/// `x-amz-content-sha256` is a `STREAMING-*-PAYLOAD[-TRAILER]` literal.
pub fn is_aws_chunked(headers: &HeaderMap) -> bool {
    headers
        .get(sigv4kit_canon::payload::CONTENT_SHA256_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(StreamingPayload::from_literal)
        .is_some_and(StreamingPayload::is_aws_chunked)
}

/// Why an `aws-chunked` request was refused: its seed, or its body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkedHttpError {
    /// The seed request did not verify.
    #[error(transparent)]
    Seed(#[from] VerifyError),
    /// The body, or what the seed declares of it, was refused.
    #[error(transparent)]
    Body(#[from] StreamVerifyError),
}

/// The payload to sign for a body streamed after the head is sent to `uri`,
/// whose hash cannot be known in advance: `UNSIGNED-PAYLOAD` where the
/// signer's payload policy or preset allows it over the URI's scheme, the
/// typed error otherwise. A URI without a scheme counts as plain HTTP, on
/// which fewer presets let a body go unsigned.
pub fn streamed_body_payload(
    signer: &RequestSigner,
    uri: &Uri,
) -> Result<Payload<'static>, SignRequestError> {
    signer.payload_for_streaming_body(transport_of(uri.scheme_str()))
}

/// Credentials from the signer's provider, and the time by its clock.
pub(crate) async fn credentials_now(
    signer: &RequestSigner,
) -> Result<(Credentials, AmzDate), SignRequestError> {
    let credentials = signer.credentials_provider().provide_credentials().await?;
    Ok((credentials, signer.now()?))
}

/// The transport of a URL scheme; plain HTTP when there is none.
pub(crate) fn transport_of(scheme: Option<&str>) -> Transport {
    scheme
        .and_then(Transport::from_scheme)
        .unwrap_or(Transport::PlainHttp)
}

/// What signing and verifying read of a request: everything but the body.
pub(crate) struct RequestHead<'a> {
    /// The method.
    pub method: &'a str,
    /// The path and query, as sent.
    pub target: &'a str,
    /// The authority of the URI, if it has one (a client's absolute URI, an
    /// HTTP/2 server's `:authority`).
    pub authority: Option<&'a str>,
    /// The protocol version.
    pub version: Version,
    /// The headers.
    pub headers: &'a HeaderMap,
}

impl<'a> RequestHead<'a> {
    fn of<B>(request: &'a Request<B>) -> Self {
        Self::from_uri(
            request.method().as_str(),
            request.uri(),
            request.version(),
            request.headers(),
        )
    }

    fn of_parts(parts: &'a Parts) -> Self {
        Self::from_uri(
            parts.method.as_str(),
            &parts.uri,
            parts.version,
            &parts.headers,
        )
    }

    fn from_uri(method: &'a str, uri: &'a Uri, version: Version, headers: &'a HeaderMap) -> Self {
        Self {
            method,
            target: http_adapter::target_of_uri(uri),
            authority: uri.authority().map(|authority| authority.as_str()),
            version,
            headers,
        }
    }

    /// The headers as the canonicalizer reads them, with the `Host` that is
    /// sent: the header, else the authority.
    fn canonical_headers(&self) -> Vec<Header<'a>> {
        http_adapter::headers_with_host(self.headers, self.authority)
    }

    /// The authority, when the request has no `Host` header and one is
    /// needed.
    fn host_to_send(&self) -> Option<&'a str> {
        if self.headers.contains_key(HOST) {
            None
        } else {
            self.authority
        }
    }

    /// Signs this head for `payload`: the headers to set, not yet set, so
    /// that a failure changes nothing.
    pub(crate) fn sign(
        &self,
        signer: &RequestSigner,
        payload: Payload<'_>,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SignatureHeaders, HttpSignError> {
        let headers = self.headers_to_sign()?;
        let request =
            sigv4kit_canon::Request::new(self.method, self.target, &headers).with_payload(payload);
        let output = signer.sign_with(&request, credentials, time)?;
        let set = self.headers_to_set(output.headers())?;
        Ok(SignatureHeaders { set, output })
    }

    /// The canonicalizer's headers of a request to sign, without a previous
    /// signature's; refuses a request that names no host.
    fn headers_to_sign(&self) -> Result<Vec<Header<'a>>, HttpSignError> {
        if self.authority.is_none() && !self.headers.contains_key(HOST) {
            return Err(HttpSignError::MissingHost);
        }
        let mut headers = self.canonical_headers();
        headers.retain(|header| !is_signature_header(header.name));
        Ok(headers)
    }

    /// `added` as header values to set, after the `Host` an HTTP/1 request
    /// without one must send.
    fn headers_to_set<'v>(
        &self,
        added: impl Iterator<Item = (&'static str, &'v str)>,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, HttpSignError> {
        let mut set = Vec::with_capacity(10);
        if self.version < Version::HTTP_2
            && let Some(host) = self.host_to_send()
        {
            set.push((HOST, header_value("Host", host)?));
        }
        for (name, value) in added {
            let name_bytes = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpSignError::InvalidHeaderValue { name })?;
            set.push((name_bytes, header_value(name, value)?));
        }
        Ok(set)
    }

    /// Signs this head as the seed of `upload`: the headers to set (the
    /// plan's and the signature's), and the encoder of the body.
    pub(crate) fn sign_chunked(
        &self,
        signer: &RequestSigner,
        upload: &ChunkedUpload,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<(SignatureHeaders, ChunkedEncoder), HttpSignError> {
        let headers = self.headers_to_sign()?;
        let request = sigv4kit_canon::Request::new(self.method, self.target, &headers);
        let seed = signer.sign_chunked_with(&request, upload, credentials, time)?;
        let set = self.headers_to_set(seed.headers())?;
        let (output, encoder) = seed.into_parts();
        Ok((SignatureHeaders { set, output }, encoder))
    }

    async fn verify<E, P>(
        &self,
        verifier: &RequestVerifier<E>,
        body: &[u8],
        keys: &P,
    ) -> Result<Verified, VerifyError>
    where
        E: SigningEngine,
        P: KeyProvider + ?Sized,
    {
        let headers = self.canonical_headers();
        let request = sigv4kit_canon::Request::new(self.method, self.target, &headers)
            .with_payload(Payload::Bytes(body));
        verifier.verify(&request, keys).await
    }
}

fn header_value(name: &'static str, value: &str) -> Result<HeaderValue, HttpSignError> {
    HeaderValue::from_str(value).map_err(|_| HttpSignError::InvalidHeaderValue { name })
}

/// The headers a signature sets, ready to apply.
pub(crate) struct SignatureHeaders {
    set: Vec<(HeaderName, HeaderValue)>,
    output: SigningOutput,
}

impl SignatureHeaders {
    /// Removes the previous signature's headers from `headers` and sets this
    /// one's; returns the signing output.
    pub(crate) fn apply_to(self, headers: &mut HeaderMap) -> SigningOutput {
        for name in SIGNATURE_HEADERS {
            headers.remove(*name);
        }
        for (name, value) in self.set {
            headers.insert(name, value);
        }
        self.output
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SignerConfig;
    use crate::environment::MapEnvironment;
    use crate::{FixedClock, InMemoryKeyProvider};
    use sigv4kit_canon::{Algorithm, Region, Service};

    const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials::new(ACCESS_KEY_ID, SECRET, token.map(str::to_owned)).unwrap()
    }

    fn time() -> AmzDate {
        AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap()
    }

    fn config(algorithm: Algorithm) -> crate::config::ResolvedConfig {
        SignerConfig::new()
            .with_algorithm(algorithm)
            .with_service(Service::new("service").unwrap())
            .with_region(Region::new("us-east-1").unwrap())
            .with_credentials(credentials(None))
            .with_clock(FixedClock::at(&time()))
            .resolve(&MapEnvironment::new())
            .unwrap()
    }

    fn keys() -> InMemoryKeyProvider {
        let mut keys = InMemoryKeyProvider::new();
        keys.insert_credentials(&credentials(None));
        keys
    }

    fn values<'h>(request: &'h Request<Vec<u8>>, name: &str) -> Vec<&'h str> {
        request
            .headers()
            .get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap())
            .collect()
    }

    #[test]
    fn signing_twice_replaces_the_signature_headers_and_keeps_the_others() {
        let config = config(Algorithm::Sigv4a);
        let signer = config.request_signer();
        let mut request = Request::post("https://example.amazonaws.com/a?b=c")
            .header("x-amz-target", "Example.Do")
            .body(b"{}".to_vec())
            .unwrap();
        let first =
            sign_http_request_with(&signer, &mut request, &credentials(Some("token")), time())
                .unwrap();
        assert_eq!(values(&request, "x-amz-security-token"), ["token"]);

        let later = AmzDate::parse_rfc3339("2015-08-30T12:40:00Z").unwrap();
        let second =
            sign_http_request_with(&signer, &mut request, &credentials(None), later).unwrap();

        assert_ne!(first.signature(), second.signature());
        assert_eq!(
            values(&request, "authorization"),
            [second.authorization().unwrap()]
        );
        assert_eq!(values(&request, "x-amz-date"), ["20150830T124000Z"]);
        assert_eq!(values(&request, "x-amz-region-set"), ["*"]);
        assert!(values(&request, "x-amz-security-token").is_empty());
        assert_eq!(values(&request, "x-amz-target"), ["Example.Do"]);
        assert_eq!(values(&request, "host"), ["example.amazonaws.com"]);
    }

    #[test]
    fn the_authority_with_its_port_is_sent_as_the_host_for_http1_only() {
        let signer = config(Algorithm::Sigv4).request_signer();
        let mut request = Request::get("http://127.0.0.1:80/")
            .body(Vec::new())
            .unwrap();
        sign_http_request_with(&signer, &mut request, &credentials(None), time()).unwrap();
        assert_eq!(values(&request, "host"), ["127.0.0.1:80"]);

        let mut request = Request::get("https://example.amazonaws.com/")
            .version(Version::HTTP_2)
            .body(Vec::new())
            .unwrap();
        let output =
            sign_http_request_with(&signer, &mut request, &credentials(None), time()).unwrap();
        assert!(values(&request, "host").is_empty());
        assert!(
            output
                .signed_headers()
                .split(';')
                .any(|name| name == "host")
        );
    }

    #[test]
    fn a_request_that_names_no_host_is_refused() {
        let signer = config(Algorithm::Sigv4).request_signer();
        let mut request = Request::get("/relative").body(Vec::new()).unwrap();
        let error = sign_http_request_with(&signer, &mut request, &credentials(None), time());
        assert!(
            matches!(error, Err(HttpSignError::MissingHost)),
            "{error:?}"
        );

        request
            .headers_mut()
            .insert(HOST, HeaderValue::from_static("example.amazonaws.com"));
        sign_http_request_with(&signer, &mut request, &credentials(None), time()).unwrap();
    }

    #[test]
    fn a_failed_signing_leaves_the_request_untouched() {
        let signer = config(Algorithm::Sigv4).request_signer();
        let mut request = Request::get("https://example.amazonaws.com/?X-Amz-Signature=00")
            .header("authorization", "stale")
            .body(Vec::new())
            .unwrap();
        let before = request.headers().clone();
        assert!(sign_http_request_with(&signer, &mut request, &credentials(None), time()).is_err());
        assert_eq!(request.headers(), &before);
    }

    #[test]
    fn a_signed_request_verifies_and_a_changed_body_does_not() {
        for algorithm in [Algorithm::Sigv4, Algorithm::Sigv4a] {
            let config = config(algorithm);
            let signer = config.request_signer();
            let verifier = config.verifier();
            let mut request = Request::put("https://example.amazonaws.com/object")
                .body(b"payload".to_vec())
                .unwrap();
            pollster::block_on(sign_http_request(&signer, &mut request)).unwrap();

            let verified = pollster::block_on(verify_http_request(
                &verifier,
                &request,
                b"payload",
                &keys(),
            ))
            .unwrap();
            assert_eq!(verified.access_key_id, ACCESS_KEY_ID);
            assert_eq!(verified.algorithm, algorithm);

            let tampered = pollster::block_on(verify_http_request(
                &verifier,
                &request,
                b"paYload",
                &keys(),
            ));
            assert!(
                matches!(tampered, Err(VerifyError::SignatureMismatch { .. })),
                "{algorithm:?}: {tampered:?}"
            );
        }
    }

    #[test]
    fn parts_are_signed_for_an_explicit_payload() {
        let config = config(Algorithm::Sigv4);
        let (mut parts, ()) = Request::post("https://example.amazonaws.com/upload")
            .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
            .body(())
            .unwrap()
            .into_parts();
        let output = pollster::block_on(sign_http_parts(
            &config.request_signer(),
            &mut parts,
            Payload::Unsigned,
        ))
        .unwrap();
        assert_eq!(
            parts.headers["authorization"].to_str().unwrap(),
            output.authorization().unwrap()
        );
        // The body is not covered by the signature: any body verifies.
        let verified = pollster::block_on(verify_http_parts(
            &config.verifier(),
            &parts,
            b"any body",
            &keys(),
        ))
        .unwrap();
        assert_eq!(verified.payload.as_str(), "UNSIGNED-PAYLOAD");
    }
}
