//! The SigV4A private signing key.
//!
//! SigV4A never ships a private key: both sides derive it from the access key
//! pair (see [`crate::kdf`]). The scalar is as sensitive as the secret access
//! key itself, so this type never shows it: `Debug` prints only the public X
//! coordinate, the scalar is wiped when the key is dropped, and raw access is
//! confined to [`crate::hazmat`].
//!
//! With the `aws-lc` feature, a key also remembers its import into AWS-LC
//! the first time the AWS-LC engine signs with it. The import parses the
//! scalar and checks it against the public point, which costs more than a
//! lookup; keeping it beside the key makes a signer's one key-cache lookup
//! find both, and bounds the imports by the keys alive.

use core::fmt;

use p256::ecdsa::SigningKey as EcdsaSigningKey;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::PublicKey;

/// A derived SigV4A (ECDSA P-256) private key.
///
/// The secret scalar is zeroized on drop (the wrapped
/// `p256::ecdsa::SigningKey` wipes it in its `Drop`), which is what
/// [`ZeroizeOnDrop`] promises here. Cloning is deliberately not offered: share
/// a key with `Arc<SigningKey>` (as [`crate::KeyCache`] does) so there is one
/// copy to wipe.
pub struct SigningKey {
    inner: EcdsaSigningKey,
    public: PublicKey,
    #[cfg(feature = "aws-lc")]
    aws_lc: std::sync::OnceLock<aws_lc_rs::signature::EcdsaKeyPair>,
}

impl SigningKey {
    pub(crate) fn from_ecdsa(inner: EcdsaSigningKey) -> Self {
        let public = PublicKey::from_verifying_key(*inner.verifying_key());
        Self {
            inner,
            public,
            #[cfg(feature = "aws-lc")]
            aws_lc: std::sync::OnceLock::new(),
        }
    }

    /// The public half of this key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    pub(crate) fn ecdsa(&self) -> &EcdsaSigningKey {
        &self.inner
    }

    /// The private scalar as 32 big-endian bytes, wiped when dropped.
    pub(crate) fn scalar_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut repr = self.inner.to_bytes();
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&repr);
        zeroize::Zeroize::zeroize(repr.as_mut_slice());
        out
    }

    /// This key imported into AWS-LC: imported on the first call, then
    /// remembered for the key's life. Two threads signing the first time
    /// at once may both import; one import is kept.
    ///
    /// # Errors
    /// `import`'s error, when AWS-LC rejects the key.
    #[cfg(feature = "aws-lc")]
    pub(crate) fn aws_lc_pair<E>(
        &self,
        import: impl FnOnce(&Self) -> Result<aws_lc_rs::signature::EcdsaKeyPair, E>,
    ) -> Result<&aws_lc_rs::signature::EcdsaKeyPair, E> {
        if let Some(pair) = self.aws_lc.get() {
            return Ok(pair);
        }
        let pair = import(self)?;
        Ok(self.aws_lc.get_or_init(|| pair))
    }
}

// The fields holding secret data are `inner`, whose own `Drop` zeroizes the
// scalar (ecdsa's `SigningKey` is `ZeroizeOnDrop`), and the AWS-LC import,
// which AWS-LC clears when it frees an EC private key.
impl ZeroizeOnDrop for SigningKey {}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key_x", &format_args!("{}", self.public.x_hex()))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_zeroize_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn inner_key_type_is_zeroize_on_drop() {
        // If a future p256/ecdsa release dropped this guarantee, our marker
        // impl would become a lie; this makes the dependency explicit.
        assert_zeroize_on_drop::<EcdsaSigningKey>();
        assert_zeroize_on_drop::<SigningKey>();
    }
}
