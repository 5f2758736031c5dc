//! SigV4 signing behaviour beyond the suite: session-token modes, the
//! payload-hash header, refusals, re-signing, and the key cache.

use sigv4kit_canon::resign::{strip_signature_headers, strip_signature_query};
use sigv4kit_canon::{
    AmzDate, CanonicalError, Header, Payload, Region, RegionSet, Request, Service, StreamingPayload,
};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{
    Credentials, Expiry, SessionTokenMode, Signer, SigningError, SigningParams, SigningSettings,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, token.map(str::to_owned)).unwrap()
}

fn params(credentials: &Credentials) -> SigningParams<'_> {
    SigningParams::new(
        credentials,
        AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap(),
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    )
    .with_settings(SigningSettings {
        capture_canonical_request: true,
        ..SigningSettings::default()
    })
}

fn host() -> [Header<'static>; 1] {
    [Header::new("Host", "example.amazonaws.com")]
}

#[test]
fn an_omitted_session_token_is_sent_but_not_signed() {
    let credentials = credentials(Some("TOKEN+/="));
    let headers = host();
    let request = Request::new("GET", "/", &headers);
    let mut params = params(&credentials);
    params.settings.session_token = SessionTokenMode::SentUnsigned;

    let output = HmacSigner::new().sign(&request, &params).unwrap();
    assert_eq!(output.signed_headers(), "host;x-amz-date");
    assert!(
        output
            .headers()
            .any(|header| header == ("X-Amz-Security-Token", "TOKEN+/="))
    );
    assert!(!output.canonical_request().unwrap().contains("TOKEN"));

    let presigned = HmacSigner::new()
        .sign(
            &request,
            &params.clone().presigned(Expiry::from_secs(60).unwrap()),
        )
        .unwrap();
    assert!(
        presigned
            .query_string()
            .contains("X-Amz-Security-Token=TOKEN%2B%2F%3D")
    );
    assert!(!presigned.canonical_request().unwrap().contains("TOKEN"));

    params.settings.session_token = SessionTokenMode::Signed;
    let signed = HmacSigner::new().sign(&request, &params).unwrap();
    assert_eq!(
        signed.signed_headers(),
        "host;x-amz-date;x-amz-security-token"
    );
}

#[test]
fn the_content_sha256_header_is_added_and_signed_when_asked() {
    let credentials = credentials(None);
    let headers = host();
    let request = Request::new("PUT", "/", &headers).with_payload(Payload::Bytes(b"hello"));
    let mut params = params(&credentials);
    params.settings.content_sha256_header = true;
    let output = HmacSigner::new().sign(&request, &params).unwrap();
    let hash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assert!(
        output
            .headers()
            .any(|header| header == ("x-amz-content-sha256", hash))
    );
    assert_eq!(
        output.signed_headers(),
        "host;x-amz-content-sha256;x-amz-date"
    );
    assert!(output.canonical_request().unwrap().ends_with(hash));
}

#[test]
fn a_callers_unsigned_payload_header_is_the_payload_hash() {
    let credentials = credentials(None);
    let headers = [
        Header::new("Host", "example.amazonaws.com"),
        Header::new("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"),
    ];
    let request = Request::new("PUT", "/", &headers).with_payload(Payload::FromHeader);
    let mut params = params(&credentials);
    params.settings.content_sha256_header = true;
    let output = HmacSigner::new().sign(&request, &params).unwrap();
    assert!(
        output
            .canonical_request()
            .unwrap()
            .ends_with("\nUNSIGNED-PAYLOAD")
    );
    assert_eq!(
        output.signed_headers(),
        "host;x-amz-content-sha256;x-amz-date"
    );
    assert!(
        output
            .headers()
            .all(|(name, _)| name != "x-amz-content-sha256"),
        "the caller's header is not doubled"
    );

    let conflicting = request.with_payload(Payload::Streaming(StreamingPayload::Sigv4Chunked));
    assert!(matches!(
        HmacSigner::new().sign(&conflicting, &params),
        Err(SigningError::Request(
            CanonicalError::PayloadHashConflict { .. }
        ))
    ));
}

#[test]
fn a_region_set_is_refused_by_sigv4() {
    let credentials = credentials(None);
    let headers = host();
    let request = Request::new("GET", "/", &headers);
    let mut params = params(&credentials);
    params.region = RegionSet::parse("us-east-1,us-west-2").unwrap().into();
    assert!(matches!(
        HmacSigner::new().sign(&request, &params),
        Err(SigningError::RegionSetForSigv4 { .. })
    ));
}

#[test]
fn a_signed_request_is_refused_until_resign_helpers_strip_it() {
    let credentials = credentials(Some("token"));
    let signer = HmacSigner::new();
    let mut owned: Vec<(String, String)> = vec![("Host".into(), "example.amazonaws.com".into())];
    let first = {
        let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
        signer
            .sign(&Request::new("GET", "/", &headers), &params(&credentials))
            .unwrap()
    };
    owned.extend(first.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
    {
        let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
        assert!(matches!(
            signer.sign(&Request::new("GET", "/", &headers), &params(&credentials)),
            Err(SigningError::Request(
                CanonicalError::AlreadySignedHeader { .. }
            ))
        ));
    }
    strip_signature_headers(&mut owned);
    let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
    let again = signer
        .sign(&Request::new("GET", "/", &headers), &params(&credentials))
        .unwrap();
    assert_eq!(again.signature(), first.signature());

    let presigned = signer
        .sign(
            &Request::new("GET", "/?a=1", &headers),
            &params(&credentials).presigned(Expiry::from_secs(60).unwrap()),
        )
        .unwrap();
    let url_query = format!("a=1&{}", presigned.query_string());
    let stripped = strip_signature_query(&url_query);
    assert_eq!(stripped, "a=1");
}

#[test]
fn signers_are_usable_as_trait_objects_and_reuse_keys() {
    let credentials = credentials(None);
    let headers = host();
    let request = Request::new("GET", "/", &headers);
    let signer = HmacSigner::new();
    for _ in 0..3 {
        let boxed: &dyn Signer = &signer;
        boxed.sign(&request, &params(&credentials)).unwrap();
    }
    let stats = signer.key_cache().stats();
    assert_eq!((stats.misses, stats.hits), (1, 2));
}

#[test]
fn the_output_never_shows_the_session_token_in_debug() {
    let credentials = credentials(Some("very-secret-token"));
    let headers = host();
    let output = HmacSigner::new()
        .sign(&Request::new("GET", "/", &headers), &params(&credentials))
        .unwrap();
    let shown = format!("{output:?} {credentials:?}");
    assert!(!shown.contains("very-secret-token"), "{shown}");
    assert!(!shown.contains(SECRET));
}
