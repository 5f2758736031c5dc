//! A Lambda `Invoke` POST, signed with SigV4.
//!
//! ```text
//! cargo run -p sigv4kit --example lambda_invoke
//! cargo run -p sigv4kit --example lambda_invoke -- my-config.toml
//! ```
//!
//! The service and region come from the endpoint in `examples/config/lambda.toml`;
//! credentials from the environment or the profile files, else the AWS
//! documentation's example keys. `SIGV4_TIME` (RFC 3339) fixes the signing
//! time. The test checks the signature against botocore's and the AWS CRT's.

use std::error::Error;

mod support;

const CONFIG: &str = include_str!("config/lambda.toml");
const HOST: &str = "lambda.us-east-1.amazonaws.com";
const TARGET: &str = "/2015-03-31/functions/my-function/invocations";
const HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("x-amz-invocation-type", "RequestResponse"),
];
const BODY: &[u8] = br#"{"key":"value"}"#;

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
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type, Signature=a5be934b0ec9d5f50c925db309186590dc6a0ce5fb3da4e6f3c7319419e97c41",
        );
    }
}
