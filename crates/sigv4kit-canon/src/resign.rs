//! Removing a previous signature before signing again.
//!
//! A retried request still carries the `Authorization`, `X-Amz-Date`,
//! `X-Amz-Security-Token` and `X-Amz-Region-Set` headers (or the `X-Amz-*`
//! query parameters) of its first signature, and the signer refuses such a
//! request rather than guess. These helpers remove exactly those, so the
//! request can be signed afresh with a new date. A caller-supplied
//! `x-amz-content-sha256` is kept: it describes the body, not the signature.

use crate::auth::{is_signature_header, signature_query_parameter};
use crate::query::raw_params;

/// Removes every signature header from `headers`.
pub fn strip_signature_headers<N: AsRef<[u8]>, V>(headers: &mut Vec<(N, V)>) {
    headers.retain(|(name, _)| !is_signature_header(name.as_ref()));
}

/// The raw query without its signature parameters, other pieces untouched and
/// in order.
pub fn strip_signature_query(query: &str) -> String {
    let mut kept = String::with_capacity(query.len());
    for piece in query.split('&').filter(|piece| !piece.is_empty()) {
        let (key, _) = raw_params(piece.as_bytes())
            .next()
            .unwrap_or((piece.as_bytes(), b""));
        if signature_query_parameter(key).is_some() {
            continue;
        }
        if !kept.is_empty() {
            kept.push('&');
        }
        kept.push_str(piece);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_signature_headers_are_removed_and_others_kept() {
        let mut headers = vec![
            ("Host", "h"),
            ("Authorization", "AWS4-HMAC-SHA256 ..."),
            ("X-Amz-Date", "20150830T123600Z"),
            ("x-amz-security-token", "t"),
            ("X-Amz-Region-Set", "*"),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            ("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
        ];
        strip_signature_headers(&mut headers);
        let names: Vec<_> = headers.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["Host", "x-amz-content-sha256", "X-Amz-Target"]);
    }

    #[test]
    fn stale_signature_parameters_are_removed_and_others_kept() {
        let query =
            "b=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&a&X-Amz-Signature=00&&c=3";
        assert_eq!(strip_signature_query(query), "b=2&a&c=3");
    }
}
