//! Verifying received requests: read the signature, look up the key, check.
//!
//! A server does not know in advance which algorithm a client used; the
//! request says so itself, in its `Authorization` header or its
//! `X-Amz-Algorithm`. [`RequestVerifier`] reads it, checks what needs no key
//! (size, scope, time, signed headers), asks a [`KeyProvider`] for the key of
//! the access key id, and hands the request to the SigV4 or the SigV4A
//! verifier. The key lookup is asynchronous, because a real key store is a
//! database or a secrets service; [`InMemoryKeyProvider`] serves tests and
//! small deployments.
//!
//! A SigV4A key may be only a public key: that is the point of SigV4A, a
//! verifier that cannot sign. A SigV4 key must be the secret.
//! See `docs/VERIFYING.md` for a server example.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use sigv4kit_canon::{Algorithm, Request, RequestSignature, StreamingPayload};
use sigv4kit_ecdsa::{EcdsaVerifier, P256Engine, PublicKey, SigningEngine};
use sigv4kit_hmac::HmacVerifier;
use sigv4kit_signer::verification::check_claims;
use sigv4kit_signer::{
    ChainVerifier, Credentials, FingerprintedSecret, SecretAccessKey, Verified, Verifier,
    VerifyError, VerifyPolicy,
};

/// What a key store holds for an access key id.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// The secret access key, with its fingerprint computed once: verifies
    /// SigV4 and SigV4A, and finds cached derived keys without hashing it.
    Secret(FingerprintedSecret),
    /// A SigV4A public key: verifies SigV4A only, and cannot sign.
    PublicKey(PublicKey),
}

impl From<SecretAccessKey> for VerifyingKey {
    fn from(secret: SecretAccessKey) -> Self {
        Self::Secret(secret.into())
    }
}

impl From<FingerprintedSecret> for VerifyingKey {
    fn from(secret: FingerprintedSecret) -> Self {
        Self::Secret(secret)
    }
}

impl From<PublicKey> for VerifyingKey {
    fn from(public_key: PublicKey) -> Self {
        Self::PublicKey(public_key)
    }
}

/// Why a key store could not answer. Not "no such key": that is `Ok(None)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLookupError {
    reason: String,
}

impl KeyLookupError {
    /// A failure described by `reason` (never put a secret in it).
    pub fn new(reason: impl fmt::Display) -> Self {
        Self {
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for KeyLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for KeyLookupError {}

/// Finds the key of an access key id. Asynchronous, so that an
/// implementation can query a database; the future must be `Send`, so that a
/// multi-threaded server can await it.
pub trait KeyProvider: Send + Sync {
    /// The key of `access_key_id`, `Ok(None)` if there is none.
    fn key(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<VerifyingKey>, KeyLookupError>> + Send;
}

impl<P: KeyProvider> KeyProvider for &P {
    fn key(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<VerifyingKey>, KeyLookupError>> + Send {
        (**self).key(access_key_id)
    }
}

impl<P: KeyProvider> KeyProvider for Arc<P> {
    fn key(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<VerifyingKey>, KeyLookupError>> + Send {
        (**self).key(access_key_id)
    }
}

/// Keys held in memory, by access key id.
#[derive(Clone, Debug, Default)]
pub struct InMemoryKeyProvider {
    keys: HashMap<String, VerifyingKey>,
}

impl InMemoryKeyProvider {
    /// An empty provider.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the key of `access_key_id`.
    pub fn insert(&mut self, access_key_id: impl Into<String>, key: impl Into<VerifyingKey>) {
        self.keys.insert(access_key_id.into(), key.into());
    }

    /// Adds the secret of `credentials`, under its access key id.
    pub fn insert_credentials(&mut self, credentials: &Credentials) {
        self.insert(
            credentials.access_key_id(),
            VerifyingKey::Secret(credentials.into()),
        );
    }

    /// This provider with the key of `access_key_id` added.
    pub fn with(mut self, access_key_id: impl Into<String>, key: impl Into<VerifyingKey>) -> Self {
        self.insert(access_key_id, key);
        self
    }

    /// Removes the key of `access_key_id`.
    pub fn remove(&mut self, access_key_id: &str) -> Option<VerifyingKey> {
        self.keys.remove(access_key_id)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl KeyProvider for InMemoryKeyProvider {
    fn key(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<VerifyingKey>, KeyLookupError>> + Send {
        std::future::ready(Ok(self.keys.get(access_key_id).cloned()))
    }
}

/// Verifies requests of either algorithm under one policy, keeping each
/// algorithm's key cache from one request to the next. Build one per server
/// and share it.
#[derive(Debug)]
pub struct RequestVerifier<E = P256Engine> {
    hmac: HmacVerifier,
    ecdsa: EcdsaVerifier<E>,
    policy: VerifyPolicy,
}

impl RequestVerifier<P256Engine> {
    /// A verifier for `policy`, with the pure-Rust SigV4A engine.
    pub fn new(policy: VerifyPolicy) -> Self {
        Self::with_engine(policy, P256Engine::new())
    }
}

impl<E: SigningEngine> RequestVerifier<E> {
    /// A verifier for `policy` with the SigV4A `engine`.
    pub fn with_engine(policy: VerifyPolicy, engine: E) -> Self {
        Self {
            hmac: HmacVerifier::new(),
            ecdsa: EcdsaVerifier::with_engine(engine),
            policy,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &VerifyPolicy {
        &self.policy
    }

    /// Verifies `request`: bounds it, reads its signature, checks what needs
    /// no key, awaits the key from `keys`, and checks the signature with the
    /// verifier of the algorithm the request names.
    pub async fn verify<P: KeyProvider + ?Sized>(
        &self,
        request: &Request<'_>,
        keys: &P,
    ) -> Result<Verified, VerifyError> {
        Ok(self.verify_keyed(request, keys, false).await?.verified)
    }

    /// Verifies the seed request of a stream as [`RequestVerifier::verify`]
    /// does, and when its payload is a signed `aws-chunked` literal
    /// (`STREAMING-AWS4-*-PAYLOAD[-TRAILER]`) also returns the checker of the
    /// chunk and trailer signatures that follow, bound to the key the seed
    /// was verified with. Feed it to a `sigv4kit::stream` verifier (or the
    /// `http_body` one of `integrations::http`).
    ///
    /// # Errors
    /// As [`RequestVerifier::verify`].
    pub async fn verify_seed<P: KeyProvider + ?Sized>(
        &self,
        request: &Request<'_>,
        keys: &P,
    ) -> Result<VerifiedSeed, VerifyError> {
        self.verify_keyed(request, keys, true).await
    }

    /// Verifies `request` with its key from `keys`, and with `with_chain`
    /// returns the chain checker a signed `aws-chunked` seed calls for,
    /// bound to the key resolved for the seed.
    async fn verify_keyed<P: KeyProvider + ?Sized>(
        &self,
        request: &Request<'_>,
        keys: &P,
        with_chain: bool,
    ) -> Result<VerifiedSeed, VerifyError> {
        self.policy.limits.check(request)?;
        let signature = RequestSignature::from_request(request)?;
        check_claims(signature.algorithm, request, &signature, &self.policy)?;
        let access_key_id = signature.credential.access_key_id();
        let key = keys
            .key(access_key_id)
            .await
            .map_err(|error| VerifyError::KeyUnavailable {
                reason: error.to_string(),
            })?
            .ok_or_else(|| VerifyError::UnknownAccessKey {
                access_key_id: access_key_id.to_owned(),
            })?;
        let checking = self.checking_key(signature.algorithm, access_key_id, &key)?;
        let verified = self.verify_checked(request, &signature, &checking)?;
        let signs_chunks = verified
            .payload
            .streaming()
            .and_then(StreamingPayload::chunk_algorithm)
            .is_some();
        let chain = if with_chain && signs_chunks {
            Some(self.chain_checked(&verified, &checking)?)
        } else {
            None
        };
        Ok(VerifiedSeed { verified, chain })
    }

    /// The checker of the chunk, trailer or event signatures that follow the
    /// seed `verified`, with the `key` it was verified with.
    ///
    /// # Errors
    /// [`VerifyError::WrongKeyType`] when `key` cannot check the seed's
    /// algorithm; key derivation failures.
    pub fn chain_verifier(
        &self,
        verified: &Verified,
        key: &VerifyingKey,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        let checking = self.checking_key(verified.algorithm, &verified.access_key_id, key)?;
        self.chain_checked(verified, &checking)
    }

    /// Checks `request`, whose signature was read with
    /// [`RequestSignature::from_request`], with `key`, synchronously.
    pub fn verify_with_key(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        key: &VerifyingKey,
    ) -> Result<Verified, VerifyError> {
        let access_key_id = signature.credential.access_key_id();
        let checking = self.checking_key(signature.algorithm, access_key_id, key)?;
        self.verify_checked(request, signature, &checking)
    }

    fn verify_checked(
        &self,
        request: &Request<'_>,
        signature: &RequestSignature<'_>,
        checking: &CheckingKey<'_>,
    ) -> Result<Verified, VerifyError> {
        match checking {
            CheckingKey::Secret(secret) => {
                self.hmac
                    .verify_parsed(request, signature, secret, &self.policy)
            }
            CheckingKey::Public(public_key) => {
                self.ecdsa
                    .verify_parsed(request, signature, public_key, &self.policy)
            }
        }
    }

    fn chain_checked(
        &self,
        verified: &Verified,
        checking: &CheckingKey<'_>,
    ) -> Result<Box<dyn ChainVerifier>, VerifyError> {
        match checking {
            CheckingKey::Secret(secret) => self.hmac.chain_verifier(verified, secret),
            CheckingKey::Public(public_key) => self.ecdsa.chain_verifier(verified, public_key),
        }
    }

    /// What checks a signature of `algorithm` by `access_key_id` held as
    /// `key`: the secret for SigV4; for SigV4A the public key, derived from
    /// a secret once and cached.
    fn checking_key<'k>(
        &self,
        algorithm: Algorithm,
        access_key_id: &str,
        key: &'k VerifyingKey,
    ) -> Result<CheckingKey<'k>, VerifyError> {
        match (algorithm, key) {
            (Algorithm::Sigv4, VerifyingKey::Secret(secret)) => Ok(CheckingKey::Secret(secret)),
            (Algorithm::Sigv4, VerifyingKey::PublicKey(_)) => Err(VerifyError::WrongKeyType {
                algorithm: Algorithm::Sigv4,
                reason: "SigV4 is checked with the secret access key; a public key verifies SigV4A only",
            }),
            (Algorithm::Sigv4a, VerifyingKey::PublicKey(public_key)) => {
                Ok(CheckingKey::Public(*public_key))
            }
            (Algorithm::Sigv4a, VerifyingKey::Secret(secret)) => self
                .ecdsa
                .public_key_for_secret(access_key_id, secret)
                .map(CheckingKey::Public)
                .map_err(|error| VerifyError::Crypto {
                    reason: error.to_string(),
                }),
        }
    }
}

/// A key as one algorithm's verifier takes it.
enum CheckingKey<'k> {
    Secret(&'k FingerprintedSecret),
    Public(PublicKey),
}

/// A verified seed request, and the checker of the chunk signatures that
/// follow it when it announced a signed `aws-chunked` body.
#[derive(Debug)]
pub struct VerifiedSeed {
    /// Who signed the seed, and what it covers.
    pub verified: Verified,
    /// The checker of the chunk and trailer signatures; `None` unless the
    /// payload is a signed `aws-chunked` literal.
    pub chain: Option<Box<dyn ChainVerifier>>,
}

/// Verifies `request` under `policy` with keys from `keys`: reads the
/// signature, awaits the key, and checks it with the algorithm the request
/// names. A server verifying many requests should keep a [`RequestVerifier`]
/// instead, whose key caches outlive one request.
pub async fn verify_request<P: KeyProvider + ?Sized>(
    request: &Request<'_>,
    keys: &P,
    policy: &VerifyPolicy,
) -> Result<Verified, VerifyError> {
    RequestVerifier::new(policy.clone())
        .verify(request, keys)
        .await
}

/// `docs/VERIFYING.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/VERIFYING.md")]
struct VerifyingGuide;
