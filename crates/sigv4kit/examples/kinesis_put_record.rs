//! A Kinesis `PutRecord` POST, signed with SigV4.
//!
//! ```text
//! cargo run -p sigv4kit --example kinesis_put_record
//! cargo run -p sigv4kit --example kinesis_put_record -- my-config.toml
//! ```
//!
//! The service and region come from the endpoint in `examples/config/kinesis.toml`;
//! credentials from the environment or the profile files, else the AWS
//! documentation's example keys. `SIGV4_TIME` (RFC 3339) fixes the signing
//! time. The test checks the signature against botocore's and the AWS CRT's.

use std::error::Error;

mod support;

const CONFIG: &str = include_str!("config/kinesis.toml");
const HOST: &str = "kinesis.us-east-1.amazonaws.com";
const TARGET: &str = "/";
const HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "Kinesis_20131202.PutRecord"),
];
const BODY: &[u8] = br#"{"StreamName":"orders","Data":"aGVsbG8=","PartitionKey":"p1"}"#;

fn main() -> Result<(), Box<dyn Error>> {
    support::sign_and_print(CONFIG, HOST, TARGET, HEADERS, BODY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_one_botocore_and_the_crt_compute() {
        support::check_against_oracle(
            CONFIG,
            HOST,
            TARGET,
            HEADERS,
            BODY,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=7b2794f7c2e4a4afd364ab5e00fedb98079284f1ce43eafdf2ffc0acc84e1ab7",
        );
    }
}
