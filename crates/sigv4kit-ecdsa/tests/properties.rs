//! Properties of SigV4A signing over random requests: a signature verifies
//! against its own string to sign, and against no string to sign of a
//! request changed in any signed part.

use proptest::prelude::*;
use sigv4kit_canon::{AmzDate, Header, Payload, Region, RegionSet, Request, Service};
use sigv4kit_ecdsa::{EcdsaSigner, verify};
use sigv4kit_signer::{Credentials, Signer, SigningParams};

#[derive(Debug, Clone)]
struct Case {
    method: String,
    path: String,
    query: String,
    header: (String, String),
    body: Vec<u8>,
    time: i64,
    region_set: String,
}

impl Case {
    /// The string to sign and signature of this request.
    fn sign(&self, signer: &EcdsaSigner, credentials: &Credentials) -> (String, String) {
        let target = format!("{}?{}", self.path, self.query);
        let headers = [
            Header::new("Host", "example.amazonaws.com"),
            Header::new(&self.header.0, &self.header.1),
        ];
        let request =
            Request::new(&self.method, &target, &headers).with_payload(Payload::Bytes(&self.body));
        let params = SigningParams::new(
            credentials,
            AmzDate::from_unix_seconds(self.time).unwrap(),
            Service::new("service").unwrap(),
            RegionSet::parse(&self.region_set).unwrap(),
        );
        let output = signer.sign(&request, &params).unwrap();
        (output.string_to_sign(), output.signature().to_owned())
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        "GET|PUT|POST|DELETE",
        "/[a-z0-9/._~ -]{0,16}",
        "[a-z0-9=&]{0,12}",
        ("x-[a-z]{1,8}", "[a-zA-Z0-9 ]{0,12}"),
        proptest::collection::vec(any::<u8>(), 0..48),
        0i64..4_000_000_000,
        "\\*|us-east-1|us-east-1,us-west-2",
    )
        .prop_map(
            |(method, path, query, header, body, time, region_set)| Case {
                method,
                path,
                query,
                header,
                body,
                time,
                region_set,
            },
        )
}

/// One change to a signed part of the request.
fn mutate(case: &Case, which: u8) -> Case {
    let mut changed = case.clone();
    match which % 7 {
        0 => {
            changed.method = if case.method == "PATCH" {
                "GET".into()
            } else {
                "PATCH".into()
            }
        }
        1 => changed.path.push_str("/x"),
        2 => changed.query.push_str("&zz=1"),
        3 => changed.header.1.push('!'),
        4 => changed.body.push(0),
        5 => changed.time += 1,
        _ => {
            changed.region_set = if case.region_set == "eu-west-1" {
                "*".into()
            } else {
                "eu-west-1".into()
            }
        }
    }
    changed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_signature_verifies_and_no_single_change_keeps_it_valid(case in case(), which in any::<u8>()) {
        let signer = EcdsaSigner::new();
        let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None).unwrap();
        let public_key = signer.public_key(&credentials).unwrap();
        let (string_to_sign, signature) = case.sign(&signer, &credentials);
        prop_assert!(verify(string_to_sign.as_bytes(), &signature, &public_key).is_ok());

        let (changed_string, _) = mutate(&case, which).sign(&signer, &credentials);
        prop_assert_ne!(&changed_string, &string_to_sign);
        prop_assert!(verify(changed_string.as_bytes(), &signature, &public_key).is_err());
    }
}

#[test]
fn a_single_region_is_the_set_of_that_region() {
    let signer = EcdsaSigner::new();
    let credentials = Credentials::new("AKID", "secret", None).unwrap();
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let request = Request::new("GET", "/", &headers);
    let time = AmzDate::from_unix_seconds(0).unwrap();
    let service = Service::new("s3").unwrap();
    let by_region = SigningParams::new(
        &credentials,
        time,
        service.clone(),
        Region::new("us-east-1").unwrap(),
    );
    let by_set = SigningParams::new(
        &credentials,
        time,
        service,
        RegionSet::parse("us-east-1").unwrap(),
    );
    let a = signer.sign(&request, &by_region).unwrap();
    let b = signer.sign(&request, &by_set).unwrap();
    assert_eq!(a.string_to_sign(), b.string_to_sign());
    assert_eq!(a.credential_scope(), "19700101/s3/aws4_request");
    assert!(
        a.headers()
            .any(|header| header == ("X-Amz-Region-Set", "us-east-1"))
    );
    assert_eq!(
        a.signature(),
        b.signature(),
        "RFC 6979 nonces are deterministic"
    );
}
