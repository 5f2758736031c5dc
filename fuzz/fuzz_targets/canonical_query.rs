//! The canonical query of arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::query::canonical_query_string;

fuzz_target!(|data: &[u8]| {
    let canonical = canonical_query_string(data);
    assert!(canonical.bytes().all(|byte| byte.is_ascii_graphic()));
    assert_eq!(
        canonical_query_string(canonical.as_bytes()),
        canonical,
        "a canonical query is its own canonical form"
    );
});
