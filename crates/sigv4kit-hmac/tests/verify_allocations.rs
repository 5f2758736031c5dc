//! A warm SigV4 verification makes exactly the allocations of its answer.
//!
//! The parse borrows from the request, the canonical request streams through
//! the signer's reused scratch area, and the key comes from the cache by a
//! fingerprint computed once: what is left is the owned [`Verified`] value a
//! caller keeps. Its access key id is held inline, its region is the
//! policy's and its signed-header list the one the thread's last
//! verification answered with (the same list), both shared: only a session
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

    eprintln!(
        "warm verification allocations: get-vanilla {get_vanilla}, typical POST {typical_post}"
    );
    // Nothing: the access key id is inline, the region shares the policy's
    // (which accepts that one region), the signed-header list the last
    // verification's.
    assert_eq!(get_vanilla, 0, "get-vanilla");
    // The session token.
    assert_eq!(typical_post, 1, "typical POST");
}
