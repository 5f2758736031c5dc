//! A loop of warm SigV4 signings to run under a profiler:
//! `valgrind --tool=callgrind target/release/examples/profile MODE [N]`, MODE one of
//! get, post, cold, verify, verify-post, verify-parse, verify-parse-post (the signature's
//! reading alone), mixed, verify-mixed (the get and the POST in turn, as a server sees
//! clients of different shapes), v4a-lc, v4a-lc-post (sigv4kit) or peer-get, peer-post
//! (aws-sigv4).

use std::hint::black_box;

use sigv4kit_canon::{AmzDate, Header, Payload, Region, Request, Service};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Credentials, Signer, SigningParams};

/// The session token of the POST.
const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI";

/// The headers of the DynamoDB POST.
fn post_headers() -> Vec<Header<'static>> {
    vec![
        Header::new("host", "dynamodb.us-east-1.amazonaws.com"),
        Header::new("content-type", "application/x-amz-json-1.0"),
        Header::new("x-amz-target", "DynamoDB_20120810.CreateTable"),
        Header::new("content-length", "300"),
        Header::new("accept-encoding", "identity"),
        Header::new("x-amz-user-agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
    ]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "get".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let token = (which.ends_with("post")).then(|| TOKEN.to_owned());
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token,
    )
    .unwrap();
    let body = [b'x'; 300];
    let headers: Vec<Header<'_>> = if which.ends_with("post") {
        post_headers()
    } else {
        vec![Header::new("host", "example.amazonaws.com")]
    };
    let payload = if which.ends_with("post") {
        Payload::Bytes(&body)
    } else {
        Payload::Bytes(&[])
    };
    let method = if which.ends_with("post") {
        "POST"
    } else {
        "GET"
    };
    let request = Request::new(method, "/", &headers).with_payload(payload);
    let params = SigningParams::new(
        &credentials,
        AmzDate::from_unix_seconds(1_440_938_160).unwrap(),
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    if which == "mixed" || which == "verify-mixed" {
        println!("{}", mixed(which == "verify-mixed", count));
        return;
    }
    if which.starts_with("peer") {
        println!("{}", peer(&which, count, &headers, &body));
        return;
    }
    if which.starts_with("verify") {
        use sigv4kit_hmac::{FingerprintedSecret, HmacVerifier};
        use sigv4kit_signer::verifier::{FixedClock, Verifier, VerifyPolicy};
        let output = HmacSigner::new().sign(&request, &params).unwrap();
        let owned = signed_pairs(&headers, &output);
        let signed: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
        let signed_request = Request::new(method, "/", &signed).with_payload(payload);
        let policy = VerifyPolicy::new(
            Service::new("service").unwrap(),
            sigv4kit_canon::RegionSet::parse("us-east-1").unwrap(),
        )
        .with_clock(FixedClock(1_440_938_160));
        let verifier = HmacVerifier::new();
        let secret = FingerprintedSecret::from(&credentials);
        if which.starts_with("verify-parse") {
            for _ in 0..count {
                black_box(
                    sigv4kit_canon::RequestSignature::from_request(black_box(&signed_request))
                        .unwrap(),
                );
            }
            return;
        }
        for _ in 0..count {
            verifier
                .verify(black_box(&signed_request), &secret, &policy)
                .unwrap();
        }
        return;
    }
    if which.starts_with("v4a-lc") {
        let signer = sigv4kit_ecdsa::EcdsaSigner::with_engine(sigv4kit_ecdsa::AwsLcEngine::new());
        let mut total = 0;
        for _ in 0..count {
            total += signer
                .sign(black_box(&request), black_box(&params))
                .unwrap()
                .signature()
                .len();
        }
        println!("{total}");
        return;
    }
    let signer = if which == "cold" {
        HmacSigner::with_cache_capacity(0)
    } else {
        HmacSigner::new()
    };
    let mut total = 0;
    for _ in 0..count {
        total += signer
            .sign(black_box(&request), black_box(&params))
            .unwrap()
            .signature()
            .len();
    }
    println!("{total}");
}

/// The same signings through aws-sigv4, for instruction-count comparisons.
fn peer(which: &str, count: usize, headers: &[Header<'_>], body: &[u8]) -> usize {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use std::time::{Duration, UNIX_EPOCH};
    let token = which.ends_with("post").then(|| TOKEN.to_owned());
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token,
            None,
            "profile",
        )
        .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("service")
        .time(UNIX_EPOCH + Duration::from_secs(1_440_938_160))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let pairs = owned_pairs(headers);
    let host = &pairs[0].1;
    let url = format!("https://{host}/");
    let method = if which.ends_with("post") {
        "POST"
    } else {
        "GET"
    };
    let body = if which.ends_with("post") {
        body
    } else {
        &[][..]
    };
    let mut total = 0;
    for _ in 0..count {
        let request = SignableRequest::new(
            method,
            black_box(&url),
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .unwrap();
        let (instructions, signature) = sign(request, &params).unwrap().into_parts();
        black_box(instructions);
        total += signature.len();
    }
    total
}

/// The get and the POST (another scope, headers and credentials) signed, or
/// verified, in turn: nothing of one request's shape is the last one's.
fn mixed(verify: bool, count: usize) -> usize {
    use sigv4kit_hmac::{FingerprintedSecret, HmacVerifier};
    use sigv4kit_signer::verifier::{FixedClock, Verifier, VerifyPolicy};
    let body = [b'x'; 300];
    let plain = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let with_token = Credentials::new(
        "ASIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some(TOKEN.to_owned()),
    )
    .unwrap();
    let get_headers = vec![Header::new("host", "example.amazonaws.com")];
    let post_headers = post_headers();
    let time = AmzDate::from_unix_seconds(1_440_938_160).unwrap();
    let region = Region::new("us-east-1").unwrap();
    let cases = [
        (Request::new("GET", "/", &get_headers), &plain, "service"),
        (
            Request::new("POST", "/", &post_headers).with_payload(Payload::Bytes(&body)),
            &with_token,
            "dynamodb",
        ),
    ];
    let params: Vec<SigningParams<'_>> = cases
        .iter()
        .map(|(_, credentials, service)| {
            SigningParams::new(
                credentials,
                time,
                Service::new(service).unwrap(),
                region.clone(),
            )
        })
        .collect();
    let signer = HmacSigner::new();
    let mut total = 0;
    if !verify {
        for _ in 0..count {
            for ((request, _, _), params) in cases.iter().zip(&params) {
                total += signer
                    .sign(black_box(request), black_box(params))
                    .unwrap()
                    .signature()
                    .len();
            }
        }
        return total;
    }
    let signed: Vec<Vec<(String, String)>> = cases
        .iter()
        .zip(&params)
        .map(|((request, _, _), params)| {
            signed_pairs(request.headers, &signer.sign(request, params).unwrap())
        })
        .collect();
    let signed_headers: Vec<Vec<Header<'_>>> = signed
        .iter()
        .map(|pairs| pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
        .collect();
    let checks: Vec<(Request<'_>, VerifyPolicy, FingerprintedSecret)> = cases
        .iter()
        .zip(&signed_headers)
        .map(|((request, credentials, service), headers)| {
            let policy = VerifyPolicy::new(
                Service::new(service).unwrap(),
                sigv4kit_canon::RegionSet::parse("us-east-1").unwrap(),
            )
            .with_clock(FixedClock(1_440_938_160));
            (
                Request {
                    headers,
                    ..*request
                },
                policy,
                FingerprintedSecret::from(*credentials),
            )
        })
        .collect();
    let verifier = HmacVerifier::new();
    for _ in 0..count {
        for (request, policy, secret) in &checks {
            total += verifier
                .verify(black_box(request), secret, policy)
                .unwrap()
                .signature
                .as_bytes()
                .len();
        }
    }
    total
}

/// `headers` as owned (name, value) pairs.
fn owned_pairs(headers: &[Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                String::from_utf8_lossy(h.name).into_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// `headers` with the headers `output` adds: the signed request's.
fn signed_pairs(
    headers: &[Header<'_>],
    output: &sigv4kit_signer::SigningOutput,
) -> Vec<(String, String)> {
    let mut pairs = owned_pairs(headers);
    pairs.extend(output.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
    pairs
}
