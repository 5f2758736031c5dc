//! The server side: [`ChunkedVerifier`] checks an `aws-chunked` body against
//! its verified seed request and releases its data chunk by chunk.
//!
//! Verifying the seed request proves only who sent the headers; the body's
//! signatures follow it, one per chunk and one for the trailers, each
//! chained to the one before (see [`sigv4kit_signer::chain`]). The verifier
//! reads the frames with a [`ChunkedDecoder`] and checks, in order:
//!
//! - each chunk's signature, before any of the chunk's bytes are released,
//!   so that a consumer never sees a byte whose signature failed; the first
//!   bad chunk stops the stream with an error that names it;
//! - that the chunks add up to `x-amz-decoded-content-length`, refusing a
//!   chunk as soon as its header declares more than is left;
//! - the trailers: exactly those `x-amz-trailer` declares, their signature
//!   (which covers their canonical form, [`canonical_trailers`]), and each
//!   `x-amz-checksum-*` against the checksum recomputed over the data.
//!
//! `STREAMING-UNSIGNED-PAYLOAD-TRAILER` bodies carry no signature after the
//! seed: a checksum trailer, which the seed's `x-amz-trailer` must declare,
//! is all that protects their data.
//!
//! A checksum can only be compared once the data is over, after every chunk
//! was released; and the body's length and trailers are only known at its
//! end. A consumer must therefore treat what it received as untrusted (not
//! commit it, not answer success) until [`ChunkedVerifier::finish`] returns
//! `Ok`.
//!
//! What the verifier does not check: `Content-Length` against the encoded
//! length, which the HTTP layer enforces, and `Content-Encoding`, whose
//! `aws-chunked` a server has usually consumed to get here.

use std::collections::VecDeque;

use sha2::{Digest, Sha256};
use sigv4kit_canon::{Algorithm, CanonicalPayload, Request, StreamingPayload};
use sigv4kit_signer::{ChainScope, ChainVerifier, Verified};

use crate::chain::{CheckingChain, WrittenSignature, canonical_trailers};
use crate::checksum::{ChecksumAlgorithm, Checksummer};
use crate::decode::{ChunkedDecoder, ChunkedEvent, DecodeError, StreamLimits, is_token_byte};
use crate::upload::{ChunkSigning, TRAILER_SIGNATURE_HEADER};

/// The header that declares the body's length before encoding.
pub const DECODED_CONTENT_LENGTH_HEADER: &str = "x-amz-decoded-content-length";
/// The header that declares the trailers, comma-separated.
pub const TRAILER_HEADER: &str = "x-amz-trailer";
/// The prefix of the checksum trailers' names.
const CHECKSUM_TRAILER_PREFIX: &str = "x-amz-checksum-";
/// The most a verifier reserves for a chunk before its bytes arrive: a
/// header alone must not make it allocate a whole 16 MiB chunk.
const RESERVE_AHEAD: usize = 64 * 1024;

/// Why an `aws-chunked` body, or its seed request's declarations, were
/// refused. Each rejection has its own variant, and the message names the
/// chunk, the trailer or the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamVerifyError {
    /// The body is not well-formed `aws-chunked`: truncated, without its
    /// final chunk, a header or trailer malformed or too long, bytes after
    /// the end.
    #[error(transparent)]
    Decode(#[from] DecodeError),

    /// The seed's payload is not an `aws-chunked` one.
    #[error("the payload {payload} is not an aws-chunked upload's")]
    NotAwsChunked {
        /// The seed's `x-amz-content-sha256`.
        payload: String,
    },
    /// The seed has no `x-amz-decoded-content-length`.
    #[error("the request has no x-amz-decoded-content-length header")]
    MissingDecodedLength,
    /// `x-amz-decoded-content-length` is not one decimal number.
    #[error("x-amz-decoded-content-length {value:?} is not one decimal number")]
    InvalidDecodedLength {
        /// The value(s), comma-separated.
        value: String,
    },
    /// `x-amz-trailer` names something that cannot be a trailer.
    #[error("x-amz-trailer declares {name:?}, which {reason}")]
    InvalidTrailerDeclaration {
        /// The declared name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// `x-amz-trailer` declares a checksum sigv4kit does not know.
    #[error("x-amz-trailer declares the checksum {name}, which is not supported")]
    UnsupportedChecksum {
        /// The declared name.
        name: String,
    },
    /// `x-amz-trailer` declares trailers, but the payload carries none.
    #[error("x-amz-trailer declares trailers, but {} carries none", payload.as_str())]
    UnexpectedTrailerDeclaration {
        /// The seed's payload.
        payload: StreamingPayload,
    },
    /// An unsigned body without a declared checksum would be protected by
    /// nothing.
    #[error(
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER needs x-amz-trailer to declare an x-amz-checksum-* trailer"
    )]
    UnsignedWithoutChecksum,
    /// The checking chain does not fit the payload: a signed payload
    /// without one, an unsigned one with one, or another algorithm.
    #[error("{} cannot be checked {}", payload.as_str(), match chain {
        Some(algorithm) => format!("by a {algorithm} chain"),
        None => "without a checking chain".to_owned(),
    })]
    ChainMismatch {
        /// The seed's payload.
        payload: StreamingPayload,
        /// The chain's algorithm, if one was given.
        chain: Option<Algorithm>,
    },

    /// A chunk of a signed body without `chunk-signature`.
    #[error("chunk {index} has no chunk-signature")]
    MissingChunkSignature {
        /// The chunk's index, from 0; the final chunk's is the number of
        /// data chunks.
        index: u64,
    },
    /// A chunk of an unsigned body with `chunk-signature`.
    #[error("chunk {index} has a chunk-signature, but the upload is unsigned")]
    UnexpectedChunkSignature {
        /// The chunk's index.
        index: u64,
    },
    /// A chunk whose signature does not sign it after the one before: its
    /// data was changed, or chunks were dropped, reordered or spliced in.
    #[error("the signature of chunk {index} does not match")]
    ChunkSignatureMismatch {
        /// The chunk's index.
        index: u64,
    },
    /// A chunk that declares more bytes than the declared length leaves.
    #[error(
        "chunk {index} declares {size} bytes, but x-amz-decoded-content-length leaves {remaining}"
    )]
    ChunkLargerThanDeclared {
        /// The chunk's index.
        index: u64,
        /// Its declared size.
        size: u64,
        /// What the declared length leaves.
        remaining: u64,
    },
    /// A chunk smaller than the minimum that is not the last.
    #[error("chunk {index} is {size} bytes, less than the {min} of every chunk but the last")]
    ChunkTooSmall {
        /// The chunk's index.
        index: u64,
        /// Its size.
        size: u64,
        /// [`StreamLimits::min_chunk_size`].
        min: usize,
    },
    /// The final chunk came before the declared length.
    #[error("the body is {received} bytes, but x-amz-decoded-content-length declares {declared}")]
    DecodedLengthMismatch {
        /// `x-amz-decoded-content-length`.
        declared: u64,
        /// The data received.
        received: u64,
    },
    /// A trailer `x-amz-trailer` does not declare.
    #[error("the trailer {name} is not declared in x-amz-trailer")]
    UndeclaredTrailer {
        /// Its name, lower-case.
        name: String,
    },
    /// A trailer sent twice.
    #[error("the trailer {name} is sent twice")]
    DuplicateTrailer {
        /// Its name, lower-case.
        name: String,
    },
    /// A declared trailer that did not come.
    #[error("the trailer {name}, declared in x-amz-trailer, is missing")]
    MissingTrailer {
        /// Its name, lower-case.
        name: String,
    },
    /// A body with signed trailers that ends without their signature.
    #[error("the trailers have no x-amz-trailer-signature")]
    MissingTrailerSignature,
    /// A trailer signature where the payload signs no trailers.
    #[error("x-amz-trailer-signature is sent, but the payload signs no trailers")]
    UnexpectedTrailerSignature,
    /// A trailer signature that does not sign the trailers after the last
    /// chunk.
    #[error("x-amz-trailer-signature does not match the trailers")]
    TrailerSignatureMismatch,
    /// A checksum trailer that is not the data's.
    #[error("{algorithm} is {received}, but the data's is {computed}")]
    ChecksumMismatch {
        /// The checksum.
        algorithm: ChecksumAlgorithm,
        /// The trailer's value.
        received: String,
        /// The checksum of the data received.
        computed: String,
    },
}

/// What the seed request declares about its body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamExpectations {
    /// The payload literal: who signs the chunks and whether trailers
    /// follow.
    pub payload: StreamingPayload,
    /// `x-amz-decoded-content-length`.
    pub decoded_length: u64,
    /// The names `x-amz-trailer` declares, in any case.
    pub trailers: Vec<String>,
}

impl StreamExpectations {
    /// The expectations of `request`, whose verified payload line is
    /// `payload`: its `x-amz-decoded-content-length` and `x-amz-trailer`
    /// headers.
    ///
    /// # Errors
    /// [`StreamVerifyError::NotAwsChunked`] unless `payload` is an
    /// `aws-chunked` literal; [`StreamVerifyError::MissingDecodedLength`],
    /// [`StreamVerifyError::InvalidDecodedLength`] or
    /// [`StreamVerifyError::InvalidTrailerDeclaration`] for the headers.
    pub fn from_request(
        request: &Request<'_>,
        payload: &CanonicalPayload,
    ) -> Result<Self, StreamVerifyError> {
        let payload = payload
            .streaming()
            .filter(|literal| literal.is_aws_chunked())
            .ok_or_else(|| StreamVerifyError::NotAwsChunked {
                payload: payload.as_str().to_owned(),
            })?;
        let lengths: Vec<&[u8]> = request
            .headers_named(DECODED_CONTENT_LENGTH_HEADER)
            .collect();
        let decoded_length = match lengths.as_slice() {
            [] => return Err(StreamVerifyError::MissingDecodedLength),
            [value] => parse_decimal(value.trim_ascii()),
            _ => None,
        }
        .ok_or_else(|| StreamVerifyError::InvalidDecodedLength {
            value: lengths
                .iter()
                .map(|value| String::from_utf8_lossy(value))
                .collect::<Vec<_>>()
                .join(","),
        })?;
        let mut trailers = Vec::new();
        for value in request.headers_named(TRAILER_HEADER) {
            for name in value.split(|&byte| byte == b',') {
                let name = name.trim_ascii();
                if name.is_empty() {
                    continue;
                }
                let name = std::str::from_utf8(name).map_err(|_| {
                    StreamVerifyError::InvalidTrailerDeclaration {
                        name: String::from_utf8_lossy(name).into_owned(),
                        reason: "is not a header name",
                    }
                })?;
                trailers.push(name.to_owned());
            }
        }
        Ok(Self {
            payload,
            decoded_length,
            trailers,
        })
    }
}

/// A body that verified: what it was, as [`ChunkedVerifier::finish`]
/// reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerifiedStream {
    /// The seed's payload literal.
    pub payload: StreamingPayload,
    /// The data's length: `x-amz-decoded-content-length`.
    pub decoded_length: u64,
    /// The data chunks, the final chunk not counted.
    pub chunks: u64,
    /// The trailers in the order received, names lower-case, without the
    /// trailer signature. In an unsigned body only the checksums among
    /// them are checked.
    pub trailers: Vec<(String, String)>,
    /// The checksums that matched the data.
    pub checksums: Vec<ChecksumAlgorithm>,
}

impl VerifiedStream {
    /// The value of the trailer `name` (any case).
    pub fn trailer(&self, name: &str) -> Option<&str> {
        self.trailers
            .iter()
            .find(|(trailer, _)| trailer.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Verifies one `aws-chunked` body, pushed in pieces of any size, and
/// releases its data one verified chunk at a time.
///
/// Push the body's bytes as they arrive with [`ChunkedVerifier::push`],
/// take the chunks it released with [`ChunkedVerifier::next_verified`], and
/// at the end of the input call [`ChunkedVerifier::finish`]: only its `Ok`
/// says the whole body is what the sender signed (see the module docs).
/// The verifier holds at most one unverified chunk, plus the verified ones
/// not yet taken.
///
/// ```
/// use sigv4kit_canon::StreamingPayload;
/// use sigv4kit_stream::{
///     ChecksumAlgorithm, ChunkedEncoder, ChunkedUpload, ChunkedVerifier, StreamExpectations,
///     StreamLimits,
/// };
///
/// let body = vec![7u8; 20_000];
/// let upload = ChunkedUpload::unsigned(body.len() as u64, ChecksumAlgorithm::Crc32c);
/// let encoded = ChunkedEncoder::unsigned(upload)?.encode_all(&body)?;
///
/// let expected = StreamExpectations {
///     payload: StreamingPayload::UnsignedTrailer,
///     decoded_length: body.len() as u64,
///     trailers: vec!["x-amz-checksum-crc32c".to_owned()],
/// };
/// let mut verifier = ChunkedVerifier::new(expected, None, StreamLimits::DEFAULT)?;
/// let mut received = Vec::new();
/// for piece in encoded.chunks(1000) {
///     verifier.push(piece)?;
///     while let Some(chunk) = verifier.next_verified() {
///         received.extend_from_slice(&chunk);
///     }
/// }
/// let verified = verifier.finish()?;
/// assert_eq!(received, body);
/// assert_eq!(verified.checksums, [ChecksumAlgorithm::Crc32c]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ChunkedVerifier {
    decoder: ChunkedDecoder,
    checks: Checks,
    /// The first error: a failed verifier answers every call with it.
    failed: Option<StreamVerifyError>,
}

impl ChunkedVerifier {
    /// The verifier of a body with the seed's `expected` declarations,
    /// checked by `chain` (continuing from the verified seed signature) for
    /// a signed payload, by none for `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    ///
    /// # Errors
    /// [`StreamVerifyError::NotAwsChunked`],
    /// [`StreamVerifyError::ChainMismatch`],
    /// [`StreamVerifyError::InvalidTrailerDeclaration`] (a name repeated,
    /// not a header name, the trailer signature's, or more than
    /// [`StreamLimits::max_trailers`]),
    /// [`StreamVerifyError::UnsupportedChecksum`],
    /// [`StreamVerifyError::UnexpectedTrailerDeclaration`] or
    /// [`StreamVerifyError::UnsignedWithoutChecksum`].
    pub fn new(
        expected: StreamExpectations,
        chain: Option<CheckingChain>,
        limits: StreamLimits,
    ) -> Result<Self, StreamVerifyError> {
        let payload = expected.payload;
        let (signing, has_trailers) =
            chunk_mode(payload).ok_or_else(|| StreamVerifyError::NotAwsChunked {
                payload: payload.as_str().to_owned(),
            })?;
        let signing = match (signing, chain) {
            (ChunkSigning::Unsigned, None) => Signing::Unsigned,
            (ChunkSigning::Signed(algorithm), Some(chain)) if chain.algorithm() == algorithm => {
                Signing::Signed {
                    chain: Box::new(chain),
                    signed_trailers: has_trailers,
                }
            }
            (_, chain) => {
                return Err(StreamVerifyError::ChainMismatch {
                    payload,
                    chain: chain.map(|chain| chain.algorithm()),
                });
            }
        };
        let declared = declared_trailers(&expected.trailers, &limits)?;
        if !has_trailers && !declared.is_empty() {
            return Err(StreamVerifyError::UnexpectedTrailerDeclaration { payload });
        }
        if matches!(signing, Signing::Unsigned)
            && !declared.iter().any(|trailer| trailer.checksum.is_some())
        {
            return Err(StreamVerifyError::UnsignedWithoutChecksum);
        }
        Ok(Self {
            decoder: ChunkedDecoder::new(limits),
            checks: Checks {
                payload,
                signing,
                declared_length: expected.decoded_length,
                received: 0,
                min_chunk_size: limits.min_chunk_size,
                declared,
                received_order: Vec::new(),
                chunk: PendingChunk::default(),
                chunks: 0,
                trailer_signature_checked: false,
                checksums: Vec::new(),
                released: VecDeque::new(),
            },
            failed: None,
        })
    }

    /// The verifier of the body of `request`, whose seed signature
    /// `verified` is: its payload from `verified.payload`, its declarations
    /// from `x-amz-decoded-content-length` and `x-amz-trailer`, its chunk
    /// signatures checked by `chain_verifier` (from
    /// [`Verifier::chain_verifier`](sigv4kit_signer::Verifier::chain_verifier)
    /// for the same `verified`). A signed body needs one; an unsigned body
    /// has no signature to check and ignores it.
    ///
    /// # Errors
    /// As [`StreamExpectations::from_request`] and [`ChunkedVerifier::new`]:
    /// [`StreamVerifyError::ChainMismatch`] for a signed body without
    /// `chain_verifier`, or with one of the other algorithm.
    pub fn for_request(
        request: &Request<'_>,
        verified: &Verified,
        chain_verifier: Option<Box<dyn ChainVerifier>>,
        limits: StreamLimits,
    ) -> Result<Self, StreamVerifyError> {
        let expected = StreamExpectations::from_request(request, &verified.payload)?;
        let chain = match chunk_mode(expected.payload) {
            Some((ChunkSigning::Unsigned, _)) | None => None,
            Some((ChunkSigning::Signed(_), _)) => chain_verifier.map(|chain_verifier| {
                CheckingChain::new(
                    chain_verifier,
                    ChainScope::for_verified(verified),
                    verified.signature_hex(),
                )
            }),
        };
        Self::new(expected, chain, limits)
    }

    /// Reads the next bytes of the body, checking each chunk as it
    /// completes and releasing it once its signature verified.
    ///
    /// # Errors
    /// The first rejection, which ends the verification: this and every
    /// later call return it, and the chunks released but not yet taken are
    /// dropped.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), StreamVerifyError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let checks = &mut self.checks;
        let result = self.decoder.feed(bytes, |event| checks.on_event(event));
        self.record(result)
    }

    /// The next verified chunk's data, in order.
    pub fn next_verified(&mut self) -> Option<Vec<u8>> {
        self.checks.released.pop_front()
    }

    /// Declares the end of the input and reports the body. Every chunk was
    /// released by the push that completed it; those not yet taken stay
    /// available to [`ChunkedVerifier::next_verified`] when it succeeds.
    ///
    /// # Errors
    /// The error a [`ChunkedVerifier::push`] returned; otherwise
    /// [`DecodeError::MissingFinalChunk`] or [`DecodeError::Truncated`] when
    /// the body did not end, which fails the verifier as a push would.
    pub fn finish(&mut self) -> Result<VerifiedStream, StreamVerifyError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.decoder.finish().map_err(StreamVerifyError::from);
        self.record(result)?;
        Ok(self.checks.report())
    }

    fn record(&mut self, result: Result<(), StreamVerifyError>) -> Result<(), StreamVerifyError> {
        if let Err(error) = &result {
            self.failed = Some(error.clone());
            self.checks.released.clear();
        }
        result
    }
}

/// Who signs the chunks, for a verifier.
#[derive(Debug)]
enum Signing {
    Unsigned,
    Signed {
        chain: Box<CheckingChain>,
        signed_trailers: bool,
    },
}

/// A declared trailer, its checksum and the value received.
#[derive(Debug)]
struct DeclaredTrailer {
    /// Lower-case.
    name: String,
    checksum: Option<Checksummer>,
    value: Option<String>,
}

/// The chunk being received.
#[derive(Debug, Default)]
struct PendingChunk {
    index: u64,
    size: u64,
    signature: Option<WrittenSignature>,
    hasher: Sha256,
    data: Vec<u8>,
}

/// Everything a verifier checks, apart from the framing.
#[derive(Debug)]
struct Checks {
    payload: StreamingPayload,
    signing: Signing,
    declared_length: u64,
    /// Data bytes in released chunks.
    received: u64,
    min_chunk_size: usize,
    declared: Vec<DeclaredTrailer>,
    /// Indices into `declared`, in the order the trailers came.
    received_order: Vec<usize>,
    chunk: PendingChunk,
    chunks: u64,
    trailer_signature_checked: bool,
    checksums: Vec<ChecksumAlgorithm>,
    released: VecDeque<Vec<u8>>,
}

impl Checks {
    fn on_event(&mut self, event: ChunkedEvent<'_>) -> Result<(), StreamVerifyError> {
        match event {
            ChunkedEvent::ChunkHeader {
                index,
                size,
                signature,
            } => self.start_chunk(index, size, signature),
            ChunkedEvent::ChunkData(data) => {
                if let Signing::Signed { .. } = self.signing {
                    self.chunk.hasher.update(data);
                }
                for trailer in &mut self.declared {
                    if let Some(checksum) = &mut trailer.checksum {
                        checksum.update(data);
                    }
                }
                self.chunk.data.extend_from_slice(data);
                Ok(())
            }
            ChunkedEvent::ChunkEnd { .. } => self.end_chunk(),
            ChunkedEvent::FinalChunk { index, signature } => self.final_chunk(index, signature),
            ChunkedEvent::Trailer { name, value } => self.trailer(name, value),
            ChunkedEvent::TrailerSignature(written) => self.trailer_signature(written),
            ChunkedEvent::End => self.end(),
        }
    }

    fn start_chunk(
        &mut self,
        index: u64,
        size: u64,
        signature: Option<&str>,
    ) -> Result<(), StreamVerifyError> {
        let signature = self.signature_of(index, signature)?;
        let remaining = self.declared_length.saturating_sub(self.received);
        if size > remaining {
            return Err(StreamVerifyError::ChunkLargerThanDeclared {
                index,
                size,
                remaining,
            });
        }
        if size < self.min_chunk_size as u64 && size != remaining {
            return Err(StreamVerifyError::ChunkTooSmall {
                index,
                size,
                min: self.min_chunk_size,
            });
        }
        let reserve = usize::try_from(size).map_or(RESERVE_AHEAD, |size| size.min(RESERVE_AHEAD));
        self.chunk = PendingChunk {
            index,
            size,
            signature,
            hasher: Sha256::new(),
            data: Vec::with_capacity(reserve),
        };
        Ok(())
    }

    fn end_chunk(&mut self) -> Result<(), StreamVerifyError> {
        let chunk = std::mem::take(&mut self.chunk);
        let hash: [u8; 32] = chunk.hasher.finalize().into();
        self.check_chunk_signature(chunk.index, &hash, chunk.signature.as_deref())?;
        self.received += chunk.size;
        self.chunks += 1;
        self.released.push_back(chunk.data);
        Ok(())
    }

    fn final_chunk(
        &mut self,
        index: u64,
        signature: Option<&str>,
    ) -> Result<(), StreamVerifyError> {
        let signature = self.signature_of(index, signature)?;
        let hash: [u8; 32] = Sha256::digest(b"").into();
        self.check_chunk_signature(index, &hash, signature.as_deref())?;
        if self.received != self.declared_length {
            return Err(StreamVerifyError::DecodedLengthMismatch {
                declared: self.declared_length,
                received: self.received,
            });
        }
        Ok(())
    }

    /// The chunk's written signature, if the signing needs one: refuses a
    /// missing one or an unexpected one.
    fn signature_of(
        &self,
        index: u64,
        signature: Option<&str>,
    ) -> Result<Option<WrittenSignature>, StreamVerifyError> {
        match (&self.signing, signature) {
            (Signing::Unsigned, None) => Ok(None),
            (Signing::Unsigned, Some(_)) => {
                Err(StreamVerifyError::UnexpectedChunkSignature { index })
            }
            (Signing::Signed { .. }, None) => {
                Err(StreamVerifyError::MissingChunkSignature { index })
            }
            // The decoder bounds a signature to the padded SigV4A width; one
            // that does not fit cannot be a signature.
            (Signing::Signed { .. }, Some(written)) => WrittenSignature::from(written)
                .map(Some)
                .map_err(|_| StreamVerifyError::ChunkSignatureMismatch { index }),
        }
    }

    fn check_chunk_signature(
        &mut self,
        index: u64,
        hash: &[u8; 32],
        written: Option<&str>,
    ) -> Result<(), StreamVerifyError> {
        let verified = match (&mut self.signing, written) {
            (Signing::Unsigned, _) => true,
            (Signing::Signed { chain, .. }, Some(written)) => chain.check_chunk(hash, written),
            (Signing::Signed { .. }, None) => false,
        };
        if verified {
            Ok(())
        } else {
            Err(StreamVerifyError::ChunkSignatureMismatch { index })
        }
    }

    fn trailer(&mut self, name: &str, value: &str) -> Result<(), StreamVerifyError> {
        let lower = name.to_ascii_lowercase();
        let Some(position) = self
            .declared
            .iter()
            .position(|trailer| trailer.name == lower)
        else {
            return Err(StreamVerifyError::UndeclaredTrailer { name: lower });
        };
        let trailer = &mut self.declared[position];
        if trailer.value.is_some() {
            return Err(StreamVerifyError::DuplicateTrailer { name: lower });
        }
        trailer.value = Some(value.to_owned());
        self.received_order.push(position);
        Ok(())
    }

    fn trailer_signature(&mut self, written: &str) -> Result<(), StreamVerifyError> {
        let Signing::Signed {
            chain,
            signed_trailers: true,
        } = &mut self.signing
        else {
            return Err(StreamVerifyError::UnexpectedTrailerSignature);
        };
        let declared = &self.declared;
        let canonical = canonical_trailers(self.received_order.iter().filter_map(|&position| {
            let trailer = &declared[position];
            Some((trailer.name.as_str(), trailer.value.as_deref()?))
        }));
        if !chain.check_trailer(&canonical, written) {
            return Err(StreamVerifyError::TrailerSignatureMismatch);
        }
        self.trailer_signature_checked = true;
        Ok(())
    }

    fn end(&mut self) -> Result<(), StreamVerifyError> {
        let signs_trailers = matches!(
            self.signing,
            Signing::Signed {
                signed_trailers: true,
                ..
            }
        );
        if signs_trailers && !self.trailer_signature_checked {
            return Err(StreamVerifyError::MissingTrailerSignature);
        }
        for trailer in &mut self.declared {
            let Some(received) = &trailer.value else {
                return Err(StreamVerifyError::MissingTrailer {
                    name: trailer.name.clone(),
                });
            };
            if let Some(checksum) = trailer.checksum.take() {
                let algorithm = checksum.algorithm();
                let computed = checksum.finish();
                if computed != *received {
                    return Err(StreamVerifyError::ChecksumMismatch {
                        algorithm,
                        received: received.clone(),
                        computed,
                    });
                }
                self.checksums.push(algorithm);
            }
        }
        Ok(())
    }

    fn report(&self) -> VerifiedStream {
        VerifiedStream {
            payload: self.payload,
            decoded_length: self.received,
            chunks: self.chunks,
            trailers: self
                .received_order
                .iter()
                .filter_map(|&position| {
                    let trailer = &self.declared[position];
                    Some((trailer.name.clone(), trailer.value.clone()?))
                })
                .collect(),
            checksums: self.checksums.clone(),
        }
    }
}

/// Who signs the chunks of a `payload` and whether trailers follow; `None`
/// for a payload that is not `aws-chunked`.
fn chunk_mode(payload: StreamingPayload) -> Option<(ChunkSigning, bool)> {
    let signing = payload
        .chunk_algorithm()
        .map_or(ChunkSigning::Unsigned, ChunkSigning::Signed);
    payload
        .is_aws_chunked()
        .then_some((signing, payload.has_trailer()))
}

/// The declared trailers, names lower-case, each checksum ready to run.
fn declared_trailers(
    names: &[String],
    limits: &StreamLimits,
) -> Result<Vec<DeclaredTrailer>, StreamVerifyError> {
    let mut declared: Vec<DeclaredTrailer> = Vec::with_capacity(names.len());
    for name in names {
        let invalid = |reason| StreamVerifyError::InvalidTrailerDeclaration {
            name: name.clone(),
            reason,
        };
        let lower = name.trim_matches([' ', '\t']).to_ascii_lowercase();
        if lower.is_empty() || !lower.bytes().all(is_token_byte) {
            return Err(invalid("is not a header name"));
        }
        if lower == TRAILER_SIGNATURE_HEADER {
            return Err(invalid(
                "is sent with every signed trailer block, undeclared",
            ));
        }
        if declared.iter().any(|trailer| trailer.name == lower) {
            return Err(invalid("is declared twice"));
        }
        if declared.len() == limits.max_trailers {
            return Err(invalid("is more trailers than the limit"));
        }
        let checksum = if lower.starts_with(CHECKSUM_TRAILER_PREFIX) {
            let algorithm = ChecksumAlgorithm::from_header_name(&lower).ok_or_else(|| {
                StreamVerifyError::UnsupportedChecksum {
                    name: lower.clone(),
                }
            })?;
            Some(Checksummer::new(algorithm))
        } else {
            None
        };
        declared.push(DeclaredTrailer {
            name: lower,
            checksum,
            value: None,
        });
    }
    Ok(declared)
}

/// A decimal `u64` of ASCII digits only.
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_lengths_table() {
        let cases: [(&[u8], Option<u64>); 6] = [
            (b"0", Some(0)),
            (b"66560", Some(66_560)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b"+1", None),
            (b"", None),
        ];
        for (digits, expected) in cases {
            assert_eq!(parse_decimal(digits), expected);
        }
    }

    #[test]
    fn declared_trailers_are_lower_cased_and_checked() {
        let limits = StreamLimits::DEFAULT;
        let names = |list: &[&str]| {
            list.iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        let declared =
            declared_trailers(&names(&["X-Amz-Checksum-CRC32C", "x-amz-meta-a"]), &limits).unwrap();
        assert_eq!(declared[0].name, "x-amz-checksum-crc32c");
        assert!(declared[0].checksum.is_some());
        assert!(declared[1].checksum.is_none());
        for (list, expected) in [
            (&["a b"][..], "is not a header name"),
            (
                &["x-amz-trailer-signature"][..],
                "is sent with every signed trailer block, undeclared",
            ),
            (&["a", "A"][..], "is declared twice"),
        ] {
            assert!(matches!(
                declared_trailers(&names(list), &limits),
                Err(StreamVerifyError::InvalidTrailerDeclaration { reason, .. }) if reason == expected
            ));
        }
        assert!(matches!(
            declared_trailers(&names(&["x-amz-checksum-md5"]), &limits),
            Err(StreamVerifyError::UnsupportedChecksum { name }) if name == "x-amz-checksum-md5"
        ));
    }
}
