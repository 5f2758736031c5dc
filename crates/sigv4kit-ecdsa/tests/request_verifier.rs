//! The SigV4A request verifier needs only the public key: a service that
//! verifies cannot sign. The key here is AWS's published one for the suite's
//! credentials (`public-key.json`), parsed from its coordinates; the
//! verifier never sees a secret.

use sigv4kit_canon::{AmzDate, Header, Payload, RegionSet, Request, Service};
use sigv4kit_ecdsa::{EcdsaSigner, EcdsaVerifier, PublicKey};
use sigv4kit_signer::{
    Credentials, Expiry, FixedClock, Signer, SigningParams, Verifier, VerifyError, VerifyPolicy,
};

const X: &str = "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1";
const Y: &str = "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518";

fn signed(presigned: bool) -> (String, Vec<(String, String)>) {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let payload = if presigned {
        Payload::Unsigned
    } else {
        Payload::Bytes(b"")
    };
    let request = Request::new("GET", "/a?b=c", &headers).with_payload(payload);
    let mut params = SigningParams::new(
        &credentials,
        AmzDate::parse_amz("20150830T123600Z").unwrap(),
        Service::new("service").unwrap(),
        RegionSet::parse("us-east-1,us-west-2").unwrap(),
    );
    if presigned {
        params = params.presigned(Expiry::from_secs(60).unwrap());
    }
    let output = EcdsaSigner::new().sign(&request, &params).unwrap();
    let mut target = "/a?b=c".to_owned();
    if presigned {
        target.push('&');
        target.push_str(&output.query_string());
    }
    let mut all = vec![("Host".to_owned(), "example.amazonaws.com".to_owned())];
    all.extend(output.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
    (target, all)
}

#[test]
fn a_public_key_alone_verifies_header_and_query_signatures() {
    let public_key = PublicKey::from_xy_hex(X, Y).unwrap();
    let date = AmzDate::parse_amz("20150830T123600Z").unwrap();
    let policy = VerifyPolicy::new(
        Service::new("service").unwrap(),
        RegionSet::parse("us-west-2").unwrap(),
    )
    .with_clock(FixedClock::at(&date));
    let verifier = EcdsaVerifier::new();
    for presigned in [false, true] {
        let (target, headers) = signed(presigned);
        let headers: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let request = Request::new("GET", &target, &headers);
        let verified = verifier
            .verify(&request, &public_key, &policy)
            .unwrap_or_else(|error| panic!("presigned {presigned}: {error}"));
        assert_eq!(verified.access_key_id, "AKIDEXAMPLE");
        assert_eq!(
            verified.region.clone(),
            RegionSet::parse("us-east-1,us-west-2").unwrap().into()
        );

        let other_key = EcdsaSigner::new()
            .public_key(&Credentials::new("AKIDEXAMPLE", "another secret", None).unwrap())
            .unwrap();
        assert!(matches!(
            verifier.verify(&request, &other_key, &policy),
            Err(VerifyError::SignatureMismatch { .. })
        ));
    }
}

#[test]
fn the_public_key_of_a_secret_is_the_published_one() {
    let derived = EcdsaVerifier::new()
        .public_key_for("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .unwrap();
    assert_eq!(derived, PublicKey::from_xy_hex(X, Y).unwrap());
}
