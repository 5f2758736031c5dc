//! A DynamoDB `CreateTable` POST, the operation named by `x-amz-target`, signed with SigV4.
//!
//! ```text
//! cargo run -p sigv4kit --example dynamodb_create_table
//! cargo run -p sigv4kit --example dynamodb_create_table -- my-config.toml
//! ```
//!
//! The service and region come from the endpoint in `examples/config/dynamodb.toml`;
//! credentials from the environment or the profile files, else the AWS
//! documentation's example keys. `SIGV4_TIME` (RFC 3339) fixes the signing
//! time. The test checks the signature against botocore's and the AWS CRT's.

use std::error::Error;

mod support;

const CONFIG: &str = include_str!("config/dynamodb.toml");
const HOST: &str = "dynamodb.us-east-1.amazonaws.com";
const TARGET: &str = "/";
const HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/x-amz-json-1.0"),
    ("x-amz-target", "DynamoDB_20120810.CreateTable"),
];
const BODY: &[u8] = br#"{"TableName":"Music","KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#;

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
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=f7f0a91e8a6f62feb4861c3d01e52a4603ce74ba24838c65cc58728da10bdc68",
        );
    }
}
