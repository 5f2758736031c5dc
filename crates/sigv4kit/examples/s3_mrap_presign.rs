//! An S3 presigned GET through a Multi-Region Access Point: SigV4A, valid
//! in every region.
//!
//! ```text
//! cargo run -p sigv4kit --example s3_mrap_presign                 # prints the URL
//! cargo run -p sigv4kit --example s3_mrap_presign -- my-config.toml
//! ```
//!
//! Nothing in `examples/config/s3-mrap.toml` names the algorithm: the
//! Multi-Region Access Point host selects the `s3-mrap` preset, which signs
//! with SigV4A over the region set `*` and keeps the path as sent. The URL
//! is valid for an hour. Credentials come from the environment or the
//! profile files, else the AWS documentation's example keys.

use std::error::Error;

use sigv4kit::Expiry;
use sigv4kit::environment::ProcessEnvironment;
use sigv4kit::presign::PresignRequest;

mod support;

const CONFIG: &str = include_str!("config/s3-mrap.toml");
const URL: &str =
    "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat%20one.jpg";
const EXPIRES_SECONDS: u64 = 3600;

fn main() -> Result<(), Box<dyn Error>> {
    let resolved = support::config_from_args(CONFIG)?.resolve(&ProcessEnvironment)?;
    let url = resolved.request_signer().presign_with(
        &PresignRequest::new("GET", URL),
        Expiry::from_secs(EXPIRES_SECONDS)?,
        &support::credentials(&resolved)?,
        support::signing_time()?,
    )?;
    eprintln!("--- string to sign\n{}\n---", url.output().string_to_sign());
    println!("{url}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigv4kit::canon::{Algorithm, AmzDate, Header};

    /// The AWS CRT's presigned URL for this request (scripts/example-oracles.py).
    const CRT_URL: &str = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat%20one.jpg?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261125%2Fs3%2Faws4_request&X-Amz-Date=20261125T120000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=%2A&X-Amz-Signature=30440220106c594590f5cf748cffd485286cd97148ac97fd4b2b6fbd206c0821a9010f1c022070ef9937a875e67b8598b331e2292a4bc32e8200023a4abbe26169409e5e24fe";

    fn verify_url(url: &str) -> Result<sigv4kit::Verified, sigv4kit::VerifyError> {
        let resolved = support::resolve_for_test(CONFIG);
        let (host, target) = url
            .strip_prefix("https://")
            .and_then(|rest| rest.split_once('/'))
            .expect("an https URL with a path");
        let target = format!("/{target}");
        support::verify(&resolved, "GET", &target, &[Header::new("host", host)], b"")
    }

    #[test]
    fn the_host_alone_selects_sigv4a_over_every_region() {
        let resolved = support::resolve_for_test(CONFIG);
        assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
        assert_eq!(resolved.service.value.as_str(), "s3");
        assert_eq!(resolved.region_set().map(|set| set.as_str()), Some("*"));
    }

    #[test]
    fn the_crt_url_verifies_and_so_does_ours() {
        verify_url(CRT_URL).expect("sigv4kit accepts the CRT's presigned URL");

        let resolved = support::resolve_for_test(CONFIG);
        let time = AmzDate::parse_rfc3339(support::ORACLE_TIME).unwrap();
        let url = resolved
            .request_signer()
            .presign_with(
                &PresignRequest::new("GET", URL),
                Expiry::from_secs(EXPIRES_SECONDS).unwrap(),
                &support::example_credentials(),
                time,
            )
            .unwrap();
        assert!(url.as_str().contains("X-Amz-Region-Set=%2A"), "{url}");
        verify_url(url.as_str()).expect("our own URL");
        let other_object = url.as_str().replace("cat%20one", "dog");
        assert!(verify_url(&other_object).is_err());
    }
}
