//! The signing procedure both algorithms share.
//!
//! SigV4 and SigV4A differ in three places only: the algorithm name, whether
//! the scope holds a region (SigV4) or `X-Amz-Region-Set` holds a region set
//! (SigV4A), and how the string to sign becomes a signature. Everything else,
//! from refusing an already-signed request to laying out the `Authorization`
//! header, lives here once, and a backend supplies the last step as a
//! closure. The steps follow the AWS documentation's names: canonical
//! request, string to sign, signature.
//!
//! The canonical request streams into SHA-256 through a per-thread scratch
//! area, so a warm header signing allocates only the output's one `String`.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::ops::Range;

use sha2::{Digest, Sha256};
use sigv4kit_canon::auth::ensure_unsigned;
use sigv4kit_canon::encoding::uri_encode_into;
use sigv4kit_canon::payload::CONTENT_SHA256_HEADER;
use sigv4kit_canon::sink::{AsciiSink, Buffered, MaybeTee};
use sigv4kit_canon::{
    AddedHeader, Algorithm, AmzDate, CanonicalPayload, CredentialScope, PreparedRequest, Region,
    Request, Scratch, Sink, StringToSign,
};

use crate::error::SigningError;
use crate::output::{Additions, SigningOutput};
use crate::params::{SessionTokenMode, SignatureLocation, SigningParams, SigningRegion};
use crate::signature::Signature;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `work` with this thread's scratch buffers, or with fresh ones if
/// they are in use further up the stack, or already gone because the thread
/// is exiting (a request signed from another thread-local's destructor).
pub(crate) fn with_scratch<T>(work: impl FnOnce(&mut Scratch) -> T) -> T {
    // Checked apart, so that `work` is still at hand when the buffers are
    // gone; once they are, they never come back on this thread, so the
    // `with` below cannot find them gone.
    if SCRATCH.try_with(|_| ()).is_err() {
        return work(&mut Scratch::default());
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => work(&mut scratch),
        Err(_) => work(&mut Scratch::default()),
    })
}

/// Signs `request` with the shared procedure; `sign` turns the string to sign
/// into the algorithm's signature.
pub fn sign_request(
    algorithm: Algorithm,
    request: &Request<'_>,
    params: &SigningParams<'_>,
    sign: impl FnOnce(&StringToSign<'_>) -> Result<Signature, SigningError>,
) -> Result<SigningOutput, SigningError> {
    ensure_unsigned(request)?;
    let (scope_region, region_set) = split_region(algorithm, &params.region)?;
    let scope = CredentialScope {
        date: &params.time,
        region: scope_region,
        service: &params.service,
    };
    let caller_payload_hash = single_content_sha256(request)?;
    let payload = CanonicalPayload::resolve(&request.payload, caller_payload_hash)?;
    let credentials = params.credentials;
    let access_key_id = credentials.access_key_id();
    let token = credentials.session_token().map(|token| token.expose());
    let token_signed = params.settings.session_token == SessionTokenMode::Signed;
    let capture = params.settings.capture_canonical_request;

    let mut text = String::with_capacity(
        256 + access_key_id.len()
            + 3 * (token.map_or(0, str::len) + region_set.map_or(0, str::len))
            + 24 * request.headers.len(),
    );

    with_scratch(|scratch| {
        let mut canonical_copy = capture.then(Vec::new);
        match params.location {
            SignatureLocation::Headers => {
                let content_sha256 = (params.settings.content_sha256_header
                    && caller_payload_hash.is_none())
                .then_some(payload);
                let mut added = [AddedHeader {
                    name: "x-amz-date",
                    value: params.time.as_str().as_bytes(),
                    signed: true,
                }; 4];
                let mut count = 1;
                if let Some(token) = token {
                    added[count] = AddedHeader {
                        name: "x-amz-security-token",
                        value: token.as_bytes(),
                        signed: token_signed,
                    };
                    count += 1;
                }
                if let Some(set) = region_set {
                    added[count] = AddedHeader {
                        name: "x-amz-region-set",
                        value: set.as_bytes(),
                        signed: true,
                    };
                    count += 1;
                }
                if let Some(payload) = &content_sha256 {
                    added[count] = AddedHeader {
                        name: CONTENT_SHA256_HEADER,
                        value: payload.as_str().as_bytes(),
                        signed: true,
                    };
                    count += 1;
                }
                let mut prepared = PreparedRequest::prepare(
                    request,
                    &added[..count],
                    payload,
                    &params.settings.rules,
                    scratch,
                )?;

                text.push_str(algorithm.as_str());
                text.push_str(" Credential=");
                text.push_str(access_key_id);
                text.push('/');
                let scope_range = append(&mut text, |text| scope.push_to(text));
                text.push_str(", SignedHeaders=");
                let signed_range = append(&mut text, |text| {
                    prepared.write_signed_headers(&mut AsciiSink(text))
                });
                text.push_str(", Signature=");

                let signed = sign_canonical_request(
                    algorithm,
                    scope,
                    &mut prepared,
                    &[],
                    canonical_copy.as_mut(),
                    sign,
                )?;
                let draft = Draft {
                    algorithm,
                    time: params.time,
                    text,
                    scope_range,
                    signed_range,
                    canonical_copy,
                };
                Ok(draft.finish(signed, |text, signature| {
                    text.push_str(signature.as_str());
                    let authorization = 0..text.len();
                    Additions::Headers {
                        authorization,
                        security_token: token.map(|token| append_str(text, token)),
                        region_set: region_set.map(|set| append_str(text, set)),
                        content_sha256,
                    }
                }))
            }
            SignatureLocation::Query { expires } => {
                let mut prepared = PreparedRequest::prepare(
                    request,
                    &[],
                    payload,
                    &params.settings.rules,
                    scratch,
                )?;
                let credential_plain = append(&mut text, |text| {
                    text.push_str(access_key_id);
                    text.push('/');
                    scope.push_to(text);
                });
                let scope_range =
                    credential_plain.start + access_key_id.len() + 1..credential_plain.end;
                let signed_range = append(&mut text, |text| {
                    prepared.write_signed_headers(&mut AsciiSink(text))
                });
                let expires_range = append(&mut text, |text| {
                    let _ = write!(text, "{}", expires.as_secs());
                });
                let credential = append_encoded(&mut text, credential_plain.clone());
                let signed_encoded = append_encoded(&mut text, signed_range.clone());
                let security_token = token.map(|token| append_encoded_str(&mut text, token));
                let region_set_range = region_set.map(|set| append_encoded_str(&mut text, set));

                let signed_token = token.filter(|_| token_signed);
                let candidates: [Option<(&str, &[u8])>; 7] = [
                    Some(("X-Amz-Algorithm", algorithm.as_str().as_bytes())),
                    Some((
                        "X-Amz-Credential",
                        text[credential_plain.clone()].as_bytes(),
                    )),
                    Some(("X-Amz-Date", params.time.as_str().as_bytes())),
                    Some(("X-Amz-Expires", text[expires_range.clone()].as_bytes())),
                    Some(("X-Amz-SignedHeaders", text[signed_range.clone()].as_bytes())),
                    signed_token.map(|token| ("X-Amz-Security-Token", token.as_bytes())),
                    region_set.map(|set| ("X-Amz-Region-Set", set.as_bytes())),
                ];
                let mut added_query: [(&str, &[u8]); 7] = [("", &[]); 7];
                let mut count = 0;
                for param in candidates.into_iter().flatten() {
                    added_query[count] = param;
                    count += 1;
                }

                let signed = sign_canonical_request(
                    algorithm,
                    scope,
                    &mut prepared,
                    &added_query[..count],
                    canonical_copy.as_mut(),
                    sign,
                )?;
                let draft = Draft {
                    algorithm,
                    time: params.time,
                    text,
                    scope_range,
                    signed_range,
                    canonical_copy,
                };
                // The signature goes into the query as a parameter of its own.
                Ok(draft.finish(signed, |_, _| Additions::Query {
                    credential,
                    signed_headers: signed_encoded,
                    expires: expires_range,
                    security_token,
                    region_set: region_set_range,
                }))
            }
        }
    })
}

/// Hashes the canonical request (with `added_query`, the parameters a
/// presigned URL adds) and signs the string to sign with `sign`: the steps
/// both signature locations share. Returns the signature and the hash.
fn sign_canonical_request(
    algorithm: Algorithm,
    scope: CredentialScope<'_>,
    prepared: &mut PreparedRequest<'_, '_>,
    added_query: &[(&str, &[u8])],
    canonical_copy: Option<&mut Vec<u8>>,
    sign: impl FnOnce(&StringToSign<'_>) -> Result<Signature, SigningError>,
) -> Result<(Signature, [u8; 32]), SigningError> {
    let canonical_request_sha256 = hash_canonical_request(prepared, added_query, canonical_copy);
    let signature = sign(&StringToSign {
        algorithm,
        scope,
        canonical_request_sha256,
    })?;
    Ok((signature, canonical_request_sha256))
}

/// The output text of a signing and what addresses it, awaiting the
/// signature.
struct Draft {
    algorithm: Algorithm,
    time: AmzDate,
    text: String,
    scope_range: Range<usize>,
    signed_range: Range<usize>,
    canonical_copy: Option<Vec<u8>>,
}

impl Draft {
    /// The output with `signature`; `place` writes the location's values
    /// that follow the signature into the text and says where they are.
    fn finish(
        mut self,
        (signature, canonical_request_sha256): (Signature, [u8; 32]),
        place: impl FnOnce(&mut String, &Signature) -> Additions,
    ) -> SigningOutput {
        let additions = place(&mut self.text, &signature);
        SigningOutput {
            algorithm: self.algorithm,
            amz_date: self.time,
            signature,
            canonical_request_sha256,
            text: self.text,
            scope: self.scope_range,
            signed_headers: self.signed_range,
            additions,
            canonical_request: self.canonical_copy.map(lossless_text),
        }
    }
}

/// The scope's region (SigV4) or the region set (SigV4A).
fn split_region(
    algorithm: Algorithm,
    region: &SigningRegion,
) -> Result<(Option<&Region>, Option<&str>), SigningError> {
    match (algorithm, region) {
        (Algorithm::Sigv4, SigningRegion::Region(region)) => Ok((Some(region), None)),
        (Algorithm::Sigv4, SigningRegion::RegionSet(set)) => Err(SigningError::RegionSetForSigv4 {
            algorithm,
            region_set: set.as_str().to_owned(),
        }),
        (Algorithm::Sigv4a, SigningRegion::Region(region)) => Ok((None, Some(region.as_str()))),
        (Algorithm::Sigv4a, SigningRegion::RegionSet(set)) => Ok((None, Some(set.as_str()))),
    }
}

/// The caller's `x-amz-content-sha256`, refusing a repeated one.
fn single_content_sha256<'r>(request: &Request<'r>) -> Result<Option<&'r [u8]>, SigningError> {
    let mut values = request.headers_named(CONTENT_SHA256_HEADER);
    let first = values.next();
    if let Some(second) = values.next() {
        return Err(sigv4kit_canon::CanonicalError::InvalidContentSha256Header {
            value: format!(
                "{}, {} (repeated)",
                String::from_utf8_lossy(first.unwrap_or_default()),
                String::from_utf8_lossy(second)
            ),
        }
        .into());
    }
    Ok(first)
}

fn append(text: &mut String, write: impl FnOnce(&mut String)) -> Range<usize> {
    let start = text.len();
    write(text);
    start..text.len()
}

fn append_str(text: &mut String, value: &str) -> Range<usize> {
    append(text, |text| text.push_str(value))
}

/// Appends the percent-encoded copy of an earlier part of `text`.
fn append_encoded(text: &mut String, plain: Range<usize>) -> Range<usize> {
    let start = text.len();
    let mut encoded = Vec::with_capacity(plain.len() + 16);
    uri_encode_into(text[plain].as_bytes(), &mut encoded);
    AsciiSink(text).put(&encoded);
    start..text.len()
}

fn append_encoded_str(text: &mut String, value: &str) -> Range<usize> {
    append(text, |text| {
        uri_encode_into(value.as_bytes(), &mut AsciiSink(text))
    })
}

/// Streams the canonical request into SHA-256, and into `copy` if given.
fn hash_canonical_request(
    prepared: &mut PreparedRequest<'_, '_>,
    added_query: &[(&str, &[u8])],
    copy: Option<&mut Vec<u8>>,
) -> [u8; 32] {
    let mut sink = Buffered::<_, 512>::new(MaybeTee(Sha256::new(), copy));
    prepared.write(added_query, &mut sink);
    sink.finish().0.finalize().into()
}

fn lossless_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}
