//! From the global options to a resolved configuration and credentials.
//!
//! The command line is one more layer of `SignerConfig`: each flag sets the
//! same setting a TOML file would, on top of `--config`, and the library then
//! completes it from the endpoint's host name, the environment, the profile
//! files and the preset, exactly as an application using the library would
//! sign. That is the point of the tool: what `sigv4 sign` prints is what the
//! library signs with the same configuration.

use std::sync::Arc;

use sigv4kit::canon::{Algorithm, AmzDate, Region, RegionSet, Service};
use sigv4kit::config::{ResolvedConfig, SignerConfig, SigningOverrides, scheme_name};
use sigv4kit::environment::ProcessEnvironment;
use sigv4kit::{
    Credentials, DefaultCredentialsChain, FixedClock, PresetChoice, ProvideCredentials,
    SigningRegion,
};

use crate::cli::GlobalOptions;
use crate::error::CliError;

/// The resolved configuration and what the command line adds to it.
pub struct Setup {
    /// The configuration, every setting with its source.
    pub resolved: ResolvedConfig,
    /// `-v`.
    pub verbose: bool,
}

impl Setup {
    /// Resolves the configuration for a request to `endpoint` (a URL or a
    /// host name). `algorithm_of_request` is the algorithm a received
    /// request was signed with, used when neither the command line nor the
    /// configuration file names one: a verifier follows the request.
    pub fn resolve(
        global: &GlobalOptions,
        endpoint: Option<&str>,
        algorithm_of_request: Option<Algorithm>,
    ) -> Result<Self, CliError> {
        let mut config = base_config(global)?;
        if let Some(algorithm) = global.algorithm {
            config = config.with_algorithm(algorithm);
        } else if config.algorithm.is_none()
            && let Some(algorithm) = algorithm_of_request
        {
            config = config.with_algorithm(algorithm);
        }
        if let Some(service) = &global.service {
            config = config.with_service(
                Service::new(service).map_err(|error| CliError::invalid("--service", error))?,
            );
        }
        if let Some(region) = &global.region {
            config = config.with_region(
                Region::new(region).map_err(|error| CliError::invalid("--region", error))?,
            );
        }
        if let Some(region_set) = &global.region_set {
            let set = RegionSet::from_members(region_set.split(',').map(str::trim))
                .map_err(|error| CliError::invalid("--region-set", error))?;
            config = config.with_region_set(set);
        }
        if let Some(endpoint) = endpoint {
            config = config.with_endpoint(endpoint);
        }
        if let Some(preset) = &global.preset {
            config = config.with_preset(preset.parse::<PresetChoice>()?);
        }
        let signing = config.signing;
        config = config.with_signing(SigningOverrides {
            unsigned_payload: match (global.unsigned_payload, global.signed_payload) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => signing.unsigned_payload,
            },
            content_sha256_header: global
                .content_sha256_header
                .then_some(true)
                .or(signing.content_sha256_header),
            normalize_path: global
                .no_normalize_path
                .then_some(false)
                .or(signing.normalize_path),
            double_encode: global
                .no_double_encode
                .then_some(false)
                .or(signing.double_encode),
            sign_session_token: global
                .omit_session_token
                .then_some(false)
                .or(signing.sign_session_token),
            // Capturing changes no signature; the JSON output and -v need it.
            capture_canonical_request: Some(true),
        });
        if let Some(time) = &global.time {
            let time =
                AmzDate::parse_rfc3339(time).map_err(|error| CliError::invalid("--time", error))?;
            config = config.with_clock(FixedClock::at(&time));
        }
        let resolved = config.resolve(&ProcessEnvironment)?;
        let setup = Self {
            resolved,
            verbose: global.verbose,
        };
        if setup.verbose {
            eprintln!("sigv4: {}", setup.describe());
        }
        Ok(setup)
    }

    /// The credentials the configuration names, now.
    pub fn credentials(&self) -> Result<Credentials, CliError> {
        Ok(pollster::block_on(
            self.resolved.credentials.provide_credentials(),
        )?)
    }

    /// One line saying what was chosen and by whom, for `-v`.
    pub fn describe(&self) -> String {
        let resolved = &self.resolved;
        let scope = match resolved.signing_region() {
            SigningRegion::Region(region) => format!(
                "region {} (from {})",
                region.as_str(),
                resolved.region.as_ref().map_or_else(
                    || "the default".to_owned(),
                    |region| region.source.to_string()
                )
            ),
            SigningRegion::RegionSet(set) => format!(
                "region set {} (from {})",
                set.as_str(),
                resolved
                    .region_set
                    .as_ref()
                    .map_or_else(|| "the default".to_owned(), |set| set.source.to_string())
            ),
        };
        let path = resolved.settings.rules.path;
        format!(
            "{} (from {}), service {} (from {}), {scope}, preset {}, path normalized: {}, double-encoded: {}, payload: {:?}",
            scheme_name(resolved.algorithm.value),
            resolved.algorithm.source,
            resolved.service.value.as_str(),
            resolved.service.source,
            resolved.preset.map_or("none", |preset| preset.name()),
            yes_no(path.normalize),
            yes_no(path.double_encode),
            resolved.payload,
        )
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// `--config`, with the credentials of the command line.
fn base_config(global: &GlobalOptions) -> Result<SignerConfig, CliError> {
    let mut config = match &global.config {
        Some(path) => SignerConfig::from_toml_file(path)?,
        None => SignerConfig::new(),
    };
    if let Some(profile) = &global.profile {
        config = config.with_profile(profile);
    }
    if let Some(credentials) = explicit_credentials(global)? {
        config = config.with_credentials(credentials);
    }
    Ok(config)
}

/// `--access-key`, `--secret-key` and `--session-token`, when given.
fn explicit_credentials(global: &GlobalOptions) -> Result<Option<Credentials>, CliError> {
    match (&global.access_key, &global.secret_key) {
        (Some(access_key), Some(secret_key)) => Credentials::new(
            access_key.as_str(),
            secret_key.as_str(),
            global.session_token.clone(),
        )
        .map(Some)
        .map_err(|error| CliError::invalid("credentials", error)),
        // clap requires both together; this is the case of neither.
        _ => Ok(None),
    }
}

/// The credentials alone, for a command that signs nothing and so needs no
/// service or region: the command line, else `--config`'s `[credentials]`,
/// else the environment and the profile files.
pub fn credentials_only(global: &GlobalOptions) -> Result<Credentials, CliError> {
    let config = base_config(global)?;
    let provider: Arc<dyn ProvideCredentials> = match config.credentials {
        Some(provider) => provider,
        None => Arc::new(DefaultCredentialsChain::from_environment(
            &ProcessEnvironment,
            config.profile.as_deref(),
        )?),
    };
    Ok(pollster::block_on(provider.provide_credentials())?)
}

/// `text` with the session token of `credentials` replaced, for printing
/// diagnostics on standard error, which ends up in CI logs.
pub fn redact_token(text: &str, token: Option<&str>) -> String {
    match token {
        Some(token) if !token.is_empty() => text.replace(token, "<session token>"),
        _ => text.to_owned(),
    }
}
