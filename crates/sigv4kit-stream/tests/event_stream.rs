//! Event streams end to end: the AWS CRT's known event signatures, the
//! client's envelopes through the framing to the server's verifier, and the
//! envelopes and frames a server must refuse.

use proptest::prelude::*;
use sigv4kit_canon::{AmzDate, Payload, Region, RegionSet, Request, Service, StreamingPayload};
use sigv4kit_ecdsa::EcdsaSigner;
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{
    Credentials, FixedClock, Signature, Signer, SigningOutput, SigningParams, SigningSettings,
    Verified, Verifier, VerifyPolicy,
};
use sigv4kit_stream::event::{
    DateTime, EventDate, EventStreamDecoder, EventStreamError, EventStreamSigner,
    EventStreamVerifier, Header, HeaderValue, MAX_MESSAGE_BYTES, Message, SIGNED_ENVELOPE_OVERHEAD,
    VerifiedEvent, decode_message, encode_message,
};
use sigv4kit_suite::{KnownRequest, known_answer};

type ServerEnd = EventStreamVerifier<HmacVerifier, FingerprintedSecret>;

const SEED_TIME: &str = "19810116T063000Z";

fn amz(text: &str) -> AmzDate {
    AmzDate::parse_amz(text).unwrap()
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
        .collect()
}

fn credentials() -> Credentials {
    Credentials::new("access", "secret", None).unwrap()
}

fn params(credentials: &Credentials, time: AmzDate) -> SigningParams<'_> {
    SigningParams::new(
        credentials,
        time,
        Service::new("demo").unwrap(),
        Region::new("us-east-1").unwrap(),
    )
    .with_settings(SigningSettings {
        content_sha256_header: true,
        ..SigningSettings::default()
    })
}

fn seed_headers() -> [(&'static str, &'static str); 2] {
    [
        ("host", "demo.us-east-1.amazonaws.com"),
        ("Content-Encoding", "application/vnd.amazon.eventstream"),
    ]
}

/// Signs the seed request at `time` over `payload`.
fn sign_seed(credentials: &Credentials, time: AmzDate, payload: Payload<'_>) -> SigningOutput {
    let headers: Vec<_> = seed_headers()
        .iter()
        .map(|(name, value)| sigv4kit_canon::Header::new(*name, *value))
        .collect();
    let request = Request::new("POST", "/streaming", &headers).with_payload(payload);
    HmacSigner::new()
        .sign(&request, &params(credentials, time))
        .unwrap()
}

/// Verifies the seed request `seed` signed, as a server receives it.
fn verify_seed(credentials: &Credentials, seed: &SigningOutput) -> Verified {
    let mut sent: Vec<(String, String)> = seed_headers()
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    sent.extend(
        seed.headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    let headers: Vec<_> = sent
        .iter()
        .map(|(name, value)| sigv4kit_canon::Header::new(name, value))
        .collect();
    let request = Request::new("POST", "/streaming", &headers).with_payload(Payload::FromHeader);
    let policy = VerifyPolicy::new(
        Service::new("demo").unwrap(),
        RegionSet::parse("us-east-1").unwrap(),
    )
    .with_clock(FixedClock::at(seed.amz_date()));
    HmacVerifier::new()
        .verify(&request, &FingerprintedSecret::from(credentials), &policy)
        .unwrap()
}

/// Both ends of a stream whose seed is signed and verified at `seed_time`.
fn open_stream(seed_time: &str) -> (EventStreamSigner<HmacSigner>, ServerEnd) {
    let credentials = credentials();
    let time = amz(seed_time);
    let seed = sign_seed(
        &credentials,
        time,
        Payload::Streaming(StreamingPayload::Sigv4Events),
    );
    let client =
        EventStreamSigner::after_seed(HmacSigner::new(), &params(&credentials, time), &seed)
            .unwrap();
    let verified = verify_seed(&credentials, &seed);
    let server = EventStreamVerifier::new(
        HmacVerifier::new(),
        FingerprintedSecret::from(&credentials),
        &verified,
    )
    .unwrap();
    (client, server)
}

fn event(payload: &[u8]) -> Message {
    Message::new(payload.to_vec()).add_header(Header::new(
        ":event-type",
        HeaderValue::String("AudioEvent".into()),
    ))
}

fn raw_signature(signature: &Signature) -> Vec<u8> {
    hex_decode(signature.as_str())
}

/// An envelope with the given headers around `payload`.
fn envelope(headers: Vec<Header>, payload: Vec<u8>) -> Message {
    Message::new_from_parts(headers, payload)
}

fn date_header(millis: i64) -> Header {
    Header::new(
        ":date",
        HeaderValue::Timestamp(DateTime::from_millis(millis)),
    )
}

fn signature_header(raw: &[u8]) -> Header {
    Header::new(
        ":chunk-signature",
        HeaderValue::ByteArray(raw.to_vec().into()),
    )
}

// --- The AWS CRT's known answers -------------------------------------------

#[test]
fn known_answers_reproduce_the_crt_event_signatures() {
    let Some(file) = known_answer("event-stream-sigv4.json") else {
        return;
    };
    let known = KnownRequest::from_json(&file["request"]);
    let credentials = known.credentials();
    let headers = known.headers();
    let request =
        Request::new(&known.method, known.target(), &headers).with_payload(known.payload());
    let params = known.params(&credentials, false, &[]);
    let seed = HmacSigner::new().sign(&request, &params).unwrap();
    let expected = &file["expected"];
    assert_eq!(seed.authorization(), expected["authorization"].as_str());
    assert_eq!(
        seed.signature(),
        expected["seed_signature"].as_str().unwrap()
    );
    assert_eq!(
        seed.canonical_request(),
        file["derived"]["canonical_request"].as_str()
    );

    let mut client = EventStreamSigner::after_seed(HmacSigner::new(), &params, &seed).unwrap();
    let events = file["events"].as_array().unwrap();
    let signatures = expected["event_signatures"].as_array().unwrap();
    let derived = file["derived"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(signatures.len(), events.len());
    for ((event, signature), derived) in events.iter().zip(signatures).zip(derived) {
        let time = AmzDate::parse_rfc3339(event["time"].as_str().unwrap()).unwrap();
        assert_eq!(
            EventDate::from_amz_date(time).encoded_header().as_slice(),
            hex_decode(derived["date_header_bytes_hex"].as_str().unwrap()),
            "the encoded :date of {time}"
        );
        let payload = event["payload"].as_str().unwrap().as_bytes();
        let made = client.sign_payload(payload, time).unwrap();
        assert_eq!(
            made.as_str(),
            signature.as_str().unwrap(),
            "event at {time}"
        );
    }
    assert!(client.is_ended(), "the empty fourth event ends the stream");
    assert_eq!(client.signed(), 4);
    assert!(matches!(
        client.sign_payload(b"late", amz("19810116T063005Z")),
        Err(EventStreamError::AfterEnd { index: 4 })
    ));
}

#[test]
fn the_verifier_accepts_the_crt_event_chain() {
    let Some(file) = known_answer("event-stream-sigv4.json") else {
        return;
    };
    let credentials = credentials();
    let seed = sign_seed(
        &credentials,
        amz(SEED_TIME),
        Payload::Streaming(StreamingPayload::Sigv4Events),
    );
    assert_eq!(
        seed.signature(),
        file["expected"]["seed_signature"].as_str().unwrap(),
        "the seed this test builds is the CRT's"
    );
    let mut server = EventStreamVerifier::new(
        HmacVerifier::new(),
        FingerprintedSecret::from(&credentials),
        &verify_seed(&credentials, &seed),
    )
    .unwrap();
    let events = file["events"].as_array().unwrap();
    let signatures = file["expected"]["event_signatures"].as_array().unwrap();
    for (event, signature) in events.iter().zip(signatures) {
        let time = AmzDate::parse_rfc3339(event["time"].as_str().unwrap()).unwrap();
        server
            .verify_payload(
                EventDate::from_amz_date(time),
                &hex_decode(signature.as_str().unwrap()),
                event["payload"].as_str().unwrap().as_bytes(),
            )
            .unwrap_or_else(|error| panic!("event at {time}: {error}"));
    }
    assert!(server.is_ended());
    server.finish().unwrap();
}

#[test]
fn the_verifiers_strings_to_sign_are_the_derived_ones() {
    let Some(file) = known_answer("event-stream-sigv4.json") else {
        return;
    };
    let credentials = credentials();
    let seed = sign_seed(
        &credentials,
        amz(SEED_TIME),
        Payload::Streaming(StreamingPayload::Sigv4Events),
    );
    let verified = verify_seed(&credentials, &seed);
    let events = file["events"].as_array().unwrap();
    let signatures = file["expected"]["event_signatures"].as_array().unwrap();
    let derived = file["derived"]["events"].as_array().unwrap();
    for (wrong, derived) in derived.iter().enumerate() {
        let mut server = EventStreamVerifier::new(
            HmacVerifier::new(),
            FingerprintedSecret::from(&credentials),
            &verified,
        )
        .unwrap();
        for (event, signature) in events.iter().zip(signatures).take(wrong) {
            let (date, payload) = dated(event);
            let signature = hex_decode(signature.as_str().unwrap());
            server.verify_payload(date, &signature, payload).unwrap();
        }
        let (date, payload) = dated(&events[wrong]);
        match server.verify_payload(date, &[0; 32], payload) {
            Err(EventStreamError::SignatureMismatch {
                index,
                string_to_sign,
            }) => {
                assert_eq!(index, wrong as u64);
                assert_eq!(
                    string_to_sign,
                    derived["string_to_sign"].as_str().unwrap(),
                    "event {wrong}"
                );
            }
            other => panic!("event {wrong}: expected a mismatch, got {other:?}"),
        }
    }
}

/// A known-answers event's date and payload.
fn dated(event: &serde_json::Value) -> (EventDate, &[u8]) {
    let time = AmzDate::parse_rfc3339(event["time"].as_str().unwrap()).unwrap();
    (
        EventDate::from_amz_date(time),
        event["payload"].as_str().unwrap().as_bytes(),
    )
}

// --- Client to server --------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_signed_event_survives_framing_and_verification(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..6),
        steps in prop::collection::vec(0i64..120, 7),
        split in 1usize..64,
    ) {
        let (mut client, mut server) = open_stream(SEED_TIME);
        let mut time = amz(SEED_TIME).unix_seconds();
        let mut wire = Vec::new();
        for (payload, step) in payloads.iter().zip(&steps) {
            time += step;
            let signed = client
                .sign_message(&event(payload), AmzDate::from_unix_seconds(time).unwrap())
                .unwrap();
            wire.extend(encode_message(&signed).unwrap());
        }
        let end = client.end_message(AmzDate::from_unix_seconds(time + steps[6]).unwrap()).unwrap();
        wire.extend(encode_message(&end).unwrap());

        let mut decoder = EventStreamDecoder::new();
        let mut received = Vec::new();
        for piece in wire.chunks(split) {
            decoder.push(piece);
            while let Some(envelope) = decoder.next_message().unwrap() {
                received.push(server.verify_message(&envelope).unwrap());
            }
        }
        decoder.finish().unwrap();
        server.finish().unwrap();
        let mut expected: Vec<_> = payloads
            .iter()
            .map(|payload| VerifiedEvent::Event(event(payload)))
            .collect();
        expected.push(VerifiedEvent::End);
        prop_assert_eq!(received, expected);
        prop_assert_eq!(server.previous(), client.previous());
    }

    #[test]
    fn decoding_in_pieces_of_any_size_equals_decoding_whole(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..100), 1..5),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let mut wire = Vec::new();
        for payload in &payloads {
            wire.extend(encode_message(&event(payload)).unwrap());
        }
        let mut positions: Vec<usize> = cuts.iter().map(|cut| cut.index(wire.len() + 1)).collect();
        positions.sort_unstable();
        let mut whole = EventStreamDecoder::new();
        whole.push(&wire);
        let mut expected = Vec::new();
        while let Some(message) = whole.next_message().unwrap() {
            expected.push(message);
        }
        let mut pieces = EventStreamDecoder::new();
        let mut decoded = Vec::new();
        let mut start = 0;
        for end in positions.into_iter().chain([wire.len()]) {
            pieces.push(&wire[start..end]);
            start = end;
            while let Some(message) = pieces.next_message().unwrap() {
                decoded.push(message);
            }
        }
        pieces.finish().unwrap();
        prop_assert_eq!(decoded.len(), payloads.len());
        prop_assert_eq!(decoded, expected);
    }
}

#[test]
fn decoding_byte_by_byte_equals_decoding_whole() {
    let (mut client, _) = open_stream(SEED_TIME);
    let mut wire = Vec::new();
    for payload in [&b"first"[..], b"", b"third event"] {
        let signed = client
            .sign_message(&event(payload), amz("19810116T063001Z"))
            .unwrap();
        wire.extend(encode_message(&signed).unwrap());
    }
    let mut whole = EventStreamDecoder::new();
    whole.push(&wire);
    let mut expected = Vec::new();
    while let Some(message) = whole.next_message().unwrap() {
        expected.push(message);
    }
    let mut bytewise = EventStreamDecoder::new();
    let mut decoded = Vec::new();
    for byte in &wire {
        bytewise.push(std::slice::from_ref(byte));
        if let Some(message) = bytewise.next_message().unwrap() {
            decoded.push(message);
        }
    }
    bytewise.finish().unwrap();
    assert_eq!(expected.len(), 3);
    assert_eq!(decoded, expected);
    assert_eq!(bytewise.decoded(), 3);
}

#[test]
fn a_signed_envelope_has_the_wire_shape_aws_services_expect() {
    let (mut client, _) = open_stream(SEED_TIME);
    let inner = event(b"audio");
    let signed = client
        .sign_message(&inner, amz("19810116T063001Z"))
        .unwrap();
    let names: Vec<&str> = signed
        .headers()
        .iter()
        .map(|header| header.name().as_str())
        .collect();
    assert_eq!(names, [":chunk-signature", ":date"]);
    let signature = signed.headers()[0].value().as_byte_array().unwrap();
    assert_eq!(signature.as_ref(), raw_signature(client.previous()));
    let date = signed.headers()[1].value().as_timestamp().unwrap();
    assert_eq!(date.to_millis().unwrap(), 348_474_601_000);
    assert_eq!(decode_message(signed.payload()).unwrap(), inner);
    assert_eq!(
        encode_message(&signed).unwrap().len(),
        encode_message(&inner).unwrap().len() + SIGNED_ENVELOPE_OVERHEAD
    );
    let end = client.end_message(amz("19810116T063002Z")).unwrap();
    assert!(end.payload().is_empty());
    assert_eq!(end.headers().len(), 2);
    assert!(client.is_ended());
    assert!(matches!(
        client.sign_message(&inner, amz("19810116T063003Z")),
        Err(EventStreamError::AfterEnd { index: 2 })
    ));
}

#[test]
fn an_event_too_large_for_its_envelope_is_not_signed() {
    let (mut client, _) = open_stream(SEED_TIME);
    let inner = Message::new(vec![
        0;
        MAX_MESSAGE_BYTES - 16 - SIGNED_ENVELOPE_OVERHEAD + 1
    ]);
    assert!(matches!(
        client.sign_message(&inner, amz("19810116T063001Z")),
        Err(EventStreamError::TooLargeToSend { .. })
    ));
    assert_eq!(client.signed(), 0, "nothing was chained");
    let largest = Message::new(vec![0; MAX_MESSAGE_BYTES - 16 - SIGNED_ENVELOPE_OVERHEAD]);
    let signed = client
        .sign_message(&largest, amz("19810116T063001Z"))
        .unwrap();
    assert_eq!(encode_message(&signed).unwrap().len(), MAX_MESSAGE_BYTES);
}

#[test]
fn an_event_on_the_next_day_is_signed_with_that_days_scope() {
    let (mut client, mut server) = open_stream("19810116T235950Z");
    let next_day = amz("19810117T000010Z");
    let signed = client.sign_message(&event(b"late"), next_day).unwrap();
    assert_eq!(
        server.verify_message(&signed).unwrap(),
        VerifiedEvent::Event(event(b"late"))
    );
    let mut forged = client.sign_message(&event(b"later"), next_day).unwrap();
    forged = envelope(
        vec![signature_header(&[0; 32]), forged.headers()[1].clone()],
        forged.payload().to_vec(),
    );
    match server.verify_message(&forged) {
        Err(EventStreamError::SignatureMismatch {
            index: 1,
            string_to_sign,
        }) => {
            let lines: Vec<&str> = string_to_sign.lines().collect();
            assert_eq!(lines[1], "19810117T000010Z");
            assert_eq!(lines[2], "19810117/us-east-1/demo/aws4_request");
            assert_eq!(lines[3], signed_signature_hex(&signed));
        }
        other => panic!("expected a signature mismatch, got {other:?}"),
    }
}

fn signed_signature_hex(signed: &Message) -> String {
    let raw = signed.headers()[0].value().as_byte_array().unwrap();
    Signature::from_raw(raw).unwrap().as_str().to_owned()
}

// --- What a server refuses ----------------------------------------------------

#[test]
fn a_changed_payload_signature_or_date_is_refused() {
    let (mut client, _) = open_stream(SEED_TIME);
    let signed = client
        .sign_message(&event(b"audio"), amz("19810116T063001Z"))
        .unwrap();
    let signature = signed.headers()[0].clone();
    let date = signed.headers()[1].clone();
    let millis = date.value().as_timestamp().unwrap().to_millis().unwrap();
    let mut flipped_signature = signature.value().as_byte_array().unwrap().to_vec();
    flipped_signature[31] ^= 1;
    let mut flipped_payload = signed.payload().to_vec();
    let last_payload_byte = flipped_payload.len() - 5;
    flipped_payload[last_payload_byte] ^= 0x80;
    let cases: [(&str, Message); 4] = [
        (
            "a payload bit",
            envelope(
                vec![signature.clone(), date.clone()],
                encode_message(&event(b"audiO")).unwrap(),
            ),
        ),
        (
            "a signature bit",
            envelope(
                vec![signature_header(&flipped_signature), date.clone()],
                signed.payload().to_vec(),
            ),
        ),
        (
            "a millisecond of the date",
            envelope(
                vec![signature.clone(), date_header(millis + 1)],
                signed.payload().to_vec(),
            ),
        ),
        (
            "a second of the date",
            envelope(
                vec![signature.clone(), date_header(millis + 1000)],
                signed.payload().to_vec(),
            ),
        ),
    ];
    for (change, changed) in cases {
        let (_, mut server) = open_stream(SEED_TIME);
        assert!(
            matches!(
                server.verify_message(&changed),
                Err(EventStreamError::SignatureMismatch { index: 0, .. })
            ),
            "{change}"
        );
        assert!(
            matches!(
                server.verify_message(&signed),
                Err(EventStreamError::AfterFailure { index: 0 })
            ),
            "{change}: the stream stops at a failure"
        );
    }
    let (_, mut server) = open_stream(SEED_TIME);
    let payload_bit = envelope(vec![signature, date], flipped_payload);
    assert!(matches!(
        server.verify_message(&payload_bit),
        Err(EventStreamError::SignatureMismatch { index: 0, .. })
    ));
}

#[test]
fn reordered_dropped_or_replayed_events_are_refused() {
    let (mut client, _) = open_stream(SEED_TIME);
    let first = client
        .sign_message(&event(b"one"), amz("19810116T063001Z"))
        .unwrap();
    let second = client
        .sign_message(&event(b"two"), amz("19810116T063002Z"))
        .unwrap();
    let end = client.end_message(amz("19810116T063003Z")).unwrap();
    let orders: [(&str, Vec<&Message>, u64); 4] = [
        ("second first", vec![&second, &first], 0),
        ("first dropped", vec![&second], 0),
        ("first replayed", vec![&first, &first], 1),
        ("second dropped", vec![&first, &end], 1),
    ];
    for (order, messages, failing) in orders {
        let (_, mut server) = open_stream(SEED_TIME);
        let failure = messages
            .into_iter()
            .map(|message| server.verify_message(message))
            .find_map(Result::err);
        match failure {
            Some(EventStreamError::SignatureMismatch { index, .. }) => {
                assert_eq!(index, failing, "{order}");
            }
            other => panic!("{order}: expected a mismatch, got {other:?}"),
        }
    }
    let (_, mut server) = open_stream(SEED_TIME);
    for message in [&first, &second, &end] {
        server.verify_message(message).unwrap();
    }
    assert!(matches!(
        server.verify_message(&first),
        Err(EventStreamError::AfterEnd { index: 3 })
    ));
    server.finish().unwrap();
}

#[test]
fn a_stream_closed_before_its_end_message_is_reported() {
    let (mut client, mut server) = open_stream(SEED_TIME);
    let signed = client
        .sign_message(&event(b"one"), amz("19810116T063001Z"))
        .unwrap();
    server.verify_message(&signed).unwrap();
    assert!(matches!(
        server.finish(),
        Err(EventStreamError::MissingEnd { events: 1 })
    ));
}

#[test]
fn events_dated_far_from_the_seed_are_refused_unless_allowed() {
    let (mut client, mut server) = open_stream(SEED_TIME);
    let signed = client
        .sign_message(&event(b"late"), amz("19810116T064501Z"))
        .unwrap();
    match server.verify_message(&signed) {
        Err(EventStreamError::DateDrift {
            index: 0,
            drift_seconds: 901,
            max_seconds: 900,
            ..
        }) => {}
        other => panic!("expected a drift error, got {other:?}"),
    }
    let (_, server) = open_stream(SEED_TIME);
    let mut server = server.with_max_date_drift(std::time::Duration::from_secs(3600));
    assert_eq!(
        server.verify_message(&signed).unwrap(),
        VerifiedEvent::Event(event(b"late"))
    );
    let (mut client, mut server) = open_stream(SEED_TIME);
    let early = client
        .sign_message(&event(b"early"), amz("19810116T061459Z"))
        .unwrap();
    assert!(matches!(
        server.verify_message(&early),
        Err(EventStreamError::DateDrift {
            drift_seconds: -901,
            ..
        })
    ));
}

#[test]
fn envelopes_of_the_wrong_shape_are_refused_by_name() {
    let (mut client, _) = open_stream(SEED_TIME);
    let signed = client
        .sign_message(&event(b"audio"), amz("19810116T063001Z"))
        .unwrap();
    let signature = signed.headers()[0].clone();
    let date = signed.headers()[1].clone();
    let payload = signed.payload().to_vec();
    let expect = |label: &str, headers: Vec<Header>, check: &dyn Fn(&EventStreamError) -> bool| {
        let (_, mut server) = open_stream(SEED_TIME);
        let error = server
            .verify_message(&envelope(headers, payload.clone()))
            .expect_err(label);
        assert!(check(&error), "{label}: {error:?}");
        assert!(error.to_string().contains("event 0"), "{label}: {error}");
    };
    expect("no :date", vec![signature.clone()], &|error| {
        matches!(error, EventStreamError::MissingHeader { name: ":date", .. })
    });
    expect("no signature", vec![date.clone()], &|error| {
        matches!(
            error,
            EventStreamError::MissingHeader {
                name: ":chunk-signature",
                ..
            }
        )
    });
    expect(
        "two dates",
        vec![signature.clone(), date.clone(), date.clone()],
        &|error| {
            matches!(
                error,
                EventStreamError::DuplicateHeader { name: ":date", .. }
            )
        },
    );
    expect(
        "two signatures",
        vec![signature.clone(), signature.clone(), date.clone()],
        &|error| {
            matches!(
                error,
                EventStreamError::DuplicateHeader {
                    name: ":chunk-signature",
                    ..
                }
            )
        },
    );
    expect(
        "an unsigned header",
        vec![
            signature.clone(),
            date.clone(),
            Header::new(":message-type", HeaderValue::String("event".into())),
        ],
        &|error| matches!(error, EventStreamError::UnexpectedHeader { name, .. } if name == ":message-type"),
    );
    expect(
        "a string date",
        vec![
            signature.clone(),
            Header::new(":date", HeaderValue::String("19810116T063001Z".into())),
        ],
        &|error| {
            matches!(
                error,
                EventStreamError::WrongHeaderType { name: ":date", .. }
            )
        },
    );
    expect(
        "a hex signature",
        vec![
            Header::new(
                ":chunk-signature",
                HeaderValue::String(signed_signature_hex(&signed).into()),
            ),
            date.clone(),
        ],
        &|error| {
            matches!(
                error,
                EventStreamError::WrongHeaderType {
                    name: ":chunk-signature",
                    ..
                }
            )
        },
    );
    expect(
        "a short signature",
        vec![signature_header(&[0; 31]), date.clone()],
        &|error| matches!(error, EventStreamError::SignatureLength { length: 31, .. }),
    );
    expect(
        "a date no X-Amz-Date can name",
        vec![signature.clone(), date_header(i64::MAX)],
        &|error| {
            matches!(
                error,
                EventStreamError::DateOutOfRange {
                    millis: i64::MAX,
                    ..
                }
            )
        },
    );
}

#[test]
fn a_signed_payload_that_is_not_a_message_is_refused() {
    let (mut client, mut server) = open_stream(SEED_TIME);
    let time = amz("19810116T063001Z");
    let signature = client.sign_payload(b"not a message", time).unwrap();
    let signed = envelope(
        vec![
            signature_header(&raw_signature(&signature)),
            EventDate::from_amz_date(time).header(),
        ],
        b"not a message".to_vec(),
    );
    assert!(matches!(
        server.verify_message(&signed),
        Err(EventStreamError::MalformedEvent { index: 0, .. })
    ));
}

#[test]
fn sigv4a_is_refused_at_both_ends() {
    let credentials = credentials();
    let seed = "e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b";
    let refused = EventStreamSigner::new(
        EcdsaSigner::new(),
        credentials.clone(),
        Region::new("us-east-1").unwrap(),
        Service::new("demo").unwrap(),
        seed,
    );
    assert!(matches!(
        refused,
        Err(EventStreamError::Sigv4Only {
            found: sigv4kit_canon::Algorithm::Sigv4a
        })
    ));
    let signed = sign_seed(
        &credentials,
        amz(SEED_TIME),
        Payload::Streaming(StreamingPayload::Sigv4Events),
    );
    let mut verified = verify_seed(&credentials, &signed);
    verified.algorithm = sigv4kit_canon::Algorithm::Sigv4a;
    assert!(matches!(
        EventStreamVerifier::new(
            HmacVerifier::new(),
            FingerprintedSecret::from(&credentials),
            &verified,
        ),
        Err(EventStreamError::Sigv4Only { .. })
    ));
}

#[test]
fn a_malformed_seed_signature_is_refused() {
    for seed in ["", "e1d8", &"g".repeat(64), &"ab".repeat(33)] {
        assert!(
            matches!(
                EventStreamSigner::new(
                    HmacSigner::new(),
                    credentials(),
                    Region::new("us-east-1").unwrap(),
                    Service::new("demo").unwrap(),
                    seed,
                ),
                Err(EventStreamError::MalformedSeedSignature)
            ),
            "{seed:?}"
        );
    }
}

#[test]
fn a_seed_not_signed_for_events_is_refused() {
    let credentials = credentials();
    let signed = sign_seed(&credentials, amz(SEED_TIME), Payload::Bytes(b"{}"));
    let verified = verify_seed(&credentials, &signed);
    match EventStreamVerifier::new(
        HmacVerifier::new(),
        FingerprintedSecret::from(&credentials),
        &verified,
    ) {
        Err(EventStreamError::NotAnEventStream { payload }) => {
            assert_eq!(payload.len(), 64, "the body's hash: {payload}");
        }
        other => panic!("expected NotAnEventStream, got {other:?}"),
    }
}

// --- Frames a decoder refuses ---------------------------------------------

fn framed(payload: &[u8]) -> Vec<u8> {
    encode_message(&event(payload)).unwrap()
}

#[test]
fn malformed_frames_give_typed_errors() {
    let good = framed(b"payload");
    let mut bad_prelude = good.clone();
    bad_prelude[9] ^= 1;
    let mut bad_message_crc = good.clone();
    let last = bad_message_crc.len() - 1;
    bad_message_crc[last] ^= 1;
    let mut bad_payload = good.clone();
    bad_payload[last - 4] ^= 1;
    let mut bad_length = good.clone();
    bad_length[3] ^= 1;

    let decode = |bytes: &[u8]| {
        let mut decoder = EventStreamDecoder::new();
        decoder.push(bytes);
        let outcome = decoder.next_message();
        (outcome, decoder)
    };
    assert!(matches!(
        decode(&bad_prelude).0,
        Err(EventStreamError::PreludeChecksumMismatch { index: 0, .. })
    ));
    assert!(matches!(
        decode(&bad_length).0,
        Err(EventStreamError::PreludeChecksumMismatch { index: 0, .. })
    ));
    for (label, bytes) in [
        ("message CRC", &bad_message_crc),
        ("payload bit", &bad_payload),
    ] {
        match decode(bytes).0 {
            Err(EventStreamError::Malformed { index: 0, reason }) => {
                assert!(reason.contains("checksum"), "{label}: {reason}");
            }
            other => panic!("{label}: expected Malformed, got {other:?}"),
        }
    }
    let (outcome, decoder) = decode(&good[..good.len() - 1]);
    assert!(matches!(outcome, Ok(None)));
    assert!(matches!(
        decoder.finish(),
        Err(EventStreamError::Truncated {
            index: 0,
            buffered
        }) if buffered == good.len() - 1
    ));
    assert!(matches!(
        decode_message(&good[..5]),
        Err(EventStreamError::Truncated {
            index: 0,
            buffered: 5
        })
    ));
    let mut two = good.clone();
    two.extend(&good);
    assert!(matches!(
        decode_message(&two),
        Err(EventStreamError::TrailingBytes { extra }) if extra == good.len()
    ));
}

#[test]
fn declared_lengths_outside_the_format_are_refused_from_the_prelude() {
    let prelude = |total: u32| {
        let mut bytes = Vec::new();
        bytes.extend(total.to_be_bytes());
        bytes.extend(0u32.to_be_bytes());
        let crc = crc32(&bytes);
        bytes.extend(crc.to_be_bytes());
        bytes
    };
    let mut decoder = EventStreamDecoder::new();
    decoder.push(&prelude(u32::MAX));
    assert!(matches!(
        decoder.next_message(),
        Err(EventStreamError::MessageTooLarge {
            index: 0,
            declared: u32::MAX,
            max: MAX_MESSAGE_BYTES
        })
    ));
    let mut decoder = EventStreamDecoder::new();
    decoder.push(&prelude(15));
    assert!(matches!(
        decoder.next_message(),
        Err(EventStreamError::MessageTooShort {
            index: 0,
            declared: 15
        })
    ));
    let mut decoder = EventStreamDecoder::with_max_message_bytes(64);
    let good = framed(b"");
    decoder.push(&good);
    assert!(decoder.next_message().unwrap().is_some());
    decoder.push(&framed(&[0; 64]));
    assert!(matches!(
        decoder.next_message(),
        Err(EventStreamError::MessageTooLarge {
            index: 1,
            max: 64,
            ..
        })
    ));
}

#[test]
fn a_failed_decoder_stays_failed() {
    let good = framed(b"payload");
    let mut bad = good.clone();
    bad[8] ^= 1;
    let mut decoder = EventStreamDecoder::new();
    decoder.push(&good);
    decoder.push(&bad);
    decoder.push(&good);
    assert!(decoder.next_message().unwrap().is_some());
    assert!(decoder.next_message().is_err());
    assert_eq!(decoder.buffered(), 0, "the buffer is dropped");
    decoder.push(&good);
    assert_eq!(decoder.buffered(), 0, "and stays empty");
    assert!(matches!(
        decoder.next_message(),
        Err(EventStreamError::AfterFailure { index: 1 })
    ));
    assert!(matches!(
        decoder.finish(),
        Err(EventStreamError::AfterFailure { index: 1 })
    ));
}

/// CRC-32 as the event-stream format uses it, bit by bit: a check on the
/// decoder's, independent of it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
