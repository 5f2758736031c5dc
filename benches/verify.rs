//! Verification of whole signed requests: parse the signature, check the
//! claims, recompute the canonical request, check the signature.
//!
//! Included by `signing.rs`, which owns the fixtures.

use std::hint::black_box;

use criterion::Criterion;
use sigv4kit_canon::{Header, Region, RegionSet, Request, RequestSignature, Service};
use sigv4kit_ecdsa::{AwsLcEngine, EcdsaSigner, EcdsaVerifier};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::verifier::{FixedClock, Verifier, VerifyPolicy};
use sigv4kit_signer::{Signer, SigningRegion};

use crate::sigv4a::{SignFloors, VerifyFloors};
use crate::{
    Fixture, UNIX_TIME, fixtures, params_in_turn, sign_in_turn, sign_with, sixteen_shapes,
};

/// The signed request's headers: the fixture's own plus the signature's.
fn signed_headers(fixture: &Fixture, added: &[(String, String)]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = vec![("host".into(), fixture.host.into())];
    all.extend(
        fixture
            .headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone())),
    );
    all.extend(added.iter().cloned());
    all
}

fn policy(fixture: &Fixture, region: RegionSet) -> VerifyPolicy {
    VerifyPolicy::new(Service::new(fixture.service).unwrap(), region)
        .with_clock(FixedClock(UNIX_TIME as i64))
}

/// A fixture signed with SigV4, with what verifies it.
struct SignedSigv4 {
    headers: Vec<(String, String)>,
    policy: VerifyPolicy,
    /// What a key store holds: the secret, fingerprinted once.
    secret: FingerprintedSecret,
}

impl SignedSigv4 {
    fn of(fixture: &Fixture) -> Self {
        let credentials = fixture.credentials();
        let headers = fixture.request_headers();
        let request =
            Request::new(fixture.method, fixture.target, &headers).with_payload(fixture.payload());
        let output = HmacSigner::new()
            .sign(&request, &fixture.params(&credentials))
            .unwrap();
        let added: Vec<(String, String)> = output
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        Self {
            headers: signed_headers(fixture, &added),
            policy: policy(
                fixture,
                RegionSet::single(&Region::new(fixture.region).unwrap()),
            ),
            secret: FingerprintedSecret::from(&credentials),
        }
    }

    fn headers(&self) -> Vec<Header<'_>> {
        self.headers
            .iter()
            .map(|(n, v)| Header::new(n, v))
            .collect()
    }
}

pub fn bench_verification(c: &mut Criterion) {
    let verify_floors = VerifyFloors::of(&SignFloors::new());
    for fixture in fixtures() {
        let credentials = fixture.credentials();
        let headers = fixture.request_headers();
        let request =
            Request::new(fixture.method, fixture.target, &headers).with_payload(fixture.payload());

        let v4 = SignedSigv4::of(&fixture);
        let v4_headers = v4.headers();
        let v4_request = Request::new(fixture.method, fixture.target, &v4_headers)
            .with_payload(fixture.payload());
        let (v4_policy, secret) = (&v4.policy, &v4.secret);
        let hmac = HmacVerifier::new();
        hmac.verify(&v4_request, secret, v4_policy).unwrap();
        let hmac_signer = HmacSigner::new();
        let v4_params = fixture.params(&credentials);

        let mut v4a_params = fixture.params(&credentials);
        v4a_params.region = SigningRegion::RegionSet(RegionSet::parse(fixture.region).unwrap());
        let signer = EcdsaSigner::new();
        let v4a = signer.sign(&request, &v4a_params).unwrap();
        let v4a_added: Vec<(String, String)> = v4a
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let v4a_owned = signed_headers(&fixture, &v4a_added);
        let v4a_headers: Vec<Header<'_>> =
            v4a_owned.iter().map(|(n, v)| Header::new(n, v)).collect();
        let v4a_request = Request::new(fixture.method, fixture.target, &v4a_headers)
            .with_payload(fixture.payload());
        let public_key = signer.public_key(&credentials).unwrap();
        let v4a_policy = policy(&fixture, RegionSet::parse(fixture.region).unwrap());
        let p256 = EcdsaVerifier::new();
        let aws_lc = EcdsaVerifier::with_engine(AwsLcEngine::new());
        p256.verify(&v4a_request, &public_key, &v4a_policy).unwrap();

        let mut group = c.benchmark_group(format!("sigv4-verify.{}", fixture.name));
        group.bench_function("sigv4kit", |b| {
            b.iter(|| {
                hmac.verify(black_box(&v4_request), secret, v4_policy)
                    .unwrap()
            })
        });
        // The signing of `sigv4-header`, measured again right after the
        // verification it is compared with.
        group.bench_function("sigv4kit-sign", |b| {
            b.iter(|| sign_with(&hmac_signer, &fixture, &headers, black_box(&v4_params)))
        });
        // The verification in its two parts: reading the signature from
        // the request, and everything after (`verify_parsed` with the
        // signature read once, outside the loop).
        group.bench_function("part-read-signature", |b| {
            b.iter(|| RequestSignature::from_request(black_box(&v4_request)).unwrap())
        });
        let read = RequestSignature::from_request(&v4_request).unwrap();
        group.bench_function("part-after-reading", |b| {
            b.iter(|| {
                hmac.verify_parsed(black_box(&v4_request), black_box(&read), secret, v4_policy)
                    .unwrap()
            })
        });
        group.finish();
        let mut group = c.benchmark_group(format!("sigv4a-verify.{}", fixture.name));
        group.bench_function("sigv4kit-p256", |b| {
            b.iter(|| {
                p256.verify(black_box(&v4a_request), &public_key, &v4a_policy)
                    .unwrap()
            })
        });
        group.bench_function("sigv4kit-aws-lc", |b| {
            b.iter(|| {
                aws_lc
                    .verify(black_box(&v4a_request), &public_key, &v4a_policy)
                    .unwrap()
            })
        });
        // The raw verifications again, beside what is compared with them.
        verify_floors.bench_in(&mut group);
        group.finish();
    }
}

/// The three requests verified in turn, as `bench_sigv4_mixed_signing`
/// signs them: no request has the header names, nor the `Authorization`
/// text before the signature, of the one before; each finds its own among
/// the eight a thread remembers.
pub fn bench_mixed_verification(c: &mut Criterion) {
    bench_verification_in_turn(c, "sigv4-verify-mixed.three-requests", fixtures());
}

/// `sixteen_shapes` verified in turn: twice as many shapes as a thread
/// remembers, so that every request's header order and `Authorization`
/// layout are read afresh.
pub fn bench_unseen_verification(c: &mut Criterion) {
    bench_verification_in_turn(c, "sigv4-verify-unseen.sixteen-shapes", sixteen_shapes());
}

/// Verifies `fixtures`, signed, in turn, then signs them in turn, in one
/// group named `name`.
fn bench_verification_in_turn(c: &mut Criterion, name: &str, fixtures: Vec<Fixture>) {
    let signed: Vec<SignedSigv4> = fixtures.iter().map(SignedSigv4::of).collect();
    let headers: Vec<Vec<Header<'_>>> = signed.iter().map(SignedSigv4::headers).collect();
    let requests: Vec<Request<'_>> = fixtures
        .iter()
        .zip(&headers)
        .map(|(fixture, headers)| {
            Request::new(fixture.method, fixture.target, headers).with_payload(fixture.payload())
        })
        .collect();
    let hmac = HmacVerifier::new();
    let credentials: Vec<_> = fixtures.iter().map(Fixture::credentials).collect();
    let params = params_in_turn(&fixtures, &credentials);
    let unsigned: Vec<Vec<Header<'_>>> = fixtures.iter().map(Fixture::request_headers).collect();
    let signer = HmacSigner::new();
    let mut group = c.benchmark_group(name);
    group.bench_function("sigv4kit", |b| {
        b.iter(|| {
            for (request, signed) in requests.iter().zip(&signed) {
                hmac.verify(black_box(request), &signed.secret, &signed.policy)
                    .unwrap();
            }
        })
    });
    // The signing of `sigv4-header-mixed`, measured again right after.
    group.bench_function("sigv4kit-sign", |b| {
        b.iter(|| sign_in_turn(&signer, &fixtures, &unsigned, &params))
    });
    group.finish();
}
