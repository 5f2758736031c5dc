//! A loop of warm SigV4 signings to run under a profiler:
//! `valgrind --tool=callgrind target/release/examples/profile [get|post|cold] [N]`.

use std::hint::black_box;

use sigv4kit_canon::{AmzDate, Header, Payload, Region, Request, Service};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{Credentials, Signer, SigningParams};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "get".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let token = (which == "post").then(|| "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI".to_owned());
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token,
    )
    .unwrap();
    let body = [b'x'; 300];
    let headers: Vec<Header<'_>> = if which == "post" {
        vec![
            Header::new("host", "dynamodb.us-east-1.amazonaws.com"),
            Header::new("content-type", "application/x-amz-json-1.0"),
            Header::new("x-amz-target", "DynamoDB_20120810.CreateTable"),
            Header::new("content-length", "300"),
            Header::new("accept-encoding", "identity"),
            Header::new("x-amz-user-agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
        ]
    } else {
        vec![Header::new("host", "example.amazonaws.com")]
    };
    let payload = if which == "post" {
        Payload::Bytes(&body)
    } else {
        Payload::Bytes(&[])
    };
    let request = Request::new(if which == "post" { "POST" } else { "GET" }, "/", &headers)
        .with_payload(payload);
    let params = SigningParams::new(
        &credentials,
        AmzDate::from_unix_seconds(1_440_938_160).unwrap(),
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    let signer = if which == "cold" {
        HmacSigner::with_cache_capacity(0)
    } else {
        HmacSigner::new()
    };
    let mut total = 0;
    for _ in 0..count {
        total += signer
            .sign(black_box(&request), black_box(&params))
            .unwrap()
            .signature()
            .len();
    }
    println!("{total}");
}
