//! What signing produces: the values to add to the request, and the
//! intermediate results for debugging.
//!
//! Every added value lives in one `String`, addressed by ranges, so that a
//! header signing allocates once. The canonical request is kept only when
//! [`SigningSettings::capture_canonical_request`](crate::SigningSettings) asks
//! for it; the string to sign is rebuilt on demand from what is kept.

use std::ops::Range;

use sigv4kit_canon::{Algorithm, AmzDate, CanonicalPayload};

use crate::signature::Signature;

/// The headers and query parameters a signature adds, and how it was made.
#[derive(Clone)]
pub struct SigningOutput {
    pub(crate) algorithm: Algorithm,
    pub(crate) amz_date: AmzDate,
    pub(crate) signature: Signature,
    pub(crate) canonical_request_sha256: [u8; 32],
    pub(crate) text: String,
    pub(crate) scope: Range<usize>,
    pub(crate) signed_headers: Range<usize>,
    pub(crate) additions: Additions,
    pub(crate) canonical_request: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Additions {
    Headers {
        authorization: Range<usize>,
        security_token: Option<Range<usize>>,
        region_set: Option<Range<usize>>,
        content_sha256: Option<CanonicalPayload>,
    },
    Query {
        credential: Range<usize>,
        signed_headers: Range<usize>,
        expires: Range<usize>,
        security_token: Option<Range<usize>>,
        region_set: Option<Range<usize>>,
    },
}

impl SigningOutput {
    fn slice(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// The algorithm that signed.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signing time.
    pub fn amz_date(&self) -> &AmzDate {
        &self.amz_date
    }

    /// The signature, lower-case hex.
    pub fn signature(&self) -> &str {
        self.signature.as_str()
    }

    /// The credential scope, e.g. `20150830/us-east-1/service/aws4_request`.
    pub fn credential_scope(&self) -> &str {
        self.slice(&self.scope)
    }

    /// The signed header names, e.g. `host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        self.slice(&self.signed_headers)
    }

    /// The `Authorization` header value; `None` for a presigned URL.
    pub fn authorization(&self) -> Option<&str> {
        match &self.additions {
            Additions::Headers { authorization, .. } => Some(self.slice(authorization)),
            Additions::Query { .. } => None,
        }
    }

    /// Whether the signature is in the query (a presigned URL).
    pub fn is_presigned(&self) -> bool {
        matches!(self.additions, Additions::Query { .. })
    }

    /// The headers to add to the request, in the order the AWS CRT adds them:
    /// `X-Amz-Security-Token`, `X-Amz-Date`, `X-Amz-Region-Set`,
    /// `x-amz-content-sha256`, `Authorization`. Empty for a presigned URL.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let entries: [Option<(&'static str, &str)>; 5] = match &self.additions {
            Additions::Headers {
                authorization,
                security_token,
                region_set,
                content_sha256,
            } => [
                security_token
                    .as_ref()
                    .map(|range| ("X-Amz-Security-Token", self.slice(range))),
                Some(("X-Amz-Date", self.amz_date.as_str())),
                region_set
                    .as_ref()
                    .map(|range| ("X-Amz-Region-Set", self.slice(range))),
                content_sha256
                    .as_ref()
                    .map(|payload| ("x-amz-content-sha256", payload.as_str())),
                Some(("Authorization", self.slice(authorization))),
            ],
            Additions::Query { .. } => [None; 5],
        };
        entries.into_iter().flatten()
    }

    /// The query parameters to add, values percent-encoded, in the AWS CRT's
    /// order with `X-Amz-Signature` last. Empty for header signing.
    pub fn query_params(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let entries: [Option<(&'static str, &str)>; 8] = match &self.additions {
            Additions::Query {
                credential,
                signed_headers,
                expires,
                security_token,
                region_set,
            } => [
                Some(("X-Amz-Algorithm", self.algorithm.as_str())),
                Some(("X-Amz-Credential", self.slice(credential))),
                Some(("X-Amz-Date", self.amz_date.as_str())),
                Some(("X-Amz-SignedHeaders", self.slice(signed_headers))),
                Some(("X-Amz-Expires", self.slice(expires))),
                security_token
                    .as_ref()
                    .map(|range| ("X-Amz-Security-Token", self.slice(range))),
                region_set
                    .as_ref()
                    .map(|range| ("X-Amz-Region-Set", self.slice(range))),
                Some(("X-Amz-Signature", self.signature.as_str())),
            ],
            Additions::Headers { .. } => [None; 8],
        };
        entries.into_iter().flatten()
    }

    /// The query parameters joined as `k=v&k=v`, ready to append to a URL.
    pub fn query_string(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 160);
        for (index, (name, value)) in self.query_params().enumerate() {
            if index > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    /// The SHA-256 of the canonical request.
    pub fn canonical_request_sha256(&self) -> &[u8; 32] {
        &self.canonical_request_sha256
    }

    /// The canonical request, if the settings asked to capture it.
    pub fn canonical_request(&self) -> Option<&str> {
        self.canonical_request.as_deref()
    }

    /// The string to sign, rebuilt from the output.
    pub fn string_to_sign(&self) -> String {
        let hash = sigv4kit_canon::encoding::hex32(&self.canonical_request_sha256);
        format!(
            "{}\n{}\n{}\n{}",
            self.algorithm,
            self.amz_date,
            self.credential_scope(),
            String::from_utf8_lossy(&hash)
        )
    }
}

impl std::fmt::Debug for SigningOutput {
    /// Shows everything that is sent anyway, with the session token redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |name: &str, value: &str| {
            if name == "X-Amz-Security-Token" {
                "<redacted>".to_owned()
            } else {
                value.to_owned()
            }
        };
        let headers: Vec<_> = self
            .headers()
            .map(|(name, value)| (name, redact(name, value)))
            .collect();
        let query: Vec<_> = self
            .query_params()
            .map(|(name, value)| (name, redact(name, value)))
            .collect();
        f.debug_struct("SigningOutput")
            .field("algorithm", &self.algorithm)
            .field("amz_date", &self.amz_date)
            .field("credential_scope", &self.credential_scope())
            .field("signed_headers", &self.signed_headers())
            .field("signature", &self.signature)
            .field("headers", &headers)
            .field("query_params", &query)
            .finish_non_exhaustive()
    }
}
