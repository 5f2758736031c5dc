//! Signing, verification, payload hashing and key derivation, measured side by
//! side with the peer users would otherwise pick (`aws-sigv4`) and with the
//! floors: the bare crypto each operation cannot avoid.
//!
//! Bench ids are `<group>/<implementation>`; `scripts/bench-summary.py` reads
//! them back and prints the ratios. Quick run: `cargo bench -p sigv4kit-benches -- --quick`.

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use sigv4kit_canon::{AmzDate, Header, Payload, PayloadHash, Region, Request, Service};
use sigv4kit_hmac::{HmacSigner, SigningKey};
use sigv4kit_signer::{Credentials, Expiry, Signer, SigningParams, SigningSettings};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
const UNIX_TIME: u64 = 1_440_938_160; // 2015-08-30T12:36:00Z

/// A request to sign, in both libraries' terms.
struct Fixture {
    name: &'static str,
    method: &'static str,
    host: &'static str,
    target: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    unsigned_payload: bool,
    token: bool,
    service: &'static str,
    region: &'static str,
}

impl Fixture {
    fn url(&self) -> String {
        format!("https://{}{}", self.host, self.target)
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(ACCESS_KEY, SECRET, self.token.then(|| TOKEN.to_owned())).unwrap()
    }

    fn payload(&self) -> Payload<'_> {
        if self.unsigned_payload {
            Payload::Unsigned
        } else {
            Payload::Bytes(&self.body)
        }
    }

    fn request_headers(&self) -> Vec<Header<'_>> {
        let mut headers = Vec::with_capacity(self.headers.len() + 1);
        headers.push(Header::new("host", self.host));
        headers.extend(
            self.headers
                .iter()
                .map(|(name, value)| Header::new(*name, value)),
        );
        headers
    }

    fn params<'c>(&self, credentials: &'c Credentials) -> SigningParams<'c> {
        SigningParams::new(
            credentials,
            AmzDate::from_unix_seconds(UNIX_TIME as i64).unwrap(),
            Service::new(self.service).unwrap(),
            Region::new(self.region).unwrap(),
        )
        .with_settings(SigningSettings {
            content_sha256_header: self.unsigned_payload,
            ..SigningSettings::default()
        })
    }
}

fn fixtures() -> Vec<Fixture> {
    let json_body = {
        let mut body = br#"{"TableName":"Music","AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},{"AttributeName":"SongTitle","AttributeType":"S"}],"KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},{"AttributeName":"SongTitle","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST""#.to_vec();
        body.resize(299, b' ');
        body.push(b'}');
        body
    };
    vec![
        Fixture {
            name: "get-vanilla",
            method: "GET",
            host: "example.amazonaws.com",
            target: "/",
            headers: vec![],
            body: vec![],
            unsigned_payload: false,
            token: false,
            service: "service",
            region: "us-east-1",
        },
        Fixture {
            name: "dynamodb-post",
            method: "POST",
            host: "dynamodb.us-east-1.amazonaws.com",
            target: "/",
            headers: vec![
                ("content-type", "application/x-amz-json-1.0".into()),
                ("x-amz-target", "DynamoDB_20120810.CreateTable".into()),
                ("content-length", json_body.len().to_string()),
                ("accept-encoding", "identity".into()),
                (
                    "x-amz-user-agent",
                    "aws-sdk-rust/1.0 os/linux lang/rust".into(),
                ),
            ],
            body: json_body,
            unsigned_payload: false,
            token: true,
            service: "dynamodb",
            region: "us-east-1",
        },
        Fixture {
            name: "lattice-post",
            method: "POST",
            host: "my-service-0123456789abcdef.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
            target: "/orders?priority=high",
            headers: vec![("content-type", "application/json".into())],
            body: br#"{"order":42}"#.to_vec(),
            unsigned_payload: true,
            token: false,
            service: "vpc-lattice-svcs",
            region: "us-west-2",
        },
    ]
}

/// One signing through the `Signer` trait. The caller builds the header
/// slice once, as an application holds its headers already; `aws-sigv4`'s
/// `SignableRequest` is built inside its loop because it is part of its
/// signing call.
fn sign_with<S: Signer>(
    signer: &S,
    fixture: &Fixture,
    headers: &[Header<'_>],
    params: &SigningParams<'_>,
) -> usize {
    let request =
        Request::new(fixture.method, fixture.target, headers).with_payload(fixture.payload());
    signer.sign(&request, params).unwrap().signature().len()
}

mod peer {
    //! The same requests through `aws-sigv4`.
    use super::*;
    use aws_sigv4::http_request::{
        PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
        sign,
    };
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;

    pub fn identity(fixture: &Fixture) -> Identity {
        aws_credential_types::Credentials::new(
            ACCESS_KEY,
            SECRET,
            fixture.token.then(|| TOKEN.to_owned()),
            None,
            "bench",
        )
        .into()
    }

    pub fn settings(fixture: &Fixture, presign: bool) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if fixture.unsigned_payload {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(3600));
        }
        settings
    }

    pub fn sign_v4a(
        fixture: &Fixture,
        url: &str,
        identity: &Identity,
        settings: &SigningSettings,
    ) -> usize {
        let params = aws_sigv4::sign::v4a::SigningParams::builder()
            .identity(identity)
            .region_set(fixture.region)
            .name(fixture.service)
            .time(UNIX_EPOCH + Duration::from_secs(UNIX_TIME))
            .settings(settings.clone())
            .build()
            .unwrap()
            .into();
        sign_with_params(fixture, url, &params)
    }

    pub fn sign_v4(
        fixture: &Fixture,
        url: &str,
        identity: &Identity,
        settings: &SigningSettings,
    ) -> usize {
        let params = v4::SigningParams::builder()
            .identity(identity)
            .region(fixture.region)
            .name(fixture.service)
            .time(UNIX_EPOCH + Duration::from_secs(UNIX_TIME))
            .settings(settings.clone())
            .build()
            .unwrap()
            .into();
        sign_with_params(fixture, url, &params)
    }

    fn sign_with_params(
        fixture: &Fixture,
        url: &str,
        params: &aws_sigv4::http_request::SigningParams<'_>,
    ) -> usize {
        let headers = std::iter::once(("host", fixture.host)).chain(
            fixture
                .headers
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
        );
        let body = if fixture.unsigned_payload {
            SignableBody::UnsignedPayload
        } else {
            SignableBody::Bytes(&fixture.body)
        };
        let request = SignableRequest::new(fixture.method, url, headers, body).unwrap();
        let (instructions, signature) = sign(request, params).unwrap().into_parts();
        black_box(instructions);
        signature.len()
    }
}

fn bench_sigv4_signing(c: &mut Criterion) {
    for fixture in fixtures() {
        let credentials = fixture.credentials();
        let url = fixture.url();
        let identity = peer::identity(&fixture);
        let headers = fixture.request_headers();
        for presign in [false, true] {
            let mode = if presign { "query" } else { "header" };
            let mut group = c.benchmark_group(format!("sigv4-{mode}.{}", fixture.name));
            let mut params = fixture.params(&credentials);
            if presign {
                params = params.presigned(Expiry::from_secs(3600).unwrap());
            }
            let signer = HmacSigner::new();
            group.bench_function("sigv4kit", |b| {
                b.iter(|| sign_with(&signer, &fixture, &headers, black_box(&params)))
            });
            let settings = peer::settings(&fixture, presign);
            group.bench_function("aws-sigv4", |b| {
                b.iter(|| peer::sign_v4(&fixture, black_box(&url), &identity, &settings))
            });
            group.finish();
        }

        let mut group = c.benchmark_group(format!("sigv4-cold.{}", fixture.name));
        let params = fixture.params(&credentials);
        let uncached = HmacSigner::with_cache_capacity(0);
        group.bench_function("sigv4kit", |b| {
            b.iter(|| sign_with(&uncached, &fixture, &headers, black_box(&params)))
        });
        let settings = peer::settings(&fixture, false);
        group.bench_function("aws-sigv4", |b| {
            b.iter(|| peer::sign_v4(&fixture, black_box(&url), &identity, &settings))
        });
        floor_sigv4_crypto(&mut group, &fixture, &params);
        group.finish();
    }
}

/// The three requests signed in turn, so that no request has the header
/// names of the one before, as a client calling a few operations sends
/// them: each finds its own header order among the eight shapes a thread
/// remembers (see `sigv4kit-canon`'s `SortScratches`).
fn bench_sigv4_mixed_signing(c: &mut Criterion) {
    bench_signing_in_turn(c, "sigv4-header-mixed.three-requests", &fixtures());
}

/// `fixtures` signed in turn by sigv4kit and by `aws-sigv4`, each with its
/// own credentials, headers and parameters, in the group `name`.
fn bench_signing_in_turn(c: &mut Criterion, name: &str, fixtures: &[Fixture]) {
    let credentials: Vec<Credentials> = fixtures.iter().map(Fixture::credentials).collect();
    let params = params_in_turn(fixtures, &credentials);
    let headers: Vec<Vec<Header<'_>>> = fixtures.iter().map(Fixture::request_headers).collect();
    let peer: Vec<_> = fixtures
        .iter()
        .map(|fixture| {
            (
                fixture.url(),
                peer::identity(fixture),
                peer::settings(fixture, false),
            )
        })
        .collect();
    let signer = HmacSigner::new();
    let mut group = c.benchmark_group(name);
    group.bench_function("sigv4kit", |b| {
        b.iter(|| sign_in_turn(&signer, fixtures, &headers, &params))
    });
    group.bench_function("aws-sigv4", |b| {
        b.iter(|| {
            let mut total = 0;
            for (fixture, (url, identity, settings)) in fixtures.iter().zip(&peer) {
                total += peer::sign_v4(fixture, black_box(url), identity, settings);
            }
            total
        })
    });
    group.finish();
}

/// The signing parameters of each of `fixtures`, with its `credentials`.
fn params_in_turn<'c>(
    fixtures: &[Fixture],
    credentials: &'c [Credentials],
) -> Vec<SigningParams<'c>> {
    fixtures
        .iter()
        .zip(credentials)
        .map(|(fixture, credentials)| fixture.params(credentials))
        .collect()
}

/// Signs `fixtures` in turn with `signer`, each with its headers and
/// parameters.
fn sign_in_turn<S: Signer>(
    signer: &S,
    fixtures: &[Fixture],
    headers: &[Vec<Header<'_>>],
    params: &[SigningParams<'_>],
) -> usize {
    fixtures
        .iter()
        .zip(headers)
        .zip(params)
        .map(|((fixture, headers), params)| sign_with(signer, fixture, headers, black_box(params)))
        .sum()
}

/// The names of the extra header that makes each of [`sixteen_shapes`] a
/// shape of its own.
const SHAPE_HEADERS: [&str; 16] = [
    "x-shape-00",
    "x-shape-01",
    "x-shape-02",
    "x-shape-03",
    "x-shape-04",
    "x-shape-05",
    "x-shape-06",
    "x-shape-07",
    "x-shape-08",
    "x-shape-09",
    "x-shape-10",
    "x-shape-11",
    "x-shape-12",
    "x-shape-13",
    "x-shape-14",
    "x-shape-15",
];

/// The DynamoDB POST in sixteen shapes, each with one more header of its
/// own: twice as many shapes as a thread remembers, so that taken in turn
/// none is found again and every request is read as if it were the first.
fn sixteen_shapes() -> Vec<Fixture> {
    SHAPE_HEADERS
        .iter()
        .map(|name| {
            let mut fixture = fixtures()
                .into_iter()
                .find(|fixture| fixture.name == "dynamodb-post")
                .unwrap();
            fixture.headers.push((name, "1".into()));
            fixture
        })
        .collect()
}

/// [`sixteen_shapes`] signed in turn: signing with no header order to reuse.
fn bench_sigv4_unseen_signing(c: &mut Criterion) {
    bench_signing_in_turn(c, "sigv4-header-unseen.sixteen-shapes", &sixteen_shapes());
}

/// The SHA-256 of the canonical request and the HMAC of the string to sign
/// with a cached key: what a SigV4 signing cannot avoid.
fn floor_sigv4_crypto(
    group: &mut BenchmarkGroup<'_, WallTime>,
    fixture: &Fixture,
    params: &SigningParams<'_>,
) {
    let mut debug_params = params.clone();
    debug_params.settings.capture_canonical_request = true;
    let headers = fixture.request_headers();
    let request =
        Request::new(fixture.method, fixture.target, &headers).with_payload(fixture.payload());
    let output = HmacSigner::new().sign(&request, &debug_params).unwrap();
    let canonical = output.canonical_request().unwrap().to_owned();
    let string_to_sign = output.string_to_sign();
    let key = SigningKey::derive(SECRET, "20150830", fixture.region, fixture.service);
    let body = fixture.body.clone();
    let hash_body = !fixture.unsigned_payload;
    group.bench_function("floor-sha256-hmac", |b| {
        b.iter(|| {
            if hash_body {
                black_box(Sha256::digest(black_box(&body)));
            }
            black_box(Sha256::digest(black_box(canonical.as_bytes())));
            let mut mac = key.mac();
            mac.update(black_box(string_to_sign.as_bytes()));
            black_box(mac.finalize())
        })
    });
}

fn bench_payload_hashing(c: &mut Criterion) {
    for (label, size) in [("1KiB", 1024), ("64KiB", 64 * 1024), ("1MiB", 1024 * 1024)] {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let mut group = c.benchmark_group(format!("payload-hash.{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("sigv4kit", |b| b.iter(|| PayloadHash::of(black_box(&body))));
        group.bench_function("floor-sha2", |b| {
            b.iter(|| Sha256::digest(black_box(&body)))
        });
        group.finish();
    }
}

fn bench_sigv4_key_derivation(c: &mut Criterion) {
    let mut group = c.benchmark_group("kdf.sigv4");
    group.bench_function("sigv4kit", |b| {
        b.iter(|| SigningKey::derive(black_box(SECRET), "20150830", "us-east-1", "service"))
    });
    group.bench_function("floor-4-hmacs", |b| {
        b.iter(|| {
            let mut key = [0u8; 32];
            for (index, part) in ["20150830", "us-east-1", "service", "aws4_request"]
                .iter()
                .enumerate()
            {
                let mut mac = if index == 0 {
                    <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(
                        b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    )
                    .unwrap()
                } else {
                    <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap()
                };
                mac.update(part.as_bytes());
                key = mac.finalize().into_bytes().into();
            }
            black_box(key)
        })
    });
    group.finish();
}

mod sigv4a;
mod streaming;
mod verify;

criterion_group!(
    benches,
    bench_sigv4_signing,
    bench_sigv4_mixed_signing,
    bench_sigv4_unseen_signing,
    bench_payload_hashing,
    bench_sigv4_key_derivation,
    sigv4a::bench_sigv4a_signing,
    sigv4a::bench_ecdsa_floors,
    sigv4a::bench_sigv4a_verify,
    sigv4a::bench_sigv4a_key_derivation,
    verify::bench_verification,
    verify::bench_mixed_verification,
    verify::bench_unseen_verification,
    streaming::bench_chunked
);
criterion_main!(benches);
