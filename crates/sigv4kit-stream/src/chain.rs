//! The two ends of a chain of signatures: [`SigningChain`] makes each chunk's
//! and the trailer's signature from the one before, [`CheckingChain`] checks
//! them in the same order. Both keep the previous signature and one buffer
//! for the strings to sign, so a long upload allocates nothing per chunk.

use std::fmt;

use arrayvec::ArrayString;
use sha2::{Digest, Sha256};
use sigv4kit_canon::{Algorithm, SignatureBytes};
use sigv4kit_signer::{ChainScope, ChainSigner, ChainVerifier, Signature, SigningError};

use crate::upload::{SIGNATURE_PADDING, SIGV4A_SIGNATURE_WIDTH};

/// A signature as written in a chunk header or trailer: a SigV4A one padded
/// with `*` to 144 characters.
pub type WrittenSignature = ArrayString<SIGV4A_SIGNATURE_WIDTH>;

/// `signature` as a chunk header or trailer carries it.
pub fn written_signature(algorithm: Algorithm, signature: &Signature) -> WrittenSignature {
    let mut written = WrittenSignature::new();
    written.push_str(signature.as_str());
    if algorithm == Algorithm::Sigv4a {
        while !written.is_full() {
            written.push(SIGNATURE_PADDING);
        }
    }
    written
}

/// A written signature without its padding: the form that is chained.
pub fn strip_padding(written: &str) -> &str {
    written.trim_end_matches(SIGNATURE_PADDING)
}

/// The canonical form of a trailer block, which its signature covers: each
/// trailer as `name:value\n`, names lower-case, values trimmed, sorted by
/// name, as canonical headers without the signed-header list.
pub fn canonical_trailers<'a>(trailers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut lines: Vec<(String, &str)> = trailers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    lines.sort_by(|left, right| left.0.cmp(&right.0));
    let mut canonical = Vec::new();
    for (name, value) in lines {
        canonical.extend_from_slice(name.as_bytes());
        canonical.push(b':');
        canonical.extend_from_slice(value.as_bytes());
        canonical.push(b'\n');
    }
    canonical
}

/// Signs a chain: each call takes the signature before it from the call
/// before, starting from the seed request's.
pub struct SigningChain {
    signer: Box<dyn ChainSigner>,
    scope: ChainScope,
    previous: Signature,
    string_to_sign: Vec<u8>,
}

impl SigningChain {
    /// The chain after the seed signature `seed` (as the request carries
    /// it), signed by `signer` within `scope`.
    ///
    /// # Errors
    /// [`SigningError::Crypto`] when `seed` is not a signature, or the
    /// signer and the scope are of different algorithms.
    pub fn new(
        signer: Box<dyn ChainSigner>,
        scope: ChainScope,
        seed: &str,
    ) -> Result<Self, SigningError> {
        if signer.algorithm() != scope.algorithm() {
            return Err(SigningError::Crypto {
                reason: format!(
                    "a {} chain signer cannot sign a {} chain",
                    signer.algorithm(),
                    scope.algorithm()
                ),
            });
        }
        Ok(Self {
            previous: signature_from_hex(scope.algorithm(), seed)?,
            signer,
            scope,
            string_to_sign: Vec::with_capacity(320),
        })
    }

    /// The chain's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.scope.algorithm()
    }

    /// The last signature made: the seed's until a chunk is signed.
    pub fn previous(&self) -> &Signature {
        &self.previous
    }

    /// Signs the next chunk, whose bytes hash to `chunk_sha256`.
    ///
    /// # Errors
    /// [`SigningError::Crypto`] when the ECDSA engine fails.
    pub fn sign_chunk(&mut self, chunk_sha256: &[u8; 32]) -> Result<Signature, SigningError> {
        self.scope.payload_string_to_sign(
            &mut self.string_to_sign,
            self.previous.as_str(),
            None,
            chunk_sha256,
        );
        self.advance()
    }

    /// Signs the trailer block `canonical_trailers` (see
    /// [`canonical_trailers`]) after the final chunk.
    ///
    /// # Errors
    /// As [`SigningChain::sign_chunk`].
    pub fn sign_trailer(&mut self, canonical_trailers: &[u8]) -> Result<Signature, SigningError> {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        self.scope
            .trailer_string_to_sign(&mut self.string_to_sign, self.previous.as_str(), &hash);
        self.advance()
    }

    fn advance(&mut self) -> Result<Signature, SigningError> {
        let signature = self.signer.sign_string_to_sign(&self.string_to_sign)?;
        self.previous = signature;
        Ok(signature)
    }
}

impl fmt::Debug for SigningChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningChain")
            .field("signer", &self.signer)
            .field("scope", &self.scope)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// Checks a chain in order: each signature is checked against the one
/// before, starting from the verified seed request's.
pub struct CheckingChain {
    verifier: Box<dyn ChainVerifier>,
    scope: ChainScope,
    previous: Signature,
    string_to_sign: Vec<u8>,
}

impl CheckingChain {
    /// The chain after the verified seed signature `seed`, checked by
    /// `verifier` within `scope`.
    pub fn new(verifier: Box<dyn ChainVerifier>, scope: ChainScope, seed: Signature) -> Self {
        Self {
            verifier,
            scope,
            previous: seed,
            string_to_sign: Vec::with_capacity(320),
        }
    }

    /// The chain's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.scope.algorithm()
    }

    /// Whether `written` (as received, padding included) signs the next
    /// chunk, whose bytes hash to `chunk_sha256`. On success it becomes the
    /// previous signature.
    pub fn check_chunk(&mut self, chunk_sha256: &[u8; 32], written: &str) -> bool {
        self.scope.payload_string_to_sign(
            &mut self.string_to_sign,
            self.previous.as_str(),
            None,
            chunk_sha256,
        );
        self.advance(written)
    }

    /// Whether `written` signs the trailer block `canonical_trailers`.
    pub fn check_trailer(&mut self, canonical_trailers: &[u8], written: &str) -> bool {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        self.scope
            .trailer_string_to_sign(&mut self.string_to_sign, self.previous.as_str(), &hash);
        self.advance(written)
    }

    fn advance(&mut self, written: &str) -> bool {
        let Some(received) = parse_written(self.algorithm(), written) else {
            return false;
        };
        if !self
            .verifier
            .verify_string_to_sign(&self.string_to_sign, received.as_str())
        {
            return false;
        }
        self.previous = received;
        true
    }
}

impl fmt::Debug for CheckingChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckingChain")
            .field("verifier", &self.verifier)
            .field("scope", &self.scope)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// A received chunk or trailer signature as the chain continues from it:
/// SigV4's 64 lower-case hex digits exactly; SigV4A's hex padded with `*` to
/// exactly 144 characters, padding stripped. `None` for anything else.
fn parse_written(algorithm: Algorithm, written: &str) -> Option<Signature> {
    let hex = match algorithm {
        Algorithm::Sigv4 => {
            (written.len() == crate::upload::SIGV4_SIGNATURE_WIDTH).then_some(written)?
        }
        Algorithm::Sigv4a => {
            if written.len() != SIGV4A_SIGNATURE_WIDTH {
                return None;
            }
            strip_padding(written)
        }
    };
    let lower_hex = hex
        .bytes()
        .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    if !lower_hex || hex.is_empty() {
        return None;
    }
    signature_from_hex(algorithm, hex).ok()
}

/// `hex`, a signature of `algorithm` (64 digits for SigV4, a DER
/// signature's for SigV4A), as the chain carries it.
fn signature_from_hex(algorithm: Algorithm, hex: &str) -> Result<Signature, SigningError> {
    let raw = SignatureBytes::from_hex(algorithm, hex.as_bytes()).map_err(|error| {
        SigningError::Crypto {
            reason: format!("the seed signature is malformed: {error}"),
        }
    })?;
    Signature::from_raw(raw.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4a_signatures_are_padded_and_stripped() {
        let signature = Signature::from_raw(&[0xab; 70]).unwrap();
        let written = written_signature(Algorithm::Sigv4a, &signature);
        assert_eq!(written.len(), 144);
        assert!(written.ends_with("****"));
        assert_eq!(strip_padding(&written), signature.as_str());
        assert_eq!(parse_written(Algorithm::Sigv4a, &written), Some(signature));
        assert_eq!(parse_written(Algorithm::Sigv4a, signature.as_str()), None);
        let sigv4 = Signature::from_raw(&[0xab; 32]).unwrap();
        assert_eq!(
            written_signature(Algorithm::Sigv4, &sigv4).as_str(),
            sigv4.as_str()
        );
        assert_eq!(parse_written(Algorithm::Sigv4, &"AB".repeat(32)), None);
    }

    #[test]
    fn canonical_trailers_are_sorted_lower_case_and_trimmed() {
        let canonical = canonical_trailers([("Second", " 2nd "), ("first", "1st")]);
        assert_eq!(canonical, b"first:1st\nsecond:2nd\n");
    }
}
