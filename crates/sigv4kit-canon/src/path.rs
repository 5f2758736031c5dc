//! The canonical URI: the request path, normalized and percent-encoded.
//!
//! Two AWS rules meet here, and both are options because S3 turns both off:
//! - **Normalization** removes `.` and `..` segments the RFC 3986 way
//!   (section 5.2.4) and collapses repeated slashes, keeping a trailing `/`.
//! - **Double encoding.** The path on the wire is already percent-encoded once;
//!   every service but S3 encodes it once more, so `%20` on the wire becomes
//!   `%2520`. S3 signs the wire path as it is, so without double encoding only
//!   bytes that could not appear on the wire unencoded are escaped.
//!
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>.

use crate::encoding::percent_encode_into;
use crate::sink::Sink;

/// How the path becomes the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRules {
    /// Remove dot segments and collapse repeated slashes.
    pub normalize: bool,
    /// Percent-encode the (already encoded) wire path once more.
    pub double_encode: bool,
}

impl PathRules {
    /// The general rule for every service but S3: normalize and double encode.
    pub const STANDARD: Self = Self {
        normalize: true,
        double_encode: true,
    };
    /// S3's rule: the path is signed as sent.
    pub const S3: Self = Self {
        normalize: false,
        double_encode: false,
    };
}

impl Default for PathRules {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// Writes the canonical URI for `path` (the path as sent, without query).
///
/// `scratch` holds the normalized path so that it is not reallocated per call.
pub fn write_canonical_path(
    path: &[u8],
    rules: PathRules,
    scratch: &mut Vec<u8>,
    sink: &mut impl Sink,
) {
    let path: &[u8] = if rules.normalize {
        normalize_into(path, scratch);
        scratch
    } else if path.is_empty() {
        b"/"
    } else {
        path
    };
    if rules.double_encode {
        percent_encode_into(path, |byte| byte == b'/', sink);
    } else {
        percent_encode_into(path, |byte| byte == b'/' || byte == b'%', sink);
    }
}

/// Writes `path` with dot segments removed and slashes collapsed into `out`.
///
/// The result always starts with `/`, and ends with `/` when the input did
/// and something is left besides the root.
pub fn normalize_into(path: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.push(b'/');
    for segment in path.split(|&byte| byte == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                // Drop the last segment and the slash before it, never the root.
                let keep = out[..out.len() - 1]
                    .iter()
                    .rposition(|&byte| byte == b'/')
                    .map_or(1, |slash| slash + 1);
                out.truncate(keep);
            }
            segment => {
                out.extend_from_slice(segment);
                out.push(b'/');
            }
        }
    }
    // Each kept segment was followed by '/'; drop it unless the input ended with one.
    if out.len() > 1 && path.last() != Some(&b'/') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(path: &str, rules: PathRules) -> String {
        let mut out = Vec::new();
        write_canonical_path(path.as_bytes(), rules, &mut Vec::new(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn normalization_table() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/example/../", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/../c", "/a/c"),
            ("/a/./b/", "/a/b/"),
            ("/../../a", "/a"),
            ("a/b", "/a/b"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("/...", "/..."),
        ];
        for (input, expected) in cases {
            let mut out = Vec::new();
            normalize_into(input.as_bytes(), &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "input {input:?}");
        }
    }

    #[test]
    fn double_encoding_escapes_the_wire_escapes() {
        let cases = [
            ("/example space/", "/example%20space/"),
            ("/a%20b", "/a%2520b"),
            ("/-._~", "/-._~"),
            ("/ሴ", "/%E1%88%B4"),
            ("/a:b@c", "/a%3Ab%40c"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                canonical(input, PathRules::STANDARD),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn s3_rules_sign_the_wire_path_as_sent() {
        let cases = [
            ("/bucket/a%20b", "/bucket/a%20b"),
            ("/bucket//a/./b/../c", "/bucket//a/./b/../c"),
            ("/bucket/with space", "/bucket/with%20space"),
            ("", "/"),
        ];
        for (input, expected) in cases {
            assert_eq!(canonical(input, PathRules::S3), expected, "input {input:?}");
        }
    }
}
