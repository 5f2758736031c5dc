//! Signs an example request and prints it signed.
//!
//! ```text
//! cargo run -p sigv4kit --example sign                # built-in DynamoDB request
//! cargo run -p sigv4kit --example sign -- request.txt # a raw HTTP/1.1 request file
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! `AWS_SESSION_TOKEN`, or default to the AWS documentation's example keys; the
//! service and region from `SIGV4_SERVICE` and `AWS_REGION`, or default to
//! as `dynamodb` / `us-east-1`. The signing time is now.

use std::error::Error;
use std::time::SystemTime;

use sigv4kit::canon::{AmzDate, Payload, RawRequest, Region, Service};
use sigv4kit::{Credentials, HmacSigner, Signer, SigningParams, SigningSettings};

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
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let credentials = Credentials::new(
        env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        ),
        std::env::var("AWS_SESSION_TOKEN").ok(),
    )?;
    let params = SigningParams::new(
        &credentials,
        AmzDate::from_system_time(SystemTime::now())?,
        Service::new(&env("SIGV4_SERVICE", "dynamodb"))?,
        Region::new(&env("AWS_REGION", "us-east-1"))?,
    )
    .with_settings(SigningSettings {
        capture_canonical_request: true,
        ..SigningSettings::default()
    });
    let request = raw.as_request().with_payload(Payload::Bytes(raw.body));
    let output = HmacSigner::new().sign(&request, &params)?;

    eprintln!(
        "--- canonical request\n{}",
        output.canonical_request().unwrap_or_default()
    );
    eprintln!("--- string to sign\n{}\n---", output.string_to_sign());
    let signed = raw.render("", output.headers());
    println!("{}", String::from_utf8_lossy(&signed));
    Ok(())
}
