//! What the signing commands print: the stable JSON object, a curl command
//! line, and the `-v` diagnostics.
//!
//! The JSON field names are an interface: scripts read them, so they are
//! fixed here in one struct, documented in `docs/CLI.md`, and never renamed.
//! No output carries the secret access key: the library never puts it in a
//! `SigningOutput`. The session token is part of the request (a header or a
//! query parameter, and a canonical header when it is signed), so the
//! request outputs carry it; the `-v` diagnostics on standard error, which
//! end up in CI logs, redact it.

use serde::Serialize;
use sigv4kit::{Credentials, SigningOutput};

use crate::error::CliError;
use crate::setup::redact_token;

/// The JSON object of `sign --output json` and `presign --output json`.
#[derive(Debug, Serialize)]
pub struct SignatureJson<'a> {
    /// `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    pub algorithm: &'a str,
    /// The canonical request signed.
    pub canonical_request: Option<&'a str>,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signature, hex.
    pub signature: &'a str,
    /// The `Authorization` header value; `null` for a presigned URL.
    pub authorization: Option<&'a str>,
    /// The headers to add, `[name, value]` pairs, in order.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The URL: for a presigned URL, with the signature's query parameters.
    pub url: &'a str,
    /// `date/region/service/aws4_request` (no region for SigV4A).
    pub credential_scope: &'a str,
    /// The signed header names, `;`-separated.
    pub signed_headers: &'a str,
}

impl<'a> SignatureJson<'a> {
    /// The JSON of `output`, for a request to `url`.
    pub fn new(output: &'a SigningOutput, url: &'a str) -> Self {
        Self {
            algorithm: output.algorithm().as_str(),
            canonical_request: output.canonical_request(),
            string_to_sign: output.string_to_sign(),
            signature: output.signature(),
            authorization: output.authorization(),
            headers: output.headers().collect(),
            url,
            credential_scope: output.credential_scope(),
            signed_headers: output.signed_headers(),
        }
    }

    /// Pretty JSON, with a final newline.
    pub fn to_text(&self) -> Result<String, CliError> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|error| CliError::Output(std::io::Error::other(error)))?;
        text.push('\n');
        Ok(text)
    }
}

/// `-v`: the canonical request and the string to sign, on standard error.
pub fn print_verbose(verbose: bool, output: &SigningOutput, credentials: &Credentials) {
    if !verbose {
        return;
    }
    let token = credentials.session_token().map(|token| token.expose());
    if let Some(canonical) = output.canonical_request() {
        eprintln!("--- canonical request\n{}", redact_token(canonical, token));
    }
    eprintln!("--- string to sign\n{}\n---", output.string_to_sign());
}

/// `text` quoted for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The body of a curl command line.
pub enum CurlBody<'a> {
    /// No body.
    None,
    /// `--data-binary @FILE`.
    File(&'a std::path::Path),
    /// `--data-binary 'text'`.
    Text(&'a [u8]),
}

/// A curl command line sending `method` to `url` with `headers`.
pub fn curl_command(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: CurlBody<'_>,
) -> Result<String, CliError> {
    let mut line = format!("curl -X {} {}", shell_quote(method), shell_quote(url));
    for (name, value) in headers {
        line.push_str(" \\\n  -H ");
        line.push_str(&shell_quote(&format!("{name}: {}", value.trim())));
    }
    match body {
        CurlBody::None => {}
        CurlBody::File(path) => {
            line.push_str(" \\\n  --data-binary ");
            line.push_str(&shell_quote(&format!("@{}", path.display())));
        }
        CurlBody::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                CliError::invalid(
                    "body for --output curl",
                    "it is not UTF-8 text; use --output http, or --data-binary @FILE",
                )
            })?;
            line.push_str(" \\\n  --data-binary ");
            line.push_str(&shell_quote(text));
        }
    }
    line.push('\n');
    Ok(line)
}
