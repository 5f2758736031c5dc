//! The payload hash: the last line of the canonical request.
//!
//! It is the hex SHA-256 of the body, or one of the literal values AWS defines
//! for payloads that are not hashed up front: `UNSIGNED-PAYLOAD` (S3, VPC
//! Lattice) and the `STREAMING-*` values of chunked uploads and event streams.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.
//!
//! A caller may set `x-amz-content-sha256` itself; that value is then the
//! payload hash. It must agree with the [`Payload`] the caller chose, unless
//! the choice is [`Payload::FromHeader`].

use sha2::{Digest, Sha256};

use arrayvec::ArrayString;

use crate::encoding::{ascii_array_string, hex_value, hex32, hex32_text};
use crate::error::CanonicalError;
use crate::scope::Algorithm;

/// Name of the header that carries the payload hash.
pub const CONTENT_SHA256_HEADER: &str = "x-amz-content-sha256";

/// The literal payload value for a body that is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// SHA-256 of the empty string, hex.
pub const EMPTY_SHA256_HEX: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// How the payload enters the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// Hash these bytes. Use `Bytes(&[])` for a request without a body.
    Bytes(&'a [u8]),
    /// A SHA-256 computed beforehand, e.g. with [`PayloadHasher`] while the
    /// body was streamed.
    Precomputed(PayloadHash),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
    /// One of the streaming literals of chunked uploads and event streams.
    Streaming(StreamingPayload),
    /// Take the request's own `x-amz-content-sha256` header, which must exist.
    FromHeader,
}

impl Default for Payload<'_> {
    fn default() -> Self {
        Self::Bytes(&[])
    }
}

/// The literal payload values of streaming uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamingPayload {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: SigV4 aws-chunked upload.
    Sigv4Chunked,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: the same, with signed trailers.
    Sigv4ChunkedTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`: SigV4A aws-chunked upload.
    Sigv4aChunked,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`: the same, with signed trailers.
    Sigv4aChunkedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks with checksum trailers.
    UnsignedTrailer,
    /// `STREAMING-AWS4-HMAC-SHA256-EVENTS`: a SigV4 event stream.
    Sigv4Events,
}

impl StreamingPayload {
    /// Every streaming value.
    pub const ALL: [Self; 6] = [
        Self::Sigv4Chunked,
        Self::Sigv4ChunkedTrailer,
        Self::Sigv4aChunked,
        Self::Sigv4aChunkedTrailer,
        Self::UnsignedTrailer,
        Self::Sigv4Events,
    ];

    /// The literal as it appears in the canonical request.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sigv4Chunked => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            Self::Sigv4ChunkedTrailer => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            Self::Sigv4aChunked => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            Self::Sigv4aChunkedTrailer => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
            Self::UnsignedTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            Self::Sigv4Events => "STREAMING-AWS4-HMAC-SHA256-EVENTS",
        }
    }

    /// The literal `value` names, exactly as written.
    pub fn from_literal(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == value)
    }

    /// Whether the body is `aws-chunked` (every literal but the event
    /// stream's).
    pub const fn is_aws_chunked(self) -> bool {
        !matches!(self, Self::Sigv4Events)
    }

    /// The algorithm that signs each chunk of an `aws-chunked` body; `None`
    /// for unsigned chunks and for event streams.
    pub const fn chunk_algorithm(self) -> Option<Algorithm> {
        match self {
            Self::Sigv4Chunked | Self::Sigv4ChunkedTrailer => Some(Algorithm::Sigv4),
            Self::Sigv4aChunked | Self::Sigv4aChunkedTrailer => Some(Algorithm::Sigv4a),
            Self::UnsignedTrailer | Self::Sigv4Events => None,
        }
    }

    /// Whether trailers follow the final chunk.
    pub const fn has_trailer(self) -> bool {
        matches!(
            self,
            Self::Sigv4ChunkedTrailer | Self::Sigv4aChunkedTrailer | Self::UnsignedTrailer
        )
    }
}

/// A SHA-256 payload digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayloadHash([u8; 32]);

impl PayloadHash {
    /// Wraps a raw digest.
    pub const fn from_bytes(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    /// Hashes a whole body.
    pub fn of(body: &[u8]) -> Self {
        Self(Sha256::digest(body).into())
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(hex: &str) -> Result<Self, CanonicalError> {
        let mut digest = [0u8; 32];
        crate::encoding::decode_hex_exact(hex.as_bytes(), &mut digest).ok_or_else(|| {
            CanonicalError::InvalidPayloadHash {
                value: hex.to_owned(),
            }
        })?;
        Ok(Self(digest))
    }

    /// The digest bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex, as signed.
    pub fn to_hex(&self) -> String {
        String::from_utf8_lossy(&hex32(&self.0)).into_owned()
    }
}

impl std::fmt::Debug for PayloadHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PayloadHash({})", self.to_hex())
    }
}

/// Hashes a body piece by piece, so a large body is never held or copied.
#[derive(Debug, Clone, Default)]
pub struct PayloadHasher(Sha256);

impl PayloadHasher {
    /// Starts a new hash.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next piece of the body.
    pub fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> PayloadHash {
        PayloadHash(self.0.finalize().into())
    }
}

/// The payload line of a canonical request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CanonicalPayload {
    /// Lower-case hex SHA-256.
    Hash(ArrayString<64>),
    /// `UNSIGNED-PAYLOAD` or a streaming literal.
    Literal(&'static str),
}

impl CanonicalPayload {
    /// The value as it appears in the canonical request.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Hash(hex) => hex,
            Self::Literal(literal) => literal,
        }
    }

    /// The streaming literal this line is, if it is one.
    pub fn streaming(&self) -> Option<StreamingPayload> {
        match self {
            Self::Hash(_) => None,
            Self::Literal(literal) => StreamingPayload::from_literal(literal),
        }
    }

    /// Parses a value of the `x-amz-content-sha256` header: 64 lower-case hex
    /// digits, `UNSIGNED-PAYLOAD`, or a streaming literal.
    pub fn parse(value: &[u8]) -> Option<Self> {
        if value.len() == 64
            && value
                .iter()
                .all(|&byte| hex_value(byte).is_some() && !byte.is_ascii_uppercase())
        {
            return Some(Self::Hash(ascii_array_string(value)));
        }
        std::iter::once(UNSIGNED_PAYLOAD)
            .chain(StreamingPayload::ALL.iter().map(|mode| mode.as_str()))
            .find(|literal| literal.as_bytes() == value)
            .map(Self::Literal)
    }

    /// The payload line for `payload`, given the request's own
    /// `x-amz-content-sha256` header value if it has one.
    pub fn resolve(payload: &Payload<'_>, header: Option<&[u8]>) -> Result<Self, CanonicalError> {
        let from_header = header
            .map(|value| {
                Self::parse(value).ok_or_else(|| CanonicalError::InvalidContentSha256Header {
                    value: String::from_utf8_lossy(value).into_owned(),
                })
            })
            .transpose()?;
        let chosen = match payload {
            Payload::FromHeader => {
                return from_header.ok_or(CanonicalError::MissingContentSha256Header);
            }
            Payload::Bytes([]) => Self::Hash(ascii_array_string(EMPTY_SHA256_HEX.as_bytes())),
            Payload::Bytes(body) => Self::Hash(hex32_text(&Sha256::digest(body).into())),
            Payload::Precomputed(hash) => Self::Hash(hex32_text(hash.as_bytes())),
            Payload::Unsigned => Self::Literal(UNSIGNED_PAYLOAD),
            Payload::Streaming(mode) => Self::Literal(mode.as_str()),
        };
        match from_header {
            Some(declared) if declared != chosen => Err(CanonicalError::PayloadHashConflict {
                header: declared.as_str().to_owned(),
                chosen: chosen.as_str().to_owned(),
            }),
            _ => Ok(chosen),
        }
    }
}

impl std::fmt::Debug for CanonicalPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_modes_table() {
        let body_hash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
        let cases: Vec<(Payload<'_>, &str)> = vec![
            (Payload::Bytes(b""), EMPTY_SHA256_HEX),
            (Payload::Bytes(b"Param1=value1"), body_hash),
            (
                Payload::Precomputed(PayloadHash::from_hex(body_hash).unwrap()),
                body_hash,
            ),
            (Payload::Unsigned, "UNSIGNED-PAYLOAD"),
            (
                Payload::Streaming(StreamingPayload::Sigv4aChunkedTrailer),
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
            ),
        ];
        for (payload, expected) in cases {
            let resolved = CanonicalPayload::resolve(&payload, None).unwrap();
            assert_eq!(resolved.as_str(), expected, "payload {payload:?}");
        }
    }

    #[test]
    fn incremental_hash_equals_whole_hash() {
        let body: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        let mut hasher = PayloadHasher::new();
        for piece in body.chunks(4097) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish(), PayloadHash::of(&body));
    }

    #[test]
    fn caller_header_is_taken_when_asked_for() {
        let resolved =
            CanonicalPayload::resolve(&Payload::FromHeader, Some(b"UNSIGNED-PAYLOAD")).unwrap();
        assert_eq!(resolved.as_str(), "UNSIGNED-PAYLOAD");
        assert_eq!(
            CanonicalPayload::resolve(&Payload::FromHeader, None),
            Err(CanonicalError::MissingContentSha256Header)
        );
    }

    #[test]
    fn caller_header_must_agree_with_an_explicit_mode() {
        assert!(matches!(
            CanonicalPayload::resolve(&Payload::Unsigned, Some(EMPTY_SHA256_HEX.as_bytes())),
            Err(CanonicalError::PayloadHashConflict { .. })
        ));
        assert!(
            CanonicalPayload::resolve(&Payload::Bytes(b""), Some(EMPTY_SHA256_HEX.as_bytes()))
                .is_ok()
        );
    }

    #[test]
    fn malformed_header_values_are_refused() {
        for value in [
            &b"lieslieslies"[..],
            b"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            b"unsigned-payload",
            b"",
        ] {
            assert!(matches!(
                CanonicalPayload::resolve(&Payload::FromHeader, Some(value)),
                Err(CanonicalError::InvalidContentSha256Header { .. })
            ));
        }
    }

    #[test]
    fn streaming_literals_say_what_follows_them() {
        for mode in StreamingPayload::ALL {
            assert_eq!(StreamingPayload::from_literal(mode.as_str()), Some(mode));
            assert_eq!(
                CanonicalPayload::parse(mode.as_str().as_bytes()).and_then(|line| line.streaming()),
                Some(mode)
            );
            assert_eq!(mode.as_str().ends_with("-TRAILER"), mode.has_trailer());
            assert_eq!(mode.as_str().ends_with("-EVENTS"), !mode.is_aws_chunked());
        }
        assert_eq!(
            StreamingPayload::from_literal("streaming-unsigned-payload-trailer"),
            None
        );
        assert_eq!(
            StreamingPayload::Sigv4aChunkedTrailer.chunk_algorithm(),
            Some(Algorithm::Sigv4a)
        );
        assert_eq!(
            StreamingPayload::Sigv4ChunkedTrailer.chunk_algorithm(),
            Some(Algorithm::Sigv4)
        );
        assert_eq!(StreamingPayload::UnsignedTrailer.chunk_algorithm(), None);
        assert_eq!(StreamingPayload::Sigv4Events.chunk_algorithm(), None);
        assert_eq!(
            CanonicalPayload::parse(b"UNSIGNED-PAYLOAD").and_then(|line| line.streaming()),
            None
        );
    }
}
