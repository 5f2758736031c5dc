//! The verification procedure both algorithms share.
//!
//! A verifier recomputes the canonical request from the request it received,
//! with exactly the headers the signature names, and checks the signature
//! over the string to sign. Everything but that last check is the same for
//! SigV4 and SigV4A and lives here once, so that a backend supplies only the
//! check, as it supplies only the last step of signing to
//! [`procedure`](crate::procedure). The canonical request is written by the
//! signer's own canonicalizer (`PreparedRequest`), so signing and verifying
//! cannot disagree.
//!
//! The order matters: size bounds first, then the claims that cost nothing to
//! check (algorithm, scope, time, signed headers), then the body hash, and
//! only then the canonical request's SHA-256 and the signature. A request
//! that is too large or stale is refused before any hashing.

use std::borrow::Cow;

use sha2::{Digest, Sha256};
use sigv4kit_canon::authorization::{
    query_without_signature, query_without_signature_and_session_token,
};
use sigv4kit_canon::encoding::hex32;
use sigv4kit_canon::headers::trim_ascii_space;
use sigv4kit_canon::payload::{CONTENT_SHA256_HEADER, UNSIGNED_PAYLOAD};
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{
    Algorithm, AuthorizationError, CanonicalError, CanonicalPayload, CredentialScope, Header,
    Payload, PayloadHash, Placement, PreparedRequest, Region, Request, RequestSignature, Service,
    SignedHeaderMerge, StringToSign,
};

use crate::credentials::SessionToken;
use crate::params::{SessionTokenMode, SigningRegion};
use crate::procedure::with_scratch;
use crate::verifier::{AccessKeyId, PresignedPayload, Verified, VerifyError, VerifyPolicy};

/// Checks everything about `request` that needs neither a key nor a hash:
/// the size bounds, the algorithm, the signed-header list's length, the
/// scope's service and region, the time, and that `host` and every `x-amz-*`
/// header are signed. A server may call this before looking up the key, so
/// that a stale or misdirected request costs no key-store round trip.
pub fn check_claims(
    algorithm: Algorithm,
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
) -> Result<(), VerifyError> {
    policy.limits.check(request)?;
    accepted_scope_and_time(algorithm, signature, policy)?;
    // The query plays no part in which headers are signed: only the
    // headers the signature covers are merged here.
    let headers = covered_headers(request, signature, policy);
    let received = Request {
        headers: &headers,
        ..*request
    };
    with_scratch(|scratch| {
        check_signed_headers(&PreparedRequest::merge_signed(
            &received,
            &signature.signed_headers,
            scratch,
        ))
    })
}

/// The query the signature covers: a presigned URL's without the signature
/// itself, and without a session token the policy says was added after
/// signing.
fn covered_query<'r>(
    request: &Request<'r>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
) -> Cow<'r, [u8]> {
    match (signature.is_presigned(), policy.session_token) {
        (false, _) => Cow::Borrowed(request.query),
        (true, SessionTokenMode::Signed) => Cow::Owned(query_without_signature(request.query)),
        (true, SessionTokenMode::SentUnsigned) => {
            Cow::Owned(query_without_signature_and_session_token(request.query))
        }
    }
}

/// The headers the signature may cover: all of them, but a session token
/// that the policy lets be sent unsigned and the signed headers leave out.
fn covered_headers<'r>(
    request: &Request<'r>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
) -> Cow<'r, [Header<'r>]> {
    if policy.session_token == SessionTokenMode::SentUnsigned
        && !signature.signed_headers.contains(SECURITY_TOKEN_HEADER)
    {
        Cow::Owned(
            request
                .headers
                .iter()
                .filter(|header| !header.name.eq_ignore_ascii_case(SECURITY_TOKEN_HEADER))
                .copied()
                .collect(),
        )
    } else {
        Cow::Borrowed(request.headers)
    }
}

/// The claims of [`check_claims`] but the size bounds and the signed
/// headers, which are checked on the merge that also prepares the canonical
/// request; returns what [`check_scope`] returns.
fn accepted_scope_and_time<'p>(
    algorithm: Algorithm,
    signature: &RequestSignature<'_>,
    policy: &'p VerifyPolicy,
) -> Result<(&'p Service, Option<&'p Region>), VerifyError> {
    if signature.algorithm != algorithm {
        return Err(VerifyError::WrongAlgorithm {
            expected: algorithm,
            found: signature.algorithm,
        });
    }
    if signature.signed_headers.len() > policy.limits.max_signed_headers_bytes {
        return Err(VerifyError::SignedHeaderListTooLong {
            size: signature.signed_headers.len(),
            max: policy.limits.max_signed_headers_bytes,
        });
    }
    let scope = check_scope(signature, policy)?;
    check_time(signature, policy)?;
    Ok(scope)
}

/// Checks the scope's service and region against the policy, and returns the
/// policy's own [`Service`] the scope names, so that nothing is copied, and
/// the policy's region when it accepts that one region and the scope names
/// it (SigV4), which needs no further matching.
fn check_scope<'p>(
    signature: &RequestSignature<'_>,
    policy: &'p VerifyPolicy,
) -> Result<(&'p Service, Option<&'p Region>), VerifyError> {
    let service = signature.credential.service();
    let Some(accepted_service) = policy
        .services
        .iter()
        .find(|accepted| accepted.as_str() == service)
    else {
        return Err(VerifyError::WrongService {
            service: service.to_owned(),
        });
    };
    let accepts = |region: &str| {
        policy.regions.members().any(|pattern| {
            pattern == region || wildcard_match(pattern, region) || wildcard_match(region, pattern)
        })
    };
    let (accepted, region, shared) = match (signature.credential.region(), &signature.region_set) {
        (Some(region), _) => match policy.regions.as_region(region) {
            shared @ Some(_) => (true, region, shared),
            None => (accepts(region), region, None),
        },
        (None, Some(set)) => (set.members().any(accepts), set.as_str(), None),
        (None, None) => return Err(missing_region_set()),
    };
    if !accepted {
        return Err(VerifyError::WrongRegion {
            region: region.to_owned(),
        });
    }
    Ok((accepted_service, shared))
}

fn missing_region_set() -> VerifyError {
    AuthorizationError::MissingParameter {
        name: "X-Amz-Region-Set",
    }
    .into()
}

/// The scope's region (SigV4), `shared` with the policy's when that is the
/// one region it accepts (see [`check_scope`]), or the region set (SigV4A).
fn signing_region(
    signature: &RequestSignature<'_>,
    shared: Option<&Region>,
) -> Result<SigningRegion, VerifyError> {
    if let Some(shared) = shared {
        return Ok(SigningRegion::Region(shared.clone()));
    }
    match (signature.credential.region(), &signature.region_set) {
        (Some(region), _) => Region::new(region).map(SigningRegion::Region).map_err(|_| {
            AuthorizationError::MalformedCredential {
                reason: "the region is empty or holds characters a region cannot",
            }
            .into()
        }),
        (None, Some(set)) => Ok(SigningRegion::RegionSet(set.clone())),
        (None, None) => Err(missing_region_set()),
    }
}

fn check_time(signature: &RequestSignature<'_>, policy: &VerifyPolicy) -> Result<(), VerifyError> {
    let now = policy.clock.now_unix_seconds();
    let signed_at = signature.date.unix_seconds();
    let max_skew = policy.max_clock_skew.as_secs();
    let difference = signed_at.saturating_sub(now);
    let skew_error = || VerifyError::ClockSkew {
        request_time: signature.date,
        difference_seconds: difference,
        max_seconds: max_skew,
    };
    match signature.placement {
        Placement::Header => {
            if difference.unsigned_abs() > max_skew {
                return Err(skew_error());
            }
        }
        Placement::Query { expires_seconds } => {
            let max_expiry = policy.max_expiry.as_secs();
            if expires_seconds > max_expiry {
                return Err(VerifyError::ExpiryTooLong {
                    expires_seconds,
                    max_seconds: max_expiry,
                });
            }
            // A URL that starts in the future beyond the skew is not valid yet.
            if difference > 0 && difference.unsigned_abs() > max_skew {
                return Err(skew_error());
            }
            let expired_at =
                signed_at.saturating_add(i64::try_from(expires_seconds).unwrap_or(i64::MAX));
            if now > expired_at {
                return Err(VerifyError::Expired { expired_at, now });
            }
        }
    }
    Ok(())
}

/// `host` and every `x-amz-*` header must be signed: read off the merge of
/// the request's headers with the signed-header list.
fn check_signed_headers(merge: &SignedHeaderMerge<'_, '_>) -> Result<(), VerifyError> {
    if !merge.host_signed() {
        return Err(VerifyError::UnsignedHost);
    }
    if let Some(unsigned) = merge.unsigned_amz_header() {
        return Err(VerifyError::UnsignedAmzHeader {
            name: String::from_utf8_lossy(unsigned).to_ascii_lowercase(),
        });
    }
    Ok(())
}

/// Whether `text` matches `pattern`, where `*` in the pattern matches any
/// run of characters: the region-set rule of SigV4A (`us-*`, `*`).
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
    let (mut p, mut t) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            resume = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star, matched)) = resume {
            p = star + 1;
            t = matched + 1;
            resume = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&byte| byte == b'*')
}

/// The payload line of the canonical request, and the body check.
///
/// A signed `x-amz-content-sha256` gives the line; when it is a hash and the
/// body is at hand ([`Payload::Bytes`] or [`Payload::Precomputed`]), the body
/// must hash to it. Without the header, a presigned URL signs
/// `UNSIGNED-PAYLOAD` (or, by policy, the request's payload), and a header
/// signature the request's payload.
fn payload_line(
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
) -> Result<CanonicalPayload, VerifyError> {
    let mut declared_values = request.headers_named(CONTENT_SHA256_HEADER);
    let declared = declared_values.next();
    if declared_values.next().is_some() {
        return Err(AuthorizationError::DuplicateParameter {
            name: CONTENT_SHA256_HEADER.to_owned(),
        }
        .into());
    }
    let Some(declared) = declared else {
        if signature.is_presigned() && policy.presigned_payload == PresignedPayload::Unsigned {
            return Ok(CanonicalPayload::Literal(UNSIGNED_PAYLOAD));
        }
        return Ok(CanonicalPayload::resolve(&request.payload, None)?);
    };
    // A value with inner whitespace is no payload line, folded or not, so
    // trimming is all of canonicalization that matters here.
    let line = CanonicalPayload::parse(trim_ascii_space(declared)).ok_or_else(|| {
        CanonicalError::InvalidContentSha256Header {
            value: String::from_utf8_lossy(&declared[..declared.len().min(80)]).into_owned(),
        }
    })?;
    if let CanonicalPayload::Hash(declared_hex) = &line {
        let computed = match request.payload {
            Payload::Bytes(body) => Some(PayloadHash::of(body)),
            Payload::Precomputed(hash) => Some(hash),
            Payload::Unsigned | Payload::Streaming(_) | Payload::FromHeader => None,
        };
        if let Some(computed) = computed
            && hex32(computed.as_bytes()) != declared_hex.as_bytes()
        {
            return Err(VerifyError::BodyHashMismatch {
                declared: declared_hex.to_string(),
                computed: computed.to_hex(),
            });
        }
    }
    Ok(line)
}

/// The session token's header, lower case.
const SECURITY_TOKEN_HEADER: &[u8] = b"x-amz-security-token";

/// Verifies `request` with the shared procedure; `check` says whether the
/// signature (`signature.signature`) is valid for the string to sign. It
/// returns `Ok(false)` for a mismatch, which this function turns into
/// [`VerifyError::SignatureMismatch`] with the canonical request and string
/// to sign it computed.
///
/// A match builds nothing but the [`Verified`] answer: the canonical request
/// streams into SHA-256 through the signer's per-thread scratch area, and
/// the string to sign into `check`.
///
/// `request` must already be within the policy's
/// [`limits`](VerifyPolicy::limits): its signature was read from it, and
/// [`Verifier::verify`] checks the bounds before reading it, so they are
/// counted once.
///
/// [`Verifier::verify`]: crate::Verifier::verify
pub fn verify_request(
    algorithm: Algorithm,
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
    check: impl FnOnce(&StringToSign<'_>) -> Result<bool, VerifyError>,
) -> Result<Verified, VerifyError> {
    let (service, shared_region) = accepted_scope_and_time(algorithm, signature, policy)?;
    let region = signing_region(signature, shared_region)?;

    let scope = CredentialScope {
        date: &signature.date,
        region: match &region {
            SigningRegion::Region(region) => Some(region),
            SigningRegion::RegionSet(_) => None,
        },
        service,
    };
    let payload = with_covered_request(request, signature, policy, |merge| {
        check_signed_headers(&merge)?;
        let payload = payload_line(request, signature, policy)?;
        // Used where `prepare` returned it, not moved out of the `Result`.
        let mut prepared = merge.prepare(payload, policy.path);
        let prepared = match &mut prepared {
            Ok(prepared) => prepared,
            Err(error) => return Err(error.clone().into()),
        };
        let mut hasher = Buffered::<_, 512>::new(Sha256::new());
        prepared.write(&[], &mut hasher);
        let string_to_sign = StringToSign {
            algorithm,
            scope,
            canonical_request_sha256: hasher.finish().finalize().into(),
        };
        if check(&string_to_sign)? {
            return Ok(payload);
        }
        let mut canonical = Vec::new();
        prepared.write(&[], &mut canonical);
        Err(VerifyError::SignatureMismatch {
            canonical_request: redact_security_token(&String::from_utf8_lossy(&canonical)),
            string_to_sign: string_to_sign.to_text(),
        })
    })?;

    Ok(Verified {
        algorithm,
        access_key_id: AccessKeyId::new(signature.credential.access_key_id()),
        time: signature.date,
        service: service.clone(),
        region,
        signed_headers: signature.signed_headers.to_header_names(),
        payload,
        expires_seconds: match signature.placement {
            Placement::Header => None,
            Placement::Query { expires_seconds } => Some(expires_seconds),
        },
        security_token: signature.security_token.as_deref().map(SessionToken::new),
        signature: signature.signature.clone(),
    })
}

/// Runs `step` on the merge of the part of `request` its signature covers
/// (see [`covered_query`] and [`covered_headers`]) with its signed headers,
/// in the signer's per-thread scratch area.
fn with_covered_request<R>(
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
    step: impl FnOnce(SignedHeaderMerge<'_, '_>) -> Result<R, VerifyError>,
) -> Result<R, VerifyError> {
    let query = covered_query(request, signature, policy);
    let headers = covered_headers(request, signature, policy);
    let received = Request {
        query: &query,
        headers: &headers,
        ..*request
    };
    with_scratch(|scratch| {
        step(PreparedRequest::merge_signed(
            &received,
            &signature.signed_headers,
            scratch,
        ))
    })
}

/// What a server computes from a signed request before any key is needed:
/// the canonical request (with the session token in it, as sent) and the
/// string to sign. For diagnostics, such as `sigv4 verify` and `sigv4
/// explain`: no claim (time, scope, signed `x-amz-*` headers) is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalForms {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

/// The [`CanonicalForms`] a verifier under `policy` computes for `request`,
/// read with [`RequestSignature::from_request`], by the same steps as
/// [`verify_request`].
pub fn canonical_forms(
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    policy: &VerifyPolicy,
) -> Result<CanonicalForms, VerifyError> {
    let service = Service::new(signature.credential.service())?;
    let region = signature.credential.region().map(Region::new).transpose()?;
    with_covered_request(request, signature, policy, |merge| {
        let payload = payload_line(request, signature, policy)?;
        let mut prepared = merge.prepare(payload, policy.path)?;
        let mut canonical = Vec::new();
        prepared.write(&[], &mut canonical);
        let string_to_sign = StringToSign {
            algorithm: signature.algorithm,
            scope: CredentialScope {
                date: &signature.date,
                region: region.as_ref(),
                service: &service,
            },
            canonical_request_sha256: Sha256::digest(&canonical).into(),
        };
        Ok(CanonicalForms {
            canonical_request: String::from_utf8_lossy(&canonical).into_owned(),
            string_to_sign: string_to_sign.to_text(),
        })
    })
}

/// The canonical request with the session token's value replaced by
/// `<redacted>`, in the header line and in the query. The token is a
/// credential: an error message must not carry it.
fn redact_security_token(canonical: &str) -> String {
    let redact = |piece: &str, prefix: &str| match piece.strip_prefix(prefix) {
        Some(_) => format!("{prefix}<redacted>"),
        None => piece.to_owned(),
    };
    canonical
        .split('\n')
        .enumerate()
        .map(|(index, line)| match index {
            // The third line is the canonical query.
            2 => line
                .split('&')
                .map(|parameter| redact(parameter, "X-Amz-Security-Token="))
                .collect::<Vec<_>>()
                .join("&"),
            _ => redact(line, "x-amz-security-token:"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases = [
            ("*", "us-east-1", true),
            ("us-*", "us-east-1", true),
            ("us-*", "eu-west-1", false),
            ("*-1", "us-east-1", true),
            ("us-*-1", "us-east-1", true),
            ("us-*-2", "us-east-1", false),
            ("us-east-1", "us-east-1", true),
            ("us-east-1", "us-east-10", false),
            ("**", "", true),
            ("", "a", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, text),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }

    #[test]
    fn the_token_is_redacted_from_header_and_query() {
        let canonical = "GET\n/\na=1&X-Amz-Security-Token=SECRET&b=2\nhost:h\nx-amz-security-token:SECRET\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD";
        let redacted = redact_security_token(canonical);
        assert!(!redacted.contains("SECRET"));
        assert!(redacted.contains("a=1&X-Amz-Security-Token=<redacted>&b=2\n"));
        assert!(redacted.contains("\nx-amz-security-token:<redacted>\n"));
    }
}
