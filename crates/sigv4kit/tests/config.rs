//! `SignerConfig`: precedence, conflicts, presets, TOML, and signing with
//! what it resolves.

use std::path::Path;

use sigv4kit::canon::{Algorithm, AmzDate, Header, PathRules, Region, RegionSet, Request, Service};
use sigv4kit::config::{ConfigError, PresetChoice, SettingSource, SignerConfig, SigningOverrides};
use sigv4kit::environment::MapEnvironment;
use sigv4kit::preset::{PayloadPolicy, ServicePreset};
use sigv4kit::{Credentials, FixedClock};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap()
}

/// A config with credentials and a service, so that only what a test sets
/// decides.
fn base() -> SignerConfig {
    SignerConfig::new()
        .with_credentials(credentials())
        .with_service(Service::new("service").unwrap())
}

/// An environment whose shared config files are `config` and `credentials`
/// in a fresh directory.
struct Files {
    _dir: tempfile::TempDir,
    env: MapEnvironment,
}

fn files(config: &str, credentials: &str) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let env = MapEnvironment::new()
        .with("AWS_CONFIG_FILE", write("config", config))
        .with(
            "AWS_SHARED_CREDENTIALS_FILE",
            write("credentials", credentials),
        );
    Files { _dir: dir, env }
}

fn no_files() -> MapEnvironment {
    let missing = Path::new("/nonexistent/sigv4kit-test");
    MapEnvironment::new()
        .with("HOME", missing.display().to_string())
        .with("AWS_REGION", "us-east-1")
}

#[test]
fn the_algorithm_is_explicit_then_environment_then_profile_then_default() {
    let profile = "[default]\nauth_scheme_preference = sigv4a\nregion = eu-west-1\n";
    let Files { env, _dir } = files(profile, "");

    let resolved = base().resolve(&env).unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
    assert_eq!(
        resolved.algorithm.source,
        SettingSource::Profile {
            profile: "default".into(),
            key: "auth_scheme_preference"
        }
    );

    let env = env.with("AWS_AUTH_SCHEME_PREFERENCE", "sigv4,sigv4a");
    let resolved = base().resolve(&env).unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4);
    assert_eq!(
        resolved.algorithm.source,
        SettingSource::Environment("AWS_AUTH_SCHEME_PREFERENCE")
    );

    let resolved = base()
        .with_algorithm(Algorithm::Sigv4a)
        .resolve(&env)
        .unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
    assert_eq!(resolved.algorithm.source, SettingSource::Explicit);

    let resolved = base().resolve(&no_files()).unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4);
    assert_eq!(resolved.algorithm.source, SettingSource::Default);
}

#[test]
fn unknown_schemes_in_the_preference_are_skipped_and_reported() {
    let env = no_files().with(
        "AWS_AUTH_SCHEME_PREFERENCE",
        " httpBearerAuth , aws.auth#sigv4a, sigv4",
    );
    let resolved = base().resolve(&env).unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
    assert_eq!(resolved.ignored_auth_schemes, ["httpBearerAuth"]);

    let env = no_files().with("AWS_AUTH_SCHEME_PREFERENCE", "httpBearerAuth,noAuth");
    let error = base().resolve(&env).unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::Invalid {
                setting: "auth scheme preference",
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains("AWS_AUTH_SCHEME_PREFERENCE"),
        "{error}"
    );
}

#[test]
fn sigv4a_takes_the_region_set_from_the_environment_or_falls_back_to_any() {
    let env = no_files().with("AWS_SIGV4A_SIGNING_REGION_SET", "us-east-1, us-west-2");
    let resolved = base()
        .with_algorithm(Algorithm::Sigv4a)
        .resolve(&env)
        .unwrap();
    let set = resolved.region_set.unwrap();
    assert_eq!(set.value.as_str(), "us-east-1,us-west-2");
    assert_eq!(
        set.source,
        SettingSource::Environment("AWS_SIGV4A_SIGNING_REGION_SET")
    );

    let resolved = base()
        .with_algorithm(Algorithm::Sigv4a)
        .resolve(&no_files())
        .unwrap();
    let set = resolved.region_set.unwrap();
    assert_eq!(set.value.as_str(), "*");
    assert_eq!(set.source, SettingSource::Default);
}

#[test]
fn the_profile_region_set_is_read_and_an_explicit_one_wins() {
    let Files { env, _dir } = files(
        "[profile dev]\nsigv4a_signing_region_set = eu-*\nregion = eu-west-1\n",
        "",
    );
    let env = env.with("AWS_PROFILE", "dev");
    let config = base().with_algorithm(Algorithm::Sigv4a);
    let resolved = config.resolve(&env).unwrap();
    assert_eq!(resolved.region_set().unwrap().as_str(), "eu-*");
    assert_eq!(resolved.region.unwrap().value.as_str(), "eu-west-1");

    let resolved = config
        .with_region_set(RegionSet::parse("ap-south-1").unwrap())
        .resolve(&env)
        .unwrap();
    assert_eq!(resolved.region_set().unwrap().as_str(), "ap-south-1");
}

#[test]
fn a_region_set_with_sigv4_is_a_conflict_naming_both_settings() {
    let env = no_files().with("AWS_SIGV4A_SIGNING_REGION_SET", "*");
    let error = base().resolve(&env).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, ConfigError::Conflict { .. }), "{message}");
    assert!(
        message.contains("AWS_SIGV4A_SIGNING_REGION_SET"),
        "{message}"
    );
    assert!(message.contains("sigv4"), "{message}");
    assert!(message.contains("the default"), "{message}");

    let error = base()
        .with_algorithm(Algorithm::Sigv4)
        .with_region_set(RegionSet::any())
        .resolve(&no_files())
        .unwrap_err();
    assert!(error.to_string().contains("explicit"), "{error}");
}

#[test]
fn a_multi_region_access_point_host_selects_sigv4a_over_any_region() {
    let config = SignerConfig::new()
        .with_credentials(credentials())
        .with_endpoint("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photo.jpg");
    let resolved = config.resolve(&MapEnvironment::new()).unwrap();
    assert_eq!(resolved.service.value.as_str(), "s3");
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
    assert!(matches!(
        resolved.algorithm.source,
        SettingSource::Preset(_)
    ));
    assert_eq!(resolved.region_set().unwrap().as_str(), "*");
    assert_eq!(
        resolved.preset,
        Some(ServicePreset::S3MultiRegionAccessPoint)
    );
    assert_eq!(resolved.settings.rules.path, PathRules::S3);

    let error = config
        .clone()
        .with_algorithm(Algorithm::Sigv4)
        .resolve(&MapEnvironment::new())
        .unwrap_err();
    assert!(matches!(error, ConfigError::Conflict { .. }), "{error}");

    let env = MapEnvironment::new().with("AWS_AUTH_SCHEME_PREFERENCE", "sigv4,sigv4a");
    let resolved = config.resolve(&env).unwrap();
    assert_eq!(
        resolved.algorithm.value,
        Algorithm::Sigv4a,
        "the preference picks the first scheme the preset accepts"
    );
}

#[test]
fn service_and_region_are_inferred_from_a_standard_host_name() {
    let config = SignerConfig::new()
        .with_credentials(credentials())
        .with_endpoint("https://dynamodb.us-west-2.amazonaws.com/");
    let env = no_files().with("AWS_DEFAULT_REGION", "ap-south-1");
    let resolved = config.resolve(&env).unwrap();
    assert_eq!(resolved.service.value.as_str(), "dynamodb");
    let region = resolved.region.unwrap();
    assert_eq!(
        region.value.as_str(),
        "us-west-2",
        "the endpoint beats AWS_REGION"
    );
    assert!(matches!(region.source, SettingSource::HostName(_)));

    let resolved = config
        .with_region(Region::new("eu-central-1").unwrap())
        .resolve(&env)
        .unwrap();
    assert_eq!(resolved.region.unwrap().value.as_str(), "eu-central-1");
}

#[test]
fn the_region_is_environment_then_profile() {
    let Files { env, _dir } = files("[default]\nregion = eu-west-1\n", "");
    let region = |env: &MapEnvironment| base().resolve(env).unwrap().region.unwrap();
    assert_eq!(region(&env).value.as_str(), "eu-west-1");
    let env = env.with("AWS_DEFAULT_REGION", "eu-west-2");
    assert_eq!(region(&env).value.as_str(), "eu-west-2");
    let env = env.with("AWS_REGION", "eu-west-3");
    let resolved = region(&env);
    assert_eq!(resolved.value.as_str(), "eu-west-3");
    assert_eq!(resolved.source, SettingSource::Environment("AWS_REGION"));
}

#[test]
fn missing_service_region_or_profile_are_clear_errors() {
    let error = SignerConfig::new()
        .with_credentials(credentials())
        .resolve(&no_files())
        .unwrap_err();
    assert!(matches!(error, ConfigError::MissingService), "{error}");

    let env = MapEnvironment::new();
    let error = base().resolve(&env).unwrap_err();
    assert!(
        matches!(error, ConfigError::MissingRegion { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("AWS_REGION"), "{error}");
    base()
        .with_algorithm(Algorithm::Sigv4a)
        .resolve(&env)
        .expect("SigV4A needs no region");

    let Files { env, _dir } = files("[default]\nregion = eu-west-1\n", "");
    let error = base().with_profile("nope").resolve(&env).unwrap_err();
    assert!(
        matches!(error, ConfigError::ProfileNotFound { .. }),
        "{error}"
    );
    let error = base()
        .resolve(&env.with("AWS_PROFILE", "nope"))
        .unwrap_err();
    assert!(error.to_string().contains("nope"), "{error}");
}

#[test]
fn presets_set_the_rules_and_overrides_win() {
    let env = no_files();
    let resolve = |service: &str, preset: PresetChoice, signing: SigningOverrides| {
        SignerConfig::new()
            .with_credentials(credentials())
            .with_service(Service::new(service).unwrap())
            .with_preset(preset)
            .with_signing(signing)
            .resolve(&env)
            .unwrap()
    };
    let s3 = resolve("s3", PresetChoice::Auto, SigningOverrides::default());
    assert_eq!(s3.settings.rules.path, PathRules::S3);
    assert!(s3.settings.content_sha256_header);
    assert_eq!(s3.payload, PayloadPolicy::Hashed);

    let raw = resolve("s3", PresetChoice::None, SigningOverrides::default());
    assert_eq!(raw.settings.rules.path, PathRules::STANDARD);
    assert!(!raw.settings.content_sha256_header);

    let lattice = resolve(
        "vpc-lattice-svcs",
        PresetChoice::Auto,
        SigningOverrides::default(),
    );
    assert_eq!(lattice.payload, PayloadPolicy::Unsigned);
    assert!(lattice.settings.content_sha256_header);

    let overridden = resolve(
        "s3",
        PresetChoice::Auto,
        SigningOverrides {
            normalize_path: Some(true),
            unsigned_payload: Some(true),
            content_sha256_header: Some(false),
            ..SigningOverrides::default()
        },
    );
    assert!(overridden.settings.rules.path.normalize);
    assert!(!overridden.settings.rules.path.double_encode);
    assert_eq!(overridden.payload, PayloadPolicy::Unsigned);
    assert!(!overridden.settings.content_sha256_header);

    let named = resolve(
        "custom",
        PresetChoice::Named(ServicePreset::VpcLattice),
        SigningOverrides::default(),
    );
    assert_eq!(named.payload, PayloadPolicy::Unsigned);
}

#[test]
fn a_toml_file_configures_everything() {
    let config = SignerConfig::from_toml_str(
        r#"
        algorithm = "sigv4a"
        service = "vpc-lattice-svcs"
        region_set = ["us-east-1", "us-west-2"]
        preset = "auto"

        [credentials]
        access_key_id = "AKIDEXAMPLE"
        secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        session_token = "token"

        [signing]
        sign_session_token = false
        capture_canonical_request = true
        "#,
    )
    .unwrap();
    let printed = format!("{config:?}");
    assert!(!printed.contains(SECRET), "{printed}");
    assert!(!printed.contains("token\""), "{printed}");

    let resolved = config.resolve(&MapEnvironment::new()).unwrap();
    assert_eq!(resolved.algorithm.value, Algorithm::Sigv4a);
    assert_eq!(
        resolved.region_set().unwrap().as_str(),
        "us-east-1,us-west-2"
    );
    assert_eq!(resolved.payload, PayloadPolicy::Unsigned);
    assert_eq!(
        resolved.settings.session_token,
        sigv4kit::SessionTokenMode::SentUnsigned
    );
    assert!(resolved.settings.capture_canonical_request);
}

#[test]
fn bad_toml_is_refused_with_the_key_named() {
    let cases = [
        ("regoin = \"us-east-1\"", "regoin"),
        ("algorithm = \"sigv5\"", "sigv5"),
        ("region = \"us east 1\"", "region"),
        ("region_set = \"us-east-1,,us-west-2\"", "region set"),
        ("preset = \"s4\"", "preset"),
        (
            "[credentials]\naccess_key_id = \"AKID\"",
            "secret_access_key",
        ),
        ("[signing]\nunsigned_payload = \"yes\"", "unsigned_payload"),
    ];
    for (text, named) in cases {
        let error = SignerConfig::from_toml_str(text).unwrap_err();
        assert!(error.to_string().contains(named), "{text}: {error}");
    }
    let error = SignerConfig::from_toml_file("/nonexistent/sigv4kit.toml").unwrap_err();
    assert!(matches!(error, ConfigError::Io { .. }), "{error}");
}

#[test]
fn a_toml_file_error_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sigv4kit.toml");
    std::fs::write(&path, "service = 3\n").unwrap();
    let error = SignerConfig::from_toml_file(&path).unwrap_err();
    assert!(error.to_string().contains("sigv4kit.toml"), "{error}");
}

#[test]
fn credentials_come_from_the_environment_when_not_configured() {
    let env = no_files()
        .with("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with("AWS_SECRET_ACCESS_KEY", SECRET);
    let resolved = SignerConfig::new()
        .with_service(Service::new("service").unwrap())
        .resolve(&env)
        .unwrap();
    let credentials = pollster::block_on(resolved.credentials.provide_credentials()).unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");

    let resolved = SignerConfig::new()
        .with_service(Service::new("service").unwrap())
        .resolve(&no_files())
        .unwrap();
    let error = pollster::block_on(resolved.credentials.provide_credentials()).unwrap_err();
    assert!(error.to_string().contains("AWS_ACCESS_KEY_ID"), "{error}");
}

#[test]
fn what_a_config_signs_its_verifier_accepts_for_both_algorithms() {
    let time = AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
    for algorithm in [Algorithm::Sigv4, Algorithm::Sigv4a] {
        let resolved = base()
            .with_algorithm(algorithm)
            .with_clock(FixedClock::at(&time))
            .resolve(&no_files())
            .unwrap();
        let signer = resolved.request_signer();
        assert_eq!(signer.algorithm(), algorithm);

        let headers = [Header::new("host", "example.amazonaws.com")];
        let request = Request::new("POST", "/a/b?x=1", &headers)
            .with_payload(sigv4kit::canon::Payload::Bytes(b"{}"));
        let output = pollster::block_on(signer.sign(&request)).unwrap();
        let mut signed: Vec<Header<'_>> = headers.to_vec();
        signed.extend(
            output
                .headers()
                .map(|(name, value)| Header::new(name, value)),
        );
        let signed = Request::new("POST", "/a/b?x=1", &signed)
            .with_payload(sigv4kit::canon::Payload::Bytes(b"{}"));

        let keys = pollster::block_on(resolved.key_provider()).unwrap();
        let verifier = resolved.verifier();
        let verified = pollster::block_on(verifier.verify(&signed, &keys)).unwrap();
        assert_eq!(verified.algorithm, algorithm);

        let tampered = Request::new("POST", "/a/c?x=1", signed.headers)
            .with_payload(sigv4kit::canon::Payload::Bytes(b"{}"));
        assert!(pollster::block_on(verifier.verify(&tampered, &keys)).is_err());
    }
}

#[test]
fn an_unsigned_payload_policy_signs_unsigned_payload() {
    let time = AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
    let resolved = SignerConfig::new()
        .with_credentials(credentials())
        .with_endpoint("svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws")
        .with_algorithm(Algorithm::Sigv4a)
        .resolve(&MapEnvironment::new())
        .unwrap();
    let headers = [Header::new(
        "host",
        "svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
    )];
    let request =
        Request::new("POST", "/", &headers).with_payload(sigv4kit::canon::Payload::Bytes(b"body"));
    let output = resolved
        .request_signer()
        .sign_with(&request, &credentials(), time)
        .unwrap();
    let content_sha256 = output
        .headers()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amz-content-sha256"))
        .map(|(_, value)| value.to_owned());
    assert_eq!(content_sha256.as_deref(), Some("UNSIGNED-PAYLOAD"));
    assert!(
        output
            .string_to_sign()
            .starts_with("AWS4-ECDSA-P256-SHA256\n")
    );
}

#[test]
fn what_a_config_presigns_its_verifier_accepts_for_every_preset() {
    let time = AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
    let endpoints = [
        ("https://dynamodb.us-east-1.amazonaws.com", "/"),
        (
            "https://abc123.execute-api.eu-central-1.amazonaws.com",
            "/prod/pets",
        ),
        ("https://bucket.s3.us-west-2.amazonaws.com", "/a%20b.jpg"),
        (
            "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
            "/photo.jpg",
        ),
        (
            "https://svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
            "/orders",
        ),
    ];
    for (endpoint, path) in endpoints {
        let resolved = SignerConfig::new()
            .with_credentials(credentials())
            .with_endpoint(endpoint)
            .with_clock(FixedClock::at(&time))
            .resolve(&MapEnvironment::new())
            .unwrap();
        let url = format!("{endpoint}{path}");
        let presigned = resolved
            .request_signer()
            .presign_with(
                &sigv4kit::PresignRequest::new("GET", &url),
                sigv4kit::Expiry::from_secs(600).unwrap(),
                &credentials(),
                time,
            )
            .unwrap();
        let host = endpoint.trim_start_matches("https://");
        let target = &presigned.as_str()[endpoint.len()..];
        let headers = [Header::new("host", host)];
        let request = Request::new("GET", target, &headers);
        let keys = pollster::block_on(resolved.key_provider()).unwrap();
        pollster::block_on(resolved.verifier().verify(&request, &keys))
            .unwrap_or_else(|error| panic!("{endpoint}: {error}"));
    }
}

/// Found by the `signer_config` fuzz target: the TOML parser's own message
/// quotes the faulty line and its neighbours, which may hold the secret.
#[test]
fn a_toml_error_never_shows_the_secret() {
    let secret = "wJaseAMPLEKEY";
    let texts = [
        "region= \"s3\"\n[credentials]\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_ad = \"AKIDEXAMPLE\"\nsecret_access_key = \"wJaseAMPLEKEY\"\nccess_key = \"wJaseAMPLEKEY\"\n",
        "[credentials]\naccess_key_id = \"AKID\"\nsecret_access_key = \"wJaseAMPLEKEY\"\nsession_token = 3\n",
        "[credentials]\nsecret_access_key = \"wJaseAMPLEKEY\" junk\n",
        "[signing]\nunsigned_payload = \"wJaseAMPLEKEY\"\n",
    ];
    for text in texts {
        let error = SignerConfig::from_toml_str(text).unwrap_err().to_string();
        assert!(!error.contains(secret), "{error}");
        assert!(error.contains("line "), "{error}");
    }
}

/// Found by the `signer_config` fuzz target: a setting's error quotes the
/// faulty value, and a secret pasted into the wrong key was quoted with it.
#[test]
fn a_setting_error_never_quotes_the_secret() {
    let texts = [
        "region_set = [\"us-east,1\", \"us-west-2\"]\nalgorithm = \"siwJalrXUtnFEMI/K8MDY\"\n[credentials]\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"wJalrXUtnFEMI/K8MDY\"\n",
        "preset = \"wJalrXUtnFEMI/K8MDY\"\n[credentials]\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"wJalrXUtnFEMI/K8MDY\"\n",
        "service = \"x TOKEN-wJalrXUtnFEMI\"\n[credentials]\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"other-secret\"\nsession_token = \"TOKEN-wJalrXUtnFEMI\"\n",
    ];
    for text in texts {
        let error = SignerConfig::from_toml_str(text).unwrap_err().to_string();
        assert!(!error.contains("wJalrXUtnFEMI"), "{error}");
        assert!(error.contains("<redacted>"), "{error}");
    }
    // A value without the secret is still quoted, as the user wrote it.
    let error = SignerConfig::from_toml_str("algorithm = \"sigv5\"\n")
        .unwrap_err()
        .to_string();
    assert!(error.contains("sigv5"), "{error}");
}

#[test]
fn a_verifier_recomputes_without_a_key_the_forms_the_signer_signed() {
    let time = AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
    for algorithm in [Algorithm::Sigv4, Algorithm::Sigv4a] {
        let resolved = base()
            .with_algorithm(algorithm)
            .with_signing(SigningOverrides {
                capture_canonical_request: Some(true),
                ..SigningOverrides::default()
            })
            .resolve(&no_files())
            .unwrap();
        let headers = [Header::new("host", "example.amazonaws.com")];
        let request = Request::new("POST", "/a/./b?x=1", &headers)
            .with_payload(sigv4kit::canon::Payload::Bytes(b"{}"));
        let output = resolved
            .request_signer()
            .sign_with(&request, &credentials(), time)
            .unwrap();
        let mut signed: Vec<Header<'_>> = headers.to_vec();
        signed.extend(
            output
                .headers()
                .map(|(name, value)| Header::new(name, value)),
        );
        let signed = Request::new("POST", "/a/./b?x=1", &signed)
            .with_payload(sigv4kit::canon::Payload::Bytes(b"{}"));
        let signature = sigv4kit::canon::RequestSignature::from_request(&signed).unwrap();
        let forms =
            sigv4kit::canonical_forms(&signed, &signature, &resolved.verify_policy()).unwrap();
        assert_eq!(
            Some(forms.canonical_request.as_str()),
            output.canonical_request()
        );
        assert_eq!(forms.string_to_sign, output.string_to_sign());
    }
}
