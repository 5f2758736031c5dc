//! Canonicalizing an `http` 1.x request.
//!
//! `http` validates names and values at construction, so the adapter only
//! borrows them. The `Host` header is taken from the request, or else from
//! the URI's authority, as a client would send it.

use http::request::Parts;

use crate::request::Header;

/// The headers of `parts` as canonicalizer headers, with a `Host` header from
/// the URI's authority if the request has none.
pub fn headers_of(parts: &Parts) -> Vec<Header<'_>> {
    let mut headers: Vec<Header<'_>> = parts
        .headers
        .iter()
        .map(|(name, value)| Header {
            name: name.as_str().as_bytes(),
            value: value.as_bytes(),
        })
        .collect();
    if !parts.headers.contains_key(http::header::HOST)
        && let Some(authority) = parts.uri.authority()
    {
        headers.push(Header {
            name: b"host",
            value: authority.as_str().as_bytes(),
        });
    }
    headers
}

/// The request target (`/path?query`) of `parts`, as sent on the wire.
pub fn target_of(parts: &Parts) -> &str {
    parts
        .uri
        .path_and_query()
        .map_or("/", |path_and_query| path_and_query.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{CanonicalRules, canonical_request_text};
    use crate::request::Request;

    #[test]
    fn an_http_request_canonicalizes_with_its_authority_as_host() {
        let (parts, ()) = http::Request::get("https://example.amazonaws.com/a%20b?x=1")
            .header("X-Custom", " v ")
            .body(())
            .unwrap()
            .into_parts();
        let headers = headers_of(&parts);
        let request = Request::new(parts.method.as_str(), target_of(&parts), &headers);
        let text = canonical_request_text(&request, &CanonicalRules::default()).unwrap();
        assert!(text.starts_with("GET\n/a%2520b\nx=1\nhost:example.amazonaws.com\nx-custom:v\n"));
    }
}
