//! Why two canonical requests differ: the diagnosis of `SignatureDoesNotMatch`.
//!
//! When AWS refuses a signature it reports the canonical request it computed.
//! The client's own canonical request differs from it somewhere, and the
//! difference almost always has one of a handful of causes: the path encoded
//! once instead of twice (S3 against every other service), dot segments
//! normalized on one side only, query parameters out of order or encoded
//! differently, a header changed on the way (whitespace, a proxy rewriting
//! `Host`), a header signed on one side only, or a body that is not the one
//! hashed. Reading two blocks of text to find which takes long and is easy to
//! get wrong, so [`explain`] does it: it lines the two requests up part by
//! part (method, path, query, each header by name, the signed-header list,
//! the payload hash), and names each [`Difference`] with the part, the kind,
//! and the likely cause.
//!
//! It is pure text comparison: no keys, no clock, no configuration, and it
//! never panics, whatever the input (it is a fuzz target), because the
//! reported side comes from a server's error message and may be anything.

use std::collections::BTreeSet;
use std::fmt;

use sigv4kit_canon::encoding::percent_decode_into;
use sigv4kit_canon::path::normalize_into;
use sigv4kit_canon::payload::{EMPTY_SHA256_HEX, UNSIGNED_PAYLOAD};
use sigv4kit_canon::query::raw_params;

/// A part of a canonical request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The HTTP method, first line.
    Method,
    /// The canonical URI, second line.
    Path,
    /// The canonical query string, third line.
    Query,
    /// One canonical header line, by lower-case name.
    Header(String),
    /// The order of the canonical header lines.
    HeaderOrder,
    /// The signed-header list, second-to-last line.
    SignedHeaders,
    /// The payload hash, last line.
    PayloadHash,
    /// The text as a whole: one side is not shaped like a canonical request.
    Shape,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Method => f.write_str("method"),
            Self::Path => f.write_str("path"),
            Self::Query => f.write_str("query"),
            Self::Header(name) => write!(f, "header {name}"),
            Self::HeaderOrder => f.write_str("header order"),
            Self::SignedHeaders => f.write_str("signed headers"),
            Self::PayloadHash => f.write_str("payload hash"),
            Self::Shape => f.write_str("shape"),
        }
    }
}

/// What kind of difference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DifferenceKind {
    /// The methods differ.
    Method,
    /// The same path, percent-encoded differently (twice against once, hex
    /// case, a character encoded on one side only).
    PathEncoding,
    /// The same path once dot segments and repeated slashes are resolved.
    PathNormalization,
    /// Different paths.
    Path,
    /// The same query parameters in another order.
    QueryOrder,
    /// The same query parameters, encoded differently.
    QueryEncoding,
    /// A query parameter is missing on one side, or has another value.
    QueryParameter,
    /// A header is in one canonical request only.
    HeaderPresence,
    /// A header's value differs only in whitespace.
    HeaderWhitespace,
    /// A header's value differs.
    HeaderValue,
    /// The header lines are not sorted by name, or a name is not lower-case.
    HeaderOrder,
    /// The signed-header lists differ.
    SignedHeaders,
    /// The payload hashes differ.
    PayloadHash,
    /// One side is not a canonical request.
    Shape,
}

/// One difference, with what it probably means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where.
    pub part: Part,
    /// What kind.
    pub kind: DifferenceKind,
    /// The values concerned, in words.
    pub detail: String,
    /// The usual cause and what to try.
    pub likely_cause: &'static str,
}

/// Which side a diff line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The line is the same on both sides.
    Both,
    /// Only in the canonical request computed here (the client's).
    Computed,
    /// Only in the canonical request reported (the server's).
    Reported,
}

/// One line of the aligned, line-by-line diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// The part the line belongs to.
    pub part: Part,
    /// Which side it comes from.
    pub side: Side,
    /// The line, without its newline.
    pub text: String,
}

/// The comparison of two canonical requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// Both requests, lined up part by part.
    pub lines: Vec<DiffLine>,
    /// What differs, in canonical request order; empty when they are equal.
    pub differences: Vec<Difference>,
}

impl Explanation {
    /// Whether the two canonical requests are the same.
    pub fn is_identical(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares the canonical request `computed` here (the client's) with the one
/// a server `reported`. Line ends may be `\n` or `\r\n`; a final newline is
/// ignored.
///
/// ```
/// use sigv4kit::explain::{DifferenceKind, explain};
///
/// let ours = "GET\n/a%2520b\n\nhost:example.com\n\nhost\nUNSIGNED-PAYLOAD";
/// let theirs = "GET\n/a%20b\n\nhost:example.com\n\nhost\nUNSIGNED-PAYLOAD";
/// let explanation = explain(ours, theirs);
/// assert_eq!(explanation.differences.len(), 1);
/// assert_eq!(explanation.differences[0].kind, DifferenceKind::PathEncoding);
/// ```
pub fn explain(computed: &str, reported: &str) -> Explanation {
    let computed_lines = lines_of(computed);
    let reported_lines = lines_of(reported);
    match (
        CanonicalParts::parse(&computed_lines),
        CanonicalParts::parse(&reported_lines),
    ) {
        (Ok(ours), Ok(theirs)) => compare_parts(&ours, &theirs),
        (ours, theirs) => {
            let mut problems = Vec::new();
            if let Err(problem) = ours {
                problems.push(format!("the computed one {problem}"));
            }
            if let Err(problem) = theirs {
                problems.push(format!("the reported one {problem}"));
            }
            let mut explanation = compare_line_by_line(&computed_lines, &reported_lines);
            explanation.differences.insert(
                0,
                Difference {
                    part: Part::Shape,
                    kind: DifferenceKind::Shape,
                    detail: problems.join("; "),
                    likely_cause: "the text is not a whole canonical request (method, path, query, header lines, a blank line, the signed-header list, the payload hash): check that the server's CanonicalRequest was copied whole, with its line breaks",
                },
            );
            explanation
        }
    }
}

fn lines_of(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// A canonical request split into its parts.
struct CanonicalParts<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    /// Header lines in their order: (name as written, value).
    headers: Vec<(&'a str, &'a str)>,
    signed_headers: &'a str,
    payload: &'a str,
}

impl<'a> CanonicalParts<'a> {
    fn parse(lines: &[&'a str]) -> Result<Self, String> {
        let [method, path, query, rest @ ..] = lines else {
            return Err(format!(
                "has {} lines, fewer than a canonical request's six",
                lines.len()
            ));
        };
        let blank = rest
            .iter()
            .position(|line| line.is_empty())
            .ok_or("has no blank line after its headers")?;
        let (header_lines, after) = rest.split_at(blank);
        let [_, signed_headers, payload] = after else {
            return Err(format!(
                "has {} lines after its headers' blank line, not the signed-header list and the payload hash",
                after.len().saturating_sub(1)
            ));
        };
        let mut headers = Vec::with_capacity(header_lines.len());
        for (index, line) in header_lines.iter().enumerate() {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("has a header line without ':' (line {})", index + 4))?;
            headers.push((name, value));
        }
        Ok(Self {
            method,
            path,
            query,
            headers,
            signed_headers,
            payload,
        })
    }
}

/// Collects lines and differences.
#[derive(Default)]
struct Report {
    lines: Vec<DiffLine>,
    differences: Vec<Difference>,
}

impl Report {
    fn line(&mut self, part: Part, side: Side, text: impl Into<String>) {
        self.lines.push(DiffLine {
            part,
            side,
            text: text.into(),
        });
    }

    /// The line of `part` on both sides; `true` when they are equal.
    fn pair(&mut self, part: Part, computed: &str, reported: &str) -> bool {
        if computed == reported {
            self.line(part, Side::Both, computed);
            true
        } else {
            self.line(part.clone(), Side::Computed, computed);
            self.line(part, Side::Reported, reported);
            false
        }
    }

    fn difference(
        &mut self,
        part: Part,
        kind: DifferenceKind,
        detail: String,
        likely_cause: &'static str,
    ) {
        self.differences.push(Difference {
            part,
            kind,
            detail,
            likely_cause,
        });
    }

    fn finish(self) -> Explanation {
        Explanation {
            lines: self.lines,
            differences: self.differences,
        }
    }
}

fn compare_parts(ours: &CanonicalParts<'_>, theirs: &CanonicalParts<'_>) -> Explanation {
    let mut report = Report::default();
    if !report.pair(Part::Method, ours.method, theirs.method) {
        compare_methods(&mut report, ours.method, theirs.method);
    }
    if !report.pair(Part::Path, ours.path, theirs.path) {
        compare_paths(&mut report, ours.path, theirs.path);
    }
    if !report.pair(Part::Query, ours.query, theirs.query) {
        compare_queries(&mut report, ours.query, theirs.query);
    }
    compare_headers(&mut report, &ours.headers, &theirs.headers);
    report.line(Part::SignedHeaders, Side::Both, "");
    if !report.pair(
        Part::SignedHeaders,
        ours.signed_headers,
        theirs.signed_headers,
    ) {
        compare_signed_headers(&mut report, ours.signed_headers, theirs.signed_headers);
    }
    if !report.pair(Part::PayloadHash, ours.payload, theirs.payload) {
        compare_payloads(&mut report, ours.payload, theirs.payload);
    }
    report.finish()
}

/// The fallback when one side does not parse: lines paired by position.
fn compare_line_by_line(computed: &[&str], reported: &[&str]) -> Explanation {
    let mut report = Report::default();
    for index in 0..computed.len().max(reported.len()) {
        match (computed.get(index), reported.get(index)) {
            (Some(ours), Some(theirs)) => {
                report.pair(Part::Shape, ours, theirs);
            }
            (Some(ours), None) => report.line(Part::Shape, Side::Computed, *ours),
            (None, Some(theirs)) => report.line(Part::Shape, Side::Reported, *theirs),
            (None, None) => {}
        }
    }
    report.finish()
}

fn compare_methods(report: &mut Report, ours: &str, theirs: &str) {
    let likely_cause = if ours.eq_ignore_ascii_case(theirs) {
        "the method's case differs: methods are case-sensitive and AWS expects them in upper case"
    } else {
        "the request was sent with another method than the one signed: an HTTP client or redirect turned it into another (a POST without a body into a GET, a 303 redirect), or the wrong method was given when signing"
    };
    report.difference(
        Part::Method,
        DifferenceKind::Method,
        format!("computed {ours}, reported {theirs}"),
        likely_cause,
    );
}

fn percent_decoded(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    percent_decode_into(text.as_bytes(), &mut out);
    out
}

/// Decodes until nothing changes (at most a few rounds).
fn fully_decoded(text: &str) -> Vec<u8> {
    let mut current = text.as_bytes().to_vec();
    for _ in 0..4 {
        let mut next = Vec::with_capacity(current.len());
        percent_decode_into(&current, &mut next);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn normalized(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len() + 1);
    normalize_into(path, &mut out);
    out
}

fn compare_paths(report: &mut Report, ours: &str, theirs: &str) {
    let detail = format!("computed {ours}, reported {theirs}");
    let (kind, likely_cause) = if percent_decoded(ours) == theirs.as_bytes()
        || percent_decoded(theirs) == ours.as_bytes()
    {
        (
            DifferenceKind::PathEncoding,
            "double encoding: one side percent-encoded the path twice and the other once. S3 signs the path encoded once; every other service encodes it a second time. Use the s3 preset (or --no-double-encode) for S3, and the default rules for other services",
        )
    } else if ours.eq_ignore_ascii_case(theirs) && ours.contains('%') {
        (
            DifferenceKind::PathEncoding,
            "the case of the percent-encoding hex digits differs: AWS writes them in upper case (%2F, not %2f)",
        )
    } else if fully_decoded(ours) == fully_decoded(theirs) {
        (
            DifferenceKind::PathEncoding,
            "a character is percent-encoded on one side and not the other: AWS encodes every byte but A-Z a-z 0-9 - _ . ~ and /, a space as %20 (never +); the HTTP client may also have encoded the path again before sending",
        )
    } else if normalized(&fully_decoded(ours)) == normalized(&fully_decoded(theirs)) {
        (
            DifferenceKind::PathNormalization,
            "dot segments or repeated slashes: one side normalized the path (removed ./ and ../, collapsed //) and the other did not. S3 signs the path as sent (the s3 preset, or --no-normalize-path); other services normalize it. An HTTP client may also normalize the URL before sending",
        )
    } else {
        (
            DifferenceKind::Path,
            "the request reached the server at another path than the one signed: a proxy or API gateway stage prefix, a base path, a trailing slash added or removed, or a redirect",
        )
    };
    report.difference(Part::Path, kind, detail, likely_cause);
}

fn params_of(query: &str) -> Vec<(&[u8], &[u8])> {
    raw_params(query.as_bytes()).collect()
}

fn decoded_params(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut params: Vec<(Vec<u8>, Vec<u8>)> = raw_params(query.as_bytes())
        .map(|(name, value)| {
            let decode = |bytes: &[u8]| fully_decoded(&String::from_utf8_lossy(bytes));
            (decode(name), decode(value))
        })
        .collect();
    params.sort();
    params
}

fn compare_queries(report: &mut Report, ours: &str, theirs: &str) {
    let mut our_params = params_of(ours);
    let mut their_params = params_of(theirs);
    let in_order = (our_params.clone(), their_params.clone());
    our_params.sort();
    their_params.sort();
    if our_params == their_params && in_order.0 != in_order.1 {
        report.difference(
            Part::Query,
            DifferenceKind::QueryOrder,
            format!("the same parameters in another order: computed {ours}, reported {theirs}"),
            "query order: the canonical query sorts the parameters by encoded name, then by encoded value, in byte order (upper case before lower case); one side sorted them otherwise, or not at all",
        );
        return;
    }
    if decoded_params(ours) == decoded_params(theirs) {
        report.difference(
            Part::Query,
            DifferenceKind::QueryEncoding,
            format!("the same parameters, encoded differently: computed {ours}, reported {theirs}"),
            "query encoding: AWS encodes every byte of names and values but A-Z a-z 0-9 - _ . ~, with upper-case hex, a space as %20 (never +), and = and & inside values encoded; one side left a character unencoded or encoded it twice",
        );
        return;
    }
    let names = |params: &[(&[u8], &[u8])]| -> BTreeSet<String> {
        params
            .iter()
            .map(|(name, _)| String::from_utf8_lossy(name).into_owned())
            .collect()
    };
    let (our_names, their_names) = (names(&our_params), names(&their_params));
    let mut details = Vec::new();
    let only_ours: Vec<_> = our_names.difference(&their_names).cloned().collect();
    let only_theirs: Vec<_> = their_names.difference(&our_names).cloned().collect();
    if !only_ours.is_empty() {
        details.push(format!("only computed: {}", only_ours.join(", ")));
    }
    if !only_theirs.is_empty() {
        details.push(format!("only reported: {}", only_theirs.join(", ")));
    }
    let changed: Vec<_> = our_names
        .intersection(&their_names)
        .filter(|name| {
            let values = |params: &[(&[u8], &[u8])]| -> Vec<Vec<u8>> {
                params
                    .iter()
                    .filter(|(candidate, _)| *candidate == name.as_bytes())
                    .map(|(_, value)| value.to_vec())
                    .collect()
            };
            values(&our_params) != values(&their_params)
        })
        .cloned()
        .collect();
    if !changed.is_empty() {
        details.push(format!("different values: {}", changed.join(", ")));
    }
    report.difference(
        Part::Query,
        DifferenceKind::QueryParameter,
        details.join("; "),
        "a query parameter was added, removed or changed between signing and sending (an SDK or proxy adding one, a URL rewritten); in a presigned URL, X-Amz-Signature is left out of the canonical query",
    );
}

fn collapsed_whitespace(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_sorted_lower_case(headers: &[(&str, &str)]) -> bool {
    headers
        .iter()
        .all(|(name, _)| !name.bytes().any(|byte| byte.is_ascii_uppercase()))
        && headers.windows(2).all(|pair| pair[0].0 < pair[1].0)
}

fn header_value_cause(name: &str) -> &'static str {
    match name {
        "host" => {
            "the Host differs: a port written on one side only (:443 and :80 are left out by most clients), a proxy or load balancer that rewrote Host, or a request signed for another endpoint"
        }
        "x-amz-date" => {
            "the request time differs: the request was signed again, or an X-Amz-Date header was replaced after signing"
        }
        "x-amz-content-sha256" => {
            "the payload hash header differs: the body was changed after signing, or one side sent UNSIGNED-PAYLOAD"
        }
        "x-amz-security-token" => {
            "the session token differs: the credentials were refreshed between signing and sending, or the token was copied incompletely"
        }
        "content-type" => {
            "the Content-Type was changed after signing: an HTTP client adding a charset or a default type"
        }
        "content-length" | "transfer-encoding" | "content-encoding" => {
            "the body's framing was changed after signing: compressed, sent chunked, or its length recomputed by the HTTP client"
        }
        _ => {
            "the header's value was changed between signing and the server: an HTTP client, SDK middleware or proxy rewrote it, or the request was signed with another value"
        }
    }
}

fn compare_headers(report: &mut Report, ours: &[(&str, &str)], theirs: &[(&str, &str)]) {
    let order_problems: Vec<&str> = [("computed", ours), ("reported", theirs)]
        .into_iter()
        .filter(|(_, headers)| !is_sorted_lower_case(headers))
        .map(|(side, _)| side)
        .collect();
    if !order_problems.is_empty() {
        report.difference(
            Part::HeaderOrder,
            DifferenceKind::HeaderOrder,
            format!(
                "the {} header lines are not in order",
                order_problems.join(" and ")
            ),
            "canonical header names are lower case, each once (repeated values joined with commas), sorted by name in byte order",
        );
    }
    let names: BTreeSet<String> = ours
        .iter()
        .chain(theirs)
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    for name in names {
        let values = |headers: &[(&str, &str)]| -> Vec<(String, String)> {
            headers
                .iter()
                .filter(|(candidate, _)| candidate.eq_ignore_ascii_case(&name))
                .map(|(written, value)| ((*written).to_owned(), (*value).to_owned()))
                .collect()
        };
        let (our_values, their_values) = (values(ours), values(theirs));
        let part = Part::Header(name.clone());
        let as_lines = |values: &[(String, String)]| -> Vec<String> {
            values
                .iter()
                .map(|(written, value)| format!("{written}:{value}"))
                .collect()
        };
        let (our_lines, their_lines) = (as_lines(&our_values), as_lines(&their_values));
        if our_lines == their_lines {
            for line in our_lines {
                report.line(part.clone(), Side::Both, line);
            }
            continue;
        }
        for line in &our_lines {
            report.line(part.clone(), Side::Computed, line.as_str());
        }
        for line in &their_lines {
            report.line(part.clone(), Side::Reported, line.as_str());
        }
        let joined = |values: &[(String, String)]| -> String {
            values
                .iter()
                .map(|(_, value)| value.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let (our_value, their_value) = (joined(&our_values), joined(&their_values));
        if our_values.is_empty() || their_values.is_empty() {
            let side = if our_values.is_empty() {
                "reported"
            } else {
                "computed"
            };
            report.difference(
                part,
                DifferenceKind::HeaderPresence,
                format!("{name} is only in the {side} canonical request"),
                "the header is signed on one side only: it was added or dropped between signing and the server (by the HTTP client, an SDK middleware or a proxy), or the two sides choose the headers to sign differently",
            );
        } else if our_value == their_value {
            // Only the name's case differs; the order check above reports it.
        } else if collapsed_whitespace(&our_value) == collapsed_whitespace(&their_value) {
            report.difference(
                part,
                DifferenceKind::HeaderWhitespace,
                format!("{name} differs only in whitespace: computed {our_value:?}, reported {their_value:?}"),
                "header whitespace: canonical values are trimmed and every run of spaces inside is collapsed to one; one side kept the spaces as sent, or a proxy changed them",
            );
        } else {
            report.difference(
                part,
                DifferenceKind::HeaderValue,
                format!("{name}: computed {our_value:?}, reported {their_value:?}"),
                header_value_cause(&name),
            );
        }
    }
}

fn compare_signed_headers(report: &mut Report, ours: &str, theirs: &str) {
    let names = |list: &str| -> BTreeSet<String> {
        list.split(';')
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (our_names, their_names) = (names(ours), names(theirs));
    let only_ours: Vec<_> = our_names.difference(&their_names).cloned().collect();
    let only_theirs: Vec<_> = their_names.difference(&our_names).cloned().collect();
    let detail = if only_ours.is_empty() && only_theirs.is_empty() {
        format!("the same names in another order or case: computed {ours}, reported {theirs}")
    } else {
        let mut parts = Vec::new();
        if !only_ours.is_empty() {
            parts.push(format!("only computed: {}", only_ours.join(", ")));
        }
        if !only_theirs.is_empty() {
            parts.push(format!("only reported: {}", only_theirs.join(", ")));
        }
        parts.join("; ")
    };
    report.difference(
        Part::SignedHeaders,
        DifferenceKind::SignedHeaders,
        detail,
        "the signed-header list differs: the server rebuilds it from the SignedHeaders of the request it received, so a header was signed that the request no longer carries, or the list was sent unsorted or in another case (it must be lower case, sorted, joined with ;)",
    );
}

fn compare_payloads(report: &mut Report, ours: &str, theirs: &str) {
    let either = |test: &dyn Fn(&str) -> bool| test(ours) || test(theirs);
    let likely_cause = if either(&|value| value == UNSIGNED_PAYLOAD) {
        "one side signed UNSIGNED-PAYLOAD and the other a hash: the x-amz-content-sha256 header the server read says otherwise than the signer's payload choice (--unsigned-payload, the preset, or --payload-hash)"
    } else if either(&|value| value.starts_with("STREAMING-")) {
        "one side signed a chunked-upload literal (STREAMING-...): the x-amz-content-sha256 header and the payload signed disagree"
    } else if either(&|value| value == EMPTY_SHA256_HEX) {
        "one side hashed an empty body: the body was not given when signing (or it was sent as a stream), or it did not reach the server"
    } else {
        "the body the server received is not the one signed: it was changed after signing (re-serialized JSON, compression, a trailing newline, another character encoding), or the hash of another body was given"
    };
    report.difference(
        Part::PayloadHash,
        DifferenceKind::PayloadHash,
        format!("computed {ours}, reported {theirs}"),
        likely_cause,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "GET\n/a/b\nA=1&B=2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn kinds(computed: &str, reported: &str) -> Vec<(Part, DifferenceKind)> {
        explain(computed, reported)
            .differences
            .into_iter()
            .map(|difference| (difference.part, difference.kind))
            .collect()
    }

    #[test]
    fn identical_requests_have_no_differences() {
        let explanation = explain(BASE, &format!("{}\r\n", BASE.replace('\n', "\r\n")));
        assert!(explanation.is_identical(), "{explanation:?}");
        assert!(explanation.lines.iter().all(|line| line.side == Side::Both));
        assert_eq!(explanation.lines.len(), BASE.lines().count());
    }

    #[test]
    fn each_part_is_named() {
        let cases = [
            (
                BASE.replacen("GET", "POST", 1),
                Part::Method,
                DifferenceKind::Method,
            ),
            (
                BASE.replacen("/a/b", "/a/./b", 1),
                Part::Path,
                DifferenceKind::PathNormalization,
            ),
            (
                BASE.replacen("/a/b", "/a/c", 1),
                Part::Path,
                DifferenceKind::Path,
            ),
            (
                BASE.replacen("A=1&B=2", "B=2&A=1", 1),
                Part::Query,
                DifferenceKind::QueryOrder,
            ),
            (
                BASE.replacen("A=1&B=2", "A=1&B=3", 1),
                Part::Query,
                DifferenceKind::QueryParameter,
            ),
            (
                BASE.replacen("example.amazonaws.com", "example.amazonaws.com:443", 1),
                Part::Header("host".into()),
                DifferenceKind::HeaderValue,
            ),
            (
                BASE.replacen(
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "UNSIGNED-PAYLOAD",
                    1,
                ),
                Part::PayloadHash,
                DifferenceKind::PayloadHash,
            ),
        ];
        for (reported, part, kind) in cases {
            assert_eq!(kinds(BASE, &reported), vec![(part, kind)], "{reported}");
        }
    }

    #[test]
    fn encodings_and_whitespace() {
        let ours = BASE.replacen("/a/b", "/a%2520b", 1);
        let theirs = BASE.replacen("/a/b", "/a%20b", 1);
        assert_eq!(
            kinds(&ours, &theirs),
            vec![(Part::Path, DifferenceKind::PathEncoding)]
        );
        let ours = BASE.replacen("A=1&B=2", "A=a%20b&B=2", 1);
        let theirs = BASE.replacen("A=1&B=2", "A=a+b&B=2", 1);
        // `+` is not a space to AWS: a different value, not an encoding.
        assert_eq!(
            kinds(&ours, &theirs),
            vec![(Part::Query, DifferenceKind::QueryParameter)]
        );
        let theirs = BASE.replacen("A=1&B=2", "A=a%2520b&B=2", 1);
        assert_eq!(
            kinds(&ours, &theirs),
            vec![(Part::Query, DifferenceKind::QueryEncoding)]
        );
        let ours = BASE.replacen("host;", "host;my;", 1).replacen(
            "host:example.amazonaws.com\n",
            "host:example.amazonaws.com\nmy:a b\n",
            1,
        );
        let theirs = ours.replacen("my:a b", "my:a   b", 1);
        assert_eq!(
            kinds(&ours, &theirs),
            vec![(Part::Header("my".into()), DifferenceKind::HeaderWhitespace)]
        );
    }

    #[test]
    fn a_header_signed_on_one_side_only() {
        let theirs = BASE
            .replacen(
                "x-amz-date:20150830T123600Z\n",
                "x-amz-date:20150830T123600Z\nx-extra:1\n",
                1,
            )
            .replacen("host;x-amz-date", "host;x-amz-date;x-extra", 1);
        assert_eq!(
            kinds(BASE, &theirs),
            vec![
                (
                    Part::Header("x-extra".into()),
                    DifferenceKind::HeaderPresence
                ),
                (Part::SignedHeaders, DifferenceKind::SignedHeaders),
            ]
        );
        let explanation = explain(BASE, &theirs);
        assert!(explanation.lines.contains(&DiffLine {
            part: Part::Header("x-extra".into()),
            side: Side::Reported,
            text: "x-extra:1".into(),
        }));
    }

    #[test]
    fn anything_else_is_a_shape_difference_and_never_a_panic() {
        for reported in [
            "",
            "\n",
            "GET",
            "GET\n/\n\nno colon\n\nhost\nx",
            "a\nb\nc\n\nd\ne\nf\ng",
            "\u{0}%%%\n\r\n",
        ] {
            let explanation = explain(BASE, reported);
            assert_eq!(
                explanation.differences[0].kind,
                DifferenceKind::Shape,
                "{reported:?}"
            );
        }
        let odd = explain("%zz\n%\n&&=&\n:\n\n;\n", "%ZZ\n%%\n=&\n:x\n\n;;\n");
        assert!(!odd.is_identical());
    }
}
