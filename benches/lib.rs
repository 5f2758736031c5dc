//! Criterion benches of sigv4kit; see `signing.rs` and `docs/PERFORMANCE.md`.
//! This library target is empty: the package exists for its benches.
#![forbid(unsafe_code)]
