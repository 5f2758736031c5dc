//! `sigv4 send` against a local axum server that verifies every request
//! with the library's verifier and answers with what it verified. An
//! `aws-chunked` body is verified as a server does: the seed's signature
//! first, then every chunk's and the trailer's, and the answer names the
//! decoded length and SHA-256, so a test knows the server got the file.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use common::{ACCESS_KEY_ID, SECRET, TIME, sigv4_with, write};
use sigv4kit::canon::{Header, Payload, PayloadHash, PayloadHasher, RegionSet, Request, Service};
use sigv4kit::stream::{ChunkedVerifier, StreamLimits};
use sigv4kit::{
    Credentials, FixedClock, InMemoryKeyProvider, RequestVerifier, VerifyPolicy, canon::AmzDate,
};

struct Server {
    verifier: RequestVerifier,
    keys: InMemoryKeyProvider,
}

async fn verify(
    State(server): State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let headers: Vec<Header<'_>> = headers
        .iter()
        .map(|(name, value)| Header::new(name, value))
        .collect();
    let target = uri
        .path_and_query()
        .map_or("/", |target| target.as_str())
        .to_owned();
    let streaming = headers.iter().any(|header| {
        header.name.eq_ignore_ascii_case(b"x-amz-content-sha256")
            && header.value.starts_with(b"STREAMING-")
    });
    if streaming {
        let request = Request::new(method.as_str(), &target, &headers);
        return match verify_chunked(&server, &request, &body).await {
            Ok(answer) => (StatusCode::OK, answer),
            Err(error) => (StatusCode::FORBIDDEN, format!("refused: {error}")),
        };
    }
    let request =
        Request::new(method.as_str(), &target, &headers).with_payload(Payload::Bytes(&body));
    match server.verifier.verify(&request, &server.keys).await {
        Ok(verified) => (
            StatusCode::OK,
            format!(
                "verified {} payload {} body {}",
                verified.access_key_id,
                verified.payload.as_str(),
                body.len()
            ),
        ),
        Err(error) => (StatusCode::FORBIDDEN, format!("refused: {error}")),
    }
}

/// Verifies an `aws-chunked` request: its seed, then its body pushed in
/// small pieces, as it would arrive from the network. Answers with the
/// decoded data's length and SHA-256, the chunks and the checksums checked.
async fn verify_chunked(
    server: &Server,
    request: &Request<'_>,
    body: &[u8],
) -> Result<String, Box<dyn std::error::Error>> {
    let seed = server.verifier.verify_seed(request, &server.keys).await?;
    let mut verifier =
        ChunkedVerifier::for_request(request, &seed.verified, seed.chain, StreamLimits::DEFAULT)?;
    let mut hasher = PayloadHasher::new();
    let mut decoded = 0;
    for piece in body.chunks(1000) {
        verifier.push(piece)?;
        while let Some(data) = verifier.next_verified() {
            hasher.update(&data);
            decoded += data.len();
        }
    }
    let stream = verifier.finish()?;
    while let Some(data) = verifier.next_verified() {
        hasher.update(&data);
        decoded += data.len();
    }
    let encoding = request
        .headers_named("content-encoding")
        .map(|value| String::from_utf8_lossy(value).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    let checksums = stream
        .checksums
        .iter()
        .map(|checksum| checksum.header_name())
        .collect::<Vec<_>>()
        .join(",");
    Ok(format!(
        "verified {} payload {} encoding {encoding} chunks {} decoded {decoded} sha256 {} checksums [{checksums}]",
        seed.verified.access_key_id,
        stream.payload.as_str(),
        stream.chunks,
        hasher.finish().to_hex(),
    ))
}

/// Serves on 127.0.0.1, accepting `svc` and `vpc-lattice-svcs` anywhere.
async fn serve() -> SocketAddr {
    let time = AmzDate::parse_rfc3339(TIME).unwrap();
    let policy = VerifyPolicy::new(Service::new("svc").unwrap(), RegionSet::any())
        .with_service(Service::new("vpc-lattice-svcs").unwrap())
        .with_clock(FixedClock::at(&time));
    let mut keys = InMemoryKeyProvider::new();
    keys.insert_credentials(&Credentials::new(ACCESS_KEY_ID, SECRET, None).unwrap());
    let state = Arc::new(Server {
        verifier: RequestVerifier::new(policy),
        keys,
    });
    let app = Router::new().fallback(verify).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// Runs `sigv4` with the keys (or `secret`) in the environment, off the
/// server's thread.
async fn send(args: Vec<String>, secret: &'static str) -> common::Run {
    send_input(args, secret, None).await
}

/// [`send`] with `stdin` on standard input.
async fn send_input(
    args: Vec<String>,
    secret: &'static str,
    stdin: Option<Vec<u8>>,
) -> common::Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sigv4_with(
            &args,
            &[
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
                ("AWS_SECRET_ACCESS_KEY", secret),
            ],
            stdin.as_deref(),
        )
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn send_signs_requests_the_server_verifies() {
    let address = serve().await;
    let base = format!("http://{address}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "upload.bin", vec![7u8; 100_000]);
    let common = ["--service", "svc", "--region", "us-east-1", "--time", TIME];

    let get = send(
        strings(&[&["send", &format!("{base}/things?b=2&a=1")], &common[..]].concat()),
        SECRET,
    )
    .await;
    assert_eq!(get.code, 0, "{get:#?}");
    assert!(
        get.stdout.starts_with("HTTP/1.1 200 OK\n"),
        "{}",
        get.stdout
    );
    assert!(
        get.stdout.contains("\ncontent-length: "),
        "headers printed: {}",
        get.stdout
    );
    assert!(get.stdout.ends_with("\n\nverified AKIDEXAMPLE payload e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 body 0\n"), "{}", get.stdout);

    let post = send(
        strings(
            &[
                &[
                    "send",
                    "-X",
                    "POST",
                    &format!("{base}/items"),
                    "-H",
                    "Content-Type: application/json",
                    "-d",
                    "{\"a\":1}",
                ],
                &common[..],
            ]
            .concat(),
        ),
        SECRET,
    )
    .await;
    assert_eq!(post.code, 0, "{post:#?}");
    assert!(post.stdout.contains("verified AKIDEXAMPLE payload 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862 body 7"), "{}", post.stdout);

    // The default preset has no unsigned payload: the file is read and hashed.
    let hashed = send(
        strings(
            &[
                &[
                    "send",
                    "-X",
                    "PUT",
                    &format!("{base}/upload"),
                    "--data-binary",
                    &format!("@{file}"),
                ],
                &common[..],
            ]
            .concat(),
        ),
        SECRET,
    )
    .await;
    assert_eq!(hashed.code, 0, "{hashed:#?}");
    assert!(
        !hashed.stdout.contains("UNSIGNED-PAYLOAD"),
        "{}",
        hashed.stdout
    );
    assert!(hashed.stdout.contains("body 100000"), "{}", hashed.stdout);

    // VPC Lattice streams it unsigned, even over plain HTTP.
    let streamed = send(
        strings(&[
            "send",
            "-X",
            "PUT",
            &format!("{base}/upload"),
            "--data-binary",
            &format!("@{file}"),
            "--service",
            "vpc-lattice-svcs",
            "--region",
            "us-west-2",
            "--time",
            TIME,
        ]),
        SECRET,
    )
    .await;
    assert_eq!(streamed.code, 0, "{streamed:#?}");
    assert!(
        streamed
            .stdout
            .contains("verified AKIDEXAMPLE payload UNSIGNED-PAYLOAD body 100000"),
        "{}",
        streamed.stdout
    );

    // A wrong secret: the server refuses; --fail turns it into status 1.
    let refused = send(
        strings(&[&["send", "--fail", &format!("{base}/x")], &common[..]].concat()),
        "wrong-secret",
    )
    .await;
    assert_eq!(refused.code, 1, "{refused:#?}");
    assert!(
        refused.stdout.starts_with("HTTP/1.1 403 Forbidden\n"),
        "{}",
        refused.stdout
    );
    assert!(
        refused
            .stdout
            .contains("refused: the signature does not match"),
        "{}",
        refused.stdout
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_network_failure_is_status_3() {
    // Bind then drop: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = send(
        strings(&[
            "send",
            &format!("http://127.0.0.1:{port}/"),
            "--service",
            "svc",
            "--region",
            "us-east-1",
        ]),
        SECRET,
    )
    .await;
    assert_eq!(run.code, 3, "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    assert!(
        run.stderr.starts_with("sigv4: error: the request failed: "),
        "{run:#?}"
    );
}

/// 300 KiB that no chunk boundary can hide a shifted byte in.
fn upload_bytes() -> Vec<u8> {
    (0..300 * 1024u32)
        .map(|index| (index.wrapping_mul(31) % 251) as u8)
        .collect()
}

/// The options every chunked test sends with.
const SIGNING: [&str; 6] = ["--service", "svc", "--region", "us-east-1", "--time", TIME];

/// `send -X PUT URL --chunked` with `extra` options and the signing ones.
fn chunked_args(url: &str, extra: &[&str]) -> Vec<String> {
    strings(
        &[
            &["send", "-X", "PUT", url, "--chunked"],
            extra,
            &SIGNING[..],
        ]
        .concat(),
    )
}

/// What the server answers for `bytes` received as `payload`, in `chunks`
/// data chunks, with `checksums` checked.
fn chunked_answer(payload: &str, chunks: usize, bytes: &[u8], checksums: &str) -> String {
    format!(
        "verified AKIDEXAMPLE payload {payload} encoding aws-chunked chunks {chunks} decoded {} sha256 {} checksums [{checksums}]",
        bytes.len(),
        PayloadHash::of(bytes).to_hex()
    )
}

#[tokio::test(flavor = "current_thread")]
async fn chunked_uploads_of_a_file_verify_chunk_by_chunk() {
    // 300 KiB in 64 KiB chunks: four full chunks and one of 44 KiB; in
    // 8 KiB chunks: 37 and one of 4 KiB.
    let cases: [(&[&str], &str, usize, &str); 6] = [
        (
            &["--chunk-size", "65536"],
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            5,
            "",
        ),
        (
            &["--chunk-size", "65536", "--checksum", "crc32c"],
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            5,
            "x-amz-checksum-crc32c",
        ),
        (
            &["--algorithm", "sigv4a", "--chunk-size", "65536"],
            "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            5,
            "",
        ),
        (
            &[
                "--algorithm",
                "sigv4a",
                "--chunk-size",
                "65536",
                "--checksum",
                "crc32c",
            ],
            "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
            5,
            "x-amz-checksum-crc32c",
        ),
        (
            &["--checksum", "sha256"],
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            5,
            "x-amz-checksum-sha256",
        ),
        (
            &["--chunk-size", "8192", "--checksum", "CRC64NVME"],
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            38,
            "x-amz-checksum-crc64nvme",
        ),
    ];
    let address = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = upload_bytes();
    let file = write(dir.path(), "upload.bin", bytes.clone());
    let url = format!("http://{address}/bucket/upload.bin");
    for (options, payload, chunks, checksums) in cases {
        let data = format!("@{file}");
        let args = chunked_args(&url, &[&["--data-binary", &data], options].concat());
        let stdout = send(args, SECRET).await.ok();
        let expected = chunked_answer(payload, chunks, &bytes, checksums);
        assert!(
            stdout.starts_with("HTTP/1.1 200 OK\n"),
            "{options:?}: {stdout}"
        );
        assert!(
            stdout.ends_with(&format!("\n\n{expected}\n")),
            "{options:?}: {stdout}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn chunked_uploads_of_an_in_memory_body_verify() {
    let address = serve().await;
    let text = chunked_args(
        &format!("http://{address}/note"),
        &["-H", "Content-Encoding: gzip", "-d", "hello, chunks"],
    );
    let stdout = send(text, SECRET).await.ok();
    // A given Content-Encoding follows aws-chunked.
    let expected = chunked_answer(
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        1,
        b"hello, chunks",
        "",
    )
    .replace("encoding aws-chunked", "encoding aws-chunked,gzip");
    assert!(stdout.ends_with(&format!("\n\n{expected}\n")), "{stdout}");

    let bytes = upload_bytes();
    let piped = chunked_args(
        &format!("http://{address}/piped"),
        &["--data-binary", "@-", "--checksum", "crc32"],
    );
    let stdout = send_input(piped, SECRET, Some(bytes.clone())).await.ok();
    let expected = chunked_answer(
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        5,
        &bytes,
        "x-amz-checksum-crc32",
    );
    assert!(stdout.ends_with(&format!("\n\n{expected}\n")), "{stdout}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_chunked_upload_signed_with_a_wrong_secret_is_refused() {
    let address = serve().await;
    let args = chunked_args(&format!("http://{address}/x"), &["--fail", "-d", "data"]);
    let run = send(args, "wrong-secret").await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stdout.contains("refused: the signature does not match"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "current_thread")]
async fn chunked_verbose_prints_what_was_signed_but_never_the_secret() {
    let address = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "upload.bin", upload_bytes());
    let data = format!("@{file}");
    let args = chunked_args(
        &format!("http://{address}/bucket/upload.bin"),
        &["-v", "--data-binary", &data, "--checksum", "crc32c"],
    );
    let run = send(args, SECRET).await;
    assert_eq!(run.code, 0, "{run:#?}");
    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains(SECRET), "{output}");
    }
    let expected = [
        "--- canonical request\nPUT\n/bucket/upload.bin\n",
        // The encoded length is declared, and signed, as Content-Length.
        "\ncontent-encoding:aws-chunked\ncontent-length:307857\n",
        "\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER\n--- string to sign\n",
        "sigv4: aws-chunked: 307200 bytes in chunks of 65536, 307857 bytes on the wire, trailer x-amz-checksum-crc32c\n",
    ];
    for line in expected {
        assert!(run.stderr.contains(line), "{line:?}: {}", run.stderr);
    }
}

#[test]
fn chunked_usage_errors_are_status_2_before_anything_is_sent() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["--chunked", "--chunk-size", "100"],
            "invalid value '100' for '--chunk-size <BYTES>': a chunk size of 100 bytes is outside the 8 KiB to 16 MiB range",
        ),
        (
            &["--chunked", "--chunk-size", "64k"],
            "\"64k\" is not a number of bytes",
        ),
        (
            &["--chunked", "--checksum", "md5"],
            "\"md5\" is not a checksum: crc32, crc32c, crc64nvme, sha1 or sha256",
        ),
        (
            &["--checksum", "crc32c"],
            "--checksum applies to an aws-chunked upload only: add --chunked",
        ),
        (
            &["--chunk-size", "65536"],
            "--chunk-size applies to an aws-chunked upload only: add --chunked",
        ),
        (
            &["--chunked", "--unsigned-payload"],
            "--chunked signs every chunk of the body; it cannot send UNSIGNED-PAYLOAD",
        ),
        (
            &["--chunked", "--data-binary", "@/dev/null"],
            "invalid body: /dev/null: --chunked declares the body's length before sending it, so it needs a regular file",
        ),
    ];
    for (options, message) in cases {
        // Nothing listens on port 9 here: each must fail before connecting.
        let args = [
            &["send", "-X", "PUT", "http://127.0.0.1:9/"],
            options,
            &SIGNING[..],
        ]
        .concat();
        let run = sigv4_with(
            &args,
            &[
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
            ],
            None,
        );
        let stderr = run.usage_error();
        assert!(stderr.contains(message), "{options:?}: {stderr}");
    }
}

/// A file whose size the system reports as 0 but which holds more: the
/// body outgrows its plan while it is sent, an input error (2), not a
/// network one.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "current_thread")]
async fn a_chunked_file_longer_than_its_size_is_an_input_error() {
    let address = serve().await;
    let args = chunked_args(
        &format!("http://{address}/status"),
        &["--data-binary", "@/proc/self/status"],
    );
    let run = send(args, SECRET).await;
    let stderr = run.usage_error();
    assert!(
        stderr.contains("invalid body: /proc/self/status: the body is longer than the 0 bytes x-amz-decoded-content-length declares"),
        "{stderr}"
    );
}
