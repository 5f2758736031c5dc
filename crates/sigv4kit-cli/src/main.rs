//! `sigv4`: sign, presign, verify and send AWS SigV4 and SigV4A requests, and
//! explain a `SignatureDoesNotMatch`.
//!
//! A thin layer over the `sigv4kit` library: the options are a
//! `SignerConfig`, the signing is `RequestSigner`'s, the verifying
//! `RequestVerifier`'s and the diagnosis `sigv4kit::explain`, so that the
//! command and an application using the library never disagree. Every
//! failure is one line on standard error and an exit status scripts can
//! branch on (`docs/CLI.md`); nothing panics.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

mod cli;
mod commands;
mod error;
mod output;
mod request;
mod setup;

use cli::{Cli, Command};
use error::{CliError, CliResult, EXIT_USAGE};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    match run(&cli) {
        Ok(status) => ExitCode::from(status),
        Err(error) => {
            eprintln!("sigv4: error: {}", error.one_line());
            ExitCode::from(error.exit_status())
        }
    }
}

fn run(cli: &Cli) -> CliResult {
    let global = &cli.global;
    match &cli.command {
        Command::Sign(args) => commands::sign::sign(global, args),
        Command::Presign(args) => commands::sign::presign(global, args),
        Command::Verify(args) => commands::verify::verify(global, args),
        Command::Send(args) => commands::send::send(global, args),
        Command::Explain(args) => commands::explain::run(global, args),
        Command::DeriveKey(args) => commands::derive_key::run(global, args),
    }
}

/// Help and version go to standard output with status 0; a usage error is
/// one line, without clap's usage block, with status 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Printing help can only fail on a closed pipe; nothing to report then.
            let _ = error.print();
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = error.to_string();
            let message: String = rendered
                .split("\nUsage:")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.starts_with("For more information"))
                .collect::<Vec<_>>()
                .join("\n");
            let message = message.trim_start_matches("error: ");
            let message = CliError::Usage(error::one_line(message)).one_line();
            eprintln!("sigv4: error: {message} (see sigv4 --help)");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
