//! Signatures chained onto a seed request: the chunks and trailer of an
//! `aws-chunked` upload, and the events of an event stream.
//!
//! A streaming body is not hashed before the request is sent. The request
//! itself, the *seed*, is signed as usual over a `STREAMING-*` payload
//! literal; then each piece of the body gets a signature of its own, whose
//! string to sign names the signature before it. A piece can therefore not
//! be dropped, reordered or spliced in from another upload without breaking
//! every signature after it.
//!
//! Every piece's string to sign has one shape (the S3 documentation's
//! "Transferring Payload in Multiple Chunks", and the CRT):
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD | AWS4-HMAC-SHA256-TRAILER (or the ECDSA names)
//! <amz date>
//! <credential scope>
//! <previous signature, hex, SigV4A padding stripped>
//! [<hex SHA-256 of the piece's headers>]   chunks and events only
//! <hex SHA-256 of the piece>
//! ```
//!
//! [`ChainScope`] writes it; what turns it into a signature differs per
//! algorithm and lives in the backends, behind [`ChainSigner`] (from
//! [`Signer::chain_signer`](crate::Signer::chain_signer)) and
//! [`ChainVerifier`] (from
//! [`Verifier::chain_verifier`](crate::Verifier::chain_verifier)). Both are
//! bound to one key, so a chain is signed and checked without looking a key
//! up per piece.

use std::fmt;

use sigv4kit_canon::encoding::hex32;
use sigv4kit_canon::payload::EMPTY_SHA256_HEX;
use sigv4kit_canon::{Algorithm, AmzDate, CredentialScope, Region, Service};

use crate::error::SigningError;
use crate::params::{SigningParams, SigningRegion};
use crate::signature::Signature;
use crate::verifier::Verified;

/// What a chained signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainedPiece {
    /// A chunk of an `aws-chunked` body, or an event of an event stream.
    Payload,
    /// The trailing headers of an `aws-chunked` body.
    Trailer,
}

impl ChainedPiece {
    /// The first line of the piece's string to sign.
    pub const fn label(self, algorithm: Algorithm) -> &'static str {
        match (algorithm, self) {
            (Algorithm::Sigv4, Self::Payload) => "AWS4-HMAC-SHA256-PAYLOAD",
            (Algorithm::Sigv4, Self::Trailer) => "AWS4-HMAC-SHA256-TRAILER",
            (Algorithm::Sigv4a, Self::Payload) => "AWS4-ECDSA-P256-SHA256-PAYLOAD",
            (Algorithm::Sigv4a, Self::Trailer) => "AWS4-ECDSA-P256-SHA256-TRAILER",
        }
    }
}

/// The algorithm, time and credential scope every string to sign of one chain
/// repeats.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainScope {
    algorithm: Algorithm,
    time: AmzDate,
    scope: String,
}

impl ChainScope {
    /// The scope of a chain signed at `time` for `service`, in `region` for
    /// SigV4; SigV4A scopes carry no region.
    pub fn new(
        algorithm: Algorithm,
        time: AmzDate,
        region: Option<&Region>,
        service: &Service,
    ) -> Self {
        let region = match algorithm {
            Algorithm::Sigv4 => region,
            Algorithm::Sigv4a => None,
        };
        let scope = CredentialScope {
            date: &time,
            region,
            service,
        }
        .to_text();
        Self {
            algorithm,
            time,
            scope,
        }
    }

    /// The scope of the chain that follows a seed request signed with
    /// `params`.
    ///
    /// # Errors
    /// [`SigningError::RegionSetForSigv4`] when SigV4 is given a region set.
    pub fn for_signing(
        algorithm: Algorithm,
        params: &SigningParams<'_>,
    ) -> Result<Self, SigningError> {
        let region = match (&params.region, algorithm) {
            (SigningRegion::Region(region), _) => Some(region),
            (SigningRegion::RegionSet(_), Algorithm::Sigv4a) => None,
            (SigningRegion::RegionSet(set), Algorithm::Sigv4) => {
                return Err(SigningError::RegionSetForSigv4 {
                    algorithm,
                    region_set: set.as_str().to_owned(),
                });
            }
        };
        Ok(Self::new(algorithm, params.time, region, &params.service))
    }

    /// The scope of the chain that follows a verified seed request.
    pub fn for_verified(verified: &Verified) -> Self {
        let region = match &verified.region {
            SigningRegion::Region(region) => Some(region),
            SigningRegion::RegionSet(_) => None,
        };
        Self::new(verified.algorithm, verified.time, region, &verified.service)
    }

    /// The chain's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The chain's time: `X-Amz-Date` of the seed, or an event's `:date`.
    pub fn time(&self) -> &AmzDate {
        &self.time
    }

    /// The credential scope, `date/[region/]service/aws4_request`.
    pub fn credential_scope(&self) -> &str {
        &self.scope
    }

    /// Writes into `out` (cleared first) the string to sign of a chunk or an
    /// event: `headers_sha256` is the SHA-256 of the piece's headers (of
    /// nothing, for an `aws-chunked` chunk) and `payload_sha256` that of its
    /// bytes. `previous` is the signature before it as written, without
    /// SigV4A's `*` padding.
    pub fn payload_string_to_sign(
        &self,
        out: &mut Vec<u8>,
        previous: &str,
        headers_sha256: Option<&[u8; 32]>,
        payload_sha256: &[u8; 32],
    ) {
        self.start(out, ChainedPiece::Payload, previous);
        match headers_sha256 {
            Some(hash) => out.extend_from_slice(&hex32(hash)),
            None => out.extend_from_slice(EMPTY_SHA256_HEX.as_bytes()),
        }
        out.push(b'\n');
        out.extend_from_slice(&hex32(payload_sha256));
    }

    /// Writes into `out` (cleared first) the string to sign of a trailer
    /// whose canonical form (see `sigv4kit-stream`) hashes to
    /// `trailer_sha256`.
    pub fn trailer_string_to_sign(
        &self,
        out: &mut Vec<u8>,
        previous: &str,
        trailer_sha256: &[u8; 32],
    ) {
        self.start(out, ChainedPiece::Trailer, previous);
        out.extend_from_slice(&hex32(trailer_sha256));
    }

    fn start(&self, out: &mut Vec<u8>, piece: ChainedPiece, previous: &str) {
        out.clear();
        for line in [
            piece.label(self.algorithm),
            self.time.as_str(),
            &self.scope,
            previous,
        ] {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
}

impl fmt::Debug for ChainScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainScope")
            .field("algorithm", &self.algorithm)
            .field("time", &self.time)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Signs the strings to sign of one chain with one key: the SigV4 signing
/// key of the seed's scope, or the SigV4A key of the seed's credentials.
pub trait ChainSigner: Send + Sync + fmt::Debug {
    /// The algorithm.
    fn algorithm(&self) -> Algorithm;

    /// Signs a string to sign written by [`ChainScope`].
    ///
    /// # Errors
    /// [`SigningError::Crypto`] when the ECDSA engine fails.
    fn sign_string_to_sign(&self, string_to_sign: &[u8]) -> Result<Signature, SigningError>;
}

/// Checks the signatures of one chain with one key: the secret's SigV4
/// signing key for the seed's scope, or a SigV4A public key.
pub trait ChainVerifier: Send + Sync + fmt::Debug {
    /// The algorithm.
    fn algorithm(&self) -> Algorithm;

    /// Whether `signature`, lower-case hex as received without padding, signs
    /// `string_to_sign`. SigV4 compares in constant time.
    fn verify_string_to_sign(&self, string_to_sign: &[u8], signature: &str) -> bool;
}

impl<S: ChainSigner + ?Sized> ChainSigner for Box<S> {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn sign_string_to_sign(&self, string_to_sign: &[u8]) -> Result<Signature, SigningError> {
        (**self).sign_string_to_sign(string_to_sign)
    }
}

impl<V: ChainVerifier + ?Sized> ChainVerifier for Box<V> {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn verify_string_to_sign(&self, string_to_sign: &[u8], signature: &str) -> bool {
        (**self).verify_string_to_sign(string_to_sign, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_to_sign_have_the_s3_documentation_shape() {
        let scope = ChainScope::new(
            Algorithm::Sigv4,
            AmzDate::parse_rfc3339("2013-05-24T00:00:00Z").unwrap(),
            Some(&Region::new("us-east-1").unwrap()),
            &Service::new("s3").unwrap(),
        );
        let mut out = Vec::new();
        scope.payload_string_to_sign(&mut out, "seed", None, &[0; 32]);
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            format!(
                "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nseed\n{EMPTY_SHA256_HEX}\n{}",
                "0".repeat(64)
            )
        );
        scope.trailer_string_to_sign(&mut out, "last", &[0xff; 32]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nlast\n{}",
                "f".repeat(64)
            )
        );
    }

    #[test]
    fn a_sigv4a_scope_has_no_region() {
        let scope = ChainScope::new(
            Algorithm::Sigv4a,
            AmzDate::parse_rfc3339("2013-05-24T00:00:00Z").unwrap(),
            Some(&Region::new("us-east-1").unwrap()),
            &Service::new("s3").unwrap(),
        );
        assert_eq!(scope.credential_scope(), "20130524/s3/aws4_request");
    }
}
