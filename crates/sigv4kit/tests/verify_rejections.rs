//! The negative table: one test per way a verifier rejects a request, each
//! expecting its own error variant. Every request starts as a valid signed
//! one, so each test changes one thing.

use std::time::Duration;

use sigv4kit::canon::{
    AmzDate, AuthorizationError, CanonicalError, Header, HeaderSelection, Payload, Region,
    RegionSet, Request, Service,
};
use sigv4kit::{
    Credentials, EcdsaSigner, EcdsaVerifier, Expiry, FingerprintedSecret, FixedClock, HmacSigner,
    HmacVerifier, InMemoryKeyProvider, KeyLookupError, KeyProvider, RequestVerifier,
    SignatureLocation, Signer, SigningParams, SigningRegion, SigningSettings, Verified, Verifier,
    VerifyError, VerifyLimits, VerifyPolicy, VerifyingKey,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "SESSION-TOKEN-THAT-MUST-NOT-LEAK";
const TIME: &str = "2015-08-30T12:36:00Z";
const HOST: &str = "example.amazonaws.com";

fn time() -> AmzDate {
    AmzDate::parse_rfc3339(TIME).unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn policy() -> VerifyPolicy {
    VerifyPolicy::new(
        Service::new("service").unwrap(),
        RegionSet::parse("us-east-1").unwrap(),
    )
    .with_clock(FixedClock::at(&time()))
}

fn keys() -> InMemoryKeyProvider {
    InMemoryKeyProvider::new().with(AKID, VerifyingKey::from(credentials().secret().clone()))
}

/// A request as received: target, headers and body, owned.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header_mut(&mut self, name: &str) -> &mut String {
        &mut self
            .headers
            .iter_mut()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no {name} header"))
            .1
    }

    fn verify_with(
        &self,
        policy: VerifyPolicy,
        keys: &impl KeyProvider,
    ) -> Result<Verified, VerifyError> {
        let headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        let request = Request::new(&self.method, &self.target, &headers)
            .with_payload(Payload::Bytes(&self.body));
        pollster::block_on(RequestVerifier::new(policy).verify(&request, keys))
    }

    fn verify(&self) -> Result<Verified, VerifyError> {
        self.verify_with(policy(), &keys())
    }
}

struct Signing {
    target: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static [u8],
    params: fn(SigningParams<'_>) -> SigningParams<'_>,
    sigv4a: bool,
    credentials: Credentials,
}

impl Default for Signing {
    fn default() -> Self {
        Self {
            target: "/path?a=1",
            headers: vec![("Host", HOST), ("X-Amz-Target", "Service.Operation")],
            body: b"",
            params: |params| params,
            sigv4a: false,
            credentials: credentials(),
        }
    }
}

impl Signing {
    fn sign(self) -> Received {
        let headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(name, value)| Header::new(*name, *value))
            .collect();
        let region: SigningRegion = if self.sigv4a {
            RegionSet::parse("us-east-1").unwrap().into()
        } else {
            Region::new("us-east-1").unwrap().into()
        };
        let params = (self.params)(SigningParams::new(
            &self.credentials,
            time(),
            Service::new("service").unwrap(),
            region,
        ));
        // A presigned URL signs UNSIGNED-PAYLOAD, as S3 does and the
        // verifier's default expects.
        let payload = match params.location {
            SignatureLocation::Headers => Payload::Bytes(self.body),
            SignatureLocation::Query { .. } => Payload::Unsigned,
        };
        let request = Request::new("POST", self.target, &headers).with_payload(payload);
        let output = if self.sigv4a {
            EcdsaSigner::new().sign(&request, &params)
        } else {
            HmacSigner::new().sign(&request, &params)
        }
        .expect("signs");
        let mut target = self.target.to_owned();
        if output.is_presigned() {
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(&output.query_string());
        }
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        headers.extend(
            output
                .headers()
                .map(|(name, value)| (name.to_owned(), value.to_owned())),
        );
        Received {
            method: "POST".into(),
            target,
            headers,
            body: self.body.to_vec(),
        }
    }
}

fn presigned(seconds: u64) -> fn(SigningParams<'_>) -> SigningParams<'_> {
    match seconds {
        60 => |params| params.presigned(Expiry::from_secs(60).unwrap()),
        3600 => |params| params.presigned(Expiry::from_secs(3600).unwrap()),
        _ => unreachable!("add the expiry here"),
    }
}

fn malformed(result: Result<Verified, VerifyError>) -> AuthorizationError {
    match result {
        Err(VerifyError::Malformed(error)) => error,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn the_unchanged_requests_verify() {
    Signing::default().sign().verify().expect("header");
    Signing {
        params: presigned(3600),
        ..Signing::default()
    }
    .sign()
    .verify()
    .expect("query");
    Signing {
        sigv4a: true,
        ..Signing::default()
    }
    .sign()
    .verify()
    .expect("sigv4a header");
}

#[test]
fn missing_signature() {
    let mut received = Signing::default().sign();
    received.headers.retain(|(name, _)| name != "Authorization");
    assert_eq!(
        malformed(received.verify()),
        AuthorizationError::MissingSignature
    );
}

#[test]
fn ambiguous_signature() {
    let mut received = Signing::default().sign();
    received.target.push_str("&X-Amz-Signature=00");
    assert!(matches!(
        malformed(received.verify()),
        AuthorizationError::AmbiguousSignature { .. }
    ));
}

#[test]
fn duplicate_parameter_in_headers() {
    let mut received = Signing::default().sign();
    let date = received.header_mut("X-Amz-Date").clone();
    received.headers.push(("x-amz-date".into(), date));
    assert_eq!(
        malformed(received.verify()),
        AuthorizationError::DuplicateParameter {
            name: "X-Amz-Date".into()
        }
    );
}

#[test]
fn duplicate_parameter_in_a_presigned_url() {
    let mut received = Signing {
        params: presigned(3600),
        ..Signing::default()
    }
    .sign();
    received.target.push_str("&X-Amz-Expires=60");
    assert_eq!(
        malformed(received.verify()),
        AuthorizationError::DuplicateParameter {
            name: "X-Amz-Expires".into()
        }
    );
}

#[test]
fn unknown_algorithm() {
    let mut received = Signing::default().sign();
    let authorization = received.header_mut("Authorization");
    *authorization = authorization.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1");
    assert!(matches!(
        malformed(received.verify()),
        AuthorizationError::UnknownAlgorithm { .. }
    ));
}

#[test]
fn malformed_scope() {
    let mut received = Signing::default().sign();
    let authorization = received.header_mut("Authorization");
    *authorization = authorization.replace("/aws4_request", "/aws4_reqest");
    assert!(matches!(
        malformed(received.verify()),
        AuthorizationError::MalformedCredential { .. }
    ));
}

#[test]
fn malformed_signature_hex() {
    let mut received = Signing::default().sign();
    let authorization = received.header_mut("Authorization");
    authorization.pop();
    authorization.push('g');
    assert!(matches!(
        malformed(received.verify()),
        AuthorizationError::MalformedSignature { .. }
    ));
}

#[test]
fn too_many_headers() {
    let mut received = Signing::default().sign();
    for index in 0..VerifyLimits::DEFAULT.max_headers {
        received
            .headers
            .push((format!("x-extra-{index}"), "1".into()));
    }
    assert!(matches!(
        received.verify(),
        Err(VerifyError::TooManyHeaders { max: 100, .. })
    ));
}

#[test]
fn header_too_large() {
    let mut received = Signing::default().sign();
    received.headers.push((
        "X-Large".into(),
        "a".repeat(VerifyLimits::DEFAULT.max_header_bytes),
    ));
    assert!(matches!(
        received.verify(),
        Err(VerifyError::HeaderTooLarge { name, .. }) if name == "X-Large"
    ));
}

#[test]
fn url_too_large() {
    let mut received = Signing::default().sign();
    received.target.push_str("&b=");
    received
        .target
        .push_str(&"b".repeat(VerifyLimits::DEFAULT.max_url_bytes));
    assert!(matches!(
        received.verify(),
        Err(VerifyError::UrlTooLarge { .. })
    ));
}

#[test]
fn payload_too_large() {
    let mut received = Signing::default().sign();
    received.body = vec![0; 1025];
    let limits = VerifyLimits {
        max_payload_bytes: 1024,
        ..VerifyLimits::DEFAULT
    };
    assert!(matches!(
        received.verify_with(policy().with_limits(limits), &keys()),
        Err(VerifyError::PayloadTooLarge {
            size: 1025,
            max: 1024
        })
    ));
}

#[test]
fn signed_header_list_too_long() {
    let received = Signing::default().sign();
    let limits = VerifyLimits {
        max_signed_headers_bytes: 10,
        ..VerifyLimits::DEFAULT
    };
    assert!(matches!(
        received.verify_with(policy().with_limits(limits), &keys()),
        Err(VerifyError::SignedHeaderListTooLong { max: 10, .. })
    ));
}

#[test]
fn wrong_algorithm_for_the_verifier() {
    let received = Signing {
        sigv4a: true,
        ..Signing::default()
    }
    .sign();
    let headers: Vec<Header<'_>> = received
        .headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request = Request::new(&received.method, &received.target, &headers);
    assert_eq!(
        HmacVerifier::new()
            .verify(
                &request,
                &FingerprintedSecret::from(&credentials()),
                &policy()
            )
            .unwrap_err(),
        VerifyError::WrongAlgorithm {
            expected: sigv4kit::canon::Algorithm::Sigv4,
            found: sigv4kit::canon::Algorithm::Sigv4a,
        }
    );
}

#[test]
fn wrong_service() {
    let received = Signing::default().sign();
    let policy = VerifyPolicy {
        services: vec![Service::new("s3").unwrap()],
        ..policy()
    };
    assert_eq!(
        received.verify_with(policy, &keys()).unwrap_err(),
        VerifyError::WrongService {
            service: "service".into()
        }
    );
}

#[test]
fn wrong_region() {
    let received = Signing::default().sign();
    let policy = VerifyPolicy {
        regions: RegionSet::parse("eu-*").unwrap(),
        ..policy()
    };
    assert_eq!(
        received.verify_with(policy, &keys()).unwrap_err(),
        VerifyError::WrongRegion {
            region: "us-east-1".into()
        }
    );
}

#[test]
fn wrong_region_set_for_sigv4a() {
    let received = Signing {
        sigv4a: true,
        ..Signing::default()
    }
    .sign();
    let policy = VerifyPolicy {
        regions: RegionSet::parse("eu-west-1,ap-*").unwrap(),
        ..policy()
    };
    assert_eq!(
        received.verify_with(policy, &keys()).unwrap_err(),
        VerifyError::WrongRegion {
            region: "us-east-1".into()
        }
    );
}

#[test]
fn any_region_is_accepted_with_a_star() {
    let received = Signing::default().sign();
    let policy = VerifyPolicy {
        regions: RegionSet::any(),
        ..policy()
    };
    received
        .verify_with(policy, &keys())
        .expect("* accepts us-east-1");
}

#[test]
fn clock_skew() {
    let received = Signing::default().sign();
    let now = time().unix_seconds();
    let skewed = |seconds: i64| policy().with_clock(FixedClock(now + seconds));
    received
        .verify_with(skewed(15 * 60), &keys())
        .expect("15 minutes is within the default skew");
    assert!(matches!(
        received.verify_with(skewed(15 * 60 + 1), &keys()),
        Err(VerifyError::ClockSkew {
            difference_seconds: -901,
            max_seconds: 900,
            ..
        })
    ));
    assert!(matches!(
        received.verify_with(skewed(-(15 * 60 + 1)), &keys()),
        Err(VerifyError::ClockSkew { .. })
    ));
    let tight = policy()
        .with_max_clock_skew(Duration::from_secs(10))
        .with_clock(FixedClock(now + 11));
    assert!(matches!(
        received.verify_with(tight, &keys()),
        Err(VerifyError::ClockSkew { .. })
    ));
}

#[test]
fn clock_skew_of_a_presigned_url_from_the_future() {
    let received = Signing {
        params: presigned(3600),
        ..Signing::default()
    }
    .sign();
    let early = policy().with_clock(FixedClock(time().unix_seconds() - 15 * 60 - 1));
    assert!(matches!(
        received.verify_with(early, &keys()),
        Err(VerifyError::ClockSkew { .. })
    ));
}

#[test]
fn expired() {
    let received = Signing {
        params: presigned(60),
        ..Signing::default()
    }
    .sign();
    let now = time().unix_seconds();
    received
        .verify_with(policy().with_clock(FixedClock(now + 60)), &keys())
        .expect("valid for its last second");
    assert_eq!(
        received
            .verify_with(policy().with_clock(FixedClock(now + 61)), &keys())
            .unwrap_err(),
        VerifyError::Expired {
            expired_at: now + 60,
            now: now + 61
        }
    );
}

#[test]
fn expiry_too_long() {
    let received = Signing {
        params: presigned(3600),
        ..Signing::default()
    }
    .sign();
    let short = VerifyPolicy {
        max_expiry: Duration::from_secs(60),
        ..policy()
    };
    assert_eq!(
        received.verify_with(short, &keys()).unwrap_err(),
        VerifyError::ExpiryTooLong {
            expires_seconds: 3600,
            max_seconds: 60
        }
    );
    // Longer than the 7 days AWS allows, whatever the signature.
    let mut forged = received.clone();
    forged.target = forged
        .target
        .replace("X-Amz-Expires=3600", "X-Amz-Expires=604801");
    assert_eq!(
        forged.verify().unwrap_err(),
        VerifyError::ExpiryTooLong {
            expires_seconds: 604_801,
            max_seconds: 604_800
        }
    );
}

#[test]
fn unsigned_host() {
    let received = Signing {
        params: |params| {
            params.with_settings(SigningSettings {
                rules: sigv4kit::canon::CanonicalRules {
                    headers: HeaderSelection::excluding_also(["host"]).unwrap(),
                    ..Default::default()
                },
                ..SigningSettings::default()
            })
        },
        ..Signing::default()
    }
    .sign();
    assert_eq!(received.verify().unwrap_err(), VerifyError::UnsignedHost);
}

#[test]
fn unsigned_amz_header() {
    let mut received = Signing::default().sign();
    received
        .headers
        .push(("X-Amz-Meta-Added".into(), "later".into()));
    assert_eq!(
        received.verify().unwrap_err(),
        VerifyError::UnsignedAmzHeader {
            name: "x-amz-meta-added".into()
        }
    );
}

#[test]
fn body_hash_mismatch() {
    let mut received = Signing {
        body: b"the body that was signed",
        params: |params| params.with_settings(SigningSettings::s3()),
        ..Signing::default()
    }
    .sign();
    received
        .verify_with(
            VerifyPolicy {
                path: sigv4kit::canon::PathRules::S3,
                ..policy()
            },
            &keys(),
        )
        .expect("unchanged");
    received.body = b"a body swapped on the way".to_vec();
    assert!(matches!(
        received.verify_with(
            VerifyPolicy {
                path: sigv4kit::canon::PathRules::S3,
                ..policy()
            },
            &keys()
        ),
        Err(VerifyError::BodyHashMismatch { .. })
    ));
}

#[test]
fn canonical_request_cannot_be_recomputed_without_a_signed_header() {
    let mut received = Signing::default().sign();
    received.headers.retain(|(name, _)| name != "X-Amz-Target");
    assert_eq!(
        received.verify().unwrap_err(),
        VerifyError::Canonical(CanonicalError::MissingSignedHeader {
            name: "x-amz-target".into()
        })
    );
}

#[test]
fn unknown_access_key() {
    let received = Signing::default().sign();
    assert_eq!(
        received
            .verify_with(policy(), &InMemoryKeyProvider::new())
            .unwrap_err(),
        VerifyError::UnknownAccessKey {
            access_key_id: AKID.into()
        }
    );
}

struct FailingStore;

impl KeyProvider for FailingStore {
    // An implementation may be a plain `async fn`, as a database client's is.
    async fn key(&self, _access_key_id: &str) -> Result<Option<VerifyingKey>, KeyLookupError> {
        Err(KeyLookupError::new("the database is down"))
    }
}

#[test]
fn key_unavailable() {
    let received = Signing::default().sign();
    assert_eq!(
        received.verify_with(policy(), &FailingStore).unwrap_err(),
        VerifyError::KeyUnavailable {
            reason: "the database is down".into()
        }
    );
}

#[test]
fn wrong_key_type() {
    let received = Signing::default().sign();
    let public_key = EcdsaSigner::new().public_key(&credentials()).unwrap();
    let keys = InMemoryKeyProvider::new().with(AKID, public_key);
    assert!(matches!(
        received.verify_with(policy(), &keys),
        Err(VerifyError::WrongKeyType { .. })
    ));
}

#[test]
fn malformed_ecdsa_signature() {
    let mut received = Signing {
        sigv4a: true,
        ..Signing::default()
    }
    .sign();
    let authorization = received.header_mut("Authorization");
    let start = authorization.find("Signature=").unwrap() + "Signature=".len();
    authorization.replace_range(start.., &"00".repeat(70));
    assert!(matches!(
        received.verify(),
        Err(VerifyError::MalformedEcdsaSignature { .. })
    ));
}

#[test]
fn signature_mismatch_explains_without_secrets() {
    let received = Signing {
        credentials: Credentials::new(AKID, "another secret", Some(TOKEN.into())).unwrap(),
        ..Signing::default()
    }
    .sign();
    let Err(VerifyError::SignatureMismatch {
        canonical_request,
        string_to_sign,
    }) = received.verify()
    else {
        panic!("expected a mismatch");
    };
    assert!(canonical_request.starts_with("POST\n/path\na=1\nhost:example.amazonaws.com\n"));
    assert!(canonical_request.contains("\nx-amz-security-token:<redacted>\n"));
    assert!(string_to_sign.starts_with(
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
    ));
    let shown = format!("{:?} {}", received.verify(), received.verify().unwrap_err());
    for secret in [SECRET, "another secret", TOKEN] {
        assert!(!shown.contains(secret), "{secret} leaked");
    }
}

#[test]
fn sigv4a_signature_mismatch_for_another_key() {
    let received = Signing {
        sigv4a: true,
        credentials: Credentials::new(AKID, "another secret", None).unwrap(),
        ..Signing::default()
    }
    .sign();
    assert!(matches!(
        received.verify(),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    // The verifier trait alone, with the public key.
    let public_key = EcdsaSigner::new().public_key(&credentials()).unwrap();
    let headers: Vec<Header<'_>> = received
        .headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let request = Request::new(&received.method, &received.target, &headers);
    assert!(matches!(
        EcdsaVerifier::new().verify(&request, &public_key, &policy()),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}
