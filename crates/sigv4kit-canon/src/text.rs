//! Short texts held inline.
//!
//! Region and service names, access key ids and most signed-header lists
//! are a few dozen bytes, and a verification answers with copies of them on
//! every request. Shared as an `Arc<str>`, each copy would cost an atomic
//! increment and, when dropped, an atomic decrement; held inline, a copy is
//! a plain move. A text longer than the inline room is shared.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use arrayvec::ArrayString;

/// A text of up to `N` bytes held inline, or a longer one shared. It reads,
/// compares and hashes as the `str` it holds, however it is held.
#[derive(Clone)]
pub struct ShortText<const N: usize>(Held<N>);

#[derive(Clone)]
enum Held<const N: usize> {
    Inline(ArrayString<N>),
    Shared(Arc<str>),
}

impl<const N: usize> ShortText<N> {
    /// The longest text held inline, in bytes.
    pub const INLINE: usize = N;

    /// Holds `text`.
    pub fn new(text: &str) -> Self {
        match ArrayString::from(text) {
            Ok(inline) => Self(Held::Inline(inline)),
            Err(_) => Self(Held::Shared(Arc::from(text))),
        }
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Held::Inline(text) => text,
            Held::Shared(text) => text,
        }
    }

    /// Whether the text is held inline, so that a copy shares nothing.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Held::Inline(_))
    }
}

impl<const N: usize> From<String> for ShortText<N> {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl<const N: usize> From<&str> for ShortText<N> {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl<const N: usize> Deref for ShortText<N> {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<str> for ShortText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> PartialEq for ShortText<N> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<const N: usize> Eq for ShortText<N> {}

impl<const N: usize> Hash for ShortText<N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<const N: usize> fmt::Debug for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    #[test]
    fn texts_read_compare_and_hash_alike_inline_or_shared() {
        fn hash(text: &impl Hash) -> u64 {
            let mut hasher = DefaultHasher::new();
            text.hash(&mut hasher);
            hasher.finish()
        }
        let long = "a".repeat(9);
        for text in ["", "us-east-1", &long[1..], &long] {
            let short = ShortText::<8>::new(text);
            let shared = ShortText::<0>::new(text);
            assert_eq!(short.as_str(), text);
            assert_eq!(&*shared, text);
            assert_eq!(short, ShortText::<8>::from(text.to_owned()));
            assert_eq!(short.is_inline(), text.len() <= 8);
            assert_eq!(hash(&short), hash(&shared));
            assert_eq!(hash(&short), hash(&text));
            assert_eq!(format!("{short:?} {short}"), format!("{text:?} {text}"));
        }
        assert!(!ShortText::<8>::from(long.clone()).is_inline());
    }
}
