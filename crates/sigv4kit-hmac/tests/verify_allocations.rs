//! A warm SigV4 verification makes exactly the allocations of its answer.
//!
//! The parse borrows from the request, the canonical request streams through
//! the signer's reused scratch area, and the key comes from the cache by a
//! fingerprint computed once: what is left is the owned [`Verified`] value a
//! caller keeps (the access key id, the signed-header list, and the session
//! token when one was sent; the region is the policy's, shared). Counted
//! with dhat's counting allocator, exact on every machine; one test per
//! binary, because the allocator counts every thread.
//!
//! [`Verified`]: sigv4kit_signer::Verified

use sigv4kit_canon::{AmzDate, Header, Payload, Region, RegionSet, Request, Service};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{Credentials, FixedClock, Signer, SigningParams, Verifier, VerifyPolicy};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

fn allocations_of(work: impl Fn()) -> u64 {
    work(); // warm: key cache and scratch buffers
    let before = dhat::HeapStats::get().total_blocks;
    work();
    dhat::HeapStats::get().total_blocks - before
}

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
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let credentials = Credentials::new("AKIDEXAMPLE", secret, None).unwrap();
    let with_token = Credentials::new(
        "AKIDEXAMPLE",
        secret,
        Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI".into()),
    )
    .unwrap();
    let time = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
    let service = Service::new("service").unwrap();
    let region = Region::new("us-east-1").unwrap();
    let policy = VerifyPolicy::new(service.clone(), RegionSet::single(&region))
        .with_clock(FixedClock::at(&time));
    let verifier = HmacVerifier::new();
    let key = FingerprintedSecret::from(&credentials);

    let vanilla_headers = [Header::new("Host", "example.amazonaws.com")];
    let vanilla = Request::new("GET", "/", &vanilla_headers);
    let params = SigningParams::new(&credentials, time, service.clone(), region.clone());
    let owned = signed(&vanilla_headers, &vanilla, &params);
    let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
    let received = Request::new("GET", "/", &headers);
    let get_vanilla = allocations_of(|| {
        verifier.verify(&received, &key, &policy).unwrap();
    });

    let body = [b'x'; 300];
    let post_headers = [
        Header::new("Host", "dynamodb.us-east-1.amazonaws.com"),
        Header::new("Content-Type", "application/x-amz-json-1.0"),
        Header::new("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
        Header::new("Content-Length", "300"),
        Header::new("Accept-Encoding", "identity"),
    ];
    let post = Request::new("POST", "/", &post_headers).with_payload(Payload::Bytes(&body));
    let post_params = SigningParams::new(&with_token, time, service, region);
    let owned = signed(&post_headers, &post, &post_params);
    let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
    let received = Request::new("POST", "/", &headers).with_payload(Payload::Bytes(&body));
    let typical_post = allocations_of(|| {
        verifier.verify(&received, &key, &policy).unwrap();
    });

    eprintln!(
        "warm verification allocations: get-vanilla {get_vanilla}, typical POST {typical_post}"
    );
    // The access key id and the signed-header list of `Verified`; its region
    // shares the policy's, which accepts that one region.
    assert_eq!(get_vanilla, 2, "get-vanilla");
    // The same, and the session token.
    assert_eq!(typical_post, 3, "typical POST");
}
