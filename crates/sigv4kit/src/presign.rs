//! Presigned URLs: a signature in the query, so that a URL alone grants one
//! request until it expires.
//!
//! The signer already signs into the query
//! ([`SignatureLocation::Query`](sigv4kit_signer::SignatureLocation)); this
//! module turns a URL into the request to sign (the `Host` header comes from
//! the URL's authority) and the signature back into a URL. Both algorithms
//! presign: SigV4A adds `X-Amz-Region-Set` to the query, so one URL can serve
//! an S3 Multi-Region Access Point in any region. The body is not known when
//! a URL is made, so the default payload is `UNSIGNED-PAYLOAD`, as S3 signs
//! it. See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.

use std::fmt;

use sigv4kit_canon::{Header, Payload, Request};
use sigv4kit_signer::{SignatureLocation, Signer, SigningError, SigningOutput, SigningParams};

/// A request to presign: a method, an absolute URL, extra headers to sign,
/// and the payload (`UNSIGNED-PAYLOAD` by default).
#[derive(Debug, Clone, Copy)]
pub struct PresignRequest<'a> {
    /// The method the URL is for, e.g. `GET`.
    pub method: &'a str,
    /// `http(s)://host[:port]/path?query`; a fragment is dropped.
    pub url: &'a str,
    /// Headers the user of the URL will send, to be signed; not `Host`,
    /// which comes from the URL.
    pub headers: &'a [Header<'a>],
    /// How the body enters the signature.
    pub payload: Payload<'a>,
}

impl<'a> PresignRequest<'a> {
    /// A request for `method` on `url`, signing only the host, with an
    /// unsigned payload.
    pub fn new(method: &'a str, url: &'a str) -> Self {
        Self {
            method,
            url,
            headers: &[],
            payload: Payload::Unsigned,
        }
    }

    /// The same request, also signing `headers`.
    pub fn with_headers(mut self, headers: &'a [Header<'a>]) -> Self {
        self.headers = headers;
        self
    }

    /// The same request with `payload`.
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }
}

/// Why a URL could not be presigned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PresignError {
    /// The URL is not `http(s)://host/path?query`.
    InvalidUrl {
        /// What is wrong.
        reason: &'static str,
    },
    /// A `Host` header was given; the host comes from the URL.
    HostHeaderGiven,
    /// The parameters sign into headers; use
    /// [`SigningParams::presigned`] for a URL.
    NotPresigned,
    /// Signing failed.
    Signing(SigningError),
}

impl fmt::Display for PresignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl { reason } => write!(f, "invalid URL: {reason}"),
            Self::HostHeaderGiven => f.write_str(
                "a Host header was given, but the host of a presigned URL comes from the URL",
            ),
            Self::NotPresigned => f.write_str(
                "the signing parameters sign into headers; call SigningParams::presigned for a URL",
            ),
            Self::Signing(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for PresignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Signing(error) => Some(error),
            _ => None,
        }
    }
}

impl From<SigningError> for PresignError {
    fn from(error: SigningError) -> Self {
        Self::Signing(error)
    }
}

/// A presigned URL, and the signing output it was made from.
#[derive(Debug, Clone)]
pub struct PresignedUrl {
    url: String,
    output: SigningOutput,
}

impl PresignedUrl {
    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL, owned.
    pub fn into_string(self) -> String {
        self.url
    }

    /// The signing output: signature, scope, string to sign.
    pub fn output(&self) -> &SigningOutput {
        &self.output
    }
}

impl fmt::Display for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// The parts of an absolute URL that signing needs.
struct UrlParts<'u> {
    scheme: &'u str,
    authority: &'u str,
    target: std::borrow::Cow<'u, str>,
}

fn split_url(url: &str) -> Result<UrlParts<'_>, PresignError> {
    let invalid = |reason| PresignError::InvalidUrl { reason };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or(invalid("it has no scheme (http:// or https://)"))?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(invalid("the scheme is not http or https"));
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(authority_end);
    if authority.is_empty() {
        return Err(invalid("it has no host"));
    }
    if authority.contains('@') {
        return Err(invalid("user information in a URL is not supported"));
    }
    if url
        .bytes()
        .any(|byte| byte.is_ascii_whitespace() || byte.is_ascii_control())
    {
        return Err(invalid("it holds whitespace or a control character"));
    }
    let target = match target.as_bytes().first() {
        None => "/".into(),
        Some(b'?') => format!("/{target}").into(),
        Some(_) => target.into(),
    };
    Ok(UrlParts {
        scheme,
        authority,
        target,
    })
}

/// Presigns `request` with `signer`. `params` must sign into the query
/// ([`SigningParams::presigned`]); for S3, use
/// [`SigningSettings::s3`](sigv4kit_signer::SigningSettings::s3) so that the
/// path is signed as sent.
///
/// ```
/// use sigv4kit::canon::{AmzDate, RegionSet, Service};
/// use sigv4kit::presign::{PresignRequest, presign};
/// use sigv4kit::{Credentials, EcdsaSigner, Expiry, SigningParams, SigningSettings};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let params = SigningParams::new(
///     &credentials,
///     AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")?,
///     Service::new("s3")?,
///     RegionSet::any(),
/// )
/// .with_settings(SigningSettings::s3())
/// .presigned(Expiry::from_secs(900)?);
/// let url = presign(
///     &EcdsaSigner::new(),
///     &PresignRequest::new("GET", "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photo.jpg"),
///     &params,
/// )?;
/// assert!(url.as_str().contains("&X-Amz-Region-Set=%2A&X-Amz-Signature="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn presign<S: Signer + ?Sized>(
    signer: &S,
    request: &PresignRequest<'_>,
    params: &SigningParams<'_>,
) -> Result<PresignedUrl, PresignError> {
    if params.location == SignatureLocation::Headers {
        return Err(PresignError::NotPresigned);
    }
    if request
        .headers
        .iter()
        .any(|header| header.name.eq_ignore_ascii_case(b"host"))
    {
        return Err(PresignError::HostHeaderGiven);
    }
    let parts = split_url(request.url)?;
    let mut headers = Vec::with_capacity(request.headers.len() + 1);
    headers.extend_from_slice(request.headers);
    headers.push(Header::new("host", parts.authority));
    let to_sign =
        Request::new(request.method, &*parts.target, &headers).with_payload(request.payload);
    let output = signer.sign(&to_sign, params)?;
    let query = output.query_string();
    let separator = match parts.target.as_bytes().last() {
        _ if !parts.target.contains('?') => "?",
        Some(b'?' | b'&') => "",
        _ => "&",
    };
    let url = format!(
        "{}://{}{}{separator}{query}",
        parts.scheme, parts.authority, parts.target
    );
    Ok(PresignedUrl { url, output })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_splitting_table() {
        let cases = [
            ("https://h.example.com", "h.example.com", "/"),
            ("https://h.example.com/", "h.example.com", "/"),
            ("http://h:8080/a/b?x=1", "h:8080", "/a/b?x=1"),
            ("https://h?x=1", "h", "/?x=1"),
            ("HTTPS://h/p#frag", "h", "/p"),
        ];
        for (url, authority, target) in cases {
            let parts = split_url(url).unwrap();
            assert_eq!(
                (parts.authority, &*parts.target),
                (authority, target),
                "{url}"
            );
        }
        for bad in [
            "h/p",
            "ftp://h/p",
            "https:///p",
            "https://user@h/p",
            "https://h/a b",
        ] {
            assert!(
                matches!(split_url(bad), Err(PresignError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}
