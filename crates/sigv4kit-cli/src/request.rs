//! The request a command works on, from a URL with curl-like options or from
//! a raw HTTP/1.1 file.
//!
//! Both forms end up as the same thing, a raw request text in the AWS signing
//! suite's format, so that signing, printing (`--output http`) and verifying
//! go through one parser (`canon::RawRequest`) whichever way the request was
//! given. A URL is parsed as an HTTP client parses it (the `url` crate, the
//! one reqwest sends with), so that what is signed is what `send`, curl or
//! any other client puts on the wire.

use std::io::Read;
use std::path::{Path, PathBuf};

use reqwest::Url;
use sigv4kit::Transport;
use sigv4kit::canon::payload::UNSIGNED_PAYLOAD;
use sigv4kit::canon::{Payload, PayloadHash, RawRequest, StreamingPayload};

use crate::cli::RequestOptions;
use crate::error::CliError;

/// Whether a `--data-binary @FILE` body is read now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileBody {
    /// Read it into the request.
    Read,
    /// Leave it in the file, to stream it when sending.
    Defer,
}

/// The request, as raw text, with where it goes.
#[derive(Debug, Clone)]
pub struct RequestInput {
    /// The request in the suite's raw format, body included unless deferred.
    text: Vec<u8>,
    /// `http` or `https`.
    pub scheme: String,
    /// The `Host` header's value.
    pub host: String,
    /// `--payload-hash`.
    pub payload_hash: Option<Payload<'static>>,
    /// A body left in its file ([`FileBody::Defer`]).
    pub deferred_body: Option<PathBuf>,
    /// The file the body was read from, for `--output curl`.
    pub body_file: Option<PathBuf>,
}

impl RequestInput {
    /// The request of `sign`, `presign` or `send`.
    pub fn from_options(options: &RequestOptions, file_body: FileBody) -> Result<Self, CliError> {
        let payload_hash = options
            .payload_hash
            .as_deref()
            .map(parse_payload_hash)
            .transpose()?;
        let mut input = match (&options.request, &options.url) {
            (Some(path), _) => Self::from_raw_file(path)?,
            (None, Some(url)) => {
                let (body, body_file, deferred) = read_body(options, file_body)?;
                let method = options.method.clone().unwrap_or_else(|| {
                    if body.is_some() || deferred.is_some() {
                        "POST".to_owned()
                    } else {
                        "GET".to_owned()
                    }
                });
                let headers = options
                    .headers
                    .iter()
                    .map(|header| parse_header(header))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut input =
                    Self::from_url(&method, url, &headers, body.as_deref().unwrap_or_default())?;
                input.body_file = body_file;
                input.deferred_body = deferred;
                input
            }
            (None, None) => {
                return Err(CliError::Usage(
                    "give a URL, or --request FILE with a raw HTTP request".to_owned(),
                ));
            }
        };
        input.payload_hash = payload_hash;
        Ok(input)
    }

    /// A request to `url` with `headers` besides `Host` and `body`.
    pub fn from_url(
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Self, CliError> {
        let parsed = parse_url(url)?;
        let host = authority_of(&parsed)?;
        let mut text = format!("{method} {} HTTP/1.1\n", target_of(&parsed)).into_bytes();
        let host_given = headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"));
        if !host_given {
            text.extend_from_slice(format!("Host:{host}\n").as_bytes());
        }
        for (name, value) in headers {
            text.extend_from_slice(format!("{name}:{value}\n").as_bytes());
        }
        text.push(b'\n');
        text.extend_from_slice(body);
        // The method and the header names are checked as the raw parser checks them.
        let raw = RawRequest::parse(&text).map_err(|error| CliError::invalid("request", error))?;
        if raw.method != method {
            return Err(CliError::invalid(
                "method",
                format!("{method:?} is not an HTTP method"),
            ));
        }
        let host = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map_or(host, |(_, value)| value.clone());
        Ok(Self {
            text,
            scheme: parsed.scheme().to_owned(),
            host,
            payload_hash: None,
            deferred_body: None,
            body_file: None,
        })
    }

    /// A raw HTTP/1.1 request from `path`, `-` for standard input. It goes to
    /// `https://` and its `Host` header.
    pub fn from_raw_file(path: &Path) -> Result<Self, CliError> {
        let text = read_input(path)?;
        let raw = RawRequest::parse(&text).map_err(|error| CliError::RawRequest {
            path: path.to_owned(),
            error,
        })?;
        let host = raw
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(b"host"))
            .map(|header| String::from_utf8_lossy(header.value).trim().to_owned())
            .ok_or_else(|| {
                CliError::invalid("request", format!("{} has no Host header", path.display()))
            })?;
        Ok(Self {
            text,
            scheme: "https".to_owned(),
            host,
            payload_hash: None,
            deferred_body: None,
            body_file: None,
        })
    }

    /// The request, parsed.
    pub fn raw(&self) -> Result<RawRequest<'_>, CliError> {
        RawRequest::parse(&self.text).map_err(|error| CliError::RawRequest {
            path: PathBuf::from("the request"),
            error,
        })
    }

    /// The payload to sign for `body`: `--payload-hash`, else the body,
    /// which the configured payload policy may turn into `UNSIGNED-PAYLOAD`.
    pub fn payload<'b>(&self, body: &'b [u8]) -> Payload<'b> {
        self.payload_hash.unwrap_or(Payload::Bytes(body))
    }

    /// The URL: the scheme, the host and the request target.
    pub fn url(&self) -> Result<String, CliError> {
        let raw = self.raw()?;
        Ok(format!(
            "{}://{}{}",
            self.scheme,
            self.host,
            String::from_utf8_lossy(raw.target)
        ))
    }

    /// Over TLS or not.
    pub fn transport(&self) -> Transport {
        Transport::from_scheme(&self.scheme).unwrap_or(Transport::Https)
    }

    /// The request with `body` as its body, replacing a deferred one.
    pub fn with_body(&self, body: &[u8]) -> Result<Self, CliError> {
        let raw = self.raw()?;
        let mut text = raw.render("", std::iter::empty::<(&str, &str)>());
        text.truncate(text.len() - raw.body.len());
        text.extend_from_slice(body);
        Ok(Self {
            text,
            deferred_body: None,
            ..self.clone()
        })
    }
}

/// Parses an http(s) URL as a client sends it.
pub fn parse_url(url: &str) -> Result<Url, CliError> {
    let parsed =
        Url::parse(url).map_err(|error| CliError::invalid("URL", format!("{url}: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(CliError::invalid(
            "URL",
            format!("{url}: the scheme is not http or https"),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(CliError::invalid("URL", format!("{url}: it has no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(CliError::invalid(
            "URL",
            format!("{url}: user information in a URL is not supported"),
        ));
    }
    Ok(parsed)
}

/// `host[:port]`, the port only when it is not the scheme's default, as
/// clients send `Host`.
fn authority_of(url: &Url) -> Result<String, CliError> {
    let host = url
        .host_str()
        .ok_or_else(|| CliError::invalid("URL", format!("{url}: it has no host")))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// `/path?query`, as sent.
fn target_of(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// `Name: value` into the name and the value without leading whitespace.
pub fn parse_header(header: &str) -> Result<(String, String), CliError> {
    let invalid = |reason: &str| CliError::invalid("header", format!("{header:?}: {reason}"));
    let (name, value) = header
        .split_once(':')
        .ok_or_else(|| invalid("it has no ':'"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("the name is empty"));
    }
    if value
        .bytes()
        .any(|byte| byte == b'\r' || byte == b'\n' || byte == 0)
    {
        return Err(invalid("the value holds a line break"));
    }
    Ok((name.to_owned(), value.trim_start().to_owned()))
}

/// `--payload-hash`: 64 hex digits, `UNSIGNED-PAYLOAD` or a streaming literal.
pub fn parse_payload_hash(value: &str) -> Result<Payload<'static>, CliError> {
    if value == UNSIGNED_PAYLOAD {
        return Ok(Payload::Unsigned);
    }
    if let Some(streaming) = StreamingPayload::from_literal(value) {
        return Ok(Payload::Streaming(streaming));
    }
    PayloadHash::from_hex(value)
        .map(Payload::Precomputed)
        .map_err(|_| {
            CliError::invalid(
                "--payload-hash",
                format!("{value:?} is neither 64 hex digits nor UNSIGNED-PAYLOAD nor a STREAMING-* literal"),
            )
        })
}

/// The body of `-d` or `--data-binary`: its bytes, the file it came from,
/// or the file left unread.
type Body = (Option<Vec<u8>>, Option<PathBuf>, Option<PathBuf>);

fn read_body(options: &RequestOptions, file_body: FileBody) -> Result<Body, CliError> {
    let Some(data) = options.data.as_deref().or(options.data_binary.as_deref()) else {
        return Ok((None, None, None));
    };
    match data.strip_prefix('@') {
        Some("-") => Ok((Some(read_input(Path::new("-"))?), None, None)),
        Some(file) => {
            let path = PathBuf::from(file);
            if file_body == FileBody::Defer {
                // Fail now on a file that cannot be opened, not after signing.
                std::fs::File::open(&path).map_err(|error| read_error(&path, &error))?;
                Ok((None, None, Some(path)))
            } else {
                Ok((Some(read_input(&path)?), Some(path), None))
            }
        }
        None => Ok((Some(data.as_bytes().to_vec()), None, None)),
    }
}

/// The bytes of `path`, or of standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| read_error(path, &error))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|error| read_error(path, &error))
    }
}

fn read_error(path: &Path, error: &std::io::Error) -> CliError {
    CliError::Read {
        path: path.to_owned(),
        reason: error.to_string(),
    }
}
