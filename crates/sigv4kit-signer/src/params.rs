//! What a signature is made for: who, when, where, and how it is carried.
//!
//! One set of parameters serves both algorithms. Only the region differs:
//! SigV4 scopes a signature to one [`Region`], SigV4A to a [`RegionSet`].

use sigv4kit_canon::{AmzDate, CanonicalRules, Region, RegionSet, Service};

use crate::credentials::Credentials;
use crate::error::SigningError;

/// Where a signature is valid: one region (SigV4) or a region set (SigV4A).
///
/// The SigV4A signer also takes a single region, as the set of that region.
/// The SigV4 signer refuses a region set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningRegion {
    /// One region.
    Region(Region),
    /// A SigV4A region set.
    RegionSet(RegionSet),
}

impl From<Region> for SigningRegion {
    fn from(region: Region) -> Self {
        Self::Region(region)
    }
}

impl From<RegionSet> for SigningRegion {
    fn from(set: RegionSet) -> Self {
        Self::RegionSet(set)
    }
}

/// How long a presigned URL stays valid: 1 second to 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expiry(u32);

impl Expiry {
    /// The longest expiry AWS accepts, 7 days.
    pub const MAX_SECONDS: u32 = 7 * 24 * 60 * 60;

    /// An expiry of `seconds`; 0 and anything over 7 days are refused.
    pub fn from_secs(seconds: u64) -> Result<Self, SigningError> {
        match u32::try_from(seconds) {
            Ok(valid @ 1..=Self::MAX_SECONDS) => Ok(Self(valid)),
            _ => Err(SigningError::InvalidExpiry { seconds }),
        }
    }

    /// The expiry in seconds.
    pub const fn as_secs(self) -> u32 {
        self.0
    }
}

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureLocation {
    /// In the `Authorization` header, with `X-Amz-Date` and friends.
    Headers,
    /// In the query string, as a presigned URL that expires.
    Query {
        /// How long the URL stays valid.
        expires: Expiry,
    },
}

/// Whether the session token is covered by the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// Sent and signed, the normal case.
    #[default]
    Signed,
    /// Sent but left out of the canonical request, as some services (IoT,
    /// for instance) require.
    SentUnsigned,
}

/// Settings beyond the request: canonicalization rules and the headers the
/// signer adds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SigningSettings {
    /// Path rules and header selection.
    pub rules: CanonicalRules,
    /// Add `x-amz-content-sha256` carrying the payload hash (header mode),
    /// as S3 requires. A caller's own header is never doubled.
    pub content_sha256_header: bool,
    /// Whether the session token is signed.
    pub session_token: SessionTokenMode,
    /// Keep the canonical request text in the output, for debugging. Off on
    /// the hot path: it costs an allocation and a copy.
    pub capture_canonical_request: bool,
}

impl SigningSettings {
    /// S3's rules: no normalization, no double encoding, `x-amz-content-sha256` always.
    pub fn s3() -> Self {
        Self {
            rules: CanonicalRules {
                path: sigv4kit_canon::PathRules::S3,
                ..CanonicalRules::default()
            },
            content_sha256_header: true,
            ..Self::default()
        }
    }
}

/// Everything a signature depends on besides the request.
#[derive(Debug, Clone)]
pub struct SigningParams<'a> {
    /// Who signs.
    pub credentials: &'a Credentials,
    /// When: the `X-Amz-Date`.
    pub time: AmzDate,
    /// The service of the credential scope.
    pub service: Service,
    /// The region or region set.
    pub region: SigningRegion,
    /// Headers or query.
    pub location: SignatureLocation,
    /// Everything else.
    pub settings: SigningSettings,
}

impl<'a> SigningParams<'a> {
    /// Parameters for header signing with default settings.
    pub fn new(
        credentials: &'a Credentials,
        time: AmzDate,
        service: Service,
        region: impl Into<SigningRegion>,
    ) -> Self {
        Self {
            credentials,
            time,
            service,
            region: region.into(),
            location: SignatureLocation::Headers,
            settings: SigningSettings::default(),
        }
    }

    /// The same parameters, signing into the query with `expires`.
    pub fn presigned(mut self, expires: Expiry) -> Self {
        self.location = SignatureLocation::Query { expires };
        self
    }

    /// The same parameters with `settings`.
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_bounds() {
        assert!(Expiry::from_secs(0).is_err());
        assert_eq!(Expiry::from_secs(1).unwrap().as_secs(), 1);
        assert_eq!(Expiry::from_secs(604_800).unwrap().as_secs(), 604_800);
        assert_eq!(
            Expiry::from_secs(604_801),
            Err(SigningError::InvalidExpiry { seconds: 604_801 })
        );
        assert!(Expiry::from_secs(u64::MAX).is_err());
    }
}
