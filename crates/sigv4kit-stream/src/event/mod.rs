//! Event streams (`application/vnd.amazon.eventstream`) signed with SigV4, as
//! Amazon Transcribe streaming and Kinesis `SubscribeToShard` clients send
//! them, and checked as a server receives them.
//!
//! An event stream is a sequence of binary messages. Each is framed by a
//! prelude (its total length, its headers' length and a CRC32 of the two)
//! and ends with a CRC32 of the whole message; [`frame`] encodes and decodes
//! that framing with the `aws-smithy-eventstream` crate, bounded to the
//! format's 16 MiB per message.
//!
//! The request that opens the stream, the *seed*, is signed over the payload
//! literal `STREAMING-AWS4-HMAC-SHA256-EVENTS`. Every event then travels
//! inside a signed *envelope*: a message whose payload is the encoded event
//! and whose only headers are `:date` (a timestamp) and `:chunk-signature`
//! (the 32 raw bytes of the HMAC). Its string to sign chains the signature
//! before it, as an `aws-chunked` chunk's does
//! ([`sigv4kit_signer::chain`]):
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD
//! <the event's :date as YYYYMMDDTHHMMSSZ>
//! <the event's date>/<region>/<service>/aws4_request
//! <previous signature, hex: the seed's for the first event>
//! <hex SHA-256 of the event-stream encoding of the :date header alone>
//! <hex SHA-256 of the envelope's payload>
//! ```
//!
//! Unlike a chunk, an event is signed at its own time: the timestamp line,
//! the scope's date and the signing key all come from the event's `:date`,
//! so a stream may outlive the day it was opened on. The stream ends with an
//! envelope whose payload is empty. The Transcribe developer guide documents
//! both the signing, in "Setting up a streaming transcription"
//! (<https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html>),
//! and the framing, in "Event stream encoding"
//! (<https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html>).
//!
//! Event streams are signed with SigV4 only: AWS defines no SigV4A event
//! signature, so both ends refuse a SigV4A signer, verifier or seed.
//!
//! [`EventStreamSigner`] signs on the client, [`EventStreamVerifier`] checks
//! on the server and hands back the events, [`encode_message`] and
//! [`EventStreamDecoder`] carry the messages over the wire.
//!
//! ```
//! use sigv4kit_canon::{AmzDate, Region, Service};
//! use sigv4kit_hmac::HmacSigner;
//! use sigv4kit_signer::Credentials;
//! use sigv4kit_stream::event::{
//!     EventStreamDecoder, EventStreamSigner, Header, HeaderValue, Message, encode_message,
//! };
//!
//! let credentials = Credentials::new("access", "secret", None)?;
//! // The seed request's signature, from signing it with
//! // `Payload::Streaming(StreamingPayload::Sigv4Events)`.
//! let seed = "e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b";
//! let mut signer = EventStreamSigner::new(
//!     HmacSigner::new(),
//!     credentials,
//!     Region::new("us-east-1")?,
//!     Service::new("transcribe")?,
//!     seed,
//! )?;
//! let event = Message::new(&b"audio bytes"[..])
//!     .add_header(Header::new(":event-type", HeaderValue::String("AudioEvent".into())));
//! let time = AmzDate::parse_rfc3339("1981-01-16T06:30:01Z")?;
//! let mut wire = encode_message(&signer.sign_message(&event, time)?)?;
//! wire.extend(encode_message(&signer.end_message(time)?)?);
//!
//! let mut decoder = EventStreamDecoder::new();
//! decoder.push(&wire);
//! let envelope = decoder.next_message()?.expect("a whole message was pushed");
//! assert_eq!(envelope.headers().len(), 2);
//! assert!(decoder.next_message()?.expect("the end message").payload().is_empty());
//! decoder.finish()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chain;
mod date;
mod error;
pub mod frame;
mod signer;
mod verifier;

// The message types of the framing crate, so that a caller needs no
// dependency of its own on a matching version.
pub use aws_smithy_types::DateTime;
pub use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
pub use date::EventDate;
pub use error::EventStreamError;
pub use frame::{
    EventStreamDecoder, MAX_MESSAGE_BYTES, decode_message, encode_message, encode_message_into,
};
pub use signer::{EventStreamSigner, SIGNED_ENVELOPE_OVERHEAD};
pub use verifier::{DEFAULT_MAX_DATE_DRIFT, EventStreamVerifier, VerifiedEvent};

/// The envelope header carrying the event's time, a timestamp.
pub const DATE_HEADER: &str = ":date";

/// The envelope header carrying the event's signature, 32 raw bytes.
pub const SIGNATURE_HEADER: &str = ":chunk-signature";
