//! `http_body` adapters for `aws-chunked` bodies: [`ChunkedBody`] encodes
//! and signs a client's body as it is sent.
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
                    if this.chunk.capacity() < need {
                        this.chunk.reserve(need - this.chunk.len());
                    }
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
