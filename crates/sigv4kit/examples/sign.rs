//! Signs an example request and prints it signed: the README's first
//! command.
//!
//! ```text
//! cargo run -p sigv4kit --example sign                # built-in DynamoDB request
//! cargo run -p sigv4kit --example sign -- request.txt # a raw HTTP/1.1 request file
//! ```
//!
//! Everything but the request comes from configuration, as in an
//! application: the service and region from the request's `Host` when it is
//! a standard AWS endpoint (else `AWS_REGION` and the profile files), the
//! algorithm from `AWS_AUTH_SCHEME_PREFERENCE` (try `sigv4a`), and the
//! credentials from the environment or the profile files, else the AWS
//! documentation's example keys. The signing time is now, or `SIGV4_TIME`.

use std::error::Error;

use sigv4kit::canon::{Payload, RawRequest};
use sigv4kit::config::{SignerConfig, SigningOverrides, scheme_name};
use sigv4kit::environment::ProcessEnvironment;

mod support;

const EXAMPLE: &str = "POST / HTTP/1.1
Host:dynamodb.us-east-1.amazonaws.com
Content-Type:application/x-amz-json-1.0
X-Amz-Target:DynamoDB_20120810.ListTables

{\"Limit\": 10}";

fn main() -> Result<(), Box<dyn Error>> {
    let text = match std::env::args_os().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => EXAMPLE.as_bytes().to_vec(),
    };
    let raw = RawRequest::parse(&text)?;
    let host = raw
        .headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case(b"host"))
        .map(|header| String::from_utf8_lossy(header.value).trim().to_owned())
        .ok_or("the request has no Host header")?;

    let resolved = SignerConfig::new()
        .with_endpoint(host)
        .with_signing(SigningOverrides {
            capture_canonical_request: Some(true),
            ..SigningOverrides::default()
        })
        .resolve(&ProcessEnvironment)?;
    eprintln!(
        "--- {} for {}, the algorithm chosen by {}",
        scheme_name(resolved.algorithm.value),
        resolved.service.value.as_str(),
        resolved.algorithm.source
    );
    let request = raw.as_request().with_payload(Payload::Bytes(raw.body));
    let output = resolved.request_signer().sign_with(
        &request,
        &support::credentials(&resolved)?,
        support::signing_time()?,
    )?;
    support::print_signed(&request, raw.body, &output);
    Ok(())
}
