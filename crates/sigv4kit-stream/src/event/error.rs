//! Why an event stream could not be encoded, decoded, signed or verified.

use sigv4kit_canon::{Algorithm, AmzDate};
use sigv4kit_signer::{SigningError, VerifyError};

/// Why an event stream could not be encoded, decoded, signed or verified.
///
/// `index` counts messages from 0: in the decoder the messages of the
/// stream, in the signer and the verifier its events, the end message
/// included.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventStreamError {
    /// A SigV4A signer, verifier or seed: event streams are signed with SigV4
    /// only.
    #[error("event streams are signed with SigV4 only, not {found}")]
    Sigv4Only {
        /// The algorithm given.
        found: Algorithm,
    },
    /// The seed request was not signed over
    /// `STREAMING-AWS4-HMAC-SHA256-EVENTS`, so no event stream follows it.
    #[error(
        "the seed request is signed over {payload:?}, not STREAMING-AWS4-HMAC-SHA256-EVENTS: no event stream follows it"
    )]
    NotAnEventStream {
        /// The seed's payload line.
        payload: String,
    },
    /// The seed signature is not the hex of a SigV4 signature.
    #[error("the seed signature is not the 64 hex digits of a SigV4 signature")]
    MalformedSeedSignature,
    /// The signer failed: bad credentials, a region set, a crypto failure.
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// The verifier could not key the chain: the seed's region is a region
    /// set, or the key cannot check SigV4.
    #[error("the event chain cannot be keyed: {0}")]
    Verify(#[from] VerifyError),
    /// The framing crate refused to encode a message: a header name over 255
    /// bytes, a header value over 65535 bytes, a timestamp beyond i64
    /// milliseconds.
    #[error("the message cannot be encoded: {reason}")]
    Encode {
        /// The framing crate's reason.
        reason: String,
    },
    /// A message to send is larger than a receiver accepts.
    #[error(
        "the message would be {size} bytes encoded, more than the {max} an event stream allows"
    )]
    TooLargeToSend {
        /// Its encoded size (at least).
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A received prelude declares a message larger than the decoder
    /// accepts. It is refused before its bytes are buffered.
    #[error("message {index} declares {declared} bytes, more than the {max} allowed")]
    MessageTooLarge {
        /// The message's index.
        index: u64,
        /// Its declared total length.
        declared: u32,
        /// The limit.
        max: usize,
    },
    /// A received prelude declares fewer bytes than the 16 of an empty
    /// message.
    #[error("message {index} declares {declared} bytes, fewer than the 16 of an empty message")]
    MessageTooShort {
        /// The message's index.
        index: u64,
        /// Its declared total length.
        declared: u32,
    },
    /// A received prelude's CRC32 does not match its length fields: the
    /// lengths cannot be trusted, so the stream cannot be framed past it.
    #[error(
        "message {index}'s prelude checksum is {found:#010x}, but its length fields give {computed:#010x}"
    )]
    PreludeChecksumMismatch {
        /// The message's index.
        index: u64,
        /// The CRC32 of the length fields.
        computed: u32,
        /// The prelude's checksum field.
        found: u32,
    },
    /// A received message failed the framing crate's checks: its message
    /// checksum, a header's encoding, the headers' length.
    #[error("message {index} is malformed: {reason}")]
    Malformed {
        /// The message's index.
        index: u64,
        /// The framing crate's reason.
        reason: String,
    },
    /// The stream ended inside a message.
    #[error("the stream ended inside message {index}, after {buffered} of its bytes")]
    Truncated {
        /// The message's index.
        index: u64,
        /// The bytes of it received.
        buffered: usize,
    },
    /// Bytes follow the one message expected.
    #[error("{extra} bytes follow the message")]
    TrailingBytes {
        /// The bytes after it.
        extra: usize,
    },
    /// An earlier message failed: a stream cannot be framed or trusted past
    /// a bad message, so the decoder or verifier refuses everything after.
    #[error("message {index} follows a message that failed; the stream stops there")]
    AfterFailure {
        /// The index of the message asked for.
        index: u64,
    },
    /// An event after the empty message that ends the stream.
    #[error("event {index} follows the empty message that ended the stream")]
    AfterEnd {
        /// The event's index.
        index: u64,
    },
    /// The stream closed before its empty end message: its tail may have
    /// been cut off.
    #[error("the stream closed after {events} events, without the empty message that ends it")]
    MissingEnd {
        /// The events verified.
        events: u64,
    },
    /// An envelope without its `:date` or `:chunk-signature`.
    #[error("event {index} has no {name} header")]
    MissingHeader {
        /// The event's index.
        index: u64,
        /// The header missing.
        name: &'static str,
    },
    /// An envelope with `:date` or `:chunk-signature` twice.
    #[error("event {index} has the {name} header twice")]
    DuplicateHeader {
        /// The event's index.
        index: u64,
        /// The header repeated.
        name: &'static str,
    },
    /// An envelope header other than `:date` and `:chunk-signature`, which
    /// the signature would not cover.
    #[error("event {index} carries the header {name:?}, which its signature does not cover")]
    UnexpectedHeader {
        /// The event's index.
        index: u64,
        /// The header's name.
        name: String,
    },
    /// `:date` is not a timestamp or `:chunk-signature` not a byte array.
    #[error("event {index}'s {name} header is not a {expected}")]
    WrongHeaderType {
        /// The event's index.
        index: u64,
        /// The header.
        name: &'static str,
        /// The value type it must have.
        expected: &'static str,
    },
    /// `:chunk-signature` is not 32 bytes long.
    #[error("event {index}'s signature is {length} bytes, not the 32 of a SigV4 signature")]
    SignatureLength {
        /// The event's index.
        index: u64,
        /// Its length.
        length: usize,
    },
    /// `:date` is outside the years 0000 to 9999.
    #[error(
        "event {index}'s :date, {millis} ms from the Unix epoch, is outside the years 0000 to 9999"
    )]
    DateOutOfRange {
        /// The event's index.
        index: u64,
        /// The header's value.
        millis: i64,
    },
    /// `:date` is further from the seed request's time than allowed.
    #[error(
        "event {index} is dated {event_time}, {drift_seconds} s from the seed request's {seed_time}, more than the {max_seconds} s allowed"
    )]
    DateDrift {
        /// The event's index.
        index: u64,
        /// The event's `:date`, to the second.
        event_time: AmzDate,
        /// The seed's `X-Amz-Date`.
        seed_time: AmzDate,
        /// How far apart they are, in whole seconds.
        drift_seconds: i64,
        /// The allowed drift.
        max_seconds: u64,
    },
    /// The signature does not match. Carries the string to sign this
    /// verifier computed, for the client to compare with its own; no secret
    /// is in it.
    #[error(
        "event {index}'s signature does not match.\n--- string to sign computed\n{string_to_sign}"
    )]
    SignatureMismatch {
        /// The event's index.
        index: u64,
        /// The string to sign, as this verifier computed it.
        string_to_sign: String,
    },
    /// A signed envelope whose payload is not one event-stream message.
    #[error("event {index}'s payload is not one event-stream message: {reason}")]
    MalformedEvent {
        /// The event's index.
        index: u64,
        /// What is wrong with it.
        reason: String,
    },
}
