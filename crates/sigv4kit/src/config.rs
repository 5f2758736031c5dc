//! Choosing the algorithm, and everything it needs, by configuration.
//!
//! An application should not decide in code whether it signs with SigV4 or
//! SigV4A: the same binary talks to a regional endpoint today and to a
//! Multi-Region Access Point tomorrow. A [`SignerConfig`] says what the user
//! chose (in code, in a TOML file, or not at all) and [`SignerConfig::resolve`]
//! completes it from the conventions AWS users already have, in this order:
//!
//! 1. what the config says explicitly;
//! 2. for the service and region only, the request's host name, when it is a
//!    standard AWS endpoint (`dynamodb.us-west-2.amazonaws.com`): a request to
//!    one region signed for another is always refused, so the endpoint beats
//!    an ambient `AWS_REGION`;
//! 3. the environment: `AWS_AUTH_SCHEME_PREFERENCE`,
//!    `AWS_SIGV4A_SIGNING_REGION_SET`, `AWS_REGION`, `AWS_DEFAULT_REGION`;
//! 4. the selected profile of the shared config files (`AWS_PROFILE`,
//!    `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`): the keys
//!    `auth_scheme_preference`, `sigv4a_signing_region_set` and `region`;
//! 5. the service preset (an S3 Multi-Region Access Point needs SigV4A over
//!    the region set `*`), then the defaults: SigV4, and the region set `*`
//!    when SigV4A is chosen without one.
//!
//! Every resolved value remembers where it came from ([`SettingSource`]), so
//! that an error, or `sigv4 explain`, can say which setting decided. Settings
//! that contradict each other are an error naming both, never a silent pick.
//!
//! The result is a [`RequestSigner`]: a `Box<dyn Signer>` of the chosen
//! algorithm with the credentials provider, scope and signing rules it needs,
//! and, for the server side, a matching [`RequestVerifier`].
//! `docs/CONFIGURATION.md` documents the keys and the precedence.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use sigv4kit_canon::{Algorithm, AmzDate, Payload, Region, RegionSet, Request, Service};
use sigv4kit_signer::{
    Clock, Credentials, Expiry, PresignedPayload, SessionTokenMode, Signer, SigningError,
    SigningOutput, SigningParams, SigningRegion, SigningSettings, SystemClock, VerifyPolicy,
};

use crate::credentials::{CredentialsError, DefaultCredentialsChain, ProvideCredentials};
use crate::environment::Environment;
use crate::preset::{InferredEndpoint, PayloadPolicy, ServicePreset, Transport, infer_from_host};
use crate::presign::{PresignError, PresignRequest, PresignedUrl, presign};
use crate::profile::{ProfileError, ProfileSet, selected_profile_name};
use crate::verify::{InMemoryKeyProvider, RequestVerifier};

/// Where a resolved setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingSource {
    /// Set in code, in the TOML file or on the command line.
    Explicit,
    /// Inferred from the endpoint's host name.
    HostName(String),
    /// An environment variable.
    Environment(&'static str),
    /// A key of a profile in the shared config files.
    Profile {
        /// The profile's name.
        profile: String,
        /// The key.
        key: &'static str,
    },
    /// Implied by a service preset.
    Preset(&'static str),
    /// Nobody chose: the default.
    Default,
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Explicit => f.write_str("the explicit configuration"),
            Self::HostName(host) => write!(f, "the host name {host}"),
            Self::Environment(name) => write!(f, "the environment variable {name}"),
            Self::Profile { profile, key } => write!(f, "the key {key} of profile {profile}"),
            Self::Preset(name) => write!(f, "the {name} service preset"),
            Self::Default => f.write_str("the default"),
        }
    }
}

/// A resolved value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Who chose it.
    pub source: SettingSource,
}

impl<T> Sourced<T> {
    fn new(value: T, source: SettingSource) -> Self {
        Self { value, source }
    }
}

/// How the service preset is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresetChoice {
    /// From the service and the host name ([`ServicePreset::detect`]).
    #[default]
    Auto,
    /// No preset: only the explicit settings decide.
    None,
    /// This preset.
    Named(ServicePreset),
}

impl std::str::FromStr for PresetChoice {
    type Err = ConfigError;

    fn from_str(name: &str) -> Result<Self, ConfigError> {
        match name {
            "auto" => Ok(Self::Auto),
            "none" => Ok(Self::None),
            named => named
                .parse::<ServicePreset>()
                .map(Self::Named)
                .map_err(|error| ConfigError::Invalid {
                    setting: "preset",
                    set_by: SettingSource::Explicit,
                    reason: format!("{error}; or auto, or none"),
                }),
        }
    }
}

/// Signing rules that override the preset's, when set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigningOverrides {
    /// Sign `UNSIGNED-PAYLOAD` instead of the body's hash.
    pub unsigned_payload: Option<bool>,
    /// Send the payload hash in `x-amz-content-sha256`.
    pub content_sha256_header: Option<bool>,
    /// Normalize the path (remove dot segments, collapse slashes).
    pub normalize_path: Option<bool>,
    /// Percent-encode the path a second time.
    pub double_encode: Option<bool>,
    /// Sign the session token (`false`: send it unsigned, as some services
    /// require).
    pub sign_session_token: Option<bool>,
    /// Keep the canonical request in the output, for debugging.
    pub capture_canonical_request: Option<bool>,
}

/// What the user chose. Every field is optional; [`SignerConfig::resolve`]
/// fills in the rest from the environment, the profile files, the preset
/// and the defaults.
///
/// ```
/// use sigv4kit::canon::Algorithm;
/// use sigv4kit::config::SignerConfig;
/// use sigv4kit::environment::MapEnvironment;
///
/// let config = SignerConfig::from_toml_str(r#"
///     algorithm = "sigv4a"
///     endpoint = "https://svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws"
///     [credentials]
///     access_key_id = "AKIDEXAMPLE"
///     secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
/// "#)?;
/// let resolved = config.resolve(&MapEnvironment::new())?;
/// assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
/// assert_eq!(resolved.service.value.as_str(), "vpc-lattice-svcs");
/// assert_eq!(resolved.region_set().unwrap().as_str(), "*");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SignerConfig {
    /// The algorithm.
    pub algorithm: Option<Algorithm>,
    /// The service of the credential scope, e.g. `dynamodb`.
    pub service: Option<Service>,
    /// The SigV4 region.
    pub region: Option<Region>,
    /// The SigV4A region set.
    pub region_set: Option<RegionSet>,
    /// The endpoint (`https://host/...` or a bare host name), from which the
    /// service, region and preset are inferred when not given.
    pub endpoint: Option<String>,
    /// The service preset.
    pub preset: PresetChoice,
    /// The profile of the shared config files.
    pub profile: Option<String>,
    /// Where the credentials come from; the environment then the profile
    /// files when `None`.
    pub credentials: Option<Arc<dyn ProvideCredentials>>,
    /// Signing rules overriding the preset's.
    pub signing: SigningOverrides,
    /// The clock that gives the signing time; the system clock when `None`.
    pub clock: Option<Arc<dyn Clock>>,
}

impl SignerConfig {
    /// A config that chooses nothing: everything is resolved.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same config with `algorithm`.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// The same config with `service`.
    pub fn with_service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    /// The same config with the SigV4 `region`.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The same config with the SigV4A `region_set`.
    pub fn with_region_set(mut self, region_set: RegionSet) -> Self {
        self.region_set = Some(region_set);
        self
    }

    /// The same config inferring from `endpoint`, a URL or a host name.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The same config with `preset`.
    pub fn with_preset(mut self, preset: PresetChoice) -> Self {
        self.preset = preset;
        self
    }

    /// The same config reading `profile` from the shared config files.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The same config with `credentials`, fixed or from a provider.
    pub fn with_credentials(mut self, credentials: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// The same config with `signing` overrides.
    pub fn with_signing(mut self, signing: SigningOverrides) -> Self {
        self.signing = signing;
        self
    }

    /// The same config signing at the time `clock` gives.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Reads a TOML configuration (see `docs/CONFIGURATION.md`). An unknown
    /// key is an error, so that a typo cannot silently change nothing.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|error| ConfigError::Toml {
            path: None,
            reason: toml_error_reason(&error, text),
        })?;
        file.into_config()
    }

    /// Reads the TOML configuration file at `path`.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Io {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
        Self::from_toml_str(&text).map_err(|error| match error {
            ConfigError::Toml { reason, .. } => ConfigError::Toml {
                path: Some(path.to_owned()),
                reason,
            },
            other => other,
        })
    }

    /// Completes this config from `env`, the profile files it names and the
    /// preset, and checks that the result is consistent.
    pub fn resolve(&self, env: &dyn Environment) -> Result<ResolvedConfig, ConfigError> {
        let profile_name = selected_profile_name(self.profile.as_deref(), env);
        let profile_named = self.profile.is_some() || env.non_empty_var("AWS_PROFILE").is_some();
        let profiles = Arc::new(ProfileSet::from_environment(env)?);
        if profile_named && profiles.profile(&profile_name).is_none() {
            return Err(ConfigError::ProfileNotFound {
                profile: profile_name,
            });
        }
        let layers = Layers {
            env,
            profiles: &profiles,
            profile_name: &profile_name,
        };

        let host = self.endpoint.as_deref().map(host_of);
        let inferred = host.and_then(infer_from_host);
        let host_source = || SettingSource::HostName(host.unwrap_or_default().to_owned());

        let service = match (&self.service, &inferred) {
            (Some(service), _) => Sourced::new(service.clone(), SettingSource::Explicit),
            (None, Some(inferred)) => Sourced::new(
                Service::new(&inferred.service).map_err(|error| ConfigError::Invalid {
                    setting: "service",
                    set_by: host_source(),
                    reason: error.to_string(),
                })?,
                host_source(),
            ),
            (None, None) => return Err(ConfigError::MissingService),
        };

        let preset = match self.preset {
            PresetChoice::Auto => Some(ServicePreset::detect(service.value.as_str(), host)),
            PresetChoice::None => None,
            PresetChoice::Named(preset) => Some(preset),
        };

        let algorithm = self.resolve_algorithm(&layers, preset)?;
        let region = self.resolve_region(&layers, inferred.as_ref(), host_source)?;
        let region_set = self.resolve_region_set(&layers, preset, &algorithm)?;
        if algorithm.value == Algorithm::Sigv4 && region.is_none() {
            return Err(ConfigError::MissingRegion {
                profile: profile_name,
            });
        }

        let mut settings = preset.map(|preset| preset.settings()).unwrap_or_default();
        let mut payload = preset.map_or(PayloadPolicy::Hashed, |preset| preset.payload());
        let mut presigned_payload =
            preset.map_or(PayloadPolicy::Unsigned, |preset| preset.presigned_payload());
        let overrides = &self.signing;
        if let Some(unsigned) = overrides.unsigned_payload {
            payload = if unsigned {
                PayloadPolicy::Unsigned
            } else {
                PayloadPolicy::Hashed
            };
            presigned_payload = payload;
        }
        if let Some(header) = overrides.content_sha256_header {
            settings.content_sha256_header = header;
        }
        if let Some(normalize) = overrides.normalize_path {
            settings.rules.path.normalize = normalize;
        }
        if let Some(double_encode) = overrides.double_encode {
            settings.rules.path.double_encode = double_encode;
        }
        if let Some(signed) = overrides.sign_session_token {
            settings.session_token = if signed {
                SessionTokenMode::Signed
            } else {
                SessionTokenMode::SentUnsigned
            };
        }
        if let Some(capture) = overrides.capture_canonical_request {
            settings.capture_canonical_request = capture;
        }

        let credentials = match &self.credentials {
            Some(provider) => Arc::clone(provider),
            None => Arc::new(DefaultCredentialsChain::with_profiles(
                env,
                self.profile.as_deref(),
                Arc::clone(&profiles),
            )),
        };
        Ok(ResolvedConfig {
            algorithm,
            service,
            region,
            region_set,
            preset,
            payload,
            presigned_payload,
            settings,
            credentials,
            clock: self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock)),
            ignored_auth_schemes: layers.ignored_auth_schemes(self.algorithm.is_some()),
        })
    }

    fn resolve_algorithm(
        &self,
        layers: &Layers<'_>,
        preset: Option<ServicePreset>,
    ) -> Result<Sourced<Algorithm>, ConfigError> {
        let required = preset.and_then(|preset| preset.required_algorithm());
        let chosen = if let Some(algorithm) = self.algorithm {
            Some(Sourced::new(algorithm, SettingSource::Explicit))
        } else {
            layers.auth_scheme_preference(required)?
        };
        match (chosen, required, preset) {
            (Some(chosen), Some(required), Some(preset)) if chosen.value != required => {
                Err(ConfigError::Conflict {
                    setting: "algorithm",
                    value: scheme_name(chosen.value).to_owned(),
                    set_by: chosen.source,
                    conflicts_with: format!(
                        "the {} preset, which requires {}",
                        preset.name(),
                        scheme_name(required)
                    ),
                })
            }
            (Some(chosen), _, _) => Ok(chosen),
            (None, Some(required), Some(preset)) => {
                Ok(Sourced::new(required, SettingSource::Preset(preset.name())))
            }
            (None, _, _) => Ok(Sourced::new(Algorithm::Sigv4, SettingSource::Default)),
        }
    }

    fn resolve_region(
        &self,
        layers: &Layers<'_>,
        inferred: Option<&InferredEndpoint>,
        host_source: impl Fn() -> SettingSource,
    ) -> Result<Option<Sourced<Region>>, ConfigError> {
        if let Some(region) = &self.region {
            return Ok(Some(Sourced::new(region.clone(), SettingSource::Explicit)));
        }
        if let Some(region) = inferred.and_then(|inferred| inferred.region.as_deref()) {
            return parse_region(region, host_source()).map(Some);
        }
        match layers.first(&["AWS_REGION", "AWS_DEFAULT_REGION"], "region") {
            Some((value, source)) => parse_region(&value, source).map(Some),
            None => Ok(None),
        }
    }

    fn resolve_region_set(
        &self,
        layers: &Layers<'_>,
        preset: Option<ServicePreset>,
        algorithm: &Sourced<Algorithm>,
    ) -> Result<Option<Sourced<RegionSet>>, ConfigError> {
        let configured = match &self.region_set {
            Some(set) => Some(Sourced::new(set.clone(), SettingSource::Explicit)),
            None => match layers.first(
                &["AWS_SIGV4A_SIGNING_REGION_SET"],
                "sigv4a_signing_region_set",
            ) {
                Some((value, source)) => Some(parse_region_set(&value, source)?),
                None => None,
            },
        };
        let required =
            preset.and_then(|preset| preset.required_region_set().map(|set| (preset, set)));
        match (algorithm.value, configured, required) {
            (Algorithm::Sigv4, Some(set), _) => Err(ConfigError::Conflict {
                setting: "region set",
                value: set.value.as_str().to_owned(),
                set_by: set.source,
                conflicts_with: format!(
                    "the algorithm sigv4 chosen by {}: a region set is for SigV4A; choose sigv4a or remove the region set",
                    algorithm.source
                ),
            }),
            (Algorithm::Sigv4, None, _) => Ok(None),
            (Algorithm::Sigv4a, Some(set), Some((preset, required))) if set.value != required => {
                Err(ConfigError::Conflict {
                    setting: "region set",
                    value: set.value.as_str().to_owned(),
                    set_by: set.source,
                    conflicts_with: format!(
                        "the {} preset, which signs for the region set {}",
                        preset.name(),
                        required.as_str()
                    ),
                })
            }
            (Algorithm::Sigv4a, Some(set), _) => Ok(Some(set)),
            (Algorithm::Sigv4a, None, Some((preset, required))) => Ok(Some(Sourced::new(
                required,
                SettingSource::Preset(preset.name()),
            ))),
            (Algorithm::Sigv4a, None, None) => {
                Ok(Some(Sourced::new(RegionSet::any(), SettingSource::Default)))
            }
        }
    }
}

/// The environment and the selected profile, read in that order.
struct Layers<'a> {
    env: &'a dyn Environment,
    profiles: &'a ProfileSet,
    profile_name: &'a str,
}

impl Layers<'_> {
    /// The first of the environment variables `vars` that is set, else the
    /// profile's `key`.
    fn first(&self, vars: &[&'static str], key: &'static str) -> Option<(String, SettingSource)> {
        vars.iter()
            .find_map(|&var| {
                self.env
                    .non_empty_var(var)
                    .map(|value| (value, SettingSource::Environment(var)))
            })
            .or_else(|| {
                let value = self.profiles.profile(self.profile_name)?.get(key)?;
                (!value.trim().is_empty()).then(|| {
                    (
                        value.to_owned(),
                        SettingSource::Profile {
                            profile: self.profile_name.to_owned(),
                            key,
                        },
                    )
                })
            })
    }

    /// The most preferred scheme of `AWS_AUTH_SCHEME_PREFERENCE` or the
    /// profile's `auth_scheme_preference` that sigv4kit signs with and the
    /// preset accepts. Other AWS schemes (`httpBearerAuth`, `noAuth`) are
    /// skipped, as the SDKs skip schemes a client cannot use.
    fn auth_scheme_preference(
        &self,
        required: Option<Algorithm>,
    ) -> Result<Option<Sourced<Algorithm>>, ConfigError> {
        let Some((list, source)) =
            self.first(&["AWS_AUTH_SCHEME_PREFERENCE"], "auth_scheme_preference")
        else {
            return Ok(None);
        };
        let known: Vec<Algorithm> = list.split(',').filter_map(scheme_from_name).collect();
        if known.is_empty() {
            return Err(ConfigError::Invalid {
                setting: "auth scheme preference",
                set_by: source,
                reason: format!("{list:?} names neither sigv4 nor sigv4a"),
            });
        }
        let chosen = match required {
            Some(required) => known.iter().copied().find(|&scheme| scheme == required),
            None => known.first().copied(),
        };
        match chosen {
            Some(algorithm) => Ok(Some(Sourced::new(algorithm, source))),
            None => Ok(Some(Sourced::new(known[0], source))),
        }
    }

    /// The schemes of the preference list that were skipped, for
    /// diagnostics; none when the algorithm was explicit.
    fn ignored_auth_schemes(&self, explicit_algorithm: bool) -> Vec<String> {
        if explicit_algorithm {
            return Vec::new();
        }
        self.first(&["AWS_AUTH_SCHEME_PREFERENCE"], "auth_scheme_preference")
            .map(|(list, _)| {
                list.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty() && scheme_from_name(name).is_none())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The algorithm an auth scheme name means: the short names of
/// `AWS_AUTH_SCHEME_PREFERENCE` (`sigv4`, `sigv4a`), with or without the
/// Smithy namespace `aws.auth#`.
fn scheme_from_name(name: &str) -> Option<Algorithm> {
    let name = name.trim();
    let name = name.strip_prefix("aws.auth#").unwrap_or(name);
    if name.eq_ignore_ascii_case("sigv4") {
        Some(Algorithm::Sigv4)
    } else if name.eq_ignore_ascii_case("sigv4a") {
        Some(Algorithm::Sigv4a)
    } else {
        None
    }
}

/// The short name of an algorithm, as configuration spells it.
pub const fn scheme_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sigv4 => "sigv4",
        Algorithm::Sigv4a => "sigv4a",
    }
}

/// Parses an algorithm as configuration spells it: `sigv4` or `sigv4a`.
pub fn parse_algorithm(name: &str) -> Result<Algorithm, ConfigError> {
    scheme_from_name(name).ok_or_else(|| ConfigError::Invalid {
        setting: "algorithm",
        set_by: SettingSource::Explicit,
        reason: format!("{name:?} is neither sigv4 nor sigv4a"),
    })
}

fn parse_region(value: &str, source: SettingSource) -> Result<Sourced<Region>, ConfigError> {
    match Region::new(value.trim()) {
        Ok(region) => Ok(Sourced::new(region, source)),
        Err(error) => Err(ConfigError::Invalid {
            setting: "region",
            set_by: source,
            reason: error.to_string(),
        }),
    }
}

fn parse_region_set(value: &str, source: SettingSource) -> Result<Sourced<RegionSet>, ConfigError> {
    match RegionSet::from_members(value.split(',').map(str::trim)) {
        Ok(set) => Ok(Sourced::new(set, source)),
        Err(error) => Err(ConfigError::Invalid {
            setting: "region set",
            set_by: source,
            reason: error.to_string(),
        }),
    }
}

/// The host of an endpoint given as a URL or as a bare host name.
fn host_of(endpoint: &str) -> &str {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// A configuration completed by [`SignerConfig::resolve`]: every value the
/// signer needs, with where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The algorithm.
    pub algorithm: Sourced<Algorithm>,
    /// The service.
    pub service: Sourced<Service>,
    /// The region: always present for SigV4; for SigV4A, when one was found.
    pub region: Option<Sourced<Region>>,
    /// The region set: present exactly when the algorithm is SigV4A.
    pub region_set: Option<Sourced<RegionSet>>,
    /// The preset applied, if any.
    pub preset: Option<ServicePreset>,
    /// How a body enters a signature in headers.
    pub payload: PayloadPolicy,
    /// How a body enters a presigned URL's signature.
    pub presigned_payload: PayloadPolicy,
    /// Canonicalization and added-header rules.
    pub settings: SigningSettings,
    /// Where the credentials come from.
    pub credentials: Arc<dyn ProvideCredentials>,
    /// The signing clock.
    pub clock: Arc<dyn Clock>,
    /// Schemes of the preference list that sigv4kit does not sign with and
    /// skipped (e.g. `httpBearerAuth`).
    pub ignored_auth_schemes: Vec<String>,
}

impl ResolvedConfig {
    /// The region set, for SigV4A.
    pub fn region_set(&self) -> Option<&RegionSet> {
        self.region_set.as_ref().map(|set| &set.value)
    }

    /// Where signatures are scoped: the region (SigV4) or the region set
    /// (SigV4A).
    pub fn signing_region(&self) -> SigningRegion {
        match (&self.region_set, &self.region) {
            (Some(set), _) => SigningRegion::RegionSet(set.value.clone()),
            (None, Some(region)) => SigningRegion::Region(region.value.clone()),
            (None, None) => SigningRegion::RegionSet(RegionSet::any()),
        }
    }

    /// A signer of the chosen algorithm. SigV4A uses the AWS-LC engine when
    /// the `aws-lc` feature is on, the pure-Rust `p256` engine otherwise.
    pub fn signer(&self) -> Box<dyn Signer> {
        match self.algorithm.value {
            Algorithm::Sigv4 => Box::new(crate::HmacSigner::new()),
            #[cfg(feature = "aws-lc")]
            Algorithm::Sigv4a => {
                Box::new(crate::EcdsaSigner::with_engine(crate::AwsLcEngine::new()))
            }
            #[cfg(not(feature = "aws-lc"))]
            Algorithm::Sigv4a => Box::new(crate::EcdsaSigner::new()),
        }
    }

    /// The policy a server verifying these signatures applies: this service,
    /// in this region or region set, with the preset's path rules, its
    /// presigned payload line, and the session token signed or not.
    pub fn verify_policy(&self) -> VerifyPolicy {
        let regions = match self.signing_region() {
            SigningRegion::Region(region) => RegionSet::single(&region),
            SigningRegion::RegionSet(set) => set,
        };
        let presigned_payload = match self.presigned_payload {
            PayloadPolicy::Unsigned => PresignedPayload::Unsigned,
            PayloadPolicy::Hashed => PresignedPayload::FromRequest,
        };
        VerifyPolicy::new(self.service.value.clone(), regions)
            .with_path_rules(self.settings.rules.path)
            .with_presigned_payload(presigned_payload)
            .with_session_token(self.settings.session_token)
            .with_clock(SharedClock(Arc::clone(&self.clock)))
    }

    /// A verifier of either algorithm under [`verify_policy`](Self::verify_policy).
    pub fn verifier(&self) -> RequestVerifier {
        RequestVerifier::new(self.verify_policy())
    }

    /// A key provider holding the configured credentials, for a verifier
    /// that checks this configuration's own signatures (tests, loopback).
    pub async fn key_provider(&self) -> Result<InMemoryKeyProvider, CredentialsError> {
        let credentials = self.credentials.provide_credentials().await?;
        let mut keys = InMemoryKeyProvider::new();
        keys.insert_credentials(&credentials);
        Ok(keys)
    }

    /// The signer of this configuration, ready to sign requests.
    pub fn request_signer(&self) -> RequestSigner {
        RequestSigner {
            signer: Arc::from(self.signer()),
            credentials: Arc::clone(&self.credentials),
            service: self.service.value.clone(),
            region: self.signing_region(),
            settings: self.settings.clone(),
            payload: self.payload,
            presigned_payload: self.presigned_payload,
            preset: self.preset,
            clock: Arc::clone(&self.clock),
        }
    }
}

/// Shares a resolved clock with a verify policy.
#[derive(Debug)]
struct SharedClock(Arc<dyn Clock>);

impl Clock for SharedClock {
    fn now_unix_seconds(&self) -> i64 {
        self.0.now_unix_seconds()
    }
}

/// Signs requests as a [`ResolvedConfig`] says: the algorithm, scope,
/// credentials, payload policy and rules are fixed; the request and the time
/// vary. Cheap to clone and share between tasks.
#[derive(Clone)]
pub struct RequestSigner {
    signer: Arc<dyn Signer>,
    credentials: Arc<dyn ProvideCredentials>,
    service: Service,
    region: SigningRegion,
    settings: SigningSettings,
    payload: PayloadPolicy,
    presigned_payload: PayloadPolicy,
    preset: Option<ServicePreset>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSigner")
            .field("algorithm", &self.signer.algorithm())
            .field("service", &self.service)
            .field("region", &self.region)
            .field("settings", &self.settings)
            .field("payload", &self.payload)
            .field("presigned_payload", &self.presigned_payload)
            .field("preset", &self.preset)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl RequestSigner {
    /// The algorithm this signer signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.signer.algorithm()
    }

    /// The preset applied, if any.
    pub fn preset(&self) -> Option<ServicePreset> {
        self.preset
    }

    /// How a body enters the signature.
    pub fn payload_policy(&self) -> PayloadPolicy {
        self.payload
    }

    /// The credentials provider.
    pub fn credentials_provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.credentials
    }

    /// The payload to sign for a body whose bytes are all known.
    pub fn payload_for_body<'b>(&self, body: &'b [u8]) -> Payload<'b> {
        self.payload.payload(body)
    }

    /// The payload to sign for a body streamed after the headers are sent,
    /// whose hash cannot be known in advance: `UNSIGNED-PAYLOAD` when the
    /// payload policy is unsigned anyway or the preset allows it over
    /// `transport`, an error otherwise.
    pub fn payload_for_streaming_body(
        &self,
        transport: Transport,
    ) -> Result<Payload<'static>, SignRequestError> {
        let allowed = self.payload == PayloadPolicy::Unsigned
            || self
                .preset
                .and_then(|preset| preset.payload_for_streaming_body(transport))
                == Some(PayloadPolicy::Unsigned);
        if allowed {
            Ok(Payload::Unsigned)
        } else {
            Err(SignRequestError::StreamingBodyNotAllowed {
                preset: self.preset.map_or("none", |preset| preset.name()),
                transport,
            })
        }
    }

    /// The algorithm's signer, for the signatures chained onto a seed.
    pub(crate) fn chain_source(&self) -> &dyn Signer {
        &*self.signer
    }

    /// The parameters for signing with `credentials` at `time`, in headers.
    pub fn params<'c>(&self, credentials: &'c Credentials, time: AmzDate) -> SigningParams<'c> {
        SigningParams::new(credentials, time, self.service.clone(), self.region.clone())
            .with_settings(self.settings.clone())
    }

    /// The signing time now, by the configured clock.
    pub fn now(&self) -> Result<AmzDate, SignRequestError> {
        AmzDate::from_unix_seconds(self.clock.now_unix_seconds())
            .map_err(|error| SignRequestError::Signing(error.into()))
    }

    /// Signs `request` now with credentials from the provider. A
    /// `Payload::Bytes` body is signed as the payload policy says.
    pub async fn sign(&self, request: &Request<'_>) -> Result<SigningOutput, SignRequestError> {
        let credentials = self.credentials.provide_credentials().await?;
        Ok(self.sign_with(request, &credentials, self.now()?)?)
    }

    /// Signs `request` with `credentials` at `time`, synchronously.
    pub fn sign_with(
        &self,
        request: &Request<'_>,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SigningOutput, SigningError> {
        let mut request = *request;
        if let Payload::Bytes(body) = request.payload {
            request.payload = self.payload_for_body(body);
        }
        self.signer.sign(&request, &self.params(credentials, time))
    }

    /// Presigns `request` now, valid for `expires`, with credentials from the
    /// provider.
    pub async fn presign(
        &self,
        request: &PresignRequest<'_>,
        expires: Expiry,
    ) -> Result<PresignedUrl, SignRequestError> {
        let credentials = self.credentials.provide_credentials().await?;
        self.presign_with(request, expires, &credentials, self.now()?)
    }

    /// Presigns `request` with `credentials` at `time`, synchronously. The
    /// payload line follows the preset: `UNSIGNED-PAYLOAD` for S3 and VPC
    /// Lattice (and without a preset), the hash of the request's body (empty
    /// unless given) for other services; a precomputed or streaming payload
    /// the caller chose is kept.
    pub fn presign_with(
        &self,
        request: &PresignRequest<'_>,
        expires: Expiry,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<PresignedUrl, SignRequestError> {
        let params = self.params(credentials, time).presigned(expires);
        let mut request = *request;
        request.payload = self.presigned_payload(request.payload);
        Ok(presign(&*self.signer, &request, &params)?)
    }

    /// Presigns a request given as a [`Request`] rather than a URL (a raw
    /// request keeps its target byte for byte, which a URL cannot), with
    /// `credentials` at `time`: the output's query parameters go after the
    /// request's own. The payload line follows the preset, as for
    /// [`presign_with`](Self::presign_with).
    pub fn presign_request_with(
        &self,
        request: &Request<'_>,
        expires: Expiry,
        credentials: &Credentials,
        time: AmzDate,
    ) -> Result<SigningOutput, SigningError> {
        let mut request = *request;
        request.payload = self.presigned_payload(request.payload);
        let params = self.params(credentials, time).presigned(expires);
        self.signer.sign(&request, &params)
    }

    /// The payload line of a presigned request whose caller gave `given`:
    /// a body (`Bytes`) or the default `Unsigned` follow the policy; a hash
    /// the caller chose (precomputed, streaming, from the header) is kept.
    fn presigned_payload<'p>(&self, given: Payload<'p>) -> Payload<'p> {
        match (self.presigned_payload, given) {
            (_, Payload::Precomputed(_) | Payload::Streaming(_) | Payload::FromHeader) => given,
            (PayloadPolicy::Unsigned, _) => Payload::Unsigned,
            (PayloadPolicy::Hashed, Payload::Unsigned) => Payload::Bytes(&[]),
            (PayloadPolicy::Hashed, given) => given,
        }
    }
}

/// Why a configured signer could not sign.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignRequestError {
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The signer refused the request.
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// The URL could not be presigned.
    #[error(transparent)]
    Presign(#[from] PresignError),
    /// A streamed body's hash is unknown when the headers are signed, and the
    /// preset does not accept `UNSIGNED-PAYLOAD`.
    #[error(
        "the body is streamed, so its hash is not known before sending, and the {preset} preset does not allow UNSIGNED-PAYLOAD over {transport:?}; buffer the body or set unsigned_payload"
    )]
    StreamingBodyNotAllowed {
        /// The preset in force.
        preset: &'static str,
        /// The transport of the request.
        transport: Transport,
    },
    /// A request to be sent `aws-chunked` already carries a header of the
    /// upload's plan with another value.
    #[error(
        "the request already carries {name} with another value than the chunked upload's plan; remove it"
    )]
    ChunkedHeaderConflict {
        /// The header.
        name: &'static str,
    },
    /// The chunked upload could not be planned or encoded.
    #[error(transparent)]
    Chunked(#[from] sigv4kit_stream::ChunkedError),
}

/// Why a configuration could not be read or resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML file does not parse, or holds an unknown key.
    #[error("invalid configuration{}: {reason}", path.as_ref().map(|path| format!(" in {}", path.display())).unwrap_or_default())]
    Toml {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The parser's message.
        reason: String,
    },
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {}: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's message.
        reason: String,
    },
    /// A setting has an invalid value.
    #[error("invalid {setting} from {set_by}: {reason}")]
    Invalid {
        /// The setting.
        setting: &'static str,
        /// Where it was set.
        set_by: SettingSource,
        /// What is wrong.
        reason: String,
    },
    /// Two settings contradict each other.
    #[error("the {setting} {value} from {set_by} conflicts with {conflicts_with}")]
    Conflict {
        /// The setting.
        setting: &'static str,
        /// Its value.
        value: String,
        /// Where it was set.
        set_by: SettingSource,
        /// What it conflicts with, and where that was set.
        conflicts_with: String,
    },
    /// No service was given and none could be inferred.
    #[error(
        "no service: set one (e.g. service = \"dynamodb\"), or give an endpoint with a standard AWS host name to infer it from"
    )]
    MissingService,
    /// SigV4 needs a region and none was found.
    #[error(
        "no region for SigV4: set one explicitly, or AWS_REGION / AWS_DEFAULT_REGION, or region in profile {profile}, or give an endpoint with a regional AWS host name"
    )]
    MissingRegion {
        /// The profile that was searched.
        profile: String,
    },
    /// The profile named by the config or `AWS_PROFILE` does not exist.
    #[error("the profile {profile} is not in the shared config or credentials file")]
    ProfileNotFound {
        /// Its name.
        profile: String,
    },
    /// The shared config files could not be read.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The credentials could not be set up.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
}

/// What a TOML error says, without the source snippet the parser's own
/// message quotes (the file may hold a secret on or next to the faulty line)
/// and with every quoted value in the message elided: the line number and
/// the key are what a user needs.
fn toml_error_reason(error: &toml::de::Error, text: &str) -> String {
    let message = elide_quoted_values(error.message());
    let Some(span) = error.span() else {
        return message;
    };
    let before = &text.as_bytes()[..span.start.min(text.len())];
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let key = text[line_start..]
        .lines()
        .next()
        .and_then(|line| line.split_once('='))
        .map(|(key, _)| key.trim())
        .filter(|key| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"_-.".contains(&byte))
        });
    match key {
        Some(key) => format!("line {line}, key {key}: {message}"),
        None => format!("line {line}: {message}"),
    }
}

/// `message` with the text of every `"..."` replaced by `...`.
fn elide_quoted_values(message: &str) -> String {
    let mut elided = String::with_capacity(message.len());
    let mut inside = false;
    for character in message.chars() {
        if character == '"' {
            elided.push_str(if inside { "...\"" } else { "\"" });
            inside = !inside;
        } else if !inside {
            elided.push(character);
        }
    }
    if inside {
        elided.push_str("...");
    }
    elided
}

/// The TOML file, as written: strings, checked into [`SignerConfig`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    algorithm: Option<String>,
    service: Option<String>,
    region: Option<String>,
    region_set: Option<RegionSetSpec>,
    endpoint: Option<String>,
    preset: Option<String>,
    profile: Option<String>,
    credentials: Option<CredentialsTable>,
    #[serde(default)]
    signing: SigningTable,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RegionSetSpec {
    Joined(String),
    Members(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsTable {
    access_key_id: String,
    secret_access_key: zeroize::Zeroizing<String>,
    session_token: Option<zeroize::Zeroizing<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SigningTable {
    unsigned_payload: Option<bool>,
    content_sha256_header: Option<bool>,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    sign_session_token: Option<bool>,
    capture_canonical_request: Option<bool>,
}

impl ConfigFile {
    /// The config this file says, or the first setting it gets wrong. An
    /// error quotes the faulty value, which may hold the file's secret or
    /// session token (pasted into the wrong key): those are redacted from it.
    fn into_config(self) -> Result<SignerConfig, ConfigError> {
        self.checked().map_err(|error| self.redacted(error))
    }

    /// `error` with the file's secret and session token replaced by
    /// `<redacted>` wherever a setting's error quotes them.
    fn redacted(&self, error: ConfigError) -> ConfigError {
        let ConfigError::Invalid {
            setting,
            set_by,
            reason,
        } = error
        else {
            return error;
        };
        let secrets = self.credentials.iter().flat_map(|table| {
            std::iter::once(&table.secret_access_key).chain(&table.session_token)
        });
        ConfigError::Invalid {
            setting,
            set_by,
            reason: secrets
                .filter(|secret| !secret.is_empty())
                .fold(reason, |reason, secret| {
                    reason.replace(secret.as_str(), "<redacted>")
                }),
        }
    }

    fn checked(&self) -> Result<SignerConfig, ConfigError> {
        let invalid = |setting: &'static str| {
            move |error: sigv4kit_canon::CanonicalError| ConfigError::Invalid {
                setting,
                set_by: SettingSource::Explicit,
                reason: error.to_string(),
            }
        };
        let credentials = match &self.credentials {
            Some(table) => Some(Arc::new(
                Credentials::new(
                    table.access_key_id.as_str(),
                    table.secret_access_key.as_str(),
                    table.session_token.as_deref().cloned(),
                )
                .map_err(|error| ConfigError::Invalid {
                    setting: "credentials",
                    set_by: SettingSource::Explicit,
                    reason: error.to_string(),
                })?,
            ) as Arc<dyn ProvideCredentials>),
            None => None,
        };
        Ok(SignerConfig {
            algorithm: self.algorithm.as_deref().map(parse_algorithm).transpose()?,
            service: self
                .service
                .as_deref()
                .map(Service::new)
                .transpose()
                .map_err(invalid("service"))?,
            region: self
                .region
                .as_deref()
                .map(Region::new)
                .transpose()
                .map_err(invalid("region"))?,
            region_set: match &self.region_set {
                None => None,
                Some(RegionSetSpec::Joined(joined)) => Some(
                    RegionSet::from_members(joined.split(',').map(str::trim))
                        .map_err(invalid("region_set"))?,
                ),
                Some(RegionSetSpec::Members(members)) => Some(
                    RegionSet::from_members(members.iter().map(String::as_str))
                        .map_err(invalid("region_set"))?,
                ),
            },
            endpoint: self.endpoint.clone(),
            preset: self
                .preset
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or_default(),
            profile: self.profile.clone(),
            credentials,
            signing: SigningOverrides {
                unsigned_payload: self.signing.unsigned_payload,
                content_sha256_header: self.signing.content_sha256_header,
                normalize_path: self.signing.normalize_path,
                double_encode: self.signing.double_encode,
                sign_session_token: self.signing.sign_session_token,
                capture_canonical_request: self.signing.capture_canonical_request,
            },
            clock: None,
        })
    }
}
