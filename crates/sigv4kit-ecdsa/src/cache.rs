//! A bounded cache of derived SigV4A signing keys.
//!
//! Deriving a SigV4A key costs an HMAC and a P-256 scalar multiplication,
//! and a signer uses the same credentials for many requests, so the derived
//! key is worth keeping. The cache must not become a second store of secrets,
//! though:
//!
//! * It is keyed by the access key id and a SHA-256 digest of the secret
//!   (domain-separated), never by the secret itself. A rotated secret gives a
//!   different digest, so a stale key is never returned for new credentials,
//!   and inserting the new key drops any older key for the same access key id.
//! * It is bounded (least-recently-used eviction), and keys are
//!   [`SigningKey`]s, which zeroize their scalar when the last `Arc` to them
//!   is dropped, so an evicted key is wiped as soon as no caller holds it.

use core::fmt;
use core::num::NonZeroUsize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sha2::{Digest, Sha256};

use crate::SigningKey;
use crate::kdf::{KdfError, derive_signing_key};

const DIGEST_DOMAIN: &[u8] = b"sigv4kit-ecdsa/key-cache/v1\0";

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

#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    access_key_id: Box<str>,
    secret_digest: [u8; 32],
}

struct Entry {
    key: Arc<SigningKey>,
    last_used: u64,
}

#[derive(Default)]
struct State {
    entries: HashMap<CacheKey, Entry>,
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

    /// Returns the signing key for these credentials, deriving and caching it
    /// on a miss. Derivation runs without holding the lock.
    ///
    /// # Errors
    /// As [`derive_signing_key`].
    pub fn get_or_derive(
        &self,
        access_key_id: &str,
        secret_access_key: &[u8],
    ) -> Result<Arc<SigningKey>, KdfError> {
        let id = CacheKey {
            access_key_id: access_key_id.into(),
            secret_digest: secret_digest(secret_access_key),
        };
        {
            let mut state = self.lock();
            state.clock += 1;
            let now = state.clock;
            if let Some(entry) = state.entries.get_mut(&id) {
                entry.last_used = now;
                let key = Arc::clone(&entry.key);
                state.hits += 1;
                return Ok(key);
            }
            state.misses += 1;
        }

        let key = Arc::new(derive_signing_key(access_key_id, secret_access_key)?);

        let mut state = self.lock();
        state.clock += 1;
        let now = state.clock;
        if let Some(entry) = state.entries.get_mut(&id) {
            // Another thread derived the same key meanwhile; share its copy.
            entry.last_used = now;
            return Ok(Arc::clone(&entry.key));
        }
        // Secret rotation: keys for the same access key id and another
        // secret are dead; drop them now instead of waiting for LRU.
        let before = state.entries.len();
        state
            .entries
            .retain(|k, _| *k.access_key_id != *access_key_id);
        let rotated = before - state.entries.len();
        state.evictions += rotated as u64;
        while state.entries.len() >= self.capacity.get() {
            evict_lru(&mut state);
        }
        state.entries.insert(
            id,
            Entry {
                key: Arc::clone(&key),
                last_used: now,
            },
        );
        Ok(key)
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

fn secret_digest(secret_access_key: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DIGEST_DOMAIN);
    h.update(secret_access_key);
    h.finalize().into()
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
    fn debug_shows_counters_only() {
        let cache = KeyCache::new();
        cache.get_or_derive("AKIDEXAMPLE", SECRET).expect("derive");
        let dbg = format!("{cache:?}");
        assert!(!dbg.contains("AKIDEXAMPLE"));
        assert!(dbg.contains("hits"));
    }
}
