//! The canonical-request comparison behind `sigv4 explain`, on arbitrary text.
//!
//! The reported side comes from a server's error message and may be
//! anything, so `explain` must never panic. It must also be consistent: a
//! text compared with itself has no difference but the malformations
//! `explain` reports on either side (not shaped like a canonical request,
//! header lines out of order); two texts that differ are never
//! called identical; and whether they differ does not depend on which side
//! is which.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit::explain::{DifferenceKind, explain};

fuzz_target!(|data: &[u8]| {
    let (computed, reported) = match data.iter().position(|&byte| byte == 0) {
        Some(split) => (&data[..split], &data[split + 1..]),
        None => data.split_at(data.len() / 2),
    };
    let computed = String::from_utf8_lossy(computed);
    let reported = String::from_utf8_lossy(reported);

    let itself = explain(&computed, &computed);
    assert!(
        itself.differences.iter().all(|difference| matches!(
            difference.kind,
            DifferenceKind::Shape | DifferenceKind::HeaderOrder
        )),
        "{computed:?}: {:?}",
        itself.differences
    );
    let forward = explain(&computed, &reported);
    let backward = explain(&reported, &computed);
    assert_eq!(forward.is_identical(), backward.is_identical());
    let normalized = |text: &str| {
        let text = text.replace("\r\n", "\n");
        text.strip_suffix('\n').map(str::to_owned).unwrap_or(text)
    };
    if normalized(&computed) != normalized(&reported) {
        assert!(!forward.is_identical(), "{computed:?} vs {reported:?}");
    }
});
