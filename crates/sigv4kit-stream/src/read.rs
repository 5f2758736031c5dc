//! [`ChunkedReader`]: a `std::io::Read` that yields the `aws-chunked`
//! encoding of another reader, for blocking clients and tools.
//!
//! It reads one chunk of the plan's size at a time and hands out its header,
//! its data and its CRLF from that one buffer, so it holds one chunk at
//! most, whatever the body's size.

use std::io::{self, Read};

use crate::encode::{CHUNK_END, ChunkHeader, ChunkedEncoder};
use crate::error::ChunkedError;

/// The `aws-chunked` encoding of `inner`, signed as it is read.
#[derive(Debug)]
pub struct ChunkedReader<R> {
    inner: R,
    encoder: ChunkedEncoder,
    header: ChunkHeader,
    header_at: usize,
    chunk: Vec<u8>,
    chunk_at: usize,
    end_at: usize,
    last: Vec<u8>,
    last_at: usize,
    finished: bool,
}

impl<R: Read> ChunkedReader<R> {
    /// Encodes what `inner` yields with `encoder`. `inner` must yield
    /// exactly the plan's decoded length.
    pub fn new(inner: R, encoder: ChunkedEncoder) -> Self {
        Self {
            inner,
            encoder,
            header: ChunkHeader::new(),
            header_at: 0,
            chunk: Vec::new(),
            chunk_at: 0,
            end_at: CHUNK_END.len(),
            last: Vec::new(),
            last_at: 0,
            finished: false,
        }
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads and signs the next chunk, or the end of the body.
    fn next_frame(&mut self) -> io::Result<()> {
        let need = self.encoder.next_chunk_len();
        if need == 0 {
            let mut probe = [0u8; 1];
            if read_full(&mut self.inner, &mut probe)? > 0 {
                return Err(io::Error::other(ChunkedError::BodyTooLong {
                    declared: self.encoder.upload().decoded_length(),
                }));
            }
            self.last = self.encoder.finish().map_err(io::Error::other)?;
            self.last_at = 0;
            self.finished = true;
            return Ok(());
        }
        self.chunk.resize(need, 0);
        let got = read_full(&mut self.inner, &mut self.chunk)?;
        if got < need {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                ChunkedError::BodyTooShort {
                    declared: self.encoder.upload().decoded_length(),
                    sent: self.encoder.bytes_sent() + got as u64,
                },
            ));
        }
        self.header = self
            .encoder
            .chunk_header(&self.chunk)
            .map_err(io::Error::other)?;
        self.header_at = 0;
        self.chunk_at = 0;
        self.end_at = 0;
        Ok(())
    }
}

impl<R: Read> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let pending: [(&[u8], &mut usize); 4] = [
                (self.header.as_bytes(), &mut self.header_at),
                (&self.chunk, &mut self.chunk_at),
                (CHUNK_END, &mut self.end_at),
                (&self.last, &mut self.last_at),
            ];
            for (bytes, at) in pending {
                if *at < bytes.len() {
                    let n = (bytes.len() - *at).min(buf.len());
                    buf[..n].copy_from_slice(&bytes[*at..*at + n]);
                    *at += n;
                    return Ok(n);
                }
            }
            if self.finished {
                return Ok(0);
            }
            self.next_frame()?;
        }
    }
}

/// Reads until `buf` is full or `reader` ends; how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}
