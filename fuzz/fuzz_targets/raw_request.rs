//! The raw HTTP/1.1 request parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::RawRequest;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = RawRequest::parse(data) else {
        return;
    };
    let rendered = parsed.render("", [("", ""); 0]);
    let reparsed = RawRequest::parse(&rendered).expect("a rendered request parses");
    assert_eq!(reparsed, parsed, "parse(render(request)) == request");
});
