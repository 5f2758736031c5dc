//! The presigned-URL parser, on arbitrary request targets.
//!
//! It may refuse with an error, never panic. What it accepts has every
//! `X-Amz-*` parameter once, a scope whose date is the `X-Amz-Date`'s and a
//! positive expiry. Dropping `X-Amz-Signature` (what a verifier signs over)
//! leaves no signature behind, is idempotent, and the rest no longer parses
//! as a signed URL for want of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::authorization::{parse_presigned_query, query_without_signature};
use sigv4kit_canon::{AuthorizationError, Header, Placement, Request, RequestSignature};

fuzz_target!(|data: &[u8]| {
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let request = Request::new("GET", data, &headers);
    let _ = RequestSignature::from_request(&request);

    let query = request.query;
    let stripped = query_without_signature(query);
    assert_eq!(query_without_signature(&stripped), stripped, "idempotent");

    let Ok(parsed) = parse_presigned_query(query) else {
        return;
    };
    assert_eq!(parsed.credential.date(), parsed.date.date());
    assert!(
        matches!(parsed.placement, Placement::Query { expires_seconds } if expires_seconds > 0)
    );
    assert_eq!(
        parsed.region_set.is_some(),
        parsed.credential.region().is_none()
    );
    assert_eq!(
        parse_presigned_query(&stripped),
        Err(AuthorizationError::MissingParameter {
            name: "X-Amz-Signature"
        })
    );
});
