//! Shared helpers for the integration tests: locating the shared test data
//! (never copied into the repository) and small decoding utilities.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use sigv4kit_ecdsa::{SigningEngine, SigningKey, derive_signing_key};

/// Resolves a data directory from `env_var`, or from `default_rel` relative
/// to this crate's manifest dir. Returns `None` (after a loud SKIPPED message)
/// if it is missing, unless `CI=true`, where a missing directory fails the test.
fn data_dir(env_var: &str, default_rel: &str, test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(env_var).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(default_rel),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "test data directory {} not found (set {env_var} to point at it)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}; CI=true so missing data is a failure");
    }
    eprintln!("!!!!!!!!!! SKIPPED {test}: {msg} !!!!!!!!!!");
    None
}

/// `$SIGV4_KNOWN_ANSWERS`, default `/work/shared/vectors/known-answers`
/// (relative: `../../../shared/vectors/known-answers`).
pub fn known_answers_dir(test: &str) -> Option<PathBuf> {
    data_dir(
        "SIGV4_KNOWN_ANSWERS",
        "../../../shared/vectors/known-answers",
        test,
    )
}

/// `$SIGV4_TEST_SUITE/v4a`, default `/work/shared/vectors/aws-signing-test-suite/v4a`.
pub fn suite_v4a_dir(test: &str) -> Option<PathBuf> {
    let root = data_dir(
        "SIGV4_TEST_SUITE",
        "../../../shared/vectors/aws-signing-test-suite",
        test,
    )?;
    let v4a = root.join("v4a");
    assert!(v4a.is_dir(), "{} has no v4a folder", root.display());
    Some(v4a)
}

/// Every case folder under the suite's `v4a`, sorted.
pub fn suite_cases(v4a: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(v4a)
        .expect("read v4a dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no case folders in {}", v4a.display());
    cases
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

pub fn str_field<'a>(v: &'a serde_json::Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("missing string at {pointer}"))
}

/// The key derived from a suite case's `context.json` credentials.
pub fn case_key(case: &Path) -> SigningKey {
    let ctx = read_json(&case.join("context.json"));
    let akid = str_field(&ctx, "/credentials/access_key_id");
    let secret = str_field(&ctx, "/credentials/secret_access_key");
    derive_signing_key(akid, secret.as_bytes()).expect("derive case key")
}

pub fn hex_decode(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

pub fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Every engine compiled in: the default one, plus AWS-LC with `--features aws-lc`.
pub fn engines() -> Vec<Box<dyn SigningEngine>> {
    vec![
        Box::new(sigv4kit_ecdsa::P256Engine::new()),
        #[cfg(feature = "aws-lc")]
        Box::new(sigv4kit_ecdsa::AwsLcEngine::new()),
    ]
}
