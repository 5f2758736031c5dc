//! SigV4A: signing with each engine against `aws-sigv4`, verification, key
//! derivation, and the raw ECDSA floors of `p256` and `aws-lc-rs`.
//!
//! Included by `signing.rs`, which owns the fixtures.

use std::hint::black_box;

use aws_lc_rs::digest::{Digest as AwsLcDigest, SHA256 as AWS_LC_SHA256};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use sha2::{Digest, Sha256};
use sigv4kit_canon::{RegionSet, Request};
use sigv4kit_ecdsa::hazmat::scalar_bytes;
use sigv4kit_ecdsa::{
    AwsLcEngine, DerSignature, EcdsaSigner, EngineError, P256Engine, PublicKey, SigningEngine,
    SigningKey, derive_signing_key, verify,
};
use sigv4kit_signer::{Expiry, Signer, SigningParams, SigningRegion};

use crate::{ACCESS_KEY, Fixture, SECRET, fixtures, peer, sign_with};

fn sigv4a_params<'c>(
    fixture: &Fixture,
    credentials: &'c sigv4kit_signer::Credentials,
) -> SigningParams<'c> {
    let mut params = fixture.params(credentials);
    params.region = SigningRegion::RegionSet(RegionSet::parse(fixture.region).unwrap());
    params
}

pub fn bench_sigv4a_signing(c: &mut Criterion) {
    let floors = SignFloors::new();
    let p256_signer = EcdsaSigner::new();
    let aws_lc_signer = EcdsaSigner::with_engine(AwsLcEngine::new());
    let without_ecdsa_signer = EcdsaSigner::with_engine(WithoutEcdsa::answering_as(&floors));
    for fixture in fixtures() {
        let credentials = fixture.credentials();
        let url = fixture.url();
        let identity = peer::identity(&fixture);
        let headers = fixture.request_headers();
        for presign in [false, true] {
            let mode = if presign { "query" } else { "header" };
            let mut params = sigv4a_params(&fixture, &credentials);
            if presign {
                params = params.presigned(Expiry::from_secs(3600).unwrap());
            }
            let mut group = c.benchmark_group(format!("sigv4a-{mode}.{}", fixture.name));
            group.bench_function("sigv4kit-p256", |b| {
                b.iter(|| sign_with(&p256_signer, &fixture, &headers, black_box(&params)))
            });
            group.bench_function("sigv4kit-aws-lc", |b| {
                b.iter(|| sign_with(&aws_lc_signer, &fixture, &headers, black_box(&params)))
            });
            let settings = peer::settings(&fixture, presign);
            group.bench_function("aws-sigv4", |b| {
                b.iter(|| peer::sign_v4a(&fixture, black_box(&url), &identity, &settings))
            });
            // The floors again, beside what is compared with them, so that
            // a drift of the machine's speed between groups does not enter
            // the ratio; and the signing's work around the ECDSA alone.
            if !presign {
                floors.bench_in(&mut group);
                group.bench_function("part-without-ecdsa", |b| {
                    b.iter(|| {
                        sign_with(
                            &without_ecdsa_signer,
                            &fixture,
                            &headers,
                            black_box(&params),
                        )
                    })
                });
            }
            group.finish();
        }
    }

    let fixture = &fixtures()[0];
    let credentials = fixture.credentials();
    let params = sigv4a_params(fixture, &credentials);
    let headers = fixture.request_headers();
    let mut group = c.benchmark_group(format!("sigv4a-cold.{}", fixture.name));
    group.bench_function("sigv4kit-p256", |b| {
        b.iter(|| sign_with(&EcdsaSigner::new(), fixture, &headers, black_box(&params)))
    });
    group.finish();
}

/// An engine that answers every digest with one signature made beforehand,
/// so that a SigV4A signing through it times the work around the ECDSA
/// alone: the canonical request, the string to sign, the key lookup and the
/// output. It verifies nothing.
#[derive(Debug)]
struct WithoutEcdsa(DerSignature);

impl WithoutEcdsa {
    /// Answers with a signature of the raw aws-lc sign of `floors`.
    fn answering_as(floors: &SignFloors) -> Self {
        let signature = floors
            .aws_lc_key
            .sign_digest(&floors.aws_lc_digest)
            .unwrap();
        Self(DerSignature::from_der(signature.as_ref()).unwrap())
    }
}

impl SigningEngine for WithoutEcdsa {
    fn name(&self) -> &'static str {
        "without-ecdsa"
    }

    fn sign_prehash(
        &self,
        _key: &SigningKey,
        digest32: &[u8; 32],
    ) -> Result<DerSignature, EngineError> {
        black_box(digest32);
        Ok(self.0)
    }

    fn verify_prehash(
        &self,
        _key: &PublicKey,
        _digest32: &[u8; 32],
        _der: &[u8],
    ) -> Result<(), EngineError> {
        Err(EngineError::InvalidSignature)
    }
}

/// The raw ECDSA P-256 signers of a 32-byte prehash with the derived key:
/// what SigV4A cannot avoid.
pub(crate) struct SignFloors {
    digest: [u8; 32],
    p256_key: p256::ecdsa::SigningKey,
    aws_lc_key: EcdsaKeyPair,
    aws_lc_digest: AwsLcDigest,
}

impl SignFloors {
    pub(crate) fn new() -> Self {
        let key = derive_signing_key(ACCESS_KEY, SECRET.as_bytes()).unwrap();
        let scalar = scalar_bytes(&key);
        let digest: [u8; 32] =
            Sha256::digest(b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n...").into();
        Self {
            digest,
            p256_key: p256::ecdsa::SigningKey::from_bytes(&(*scalar).into()).unwrap(),
            aws_lc_key: EcdsaKeyPair::from_private_key_and_public_key(
                &ECDSA_P256_SHA256_ASN1_SIGNING,
                &scalar[..],
                &key.public_key().to_uncompressed_sec1(),
            )
            .unwrap(),
            aws_lc_digest: AwsLcDigest::import_less_safe(&digest, &AWS_LC_SHA256).unwrap(),
        }
    }

    /// Adds the two raw signs to `group`, as `floor-p256` and `floor-aws-lc`.
    fn bench_in(&self, group: &mut BenchmarkGroup<'_, WallTime>) {
        group.bench_function("floor-p256", |b| {
            b.iter(|| -> p256::ecdsa::Signature {
                self.p256_key.sign_prehash(black_box(&self.digest)).unwrap()
            })
        });
        group.bench_function("floor-aws-lc", |b| {
            b.iter(|| {
                self.aws_lc_key
                    .sign_digest(black_box(&self.aws_lc_digest))
                    .unwrap()
            })
        });
    }
}

/// The raw ECDSA P-256 verifications of a 32-byte prehash: what a SigV4A
/// verification cannot avoid.
pub(crate) struct VerifyFloors {
    digest: [u8; 32],
    p256_key: p256::ecdsa::VerifyingKey,
    p256_signature: p256::ecdsa::Signature,
    aws_lc_digest: AwsLcDigest,
    aws_lc_signature: aws_lc_rs::signature::Signature,
    aws_lc_public: Vec<u8>,
}

impl VerifyFloors {
    /// Verifies what the raw signs of `signs` sign, with their keys.
    pub(crate) fn of(signs: &SignFloors) -> Self {
        Self {
            digest: signs.digest,
            p256_key: *signs.p256_key.verifying_key(),
            p256_signature: signs.p256_key.sign_prehash(&signs.digest).unwrap(),
            aws_lc_signature: signs.aws_lc_key.sign_digest(&signs.aws_lc_digest).unwrap(),
            aws_lc_public: signs.aws_lc_key.public_key().as_ref().to_vec(),
            aws_lc_digest: signs.aws_lc_digest,
        }
    }

    /// Adds the two raw verifications to `group`, as `floor-p256` and
    /// `floor-aws-lc`.
    pub(crate) fn bench_in(&self, group: &mut BenchmarkGroup<'_, WallTime>) {
        group.bench_function("floor-p256", |b| {
            b.iter(|| {
                self.p256_key
                    .verify_prehash(black_box(&self.digest), &self.p256_signature)
                    .unwrap()
            })
        });
        group.bench_function("floor-aws-lc", |b| {
            b.iter(|| {
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &self.aws_lc_public)
                    .verify_digest(
                        black_box(&self.aws_lc_digest),
                        self.aws_lc_signature.as_ref(),
                    )
                    .unwrap()
            })
        });
    }
}

/// Raw P-256 sign and verify of a 32-byte prehash: what SigV4A cannot avoid.
pub fn bench_ecdsa_floors(c: &mut Criterion) {
    let key = derive_signing_key(ACCESS_KEY, SECRET.as_bytes()).unwrap();
    let floors = SignFloors::new();
    let digest = floors.digest;

    let mut group = c.benchmark_group("ecdsa-sign");
    floors.bench_in(&mut group);
    group.bench_function("sigv4kit-p256", |b| {
        b.iter(|| {
            P256Engine::new()
                .sign_prehash(&key, black_box(&digest))
                .unwrap()
        })
    });
    let aws_lc_engine = AwsLcEngine::new();
    group.bench_function("sigv4kit-aws-lc", |b| {
        b.iter(|| {
            aws_lc_engine
                .sign_prehash(&key, black_box(&digest))
                .unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("ecdsa-verify");
    VerifyFloors::of(&floors).bench_in(&mut group);
    group.finish();
}

/// SigV4A verification of a signed string to sign (hex decode, DER parse,
/// SHA-256, ECDSA verify), with each engine, against the raw verify floors
/// in `ecdsa-verify`.
pub fn bench_sigv4a_verify(c: &mut Criterion) {
    let fixture = &fixtures()[1];
    let credentials = fixture.credentials();
    let params = sigv4a_params(fixture, &credentials);
    let signer = EcdsaSigner::new();
    let headers = fixture.request_headers();
    let request =
        Request::new(fixture.method, fixture.target, &headers).with_payload(fixture.payload());
    let output = signer.sign(&request, &params).unwrap();
    let string_to_sign = output.string_to_sign();
    let signature = output.signature().to_owned();
    let public = signer.public_key(&credentials).unwrap();
    let der = sigv4kit_ecdsa::DerSignature::from_hex(&signature).unwrap();
    let aws_lc = AwsLcEngine::new();

    let mut group = c.benchmark_group("ecdsa-verify");
    group.bench_function("sigv4kit-p256", |b| {
        b.iter(|| verify(black_box(string_to_sign.as_bytes()), &signature, &public).unwrap())
    });
    group.bench_function("sigv4kit-aws-lc", |b| {
        b.iter(|| {
            aws_lc
                .verify(
                    &public,
                    black_box(string_to_sign.as_bytes()),
                    der.as_bytes(),
                )
                .unwrap()
        })
    });
    group.finish();
}

pub fn bench_sigv4a_key_derivation(c: &mut Criterion) {
    let mut group = c.benchmark_group("kdf.sigv4a");
    group.bench_function("sigv4kit", |b| {
        b.iter(|| derive_signing_key(black_box(ACCESS_KEY), SECRET.as_bytes()).unwrap())
    });
    group.finish();
}
