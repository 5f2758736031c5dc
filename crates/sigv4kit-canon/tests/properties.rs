//! Properties of canonicalization over arbitrary input.

use proptest::prelude::*;
use sigv4kit_canon::{
    CanonicalRules, Header, HeaderSelection, PathRules, RawRequest, Request, canonical_request_text,
};

fn rules() -> impl Strategy<Value = CanonicalRules> {
    (any::<bool>(), any::<bool>()).prop_map(|(normalize, double_encode)| CanonicalRules {
        path: PathRules {
            normalize,
            double_encode,
        },
        headers: HeaderSelection::default(),
    })
}

proptest! {
    #[test]
    fn canonicalization_is_deterministic_and_never_panics(
        method in "[A-Z]{0,7}|.{0,4}",
        target in proptest::collection::vec(any::<u8>(), 0..64),
        headers in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..12), proptest::collection::vec(any::<u8>(), 0..24)),
            0..8,
        ),
        with_host in any::<bool>(),
        rules in rules(),
    ) {
        let mut all: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        if with_host {
            all.push(Header::new("Host", "example.amazonaws.com"));
        }
        let request = Request::new(&method, &target, &all);
        let first = canonical_request_text(&request, &rules);
        let second = canonical_request_text(&request, &rules);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn the_canonical_path_is_always_encoded_ascii_starting_with_a_slash(
        path in proptest::collection::vec(any::<u8>(), 0..64),
        rules in rules(),
    ) {
        let headers = [Header::new("Host", "h")];
        let request = Request { path: &path, ..Request::new("GET", "/", &headers) };
        let text = canonical_request_text(&request, &rules).unwrap();
        let canonical_path = text.lines().nth(1).unwrap();
        prop_assert!(canonical_path.starts_with('/') || !rules.path.normalize && !path.is_empty());
        prop_assert!(canonical_path.bytes().all(|b| b.is_ascii_graphic()));
    }

    #[test]
    fn the_canonical_query_is_sorted_and_order_independent(
        params in proptest::collection::vec(("[a-zA-Z0-9 %+=~]{0,6}", "[a-zA-Z0-9 %+=&~]{0,6}"), 0..6),
    ) {
        let forward: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut backward = forward.clone();
        backward.reverse();
        let canonical = |pieces: &[String]| sigv4kit_canon::query::canonical_query_string(pieces.join("&").as_bytes());
        let sorted = canonical(&forward);
        prop_assert_eq!(&sorted, &canonical(&backward));
        let keys: Vec<&str> = sorted.split('&').filter(|p| !p.is_empty()).collect();
        let mut resorted = keys.clone();
        resorted.sort_by(|a, b| {
            let (ka, va) = a.split_once('=').unwrap();
            let (kb, vb) = b.split_once('=').unwrap();
            ka.cmp(kb).then(va.cmp(vb))
        });
        prop_assert_eq!(keys, resorted);
    }

    #[test]
    fn the_raw_request_parser_never_panics(input in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = RawRequest::parse(&input);
    }

    #[test]
    fn parsing_a_rendered_request_gives_it_back(
        method in "[A-Z]{1,7}",
        path in "/[a-zA-Z0-9 /._~%?=&-]{0,20}",
        headers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,8}", "[ -~]{0,12}"), 0..5),
        body in proptest::collection::vec(any::<u8>(), 0..32),
    ) {
        let mut text = format!("{method} {path} HTTP/1.1\n").into_bytes();
        for (name, value) in &headers {
            text.extend_from_slice(format!("{name}:{value}\n").as_bytes());
        }
        text.push(b'\n');
        text.extend_from_slice(&body);
        let parsed = RawRequest::parse(&text).unwrap();
        prop_assert_eq!(parsed.headers.len(), headers.len());
        prop_assert_eq!(parsed.body, &body[..]);
        prop_assert_eq!(parsed.render("", [("", ""); 0]), text);
    }
}
