//! Low-level pieces of the SigV4A key derivation and key handling.
//!
//! **Sharp.** Everything here either exposes secret material (the private
//! scalar, raw KDF candidates) or skips a check that the normal API makes
//! (importing a scalar that was not derived from credentials, running the KDF
//! retry loop on arbitrary candidates). Misuse leaks keys or produces keys
//! that no AWS service will accept. They exist for interoperability testing,
//! known-answer tests and other SigV4A implementations to compare against;
//! signers should use [`crate::derive_signing_key`] / [`crate::KeyCache`] and
//! an engine.

use zeroize::Zeroizing;

use crate::SigningKey;
use crate::kdf::{self, KdfError};

pub use crate::kdf::MAX_KDF_COUNTER;

pub use crate::bigint::{LengthMismatch, be_add_one_ct, be_compare_ct};

/// Why a raw scalar could not become a [`SigningKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("scalar is zero or not below the P-256 group order")]
pub struct InvalidScalar;

/// The private scalar `d` of `key`, 32 bytes big-endian, wiped when dropped.
///
/// Sharp: this is the private key. Do not log, store or send it.
#[must_use]
pub fn scalar_bytes(key: &SigningKey) -> Zeroizing<[u8; 32]> {
    key.scalar_bytes()
}

/// Builds a signing key from a raw scalar (32 bytes big-endian, `1..n-1`).
///
/// Sharp: SigV4A keys are *derived* from credentials; a key built from any
/// other scalar is not a SigV4A key for any access key pair.
///
/// # Errors
/// [`InvalidScalar`] if the scalar is zero or `>= n`.
pub fn signing_key_from_scalar(scalar: &[u8; 32]) -> Result<SigningKey, InvalidScalar> {
    p256::ecdsa::SigningKey::from_slice(scalar)
        .map(SigningKey::from_ecdsa)
        .map_err(|_| InvalidScalar)
}

/// The SP 800-108 fixed input for an access key id and retry counter:
/// `0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || access_key_id || counter || 0x00000100`.
///
/// Not secret, but only meaningful to someone re-implementing the KDF.
#[must_use]
pub fn kdf_fixed_input(access_key_id: &str, counter: u8) -> Vec<u8> {
    kdf::fixed_input(access_key_id, counter)
}

/// One raw KDF candidate: `HMAC-SHA256("AWS4A" || secret, kdf_fixed_input(..))`.
///
/// Sharp: the accepted candidate is the private scalar minus one.
#[must_use]
pub fn kdf_candidate(
    access_key_id: &str,
    secret_access_key: &[u8],
    counter: u8,
) -> Zeroizing<[u8; 32]> {
    kdf::candidate(access_key_id, secret_access_key, counter)
}

/// The KDF's retry loop on caller-supplied candidates: calls
/// `next_candidate(counter)` for counters 1 through
/// [`MAX_KDF_COUNTER`] and returns the key with scalar `c + 1` for the
/// first candidate `c <= n - 2`, together with the counter that produced it.
///
/// Sharp: with anything but [`kdf_candidate`] as the generator the result is
/// not a SigV4A key.
///
/// # Errors
/// [`KdfError::CounterExhausted`] if all 254 candidates were out of range.
pub fn kdf_select_scalar<F>(next_candidate: F) -> Result<(SigningKey, u8), KdfError>
where
    F: FnMut(u8) -> Zeroizing<[u8; 32]>,
{
    kdf::select_scalar(next_candidate)
}

/// [`crate::derive_signing_key`], also returning the retry counter used
/// (1 for all but about one credential pair in 2^32).
///
/// # Errors
/// As [`crate::derive_signing_key`].
pub fn derive_signing_key_with_counter(
    access_key_id: &str,
    secret_access_key: &[u8],
) -> Result<(SigningKey, u8), KdfError> {
    kdf::derive_signing_key_with_counter(access_key_id, secret_access_key)
}
