//! What the allocation-count tests share: the counting step and the two
//! requests they count (the suite's get-vanilla and a typical DynamoDB POST
//! with a session token). Each test binary installs dhat's counting
//! allocator itself, as `#[global_allocator]` must be set per binary.

use sigv4kit_canon::{AmzDate, Header, Region, Service};
use sigv4kit_signer::Credentials;

/// The allocations `work` makes once warm: run once to fill the key cache
/// and the scratch buffers, then counted.
pub fn allocations_of(work: impl Fn()) -> u64 {
    work();
    let before = dhat::HeapStats::get().total_blocks;
    work();
    dhat::HeapStats::get().total_blocks - before
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The suite's credentials, without a session token.
pub fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap()
}

/// The suite's credentials with a session token.
pub fn credentials_with_token() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        SECRET,
        Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI".into()),
    )
    .unwrap()
}

/// The suite's time, service and region.
pub fn scope() -> (AmzDate, Service, Region) {
    (
        AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap(),
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    )
}

/// The headers of get-vanilla.
pub fn get_vanilla_headers() -> [Header<'static>; 1] {
    [Header::new("Host", "example.amazonaws.com")]
}

/// The headers of the typical DynamoDB POST.
pub fn typical_post_headers() -> Vec<Header<'static>> {
    vec![
        Header::new("Host", "dynamodb.us-east-1.amazonaws.com"),
        Header::new("Content-Type", "application/x-amz-json-1.0"),
        Header::new("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
        Header::new("Content-Length", "300"),
        Header::new("Accept-Encoding", "identity"),
    ]
}

/// The typical POST's 300-byte body.
pub const TYPICAL_POST_BODY: [u8; 300] = [b'x'; 300];
