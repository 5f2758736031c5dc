//! The errors of the `sigv4` command and their exit statuses.
//!
//! Scripts branch on the exit status, so each class of failure has its own
//! and `docs/CLI.md` lists them: 1 is kept for a *verdict* (a signature that
//! does not verify, canonical requests that differ), so that a script can
//! tell "the request is bad" from "the command could not run" (2) and from
//! "the network failed" (3). Every error prints as one line.

use std::path::PathBuf;

use sigv4kit::canon::{CanonicalError, RawRequestError};
use sigv4kit::{
    ConfigError, CredentialsError, PresignError, SignRequestError, SigningError, VerifyError,
};

/// Exit status: success, or a valid signature.
pub const EXIT_OK: u8 = 0;
/// Exit status: the signature is invalid (`verify`), the canonical requests
/// differ (`explain`), or the server answered with an error (`send --fail`).
pub const EXIT_VERDICT: u8 = 1;
/// Exit status: bad usage, configuration, credentials or input.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: `send` could not reach the server or read its answer.
pub const EXIT_NETWORK: u8 = 3;

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments are wrong; clap's message, on one line.
    #[error("{0}")]
    Usage(String),
    /// The configuration could not be resolved.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// A file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The system's message.
        reason: String,
    },
    /// A raw HTTP request file does not parse.
    #[error("{}: not a raw HTTP/1.1 request: {error}", path.display())]
    RawRequest {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        error: RawRequestError,
    },
    /// An input value is invalid.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was given, e.g. `URL`.
        what: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// Signing failed.
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// Signing with the configured signer failed.
    #[error(transparent)]
    SignRequest(#[from] SignRequestError),
    /// Presigning failed.
    #[error(transparent)]
    Presign(#[from] PresignError),
    /// A value could not be canonicalized.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    /// A signed request could not be read as a server reads it.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// The request could not be sent, or the answer read.
    #[error("the request failed: {0}")]
    Network(String),
}

impl CliError {
    /// The exit status for this error.
    pub fn exit_status(&self) -> u8 {
        match self {
            Self::Network(_) => EXIT_NETWORK,
            _ => EXIT_USAGE,
        }
    }

    /// An invalid `what`.
    pub fn invalid(what: &'static str, reason: impl std::fmt::Display) -> Self {
        Self::Invalid {
            what,
            reason: reason.to_string(),
        }
    }

    /// The message on one line: line breaks inside library messages become
    /// `; `, so that a script reading stderr gets one record per error.
    pub fn one_line(&self) -> String {
        one_line(&self.to_string())
    }
}

/// `text` with its lines joined by `; `, blank lines dropped.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The result of a command: its exit status, or an error.
pub type CliResult = Result<u8, CliError>;
