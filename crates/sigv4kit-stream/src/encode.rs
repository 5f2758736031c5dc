//! The client side: [`ChunkedEncoder`] turns a body into its `aws-chunked`
//! frames, signing each chunk as it goes.
//!
//! It is push-based and holds no body bytes: for each chunk it hashes the
//! data, signs it, and returns the header line; the caller sends the header,
//! the data itself and [`CHUNK_END`], so the data is never copied. The body
//! adapters (`ChunkedReader`, and the facade's `http_body` one) cut the body
//! into chunks of the plan's size and hold one chunk at most.

use arrayvec::ArrayString;
use sha2::{Digest, Sha256};

use crate::chain::{SigningChain, canonical_trailers, written_signature};
use crate::checksum::Checksummer;
use crate::error::ChunkedError;
use crate::upload::{
    CHUNK_SIGNATURE_EXTENSION, ChunkSigning, ChunkedUpload, SIGV4A_SIGNATURE_WIDTH,
    TRAILER_SIGNATURE_HEADER,
};

/// What ends every data chunk.
pub const CHUNK_END: &[u8] = b"\r\n";

/// A chunk's header line, CRLF included: at most 16 hex digits, the
/// signature extension and a padded SigV4A signature.
pub type ChunkHeader =
    ArrayString<{ 16 + CHUNK_SIGNATURE_EXTENSION.len() + SIGV4A_SIGNATURE_WIDTH + 2 }>;

/// Encodes and signs one `aws-chunked` body.
#[derive(Debug)]
pub struct ChunkedEncoder {
    upload: ChunkedUpload,
    chain: Option<SigningChain>,
    checksum: Option<Checksummer>,
    sent: u64,
    chunks: u64,
    finished: bool,
}

impl ChunkedEncoder {
    /// The encoder of a signed upload, whose chain continues from the seed
    /// request's signature.
    ///
    /// # Errors
    /// [`ChunkedError::ChainMismatch`] for an unsigned plan;
    /// [`ChunkedError::AlgorithmMismatch`] when the chain's algorithm is not
    /// the plan's.
    pub fn signed(upload: ChunkedUpload, chain: SigningChain) -> Result<Self, ChunkedError> {
        match upload.signing() {
            ChunkSigning::Signed(algorithm) if algorithm == chain.algorithm() => {}
            ChunkSigning::Signed(_) => {
                return Err(ChunkedError::AlgorithmMismatch {
                    planned: upload.signing(),
                    found: chain.algorithm(),
                });
            }
            ChunkSigning::Unsigned => {
                return Err(ChunkedError::ChainMismatch {
                    planned: upload.signing(),
                });
            }
        }
        Ok(Self::new(upload, Some(chain)))
    }

    /// The encoder of an unsigned upload (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    ///
    /// # Errors
    /// [`ChunkedError::ChainMismatch`] for a signed plan.
    pub fn unsigned(upload: ChunkedUpload) -> Result<Self, ChunkedError> {
        if upload.signing() != ChunkSigning::Unsigned {
            return Err(ChunkedError::ChainMismatch {
                planned: upload.signing(),
            });
        }
        Ok(Self::new(upload, None))
    }

    fn new(upload: ChunkedUpload, chain: Option<SigningChain>) -> Self {
        Self {
            checksum: upload.checksum().map(Checksummer::new),
            upload,
            chain,
            sent: 0,
            chunks: 0,
            finished: false,
        }
    }

    /// The plan.
    pub fn upload(&self) -> &ChunkedUpload {
        &self.upload
    }

    /// The length the next data chunk must have; 0 when only the final
    /// chunk is left.
    pub fn next_chunk_len(&self) -> usize {
        self.upload.next_chunk_len(self.sent)
    }

    /// Body bytes encoded so far.
    pub fn bytes_sent(&self) -> u64 {
        self.sent
    }

    /// Signs the next data chunk and returns its header line. Send the
    /// header, then `data`, then [`CHUNK_END`].
    ///
    /// # Errors
    /// [`ChunkedError::UnexpectedChunkLength`] unless `data` is exactly
    /// [`ChunkedEncoder::next_chunk_len`] bytes (and not empty);
    /// [`ChunkedError::BodyTooLong`] past the declared length;
    /// [`ChunkedError::AlreadyFinished`]; or a signing error.
    pub fn chunk_header(&mut self, data: &[u8]) -> Result<ChunkHeader, ChunkedError> {
        if self.finished {
            return Err(ChunkedError::AlreadyFinished);
        }
        let expected = self.next_chunk_len();
        if expected == 0 {
            return Err(ChunkedError::BodyTooLong {
                declared: self.upload.decoded_length(),
            });
        }
        if data.len() != expected {
            return Err(ChunkedError::UnexpectedChunkLength {
                index: self.chunks,
                expected,
                got: data.len(),
            });
        }
        if let Some(checksum) = &mut self.checksum {
            checksum.update(data);
        }
        let header = self.header_line(data.len(), Some(data))?;
        self.sent += data.len() as u64;
        self.chunks += 1;
        Ok(header)
    }

    /// Appends the whole frame of the next data chunk to `out`: header,
    /// data and CRLF.
    ///
    /// # Errors
    /// As [`ChunkedEncoder::chunk_header`].
    pub fn encode_chunk(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), ChunkedError> {
        let header = self.chunk_header(data)?;
        out.reserve(header.len() + data.len() + CHUNK_END.len());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(CHUNK_END);
        Ok(())
    }

    /// The end of the body: the final zero-length chunk, the checksum
    /// trailer and its signature, and the closing CRLF.
    ///
    /// # Errors
    /// [`ChunkedError::BodyTooShort`] before the declared length;
    /// [`ChunkedError::AlreadyFinished`]; or a signing error.
    pub fn finish(&mut self) -> Result<Vec<u8>, ChunkedError> {
        if self.finished {
            return Err(ChunkedError::AlreadyFinished);
        }
        if self.sent != self.upload.decoded_length() {
            return Err(ChunkedError::BodyTooShort {
                declared: self.upload.decoded_length(),
                sent: self.sent,
            });
        }
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(self.header_line(0, None)?.as_bytes());
        if let Some(checksum) = self.checksum.take() {
            let name = checksum.algorithm().header_name();
            let value = checksum.finish();
            for part in [name, ":", &value, "\r\n"] {
                out.extend_from_slice(part.as_bytes());
            }
            if let Some(chain) = &mut self.chain {
                let signature =
                    chain.sign_trailer(&canonical_trailers([(name, value.as_str())]))?;
                let written = written_signature(chain.algorithm(), &signature);
                for part in [TRAILER_SIGNATURE_HEADER, ":", &written, "\r\n"] {
                    out.extend_from_slice(part.as_bytes());
                }
            }
        }
        out.extend_from_slice(b"\r\n");
        self.finished = true;
        Ok(out)
    }

    /// Encodes a whole body held in memory: every chunk, then the end.
    ///
    /// # Errors
    /// As [`ChunkedEncoder::encode_chunk`] and [`ChunkedEncoder::finish`].
    pub fn encode_all(&mut self, body: &[u8]) -> Result<Vec<u8>, ChunkedError> {
        let capacity = usize::try_from(self.upload.content_length()).unwrap_or(body.len());
        let mut out = Vec::with_capacity(capacity);
        let mut rest = body;
        while !rest.is_empty() {
            let len = self.next_chunk_len();
            if len == 0 {
                return Err(ChunkedError::BodyTooLong {
                    declared: self.upload.decoded_length(),
                });
            }
            let (chunk, after) = rest.split_at(len.min(rest.len()));
            self.encode_chunk(chunk, &mut out)?;
            rest = after;
        }
        out.extend_from_slice(&self.finish()?);
        Ok(out)
    }

    fn header_line(
        &mut self,
        len: usize,
        data: Option<&[u8]>,
    ) -> Result<ChunkHeader, ChunkedError> {
        let mut header = ChunkHeader::new();
        push_hex(&mut header, len);
        if let Some(chain) = &mut self.chain {
            let hash: [u8; 32] = Sha256::digest(data.unwrap_or_default()).into();
            let signature = chain.sign_chunk(&hash)?;
            header.push_str(CHUNK_SIGNATURE_EXTENSION);
            header.push_str(&written_signature(chain.algorithm(), &signature));
        }
        header.push_str("\r\n");
        Ok(header)
    }
}

fn push_hex(out: &mut ChunkHeader, value: usize) {
    let digits = if value == 0 {
        1
    } else {
        (value.ilog2() / 4 + 1) as usize
    };
    for shift in (0..digits).rev() {
        let nibble = (value >> (4 * shift)) & 0xf;
        out.push(char::from(b"0123456789abcdef"[nibble]));
    }
}
