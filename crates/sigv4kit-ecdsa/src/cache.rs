//! A bounded cache of derived SigV4A signing keys.
//!
//! Deriving a SigV4A key costs an HMAC and a P-256 scalar multiplication,
//! and a signer uses the same credentials for many requests, so the derived
//! key is worth keeping. The cache must not become a second store of secrets,
//! though:
//!
//! * It is keyed by the access key id and the secret's SHA-256 fingerprint
//!   ([`Credentials::secret_fingerprint`], computed once when the credentials
//!   are built), never by the secret itself. A rotated secret gives a
//!   different fingerprint, so a stale key is never returned for new
//!   credentials, and the new key replaces the old one: the cache holds at
//!   most one key per access key id, so a lookup is a map probe by the
//!   borrowed access key id, which neither hashes the secret nor allocates.
//! * It is bounded (least-recently-used eviction), and keys are
//!   [`SigningKey`]s, which zeroize their scalar when the last `Arc` to them
//!   is dropped, so an evicted key is wiped as soon as no caller holds it.

use core::fmt;
use core::num::NonZeroUsize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sigv4kit_signer::{Credentials, FingerprintedSecret, SecretFingerprint};

use crate::SigningKey;
use crate::kdf::{KdfError, derive_signing_key};

/// A snapshot of a [`KeyCache`]'s counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to derive a key.
    pub misses: u64,
    /// Keys dropped to make room, or replaced after a secret rotation.
    pub evictions: u64,
    /// Keys currently cached.
    pub len: usize,
    /// Maximum number of keys.
    pub capacity: usize,
}

struct Entry {
    /// The fingerprint of the secret `key` was derived from.
    fingerprint: [u8; 32],
    key: Arc<SigningKey>,
    last_used: u64,
}

#[derive(Default)]
struct State {
    /// By access key id: one key each, the latest secret's.
    entries: HashMap<Box<str>, Entry>,
    clock: u64,
    hits: u64,
    misses: u64,
    evictions: u64,
}

/// Thread-safe, bounded, least-recently-used cache of derived signing keys.
pub struct KeyCache {
    capacity: NonZeroUsize,
    state: Mutex<State>,
}

impl KeyCache {
    /// Capacity of [`KeyCache::new`].
    pub const DEFAULT_CAPACITY: NonZeroUsize = match NonZeroUsize::new(64) {
        Some(n) => n,
        None => unreachable!(),
    };

    /// A cache holding up to [`KeyCache::DEFAULT_CAPACITY`] keys.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A cache holding up to `capacity` keys.
    #[must_use]
    pub fn with_capacity(capacity: NonZeroUsize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// Returns the signing key for `credentials`, deriving and caching it on
    /// a miss, with the fingerprint the credentials computed once: a hit
    /// neither hashes nor allocates. Derivation runs without holding the
    /// lock.
    ///
    /// # Errors
    /// As [`derive_signing_key`].
    pub fn get_or_derive_for(
        &self,
        credentials: &Credentials,
    ) -> Result<Arc<SigningKey>, KdfError> {
        self.lookup(
            credentials.access_key_id(),
            credentials.secret_fingerprint().as_bytes(),
            credentials.secret().expose().as_bytes(),
        )
    }

    /// Returns the signing key for an access key id and a secret held with
    /// its fingerprint (a verifier's key store): like
    /// [`Self::get_or_derive_for`], a hit neither hashes nor allocates.
    ///
    /// # Errors
    /// As [`derive_signing_key`].
    pub fn get_or_derive_fingerprinted(
        &self,
        access_key_id: &str,
        secret: &FingerprintedSecret,
    ) -> Result<Arc<SigningKey>, KdfError> {
        self.lookup(
            access_key_id,
            secret.fingerprint().as_bytes(),
            secret.secret().expose().as_bytes(),
        )
    }

    /// Returns the signing key for an access key id and a bare secret, which
    /// is fingerprinted for this call; [`Self::get_or_derive_for`] spares
    /// that when the secret is held in [`Credentials`].
    ///
    /// # Errors
    /// As [`derive_signing_key`].
    pub fn get_or_derive(
        &self,
        access_key_id: &str,
        secret_access_key: &[u8],
    ) -> Result<Arc<SigningKey>, KdfError> {
        let fingerprint = SecretFingerprint::of_bytes(secret_access_key);
        self.lookup(access_key_id, fingerprint.as_bytes(), secret_access_key)
    }

    /// `fingerprint` must be the SHA-256 of `secret_access_key`; both public
    /// entries guarantee it.
    fn lookup(
        &self,
        access_key_id: &str,
        fingerprint: &[u8; 32],
        secret_access_key: &[u8],
    ) -> Result<Arc<SigningKey>, KdfError> {
        if let Some(key) = self.find(access_key_id, fingerprint) {
            return Ok(key);
        }

        let key = Arc::new(derive_signing_key(access_key_id, secret_access_key)?);

        let mut state = self.lock();
        state.clock += 1;
        let now = state.clock;
        match state.entries.get_mut(access_key_id) {
            Some(entry) if entry.fingerprint == *fingerprint => {
                // Another thread derived the same key meanwhile; share its copy.
                entry.last_used = now;
                return Ok(Arc::clone(&entry.key));
            }
            Some(entry) => {
                // Secret rotation: the key of the old secret is dead; replace
                // it now instead of waiting for LRU.
                *entry = Entry {
                    fingerprint: *fingerprint,
                    key: Arc::clone(&key),
                    last_used: now,
                };
                state.evictions += 1;
                return Ok(key);
            }
            None => {}
        }
        while state.entries.len() >= self.capacity.get() {
            evict_lru(&mut state);
        }
        state.entries.insert(
            access_key_id.into(),
            Entry {
                fingerprint: *fingerprint,
                key: Arc::clone(&key),
                last_used: now,
            },
        );
        Ok(key)
    }

    /// The cached key of `access_key_id` if it was derived from the secret
    /// with `fingerprint`, marked as just used; counts the hit or the miss.
    fn find(&self, access_key_id: &str, fingerprint: &[u8; 32]) -> Option<Arc<SigningKey>> {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.clock += 1;
        let found = state
            .entries
            .get_mut(access_key_id)
            .filter(|entry| entry.fingerprint == *fingerprint);
        match found {
            Some(entry) => {
                entry.last_used = state.clock;
                state.hits += 1;
                Some(Arc::clone(&entry.key))
            }
            None => {
                state.misses += 1;
                None
            }
        }
    }

    /// Current counters.
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        let state = self.lock();
        CacheStats {
            hits: state.hits,
            misses: state.misses,
            evictions: state.evictions,
            len: state.entries.len(),
            capacity: self.capacity.get(),
        }
    }

    /// Number of cached keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache holds no keys.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maximum number of keys.
    #[must_use]
    pub fn capacity(&self) -> NonZeroUsize {
        self.capacity
    }

    /// Drops every cached key (counters are kept).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every await-free step, so a panic in
        // another thread while holding the lock leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn evict_lru(state: &mut State) {
    let oldest = state
        .entries
        .iter()
        .min_by_key(|(_, e)| e.last_used)
        .map(|(k, _)| k.clone());
    if let Some(k) = oldest {
        // Dropping the `Arc` here zeroizes the key unless a caller still
        // holds a clone; then it is wiped when the caller drops it.
        state.entries.remove(&k);
        state.evictions += 1;
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for KeyCache {
    /// Counters only: no access key ids, digests or keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.stats();
        f.debug_struct("KeyCache")
            .field("len", &s.len)
            .field("capacity", &s.capacity)
            .field("hits", &s.hits)
            .field("misses", &s.misses)
            .field("evictions", &s.evictions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Weak;

    const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn cap(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).expect("non-zero")
    }

    #[test]
    fn hit_and_miss() {
        let cache = KeyCache::new();
        let a = cache.get_or_derive("AKIDEXAMPLE", SECRET).expect("derive");
        let b = cache.get_or_derive("AKIDEXAMPLE", SECRET).expect("derive");
        assert!(Arc::ptr_eq(&a, &b));
        let s = cache.stats();
        assert_eq!((s.hits, s.misses, s.len, s.capacity), (1, 1, 1, 64));
        let other = cache.get_or_derive("AKIDOTHER", SECRET).expect("derive");
        assert_ne!(other.public_key(), a.public_key());
        assert_eq!(cache.stats().misses, 2);
    }

    #[test]
    fn evicts_least_recently_used_at_capacity() {
        let cache = KeyCache::with_capacity(cap(2));
        let k1 = cache.get_or_derive("AK1", SECRET).expect("derive");
        let _k2 = cache.get_or_derive("AK2", SECRET).expect("derive");
        // Touch AK1 so AK2 is the least recently used.
        let again = cache.get_or_derive("AK1", SECRET).expect("derive");
        assert!(Arc::ptr_eq(&k1, &again));
        let _k3 = cache.get_or_derive("AK3", SECRET).expect("derive");
        let s = cache.stats();
        assert_eq!((s.len, s.evictions, s.hits, s.misses), (2, 1, 1, 3));
        // AK1 is still cached, AK2 is gone.
        cache.get_or_derive("AK1", SECRET).expect("derive");
        assert_eq!(cache.stats().hits, 2);
        cache.get_or_derive("AK2", SECRET).expect("derive");
        assert_eq!(cache.stats().misses, 4);
    }

    #[test]
    fn evicted_key_is_dropped_and_therefore_zeroized() {
        // SigningKey is ZeroizeOnDrop; what we can observe without unsafe code
        // is that the cache really lets go of evicted keys, so the zeroizing
        // Drop runs as soon as the last user drops theirs.
        fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        assert_zeroize_on_drop::<SigningKey>();

        let cache = KeyCache::with_capacity(cap(1));
        let weak: Weak<SigningKey> = {
            let k1 = cache.get_or_derive("AK1", SECRET).expect("derive");
            Arc::downgrade(&k1)
        };
        assert!(weak.upgrade().is_some(), "cached key is alive");
        let held = cache.get_or_derive("AK1", SECRET).expect("derive");
        cache.get_or_derive("AK2", SECRET).expect("derive");
        // Evicted, but a caller still holds it: still alive.
        assert!(weak.upgrade().is_some());
        drop(held);
        assert!(weak.upgrade().is_none(), "evicted key was dropped");
    }

    #[test]
    fn secret_rotation_gives_new_key_and_drops_old() {
        let cache = KeyCache::new();
        let old = cache
            .get_or_derive("AKIDEXAMPLE", b"old-secret")
            .expect("derive");
        let weak_old = Arc::downgrade(&old);
        drop(old);
        let new = cache
            .get_or_derive("AKIDEXAMPLE", b"new-secret")
            .expect("derive");
        assert_eq!(cache.stats().misses, 2, "rotation is a miss, not a hit");
        assert_eq!(cache.len(), 1, "the old entry was replaced");
        assert!(weak_old.upgrade().is_none(), "old key dropped");
        assert_eq!(
            new.public_key(),
            derive_signing_key("AKIDEXAMPLE", b"new-secret")
                .expect("derive")
                .public_key()
        );
        // Going back to the old secret derives again rather than reusing.
        cache
            .get_or_derive("AKIDEXAMPLE", b"old-secret")
            .expect("derive");
        assert_eq!(cache.stats().misses, 3);
    }

    #[test]
    fn concurrent_use() {
        let cache = Arc::new(KeyCache::with_capacity(cap(4)));
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || {
                    for j in 0..8 {
                        let akid = format!("AK{}", (i + j) % 6);
                        cache.get_or_derive(&akid, SECRET).expect("derive");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let s = cache.stats();
        assert_eq!(s.hits + s.misses, 32);
        assert!(s.len <= 4);
    }

    #[test]
    fn credentials_and_a_bare_secret_share_one_entry() {
        let cache = KeyCache::new();
        let credentials =
            Credentials::new("AKIDEXAMPLE", std::str::from_utf8(SECRET).unwrap(), None).unwrap();
        let from_credentials = cache.get_or_derive_for(&credentials).expect("derive");
        let from_secret = cache.get_or_derive("AKIDEXAMPLE", SECRET).expect("derive");
        assert!(Arc::ptr_eq(&from_credentials, &from_secret));
        let s = cache.stats();
        assert_eq!((s.hits, s.misses, s.len), (1, 1, 1));
    }

    #[test]
    fn debug_shows_counters_only() {
        let cache = KeyCache::new();
        cache.get_or_derive("AKIDEXAMPLE", SECRET).expect("derive");
        let dbg = format!("{cache:?}");
        assert!(!dbg.contains("AKIDEXAMPLE"));
        assert!(dbg.contains("hits"));
    }
}
