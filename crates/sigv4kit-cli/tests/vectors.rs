//! The project's own known answers (`vectors/cases.jsonl`, or the file named
//! by `SIGV4_VECTORS`; format in `vectors/README.md`) through the `sigv4`
//! command, as a user would run it: each case's request is written as a raw
//! request file and signed with `sign --output json`, or `presign --output
//! json` for query signing, with every setting of the case as a flag and
//! `--preset none`, so that nothing but the flags decides.
//!
//! The raw file, not a URL, because the command resolves a URL's dot
//! segments and re-encodes it as HTTP clients do, and the S3 cases sign the
//! path as sent. The raw reader keeps header values byte for byte (leading,
//! trailing and inner whitespace, and folded lines), as the cases need.
//!
//! Compared: the canonical request and string to sign always; for SigV4 also
//! the signature, the `Authorization` header and the added headers, or the
//! presigned URL. SigV4A signatures carry a random nonce, so instead the
//! CRT's signed request must pass `sigv4 verify` with the stored public key
//! alone (with `--omit-session-token` where the token was sent unsigned).
//! A case's `payload` maps to `--signed-payload` or `--unsigned-payload`:
//! `--preset none` alone would presign `UNSIGNED-PAYLOAD`.

mod common;

use std::path::{Path, PathBuf};

use base64::prelude::{BASE64_STANDARD, Engine as _};
use sigv4kit_suite::Tally;
use sigv4kit_suite::vectors::{
    Case, CaseCredentials, SIGV4, SIGV4A, load_cases, vectors_file, with_bare_keys_as_empty_values,
};

/// `20150830T123600Z` as RFC 3339, `2015-08-30T12:36:00Z`, as `--time` takes it.
fn rfc3339(amz_date: &str) -> Result<String, String> {
    let well_formed = amz_date.len() == 16
        && amz_date.is_ascii()
        && amz_date.as_bytes()[8] == b'T'
        && amz_date.ends_with('Z');
    if !well_formed {
        return Err(format!("{amz_date:?} is not YYYYMMDDTHHMMSSZ"));
    }
    let part = |range: std::ops::Range<usize>| &amz_date[range];
    Ok(format!(
        "{}-{}-{}T{}:{}:{}Z",
        part(0..4),
        part(4..6),
        part(6..8),
        part(9..11),
        part(11..13),
        part(13..15)
    ))
}

/// A raw request in the format `--request` reads: the request line, the
/// headers exactly as stored (values unchanged, so whitespace and folds
/// survive), a blank line and the body byte for byte.
fn raw_request(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut text = format!("{method} {target} HTTP/1.1\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}:{value}\n"));
    }
    text.push('\n');
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The flags of the case's configuration, shared by signing and verifying:
/// the algorithm, scope, time and every signing rule.
fn config_flags(case: &Case) -> Result<Vec<String>, String> {
    let settings = &case.settings;
    let algorithm = match case.algorithm.as_str() {
        SIGV4 => "sigv4",
        SIGV4A => "sigv4a",
        other => return Err(format!("unknown algorithm {other:?}")),
    };
    let mut flags: Vec<String> = vec![
        "--preset".into(),
        "none".into(),
        "--algorithm".into(),
        algorithm.into(),
        "--service".into(),
        settings.service.clone(),
        "--time".into(),
        rfc3339(&case.time)?,
    ];
    match (&settings.region, &settings.region_set) {
        (Some(region), None) => flags.extend(["--region".into(), region.clone()]),
        (None, Some(set)) => flags.extend(["--region-set".into(), set.clone()]),
        _ => return Err("not exactly one of region and region_set".to_owned()),
    }
    match settings.payload.as_str() {
        "signed" => flags.push("--signed-payload".into()),
        "unsigned" => flags.push("--unsigned-payload".into()),
        other => return Err(format!("unknown payload mode {other:?}")),
    }
    if settings.content_sha256_header {
        flags.push("--content-sha256-header".into());
    }
    match (
        settings.path_rules.normalize,
        settings.path_rules.double_encode,
    ) {
        (true, true) => {}
        (false, false) => flags.extend(["--no-normalize-path".into(), "--no-double-encode".into()]),
        (normalize, double_encode) => {
            return Err(format!(
                "path rules normalize={normalize}, double_encode={double_encode}: the format allows both or neither"
            ));
        }
    }
    match settings.session_token.as_str() {
        "signed" => {}
        "unsigned" => flags.push("--omit-session-token".into()),
        other => return Err(format!("unknown session_token mode {other:?}")),
    }
    Ok(flags)
}

fn credential_flags(credentials: &CaseCredentials) -> Vec<String> {
    let mut flags: Vec<String> = vec![
        "--access-key".into(),
        credentials.access_key_id.clone(),
        "--secret-key".into(),
        credentials.secret_access_key.clone(),
    ];
    if let Some(token) = &credentials.session_token {
        flags.extend(["--session-token".into(), token.clone()]);
    }
    flags
}

fn run(args: &[String]) -> common::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::sigv4(&args)
}

/// What a run over a vectors file found.
#[derive(Default)]
struct Report {
    tally: Tally,
}

impl Report {
    fn merge(&mut self, other: Self) {
        self.tally.passed_cases += other.tally.passed_cases;
        self.tally.comparisons += other.tally.comparisons;
        self.tally.empty_cases.extend(other.tally.empty_cases);
        self.tally.failures.extend(other.tally.failures);
    }
}

fn json_text<'j>(json: &'j serde_json::Value, field: &str) -> &'j str {
    json[field].as_str().unwrap_or_default()
}

fn run_case(tally: &mut Tally, dir: &Path, case: &Case) {
    let prepared = config_flags(case).and_then(|flags| {
        BASE64_STANDARD
            .decode(&case.request.body_base64)
            .map(|body| (flags, body))
            .map_err(|error| format!("body_base64: {error}"))
    });
    let (flags, body) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            tally.check(&case.id, "reads the case", false, || error);
            return;
        }
    };
    let request_file = dir.join(format!("{}.txt", case.id));
    let raw = raw_request(
        &case.request.method,
        &case.request.target(),
        &case.request.headers,
        &body,
    );
    std::fs::write(&request_file, raw).expect("write a request file");

    let presigned = case.settings.signature_location == "query";
    let mut args: Vec<String> = vec![if presigned { "presign" } else { "sign" }.into()];
    args.extend(flags.iter().cloned());
    args.extend(credential_flags(&case.credentials));
    args.extend([
        "--request".into(),
        request_file.to_str().expect("UTF-8 temp path").into(),
        "--output".into(),
        "json".into(),
    ]);
    if presigned {
        match case.settings.expires_seconds {
            Some(seconds) => args.extend(["--expires".into(), seconds.to_string()]),
            None => {
                tally.check(&case.id, "reads the case", false, || {
                    "a query signature without expires_seconds".to_owned()
                });
                return;
            }
        }
    }
    let signed = run(&args);
    if !tally.check(&case.id, "sigv4 signs", signed.code == 0, || {
        format!("exit {}: {}", signed.code, signed.stderr.trim())
    }) {
        return;
    }
    let json: serde_json::Value = match serde_json::from_str(&signed.stdout) {
        Ok(json) => json,
        Err(error) => {
            tally.check(&case.id, "JSON output", false, || {
                format!("{error}: {}", signed.stdout)
            });
            return;
        }
    };
    let expected = &case.expected;
    for (field, expected) in [
        ("canonical_request", &expected.canonical_request),
        ("string_to_sign", &expected.string_to_sign),
    ] {
        if let Some(expected) = expected {
            tally.compare(
                &case.id,
                field,
                json_text(&json, field).as_bytes(),
                expected.as_bytes(),
            );
        }
    }
    if case.algorithm == SIGV4 {
        compare_sigv4_answers(tally, case, &json);
    } else {
        verify_crt_request(tally, dir, case, &flags, &body);
    }
}

/// The signature, and the `Authorization` header with the added headers, or
/// the presigned URL.
fn compare_sigv4_answers(tally: &mut Tally, case: &Case, json: &serde_json::Value) {
    let expected = &case.expected;
    let Some(signature) = &expected.signature else {
        tally.check(&case.id, "reads the case", false, || {
            "a SigV4 case without a signature".to_owned()
        });
        return;
    };
    tally.compare(
        &case.id,
        "signature",
        json_text(json, "signature").as_bytes(),
        signature.as_bytes(),
    );
    match (&expected.authorization, &expected.presigned_url) {
        (Some(authorization), None) => {
            tally.compare(
                &case.id,
                "authorization",
                json_text(json, "authorization").as_bytes(),
                authorization.as_bytes(),
            );
            let actual: Vec<(String, String)> =
                serde_json::from_value(json["headers"].clone()).unwrap_or_default();
            let same = actual.len() == expected.added_headers.len()
                && actual
                    .iter()
                    .zip(&expected.added_headers)
                    .all(|(ours, theirs)| {
                        ours.0.eq_ignore_ascii_case(&theirs.0) && ours.1 == theirs.1
                    });
            tally.check(&case.id, "headers", same, || {
                format!(
                    "\n--- expected\n{:?}\n--- actual\n{}",
                    expected.added_headers, json["headers"]
                )
            });
        }
        (None, Some(url)) => {
            let actual = with_bare_keys_as_empty_values(json_text(json, "url"));
            tally.compare(&case.id, "url", actual.as_bytes(), url.as_bytes());
        }
        _ => {
            tally.check(&case.id, "reads the case", false, || {
                "not exactly one of authorization and presigned_url".to_owned()
            });
        }
    }
}

/// The CRT's signed request (the case's headers with the added ones, or the
/// presigned URL's target) through `sigv4 verify` with the public key alone.
fn verify_crt_request(tally: &mut Tally, dir: &Path, case: &Case, flags: &[String], body: &[u8]) {
    let Some(key) = &case.expected.public_key else {
        tally.check(&case.id, "reads the case", false, || {
            "a SigV4A case without a public key".to_owned()
        });
        return;
    };
    let raw = match &case.expected.presigned_url {
        Some(url) => {
            let prefix = format!("https://{}", case.request.host);
            let Some(target) = url.strip_prefix(&prefix) else {
                tally.check(&case.id, "reads the case", false, || {
                    format!("presigned URL {url} is not on {prefix}")
                });
                return;
            };
            raw_request(&case.request.method, target, &case.request.headers, body)
        }
        None => {
            let headers: Vec<(String, String)> = case
                .request
                .headers
                .iter()
                .chain(&case.expected.added_headers)
                .cloned()
                .collect();
            raw_request(&case.request.method, &case.request.target(), &headers, body)
        }
    };
    let signed_file = dir.join(format!("{}.signed.txt", case.id));
    std::fs::write(&signed_file, raw).expect("write a signed request file");
    let mut args: Vec<String> = vec!["verify".into()];
    args.extend(flags.iter().cloned());
    args.extend([
        "--request".into(),
        signed_file.to_str().expect("UTF-8 temp path").into(),
        "--public-key".into(),
        format!("{},{}", key.x, key.y),
    ]);
    let verified = run(&args);
    tally.check(
        &case.id,
        "sigv4 verify of the CRT's request",
        verified.code == 0 && verified.stdout.starts_with("valid:"),
        || {
            format!(
                "exit {}: {}{}",
                verified.code,
                verified.stdout.trim(),
                verified.stderr.trim()
            )
        },
    );
}

/// Runs every case of `cases` through the command, in a few threads: each
/// case spawns one or two processes, and most of the time is theirs.
fn run_cases(cases: &[Case]) -> Report {
    let dir = tempfile::tempdir().expect("a temp dir");
    let threads = std::thread::available_parallelism().map_or(2, |count| count.get().clamp(2, 8));
    let chunk = cases.len().div_ceil(threads);
    let reports: Vec<Report> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk.max(1))
            .map(|chunk| {
                let dir = dir.path();
                scope.spawn(move || {
                    let mut report = Report::default();
                    for case in chunk {
                        report.tally.case(&case.id, |tally| {
                            run_case(tally, dir, case);
                        });
                    }
                    report
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a worker thread"))
            .collect()
    });
    let mut report = Report::default();
    for one in reports {
        report.merge(one);
    }
    report
}

#[test]
fn every_vector_signs_through_the_command_as_the_oracles_did() {
    let path = vectors_file();
    let cases = load_cases(&path);
    let started = std::time::Instant::now();
    let report = run_cases(&cases);
    let sigv4 = cases.iter().filter(|case| case.algorithm == SIGV4).count();
    eprintln!(
        "{} cases run through sigv4 in {:.1} s: {sigv4} SigV4, {} SigV4A",
        cases.len(),
        started.elapsed().as_secs_f64(),
        cases.len() - sigv4
    );
    report.tally.finish(
        &format!("vectors through sigv4 ({})", path.display()),
        cases.len(),
    );
}

/// `hex` with its last digit changed.
fn flip_last_hex_digit(hex: &str) -> String {
    let mut changed = hex.to_owned();
    let last = changed.pop().expect("a hex string");
    changed.push(if last == '0' { '1' } else { '0' });
    changed
}

/// The harness reports a wrong expected answer: a SigV4 signature, and a
/// SigV4A signature that `sigv4 verify` must refuse, each changed in one
/// hex digit in a copy of the checked-in cases.
#[test]
fn a_corrupted_vector_is_reported_as_a_mismatch() {
    let checked_in = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/cases.jsonl");
    let cases = load_cases(&checked_in);
    let mut sigv4 = cases
        .iter()
        .find(|case| case.algorithm == SIGV4 && case.expected.authorization.is_some())
        .expect("a SigV4 header case")
        .clone();
    let signature = sigv4.expected.signature.clone().expect("a signature");
    sigv4.expected.signature = Some(flip_last_hex_digit(&signature));

    let mut sigv4a = cases
        .iter()
        .find(|case| {
            case.algorithm == SIGV4A
                && case.settings.session_token == "signed"
                && case.expected.authorization.is_some()
        })
        .expect("a SigV4A header case")
        .clone();
    let authorization = sigv4a
        .expected
        .added_headers
        .iter_mut()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .expect("an added Authorization header");
    authorization.1 = flip_last_hex_digit(&authorization.1);

    let dir = tempfile::tempdir().expect("a temp dir");
    let corrupted = dir.path().join("corrupted.jsonl");
    let lines: Vec<String> = [&sigv4, &sigv4a]
        .iter()
        .map(|case| serde_json::to_string(case).expect("a case serializes"))
        .collect();
    std::fs::write(&corrupted, lines.join("\n")).expect("write the corrupted cases");

    let report = run_cases(&load_cases(&corrupted));
    let failures = report.tally.failures.join("\n");
    assert_eq!(report.tally.passed_cases, 0, "{failures}");
    for expected in [
        format!("{}: signature: ", sigv4.id),
        format!(
            "{}: sigv4 verify of the CRT's request: exit 1: invalid",
            sigv4a.id
        ),
    ] {
        assert!(
            failures.contains(&expected),
            "{expected:?} is not among the failures:\n{failures}"
        );
    }
}
