//! `aws-chunked` bodies as a server receives them: arbitrary bytes, cut into
//! arbitrary pieces, through `ChunkedDecoder` and `ChunkedVerifier`; and
//! correctly signed bodies with one byte changed, through `ChunkedVerifier`.
//!
//! Nothing panics. The decoder's events and its verdict do not depend on
//! where the input is cut, and a chunk's data pieces add up to its header's
//! size. A verifier fed arbitrary bytes never accepts a signed body (that
//! would be a forged HMAC), never releases more than the declared length,
//! and accepts an unsigned one only with a CRC32C trailer that is the
//! released data's. A correctly encoded body (SigV4 chunks, with or without
//! a checksum trailer, or unsigned with one) verifies to itself unchanged,
//! and with a byte changed it either fails or verifies to exactly the same
//! body; a signed one never releases a byte that was not sent.
//!
//! Input: one shape byte (bits 0-2: how many cut lengths follow; bits 3-4:
//! the mode, 0-1 arbitrary bytes, 2-3 a changed encoded body; bits 5-6:
//! the payload), two bytes of declared length (arbitrary bytes) or of the
//! changed position (encoded bodies), one byte XORed there (0: unchanged),
//! the cut lengths (each piece is its byte plus one, cycling), then the
//! bytes or the body to encode.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::{
    AmzDate, Header, Payload, Region, RegionSet, Request, Service, StreamingPayload,
};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{
    ChainScope, Credentials, FixedClock, SecretAccessKey, Signer, SigningParams, SigningSettings,
    Verified, Verifier, VerifyPolicy,
};
use sigv4kit_stream::{
    CheckingChain, ChecksumAlgorithm, Checksummer, ChunkedDecoder, ChunkedEncoder, ChunkedEvent,
    ChunkedUpload, ChunkedVerifier, DecodeError, SigningChain, StreamExpectations, StreamLimits,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Small bounds, so that the fuzzer reaches each of them.
const LIMITS: StreamLimits = StreamLimits {
    max_chunk_header_bytes: 256,
    min_chunk_size: 1,
    max_chunk_size: 4096,
    max_trailer_bytes: 512,
    max_trailers: 4,
};

/// A seed request signed and verified once: its signature starts the
/// client's chains, its verification the server's.
struct Seed {
    credentials: Credentials,
    signature: String,
    verified: Verified,
    verifier: HmacVerifier,
    key: FingerprintedSecret,
}

static SEED: LazyLock<Seed> = LazyLock::new(|| {
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, None).expect("credentials");
    let host = Header::new("Host", "examplebucket.s3.amazonaws.com");
    let request = Request::new("PUT", "/examplebucket/key", std::slice::from_ref(&host))
        .with_payload(Payload::Streaming(StreamingPayload::Sigv4ChunkedTrailer));
    let output = HmacSigner::new()
        .sign(&request, &params(&credentials))
        .expect("the seed signs");
    let mut headers = vec![host];
    headers.extend(
        output
            .headers()
            .map(|(name, value)| Header::new(name, value)),
    );
    let verifier = HmacVerifier::new();
    let key = FingerprintedSecret::new(SecretAccessKey::new(SECRET));
    let policy = VerifyPolicy::s3(RegionSet::parse("us-east-1").expect("region set"))
        .with_clock(FixedClock::at(&time()));
    let verified = verifier
        .verify(
            &Request::new("PUT", "/examplebucket/key", &headers),
            &key,
            &policy,
        )
        .expect("the seed verifies");
    Seed {
        signature: output.signature().to_owned(),
        credentials,
        verified,
        verifier,
        key,
    }
});

fn time() -> AmzDate {
    AmzDate::parse_amz("20130524T000000Z").expect("time")
}

fn params(credentials: &Credentials) -> SigningParams<'_> {
    SigningParams::new(
        credentials,
        time(),
        Service::new("s3").expect("service"),
        Region::new("us-east-1").expect("region"),
    )
    .with_settings(SigningSettings::s3())
}

/// The server's verifier of a body of `decoded_length` bytes.
fn verifier(
    payload: StreamingPayload,
    decoded_length: u64,
    limits: StreamLimits,
) -> ChunkedVerifier {
    let seed = &*SEED;
    let (trailers, chain) = match payload {
        StreamingPayload::UnsignedTrailer => (vec!["x-amz-checksum-crc32c".to_owned()], None),
        _ => {
            let trailers = if payload == StreamingPayload::Sigv4ChunkedTrailer {
                vec!["x-amz-checksum-crc32c".to_owned()]
            } else {
                Vec::new()
            };
            let chain = CheckingChain::new(
                seed.verifier
                    .chain_verifier(&seed.verified, &seed.key)
                    .expect("chain verifier"),
                ChainScope::for_verified(&seed.verified),
                seed.verified.signature_hex(),
            );
            (trailers, Some(chain))
        }
    };
    let expected = StreamExpectations {
        payload,
        decoded_length,
        trailers,
    };
    ChunkedVerifier::new(expected, chain, limits).expect("valid expectations")
}

/// `bytes` in pieces whose lengths cycle through `cuts`.
fn pieces<'a>(bytes: &'a [u8], cuts: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = bytes;
    let mut lengths = cuts.iter().cycle();
    while !rest.is_empty() {
        let length = lengths
            .next()
            .map_or(rest.len(), |&length| usize::from(length) + 1)
            .min(rest.len());
        let (piece, after) = rest.split_at(length);
        pieces.push(piece);
        rest = after;
    }
    pieces
}

/// An event as owned data, a chunk's data pieces joined.
#[derive(Debug, PartialEq, Eq)]
enum Owned {
    Header(u64, u64, Option<String>),
    Data(Vec<u8>),
    ChunkEnd(u64),
    Final(u64, Option<String>),
    Trailer(String, String),
    TrailerSignature(String),
    End,
}

/// Decodes `pieces` and checks that each chunk's data adds up to its size.
fn decode(pieces: &[&[u8]]) -> (Vec<Owned>, Result<(), DecodeError>) {
    let mut decoder = ChunkedDecoder::new(LIMITS);
    let mut events = Vec::new();
    let mut data_left = 0u64;
    let mut result = Ok(());
    for piece in pieces {
        result = decoder.feed(piece, |event| {
            match event {
                ChunkedEvent::ChunkHeader {
                    index,
                    size,
                    signature,
                } => {
                    assert!(size > 0 && size <= LIMITS.max_chunk_size as u64);
                    data_left = size;
                    events.push(Owned::Header(index, size, signature.map(str::to_owned)));
                }
                ChunkedEvent::ChunkData(data) => {
                    assert!(!data.is_empty() && data.len() as u64 <= data_left);
                    data_left -= data.len() as u64;
                    match events.last_mut() {
                        Some(Owned::Data(previous)) => previous.extend_from_slice(data),
                        _ => events.push(Owned::Data(data.to_vec())),
                    }
                }
                ChunkedEvent::ChunkEnd { index } => {
                    assert_eq!(data_left, 0, "chunk {index} ended early");
                    events.push(Owned::ChunkEnd(index));
                }
                ChunkedEvent::FinalChunk { index, signature } => {
                    events.push(Owned::Final(index, signature.map(str::to_owned)));
                }
                ChunkedEvent::Trailer { name, value } => {
                    events.push(Owned::Trailer(name.to_owned(), value.to_owned()));
                }
                ChunkedEvent::TrailerSignature(signature) => {
                    events.push(Owned::TrailerSignature(signature.to_owned()));
                }
                ChunkedEvent::End => events.push(Owned::End),
            }
            Ok::<_, DecodeError>(())
        });
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = decoder.finish();
        assert_eq!(result.is_ok(), decoder.is_finished());
    }
    (events, result)
}

/// What a verifier released, taken after each push, and its verdict.
fn verify(mut verifier: ChunkedVerifier, pieces: &[&[u8]]) -> (Vec<u8>, bool, Option<String>) {
    let mut released = Vec::new();
    let mut pushed = Ok(());
    for piece in pieces {
        pushed = verifier.push(piece);
        while let Some(chunk) = verifier.next_verified() {
            released.extend_from_slice(&chunk);
        }
        if pushed.is_err() {
            break;
        }
    }
    match pushed.and_then(|()| verifier.finish()) {
        Ok(stream) => {
            let crc32c = stream.trailer("x-amz-checksum-crc32c").map(str::to_owned);
            (released, true, crc32c)
        }
        Err(error) => {
            // A failed verifier stays failed.
            assert_eq!(verifier.finish().err(), Some(error));
            (released, false, None)
        }
    }
}

fn payload_of(shape: u8) -> StreamingPayload {
    [
        StreamingPayload::Sigv4Chunked,
        StreamingPayload::Sigv4ChunkedTrailer,
        StreamingPayload::UnsignedTrailer,
        StreamingPayload::UnsignedTrailer,
    ][usize::from(shape >> 5 & 3)]
}

fn arbitrary_bytes(payload: StreamingPayload, declared: u64, bytes: &[u8], cuts: &[u8]) {
    let split = pieces(bytes, cuts);
    let (events, result) = decode(&split);
    assert_eq!(
        (events, result),
        decode(&[bytes]),
        "decoding in pieces differs from decoding whole"
    );

    let (released, accepted, crc32c) = verify(verifier(payload, declared, LIMITS), &split);
    assert!(
        released.len() as u64 <= declared,
        "released past the declared length"
    );
    if accepted {
        assert_eq!(
            payload,
            StreamingPayload::UnsignedTrailer,
            "arbitrary bytes verified as a signed body"
        );
        assert_eq!(released.len() as u64, declared);
        let mut checksum = Checksummer::new(ChecksumAlgorithm::Crc32c);
        checksum.update(&released);
        assert_eq!(crc32c, Some(checksum.finish()));
    }
}

fn changed_body(payload: StreamingPayload, position: u16, change: u8, body: &[u8], cuts: &[u8]) {
    let seed = &*SEED;
    let length = body.len() as u64;
    let mut encoder = match payload {
        StreamingPayload::UnsignedTrailer => {
            ChunkedEncoder::unsigned(ChunkedUpload::unsigned(length, ChecksumAlgorithm::Crc32c))
        }
        _ => {
            let mut upload = ChunkedUpload::signed(sigv4kit_canon::Algorithm::Sigv4, length);
            if payload == StreamingPayload::Sigv4ChunkedTrailer {
                upload = upload.with_checksum(ChecksumAlgorithm::Crc32c);
            }
            let params = params(&seed.credentials);
            let chain = SigningChain::new(
                HmacSigner::new()
                    .chain_signer(&params)
                    .expect("chain signer"),
                ChainScope::for_signing(sigv4kit_canon::Algorithm::Sigv4, &params).expect("scope"),
                &seed.signature,
            )
            .expect("chain");
            ChunkedEncoder::signed(upload, chain)
        }
    }
    .expect("the encoder fits the plan");
    let mut encoded = encoder.encode_all(body).expect("the body encodes");
    let position = usize::from(position) % encoded.len();
    encoded[position] ^= change;

    let (released, accepted, _) = verify(
        verifier(payload, length, StreamLimits::DEFAULT),
        &pieces(&encoded, cuts),
    );
    if payload != StreamingPayload::UnsignedTrailer {
        assert!(
            body.starts_with(&released),
            "released a byte that was not sent"
        );
    }
    if change == 0 {
        assert!(accepted, "a correctly encoded body does not verify");
    }
    if accepted {
        assert!(released == body, "a changed body verified to another body");
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&shape, rest)) = input.split_first() else {
        return;
    };
    let Some((header, rest)) = rest.split_first_chunk::<3>() else {
        return;
    };
    let cut_count = usize::from(shape & 7).min(rest.len());
    let (cuts, bytes) = rest.split_at(cut_count);
    let number = u16::from_le_bytes([header[0], header[1]]);
    let payload = payload_of(shape);
    if shape & 0x10 == 0 {
        arbitrary_bytes(payload, u64::from(number) % 8192, bytes, cuts);
    } else {
        changed_body(payload, number, header[2], bytes, cuts);
    }
});
