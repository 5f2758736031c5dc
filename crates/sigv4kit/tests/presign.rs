//! Presigned URLs for both algorithms, verified by the verifier; above all
//! an S3 GET to a Multi-Region Access Point, signed with SigV4A for the
//! region set `*` under S3's path rules.

use sigv4kit::canon::{AmzDate, Header, PathRules, Payload, Region, RegionSet, Request, Service};
use sigv4kit::presign::{PresignError, PresignRequest, presign};
use sigv4kit::{
    Credentials, EcdsaSigner, Expiry, FixedClock, HmacSigner, InMemoryKeyProvider, RequestVerifier,
    SigningParams, SigningRegion, SigningSettings, Verified, VerifyError, VerifyPolicy,
    VerifyingKey,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const MRAP_HOST: &str = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";

fn time() -> AmzDate {
    AmzDate::parse_rfc3339("2024-05-01T10:00:00Z").unwrap()
}

/// Receives a URL as a server does: the host header and the request target.
fn receive<E: sigv4kit::SigningEngine>(
    method: &str,
    url: &str,
    verifier: &RequestVerifier<E>,
    keys: &InMemoryKeyProvider,
) -> Result<Verified, VerifyError> {
    let rest = url.split_once("://").unwrap().1;
    let slash = rest.find('/').unwrap();
    let (host, target) = rest.split_at(slash);
    let headers = [Header::new("Host", host)];
    // A GET through a presigned URL has no body to check.
    let request = Request::new(method, target, &headers).with_payload(Payload::Unsigned);
    pollster::block_on(verifier.verify(&request, keys))
}

#[test]
fn an_s3_mrap_get_presigned_for_every_region_verifies_with_the_public_key_alone() {
    let credentials = Credentials::new(AKID, SECRET, None).unwrap();
    let params = SigningParams::new(
        &credentials,
        time(),
        Service::new("s3").unwrap(),
        RegionSet::any(),
    )
    .with_settings(SigningSettings::s3())
    .presigned(Expiry::from_secs(3600).unwrap());
    let url = format!("https://{MRAP_HOST}/reports//2024/my%20file.csv?versionId=3%2B4");
    let presigned = presign(
        &EcdsaSigner::new(),
        &PresignRequest::new("GET", &url),
        &params,
    )
    .expect("presigns");
    let text = presigned.as_str();
    assert!(text.starts_with(&format!(
        "https://{MRAP_HOST}/reports//2024/my%20file.csv?versionId=3%2B4&X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240501%2Fs3%2Faws4_request&X-Amz-Date=20240501T100000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=%2A&X-Amz-Signature="
    )), "{text}");
    assert!(
        presigned
            .output()
            .canonical_request()
            .is_none_or(|canonical| canonical.ends_with("UNSIGNED-PAYLOAD"))
    );

    // The server holds only the public key: it can verify, not sign.
    let public_key = EcdsaSigner::new().public_key(&credentials).unwrap();
    let keys = InMemoryKeyProvider::new().with(AKID, VerifyingKey::PublicKey(public_key));
    for serving_region in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
        let policy = VerifyPolicy::s3(RegionSet::parse(serving_region).unwrap())
            .with_clock(FixedClock::at(&time()));
        let verified = receive("GET", text, &RequestVerifier::new(policy), &keys)
            .unwrap_or_else(|error| panic!("{serving_region}: {error}"));
        assert_eq!(verified.access_key_id, AKID);
        assert_eq!(verified.region, SigningRegion::RegionSet(RegionSet::any()));
        assert_eq!(verified.payload.as_str(), "UNSIGNED-PAYLOAD");
        assert_eq!(verified.expires_seconds, Some(3600));
    }

    let s3 = || VerifyPolicy::s3(RegionSet::parse("us-east-1").unwrap());
    // The URL is only good for what it was signed for.
    let later = s3().with_clock(FixedClock(time().unix_seconds() + 3601));
    assert!(matches!(
        receive("GET", text, &RequestVerifier::new(later), &keys),
        Err(VerifyError::Expired { .. })
    ));
    let now = || s3().with_clock(FixedClock::at(&time()));
    assert!(matches!(
        receive("PUT", text, &RequestVerifier::new(now()), &keys),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    let other_object = text.replace("my%20file.csv", "other.csv");
    assert!(matches!(
        receive("GET", &other_object, &RequestVerifier::new(now()), &keys),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    // S3 signs the path as sent; the standard rules would normalize `//`
    // and encode `%20` again, and so fail.
    let standard = now().with_path_rules(PathRules::STANDARD);
    assert!(matches!(
        receive("GET", text, &RequestVerifier::new(standard), &keys),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}

#[test]
fn a_sigv4_presigned_url_verifies_with_the_secret() {
    let credentials = Credentials::new(AKID, SECRET, Some("session-token".into())).unwrap();
    let params = SigningParams::new(
        &credentials,
        time(),
        Service::new("s3").unwrap(),
        Region::new("eu-west-1").unwrap(),
    )
    .with_settings(SigningSettings::s3())
    .presigned(Expiry::from_secs(600).unwrap());
    let headers = [Header::new("x-amz-meta-owner", "alice")];
    let url = "https://bucket.s3.eu-west-1.amazonaws.com/key";
    let presigned = presign(
        &HmacSigner::new(),
        &PresignRequest::new("PUT", url).with_headers(&headers),
        &params,
    )
    .unwrap();
    assert!(
        presigned
            .as_str()
            .contains("X-Amz-Security-Token=session-token")
    );
    assert!(
        presigned
            .as_str()
            .contains("X-Amz-SignedHeaders=host%3Bx-amz-meta-owner")
    );

    let keys =
        InMemoryKeyProvider::new().with(AKID, VerifyingKey::from(credentials.secret().clone()));
    let policy =
        VerifyPolicy::s3(RegionSet::parse("eu-*").unwrap()).with_clock(FixedClock::at(&time()));
    let verifier = RequestVerifier::new(policy);
    let target = presigned
        .as_str()
        .strip_prefix("https://bucket.s3.eu-west-1.amazonaws.com")
        .unwrap();
    let sent = [
        Header::new("Host", "bucket.s3.eu-west-1.amazonaws.com"),
        Header::new("X-Amz-Meta-Owner", "alice"),
    ];
    let body = b"any body: the payload is unsigned";
    let request = Request::new("PUT", target, &sent).with_payload(Payload::Bytes(body));
    let verified = pollster::block_on(verifier.verify(&request, &keys)).expect("verifies");
    assert_eq!(
        verified.security_token.as_ref().map(|token| token.expose()),
        Some("session-token")
    );
    let tampered = [sent[0], Header::new("X-Amz-Meta-Owner", "mallory")];
    let request = Request::new("PUT", target, &tampered).with_payload(Payload::Bytes(body));
    assert!(matches!(
        pollster::block_on(verifier.verify(&request, &keys)),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}

#[test]
fn presigning_refuses_header_parameters_and_a_host_header() {
    let credentials = Credentials::new(AKID, SECRET, None).unwrap();
    let header_params = SigningParams::new(
        &credentials,
        time(),
        Service::new("s3").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    let request = PresignRequest::new("GET", "https://h/k");
    assert_eq!(
        presign(&HmacSigner::new(), &request, &header_params).unwrap_err(),
        PresignError::NotPresigned
    );
    let params = header_params.presigned(Expiry::from_secs(60).unwrap());
    let host = [Header::new("Host", "h")];
    assert_eq!(
        presign(&HmacSigner::new(), &request.with_headers(&host), &params).unwrap_err(),
        PresignError::HostHeaderGiven
    );
    assert!(matches!(
        presign(
            &HmacSigner::new(),
            &PresignRequest::new("GET", "h/k"),
            &params
        ),
        Err(PresignError::InvalidUrl { .. })
    ));
}

#[test]
fn verification_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let verifier = RequestVerifier::new(VerifyPolicy::s3(RegionSet::any()));
    let keys = InMemoryKeyProvider::new();
    let headers = [Header::new("Host", "h")];
    let request = Request::new("GET", "/", &headers);
    let future = verifier.verify(&request, &keys);
    assert_send(&future);
    let policy = VerifyPolicy::s3(RegionSet::any());
    let future = sigv4kit::verify_request(&request, &keys, &policy);
    assert_send(&future);
}

#[cfg(feature = "aws-lc")]
#[test]
fn the_aws_lc_engine_verifies_what_the_p256_engine_presigned() {
    let credentials = Credentials::new(AKID, SECRET, None).unwrap();
    let params = SigningParams::new(
        &credentials,
        time(),
        Service::new("s3").unwrap(),
        RegionSet::any(),
    )
    .with_settings(SigningSettings::s3())
    .presigned(Expiry::from_secs(60).unwrap());
    let url = format!("https://{MRAP_HOST}/key");
    let presigned = presign(
        &EcdsaSigner::new(),
        &PresignRequest::new("GET", &url),
        &params,
    )
    .unwrap();
    let public_key = EcdsaSigner::new().public_key(&credentials).unwrap();
    let keys = InMemoryKeyProvider::new().with(AKID, VerifyingKey::PublicKey(public_key));
    let policy = VerifyPolicy::s3(RegionSet::any()).with_clock(FixedClock::at(&time()));
    let verifier = RequestVerifier::with_engine(policy, sigv4kit::AwsLcEngine::new());
    receive("GET", presigned.as_str(), &verifier, &keys).expect("verifies under aws-lc");
}
