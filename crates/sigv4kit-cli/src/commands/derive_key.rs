//! `sigv4 derive-key`: the SigV4A public key of the credentials.

use sigv4kit::EcdsaSigner;

use crate::cli::{DeriveKeyArgs, GlobalOptions, KeyOutput};
use crate::error::{CliResult, EXIT_OK};
use crate::setup::credentials_only;

/// Derives and prints the key.
pub fn run(global: &GlobalOptions, args: &DeriveKeyArgs) -> CliResult {
    let credentials = credentials_only(global)?;
    let key = EcdsaSigner::new().public_key(&credentials)?;
    let (x, y) = (key.x_hex(), key.y_hex());
    match args.output {
        KeyOutput::Text => println!("X: {x}\nY: {y}"),
        KeyOutput::Json => println!("{}", serde_json::json!({ "X": x, "Y": y })),
        KeyOutput::Pair => println!("{x},{y}"),
    }
    Ok(EXIT_OK)
}
