//! The `Signer` trait: one interface for both algorithms.
//!
//! It is object safe, so that an application can choose SigV4 or SigV4A from
//! configuration at run time and hold a `Box<dyn Signer>`.

use std::sync::Arc;

use sigv4kit_canon::{Algorithm, Request};

use crate::chain::ChainSigner;
use crate::error::SigningError;
use crate::output::SigningOutput;
use crate::params::SigningParams;

/// Signs requests with one algorithm.
pub trait Signer: Send + Sync {
    /// The algorithm this signer uses.
    fn algorithm(&self) -> Algorithm;

    /// Signs `request`, returning the headers or query parameters to add.
    ///
    /// The request must not already carry a signature (`Authorization`,
    /// `X-Amz-Date`, `X-Amz-Security-Token`, `X-Amz-Region-Set`, or the
    /// `X-Amz-*` query parameters): remove them first with the `resign`
    /// helpers of `sigv4kit-canon`.
    fn sign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError>;

    /// The signer of the chunk, trailer or event signatures that follow a
    /// seed request signed with `params`, bound to their key: for SigV4 the
    /// signing key of `params`' date, region and service, for SigV4A the key
    /// derived from the credentials.
    ///
    /// # Errors
    /// As [`Signer::sign`] for the credentials and the region.
    fn chain_signer(
        &self,
        params: &SigningParams<'_>,
    ) -> Result<Box<dyn ChainSigner>, SigningError>;
}

impl<S: Signer + ?Sized> Signer for Box<S> {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn sign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError> {
        (**self).sign(request, params)
    }

    fn chain_signer(
        &self,
        params: &SigningParams<'_>,
    ) -> Result<Box<dyn ChainSigner>, SigningError> {
        (**self).chain_signer(params)
    }
}

impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn sign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError> {
        (**self).sign(request, params)
    }

    fn chain_signer(
        &self,
        params: &SigningParams<'_>,
    ) -> Result<Box<dyn ChainSigner>, SigningError> {
        (**self).chain_signer(params)
    }
}
