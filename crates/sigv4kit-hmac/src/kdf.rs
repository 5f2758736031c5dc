//! The SigV4 signing key: an HMAC chain from the secret to a one-day,
//! one-region, one-service key.
//!
//! `kDate = HMAC("AWS4" + secret, date)`, `kRegion = HMAC(kDate, region)`,
//! `kService = HMAC(kRegion, service)`, `kSigning = HMAC(kService, "aws4_request")`.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key>.
//! Every intermediate key is zeroized.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sigv4kit_canon::scope::SCOPE_TERMINATOR;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// HMAC-SHA256.
pub type HmacSha256 = Hmac<Sha256>;

/// A derived SigV4 signing key, with the HMAC state keyed by it ready to
/// clone. Zeroized on drop, redacted in `Debug`.
#[derive(Clone, ZeroizeOnDrop)]
pub struct SigningKey {
    key: [u8; 32],
    #[zeroize(skip)] // the HMAC state zeroizes itself on drop (sha2/hmac `zeroize`).
    keyed: HmacSha256,
}

impl SigningKey {
    /// Derives the key for `date` (`YYYYMMDD`), `region` and `service`.
    pub fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        let mut secret_key = Zeroizing::new(Vec::with_capacity(4 + secret_access_key.len()));
        secret_key.extend_from_slice(b"AWS4");
        secret_key.extend_from_slice(secret_access_key.as_bytes());
        let mut key = hmac_once(&secret_key, date.as_bytes());
        for part in [
            region.as_bytes(),
            service.as_bytes(),
            SCOPE_TERMINATOR.as_bytes(),
        ] {
            let next = hmac_once(&key, part);
            key.zeroize();
            key = next;
        }
        Self::from_bytes(key)
    }

    /// Wraps raw key bytes, e.g. a known-answer key.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(&key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Self { key, keyed }
    }

    /// The key bytes. Sharp: whoever holds them can sign for this scope.
    pub fn expose(&self) -> &[u8; 32] {
        &self.key
    }

    /// A fresh HMAC state keyed with this key, ready for a string to sign.
    #[inline]
    pub fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// HMAC-SHA256 of `message` under this key.
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.mac();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn hmac_once(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigv4kit_canon::encoding::hex32;

    #[test]
    fn aws_documentation_example_key() {
        // The key derivation example of the AWS General Reference.
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            String::from_utf8(hex32(key.expose()).to_vec()).unwrap(),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SigningKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }
}
