//! The SigV4 `Verifier`.
//!
//! SigV4 is symmetric: the verifier derives the same signing key as the
//! signer, from the secret access key, and computes the same HMAC. The
//! comparison with the received signature runs in constant time (`subtle`),
//! so that the time it takes does not tell an attacker how many leading bytes
//! of a forged signature were right. Derived keys are cached as the signer
//! caches them, so a busy server derives one key per client, day, region and
//! service.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

use hmac::Mac;
use sigv4kit_canon::sink::Buffered;
use sigv4kit_canon::{Algorithm, AuthorizationError, Request, RequestSignature};
use sigv4kit_signer::verification::verify_request;
use sigv4kit_signer::{
    Credentials, SecretAccessKey, Verified, Verifier, VerifyError, VerifyPolicy,
};
use subtle::ConstantTimeEq;

use crate::MacSink;
use crate::cache::SigningKeyCache;

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
}

impl Verifier for HmacVerifier {
    type Key = SecretAccessKey;

    fn algorithm(&self) -> Algorithm {
        Algorithm::Sigv4
    }

    fn verify_parsed(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature,
        key: &SecretAccessKey,
        policy: &VerifyPolicy,
    ) -> Result<Verified, VerifyError> {
        verify_request(
            Algorithm::Sigv4,
            request,
            signature,
            policy,
            |string_to_sign| {
                let region = signature.credential.region.as_ref().ok_or(
                    AuthorizationError::MalformedCredential {
                        reason: "a SigV4 credential is akid/date/region/service/aws4_request",
                    },
                )?;
                let credentials =
                    Credentials::new(&*signature.credential.access_key_id, key.expose(), None)
                        .map_err(|_| VerifyError::WrongKeyType {
                            algorithm: Algorithm::Sigv4,
                            reason: "the secret access key is empty",
                        })?;
                let mut mac = self.keys.keyed_mac(
                    &credentials,
                    signature.date.date(),
                    region,
                    &signature.credential.service,
                );
                let mut sink = Buffered::<_, 256>::new(MacSink(&mut mac));
                string_to_sign.write(&mut sink);
                sink.finish();
                let expected = mac.finalize().into_bytes();
                Ok(bool::from(
                    expected.as_slice().ct_eq(signature.signature.as_bytes()),
                ))
            },
        )
    }
}
