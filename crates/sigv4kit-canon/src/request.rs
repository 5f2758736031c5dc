//! The request as the canonicalizer sees it: borrowed parts, no HTTP crate.
//!
//! Like `http::request::Parts`, a [`Request`] lets the signer work on a
//! request without owning it or its body. The path and query are taken as
//! they are sent on the wire; headers are (name, value) byte pairs in any
//! order, repeats allowed.

use crate::payload::Payload;
use crate::words::eq_ignore_case;

/// One header as sent: any case, value untrimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The name, in any case.
    pub name: &'a [u8],
    /// The value as sent; canonicalization trims and folds it.
    pub value: &'a [u8],
}

impl<'a> Header<'a> {
    /// A header from anything that views as bytes (`&str`, `&[u8]`, ...).
    pub fn new(
        name: &'a (impl AsRef<[u8]> + ?Sized),
        value: &'a (impl AsRef<[u8]> + ?Sized),
    ) -> Self {
        Self {
            name: name.as_ref(),
            value: value.as_ref(),
        }
    }
}

/// A request to canonicalize.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method, e.g. `GET`.
    pub method: &'a str,
    /// The path as sent on the wire (already percent-encoded by the client).
    pub path: &'a [u8],
    /// The raw query string as sent, without the `?`; empty if none.
    pub query: &'a [u8],
    /// The headers, in any order, with repeats.
    pub headers: &'a [Header<'a>],
    /// How the body enters the signature.
    pub payload: Payload<'a>,
}

impl<'a> Request<'a> {
    /// A request from a method, a request target (`/path?query` as sent) and
    /// headers, with an empty body.
    pub fn new(
        method: &'a str,
        target: &'a (impl AsRef<[u8]> + ?Sized),
        headers: &'a [Header<'a>],
    ) -> Self {
        let target = target.as_ref();
        let (path, query) = match target.iter().position(|&byte| byte == b'?') {
            Some(mark) => (&target[..mark], &target[mark + 1..]),
            None => (target, &b""[..]),
        };
        Self {
            method,
            path,
            query,
            headers,
            payload: Payload::default(),
        }
    }

    /// The same request with `payload`.
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }

    /// The value of the first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|header| eq_ignore_case(header.name, name.as_bytes()))
            .map(|header| header.value)
    }

    /// All values of headers named `name` (any case), in order.
    pub fn headers_named<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + 'n
    where
        'a: 'n,
    {
        self.headers
            .iter()
            .filter(move |header| eq_ignore_case(header.name, name.as_bytes()))
            .map(|header| header.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_splits_at_the_first_question_mark() {
        let request = Request::new("GET", "/a b?x=1?y", &[]);
        assert_eq!(request.path, b"/a b");
        assert_eq!(request.query, b"x=1?y");
        let request = Request::new("GET", "/", &[]);
        assert_eq!(request.query, b"");
    }

    #[test]
    fn header_lookup_ignores_case() {
        let headers = [
            Header::new("Host", "a"),
            Header::new("X-A", "1"),
            Header::new("x-a", "2"),
        ];
        let request = Request::new("GET", "/", &headers);
        assert_eq!(request.header("HOST"), Some(&b"a"[..]));
        assert_eq!(request.headers_named("X-a").count(), 2);
        assert_eq!(request.header("missing"), None);
    }
}
