//! The canonical request, assembled from its parts and streamed into a sink.
//!
//! ```text
//! METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload
//! ```
//!
//! Assembly happens in two steps because the pieces depend on each other: the
//! signed-header list goes into the canonical query of a presigned URL
//! (`X-Amz-SignedHeaders`), so [`PreparedRequest::prepare`] selects and sorts
//! the headers first, and [`PreparedRequest::write`] then writes everything.
//! All intermediate state lives in a reused [`Scratch`], so a warm signing
//! allocates nothing here.

use crate::authorization::SignedHeaders;
use crate::error::CanonicalError;
use crate::headers::{
    AddedHeader, HeaderList, HeaderSelection, MergeFindings, SortScratches, is_valid_header_name,
};
use crate::path::{PathRules, write_canonical_path};
use crate::payload::CanonicalPayload;
use crate::query::QueryScratch;
use crate::request::Request;
use crate::sink::Sink;

/// The rules that shape a canonical request beyond the request itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CanonicalRules {
    /// Path normalization and encoding.
    pub path: PathRules,
    /// Which headers are signed.
    pub headers: HeaderSelection,
}

/// Buffers reused from one canonicalization to the next.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    path: Vec<u8>,
    query: QueryScratch,
    headers: SortScratches,
}

/// A received request's headers merged with its signed-header list by
/// [`PreparedRequest::merge_signed`]; it holds the scratch area the merge
/// filled, so that only [`Self::prepare`] can use it.
#[derive(Debug)]
pub struct SignedHeaderMerge<'r, 's> {
    request: &'r Request<'r>,
    findings: MergeFindings<'r>,
    scratch: &'s mut Scratch,
}

impl<'r, 's> SignedHeaderMerge<'r, 's> {
    /// Whether the signed-header list names `host`.
    pub fn host_signed(&self) -> bool {
        self.findings.host_signed
    }

    /// The first request header, in request order, whose name starts with
    /// `x-amz-` (any case) and which the list leaves out.
    pub fn unsigned_amz_header(&self) -> Option<&'r [u8]> {
        self.findings.unsigned_amz_header
    }

    /// The canonical request of exactly the signed headers, or the request's
    /// first error: its method, its host, a header name, then the first name
    /// of the list it does not have.
    pub fn prepare(
        self,
        payload: CanonicalPayload,
        path: PathRules,
    ) -> Result<PreparedRequest<'r, 's>, CanonicalError> {
        let headers = PreparedRequest::check(self.request, &[])?;
        if let Some(name) = self.findings.invalid_header_name {
            return Err(CanonicalError::InvalidHeaderName {
                name: String::from_utf8_lossy(name).into_owned(),
            });
        }
        if let Some(name) = self.findings.missing_signed_header {
            return Err(CanonicalError::MissingSignedHeader { name });
        }
        Ok(PreparedRequest {
            request: self.request,
            headers,
            path,
            payload,
            scratch: self.scratch,
        })
    }
}

/// A request whose headers are selected and sorted, ready to be written.
#[derive(Debug)]
pub struct PreparedRequest<'r, 's> {
    request: &'r Request<'r>,
    headers: HeaderList<'r>,
    path: PathRules,
    payload: CanonicalPayload,
    scratch: &'s mut Scratch,
}

impl<'r, 's> PreparedRequest<'r, 's> {
    /// Validates the request and sorts its signed headers, together with the
    /// headers the signer adds.
    pub fn prepare(
        request: &'r Request<'r>,
        added_headers: &'r [AddedHeader<'r>],
        payload: CanonicalPayload,
        rules: &'r CanonicalRules,
        scratch: &'s mut Scratch,
    ) -> Result<Self, CanonicalError> {
        let headers = Self::check(request, added_headers)?;
        headers.select_and_sort(&rules.headers, &mut scratch.headers)?;
        Ok(Self {
            request,
            headers,
            path: rules.path,
            payload,
            scratch,
        })
    }

    /// Validates a received request and selects exactly the headers of its
    /// signed-header list, `signed`: what a verifier recomputes. Each named
    /// header must be present, or it fails with
    /// [`CanonicalError::MissingSignedHeader`], as
    /// [`HeaderSelection::Exactly`] does. [`Self::merge_signed`] then
    /// [`SignedHeaderMerge::prepare`], for a caller that checks the list's
    /// coverage in between.
    ///
    /// [`HeaderSelection::Exactly`]: crate::HeaderSelection::Exactly
    pub fn prepare_signed(
        request: &'r Request<'r>,
        signed: &SignedHeaders<'_>,
        payload: CanonicalPayload,
        path: PathRules,
        scratch: &'s mut Scratch,
    ) -> Result<Self, CanonicalError> {
        Self::merge_signed(request, signed, scratch).prepare(payload, path)
    }

    /// Sorts the received request's headers and walks them alongside its
    /// signed-header list, `signed`, in one merge (both are sorted). The
    /// result says whether the list covers what a verifier requires (`host`,
    /// every `x-amz-*` header) and prepares the canonical request from the
    /// same merge, so a verification sorts the headers once, as a signing
    /// does. Request errors (method, host, a header name, a named header
    /// missing) are reported by [`SignedHeaderMerge::prepare`].
    pub fn merge_signed(
        request: &'r Request<'r>,
        signed: &SignedHeaders<'_>,
        scratch: &'s mut Scratch,
    ) -> SignedHeaderMerge<'r, 's> {
        let headers = HeaderList {
            request: request.headers,
            added: &[],
        };
        let findings = headers.merge_signed(signed.as_str(), &mut scratch.headers);
        SignedHeaderMerge {
            request,
            findings,
            scratch,
        }
    }

    /// The checks every canonical request needs: a token method and a host.
    fn check(
        request: &'r Request<'r>,
        added_headers: &'r [AddedHeader<'r>],
    ) -> Result<HeaderList<'r>, CanonicalError> {
        // A method is a token, as a header name is.
        if !is_valid_header_name(request.method.as_bytes()) {
            return Err(CanonicalError::InvalidMethod {
                method: request.method.to_owned(),
            });
        }
        if request.header("host").is_none() {
            return Err(CanonicalError::MissingHost);
        }
        Ok(HeaderList {
            request: request.headers,
            added: added_headers,
        })
    }

    /// The payload line.
    pub fn payload(&self) -> &CanonicalPayload {
        &self.payload
    }

    /// Writes the signed-header list, e.g. `host;x-amz-date`.
    pub fn write_signed_headers(&self, sink: &mut impl Sink) {
        self.scratch
            .headers
            .view(self.headers)
            .write_signed_names(sink);
    }

    /// Writes the whole canonical request. `added_query` holds the plain
    /// (unencoded) parameters the signer adds to a presigned URL.
    pub fn write(&mut self, added_query: &[(&str, &[u8])], sink: &mut impl Sink) {
        let scratch = &mut *self.scratch;
        sink.put(self.request.method.as_bytes());
        sink.put(b"\n");
        write_canonical_path(self.request.path, self.path, &mut scratch.path, sink);
        sink.put(b"\n");
        scratch.query.clear();
        scratch.query.add_raw_query(self.request.query);
        for (key, value) in added_query {
            scratch.query.add_plain(key.as_bytes(), value);
        }
        scratch.query.write_sorted(sink);
        sink.put(b"\n");
        let sorted = scratch.headers.view(self.headers);
        sorted.write_canonical_headers(sink);
        sink.put(b"\n");
        sorted.write_signed_names(sink);
        sink.put(b"\n");
        sink.put(self.payload.as_str().as_bytes());
    }
}

/// The canonical request for `request` as text, with no headers or query
/// parameters added: what a server recomputes from a request it received.
pub fn canonical_request_text(
    request: &Request<'_>,
    rules: &CanonicalRules,
) -> Result<String, CanonicalError> {
    let payload =
        CanonicalPayload::resolve(&request.payload, request.header("x-amz-content-sha256"))?;
    let mut scratch = Scratch::default();
    let mut prepared = PreparedRequest::prepare(request, &[], payload, rules, &mut scratch)?;
    let mut out = Vec::new();
    prepared.write(&[], &mut out);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::HeaderNames;
    use crate::path::PathRules;
    use crate::payload::Payload;
    use crate::request::Header;

    fn text(request: &Request<'_>, rules: &CanonicalRules) -> String {
        canonical_request_text(request, rules).unwrap()
    }

    #[test]
    fn repeated_headers_join_in_their_original_order() {
        let headers = [
            Header::new("Host", "example.amazonaws.com"),
            Header::new("My-Header1", "value4"),
            Header::new("my-header1", " value1"),
            Header::new("MY-HEADER1", "value3 "),
            Header::new("My-Header1", "value2"),
        ];
        let request = Request::new("GET", "/", &headers);
        assert_eq!(
            text(&request, &CanonicalRules::default()),
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3,value2\n\n\
             host;my-header1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn excluded_headers_are_not_signed() {
        let headers = [
            Header::new("User-Agent", "c sdk v1.0"),
            Header::new("Host", "example.amazonaws.com"),
            Header::new("Connection", "keep-alive"),
            Header::new("Expect", "100-continue"),
            Header::new("X-Amzn-Trace-Id", "x"),
            Header::new("Transfer-Encoding", "chunked"),
        ];
        let request = Request::new("GET", "/", &headers);
        let canonical = text(&request, &CanonicalRules::default());
        assert!(canonical.ends_with(
            "\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ));
    }

    #[test]
    fn exact_selection_requires_every_named_header() {
        let headers = [
            Header::new("Host", "h"),
            Header::new("A", "1"),
            Header::new("B", "2"),
        ];
        let request = Request::new("GET", "/", &headers);
        let rules = CanonicalRules {
            headers: HeaderSelection::Exactly(HeaderNames::new(["host", "b"]).unwrap()),
            ..CanonicalRules::default()
        };
        assert!(text(&request, &rules).contains("\nb:2\nhost:h\n\nb;host\n"));
        let rules = CanonicalRules {
            headers: HeaderSelection::Exactly(HeaderNames::new(["host", "c"]).unwrap()),
            ..CanonicalRules::default()
        };
        assert_eq!(
            canonical_request_text(&request, &rules),
            Err(CanonicalError::MissingSignedHeader { name: "c".into() })
        );
    }

    #[test]
    fn a_received_signed_list_selects_exactly_its_headers() {
        let headers = [
            Header::new("X-Amz-Date", "20150830T123600Z"),
            Header::new("Host", "h"),
            Header::new("Authorization", "not signed"),
            Header::new("b", "2"),
            Header::new("A", "1"),
            Header::new("B", "3"),
            Header::new("User-Agent", "not signed"),
        ];
        let request = Request::new("GET", "/", &headers);
        let write = |list: &str| {
            let signed = SignedHeaders::parse(list).unwrap();
            let mut scratch = Scratch::default();
            let mut prepared = PreparedRequest::prepare_signed(
                &request,
                &signed,
                CanonicalPayload::Literal("UNSIGNED-PAYLOAD"),
                PathRules::STANDARD,
                &mut scratch,
            )?;
            let mut out = Vec::new();
            prepared.write(&[], &mut out);
            Ok::<_, CanonicalError>(String::from_utf8(out).unwrap())
        };
        assert_eq!(
            write("a;b;host;x-amz-date").unwrap(),
            "GET\n/\n\na:1\nb:2,3\nhost:h\nx-amz-date:20150830T123600Z\n\n\
             a;b;host;x-amz-date\nUNSIGNED-PAYLOAD"
        );
        assert!(
            write("b;host")
                .unwrap()
                .contains("\nb:2,3\nhost:h\n\nb;host\n")
        );
        for (list, missing) in [("c;host", "c"), ("host;z", "z"), ("a;aa;host", "aa")] {
            assert_eq!(
                write(list),
                Err(CanonicalError::MissingSignedHeader {
                    name: missing.into()
                }),
                "{list}"
            );
        }
    }

    #[test]
    fn the_merge_finds_what_a_signed_list_leaves_out() {
        let headers = [
            Header::new("X-Amz-Target", "t"),
            Header::new("Host", "h"),
            Header::new("x-amz-meta-b", "b"),
            Header::new("X-AMZ-META-A", "a"),
            Header::new("Bad Name", "v"),
        ];
        let request = Request::new("GET", "/", &headers);
        let merge = |list: &str| {
            let signed = SignedHeaders::parse(list).unwrap();
            let mut scratch = Scratch::default();
            let merge = PreparedRequest::merge_signed(&request, &signed, &mut scratch);
            let found = (merge.host_signed(), merge.unsigned_amz_header());
            let prepared = merge
                .prepare(
                    CanonicalPayload::Literal("UNSIGNED-PAYLOAD"),
                    PathRules::STANDARD,
                )
                .map(|_| ());
            (found, prepared)
        };
        // The first unsigned `x-amz-*` header sent, not the first sorted.
        let ((host, unsigned), prepared) = merge("host;x-amz-target");
        assert!(host);
        assert_eq!(unsigned, Some(&b"x-amz-meta-b"[..]));
        assert!(matches!(
            prepared,
            Err(CanonicalError::InvalidHeaderName { .. })
        ));
        let ((host, unsigned), _) = merge("x-amz-meta-a;x-amz-meta-b;x-amz-target");
        assert!(!host);
        assert_eq!(unsigned, None);
        // Every name after a missing one is still walked.
        let ((_, unsigned), _) = merge("a;host;x-amz-meta-a");
        assert_eq!(unsigned, Some(&b"X-Amz-Target"[..]));

        let good = [Header::new("Host", "h"), Header::new("x-amz-date", "d")];
        let request = Request::new("GET", "/", &good);
        let signed = SignedHeaders::parse("a;host;x-amz-date;z").unwrap();
        let mut scratch = Scratch::default();
        let merge = PreparedRequest::merge_signed(&request, &signed, &mut scratch);
        assert_eq!(
            (merge.host_signed(), merge.unsigned_amz_header()),
            (true, None)
        );
        assert_eq!(
            merge
                .prepare(
                    CanonicalPayload::Literal("UNSIGNED-PAYLOAD"),
                    PathRules::STANDARD
                )
                .map(|_| ()),
            Err(CanonicalError::MissingSignedHeader { name: "a".into() })
        );
    }

    #[test]
    fn bad_requests_get_typed_errors() {
        let headers = [Header::new("Host", "h")];
        let rules = CanonicalRules::default();
        assert!(matches!(
            canonical_request_text(&Request::new("GE T", "/", &headers), &rules),
            Err(CanonicalError::InvalidMethod { .. })
        ));
        assert_eq!(
            canonical_request_text(&Request::new("GET", "/", &[]), &rules),
            Err(CanonicalError::MissingHost)
        );
        let bad = [Header::new("Host", "h"), Header::new("Bad Name", "v")];
        assert!(matches!(
            canonical_request_text(&Request::new("GET", "/", &bad), &rules),
            Err(CanonicalError::InvalidHeaderName { .. })
        ));
    }

    #[test]
    fn s3_rules_keep_the_path_and_hash_the_body() {
        let headers = [Header::new("Host", "bucket.s3.amazonaws.com")];
        let request =
            Request::new("PUT", "/a%20b/./c", &headers).with_payload(Payload::Bytes(b"x"));
        let rules = CanonicalRules {
            path: PathRules::S3,
            ..CanonicalRules::default()
        };
        let canonical = text(&request, &rules);
        assert!(canonical.starts_with("PUT\n/a%20b/./c\n\n"));
        assert!(
            canonical
                .ends_with("\n2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
        );
    }

    /// What a step of [`one_scratch_serves_any_sequence_of_requests`] does.
    #[derive(Debug, Clone)]
    enum Step {
        /// Sign the headers with this selection.
        Select(HeaderSelection),
        /// Merge them with this signed-header list, then prepare.
        Merge(&'static str),
    }

    /// The canonical request (or the error and the merge's findings) of
    /// `step` on `headers`, using `scratch`.
    fn run_step(step: &Step, headers: &[Header<'_>], scratch: &mut Scratch) -> String {
        let request = Request::new("GET", "/", headers);
        let payload = CanonicalPayload::Literal("UNSIGNED-PAYLOAD");
        match step {
            Step::Select(selection) => {
                let rules = CanonicalRules {
                    path: PathRules::STANDARD,
                    headers: selection.clone(),
                };
                let added = [AddedHeader {
                    name: "x-amz-date",
                    value: b"20150830T123600Z",
                    signed: true,
                }];
                PreparedRequest::prepare(&request, &added, payload, &rules, scratch)
                    .map(|mut prepared| {
                        let mut out = Vec::new();
                        prepared.write(&[], &mut out);
                        String::from_utf8_lossy(&out).into_owned()
                    })
                    .map_err(|error| error.to_string())
            }
            Step::Merge(list) => {
                let signed = SignedHeaders::parse(*list).unwrap();
                let merge = PreparedRequest::merge_signed(&request, &signed, scratch);
                let found = format!("{} {:?}", merge.host_signed(), merge.unsigned_amz_header());
                merge
                    .prepare(payload, PathRules::STANDARD)
                    .map(|mut prepared| {
                        let mut out = Vec::new();
                        prepared.write(&[], &mut out);
                        format!("{found}\n{}", String::from_utf8_lossy(&out))
                    })
                    .map_err(|error| format!("{found} {error}"))
            }
        }
        .unwrap_or_else(|error| format!("error: {error}"))
    }

    proptest::proptest! {
        /// A scratch area reused across requests (as each thread's is)
        /// gives every request what a fresh one gives it, whether the next
        /// request has the same header names as the last or not.
        #[test]
        fn one_scratch_serves_any_sequence_of_requests(
            requests in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        (
                            proptest::sample::select(vec![
                                "Host", "host", "x-amz-date", "X-Amz-Meta-A", "x-amz-meta-b",
                                "accept", "expect", "origin", "bad name",
                            ]),
                            proptest::sample::select(vec!["v", " two  words ", ""]),
                        ),
                        0..5,
                    ),
                    proptest::sample::select(vec![
                        Step::Select(HeaderSelection::default()),
                        Step::Select(HeaderSelection::excluding_also(["accept"]).unwrap()),
                        Step::Select(HeaderSelection::Exactly(HeaderNames::new(["host"]).unwrap())),
                        Step::Merge("host"),
                        Step::Merge("host;x-amz-date"),
                        Step::Merge("accept;host;x-amz-meta-a"),
                    ]),
                ),
                1..12,
            ),
        ) {
            let mut shared = Scratch::default();
            for (headers, step) in &requests {
                let headers: Vec<Header<'_>> =
                    headers.iter().map(|(name, value)| Header::new(*name, *value)).collect();
                let fresh = run_step(step, &headers, &mut Scratch::default());
                proptest::prop_assert_eq!(run_step(step, &headers, &mut shared), fresh.clone());
                // The same names again, with other values.
                let revalued: Vec<Header<'_>> =
                    headers.iter().map(|header| Header::new(header.name, b"other")).collect();
                let fresh = run_step(step, &revalued, &mut Scratch::default());
                proptest::prop_assert_eq!(run_step(step, &revalued, &mut shared), fresh);
            }
        }

        /// Requests of a few shapes in turn, more of them than the scratch
        /// area remembers at times, as a server's clients send them: each
        /// is given what a fresh area gives it, whether its order is still
        /// remembered, was evicted, or is another shape's.
        #[test]
        fn shapes_in_turn_each_get_what_a_fresh_scratch_gives(
            shapes in proptest::collection::vec(
                (
                    proptest::sample::subsequence(
                        vec!["accept", "Host", "origin", "x-amz-date", "X-Amz-Meta-A", "x-amz-meta-b", "expect"],
                        1..6,
                    ),
                    proptest::sample::select(vec![
                        Step::Select(HeaderSelection::default()),
                        Step::Merge("host"),
                        Step::Merge("host;x-amz-date"),
                        Step::Merge("accept;host;x-amz-meta-a"),
                    ]),
                ),
                1..14,
            ),
            turns in proptest::collection::vec(0usize..14, 1..48),
        ) {
            let mut shared = Scratch::default();
            for turn in turns {
                let (names, step) = &shapes[turn % shapes.len()];
                let headers: Vec<Header<'_>> =
                    names.iter().map(|name| Header::new(*name, "v")).collect();
                let fresh = run_step(step, &headers, &mut Scratch::default());
                proptest::prop_assert_eq!(run_step(step, &headers, &mut shared), fresh);
            }
        }
    }

    #[test]
    fn each_remembered_shape_keeps_its_own_area() {
        let shapes: Vec<Vec<Header<'_>>> = ["a", "b", "c"]
            .iter()
            .map(|name| vec![Header::new("host", "h"), Header::new(*name, "v")])
            .collect();
        let mut scratch = Scratch::default();
        for headers in shapes.iter().chain(&shapes) {
            run_step(
                &Step::Select(HeaderSelection::default()),
                headers,
                &mut scratch,
            );
        }
        // Three shapes twice: the second round found the first round's
        // areas, and filled none.
        assert_eq!(scratch.headers.filled(), 3);
        let names: Vec<String> = (0..SortScratches::SHAPES)
            .map(|index| format!("x-{index}"))
            .collect();
        let more: Vec<Vec<Header<'_>>> = names
            .iter()
            .map(|name| vec![Header::new("host", "h"), Header::new(name, "v")])
            .collect();
        for headers in &more {
            run_step(
                &Step::Select(HeaderSelection::default()),
                headers,
                &mut scratch,
            );
        }
        assert_eq!(scratch.headers.filled(), 3 + SortScratches::SHAPES);
        // The newest shapes are still remembered; the oldest was evicted.
        run_step(
            &Step::Select(HeaderSelection::default()),
            &more[SortScratches::SHAPES - 1],
            &mut scratch,
        );
        assert_eq!(scratch.headers.filled(), 3 + SortScratches::SHAPES);
        run_step(
            &Step::Select(HeaderSelection::default()),
            &shapes[0],
            &mut scratch,
        );
        assert_eq!(scratch.headers.filled(), 4 + SortScratches::SHAPES);
    }
}
