//! The AWS CRT's SigV4 unit-test answers that the signing suite lacks: the
//! headers it never signs, the inputs it refuses, and the STS provider's
//! signed POST.

use sigv4kit_canon::{CanonicalError, Request};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Signer, SigningError};
use sigv4kit_suite::{KnownRequest, known_answer};

#[test]
fn headers_the_crt_never_signs_are_not_signed() {
    let Some(file) = known_answer("sigv4-unsigned-headers.json") else {
        return;
    };
    let vectors = file["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 4);
    for vector in vectors {
        let label = vector["label"].as_str().unwrap_or_default();
        let known = KnownRequest::from_json(&vector["request"]);
        let excluded: Vec<String> = vector["exclude_headers"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let credentials = known.credentials();
        let headers = known.headers();
        let request =
            Request::new(&known.method, known.target(), &headers).with_payload(known.payload());
        let output = HmacSigner::new()
            .sign(&request, &known.params(&credentials, false, &excluded))
            .unwrap_or_else(|error| panic!("{label}: {error}"));
        assert_eq!(
            output.canonical_request().unwrap_or_default(),
            vector["expected"]["canonical_request"]
                .as_str()
                .unwrap_or_default(),
            "{label}"
        );
    }
}

#[test]
fn inputs_the_crt_refuses_are_refused_with_the_culprit_named() {
    let Some(file) = known_answer("sigv4-forbidden-inputs.json") else {
        return;
    };
    let vectors = file["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 8);
    for vector in vectors {
        let label = vector["label"].as_str().unwrap_or_default();
        let known = KnownRequest::from_json(&vector["request"]);
        let credentials = known.credentials();
        let headers = known.headers();
        let request =
            Request::new(&known.method, known.target(), &headers).with_payload(known.payload());
        let error = HmacSigner::new()
            .sign(&request, &known.params(&credentials, false, &[]))
            .expect_err(label);
        let expected_kind = vector["expected"]["error"].as_str().unwrap_or_default();
        match (expected_kind, &error) {
            (
                "AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER",
                SigningError::Request(CanonicalError::AlreadySignedHeader { name }),
            ) => assert!(
                label.starts_with(&name.to_ascii_lowercase()),
                "{label}: {name}"
            ),
            // The CRT refuses any caller x-amz-content-sha256; sigv4kit takes a
            // valid one as the payload hash and refuses this one as malformed.
            (
                "AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER",
                SigningError::Request(CanonicalError::InvalidContentSha256Header { value }),
            ) => assert_eq!(value, "lieslieslies", "{label}"),
            (
                "AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM",
                SigningError::Request(CanonicalError::AlreadySignedQueryParameter { name }),
            ) => assert!(
                label.starts_with(&name.to_ascii_lowercase()),
                "{label}: {name}"
            ),
            _ => panic!("{label}: expected {expected_kind}, got {error:?}"),
        }
        assert!(
            error.to_string().len() > 10,
            "{label}: the message says something"
        );
    }
}

#[test]
fn sts_assume_role_post_signs_as_the_crt_does() {
    let Some(file) = known_answer("sts-assume-role-sigv4.json") else {
        return;
    };
    let vectors = file["vectors"].as_array().expect("vectors");
    assert!(!vectors.is_empty());
    for vector in vectors {
        let label = vector["label"].as_str().unwrap_or_default();
        let known = KnownRequest::from_json(&vector["request"]);
        let credentials = known.credentials();
        let headers = known.headers();
        let request =
            Request::new(&known.method, known.target(), &headers).with_payload(known.payload());
        let output = HmacSigner::new()
            .sign(&request, &known.params(&credentials, false, &[]))
            .unwrap_or_else(|error| panic!("{label}: {error}"));
        let expected = &vector["expected"];
        assert_eq!(
            output.signature(),
            expected["signature"].as_str().unwrap_or_default(),
            "{label}"
        );
        assert_eq!(
            output.authorization(),
            expected["authorization"].as_str(),
            "{label}"
        );
        assert_eq!(
            output.canonical_request(),
            vector["derived"]["canonical_request"].as_str(),
            "{label}"
        );
    }
}
