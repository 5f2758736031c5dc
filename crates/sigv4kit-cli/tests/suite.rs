//! Every case of the AWS signing test suite, signed through the command line:
//! `sign --request <case>/request.txt --output json` for header signing and
//! `presign --request ... --output json` for query signing, with the case's
//! credentials, time and context as flags. The JSON fields are compared with
//! the case files byte for byte; SigV4A signatures (random nonces) are
//! checked by verification with the case's public key, which `derive-key`
//! must also reproduce.

mod common;

use common::{json, sigv4};
use sigv4kit::{EcdsaSigner, PublicKey};
use sigv4kit_suite::{Case, Mode, Tally, cases};

/// The flags that give the command the case's context.
fn context_flags(case: &Case, algorithm: &str) -> Vec<String> {
    let context = &case.context;
    let credentials = &context.credentials;
    let mut flags = vec![
        "--algorithm".to_owned(),
        algorithm.to_owned(),
        "--service".to_owned(),
        context.service.clone(),
        if algorithm == "sigv4" {
            "--region".to_owned()
        } else {
            "--region-set".to_owned()
        },
        context.region.clone(),
        "--time".to_owned(),
        context.timestamp.clone(),
        "--access-key".to_owned(),
        credentials.access_key_id.clone(),
        "--secret-key".to_owned(),
        credentials.secret_access_key.clone(),
        // The suite signs with the general rules, double encoding always on.
        "--preset".to_owned(),
        "default".to_owned(),
    ];
    if let Some(token) = &credentials.token {
        flags.extend(["--session-token".to_owned(), token.clone()]);
    }
    if context.omit_session_token {
        flags.push("--omit-session-token".to_owned());
    }
    if !context.normalize {
        flags.push("--no-normalize-path".to_owned());
    }
    if context.sign_body {
        flags.push("--content-sha256-header".to_owned());
    }
    flags
}

fn run_case(case: &Case, algorithm: &str, mode: Mode, output: &str) -> common::Run {
    let request = case.dir.join("request.txt");
    let mut args = vec![match mode {
        Mode::Header => "sign".to_owned(),
        Mode::Query => "presign".to_owned(),
    }];
    args.extend(context_flags(case, algorithm));
    args.extend([
        "--request".to_owned(),
        request.to_str().expect("UTF-8 path").to_owned(),
        "--output".to_owned(),
        output.to_owned(),
    ]);
    if mode == Mode::Query {
        args.extend([
            "--expires".to_owned(),
            case.context.expiration_in_seconds.to_string(),
        ]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sigv4(&args)
}

fn text(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Compares the JSON's canonical request and string to sign with the case's.
fn compare_canonical_forms(tally: &mut Tally, case: &Case, mode: Mode, json: &serde_json::Value) {
    for (field, file) in [
        ("canonical_request", "canonical-request.txt"),
        ("string_to_sign", "string-to-sign.txt"),
    ] {
        if let Some(expected) = case.expected(mode, file) {
            let actual = json[field].as_str().unwrap_or_default();
            tally.compare(
                &case.name,
                &format!("{}-{field}", mode.prefix()),
                actual.as_bytes(),
                &expected,
            );
        }
    }
}

#[test]
fn every_v4_case_signed_and_presigned_through_the_command() {
    let Some(cases) = cases("v4") else { return };
    let mut tally = Tally::default();
    for case in &cases {
        tally.case(&case.name, |tally| {
            for mode in Mode::BOTH {
                let run = run_case(case, "sigv4", mode, "json");
                if !tally.check(&case.name, mode.prefix(), run.code == 0, || {
                    format!("{run:?}")
                }) {
                    continue;
                }
                let json = json(&run.stdout);
                compare_canonical_forms(tally, case, mode, &json);
                if let Some(expected) = text(case.expected(mode, "signature.txt")) {
                    let actual = json["signature"].as_str().unwrap_or_default();
                    tally.compare(
                        &case.name,
                        &format!("{}-signature", mode.prefix()),
                        actual.as_bytes(),
                        expected.trim().as_bytes(),
                    );
                }
                if let Some(expected) = case.expected(mode, "signed-request.txt") {
                    let run = run_case(case, "sigv4", mode, "http");
                    tally.compare(
                        &case.name,
                        &format!("{}-signed-request", mode.prefix()),
                        run.stdout.as_bytes(),
                        &expected,
                    );
                }
            }
        });
    }
    tally.finish("v4 suite through sigv4", cases.len());
}

#[test]
fn every_v4a_case_signed_presigned_and_verified_through_the_command() {
    let Some(cases) = cases("v4a") else { return };
    let mut tally = Tally::default();
    for case in &cases {
        tally.case(&case.name, |tally| {
            // The case's published key when it has one, else the library's
            // derivation (one case ships no public-key.json).
            let key = match case.file("public-key.json") {
                Some(file) => {
                    let file: serde_json::Value =
                        serde_json::from_slice(&file).expect("public-key.json");
                    PublicKey::from_xy_hex(
                        file["X"].as_str().unwrap_or_default(),
                        file["Y"].as_str().unwrap_or_default(),
                    )
                    .expect("the suite's key parses")
                }
                None => EcdsaSigner::new()
                    .public_key(&case.credentials())
                    .expect("derives"),
            };
            let credentials = &case.context.credentials;
            let derived = sigv4(&[
                "derive-key",
                "--output",
                "json",
                "--access-key",
                &credentials.access_key_id,
                "--secret-key",
                &credentials.secret_access_key,
            ]);
            let derived = json(&derived.stdout);
            tally.check(
                &case.name,
                "derive-key",
                derived["X"] == key.x_hex().as_str() && derived["Y"] == key.y_hex().as_str(),
                || format!("derived {derived}"),
            );

            for mode in Mode::BOTH {
                let run = run_case(case, "sigv4a", mode, "json");
                if !tally.check(&case.name, mode.prefix(), run.code == 0, || {
                    format!("{run:?}")
                }) {
                    continue;
                }
                let json = json(&run.stdout);
                compare_canonical_forms(tally, case, mode, &json);
                let string_to_sign = json["string_to_sign"].as_str().unwrap_or_default();
                let signature = json["signature"].as_str().unwrap_or_default();
                let verified = sigv4kit_ecdsa::verify(string_to_sign.as_bytes(), signature, &key);
                tally.check(
                    &case.name,
                    &format!("{}-signature-verifies", mode.prefix()),
                    verified.is_ok(),
                    || format!("{verified:?}"),
                );
            }
        });
    }
    tally.finish("v4a suite through sigv4", cases.len());
}
