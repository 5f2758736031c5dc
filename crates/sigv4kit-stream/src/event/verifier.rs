//! The server's end: each envelope's signature checked against the chain
//! from the verified seed request, at the key of the event's own day, and
//! the event inside handed back.
//!
//! A verified seed proves the request fresh; an event's `:date` is the
//! client's claim, so it is bounded by its distance from the seed's time. A
//! stream that runs longer than the default bound needs a larger one.

use std::borrow::Borrow;
use std::fmt;
use std::time::Duration;

use aws_smithy_types::event_stream::Message;
use bytes::Bytes;
use sigv4kit_canon::{Algorithm, AmzDate, Region, StreamingPayload};
use sigv4kit_signer::{ChainVerifier, Signature, SigningRegion, Verified, Verifier, VerifyError};

use super::chain::{KeyOfDay, write_string_to_sign};
use super::date::EventDate;
use super::frame::decode_message;
use super::{DATE_HEADER, EventStreamError, SIGNATURE_HEADER};

/// How far an event's `:date` may be from the seed request's time by
/// default: 15 minutes, the clock skew AWS allows a request.
pub const DEFAULT_MAX_DATE_DRIFT: Duration = Duration::from_secs(15 * 60);

/// What a verified envelope carried.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifiedEvent {
    /// An event.
    Event(Message),
    /// The empty message that ends the stream.
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Ended,
    Failed,
}

/// Checks the events of one stream, in order, after its verified seed
/// request.
///
/// `V` is the SigV4 verifier that checked the seed (`HmacVerifier`), `K` its
/// key, owned or borrowed. The chain key of each event's day is derived from
/// it, and kept until the day changes. After any error the stream cannot be
/// trusted: every later call fails.
pub struct EventStreamVerifier<V, K> {
    verifier: V,
    key: K,
    /// The seed, its time replaced by each new day's event time to key the
    /// chain for that day.
    scope: Verified,
    region: Region,
    seed_time: AmzDate,
    previous: Signature,
    chain: KeyOfDay<Box<dyn ChainVerifier>>,
    max_date_drift: Duration,
    string_to_sign: Vec<u8>,
    verified: u64,
    state: State,
}

impl<V, K> EventStreamVerifier<V, K>
where
    V: Verifier,
    K: Borrow<V::Key>,
{
    /// The verifier of the events after the seed request `seed`, which
    /// `verifier` verified with `key`.
    ///
    /// # Errors
    /// [`EventStreamError::Sigv4Only`] for a SigV4A verifier or seed;
    /// [`EventStreamError::NotAnEventStream`] when the seed was not signed
    /// over `STREAMING-AWS4-HMAC-SHA256-EVENTS`;
    /// [`EventStreamError::Verify`] when `key` cannot key the chain.
    pub fn new(verifier: V, key: K, seed: &Verified) -> Result<Self, EventStreamError> {
        for found in [verifier.algorithm(), seed.algorithm] {
            if found != Algorithm::Sigv4 {
                return Err(EventStreamError::Sigv4Only { found });
            }
        }
        if seed.payload.as_str() != StreamingPayload::Sigv4Events.as_str() {
            return Err(EventStreamError::NotAnEventStream {
                payload: seed.payload.as_str().to_owned(),
            });
        }
        let region = match &seed.region {
            SigningRegion::Region(region) => region.clone(),
            SigningRegion::RegionSet(_) => {
                return Err(VerifyError::WrongKeyType {
                    algorithm: Algorithm::Sigv4,
                    reason: "a SigV4 event stream is scoped to one region, not a region set",
                }
                .into());
            }
        };
        let scope = seed.clone();
        let mut chain = KeyOfDay::new();
        chain.get_or_derive(&EventDate::from_amz_date(seed.time), || {
            verifier.chain_verifier(&scope, key.borrow())
        })?;
        Ok(Self {
            verifier,
            key,
            scope,
            region,
            seed_time: seed.time,
            previous: seed.signature_hex(),
            chain,
            max_date_drift: DEFAULT_MAX_DATE_DRIFT,
            string_to_sign: Vec::with_capacity(256),
            verified: 0,
            state: State::Open,
        })
    }

    /// The same verifier, accepting events dated up to `drift` from the seed
    /// request's time: raise it for streams that run longer than
    /// [`DEFAULT_MAX_DATE_DRIFT`].
    #[must_use]
    pub fn with_max_date_drift(mut self, drift: Duration) -> Self {
        self.max_date_drift = drift;
        self
    }

    /// Checks the signed envelope `envelope` and returns the event it
    /// carries, or [`VerifiedEvent::End`] for the empty end message.
    ///
    /// # Errors
    /// The envelope's shape: [`EventStreamError::MissingHeader`],
    /// [`EventStreamError::DuplicateHeader`],
    /// [`EventStreamError::UnexpectedHeader`],
    /// [`EventStreamError::WrongHeaderType`],
    /// [`EventStreamError::DateOutOfRange`]; then as
    /// [`verify_payload`](Self::verify_payload); then
    /// [`EventStreamError::MalformedEvent`] when the signed payload is not
    /// one message.
    pub fn verify_message(
        &mut self,
        envelope: &Message,
    ) -> Result<VerifiedEvent, EventStreamError> {
        let index = self.check_open()?;
        let outcome = self.verify_envelope(index, envelope);
        if outcome.is_err() {
            self.state = State::Failed;
        }
        outcome
    }

    /// Checks that `signature` (32 raw bytes) signs an envelope dated `date`
    /// carrying `payload`: the step under
    /// [`verify_message`](Self::verify_message), for a caller that reads the
    /// envelope itself. An empty payload ends the stream.
    ///
    /// # Errors
    /// [`EventStreamError::AfterEnd`] after the end message;
    /// [`EventStreamError::AfterFailure`] after an error;
    /// [`EventStreamError::DateDrift`] when `date` is too far from the
    /// seed's time; [`EventStreamError::SignatureLength`] when `signature`
    /// is not 32 bytes; [`EventStreamError::Verify`] when no key can be
    /// derived for `date`'s day; [`EventStreamError::SignatureMismatch`].
    pub fn verify_payload(
        &mut self,
        date: EventDate,
        signature: &[u8],
        payload: &[u8],
    ) -> Result<(), EventStreamError> {
        let index = self.check_open()?;
        let outcome = self.advance(index, &date, signature, payload);
        if outcome.is_err() {
            self.state = State::Failed;
        }
        outcome
    }

    /// Checks that the stream, now closed, ended with its end message.
    ///
    /// # Errors
    /// [`EventStreamError::MissingEnd`] when it did not;
    /// [`EventStreamError::AfterFailure`] after an error.
    pub fn finish(&self) -> Result<(), EventStreamError> {
        match self.state {
            State::Ended => Ok(()),
            State::Open => Err(EventStreamError::MissingEnd {
                events: self.verified,
            }),
            State::Failed => Err(EventStreamError::AfterFailure {
                index: self.verified,
            }),
        }
    }

    /// How many envelopes were verified, the end message included.
    pub fn verified(&self) -> u64 {
        self.verified
    }

    /// Whether the end message was verified.
    pub fn is_ended(&self) -> bool {
        self.state == State::Ended
    }

    /// The last signature verified: the seed's until an event is.
    pub fn previous(&self) -> &Signature {
        &self.previous
    }

    fn check_open(&self) -> Result<u64, EventStreamError> {
        let index = self.verified;
        match self.state {
            State::Open => Ok(index),
            State::Ended => Err(EventStreamError::AfterEnd { index }),
            State::Failed => Err(EventStreamError::AfterFailure { index }),
        }
    }

    fn verify_envelope(
        &mut self,
        index: u64,
        envelope: &Message,
    ) -> Result<VerifiedEvent, EventStreamError> {
        let (date, signature) = envelope_headers(index, envelope)?;
        let payload = envelope.payload();
        self.advance(index, &date, signature, payload)?;
        if payload.is_empty() {
            return Ok(VerifiedEvent::End);
        }
        decode_message(payload)
            .map(VerifiedEvent::Event)
            .map_err(|error| EventStreamError::MalformedEvent {
                index,
                reason: error.to_string(),
            })
    }

    fn advance(
        &mut self,
        index: u64,
        date: &EventDate,
        signature: &[u8],
        payload: &[u8],
    ) -> Result<(), EventStreamError> {
        self.check_drift(index, date)?;
        if signature.len() != 32 {
            return Err(EventStreamError::SignatureLength {
                index,
                length: signature.len(),
            });
        }
        let received = Signature::from_raw(signature)?;
        let chain = self.chain.get_or_derive(date, || {
            self.scope.time = *date.amz_date();
            self.verifier.chain_verifier(&self.scope, self.key.borrow())
        })?;
        write_string_to_sign(
            &mut self.string_to_sign,
            date,
            &self.region,
            &self.scope.service,
            self.previous.as_str(),
            payload,
        );
        if !chain.verify_string_to_sign(&self.string_to_sign, received.as_str()) {
            return Err(EventStreamError::SignatureMismatch {
                index,
                string_to_sign: String::from_utf8_lossy(&self.string_to_sign).into_owned(),
            });
        }
        self.previous = received;
        self.verified += 1;
        if payload.is_empty() {
            self.state = State::Ended;
        }
        Ok(())
    }

    fn check_drift(&self, index: u64, date: &EventDate) -> Result<(), EventStreamError> {
        let seed_millis = i128::from(self.seed_time.unix_seconds()) * 1000;
        let drift_millis = i128::from(date.millis()) - seed_millis;
        if drift_millis.unsigned_abs() <= self.max_date_drift.as_millis() {
            return Ok(());
        }
        Err(EventStreamError::DateDrift {
            index,
            event_time: *date.amz_date(),
            seed_time: self.seed_time,
            drift_seconds: date
                .amz_date()
                .unix_seconds()
                .saturating_sub(self.seed_time.unix_seconds()),
            max_seconds: self.max_date_drift.as_secs(),
        })
    }
}

impl<V, K> fmt::Debug for EventStreamVerifier<V, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamVerifier")
            .field("access_key_id", &self.scope.access_key_id)
            .field("service", &self.scope.service)
            .field("seed_time", &self.seed_time)
            .field("previous", &self.previous)
            .field("max_date_drift", &self.max_date_drift)
            .field("verified", &self.verified)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// The envelope's `:date` and `:chunk-signature`, which must be its only
/// headers, each once: any other header would travel unsigned.
fn envelope_headers(
    index: u64,
    envelope: &Message,
) -> Result<(EventDate, &Bytes), EventStreamError> {
    let mut date = None;
    let mut signature = None;
    for header in envelope.headers() {
        match header.name().as_str() {
            DATE_HEADER => {
                let value = header.value().as_timestamp().map_err(|_| {
                    EventStreamError::WrongHeaderType {
                        index,
                        name: DATE_HEADER,
                        expected: "timestamp",
                    }
                })?;
                if date.replace(value).is_some() {
                    return Err(EventStreamError::DuplicateHeader {
                        index,
                        name: DATE_HEADER,
                    });
                }
            }
            SIGNATURE_HEADER => {
                let value = header.value().as_byte_array().map_err(|_| {
                    EventStreamError::WrongHeaderType {
                        index,
                        name: SIGNATURE_HEADER,
                        expected: "byte array",
                    }
                })?;
                if signature.replace(value).is_some() {
                    return Err(EventStreamError::DuplicateHeader {
                        index,
                        name: SIGNATURE_HEADER,
                    });
                }
            }
            other => {
                return Err(EventStreamError::UnexpectedHeader {
                    index,
                    name: other.to_owned(),
                });
            }
        }
    }
    let date = date.ok_or(EventStreamError::MissingHeader {
        index,
        name: DATE_HEADER,
    })?;
    let signature = signature.ok_or(EventStreamError::MissingHeader {
        index,
        name: SIGNATURE_HEADER,
    })?;
    let out_of_range = |millis| EventStreamError::DateOutOfRange { index, millis };
    // A decoded timestamp was read as i64 milliseconds, so it converts back.
    let millis = date
        .to_millis()
        .map_err(|_| out_of_range(date.secs().saturating_mul(1000)))?;
    let date = EventDate::from_millis(millis).ok_or_else(|| out_of_range(millis))?;
    Ok((date, signature))
}
