//! A reader for raw HTTP/1.1 requests in the AWS signing suite's format.
//!
//! The format looks like HTTP/1.1 but is read more literally, as the AWS CRT's
//! test runner reads it: the method ends at the first space and the request
//! target runs to the final ` HTTP/1.1`, so it may hold spaces and raw UTF-8;
//! a header line is `Name:value`, split at the first `:`, the value kept
//! exactly (trimming is the signer's job); a line that starts with whitespace
//! continues the previous header, newline included; the first empty line ends
//! the headers and everything after it is the body, byte for byte.
//!
//! Lines end with `\n`; `\r` before it is tolerated and left out, so files
//! saved with CRLF line ends read the same. The parser borrows from its input
//! and never panics: every malformed input is a [`RawRequestError`].

use crate::headers::is_token_byte;
use crate::request::{Header, Request};

/// Why a raw request cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawRequestError {
    /// The input is empty.
    #[error("the request is empty")]
    Empty,
    /// The request line does not end with ` HTTP/1.1` (or ` HTTP/1.0`).
    #[error("the request line does not end with \" HTTP/1.1\"")]
    MissingVersion,
    /// The request line has no method, or the method is not an HTTP token.
    #[error("the request line has no valid method")]
    InvalidMethod,
    /// The request line has no request target.
    #[error("the request line has no request target")]
    MissingTarget,
    /// A header line has no `:`.
    #[error("header line {line} has no ':'")]
    HeaderWithoutColon {
        /// The 1-based line number.
        line: usize,
    },
    /// A header line has an empty or invalid name.
    #[error("header line {line} has an invalid name")]
    InvalidHeaderName {
        /// The 1-based line number.
        line: usize,
    },
    /// A continuation line comes before any header.
    #[error("line {line} continues a header, but no header came before it")]
    OrphanContinuation {
        /// The 1-based line number.
        line: usize,
    },
}

/// A parsed raw request, borrowing from the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The request target, raw: path and query as written.
    pub target: &'a [u8],
    /// The headers, in order, names as written, values untrimmed. A
    /// continued value spans its continuation lines, newlines included.
    pub headers: Vec<Header<'a>>,
    /// Everything after the blank line.
    pub body: &'a [u8],
}

impl<'a> RawRequest<'a> {
    /// Reads a raw request.
    pub fn parse(input: &'a [u8]) -> Result<Self, RawRequestError> {
        if input.is_empty() {
            return Err(RawRequestError::Empty);
        }
        let mut lines = Lines { input, position: 0 };
        let request_line = lines.next().map(|line| line.text).unwrap_or_default();
        let target_and_version = {
            let space = request_line
                .iter()
                .position(|&byte| byte == b' ')
                .ok_or(RawRequestError::MissingVersion)?;
            let method = &request_line[..space];
            if method.is_empty() || !method.iter().all(|&byte| is_token_byte(byte)) {
                return Err(RawRequestError::InvalidMethod);
            }
            (method, &request_line[space + 1..])
        };
        let (method, rest) = target_and_version;
        let target = rest
            .strip_suffix(b" HTTP/1.1")
            .or_else(|| rest.strip_suffix(b" HTTP/1.0"))
            .ok_or(RawRequestError::MissingVersion)?;
        if target.is_empty() {
            return Err(RawRequestError::MissingTarget);
        }
        // Token bytes are ASCII, so this never fails.
        let method = std::str::from_utf8(method).map_err(|_| RawRequestError::InvalidMethod)?;

        let mut headers: Vec<Header<'a>> = Vec::new();
        let mut body: &'a [u8] = &[];
        let mut number = 1;
        while let Some(line) = lines.next() {
            number += 1;
            if line.text.is_empty() {
                body = &input[lines.position..];
                break;
            }
            if line.text[0] == b' ' || line.text[0] == b'\t' {
                let previous = headers
                    .last_mut()
                    .ok_or(RawRequestError::OrphanContinuation { line: number })?;
                let value_start = previous.value.as_ptr() as usize - input.as_ptr() as usize;
                previous.value = &input[value_start..line.end];
                continue;
            }
            let colon = line
                .text
                .iter()
                .position(|&byte| byte == b':')
                .ok_or(RawRequestError::HeaderWithoutColon { line: number })?;
            let name = &line.text[..colon];
            if name.is_empty() || !name.iter().all(|&byte| is_token_byte(byte)) {
                return Err(RawRequestError::InvalidHeaderName { line: number });
            }
            headers.push(Header {
                name,
                value: &line.text[colon + 1..],
            });
        }
        Ok(Self {
            method,
            target,
            headers,
            body,
        })
    }

    /// A [`Request`] view of this one, with an empty payload; choose the
    /// payload with [`Request::with_payload`].
    pub fn as_request(&self) -> Request<'_> {
        Request::new(self.method, self.target, &self.headers)
    }

    /// Writes the request back in the same format, with `query_suffix`
    /// (already encoded `k=v&...`) appended to the target and `added_headers`
    /// after the request's own. This is how a signed request is printed.
    pub fn render<N: AsRef<str>, V: AsRef<str>>(
        &self,
        query_suffix: &str,
        added_headers: impl IntoIterator<Item = (N, V)>,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.target.len() + self.body.len() + 256);
        out.extend_from_slice(self.method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.target);
        if !query_suffix.is_empty() {
            out.push(if self.target.contains(&b'?') {
                b'&'
            } else {
                b'?'
            });
            out.extend_from_slice(query_suffix.as_bytes());
        }
        out.extend_from_slice(b" HTTP/1.1\n");
        for header in &self.headers {
            out.extend_from_slice(header.name);
            out.push(b':');
            out.extend_from_slice(header.value);
            out.push(b'\n');
        }
        for (name, value) in added_headers {
            out.extend_from_slice(name.as_ref().as_bytes());
            out.push(b':');
            out.extend_from_slice(value.as_ref().as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(self.body);
        out
    }
}

struct Line<'a> {
    text: &'a [u8],
    /// Offset just past the text (before any `\r\n`).
    end: usize,
}

struct Lines<'a> {
    input: &'a [u8],
    position: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.position >= self.input.len() {
            return None;
        }
        let rest = &self.input[self.position..];
        let (length, advance) = match rest.iter().position(|&byte| byte == b'\n') {
            Some(newline) => (newline, newline + 1),
            None => (rest.len(), rest.len()),
        };
        let mut text = &rest[..length];
        // Every `\r` before the line end goes: a value ending in `\r` could
        // not be written back, since its `\r` would read as a line end.
        while let [head @ .., b'\r'] = text {
            text = head;
        }
        let start = self.position;
        self.position += advance;
        Some(Line {
            text,
            end: start + text.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_suite_format() {
        let raw = b"GET /example space/?a=b HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1: value1\n  value2\n     value3\nX:y\n\nbody\nmore";
        let request = RawRequest::parse(raw).unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, b"/example space/?a=b");
        assert_eq!(request.headers.len(), 3);
        assert_eq!(request.headers[0].value, b"example.amazonaws.com");
        assert_eq!(request.headers[1].value, b" value1\n  value2\n     value3");
        assert_eq!(request.headers[2].value, b"y");
        assert_eq!(request.body, b"body\nmore");
    }

    #[test]
    fn no_blank_line_means_no_body_and_repeats_are_kept() {
        let request = RawRequest::parse(b"POST / HTTP/1.1\nA:1\na:2").unwrap();
        assert_eq!(request.headers.len(), 2);
        assert_eq!(request.body, b"");
        let request = RawRequest::parse(b"POST / HTTP/1.1\r\nA:1\r\n\r\nbody\r\n").unwrap();
        assert_eq!(request.headers[0].value, b"1");
        assert_eq!(request.body, b"body\r\n");
    }

    #[test]
    fn malformed_requests_are_errors() {
        let cases: &[(&[u8], RawRequestError)] = &[
            (b"", RawRequestError::Empty),
            (b"GET", RawRequestError::MissingVersion),
            (b"GET /", RawRequestError::MissingVersion),
            (b" / HTTP/1.1", RawRequestError::InvalidMethod),
            (b"GET  HTTP/1.1", RawRequestError::MissingTarget),
            (
                b"GET / HTTP/1.1\nno colon",
                RawRequestError::HeaderWithoutColon { line: 2 },
            ),
            (
                b"GET / HTTP/1.1\n:v",
                RawRequestError::InvalidHeaderName { line: 2 },
            ),
            (
                b"GET / HTTP/1.1\n cont",
                RawRequestError::OrphanContinuation { line: 2 },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                RawRequest::parse(input).unwrap_err(),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn render_round_trips_and_appends() {
        let raw = b"GET /?a=1 HTTP/1.1\nHost:h\n\nbody";
        let request = RawRequest::parse(raw).unwrap();
        assert_eq!(request.render("", [("", ""); 0]), raw);
        assert_eq!(
            request.render("X=1", [("Y", "2")]),
            b"GET /?a=1&X=1 HTTP/1.1\nHost:h\nY:2\n\nbody"
        );
    }
}
