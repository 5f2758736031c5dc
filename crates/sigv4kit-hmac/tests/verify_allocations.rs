//! A warm SigV4 verification makes exactly the allocations of its answer.
//!
//! The parse borrows from the request, the canonical request streams through
//! the signer's reused scratch area, and the key comes from the cache by a
//! fingerprint computed once: what is left is the owned [`Verified`] value a
//! caller keeps. Its access key id is held inline, its region is the
//! policy's, shared, and its signed-header list is held inline or, when
//! longer, shared with a recent verification of the same list on this
//! thread (the lists of eight clients in turn are kept): only a session
//! token, when one was sent, is copied. Counted with dhat's counting
//! allocator, exact on every machine; one test per binary, because the
//! allocator counts every thread.
//!
//! [`Verified`]: sigv4kit_signer::Verified

mod common;

use common::{
    TYPICAL_POST_BODY, allocations_of, credentials, credentials_with_token, get_vanilla_headers,
    scope, typical_post_headers,
};
use sigv4kit_canon::{Header, Payload, RegionSet, Request};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{FixedClock, Signer, SigningParams, Verifier, VerifyPolicy};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// The signed request's headers: `headers` plus the signature's.
fn signed(
    headers: &[Header<'_>],
    request: &Request<'_>,
    params: &SigningParams<'_>,
) -> Vec<(String, String)> {
    let output = HmacSigner::new().sign(request, params).unwrap();
    headers
        .iter()
        .map(|header| {
            (
                String::from_utf8(header.name.to_vec()).unwrap(),
                String::from_utf8(header.value.to_vec()).unwrap(),
            )
        })
        .chain(output.headers().map(|(n, v)| (n.to_owned(), v.to_owned())))
        .collect()
}

#[test]
fn warm_verification_allocation_budget() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let credentials = credentials();
    let with_token = credentials_with_token();
    let (time, service, region) = scope();
    let policy = VerifyPolicy::new(service.clone(), RegionSet::single(&region))
        .with_clock(FixedClock::at(&time));
    let verifier = HmacVerifier::new();
    let key = FingerprintedSecret::from(&credentials);

    let vanilla_headers = get_vanilla_headers();
    let vanilla = Request::new("GET", "/", &vanilla_headers);
    let params = SigningParams::new(&credentials, time, service.clone(), region.clone());
    let owned = signed(&vanilla_headers, &vanilla, &params);
    let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
    let received = Request::new("GET", "/", &headers);
    let get_vanilla = allocations_of(|| {
        verifier.verify(&received, &key, &policy).unwrap();
    });

    let post_headers = typical_post_headers();
    let post =
        Request::new("POST", "/", &post_headers).with_payload(Payload::Bytes(&TYPICAL_POST_BODY));
    let post_params = SigningParams::new(&with_token, time, service, region);
    let owned = signed(&post_headers, &post, &post_params);
    let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
    let received =
        Request::new("POST", "/", &headers).with_payload(Payload::Bytes(&TYPICAL_POST_BODY));
    let typical_post = allocations_of(|| {
        verifier.verify(&received, &key, &policy).unwrap();
    });

    // Three clients in turn, each signing more headers than a list held
    // inline: each list is shared with that client's last verification.
    let client_headers: Vec<Vec<(String, String)>> = (0..3)
        .map(|client| {
            let mut headers = vec![("host".to_owned(), "example.amazonaws.com".to_owned())];
            headers.extend(
                (0..8).map(|index| (format!("x-amz-meta-client{client}-{index}"), "v".to_owned())),
            );
            let borrowed: Vec<Header<'_>> =
                headers.iter().map(|(n, v)| Header::new(n, v)).collect();
            let request = Request::new("GET", "/", &borrowed);
            signed(&borrowed, &request, &params)
        })
        .collect();
    let client_requests: Vec<Vec<Header<'_>>> = client_headers
        .iter()
        .map(|owned| owned.iter().map(|(n, v)| Header::new(n, v)).collect())
        .collect();
    let verify_each_client = || {
        for headers in &client_requests {
            let verified = verifier
                .verify(&Request::new("GET", "/", headers), &key, &policy)
                .unwrap();
            assert!(verified.signed_headers.iter().count() > 8);
        }
    };
    let clients_in_turn = allocations_of(verify_each_client);

    eprintln!(
        "warm verification allocations: get-vanilla {get_vanilla}, typical POST {typical_post}, three clients in turn {clients_in_turn}"
    );
    // Nothing: the access key id and the signed-header list are inline, the
    // region shares the policy's (which accepts that one region).
    assert_eq!(get_vanilla, 0, "get-vanilla");
    // The session token.
    assert_eq!(typical_post, 1, "typical POST");
    assert_eq!(clients_in_turn, 0, "three clients in turn");
}
