//! A VPC Lattice POST signed with SigV4A and an unsigned payload, the
//! algorithm picked by configuration rather than code.
//!
//! ```text
//! cargo run -p sigv4kit --example vpc_lattice                  # examples/config/vpc-lattice.toml
//! cargo run -p sigv4kit --example vpc_lattice -- my-config.toml
//! ```
//!
//! The configuration chooses the algorithm; the service, the region and the
//! Lattice preset (the body is signed as `UNSIGNED-PAYLOAD`, carried in
//! `x-amz-content-sha256`) follow from the service's host name. With
//! `algorithm = "sigv4"` in the file, the same program signs with SigV4.
//! Credentials come from the environment or the profile files, else the AWS
//! documentation's example keys.

use std::error::Error;

use sigv4kit::canon::{Header, Payload, Request};
use sigv4kit::environment::ProcessEnvironment;

mod support;

const CONFIG: &str = include_str!("config/vpc-lattice.toml");
const HOST: &str = "svc-0a1b2c3d4e5f6a7b8.7d67968.vpc-lattice-svcs.us-west-2.on.aws";
const BODY: &[u8] = br#"{"item":"book","quantity":1}"#;

fn headers() -> [Header<'static>; 2] {
    [
        Header::new("host", HOST),
        Header::new("content-type", "application/json"),
    ]
}

fn main() -> Result<(), Box<dyn Error>> {
    let resolved = support::config_from_args(CONFIG)?.resolve(&ProcessEnvironment)?;
    eprintln!(
        "algorithm {} (from {})",
        sigv4kit::config::scheme_name(resolved.algorithm.value),
        resolved.algorithm.source
    );
    let headers = headers();
    let request = Request::new("POST", "/orders", &headers).with_payload(Payload::Bytes(BODY));
    let output = resolved.request_signer().sign_with(
        &request,
        &support::credentials(&resolved)?,
        support::signing_time()?,
    )?;
    support::print_signed(&request, BODY, &output);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigv4kit::canon::{Algorithm, AmzDate};

    /// The AWS CRT's SigV4A signature of this request (scripts/example-oracles.py).
    const CRT_AUTHORIZATION: &str = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20261125/vpc-lattice-svcs/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=30450220433d9d00fb779e1d9e80fd626693b09749a52594bf42b44eb5d98089b94c0758022100b3636ec40f1b6a26606e8e4f2fb6ef9115810aa328e0c9fb96922ffe059c173f";

    fn signed_by_crt() -> Vec<Header<'static>> {
        let mut signed = headers().to_vec();
        signed.extend([
            Header::new("x-amz-date", "20261125T120000Z"),
            Header::new("x-amz-region-set", "*"),
            Header::new("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            Header::new("authorization", CRT_AUTHORIZATION),
        ]);
        signed
    }

    #[test]
    fn the_configuration_chooses_sigv4a_and_the_lattice_preset() {
        let resolved = support::resolve_for_test(CONFIG);
        assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
        assert_eq!(resolved.service.value.as_str(), "vpc-lattice-svcs");
        assert_eq!(resolved.region_set().map(|set| set.as_str()), Some("*"));
    }

    #[test]
    fn the_crt_signature_verifies_and_so_does_ours() {
        let resolved = support::resolve_for_test(CONFIG);
        support::verify(&resolved, "POST", "/orders", &signed_by_crt(), BODY)
            .expect("sigv4kit accepts the CRT's signature");

        let headers = headers();
        let request = Request::new("POST", "/orders", &headers).with_payload(Payload::Bytes(BODY));
        let time = AmzDate::parse_rfc3339(support::ORACLE_TIME).unwrap();
        let output = resolved
            .request_signer()
            .sign_with(&request, &support::example_credentials(), time)
            .unwrap();
        let mut signed = headers.to_vec();
        signed.extend(
            output
                .headers()
                .map(|(name, value)| Header::new(name, value)),
        );
        let authorization = output.headers().find(|(name, _)| *name == "Authorization");
        let crt_signed_headers =
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-region-set,";
        assert!(authorization.is_some_and(|(_, value)| value.contains(crt_signed_headers)));
        support::verify(&resolved, "POST", "/orders", &signed, BODY).expect("our own signature");
        support::verify(&resolved, "POST", "/orders", &signed, b"any body")
            .expect("an unsigned payload leaves the body out of the signature");
        assert!(support::verify(&resolved, "PUT", "/orders", &signed, BODY).is_err());
    }
}
