//! `sigv4 send`: sign, send with reqwest over rustls, print the answer.
//!
//! A body from `--data-binary @FILE` is streamed from the file when the
//! preset allows `UNSIGNED-PAYLOAD` for streamed bodies over this transport
//! (S3 over HTTPS, VPC Lattice), so that a large upload is never held in
//! memory. Otherwise it is read and hashed first: outside S3 and Lattice the
//! payload line must be the body's hash, and sending `UNSIGNED-PAYLOAD`
//! quietly would only earn a `SignatureDoesNotMatch`.
//!
//! `--chunked` sends the body `aws-chunked` instead, the way the AWS SDKs
//! upload to S3 without hashing the body first: the seed request declares
//! the encoded length and signs a `STREAMING-*` payload literal, and every
//! chunk carries a signature chained from the seed's
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>).
//! The length must be known before the first byte, so a file body is
//! planned from its size and then streamed through the library's
//! `ChunkedBody`, which signs each chunk as it goes out: the file is never
//! read whole.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use reqwest::Url;
use reqwest::header::{CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue};
use sigv4kit::canon::RawRequest;
use sigv4kit::integrations::http::{ChunkedBody, ChunkedBodyError};
use sigv4kit::stream::ChunkedEncoder;
use sigv4kit::{ChunkedUploads, Credentials, RequestSigner};

use crate::cli::{ChunkedOptions, GlobalOptions, SendArgs};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_VERDICT};
use crate::output::print_verbose;
use crate::request::{FileBody, RequestInput, parse_url, read_input};
use crate::setup::Setup;

/// Where the body's bytes come from.
enum BodySource {
    /// Bytes in memory (possibly none).
    Bytes(Vec<u8>),
    /// Streamed from this file, of this length.
    File(PathBuf, u64),
}

impl BodySource {
    /// The number of bytes the body holds.
    fn len(&self) -> u64 {
        match self {
            // A usize always fits in a u64 on the platforms Rust supports.
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::File(_, length) => *length,
        }
    }
}

/// A signed request, ready to go.
struct Outgoing {
    method: reqwest::Method,
    url: Url,
    /// The request's own headers and the signature's.
    headers: HeaderMap,
    body: BodySource,
    /// With `--chunked`: the encoder that signs each chunk of `body`.
    encoder: Option<ChunkedEncoder>,
}

/// Signs and sends the request; prints the status, headers and body.
pub fn send(global: &GlobalOptions, args: &SendArgs) -> CliResult {
    if let Some(option) = args.chunked.without_chunked() {
        return Err(CliError::Usage(format!(
            "{option} applies to an aws-chunked upload only: add --chunked"
        )));
    }
    let input = RequestInput::from_options(&args.request, FileBody::Defer)?;
    let setup = Setup::resolve(global, Some(&input.host), None)?;
    let signer = setup.resolved.request_signer();
    let credentials = setup.credentials()?;
    let outgoing = if args.chunked.chunked {
        if global.unsigned_payload {
            return Err(CliError::Usage(
                "--chunked signs every chunk of the body; it cannot send UNSIGNED-PAYLOAD (drop --unsigned-payload)"
                    .to_owned(),
            ));
        }
        sign_chunked(&input, &args.chunked, &setup, &signer, &credentials)?
    } else {
        sign_whole(input, &setup, &signer, &credentials)?
    };
    let status = transmit(outgoing)?;
    Ok(
        if args.fail && (status.is_client_error() || status.is_server_error()) {
            EXIT_VERDICT
        } else {
            EXIT_OK
        },
    )
}

/// Signs the request with its body's hash, or `UNSIGNED-PAYLOAD` for a file
/// streamed where the preset allows it.
fn sign_whole(
    mut input: RequestInput,
    setup: &Setup,
    signer: &RequestSigner,
    credentials: &Credentials,
) -> Result<Outgoing, CliError> {
    let mut streamed = None;
    if let Some(path) = input.deferred_body.clone() {
        match signer.payload_for_streaming_body(input.transport()) {
            Ok(payload) if input.payload_hash.is_none() => {
                let length = file_length(&path)?;
                streamed = Some((path, length, payload));
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
    let payload = match &streamed {
        Some((_, _, payload)) => *payload,
        None => input.payload(raw.body),
    };
    let request = raw.as_request().with_payload(payload);
    let output = signer.sign_with(&request, credentials, signer.now()?)?;
    print_verbose(setup.verbose, &output, credentials);

    let own = raw.headers.iter().map(|header| (header.name, header.value));
    let signed = output
        .headers()
        .map(|(name, value)| (name.as_bytes(), value.as_bytes()));
    let mut headers = header_map(own.chain(signed))?;
    let body = match streamed {
        Some((path, length, _)) => {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
            BodySource::File(path, length)
        }
        None => BodySource::Bytes(raw.body.to_vec()),
    };
    Ok(Outgoing {
        method: method_of(&raw)?,
        url: parse_url(&input.url()?)?,
        headers,
        body,
        encoder: None,
    })
}

/// Signs the seed request of an `aws-chunked` upload of the body, planned
/// from its length; the chunks are signed as they are sent.
fn sign_chunked(
    input: &RequestInput,
    options: &ChunkedOptions,
    setup: &Setup,
    signer: &RequestSigner,
    credentials: &Credentials,
) -> Result<Outgoing, CliError> {
    let raw = input.raw()?;
    let body = match &input.deferred_body {
        Some(path) => BodySource::File(path.clone(), regular_file_length(path)?),
        None => BodySource::Bytes(raw.body.to_vec()),
    };
    let mut uploads = ChunkedUploads::new().with_chunk_size(options.chunk_size.unwrap_or_default());
    if let Some(checksum) = options.checksum {
        uploads = uploads.with_checksum(checksum);
    }
    let upload = uploads.plan(signer, body.len());
    let seed = signer.sign_chunked_with(&raw.as_request(), &upload, credentials, signer.now()?)?;
    print_verbose(setup.verbose, seed.output(), credentials);
    if setup.verbose {
        eprintln!(
            "sigv4: aws-chunked: {} bytes in chunks of {}, {} bytes on the wire{}",
            upload.decoded_length(),
            upload.chunk_size().get(),
            upload.content_length(),
            options
                .checksum
                .map(|checksum| format!(", trailer {}", checksum.header_name()))
                .unwrap_or_default()
        );
    }

    // The seed's headers (Content-Length, Content-Encoding, ...) replace
    // the request's own of the same name, which were signed replaced.
    let replaced = |name: &[u8]| {
        seed.headers()
            .any(|(planned, _)| name.trim_ascii().eq_ignore_ascii_case(planned.as_bytes()))
    };
    let own = raw
        .headers
        .iter()
        .filter(|header| !replaced(header.name))
        .map(|header| (header.name, header.value));
    let signed = seed
        .headers()
        .map(|(name, value)| (name.as_bytes(), value.as_bytes()));
    let headers = header_map(own.chain(signed))?;
    Ok(Outgoing {
        method: method_of(&raw)?,
        url: parse_url(&input.url()?)?,
        headers,
        body,
        encoder: Some(seed.into_encoder()),
    })
}

/// Sends `outgoing` and prints the answer; returns its status.
fn transmit(outgoing: Outgoing) -> Result<reqwest::StatusCode, CliError> {
    let Outgoing {
        method,
        url,
        headers,
        body,
        encoder,
    } = outgoing;
    let file = match &body {
        BodySource::File(path, _) => Some(path.clone()),
        BodySource::Bytes(_) => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Network(error.to_string()))?;
    runtime.block_on(async move {
        let client = reqwest::Client::builder()
            .build()
            .map_err(|error| CliError::Network(error_chain(&error)))?;
        let body = match body {
            BodySource::Bytes(bytes) => reqwest::Body::from(bytes),
            BodySource::File(path, _) => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|error| CliError::Read {
                        path: path.clone(),
                        reason: error.to_string(),
                    })?;
                reqwest::Body::from(file)
            }
        };
        let body = match encoder {
            Some(encoder) => reqwest::Body::wrap(ChunkedBody::new(body, encoder)),
            None => body,
        };
        let response = client
            .request(method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|error| request_failed(&error, file.as_deref()))?;
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
    })
}

/// The headers to send, each name and value checked as HTTP requires.
fn header_map<'a>(
    headers: impl Iterator<Item = (&'a [u8], &'a [u8])>,
) -> Result<HeaderMap, CliError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.trim_ascii())
            .map_err(|error| CliError::invalid("header name", error))?;
        let value = HeaderValue::from_bytes(value.trim_ascii())
            .map_err(|error| CliError::invalid("header value", error))?;
        map.append(name, value);
    }
    Ok(map)
}

fn method_of(raw: &RawRequest<'_>) -> Result<reqwest::Method, CliError> {
    reqwest::Method::from_bytes(raw.method.as_bytes())
        .map_err(|error| CliError::invalid("method", error))
}

fn metadata(path: &Path) -> Result<std::fs::Metadata, CliError> {
    std::fs::metadata(path).map_err(|error| CliError::Read {
        path: path.to_owned(),
        reason: error.to_string(),
    })
}

fn file_length(path: &Path) -> Result<u64, CliError> {
    Ok(metadata(path)?.len())
}

/// The length of `path`, which must be a regular file: the seed request
/// declares the body's length before its first byte, and a pipe or a
/// device has none to declare.
fn regular_file_length(path: &Path) -> Result<u64, CliError> {
    let metadata = metadata(path)?;
    if !metadata.is_file() {
        return Err(CliError::invalid(
            "body",
            format!(
                "{}: --chunked declares the body's length before sending it, so it needs a regular file, not a pipe or a device",
                path.display()
            ),
        ));
    }
    Ok(metadata.len())
}

/// Why sending failed. A body that did not match its `aws-chunked` plan (a
/// file that changed size while it was sent, or whose size the system
/// misreports) is an input error, not a network one.
fn request_failed(error: &reqwest::Error, file: Option<&Path>) -> CliError {
    let mut source: Option<&(dyn Error + 'static)> = error.source();
    while let Some(cause) = source {
        if let Some(body_error) = cause.downcast_ref::<ChunkedBodyError>() {
            return CliError::invalid(
                "body",
                match file {
                    Some(path) => format!("{}: {body_error}", path.display()),
                    None => body_error.to_string(),
                },
            );
        }
        source = cause.source();
    }
    CliError::Network(error_chain(error))
}

/// The error and its sources, `: `-joined: reqwest's own message alone
/// ("error sending request") hides the cause (refused, TLS, DNS).
fn error_chain(error: &dyn Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
