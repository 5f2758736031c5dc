//! The headers and query parameters that carry a signature.
//!
//! The signer adds these itself, so a request that already has one is either
//! signed already or confused. Like the AWS CRT, sigv4kit refuses to sign it
//! and names the culprit. A client that retries a signed request calls the
//! [`resign`](crate::resign) helpers first to remove the stale values.

use crate::encoding::percent_decode_into;
use crate::error::CanonicalError;
use crate::query::raw_params;
use crate::request::Request;

/// Headers that a signer adds, and which a request to sign must not have.
pub const SIGNATURE_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-region-set",
];

/// Query parameters of a presigned URL, which a request to sign must not have.
pub const SIGNATURE_QUERY_PARAMETERS: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Region-Set",
    "X-Amz-Signature",
];

/// Whether `name` is one of [`SIGNATURE_HEADERS`], ignoring case.
pub fn is_signature_header(name: &[u8]) -> bool {
    SIGNATURE_HEADERS
        .iter()
        .any(|known| known.as_bytes().eq_ignore_ascii_case(name))
}

/// The [`SIGNATURE_QUERY_PARAMETERS`] entry that the raw (possibly
/// percent-encoded) key `raw_key` names, ignoring case.
pub fn signature_query_parameter(raw_key: &[u8]) -> Option<&'static str> {
    let find = |key: &[u8]| {
        SIGNATURE_QUERY_PARAMETERS
            .iter()
            .copied()
            .find(|known| known.as_bytes().eq_ignore_ascii_case(key))
    };
    if raw_key.contains(&b'%') {
        let mut decoded = Vec::with_capacity(raw_key.len());
        percent_decode_into(raw_key, &mut decoded);
        find(&decoded)
    } else {
        find(raw_key)
    }
}

/// Refuses a request that already carries a signature header or parameter.
pub fn ensure_unsigned(request: &Request<'_>) -> Result<(), CanonicalError> {
    if let Some(header) = request
        .headers
        .iter()
        .find(|header| is_signature_header(header.name))
    {
        return Err(CanonicalError::AlreadySignedHeader {
            name: String::from_utf8_lossy(header.name).into_owned(),
        });
    }
    if let Some((key, _)) =
        raw_params(request.query).find(|(key, _)| signature_query_parameter(key).is_some())
    {
        return Err(CanonicalError::AlreadySignedQueryParameter {
            name: String::from_utf8_lossy(key).into_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Header;

    #[test]
    fn each_signature_header_is_refused_by_name() {
        for name in [
            "Authorization",
            "X-Amz-Date",
            "x-amz-security-token",
            "X-AMZ-REGION-SET",
        ] {
            let headers = [Header::new("Host", "h"), Header::new(name, "x")];
            let error = ensure_unsigned(&Request::new("GET", "/", &headers)).unwrap_err();
            assert_eq!(
                error,
                CanonicalError::AlreadySignedHeader {
                    name: name.to_owned()
                }
            );
        }
    }

    #[test]
    fn each_signature_parameter_is_refused_by_name() {
        for name in SIGNATURE_QUERY_PARAMETERS {
            let target = format!("/?a=1&{name}=x");
            let headers = [Header::new("Host", "h")];
            let error = ensure_unsigned(&Request::new("GET", &target, &headers)).unwrap_err();
            assert_eq!(
                error,
                CanonicalError::AlreadySignedQueryParameter {
                    name: (*name).to_owned()
                }
            );
        }
        let headers = [Header::new("Host", "h")];
        let encoded = Request::new("GET", "/?X%2DAmz-Signature=1", &headers);
        assert!(ensure_unsigned(&encoded).is_err());
        let fine = Request::new("GET", "/?X-Amz-Other=1&x-amz-target=2", &headers);
        assert!(ensure_unsigned(&fine).is_ok());
    }
}
