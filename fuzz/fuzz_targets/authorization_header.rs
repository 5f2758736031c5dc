//! The `Authorization` header parser, on arbitrary bytes.
//!
//! It may refuse with an error, never panic. What it accepts obeys the
//! rules it enforces (a scope of the algorithm's shape, a sorted lower-case
//! signed-header list without repeats, a signature of the algorithm's
//! length), and parses the same again when written back in the canonical
//! spacing, and the names a verification keeps of it (shared with a recent
//! list when long) are its own. The whole-request reader never panics on
//! it either.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::authorization::parse_authorization_header;
use sigv4kit_canon::{Algorithm, Header, Request, RequestSignature};

fuzz_target!(|data: &[u8]| {
    let headers = [
        Header::new("Host", "example.amazonaws.com"),
        Header::new("X-Amz-Date", "20150830T123600Z"),
        Header::new("X-Amz-Region-Set", "*"),
        Header {
            name: b"Authorization",
            value: data,
        },
    ];
    let _ = RequestSignature::from_request(&Request::new("GET", "/", &headers));

    let Ok(parsed) = parse_authorization_header(data) else {
        return;
    };
    let credential = &parsed.credential;
    let signature = parsed.signature.as_bytes();
    match parsed.algorithm {
        Algorithm::Sigv4 => {
            assert!(credential.region().is_some());
            assert_eq!(signature.len(), 32);
        }
        Algorithm::Sigv4a => {
            assert!(credential.region().is_none());
            assert!((8..=72).contains(&signature.len()));
        }
    }
    assert_eq!(credential.date().len(), 8);
    let names: Vec<&str> = parsed.signed_headers.iter().collect();
    assert!(
        names.windows(2).all(|pair| pair[0] < pair[1]),
        "sorted, no repeats"
    );
    assert!(
        names
            .iter()
            .all(|name| !name.bytes().any(|byte| byte.is_ascii_uppercase()))
    );
    // The names a verification keeps: a long list comes from the thread's
    // memo of recent lists, and must still be this one.
    let kept = parsed.signed_headers.to_header_names();
    assert!(kept.iter().eq(names.iter().copied()), "the names kept");

    let mut rendered = format!(
        "{} Credential={}/{}/",
        parsed.algorithm,
        credential.access_key_id(),
        credential.date()
    );
    if let Some(region) = credential.region() {
        let _ = write!(rendered, "{region}/");
    }
    let _ = write!(
        rendered,
        "{}/aws4_request, SignedHeaders={}, Signature=",
        credential.service(),
        names.join(";")
    );
    for byte in signature {
        let _ = write!(rendered, "{byte:02x}");
    }
    assert_eq!(
        parse_authorization_header(rendered.as_bytes()),
        Ok(parsed),
        "{rendered}"
    );
});
