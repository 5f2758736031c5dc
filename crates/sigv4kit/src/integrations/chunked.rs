//! `http_body` adapters for `aws-chunked` bodies: [`ChunkedBody`] encodes
//! and signs a client's body as it is sent; [`AsyncReadBody`] (feature
//! `tokio`) turns a file or socket into a body it can wrap.
//!
//! The adapter never holds more than one chunk: the caller's frames are cut
//! into chunks of the plan's size without copying when a frame holds a
//! whole chunk, and gathered into one buffer of at most one chunk when a
//! chunk spans frames. Each chunk goes out as three frames (header, data,
//! CRLF), so the data is not copied again. Its `size_hint` is the exact
//! encoded length, which HTTP/1 sends as `Content-Length`.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use sigv4kit_stream::{CHUNK_END, ChunkedEncoder, ChunkedError};

/// The error type bodies box theirs into.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a [`ChunkedBody`] stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkedBodyError {
    /// The body does not fit the plan (too short, too long), or a chunk
    /// could not be signed.
    #[error(transparent)]
    Encode(#[from] ChunkedError),
    /// The wrapped body failed.
    #[error("the body being sent aws-chunked failed: {0}")]
    Body(BoxError),
    /// The wrapped body ended with HTTP trailers, which an `aws-chunked`
    /// body cannot carry besides its own checksum trailer.
    #[error(
        "the body has HTTP trailers, which aws-chunked cannot send; plan a checksum trailer instead"
    )]
    TrailersNotSupported,
}

pin_project! {
    /// A body sent `aws-chunked`: the wrapped body's bytes, cut into the
    /// plan's chunks, each signed as it goes.
    pub struct ChunkedBody<B> {
        #[pin]
        inner: B,
        encoder: ChunkedEncoder,
        content_length: u64,
        input: Bytes,
        chunk: BytesMut,
        ready: VecDeque<Bytes>,
        inner_done: bool,
        finished: bool,
    }
}

impl<B> ChunkedBody<B> {
    /// Wraps `inner`, to be encoded by `encoder` (from a signed seed).
    pub fn new(inner: B, encoder: ChunkedEncoder) -> Self {
        Self {
            inner,
            content_length: encoder.upload().content_length(),
            encoder,
            input: Bytes::new(),
            chunk: BytesMut::new(),
            ready: VecDeque::with_capacity(3),
            inner_done: false,
            finished: false,
        }
    }
}

impl<B> fmt::Debug for ChunkedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedBody")
            .field("upload", self.encoder.upload())
            .field("bytes_sent", &self.encoder.bytes_sent())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<B> Body for ChunkedBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = ChunkedBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ChunkedBodyError>>> {
        let mut this = self.project();
        loop {
            if let Some(bytes) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            if *this.finished {
                return Poll::Ready(None);
            }
            let need = this.encoder.next_chunk_len();
            if need > 0 {
                if this.chunk.is_empty() && this.input.len() >= need {
                    let data = this.input.split_to(need);
                    push_chunk(this.encoder, this.ready, data)?;
                    continue;
                }
                if !this.input.is_empty() {
                    let take = (need - this.chunk.len()).min(this.input.len());
                    this.chunk.reserve(need - this.chunk.len());
                    this.chunk.extend_from_slice(&this.input.split_to(take));
                    if this.chunk.len() == need {
                        let data = this.chunk.split().freeze();
                        push_chunk(this.encoder, this.ready, data)?;
                    }
                    continue;
                }
            } else if !this.input.is_empty() {
                return Poll::Ready(Some(Err(ChunkedError::BodyTooLong {
                    declared: this.encoder.upload().decoded_length(),
                }
                .into())));
            }
            if *this.inner_done {
                if need > 0 {
                    return Poll::Ready(Some(Err(ChunkedError::BodyTooShort {
                        declared: this.encoder.upload().decoded_length(),
                        sent: this.encoder.bytes_sent() + this.chunk.len() as u64,
                    }
                    .into())));
                }
                let end = this.encoder.finish()?;
                this.ready.push_back(Bytes::from(end));
                *this.finished = true;
                continue;
            }
            match this.inner.as_mut().poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => *this.inner_done = true,
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Some(Err(ChunkedBodyError::Body(error.into()))));
                }
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(mut data) => *this.input = data.copy_to_bytes(data.remaining()),
                    Err(_) => {
                        return Poll::Ready(Some(Err(ChunkedBodyError::TrailersNotSupported)));
                    }
                },
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished && self.ready.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.content_length)
    }
}

fn push_chunk(
    encoder: &mut ChunkedEncoder,
    ready: &mut VecDeque<Bytes>,
    data: Bytes,
) -> Result<(), ChunkedBodyError> {
    let header = encoder.chunk_header(&data)?;
    ready.push_back(Bytes::copy_from_slice(header.as_bytes()));
    ready.push_back(data);
    ready.push_back(Bytes::from_static(CHUNK_END));
    Ok(())
}

#[cfg(feature = "tokio")]
pin_project! {
    /// A tokio `AsyncRead` (a file, a socket) as an `http_body::Body`, read
    /// `read_size` bytes at a time: what [`ChunkedBody`] wraps to send it
    /// `aws-chunked` (`ChunkedBody::from_async_read`).
    pub struct AsyncReadBody<R> {
        #[pin]
        reader: R,
        read_size: usize,
        done: bool,
    }
}

#[cfg(feature = "tokio")]
impl<R> AsyncReadBody<R> {
    /// Reads `reader` `read_size` bytes at a time (at least one).
    pub fn new(reader: R, read_size: usize) -> Self {
        Self {
            reader,
            read_size: read_size.max(1),
            done: false,
        }
    }
}

#[cfg(feature = "tokio")]
impl<R> fmt::Debug for AsyncReadBody<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncReadBody")
            .field("read_size", &self.read_size)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tokio")]
impl<R: tokio::io::AsyncRead> Body for AsyncReadBody<R> {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let mut buffer = vec![0u8; *this.read_size];
        let mut read = tokio::io::ReadBuf::new(&mut buffer);
        match this.reader.poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(())) => {
                let filled = read.filled().len();
                if filled == 0 {
                    *this.done = true;
                    return Poll::Ready(None);
                }
                buffer.truncate(filled);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(buffer)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}

#[cfg(feature = "tokio")]
impl<R: tokio::io::AsyncRead> ChunkedBody<AsyncReadBody<R>> {
    /// The `aws-chunked` encoding of what `reader` yields, which must be
    /// exactly the plan's decoded length; read a chunk at a time.
    pub fn from_async_read(reader: R, encoder: ChunkedEncoder) -> Self {
        let read_size = encoder.upload().chunk_size().get();
        Self::new(AsyncReadBody::new(reader, read_size), encoder)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::*;
    use http_body_util::BodyExt;
    use sigv4kit_canon::{Algorithm, AmzDate, Region, Service};
    use sigv4kit_hmac::HmacSigner;
    use sigv4kit_signer::{ChainScope, Credentials, Signer, SigningParams};
    use sigv4kit_stream::{ChecksumAlgorithm, ChunkSize, ChunkedUpload, SigningChain};

    fn encoder(upload: ChunkedUpload) -> ChunkedEncoder {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
        let params = SigningParams::new(
            &credentials,
            AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap(),
            Service::new("s3").unwrap(),
            Region::new("us-east-1").unwrap(),
        );
        let chain = SigningChain::new(
            HmacSigner::new().chain_signer(&params).unwrap(),
            ChainScope::for_signing(Algorithm::Sigv4, &params).unwrap(),
            &"ab".repeat(32),
        )
        .unwrap();
        ChunkedEncoder::signed(upload, chain).unwrap()
    }

    /// A body that yields its frames in order, then, if any, trailers.
    struct Framed {
        frames: VecDeque<Bytes>,
        trailers: bool,
    }

    impl Framed {
        fn new(data: &[u8], step: usize) -> Self {
            Self {
                frames: data.chunks(step).map(Bytes::copy_from_slice).collect(),
                trailers: false,
            }
        }
    }

    impl Body for Framed {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            if let Some(data) = self.frames.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
            if std::mem::take(&mut self.trailers) {
                return Poll::Ready(Some(Ok(Frame::trailers(::http::HeaderMap::new()))));
            }
            Poll::Ready(None)
        }
    }

    fn data(length: usize) -> Vec<u8> {
        (0..length).map(|index| (index * 7 % 253) as u8).collect()
    }

    fn collect<B: Body<Data = Bytes>>(body: B) -> Result<Vec<u8>, B::Error> {
        pollster::block_on(body.collect()).map(|collected| collected.to_bytes().to_vec())
    }

    #[test]
    fn the_body_is_the_encoders_output_however_the_frames_are_cut() {
        for (length, chunk_size) in [(1, 8192), (8192, 8192), (20_000, 8192), (200_000, 65_536)] {
            let upload = ChunkedUpload::signed(Algorithm::Sigv4, length as u64)
                .with_chunk_size(ChunkSize::new(chunk_size).unwrap())
                .with_checksum(ChecksumAlgorithm::Crc32);
            let body = data(length);
            let expected = encoder(upload).encode_all(&body).unwrap();
            for step in [997, 8192, 70_000, length] {
                let chunked = ChunkedBody::new(Framed::new(&body, step), encoder(upload));
                assert_eq!(chunked.size_hint().exact(), Some(expected.len() as u64));
                let sent = collect(chunked).unwrap();
                assert!(sent == expected, "length {length}, step {step}");
            }
        }
    }

    #[test]
    fn a_body_off_the_plan_or_with_trailers_fails() {
        let upload = ChunkedUpload::signed(Algorithm::Sigv4, 10_000);
        let short = collect(ChunkedBody::new(
            Framed::new(&data(9_000), 4096),
            encoder(upload),
        ));
        assert!(matches!(
            short,
            Err(ChunkedBodyError::Encode(ChunkedError::BodyTooShort {
                sent: 9_000,
                ..
            }))
        ));
        let long = collect(ChunkedBody::new(
            Framed::new(&data(10_001), 4096),
            encoder(upload),
        ));
        assert!(matches!(
            long,
            Err(ChunkedBodyError::Encode(ChunkedError::BodyTooLong { .. }))
        ));
        let mut with_trailers = Framed::new(&data(10_000), 4096);
        with_trailers.trailers = true;
        let trailers = collect(ChunkedBody::new(with_trailers, encoder(upload)));
        assert!(matches!(
            trailers,
            Err(ChunkedBodyError::TrailersNotSupported)
        ));
    }

    #[cfg(feature = "tokio")]
    #[test]
    fn an_async_reader_is_sent_as_the_encoder_would() {
        let upload = ChunkedUpload::signed(Algorithm::Sigv4, 100_000)
            .with_chunk_size(ChunkSize::new(8192).unwrap());
        let body = data(100_000);
        let expected = encoder(upload).encode_all(&body).unwrap();
        let sent = collect(ChunkedBody::from_async_read(&body[..], encoder(upload))).unwrap();
        assert!(sent == expected);
    }
}
