//! Canonical headers of an arbitrary list of (name, value) byte pairs, with
//! repeats, control characters and non-UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::headers::canonical_value;
use sigv4kit_canon::{CanonicalRules, Header, Request, canonical_request_text};

/// (name, value) pairs, and whether to add a `Host` header.
type Input = (Vec<(Vec<u8>, Vec<u8>)>, bool);

fuzz_target!(|input: Input| {
    let (pairs, with_host) = input;
    let mut headers: Vec<Header<'_>> = pairs
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    if with_host {
        headers.push(Header::new("Host", "example.amazonaws.com"));
    }
    let request = Request::new("GET", "/", &headers);
    let first = canonical_request_text(&request, &CanonicalRules::default());
    assert_eq!(
        first,
        canonical_request_text(&request, &CanonicalRules::default())
    );
    for (_, value) in &pairs {
        let once = canonical_value(value);
        assert_eq!(
            canonical_value(once.as_bytes()),
            once,
            "value folding is idempotent"
        );
    }
});
