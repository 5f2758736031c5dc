//! Where canonical bytes go.
//!
//! The signing hot path never builds the canonical request as a `String`: every
//! piece is written straight into SHA-256. The same writer produces the text
//! form when someone asks for it (debugging, error messages, the CLI) by
//! writing into a `Vec<u8>` instead, or into both at once with [`Tee`]. One
//! writer for both means the text a user sees is exactly what was hashed.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes.
pub trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for String {
    /// Appends the bytes, replacing invalid UTF-8 with U+FFFD; meant for
    /// ASCII output such as hex digests and scopes.
    fn put(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.push_str(text),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        (**self).put(bytes);
    }
}

/// Writes the same bytes into two sinks, e.g. SHA-256 and a debug copy.
#[derive(Debug)]
pub struct Tee<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Tee<A, B> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        self.1.put(bytes);
    }
}

/// Writes into the first sink and, when present, also into the second.
///
/// Lets one code path serve signing with and without a debug copy.
#[derive(Debug)]
pub struct MaybeTee<'a, A>(pub A, pub Option<&'a mut Vec<u8>>);

impl<A: Sink> Sink for MaybeTee<'_, A> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        if let Some(copy) = self.1.as_deref_mut() {
            copy.extend_from_slice(bytes);
        }
    }
}
