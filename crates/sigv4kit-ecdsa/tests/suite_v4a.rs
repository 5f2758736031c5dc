//! Conformance: every case folder of the AWS signing test suite's `v4a/`, in
//! header and query mode, with each engine. SigV4A signatures use random (or
//! RFC 6979) nonces, so signatures are checked by verification; everything
//! else byte for byte.

use sigv4kit_canon::RawRequest;
use sigv4kit_ecdsa::{EcdsaSigner, PublicKey, SigningEngine, verify};
use sigv4kit_signer::Signer;
use sigv4kit_suite::{Mode, Tally, cases};

/// Replaces the value after `marker` (up to `end` or the line end) with `with`.
fn replace_signature(text: &[u8], marker: &str, with: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let Some(start) = text.find(marker).map(|index| index + marker.len()) else {
        return text.as_bytes().to_vec();
    };
    let end = text[start..]
        .find(|c: char| !c.is_ascii_hexdigit())
        .map_or(text.len(), |offset| start + offset);
    format!("{}{with}{}", &text[..start], &text[end..]).into_bytes()
}

fn run_suite<E: SigningEngine>(label: &str, signer: &EcdsaSigner<E>) {
    let Some(cases) = cases("v4a") else { return };
    let mut tally = Tally::default();
    for case in &cases {
        let raw = RawRequest::parse(&case.request)
            .unwrap_or_else(|error| panic!("{}: request.txt: {error}", case.name));
        let credentials = case.credentials();
        let request = raw.as_request().with_payload(case.payload(raw.body));
        let public_key = signer.public_key(&credentials).expect("public key");
        tally.case(&case.name, |tally| {
            if let Some(file) = case.file("public-key.json") {
                let json: serde_json::Value =
                    serde_json::from_slice(&file).expect("public-key.json");
                let expected = PublicKey::from_xy_hex(
                    json["X"].as_str().unwrap_or_default(),
                    json["Y"].as_str().unwrap_or_default(),
                )
                .expect("public key parses");
                tally.check(&case.name, "public-key", expected == public_key, || {
                    format!("derived {} / {}", public_key.x_hex(), public_key.y_hex())
                });
            }
            for mode in Mode::BOTH {
                let params = case.params(&credentials, mode, true);
                let output = match signer.sign(&request, &params) {
                    Ok(output) => output,
                    Err(error) => {
                        tally.check(&case.name, mode.prefix(), false, || error.to_string());
                        continue;
                    }
                };
                tally.compare_canonical_forms(case, mode, &output);
                let what = |part: &str| format!("{}-{part}", mode.prefix());
                let string_to_sign = output.string_to_sign();
                let verified = verify(string_to_sign.as_bytes(), output.signature(), &public_key);
                tally.check(
                    &case.name,
                    &what("own-signature-verifies"),
                    verified.is_ok(),
                    || format!("{verified:?}"),
                );
                if let Some(sample) = case.expected(mode, "signature.txt") {
                    let sample = String::from_utf8_lossy(&sample).trim().to_owned();
                    let verified = verify(string_to_sign.as_bytes(), &sample, &public_key);
                    tally.check(
                        &case.name,
                        &what("suite-signature-verifies"),
                        verified.is_ok(),
                        || format!("{verified:?}"),
                    );
                }
                if let Some(expected) = case.expected(mode, "signed-request.txt") {
                    let marker = match mode {
                        Mode::Header => "Signature=",
                        Mode::Query => "X-Amz-Signature=",
                    };
                    let expected = replace_signature(&expected, marker, output.signature());
                    let signed = raw.render(&output.query_string(), output.headers());
                    tally.compare(&case.name, &what("signed-request"), &signed, &expected);
                }
            }
        });
    }
    tally.finish(label, cases.len());
}

#[test]
fn every_v4a_suite_case_with_the_p256_engine() {
    run_suite("v4a suite (p256)", &EcdsaSigner::new());
}

#[cfg(feature = "aws-lc")]
#[test]
fn every_v4a_suite_case_with_the_aws_lc_engine() {
    run_suite(
        "v4a suite (aws-lc)",
        &EcdsaSigner::with_engine(sigv4kit_ecdsa::AwsLcEngine::new()),
    );
}
