//! What an `aws-chunked` upload is, decided before its first byte is sent:
//! who signs the chunks, how long the body is, how it is cut and which
//! checksum trails it. From that alone follow the seed request's headers and
//! the exact encoded `Content-Length`.
//!
//! The body on the wire
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>):
//!
//! ```text
//! <hex size>;chunk-signature=<signature>\r\n<data>\r\n     once per data chunk
//! 0;chunk-signature=<signature>\r\n                           the final chunk
//! <name>:<value>\r\n                                          each trailer
//! x-amz-trailer-signature:<signature>\r\n                     signed trailers
//! \r\n
//! ```
//!
//! Unsigned uploads (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) drop the
//! `;chunk-signature=` extensions and the trailer signature. SigV4A
//! signatures are padded with `*` to 144 characters, the longest DER
//! signature's hex, so that the length does not depend on the random length
//! of each signature.

use sigv4kit_canon::{Algorithm, StreamingPayload};

use crate::checksum::ChecksumAlgorithm;
use crate::error::ChunkedError;

/// `;chunk-signature=`, between a chunk's size and its signature.
pub const CHUNK_SIGNATURE_EXTENSION: &str = ";chunk-signature=";
/// The trailer that carries the trailer signature.
pub const TRAILER_SIGNATURE_HEADER: &str = "x-amz-trailer-signature";
/// The width of a SigV4 signature: 64 hex digits.
pub const SIGV4_SIGNATURE_WIDTH: usize = 64;
/// The width every SigV4A chunk and trailer signature is padded to.
pub const SIGV4A_SIGNATURE_WIDTH: usize = 144;
/// The padding of SigV4A chunk and trailer signatures.
pub const SIGNATURE_PADDING: char = '*';

/// Who signs the chunks of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkSigning {
    /// Each chunk and the trailer are signed with the seed's algorithm.
    Signed(Algorithm),
    /// No chunk is signed; a checksum trailer protects the body
    /// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    Unsigned,
}

impl ChunkSigning {
    /// The width of a written chunk or trailer signature; 0 when unsigned.
    pub const fn signature_width(self) -> usize {
        match self {
            Self::Signed(Algorithm::Sigv4) => SIGV4_SIGNATURE_WIDTH,
            Self::Signed(Algorithm::Sigv4a) => SIGV4A_SIGNATURE_WIDTH,
            Self::Unsigned => 0,
        }
    }
}

/// The size of every chunk but the last: 8 KiB (S3's minimum) to 16 MiB;
/// 64 KiB by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChunkSize(usize);

impl ChunkSize {
    /// The smallest chunk S3 accepts before the last one.
    pub const MIN: usize = 8 * 1024;
    /// The largest chunk sigv4kit makes or accepts: a verifier holds one
    /// chunk in memory.
    pub const MAX: usize = 16 * 1024 * 1024;
    /// The default, as the AWS SDKs.
    pub const DEFAULT: Self = Self(64 * 1024);

    /// A chunk size of `bytes`.
    ///
    /// # Errors
    /// [`ChunkedError::ChunkSizeOutOfRange`] outside 8 KiB to 16 MiB.
    pub const fn new(bytes: usize) -> Result<Self, ChunkedError> {
        if bytes < Self::MIN || bytes > Self::MAX {
            return Err(ChunkedError::ChunkSizeOutOfRange { bytes });
        }
        Ok(Self(bytes))
    }

    /// The size in bytes.
    pub const fn get(self) -> usize {
        self.0
    }
}

impl Default for ChunkSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An `aws-chunked` upload's plan: signing, decoded length, chunk size and
/// trailing checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChunkedUpload {
    signing: ChunkSigning,
    decoded_length: u64,
    chunk_size: ChunkSize,
    checksum: Option<ChecksumAlgorithm>,
}

impl ChunkedUpload {
    /// An upload of `decoded_length` bytes whose chunks are signed with
    /// `algorithm`, in chunks of the default size, without a trailer.
    pub const fn signed(algorithm: Algorithm, decoded_length: u64) -> Self {
        Self {
            signing: ChunkSigning::Signed(algorithm),
            decoded_length,
            chunk_size: ChunkSize::DEFAULT,
            checksum: None,
        }
    }

    /// An upload of `decoded_length` bytes with unsigned chunks, protected
    /// by a `checksum` trailer: an unsigned upload always has one.
    pub const fn unsigned(decoded_length: u64, checksum: ChecksumAlgorithm) -> Self {
        Self {
            signing: ChunkSigning::Unsigned,
            decoded_length,
            chunk_size: ChunkSize::DEFAULT,
            checksum: Some(checksum),
        }
    }

    /// The same upload cut into chunks of `chunk_size`.
    #[must_use]
    pub const fn with_chunk_size(mut self, chunk_size: ChunkSize) -> Self {
        self.chunk_size = chunk_size;
        self
    }

    /// The same upload with a trailing `checksum` (replacing any other:
    /// S3 takes one checksum per object).
    #[must_use]
    pub const fn with_checksum(mut self, checksum: ChecksumAlgorithm) -> Self {
        self.checksum = Some(checksum);
        self
    }

    /// Who signs the chunks.
    pub const fn signing(&self) -> ChunkSigning {
        self.signing
    }

    /// The body's length before encoding: `x-amz-decoded-content-length`.
    pub const fn decoded_length(&self) -> u64 {
        self.decoded_length
    }

    /// The size of every chunk but the last.
    pub const fn chunk_size(&self) -> ChunkSize {
        self.chunk_size
    }

    /// The trailing checksum, if any.
    pub const fn checksum(&self) -> Option<ChecksumAlgorithm> {
        self.checksum
    }

    /// The seed request's payload literal, its `x-amz-content-sha256`.
    pub const fn payload(&self) -> StreamingPayload {
        match (self.signing, self.checksum.is_some()) {
            (ChunkSigning::Signed(Algorithm::Sigv4), false) => StreamingPayload::Sigv4Chunked,
            (ChunkSigning::Signed(Algorithm::Sigv4), true) => StreamingPayload::Sigv4ChunkedTrailer,
            (ChunkSigning::Signed(Algorithm::Sigv4a), false) => StreamingPayload::Sigv4aChunked,
            (ChunkSigning::Signed(Algorithm::Sigv4a), true) => {
                StreamingPayload::Sigv4aChunkedTrailer
            }
            (ChunkSigning::Unsigned, _) => StreamingPayload::UnsignedTrailer,
        }
    }

    /// The length of the chunk after `sent` bytes: the chunk size, or what
    /// is left; 0 once the whole body is sent.
    pub fn next_chunk_len(&self, sent: u64) -> usize {
        let left = self.decoded_length.saturating_sub(sent);
        usize::try_from(left).map_or(self.chunk_size.get(), |left| {
            left.min(self.chunk_size.get())
        })
    }

    /// The encoded body's exact length: the seed request's `Content-Length`.
    /// It saturates at `u64::MAX` for a decoded length within a few
    /// percent of it, which no HTTP body reaches.
    pub fn content_length(&self) -> u64 {
        let chunk_size = self.chunk_size.get() as u64;
        let full_chunks = self.decoded_length / chunk_size;
        let last_chunk = self.decoded_length % chunk_size;
        let mut length = full_chunks.saturating_mul(chunk_frame_len(self.signing, chunk_size));
        if last_chunk > 0 {
            length = length.saturating_add(chunk_frame_len(self.signing, last_chunk));
        }
        let mut tail = chunk_frame_len(self.signing, 0) + 2;
        if let Some(checksum) = self.checksum {
            tail += (checksum.header_name().len() + 1 + checksum.encoded_len() + 2) as u64;
            if let ChunkSigning::Signed(_) = self.signing {
                tail += (TRAILER_SIGNATURE_HEADER.len() + 1 + self.signing.signature_width() + 2)
                    as u64;
            }
        }
        length.saturating_add(tail)
    }

    /// The headers the seed request must carry, to add before signing it:
    /// `Content-Encoding`, `Content-Length`, `x-amz-decoded-content-length`
    /// and, with a checksum, `x-amz-trailer`.
    pub fn seed_headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            ("content-encoding", "aws-chunked".to_owned()),
            ("content-length", self.content_length().to_string()),
            (
                "x-amz-decoded-content-length",
                self.decoded_length.to_string(),
            ),
        ];
        if let Some(checksum) = self.checksum {
            headers.push(("x-amz-trailer", checksum.header_name().to_owned()));
        }
        headers
    }
}

/// The encoded length of a chunk of `data_len` bytes: its header line, and
/// for a data chunk the data and its CRLF.
pub fn chunk_frame_len(signing: ChunkSigning, data_len: u64) -> u64 {
    let hex_digits = if data_len == 0 {
        1
    } else {
        u64::from(data_len.ilog2() / 4 + 1)
    };
    let extension = match signing {
        ChunkSigning::Signed(_) => {
            (CHUNK_SIGNATURE_EXTENSION.len() + signing.signature_width()) as u64
        }
        ChunkSigning::Unsigned => 0,
    };
    let data = if data_len == 0 { 0 } else { data_len + 2 };
    hex_digits + extension + 2 + data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_of_the_s3_documentation_example() {
        let upload = ChunkedUpload::signed(Algorithm::Sigv4, 66_560);
        assert_eq!(upload.content_length(), 66_824);
    }

    #[test]
    fn content_length_of_the_crt_sigv4a_one_byte_upload() {
        let upload =
            ChunkedUpload::signed(Algorithm::Sigv4a, 1).with_checksum(ChecksumAlgorithm::Crc32c);
        assert_eq!(upload.content_length(), 535);
    }

    #[test]
    fn an_absurd_length_saturates_instead_of_overflowing() {
        let upload = ChunkedUpload::signed(Algorithm::Sigv4a, u64::MAX)
            .with_checksum(ChecksumAlgorithm::Sha256);
        assert_eq!(upload.content_length(), u64::MAX);
        assert_eq!(upload.next_chunk_len(0), 64 * 1024);
    }

    #[test]
    fn chunk_sizes_outside_the_s3_range_are_refused() {
        assert!(ChunkSize::new(8 * 1024 - 1).is_err());
        assert!(ChunkSize::new(16 * 1024 * 1024 + 1).is_err());
        assert_eq!(ChunkSize::new(8 * 1024).unwrap().get(), 8192);
    }

    #[test]
    fn payload_literals_follow_the_plan() {
        let signed = ChunkedUpload::signed(Algorithm::Sigv4a, 10);
        assert_eq!(signed.payload(), StreamingPayload::Sigv4aChunked);
        assert_eq!(
            signed.with_checksum(ChecksumAlgorithm::Sha1).payload(),
            StreamingPayload::Sigv4aChunkedTrailer
        );
        assert_eq!(
            ChunkedUpload::unsigned(10, ChecksumAlgorithm::Crc32).payload(),
            StreamingPayload::UnsignedTrailer
        );
    }
}
