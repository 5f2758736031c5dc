//! Service presets applied through the real signers: from a URL, infer the
//! service and region, detect the preset, and sign with only what the preset
//! says. Each test reads the canonical request to see the preset's rule at
//! work, so it fails if the rule is not applied.

use sigv4kit::canon::payload::EMPTY_SHA256_HEX;
use sigv4kit::canon::{Algorithm, AmzDate, Header, Region, RegionSet, Request, Service};
use sigv4kit::preset::{PayloadPolicy, ServicePreset, Transport, infer_from_host};
use sigv4kit::presign::{PresignRequest, PresignedUrl, presign};
use sigv4kit::{
    Credentials, EcdsaSigner, Expiry, HmacSigner, Signer, SigningOutput, SigningParams,
    SigningRegion,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn time() -> AmzDate {
    AmzDate::parse_rfc3339("2024-05-01T10:00:00Z").unwrap()
}

/// The service, region (or region set) and preset for `host`, as the `auto`
/// mode finds them.
fn from_host(host: &str) -> (Service, SigningRegion, ServicePreset) {
    let endpoint = infer_from_host(host).unwrap();
    let preset = ServicePreset::detect(&endpoint.service, Some(host));
    let region = match (&endpoint.region, preset.required_region_set()) {
        (_, Some(set)) => SigningRegion::RegionSet(set),
        (Some(region), None) => SigningRegion::Region(Region::new(region).unwrap()),
        (None, None) => panic!("{host} names no region"),
    };
    (Service::new(&endpoint.service).unwrap(), region, preset)
}

/// Signs `method target` to `host` in headers, with the preset's settings
/// and payload policy.
fn sign_with_preset(
    signer: &dyn Signer,
    host: &str,
    method: &str,
    target: &str,
    body: &[u8],
    region_override: Option<SigningRegion>,
) -> (SigningOutput, ServicePreset) {
    let (service, region, preset) = from_host(host);
    let credentials = credentials();
    let mut settings = preset.settings();
    settings.capture_canonical_request = true;
    let params = SigningParams::new(
        &credentials,
        time(),
        service,
        region_override.unwrap_or(region),
    )
    .with_settings(settings);
    let headers = [Header::new("Host", host)];
    let request =
        Request::new(method, target, &headers).with_payload(preset.payload().payload(body));
    (signer.sign(&request, &params).unwrap(), preset)
}

fn canonical_lines(output: &SigningOutput) -> Vec<String> {
    output
        .canonical_request()
        .expect("captured")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn added_header<'o>(output: &'o SigningOutput, name: &str) -> Option<&'o str> {
    output
        .headers()
        .find(|(added, _)| added.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

#[test]
fn a_lattice_post_over_plain_http_signs_unsigned_payload_under_both_algorithms() {
    let host = "svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws";
    let url = format!("http://{host}/orders");
    let transport = Transport::from_scheme(url.split_once("://").unwrap().0).unwrap();
    let us_west_2 = SigningRegion::RegionSet(RegionSet::parse("us-west-2").unwrap());
    let signers: [(&dyn Signer, Option<SigningRegion>); 2] = [
        (&HmacSigner::new(), None),
        (&EcdsaSigner::new(), Some(us_west_2)),
    ];
    for (signer, region) in signers {
        let (output, preset) =
            sign_with_preset(signer, host, "POST", "/orders", br#"{"id":1}"#, region);
        assert_eq!(preset, ServicePreset::VpcLattice);
        assert_eq!(
            preset.payload_for_streaming_body(transport),
            Some(PayloadPolicy::Unsigned),
            "a streamed body goes unsigned even over plain HTTP"
        );
        assert_eq!(
            added_header(&output, "x-amz-content-sha256"),
            Some("UNSIGNED-PAYLOAD")
        );
        assert!(output.signed_headers().contains("x-amz-content-sha256"));
        assert_eq!(canonical_lines(&output).last().unwrap(), "UNSIGNED-PAYLOAD");
        assert!(
            output
                .credential_scope()
                .ends_with("/vpc-lattice-svcs/aws4_request")
        );
    }
}

#[test]
fn an_s3_put_signs_the_path_as_sent_and_the_body_hash() {
    let host = "bucket.s3.us-west-2.amazonaws.com";
    let body = b"hello";
    let (output, preset) = sign_with_preset(
        &HmacSigner::new(),
        host,
        "PUT",
        "/photos/a%20b/../c.jpg",
        body,
        None,
    );
    assert_eq!(preset, ServicePreset::S3);
    let lines = canonical_lines(&output);
    assert_eq!(
        lines[1], "/photos/a%20b/../c.jpg",
        "neither normalized nor double encoded"
    );
    let body_hash = sigv4kit::canon::PayloadHash::of(body).to_hex();
    assert_eq!(lines.last().unwrap(), &body_hash);
    assert_eq!(
        added_header(&output, "x-amz-content-sha256"),
        Some(&*body_hash)
    );
    assert!(
        output
            .credential_scope()
            .ends_with("/us-west-2/s3/aws4_request")
    );
}

#[test]
fn the_default_preset_normalizes_and_double_encodes_the_same_path() {
    let (output, preset) = sign_with_preset(
        &HmacSigner::new(),
        "dynamodb.us-west-2.amazonaws.com",
        "PUT",
        "/photos/a%20b/../c.jpg",
        b"{}",
        None,
    );
    assert_eq!(preset, ServicePreset::Default);
    assert_eq!(canonical_lines(&output)[1], "/photos/c.jpg");
    assert_eq!(added_header(&output, "x-amz-content-sha256"), None);
}

/// Presigns a GET of `path` on `host` with the preset's settings and
/// presigned payload, for the algorithm the preset requires or else SigV4.
fn presign_with_preset(host: &str, path: &str) -> (PresignedUrl, ServicePreset) {
    let (service, region, preset) = from_host(host);
    let signer: Box<dyn Signer> = match preset.required_algorithm() {
        Some(Algorithm::Sigv4a) => Box::new(EcdsaSigner::new()),
        Some(Algorithm::Sigv4) | None => Box::new(HmacSigner::new()),
    };
    let credentials = credentials();
    let mut settings = preset.settings();
    settings.capture_canonical_request = true;
    let params = SigningParams::new(&credentials, time(), service, region)
        .with_settings(settings)
        .presigned(Expiry::from_secs(900).unwrap());
    let url = format!("https://{host}{path}");
    let request =
        PresignRequest::new("GET", &url).with_payload(preset.presigned_payload().payload(&[]));
    (presign(&*signer, &request, &params).unwrap(), preset)
}

#[test]
fn an_mrap_url_is_presigned_with_sigv4a_for_every_region() {
    let host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
    let (presigned, preset) = presign_with_preset(host, "/photos/a%20b.jpg");
    assert_eq!(preset, ServicePreset::S3MultiRegionAccessPoint);
    assert_eq!(presigned.output().algorithm(), Algorithm::Sigv4a);
    assert!(
        presigned.as_str().contains("X-Amz-Region-Set=%2A"),
        "{presigned}"
    );
    let lines = canonical_lines(presigned.output());
    assert_eq!(lines[1], "/photos/a%20b.jpg");
    assert_eq!(lines.last().unwrap(), "UNSIGNED-PAYLOAD");
}

#[test]
fn an_execute_api_url_is_presigned_over_the_empty_body_hash() {
    let host = "abc123.execute-api.eu-central-1.amazonaws.com";
    let (presigned, preset) = presign_with_preset(host, "/prod/pets");
    assert_eq!(preset, ServicePreset::ExecuteApi);
    assert_eq!(presigned.output().algorithm(), Algorithm::Sigv4);
    assert_eq!(
        canonical_lines(presigned.output()).last().unwrap(),
        EMPTY_SHA256_HEX
    );
    assert!(
        presigned
            .output()
            .credential_scope()
            .ends_with("/eu-central-1/execute-api/aws4_request")
    );
}
