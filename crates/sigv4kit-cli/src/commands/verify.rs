//! `sigv4 verify`, and the canonical request a server computes, which
//! `explain` shares.

use std::future::Future;
use std::time::Duration;

use sigv4kit::canon::authorization::{
    query_without_signature, query_without_signature_and_session_token,
};
use sigv4kit::canon::{
    Algorithm, CanonicalError, CanonicalRules, CredentialScope, HeaderSelection, PathRules,
    Payload, PayloadHash, Region, Request, RequestSignature, Service, StringToSign,
    canonical_request_text,
};
use sigv4kit::config::ResolvedConfig;
use sigv4kit::{
    KeyLookupError, KeyProvider, PayloadPolicy, PublicKey, RequestVerifier, SessionTokenMode,
    Verified, VerifyError, VerifyingKey,
};

use crate::cli::{GlobalOptions, VerifyArgs};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_VERDICT};
use crate::request::RequestInput;
use crate::setup::{Setup, redact_token};

/// Verifies the request or URL; prints the verdict.
pub fn verify(global: &GlobalOptions, args: &VerifyArgs) -> CliResult {
    let input = match (&args.request, &args.url) {
        (Some(path), _) => RequestInput::from_raw_file(path)?,
        (None, Some(url)) => RequestInput::from_url(&args.method, url, &[], &[])?,
        (None, None) => {
            return Err(CliError::Usage(
                "give --request FILE or --url URL".to_owned(),
            ));
        }
    };
    let public_key = args
        .public_key
        .as_deref()
        .map(parse_public_key)
        .transpose()?;
    let raw = input.raw()?;
    let request = raw.as_request().with_payload(Payload::Bytes(raw.body));
    let signature = match RequestSignature::from_request(&request) {
        Ok(signature) => signature,
        Err(error) => return Ok(invalid(&VerifyError::Malformed(error), None)),
    };
    let setup = Setup::resolve(global, Some(&input.host), Some(signature.algorithm))?;
    let keys = match public_key {
        Some(public_key) => AnyAccessKey(VerifyingKey::PublicKey(public_key)),
        None => {
            let credentials = setup.credentials().map_err(|error| {
                CliError::Usage(format!(
                    "{}; verify needs the signer's credentials, or for SigV4A only --public-key X,Y",
                    error.one_line()
                ))
            })?;
            if credentials.access_key_id() != signature.credential.access_key_id() {
                return Ok(invalid(
                    &VerifyError::UnknownAccessKey {
                        access_key_id: signature.credential.access_key_id().to_owned(),
                    },
                    None,
                ));
            }
            AnyAccessKey(VerifyingKey::Secret(credentials.secret().clone()))
        }
    };
    let policy =
        verify_policy(&setup.resolved).with_max_clock_skew(Duration::from_secs(args.max_skew));
    let verifier = RequestVerifier::new(policy);
    match pollster::block_on(verifier.verify(&request, &keys)) {
        Ok(verified) => {
            println!("{}", describe_valid(&verified));
            Ok(EXIT_OK)
        }
        Err(error) => {
            let recomputed = recompute(&request, &signature, &setup.resolved).ok();
            Ok(invalid(&error, recomputed.as_ref()))
        }
    }
}

/// The verify policy of the configuration. A presigned URL signs
/// `UNSIGNED-PAYLOAD` or the body's hash as the preset says, and the
/// verifier must read it the same way.
pub fn verify_policy(resolved: &ResolvedConfig) -> sigv4kit::VerifyPolicy {
    resolved.verify_policy()
}

fn describe_valid(verified: &Verified) -> String {
    let scope = match &verified.region {
        sigv4kit::SigningRegion::Region(region) => format!("region {}", region.as_str()),
        sigv4kit::SigningRegion::RegionSet(set) => format!("region set {}", set.as_str()),
    };
    let expiry = verified
        .expires_seconds
        .map(|seconds| format!(", presigned for {seconds} s"))
        .unwrap_or_default();
    format!(
        "valid: {} signature by {} at {} for service {} in {scope}{expiry}; signed headers: {}; payload: {}",
        verified.algorithm,
        verified.access_key_id,
        verified.time,
        verified.service.as_str(),
        verified.signed_headers.iter().collect::<Vec<_>>().join(";"),
        verified.payload.as_str(),
    )
}

/// Prints why the request is invalid, with what was computed; the verdict
/// status.
fn invalid(error: &VerifyError, recomputed: Option<&Recomputed>) -> u8 {
    match error {
        VerifyError::SignatureMismatch {
            canonical_request,
            string_to_sign,
        } => {
            println!("invalid: the signature does not match");
            println!("--- canonical request computed\n{canonical_request}");
            println!("--- string to sign computed\n{string_to_sign}");
        }
        other => {
            println!("invalid: {}", crate::error::one_line(&other.to_string()));
            if let Some(recomputed) = recomputed {
                println!(
                    "--- canonical request computed\n{}",
                    recomputed.redacted_canonical_request()
                );
                println!("--- string to sign computed\n{}", recomputed.string_to_sign);
            }
        }
    }
    EXIT_VERDICT
}

/// What a server computes from a signed request.
pub struct Recomputed {
    /// The canonical request, session token included.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The session token sent, to redact from printed output.
    pub session_token: Option<String>,
}

impl Recomputed {
    /// The canonical request with the session token replaced.
    pub fn redacted_canonical_request(&self) -> String {
        redact_token(&self.canonical_request, self.session_token.as_deref())
    }
}

/// The canonical request and string to sign a server computes for the
/// signed `request`: exactly its signed headers, its query without
/// `X-Amz-Signature`, and the payload line the configuration implies.
pub fn recompute(
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    resolved: &ResolvedConfig,
) -> Result<Recomputed, CanonicalError> {
    let stripped;
    let mut request = *request;
    if signature.is_presigned() {
        stripped = match resolved.settings.session_token {
            SessionTokenMode::Signed => query_without_signature(request.query),
            SessionTokenMode::SentUnsigned => {
                query_without_signature_and_session_token(request.query)
            }
        };
        request.query = &stripped;
        if request.header("x-amz-content-sha256").is_none()
            && resolved.presigned_payload == PayloadPolicy::Unsigned
        {
            request.payload = Payload::Unsigned;
        }
    }
    let rules = CanonicalRules {
        path: path_rules(resolved),
        headers: HeaderSelection::Exactly(signature.signed_headers.to_header_names()),
    };
    let canonical_request = canonical_request_text(&request, &rules)?;
    let service = Service::new(signature.credential.service())?;
    let region = match (signature.algorithm, signature.credential.region()) {
        (Algorithm::Sigv4, Some(region)) => Some(Region::new(region)?),
        _ => None,
    };
    let string_to_sign = StringToSign {
        algorithm: signature.algorithm,
        scope: CredentialScope {
            date: &signature.date,
            region: region.as_ref(),
            service: &service,
        },
        canonical_request_sha256: *PayloadHash::of(canonical_request.as_bytes()).as_bytes(),
    }
    .to_text();
    Ok(Recomputed {
        canonical_request,
        string_to_sign,
        session_token: signature.security_token.as_deref().map(str::to_owned),
    })
}

fn path_rules(resolved: &ResolvedConfig) -> PathRules {
    resolved.settings.rules.path
}

/// `X,Y` in hex, as `derive-key --output pair` prints it.
fn parse_public_key(pair: &str) -> Result<PublicKey, CliError> {
    let (x, y) = pair.split_once(',').ok_or_else(|| {
        CliError::invalid("--public-key", "expected X,Y: two 64-digit hex coordinates")
    })?;
    PublicKey::from_xy_hex(x.trim(), y.trim())
        .map_err(|error| CliError::invalid("--public-key", error))
}

/// One key, for whichever access key id the request names: the command line
/// checks one request against one key, and the key itself (a SigV4A public
/// key is derived from the access key id) decides.
struct AnyAccessKey(VerifyingKey);

impl KeyProvider for AnyAccessKey {
    fn key(
        &self,
        _access_key_id: &str,
    ) -> impl Future<Output = Result<Option<VerifyingKey>, KeyLookupError>> + Send {
        std::future::ready(Ok(Some(self.0.clone())))
    }
}
