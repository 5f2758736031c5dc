//! The same behavioural tests for every engine compiled in (the default
//! `P256Engine`, plus `AwsLcEngine` with `--features aws-lc`), and
//! cross-engine interoperability.

mod common;

use common::engines;
use proptest::prelude::*;
use sigv4kit_ecdsa::hazmat;
use sigv4kit_ecdsa::{
    DerSignature, EngineError, P256Engine, SignatureFormatError, SigningEngine, SigningKey,
    VerifyError, derive_signing_key, verify,
};

const STS: &[u8] = b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n\
    553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87";

fn key() -> SigningKey {
    derive_signing_key("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").expect("derive")
}

fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

#[test]
fn sign_verify_roundtrip() {
    let key = key();
    for engine in engines() {
        let sig = engine.sign(&key, STS).expect("sign");
        assert!((8..=72).contains(&sig.len()), "{}", engine.name());
        engine
            .verify(&key.public_key(), STS, sig.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", engine.name()));
        engine
            .verify_prehash(&key.public_key(), &sha256(STS), sig.as_bytes())
            .expect("prehash verify");
        verify(STS, &sig.to_hex(), &key.public_key()).expect("crate-level verify");
        // The hex is lowercase and reparses to the same signature.
        let hex = sig.to_hex();
        assert_eq!(hex, hex.to_lowercase());
        assert_eq!(DerSignature::from_hex(&hex), Ok(sig));
        // Derivation through the engine gives the same key.
        assert_eq!(
            engine
                .derive("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                .expect("derive")
                .public_key(),
            key.public_key()
        );
    }
}

#[test]
fn signatures_verify_across_engines() {
    let key = key();
    let all = engines();
    for signer in &all {
        let sig = signer.sign(&key, STS).expect("sign");
        for verifier in &all {
            verifier
                .verify(&key.public_key(), STS, sig.as_bytes())
                .unwrap_or_else(|e| panic!("{} -> {}: {e}", signer.name(), verifier.name()));
        }
    }
}

#[test]
fn wrong_key_does_not_verify() {
    let key = key();
    let other = derive_signing_key("AKIDOTHER", b"secret").expect("derive");
    for engine in engines() {
        let sig = engine.sign(&key, STS).expect("sign");
        assert_eq!(
            engine.verify(&other.public_key(), STS, sig.as_bytes()),
            Err(EngineError::InvalidSignature)
        );
    }
}

#[test]
fn flipping_any_message_byte_fails() {
    let key = key();
    for engine in engines() {
        let sig = engine.sign(&key, STS).expect("sign");
        let mut msg = STS.to_vec();
        for i in 0..msg.len() {
            msg[i] ^= 0x20;
            assert_eq!(
                engine.verify(&key.public_key(), &msg, sig.as_bytes()),
                Err(EngineError::InvalidSignature),
                "{}: byte {i}",
                engine.name()
            );
            msg[i] ^= 0x20;
        }
        // Appending or truncating also fails.
        assert!(
            engine
                .verify(&key.public_key(), &STS[..STS.len() - 1], sig.as_bytes())
                .is_err()
        );
        assert!(
            engine
                .verify(&key.public_key(), &[STS, b"\n"].concat(), sig.as_bytes())
                .is_err()
        );
    }
}

#[test]
fn flipping_any_signature_byte_fails() {
    let key = key();
    for engine in engines() {
        let sig = engine.sign(&key, STS).expect("sign");
        let mut der = sig.as_bytes().to_vec();
        for i in 0..der.len() {
            for mask in [0x01u8, 0x80] {
                der[i] ^= mask;
                assert!(
                    engine.verify(&key.public_key(), STS, &der).is_err(),
                    "{}: byte {i} mask {mask:#x}",
                    engine.name()
                );
                der[i] ^= mask;
            }
        }
    }
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let key = key();
    let public = key.public_key();
    let good = P256Engine::new().sign(&key, STS).expect("sign");
    let mut overlong = good.as_bytes().to_vec();
    overlong.extend_from_slice(&[0u8; 80]);
    let mut trailing = good.as_bytes().to_vec();
    trailing.push(0);
    let mut wrong_len = good.as_bytes().to_vec();
    wrong_len[1] = wrong_len[1].wrapping_add(1);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("one byte", vec![0x30]),
        ("header only", vec![0x30, 0x00]),
        ("overlong", overlong),
        ("trailing byte", trailing),
        ("wrong sequence length", wrong_len),
        ("all ff", vec![0xff; 72]),
        ("all zero", vec![0x00; 72]),
        ("integers only", good.as_bytes()[2..].to_vec()),
    ];
    for engine in engines() {
        for (what, der) in &cases {
            match engine.verify(&public, STS, der) {
                Err(EngineError::MalformedSignature(_)) => {}
                other => panic!(
                    "{}: {what}: expected MalformedSignature, got {other:?}",
                    engine.name()
                ),
            }
        }
    }

    // The crate-level hex entry point.
    let bad_hex: &[(&str, String)] = &[
        ("empty", String::new()),
        ("odd length", "304".to_string()),
        ("not hex", "zz".repeat(35)),
        ("non-ascii", "é".repeat(36)),
        ("too long", "30".repeat(73)),
        (
            "padded",
            format!(
                "{}{}",
                good.to_hex(),
                "*".repeat(144 - good.to_hex().len() + 2)
            ),
        ),
        ("whitespace", format!(" {}", good.to_hex())),
    ];
    for (what, hex) in bad_hex {
        match verify(STS, hex, &public) {
            Err(VerifyError::Malformed(_)) => {}
            other => panic!("{what}: expected Malformed, got {other:?}"),
        }
    }
    assert_eq!(
        verify(STS, "", &public),
        Err(VerifyError::Malformed(SignatureFormatError::Empty))
    );
}

#[test]
fn p256_engine_is_deterministic_and_matches_rustcrypto_der() {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let key = key();
    let engine = P256Engine::new();
    let a = engine.sign(&key, STS).expect("sign");
    let b = engine.sign(&key, STS).expect("sign");
    assert_eq!(a, b, "RFC 6979 nonces are deterministic");
    // Our inline DER encoder gives the same bytes as RustCrypto's.
    let rc = p256::ecdsa::SigningKey::from_slice(&*hazmat::scalar_bytes(&key)).expect("scalar");
    let rc_sig: p256::ecdsa::DerSignature = rc.sign_prehash(&sha256(STS)).expect("sign");
    assert_eq!(a.as_bytes(), rc_sig.as_bytes());
}

#[test]
fn debug_output_never_contains_the_private_scalar() {
    let key = key();
    let scalar_hex = common::hex_encode(&*hazmat::scalar_bytes(&key));
    // The signing suite key's scalar, from sigv4a-key-derivation.json.
    assert_eq!(
        scalar_hex,
        "7efc8c0e65a324242818c5a50c891c6060b6a00717b7ba3cbe3c5d765be9259c"
    );
    let cache = sigv4kit_ecdsa::KeyCache::new();
    let cached = cache
        .get_or_derive("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .expect("derive");
    let mut outputs = vec![
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{cached:?}"),
        format!("{cache:?}"),
        format!("{cache:#?}"),
        format!("{:?}", key.public_key()),
    ];
    for engine in engines() {
        // Sign first so an engine with a key cache (AWS-LC) holds the key.
        engine.sign(&key, STS).expect("sign");
        outputs.push(format!("{engine:?}"));
        outputs.push(format!("{engine:#?}"));
    }
    let scalar_bytes_debug = format!("{:?}", &*hazmat::scalar_bytes(&key));
    for out in &outputs {
        let lower = out.to_lowercase();
        assert!(!lower.contains(&scalar_hex), "scalar hex leaked: {out}");
        assert!(
            !out.contains(&scalar_bytes_debug),
            "scalar bytes leaked: {out}"
        );
        assert!(!out.contains("wJalrXUtnFEMI"), "secret leaked: {out}");
    }
    assert!(
        outputs[0].contains(&key.public_key().x_hex()),
        "{}",
        outputs[0]
    );
}

fn engine_strategy() -> impl Strategy<Value = usize> {
    0..engines().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Random bytes as a signature never panic, and essentially never verify.
    #[test]
    fn random_signature_bytes_never_panic(
        idx in engine_strategy(),
        der in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        let key = key();
        let engine = &engines()[idx];
        let result = engine.verify(&key.public_key(), STS, &der);
        prop_assert!(result.is_err());
    }

    /// Random DER-shaped input (a SEQUENCE of two INTEGERs with random
    /// contents and lengths) exercises the parser past the first byte.
    #[test]
    fn random_der_shaped_signatures_never_panic(
        idx in engine_strategy(),
        r in proptest::collection::vec(any::<u8>(), 0..40),
        s in proptest::collection::vec(any::<u8>(), 0..40),
        fudge in -2i16..3,
    ) {
        let key = key();
        let mut der = vec![0x30, 0];
        der.extend_from_slice(&[0x02, u8::try_from(r.len()).unwrap_or(0)]);
        der.extend_from_slice(&r);
        der.extend_from_slice(&[0x02, u8::try_from(s.len()).unwrap_or(0)]);
        der.extend_from_slice(&s);
        let content = i16::try_from(der.len() - 2).unwrap_or(0) + fudge;
        der[1] = u8::try_from(content.clamp(0, 255)).unwrap_or(0);
        let engine = &engines()[idx];
        let _ = engine.verify(&key.public_key(), STS, &der);
    }

    /// Random strings through the crate-level hex entry point never panic.
    #[test]
    fn random_signature_strings_never_panic(hex in ".{0,160}") {
        let key = key();
        prop_assert!(verify(STS, &hex, &key.public_key()).is_err());
    }

    /// Sign/verify roundtrips for random messages on every engine.
    #[test]
    fn random_messages_roundtrip(msg in proptest::collection::vec(any::<u8>(), 0..200)) {
        let key = key();
        for engine in engines() {
            let sig = engine.sign(&key, &msg).expect("sign");
            prop_assert!(engine.verify(&key.public_key(), &msg, sig.as_bytes()).is_ok());
        }
    }
}

#[cfg(feature = "aws-lc")]
#[test]
fn aws_lc_engine_random_nonces_and_each_key_its_own_import() {
    use sigv4kit_ecdsa::AwsLcEngine;
    let key = key();
    let other = derive_signing_key("AKIDOTHER", b"secret").expect("derive");
    let engine = AwsLcEngine::new();
    let a = engine.sign(&key, STS).expect("sign");
    let b = engine.sign(&key, STS).expect("sign");
    assert_ne!(a, b, "AWS-LC uses random nonces");
    for sig in [a, b] {
        P256Engine::new()
            .verify(&key.public_key(), STS, sig.as_bytes())
            .expect("verifies under p256");
    }
    // Keys in turn: each signs with its own remembered import, never the
    // other key's.
    for _ in 0..2 {
        for (signing, other_key) in [(&other, &key), (&key, &other)] {
            let sig = engine.sign(signing, STS).expect("sign");
            engine
                .verify(&signing.public_key(), STS, sig.as_bytes())
                .expect("verifies under its own key");
            assert!(
                engine
                    .verify(&other_key.public_key(), STS, sig.as_bytes())
                    .is_err()
            );
        }
    }
    // A second engine finds the import the first one left in the key.
    let sig = AwsLcEngine::new().sign(&key, STS).expect("sign");
    engine
        .verify(&key.public_key(), STS, sig.as_bytes())
        .expect("verify");
}
