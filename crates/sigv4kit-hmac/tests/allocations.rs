//! A warm SigV4 header signing makes at most 3 heap allocations.
//!
//! Counted with dhat's counting allocator: unlike a time, the count is exact
//! and the same on every machine, so this is the precise guard against the
//! hot path starting to build strings again. One test per binary, because the
//! allocator counts every thread.

use sigv4kit_canon::{AmzDate, Header, Payload, Region, Request, Service};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Credentials, Expiry, Signer, SigningParams};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

fn allocations_of(work: impl Fn()) -> u64 {
    work(); // warm: key cache and scratch buffers
    let before = dhat::HeapStats::get().total_blocks;
    work();
    dhat::HeapStats::get().total_blocks - before
}

#[test]
fn warm_signing_allocation_budget() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let with_token = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI".into()),
    )
    .unwrap();
    let signer = HmacSigner::new();
    let time = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
    let service = Service::new("service").unwrap();
    let region = Region::new("us-east-1").unwrap();

    let vanilla_headers = [Header::new("Host", "example.amazonaws.com")];
    let vanilla = Request::new("GET", "/", &vanilla_headers);
    let params = SigningParams::new(&credentials, time, service.clone(), region.clone());
    let get_vanilla = allocations_of(|| {
        signer.sign(&vanilla, &params).unwrap();
    });

    let body = [b'x'; 300];
    let post_headers = [
        Header::new("Host", "dynamodb.us-east-1.amazonaws.com"),
        Header::new("Content-Type", "application/x-amz-json-1.0"),
        Header::new("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
        Header::new("Content-Length", "300"),
        Header::new("Accept-Encoding", "identity"),
        Header::new("User-Agent", "sigv4kit-test"),
    ];
    let post = Request::new("POST", "/", &post_headers).with_payload(Payload::Bytes(&body));
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
