//! Properties of SigV4 signing over random requests.

use proptest::prelude::*;
use sigv4kit_canon::{AmzDate, Header, Payload, Region, Request, Service};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Credentials, Signer, SigningParams};

fn sign(headers: &[(String, String)], body: &[u8]) -> String {
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let params = SigningParams::new(
        &credentials,
        AmzDate::from_unix_seconds(1_440_938_160).unwrap(),
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    let headers: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let request = Request::new("POST", "/a/b?x=1", &headers).with_payload(Payload::Bytes(body));
    HmacSigner::new()
        .sign(&request, &params)
        .unwrap()
        .signature()
        .to_owned()
}

/// Distinct header names (repeats of one name keep their relative order,
/// which is significant), values, a permutation, and a case flip per name.
fn distinct_headers() -> impl Strategy<Value = (Vec<(String, String)>, Vec<usize>, Vec<bool>)> {
    proptest::collection::btree_map("x-[a-z0-9-]{1,10}", "[ -~]{0,16}", 0..8).prop_flat_map(|map| {
        let mut headers: Vec<(String, String)> = map.into_iter().collect();
        headers.push(("host".into(), "example.amazonaws.com".into()));
        let len = headers.len();
        (
            Just(headers),
            Just((0..len).collect::<Vec<_>>()).prop_shuffle(),
            proptest::collection::vec(any::<bool>(), len),
        )
    })
}

proptest! {
    #[test]
    fn header_order_and_name_case_never_change_the_signature(
        (headers, order, upper) in distinct_headers(),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let reference = sign(&headers, &body);
        let shuffled: Vec<(String, String)> = order
            .iter()
            .map(|&index| {
                let (name, value) = &headers[index];
                let name = if upper[index] { name.to_ascii_uppercase() } else { name.clone() };
                (name, value.clone())
            })
            .collect();
        prop_assert_eq!(reference, sign(&shuffled, &body));
    }

    #[test]
    fn any_change_to_a_signed_header_value_changes_the_signature(
        (headers, _, _) in distinct_headers(),
        replacement in "[a-z]{1,8}",
    ) {
        let reference = sign(&headers, b"");
        let mut changed = headers.clone();
        let last = changed.len() - 1;
        changed[last].1.push_str(&replacement);
        prop_assert_ne!(reference, sign(&changed, b""));
    }
}
