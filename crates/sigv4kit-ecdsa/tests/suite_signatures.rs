//! The signing suite's sample SigV4A signatures verify with the key derived
//! from each case's credentials, and stop verifying when any single byte of
//! the string to sign changes. SigV4A signatures use random nonces, so the
//! samples can only be checked by verification, never by equality.

mod common;

use std::path::Path;

use sigv4kit_ecdsa::{DerSignature, SigningEngine, VerifyError, verify};

/// Checks `<mode>-string-to-sign.txt` / `<mode>-signature.txt` of one case;
/// returns the number of signatures checked (0 if the files are absent).
fn check_mode(case: &Path, mode: &str, engines: &[Box<dyn SigningEngine>]) -> usize {
    let sts_path = case.join(format!("{mode}-string-to-sign.txt"));
    let sig_path = case.join(format!("{mode}-signature.txt"));
    if !sts_path.exists() || !sig_path.exists() {
        return 0; // nothing to compare
    }
    let sts = std::fs::read(&sts_path).expect("read string to sign");
    let sig_hex = std::fs::read_to_string(&sig_path).expect("read signature");
    let public = common::case_key(case).public_key();
    let what = format!("{} {mode}", case.display());

    verify(&sts, &sig_hex, &public)
        .unwrap_or_else(|e| panic!("{what}: sample does not verify: {e}"));
    let der = DerSignature::from_hex(&sig_hex).expect("sample is strict DER");
    for engine in engines {
        engine
            .verify(&public, &sts, der.as_bytes())
            .unwrap_or_else(|e| panic!("{what}: {} engine rejects sample: {e}", engine.name()));
    }

    // Any single-byte change of the string to sign must break it.
    let mut tampered = sts.clone();
    for i in 0..tampered.len() {
        tampered[i] ^= 0x01;
        assert_eq!(
            verify(&tampered, &sig_hex, &public),
            Err(VerifyError::Invalid),
            "{what}: still verifies with byte {i} flipped"
        );
        tampered[i] ^= 0x01;
    }
    1
}

/// Runs `check_mode` for every case folder, spread over the available cores
/// (each tampered byte costs a full ECDSA verification, which is slow in
/// unoptimized test builds).
fn check_all(mode: &str) {
    let test = format!("suite_{mode}_sample_signatures");
    let Some(v4a) = common::suite_v4a_dir(&test) else {
        return;
    };
    let cases = common::suite_cases(&v4a);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = cases.len().div_ceil(workers);
    let checked: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|cases| {
                scope.spawn(move || {
                    let engines = common::engines();
                    cases
                        .iter()
                        .map(|case| check_mode(case, mode, &engines))
                        .sum::<usize>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    });
    eprintln!(
        "{test}: {checked} sample signatures verified across {} case folders",
        cases.len()
    );
    assert!(checked > 0, "no {mode} sample signatures found");
}

#[test]
fn suite_header_sample_signatures_verify_and_tampering_breaks_them() {
    check_all("header");
}

#[test]
fn suite_query_sample_signatures_verify_and_tampering_breaks_them() {
    check_all("query");
}
