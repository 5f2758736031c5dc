//! Running the built `sigv4` binary in a clean environment.
#![allow(dead_code)]

use std::path::Path;

/// The AWS documentation's example keys.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// Its secret: must never appear in any output.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// A session token, redacted from diagnostics.
pub const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789";
/// The instant the tests sign at.
pub const TIME: &str = "2026-03-01T12:00:00Z";

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit status.
    pub code: i32,
}

impl Run {
    /// Asserts success and returns standard output.
    pub fn ok(self) -> String {
        assert_eq!(self.code, 0, "{self:#?}");
        self.stdout
    }

    /// Asserts a usage/input error: status 2, one line on stderr, no panic.
    pub fn usage_error(&self) -> &str {
        assert_eq!(self.code, 2, "{self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.starts_with("sigv4: error: "),
            "{:?}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{:?}", self.stderr);
        &self.stderr
    }
}

/// `sigv4` with a clean environment (no AWS variables, a home without
/// `.aws`), `env` added, and `stdin`.
pub fn sigv4_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("sigv4");
    command
        .env_clear()
        .env("HOME", "/nonexistent/sigv4kit-cli-test-home")
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(stdin) = stdin {
        command.write_stdin(stdin.to_vec());
    }
    let output = command.output().expect("sigv4 runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// `sigv4` with a clean environment.
pub fn sigv4(args: &[&str]) -> Run {
    sigv4_with(args, &[], None)
}

/// `sigv4` with the example keys in the environment.
pub fn sigv4_keyed(args: &[&str]) -> Run {
    sigv4_with(
        args,
        &[
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
        None,
    )
}

/// Writes `contents` to `name` in `dir`; its path as a string.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write a test file");
    path.to_str().expect("UTF-8 temp path").to_owned()
}

/// The JSON of `--output json`.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}
