//! The SigV4 `Verifier`.
//!
//! SigV4 is symmetric: the verifier derives the same signing key as the
//! signer, from the secret access key, and computes the same HMAC. The
//! comparison with the received signature runs in constant time (`subtle`),
//! so that the time it takes does not tell an attacker how many leading bytes
//! of a forged signature were right. Derived keys are cached as the signer
//! caches them, so a busy server derives one key per client, day, region and
//! service.
//!
//! The cache tells secrets apart by their SHA-256 fingerprint. A key store
//! that keeps [`FingerprintedSecret`]s computes it once per secret, and a
//! warm verification then hashes nothing but the request: the canonical
//! request, and the HMAC of the string to sign, exactly the work of a
//! signing. [`HmacVerifier::verify_parsed_with_secret`] takes a bare
//! [`SecretAccessKey`] instead, for a key store that holds only those, at the
//! price of one fingerprint per request.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

use hmac::Mac;
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{Algorithm, AuthorizationError, Request, RequestSignature, StringToSign};
pub use sigv4kit_signer::FingerprintedSecret;
use sigv4kit_signer::verification::verify_request;
use sigv4kit_signer::{
    ChainVerifier, SecretAccessKey, SecretFingerprint, SigningRegion, Verified, Verifier,
    VerifyError, VerifyPolicy,
};
use subtle::ConstantTimeEq;

use crate::MacSink;
use crate::cache::{KeyOwner, SigningKeyCache};
use crate::chain::HmacChainVerifier;

/// Whether `received` is `expected`, in a time that does not depend on
/// where they differ: the differences of the four words are gathered
/// without a branch, and `subtle` compares what they add up to with zero
/// behind its optimization barrier.
pub(crate) fn constant_time_equal(expected: &[u8; 32], received: &[u8]) -> bool {
    let Ok(received) = <&[u8; 32]>::try_from(received) else {
        return false;
    };
    let word = |bytes: &[u8; 32], index: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[8 * index..8 * index + 8]);
        u64::from_ne_bytes(word)
    };
    let difference = (0..4).fold(0, |difference, index| {
        difference | (word(expected, index) ^ word(received, index))
    });
    bool::from(difference.ct_eq(&0))
}

/// Verifies SigV4 signatures with the secret access key, caching derived keys.
#[derive(Debug, Default)]
pub struct HmacVerifier {
    keys: SigningKeyCache,
}

impl HmacVerifier {
    /// A verifier with a key cache of the default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// A verifier whose key cache holds at most `capacity` keys (0: no cache).
    pub fn with_cache_capacity(capacity: usize) -> Self {
        Self {
            keys: SigningKeyCache::new(capacity),
        }
    }

    /// The key cache, for statistics.
    pub fn key_cache(&self) -> &SigningKeyCache {
        &self.keys
    }

    /// [`Verifier::verify_parsed`] with a bare secret, fingerprinted for this
    /// one request. A server verifying many requests with the same secret
    /// should keep a [`FingerprintedSecret`] instead.
    pub fn verify_parsed_with_secret(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        secret: &SecretAccessKey,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        let fingerprint = SecretFingerprint::of(secret);
        policy.limits.check(request)?;
        self.verify_bounded(request, signature, secret, fingerprint.as_bytes(), policy)
    }

    /// The verification of a request already checked against the policy's
    /// limits.
    fn verify_bounded(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        secret: &SecretAccessKey,
        fingerprint: &[u8; 32],
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        verify_request(
            Algorithm::Sigv4,
            request,
            signature,
            policy,
            |string_to_sign| self.signature_matches(signature, secret, fingerprint, string_to_sign),
        )
    }

    /// Whether the received signature is the HMAC of `string_to_sign` under
    /// the key derived for the request's scope. The HMAC is compared where it
    /// is computed, rather than returned to be compared.
    fn signature_matches(
        &self,
        signature: &RequestSignature<'_>,
        secret: &SecretAccessKey,
        fingerprint: &[u8; 32],
        string_to_sign: &StringToSign<'_>,
    ) -> Result<bool, VerifyError> {
        let region =
            signature
                .credential
                .region()
                .ok_or(AuthorizationError::MalformedCredential {
                    reason: "a SigV4 credential is akid/date/region/service/aws4_request",
                })?;
        if secret.expose().is_empty() {
            return Err(VerifyError::WrongKeyType {
                algorithm: Algorithm::Sigv4,
                reason: "the secret access key is empty",
            });
        }
        let owner = KeyOwner {
            access_key_id: signature.credential.access_key_id(),
            secret,
            fingerprint,
        };
        let mut mac = self.keys.keyed_mac_for(
            owner,
            signature.date.date(),
            region,
            signature.credential.service(),
        );
        let mut sink = Buffered::<_, 256>::new(MacSink(&mut mac));
        string_to_sign.write(&mut sink);
        sink.finish();
        Ok(constant_time_equal(
            &mac.finalize().into_bytes().into(),
            signature.signature.as_bytes(),
        ))
    }
}

impl Verifier for HmacVerifier {
    type Key = FingerprintedSecret;

    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4
    }

    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &FingerprintedSecret,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        self.verify_bounded(
            request,
            signature,
            key.secret(),
            key.fingerprint().as_bytes(),
            policy,
        )
    }

    fn chain_verifier(
        &self,
        verified: &Verified,
        key: &FingerprintedSecret,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        let region = match (&verified.algorithm, &verified.region) {
            (Algorithm::Sigv4, SigningRegion::Region(region)) => region,
            (Algorithm::Sigv4a, _) => {
                return Err(VerifyError::WrongAlgorithm {
                    expected: Algorithm::Sigv4,
                    found: Algorithm::Sigv4a,
                });
            }
            (Algorithm::Sigv4, SigningRegion::RegionSet(_)) => {
                return Err(VerifyError::WrongKeyType {
                    algorithm: Algorithm::Sigv4,
                    reason: "a SigV4 chain is scoped to one region, not a region set",
                });
            }
        };
        let owner = KeyOwner {
            access_key_id: &verified.access_key_id,
            secret: key.secret(),
            fingerprint: key.fingerprint().as_bytes(),
        };
        Ok(Box::new(HmacChainVerifier::new(self.keys.keyed_mac_for(
            owner,
            verified.time.date(),
            region.as_str(),
            verified.service.as_str(),
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison_table() {
        let expected = [7u8; 32];
        assert!(constant_time_equal(&expected, &[7; 32]));
        for index in [0, 7, 8, 15, 16, 23, 24, 31] {
            let mut received = expected;
            received[index] ^= 1;
            assert!(!constant_time_equal(&expected, &received), "byte {index}");
        }
        assert!(!constant_time_equal(&expected, &[7; 31]));
        assert!(!constant_time_equal(&expected, &[7; 33]));
    }
}
