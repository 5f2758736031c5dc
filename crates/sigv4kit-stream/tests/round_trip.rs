//! The server side against the client side: bodies encoded and signed by
//! `ChunkedEncoder` after a really signed seed request, whose seed is
//! verified by `HmacVerifier` (the secret) or `EcdsaVerifier` (the public
//! key alone), then read back by `ChunkedVerifier` pushed in random pieces.
//!
//! The properties: every body verifies to exactly itself, however it is
//! split; one flipped bit anywhere fails it (but for the letter case of a
//! hex size or a trailer name, which the format does not fix) and never
//! releases a byte that was not sent; a body cut short anywhere is
//! `Truncated` or `MissingFinalChunk`. Then one targeted test per rejection,
//! and the decoder on its own.

use std::ops::Range;
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;
use sigv4kit_canon::{
    Algorithm, AmzDate, CanonicalPayload, Header, Payload, Region, RegionSet, Request, Service,
    StreamingPayload,
};
use sigv4kit_ecdsa::{EcdsaSigner, EcdsaVerifier, PublicKey};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{
    ChainScope, ChainVerifier, Credentials, FixedClock, SecretAccessKey, Signer, SigningParams,
    SigningRegion, SigningSettings, Verified, Verifier, VerifyPolicy,
};
use sigv4kit_stream::{
    CheckingChain, ChecksumAlgorithm, ChunkSigning, ChunkSize, ChunkedDecoder, ChunkedEncoder,
    ChunkedEvent, ChunkedUpload, ChunkedVerifier, DecodeError, FramePart, SigningChain,
    StreamExpectations, StreamLimits, StreamVerifyError, VerifiedStream, canonical_trailers,
    written_signature,
};

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DATE: &str = "20130524T000000Z";

static CREDENTIALS: LazyLock<Credentials> =
    LazyLock::new(|| Credentials::new(ACCESS_KEY_ID, SECRET, None).expect("valid credentials"));
static HMAC_SIGNER: LazyLock<HmacSigner> = LazyLock::new(HmacSigner::new);
static ECDSA_SIGNER: LazyLock<EcdsaSigner> = LazyLock::new(EcdsaSigner::new);
static HMAC_VERIFIER: LazyLock<HmacVerifier> = LazyLock::new(HmacVerifier::new);
static ECDSA_VERIFIER: LazyLock<EcdsaVerifier> = LazyLock::new(EcdsaVerifier::new);
static SECRET_KEY: LazyLock<FingerprintedSecret> =
    LazyLock::new(|| FingerprintedSecret::new(SecretAccessKey::new(SECRET)));
static PUBLIC_KEY: LazyLock<PublicKey> = LazyLock::new(|| {
    ECDSA_SIGNER
        .public_key(&CREDENTIALS)
        .expect("the public key derives")
});

fn time() -> AmzDate {
    AmzDate::parse_amz(DATE).expect("valid date")
}

fn params(algorithm: Algorithm) -> SigningParams<'static> {
    let region: SigningRegion = match algorithm {
        Algorithm::Sigv4 => Region::new("us-east-1").expect("region").into(),
        Algorithm::Sigv4a => RegionSet::parse("us-east-1").expect("region set").into(),
    };
    SigningParams::new(
        &CREDENTIALS,
        time(),
        Service::new("s3").expect("s3"),
        region,
    )
    .with_settings(SigningSettings::s3())
}

fn signer(algorithm: Algorithm) -> &'static dyn Signer {
    match algorithm {
        Algorithm::Sigv4 => &*HMAC_SIGNER,
        Algorithm::Sigv4a => &*ECDSA_SIGNER,
    }
}

/// A body of `len` bytes that no two seeds share.
fn body_of(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// The seed request with `headers`, verified: by the secret for SigV4, by
/// the public key alone for SigV4A.
fn verify_seed(algorithm: Algorithm, headers: &[(String, String)]) -> Verified {
    let headers: Vec<Header<'_>> = headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers);
    let policy = VerifyPolicy::s3(RegionSet::parse("us-east-1").expect("region set"))
        .with_clock(FixedClock::at(&time()));
    match algorithm {
        Algorithm::Sigv4 => HMAC_VERIFIER.verify(&request, &SECRET_KEY, &policy),
        Algorithm::Sigv4a => ECDSA_VERIFIER.verify(&request, &PUBLIC_KEY, &policy),
    }
    .expect("the seed verifies")
}

/// The client's chain after the seed signature `seed`.
fn signing_chain(algorithm: Algorithm, seed: &str) -> SigningChain {
    let params = params(algorithm);
    SigningChain::new(
        signer(algorithm)
            .chain_signer(&params)
            .expect("chain signer"),
        ChainScope::for_signing(algorithm, &params).expect("scope"),
        seed,
    )
    .expect("chain")
}

/// A seed request signed and verified, and its body encoded.
struct Upload {
    plan: ChunkedUpload,
    seed_algorithm: Algorithm,
    /// The seed's headers as the server receives them.
    headers: Vec<(String, String)>,
    seed_signature: String,
    verified: Verified,
    body: Vec<u8>,
    encoded: Vec<u8>,
}

impl Upload {
    /// Signs the seed of `plan` (SigV4 for an unsigned plan), verifies it
    /// and encodes `body`.
    fn new(plan: ChunkedUpload, body: Vec<u8>) -> Self {
        let seed_algorithm = match plan.signing() {
            ChunkSigning::Signed(algorithm) => algorithm,
            ChunkSigning::Unsigned => Algorithm::Sigv4,
        };
        let params = params(seed_algorithm);
        let mut headers = vec![(
            "Host".to_owned(),
            "examplebucket.s3.amazonaws.com".to_owned(),
        )];
        headers.extend(
            plan.seed_headers()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
        let signing_headers: Vec<Header<'_>> = headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &signing_headers)
            .with_payload(Payload::Streaming(plan.payload()));
        let output = signer(seed_algorithm)
            .sign(&request, &params)
            .expect("the seed signs");
        headers.extend(
            output
                .headers()
                .map(|(name, value)| (name.to_owned(), value.to_owned())),
        );
        let seed_signature = output.signature().to_owned();
        let verified = verify_seed(seed_algorithm, &headers);
        let encoded = match plan.signing() {
            ChunkSigning::Signed(_) => {
                ChunkedEncoder::signed(plan, signing_chain(seed_algorithm, &seed_signature))
            }
            ChunkSigning::Unsigned => ChunkedEncoder::unsigned(plan),
        }
        .expect("the encoder fits the plan")
        .encode_all(&body)
        .expect("the body encodes");
        Self {
            plan,
            seed_algorithm,
            headers,
            seed_signature,
            verified,
            body,
            encoded,
        }
    }

    /// A fresh chain that signs after the seed, as the client's.
    fn signing_chain(&self) -> SigningChain {
        signing_chain(self.seed_algorithm, &self.seed_signature)
    }

    fn chain_verifier(&self) -> Box<dyn ChainVerifier> {
        match self.seed_algorithm {
            Algorithm::Sigv4 => HMAC_VERIFIER.chain_verifier(&self.verified, &SECRET_KEY),
            Algorithm::Sigv4a => ECDSA_VERIFIER.chain_verifier(&self.verified, &PUBLIC_KEY),
        }
        .expect("chain verifier")
    }

    /// A checking chain after the verified seed.
    fn checking_chain(&self) -> CheckingChain {
        CheckingChain::new(
            self.chain_verifier(),
            ChainScope::for_verified(&self.verified),
            self.verified.signature_hex(),
        )
    }

    /// The server's verifier of this upload, from the seed request, with
    /// `header` replaced when given (the seed itself stays verified).
    fn verifier_with(
        &self,
        header: Option<(&str, &str)>,
    ) -> Result<ChunkedVerifier, StreamVerifyError> {
        let mut headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .filter(|(name, _)| {
                header.is_none_or(|(replaced, _)| !name.eq_ignore_ascii_case(replaced))
            })
            .map(|(name, value)| Header::new(name, value))
            .collect();
        if let Some((name, value)) = header {
            headers.push(Header::new(name, value));
        }
        let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers);
        let chain = match self.plan.signing() {
            ChunkSigning::Signed(_) => Some(self.chain_verifier()),
            ChunkSigning::Unsigned => None,
        };
        ChunkedVerifier::for_request(&request, &self.verified, chain, StreamLimits::DEFAULT)
    }

    fn verifier(&self) -> ChunkedVerifier {
        self.verifier_with(None).expect("the seed declares a body")
    }

    /// The trailer block's lines, as the encoder wrote them.
    fn trailer_lines(&self) -> Vec<String> {
        let layout = layout(&self.encoded);
        layout
            .trailers
            .iter()
            .map(|line| String::from_utf8(self.encoded[line.clone()].to_vec()).expect("ASCII"))
            .collect()
    }

    /// The encoded body up to the trailers, and the trailer block replaced
    /// by `lines` and the closing CRLF.
    fn with_trailer_lines(&self, lines: &[String]) -> Vec<u8> {
        let layout = layout(&self.encoded);
        let mut encoded = self.encoded[..layout.trailers_start].to_vec();
        for line in lines {
            encoded.extend_from_slice(line.as_bytes());
            encoded.extend_from_slice(b"\r\n");
        }
        encoded.extend_from_slice(b"\r\n");
        encoded
    }
}

/// What a verifier released and how it ended.
struct Outcome {
    released: Vec<u8>,
    result: Result<VerifiedStream, StreamVerifyError>,
}

/// Pushes `encoded` cut at `cuts` and finishes.
fn run(mut verifier: ChunkedVerifier, encoded: &[u8], cuts: &[usize]) -> Outcome {
    let mut cuts: Vec<usize> = cuts.iter().map(|&cut| cut.min(encoded.len())).collect();
    cuts.push(encoded.len());
    cuts.sort_unstable();
    let mut released = Vec::new();
    let mut start = 0;
    let mut pushed = Ok(());
    for cut in cuts {
        pushed = verifier.push(&encoded[start..cut]);
        while let Some(chunk) = verifier.next_verified() {
            released.extend_from_slice(&chunk);
        }
        if pushed.is_err() {
            break;
        }
        start = cut;
    }
    let result = pushed.and_then(|()| verifier.finish());
    Outcome { released, result }
}

/// Where each part of an encoded body lies, by a reading of the wire format
/// of its own, so that the tests do not trust the decoder they test.
struct Layout {
    chunks: Vec<ChunkLayout>,
    trailers_start: usize,
    /// Each trailer line, without its CRLF.
    trailers: Vec<Range<usize>>,
}

struct ChunkLayout {
    /// The whole frame: header, data and CRLF.
    frame: Range<usize>,
    size_digits: Range<usize>,
    signature: Option<Range<usize>>,
    data: Range<usize>,
}

fn crlf_from(encoded: &[u8], at: usize) -> usize {
    at + encoded[at..]
        .windows(2)
        .position(|pair| pair == b"\r\n")
        .expect("every line ends with CRLF")
}

fn layout(encoded: &[u8]) -> Layout {
    let mut chunks = Vec::new();
    let mut at = 0;
    loop {
        let end = crlf_from(encoded, at);
        let line = &encoded[at..end];
        let semicolon = line.iter().position(|&byte| byte == b';');
        let size_digits = at..at + semicolon.unwrap_or(line.len());
        let size = usize::from_str_radix(
            std::str::from_utf8(&encoded[size_digits.clone()]).expect("ASCII"),
            16,
        )
        .expect("hex size");
        let signature = semicolon.map(|semicolon| at + semicolon + ";chunk-signature=".len()..end);
        let data = end + 2..end + 2 + size;
        let frame_end = if size == 0 { end + 2 } else { data.end + 2 };
        chunks.push(ChunkLayout {
            frame: at..frame_end,
            size_digits,
            signature,
            data,
        });
        at = frame_end;
        if size == 0 {
            break;
        }
    }
    let trailers_start = at;
    let mut trailers = Vec::new();
    loop {
        let end = crlf_from(encoded, at);
        if end == at {
            break;
        }
        trailers.push(at..end);
        at = end + 2;
    }
    assert_eq!(at + 2, encoded.len(), "the body ends with its closing CRLF");
    Layout {
        chunks,
        trailers_start,
        trailers,
    }
}

fn signed_plan(
    algorithm: Algorithm,
    len: usize,
    chunk_size: usize,
    checksum: Option<ChecksumAlgorithm>,
) -> ChunkedUpload {
    let plan = ChunkedUpload::signed(algorithm, len as u64)
        .with_chunk_size(ChunkSize::new(chunk_size).expect("chunk size"));
    match checksum {
        Some(checksum) => plan.with_checksum(checksum),
        None => plan,
    }
}

fn unsigned_plan(len: usize, chunk_size: usize, checksum: ChecksumAlgorithm) -> ChunkedUpload {
    ChunkedUpload::unsigned(len as u64, checksum)
        .with_chunk_size(ChunkSize::new(chunk_size).expect("chunk size"))
}

fn checksum_strategy() -> impl Strategy<Value = ChecksumAlgorithm> {
    prop::sample::select(ChecksumAlgorithm::ALL.to_vec())
}

/// Checks that `upload`, pushed cut at `cuts`, releases exactly its body
/// and reports it.
fn assert_round_trip(upload: &Upload, cuts: &[usize]) {
    let outcome = run(upload.verifier(), &upload.encoded, cuts);
    let verified = outcome.result.expect("the body verifies");
    assert!(
        outcome.released == upload.body,
        "the released data is not the body"
    );
    assert_eq!(verified.payload, upload.plan.payload());
    assert_eq!(verified.decoded_length, upload.body.len() as u64);
    assert_eq!(
        verified.chunks,
        upload.body.len().div_ceil(upload.plan.chunk_size().get()) as u64
    );
    assert_eq!(
        verified.checksums,
        upload.plan.checksum().into_iter().collect::<Vec<_>>()
    );
    if let Some(checksum) = upload.plan.checksum() {
        assert!(verified.trailer(checksum.header_name()).is_some());
    }
}

fn cuts_of(indices: &[Index], len: usize) -> Vec<usize> {
    indices.iter().map(|index| index.index(len + 1)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn every_split_of_a_sigv4_body_verifies_to_the_body(
        len in 0usize..200 * 1024,
        seed in any::<u64>(),
        chunk_size in ChunkSize::MIN..=64 * 1024,
        checksum in proptest::option::of(checksum_strategy()),
        cuts in proptest::collection::vec(any::<Index>(), 0..8),
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4, len, chunk_size, checksum),
            body_of(len, seed),
        );
        assert_round_trip(&upload, &cuts_of(&cuts, upload.encoded.len()));
    }

    #[test]
    fn every_split_of_an_unsigned_body_verifies_to_the_body(
        len in 0usize..200 * 1024,
        seed in any::<u64>(),
        chunk_size in ChunkSize::MIN..=64 * 1024,
        checksum in checksum_strategy(),
        cuts in proptest::collection::vec(any::<Index>(), 0..8),
    ) {
        let upload = Upload::new(unsigned_plan(len, chunk_size, checksum), body_of(len, seed));
        assert_round_trip(&upload, &cuts_of(&cuts, upload.encoded.len()));
    }

    #[test]
    fn a_sigv4_body_pushed_byte_by_byte_verifies(
        len in 0usize..3 * 8 * 1024,
        seed in any::<u64>(),
        checksum in proptest::option::of(checksum_strategy()),
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, checksum),
            body_of(len, seed),
        );
        let cuts: Vec<usize> = (0..upload.encoded.len()).collect();
        assert_round_trip(&upload, &cuts);
    }
}

proptest! {
    // SigV4A signs and verifies with ECDSA: fewer, smaller cases.
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn every_split_of_a_sigv4a_body_verifies_to_the_body_with_the_public_key_alone(
        len in 0usize..100 * 1024,
        seed in any::<u64>(),
        chunk_size in ChunkSize::MIN..=64 * 1024,
        checksum in proptest::option::of(checksum_strategy()),
        cuts in proptest::collection::vec(any::<Index>(), 0..8),
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4a, len, chunk_size, checksum),
            body_of(len, seed),
        );
        assert_round_trip(&upload, &cuts_of(&cuts, upload.encoded.len()));
    }
}

/// Whether flipping `mask` at `position` changes only the case of a letter
/// the format reads in any case: a hex size digit or a trailer name.
fn is_case_only_flip(layout: &Layout, encoded: &[u8], position: usize, mask: u8) -> bool {
    if mask != 0x20 || !encoded[position].is_ascii_alphabetic() {
        return false;
    }
    let in_size = layout
        .chunks
        .iter()
        .any(|chunk| chunk.size_digits.contains(&position));
    let in_trailer_name = layout.trailers.iter().any(|line| {
        let colon = line.start
            + encoded[line.clone()]
                .iter()
                .position(|&byte| byte == b':')
                .expect("name:value");
        (line.start..colon).contains(&position)
    });
    in_size || in_trailer_name
}

/// Flips one bit of `upload`'s body and checks that it fails, unless the
/// flip changed only a letter's case, and that a signed body releases
/// nothing but a prefix of the body.
fn assert_flip_fails(upload: &Upload, position: usize, bit: u32) -> Option<StreamVerifyError> {
    let layout = layout(&upload.encoded);
    let mask = 1u8 << bit;
    let mut flipped = upload.encoded.clone();
    flipped[position] ^= mask;
    let outcome = run(upload.verifier(), &flipped, &[position]);
    if upload.plan.signing() != ChunkSigning::Unsigned {
        assert!(
            upload.body.starts_with(&outcome.released),
            "a flip at {position} released data that was not sent"
        );
    }
    match outcome.result {
        Ok(_) => {
            assert!(
                is_case_only_flip(&layout, &upload.encoded, position, mask),
                "a flip of bit {bit} at {position} ({:?}) still verifies",
                char::from(upload.encoded[position])
            );
            assert!(outcome.released == upload.body);
            None
        }
        Err(error) => Some(error),
    }
}

/// The chunk whose data holds `position`.
fn chunk_of(layout: &Layout, position: usize) -> u64 {
    layout
        .chunks
        .iter()
        .position(|chunk| chunk.data.contains(&position))
        .expect("a data position") as u64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_flipped_bit_of_a_sigv4_body_fails_it(
        len in 0usize..40 * 1024,
        seed in any::<u64>(),
        checksum in proptest::option::of(checksum_strategy()),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, checksum),
            body_of(len, seed),
        );
        assert_flip_fails(&upload, position.index(upload.encoded.len()), bit);
    }

    #[test]
    fn a_flipped_data_bit_fails_at_its_chunk_and_is_never_released(
        len in 1usize..40 * 1024,
        seed in any::<u64>(),
        checksum in proptest::option::of(checksum_strategy()),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, checksum),
            body_of(len, seed),
        );
        let layout = layout(&upload.encoded);
        let data: Vec<usize> = layout.chunks.iter().flat_map(|chunk| chunk.data.clone()).collect();
        let position = data[position.index(data.len())];
        let index = chunk_of(&layout, position);
        let error = assert_flip_fails(&upload, position, bit);
        prop_assert_eq!(error, Some(StreamVerifyError::ChunkSignatureMismatch { index }));
    }

    #[test]
    fn a_flipped_chunk_signature_bit_fails(
        len in 0usize..40 * 1024,
        seed in any::<u64>(),
        which in any::<Index>(),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, None),
            body_of(len, seed),
        );
        let layout = layout(&upload.encoded);
        let chunk = &layout.chunks[which.index(layout.chunks.len())];
        let signature = chunk.signature.clone().expect("signed");
        let position = signature.start + position.index(signature.len());
        prop_assert!(assert_flip_fails(&upload, position, bit).is_some());
    }

    #[test]
    fn a_flipped_trailer_value_bit_fails(
        len in 0usize..20 * 1024,
        seed in any::<u64>(),
        checksum in checksum_strategy(),
        signed in any::<bool>(),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let plan = if signed {
            signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, Some(checksum))
        } else {
            unsigned_plan(len, ChunkSize::MIN, checksum)
        };
        let upload = Upload::new(plan, body_of(len, seed));
        let layout = layout(&upload.encoded);
        let line = layout.trailers[0].clone();
        let colon = line.start + checksum.header_name().len();
        let position = colon + 1 + position.index(line.end - colon - 1);
        prop_assert!(assert_flip_fails(&upload, position, bit).is_some());
    }

    #[test]
    fn a_flipped_framing_bit_fails_or_changes_only_letter_case(
        len in 0usize..20 * 1024,
        seed in any::<u64>(),
        checksum in proptest::option::of(checksum_strategy()),
        signed in any::<bool>(),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let plan = match (signed, checksum) {
            (false, Some(checksum)) => unsigned_plan(len, ChunkSize::MIN, checksum),
            _ => signed_plan(Algorithm::Sigv4, len, ChunkSize::MIN, checksum),
        };
        let upload = Upload::new(plan, body_of(len, seed));
        let layout = layout(&upload.encoded);
        // Everything but the data and the signatures.
        let framing: Vec<usize> = (0..upload.encoded.len())
            .filter(|&at| {
                !layout.chunks.iter().any(|chunk| {
                    chunk.data.contains(&at)
                        || chunk.signature.as_ref().is_some_and(|signature| signature.contains(&at))
                })
            })
            .collect();
        assert_flip_fails(&upload, framing[position.index(framing.len())], bit);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]

    #[test]
    fn any_flipped_bit_of_a_sigv4a_body_fails_it(
        len in 0usize..20 * 1024,
        seed in any::<u64>(),
        checksum in proptest::option::of(checksum_strategy()),
        position in any::<Index>(),
        bit in 0u32..8,
    ) {
        let upload = Upload::new(
            signed_plan(Algorithm::Sigv4a, len, ChunkSize::MIN, checksum),
            body_of(len, seed),
        );
        assert_flip_fails(&upload, position.index(upload.encoded.len()), bit);
    }
}

/// Checks every cut of `upload` in its framing, and every 97th in its
/// data: each fails as truncated, releasing only a prefix of the body.
fn assert_every_truncation_fails(upload: &Upload) {
    let layout = layout(&upload.encoded);
    for cut in 0..upload.encoded.len() {
        let in_data = layout
            .chunks
            .iter()
            .any(|chunk| chunk.data.start < cut && cut < chunk.data.end);
        if in_data && !cut.is_multiple_of(97) {
            continue;
        }
        let outcome = run(upload.verifier(), &upload.encoded[..cut], &[]);
        assert!(
            matches!(
                outcome.result,
                Err(StreamVerifyError::Decode(
                    DecodeError::Truncated { .. } | DecodeError::MissingFinalChunk { .. }
                ))
            ),
            "cut at {cut}: {:?}",
            outcome.result
        );
        assert!(upload.body.starts_with(&outcome.released), "cut at {cut}");
    }
}

#[test]
fn a_sigv4_body_cut_anywhere_is_truncated() {
    let upload = Upload::new(
        signed_plan(
            Algorithm::Sigv4,
            2 * 8192 + 5,
            8192,
            Some(ChecksumAlgorithm::Crc32c),
        ),
        body_of(2 * 8192 + 5, 1),
    );
    assert_every_truncation_fails(&upload);
}

#[test]
fn an_unsigned_body_cut_anywhere_is_truncated() {
    let upload = Upload::new(
        unsigned_plan(8192 + 100, 8192, ChecksumAlgorithm::Sha256),
        body_of(8192 + 100, 2),
    );
    assert_every_truncation_fails(&upload);
}

#[test]
fn a_sigv4a_body_cut_anywhere_is_truncated() {
    let upload = Upload::new(
        signed_plan(
            Algorithm::Sigv4a,
            8192 + 1,
            8192,
            Some(ChecksumAlgorithm::Crc64Nvme),
        ),
        body_of(8192 + 1, 3),
    );
    assert_every_truncation_fails(&upload);
}

#[test]
fn cuts_name_where_the_body_ends() {
    let upload = Upload::new(
        signed_plan(
            Algorithm::Sigv4,
            8192 + 10,
            8192,
            Some(ChecksumAlgorithm::Crc32),
        ),
        body_of(8192 + 10, 4),
    );
    let layout = layout(&upload.encoded);
    let first = &layout.chunks[0];
    let cases = [
        (0, DecodeError::MissingFinalChunk { chunks: 0 }),
        (
            first.frame.end,
            DecodeError::MissingFinalChunk { chunks: 1 },
        ),
        (
            5,
            DecodeError::Truncated {
                within: FramePart::ChunkHeader { index: 0 },
            },
        ),
        (
            first.data.start + 100,
            DecodeError::Truncated {
                within: FramePart::ChunkData {
                    index: 0,
                    missing: 8092,
                },
            },
        ),
        (
            first.data.end + 1,
            DecodeError::Truncated {
                within: FramePart::ChunkEnd { index: 0 },
            },
        ),
        (
            layout.trailers_start,
            DecodeError::Truncated {
                within: FramePart::Trailers,
            },
        ),
        (
            upload.encoded.len() - 1,
            DecodeError::Truncated {
                within: FramePart::Trailers,
            },
        ),
    ];
    for (cut, expected) in cases {
        let outcome = run(upload.verifier(), &upload.encoded[..cut], &[]);
        assert_eq!(outcome.result, Err(expected.into()), "cut at {cut}");
    }
}

// One test per rejection.

fn sigv4_upload(len: usize, checksum: Option<ChecksumAlgorithm>) -> Upload {
    Upload::new(
        signed_plan(Algorithm::Sigv4, len, 8192, checksum),
        body_of(len, len as u64),
    )
}

fn unsigned_upload(len: usize) -> Upload {
    Upload::new(
        unsigned_plan(len, 8192, ChecksumAlgorithm::Crc32c),
        body_of(len, len as u64),
    )
}

fn verify_bytes(verifier: ChunkedVerifier, encoded: &[u8]) -> Outcome {
    run(verifier, encoded, &[])
}

#[test]
fn data_is_released_only_after_its_chunk_verified() {
    let upload = sigv4_upload(3 * 8192, None);
    let layout = layout(&upload.encoded);
    let mut tampered = upload.encoded.clone();
    tampered[layout.chunks[1].data.start + 7] ^= 1;
    let mut verifier = upload.verifier();
    // Everything of chunk 1 but the CRLF after its data.
    verifier
        .push(&tampered[..layout.chunks[1].data.end])
        .expect("chunk 0 verifies");
    assert_eq!(
        verifier.next_verified().as_deref(),
        Some(&upload.body[..8192])
    );
    assert_eq!(verifier.next_verified(), None);
    let error = verifier.push(&tampered[layout.chunks[1].data.end..]);
    assert_eq!(
        error,
        Err(StreamVerifyError::ChunkSignatureMismatch { index: 1 })
    );
    assert_eq!(verifier.next_verified(), None);
}

#[test]
fn a_failed_verifier_answers_every_call_with_its_error() {
    let upload = sigv4_upload(8192, None);
    let layout = layout(&upload.encoded);
    let mut tampered = upload.encoded.clone();
    tampered[layout.chunks[0].data.start] ^= 1;
    let mut verifier = upload.verifier();
    let error = StreamVerifyError::ChunkSignatureMismatch { index: 0 };
    assert_eq!(verifier.push(&tampered), Err(error.clone()));
    assert_eq!(verifier.push(b""), Err(error.clone()));
    assert_eq!(verifier.finish(), Err(error));
}

#[test]
fn a_changed_chunk_signature_fails_at_that_chunk() {
    let upload = sigv4_upload(3 * 8192, None);
    let layout = layout(&upload.encoded);
    let mut tampered = upload.encoded.clone();
    let signature = layout.chunks[2].signature.clone().expect("signed");
    let digit = &mut tampered[signature.start];
    *digit = if *digit == b'0' { b'1' } else { b'0' };
    // Chunks 0 and 1 are taken before chunk 2 comes: a failure drops what
    // was released and not yet taken.
    let outcome = run(
        upload.verifier(),
        &tampered,
        &[layout.chunks[2].frame.start],
    );
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkSignatureMismatch { index: 2 })
    );
    assert!(outcome.released == upload.body[..2 * 8192]);
}

#[test]
fn a_changed_final_chunk_signature_fails_at_the_final_chunk() {
    let upload = sigv4_upload(8192, None);
    let layout = layout(&upload.encoded);
    let mut tampered = upload.encoded.clone();
    let signature = layout.chunks[1].signature.clone().expect("signed");
    tampered[signature.end - 1] = if tampered[signature.end - 1] == b'a' {
        b'b'
    } else {
        b'a'
    };
    let outcome = verify_bytes(upload.verifier(), &tampered);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkSignatureMismatch { index: 1 })
    );
}

#[test]
fn reordered_chunks_fail_at_the_first_moved() {
    let upload = sigv4_upload(3 * 8192, None);
    let layout = layout(&upload.encoded);
    let (first, second) = (&layout.chunks[0].frame, &layout.chunks[1].frame);
    let mut swapped = upload.encoded[second.clone()].to_vec();
    swapped.extend_from_slice(&upload.encoded[first.clone()]);
    swapped.extend_from_slice(&upload.encoded[second.end..]);
    let outcome = verify_bytes(upload.verifier(), &swapped);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkSignatureMismatch { index: 0 })
    );
    assert!(outcome.released.is_empty());
}

#[test]
fn a_chunk_from_another_upload_fails() {
    let upload = sigv4_upload(2 * 8192, None);
    let other = Upload::new(
        signed_plan(Algorithm::Sigv4, 2 * 8192, 8192, None),
        body_of(2 * 8192, 99),
    );
    let (ours, theirs) = (layout(&upload.encoded), layout(&other.encoded));
    let mut spliced = upload.encoded[..ours.chunks[1].frame.start].to_vec();
    spliced.extend_from_slice(&other.encoded[theirs.chunks[1].frame.clone()]);
    spliced.extend_from_slice(&upload.encoded[ours.chunks[1].frame.end..]);
    let outcome = verify_bytes(upload.verifier(), &spliced);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkSignatureMismatch { index: 1 })
    );
}

#[test]
fn a_signed_chunk_without_signature_is_refused() {
    let upload = sigv4_upload(8192, None);
    let layout = layout(&upload.encoded);
    let header = &layout.chunks[0];
    let mut stripped = upload.encoded[header.size_digits.clone()].to_vec();
    stripped.extend_from_slice(&upload.encoded[header.signature.clone().expect("signed").end..]);
    let outcome = verify_bytes(upload.verifier(), &stripped);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::MissingChunkSignature { index: 0 })
    );
}

#[test]
fn an_unsigned_chunk_with_a_signature_is_refused() {
    let upload = unsigned_upload(100);
    let mut encoded = b"64;chunk-signature=abcd".to_vec();
    encoded.extend_from_slice(&upload.encoded[2..]);
    let outcome = verify_bytes(upload.verifier(), &encoded);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::UnexpectedChunkSignature { index: 0 })
    );
}

#[test]
fn a_chunk_larger_than_the_declared_length_is_refused_at_its_header() {
    let upload = sigv4_upload(2 * 8192, None);
    let verifier = upload
        .verifier_with(Some(("x-amz-decoded-content-length", "8000")))
        .expect("verifier");
    let outcome = verify_bytes(verifier, &upload.encoded);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkLargerThanDeclared {
            index: 0,
            size: 8192,
            remaining: 8000,
        })
    );
    let verifier = upload
        .verifier_with(Some(("x-amz-decoded-content-length", "10000")))
        .expect("verifier");
    assert_eq!(
        verify_bytes(verifier, &upload.encoded).result,
        Err(StreamVerifyError::ChunkLargerThanDeclared {
            index: 1,
            size: 8192,
            remaining: 10000 - 8192,
        })
    );
}

#[test]
fn a_final_chunk_before_the_declared_length_is_a_length_mismatch() {
    let upload = sigv4_upload(2 * 8192, None);
    let verifier = upload
        .verifier_with(Some(("x-amz-decoded-content-length", "16385")))
        .expect("verifier");
    let outcome = verify_bytes(verifier, &upload.encoded);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::DecodedLengthMismatch {
            declared: 16385,
            received: 16384,
        })
    );
}

#[test]
fn a_small_chunk_before_the_last_is_refused() {
    let upload = unsigned_upload(9000);
    let mut encoded = b"64\r\n".to_vec();
    encoded.extend_from_slice(&[0; 100]);
    encoded.extend_from_slice(b"\r\n");
    let outcome = verify_bytes(upload.verifier(), &encoded);
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChunkTooSmall {
            index: 0,
            size: 100,
            min: 8192,
        })
    );
}

#[test]
fn a_chunk_larger_than_the_limit_is_refused() {
    let upload = unsigned_upload(100);
    let outcome = verify_bytes(upload.verifier(), b"1000001\r\n");
    assert_eq!(
        outcome.result,
        Err(DecodeError::ChunkTooLarge {
            index: 0,
            size: 0x100_0001,
            max: ChunkSize::MAX,
        }
        .into())
    );
}

#[test]
fn an_oversize_chunk_header_is_refused_before_its_end() {
    let upload = sigv4_upload(100, None);
    let mut verifier = upload.verifier();
    let long = format!("64;chunk-signature={}", "a".repeat(4096));
    assert_eq!(
        verifier.push(long.as_bytes()),
        Err(DecodeError::OversizeChunkHeader {
            index: 0,
            max: 4096
        }
        .into())
    );
}

#[test]
fn data_longer_than_its_chunk_header_is_refused() {
    let upload = unsigned_upload(100);
    let mut encoded = b"64\r\n".to_vec();
    encoded.extend_from_slice(&[0; 101]);
    encoded.extend_from_slice(b"\r\n");
    assert_eq!(
        verify_bytes(upload.verifier(), &encoded).result,
        Err(DecodeError::MissingChunkEnd { index: 0 }.into())
    );
}

#[test]
fn bytes_after_the_end_are_refused() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Sha1));
    let mut encoded = upload.encoded.clone();
    encoded.push(b'x');
    assert_eq!(
        verify_bytes(upload.verifier(), &encoded).result,
        Err(DecodeError::DataAfterEnd.into())
    );
}

#[test]
fn a_missing_trailer_signature_is_refused() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Crc32c));
    let lines = upload.trailer_lines();
    let without = upload.with_trailer_lines(&lines[..1]);
    assert_eq!(
        verify_bytes(upload.verifier(), &without).result,
        Err(StreamVerifyError::MissingTrailerSignature)
    );
}

#[test]
fn a_trailer_signature_the_payload_does_not_sign_is_refused() {
    let fake = format!("x-amz-trailer-signature:{}", "a".repeat(64));
    let unsigned = unsigned_upload(100);
    let mut lines = unsigned.trailer_lines();
    lines.push(fake.clone());
    assert_eq!(
        verify_bytes(unsigned.verifier(), &unsigned.with_trailer_lines(&lines)).result,
        Err(StreamVerifyError::UnexpectedTrailerSignature)
    );
    let signed = sigv4_upload(100, None);
    assert_eq!(
        verify_bytes(signed.verifier(), &signed.with_trailer_lines(&[fake])).result,
        Err(StreamVerifyError::UnexpectedTrailerSignature)
    );
}

#[test]
fn a_changed_trailer_signature_is_refused() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Crc32c));
    let mut lines = upload.trailer_lines();
    let last = lines[1].pop().expect("a signature digit");
    lines[1].push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines)).result,
        Err(StreamVerifyError::TrailerSignatureMismatch)
    );
}

#[test]
fn another_checksum_under_the_trailer_signature_is_refused() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Crc32c));
    let mut lines = upload.trailer_lines();
    lines[0] = "x-amz-checksum-crc32c:AAAAAA==".to_owned();
    assert_eq!(
        verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines)).result,
        Err(StreamVerifyError::TrailerSignatureMismatch)
    );
}

#[test]
fn an_unsigned_checksum_that_is_not_the_datas_is_refused() {
    let upload = unsigned_upload(100);
    let mut lines = upload.trailer_lines();
    let computed = lines[0]["x-amz-checksum-crc32c:".len()..].to_owned();
    lines[0] = "x-amz-checksum-crc32c:AAAAAA==".to_owned();
    let outcome = verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines));
    assert_eq!(
        outcome.result,
        Err(StreamVerifyError::ChecksumMismatch {
            algorithm: ChecksumAlgorithm::Crc32c,
            received: "AAAAAA==".to_owned(),
            computed,
        })
    );
    // The data itself verified, and was released: the checksum comes last.
    assert!(
        outcome.released.is_empty(),
        "a failed verifier drops what was not taken"
    );
}

#[test]
fn a_signed_checksum_that_is_not_the_datas_is_refused() {
    // A client that signs a wrong checksum: every signature verifies.
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Sha256));
    let mut chain = upload.signing_chain();
    let mut encoded = Vec::new();
    let sign = |chain: &mut SigningChain, data: &[u8]| {
        let hash = sha2::Sha256::digest(data).into();
        written_signature(Algorithm::Sigv4, &chain.sign_chunk(&hash).expect("signs"))
    };
    use sha2::Digest as _;
    let signature = sign(&mut chain, &upload.body);
    encoded.extend_from_slice(format!("64;chunk-signature={signature}\r\n").as_bytes());
    encoded.extend_from_slice(&upload.body);
    let signature = sign(&mut chain, b"");
    encoded.extend_from_slice(format!("\r\n0;chunk-signature={signature}\r\n").as_bytes());
    let wrong = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let trailer_signature = chain
        .sign_trailer(&canonical_trailers([("x-amz-checksum-sha256", wrong)]))
        .expect("signs");
    encoded.extend_from_slice(
        format!(
            "x-amz-checksum-sha256:{wrong}\r\nx-amz-trailer-signature:{}\r\n\r\n",
            written_signature(Algorithm::Sigv4, &trailer_signature)
        )
        .as_bytes(),
    );
    let outcome = verify_bytes(upload.verifier(), &encoded);
    assert!(
        matches!(
            &outcome.result,
            Err(StreamVerifyError::ChecksumMismatch {
                algorithm: ChecksumAlgorithm::Sha256,
                received,
                ..
            }) if received == wrong
        ),
        "{:?}",
        outcome.result
    );
}

#[test]
fn a_missing_declared_trailer_is_refused() {
    let upload = unsigned_upload(100);
    assert_eq!(
        verify_bytes(upload.verifier(), &upload.with_trailer_lines(&[])).result,
        Err(StreamVerifyError::MissingTrailer {
            name: "x-amz-checksum-crc32c".to_owned(),
        })
    );
}

#[test]
fn an_undeclared_trailer_is_refused() {
    let upload = unsigned_upload(100);
    let mut lines = upload.trailer_lines();
    lines.push("X-Amz-Meta-Extra:1".to_owned());
    assert_eq!(
        verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines)).result,
        Err(StreamVerifyError::UndeclaredTrailer {
            name: "x-amz-meta-extra".to_owned(),
        })
    );
    let signed = sigv4_upload(100, None);
    assert_eq!(
        verify_bytes(signed.verifier(), &signed.with_trailer_lines(&lines[..1])).result,
        Err(StreamVerifyError::UndeclaredTrailer {
            name: "x-amz-checksum-crc32c".to_owned(),
        })
    );
}

#[test]
fn a_repeated_trailer_is_refused() {
    let upload = unsigned_upload(100);
    let mut lines = upload.trailer_lines();
    lines.push(
        lines[0]
            .to_uppercase()
            .replace("X-AMZ-CHECKSUM-CRC32C", "x-amz-checksum-CRC32C"),
    );
    assert_eq!(
        verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines)).result,
        Err(StreamVerifyError::DuplicateTrailer {
            name: "x-amz-checksum-crc32c".to_owned(),
        })
    );
}

#[test]
fn malformed_trailers_are_refused() {
    let upload = unsigned_upload(100);
    let cases: Vec<(Vec<String>, DecodeError)> = vec![
        (
            vec!["no colon".to_owned()],
            DecodeError::MalformedTrailer {
                line: 0,
                reason: "there is no ':'",
            },
        ),
        (
            vec![format!("a:{}", "b".repeat(16 * 1024))],
            DecodeError::OversizeTrailers { max: 16 * 1024 },
        ),
    ];
    for (lines, expected) in cases {
        assert_eq!(
            verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines)).result,
            Err(expected.into()),
            "{lines:?}"
        );
    }
}

#[test]
fn trailer_names_are_read_in_any_case() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Crc32));
    let lines: Vec<String> = upload
        .trailer_lines()
        .iter()
        .map(|line| {
            let (name, value) = line.split_once(':').expect("name:value");
            format!("{}: {value}\t", name.to_uppercase())
        })
        .collect();
    let outcome = verify_bytes(upload.verifier(), &upload.with_trailer_lines(&lines));
    let verified = outcome.result.expect("verifies");
    assert_eq!(
        verified.trailers,
        [(
            "x-amz-checksum-crc32".to_owned(),
            upload.trailer_lines()[0]["x-amz-checksum-crc32:".len()..].to_owned()
        )]
    );
}

// The seed's declarations.

fn expectations(
    payload: StreamingPayload,
    decoded_length: u64,
    trailers: &[&str],
) -> StreamExpectations {
    StreamExpectations {
        payload,
        decoded_length,
        trailers: trailers.iter().map(|name| (*name).to_owned()).collect(),
    }
}

#[test]
fn seed_declarations_table() {
    let sigv4 = sigv4_upload(100, None);
    let chain = || Some(sigv4.checking_chain());
    let cases: Vec<(StreamExpectations, Option<CheckingChain>, StreamVerifyError)> = vec![
        (
            expectations(StreamingPayload::Sigv4Events, 0, &[]),
            chain(),
            StreamVerifyError::NotAwsChunked {
                payload: "STREAMING-AWS4-HMAC-SHA256-EVENTS".to_owned(),
            },
        ),
        (
            expectations(
                StreamingPayload::Sigv4ChunkedTrailer,
                0,
                &["x-amz-checksum-md5"],
            ),
            chain(),
            StreamVerifyError::UnsupportedChecksum {
                name: "x-amz-checksum-md5".to_owned(),
            },
        ),
        (
            expectations(StreamingPayload::UnsignedTrailer, 0, &[]),
            None,
            StreamVerifyError::UnsignedWithoutChecksum,
        ),
        (
            expectations(StreamingPayload::UnsignedTrailer, 0, &["x-amz-meta-a"]),
            None,
            StreamVerifyError::UnsignedWithoutChecksum,
        ),
        (
            expectations(StreamingPayload::Sigv4Chunked, 0, &["x-amz-checksum-crc32"]),
            chain(),
            StreamVerifyError::UnexpectedTrailerDeclaration {
                payload: StreamingPayload::Sigv4Chunked,
            },
        ),
        (
            expectations(StreamingPayload::Sigv4Chunked, 0, &[]),
            None,
            StreamVerifyError::ChainMismatch {
                payload: StreamingPayload::Sigv4Chunked,
                chain: None,
            },
        ),
        (
            expectations(
                StreamingPayload::UnsignedTrailer,
                0,
                &["x-amz-checksum-crc32"],
            ),
            chain(),
            StreamVerifyError::ChainMismatch {
                payload: StreamingPayload::UnsignedTrailer,
                chain: Some(Algorithm::Sigv4),
            },
        ),
        (
            expectations(StreamingPayload::Sigv4aChunked, 0, &[]),
            chain(),
            StreamVerifyError::ChainMismatch {
                payload: StreamingPayload::Sigv4aChunked,
                chain: Some(Algorithm::Sigv4),
            },
        ),
        (
            expectations(StreamingPayload::Sigv4ChunkedTrailer, 0, &["a", "A"]),
            chain(),
            StreamVerifyError::InvalidTrailerDeclaration {
                name: "A".to_owned(),
                reason: "is declared twice",
            },
        ),
    ];
    for (expected, chain, error) in cases {
        let description = format!("{expected:?}");
        assert_eq!(
            ChunkedVerifier::new(expected, chain, StreamLimits::DEFAULT).err(),
            Some(error),
            "{description}"
        );
    }
}

#[test]
fn seed_headers_table() {
    let upload = sigv4_upload(100, Some(ChecksumAlgorithm::Crc32c));
    let cases: [(&str, &str, StreamVerifyError); 4] = [
        (
            "x-amz-decoded-content-length",
            "12a",
            StreamVerifyError::InvalidDecodedLength {
                value: "12a".to_owned(),
            },
        ),
        (
            "x-amz-decoded-content-length",
            "-1",
            StreamVerifyError::InvalidDecodedLength {
                value: "-1".to_owned(),
            },
        ),
        (
            "x-amz-trailer",
            "x-amz-checksum-crc32c, bad name",
            StreamVerifyError::InvalidTrailerDeclaration {
                name: "bad name".to_owned(),
                reason: "is not a header name",
            },
        ),
        (
            "x-amz-trailer",
            "x-amz-trailer-signature",
            StreamVerifyError::InvalidTrailerDeclaration {
                name: "x-amz-trailer-signature".to_owned(),
                reason: "is sent with every signed trailer block, undeclared",
            },
        ),
    ];
    for (name, value, error) in cases {
        assert_eq!(
            upload.verifier_with(Some((name, value))).err(),
            Some(error),
            "{name}: {value}"
        );
    }

    // Without x-amz-decoded-content-length, and with two.
    let headers: Vec<Header<'_>> = upload
        .headers
        .iter()
        .filter(|(name, _)| name != "x-amz-decoded-content-length")
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers);
    let without = ChunkedVerifier::for_request(
        &request,
        &upload.verified,
        Some(upload.chain_verifier()),
        StreamLimits::DEFAULT,
    );
    assert_eq!(without.err(), Some(StreamVerifyError::MissingDecodedLength));
    let mut twice = headers.clone();
    twice.push(Header::new("x-amz-decoded-content-length", "100"));
    twice.push(Header::new("X-Amz-Decoded-Content-Length", "100"));
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &twice);
    assert_eq!(
        StreamExpectations::from_request(
            &request,
            &CanonicalPayload::Literal(StreamingPayload::Sigv4ChunkedTrailer.as_str())
        ),
        Err(StreamVerifyError::InvalidDecodedLength {
            value: "100,100".to_owned(),
        })
    );
    assert_eq!(
        StreamExpectations::from_request(
            &request,
            &CanonicalPayload::Literal(sigv4kit_canon::payload::UNSIGNED_PAYLOAD)
        ),
        Err(StreamVerifyError::NotAwsChunked {
            payload: "UNSIGNED-PAYLOAD".to_owned(),
        })
    );
}

#[test]
fn a_signed_seed_needs_a_chain_verifier_of_its_algorithm() {
    let upload = sigv4_upload(100, None);
    let headers: Vec<Header<'_>> = upload
        .headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers);
    assert_eq!(
        ChunkedVerifier::for_request(&request, &upload.verified, None, StreamLimits::DEFAULT).err(),
        Some(StreamVerifyError::ChainMismatch {
            payload: StreamingPayload::Sigv4Chunked,
            chain: None,
        })
    );
}

// The decoder on its own.

/// An owned event, the data pieces of a chunk joined.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Header(u64, u64, Option<String>),
    Data(Vec<u8>),
    ChunkEnd(u64),
    Final(u64, Option<String>),
    Trailer(String, String),
    TrailerSignature(String),
    End,
}

fn decode_all(pieces: &[&[u8]]) -> Result<Vec<Owned>, DecodeError> {
    let mut decoder = ChunkedDecoder::new(StreamLimits::DEFAULT);
    let mut events: Vec<Owned> = Vec::new();
    for piece in pieces {
        decoder.feed(piece, |event| {
            let owned = match event {
                ChunkedEvent::ChunkHeader {
                    index,
                    size,
                    signature,
                } => Owned::Header(index, size, signature.map(str::to_owned)),
                ChunkedEvent::ChunkData(data) => {
                    if let Some(Owned::Data(previous)) = events.last_mut() {
                        previous.extend_from_slice(data);
                        return Ok::<_, DecodeError>(());
                    }
                    Owned::Data(data.to_vec())
                }
                ChunkedEvent::ChunkEnd { index } => Owned::ChunkEnd(index),
                ChunkedEvent::FinalChunk { index, signature } => {
                    Owned::Final(index, signature.map(str::to_owned))
                }
                ChunkedEvent::Trailer { name, value } => {
                    Owned::Trailer(name.to_owned(), value.to_owned())
                }
                ChunkedEvent::TrailerSignature(signature) => {
                    Owned::TrailerSignature(signature.to_owned())
                }
                ChunkedEvent::End => Owned::End,
            };
            events.push(owned);
            Ok(())
        })?;
    }
    decoder.finish()?;
    Ok(events)
}

const SMALL_BODY: &[u8] = b"5\r\nhello\r\n3;chunk-signature=ab\r\n\r\n\r\r\n0;chunk-signature=ab**\r\nName:  value \r\nx-amz-trailer-signature:cd\r\n\r\n";

#[test]
fn decoder_events_of_a_small_body() {
    assert_eq!(
        decode_all(&[SMALL_BODY]),
        Ok(vec![
            Owned::Header(0, 5, None),
            Owned::Data(b"hello".to_vec()),
            Owned::ChunkEnd(0),
            Owned::Header(1, 3, Some("ab".to_owned())),
            Owned::Data(b"\r\n\r".to_vec()),
            Owned::ChunkEnd(1),
            Owned::Final(2, Some("ab**".to_owned())),
            Owned::Trailer("Name".to_owned(), "value".to_owned()),
            Owned::TrailerSignature("cd".to_owned()),
            Owned::End,
        ])
    );
}

#[test]
fn decoder_events_do_not_depend_on_split_points() {
    let whole = decode_all(&[SMALL_BODY]);
    for first in 0..=SMALL_BODY.len() {
        for second in first..=SMALL_BODY.len() {
            let pieces = [
                &SMALL_BODY[..first],
                &SMALL_BODY[first..second],
                &SMALL_BODY[second..],
            ];
            assert_eq!(decode_all(&pieces), whole, "cut at {first} and {second}");
        }
    }
}

#[test]
fn decoder_rejections_table() {
    let long_header = "a".repeat(5000);
    let long_trailer = format!("0\r\na:{}\r\n\r\n", "b".repeat(20_000));
    let many_trailers = format!("0\r\n{}\r\n", "a:b\r\n".repeat(17));
    let header = |index, reason| DecodeError::MalformedChunkHeader { index, reason };
    let cases: Vec<(&[u8], DecodeError)> = vec![
        (b"", DecodeError::MissingFinalChunk { chunks: 0 }),
        (
            b"5\r\nhello\r\n",
            DecodeError::MissingFinalChunk { chunks: 1 },
        ),
        (
            b"5;chunk-sig",
            DecodeError::Truncated {
                within: FramePart::ChunkHeader { index: 0 },
            },
        ),
        (
            b"5\r\nhel",
            DecodeError::Truncated {
                within: FramePart::ChunkData {
                    index: 0,
                    missing: 2,
                },
            },
        ),
        (
            b"5\r\nhello\r",
            DecodeError::Truncated {
                within: FramePart::ChunkEnd { index: 0 },
            },
        ),
        (
            b"0\r\nname:value\r\n",
            DecodeError::Truncated {
                within: FramePart::Trailers,
            },
        ),
        (b"5\r\nhelloXX", DecodeError::MissingChunkEnd { index: 0 }),
        (b"5\r\nhello\n", DecodeError::MissingChunkEnd { index: 0 }),
        (
            b"5\r\nhello\r\n5\nhello\r\n",
            header(1, "the line ends with LF instead of CRLF"),
        ),
        (b"g\r\n", header(0, "the chunk size is not hex")),
        (b"\r\n", header(0, "there is no chunk size")),
        (
            b"1ffffffffffffffff\r\n",
            header(0, "the chunk size does not fit in 64 bits"),
        ),
        (
            b"5;chunk-signature=ab;x=y\r\n",
            header(0, "an extension other than chunk-signature"),
        ),
        (
            b"1000001\r\n",
            DecodeError::ChunkTooLarge {
                index: 0,
                size: 0x100_0001,
                max: ChunkSize::MAX,
            },
        ),
        (
            long_header.as_bytes(),
            DecodeError::OversizeChunkHeader {
                index: 0,
                max: 4096,
            },
        ),
        (b"0\r\n\r\n\r\n", DecodeError::DataAfterEnd),
        (
            b"0\r\nx-amz-trailer-signature:ab\r\nname:v\r\n\r\n",
            DecodeError::MalformedTrailer {
                line: 1,
                reason: "a trailer follows x-amz-trailer-signature",
            },
        ),
        (
            b"0\r\nX-Amz-Trailer-Signature:xyz\r\n\r\n",
            DecodeError::MalformedTrailer {
                line: 0,
                reason: "x-amz-trailer-signature is not 1 to 144 hex digits and '*'",
            },
        ),
        (
            b"0\r\nname:value\n\r\n",
            DecodeError::MalformedTrailer {
                line: 0,
                reason: "the line ends with LF instead of CRLF",
            },
        ),
        (
            long_trailer.as_bytes(),
            DecodeError::OversizeTrailers { max: 16 * 1024 },
        ),
        (
            many_trailers.as_bytes(),
            DecodeError::TooManyTrailers { max: 16 },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            decode_all(&[input]),
            Err(expected.clone()),
            "{}",
            String::from_utf8_lossy(&input[..input.len().min(60)])
        );
        // Byte by byte, the same error.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(decode_all(&bytes), Err(expected));
    }
}

#[test]
fn error_messages_name_the_culprit() {
    let cases: [(StreamVerifyError, &str); 4] = [
        (
            StreamVerifyError::ChunkSignatureMismatch { index: 3 },
            "chunk 3",
        ),
        (
            DecodeError::Truncated {
                within: FramePart::ChunkData {
                    index: 2,
                    missing: 10,
                },
            }
            .into(),
            "chunk 2, 10 bytes short",
        ),
        (
            StreamVerifyError::ChecksumMismatch {
                algorithm: ChecksumAlgorithm::Crc32c,
                received: "AAAAAA==".to_owned(),
                computed: "wdBDMA==".to_owned(),
            },
            "x-amz-checksum-crc32c is AAAAAA==",
        ),
        (
            StreamVerifyError::UndeclaredTrailer {
                name: "x-amz-meta-a".to_owned(),
            },
            "x-amz-meta-a",
        ),
    ];
    for (error, culprit) in cases {
        let message = error.to_string();
        assert!(
            message.contains(culprit),
            "{message:?} does not name {culprit:?}"
        );
    }
}
