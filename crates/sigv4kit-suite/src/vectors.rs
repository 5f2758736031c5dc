//! The project's own oracle vectors, `vectors/cases.jsonl` (format in
//! `vectors/README.md`), as the library's and the command's tests read them.
//!
//! The file is part of the repository, so unlike the external suite a
//! missing file is a failure, never a skip. `SIGV4_VECTORS` points the tests
//! at another file: the live differential run's fresh cases.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The `algorithm` of a SigV4 case.
pub const SIGV4: &str = "AWS4-HMAC-SHA256";
/// The `algorithm` of a SigV4A case.
pub const SIGV4A: &str = "AWS4-ECDSA-P256-SHA256";

/// One vector: the whole input and what the oracles produced.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Case {
    /// `v4`/`v4a`, index, service, `headers`/`query`.
    pub id: String,
    /// [`SIGV4`] or [`SIGV4A`].
    pub algorithm: String,
    /// The request as sent.
    pub request: CaseRequest,
    /// Who signs.
    pub credentials: CaseCredentials,
    /// The signing time, `YYYYMMDDTHHMMSSZ`.
    pub time: String,
    /// Everything else the signature depends on.
    pub settings: Settings,
    /// The oracles' answers.
    pub expected: Expected,
}

/// A vector's request.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CaseRequest {
    /// The method.
    pub method: String,
    /// The host.
    pub host: String,
    /// The path as sent, percent-encoded once.
    pub path: String,
    /// The query as sent, without `?`.
    pub query: String,
    /// `[name, value]` pairs in order, as sent.
    pub headers: Vec<(String, String)>,
    /// The body, base64.
    pub body_base64: String,
}

impl CaseRequest {
    /// The request target: the path, and `?query` when there is one.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// A vector's credentials.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CaseCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// The session token, if any.
    pub session_token: Option<String>,
}

/// A vector's signing settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    /// The scope's service.
    pub service: String,
    /// SigV4's region.
    pub region: Option<String>,
    /// SigV4A's region set.
    pub region_set: Option<String>,
    /// `headers` or `query`.
    pub signature_location: String,
    /// `X-Amz-Expires` of a query signature.
    pub expires_seconds: Option<u64>,
    /// `signed` or `unsigned`.
    pub payload: String,
    /// Path normalization and double encoding.
    pub path_rules: CasePathRules,
    /// Whether the signer adds `x-amz-content-sha256`.
    pub content_sha256_header: bool,
    /// `signed`, or `unsigned`: sent but left out of the canonical request.
    pub session_token: String,
}

/// A vector's path rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CasePathRules {
    /// Remove dot segments and repeated slashes.
    pub normalize: bool,
    /// Encode the path a second time.
    pub double_encode: bool,
}

/// What the oracles produced.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Expected {
    /// The canonical request, when confirmed.
    pub canonical_request: Option<String>,
    /// The string to sign, when confirmed.
    pub string_to_sign: Option<String>,
    /// SigV4: the signature, hex.
    pub signature: Option<String>,
    /// Header signing: the `Authorization` header.
    pub authorization: Option<String>,
    /// Query signing: the presigned URL.
    pub presigned_url: Option<String>,
    /// The headers the signer added, in order.
    pub added_headers: Vec<(String, String)>,
    /// SigV4A: the public key derived from the credentials.
    pub public_key: Option<ExpectedPublicKey>,
    /// SigV4A: the CRT's signature, hex DER.
    pub crt_signature: Option<String>,
}

/// A SigV4A public key, as hex coordinates.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExpectedPublicKey {
    /// X, hex.
    pub x: String,
    /// Y, hex.
    pub y: String,
}

/// The vectors file: `SIGV4_VECTORS`, else the checked-in one.
pub fn vectors_file() -> PathBuf {
    std::env::var_os("SIGV4_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/cases.jsonl"),
        PathBuf::from,
    )
}

/// Every case of the JSON Lines file at `path`; panics, naming the line,
/// when the file is missing, malformed or empty.
pub fn load_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    let cases: Vec<Case> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{}:{}: {error}", path.display(), number + 1))
        })
        .collect();
    assert!(!cases.is_empty(), "{}: no cases", path.display());
    cases
}

/// `url` with every bare query key written `key=`, as the CRT writes it in
/// a presigned URL: the canonical form is the same either way.
pub fn with_bare_keys_as_empty_values(url: &str) -> String {
    let Some((before, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let pieces: Vec<String> = query
        .split('&')
        .map(|piece| {
            if piece.contains('=') {
                piece.to_owned()
            } else {
                format!("{piece}=")
            }
        })
        .collect();
    format!("{before}?{}", pieces.join("&"))
}
