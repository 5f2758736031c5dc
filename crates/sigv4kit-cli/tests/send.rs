//! `sigv4 send` against a local axum server that verifies every request
//! with the library's verifier and answers with what it verified.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use common::{ACCESS_KEY_ID, SECRET, TIME, sigv4_with, write};
use sigv4kit::canon::{Header, Payload, RegionSet, Request, Service};
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
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sigv4_with(
            &args,
            &[
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
                ("AWS_SECRET_ACCESS_KEY", secret),
            ],
            None,
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
