//! Signing and verifying where requests already live: `http` 1.x requests,
//! tower services and `reqwest` clients.
//!
//! An application rarely holds a [`canon::Request`](crate::canon::Request);
//! it holds an `http::Request` on its way to hyper, or a `reqwest::Request`,
//! or it serves requests through an axum router. Each integration sits
//! behind its own cargo feature, so that an application pays only for the
//! HTTP stack it already has:
//!
//! - `http` ([`http`](self::http)): sign an `http::Request` in place and
//!   verify one. The other two are built on it, so that every integration
//!   adds, replaces and reads the signature headers the same way. It also
//!   sends a body `aws-chunked` ([`ChunkedBody`](self::http::ChunkedBody)).
//! - `tower` ([`tower`](self::tower)): a [`SignLayer`](self::tower::SignLayer)
//!   for clients (hyper, tonic) and a
//!   [`VerifyLayer`](self::tower::VerifyLayer) for servers (axum, hyper),
//!   which answers a rejected request as AWS does.
//! - `reqwest` ([`reqwest`](self::reqwest)): a `reqwest-middleware`
//!   middleware that signs every request of a client.
//!
//! All of them take a [`RequestSigner`](crate::config::RequestSigner) or a
//! [`RequestVerifier`](crate::RequestVerifier), so the algorithm, scope and
//! payload rules come from configuration, never from the integration.
//! `docs/INTEGRATIONS.md` shows each one in a few lines.

#[cfg(feature = "http")]
mod chunked;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "reqwest")]
pub mod reqwest;
#[cfg(feature = "tower")]
pub mod tower;

/// `docs/INTEGRATIONS.md`, whose examples run as doctests.
#[cfg(all(doctest, feature = "http", feature = "tower", feature = "reqwest"))]
#[doc = include_str!("../../../../docs/INTEGRATIONS.md")]
struct IntegrationsGuide;
