//! The canonical query string.
//!
//! AWS rule: split the raw query on `&`; a key with no `=` has an empty value;
//! decode, then re-encode each key and value with the SigV4 encoder (space is
//! `%20`, `+` is a literal plus and becomes `%2B`); sort by encoded key, then by
//! encoded value, keeping duplicate keys; join as `key=value` with `&`.
//! Empty pieces (`a=1&&b=2`) carry no parameter and are skipped, as botocore
//! and aws-sigv4 do.
//!
//! Sorting needs the encoded forms, so they are written into one reused arena
//! rather than a `String` per parameter.

use std::ops::Range;

use crate::encoding::{percent_decode_into, uri_encode_into};
use crate::sink::{AsciiSink, Sink};

/// Reusable storage for canonical query parameters.
#[derive(Debug, Default, Clone)]
pub struct QueryScratch {
    arena: Vec<u8>,
    decoded: Vec<u8>,
    params: Vec<(Range<usize>, Range<usize>)>,
}

impl QueryScratch {
    /// Forgets the parameters of the previous request, keeping the capacity.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.params.clear();
    }

    /// Adds every parameter of a raw query string (without the `?`).
    pub fn add_raw_query(&mut self, raw: &[u8]) {
        for piece in raw.split(|&byte| byte == b'&') {
            if piece.is_empty() {
                continue;
            }
            let (key, value) = match piece.iter().position(|&byte| byte == b'=') {
                Some(equals) => (&piece[..equals], &piece[equals + 1..]),
                None => (piece, &b""[..]),
            };
            let key = self.push_decoded_then_encoded(key);
            let value = self.push_decoded_then_encoded(value);
            self.params.push((key, value));
        }
    }

    /// Adds one parameter given in plain (not yet encoded) form, such as the
    /// `X-Amz-*` parameters of a presigned URL.
    pub fn add_plain(&mut self, key: &[u8], value: &[u8]) {
        let key = self.push_encoded(key);
        let value = self.push_encoded(value);
        self.params.push((key, value));
    }

    /// Number of parameters added so far.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether no parameter was added.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// Sorts the parameters and writes them as the canonical query string.
    pub fn write_sorted(&mut self, sink: &mut impl Sink) {
        let arena = &self.arena;
        self.params
            .sort_unstable_by(|(key_a, value_a), (key_b, value_b)| {
                arena[key_a.clone()]
                    .cmp(&arena[key_b.clone()])
                    .then_with(|| arena[value_a.clone()].cmp(&arena[value_b.clone()]))
            });
        for (index, (key, value)) in self.params.iter().enumerate() {
            if index > 0 {
                sink.put(b"&");
            }
            sink.put(&arena[key.clone()]);
            sink.put(b"=");
            sink.put(&arena[value.clone()]);
        }
    }

    /// The encoded (key, value) pairs, in the order they were added or, after
    /// [`write_sorted`](Self::write_sorted), in canonical order.
    pub fn encoded_params(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.params
            .iter()
            .map(|(key, value)| (&self.arena[key.clone()], &self.arena[value.clone()]))
    }

    fn push_decoded_then_encoded(&mut self, raw: &[u8]) -> Range<usize> {
        self.decoded.clear();
        percent_decode_into(raw, &mut self.decoded);
        let start = self.arena.len();
        uri_encode_into(&self.decoded, &mut self.arena);
        start..self.arena.len()
    }

    fn push_encoded(&mut self, plain: &[u8]) -> Range<usize> {
        let start = self.arena.len();
        uri_encode_into(plain, &mut self.arena);
        start..self.arena.len()
    }
}

/// Splits a raw query into (key, value) pieces without decoding them, skipping
/// empty pieces. A key with no `=` has an empty value.
pub fn raw_params(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    raw.split(|&byte| byte == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.iter().position(|&byte| byte == b'=') {
            Some(equals) => (&piece[..equals], &piece[equals + 1..]),
            None => (piece, &b""[..]),
        })
}

/// The canonical form of a raw query string, as text.
pub fn canonical_query_string(raw: &[u8]) -> String {
    let mut scratch = QueryScratch::default();
    scratch.add_raw_query(raw);
    let mut out = String::new();
    scratch.write_sorted(&mut AsciiSink(&mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_query_table() {
        let cases = [
            ("", ""),
            ("Param1=value1", "Param1=value1"),
            ("Param1", "Param1="),
            ("Param1=", "Param1="),
            ("b=2&a=1", "a=1&b=2"),
            ("a=2&a=1&a=1", "a=1&a=1&a=2"),
            ("a=b&A=c", "A=c&a=b"),
            ("a=1&&b=2&", "a=1&b=2"),
            ("k=a b", "k=a%20b"),
            ("k=a+b", "k=a%2Bb"),
            ("k=a%20b", "k=a%20b"),
            ("k=a%2fb", "k=a%2Fb"),
            ("k=%zz", "k=%25zz"),
            ("ሴ=bar", "%E1%88%B4=bar"),
            ("-._~=-._~", "-._~=-._~"),
            ("k=v=w", "k=v%3Dw"),
            ("=v", "=v"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                canonical_query_string(input.as_bytes()),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn plain_parameters_are_encoded_and_sorted_with_the_rest() {
        let mut scratch = QueryScratch::default();
        scratch.add_raw_query(b"Z=1&A=2");
        scratch.add_plain(b"X-Amz-SignedHeaders", b"host;x-amz-date");
        let mut out = String::new();
        scratch.write_sorted(&mut crate::sink::AsciiSink(&mut out));
        assert_eq!(out, "A=2&X-Amz-SignedHeaders=host%3Bx-amz-date&Z=1");
    }
}
