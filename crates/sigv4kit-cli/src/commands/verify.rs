//! `sigv4 verify`, and the canonical request a server computes, which
//! `explain` shares.

use std::future::Future;
use std::time::Duration;

use sigv4kit::canon::{Payload, Request, RequestSignature};
use sigv4kit::config::ResolvedConfig;
use sigv4kit::{
    KeyLookupError, KeyProvider, PublicKey, RequestVerifier, Verified, VerifyError, VerifyingKey,
    canonical_forms,
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
            AnyAccessKey(VerifyingKey::Secret((&credentials).into()))
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

/// The canonical request and string to sign a server configured as
/// `resolved` computes for the signed `request`, keyless
/// ([`sigv4kit::canonical_forms`]).
pub fn recompute(
    request: &Request<'_>,
    signature: &RequestSignature<'_>,
    resolved: &ResolvedConfig,
) -> Result<Recomputed, VerifyError> {
    let forms = canonical_forms(request, signature, &resolved.verify_policy())?;
    Ok(Recomputed {
        canonical_request: forms.canonical_request,
        string_to_sign: forms.string_to_sign,
        session_token: signature.security_token.as_deref().map(str::to_owned),
    })
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
