//! The SigV4 verifier against the AWS documentation's example: the
//! `get-vanilla` request of the signing suite, written out, verifies with the
//! secret, and fails with any other secret or a signature one bit off.

use sigv4kit_canon::{AmzDate, Header, RegionSet, Request, RequestSignature, Service};
use sigv4kit_hmac::{FingerprintedSecret, HmacVerifier};
use sigv4kit_signer::{FixedClock, SecretAccessKey, Verifier, VerifyError, VerifyPolicy};

const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn policy() -> VerifyPolicy {
    VerifyPolicy::new(
        Service::new("service").unwrap(),
        RegionSet::parse("us-east-1").unwrap(),
    )
    .with_clock(FixedClock::at(
        &AmzDate::parse_amz("20150830T123600Z").unwrap(),
    ))
}

fn verify(authorization: &str, secret: &str) -> Result<(), VerifyError> {
    let headers = [
        Header::new("Host", "example.amazonaws.com"),
        Header::new("X-Amz-Date", "20150830T123600Z"),
        Header::new("Authorization", authorization),
    ];
    let request = Request::new("GET", "/", &headers);
    let verifier = HmacVerifier::new();
    let secret = SecretAccessKey::new(secret);
    let fingerprinted = verifier
        .verify(
            &request,
            &FingerprintedSecret::new(secret.clone()),
            &policy(),
        )
        .map(|_| ());
    // A bare secret, fingerprinted per request, decides the same.
    let signature = RequestSignature::from_request(&request)?;
    let bare = verifier
        .verify_parsed_with_secret(&request, &signature, &secret, &policy())
        .map(|_| ());
    assert_eq!(fingerprinted, bare);
    fingerprinted
}

#[test]
fn the_documentation_example_verifies() {
    verify(AUTHORIZATION, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
}

#[test]
fn an_empty_secret_is_the_wrong_key() {
    assert!(matches!(
        verify(AUTHORIZATION, ""),
        Err(VerifyError::WrongKeyType {
            reason: "the secret access key is empty",
            ..
        })
    ));
}

#[test]
fn another_secret_or_signature_does_not() {
    assert!(matches!(
        verify(AUTHORIZATION, "not the secret"),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    let off_by_one_bit = AUTHORIZATION.replace("fbf31", "fbf30");
    assert!(matches!(
        verify(&off_by_one_bit, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}
