//! A `reqwest-middleware` middleware that signs every request of a client.
//!
//! `reqwest` has no layers of its own; `reqwest-middleware` wraps a client
//! so that middleware sees each request just before it is sent, and again
//! for each retry when a retry middleware sits before this one, so that a
//! retried request is signed afresh with a new date (the old signature's
//! headers are replaced, see [`http`](super::http)).
//!
//! A body built from bytes (`.body(vec)`, `.json(..)`, `.form(..)`) is
//! signed as the payload policy says. A streamed body (`Body::wrap_stream`)
//! cannot be hashed before it is sent: it is signed `UNSIGNED-PAYLOAD`
//! where the preset allows it, and otherwise the request fails with
//! [`SignRequestError::StreamingBodyNotAllowed`](crate::config::SignRequestError::StreamingBodyNotAllowed)
//! before anything is sent.

use ::http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use sigv4kit_canon::{AmzDate, Payload};
use sigv4kit_signer::{Credentials, SigningOutput};

use super::http::{ChunkedBody, HttpSignError, RequestHead, credentials_now, transport_of};
use crate::config::RequestSigner;
use crate::streaming::ChunkedUploads;

/// Signs each request with a [`RequestSigner`].
///
/// ```no_run
/// # async fn run(signer: sigv4kit::config::RequestSigner) -> Result<(), Box<dyn std::error::Error>> {
/// use sigv4kit::integrations::reqwest::SigningMiddleware;
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(SigningMiddleware::new(signer))
///     .build();
/// let response = client.post("http://127.0.0.1:8080/").body("{}").send().await?;
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SigningMiddleware {
    signer: RequestSigner,
    chunked: Option<ChunkedUploads>,
}

impl SigningMiddleware {
    /// A middleware signing with `signer`.
    pub fn new(signer: RequestSigner) -> Self {
        Self {
            signer,
            chunked: None,
        }
    }

    /// The same middleware sending every non-empty body of exactly known
    /// length (bytes, or a stream whose length it reports) `aws-chunked`,
    /// signed chunk by chunk as `chunked` plans it, instead of hashing it
    /// whole first.
    pub fn with_chunked_uploads(mut self, chunked: ChunkedUploads) -> Self {
        self.chunked = Some(chunked);
        self
    }

    /// Signs `request` now, in place, with credentials from the signer's
    /// provider.
    pub async fn sign(&self, request: &mut Request) -> Result<SigningOutput, HttpSignError> {
        let (credentials, time) = credentials_now(&self.signer).await?;
        self.sign_with(request, &credentials, time)
    }

    /// Signs `request` in place with `credentials` at `time`.
    pub fn sign_with(
        &self,
        request: &mut Request,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SigningOutput, HttpSignError> {
        let chunked_length = self.chunked.and_then(|_| {
            request
                .body()
                .and_then(|body| http_body::Body::size_hint(body).exact())
                .filter(|length| *length > 0)
        });
        if let (Some(chunked), Some(length)) = (self.chunked, chunked_length) {
            return self.sign_chunked_with(request, &chunked, length, credentials, time);
        }
        let payload = match request.body() {
            None => Payload::Bytes(&[]),
            Some(body) => match body.as_bytes() {
                Some(bytes) => Payload::Bytes(bytes),
                None => self
                    .signer
                    .payload_for_streaming_body(transport_of(Some(request.url().scheme())))?,
            },
        };
        let (target, authority) = target_and_authority(request);
        let additions = head_of(request, &target, authority.as_deref()).sign(
            &self.signer,
            payload,
            credentials,
            time,
        )?;
        Ok(additions.apply_to(request.headers_mut()))
    }

    fn sign_chunked_with(
        &self,
        request: &mut Request,
        chunked: &ChunkedUploads,
        length: u64,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SigningOutput, HttpSignError> {
        let upload = chunked.plan(&self.signer, length);
        let (target, authority) = target_and_authority(request);
        let (additions, encoder) = head_of(request, &target, authority.as_deref()).sign_chunked(
            &self.signer,
            &upload,
            credentials,
            time,
        )?;
        let output = additions.apply_to(request.headers_mut());
        if let Some(body) = request.body_mut().take() {
            *request.body_mut() = Some(reqwest::Body::wrap(ChunkedBody::new(body, encoder)));
        }
        Ok(output)
    }
}

/// What signing reads of `request`, whose target and authority are given.
fn head_of<'r>(
    request: &'r Request,
    target: &'r str,
    authority: Option<&'r str>,
) -> RequestHead<'r> {
    RequestHead {
        method: request.method().as_str(),
        target,
        authority,
        version: request.version(),
        headers: request.headers(),
    }
}

/// The request target (path and query) and the authority `Host` carries.
fn target_and_authority(request: &Request) -> (String, Option<String>) {
    let url = request.url();
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    // `Url` drops a port that is the scheme's default, as the `Host`
    // reqwest would send does.
    let authority = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => Some(format!("{host}:{port}")),
        (Some(host), None) => Some(host.to_owned()),
        (None, _) => None,
    };
    (target, authority)
}

#[async_trait::async_trait]
impl Middleware for SigningMiddleware {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.sign(&mut request)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}
