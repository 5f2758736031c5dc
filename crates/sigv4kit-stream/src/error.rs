//! Why an upload could not be encoded and signed.

use sigv4kit_canon::Algorithm;
use sigv4kit_signer::SigningError;

use crate::upload::ChunkSigning;

/// Why an `aws-chunked` body could not be encoded or signed. The body
/// adapters report it as an I/O error whose inner error is this.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkedError {
    /// A chunk size outside 8 KiB to 16 MiB.
    #[error("a chunk size of {bytes} bytes is outside the 8 KiB to 16 MiB range")]
    ChunkSizeOutOfRange {
        /// The size asked for.
        bytes: usize,
    },
    /// A chunk of another length than the plan's: every chunk but the last
    /// is the chunk size, or the encoded length would be wrong.
    #[error("chunk {index} is {got} bytes, but the upload's plan makes it {expected}")]
    UnexpectedChunkLength {
        /// The chunk's index, from 0.
        index: u64,
        /// The plan's length.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The body ended before its declared length.
    #[error(
        "the body ended after {sent} bytes, but x-amz-decoded-content-length declares {declared}"
    )]
    BodyTooShort {
        /// `x-amz-decoded-content-length`.
        declared: u64,
        /// Bytes given.
        sent: u64,
    },
    /// The body went on past its declared length.
    #[error("the body is longer than the {declared} bytes x-amz-decoded-content-length declares")]
    BodyTooLong {
        /// `x-amz-decoded-content-length`.
        declared: u64,
    },
    /// A chunk was given after the final chunk.
    #[error("the upload is already finished")]
    AlreadyFinished,
    /// The chain's signer is not the plan's.
    #[error("the upload is planned as {planned:?}, but the chain signs {found}")]
    AlgorithmMismatch {
        /// The plan's signing.
        planned: ChunkSigning,
        /// The chain's algorithm.
        found: Algorithm,
    },
    /// An unsigned upload was given a signing chain, or a signed one none.
    #[error("a {planned:?} upload needs {}", if matches!(planned, ChunkSigning::Unsigned) { "no signing chain" } else { "a signing chain" })]
    ChainMismatch {
        /// The plan's signing.
        planned: ChunkSigning,
    },
    /// Signing a chunk or the trailer failed.
    #[error(transparent)]
    Signing(#[from] SigningError),
}
