//! Conformance: every case folder of the AWS signing test suite's `v4/`, in
//! header and query mode, byte for byte.

use sigv4kit_canon::RawRequest;
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::Signer;
use sigv4kit_suite::{Mode, Tally, cases};

#[test]
fn every_v4_suite_case_signs_exactly_as_the_suite_says() {
    let Some(cases) = cases("v4") else { return };
    let signer = HmacSigner::new();
    let mut tally = Tally::default();
    for case in &cases {
        let raw = RawRequest::parse(&case.request)
            .unwrap_or_else(|error| panic!("{}: request.txt: {error}", case.name));
        let credentials = case.credentials();
        let request = raw.as_request().with_payload(case.payload(raw.body));
        tally.case(&case.name, |tally| {
            for mode in Mode::BOTH {
                let params = case.params(&credentials, mode, false);
                let output = match signer.sign(&request, &params) {
                    Ok(output) => output,
                    Err(error) => {
                        tally.check(&case.name, mode.prefix(), false, || error.to_string());
                        continue;
                    }
                };
                tally.compare_canonical_forms(case, mode, &output);
                let label = |what: &str| format!("{}-{what}", mode.prefix());
                if let Some(expected) = case.expected(mode, "signature.txt") {
                    let actual = output.signature().as_bytes();
                    tally.compare(&case.name, &label("signature"), actual, &expected);
                }
                if let Some(expected) = case.expected(mode, "signed-request.txt") {
                    let signed = raw.render(&output.query_string(), output.headers());
                    tally.compare(&case.name, &label("signed-request"), &signed, &expected);
                }
            }
        });
    }
    tally.finish("v4 suite", cases.len());
}
