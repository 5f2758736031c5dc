//! `aws-chunked` uploads: a 1 MiB body in 64 KiB chunks, signed and
//! verified chunk by chunk, against the floors: SHA-256 over the same bytes
//! (what a SigV4 chunk signature cannot avoid; the HMACs of 17 short strings
//! to sign are noise next to it) and, per SigV4A chunk, one raw aws-lc
//! ECDSA signature of a 32-byte prehash.
//!
//! The seed request is signed and verified once, outside the timed loops,
//! and every timed iteration starts a fresh encoder or verifier (built by
//! `iter_batched`, untimed) with warm key caches. The encoder is driven as
//! a client sends: `chunk_header` per slice of the body, the data never
//! copied, then `finish`. The verifier gets the encoded body in 64 KiB
//! reads, as a server's socket hands it over, and each verified chunk is
//! taken and dropped after every push.
//!
//! Included by `signing.rs`, which owns the credentials and the time.

use std::hint::black_box;

use aws_lc_rs::digest::{Digest as AwsLcDigest, SHA256 as AWS_LC_SHA256};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use sha2::{Digest, Sha256};
use sigv4kit_canon::{Algorithm, AmzDate, Header, Payload, Region, RegionSet, Request, Service};
use sigv4kit_ecdsa::hazmat::scalar_bytes;
use sigv4kit_ecdsa::{AwsLcEngine, EcdsaSigner, EcdsaVerifier, derive_signing_key};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::verifier::{FixedClock, Verifier, VerifyPolicy};
use sigv4kit_signer::{
    ChainScope, Credentials, Signer, SigningParams, SigningRegion, SigningSettings, Verified,
};
use sigv4kit_stream::{
    CHUNK_END, CheckingChain, ChunkedEncoder, ChunkedUpload, ChunkedVerifier, SigningChain,
    StreamExpectations, StreamLimits,
};

use crate::{ACCESS_KEY, SECRET, UNIX_TIME};

const BODY_LEN: usize = 1024 * 1024;
/// The plan's chunk size (`ChunkSize::DEFAULT`), and the verifier's reads.
const CHUNK_LEN: usize = 64 * 1024;
const HOST: &str = "examplebucket.s3.amazonaws.com";
const PATH: &str = "/examplebucket/chunkObject.txt";

fn body() -> Vec<u8> {
    (0..BODY_LEN).map(|i| (i % 251) as u8).collect()
}

fn params(credentials: &Credentials, algorithm: Algorithm) -> SigningParams<'_> {
    let region: SigningRegion = match algorithm {
        Algorithm::Sigv4 => Region::new("us-east-1").unwrap().into(),
        Algorithm::Sigv4a => RegionSet::parse("us-east-1").unwrap().into(),
    };
    SigningParams::new(
        credentials,
        AmzDate::from_unix_seconds(UNIX_TIME as i64).unwrap(),
        Service::new("s3").unwrap(),
        region,
    )
    .with_settings(SigningSettings::s3())
}

/// One upload's two ends, ready to start again for every iteration: the
/// plan, the seed request signed by `signer` and verified by `verifier`
/// with `key`, and what continues each end's chain.
struct Ends<'c, V: Verifier> {
    plan: ChunkedUpload,
    signer: &'c dyn Signer,
    params: SigningParams<'c>,
    seed_signature: String,
    verifier: &'c V,
    key: &'c V::Key,
    verified: Verified,
}

impl<'c, V: Verifier> Ends<'c, V> {
    /// Signs and verifies the seed request of a `BODY_LEN` upload in
    /// `signer`'s algorithm.
    fn new(
        credentials: &'c Credentials,
        signer: &'c dyn Signer,
        verifier: &'c V,
        key: &'c V::Key,
    ) -> Self {
        let algorithm = signer.algorithm();
        let plan = ChunkedUpload::signed(algorithm, BODY_LEN as u64);
        let params = params(credentials, algorithm);
        let mut sent = vec![("host".to_owned(), HOST.to_owned())];
        sent.extend(
            plan.seed_headers()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
        let headers: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
        let request =
            Request::new("PUT", PATH, &headers).with_payload(Payload::Streaming(plan.payload()));
        let output = signer.sign(&request, &params).unwrap();
        sent.extend(output.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
        let headers: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
        let policy = VerifyPolicy::s3(RegionSet::parse("us-east-1").unwrap())
            .with_clock(FixedClock(UNIX_TIME as i64));
        let verified = verifier
            .verify(&Request::new("PUT", PATH, &headers), key, &policy)
            .unwrap();
        Self {
            plan,
            signer,
            params,
            seed_signature: output.signature().to_owned(),
            verifier,
            key,
            verified,
        }
    }

    fn chunked_encoder(&self) -> ChunkedEncoder {
        let algorithm = self.signer.algorithm();
        let chain = SigningChain::new(
            self.signer.chain_signer(&self.params).unwrap(),
            ChainScope::for_signing(algorithm, &self.params).unwrap(),
            &self.seed_signature,
        )
        .unwrap();
        ChunkedEncoder::signed(self.plan, chain).unwrap()
    }

    fn chunked_verifier(&self) -> ChunkedVerifier {
        let chain = CheckingChain::new(
            self.verifier
                .chain_verifier(&self.verified, self.key)
                .unwrap(),
            ChainScope::for_verified(&self.verified),
            self.verified.signature_hex(),
        );
        let expected = StreamExpectations {
            payload: self.plan.payload(),
            decoded_length: self.plan.decoded_length(),
            trailers: Vec::new(),
        };
        ChunkedVerifier::new(expected, Some(chain), StreamLimits::DEFAULT).unwrap()
    }

    fn encoded(&self, body: &[u8]) -> Vec<u8> {
        self.chunked_encoder().encode_all(body).unwrap()
    }
}

/// What a client sends: each chunk's header, its data in place, its CRLF,
/// then the end. Returns the encoded length.
fn send(mut encoder: ChunkedEncoder, body: &[u8]) -> usize {
    let mut sent = 0;
    for chunk in body.chunks(CHUNK_LEN) {
        let header = encoder.chunk_header(chunk).unwrap();
        sent += header.len() + black_box(chunk).len() + CHUNK_END.len();
    }
    sent + encoder.finish().unwrap().len()
}

/// What a server does: push the body as it is read, take each verified
/// chunk, and finish. Returns the data length released.
fn receive(mut verifier: ChunkedVerifier, encoded: &[u8]) -> usize {
    let mut released = 0;
    for read in encoded.chunks(CHUNK_LEN) {
        verifier.push(read).unwrap();
        while let Some(chunk) = verifier.next_verified() {
            released += black_box(chunk).len();
        }
    }
    verifier.finish().unwrap();
    released
}

fn raw_sha2(group: &mut BenchmarkGroup<'_, WallTime>, body: &[u8]) {
    group.bench_function("raw-sha2", |b| b.iter(|| Sha256::digest(black_box(body))));
}

/// Signing `body` into the group `sign_group`, verifying it into
/// `verify_group`, each beside raw SHA-256 over the body.
fn bench_sign_and_verify<V: Verifier>(
    c: &mut Criterion,
    ends: &Ends<'_, V>,
    body: &[u8],
    sign_group: &str,
    verify_group: &str,
) {
    let encoded = ends.encoded(body);
    assert_eq!(receive(ends.chunked_verifier(), &encoded), body.len());
    assert_eq!(send(ends.chunked_encoder(), body), encoded.len());

    let mut group = c.benchmark_group(sign_group);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("sigv4kit", |b| {
        b.iter_batched(
            || ends.chunked_encoder(),
            |encoder| send(encoder, body),
            BatchSize::SmallInput,
        )
    });
    raw_sha2(&mut group, body);
    group.finish();

    let mut group = c.benchmark_group(verify_group);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("sigv4kit", |b| {
        b.iter_batched(
            || ends.chunked_verifier(),
            |verifier| receive(verifier, &encoded),
            BatchSize::SmallInput,
        )
    });
    raw_sha2(&mut group, body);
    group.finish();
}

pub fn bench_chunked(c: &mut Criterion) {
    let credentials = Credentials::new(ACCESS_KEY, SECRET, None).unwrap();
    let body = body();

    let hmac_signer = HmacSigner::new();
    let hmac_verifier = HmacVerifier::new();
    let secret = FingerprintedSecret::from(&credentials);
    let sigv4 = Ends::new(&credentials, &hmac_signer, &hmac_verifier, &secret);
    bench_sign_and_verify(
        c,
        &sigv4,
        &body,
        "chunked/sigv4-sign-1MiB",
        "chunked/sigv4-verify-1MiB",
    );

    let ecdsa_signer = EcdsaSigner::with_engine(AwsLcEngine::new());
    let ecdsa_verifier = EcdsaVerifier::with_engine(AwsLcEngine::new());
    let public_key = ecdsa_signer.public_key(&credentials).unwrap();
    let sigv4a = Ends::new(&credentials, &ecdsa_signer, &ecdsa_verifier, &public_key);
    bench_sign_and_verify(
        c,
        &sigv4a,
        &body,
        "chunked/sigv4a-aws-lc-sign-1MiB",
        "chunked/sigv4a-verify-1MiB",
    );
    bench_sigv4a_chunk_sign(c, &sigv4a);
}

/// One SigV4A chunk signature (string to sign, its SHA-256, the ECDSA
/// signature, hex) against a raw aws-lc signature of a 32-byte prehash.
fn bench_sigv4a_chunk_sign<V: Verifier>(c: &mut Criterion, ends: &Ends<'_, V>) {
    let key = derive_signing_key(ACCESS_KEY, SECRET.as_bytes()).unwrap();
    let scalar = scalar_bytes(&key);
    let aws_lc_key = EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        &scalar[..],
        &key.public_key().to_uncompressed_sec1(),
    )
    .unwrap();
    let chunk_sha256: [u8; 32] = Sha256::digest(&body()[..CHUNK_LEN]).into();
    let prehash = AwsLcDigest::import_less_safe(&chunk_sha256, &AWS_LC_SHA256).unwrap();
    let mut chain = SigningChain::new(
        ends.signer.chain_signer(&ends.params).unwrap(),
        ChainScope::for_signing(Algorithm::Sigv4a, &ends.params).unwrap(),
        &ends.seed_signature,
    )
    .unwrap();

    let mut group = c.benchmark_group("chunked/sigv4a-chunk-sign");
    group.bench_function("sigv4kit", |b| {
        b.iter(|| chain.sign_chunk(black_box(&chunk_sha256)).unwrap())
    });
    group.bench_function("raw-aws-lc", |b| {
        b.iter(|| aws_lc_key.sign_digest(black_box(&prehash)).unwrap())
    });
    group.finish();
}
