//! The event-stream framing: each message as a prelude (total length,
//! headers length, CRC32 of the two), the headers, the payload and a CRC32
//! of everything before it.
//!
//! The `aws-smithy-eventstream` crate, which the AWS SDK for Rust uses,
//! encodes and parses the messages. What this module adds is what a server
//! needs from bytes a peer chose: a bound on a message's size (16 MiB, the
//! format's limit in `aws-c-event-stream`), checked on the prelude alone so
//! that a hostile length is refused before its bytes are buffered, and typed
//! errors that name the message. The crate's own streaming decoder waits for
//! any declared length and stops mid-frame on a bad message; this one splits
//! off whole frames, so that its buffer is always at a message boundary.

use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use aws_smithy_types::event_stream::Message;
use bytes::{Buf, BytesMut};

use super::EventStreamError;

/// The largest message an event stream carries, 16 MiB, as in
/// `aws-c-event-stream`. The decoder's default bound.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The prelude: total length, headers length, CRC32 of the two.
const PRELUDE_BYTES: usize = 12;

/// The prelude and the message CRC: an empty message.
const MIN_MESSAGE_BYTES: u32 = 16;

/// `message` in event-stream encoding.
///
/// # Errors
/// [`EventStreamError::Encode`] when the framing crate refuses it,
/// [`EventStreamError::TooLargeToSend`] when it exceeds
/// [`MAX_MESSAGE_BYTES`].
pub fn encode_message(message: &Message) -> Result<Vec<u8>, EventStreamError> {
    let mut encoded = Vec::new();
    encode_message_into(message, &mut encoded)?;
    Ok(encoded)
}

/// Appends `message` in event-stream encoding to `out`, which is left as it
/// was on an error.
///
/// # Errors
/// As [`encode_message`].
pub fn encode_message_into(message: &Message, out: &mut Vec<u8>) -> Result<(), EventStreamError> {
    let too_large = |size| EventStreamError::TooLargeToSend {
        size,
        max: MAX_MESSAGE_BYTES,
    };
    // Refused before a large payload is copied.
    if message.payload().len() > MAX_MESSAGE_BYTES {
        return Err(too_large(message.payload().len()));
    }
    let start = out.len();
    if let Err(error) = write_message_to(message, out) {
        out.truncate(start);
        return Err(EventStreamError::Encode {
            reason: error.to_string(),
        });
    }
    let size = out.len() - start;
    if size > MAX_MESSAGE_BYTES {
        out.truncate(start);
        return Err(too_large(size));
    }
    Ok(())
}

/// The one message `encoded` holds, nothing before or after it.
///
/// # Errors
/// As [`EventStreamDecoder::next_message`]; [`EventStreamError::Truncated`]
/// when `encoded` ends inside the message, [`EventStreamError::TrailingBytes`]
/// when bytes follow it.
pub fn decode_message(encoded: &[u8]) -> Result<Message, EventStreamError> {
    let mut decoder = EventStreamDecoder::new();
    decoder.push(encoded);
    let message = decoder.next_message()?.ok_or(EventStreamError::Truncated {
        index: 0,
        buffered: encoded.len(),
    })?;
    match decoder.buffered() {
        0 => Ok(message),
        extra => Err(EventStreamError::TrailingBytes { extra }),
    }
}

/// Reads the messages of a stream from bytes as they arrive, in pieces of
/// any size.
///
/// [`push`](Self::push) the bytes received, then take the messages with
/// [`next_message`](Self::next_message) until it gives `None`. The buffer
/// holds at most the bytes pushed and not yet taken, and a message is
/// refused by its prelude when it declares more than the bound. After an
/// error the stream cannot be framed any further: every later call fails and
/// pushed bytes are dropped.
///
/// ```
/// use sigv4kit_stream::event::{EventStreamDecoder, Message, encode_message};
///
/// let encoded = encode_message(&Message::new(&b"hello"[..]))?;
/// let mut decoder = EventStreamDecoder::new();
/// let (first, rest) = encoded.split_at(5);
/// decoder.push(first);
/// assert!(decoder.next_message()?.is_none());
/// decoder.push(rest);
/// assert_eq!(decoder.next_message()?.unwrap().payload().as_ref(), b"hello");
/// decoder.finish()?;
/// # Ok::<(), sigv4kit_stream::event::EventStreamError>(())
/// ```
#[derive(Debug)]
pub struct EventStreamDecoder {
    buffer: BytesMut,
    max_message_bytes: usize,
    decoded: u64,
    failed: bool,
}

impl Default for EventStreamDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventStreamDecoder {
    /// A decoder of messages up to [`MAX_MESSAGE_BYTES`].
    pub fn new() -> Self {
        Self::with_max_message_bytes(MAX_MESSAGE_BYTES)
    }

    /// A decoder of messages up to `max_message_bytes`, prelude and CRCs
    /// included.
    pub fn with_max_message_bytes(max_message_bytes: usize) -> Self {
        Self {
            buffer: BytesMut::new(),
            max_message_bytes,
            decoded: 0,
            failed: false,
        }
    }

    /// Adds received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.failed {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// The next whole message, or `None` until more bytes are pushed.
    ///
    /// # Errors
    /// [`EventStreamError::PreludeChecksumMismatch`],
    /// [`EventStreamError::MessageTooShort`] and
    /// [`EventStreamError::MessageTooLarge`] from the prelude alone;
    /// [`EventStreamError::Malformed`] when the framing crate refuses the
    /// message (its checksum, a header); [`EventStreamError::AfterFailure`]
    /// once any of these happened.
    pub fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        if self.failed {
            return Err(EventStreamError::AfterFailure {
                index: self.decoded,
            });
        }
        let decoded = self.decode_next();
        match &decoded {
            Ok(Some(_)) => self.decoded += 1,
            Ok(None) => {}
            Err(_) => {
                self.failed = true;
                self.buffer = BytesMut::new();
            }
        }
        decoded
    }

    /// Checks that the stream ended at a message boundary.
    ///
    /// # Errors
    /// [`EventStreamError::Truncated`] when bytes of a message are left;
    /// [`EventStreamError::AfterFailure`] after an error.
    pub fn finish(&self) -> Result<(), EventStreamError> {
        if self.failed {
            return Err(EventStreamError::AfterFailure {
                index: self.decoded,
            });
        }
        match self.buffer.len() {
            0 => Ok(()),
            buffered => Err(EventStreamError::Truncated {
                index: self.decoded,
                buffered,
            }),
        }
    }

    /// The bytes pushed and not yet decoded.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// How many messages were decoded: the index of the next.
    pub fn decoded(&self) -> u64 {
        self.decoded
    }

    fn decode_next(&mut self) -> Result<Option<Message>, EventStreamError> {
        let index = self.decoded;
        let Some(prelude) = self.buffer.first_chunk::<PRELUDE_BYTES>() else {
            return Ok(None);
        };
        let declared = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]);
        let found = u32::from_be_bytes([prelude[8], prelude[9], prelude[10], prelude[11]]);
        let computed = crc32(&prelude[..8]);
        if computed != found {
            return Err(EventStreamError::PreludeChecksumMismatch {
                index,
                computed,
                found,
            });
        }
        if declared < MIN_MESSAGE_BYTES {
            return Err(EventStreamError::MessageTooShort { index, declared });
        }
        let length = usize::try_from(declared).unwrap_or(usize::MAX);
        if length > self.max_message_bytes {
            return Err(EventStreamError::MessageTooLarge {
                index,
                declared,
                max: self.max_message_bytes,
            });
        }
        if self.buffer.len() < length {
            return Ok(None);
        }
        let mut frame = self.buffer.split_to(length).freeze();
        let message =
            read_message_from(&mut frame).map_err(|error| EventStreamError::Malformed {
                index,
                reason: error.to_string(),
            })?;
        if frame.has_remaining() {
            return Err(EventStreamError::Malformed {
                index,
                reason: format!("{} bytes of the frame were left unread", frame.remaining()),
            });
        }
        Ok(Some(message))
    }
}

/// CRC-32 (ISO-HDLC, "GZIP CRC32"), the event-stream checksum.
fn crc32(bytes: &[u8]) -> u32 {
    let crc = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32IsoHdlc, bytes);
    // A 32-bit CRC always fits; the crate returns every width as u64.
    u32::try_from(crc).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CRT's message without headers
    /// (`aws-c-event-stream/tests/message_deserializer_test.c`).
    const CRT_NO_HEADERS: [u8; 29] = [
        0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66,
        0x6f, 0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36,
    ];

    #[test]
    fn the_crts_message_decodes_and_encodes_back() {
        let message = decode_message(&CRT_NO_HEADERS).unwrap();
        assert!(message.headers().is_empty());
        assert_eq!(message.payload().as_ref(), b"{'foo':'bar'}");
        assert_eq!(encode_message(&message).unwrap(), CRT_NO_HEADERS);
    }

    #[test]
    fn the_prelude_crc_is_crc32() {
        assert_eq!(crc32(&CRT_NO_HEADERS[..8]), 0xfd52_8c5a);
    }

    #[test]
    fn a_declared_length_over_the_bound_is_refused_from_the_prelude() {
        let mut decoder = EventStreamDecoder::with_max_message_bytes(28);
        decoder.push(&CRT_NO_HEADERS[..PRELUDE_BYTES]);
        assert!(matches!(
            decoder.next_message(),
            Err(EventStreamError::MessageTooLarge {
                index: 0,
                declared: 29,
                max: 28
            })
        ));
    }

    #[test]
    fn an_oversized_payload_is_not_encoded() {
        let message = Message::new(vec![0; MAX_MESSAGE_BYTES + 1]);
        assert!(matches!(
            encode_message(&message),
            Err(EventStreamError::TooLargeToSend { .. })
        ));
        let largest_payload = MAX_MESSAGE_BYTES - 16;
        let mut out = vec![1, 2, 3];
        encode_message_into(&Message::new(vec![0; largest_payload]), &mut out).unwrap();
        assert_eq!(out.len(), 3 + MAX_MESSAGE_BYTES);
        let mut out = vec![1, 2, 3];
        assert!(
            encode_message_into(&Message::new(vec![0; largest_payload + 1]), &mut out).is_err()
        );
        assert_eq!(out, [1, 2, 3], "left as it was");
    }
}
