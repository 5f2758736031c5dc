//! Round trips: whatever request the signer signs, with either algorithm, in
//! the headers or as a presigned URL, the verifier accepts as it arrives; and
//! the same request with another method, or another body under a signed
//! `x-amz-content-sha256`, it refuses.

use std::sync::LazyLock;

use proptest::prelude::*;
use sigv4kit::canon::{AmzDate, Header, PathRules, Payload, Region, RegionSet, Request, Service};
use sigv4kit::{
    Credentials, EcdsaSigner, Expiry, FixedClock, HmacSigner, InMemoryKeyProvider, PublicKey,
    RequestVerifier, Signer, SigningParams, SigningRegion, SigningSettings, Verified, VerifyError,
    VerifyPolicy, VerifyingKey,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

static CREDENTIALS: LazyLock<Credentials> =
    LazyLock::new(|| Credentials::new(AKID, SECRET, None).unwrap());
static ECDSA: LazyLock<EcdsaSigner> = LazyLock::new(EcdsaSigner::new);
static PUBLIC_KEY: LazyLock<PublicKey> = LazyLock::new(|| ECDSA.public_key(&CREDENTIALS).unwrap());

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    sigv4a: bool,
    presigned: bool,
    s3: bool,
    content_sha256_header: bool,
    seconds_later: i64,
}

fn case() -> impl Strategy<Value = Case> {
    let piece = "[a-zA-Z0-9._~%+ -]{0,8}";
    (
        prop_oneof![
            Just("GET"),
            Just("PUT"),
            Just("POST"),
            Just("DELETE"),
            Just("HEAD")
        ],
        prop::collection::vec(piece, 0..4),
        prop::collection::vec((piece, piece), 0..4),
        prop::collection::vec(
            (
                prop_oneof!["x-[a-z0-9]{1,8}", "x-amz-meta-[a-z]{1,6}", "content-type"],
                "[ -~]{0,20}",
            ),
            0..5,
        ),
        prop::collection::vec(any::<u8>(), 0..64),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        0i64..=600,
    )
        .prop_map(
            |(method, segments, query, headers, body, flags, seconds_later)| {
                let (sigv4a, presigned, s3, content_sha256_header) = flags;
                Case {
                    method,
                    path: format!("/{}", segments.join("/")),
                    query,
                    headers,
                    body,
                    sigv4a,
                    presigned,
                    s3,
                    content_sha256_header,
                    seconds_later,
                }
            },
        )
}

fn time() -> AmzDate {
    AmzDate::parse_rfc3339("2024-02-29T23:59:30Z").unwrap()
}

/// The request as it arrives: the target, the headers and the body.
struct Arrived {
    target: String,
    headers: Vec<(String, String)>,
}

fn sign(case: &Case) -> Arrived {
    let mut target = case.path.clone();
    for (index, (key, value)) in case.query.iter().enumerate() {
        target.push(if index == 0 { '?' } else { '&' });
        target.push_str(key);
        target.push('=');
        target.push_str(value);
    }
    let mut headers = vec![("Host".to_owned(), "service.example.com".to_owned())];
    headers.extend(case.headers.iter().cloned());
    let borrowed: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let payload = if case.presigned {
        Payload::Unsigned
    } else {
        Payload::Bytes(&case.body)
    };
    let request = Request::new(case.method, &target, &borrowed).with_payload(payload);
    let region: SigningRegion = if case.sigv4a {
        RegionSet::parse("us-*").unwrap().into()
    } else {
        Region::new("us-west-2").unwrap().into()
    };
    let mut settings = if case.s3 {
        SigningSettings::s3()
    } else {
        SigningSettings::default()
    };
    settings.content_sha256_header = case.content_sha256_header;
    let mut params = SigningParams::new(
        &CREDENTIALS,
        time(),
        Service::new("service").unwrap(),
        region,
    )
    .with_settings(settings);
    if case.presigned {
        params = params.presigned(Expiry::from_secs(900).unwrap());
    }
    let output = if case.sigv4a {
        ECDSA.sign(&request, &params)
    } else {
        HmacSigner::new().sign(&request, &params)
    }
    .expect("a generated request signs");
    if output.is_presigned() {
        target.push(if target.contains('?') { '&' } else { '?' });
        target.push_str(&output.query_string());
    }
    headers.extend(
        output
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    Arrived { target, headers }
}

fn verify(
    case: &Case,
    method: &str,
    arrived: &Arrived,
    body: &[u8],
) -> Result<Verified, VerifyError> {
    let headers: Vec<Header<'_>> = arrived
        .headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request =
        Request::new(method, &arrived.target, &headers).with_payload(Payload::Bytes(body));
    let policy = VerifyPolicy::new(
        Service::new("service").unwrap(),
        RegionSet::parse("us-west-2").unwrap(),
    )
    .with_path_rules(if case.s3 {
        PathRules::S3
    } else {
        PathRules::STANDARD
    })
    .with_clock(FixedClock(time().unix_seconds() + case.seconds_later));
    let key = if case.sigv4a {
        VerifyingKey::PublicKey(*PUBLIC_KEY)
    } else {
        VerifyingKey::from(CREDENTIALS.secret().clone())
    };
    let keys = InMemoryKeyProvider::new().with(AKID, key);
    pollster::block_on(RequestVerifier::new(policy).verify(&request, &keys))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn every_signed_request_verifies(case in case()) {
        let arrived = sign(&case);
        let verified = verify(&case, case.method, &arrived, &case.body);
        prop_assert!(verified.is_ok(), "{:?}", verified);
        let verified = verified.unwrap();
        prop_assert_eq!(verified.access_key_id.as_str(), AKID);
        prop_assert_eq!(verified.expires_seconds.is_some(), case.presigned);
        prop_assert!(verified.signed_headers.contains(b"host"));
    }

    #[test]
    fn another_method_never_verifies(case in case()) {
        let arrived = sign(&case);
        let other = if case.method == "PATCH" { "GET" } else { "PATCH" };
        let result = verify(&case, other, &arrived, &case.body);
        prop_assert!(
            matches!(result, Err(VerifyError::SignatureMismatch { .. })),
            "{:?}",
            result
        );
    }

    #[test]
    fn another_body_never_verifies_under_a_signed_content_hash(case in case(), extra in any::<u8>()) {
        let case = Case { presigned: false, content_sha256_header: true, ..case };
        let arrived = sign(&case);
        let mut body = case.body.clone();
        body.push(extra);
        let result = verify(&case, case.method, &arrived, &body);
        prop_assert!(
            matches!(result, Err(VerifyError::BodyHashMismatch { .. })),
            "{:?}",
            result
        );
    }
}
