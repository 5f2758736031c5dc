//! The server side's first step: [`ChunkedDecoder`] reads the frames of an
//! `aws-chunked` body, as [`ChunkedEncoder`](crate::ChunkedEncoder) writes
//! them, from bytes pushed in pieces of any size.
//!
//! A body arrives from the network split wherever the transport split it, so
//! a chunk header, a chunk's data or a trailer line may straddle two pushes.
//! The decoder keeps what it needs in one line buffer, never more than the
//! longest line [`StreamLimits`] allows, and hands out each piece of a
//! chunk's data as it arrives, without copying it. It knows the wire format
//! only (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>
//! and the `STREAMING-UNSIGNED-PAYLOAD-TRAILER` variant): which signatures a
//! stream must carry, how long it is and what its trailers must say are
//! checked by [`ChunkedVerifier`](crate::ChunkedVerifier), which reads its
//! events.
//!
//! The decoder is strict where the format is fixed and an attacker would
//! gain from leniency: every line ends with CRLF, a chunk header carries at
//! most one extension and only `chunk-signature`, nothing follows the
//! closing CRLF, and every line and the trailer block are bounded. Any
//! malformed input is a [`DecodeError`], never a panic.

use std::fmt;

use crate::upload::{
    CHUNK_SIGNATURE_EXTENSION, ChunkSize, SIGNATURE_PADDING, SIGV4A_SIGNATURE_WIDTH,
    TRAILER_SIGNATURE_HEADER,
};

/// The bounds a decoder and a verifier hold a received body to.
///
/// Each bounds memory or work an untrusted sender can make the server spend:
/// the line buffer, the one chunk a verifier holds before its signature is
/// checked, the stored trailers, and the number of signature checks (chunks
/// smaller than the minimum could cost one check per byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamLimits {
    /// The longest chunk header line, extensions and CRLF included.
    pub max_chunk_header_bytes: usize,
    /// The smallest data chunk a verifier accepts but for the last one (the
    /// one that completes `x-amz-decoded-content-length`): S3's 8 KiB.
    pub min_chunk_size: usize,
    /// The largest data chunk: a verifier holds one in memory.
    pub max_chunk_size: usize,
    /// The longest trailer block, every line's CRLF and the closing one
    /// included.
    pub max_trailer_bytes: usize,
    /// The most trailer lines, the trailer signature included.
    pub max_trailers: usize,
}

impl StreamLimits {
    /// 4 KiB chunk headers, chunks of 8 KiB to 16 MiB, 16 trailers in 16 KiB.
    pub const DEFAULT: Self = Self {
        max_chunk_header_bytes: 4096,
        min_chunk_size: ChunkSize::MIN,
        max_chunk_size: ChunkSize::MAX,
        max_trailer_bytes: 16 * 1024,
        max_trailers: 16,
    };
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One piece of an `aws-chunked` body, in the order the body carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkedEvent<'a> {
    /// A data chunk's header: its data follows.
    ChunkHeader {
        /// The chunk's index, from 0.
        index: u64,
        /// The data's length, more than 0.
        size: u64,
        /// `chunk-signature`'s value as written (a SigV4A one with its `*`
        /// padding), if the header carries one.
        signature: Option<&'a str>,
    },
    /// The next bytes of the current chunk's data: a chunk's data may come
    /// in several pieces.
    ChunkData(&'a [u8]),
    /// The current chunk's data, all of it, and its CRLF were read.
    ChunkEnd {
        /// The chunk's index.
        index: u64,
    },
    /// The final, zero-length chunk: the trailers follow.
    FinalChunk {
        /// Its index: the number of data chunks before it.
        index: u64,
        /// `chunk-signature`'s value as written, if any.
        signature: Option<&'a str>,
    },
    /// A trailer other than the trailer signature.
    Trailer {
        /// The name as written (any case).
        name: &'a str,
        /// The value, without surrounding spaces and tabs.
        value: &'a str,
    },
    /// `x-amz-trailer-signature`'s value as written: always the last
    /// trailer.
    TrailerSignature(&'a str),
    /// The closing CRLF: the body is complete.
    End,
}

/// Where in the body a stream ended too early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FramePart {
    /// Inside a chunk header line.
    ChunkHeader {
        /// The chunk's index.
        index: u64,
    },
    /// Inside a chunk's data.
    ChunkData {
        /// The chunk's index.
        index: u64,
        /// The data bytes that did not come.
        missing: u64,
    },
    /// Before the CRLF that ends a chunk's data.
    ChunkEnd {
        /// The chunk's index.
        index: u64,
    },
    /// Inside the trailers, before the closing CRLF.
    Trailers,
}

impl fmt::Display for FramePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ChunkHeader { index } => write!(f, "the header of chunk {index}"),
            Self::ChunkData { index, missing } => {
                write!(f, "the data of chunk {index}, {missing} bytes short")
            }
            Self::ChunkEnd { index } => write!(f, "the CRLF after the data of chunk {index}"),
            Self::Trailers => f.write_str("the trailers, before the closing CRLF"),
        }
    }
}

/// Why the bytes are not an `aws-chunked` body. Each malformation has its
/// own variant, and the message names the chunk or trailer line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a frame.
    #[error("the body is truncated: it ends inside {within}")]
    Truncated {
        /// Where.
        within: FramePart,
    },
    /// The input ended after a whole data chunk, or before any, without
    /// the final zero-length chunk.
    #[error("the body ends after {chunks} data chunks, without the final zero-length chunk")]
    MissingFinalChunk {
        /// The data chunks read.
        chunks: u64,
    },
    /// A chunk header line longer than the limit.
    #[error("the header of chunk {index} is longer than {max} bytes")]
    OversizeChunkHeader {
        /// The chunk's index.
        index: u64,
        /// [`StreamLimits::max_chunk_header_bytes`].
        max: usize,
    },
    /// A chunk larger than the limit.
    #[error("chunk {index} declares {size} bytes, more than the {max} a chunk may hold")]
    ChunkTooLarge {
        /// The chunk's index.
        index: u64,
        /// Its declared size.
        size: u64,
        /// [`StreamLimits::max_chunk_size`].
        max: usize,
    },
    /// A chunk header that is not `<hex size>[;chunk-signature=<sig>]`.
    #[error("the header of chunk {index} is malformed: {reason}")]
    MalformedChunkHeader {
        /// The chunk's index.
        index: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// A chunk's data not followed by CRLF: the data is longer than the
    /// header's size, or the framing is broken.
    #[error("the data of chunk {index} is not followed by CRLF: it is longer than its header says")]
    MissingChunkEnd {
        /// The chunk's index.
        index: u64,
    },
    /// A trailer line that is not `name:value`, or a trailer after the
    /// trailer signature.
    #[error("trailer line {line} is malformed: {reason}")]
    MalformedTrailer {
        /// The line's index among the trailer lines, from 0.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A trailer block longer than the limit.
    #[error("the trailers are longer than {max} bytes")]
    OversizeTrailers {
        /// [`StreamLimits::max_trailer_bytes`].
        max: usize,
    },
    /// More trailer lines than the limit.
    #[error("the body has more than {max} trailer lines")]
    TooManyTrailers {
        /// [`StreamLimits::max_trailers`].
        max: usize,
    },
    /// Bytes after the closing CRLF.
    #[error("bytes follow the closing CRLF of the body")]
    DataAfterEnd,
}

/// What the decoder expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A chunk header line, collected in `line`.
    ChunkHeader,
    /// `left` more bytes of the current chunk's data.
    ChunkData { left: u64 },
    /// The CRLF after a chunk's data; `cr_seen` once its CR was read.
    ChunkEnd { cr_seen: bool },
    /// A trailer line or the closing CRLF, collected in `line`.
    Trailers,
    /// Nothing: the body is complete.
    End,
}

/// An incremental `aws-chunked` frame parser: push the body's bytes in
/// pieces of any size, and read its [`ChunkedEvent`]s.
///
/// ```
/// use sigv4kit_stream::{ChunkedDecoder, ChunkedEvent, StreamLimits};
///
/// let mut decoder = ChunkedDecoder::new(StreamLimits::DEFAULT);
/// let mut events = Vec::new();
/// for piece in [&b"3\r\nab"[..], b"c\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n"] {
///     decoder.feed(piece, |event| {
///         events.push(format!("{event:?}"));
///         Ok::<_, sigv4kit_stream::DecodeError>(())
///     })?;
/// }
/// decoder.finish()?;
/// assert_eq!(events.len(), 7); // header, "ab", "c", end, final, trailer, end
/// # Ok::<(), sigv4kit_stream::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    limits: StreamLimits,
    state: State,
    /// The line being read; a complete one ends with LF and is cleared
    /// when the next line starts.
    line: Vec<u8>,
    /// The index of the chunk being read: the data chunks read so far.
    chunk: u64,
    trailer_lines: usize,
    trailer_bytes: usize,
    trailer_signature_seen: bool,
}

impl ChunkedDecoder {
    /// A decoder of one body, held to `limits`.
    pub fn new(limits: StreamLimits) -> Self {
        Self {
            limits,
            state: State::ChunkHeader,
            line: Vec::new(),
            chunk: 0,
            trailer_lines: 0,
            trailer_bytes: 0,
            trailer_signature_seen: false,
        }
    }

    /// The limits.
    pub fn limits(&self) -> &StreamLimits {
        &self.limits
    }

    /// Whether the closing CRLF was read.
    pub fn is_finished(&self) -> bool {
        self.state == State::End
    }

    /// Reads from the start of `input` up to the end of the next event:
    /// returns how many bytes it consumed and the event they completed, if
    /// any. Call again with the rest of `input`; `None` with bytes left over
    /// just means that more of them are needed. Bytes of a line not yet
    /// complete are kept, so the next call continues where this one left.
    ///
    /// # Errors
    /// A [`DecodeError`] for malformed input. The decoder is then in no
    /// defined state: drop it.
    pub fn decode<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ChunkedEvent<'a>>), DecodeError> {
        match self.state {
            State::ChunkHeader => self.decode_chunk_header(input),
            State::ChunkData { left } => {
                let available =
                    usize::try_from(left).map_or(input.len(), |left| left.min(input.len()));
                if available == 0 {
                    return Ok((0, None));
                }
                let left = left - available as u64;
                if left == 0 {
                    self.state = State::ChunkEnd { cr_seen: false };
                } else {
                    self.state = State::ChunkData { left };
                }
                Ok((
                    available,
                    Some(ChunkedEvent::ChunkData(&input[..available])),
                ))
            }
            State::ChunkEnd { cr_seen } => {
                let Some(&byte) = input.first() else {
                    return Ok((0, None));
                };
                let index = self.chunk;
                match (cr_seen, byte) {
                    (false, b'\r') => {
                        self.state = State::ChunkEnd { cr_seen: true };
                        Ok((1, None))
                    }
                    (true, b'\n') => {
                        self.chunk += 1;
                        self.state = State::ChunkHeader;
                        Ok((1, Some(ChunkedEvent::ChunkEnd { index })))
                    }
                    _ => Err(DecodeError::MissingChunkEnd { index }),
                }
            }
            State::Trailers => self.decode_trailer(input),
            State::End if input.is_empty() => Ok((0, None)),
            State::End => Err(DecodeError::DataAfterEnd),
        }
    }

    /// Reads all of `input`, handing each event to `on_event` in order.
    ///
    /// # Errors
    /// The first [`DecodeError`], or the first error of `on_event`, which
    /// stops the reading.
    pub fn feed<E: From<DecodeError>>(
        &mut self,
        mut input: &[u8],
        mut on_event: impl FnMut(ChunkedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        while !input.is_empty() {
            let (consumed, event) = self.decode(input)?;
            if let Some(event) = event {
                on_event(event)?;
            }
            input = &input[consumed..];
        }
        Ok(())
    }

    /// Declares the end of the input.
    ///
    /// # Errors
    /// [`DecodeError::MissingFinalChunk`] when it ended between chunks
    /// without the final one; [`DecodeError::Truncated`] when it ended
    /// inside a frame.
    pub fn finish(&self) -> Result<(), DecodeError> {
        let index = self.chunk;
        let within = match self.state {
            State::End => return Ok(()),
            State::ChunkHeader if self.line.is_empty() || self.line.ends_with(b"\n") => {
                return Err(DecodeError::MissingFinalChunk { chunks: index });
            }
            State::ChunkHeader => FramePart::ChunkHeader { index },
            State::ChunkData { left } => FramePart::ChunkData {
                index,
                missing: left,
            },
            State::ChunkEnd { .. } => FramePart::ChunkEnd { index },
            State::Trailers => FramePart::Trailers,
        };
        Err(DecodeError::Truncated { within })
    }

    fn decode_chunk_header<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ChunkedEvent<'a>>), DecodeError> {
        let index = self.chunk;
        let max = self.limits.max_chunk_header_bytes;
        let Some(consumed) = take_line(&mut self.line, input, max)
            .map_err(|LineTooLong| DecodeError::OversizeChunkHeader { index, max })?
        else {
            return Ok((input.len(), None));
        };
        let malformed = |reason| DecodeError::MalformedChunkHeader { index, reason };
        let content = line_content(&self.line).map_err(malformed)?;
        let (size, signature) = parse_chunk_header(content).map_err(malformed)?;
        if size > self.limits.max_chunk_size as u64 {
            return Err(DecodeError::ChunkTooLarge {
                index,
                size,
                max: self.limits.max_chunk_size,
            });
        }
        let event = if size == 0 {
            self.state = State::Trailers;
            ChunkedEvent::FinalChunk { index, signature }
        } else {
            self.state = State::ChunkData { left: size };
            ChunkedEvent::ChunkHeader {
                index,
                size,
                signature,
            }
        };
        Ok((consumed, Some(event)))
    }

    fn decode_trailer<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ChunkedEvent<'a>>), DecodeError> {
        let max = self.limits.max_trailer_bytes;
        let budget = max.saturating_sub(self.trailer_bytes);
        let Some(consumed) = take_line(&mut self.line, input, budget)
            .map_err(|LineTooLong| DecodeError::OversizeTrailers { max })?
        else {
            return Ok((input.len(), None));
        };
        self.trailer_bytes += self.line.len();
        let line = self.trailer_lines;
        let malformed = |reason| DecodeError::MalformedTrailer { line, reason };
        let content = line_content(&self.line).map_err(malformed)?;
        if content.is_empty() {
            self.state = State::End;
            return Ok((consumed, Some(ChunkedEvent::End)));
        }
        if self.trailer_signature_seen {
            return Err(malformed("a trailer follows x-amz-trailer-signature"));
        }
        self.trailer_lines += 1;
        if self.trailer_lines > self.limits.max_trailers {
            return Err(DecodeError::TooManyTrailers {
                max: self.limits.max_trailers,
            });
        }
        let (name, value) = parse_trailer(content).map_err(malformed)?;
        if name.eq_ignore_ascii_case(TRAILER_SIGNATURE_HEADER) {
            if !is_written_signature(value.as_bytes()) {
                return Err(malformed(
                    "x-amz-trailer-signature is not 1 to 144 hex digits and '*'",
                ));
            }
            self.trailer_signature_seen = true;
            return Ok((consumed, Some(ChunkedEvent::TrailerSignature(value))));
        }
        Ok((consumed, Some(ChunkedEvent::Trailer { name, value })))
    }
}

/// A line, LF included, would be longer than its limit.
#[derive(Debug, PartialEq, Eq)]
struct LineTooLong;

/// Appends to `line` the bytes of `input` up to and including its first
/// LF, starting a new line if `line` holds a complete one. Returns the
/// bytes taken once the line is complete, `None` when all of `input` was
/// taken and the line goes on. A line that would outgrow `max` is refused
/// as soon as it is certain to, before its LF arrives.
fn take_line(line: &mut Vec<u8>, input: &[u8], max: usize) -> Result<Option<usize>, LineTooLong> {
    if line.ends_with(b"\n") {
        line.clear();
    }
    match input.iter().position(|&byte| byte == b'\n') {
        Some(lf) => {
            if line.len() + lf + 1 > max {
                return Err(LineTooLong);
            }
            line.extend_from_slice(&input[..=lf]);
            Ok(Some(lf + 1))
        }
        None => {
            if line.len() + input.len() >= max {
                return Err(LineTooLong);
            }
            line.extend_from_slice(input);
            Ok(None)
        }
    }
}

/// A complete line without its CRLF.
fn line_content(line: &[u8]) -> Result<&[u8], &'static str> {
    line.strip_suffix(b"\r\n")
        .ok_or("the line ends with LF instead of CRLF")
}

/// `<hex size>[;chunk-signature=<signature>]`.
fn parse_chunk_header(content: &[u8]) -> Result<(u64, Option<&str>), &'static str> {
    let mut parts = content.split(|&byte| byte == b';');
    let size_hex = parts.next().unwrap_or_default();
    if size_hex.is_empty() {
        return Err("there is no chunk size");
    }
    let mut size: u64 = 0;
    for &digit in size_hex {
        let value =
            sigv4kit_canon::encoding::hex_value(digit).ok_or("the chunk size is not hex")?;
        size = size
            .checked_mul(16)
            .and_then(|size| size.checked_add(u64::from(value)))
            .ok_or("the chunk size does not fit in 64 bits")?;
    }
    let mut signature = None;
    let extension_name = &CHUNK_SIGNATURE_EXTENSION[1..CHUNK_SIGNATURE_EXTENSION.len() - 1];
    for extension in parts {
        let (name, value) = split_once(extension, b'=').ok_or("an extension has no value")?;
        if name != extension_name.as_bytes() {
            return Err("an extension other than chunk-signature");
        }
        if signature.is_some() {
            return Err("two chunk signatures");
        }
        if !is_written_signature(value) {
            return Err("the chunk signature is not 1 to 144 hex digits and '*'");
        }
        signature = Some(ascii_str(value));
    }
    Ok((size, signature))
}

/// `name:value`, the name a token, the value visible ASCII, spaces and
/// tabs, trimmed.
fn parse_trailer(content: &[u8]) -> Result<(&str, &str), &'static str> {
    let (name, value) = split_once(content, b':').ok_or("there is no ':'")?;
    if name.is_empty() || !name.iter().all(|&byte| is_token_byte(byte)) {
        return Err("the name is not a header name");
    }
    if !value
        .iter()
        .all(|&byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
    {
        return Err("the value holds a control or non-ASCII byte");
    }
    Ok((ascii_str(name), ascii_str(value).trim_matches([' ', '\t'])))
}

fn split_once(bytes: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&byte| byte == separator)?;
    Some((&bytes[..at], &bytes[at + 1..]))
}

/// A header name's byte: RFC 9110's `tchar`.
pub(crate) fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether `value` can be a written chunk or trailer signature: hex digits
/// and SigV4A's padding, no longer than a padded SigV4A signature. The
/// checking chain decides whether it is one.
fn is_written_signature(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= SIGV4A_SIGNATURE_WIDTH
        && value
            .iter()
            .all(|&byte| byte.is_ascii_hexdigit() || char::from(byte) == SIGNATURE_PADDING)
}

/// `bytes`, checked to be ASCII by the caller, as text.
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_headers_table() {
        let sig = "a".repeat(64);
        let with_sig = format!("400;chunk-signature={sig}");
        type Case<'a> = (&'a [u8], Result<(u64, Option<&'a str>), &'a str>);
        let cases: Vec<Case<'_>> = vec![
            (b"0", Ok((0, None))),
            (b"FfFf", Ok((0xffff, None))),
            (with_sig.as_bytes(), Ok((0x400, Some(sig.as_str())))),
            (b"", Err("there is no chunk size")),
            (b";chunk-signature=ab", Err("there is no chunk size")),
            (b"1g", Err("the chunk size is not hex")),
            (b" 1", Err("the chunk size is not hex")),
            (
                b"10000000000000000",
                Err("the chunk size does not fit in 64 bits"),
            ),
            (b"1;chunk-signature", Err("an extension has no value")),
            (b"1;", Err("an extension has no value")),
            (b"1;foo=bar", Err("an extension other than chunk-signature")),
            (
                b"1;Chunk-Signature=ab",
                Err("an extension other than chunk-signature"),
            ),
            (
                b"1;chunk-signature=ab;chunk-signature=ab",
                Err("two chunk signatures"),
            ),
            (
                b"1;chunk-signature=",
                Err("the chunk signature is not 1 to 144 hex digits and '*'"),
            ),
            (
                b"1;chunk-signature=xyz",
                Err("the chunk signature is not 1 to 144 hex digits and '*'"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_chunk_header(input),
                expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn trailers_table() {
        type Case<'a> = (&'a [u8], Result<(&'a str, &'a str), &'a str>);
        let cases: Vec<Case<'_>> = vec![
            (
                b"x-amz-checksum-crc32:AAAAAA==",
                Ok(("x-amz-checksum-crc32", "AAAAAA==")),
            ),
            (b"Name: \t value \t", Ok(("Name", "value"))),
            (b"name:", Ok(("name", ""))),
            (b"no colon", Err("there is no ':'")),
            (b":value", Err("the name is not a header name")),
            (b"bad name:value", Err("the name is not a header name")),
            (
                b"name:va\x00lue",
                Err("the value holds a control or non-ASCII byte"),
            ),
            (
                b"name:\xc3\xa9",
                Err("the value holds a control or non-ASCII byte"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_trailer(input),
                expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn a_line_is_bounded_before_its_end_arrives() {
        let mut line = Vec::new();
        assert_eq!(take_line(&mut line, b"abc", 5), Ok(None));
        assert_eq!(take_line(&mut line, b"d", 5), Ok(None));
        assert_eq!(take_line(&mut line, b"e", 5), Err(LineTooLong));
        let mut line = b"abcd".to_vec();
        assert_eq!(take_line(&mut line, b"\n", 5), Ok(Some(1)));
        let mut line = Vec::new();
        assert_eq!(take_line(&mut line, b"abc", 5), Ok(None));
        assert_eq!(take_line(&mut line, b"\r\nrest", 5), Ok(Some(2)));
        assert_eq!(line, b"abc\r\n");
        assert_eq!(take_line(&mut line, b"x\n", 5), Ok(Some(2)));
        assert_eq!(line, b"x\n");
    }
}
