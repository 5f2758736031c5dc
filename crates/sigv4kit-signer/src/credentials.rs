//! AWS credentials, with the secret kept out of sight.
//!
//! The secret access key is zeroized when dropped and never shown by `Debug`.
//! A SHA-256 fingerprint of it is computed once, so that key caches can tell
//! a rotated secret from the old one without holding the secret itself.

use std::fmt;

use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::SigningError;

/// Text wiped when dropped, in one bulk write: held without spare capacity,
/// so the text is all there is to wipe. (`String`'s own `Zeroize` wipes
/// byte by byte: a 400-byte session token in every verified request.)
#[derive(Clone)]
struct WipedText(Box<str>);

impl WipedText {
    fn new(mut text: String) -> Self {
        if text.len() == text.capacity() {
            return Self(text.into_boxed_str());
        }
        // Shrinking would free the old buffer unwiped: copy, then wipe it.
        let exact = Self(Box::from(text.as_str()));
        text.zeroize();
        exact
    }
}

impl Zeroize for WipedText {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for WipedText {
    fn drop(&mut self) {
        self.zeroize();
    }
}

/// A secret access key. Zeroized on drop, redacted in `Debug`.
#[derive(Clone, Zeroize)]
pub struct SecretAccessKey(WipedText);

// `WipedText` wipes itself when dropped.
impl ZeroizeOnDrop for SecretAccessKey {}

impl SecretAccessKey {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(WipedText::new(secret.into()))
    }

    /// The secret itself. Every use is a place where it could leak: keep them few.
    pub fn expose(&self) -> &str {
        &self.0.0
    }
}

impl fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretAccessKey(<redacted>)")
    }
}

/// A session token from STS. Zeroized on drop, redacted in `Debug`.
#[derive(Clone, Zeroize)]
pub struct SessionToken(WipedText);

// `WipedText` wipes itself when dropped.
impl ZeroizeOnDrop for SessionToken {}

impl SessionToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(WipedText::new(token.into()))
    }

    /// The token, as it is sent.
    pub fn expose(&self) -> &str {
        &self.0.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// The SHA-256 of a secret: safe to keep in a cache key, and changes when
/// the secret is rotated.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretFingerprint([u8; 32]);

impl SecretFingerprint {
    /// The fingerprint of `secret`.
    pub fn of(secret: &SecretAccessKey) -> Self {
        Self::of_bytes(secret.expose().as_bytes())
    }

    /// The fingerprint of a secret held as bytes, equal to [`Self::of`] for
    /// the same text.
    pub fn of_bytes(secret: &[u8]) -> Self {
        Self(Sha256::digest(secret).into())
    }

    /// The digest bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SecretFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretFingerprint(..)")
    }
}

/// A secret access key with its SHA-256 fingerprint, computed once: what a
/// verifier's key store holds, so that a verification looks up the derived
/// key (SigV4) or the key pair (SigV4A) without hashing the secret again.
/// Zeroized on drop (the secret), redacted in `Debug`.
#[derive(Clone)]
pub struct FingerprintedSecret {
    secret: SecretAccessKey,
    fingerprint: SecretFingerprint,
}

impl FingerprintedSecret {
    /// Fingerprints `secret`.
    pub fn new(secret: SecretAccessKey) -> Self {
        Self {
            fingerprint: SecretFingerprint::of(&secret),
            secret,
        }
    }

    /// The secret.
    pub fn secret(&self) -> &SecretAccessKey {
        &self.secret
    }

    /// Its fingerprint, the one [`Credentials::secret_fingerprint`] gives.
    pub fn fingerprint(&self) -> &SecretFingerprint {
        &self.fingerprint
    }
}

impl From<SecretAccessKey> for FingerprintedSecret {
    fn from(secret: SecretAccessKey) -> Self {
        Self::new(secret)
    }
}

impl From<&Credentials> for FingerprintedSecret {
    /// The secret of `credentials`, with the fingerprint they computed.
    fn from(credentials: &Credentials) -> Self {
        Self {
            secret: credentials.secret().clone(),
            fingerprint: *credentials.secret_fingerprint(),
        }
    }
}

impl fmt::Debug for FingerprintedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FingerprintedSecret(<redacted>)")
    }
}

/// An access key id, its secret, and an optional session token.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret: SecretAccessKey,
    fingerprint: SecretFingerprint,
    session_token: Option<SessionToken>,
}

impl Credentials {
    /// Credentials from their parts. The access key id and the secret must be
    /// non-empty, and a session token, if given, too.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Result<Self, SigningError> {
        let access_key_id = access_key_id.into();
        let secret = SecretAccessKey::new(secret_access_key);
        if access_key_id.is_empty() {
            return Err(SigningError::InvalidCredentials {
                reason: "the access key id is empty",
            });
        }
        if access_key_id
            .bytes()
            .any(|byte| byte == b'/' || byte.is_ascii_whitespace() || byte.is_ascii_control())
        {
            return Err(SigningError::InvalidCredentials {
                reason: "the access key id contains '/', whitespace or a control character",
            });
        }
        if secret.expose().is_empty() {
            return Err(SigningError::InvalidCredentials {
                reason: "the secret access key is empty",
            });
        }
        if session_token.as_deref() == Some("") {
            return Err(SigningError::InvalidCredentials {
                reason: "the session token is empty",
            });
        }
        Ok(Self {
            access_key_id,
            fingerprint: SecretFingerprint::of(&secret),
            secret,
            session_token: session_token.map(SessionToken::new),
        })
    }

    /// The access key id, which is public.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret(&self) -> &SecretAccessKey {
        &self.secret
    }

    /// The SHA-256 of the secret, for cache keys.
    pub fn secret_fingerprint(&self) -> &SecretFingerprint {
        &self.fingerprint
    }

    /// The session token, if these are temporary credentials.
    pub fn session_token(&self) -> Option<&SessionToken> {
        self.session_token.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &self.secret)
            .field("session_token", &self.session_token)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiped_text_is_held_exactly_and_wiped_to_zeros() {
        let mut roomy = String::with_capacity(64);
        roomy.push_str("token");
        for text in [roomy, "exact".to_owned()] {
            let expected = text.clone();
            let mut wiped = WipedText::new(text);
            assert_eq!(&*wiped.0, expected);
            wiped.zeroize();
            assert!(wiped.0.bytes().all(|byte| byte == 0));
            assert_eq!(wiped.0.len(), expected.len());
        }
        let mut token = SessionToken::new("AQoDYXdz");
        token.zeroize();
        assert_eq!(token.expose(), "\0".repeat(8));
    }

    #[test]
    fn the_fingerprint_is_the_credentials_fingerprint() {
        let credentials = Credentials::new("AKID", "secret", None).unwrap();
        let from_credentials = FingerprintedSecret::from(&credentials);
        let from_secret = FingerprintedSecret::new(SecretAccessKey::new("secret"));
        assert_eq!(from_credentials.fingerprint(), from_secret.fingerprint());
        assert_ne!(
            from_secret.fingerprint(),
            FingerprintedSecret::new(SecretAccessKey::new("rotated")).fingerprint()
        );
        assert_eq!(
            format!("{from_secret:?}"),
            "FingerprintedSecret(<redacted>)"
        );
    }

    #[test]
    fn debug_output_never_contains_the_secret_or_token() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("token-value-123".into()),
        )
        .unwrap();
        let shown = format!(
            "{credentials:?} {:?} {:#?}",
            credentials.secret(),
            credentials
        );
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("wJalrXUtnFEMI"));
        assert!(!shown.contains("token-value-123"));
    }

    #[test]
    fn incomplete_credentials_are_refused() {
        assert!(Credentials::new("", "secret", None).is_err());
        assert!(Credentials::new("AKID", "", None).is_err());
        assert!(Credentials::new("AK/ID", "secret", None).is_err());
        assert!(Credentials::new("AKID", "secret", Some(String::new())).is_err());
    }

    #[test]
    fn the_fingerprint_changes_with_the_secret() {
        let a = Credentials::new("AKID", "one", None).unwrap();
        let b = Credentials::new("AKID", "two", None).unwrap();
        assert_ne!(a.secret_fingerprint(), b.secret_fingerprint());
        assert_eq!(
            a.secret_fingerprint(),
            Credentials::new("OTHER", "one", None)
                .unwrap()
                .secret_fingerprint()
        );
    }
}
