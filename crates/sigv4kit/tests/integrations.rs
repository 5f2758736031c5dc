//! End to end: a real axum server on 127.0.0.1 behind `VerifyLayer`, and
//! clients signing with the tower `SignLayer` (over a hyper client) and with
//! the reqwest middleware, under SigV4 and SigV4A chosen by environment
//! configuration. Tampered, skewed, expired, wrong-region and unknown-key
//! requests must come back as AWS answers them.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::routing::any;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sigv4kit::canon::{Algorithm, AmzDate, PayloadHash, RegionSet, Service};
use sigv4kit::config::{RequestSigner, SignRequestError, SignerConfig};
use sigv4kit::environment::MapEnvironment;
use sigv4kit::integrations::http::{HttpSignError, sign_http_request};
use sigv4kit::integrations::tower::{SignServiceError, SignedBody};
use sigv4kit::stream::{ChecksumAlgorithm, ChunkSize};
use sigv4kit::{
    ChunkedUploads, Credentials, Expiry, FixedClock, InMemoryKeyProvider, PresignRequest,
    RequestVerifier, SignLayer, SigningMiddleware, VerifiedCaller, VerifyLayer, VerifyLimits,
    VerifyPolicy,
};
use tower::{Layer, ServiceExt};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-west-2";

/// What the handler answers: who signed, how, and what it received.
async fn whoami(Extension(caller): Extension<VerifiedCaller>, body: Bytes) -> String {
    format!(
        "{} {:?} body_signed={} body={}",
        caller.access_key_id(),
        caller.algorithm(),
        caller.body_is_signed(),
        String::from_utf8_lossy(&body)
    )
}

/// What the upload handler answers: who signed, and the length and hash of
/// the body it received.
async fn received(Extension(caller): Extension<VerifiedCaller>, body: Bytes) -> String {
    format!(
        "{} {:?} body_signed={} payload={} length={} sha256={}",
        caller.access_key_id(),
        caller.algorithm(),
        caller.body_is_signed(),
        caller.verified().payload.as_str(),
        body.len(),
        PayloadHash::of(&body).to_hex()
    )
}

fn server_policy() -> VerifyPolicy {
    VerifyPolicy::new(
        Service::new("example").unwrap(),
        RegionSet::parse(REGION).unwrap(),
    )
    .with_service(Service::new("vpc-lattice-svcs").unwrap())
}

fn server_keys() -> InMemoryKeyProvider {
    let mut keys = InMemoryKeyProvider::new();
    keys.insert_credentials(&Credentials::new(ACCESS_KEY_ID, SECRET, None).unwrap());
    keys
}

/// Starts an axum app behind `layer` on a free loopback port; the server
/// task ends with the test's runtime.
async fn start_server(layer: VerifyLayer<InMemoryKeyProvider>) -> SocketAddr {
    let app = Router::new()
        .route(
            "/uploads/{*path}",
            any(received).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/", any(whoami))
        .route("/{*path}", any(whoami))
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

async fn default_server() -> SocketAddr {
    start_server(VerifyLayer::new(
        RequestVerifier::new(server_policy()),
        server_keys(),
    ))
    .await
}

/// The environment a user has: credentials, a region and, for SigV4A, the
/// auth scheme preference and signing region set.
fn environment(algorithm: Algorithm) -> MapEnvironment {
    let environment = MapEnvironment::new()
        .with("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .with("AWS_SECRET_ACCESS_KEY", SECRET)
        .with("AWS_REGION", REGION)
        .with("AWS_CONFIG_FILE", "/nonexistent/sigv4kit-test-config")
        .with(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/sigv4kit-test-credentials",
        );
    match algorithm {
        Algorithm::Sigv4 => environment,
        Algorithm::Sigv4a => environment
            .with("AWS_AUTH_SCHEME_PREFERENCE", "sigv4a,sigv4")
            .with("AWS_SIGV4A_SIGNING_REGION_SET", "us-west-2,us-east-1"),
    }
}

fn signer_for(service: &str, algorithm: Algorithm) -> RequestSigner {
    let signer = SignerConfig::new()
        .with_service(Service::new(service).unwrap())
        .resolve(&environment(algorithm))
        .unwrap()
        .request_signer();
    assert_eq!(signer.algorithm(), algorithm, "chosen by the environment");
    signer
}

const BOTH: [Algorithm; 2] = [Algorithm::Sigv4, Algorithm::Sigv4a];

fn hyper_client<B>() -> Client<HttpConnector, B>
where
    B: Body + Send + 'static + Unpin,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    Client::builder(TokioExecutor::new()).build_http()
}

async fn text_of<B>(response: http::Response<B>) -> (StatusCode, String)
where
    B: Body,
    B::Error: std::fmt::Debug,
{
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn the_sign_layer_is_accepted_under_both_algorithms() {
    let address = default_server().await;
    for algorithm in BOTH {
        let client = SignLayer::new(signer_for("example", algorithm))
            .layer(hyper_client::<SignedBody<Full<Bytes>>>());
        let request = Request::post(format!("http://{address}/tables?name=a%20b"))
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "Example_20240101.CreateTable")
            .body(Full::new(Bytes::from_static(b"{\"TableName\":\"t\"}")))
            .unwrap();
        let (status, text) = text_of(client.oneshot(request).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");
        assert_eq!(
            text,
            format!("{ACCESS_KEY_ID} {algorithm:?} body_signed=true body={{\"TableName\":\"t\"}}")
        );
    }
}

/// A body whose length is not known in advance, as a stream's.
struct Streamed(Full<Bytes>);

impl Body for Streamed {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.get_mut().0).poll_frame(cx)
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[tokio::test]
async fn a_streamed_body_goes_unsigned_where_the_preset_allows_and_fails_elsewhere() {
    let address = default_server().await;
    for algorithm in BOTH {
        let client = SignLayer::new(signer_for("vpc-lattice-svcs", algorithm))
            .layer(hyper_client::<SignedBody<Streamed>>());
        let request = Request::post(format!("http://{address}/lattice"))
            .body(Streamed(Full::new(Bytes::from_static(b"streamed"))))
            .unwrap();
        let (status, text) = text_of(client.oneshot(request).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");
        assert!(text.ends_with("body_signed=false body=streamed"), "{text}");
    }

    let client = SignLayer::new(signer_for("example", Algorithm::Sigv4))
        .layer(hyper_client::<SignedBody<Streamed>>());
    let request = Request::post(format!("http://{address}/"))
        .body(Streamed(Full::new(Bytes::from_static(b"streamed"))))
        .unwrap();
    let error = client.oneshot(request).await.unwrap_err();
    assert!(
        matches!(
            error,
            SignServiceError::Sign(HttpSignError::Sign(
                SignRequestError::StreamingBodyNotAllowed { .. }
            ))
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_longer_than_the_buffer_limit_is_treated_as_a_stream() {
    let address = default_server().await;
    let client = SignLayer::new(signer_for("example", Algorithm::Sigv4))
        .with_max_buffered_body(4)
        .layer(hyper_client::<SignedBody<Full<Bytes>>>());
    let request = Request::post(format!("http://{address}/"))
        .body(Full::new(Bytes::from_static(b"twelve bytes")))
        .unwrap();
    let error = client.oneshot(request).await.unwrap_err();
    assert!(
        matches!(error, SignServiceError::Sign(_)),
        "the default preset hashes bodies: {error:?}"
    );
}

#[tokio::test]
async fn the_reqwest_middleware_is_accepted_under_both_algorithms() {
    let address = default_server().await;
    for algorithm in BOTH {
        let client = reqwest_middleware::ClientBuilder::new(reqwest_client())
            .with(SigningMiddleware::new(signer_for("example", algorithm)))
            .build();
        let response = client
            .put(format!("http://{address}/objects/key?versionId=1"))
            .header("x-amz-meta-color", "blue")
            .body("payload")
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");
        assert_eq!(
            text,
            format!("{ACCESS_KEY_ID} {algorithm:?} body_signed=true body=payload")
        );
    }
}

/// A request signed by `signer`, as an `http::Request` to alter before
/// sending it with reqwest.
async fn signed(signer: &RequestSigner, request: Request<Vec<u8>>) -> Request<Vec<u8>> {
    let mut request = request;
    sign_http_request(signer, &mut request).await.unwrap();
    request
}

async fn send(request: Request<Vec<u8>>) -> (StatusCode, http::HeaderMap, String) {
    let request = reqwest::Request::try_from(request).unwrap();
    let response = reqwest_client().execute(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn xml_code(body: &str) -> &str {
    let start = body
        .find("<Code>")
        .map(|at| at + "<Code>".len())
        .unwrap_or(0);
    let end = body.find("</Code>").unwrap_or(0);
    body.get(start..end).unwrap_or_default()
}

#[tokio::test]
async fn a_tampered_request_is_refused_with_signature_does_not_match() {
    let address = default_server().await;
    for algorithm in BOTH {
        let signer = signer_for("example", algorithm);
        let mut xml = signed(
            &signer,
            Request::post(format!("http://{address}/"))
                .body(b"amount=1".to_vec())
                .unwrap(),
        )
        .await;
        *xml.body_mut() = b"amount=9".to_vec();
        let (status, headers, body) = send(xml).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(headers["content-type"], "application/xml");
        assert_eq!(xml_code(&body), "SignatureDoesNotMatch", "{body}");
        assert!(body.contains("<RequestId>"), "{body}");
        assert!(
            !body.contains("CanonicalRequest") && !body.contains("POST\n"),
            "{body}"
        );

        let mut json = signed(
            &signer,
            Request::post(format!("http://{address}/"))
                .header("content-type", "application/x-amz-json-1.0")
                .body(b"{\"amount\":1}".to_vec())
                .unwrap(),
        )
        .await;
        *json.body_mut() = b"{\"amount\":9}".to_vec();
        let (status, headers, body) = send(json).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(headers.contains_key("x-amzn-requestid"));
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["__type"], "InvalidSignatureException", "{body}");
        assert!(
            value["message"]
                .as_str()
                .unwrap()
                .contains("signature does not match")
        );
    }
}

#[tokio::test]
async fn signature_debugging_shows_what_the_server_computed_when_enabled() {
    let address = start_server(
        VerifyLayer::new(RequestVerifier::new(server_policy()), server_keys())
            .with_signature_debug(true),
    )
    .await;
    let signer = signer_for("example", Algorithm::Sigv4);
    let mut request = signed(
        &signer,
        Request::get(format!("http://{address}/a?b=c"))
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    *request.uri_mut() = format!("http://{address}/a?b=d").parse().unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<CanonicalRequest>GET\n/a\nb=d\n"), "{body}");
    assert!(body.contains("<StringToSign>AWS4-HMAC-SHA256\n"), "{body}");
    assert!(!body.contains(SECRET));
}

#[tokio::test]
async fn skewed_wrong_region_unknown_key_and_unsigned_requests_get_their_codes() {
    let address = default_server().await;
    let url = format!("http://{address}/");
    let get = || Request::get(&url).body(Vec::new()).unwrap();

    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let skewed = SignerConfig::new()
        .with_service(Service::new("example").unwrap())
        .with_clock(FixedClock(unix_seconds(an_hour_ago)))
        .resolve(&environment(Algorithm::Sigv4))
        .unwrap()
        .request_signer();
    let wrong_region = SignerConfig::new()
        .with_service(Service::new("example").unwrap())
        .with_region(sigv4kit::canon::Region::new("eu-west-1").unwrap())
        .resolve(&environment(Algorithm::Sigv4))
        .unwrap()
        .request_signer();
    let unknown_key = SignerConfig::new()
        .with_service(Service::new("example").unwrap())
        .with_credentials(Credentials::new("AKIDUNKNOWN", SECRET, None).unwrap())
        .resolve(&environment(Algorithm::Sigv4a))
        .unwrap()
        .request_signer();

    let cases = [
        (signed(&skewed, get()).await, "RequestTimeTooSkewed"),
        (
            signed(&wrong_region, get()).await,
            "AuthorizationHeaderMalformed",
        ),
        (signed(&unknown_key, get()).await, "InvalidAccessKeyId"),
        (get(), "MissingAuthenticationToken"),
    ];
    for (request, code) in cases {
        let (status, _, body) = send(request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{code}: {body}");
        assert_eq!(xml_code(&body), code, "{body}");
    }

    let mut json = signed(&unknown_key, get()).await;
    json.headers_mut()
        .insert("accept", "application/json".parse().unwrap());
    let (_, _, body) = send(json).await;
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["__type"], "UnrecognizedClientException");
}

fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// `url` presigned by `signer`, made `age` ago and valid for `expires`.
fn presigned(signer: &RequestSigner, url: &str, age: Duration, expires: Duration) -> String {
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, None).unwrap();
    let made = AmzDate::from_system_time(SystemTime::now() - age).unwrap();
    signer
        .presign_with(
            &PresignRequest::new("GET", url),
            Expiry::from_secs(expires.as_secs()).unwrap(),
            &credentials,
            made,
        )
        .unwrap()
        .into_string()
}

#[tokio::test]
async fn presigned_urls_are_accepted_until_they_expire() {
    let address = default_server().await;
    let url = format!("http://{address}/report.csv");
    let minutes = |count: u64| Duration::from_secs(60 * count);
    for algorithm in BOTH {
        // Lattice, like S3, presigns UNSIGNED-PAYLOAD, which the server's
        // policy expects of a presigned URL.
        let signer = signer_for("vpc-lattice-svcs", algorithm);
        let fresh = presigned(&signer, &url, Duration::ZERO, minutes(5));
        let response = reqwest_client().get(fresh).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");

        let expired = presigned(&signer, &url, minutes(10), minutes(1));
        let response = reqwest_client().get(expired).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{algorithm:?}");
        let body = response.text().await.unwrap();
        assert_eq!(xml_code(&body), "AccessDenied", "{body}");
        assert!(body.contains("expired"), "{body}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_verification() {
    let limits = VerifyLimits {
        max_payload_bytes: 8,
        ..VerifyLimits::DEFAULT
    };
    let address = start_server(VerifyLayer::new(
        RequestVerifier::new(server_policy().with_limits(limits)),
        server_keys(),
    ))
    .await;
    let signer = signer_for("example", Algorithm::Sigv4);
    let request = signed(
        &signer,
        Request::post(format!("http://{address}/"))
            .body(vec![b'x'; 64])
            .unwrap(),
    )
    .await;
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(xml_code(&body), "EntityTooLarge", "{body}");
}

/// A request users send today with another SDK.
struct ServiceExample {
    endpoint: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    body_signed: bool,
}

const SERVICE_EXAMPLES: [ServiceExample; 4] = [
    ServiceExample {
        endpoint: "dynamodb.us-east-1.amazonaws.com",
        path: "/",
        headers: &[
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", "DynamoDB_20120810.CreateTable"),
        ],
        body: r#"{"TableName":"Music","KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"}]}"#,
        body_signed: true,
    },
    ServiceExample {
        endpoint: "lambda.us-east-1.amazonaws.com",
        path: "/2015-03-31/functions/my-function/invocations",
        headers: &[("content-type", "application/json")],
        body: r#"{"key":"value"}"#,
        body_signed: true,
    },
    ServiceExample {
        endpoint: "kinesis.us-east-1.amazonaws.com",
        path: "/",
        headers: &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "Kinesis_20131202.PutRecord"),
        ],
        body: r#"{"StreamName":"events","Data":"aGVsbG8=","PartitionKey":"p"}"#,
        body_signed: true,
    },
    ServiceExample {
        endpoint: "svc-0a1b2c3d4e5f6a7b8.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
        path: "/orders",
        headers: &[("content-type", "application/json")],
        body: r#"{"order":1}"#,
        body_signed: false,
    },
];

const MRAP_ENDPOINT: &str = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";

/// A server for the service examples: their services, in their regions.
async fn service_examples_server() -> SocketAddr {
    let mut policy = VerifyPolicy::new(
        Service::new("dynamodb").unwrap(),
        RegionSet::parse("us-east-1,us-west-2").unwrap(),
    );
    for service in ["lambda", "kinesis", "vpc-lattice-svcs", "s3"] {
        policy = policy.with_service(Service::new(service).unwrap());
    }
    start_server(VerifyLayer::new(
        RequestVerifier::new(policy),
        server_keys(),
    ))
    .await
}

/// Where the algorithm is chosen.
#[derive(Debug, Clone, Copy)]
enum Chosen {
    /// `AWS_AUTH_SCHEME_PREFERENCE` and `AWS_SIGV4A_SIGNING_REGION_SET`.
    ByEnvironment,
    /// `auth_scheme_preference` and `sigv4a_signing_region_set` of the
    /// profile `AWS_PROFILE` names, with the profile's credentials.
    ByProfile,
}

fn chosen_environment(
    chosen: Chosen,
    algorithm: Algorithm,
    files: &tempfile::TempDir,
) -> MapEnvironment {
    match chosen {
        Chosen::ByEnvironment => environment(algorithm),
        Chosen::ByProfile => {
            let preference = match algorithm {
                Algorithm::Sigv4 => "sigv4",
                Algorithm::Sigv4a => {
                    "sigv4a,sigv4\nsigv4a_signing_region_set = us-east-1,us-west-2"
                }
            };
            let config = files.path().join(format!("config-{algorithm:?}"));
            std::fs::write(
                &config,
                format!("[profile integration]\nauth_scheme_preference = {preference}\n"),
            )
            .unwrap();
            let credentials = files.path().join("credentials");
            std::fs::write(
                &credentials,
                format!(
                    "[integration]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET}\n"
                ),
            )
            .unwrap();
            MapEnvironment::new()
                .with("AWS_PROFILE", "integration")
                .with("AWS_CONFIG_FILE", config.to_str().unwrap())
                .with("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap())
        }
    }
}

fn endpoint_signer(endpoint: &str, environment: &MapEnvironment) -> RequestSigner {
    SignerConfig::new()
        .with_endpoint(format!("https://{endpoint}"))
        .resolve(environment)
        .unwrap()
        .request_signer()
}

#[tokio::test]
async fn the_service_examples_are_accepted_through_both_clients_under_each_configuration() {
    let address = service_examples_server().await;
    let files = tempfile::tempdir().unwrap();
    for chosen in [Chosen::ByEnvironment, Chosen::ByProfile] {
        for algorithm in BOTH {
            let environment = chosen_environment(chosen, algorithm, &files);
            for example in &SERVICE_EXAMPLES {
                let signer = endpoint_signer(example.endpoint, &environment);
                assert_eq!(
                    signer.algorithm(),
                    algorithm,
                    "{chosen:?} {}",
                    example.endpoint
                );
                let expected = format!(
                    "{ACCESS_KEY_ID} {algorithm:?} body_signed={} body={}",
                    example.body_signed, example.body
                );
                let url = format!("http://{address}{}", example.path);

                // The tower SignLayer over a hyper client. The Host is the
                // service's, as a test against a local endpoint sends it.
                let client =
                    SignLayer::new(signer.clone()).layer(hyper_client::<SignedBody<Full<Bytes>>>());
                let mut request = Request::post(&url).header("host", example.endpoint);
                for (name, value) in example.headers {
                    request = request.header(*name, *value);
                }
                let request = request.body(Full::new(Bytes::from(example.body))).unwrap();
                let (status, text) = text_of(client.oneshot(request).await.unwrap()).await;
                assert_eq!(status, StatusCode::OK, "{chosen:?} {algorithm:?} {text}");
                assert_eq!(text, expected, "tower, {chosen:?}");

                // The reqwest middleware.
                let client = reqwest_middleware::ClientBuilder::new(reqwest_client())
                    .with(SigningMiddleware::new(signer))
                    .build();
                let mut request = client
                    .post(&url)
                    .header("host", example.endpoint)
                    .body(example.body);
                for (name, value) in example.headers {
                    request = request.header(*name, *value);
                }
                let response = request.send().await.unwrap();
                let status = response.status();
                let text = response.text().await.unwrap();
                assert_eq!(status, StatusCode::OK, "{chosen:?} {algorithm:?} {text}");
                assert_eq!(text, expected, "reqwest, {chosen:?}");
            }
        }
    }
}

#[tokio::test]
async fn an_s3_presigned_get_through_a_multi_region_access_point_is_accepted() {
    let address = service_examples_server().await;
    // Nothing chooses the algorithm but the endpoint: the s3-mrap preset
    // requires SigV4A over the region set `*`.
    let signer = endpoint_signer(MRAP_ENDPOINT, &environment(Algorithm::Sigv4));
    assert_eq!(signer.algorithm(), Algorithm::Sigv4a);
    let url = presigned(
        &signer,
        &format!("http://{address}/photos/cat.jpg"),
        Duration::ZERO,
        Duration::from_secs(300),
    );
    assert!(url.contains("X-Amz-Region-Set=%2A"), "{url}");
    let response = reqwest_client().get(url).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.starts_with(&format!("{ACCESS_KEY_ID} Sigv4a body_signed=false")),
        "{text}"
    );
}

/// Five MiB and a bit, so that the last chunk is short.
fn upload_body() -> Vec<u8> {
    (0..5 * 1024 * 1024 + 1234)
        .map(|index: usize| (index.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// What the server answers for `body`, received `aws-chunked` and signed
/// with `algorithm`, with a trailer or not.
fn expected_reception(algorithm: Algorithm, trailer: bool, body: &[u8]) -> String {
    let payload = match (algorithm, trailer) {
        (Algorithm::Sigv4, false) => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        (Algorithm::Sigv4, true) => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        (Algorithm::Sigv4a, false) => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        (Algorithm::Sigv4a, true) => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    };
    format!(
        "{ACCESS_KEY_ID} {algorithm:?} body_signed=true payload={payload} length={} sha256={}",
        body.len(),
        PayloadHash::of(body).to_hex()
    )
}

#[tokio::test]
async fn the_reqwest_middleware_uploads_five_mib_aws_chunked_under_both_algorithms() {
    let address = default_server().await;
    let body = upload_body();
    for (algorithm, chunked, trailer) in [
        (Algorithm::Sigv4, ChunkedUploads::new(), false),
        (Algorithm::Sigv4a, ChunkedUploads::new(), false),
        (
            Algorithm::Sigv4a,
            ChunkedUploads::new().with_checksum(ChecksumAlgorithm::Crc32c),
            true,
        ),
        (
            Algorithm::Sigv4,
            ChunkedUploads::new()
                .with_chunk_size(ChunkSize::new(256 * 1024).unwrap())
                .with_checksum(ChecksumAlgorithm::Sha256),
            true,
        ),
    ] {
        let client = reqwest_middleware::ClientBuilder::new(reqwest_client())
            .with(
                SigningMiddleware::new(signer_for("example", algorithm))
                    .with_chunked_uploads(chunked),
            )
            .build();
        let response = client
            .put(format!("http://{address}/uploads/big.bin"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{algorithm:?} {chunked:?}: {text}");
        assert_eq!(
            text,
            expected_reception(algorithm, trailer, &body),
            "{chunked:?}"
        );
    }
}

#[tokio::test]
async fn the_sign_layer_sends_known_length_bodies_aws_chunked() {
    let address = default_server().await;
    let body = upload_body();
    for algorithm in BOTH {
        let client = SignLayer::new(signer_for("example", algorithm))
            .with_chunked_uploads(ChunkedUploads::new().with_checksum(ChecksumAlgorithm::Crc64Nvme))
            .layer(hyper_client::<SignedBody<Full<Bytes>>>());
        let request = Request::put(format!("http://{address}/uploads/big.bin"))
            .body(Full::new(Bytes::from(body.clone())))
            .unwrap();
        let (status, text) = text_of(client.oneshot(request).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");
        assert_eq!(text, expected_reception(algorithm, true, &body));
    }
}

/// Sends `encoded` as the body of a request whose head `signer` signed as
/// the seed of `upload`; the server's answer.
async fn send_chunked(
    address: SocketAddr,
    signer: &RequestSigner,
    upload: &sigv4kit::stream::ChunkedUpload,
    tamper: impl FnOnce(&mut Vec<u8>),
    body: &[u8],
) -> (StatusCode, String) {
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, None).unwrap();
    let mut parts = Request::put(format!("http://{address}/uploads/tampered.bin"))
        .body(())
        .unwrap()
        .into_parts()
        .0;
    let mut encoder = sigv4kit::integrations::http::sign_chunked_http_parts_with(
        signer,
        &mut parts,
        upload,
        &credentials,
        signer.now().unwrap(),
    )
    .unwrap();
    let mut encoded = encoder.encode_all(body).unwrap();
    tamper(&mut encoded);
    let request = Request::from_parts(parts, encoded);
    let (status, _, text) = send(request).await;
    (status, text)
}

#[tokio::test]
async fn tampered_chunked_bodies_are_refused_with_their_codes() {
    let address = default_server().await;
    let body = vec![b'x'; 20_000];
    for algorithm in BOTH {
        let signer = signer_for("example", algorithm);
        let upload = signer
            .chunked_upload(body.len() as u64)
            .with_chunk_size(ChunkSize::new(8192).unwrap())
            .with_checksum(ChecksumAlgorithm::Crc32);
        let (status, text) = send_chunked(address, &signer, &upload, |_| {}, &body).await;
        assert_eq!(status, StatusCode::OK, "{algorithm:?}: {text}");

        let data_at = |encoded: &Vec<u8>| {
            encoded.windows(2).position(|pair| pair == b"\r\n").unwrap() + 2 + 100
        };
        let (status, text) = send_chunked(
            address,
            &signer,
            &upload,
            |encoded| {
                let at = data_at(encoded);
                encoded[at] ^= 1;
            },
            &body,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{algorithm:?}: {text}");
        assert_eq!(xml_code(&text), "SignatureDoesNotMatch", "{text}");
        assert!(text.contains("chunk 0"), "the chunk is named: {text}");

        let (status, text) = send_chunked(
            address,
            &signer,
            &upload,
            |encoded| {
                assert_eq!(&encoded[..5], b"2000;", "the first chunk is 8 KiB");
                encoded[3] = b'1';
            },
            &body,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{algorithm:?}: {text}");
        assert_eq!(xml_code(&text), "InvalidRequest", "{text}");
    }
}

#[tokio::test]
async fn an_unsigned_chunked_upload_is_held_to_its_checksum() {
    let address = default_server().await;
    let body = vec![b'u'; 30_000];
    let signer = signer_for("example", Algorithm::Sigv4);
    let upload =
        sigv4kit::stream::ChunkedUpload::unsigned(body.len() as u64, ChecksumAlgorithm::Crc64Nvme)
            .with_chunk_size(ChunkSize::new(8192).unwrap());
    let (status, text) = send_chunked(address, &signer, &upload, |_| {}, &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        text,
        format!(
            "{ACCESS_KEY_ID} Sigv4 body_signed=false payload=STREAMING-UNSIGNED-PAYLOAD-TRAILER length={} sha256={}",
            body.len(),
            PayloadHash::of(&body).to_hex()
        )
    );

    let (status, text) = send_chunked(
        address,
        &signer,
        &upload,
        |encoded| {
            let at = encoded.windows(2).position(|pair| pair == b"\r\n").unwrap() + 2 + 10;
            encoded[at] ^= 1;
        },
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(xml_code(&text), "BadDigest", "{text}");
}
