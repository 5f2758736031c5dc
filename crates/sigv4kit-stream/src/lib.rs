//! Streaming bodies signed chunk by chunk: `aws-chunked` uploads with their
//! trailing checksums, and event streams, for SigV4 and SigV4A, on the
//! client and on the server.
//!
//! Large S3 uploads do not hash the body before the request goes out. The
//! request, the *seed*, is signed over a `STREAMING-*` payload literal, and
//! the body follows in chunks, each signed with a signature chained to the
//! one before ([`sigv4kit_signer::chain`] holds the shared string to sign).
//! This crate holds what is particular to streams and needs no key of its
//! own: the wire formats, the plan of an upload ([`ChunkedUpload`]: its
//! exact encoded length before the first byte), the chains that sign and
//! check in order ([`SigningChain`], [`CheckingChain`]), the encoder, the
//! checksums, and the `std::io::Read` adapter. The keys come from the
//! backends through [`ChainSigner`](sigv4kit_signer::ChainSigner) and
//! [`ChainVerifier`](sigv4kit_signer::ChainVerifier); the `sigv4kit` facade
//! wires both ends to a configured signer and to its `http_body`
//! integrations.
//!
//! See `docs/STREAMING.md` for the formats, with a client and a server
//! example.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod chain;
pub mod checksum;
pub mod decode;
pub mod encode;
pub mod error;
pub mod event;
pub mod read;
pub mod upload;
pub mod verify;

pub use chain::{
    CheckingChain, SigningChain, canonical_trailers, strip_padding, written_signature,
};
pub use checksum::{ChecksumAlgorithm, Checksummer};
pub use decode::{ChunkedDecoder, ChunkedEvent, DecodeError, FramePart, StreamLimits};
pub use encode::{CHUNK_END, ChunkHeader, ChunkedEncoder};
pub use error::ChunkedError;
pub use event::{EventStreamDecoder, EventStreamError, EventStreamSigner, EventStreamVerifier};
pub use read::ChunkedReader;
pub use upload::{ChunkSigning, ChunkSize, ChunkedUpload};
pub use verify::{ChunkedVerifier, StreamExpectations, StreamVerifyError, VerifiedStream};
