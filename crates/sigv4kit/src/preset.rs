//! Service presets: the per-service signing rules AWS users otherwise learn
//! by trial and `SignatureDoesNotMatch`.
//!
//! SigV4 is one algorithm with service-specific exceptions. S3 signs the path
//! as sent and wants `x-amz-content-sha256`; an S3 Multi-Region Access Point
//! only accepts SigV4A over every region; VPC Lattice refuses a signed payload
//! and wants `UNSIGNED-PAYLOAD` instead. A [`ServicePreset`] names one such
//! set of exceptions and answers, as plain data, what it implies: the
//! [`SigningSettings`], the payload to sign ([`PayloadPolicy`]), what to do
//! with a body whose bytes are not known up front, and the algorithm it
//! requires. The configuration and the integrations apply those answers; the
//! preset itself signs nothing.
//!
//! No preset restricts the URL scheme: signing is the same over `http://` and
//! `https://`, and VPC Lattice services are often plain HTTP listeners inside
//! a VPC. The scheme only matters for bodies streamed without a hash
//! ([`ServicePreset::payload_for_streaming_body`]).
//!
//! [`infer_from_host`] reads the service and region out of a standard AWS
//! host name (`dynamodb.us-west-2.amazonaws.com`), as the node `aws4` library
//! does, so that a user who gives only a URL does not have to repeat them.
//! `docs/PRESETS.md` documents each preset, with the AWS pages behind each
//! rule, and the host-name table.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use sigv4kit_canon::{Algorithm, Payload, RegionSet};
use sigv4kit_signer::SigningSettings;

/// A named set of service-specific signing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServicePreset {
    /// The general SigV4 rules: normalized, double-encoded path; the body's
    /// SHA-256 signed.
    #[default]
    Default,
    /// Amazon S3: the path signed as sent, `x-amz-content-sha256` always.
    S3,
    /// An S3 Multi-Region Access Point: the S3 rules, signed with SigV4A for
    /// the region set `*`.
    S3MultiRegionAccessPoint,
    /// Amazon VPC Lattice: `UNSIGNED-PAYLOAD`, carried in `x-amz-content-sha256`.
    VpcLattice,
    /// Amazon API Gateway (`execute-api`): the general rules.
    ExecuteApi,
}

/// Which payload value goes into the canonical request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadPolicy {
    /// The hex SHA-256 of the body.
    Hashed,
    /// The literal `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
}

impl PayloadPolicy {
    /// The [`Payload`] this policy signs for `body`.
    pub fn payload(self, body: &[u8]) -> Payload<'_> {
        match self {
            Self::Hashed => Payload::Bytes(body),
            Self::Unsigned => Payload::Unsigned,
        }
    }
}

/// How a request travels: over plain HTTP or over TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// `http://`: anyone on the path can read and change the request.
    PlainHttp,
    /// `https://`.
    Https,
}

impl Transport {
    /// The transport of a URL scheme, `http` or `https` in any case.
    pub fn from_scheme(scheme: &str) -> Option<Self> {
        if scheme.eq_ignore_ascii_case("https") {
            Some(Self::Https)
        } else if scheme.eq_ignore_ascii_case("http") {
            Some(Self::PlainHttp)
        } else {
            None
        }
    }
}

/// A preset name that is not one of [`ServicePreset::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown service preset {name:?}; the presets are: {}",
    known_preset_names()
)]
pub struct UnknownPreset {
    /// The name given.
    pub name: String,
}

fn known_preset_names() -> String {
    ServicePreset::ALL.map(|preset| preset.name()).join(", ")
}

impl ServicePreset {
    /// Every preset, in the order the documentation lists them.
    pub const ALL: [Self; 5] = [
        Self::Default,
        Self::S3,
        Self::S3MultiRegionAccessPoint,
        Self::VpcLattice,
        Self::ExecuteApi,
    ];

    /// The stable name used in configuration files: `default`, `s3`,
    /// `s3-mrap`, `vpc-lattice-svcs` or `execute-api`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::S3 => "s3",
            Self::S3MultiRegionAccessPoint => "s3-mrap",
            Self::VpcLattice => "vpc-lattice-svcs",
            Self::ExecuteApi => "execute-api",
        }
    }

    /// The preset called `name` (exactly, as [`name`](Self::name) writes it).
    pub fn from_name(name: &str) -> Result<Self, UnknownPreset> {
        Self::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| UnknownPreset {
                name: name.to_owned(),
            })
    }

    /// The preset for `service`, and for the request's `host` when known
    /// (the `auto` mode): an `s3` request to a Multi-Region Access Point host
    /// (`*.mrap.accesspoint.s3-global.*`) gets
    /// [`S3MultiRegionAccessPoint`](Self::S3MultiRegionAccessPoint); `s3`,
    /// `vpc-lattice-svcs` and `execute-api` get their presets; any other
    /// service gets [`Default`](Self::Default).
    pub fn detect(service: &str, host: Option<&str>) -> Self {
        let service = service.trim();
        if service.eq_ignore_ascii_case("s3") {
            let labels = host.and_then(HostLabels::parse);
            if labels.is_some_and(|labels| labels.is_multi_region_access_point()) {
                Self::S3MultiRegionAccessPoint
            } else {
                Self::S3
            }
        } else if service.eq_ignore_ascii_case("vpc-lattice-svcs") {
            Self::VpcLattice
        } else if service.eq_ignore_ascii_case("execute-api") {
            Self::ExecuteApi
        } else {
            Self::Default
        }
    }

    /// The credential-scope service this preset is made for, if it is made
    /// for one: `s3`, `vpc-lattice-svcs` or `execute-api`.
    pub const fn service_name(&self) -> Option<&'static str> {
        match self {
            Self::Default => None,
            Self::S3 | Self::S3MultiRegionAccessPoint => Some("s3"),
            Self::VpcLattice => Some("vpc-lattice-svcs"),
            Self::ExecuteApi => Some("execute-api"),
        }
    }

    /// The canonicalization rules and added headers.
    ///
    /// S3 (and its Multi-Region Access Points) neither normalizes nor double
    /// encodes the path, and always carries `x-amz-content-sha256`. VPC
    /// Lattice keeps the general path rules but needs the header, which is
    /// how it learns that the payload is unsigned.
    pub fn settings(&self) -> SigningSettings {
        match self {
            Self::S3 | Self::S3MultiRegionAccessPoint => SigningSettings::s3(),
            Self::VpcLattice => SigningSettings {
                content_sha256_header: true,
                ..SigningSettings::default()
            },
            Self::Default | Self::ExecuteApi => SigningSettings::default(),
        }
    }

    /// The payload to sign when the body is known, for a signature in the
    /// `Authorization` header. VPC Lattice does not support payload signing
    /// at all; every other preset signs the body's hash.
    pub const fn payload(&self) -> PayloadPolicy {
        match self {
            Self::VpcLattice => PayloadPolicy::Unsigned,
            Self::Default | Self::S3 | Self::S3MultiRegionAccessPoint | Self::ExecuteApi => {
                PayloadPolicy::Hashed
            }
        }
    }

    /// The payload to sign in a presigned URL.
    ///
    /// The body of a request made from a URL is not known when the URL is
    /// made, so S3 signs `UNSIGNED-PAYLOAD` there (as [`crate::presign()`]
    /// does by default), and Lattice never signs a payload. Other services
    /// document no unsigned payload: their presigned requests (an RDS IAM
    /// token, a presigned STS call) sign the hash of the body, usually empty.
    pub const fn presigned_payload(&self) -> PayloadPolicy {
        match self {
            Self::S3 | Self::S3MultiRegionAccessPoint | Self::VpcLattice => PayloadPolicy::Unsigned,
            Self::Default | Self::ExecuteApi => PayloadPolicy::Hashed,
        }
    }

    /// The payload to sign for a body whose bytes are not available up front
    /// (a stream), or `None` when the preset has no unsigned option and the
    /// body must be buffered and hashed before signing.
    ///
    /// - VPC Lattice: `UNSIGNED-PAYLOAD` over either transport; it is the only
    ///   payload Lattice accepts, and Lattice listeners are often plain HTTP.
    /// - S3 and Multi-Region Access Points: `UNSIGNED-PAYLOAD` over HTTPS,
    ///   where TLS protects the body. Over plain HTTP, `None`: an unsigned
    ///   body could be changed on the way without the signature noticing, so
    ///   it is hashed instead, as the AWS SDK for Java does.
    /// - Every other service, `execute-api` included: `None`. Only S3 and
    ///   Lattice document `UNSIGNED-PAYLOAD`; other services check the body
    ///   against the signed hash and refuse the literal.
    pub const fn payload_for_streaming_body(&self, transport: Transport) -> Option<PayloadPolicy> {
        match (self, transport) {
            (Self::VpcLattice, _) => Some(PayloadPolicy::Unsigned),
            (Self::S3 | Self::S3MultiRegionAccessPoint, Transport::Https) => {
                Some(PayloadPolicy::Unsigned)
            }
            (Self::S3 | Self::S3MultiRegionAccessPoint, Transport::PlainHttp)
            | (Self::Default | Self::ExecuteApi, _) => None,
        }
    }

    /// The algorithm this preset requires, if it requires one. A Multi-Region
    /// Access Point routes a request to any region, so only a SigV4A
    /// signature, valid in all of them, is accepted. VPC Lattice accepts both
    /// algorithms; the other presets leave the choice to the configuration.
    pub const fn required_algorithm(&self) -> Option<Algorithm> {
        match self {
            Self::S3MultiRegionAccessPoint => Some(Algorithm::Sigv4a),
            Self::Default | Self::S3 | Self::VpcLattice | Self::ExecuteApi => None,
        }
    }

    /// The SigV4A region set this preset requires, if it requires one: `*`
    /// for a Multi-Region Access Point, whose request may be served by any
    /// of its regions.
    pub fn required_region_set(&self) -> Option<RegionSet> {
        match self {
            Self::S3MultiRegionAccessPoint => Some(RegionSet::any()),
            Self::Default | Self::S3 | Self::VpcLattice | Self::ExecuteApi => None,
        }
    }
}

impl fmt::Display for ServicePreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ServicePreset {
    type Err = UnknownPreset;

    fn from_str(name: &str) -> Result<Self, UnknownPreset> {
        Self::from_name(name)
    }
}

impl<'de> serde::Deserialize<'de> for ServicePreset {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_name(&name).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for ServicePreset {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The service and region read from a standard AWS host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredEndpoint {
    /// The credential-scope service, e.g. `dynamodb`.
    pub service: String,
    /// The credential-scope region, e.g. `us-west-2`. `None` when the host
    /// names no single region: a Multi-Region Access Point (see
    /// [`region_set`](Self::region_set)), or a China host without a region.
    pub region: Option<String>,
    /// The SigV4A region set the host implies: `*` for a Multi-Region Access
    /// Point, `None` otherwise.
    pub region_set: Option<String>,
}

impl InferredEndpoint {
    fn regional(service: &str, region: &str) -> Self {
        Self {
            service: service.to_owned(),
            region: Some(region.to_owned()),
            region_set: None,
        }
    }
}

/// The region AWS documents for signing requests to a global endpoint of the
/// `aws` partition, such as `iam.amazonaws.com` or `sts.amazonaws.com`.
pub const GLOBAL_ENDPOINT_REGION: &str = "us-east-1";

/// The region behind the GovCloud global endpoints (`iam.us-gov.amazonaws.com`).
pub const GOVCLOUD_GLOBAL_ENDPOINT_REGION: &str = "us-gov-west-1";

/// Reads the service and region from a standard AWS host name, or `None`
/// when `host` is not one (an IP address, `localhost`, a custom domain).
///
/// `host` may carry a port and a trailing dot, in any case. It understands
/// `{service}.{region}.amazonaws.com` and the China `.amazonaws.com.cn`, the
/// global endpoints (`sts.amazonaws.com` is `us-east-1`), the S3 forms
/// (virtual-hosted buckets, legacy `s3-{region}`, dual-stack, access points,
/// S3 Control, Multi-Region Access Points), FIPS endpoints, VPC interface
/// endpoints, OpenSearch (`{domain}.{region}.es.amazonaws.com`), and the
/// `.on.aws` hosts of VPC Lattice and Lambda function URLs. The service is
/// the signing name (`email` signs as `ses`, `lambda-url` as `lambda`). See
/// `docs/PRESETS.md` for the table.
pub fn infer_from_host(host: &str) -> Option<InferredEndpoint> {
    let host = HostLabels::parse(host)?;
    let labels: Vec<&str> = host.labels().collect();
    match labels.as_slice() {
        [rest @ .., "amazonaws", "com"] => infer_amazonaws(rest, Partition::Aws),
        [rest @ .., "amazonaws", "com", "cn"] => infer_amazonaws(rest, Partition::China),
        [.., service, region, "on", "aws"] | [.., service, region, "api", "aws"] => {
            regional_endpoint(service, region)
        }
        _ => None,
    }
}

/// Whether a regionless host has a region to sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Partition {
    /// `amazonaws.com`: global endpoints sign for `us-east-1`.
    Aws,
    /// `amazonaws.com.cn`: every endpoint names its region.
    China,
}

/// Infers from the labels in front of `amazonaws.com(.cn)`.
fn infer_amazonaws(labels: &[&str], partition: Partition) -> Option<InferredEndpoint> {
    let labels = match labels {
        // A VPC interface endpoint: `vpce-….{service}.{region}.vpce.amazonaws.com`.
        [rest @ .., "vpce"] => rest,
        _ => labels,
    };
    match labels {
        [_, .., "mrap", "accesspoint", "s3-global"] => Some(InferredEndpoint {
            service: "s3".to_owned(),
            region: None,
            region_set: Some("*".to_owned()),
        }),
        // OpenSearch puts the region first: `search-x.us-east-1.es.amazonaws.com`.
        [_, .., region, service @ ("es" | "aoss")] if is_region(region) => {
            Some(InferredEndpoint::regional(service, region))
        }
        // A Multi-Region Access Point host without its alias, or a bare
        // `us-gov`, names no endpoint.
        [.., "s3-global"] | ["us-gov"] => None,
        [.., service, "us-gov"] => regional_endpoint(service, GOVCLOUD_GLOBAL_ENDPOINT_REGION),
        [before @ .., last] if is_region(last) => {
            let service = before
                .iter()
                .rev()
                .find(|label| !matches!(**label, "dualstack" | "fips"))?;
            regional_endpoint(service, last)
        }
        [.., last] => {
            if let Some(region) = legacy_s3_region(last) {
                return regional_endpoint("s3", region);
            }
            match partition {
                Partition::Aws => regional_endpoint(last, GLOBAL_ENDPOINT_REGION),
                Partition::China => Some(InferredEndpoint {
                    service: signing_name(last)?.to_owned(),
                    region: None,
                    region_set: None,
                }),
            }
        }
        [] => None,
    }
}

fn regional_endpoint(endpoint_prefix: &str, region: &str) -> Option<InferredEndpoint> {
    if !is_region(region) {
        return None;
    }
    Some(InferredEndpoint::regional(
        signing_name(endpoint_prefix)?,
        region,
    ))
}

/// The credential-scope service for an endpoint's service label, where the
/// two differ; `None` for a label that names no service.
fn signing_name(endpoint_prefix: &str) -> Option<&str> {
    let prefix = endpoint_prefix
        .strip_suffix("-fips")
        .unwrap_or(endpoint_prefix);
    let name = match prefix {
        "" => return None,
        "email" => "ses",
        "lambda-url" => "lambda",
        "s3-accesspoint" | "s3-control" => "s3",
        _ if prefix.starts_with("s3express") => "s3express",
        _ => prefix,
    };
    let starts_with_letter = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    starts_with_letter.then_some(name)
}

/// The region of a legacy S3 endpoint label: `s3-us-west-2` gives
/// `us-west-2`, `s3-external-1` gives `us-east-1`.
fn legacy_s3_region(label: &str) -> Option<&str> {
    if label == "s3-external-1" {
        return Some(GLOBAL_ENDPOINT_REGION);
    }
    label.strip_prefix("s3-").filter(|region| is_region(region))
}

/// Whether `label` has the shape of an AWS region: a two-letter area, one to
/// three words, and a number (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`).
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    let [area, words @ .., number] = parts.as_slice() else {
        return false;
    };
    area.len() == 2
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && (1..=3).contains(&words.len())
        && words
            .iter()
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A DNS host name, lower-cased, without port or trailing dot, whose labels
/// hold only letters, digits and `-`.
struct HostLabels(String);

impl HostLabels {
    /// The longest host name DNS allows.
    const MAX_LEN: usize = 253;

    fn parse(host: &str) -> Option<Self> {
        let host = host.trim();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return None,
            None => host,
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        let valid = !name.is_empty()
            && name.len() <= Self::MAX_LEN
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && name.parse::<Ipv4Addr>().is_err();
        valid.then(|| Self(name.to_ascii_lowercase()))
    }

    fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    fn is_multi_region_access_point(&self) -> bool {
        let labels: Vec<&str> = self.labels().collect();
        labels.windows(3).enumerate().any(|(at, window)| {
            window == ["mrap", "accesspoint", "s3-global"] && at > 0 && at + 3 < labels.len()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sigv4kit_canon::PathRules;

    fn inferred(host: &str) -> Option<(String, Option<String>)> {
        infer_from_host(host).map(|endpoint| (endpoint.service, endpoint.region))
    }

    fn regional_answer(service: &str, region: &str) -> Option<(String, Option<String>)> {
        Some((service.to_owned(), Some(region.to_owned())))
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known_ones() {
        for preset in ServicePreset::ALL {
            assert_eq!(ServicePreset::from_name(preset.name()), Ok(preset));
            assert_eq!(preset.name().parse::<ServicePreset>(), Ok(preset));
            assert_eq!(preset.to_string(), preset.name());
        }
        let error = ServicePreset::from_name("s3mrap").unwrap_err();
        assert_eq!(error.name, "s3mrap");
        assert_eq!(
            error.to_string(),
            "unknown service preset \"s3mrap\"; the presets are: \
             default, s3, s3-mrap, vpc-lattice-svcs, execute-api"
        );
        assert!(ServicePreset::from_name("S3").is_err(), "names are exact");
        assert!(ServicePreset::from_name("auto").is_err(), "auto is a mode");
    }

    #[test]
    fn serde_uses_the_stable_names() {
        #[derive(serde::Deserialize)]
        struct Config {
            preset: ServicePreset,
        }
        for preset in ServicePreset::ALL {
            let text = format!("preset = \"{}\"", preset.name());
            let config: Config = toml::from_str(&text).unwrap();
            assert_eq!(config.preset, preset);
            assert_eq!(
                serde_json::to_string(&preset).unwrap(),
                format!("\"{preset}\"")
            );
        }
        let error = toml::from_str::<Config>("preset = \"lattice\"")
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("unknown service preset \"lattice\""),
            "{error}"
        );
        assert!(error.contains("vpc-lattice-svcs"), "{error}");
    }

    #[test]
    fn detection_follows_the_service_and_the_mrap_host() {
        use ServicePreset::*;
        let cases = [
            ("s3", None, S3),
            ("s3", Some("bucket.s3.us-west-2.amazonaws.com"), S3),
            (
                "s3",
                Some("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"),
                S3MultiRegionAccessPoint,
            ),
            (
                "s3",
                Some("MFZWI23GNJVGW.MRAP.AccessPoint.S3-Global.amazonaws.com.:443"),
                S3MultiRegionAccessPoint,
            ),
            ("s3", Some("mrap.accesspoint.s3-global.amazonaws.com"), S3),
            ("s3", Some("x.mrap.accesspoint.s3-global"), S3),
            (
                "dynamodb",
                Some("x.mrap.accesspoint.s3-global.amazonaws.com"),
                Default,
            ),
            ("vpc-lattice-svcs", None, VpcLattice),
            (
                "execute-api",
                Some("abc.execute-api.eu-central-1.amazonaws.com"),
                ExecuteApi,
            ),
            (
                "dynamodb",
                Some("dynamodb.us-west-2.amazonaws.com"),
                Default,
            ),
            ("", None, Default),
            ("s3-object-lambda", None, Default),
        ];
        for (service, host, expected) in cases {
            assert_eq!(
                ServicePreset::detect(service, host),
                expected,
                "{service} {host:?}"
            );
        }
    }

    #[test]
    fn each_preset_implies_its_settings() {
        let s3 = ServicePreset::S3.settings();
        assert_eq!(s3.rules.path, PathRules::S3);
        assert!(s3.content_sha256_header);
        assert_eq!(ServicePreset::S3MultiRegionAccessPoint.settings(), s3);

        let lattice = ServicePreset::VpcLattice.settings();
        assert!(lattice.content_sha256_header);
        assert_eq!(lattice.rules.path, PathRules::STANDARD);

        for preset in [ServicePreset::Default, ServicePreset::ExecuteApi] {
            assert_eq!(preset.settings(), SigningSettings::default(), "{preset}");
        }
    }

    #[test]
    fn only_lattice_refuses_a_signed_payload() {
        for preset in ServicePreset::ALL {
            let expected = if preset == ServicePreset::VpcLattice {
                PayloadPolicy::Unsigned
            } else {
                PayloadPolicy::Hashed
            };
            assert_eq!(preset.payload(), expected, "{preset}");
        }
        assert_eq!(PayloadPolicy::Hashed.payload(b"{}"), Payload::Bytes(b"{}"));
        assert_eq!(PayloadPolicy::Unsigned.payload(b"{}"), Payload::Unsigned);
    }

    #[test]
    fn presigned_urls_are_unsigned_only_where_documented() {
        use PayloadPolicy::*;
        use ServicePreset::*;
        for (preset, expected) in [
            (Default, Hashed),
            (S3, Unsigned),
            (S3MultiRegionAccessPoint, Unsigned),
            (VpcLattice, Unsigned),
            (ExecuteApi, Hashed),
        ] {
            assert_eq!(preset.presigned_payload(), expected, "{preset}");
        }
    }

    #[test]
    fn streaming_bodies_go_unsigned_only_where_the_service_and_transport_allow() {
        use ServicePreset::*;
        use Transport::*;
        let unsigned = Some(PayloadPolicy::Unsigned);
        for (preset, transport, expected) in [
            (VpcLattice, PlainHttp, unsigned),
            (VpcLattice, Https, unsigned),
            (S3, Https, unsigned),
            (S3MultiRegionAccessPoint, Https, unsigned),
            (S3, PlainHttp, None),
            (S3MultiRegionAccessPoint, PlainHttp, None),
            (ExecuteApi, Https, None),
            (ExecuteApi, PlainHttp, None),
            (Default, Https, None),
            (Default, PlainHttp, None),
        ] {
            assert_eq!(
                preset.payload_for_streaming_body(transport),
                expected,
                "{preset} {transport:?}"
            );
        }
    }

    #[test]
    fn transports_come_from_url_schemes() {
        assert_eq!(Transport::from_scheme("http"), Some(Transport::PlainHttp));
        assert_eq!(Transport::from_scheme("HTTPS"), Some(Transport::Https));
        assert_eq!(Transport::from_scheme("ftp"), None);
    }

    #[test]
    fn only_mrap_requires_sigv4a_over_every_region() {
        for preset in ServicePreset::ALL {
            let mrap = preset == ServicePreset::S3MultiRegionAccessPoint;
            assert_eq!(
                preset.required_algorithm(),
                mrap.then_some(Algorithm::Sigv4a),
                "{preset}"
            );
            assert_eq!(
                preset.required_region_set(),
                mrap.then(RegionSet::any),
                "{preset}"
            );
        }
    }

    #[test]
    fn presets_name_their_service() {
        for preset in ServicePreset::ALL {
            if let Some(service) = preset.service_name() {
                assert_eq!(
                    ServicePreset::detect(service, None),
                    match preset {
                        ServicePreset::S3MultiRegionAccessPoint => ServicePreset::S3,
                        other => other,
                    }
                );
            }
        }
        assert_eq!(ServicePreset::Default.service_name(), None);
    }

    #[test]
    fn regional_endpoints() {
        for (host, service, region) in [
            ("dynamodb.us-west-2.amazonaws.com", "dynamodb", "us-west-2"),
            ("sqs.eu-central-2.amazonaws.com", "sqs", "eu-central-2"),
            (
                "kinesis.ap-southeast-4.amazonaws.com",
                "kinesis",
                "ap-southeast-4",
            ),
            (
                "lambda.us-gov-west-1.amazonaws.com",
                "lambda",
                "us-gov-west-1",
            ),
            ("sts.us-iso-east-1.amazonaws.com", "sts", "us-iso-east-1"),
            (
                "streams.dynamodb.us-east-1.amazonaws.com",
                "dynamodb",
                "us-east-1",
            ),
            ("email.us-west-2.amazonaws.com", "ses", "us-west-2"),
            (
                "abc123.execute-api.eu-central-1.amazonaws.com",
                "execute-api",
                "eu-central-1",
            ),
            ("ec2.us-east-1.api.aws", "ec2", "us-east-1"),
        ] {
            assert_eq!(inferred(host), regional_answer(service, region), "{host}");
        }
    }

    #[test]
    fn global_endpoints_sign_for_us_east_1() {
        for (host, service) in [
            ("sts.amazonaws.com", "sts"),
            ("iam.amazonaws.com", "iam"),
            ("route53.amazonaws.com", "route53"),
            ("cloudfront.amazonaws.com", "cloudfront"),
        ] {
            assert_eq!(
                inferred(host),
                regional_answer(service, "us-east-1"),
                "{host}"
            );
        }
        assert_eq!(
            inferred("iam.us-gov.amazonaws.com"),
            regional_answer("iam", "us-gov-west-1")
        );
    }

    #[test]
    fn china_endpoints() {
        assert_eq!(
            inferred("dynamodb.cn-north-1.amazonaws.com.cn"),
            regional_answer("dynamodb", "cn-north-1")
        );
        assert_eq!(
            inferred("bucket.s3.cn-northwest-1.amazonaws.com.cn"),
            regional_answer("s3", "cn-northwest-1")
        );
        assert_eq!(
            inferred("iam.amazonaws.com.cn"),
            Some(("iam".to_owned(), None)),
            "China has no us-east-1: no region is guessed"
        );
    }

    #[test]
    fn s3_forms() {
        for (host, region) in [
            ("s3.amazonaws.com", "us-east-1"),
            ("bucket.s3.amazonaws.com", "us-east-1"),
            ("my-bucket-1.s3.amazonaws.com", "us-east-1"),
            ("a.b.c.s3.amazonaws.com", "us-east-1"),
            ("bucket.s3.us-west-2.amazonaws.com", "us-west-2"),
            ("s3.us-west-2.amazonaws.com", "us-west-2"),
            ("s3-us-west-2.amazonaws.com", "us-west-2"),
            ("bucket.s3-us-west-2.amazonaws.com", "us-west-2"),
            ("s3-external-1.amazonaws.com", "us-east-1"),
            ("s3.dualstack.eu-west-1.amazonaws.com", "eu-west-1"),
            ("bucket.s3.dualstack.eu-west-1.amazonaws.com", "eu-west-1"),
            ("s3-fips.us-east-2.amazonaws.com", "us-east-2"),
            ("s3-fips.dualstack.us-east-2.amazonaws.com", "us-east-2"),
            ("bucket.s3-accesspoint.us-east-1.amazonaws.com", "us-east-1"),
            (
                "ap-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com",
                "us-east-1",
            ),
            (
                "123456789012.s3-control.us-east-2.amazonaws.com",
                "us-east-2",
            ),
            (
                "bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
                "us-east-1",
            ),
        ] {
            assert_eq!(inferred(host), regional_answer("s3", region), "{host}");
        }
        assert_eq!(
            inferred("ap-1234.s3-object-lambda.us-east-1.amazonaws.com"),
            regional_answer("s3-object-lambda", "us-east-1")
        );
        assert_eq!(
            inferred("bucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com"),
            regional_answer("s3express", "us-west-2")
        );
    }

    #[test]
    fn multi_region_access_points_have_no_single_region() {
        let endpoint =
            infer_from_host("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com").unwrap();
        assert_eq!(endpoint.service, "s3");
        assert_eq!(endpoint.region, None);
        assert_eq!(endpoint.region_set.as_deref(), Some("*"));
        assert_eq!(
            infer_from_host("mrap.accesspoint.s3-global.amazonaws.com"),
            None
        );
        assert_eq!(infer_from_host("s3-global.amazonaws.com"), None);
    }

    #[test]
    fn on_aws_hosts() {
        for (host, service, region) in [
            (
                "svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
                "vpc-lattice-svcs",
                "us-west-2",
            ),
            (
                "data-svc-022f67d3a42.1234abc.vpc-lattice-svcs.us-west-2.on.aws",
                "vpc-lattice-svcs",
                "us-west-2",
            ),
            ("xyz.lambda-url.us-east-1.on.aws", "lambda", "us-east-1"),
        ] {
            assert_eq!(inferred(host), regional_answer(service, region), "{host}");
        }
        assert_eq!(inferred("example.on.aws"), None);
        assert_eq!(inferred("lambda-url.on.aws"), None);
    }

    #[test]
    fn opensearch_puts_the_region_first() {
        assert_eq!(
            inferred("search-x-abc123.us-east-1.es.amazonaws.com"),
            regional_answer("es", "us-east-1")
        );
        assert_eq!(
            inferred("vpc-logs-xyz.eu-west-1.es.amazonaws.com"),
            regional_answer("es", "eu-west-1")
        );
        assert_eq!(
            inferred("abc123.us-east-1.aoss.amazonaws.com"),
            regional_answer("aoss", "us-east-1")
        );
        assert_eq!(
            inferred("es.us-east-1.amazonaws.com"),
            regional_answer("es", "us-east-1")
        );
    }

    #[test]
    fn fips_endpoints_sign_with_the_plain_service_name() {
        assert_eq!(
            inferred("dynamodb-fips.us-east-1.amazonaws.com"),
            regional_answer("dynamodb", "us-east-1")
        );
        assert_eq!(
            inferred("kms-fips.us-gov-west-1.amazonaws.com"),
            regional_answer("kms", "us-gov-west-1")
        );
        assert_eq!(
            inferred("vpce-0a1b-2c3d.execute-api.us-east-1.vpce.amazonaws.com"),
            regional_answer("execute-api", "us-east-1")
        );
    }

    #[test]
    fn ports_trailing_dots_and_case_do_not_matter() {
        for host in [
            "dynamodb.us-west-2.amazonaws.com:443",
            "dynamodb.us-west-2.amazonaws.com.",
            "dynamodb.us-west-2.amazonaws.com.:8443",
            "DynamoDB.US-West-2.AmazonAWS.com",
            "  dynamodb.us-west-2.amazonaws.com  ",
        ] {
            assert_eq!(
                inferred(host),
                regional_answer("dynamodb", "us-west-2"),
                "{host:?}"
            );
        }
    }

    #[test]
    fn non_aws_hosts_give_nothing() {
        for host in [
            "",
            ".",
            ":",
            ":443",
            "localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:9000",
            "[::1]",
            "[::1]:443",
            "::1",
            "example.com",
            "api.example.com",
            "amazonaws.com",
            "com",
            ".amazonaws.com",
            "dynamodb..us-west-2.amazonaws.com",
            "dynamodb.us-west-2.amazonaws.com..",
            "dynamodb.us-west-2.amazonaws.com:https",
            "dynamodb.us-west-2.amazonaws.com.evil.example",
            "dynamodb.us-west-2.amazonaws.com/path",
            "user@dynamodb.us-west-2.amazonaws.com",
            "dynamodb_x.us-west-2.amazonaws.com",
            "dynamödb.us-west-2.amazonaws.com",
            "1.2.3.4.amazonaws.com",
            "-.us-east-1.amazonaws.com",
            "notaregion.on.aws",
        ] {
            assert_eq!(inferred(host), None, "{host:?}");
        }
    }

    #[test]
    fn region_shapes() {
        for good in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-4",
            "us-gov-west-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "cn-north-1",
            "il-central-1",
        ] {
            assert!(is_region(good), "{good}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "us-gov",
            "us-east-x",
            "usa-east-1",
            "us-east-123",
            "us--1",
            "us-a-b-c-d-1",
            "my-bucket",
            "US-EAST-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn inference_never_panics(host in any::<String>()) {
            let _ = infer_from_host(&host);
            let _ = ServicePreset::detect("s3", Some(&host));
        }

        #[test]
        fn inference_never_panics_on_host_like_strings(
            host in "[a-zA-Z0-9.:\\-\\[\\]]{0,80}(\\.amazonaws\\.com(\\.cn)?|\\.on\\.aws)?(:[0-9]{0,6})?",
        ) {
            if let Some(endpoint) = infer_from_host(&host) {
                prop_assert!(sigv4kit_canon::Service::new(&endpoint.service).is_ok());
                if let Some(region) = &endpoint.region {
                    prop_assert!(sigv4kit_canon::Region::new(region).is_ok());
                }
            }
        }

        #[test]
        fn service_and_region_are_read_back(
            service in "[a-z][a-z0-9]{1,15}",
            region in "(us|eu|ap|sa|ca|me|af|cn)-(east|west|central|north|south|southeast)-[1-9]",
        ) {
            prop_assume!(!["s3", "email", "es", "aoss", "dualstack", "fips", "vpce"]
                .contains(&service.as_str()));
            prop_assume!(!service.starts_with("s3express"));
            let host = format!("{service}.{region}.amazonaws.com");
            prop_assert_eq!(inferred(&host), regional_answer(&service, &region));
        }
    }
}
