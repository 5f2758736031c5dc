//! SigV4A signatures as they arrive from outside: arbitrary bytes as DER
//! (`DerSignature::from_der`), as hex (`DerSignature::from_hex`) and through
//! `verify`. Nothing panics; strict DER accepts exactly what the `p256`
//! crate's DER parser accepts and re-encodes to the same bytes; junk never
//! verifies.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sigv4kit_ecdsa::{DerSignature, PublicKey, derive_signing_key, verify};

static PUBLIC_KEY: LazyLock<PublicKey> = LazyLock::new(|| {
    derive_signing_key("AKIDEXAMPLE", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .expect("the key derives")
        .public_key()
});

fuzz_target!(|data: &[u8]| {
    let ours = DerSignature::from_der(data);
    let reference = p256::ecdsa::Signature::from_der(data);
    assert_eq!(
        ours.is_ok(),
        reference.is_ok(),
        "from_der and p256 disagree on {data:02x?}: {ours:?}"
    );
    if let (Ok(signature), Ok(reference)) = (ours, reference) {
        assert_eq!(signature.as_bytes(), data, "DER re-encoding round-trips");
        assert_eq!(
            reference.to_der().as_bytes(),
            data,
            "p256 re-encodes the same DER"
        );
        let hex = signature.to_hex();
        assert_eq!(DerSignature::from_hex(&hex), Ok(signature));
        assert_eq!(
            DerSignature::from_hex(&hex.to_ascii_uppercase()),
            Ok(signature)
        );
        assert!(verify(b"msg", &hex, &PUBLIC_KEY).is_err(), "junk verifies");
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(signature) = DerSignature::from_hex(&text) {
        assert_eq!(
            signature.to_hex(),
            text.to_ascii_lowercase(),
            "hex round-trips"
        );
    }
    assert!(verify(b"msg", &text, &PUBLIC_KEY).is_err(), "junk verifies");
});
