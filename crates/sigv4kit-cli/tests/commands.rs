//! The commands end to end: sign into verify and presign into verify for
//! both algorithms, explain on mutated canonical requests, every error path
//! of the issue, secrets never printed, and help texts with examples.

mod common;

use common::{
    ACCESS_KEY_ID, SECRET, SESSION_TOKEN, TIME, json, sigv4, sigv4_keyed, sigv4_with, write,
};

const URL: &str = "https://api.example.com/items/a%20b?z=1&a=2";

/// The scope flags of the round trips, for `algorithm`.
fn scope(algorithm: &str) -> Vec<&'static str> {
    match algorithm {
        "sigv4" => vec![
            "--algorithm",
            "sigv4",
            "--service",
            "svc",
            "--region",
            "us-east-1",
        ],
        _ => vec![
            "--algorithm",
            "sigv4a",
            "--service",
            "svc",
            "--region-set",
            "us-east-1,us-west-2",
        ],
    }
}

fn args<'a>(first: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    first.iter().chain(rest).copied().collect()
}

/// Signs a POST with a header and a body, returns the signed raw request.
fn signed_request(algorithm: &str) -> String {
    let flags = scope(algorithm);
    sigv4_keyed(&args(
        &flags,
        &[
            "sign",
            "-X",
            "POST",
            URL,
            "-H",
            "X-Custom:  two  spaces ",
            "-d",
            "hello",
            "--time",
            TIME,
            "--output",
            "http",
        ],
    ))
    .ok()
}

#[test]
fn sign_then_verify_for_both_algorithms() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in ["sigv4", "sigv4a"] {
        let signed = signed_request(algorithm);
        assert!(signed.starts_with("POST /items/a%20b?z=1&a=2 HTTP/1.1\nHost:api.example.com\n"));
        assert!(signed.ends_with("\n\nhello"), "{signed}");
        let path = write(dir.path(), &format!("{algorithm}.http"), &signed);
        let flags = scope(algorithm);
        let verify = |file: &str, time: &str| {
            sigv4_keyed(&args(
                &flags,
                &["verify", "--request", file, "--time", time],
            ))
        };
        let valid = verify(&path, TIME);
        assert_eq!(valid.code, 0, "{valid:#?}");
        assert!(valid.stdout.starts_with("valid: "), "{}", valid.stdout);
        assert!(
            valid.stdout.contains("signed headers: host;x-amz-date"),
            "{}",
            valid.stdout
        );

        // Another body: invalid, with the reason and what was computed.
        let tampered = write(
            dir.path(),
            "tampered.http",
            signed.replace("hello", "HELLO"),
        );
        let invalid = verify(&tampered, TIME);
        assert_eq!(invalid.code, 1, "{invalid:#?}");
        assert!(
            invalid
                .stdout
                .starts_with("invalid: the signature does not match"),
            "{}",
            invalid.stdout
        );
        assert!(
            invalid
                .stdout
                .contains("--- canonical request computed\nPOST\n/items/a%2520b\n")
        );
        assert!(
            invalid
                .stdout
                .contains("--- string to sign computed\nAWS4-")
        );

        // Verified an hour later: too skewed, still with the canonical request.
        let late = verify(&path, "2026-03-01T13:00:00Z");
        assert_eq!(late.code, 1, "{late:#?}");
        assert!(
            late.stdout.contains("more than the 900 s allowed"),
            "{}",
            late.stdout
        );
        assert!(
            late.stdout.contains("--- canonical request computed\n"),
            "{}",
            late.stdout
        );
    }
}

#[test]
fn sigv4a_verifies_with_the_public_key_alone() {
    let dir = tempfile::tempdir().unwrap();
    let pair = sigv4_keyed(&["derive-key", "--output", "pair"]).ok();
    let path = write(dir.path(), "signed.http", signed_request("sigv4a"));
    // No credentials anywhere: the public key is enough.
    let run = sigv4(&[
        "verify",
        "--request",
        &path,
        "--service",
        "svc",
        "--public-key",
        pair.trim(),
        "--time",
        TIME,
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .starts_with("valid: AWS4-ECDSA-P256-SHA256 signature by AKIDEXAMPLE")
    );

    let text = sigv4_keyed(&["derive-key"]).ok();
    let (x, y) = pair.trim().split_once(',').unwrap();
    assert_eq!(text, format!("X: {x}\nY: {y}\n"));
}

#[test]
fn presign_then_verify_the_url_for_both_algorithms() {
    for algorithm in ["sigv4", "sigv4a"] {
        let flags = scope(algorithm);
        let url = sigv4_keyed(&args(
            &flags,
            &["presign", "--expires", "300", "--time", TIME, URL],
        ))
        .ok();
        let url = url.trim();
        assert!(
            url.starts_with(&format!("{URL}&X-Amz-Algorithm=AWS4-")),
            "{url}"
        );
        assert!(url.contains("&X-Amz-Expires=300&"), "{url}");
        if algorithm == "sigv4a" {
            assert!(
                url.contains("&X-Amz-Region-Set=us-east-1%2Cus-west-2&"),
                "{url}"
            );
        }
        let verify =
            |time: &str| sigv4_keyed(&args(&flags, &["verify", "--url", url, "--time", time]));
        let valid = verify("2026-03-01T12:04:00Z");
        assert_eq!(valid.code, 0, "{valid:#?}");
        assert!(
            valid.stdout.contains("presigned for 300 s"),
            "{}",
            valid.stdout
        );
        let expired = verify("2026-03-01T12:06:00Z");
        assert_eq!(expired.code, 1, "{expired:#?}");
        assert!(
            expired
                .stdout
                .starts_with("invalid: the presigned URL expired"),
            "{}",
            expired.stdout
        );

        let json = json(
            &sigv4_keyed(&args(
                &flags,
                &["presign", "--time", TIME, URL, "--output", "json"],
            ))
            .ok(),
        );
        assert!(json["authorization"].is_null());
        assert_eq!(json["headers"], serde_json::json!([]));
        assert!(json["url"].as_str().unwrap().contains("X-Amz-Signature="));
    }
}

#[test]
fn the_json_output_has_the_documented_fields() {
    let run = sigv4_keyed(&args(
        &scope("sigv4"),
        &[
            "sign",
            URL,
            "--time",
            TIME,
            "--output",
            "json",
            "--unsigned-payload",
        ],
    ));
    let json = json(&run.ok());
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "algorithm",
            "authorization",
            "canonical_request",
            "credential_scope",
            "headers",
            "signature",
            "signed_headers",
            "string_to_sign",
            "url"
        ]
    );
    assert_eq!(json["algorithm"], "AWS4-HMAC-SHA256");
    assert_eq!(
        json["credential_scope"],
        "20260301/us-east-1/svc/aws4_request"
    );
    assert_eq!(json["url"], URL);
    assert!(
        json["canonical_request"]
            .as_str()
            .unwrap()
            .ends_with("\nUNSIGNED-PAYLOAD")
    );
    let authorization = json["authorization"].as_str().unwrap();
    assert_eq!(
        json["headers"][1],
        serde_json::json!(["Authorization", authorization])
    );
    assert!(authorization.ends_with(json["signature"].as_str().unwrap()));
}

#[test]
fn curl_output_is_a_command_that_sends_the_signed_headers() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(dir.path(), "body.bin", "it's data");
    let curl = sigv4_keyed(&args(
        &scope("sigv4"),
        &[
            "sign",
            "-X",
            "PUT",
            URL,
            "--data-binary",
            &format!("@{body}"),
            "--time",
            TIME,
            "--output",
            "curl",
        ],
    ))
    .ok();
    assert!(
        curl.starts_with(&format!("curl -X 'PUT' '{URL}'")),
        "{curl}"
    );
    assert!(curl.contains("-H 'X-Amz-Date: 20260301T120000Z'"), "{curl}");
    assert!(
        curl.contains("-H 'Authorization: AWS4-HMAC-SHA256 Credential="),
        "{curl}"
    );
    assert!(curl.contains(&format!("--data-binary '@{body}'")), "{curl}");
    let inline = sigv4_keyed(&args(
        &scope("sigv4"),
        &[
            "sign", URL, "-d", "it's", "--time", TIME, "--output", "curl",
        ],
    ))
    .ok();
    assert!(inline.contains(r"--data-binary 'it'\''s'"), "{inline}");
}

/// The canonical request `sign` computed for the signed request at `path`.
fn canonical_of(algorithm: &str) -> (String, String) {
    let flags = scope(algorithm);
    let run = sigv4_keyed(&args(
        &flags,
        &[
            "sign",
            "-X",
            "POST",
            URL,
            "-H",
            "X-Custom:  two  spaces ",
            "-d",
            "hello",
            "--time",
            TIME,
            "--output",
            "json",
        ],
    ));
    let json = json(&run.ok());
    (
        json["canonical_request"].as_str().unwrap().to_owned(),
        signed_request(algorithm),
    )
}

#[test]
fn explain_names_the_part_that_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (canonical, signed) = canonical_of("sigv4");
    let request = write(dir.path(), "signed.http", &signed);
    let explain = |reported: &str| {
        let expected = write(dir.path(), "reported.txt", reported);
        sigv4_keyed(&args(
            &scope("sigv4"),
            &[
                "explain",
                "--request",
                &request,
                "--expected-canonical",
                &expected,
            ],
        ))
    };

    let same = explain(&canonical);
    assert_eq!(same.code, 0, "{same:#?}");
    assert!(
        same.stdout.contains("The canonical requests are identical"),
        "{}",
        same.stdout
    );

    let body_hash = canonical.lines().last().unwrap().to_owned();
    let mutations = [
        (
            canonical.replacen("POST", "PUT", 1),
            "* method: computed POST, reported PUT",
            "another method",
        ),
        (
            canonical.replacen("/items/a%2520b", "/items/a%20b", 1),
            "* path:",
            "double encoding",
        ),
        (
            canonical.replacen("/items/a%2520b", "/items/./a%2520b", 1),
            "* path:",
            "dot segments",
        ),
        (
            canonical.replacen("a=2&z=1", "z=1&a=2", 1),
            "* query: the same parameters in another order",
            "query order",
        ),
        (
            canonical.replacen("x-custom:two spaces", "x-custom:two  spaces", 1),
            "* header x-custom: x-custom differs only in whitespace",
            "header whitespace",
        ),
        (
            canonical.replacen("host:api.example.com", "host:api.example.com:443", 1),
            "* header host:",
            "a port",
        ),
        (
            canonical
                .replacen(
                    "x-custom:two spaces\n",
                    "x-custom:two spaces\nx-forwarded-for:10.0.0.1\n",
                    1,
                )
                .replacen(";x-custom\n", ";x-custom;x-forwarded-for\n", 1),
            "* signed headers: only reported: x-forwarded-for",
            "the signed-header list differs",
        ),
        (
            canonical.replacen(&body_hash, "UNSIGNED-PAYLOAD", 1),
            "* payload hash:",
            "UNSIGNED-PAYLOAD",
        ),
    ];
    for (reported, part, cause) in mutations {
        let run = explain(&reported);
        assert_eq!(run.code, 1, "{run:#?}");
        assert!(run.stdout.contains(part), "{part}:\n{}", run.stdout);
        assert!(run.stdout.contains(cause), "{cause}:\n{}", run.stdout);
        assert!(
            run.stdout.contains("\n- ") && run.stdout.contains("\n+ "),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn explain_signs_an_unsigned_request_first() {
    let dir = tempfile::tempdir().unwrap();
    let request = write(
        dir.path(),
        "request.txt",
        "GET /a//b HTTP/1.1\nHost:bucket.s3.us-west-2.amazonaws.com\n\n",
    );
    let ours = sigv4_keyed(&[
        "sign",
        "--request",
        &request,
        "--time",
        TIME,
        "--output",
        "json",
    ]);
    let canonical = json(&ours.ok())["canonical_request"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        canonical.starts_with("GET\n/a//b\n"),
        "the s3 preset signs the path as sent: {canonical}"
    );
    let reported = write(
        dir.path(),
        "reported.txt",
        canonical.replacen("/a//b", "/a/b", 1),
    );
    let run = sigv4_keyed(&[
        "explain",
        "--request",
        &request,
        "--expected-canonical",
        &reported,
        "--time",
        TIME,
    ]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.contains("repeated slashes"), "{}", run.stdout);
    assert!(
        run.stdout.contains("preset s3, path normalized: no"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_error_is_one_line_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["sign", "https://sts.amazonaws.com/"],
            "no AWS credentials found",
        ),
        (vec!["sign", "not a url"], "invalid URL"),
        (
            vec!["sign", "ftp://example.com/"],
            "the scheme is not http or https",
        ),
        (
            vec!["sign", "--algorithm", "sigv5", "https://sts.amazonaws.com/"],
            "\"sigv5\" is neither sigv4 nor sigv4a",
        ),
        (
            vec![
                "sign",
                "--algorithm",
                "sigv4",
                "--region-set",
                "us-east-1",
                "https://sts.amazonaws.com/",
            ],
            "conflicts with the algorithm sigv4",
        ),
        (
            vec!["sign", "--request", "/nonexistent/request.txt"],
            "cannot read /nonexistent/request.txt",
        ),
        (
            vec![
                "sign",
                "https://sts.amazonaws.com/",
                "--data-binary",
                "@/nonexistent/body",
            ],
            "cannot read /nonexistent/body",
        ),
        (
            vec![
                "sign",
                "--config",
                "/nonexistent/sigv4.toml",
                "https://sts.amazonaws.com/",
            ],
            "cannot read the configuration file",
        ),
        (vec!["sign", "https://127.0.0.1/"], "no service"),
        (
            vec!["sign", "--preset", "s4", "https://sts.amazonaws.com/"],
            "unknown service preset",
        ),
        (
            vec!["sign", "--time", "yesterday", "https://sts.amazonaws.com/"],
            "invalid --time",
        ),
        (
            vec!["sign", "-H", "NoColon", "https://sts.amazonaws.com/"],
            "invalid header",
        ),
        (
            vec![
                "sign",
                "--payload-hash",
                "xyz",
                "https://sts.amazonaws.com/",
            ],
            "invalid --payload-hash",
        ),
        (
            vec![
                "presign",
                "--expires",
                "999999",
                "https://sts.amazonaws.com/",
            ],
            "expir",
        ),
        (
            vec![
                "verify",
                "--url",
                "https://h/?X-Amz-Algorithm=AWS4-HMAC-SHA256",
                "--public-key",
                "12,34",
            ],
            "invalid --public-key",
        ),
        (vec!["sign"], "required"),
        (vec!["frobnicate"], "unrecognized subcommand"),
    ];
    let keyed = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    for (arguments, message) in cases {
        let env: &[(&str, &str)] = if message == "no AWS credentials found" {
            &[]
        } else {
            &keyed
        };
        let run = sigv4_with(&arguments, env, None);
        let stderr = run.usage_error();
        assert!(stderr.contains(message), "{arguments:?}: {stderr}");
    }
    let unreadable = write(dir.path(), "garbage.txt", "not an http request");
    let run = sigv4_keyed(&["sign", "--request", &unreadable]);
    assert!(run.usage_error().contains("not a raw HTTP/1.1 request"));
}

#[test]
fn secrets_never_appear_and_the_token_is_redacted_from_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
    ];
    let flags = scope("sigv4a");
    let mut runs = Vec::new();
    for output in ["headers", "json", "curl", "http"] {
        runs.push(sigv4_with(
            &args(
                &flags,
                &[
                    "sign", "-v", URL, "-d", "x", "--time", TIME, "--output", output,
                ],
            ),
            &env,
            None,
        ));
    }
    for output in ["url", "json"] {
        runs.push(sigv4_with(
            &args(
                &flags,
                &["presign", "-v", URL, "--time", TIME, "--output", output],
            ),
            &env,
            None,
        ));
    }
    let signed = sigv4_with(
        &args(&flags, &["sign", URL, "--time", TIME, "--output", "http"]),
        &env,
        None,
    )
    .ok();
    let path = write(dir.path(), "signed.http", &signed);
    runs.push(sigv4_with(
        &args(
            &flags,
            &[
                "verify",
                "-v",
                "--request",
                &path,
                "--time",
                "2027-01-01T00:00:00Z",
            ],
        ),
        &env,
        None,
    ));
    runs.push(sigv4_with(
        &args(
            &flags,
            &[
                "explain",
                "-v",
                "--request",
                &path,
                "--expected-canonical",
                &path,
            ],
        ),
        &env,
        None,
    ));
    // The secret given on the command line, and in an error.
    runs.push(sigv4(&args(
        &flags,
        &[
            "sign",
            "-v",
            "--access-key",
            ACCESS_KEY_ID,
            "--secret-key",
            SECRET,
            URL,
            "--output",
            "json",
        ],
    )));
    runs.push(sigv4(&[
        "sign",
        "--access-key",
        ACCESS_KEY_ID,
        "--secret-key",
        SECRET,
        "bad url",
    ]));
    for run in &runs {
        assert!(
            !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
            "{run:#?}"
        );
        assert!(
            !run.stderr.contains(SESSION_TOKEN),
            "the token in diagnostics: {run:#?}"
        );
    }
    // -v printed the canonical request with the token redacted.
    assert!(
        runs[0]
            .stderr
            .contains("x-amz-security-token:<session token>"),
        "{:#?}",
        runs[0]
    );
    // The token is part of the request itself, so the request outputs carry it.
    assert!(
        runs[0]
            .stdout
            .contains(&format!("X-Amz-Security-Token: {SESSION_TOKEN}"))
    );
}

#[test]
fn help_texts_have_examples() {
    let root = sigv4(&["--help"]).ok();
    assert!(
        root.contains("Examples:") && root.contains("Exit status"),
        "{root}"
    );
    for command in ["sign", "presign", "verify", "send", "explain", "derive-key"] {
        let help = sigv4(&[command, "--help"]).ok();
        assert!(help.contains("Examples:\n  # "), "{command}: {help}");
        assert!(
            help.contains("--algorithm"),
            "{command}: the global options: {help}"
        );
    }
}
