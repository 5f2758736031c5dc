//! The canonical URI of arbitrary bytes, normalization and double encoding
//! on and off.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::path::{PathRules, normalize_into, write_canonical_path};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, path)) = data.split_first() else {
        return;
    };
    let rules = PathRules {
        normalize: flags & 1 != 0,
        double_encode: flags & 2 != 0,
    };
    let mut scratch = Vec::new();
    let mut canonical = Vec::new();
    write_canonical_path(path, rules, &mut scratch, &mut canonical);
    assert!(
        canonical.iter().all(u8::is_ascii_graphic),
        "canonical path is printable ASCII"
    );
    if rules.normalize {
        assert_eq!(canonical.first(), Some(&b'/'));
        let mut once = Vec::new();
        normalize_into(path, &mut once);
        let mut twice = Vec::new();
        normalize_into(&once, &mut twice);
        assert_eq!(once, twice, "normalization is idempotent");
    }
    if rules.double_encode {
        for (index, _) in canonical
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'%')
        {
            let escape = &canonical[index + 1..index + 3];
            assert!(
                escape
                    .iter()
                    .all(|byte| byte.is_ascii_digit() || (b'A'..=b'F').contains(byte))
            );
        }
    }
});
