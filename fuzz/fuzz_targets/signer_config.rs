//! The TOML configuration, on arbitrary text, read and resolved.
//!
//! `SignerConfig::from_toml_str` reads files users write by hand, and
//! `resolve` completes them from an environment (here an empty one, so that
//! no file is read). Either may refuse, with a typed error, but must never
//! panic. What resolves is consistent: SigV4 has a region and no region set,
//! SigV4A always a region set; and neither the config's `Debug` nor an
//! error ever shows the secret the text gave.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit::canon::Algorithm;
use sigv4kit::config::SignerConfig;
use sigv4kit::environment::MapEnvironment;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let secret = toml::from_str::<toml::Table>(text).ok().and_then(|table| {
        let credentials = table.get("credentials")?.as_table()?;
        let secret = credentials.get("secret_access_key")?.as_str()?;
        (secret.len() >= 8).then(|| secret.to_owned())
    });
    let config = match SignerConfig::from_toml_str(text) {
        Ok(config) => config,
        Err(error) => {
            if let Some(secret) = &secret {
                assert!(!error.to_string().contains(secret.as_str()));
            }
            return;
        }
    };
    if let Some(secret) = &secret {
        assert!(!format!("{config:?}").contains(secret.as_str()));
    }
    let Ok(resolved) = config.resolve(&MapEnvironment::new()) else {
        return;
    };
    match resolved.algorithm.value {
        Algorithm::Sigv4 => {
            assert!(resolved.region.is_some() && resolved.region_set.is_none());
        }
        Algorithm::Sigv4a => assert!(resolved.region_set.is_some()),
    }
    if let Some(secret) = &secret {
        assert!(!format!("{resolved:?}").contains(secret.as_str()));
    }
});
