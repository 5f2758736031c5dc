//! Where signing credentials come from: a provider trait, and the providers
//! AWS users expect.
//!
//! Credentials are found the way the AWS CLI and SDKs find them, so that a
//! machine set up for them is set up for sigv4kit:
//!
//! 1. **The environment** ([`EnvironmentCredentials`]): `AWS_ACCESS_KEY_ID`
//!    and `AWS_SECRET_ACCESS_KEY`, with `AWS_SESSION_TOKEN` for temporary
//!    credentials.
//! 2. **The shared files** ([`ProfileCredentials`]): `aws_access_key_id`,
//!    `aws_secret_access_key` and `aws_session_token` in the selected
//!    profile of `~/.aws/credentials` and `~/.aws/config` (see
//!    [`crate::profile`] for the files and the profile selection).
//!
//! [`DefaultCredentialsChain`] tries them in that order. Everything else the
//! SDKs can do (STS assume-role, IAM Identity Center, web identity, a
//! credential process, ECS and EC2 instance metadata) needs network calls or
//! processes that a signing library should not make on its own: implement
//! [`ProvideCredentials`] for such a source (for instance over `aws-config`)
//! and put it in a [`CredentialsChain`]. A profile that relies on one of
//! those mechanisms is an error that names it, never a silent fallback to
//! other keys.
//!
//! # The legacy environment variables
//!
//! The AWS SDK for Java 1.x also reads `AWS_ACCESS_KEY` and `AWS_SECRET_KEY`,
//! and botocore (the AWS CLI) reads `AWS_SECURITY_TOKEN`, boto's old name for
//! the session token. The CLI does not read the first two at all. sigv4kit
//! reads all three as fallbacks: the standard name wins when both are set,
//! each of the id, the secret and the token is looked up on its own (as Java
//! 1.x does), and the legacy names never override. (Java 1.x prefers
//! `AWS_SECRET_KEY` over `AWS_SECRET_ACCESS_KEY`, and botocore
//! `AWS_SECURITY_TOKEN` over `AWS_SESSION_TOKEN`; sigv4kit follows the name
//! every current SDK has standardized on instead.) Likewise the profile key
//! `aws_security_token` is read when `aws_session_token` is absent.
//!
//! # When a source has only part of the credentials
//!
//! An access key id without its secret (or the reverse) is an error that
//! names what is missing and where, and it stops the chain, as botocore's
//! `PartialCredentialsError` does: falling through to another source would
//! sign as a principal the user did not choose. A session token alone is
//! not a credential and is ignored, as the AWS tools ignore it.
//!
//! # Secrets
//!
//! No message of a [`CredentialsError`] contains a secret: errors name
//! variables, keys, profiles and files, never values. [`Credentials`]
//! zeroizes its secret and redacts it in `Debug`.

use std::error::Error as StdError;
use std::fmt;
use std::future::{Future, ready};
use std::pin::Pin;
use std::sync::Arc;

use sigv4kit_signer::{Credentials, SigningError};

use crate::environment::Environment;
use crate::profile::{
    PROFILE_VAR, ProfileError, ProfileFiles, ProfileSet, ProfileWarning, selected_profile_name,
};

/// The future a [`ProvideCredentials`] returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials.
///
/// Asynchronous so that a provider can call STS or instance metadata; the
/// built-in providers resolve at once. Implementations return
/// [`CredentialsError::NotFound`] (see [`CredentialsError::not_found`]) when
/// they have nothing, so that a [`CredentialsChain`] tries the next source;
/// any other error stops the chain.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Resolves credentials.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

/// Fixed credentials, given in code.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(ready(Ok(self.clone())))
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Why no credentials could be had. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// No source had credentials. Each entry says where one source looked.
    #[error("no AWS credentials found; looked in: {}", looked_in(.looked))]
    NotFound {
        /// Where each source looked, and what it did not find.
        looked: Vec<String>,
    },
    /// A source had part of a credential.
    #[error(
        "incomplete AWS credentials in {source_name}: {missing} is not set although {present} is"
    )]
    Partial {
        /// The source: `the environment`, or a profile and its files.
        source_name: String,
        /// What is missing, by variable or key name.
        missing: String,
        /// What is present, by variable or key name.
        present: String,
    },
    /// The selected profile is in neither file.
    #[error("{}", profile_not_found(.profile, .searched, .available, .warnings))]
    ProfileNotFound {
        /// The profile name.
        profile: String,
        /// The files searched ([`ProfileSet::describe_sources`]).
        searched: String,
        /// The profiles the files do have.
        available: Vec<String>,
        /// What the files skipped (a misspelled section may be why).
        warnings: Vec<ProfileWarning>,
    },
    /// The profile gets its credentials through a mechanism sigv4kit does not run.
    #[error(
        "profile `{profile}` gets its credentials through {mechanism} (`{key}`), which sigv4kit \
         does not run itself: plug in a ProvideCredentials implementation that does (for example \
         one backed by aws-config), or select a profile with aws_access_key_id and \
         aws_secret_access_key"
    )]
    ProfileNeedsProvider {
        /// The profile name.
        profile: String,
        /// The mechanism, in words.
        mechanism: &'static str,
        /// The key that selects it.
        key: &'static str,
    },
    /// The profile files could not be read or parsed.
    #[error("cannot load the AWS profile files: {0}")]
    Profile(#[from] ProfileError),
    /// The values found are not valid credentials.
    #[error("invalid AWS credentials in {source_name}: {error}")]
    Invalid {
        /// Where they were found.
        source_name: String,
        /// What is wrong with them.
        error: SigningError,
    },
    /// A plugged-in provider failed.
    #[error("credentials provider failed: {0}")]
    Provider(Box<dyn StdError + Send + Sync>),
}

impl CredentialsError {
    /// "Nothing here": the error a provider returns so that a chain tries
    /// the next source. `looked` says where it looked.
    pub fn not_found(looked: impl Into<String>) -> Self {
        Self::NotFound {
            looked: vec![looked.into()],
        }
    }

    /// The error of a plugged-in provider.
    pub fn provider(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::Provider(error.into())
    }
}

fn looked_in(looked: &[String]) -> String {
    if looked.is_empty() {
        "nowhere (no credentials source is configured)".to_owned()
    } else {
        looked.join("; ")
    }
}

fn profile_not_found(
    profile: &str,
    searched: &str,
    available: &[String],
    warnings: &[ProfileWarning],
) -> String {
    let mut message = format!("AWS profile `{profile}` was not found in {searched}");
    if available.is_empty() {
        message.push_str("; they have no profiles");
    } else {
        message.push_str("; they have: ");
        message.push_str(&available.join(", "));
    }
    for warning in warnings {
        message.push_str("; note: ");
        message.push_str(&warning.to_string());
    }
    message
}

/// Runs the next step of a chain: credentials end it, "not found" is noted
/// and the chain goes on (`None`), any other error ends it.
fn step(
    result: Result<Credentials, CredentialsError>,
    looked: &mut Vec<String>,
) -> Option<Result<Credentials, CredentialsError>> {
    match result {
        Err(CredentialsError::NotFound { looked: more }) => {
            looked.extend(more);
            None
        }
        other => Some(other),
    }
}

const ACCESS_KEY_ID_VARS: [&str; 2] = ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"];
const SECRET_ACCESS_KEY_VARS: [&str; 2] = ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"];
const SESSION_TOKEN_VARS: [&str; 2] = ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"];

/// What the environment held when it was read.
#[derive(Debug, Clone)]
enum EnvironmentOutcome {
    Found(Credentials),
    Absent,
    Partial {
        missing: String,
        present: &'static str,
    },
    Invalid {
        access_key_id_var: &'static str,
        secret_var: &'static str,
        error: SigningError,
    },
}

/// Credentials from environment variables: `AWS_ACCESS_KEY_ID` (or the
/// legacy `AWS_ACCESS_KEY`), `AWS_SECRET_ACCESS_KEY` (or `AWS_SECRET_KEY`),
/// and optionally `AWS_SESSION_TOKEN` (or `AWS_SECURITY_TOKEN`). Empty
/// variables count as unset.
///
/// The variables are read once, when the provider is made: a process's
/// environment does not change under it, and the provider then holds
/// [`Credentials`] (zeroized, redacted) instead of a borrowed environment.
#[derive(Debug, Clone)]
pub struct EnvironmentCredentials {
    outcome: EnvironmentOutcome,
}

impl EnvironmentCredentials {
    /// Reads the credential variables of `env`.
    pub fn new(env: &dyn Environment) -> Self {
        let first_set = |names: [&'static str; 2]| {
            names
                .into_iter()
                .find_map(|name| env.non_empty_var(name).map(|value| (name, value)))
        };
        let access_key_id = first_set(ACCESS_KEY_ID_VARS);
        let secret = first_set(SECRET_ACCESS_KEY_VARS);
        let outcome = match (access_key_id, secret) {
            (None, None) => EnvironmentOutcome::Absent,
            (Some((present, _)), None) => EnvironmentOutcome::Partial {
                missing: either_var(SECRET_ACCESS_KEY_VARS),
                present,
            },
            (None, Some((present, _))) => EnvironmentOutcome::Partial {
                missing: either_var(ACCESS_KEY_ID_VARS),
                present,
            },
            (Some((access_key_id_var, access_key_id)), Some((secret_var, secret))) => {
                let token = first_set(SESSION_TOKEN_VARS).map(|(_, token)| token);
                match Credentials::new(access_key_id, secret, token) {
                    Ok(credentials) => EnvironmentOutcome::Found(credentials),
                    Err(error) => EnvironmentOutcome::Invalid {
                        access_key_id_var,
                        secret_var,
                        error,
                    },
                }
            }
        };
        Self { outcome }
    }

    /// The credentials, at once.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        match &self.outcome {
            EnvironmentOutcome::Found(credentials) => Ok(credentials.clone()),
            EnvironmentOutcome::Absent => Err(CredentialsError::not_found(format!(
                "the environment ({} are not set)",
                [ACCESS_KEY_ID_VARS, SECRET_ACCESS_KEY_VARS]
                    .concat()
                    .join(", ")
            ))),
            EnvironmentOutcome::Partial { missing, present } => Err(CredentialsError::Partial {
                source_name: "the environment".to_owned(),
                missing: missing.clone(),
                present: (*present).to_owned(),
            }),
            EnvironmentOutcome::Invalid {
                access_key_id_var,
                secret_var,
                error,
            } => Err(CredentialsError::Invalid {
                source_name: format!("the environment ({access_key_id_var}, {secret_var})"),
                error: error.clone(),
            }),
        }
    }
}

fn either_var([standard, legacy]: [&str; 2]) -> String {
    format!("{standard} (or the legacy {legacy})")
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(ready(self.load()))
    }
}

/// Where [`ProfileCredentials`] reads profiles from.
#[derive(Debug, Clone)]
pub struct ProfileSource(SourceKind);

#[derive(Debug, Clone)]
enum SourceKind {
    /// Profiles already read.
    Parsed(Arc<ProfileSet>),
    /// Files read again at every call, so that rotated keys are seen.
    Files {
        files: ProfileFiles,
        named: crate::profile::NamedByVariable,
    },
}

impl ProfileSource {
    /// The files the AWS tools would read ([`ProfileFiles::from_environment`]),
    /// read again at every call.
    pub fn from_environment(env: &dyn Environment) -> Self {
        let (files, named) = ProfileFiles::located(env);
        Self(SourceKind::Files { files, named })
    }

    fn load(&self) -> Result<ProfileSetRef<'_>, ProfileError> {
        match &self.0 {
            SourceKind::Parsed(set) => Ok(ProfileSetRef::Borrowed(set)),
            SourceKind::Files { files, named } => {
                ProfileSet::load_files(files, *named).map(ProfileSetRef::Owned)
            }
        }
    }
}

enum ProfileSetRef<'a> {
    Borrowed(&'a ProfileSet),
    Owned(ProfileSet),
}

impl std::ops::Deref for ProfileSetRef<'_> {
    type Target = ProfileSet;

    fn deref(&self) -> &ProfileSet {
        match self {
            Self::Borrowed(set) => set,
            Self::Owned(set) => set,
        }
    }
}

/// Files named in code, read again at every call; a missing one is empty,
/// with a warning (see [`ProfileSet::load`]).
impl From<ProfileFiles> for ProfileSource {
    fn from(files: ProfileFiles) -> Self {
        Self(SourceKind::Files {
            files,
            named: crate::profile::NamedByVariable {
                config: true,
                credentials: true,
            },
        })
    }
}

impl From<ProfileSet> for ProfileSource {
    fn from(set: ProfileSet) -> Self {
        Self(SourceKind::Parsed(Arc::new(set)))
    }
}

impl From<Arc<ProfileSet>> for ProfileSource {
    fn from(set: Arc<ProfileSet>) -> Self {
        Self(SourceKind::Parsed(set))
    }
}

/// Profile keys that hand credentials to a mechanism sigv4kit does not run,
/// in the order the AWS SDKs give them precedence.
const MECHANISMS: [(&str, &str); 7] = [
    ("role_arn", "an STS assume-role"),
    ("web_identity_token_file", "STS web identity federation"),
    ("sso_session", "IAM Identity Center (SSO)"),
    ("sso_start_url", "IAM Identity Center (SSO)"),
    ("sso_account_id", "IAM Identity Center (SSO)"),
    ("sso_role_name", "IAM Identity Center (SSO)"),
    ("credential_process", "an external credential process"),
];

/// Static credentials from a profile: `aws_access_key_id`,
/// `aws_secret_access_key` and optionally `aws_session_token` (or the
/// legacy `aws_security_token`), from the credentials file or the config
/// file (the credentials file wins).
///
/// A profile that uses `role_arn`, `web_identity_token_file`, `sso_*` or
/// `credential_process` is an error naming the mechanism, even when it also
/// holds keys: the AWS SDKs would use that mechanism, so using the keys
/// would sign as someone else.
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    profile: String,
    source: ProfileSource,
    required: bool,
}

impl ProfileCredentials {
    /// Credentials from the profile `profile`, which must exist: a missing
    /// profile is [`CredentialsError::ProfileNotFound`], as in the AWS CLI
    /// when a profile is named.
    pub fn new(profile: impl Into<String>, source: impl Into<ProfileSource>) -> Self {
        Self {
            profile: profile.into(),
            source: source.into(),
            required: true,
        }
    }

    /// The same provider, for a profile that was not asked for by name: when
    /// it is missing, the provider reports [`CredentialsError::NotFound`] so
    /// that a chain goes on (the AWS tools do this for `default` when no
    /// profile is selected).
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The profile name.
    pub fn profile_name(&self) -> &str {
        &self.profile
    }

    /// The credentials, at once (reading the files, for a file source).
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let set = self.source.load()?;
        let name = &self.profile;
        let Some(profile) = set.profile(name) else {
            if !self.required {
                return Err(CredentialsError::not_found(format!(
                    "profile `{name}` (not in {})",
                    set.describe_sources()
                )));
            }
            return Err(CredentialsError::ProfileNotFound {
                profile: name.clone(),
                searched: set.describe_sources(),
                available: set.profile_names().map(str::to_owned).collect(),
                warnings: set.warnings().to_vec(),
            });
        };
        if let Some((key, mechanism)) = MECHANISMS
            .into_iter()
            .find(|(key, _)| profile.get(key).is_some())
        {
            return Err(CredentialsError::ProfileNeedsProvider {
                profile: name.clone(),
                mechanism,
                key,
            });
        }
        let non_empty = |key: &str| profile.get(key).filter(|value| !value.is_empty());
        let source_name = || format!("profile `{name}` ({})", set.describe_sources());
        let (access_key_id, secret) = match (
            non_empty("aws_access_key_id"),
            non_empty("aws_secret_access_key"),
        ) {
            (Some(access_key_id), Some(secret)) => (access_key_id, secret),
            (None, None) => {
                return Err(CredentialsError::not_found(format!(
                    "{} (it has no aws_access_key_id or aws_secret_access_key)",
                    source_name()
                )));
            }
            (Some(_), None) => {
                return Err(CredentialsError::Partial {
                    source_name: source_name(),
                    missing: "aws_secret_access_key".to_owned(),
                    present: "aws_access_key_id".to_owned(),
                });
            }
            (None, Some(_)) => {
                return Err(CredentialsError::Partial {
                    source_name: source_name(),
                    missing: "aws_access_key_id".to_owned(),
                    present: "aws_secret_access_key".to_owned(),
                });
            }
        };
        let token = non_empty("aws_session_token")
            .or_else(|| non_empty("aws_security_token"))
            .map(str::to_owned);
        Credentials::new(access_key_id, secret, token).map_err(|error| CredentialsError::Invalid {
            source_name: source_name(),
            error,
        })
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(ready(self.load()))
    }
}

/// Tries providers in order: the first credentials win; a provider that
/// finds nothing ([`CredentialsError::NotFound`]) passes to the next; any
/// other error stops the chain. When none has credentials, the error lists
/// where each looked.
#[derive(Debug, Default)]
pub struct CredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl CredentialsChain {
    /// An empty chain, which finds nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The chain with `provider` tried after the others.
    pub fn with(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Box::new(provider));
        self
    }

    /// The chain with `provider` tried after the others.
    pub fn push(&mut self, provider: Box<dyn ProvideCredentials>) {
        self.providers.push(provider);
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut looked = Vec::new();
            for provider in &self.providers {
                if let Some(outcome) = step(provider.provide_credentials().await, &mut looked) {
                    return outcome;
                }
            }
            Err(CredentialsError::NotFound { looked })
        })
    }
}

/// The AWS tools' order without network sources: the environment, then the
/// selected profile of the shared files.
#[derive(Debug, Clone)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentCredentials,
    profile: ProfileCredentials,
}

impl DefaultCredentialsChain {
    /// The chain for `env`: its credential variables, then the profile
    /// `explicit_profile`, else `AWS_PROFILE`, else `default`, in the files
    /// `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/`.
    ///
    /// The files are read and parsed now, once, as the AWS SDKs read them
    /// once per client: a file that cannot be read or parsed is an error
    /// here, at start-up, rather than at the first signing. (For a provider
    /// that reads the files again at every call, to see rotated keys, use
    /// [`ProfileCredentials`] with [`ProfileSource::from_environment`].)
    ///
    /// A profile selected by name (in code or by `AWS_PROFILE`) must exist;
    /// `default`, when nothing selects a profile, may be absent.
    pub fn from_environment(
        env: &dyn Environment,
        explicit_profile: Option<&str>,
    ) -> Result<Self, CredentialsError> {
        let profiles = ProfileSet::from_environment(env)?;
        Ok(Self::with_profiles(env, explicit_profile, profiles))
    }

    /// The same chain over profiles already read, for a caller that has
    /// loaded them for other settings too.
    pub fn with_profiles(
        env: &dyn Environment,
        explicit_profile: Option<&str>,
        profiles: impl Into<ProfileSource>,
    ) -> Self {
        let name = selected_profile_name(explicit_profile, env);
        let selected = explicit_profile.is_some_and(|name| !name.trim().is_empty())
            || env.non_empty_var(PROFILE_VAR).is_some();
        let profile = ProfileCredentials::new(name, profiles);
        Self {
            environment: EnvironmentCredentials::new(env),
            profile: if selected {
                profile
            } else {
                profile.optional()
            },
        }
    }

    /// The profile this chain reads.
    pub fn profile_name(&self) -> &str {
        self.profile.profile_name()
    }

    /// The credentials, at once.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut looked = Vec::new();
        if let Some(outcome) = step(self.environment.load(), &mut looked) {
            return outcome;
        }
        if let Some(outcome) = step(self.profile.load(), &mut looked) {
            return outcome;
        }
        Err(CredentialsError::NotFound { looked })
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(ready(self.load()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::MapEnvironment;
    use pollster::block_on;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const LEGACY_SECRET: &str = "LEGACYsecretLEGACYsecretLEGACYsecret0000";
    const TOKEN: &str = "SESSIONtokenSESSIONtoken";

    fn env(pairs: &[(&str, &str)]) -> MapEnvironment {
        pairs.iter().copied().collect()
    }

    fn expect_secret_free(error: &CredentialsError) -> String {
        let message = error.to_string();
        let debug = format!("{error:?}");
        for secret in [SECRET, LEGACY_SECRET, TOKEN] {
            assert!(!message.contains(secret), "secret in message: {message}");
            assert!(!debug.contains(secret), "secret in Debug: {debug}");
        }
        message
    }

    #[derive(Debug)]
    struct Failing;

    impl ProvideCredentials for Failing {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            Box::pin(async { Err(CredentialsError::provider("metadata service timed out")) })
        }
    }

    #[derive(Debug)]
    struct Nothing(&'static str);

    impl ProvideCredentials for Nothing {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            Box::pin(async { Err(CredentialsError::not_found(self.0)) })
        }
    }

    #[test]
    fn static_credentials_provide_themselves() {
        let credentials = Credentials::new("AKID", SECRET, None).unwrap();
        let provided = block_on(credentials.provide_credentials()).unwrap();
        assert_eq!(provided.access_key_id(), "AKID");
        let shared: Arc<dyn ProvideCredentials> = Arc::new(credentials.clone());
        assert_eq!(
            block_on(shared.provide_credentials())
                .unwrap()
                .access_key_id(),
            "AKID"
        );
        let boxed: Box<dyn ProvideCredentials> = Box::new(credentials);
        assert_eq!(
            block_on(boxed.provide_credentials())
                .unwrap()
                .secret()
                .expose(),
            SECRET
        );
    }

    #[test]
    fn the_environment_gives_keys_and_token() {
        let provider = EnvironmentCredentials::new(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
        ]));
        let credentials = block_on(provider.provide_credentials()).unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(credentials.secret().expose(), SECRET);
        assert_eq!(credentials.session_token().unwrap().expose(), TOKEN);
        assert!(!format!("{provider:?}").contains(SECRET));
    }

    #[test]
    fn legacy_variables_are_fallbacks_and_standard_names_win() {
        let legacy = EnvironmentCredentials::new(&env(&[
            ("AWS_ACCESS_KEY", "LEGACYID"),
            ("AWS_SECRET_KEY", LEGACY_SECRET),
            ("AWS_SECURITY_TOKEN", TOKEN),
        ]))
        .load()
        .unwrap();
        assert_eq!(legacy.access_key_id(), "LEGACYID");
        assert_eq!(legacy.secret().expose(), LEGACY_SECRET);
        assert_eq!(legacy.session_token().unwrap().expose(), TOKEN);

        let both = EnvironmentCredentials::new(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_ACCESS_KEY", "LEGACYID"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SECRET_KEY", LEGACY_SECRET),
            ("AWS_SESSION_TOKEN", "standard-token"),
            ("AWS_SECURITY_TOKEN", TOKEN),
        ]))
        .load()
        .unwrap();
        assert_eq!(both.access_key_id(), "AKID");
        assert_eq!(both.secret().expose(), SECRET);
        assert_eq!(both.session_token().unwrap().expose(), "standard-token");

        let mixed = EnvironmentCredentials::new(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_KEY", LEGACY_SECRET),
        ]))
        .load()
        .unwrap();
        assert_eq!(mixed.secret().expose(), LEGACY_SECRET);
        assert!(mixed.session_token().is_none());
    }

    #[test]
    fn partial_environment_credentials_name_what_is_missing() {
        let error = EnvironmentCredentials::new(&env(&[("AWS_ACCESS_KEY_ID", "AKID")]))
            .load()
            .unwrap_err();
        assert_eq!(
            expect_secret_free(&error),
            "incomplete AWS credentials in the environment: AWS_SECRET_ACCESS_KEY (or the legacy \
             AWS_SECRET_KEY) is not set although AWS_ACCESS_KEY_ID is"
        );
        let error = EnvironmentCredentials::new(&env(&[
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
            ("AWS_ACCESS_KEY_ID", " "),
        ]))
        .load()
        .unwrap_err();
        assert_eq!(
            expect_secret_free(&error),
            "incomplete AWS credentials in the environment: AWS_ACCESS_KEY_ID (or the legacy \
             AWS_ACCESS_KEY) is not set although AWS_SECRET_ACCESS_KEY is"
        );
    }

    #[test]
    fn an_empty_environment_is_not_found_and_a_lone_token_is_ignored() {
        let error = EnvironmentCredentials::new(&env(&[("AWS_SESSION_TOKEN", TOKEN)]))
            .load()
            .unwrap_err();
        assert!(matches!(error, CredentialsError::NotFound { .. }));
        assert_eq!(
            expect_secret_free(&error),
            "no AWS credentials found; looked in: the environment (AWS_ACCESS_KEY_ID, \
             AWS_ACCESS_KEY, AWS_SECRET_ACCESS_KEY, AWS_SECRET_KEY are not set)"
        );
    }

    #[test]
    fn invalid_environment_values_are_errors_without_the_secret() {
        let error = EnvironmentCredentials::new(&env(&[
            ("AWS_ACCESS_KEY_ID", "AK ID"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ]))
        .load()
        .unwrap_err();
        assert!(matches!(error, CredentialsError::Invalid { .. }));
        let message = expect_secret_free(&error);
        assert!(
            message.starts_with(
                "invalid AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): "
            ),
            "{message}"
        );
    }

    fn profiles(config: &str, credentials: &str) -> ProfileSet {
        ProfileSet::parse(config, credentials).unwrap()
    }

    #[test]
    fn a_profile_gives_its_keys_with_the_credentials_file_winning() {
        let set = profiles(
            "[profile dev]\naws_access_key_id = CONFIGID\naws_secret_access_key = config-secret\nregion = x\n",
            &format!(
                "[dev]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
            ),
        );
        let credentials =
            block_on(ProfileCredentials::new("dev", set).provide_credentials()).unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(credentials.secret().expose(), SECRET);
        assert_eq!(credentials.session_token().unwrap().expose(), TOKEN);
    }

    #[test]
    fn a_profile_reads_the_legacy_token_key() {
        let set = profiles(
            "",
            &format!(
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\naws_security_token = {TOKEN}\n"
            ),
        );
        let credentials = ProfileCredentials::new("default", set).load().unwrap();
        assert_eq!(credentials.session_token().unwrap().expose(), TOKEN);
    }

    #[test]
    fn a_partial_profile_names_the_missing_key() {
        let set = profiles(
            "",
            "[dev]\naws_access_key_id = AKID\naws_secret_access_key =\n",
        );
        let error = ProfileCredentials::new("dev", set).load().unwrap_err();
        assert_eq!(
            expect_secret_free(&error),
            "incomplete AWS credentials in profile `dev` (the config file text and the \
             credentials file text): aws_secret_access_key is not set although aws_access_key_id is"
        );
        let set = profiles(
            &format!("[profile dev]\naws_secret_access_key = {SECRET}\n"),
            "",
        );
        let error = ProfileCredentials::new("dev", set).load().unwrap_err();
        let message = expect_secret_free(&error);
        assert!(
            message.ends_with("aws_access_key_id is not set although aws_secret_access_key is"),
            "{message}"
        );
    }

    #[test]
    fn a_named_profile_must_exist_and_the_error_lists_what_exists() {
        let set = profiles("[dev]\nregion = x\n[profile prod]\n", "[test]\n");
        let error = ProfileCredentials::new("dev", set.clone())
            .load()
            .unwrap_err();
        assert!(matches!(error, CredentialsError::ProfileNotFound { .. }));
        let message = expect_secret_free(&error);
        assert!(
            message.starts_with(
                "AWS profile `dev` was not found in the config file text and the credentials \
                 file text; they have: prod, test; note: config file text, line 1: section [dev] \
                 ignored"
            ),
            "{message}"
        );
        let error = ProfileCredentials::new("dev", set)
            .optional()
            .load()
            .unwrap_err();
        assert!(
            matches!(error, CredentialsError::NotFound { .. }),
            "{error}"
        );
    }

    #[test]
    fn profiles_that_need_another_provider_say_which() {
        let cases = [
            (
                "role_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base",
                "role_arn",
                "assume-role",
            ),
            (
                "web_identity_token_file = /var/token\nrole_arn = arn:x",
                "role_arn",
                "assume-role",
            ),
            (
                "web_identity_token_file = /var/token",
                "web_identity_token_file",
                "web identity",
            ),
            (
                "sso_session = corp\nsso_account_id = 1",
                "sso_session",
                "SSO",
            ),
            (
                "sso_start_url = https://x.awsapps.com/start",
                "sso_start_url",
                "SSO",
            ),
            (
                "credential_process = /bin/creds",
                "credential_process",
                "credential process",
            ),
        ];
        for (body, key, words) in cases {
            // Keys in the same profile do not hide the mechanism.
            let set = profiles(
                &format!("[profile p]\n{body}\n"),
                &format!("[p]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\n"),
            );
            let error = ProfileCredentials::new("p", set).load().unwrap_err();
            let message = expect_secret_free(&error);
            assert!(
                matches!(&error, CredentialsError::ProfileNeedsProvider { key: found, .. } if *found == key),
                "{body}: {message}"
            );
            assert!(message.contains(words), "{message}");
            assert!(message.contains("ProvideCredentials"), "{message}");
        }
    }

    #[test]
    fn a_profile_without_keys_is_not_found() {
        let set = profiles("[default]\nregion = us-east-1\n", "");
        let error = ProfileCredentials::new("default", set).load().unwrap_err();
        assert!(matches!(error, CredentialsError::NotFound { .. }));
        assert!(error.to_string().contains("has no aws_access_key_id"));
    }

    fn chain_error(env: &MapEnvironment, explicit_profile: Option<&str>) -> CredentialsError {
        DefaultCredentialsChain::from_environment(env, explicit_profile)
            .unwrap()
            .load()
            .unwrap_err()
    }

    fn write_home(config: &str, credentials: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let aws = home.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        std::fs::write(aws.join("config"), config).unwrap();
        std::fs::write(aws.join("credentials"), credentials).unwrap();
        home
    }

    #[test]
    fn the_default_chain_prefers_the_environment() {
        let home = write_home(
            "",
            &format!("[default]\naws_access_key_id = FILEID\naws_secret_access_key = {SECRET}\n"),
        );
        let base = env(&[("HOME", home.path().to_str().unwrap())]);
        let from_files = DefaultCredentialsChain::from_environment(&base, None).unwrap();
        assert_eq!(
            block_on(from_files.provide_credentials())
                .unwrap()
                .access_key_id(),
            "FILEID"
        );

        let with_env = base
            .clone()
            .with("AWS_ACCESS_KEY_ID", "ENVID")
            .with("AWS_SECRET_ACCESS_KEY", SECRET);
        let chain = DefaultCredentialsChain::from_environment(&with_env, None).unwrap();
        assert_eq!(chain.load().unwrap().access_key_id(), "ENVID");

        // Partial environment credentials stop the chain instead of falling through.
        let partial = base.with("AWS_ACCESS_KEY_ID", "ENVID");
        let error = chain_error(&partial, None);
        assert!(matches!(error, CredentialsError::Partial { .. }), "{error}");
    }

    #[test]
    fn the_default_chain_selects_the_profile_explicitly_then_by_aws_profile() {
        let home = write_home(
            "[profile dev]\naws_access_key_id = DEVID\naws_secret_access_key = s1\n",
            "[prod]\naws_access_key_id = PRODID\naws_secret_access_key = s2\n",
        );
        let base = env(&[
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_PROFILE", "dev"),
        ]);
        let chain = DefaultCredentialsChain::from_environment(&base, None).unwrap();
        assert_eq!(chain.profile_name(), "dev");
        assert_eq!(chain.load().unwrap().access_key_id(), "DEVID");
        let chain = DefaultCredentialsChain::from_environment(&base, Some("prod")).unwrap();
        assert_eq!(chain.load().unwrap().access_key_id(), "PRODID");
        let error = chain_error(&base, Some("nope"));
        assert!(
            matches!(error, CredentialsError::ProfileNotFound { .. }),
            "{error}"
        );
    }

    #[test]
    fn the_default_chain_reports_everywhere_it_looked() {
        let home = tempfile::tempdir().unwrap();
        let base = env(&[("HOME", home.path().to_str().unwrap())]);
        let error = chain_error(&base, None);
        let message = error.to_string();
        let config = home.path().join(".aws/config");
        assert!(
            message.starts_with(
                "no AWS credentials found; looked in: the environment (AWS_ACCESS_KEY_ID, "
            ),
            "{message}"
        );
        assert!(
            message.contains(&format!(
                "; profile `default` (not in config file {} (does not exist) and credentials file",
                config.display()
            )),
            "{message}"
        );

        // An explicitly selected `default` must exist, as in the AWS CLI.
        let error = chain_error(&base, Some("default"));
        assert!(
            matches!(error, CredentialsError::ProfileNotFound { .. }),
            "{error}"
        );
    }

    #[test]
    fn file_sources_are_read_again_at_every_call() {
        let home = write_home(
            "",
            "[default]\naws_access_key_id = OLD\naws_secret_access_key = s\n",
        );
        let base = env(&[("HOME", home.path().to_str().unwrap())]);
        let provider = ProfileCredentials::new("default", ProfileSource::from_environment(&base));
        assert_eq!(provider.load().unwrap().access_key_id(), "OLD");
        std::fs::write(
            home.path().join(".aws/credentials"),
            "[default]\naws_access_key_id = NEW\naws_secret_access_key = s\n",
        )
        .unwrap();
        assert_eq!(provider.load().unwrap().access_key_id(), "NEW");
        std::fs::write(home.path().join(".aws/credentials"), "[default]\nbroken\n").unwrap();
        let error = provider.load().unwrap_err();
        assert!(matches!(error, CredentialsError::Profile(_)), "{error}");
        assert!(error.to_string().contains("line 2"), "{error}");
    }

    #[test]
    fn a_chain_goes_on_past_not_found_and_stops_at_errors() {
        let credentials = Credentials::new("AKID", SECRET, None).unwrap();
        let chain = CredentialsChain::new()
            .with(Nothing("first place"))
            .with(credentials.clone())
            .with(Failing);
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "AKID"
        );

        let chain = CredentialsChain::new()
            .with(Nothing("first place"))
            .with(Failing)
            .with(credentials);
        let error = block_on(chain.provide_credentials()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "credentials provider failed: metadata service timed out"
        );

        let chain = CredentialsChain::new()
            .with(Nothing("first place"))
            .with(Nothing("second place"));
        let error = block_on(chain.provide_credentials()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no AWS credentials found; looked in: first place; second place"
        );
        let error = block_on(CredentialsChain::new().provide_credentials()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no credentials source is configured")
        );
    }

    #[test]
    fn a_chain_holds_the_built_in_providers() {
        let mut chain = CredentialsChain::new().with(EnvironmentCredentials::new(&env(&[])));
        chain.push(Box::new(ProfileCredentials::new(
            "default",
            profiles(
                "",
                &format!("[default]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\n"),
            ),
        )));
        let credentials = block_on(chain.provide_credentials()).unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert!(!format!("{chain:?}").contains(SECRET));
    }
}
