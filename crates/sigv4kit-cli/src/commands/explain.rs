//! `sigv4 explain`: our canonical request against a server's.

use sigv4kit::canon::{Payload, RequestSignature};
use sigv4kit::explain::{Explanation, Side, explain};

use crate::cli::{ExplainArgs, GlobalOptions};
use crate::commands::verify::recompute;
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_VERDICT};
use crate::request::{RequestInput, read_input};
use crate::setup::{Setup, redact_token};

/// Compares and prints the explanation; the verdict status.
pub fn run(global: &GlobalOptions, args: &ExplainArgs) -> CliResult {
    let input = RequestInput::from_raw_file(&args.request)?;
    let reported = String::from_utf8(read_input(&args.expected_canonical)?).map_err(|_| {
        CliError::invalid(
            "--expected-canonical",
            format!("{} is not UTF-8 text", args.expected_canonical.display()),
        )
    })?;
    let raw = input.raw()?;
    let request = raw.as_request().with_payload(input.payload(raw.body));
    let signature = RequestSignature::from_request(&request).ok();
    let setup = Setup::resolve(
        global,
        Some(&input.host),
        signature.as_ref().map(|signature| signature.algorithm),
    )?;
    // A signed request is read as the server reads it; an unsigned one is
    // signed here first, as the client would.
    let (computed, token) = match &signature {
        Some(signature) => {
            let recomputed = recompute(
                &request.with_payload(Payload::Bytes(raw.body)),
                signature,
                &setup.resolved,
            )?;
            (recomputed.canonical_request, recomputed.session_token)
        }
        None => {
            let signer = setup.resolved.request_signer();
            let credentials = setup.credentials()?;
            let output = signer.sign_with(&request, &credentials, signer.now()?)?;
            let canonical = output.canonical_request().unwrap_or_default().to_owned();
            let token = credentials
                .session_token()
                .map(|token| token.expose().to_owned());
            (canonical, token)
        }
    };
    let explanation = explain(&computed, &reported);
    print!("{}", render(&explanation, token.as_deref(), &setup));
    Ok(if explanation.is_identical() {
        EXIT_OK
    } else {
        EXIT_VERDICT
    })
}

/// The diff, then the differences with their causes.
fn render(explanation: &Explanation, token: Option<&str>, setup: &Setup) -> String {
    let mut out =
        String::from("--- reported (the server's canonical request)\n+++ computed (ours)\n");
    for line in &explanation.lines {
        let marker = match line.side {
            Side::Both => ' ',
            Side::Reported => '-',
            Side::Computed => '+',
        };
        out.push(marker);
        out.push(' ');
        out.push_str(&redact_token(&line.text, token));
        out.push('\n');
    }
    if explanation.is_identical() {
        out.push_str("\nThe canonical requests are identical: if the signature still does not match, the key, the credential scope or the time differs (compare the strings to sign).\n");
        return out;
    }
    let count = explanation.differences.len();
    out.push_str(&format!(
        "\n{count} difference{}:\n",
        if count == 1 { "" } else { "s" }
    ));
    for difference in &explanation.differences {
        out.push_str(&format!(
            "* {}: {}\n  likely cause: {}\n",
            difference.part,
            redact_token(&difference.detail, token),
            difference.likely_cause
        ));
    }
    out.push_str(&format!("\nsigv4 computed with: {}\n", setup.describe()));
    out
}
