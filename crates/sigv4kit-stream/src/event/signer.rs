//! The client's end: each event wrapped in an envelope signed at the event's
//! own time, chained to the signature before it.

use std::fmt;

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use sigv4kit_canon::{Algorithm, AmzDate, Region, Service};
use sigv4kit_signer::{
    ChainSigner, Credentials, Signature, Signer, SigningError, SigningOutput, SigningParams,
    SigningRegion,
};

use super::chain::{KeyOfDay, write_string_to_sign};
use super::date::{ENCODED_DATE_HEADER_BYTES, EventDate};
use super::frame::{MAX_MESSAGE_BYTES, encode_message};
use super::{EventStreamError, SIGNATURE_HEADER};

/// What an envelope adds to the encoded event it carries: the prelude and
/// message CRC (16 bytes), `:date` (15) and `:chunk-signature` (1 + 16 + 1 +
/// 2 + 32 = 52).
pub const SIGNED_ENVELOPE_OVERHEAD: usize = 16 + ENCODED_DATE_HEADER_BYTES + 52;

/// Signs the events of one stream, in order, after the seed request.
///
/// Each call signs at the time it is given, which becomes the envelope's
/// `:date`: pass the current time for a live stream. The key of that day is
/// kept, so signing costs one HMAC per event until the day changes.
pub struct EventStreamSigner<S> {
    signer: S,
    credentials: Credentials,
    region: Region,
    service: Service,
    previous: Signature,
    key: KeyOfDay<Box<dyn ChainSigner>>,
    string_to_sign: Vec<u8>,
    signed: u64,
    ended: bool,
}

impl<S: Signer> EventStreamSigner<S> {
    /// The signer of the events after the seed request signed
    /// `seed_signature` (hex, as `SigningOutput::signature` gives it), for
    /// `credentials` in `region` and `service`.
    ///
    /// # Errors
    /// [`EventStreamError::Sigv4Only`] for a SigV4A signer;
    /// [`EventStreamError::MalformedSeedSignature`] when `seed_signature` is
    /// not 64 hex digits.
    pub fn new(
        signer: S,
        credentials: Credentials,
        region: Region,
        service: Service,
        seed_signature: &str,
    ) -> Result<Self, EventStreamError> {
        if signer.algorithm() != Algorithm::Sigv4 {
            return Err(EventStreamError::Sigv4Only {
                found: signer.algorithm(),
            });
        }
        let previous = parse_seed_signature(seed_signature)?;
        Ok(Self {
            signer,
            credentials,
            region,
            service,
            previous,
            key: KeyOfDay::new(),
            string_to_sign: Vec::with_capacity(256),
            signed: 0,
            ended: false,
        })
    }

    /// The signer of the events after the seed request that `signer` signed
    /// with `params` into `seed`.
    ///
    /// # Errors
    /// As [`EventStreamSigner::new`], and
    /// [`SigningError::RegionSetForSigv4`] when `params` name a region set.
    pub fn after_seed(
        signer: S,
        params: &SigningParams<'_>,
        seed: &SigningOutput,
    ) -> Result<Self, EventStreamError> {
        if seed.algorithm() != Algorithm::Sigv4 {
            return Err(EventStreamError::Sigv4Only {
                found: seed.algorithm(),
            });
        }
        let region = match &params.region {
            SigningRegion::Region(region) => region.clone(),
            SigningRegion::RegionSet(set) => {
                return Err(SigningError::RegionSetForSigv4 {
                    algorithm: Algorithm::Sigv4,
                    region_set: set.as_str().to_owned(),
                }
                .into());
            }
        };
        Self::new(
            signer,
            params.credentials.clone(),
            region,
            params.service.clone(),
            seed.signature(),
        )
    }

    /// The envelope of `event`, signed at `time`.
    ///
    /// # Errors
    /// [`EventStreamError::Encode`] when `event` cannot be encoded;
    /// [`EventStreamError::TooLargeToSend`] when its envelope would exceed
    /// [`MAX_MESSAGE_BYTES`]; as [`EventStreamSigner::sign_payload`].
    pub fn sign_message(
        &mut self,
        event: &Message,
        time: AmzDate,
    ) -> Result<Message, EventStreamError> {
        let encoded = encode_message(event)?;
        let size = encoded.len() + SIGNED_ENVELOPE_OVERHEAD;
        if size > MAX_MESSAGE_BYTES {
            return Err(EventStreamError::TooLargeToSend {
                size,
                max: MAX_MESSAGE_BYTES,
            });
        }
        self.envelope(encoded, time)
    }

    /// The empty envelope that ends the stream, signed at `time`.
    ///
    /// # Errors
    /// As [`EventStreamSigner::sign_payload`].
    pub fn end_message(&mut self, time: AmzDate) -> Result<Message, EventStreamError> {
        self.envelope(Vec::new(), time)
    }

    /// The signature of an envelope carrying `payload` (an encoded event, or
    /// nothing to end the stream), signed at `time`: the step under
    /// [`sign_message`](Self::sign_message), for a caller that frames the
    /// envelope itself.
    ///
    /// # Errors
    /// [`EventStreamError::AfterEnd`] once an empty payload was signed;
    /// [`EventStreamError::Signing`] when no key can be derived for `time`'s
    /// day.
    pub fn sign_payload(
        &mut self,
        payload: &[u8],
        time: AmzDate,
    ) -> Result<Signature, EventStreamError> {
        if self.ended {
            return Err(EventStreamError::AfterEnd { index: self.signed });
        }
        let date = EventDate::from_amz_date(time);
        let chain = self.key.get_or_derive(&date, || {
            self.signer.chain_signer(&SigningParams::new(
                &self.credentials,
                time,
                self.service.clone(),
                self.region.clone(),
            ))
        })?;
        write_string_to_sign(
            &mut self.string_to_sign,
            &date,
            &self.region,
            &self.service,
            self.previous.as_str(),
            payload,
        );
        let signature = chain.sign_string_to_sign(&self.string_to_sign)?;
        self.previous = signature;
        self.signed += 1;
        self.ended = payload.is_empty();
        Ok(signature)
    }

    /// The last signature made: the seed's until an event is signed.
    pub fn previous(&self) -> &Signature {
        &self.previous
    }

    /// How many envelopes were signed, the end message included.
    pub fn signed(&self) -> u64 {
        self.signed
    }

    /// Whether the end message was signed.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    fn envelope(&mut self, payload: Vec<u8>, time: AmzDate) -> Result<Message, EventStreamError> {
        let signature = self.sign_payload(&payload, time)?;
        let mut raw = [0u8; 32];
        sigv4kit_canon::encoding::decode_hex_exact(signature.as_str().as_bytes(), &mut raw)
            .ok_or_else(|| SigningError::Crypto {
                reason: format!("the chain signer made a non-SigV4 signature {signature}"),
            })?;
        // The order aws-sigv4 writes; a receiver takes them in any order.
        Ok(Message::new(payload)
            .add_header(Header::new(
                SIGNATURE_HEADER,
                HeaderValue::ByteArray(Bytes::copy_from_slice(&raw)),
            ))
            .add_header(EventDate::from_amz_date(time).header()))
    }
}

impl<S> fmt::Debug for EventStreamSigner<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamSigner")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("previous", &self.previous)
            .field("signed", &self.signed)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The seed signature as the first event chains it: 32 bytes of hex.
fn parse_seed_signature(hex: &str) -> Result<Signature, EventStreamError> {
    let mut raw = [0u8; 32];
    sigv4kit_canon::encoding::decode_hex_exact(hex.as_bytes(), &mut raw)
        .ok_or(EventStreamError::MalformedSeedSignature)?;
    Signature::from_raw(&raw).map_err(EventStreamError::from)
}
