//! `aws-chunked` uploads from a configured [`RequestSigner`], and their
//! verification by a [`RequestVerifier`].
//!
//! An upload is planned first ([`RequestSigner::chunked_upload`]: the
//! decoded length, the chunk size, a trailing checksum), because the seed
//! request must declare the encoded `Content-Length` before the first byte.
//! [`RequestSigner::sign_chunked_with`] then signs the seed and hands back
//! the encoder whose chain continues from the seed's signature. The wire
//! formats live in `sigv4kit-stream` ([`crate::stream`]); the `http_body`
//! adapters in [`integrations::http`](crate::integrations) (feature `http`).
//!
//! ```
//! use sigv4kit::canon::{AmzDate, Header, Region, Request, Service};
//! use sigv4kit::{Credentials, MapEnvironment, SignerConfig};
//!
//! let signer = SignerConfig::new()
//!     .with_service(Service::new("s3")?)
//!     .with_region(Region::new("us-east-1")?)
//!     .resolve(&MapEnvironment::default())?
//!     .request_signer();
//! let credentials = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let time = AmzDate::parse_rfc3339("2026-11-25T12:00:00Z")?;
//!
//! let body = vec![b'a'; 100_000];
//! let upload = signer.chunked_upload(body.len() as u64);
//! let headers = [Header::new("host", "examplebucket.s3.amazonaws.com")];
//! let request = Request::new("PUT", "/object", &headers);
//! let seed = signer.sign_chunked_with(&request, &upload, &credentials, time)?;
//! assert!(seed.headers().any(|(name, value)| name == "content-length"
//!     && value == upload.content_length().to_string()));
//! let encoded = seed.into_encoder().encode_all(&body)?;
//! assert_eq!(encoded.len() as u64, upload.content_length());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use sigv4kit_canon::{AmzDate, Header, Payload, Request};
use sigv4kit_signer::{ChainScope, Credentials, SigningOutput};
use sigv4kit_stream::{
    ChecksumAlgorithm, ChunkSigning, ChunkSize, ChunkedEncoder, ChunkedUpload, SigningChain,
};

use crate::config::{RequestSigner, SignRequestError};

/// Headers the plan sets and a request to be chunked must not carry with
/// another value.
const PLANNED_HEADERS: [&str; 2] = ["x-amz-decoded-content-length", "x-amz-trailer"];

/// A signed seed request and the encoder of its body.
#[derive(Debug)]
pub struct SignedChunkedUpload {
    seed_headers: Vec<(&'static str, String)>,
    output: SigningOutput,
    encoder: ChunkedEncoder,
}

impl SignedChunkedUpload {
    /// Every header to set on the request: the plan's (`Content-Encoding`,
    /// `Content-Length`, `x-amz-decoded-content-length`, `x-amz-trailer`),
    /// then the signature's.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.seed_headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .chain(self.output.headers())
    }

    /// The seed request's signature.
    pub fn output(&self) -> &SigningOutput {
        &self.output
    }

    /// The encoder of the body, whose chain starts at the seed's signature.
    pub fn into_encoder(self) -> ChunkedEncoder {
        self.encoder
    }

    /// The signature and the encoder.
    pub fn into_parts(self) -> (SigningOutput, ChunkedEncoder) {
        (self.output, self.encoder)
    }
}

/// How the integrations (`SignLayer`, the reqwest middleware) send bodies
/// `aws-chunked` once asked to: the chunk size and the trailing checksum of
/// every upload they plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkedUploads {
    chunk_size: ChunkSize,
    checksum: Option<ChecksumAlgorithm>,
}

impl ChunkedUploads {
    /// Chunks of 64 KiB, no trailer.
    pub const fn new() -> Self {
        Self {
            chunk_size: ChunkSize::DEFAULT,
            checksum: None,
        }
    }

    /// Chunks of `chunk_size`.
    #[must_use]
    pub const fn with_chunk_size(mut self, chunk_size: ChunkSize) -> Self {
        self.chunk_size = chunk_size;
        self
    }

    /// A trailing `checksum` on every upload.
    #[must_use]
    pub const fn with_checksum(mut self, checksum: ChecksumAlgorithm) -> Self {
        self.checksum = Some(checksum);
        self
    }

    /// The plan of an upload of `decoded_length` bytes by `signer`.
    pub fn plan(&self, signer: &RequestSigner, decoded_length: u64) -> ChunkedUpload {
        let upload = signer
            .chunked_upload(decoded_length)
            .with_chunk_size(self.chunk_size);
        match self.checksum {
            Some(checksum) => upload.with_checksum(checksum),
            None => upload,
        }
    }
}

impl RequestSigner {
    /// The plan of an upload of `decoded_length` bytes whose chunks are
    /// signed with this signer's algorithm, in chunks of 64 KiB, without a
    /// trailer. Change the chunk size or add a checksum with the plan's
    /// `with_*` methods.
    pub fn chunked_upload(&self, decoded_length: u64) -> ChunkedUpload {
        ChunkedUpload::signed(self.algorithm(), decoded_length)
    }

    /// Signs now, with credentials from the provider, the seed request of
    /// `upload`; see [`RequestSigner::sign_chunked_with`].
    ///
    /// # Errors
    /// As [`RequestSigner::sign_chunked_with`], and for missing credentials.
    pub async fn sign_chunked(
        &self,
        request: &Request<'_>,
        upload: &ChunkedUpload,
    ) -> Result<SignedChunkedUpload, SignRequestError> {
        let credentials = self.credentials_provider().provide_credentials().await?;
        self.sign_chunked_with(request, upload, &credentials, self.now()?)
    }

    /// Signs the seed request of `upload` with `credentials` at `time`.
    ///
    /// The request is signed with the plan's headers added: its
    /// `Content-Length` becomes the encoded length, and `aws-chunked` is put
    /// first in its `Content-Encoding` (S3 reads `aws-chunked,gzip` as a
    /// gzip body sent chunked). Its payload becomes the plan's `STREAMING-*`
    /// literal.
    ///
    /// # Errors
    /// [`SignRequestError::ChunkedHeaderConflict`] when the request already
    /// carries `x-amz-decoded-content-length` or `x-amz-trailer` with another
    /// value than the plan's; [`SignRequestError::Chunked`] when the plan's
    /// algorithm is not this signer's; signing errors.
    pub fn sign_chunked_with(
        &self,
        request: &Request<'_>,
        upload: &ChunkedUpload,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SignedChunkedUpload, SignRequestError> {
        if let ChunkSigning::Signed(algorithm) = upload.signing()
            && algorithm != self.algorithm()
        {
            return Err(SignRequestError::Chunked(
                sigv4kit_stream::ChunkedError::AlgorithmMismatch {
                    planned: upload.signing(),
                    found: self.algorithm(),
                },
            ));
        }
        let mut seed_headers = upload.seed_headers();
        let mut headers: Vec<Header<'_>> = Vec::with_capacity(request.headers.len() + 4);
        for header in request.headers {
            let name = header.name;
            if name.eq_ignore_ascii_case(b"content-length") {
                continue;
            }
            if name.eq_ignore_ascii_case(b"content-encoding") {
                let given = String::from_utf8_lossy(header.value);
                let given = given.trim();
                if !given.is_empty()
                    && !given.eq_ignore_ascii_case("aws-chunked")
                    && let Some(planned) = seed_headers
                        .iter_mut()
                        .find(|(planned, _)| *planned == "content-encoding")
                {
                    planned.1 = format!("aws-chunked,{given}");
                }
                continue;
            }
            if let Some(planned) = PLANNED_HEADERS
                .iter()
                .find(|planned| name.eq_ignore_ascii_case(planned.as_bytes()))
            {
                let ours = seed_headers
                    .iter()
                    .find(|(seed, _)| seed == planned)
                    .map(|(_, value)| value.as_bytes());
                if ours != Some(header.value.trim_ascii()) {
                    return Err(SignRequestError::ChunkedHeaderConflict { name: planned });
                }
                continue;
            }
            headers.push(*header);
        }
        headers.extend(
            seed_headers
                .iter()
                .map(|(name, value)| Header::new(*name, value.as_str())),
        );
        let seed = Request {
            headers: &headers,
            payload: Payload::Streaming(upload.payload()),
            ..*request
        };
        // A verifier learns that the body is chunked from this header alone.
        let mut params = self.params(credentials, time);
        params.settings.content_sha256_header = true;
        let output = self.chain_source().sign(&seed, &params)?;
        let encoder = match upload.signing() {
            ChunkSigning::Unsigned => ChunkedEncoder::unsigned(*upload)?,
            ChunkSigning::Signed(algorithm) => {
                let chain = SigningChain::new(
                    self.chain_source().chain_signer(&params)?,
                    ChainScope::for_signing(algorithm, &params)?,
                    output.signature(),
                )?;
                ChunkedEncoder::signed(*upload, chain)?
            }
        };
        Ok(SignedChunkedUpload {
            seed_headers,
            output,
            encoder,
        })
    }
}

/// `docs/STREAMING.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/STREAMING.md")]
struct StreamingGuide;
