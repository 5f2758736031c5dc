//! A tiny HTTP/1.1 server that accepts only requests signed with SigV4 or
//! SigV4A, for the service `example` in `us-east-1`.
//!
//! ```text
//! cargo run -p sigv4kit --example verify_server
//! ```
//!
//! It prints two presigned URLs for itself, one per algorithm, to try with
//! `curl`. The SigV4 key is the AWS documentation's example secret; the
//! SigV4A key is only the public key derived from it, so this server could
//! not sign a SigV4A request if it wanted to. Each request gets `200` with
//! what was verified, or `403` with the reason (a signature mismatch carries
//! the canonical request and string to sign the server computed).

use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::SystemTime;

use sigv4kit::canon::{AmzDate, Payload, RawRequest, Region, RegionSet, Service};
use sigv4kit::presign::{PresignRequest, presign};
use sigv4kit::{
    Credentials, EcdsaSigner, Expiry, HmacSigner, InMemoryKeyProvider, RequestVerifier,
    SigningParams, VerifyPolicy, VerifyingKey,
};

const ADDRESS: &str = "127.0.0.1:8080";
const MAX_REQUEST: usize = 1 << 20;

fn main() -> Result<(), Box<dyn Error>> {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )?;
    let service = Service::new("example")?;

    // The server's keys: a secret, which verifies both algorithms, and for
    // another client only a SigV4A public key, which cannot sign.
    let mut keys = InMemoryKeyProvider::new();
    keys.insert(
        "AKIDEXAMPLE",
        VerifyingKey::from(credentials.secret().clone()),
    );
    let sigv4a_only = Credentials::new("AKIDSIGV4A", "only-the-client-knows-this", None)?;
    keys.insert(
        "AKIDSIGV4A",
        VerifyingKey::PublicKey(EcdsaSigner::new().public_key(&sigv4a_only)?),
    );

    let verifier = RequestVerifier::new(VerifyPolicy::new(
        service.clone(),
        RegionSet::parse("us-east-1")?,
    ));

    let now = AmzDate::from_system_time(SystemTime::now())?;
    let url = format!("http://{ADDRESS}/hello?name=world");
    let sigv4 = SigningParams::new(
        &credentials,
        now,
        service.clone(),
        Region::new("us-east-1")?,
    )
    .presigned(Expiry::from_secs(900)?);
    let sigv4a = SigningParams::new(&sigv4a_only, now, service, RegionSet::any())
        .presigned(Expiry::from_secs(900)?);
    let request = PresignRequest::new("GET", &url);
    println!("curl '{}'", presign(&HmacSigner::new(), &request, &sigv4)?);
    println!(
        "curl '{}'",
        presign(&EcdsaSigner::new(), &request, &sigv4a)?
    );

    let listener = TcpListener::bind(ADDRESS)?;
    println!("listening on {ADDRESS}");
    for stream in listener.incoming() {
        let mut stream = stream?;
        let (status, message) = match read_request(&mut stream) {
            Ok(bytes) => handle(&bytes, &verifier, &keys),
            Err(error) => ("400 Bad Request", error.to_string()),
        };
        let reply = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{message}\n",
            message.len() + 1
        );
        let _ = stream.write_all(reply.as_bytes());
    }
    Ok(())
}

/// Verifies one raw request.
fn handle(
    bytes: &[u8],
    verifier: &RequestVerifier,
    keys: &InMemoryKeyProvider,
) -> (&'static str, String) {
    let raw = match RawRequest::parse(bytes) {
        Ok(raw) => raw,
        Err(error) => return ("400 Bad Request", error.to_string()),
    };
    let request = raw.as_request().with_payload(Payload::Bytes(raw.body));
    // A real server awaits this in its async runtime.
    match pollster::block_on(verifier.verify(&request, keys)) {
        Ok(verified) => ("200 OK", format!("hello, {}", verified.access_key_id)),
        Err(error) => ("403 Forbidden", error.to_string()),
    }
}

/// Reads the head and a `content-length` body, at most [`MAX_REQUEST`] bytes.
fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut bytes = Vec::new();
    let mut content_length = 0;
    loop {
        let before = bytes.len();
        reader
            .by_ref()
            .take((MAX_REQUEST - before) as u64)
            .read_until(b'\n', &mut bytes)?;
        let line = String::from_utf8_lossy(&bytes[before..]).to_ascii_lowercase();
        if let Some(value) = line.strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if line.trim().is_empty() || bytes.len() >= MAX_REQUEST {
            break;
        }
    }
    let body = content_length.min(MAX_REQUEST - bytes.len());
    let start = bytes.len();
    bytes.resize(start + body, 0);
    reader.read_exact(&mut bytes[start..])?;
    Ok(bytes)
}
