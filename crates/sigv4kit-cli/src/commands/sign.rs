//! `sigv4 sign` and `sigv4 presign`.

use std::io::Write;

use sigv4kit::canon::{Header, Payload};
use sigv4kit::{Expiry, PresignRequest};

use crate::cli::{GlobalOptions, PresignArgs, PresignOutput, SignArgs, SignOutput};
use crate::error::{CliError, CliResult, EXIT_OK};
use crate::output::{CurlBody, SignatureJson, curl_command, print_verbose};
use crate::request::{FileBody, RequestInput};
use crate::setup::Setup;

/// Signs the request in headers and prints it as `--output` says.
pub fn sign(global: &GlobalOptions, args: &SignArgs) -> CliResult {
    let input = RequestInput::from_options(&args.request, FileBody::Read)?;
    let setup = Setup::resolve(global, Some(&input.host), None)?;
    let signer = setup.resolved.request_signer();
    let credentials = setup.credentials()?;
    let raw = input.raw()?;
    let request = raw.as_request().with_payload(input.payload(raw.body));
    let output = signer.sign_with(&request, &credentials, signer.now()?)?;
    print_verbose(setup.verbose, &output, &credentials);

    let url = input.url()?;
    let text = match args.output {
        SignOutput::Headers => output
            .headers()
            .map(|(name, value)| format!("{name}: {value}\n"))
            .collect::<String>()
            .into_bytes(),
        SignOutput::Json => SignatureJson::new(&output, &url).to_text()?.into_bytes(),
        SignOutput::Http => raw.render("", output.headers()),
        SignOutput::Curl => {
            let mut headers: Vec<(&str, &str)> = request_headers(&raw.headers, &input.host)?;
            for (name, value) in output.headers() {
                headers.push((name, value));
            }
            curl_command(raw.method, &url, &headers, curl_body(&input, raw.body))?.into_bytes()
        }
    };
    std::io::stdout().write_all(&text)?;
    Ok(EXIT_OK)
}

/// Presigns the request and prints it as `--output` says.
pub fn presign(global: &GlobalOptions, args: &PresignArgs) -> CliResult {
    let input = RequestInput::from_options(&args.request, FileBody::Read)?;
    let setup = Setup::resolve(global, Some(&input.host), None)?;
    let signer = setup.resolved.request_signer();
    let credentials = setup.credentials()?;
    let expires = Expiry::from_secs(args.expires)?;
    let time = signer.now()?;
    let raw = input.raw()?;

    let (url, output) = if args.request.request.is_some() {
        // A raw request keeps its target byte for byte (the suite's have
        // spaces and raw UTF-8), which no URL can: sign it as it is.
        let output = match input.payload_hash {
            // A payload hash given on the command line is signed as given.
            Some(payload) => {
                let request = raw.as_request().with_payload(payload);
                let params = signer.params(&credentials, time).presigned(expires);
                setup.resolved.signer().sign(&request, &params)?
            }
            None => {
                let request = raw.as_request().with_payload(Payload::Bytes(raw.body));
                signer.presign_request_with(&request, expires, &credentials, time)?
            }
        };
        let separator = if raw.target.contains(&b'?') { '&' } else { '?' };
        let url = format!("{}{separator}{}", input.url()?, output.query_string());
        (url, output)
    } else {
        let url = input.url()?;
        let headers: Vec<Header<'_>> = raw
            .headers
            .iter()
            .copied()
            .filter(|header| !header.name.eq_ignore_ascii_case(b"host"))
            .collect();
        let request = PresignRequest::new(raw.method, &url)
            .with_headers(&headers)
            .with_payload(input.payload(raw.body));
        let presigned = signer.presign_with(&request, expires, &credentials, time)?;
        (presigned.as_str().to_owned(), presigned.output().clone())
    };
    print_verbose(setup.verbose, &output, &credentials);

    let text = match args.output {
        PresignOutput::Url => format!("{url}\n").into_bytes(),
        PresignOutput::Json => SignatureJson::new(&output, &url).to_text()?.into_bytes(),
        PresignOutput::Http => raw.render(&output.query_string(), output.headers()),
        PresignOutput::Curl => curl_command(
            raw.method,
            &url,
            &request_headers(&raw.headers, &input.host)?,
            curl_body(&input, raw.body),
        )?
        .into_bytes(),
    };
    std::io::stdout().write_all(&text)?;
    Ok(EXIT_OK)
}

/// The request's own headers for a curl command line: curl sends `Host`
/// from the URL, so it is left out unless it says something else.
fn request_headers<'r>(
    request_headers: &[Header<'r>],
    host: &str,
) -> Result<Vec<(&'r str, &'r str)>, CliError> {
    let mut headers = Vec::with_capacity(request_headers.len());
    for header in request_headers {
        let (Ok(name), Ok(value)) = (
            std::str::from_utf8(header.name),
            std::str::from_utf8(header.value),
        ) else {
            return Err(CliError::invalid(
                "header for --output curl",
                "it is not UTF-8 text; use --output http",
            ));
        };
        if !(name.eq_ignore_ascii_case("host") && value.trim() == host) {
            headers.push((name, value));
        }
    }
    Ok(headers)
}

fn curl_body<'a>(input: &'a RequestInput, body: &'a [u8]) -> CurlBody<'a> {
    match (&input.body_file, body.is_empty()) {
        (Some(path), _) => CurlBody::File(path),
        (None, true) => CurlBody::None,
        (None, false) => CurlBody::Text(body),
    }
}
