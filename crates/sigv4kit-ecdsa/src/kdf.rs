//! SigV4A private-key derivation from an AWS access key pair.
//!
//! SigV4A signs with ECDSA over P-256, but AWS credentials are an access key id
//! and a secret access key, not an EC key. Signer and service therefore derive
//! the same P-256 key from the credentials. AWS's rule (aws-c-auth
//! `source/key_derivation.c`, mirrored by the Go, Java and Kotlin SDKs and
//! IAM) is a **NIST SP 800-108 KDF in counter mode with HMAC-SHA256**, producing
//! a single 256-bit block. It is *not* HKDF, and no shortcut gives the same key
//! (a test in this crate pins that down).
//!
//! ```text
//! key         = "AWS4A" || secret_access_key
//! fixed input = 0x00000001                 (SP 800-108 block counter i = 1)
//!            || "AWS4-ECDSA-P256-SHA256"   (label)
//!            || 0x00                       (separator)
//!            || access_key_id              (context)
//!            || counter                    (one byte, 1, 2, ..., 254)
//!            || 0x00000100                 (L = 256 bits)
//! c           = HMAC-SHA256(key, fixed input), big-endian
//! if c <= n - 2: d = c + 1 (the private scalar, so 1 <= d <= n - 1)
//! else:          counter += 1 and try again (at most 254 tries)
//! ```
//!
//! # Side channels
//! The HMAC key, every candidate `c` and the scalar `d` are secret. They live
//! in [`Zeroizing`] buffers (or in HMAC state that is wiped on drop), and the
//! range check and `+ 1` are constant-time (`crypto-bigint` `U256` `ct_lt` and
//! `wrapping_add`; byte-slice equivalents are in [`crate::hazmat`]).
//!
//! The retry loop does branch on whether a candidate was accepted. That is
//! deliberate and matches the reference implementation: the number of HMAC
//! computations is observable anyway, a retry happens with probability about
//! 2^-32 per credential pair, and what it reveals (that one HMAC output fell in
//! the top `2^256 - n + 1` values) says nothing useful about the accepted
//! candidate, which is an independent HMAC output.

use hmac::{Hmac, KeyInit, Mac};
use p256::NonZeroScalar;
use p256::ecdsa::SigningKey as EcdsaSigningKey;
use sha2::Sha256;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::SigningKey;
use crate::bigint::candidate_to_scalar;

/// The SigV4A algorithm name; it is also the KDF label.
pub const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// Highest value of the one-byte retry counter (aws-c-auth's
/// `MAX_KEY_DERIVATION_COUNTER_VALUE`), so at most 254 candidates are tried.
pub const MAX_KDF_COUNTER: u8 = 254;

const KEY_PREFIX: &[u8] = b"AWS4A";
const BLOCK_COUNTER_ONE: [u8; 4] = 1u32.to_be_bytes();
const OUTPUT_BITS_256: [u8; 4] = 256u32.to_be_bytes();

/// Why key derivation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KdfError {
    /// Every candidate for counters 1 through 254 was out of range. With a real
    /// HMAC this has probability about 2^(-32*254); it exists so the loop is
    /// bounded, as in the reference implementation.
    #[error("SigV4A key derivation found no valid scalar in {attempts} attempts")]
    CounterExhausted {
        /// Number of candidates tried.
        attempts: u8,
    },
}

/// Derives the SigV4A signing key for an access key pair.
///
/// This is AWS's SigV4A key derivation: NIST SP 800-108 counter-mode KDF with
/// HMAC-SHA256 (not HKDF) keyed with `"AWS4A" || secret_access_key`, over the
/// fixed input `0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 ||
/// access_key_id || counter || 0x00000100`; the first output `c <= n - 2`
/// (counter 1, 2, ..., 254) gives the private scalar `d = c + 1`. The range
/// check and `+ 1` are constant-time and every intermediate is zeroized.
///
/// `secret_access_key` is taken as bytes so callers can keep it in their own
/// zeroizing storage; it is normally the ASCII secret as AWS issues it.
///
/// # Errors
/// [`KdfError::CounterExhausted`] if no candidate was in range (practically
/// impossible, see the error's docs).
pub fn derive_signing_key(
    access_key_id: &str,
    secret_access_key: &[u8],
) -> Result<SigningKey, KdfError> {
    derive_signing_key_with_counter(access_key_id, secret_access_key).map(|(key, _)| key)
}

/// [`derive_signing_key`], also returning the retry counter that produced the
/// key (1 for all but about one in 2^32 credential pairs).
pub(crate) fn derive_signing_key_with_counter(
    access_key_id: &str,
    secret_access_key: &[u8],
) -> Result<(SigningKey, u8), KdfError> {
    let mac = keyed_hmac(secret_access_key);
    select_scalar(|counter| candidate_with_mac(&mac, access_key_id, counter))
}

/// HMAC-SHA256 keyed with `"AWS4A" || secret`. The concatenated key is wiped
/// here; the keyed state is wiped when the `Hmac` is dropped (`zeroize`
/// feature of `hmac`/`sha2`).
fn keyed_hmac(secret_access_key: &[u8]) -> Hmac<Sha256> {
    let mut key = Zeroizing::new(Vec::with_capacity(
        KEY_PREFIX.len() + secret_access_key.len(),
    ));
    key.extend_from_slice(KEY_PREFIX);
    key.extend_from_slice(secret_access_key);
    // HMAC accepts keys of any length, so this cannot fail.
    match Hmac::<Sha256>::new_from_slice(&key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

/// One KDF output block for `counter`, from an already keyed HMAC.
fn candidate_with_mac(mac: &Hmac<Sha256>, access_key_id: &str, counter: u8) -> Zeroizing<[u8; 32]> {
    let mut mac = mac.clone();
    // The fixed input, fed piecewise; see `fixed_input` for the same bytes
    // in one buffer.
    mac.update(&BLOCK_COUNTER_ONE);
    mac.update(ALGORITHM.as_bytes());
    mac.update(&[0x00]);
    mac.update(access_key_id.as_bytes());
    mac.update(&[counter]);
    mac.update(&OUTPUT_BITS_256);
    let mut tag = mac.finalize().into_bytes();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&tag);
    zeroize::Zeroize::zeroize(tag.as_mut_slice());
    out
}

/// The KDF candidate `HMAC-SHA256("AWS4A" || secret, fixed_input(akid, counter))`.
pub(crate) fn candidate(
    access_key_id: &str,
    secret_access_key: &[u8],
    counter: u8,
) -> Zeroizing<[u8; 32]> {
    candidate_with_mac(&keyed_hmac(secret_access_key), access_key_id, counter)
}

/// The SP 800-108 fixed input for `counter`, as one buffer.
pub(crate) fn fixed_input(access_key_id: &str, counter: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + ALGORITHM.len() + 1 + access_key_id.len() + 1 + 4);
    out.extend_from_slice(&BLOCK_COUNTER_ONE);
    out.extend_from_slice(ALGORITHM.as_bytes());
    out.push(0x00);
    out.extend_from_slice(access_key_id.as_bytes());
    out.push(counter);
    out.extend_from_slice(&OUTPUT_BITS_256);
    out
}

/// The retry loop, separated from the HMAC so it can be tested with any
/// candidate generator: calls `next_candidate(counter)` for counters 1..=254
/// and turns the first in-range candidate `c` into the key with scalar `c + 1`.
pub(crate) fn select_scalar<F>(mut next_candidate: F) -> Result<(SigningKey, u8), KdfError>
where
    F: FnMut(u8) -> Zeroizing<[u8; 32]>,
{
    for counter in 1..=MAX_KDF_COUNTER {
        let c = next_candidate(counter);
        if let Some(d) = candidate_to_scalar(&c) {
            // 1 <= d <= n - 1, so this is always `Some`; `from_uint` checks the
            // range again in constant time.
            let scalar = Option::<NonZeroScalar>::from(NonZeroScalar::from_uint(*d));
            if let Some(scalar) = scalar {
                return Ok((
                    SigningKey::from_ecdsa(EcdsaSigningKey::from(scalar)),
                    counter,
                ));
            }
        }
    }
    Err(KdfError::CounterExhausted {
        attempts: MAX_KDF_COUNTER,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigint::P256_ORDER_MINUS_ONE;
    use crypto_bigint::U256;

    #[test]
    fn exhausts_after_254_rejected_candidates() {
        let mut seen = Vec::new();
        let result = select_scalar(|counter| {
            seen.push(counter);
            Zeroizing::new([0xff; 32])
        });
        assert_eq!(
            result.map(|(_, counter)| counter),
            Err(KdfError::CounterExhausted { attempts: 254 })
        );
        assert_eq!(seen, (1..=254).collect::<Vec<u8>>());
    }

    #[test]
    fn retries_with_counter_two_after_n_minus_one() {
        let n_minus_one: [u8; 32] = P256_ORDER_MINUS_ONE.to_be_bytes().into();
        let mut small = [0u8; 32];
        small[31] = 41;
        let (key, counter) = select_scalar(|counter| match counter {
            1 => Zeroizing::new(n_minus_one),
            _ => Zeroizing::new(small),
        })
        .expect("second candidate is in range");
        assert_eq!(counter, 2);
        let mut expected = [0u8; 32];
        expected[31] = 42;
        assert_eq!(*key.scalar_bytes(), expected);
    }

    #[test]
    fn largest_candidate_gives_scalar_n_minus_one() {
        let n_minus_two: [u8; 32] = P256_ORDER_MINUS_ONE
            .wrapping_sub(&U256::ONE)
            .to_be_bytes()
            .into();
        let (key, counter) = select_scalar(|_| Zeroizing::new(n_minus_two)).expect("in range");
        assert_eq!(counter, 1);
        let expected: [u8; 32] = P256_ORDER_MINUS_ONE.to_be_bytes().into();
        assert_eq!(*key.scalar_bytes(), expected);
    }

    #[test]
    fn piecewise_hmac_equals_fixed_input_hmac() {
        let secret = b"q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom";
        for counter in [1u8, 2, 254] {
            let mut mac = Hmac::<Sha256>::new_from_slice(&[b"AWS4A".as_slice(), secret].concat())
                .expect("any key length");
            mac.update(&fixed_input("AKISORANDOMAASORANDOM", counter));
            let expected: [u8; 32] = mac.finalize().into_bytes().into();
            assert_eq!(
                *candidate("AKISORANDOMAASORANDOM", secret, counter),
                expected
            );
        }
    }

    #[test]
    fn fixed_input_layout() {
        let fi = fixed_input("AK", 7);
        let mut expected = vec![0, 0, 0, 1];
        expected.extend_from_slice(b"AWS4-ECDSA-P256-SHA256");
        expected.extend_from_slice(&[0, b'A', b'K', 7, 0, 0, 1, 0]);
        assert_eq!(fi, expected);
    }
}
