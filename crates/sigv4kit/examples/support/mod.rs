//! What the service examples share: reading their configuration, finding
//! credentials, the signing time, printing, and the checks their tests run.

use std::error::Error;

use sigv4kit::canon::{AmzDate, Header, Payload, Request};
use sigv4kit::config::{ResolvedConfig, SignerConfig};
use sigv4kit::credentials::CredentialsError;
use sigv4kit::{Credentials, FixedClock, SigningOutput, Verified};

/// The AWS documentation's example keys, used when no credentials are
/// configured, so that the examples run on a fresh machine.
pub const EXAMPLE_ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret of the example keys.
pub const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The instant the tests sign at, the one `scripts/example-oracles.py` uses.
pub const ORACLE_TIME: &str = "2026-11-25T12:00:00Z";

/// The example's configuration: the TOML file named by the first argument,
/// else `default`.
#[allow(dead_code)]
pub fn config_from_args(default: &str) -> Result<SignerConfig, Box<dyn Error>> {
    Ok(match std::env::args_os().nth(1) {
        Some(path) => SignerConfig::from_toml_file(path)?,
        None => SignerConfig::from_toml_str(default)?,
    })
}

/// The configured credentials, or the example keys with a note when none
/// are configured anywhere.
pub fn credentials(resolved: &ResolvedConfig) -> Result<Credentials, Box<dyn Error>> {
    match pollster::block_on(resolved.credentials.provide_credentials()) {
        Ok(credentials) => Ok(credentials),
        Err(error @ CredentialsError::NotFound { .. }) => {
            eprintln!("note: {error}\nnote: signing with the AWS documentation's example keys");
            Ok(example_credentials())
        }
        Err(error) => Err(error.into()),
    }
}

/// The example keys.
pub fn example_credentials() -> Credentials {
    Credentials::new(EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET, None)
        .unwrap_or_else(|_| unreachable!("the example keys are valid"))
}

/// Now, or the RFC 3339 instant in `SIGV4_TIME`.
#[allow(dead_code)]
pub fn signing_time() -> Result<AmzDate, Box<dyn Error>> {
    Ok(match std::env::var("SIGV4_TIME") {
        Ok(time) => AmzDate::parse_rfc3339(&time)?,
        Err(_) => AmzDate::from_system_time(std::time::SystemTime::now())?,
    })
}

/// Prints the signed request on standard output, and what was signed on
/// standard error.
#[allow(dead_code)]
pub fn print_signed(request: &Request<'_>, body: &[u8], output: &SigningOutput) {
    if let Some(canonical) = output.canonical_request() {
        eprintln!("--- canonical request\n{canonical}");
    }
    eprintln!("--- string to sign\n{}\n---", output.string_to_sign());
    println!(
        "{} {} HTTP/1.1",
        request.method,
        String::from_utf8_lossy(request.path)
    );
    for header in request.headers {
        println!(
            "{}: {}",
            String::from_utf8_lossy(header.name),
            String::from_utf8_lossy(header.value)
        );
    }
    for (name, value) in output.headers() {
        println!("{name}: {value}");
    }
    println!("\n{}", String::from_utf8_lossy(body));
}

/// The example's configuration resolved with no environment and no profile
/// files, the example keys and the oracle's instant: what the tests sign
/// with.
#[allow(dead_code)]
pub fn resolve_for_test(config: &str) -> ResolvedConfig {
    let time = AmzDate::parse_rfc3339(ORACLE_TIME).expect("valid time");
    SignerConfig::from_toml_str(config)
        .expect("the example's configuration parses")
        .with_credentials(example_credentials())
        .with_clock(FixedClock::at(&time))
        .resolve(&sigv4kit::environment::MapEnvironment::new())
        .expect("the example's configuration resolves")
}

/// Verifies a signed request as a server configured like `resolved` would.
#[allow(dead_code)]
pub fn verify(
    resolved: &ResolvedConfig,
    method: &str,
    target: &str,
    headers: &[Header<'_>],
    body: &[u8],
) -> Result<Verified, sigv4kit::VerifyError> {
    let keys = pollster::block_on(resolved.key_provider()).expect("static keys");
    let request = Request::new(method, target, headers).with_payload(Payload::Bytes(body));
    pollster::block_on(resolved.verifier().verify(&request, &keys))
}

/// An AWS JSON API call: a POST of `body` to `https://{host}{target}` with
/// `headers` besides `Host`, signed as `config` says. Prints it signed.
#[allow(dead_code)]
pub fn sign_and_print(
    config: &str,
    host: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(), Box<dyn Error>> {
    let resolved = config_from_args(config)?.resolve(&sigv4kit::environment::ProcessEnvironment)?;
    let headers = request_headers(host, headers);
    let request = Request::new("POST", target, &headers).with_payload(Payload::Bytes(body));
    let output =
        resolved
            .request_signer()
            .sign_with(&request, &credentials(&resolved)?, signing_time()?)?;
    print_signed(&request, body, &output);
    Ok(())
}

/// `Host: host` and then `headers`.
pub fn request_headers<'h>(host: &'h str, headers: &[(&'h str, &'h str)]) -> Vec<Header<'h>> {
    std::iter::once(Header::new("host", host))
        .chain(
            headers
                .iter()
                .map(|&(name, value)| Header::new(name, value)),
        )
        .collect()
}

/// Signs the POST as the tests do, checks the `Authorization` header
/// against the one botocore and the AWS CRT computed for it, and checks that
/// the verifier accepts it and refuses it with another body.
#[allow(dead_code)]
pub fn check_against_oracle(
    config: &str,
    host: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    oracle_authorization: &str,
) {
    let resolved = resolve_for_test(config);
    let headers = request_headers(host, headers);
    let request = Request::new("POST", target, &headers).with_payload(Payload::Bytes(body));
    let time = AmzDate::parse_rfc3339(ORACLE_TIME).expect("valid time");
    let output = resolved
        .request_signer()
        .sign_with(&request, &example_credentials(), time)
        .expect("signs");
    let authorization = output
        .headers()
        .find(|(name, _)| *name == "Authorization")
        .map(|(_, value)| value.to_owned());
    assert_eq!(authorization.as_deref(), Some(oracle_authorization));

    let mut signed = headers.clone();
    signed.extend(
        output
            .headers()
            .map(|(name, value)| Header::new(name, value)),
    );
    verify(&resolved, "POST", target, &signed, body).expect("the verifier accepts it");
    assert!(verify(&resolved, "POST", target, &signed, b"{}").is_err());
}
