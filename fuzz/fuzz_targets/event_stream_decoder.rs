//! Event streams as a server receives them: arbitrary bytes, cut into
//! arbitrary pieces, through `EventStreamDecoder` and then
//! `EventStreamVerifier` (after the known-answers seed request). Nothing
//! panics; decoding in pieces gives what decoding whole gives; every decoded
//! message re-encodes to the bytes it came from; a failed decoder or verifier
//! stays failed; an envelope that verifies is exactly what the signer makes
//! for the same event at the same second.
//!
//! Input: one shape byte (low 4 bits: how many cut lengths follow; bit 4:
//! accept any event date), the cut lengths (each piece is its byte plus one,
//! cycling), then the stream.
#![no_main]

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::{
    AmzDate, Header, Payload, Region, RegionSet, Request, Service, StreamingPayload,
};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{
    Credentials, FixedClock, Signer, SigningParams, SigningSettings, Verified, Verifier,
    VerifyPolicy,
};
use sigv4kit_stream::event::{
    EventStreamDecoder, EventStreamSigner, EventStreamVerifier, Message, VerifiedEvent,
    encode_message,
};

/// The seed request of the known answers (`event-stream-sigv4.json`),
/// signed and verified once.
struct Seed {
    credentials: Credentials,
    key: FingerprintedSecret,
    signature: String,
    verified: Verified,
    verifier: Arc<HmacVerifier>,
}

static SEED: LazyLock<Seed> = LazyLock::new(|| {
    let credentials = Credentials::new("access", "secret", None).expect("credentials");
    let time = AmzDate::parse_amz("19810116T063000Z").expect("time");
    let params = SigningParams::new(
        &credentials,
        time,
        Service::new("demo").expect("service"),
        Region::new("us-east-1").expect("region"),
    )
    .with_settings(SigningSettings {
        content_sha256_header: true,
        ..SigningSettings::default()
    });
    let mut sent = vec![
        ("host".to_owned(), "demo.us-east-1.amazonaws.com".to_owned()),
        (
            "Content-Encoding".to_owned(),
            "application/vnd.amazon.eventstream".to_owned(),
        ),
    ];
    let headers: Vec<_> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
    let request = Request::new("POST", "/streaming", &headers)
        .with_payload(Payload::Streaming(StreamingPayload::Sigv4Events));
    let output = HmacSigner::new()
        .sign(&request, &params)
        .expect("seed signs");
    sent.extend(
        output
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    let headers: Vec<_> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
    let request = Request::new("POST", "/streaming", &headers).with_payload(Payload::FromHeader);
    let policy = VerifyPolicy::new(
        Service::new("demo").expect("service"),
        RegionSet::parse("us-east-1").expect("region set"),
    )
    .with_clock(FixedClock::at(&time));
    let verifier = Arc::new(HmacVerifier::new());
    let key = FingerprintedSecret::from(&credentials);
    let verified = verifier
        .verify(&request, &key, &policy)
        .expect("seed verifies");
    Seed {
        signature: output.signature().to_owned(),
        credentials,
        key,
        verified,
        verifier,
    }
});

/// What decoding gave: each message with the bytes it came from, then how
/// the stream ended (the error, or `finish`'s verdict).
type Decoded<'s> = (Vec<(Message, &'s [u8])>, Result<(), String>);

fn decode<'s>(stream: &'s [u8], pieces: &mut dyn Iterator<Item = &'s [u8]>) -> Decoded<'s> {
    let mut decoder = EventStreamDecoder::new();
    let mut messages = Vec::new();
    let mut consumed = 0;
    let mut pushed = 0;
    for piece in pieces {
        decoder.push(piece);
        pushed += piece.len();
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    let end = pushed - decoder.buffered();
                    messages.push((message, &stream[consumed..end]));
                    consumed = end;
                }
                Ok(None) => break,
                Err(error) => {
                    assert!(decoder.next_message().is_err(), "a failed decoder recovers");
                    assert!(decoder.finish().is_err(), "a failed decoder finishes");
                    return (messages, Err(error.to_string()));
                }
            }
        }
    }
    (
        messages,
        decoder.finish().map_err(|error| error.to_string()),
    )
}

/// The pieces of `stream`: lengths cycle through `cuts` (each byte plus
/// one), or the whole stream when there are none.
fn pieces<'s>(stream: &'s [u8], cuts: &[u8]) -> Vec<&'s [u8]> {
    if cuts.is_empty() {
        return vec![stream];
    }
    let mut pieces = Vec::new();
    let mut rest = stream;
    for &cut in cuts.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, after) = rest.split_at((usize::from(cut) + 1).min(rest.len()));
        pieces.push(piece);
        rest = after;
    }
    pieces
}

/// `:date` in milliseconds, if the envelope is in the signer's shape:
/// `:chunk-signature` then `:date`, nothing else.
fn signers_shape_millis(envelope: &Message) -> Option<i64> {
    let [signature, date] = envelope.headers() else {
        return None;
    };
    if signature.name().as_str() != ":chunk-signature" || date.name().as_str() != ":date" {
        return None;
    }
    date.value().as_timestamp().ok()?.to_millis().ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let (cuts, stream) = rest.split_at(usize::from(shape & 0x0f).min(rest.len()));
    let any_date = shape & 0x10 != 0;

    let (messages, ending) = decode(stream, &mut std::iter::once(stream));
    let in_pieces = decode(stream, &mut pieces(stream, cuts).into_iter());
    assert_eq!(
        in_pieces.1, ending,
        "pieces end the stream as the whole does"
    );
    assert_eq!(in_pieces.0, messages, "pieces decode as the whole does");
    for (message, bytes) in &messages {
        let encoded = encode_message(message).expect("a decoded message encodes");
        assert_eq!(encoded, *bytes, "a decoded message re-encodes to its bytes");
    }

    let seed = &*SEED;
    let mut verifier = EventStreamVerifier::new(seed.verifier.clone(), &seed.key, &seed.verified)
        .expect("the seed keys a chain");
    if any_date {
        verifier = verifier.with_max_date_drift(Duration::MAX);
    }
    let mut signer = EventStreamSigner::new(
        HmacSigner::new(),
        seed.credentials.clone(),
        Region::new("us-east-1").expect("region"),
        Service::new("demo").expect("service"),
        &seed.signature,
    )
    .expect("the signer starts");
    let mut in_step = true;
    for (envelope, _) in &messages {
        let verified = match verifier.verify_message(envelope) {
            Ok(verified) => verified,
            Err(_) => {
                assert!(
                    verifier.verify_message(envelope).is_err(),
                    "a failed verifier recovers"
                );
                assert!(verifier.finish().is_err());
                break;
            }
        };
        // The signer follows the verified chain while every envelope is one
        // it could have made: a whole second, its header order.
        let whole_second = signers_shape_millis(envelope).filter(|millis| millis % 1000 == 0);
        in_step &= whole_second.is_some();
        if let (true, Some(millis)) = (in_step, whole_second) {
            let time = AmzDate::from_unix_seconds(millis / 1000).expect("a verified date");
            let resigned = match &verified {
                VerifiedEvent::Event(event) => signer.sign_message(event, time),
                VerifiedEvent::End => signer.end_message(time),
            }
            .expect("the signer signs what verified");
            assert_eq!(
                &resigned, envelope,
                "the signer makes the verified envelope"
            );
        }
    }
});
