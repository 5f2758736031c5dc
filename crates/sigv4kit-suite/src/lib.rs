//! Test support: the AWS signing test suite and the CRT's known answers,
//! read where they lie.
//!
//! The suite is never copied into this repository. Tests find it through the
//! `SIGV4_TEST_SUITE` environment variable, by default
//! `../shared/vectors/aws-signing-test-suite` beside the checkout, and run
//! every case folder they find, so a new case needs no code change. When the
//! data is missing, tests skip with a loud message, except under `CI=true`,
//! where a missing suite is a failure. The known answers are found the same
//! way through `SIGV4_KNOWN_ANSWERS`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod vectors;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sigv4kit_canon::{AmzDate, PathRules, Payload, Region, RegionSet, Service};
use sigv4kit_signer::{
    Credentials, Expiry, SessionTokenMode, SigningParams, SigningRegion, SigningSettings,
};

/// The workspace root, two levels above this crate.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Finds a data folder from an environment variable or its default beside the
/// checkout. `None` (after a loud message) when it is missing outside CI;
/// a panic, which fails the test, when it is missing under `CI=true`.
fn locate(variable: &str, default_relative: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(default_relative));
    if path.is_dir() {
        return Some(path);
    }
    let message = format!(
        "{variable}: no test data at {} (set {variable} to its folder)",
        path.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}; under CI=true a missing suite is a failure");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {message} !!!!!!!!\n");
    None
}

/// The suite's root folder (holding `v4/` and `v4a/`), if present.
pub fn suite_root() -> Option<PathBuf> {
    locate(
        "SIGV4_TEST_SUITE",
        "../shared/vectors/aws-signing-test-suite",
    )
}

/// The known-answers folder, if present.
pub fn known_answers_root() -> Option<PathBuf> {
    locate("SIGV4_KNOWN_ANSWERS", "../shared/vectors/known-answers")
}

/// Reads and parses one known-answers JSON file.
pub fn known_answer(file: &str) -> Option<serde_json::Value> {
    let path = known_answers_root()?.join(file);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    Some(
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("parsing {}: {error}", path.display())),
    )
}

/// `context.json` of a suite case.
#[derive(Debug, Clone, Deserialize)]
pub struct Context {
    /// The credentials.
    pub credentials: ContextCredentials,
    /// The query-mode expiry.
    pub expiration_in_seconds: u64,
    /// Normalize the path.
    pub normalize: bool,
    /// The region (v4) or region set (v4a).
    pub region: String,
    /// The service.
    pub service: String,
    /// Hash the body (and add `x-amz-content-sha256` in header mode).
    pub sign_body: bool,
    /// The signing time, RFC 3339.
    pub timestamp: String,
    /// Send the session token without signing it.
    #[serde(default)]
    pub omit_session_token: bool,
}

/// The credentials of a suite case.
#[derive(Debug, Clone, Deserialize)]
pub struct ContextCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token.
    pub token: Option<String>,
}

/// Where the signature of a suite signing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `header-*` files.
    Header,
    /// `query-*` files.
    Query,
}

impl Mode {
    /// Both modes.
    pub const BOTH: [Self; 2] = [Self::Header, Self::Query];

    /// The file prefix, `header` or `query`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Query => "query",
        }
    }
}

/// One case folder.
#[derive(Debug, Clone)]
pub struct Case {
    /// The folder name.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// `request.txt`.
    pub request: Vec<u8>,
    /// `context.json`.
    pub context: Context,
}

impl Case {
    /// The bytes of an expected file, `None` if the case does not have it.
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        fs::read(self.dir.join(name)).ok()
    }

    /// The expected file `<mode>-<what>`, e.g. `header-signature.txt`.
    pub fn expected(&self, mode: Mode, what: &str) -> Option<Vec<u8>> {
        self.file(&format!("{}-{what}", mode.prefix()))
    }

    /// The case's credentials.
    pub fn credentials(&self) -> Credentials {
        let credentials = &self.context.credentials;
        Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
            credentials.token.clone(),
        )
        .unwrap_or_else(|error| panic!("{}: credentials: {error}", self.name))
    }

    /// The signing parameters the suite's harness uses for `mode`: double
    /// encoding always on, normalization and body signing per context.
    pub fn params<'c>(
        &self,
        credentials: &'c Credentials,
        mode: Mode,
        region_set: bool,
    ) -> SigningParams<'c> {
        let context = &self.context;
        let region = if region_set {
            SigningRegion::RegionSet(RegionSet::parse(&context.region).expect("region set"))
        } else {
            SigningRegion::Region(Region::new(&context.region).expect("region"))
        };
        let mut params = SigningParams::new(
            credentials,
            AmzDate::parse_rfc3339(&context.timestamp).expect("timestamp"),
            Service::new(&context.service).expect("service"),
            region,
        )
        .with_settings(SigningSettings {
            rules: sigv4kit_canon::CanonicalRules {
                path: PathRules {
                    normalize: context.normalize,
                    double_encode: true,
                },
                ..Default::default()
            },
            content_sha256_header: context.sign_body,
            session_token: if context.omit_session_token {
                SessionTokenMode::SentUnsigned
            } else {
                SessionTokenMode::Signed
            },
            capture_canonical_request: true,
        });
        if mode == Mode::Query {
            params =
                params.presigned(Expiry::from_secs(context.expiration_in_seconds).expect("expiry"));
        }
        params
    }

    /// The payload the harness signs: the body if `sign_body`, else nothing.
    pub fn payload<'b>(&self, body: &'b [u8]) -> Payload<'b> {
        if self.context.sign_body {
            Payload::Bytes(body)
        } else {
            Payload::Bytes(&[])
        }
    }
}

/// Every case folder under `<suite>/<algorithm_dir>`, sorted by name; `None`
/// when the suite is missing (outside CI).
pub fn cases(algorithm_dir: &str) -> Option<Vec<Case>> {
    let root = suite_root()?.join(algorithm_dir);
    let mut cases = Vec::new();
    let entries =
        fs::read_dir(&root).unwrap_or_else(|error| panic!("reading {}: {error}", root.display()));
    for entry in entries {
        let dir = entry.expect("directory entry").path();
        if !dir.join("request.txt").is_file() {
            continue;
        }
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let request = fs::read(dir.join("request.txt")).expect("request.txt");
        let context_text = fs::read_to_string(dir.join("context.json")).expect("context.json");
        let context: Context = serde_json::from_str(&context_text)
            .unwrap_or_else(|error| panic!("{name}: context.json: {error}"));
        cases.push(Case {
            name,
            dir,
            request,
            context,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        !cases.is_empty(),
        "no case folders under {}",
        root.display()
    );
    Some(cases)
}

/// Counts of what a conformance run compared, printed at its end so that a
/// case which compared nothing is visible.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cases that passed every comparison they had.
    pub passed_cases: usize,
    /// Comparisons made.
    pub comparisons: usize,
    /// Cases with nothing to compare.
    pub empty_cases: Vec<String>,
    /// Failures, one line each.
    pub failures: Vec<String>,
}

impl Tally {
    /// Records the result of one comparison.
    pub fn check(
        &mut self,
        case: &str,
        what: &str,
        ok: bool,
        detail: impl FnOnce() -> String,
    ) -> bool {
        self.comparisons += 1;
        if !ok {
            self.failures.push(format!("{case}: {what}: {}", detail()));
        }
        ok
    }

    /// Compares bytes, recording a readable diff on mismatch.
    pub fn compare(&mut self, case: &str, what: &str, actual: &[u8], expected: &[u8]) -> bool {
        self.check(case, what, actual == expected, || {
            format!(
                "\n--- expected\n{}\n--- actual\n{}",
                String::from_utf8_lossy(expected),
                String::from_utf8_lossy(actual)
            )
        })
    }

    /// Runs the checks of one case, counting it as passed when it compared
    /// something and nothing failed, or as empty when it compared nothing.
    pub fn case(&mut self, name: &str, checks: impl FnOnce(&mut Self)) {
        let failures_before = self.failures.len();
        let comparisons_before = self.comparisons;
        checks(self);
        if self.comparisons == comparisons_before {
            self.empty_cases.push(name.to_owned());
        } else if self.failures.len() == failures_before {
            self.passed_cases += 1;
        }
    }

    /// Compares a signing's canonical request and string to sign with the
    /// case's expected files for `mode`, where it has them.
    pub fn compare_canonical_forms(
        &mut self,
        case: &Case,
        mode: Mode,
        output: &sigv4kit_signer::SigningOutput,
    ) {
        let label = |what: &str| format!("{}-{what}", mode.prefix());
        if let Some(expected) = case.expected(mode, "canonical-request.txt") {
            let actual = output.canonical_request().unwrap_or_default();
            self.compare(
                &case.name,
                &label("canonical-request"),
                actual.as_bytes(),
                &expected,
            );
        }
        if let Some(expected) = case.expected(mode, "string-to-sign.txt") {
            let actual = output.string_to_sign();
            self.compare(
                &case.name,
                &label("string-to-sign"),
                actual.as_bytes(),
                &expected,
            );
        }
    }

    /// Prints the summary and fails on any failure.
    pub fn finish(self, label: &str, total_cases: usize) {
        eprintln!(
            "{label}: {} of {total_cases} cases passed, {} comparisons, {} cases compared nothing{}",
            self.passed_cases,
            self.comparisons,
            self.empty_cases.len(),
            if self.empty_cases.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.empty_cases.join(", "))
            }
        );
        assert!(
            self.failures.is_empty(),
            "{label}: {} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// A request as the known-answers files describe it (`request` objects).
#[derive(Debug, Clone, Deserialize)]
pub struct KnownRequest {
    /// The method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    #[serde(default)]
    pub body: Option<String>,
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Session token.
    #[serde(default)]
    pub session_token: Option<String>,
    /// Region (v4) or region set (v4a).
    #[serde(alias = "region_set")]
    pub region: String,
    /// Service.
    pub service: String,
    /// Signing time, RFC 3339.
    pub time: String,
    /// `headers` or `query`.
    pub signature_location: String,
    /// `signed`, `unsigned`, or a streaming literal.
    pub payload: String,
    /// Add `x-amz-content-sha256`.
    pub content_sha256_header: bool,
    /// Normalize the path.
    pub normalize_path: bool,
    /// Double-encode the path.
    pub double_encode: bool,
}

impl KnownRequest {
    /// Parses a `request` object.
    pub fn from_json(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone())
            .unwrap_or_else(|error| panic!("request: {error}: {value}"))
    }

    /// The request target (`/path?query`) of the URL.
    pub fn target(&self) -> &str {
        let after_scheme = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or("/", |slash| &after_scheme[slash..])
    }

    /// The credentials.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key.clone(),
            self.secret_key.clone(),
            self.session_token.clone(),
        )
        .expect("credentials")
    }

    /// The headers as canonicalizer headers.
    pub fn headers(&self) -> Vec<sigv4kit_canon::Header<'_>> {
        self.headers
            .iter()
            .map(|(name, value)| sigv4kit_canon::Header::new(name, value))
            .collect()
    }

    /// The payload mode.
    pub fn payload(&self) -> Payload<'_> {
        match self.payload.as_str() {
            "signed" => Payload::Bytes(self.body.as_deref().unwrap_or_default().as_bytes()),
            "unsigned" | "UNSIGNED-PAYLOAD" => Payload::Unsigned,
            literal => sigv4kit_canon::StreamingPayload::from_literal(literal)
                .map(Payload::Streaming)
                .unwrap_or_else(|| panic!("unknown payload {literal:?}")),
        }
    }

    /// The signing parameters, with `extra` header exclusions.
    pub fn params<'c>(
        &self,
        credentials: &'c Credentials,
        region_set: bool,
        excluded: &[String],
    ) -> SigningParams<'c> {
        let region = if region_set {
            SigningRegion::RegionSet(RegionSet::parse(&self.region).expect("region set"))
        } else {
            SigningRegion::Region(Region::new(&self.region).expect("region"))
        };
        let mut rules = sigv4kit_canon::CanonicalRules {
            path: PathRules {
                normalize: self.normalize_path,
                double_encode: self.double_encode,
            },
            ..Default::default()
        };
        if !excluded.is_empty() {
            rules.headers =
                sigv4kit_canon::HeaderSelection::excluding_also(excluded).expect("exclusions");
        }
        let params = SigningParams::new(
            credentials,
            AmzDate::parse_rfc3339(&self.time).expect("time"),
            Service::new(&self.service).expect("service"),
            region,
        )
        .with_settings(SigningSettings {
            rules,
            content_sha256_header: self.content_sha256_header,
            capture_canonical_request: true,
            ..SigningSettings::default()
        });
        match self.signature_location.as_str() {
            "headers" => params,
            "query" => params.presigned(Expiry::from_secs(3600).expect("expiry")),
            other => panic!("unknown signature_location {other:?}"),
        }
    }
}
