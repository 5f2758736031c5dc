//! A bounded cache of derived SigV4 signing keys.
//!
//! A signing key depends on the credentials, the day, the region and the
//! service, so a busy client derives the same key over and over: four HMACs
//! per request. The cache keeps each derived key with its HMAC state, so a
//! warm signing starts from the keyed state.
//!
//! The cache key is the access key id, the SHA-256 fingerprint of the secret
//! (never the secret), the date, the region and the service: a rotated secret
//! has a new fingerprint and never meets its predecessor's key. The
//! fingerprint is computed once, where the secret is held
//! ([`Credentials`], or the verifier's [`FingerprintedSecret`]), never per
//! lookup, and a hit compares borrowed text only: it neither hashes nor
//! allocates. The cache is bounded; the least recently used entry is
//! evicted, and its key zeroized.
//!
//! [`FingerprintedSecret`]: crate::verify::FingerprintedSecret

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sigv4kit_canon::{Region, Service};
use sigv4kit_signer::{Credentials, SecretAccessKey};

use crate::kdf::SigningKey;

/// The default number of signing keys kept.
pub const DEFAULT_CAPACITY: usize = 64;

struct Entry {
    fingerprint: [u8; 32],
    date: [u8; 8],
    access_key_id: Box<str>,
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
    last_used: u64,
}

/// Whose key a lookup wants: the access key id, the secret, and the
/// secret's fingerprint computed once beforehand.
#[derive(Clone, Copy)]
pub(crate) struct KeyOwner<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret: &'a SecretAccessKey,
    pub(crate) fingerprint: &'a [u8; 32],
}

/// Hit and miss counts of a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Lookups that found a key.
    pub hits: u64,
    /// Lookups that derived a key.
    pub misses: u64,
    /// Keys currently held.
    pub len: usize,
}

/// Derived signing keys, bounded, least recently used evicted first.
pub struct SigningKeyCache {
    entries: Mutex<Vec<Entry>>,
    capacity: usize,
    tick: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl SigningKeyCache {
    /// A cache holding at most `capacity` keys; 0 disables caching.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Vec::with_capacity(capacity)),
            capacity,
            tick: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The keyed HMAC state for these credentials and scope, derived on a miss.
    pub fn keyed_mac(
        &self,
        credentials: &Credentials,
        date: &str,
        region: &Region,
        service: &Service,
    ) -> crate::kdf::HmacSha256 {
        self.keyed_mac_for(
            KeyOwner {
                access_key_id: credentials.access_key_id(),
                secret: credentials.secret(),
                fingerprint: credentials.secret_fingerprint().as_bytes(),
            },
            date,
            region.as_str(),
            service.as_str(),
        )
    }

    /// The keyed HMAC state for `secret` and the scope `date/region/service`,
    /// derived on a miss. `secret.fingerprint` must be the secret's: the
    /// callers in this crate take it from where it was computed with the
    /// secret ([`Credentials`], [`FingerprintedSecret`]).
    ///
    /// [`FingerprintedSecret`]: crate::verify::FingerprintedSecret
    pub(crate) fn keyed_mac_for(
        &self,
        secret: KeyOwner<'_>,
        date: &str,
        region: &str,
        service: &str,
    ) -> crate::kdf::HmacSha256 {
        let derive = || SigningKey::derive(secret.secret.expose(), date, region, service);
        let date_bytes: [u8; 8] = match date.as_bytes().try_into() {
            Ok(bytes) => bytes,
            Err(_) => return derive().mac(),
        };
        let now = self.tick.fetch_add(1, Ordering::Relaxed);
        {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let found = entries.iter_mut().find(|entry| {
                entry.fingerprint == *secret.fingerprint
                    && entry.date == date_bytes
                    && *entry.region == *region
                    && *entry.service == *service
                    && *entry.access_key_id == *secret.access_key_id
            });
            if let Some(entry) = found {
                entry.last_used = now;
                self.hits.fetch_add(1, Ordering::Relaxed);
                return entry.key.mac();
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let key = derive();
        let mac = key.mac();
        if self.capacity > 0 {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            if entries.len() >= self.capacity
                && let Some(oldest) = entries
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, entry)| entry.last_used)
                    .map(|(index, _)| index)
            {
                // Dropping the entry zeroizes its key.
                entries.swap_remove(oldest);
            }
            entries.push(Entry {
                fingerprint: *secret.fingerprint,
                date: date_bytes,
                access_key_id: secret.access_key_id.into(),
                region: region.into(),
                service: service.into(),
                key,
                last_used: now,
            });
        }
        mac
    }

    /// Hit and miss counts so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            len: self
                .entries
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .len(),
        }
    }

    /// Drops every key, zeroizing them.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clear();
    }
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.capacity)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use hmac::Mac;

    use super::*;

    fn mac_bytes(mac: crate::kdf::HmacSha256) -> [u8; 32] {
        mac.finalize().into_bytes().into()
    }

    fn scope(region: &str) -> (Region, Service) {
        (
            Region::new(region).unwrap(),
            Service::new("service").unwrap(),
        )
    }

    #[test]
    fn hits_misses_and_equal_keys() {
        let cache = SigningKeyCache::new(4);
        let credentials = Credentials::new("AKID", "secret", None).unwrap();
        let (region, service) = scope("us-east-1");
        let first = mac_bytes(cache.keyed_mac(&credentials, "20150830", &region, &service));
        let second = mac_bytes(cache.keyed_mac(&credentials, "20150830", &region, &service));
        assert_eq!(first, second);
        let fresh = SigningKey::derive("secret", "20150830", "us-east-1", "service");
        assert_eq!(first, mac_bytes(fresh.mac()));
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 1,
                misses: 1,
                len: 1
            }
        );
        cache.keyed_mac(&credentials, "20150831", &region, &service);
        assert_eq!(cache.stats().misses, 2);
    }

    #[test]
    fn least_recently_used_is_evicted_at_capacity() {
        let cache = SigningKeyCache::new(2);
        let credentials = Credentials::new("AKID", "secret", None).unwrap();
        let (east, service) = scope("us-east-1");
        let (west, _) = scope("us-west-2");
        let (central, _) = scope("eu-central-1");
        cache.keyed_mac(&credentials, "20150830", &east, &service);
        cache.keyed_mac(&credentials, "20150830", &west, &service);
        cache.keyed_mac(&credentials, "20150830", &east, &service); // east is now recent
        cache.keyed_mac(&credentials, "20150830", &central, &service); // evicts west
        assert_eq!(cache.stats().len, 2);
        let misses = cache.stats().misses;
        cache.keyed_mac(&credentials, "20150830", &east, &service);
        assert_eq!(cache.stats().misses, misses, "east stayed");
        cache.keyed_mac(&credentials, "20150830", &west, &service);
        assert_eq!(cache.stats().misses, misses + 1, "west was evicted");
    }

    #[test]
    fn a_rotated_secret_never_reuses_the_old_key() {
        let cache = SigningKeyCache::new(8);
        let (region, service) = scope("us-east-1");
        let old = Credentials::new("AKID", "old-secret", None).unwrap();
        let new = Credentials::new("AKID", "new-secret", None).unwrap();
        let old_key = mac_bytes(cache.keyed_mac(&old, "20150830", &region, &service));
        let new_key = mac_bytes(cache.keyed_mac(&new, "20150830", &region, &service));
        assert_ne!(old_key, new_key);
        assert_eq!(cache.stats().misses, 2);
    }

    #[test]
    fn capacity_zero_disables_caching() {
        let cache = SigningKeyCache::new(0);
        let credentials = Credentials::new("AKID", "secret", None).unwrap();
        let (region, service) = scope("us-east-1");
        cache.keyed_mac(&credentials, "20150830", &region, &service);
        cache.keyed_mac(&credentials, "20150830", &region, &service);
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 0,
                misses: 2,
                len: 0
            }
        );
    }
}
