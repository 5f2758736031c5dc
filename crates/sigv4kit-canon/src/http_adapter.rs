//! Canonicalizing an `http` 1.x request.
//!
//! `http` validates names and values at construction, so the adapter only
//! borrows them. The `Host` header is taken from the request, or else from
//! the URI's authority, as a client would send it.

use http::request::Parts;
use http::{HeaderMap, Uri};

use crate::request::Header;

/// The headers of `parts` as canonicalizer headers, with a `Host` header from
/// the URI's authority if the request has none.
pub fn headers_of(parts: &Parts) -> Vec<Header<'_>> {
    headers_with_host(
        &parts.headers,
        parts.uri.authority().map(|authority| authority.as_str()),
    )
}

/// `headers` as canonicalizer headers, with a `Host` header carrying
/// `authority` if they have none: the `Host` a client sends.
pub fn headers_with_host<'a>(
    headers: &'a HeaderMap,
    authority: Option<&'a str>,
) -> Vec<Header<'a>> {
    let mut canonical: Vec<Header<'a>> = headers
        .iter()
        .map(|(name, value)| Header {
            name: name.as_str().as_bytes(),
            value: value.as_bytes(),
        })
        .collect();
    if !headers.contains_key(http::header::HOST)
        && let Some(authority) = authority
    {
        canonical.push(Header {
            name: b"host",
            value: authority.as_bytes(),
        });
    }
    canonical
}

/// The request target (`/path?query`) of `parts`, as sent on the wire.
pub fn target_of(parts: &Parts) -> &str {
    target_of_uri(&parts.uri)
}

/// The request target (`/path?query`) of `uri`, as sent on the wire.
pub fn target_of_uri(uri: &Uri) -> &str {
    uri.path_and_query()
        .map_or("/", |path_and_query| path_and_query.as_str())
}
