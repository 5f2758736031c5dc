//! `sigv4 send`: sign, send with reqwest over rustls, print the answer.
//!
//! A body from `--data-binary @FILE` is streamed from the file when the
//! preset allows `UNSIGNED-PAYLOAD` for streamed bodies over this transport
//! (S3 over HTTPS, VPC Lattice), so that a large upload is never held in
//! memory. Otherwise it is read and hashed first: outside S3 and Lattice the
//! payload line must be the body's hash, and sending `UNSIGNED-PAYLOAD`
//! quietly would only earn a `SignatureDoesNotMatch`.

use std::io::Write;
use std::path::Path;

use reqwest::header::{CONTENT_LENGTH, HeaderName, HeaderValue};

use crate::cli::{GlobalOptions, SendArgs};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_VERDICT};
use crate::output::print_verbose;
use crate::request::{FileBody, RequestInput, parse_url, read_input};
use crate::setup::Setup;

/// The body as it will be sent.
enum Outgoing {
    /// Bytes in memory (possibly none).
    Bytes(Vec<u8>),
    /// Streamed from this file, of this length.
    File(std::path::PathBuf, u64),
}

/// Signs and sends the request; prints the status, headers and body.
pub fn send(global: &GlobalOptions, args: &SendArgs) -> CliResult {
    let mut input = RequestInput::from_options(&args.request, FileBody::Defer)?;
    let setup = Setup::resolve(global, Some(&input.host), None)?;
    let signer = setup.resolved.request_signer();
    let credentials = setup.credentials()?;

    let mut outgoing = None;
    let mut streamed_payload = None;
    if let Some(path) = input.deferred_body.clone() {
        match signer.payload_for_streaming_body(input.transport()) {
            Ok(payload) if input.payload_hash.is_none() => {
                let length = file_length(&path)?;
                outgoing = Some(Outgoing::File(path, length));
                streamed_payload = Some(payload);
            }
            _ => {
                if setup.verbose {
                    eprintln!(
                        "sigv4: reading {} to hash it: the preset does not allow UNSIGNED-PAYLOAD for a streamed body here",
                        path.display()
                    );
                }
                input = input.with_body(&read_input(&path)?)?;
                input.body_file = Some(path);
            }
        }
    }
    let raw = input.raw()?;
    let payload = streamed_payload.unwrap_or_else(|| input.payload(raw.body));
    let request = raw.as_request().with_payload(payload);
    let output = signer.sign_with(&request, &credentials, signer.now()?)?;
    print_verbose(setup.verbose, &output, &credentials);
    let outgoing = outgoing.unwrap_or_else(|| Outgoing::Bytes(raw.body.to_vec()));

    let url = parse_url(&input.url()?)?;
    let method = reqwest::Method::from_bytes(raw.method.as_bytes())
        .map_err(|error| CliError::invalid("method", error))?;
    let mut headers = reqwest::header::HeaderMap::new();
    let signed = output
        .headers()
        .map(|(name, value)| (name.as_bytes(), value.as_bytes()));
    let own = raw.headers.iter().map(|header| (header.name, header.value));
    for (name, value) in own.chain(signed) {
        let name = HeaderName::from_bytes(name)
            .map_err(|error| CliError::invalid("header name", error))?;
        let value = HeaderValue::from_bytes(value.trim_ascii())
            .map_err(|error| CliError::invalid("header value", error))?;
        headers.append(name, value);
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Network(error.to_string()))?;
    let status = runtime.block_on(async move {
        let client = reqwest::Client::builder()
            .build()
            .map_err(|error| CliError::Network(error_chain(&error)))?;
        let body = match outgoing {
            Outgoing::Bytes(bytes) => reqwest::Body::from(bytes),
            Outgoing::File(path, length) => {
                headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|error| CliError::Read {
                        path: path.clone(),
                        reason: error.to_string(),
                    })?;
                reqwest::Body::from(file)
            }
        };
        let response = client
            .request(method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|error| CliError::Network(error_chain(&error)))?;
        let mut head = format!("{:?} {}\n", response.version(), response.status());
        for (name, value) in response.headers() {
            head.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        head.push('\n');
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| CliError::Network(error_chain(&error)))?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(head.as_bytes())?;
        stdout.write_all(&body)?;
        if !body.is_empty() && !body.ends_with(b"\n") {
            stdout.write_all(b"\n")?;
        }
        stdout.flush()?;
        Ok::<_, CliError>(status)
    })?;
    Ok(
        if args.fail && (status.is_client_error() || status.is_server_error()) {
            EXIT_VERDICT
        } else {
            EXIT_OK
        },
    )
}

fn file_length(path: &Path) -> Result<u64, CliError> {
    std::fs::metadata(path)
        .map(|metadata| metadata.len())
        .map_err(|error| CliError::Read {
            path: path.to_owned(),
            reason: error.to_string(),
        })
}

/// The error and its sources, `: `-joined: reqwest's own message alone
/// ("error sending request") hides the cause (refused, TLS, DNS).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
