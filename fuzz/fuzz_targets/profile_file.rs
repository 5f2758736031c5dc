//! The AWS shared config / credentials file parser, on arbitrary text.
//!
//! The input is read as the config file, as the credentials file, and (split
//! at the first NUL byte) as both. Parsing may refuse with an error, never
//! panic. An error names a line of the text it came from; a parsed set finds
//! every profile it lists, under the name it lists, with every key it lists
//! (lower-case, found case-insensitively) and every sub-property; and a
//! profile's `Debug` shows no value of a secret key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit::profile::{ProfileError, ProfileSet};

const SECRET_KEYS: [&str; 3] = [
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

fn check(config: &str, credentials: &str) {
    let set = match ProfileSet::parse(config, credentials) {
        Ok(set) => set,
        Err(ProfileError::Syntax { line, file, .. }) => {
            let text = match file.kind {
                sigv4kit::profile::FileKind::Config => config,
                sigv4kit::profile::FileKind::Credentials => credentials,
            };
            assert!(
                (1..=text.split('\n').count()).contains(&line),
                "error line {line} is not a line of the text"
            );
            return;
        }
        Err(other) => panic!("parsing text gave a file error: {other}"),
    };
    let _ = format!("{set:?}");
    for name in set.profile_names() {
        let profile = set
            .profile(name)
            .unwrap_or_else(|| panic!("listed profile {name:?} not found"));
        assert_eq!(profile.name(), name);
        let shown = format!("{profile:?}");
        // What Debug may show: the name, the keys, the other values.
        let mut visible = name.to_owned();
        for key in profile.keys() {
            visible.push_str(key);
            if !SECRET_KEYS.contains(&key) {
                visible.push_str(profile.get(key).unwrap_or_default());
            }
        }
        for key in profile.keys() {
            assert!(!key.bytes().any(|byte| byte.is_ascii_uppercase()));
            let value = profile.get(key).expect("a listed key has a value");
            assert_eq!(profile.get(&key.to_ascii_uppercase()), Some(value));
            for (sub_key, _) in profile.sub_properties(key) {
                assert!(profile.sub_property(key, sub_key).is_some());
            }
            // Debug quotes every value it shows, so a shown secret appears
            // quoted (unless another part of the profile holds the same text).
            if SECRET_KEYS.contains(&key) && !value.is_empty() && !visible.contains(value) {
                let quoted = format!("{value:?}");
                assert!(!shown.contains(&quoted), "Debug shows the value of {key}");
            }
        }
    }
    for warning in set.warnings() {
        let _ = warning.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text, "");
    check("", text);
    if let Some((config, credentials)) = text.split_once('\0') {
        check(config, credentials);
    }
});
