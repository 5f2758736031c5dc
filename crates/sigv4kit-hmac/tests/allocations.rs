//! A warm SigV4 header signing makes at most 3 heap allocations.
//!
//! Counted with dhat's counting allocator: unlike a time, the count is exact
//! and the same on every machine, so this is the precise guard against the
//! hot path starting to build strings again. One test per binary, because the
//! allocator counts every thread.

mod common;

use common::{
    TYPICAL_POST_BODY, allocations_of, credentials, credentials_with_token, get_vanilla_headers,
    scope, typical_post_headers,
};
use sigv4kit_canon::{Header, Payload, Request};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Expiry, Signer, SigningParams};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[test]
fn warm_signing_allocation_budget() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let credentials = credentials();
    let with_token = credentials_with_token();
    let signer = HmacSigner::new();
    let (time, service, region) = scope();

    let vanilla_headers = get_vanilla_headers();
    let vanilla = Request::new("GET", "/", &vanilla_headers);
    let params = SigningParams::new(&credentials, time, service.clone(), region.clone());
    let get_vanilla = allocations_of(|| {
        signer.sign(&vanilla, &params).unwrap();
    });

    let mut post_headers = typical_post_headers();
    post_headers.push(Header::new("User-Agent", "sigv4kit-test"));
    let post =
        Request::new("POST", "/", &post_headers).with_payload(Payload::Bytes(&TYPICAL_POST_BODY));
    let post_params = SigningParams::new(&with_token, time, service.clone(), region.clone());
    let typical_post = allocations_of(|| {
        signer.sign(&post, &post_params).unwrap();
    });

    let presign_params = SigningParams::new(&credentials, time, service, region)
        .presigned(Expiry::from_secs(3600).unwrap());
    let presign = allocations_of(|| {
        signer.sign(&vanilla, &presign_params).unwrap();
    });

    eprintln!(
        "warm allocations: get-vanilla {get_vanilla}, typical POST {typical_post}, presign {presign}"
    );
    assert!(get_vanilla <= 3, "get-vanilla: {get_vanilla} allocations");
    assert!(
        typical_post <= 3,
        "typical POST: {typical_post} allocations"
    );
    assert!(presign <= 4, "presign: {presign} allocations");
}
