//! Reading the signature a received request carries: the `Authorization`
//! header, or the `X-Amz-*` query parameters of a presigned URL.
//!
//! A verifier trusts nothing it receives, so the parsers here are strict:
//! every parameter must appear once, the algorithm must be one of the two
//! sigv4kit knows, the credential scope must have exactly the shape of its
//! algorithm (`akid/date/region/service/aws4_request` for SigV4, the same
//! without the region for SigV4A), the signed-header list must be lower-case,
//! sorted and free of repeats, and the signature must be hex of the right
//! length. Each rule broken is its own [`AuthorizationError`] variant, and no
//! input makes a parser panic. Spacing in the `Authorization` header is
//! tolerated as AWS tolerates it: `Credential=.., SignedHeaders=..,
//! Signature=..` with any ASCII whitespace around the commas.
//!
//! The formats are AWS's, see
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request>
//! and, for presigned URLs,
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.
//!
//! The parsers check grammar only. Whether the scope, the time and the
//! signature are acceptable is the verifier's business (`sigv4kit-signer`),
//! which also bounds the size of the request before anything here runs.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use arrayvec::ArrayVec;

use crate::auth::signature_query_parameter;
use crate::encoding::{hex_value, percent_decode_into};
use crate::headers::{
    HeaderNames, is_ascii_space, is_token_byte, is_valid_header_name, trim_ascii_space,
    trimmed_range,
};
use crate::query::raw_params;
use crate::recent::Recent;
use crate::request::Request;
use crate::scope::{Algorithm, AmzDate, RegionSet, SCOPE_TERMINATOR, is_scope_char};
#[cfg(doc)]
use crate::scope::{Region, Service};
use crate::words::{EACH, HIGH, bytes_within, eq_lower_case, head_word};

/// The longest raw signature: a DER ECDSA P-256 signature (SigV4A).
pub const MAX_SIGNATURE_BYTES: usize = 72;

/// The length of a raw SigV4 signature (an HMAC-SHA256).
pub const SIGV4_SIGNATURE_BYTES: usize = 32;

/// The shortest DER ECDSA signature: `30 06 02 01 r 02 01 s`.
const MIN_DER_SIGNATURE_BYTES: usize = 8;

/// The most characters of a rejected value an error repeats.
const MAX_ECHO: usize = 64;

/// Why the signature parameters of a request cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// Neither an `Authorization` header nor `X-Amz-*` query parameters.
    #[error(
        "the request carries no signature: no Authorization header and no X-Amz-* query parameters"
    )]
    MissingSignature,
    /// Both an `Authorization` header and `X-Amz-*` query parameters.
    #[error(
        "the request carries a signature both in the Authorization header and in the query ({parameter}); only one is allowed"
    )]
    AmbiguousSignature {
        /// The query parameter found beside the header.
        parameter: String,
    },
    /// A signature parameter, header or query parameter appears twice.
    #[error("{name} appears more than once")]
    DuplicateParameter {
        /// The parameter or header name.
        name: String,
    },
    /// A required signature parameter is missing.
    #[error("{name} is missing")]
    MissingParameter {
        /// The parameter or header name.
        name: &'static str,
    },
    /// The `Authorization` header has a component sigv4kit does not know.
    #[error("unknown Authorization component {name:?}")]
    UnknownParameter {
        /// The component name, shortened.
        name: String,
    },
    /// The algorithm is neither `AWS4-HMAC-SHA256` nor `AWS4-ECDSA-P256-SHA256`.
    #[error("unknown signing algorithm {name:?}")]
    UnknownAlgorithm {
        /// The algorithm as given, shortened.
        name: String,
    },
    /// The `Authorization` header is not `<algorithm> k=v, k=v, k=v`.
    #[error("malformed Authorization header: {reason}")]
    MalformedAuthorization {
        /// What is wrong.
        reason: &'static str,
    },
    /// The credential is not `akid/<scope>` with the algorithm's scope shape.
    #[error("malformed credential scope: {reason}")]
    MalformedCredential {
        /// What is wrong.
        reason: &'static str,
    },
    /// The `X-Amz-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("malformed X-Amz-Date {value:?}")]
    MalformedDate {
        /// The value as given, shortened.
        value: String,
    },
    /// The credential scope's date is not the date of `X-Amz-Date`.
    #[error("the credential scope's date {scope_date} is not the date of X-Amz-Date {amz_date}")]
    ScopeDateMismatch {
        /// The scope's `YYYYMMDD`.
        scope_date: String,
        /// The `X-Amz-Date`.
        amz_date: String,
    },
    /// The signed-header list is empty, unsorted, not lower-case, or holds
    /// something that is not a header name.
    #[error("malformed signed-header list: {reason}")]
    MalformedSignedHeaders {
        /// What is wrong.
        reason: &'static str,
    },
    /// The signed-header list names a header twice.
    #[error("the signed-header list names {name:?} twice")]
    DuplicateSignedHeader {
        /// The repeated name.
        name: String,
    },
    /// The signature is not hex of the algorithm's signature length.
    #[error("malformed signature: {reason}")]
    MalformedSignature {
        /// What is wrong.
        reason: &'static str,
    },
    /// `X-Amz-Expires` is not a positive number of seconds.
    #[error("malformed X-Amz-Expires {value:?}")]
    MalformedExpires {
        /// The value as given, shortened.
        value: String,
    },
    /// The SigV4A region set is empty or malformed.
    #[error("malformed region set {value:?}")]
    MalformedRegionSet {
        /// The value as given, shortened.
        value: String,
    },
    /// A parameter value is not UTF-8 once percent-decoded.
    #[error("{name} is not UTF-8")]
    NotUtf8 {
        /// The parameter or header name.
        name: &'static str,
    },
}

/// The decoded bytes of a signature: 32 for SigV4, a DER signature of at
/// most [`MAX_SIGNATURE_BYTES`] for SigV4A. Stored inline, as a plain array
/// and a length, so that a copy is one block move: an `ArrayVec` clones
/// byte by byte.
#[derive(Clone)]
pub struct SignatureBytes {
    /// The signature in `bytes[..len]`; the rest is zero.
    bytes: [u8; MAX_SIGNATURE_BYTES],
    len: u8,
}

impl SignatureBytes {
    /// Decodes the hex signature of `algorithm` (either case).
    pub fn from_hex(algorithm: Algorithm, hex: &[u8]) -> Result<Self, AuthorizationError> {
        let malformed = |reason| AuthorizationError::MalformedSignature { reason };
        if hex.is_empty() {
            return Err(malformed("it is empty"));
        }
        if !hex.len().is_multiple_of(2) {
            return Err(malformed("it has an odd number of hex digits"));
        }
        let bytes = hex.len() / 2;
        match algorithm {
            Algorithm::Sigv4 if bytes != SIGV4_SIGNATURE_BYTES => {
                return Err(malformed("a SigV4 signature is 64 hex digits"));
            }
            Algorithm::Sigv4a
                if !(MIN_DER_SIGNATURE_BYTES..=MAX_SIGNATURE_BYTES).contains(&bytes) =>
            {
                return Err(malformed(
                    "a SigV4A signature is 16 to 144 hex digits of a DER ECDSA signature",
                ));
            }
            _ => {}
        }
        let mut out = [0u8; MAX_SIGNATURE_BYTES];
        let mut valid = true;
        let words = hex.chunks_exact(16);
        let tail = words.remainder();
        for (bytes, word) in out.chunks_exact_mut(8).zip(words) {
            let (first, second) = word.split_at(8);
            let (first, first_valid) =
                decode_hex_word(u64::from_le_bytes(first.try_into().unwrap_or_default()));
            let (second, second_valid) =
                decode_hex_word(u64::from_le_bytes(second.try_into().unwrap_or_default()));
            valid &= first_valid & second_valid;
            bytes[..4].copy_from_slice(&first);
            bytes[4..].copy_from_slice(&second);
        }
        let mut invalid = 0;
        let decoded_words = (hex.len() - tail.len()) / 2;
        for (byte, pair) in out[decoded_words..].iter_mut().zip(tail.chunks_exact(2)) {
            let (high, low) = (
                HEX_VALUES[usize::from(pair[0])],
                HEX_VALUES[usize::from(pair[1])],
            );
            invalid |= high | low;
            *byte = high << 4 | low;
        }
        if !valid || invalid & NOT_HEX != 0 {
            return Err(malformed("it holds a character that is not a hex digit"));
        }
        let len = u8::try_from(bytes).map_err(|_| malformed("it is too long"))?;
        Ok(Self { bytes: out, len })
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl PartialEq for SignatureBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SignatureBytes {}

impl core::hash::Hash for SignatureBytes {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for SignatureBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignatureBytes(")?;
        for byte in self.as_bytes() {
            write!(f, "{byte:02x}")?;
        }
        f.write_str(")")
    }
}

/// Whether the eight bytes of `word` are all lower-case letters, `-` or
/// `;`: the bytes of nearly every signed-header list, which are checked a
/// word at a time before the byte table takes over.
fn is_plain_list_word(word: u64) -> bool {
    let plain = bytes_within(word, b'a', b'z')
        | bytes_within(word, b'-', b'-')
        | bytes_within(word, b';', b';');
    word & HIGH == 0 && plain == HIGH
}

/// Eight hex digits (either case), read as a little-endian word, decoded
/// into their four bytes, and whether all eight are hex digits: the digits
/// are classified and converted side by side in the word's bytes, in a
/// fixed number of word operations.
fn decode_hex_word(digits: u64) -> ([u8; 4], bool) {
    let digit = bytes_within(digits, b'0', b'9');
    // `| 0x20` maps `A..=F` onto `a..=f`, and nothing else into them.
    let letter = bytes_within(digits | (0x20 * EACH), b'a', b'f');
    let valid = digits & HIGH == 0 && digit | letter == HIGH;
    // A digit's value is its low nibble, a letter's (bit 6 set) nine more.
    let nibbles = (digits & (0x0f * EACH)) + ((digits >> 6) & EACH) * 9;
    // Each pair of nibbles into one byte, then the bytes side by side.
    let pairs = (nibbles & 0x00ff_00ff_00ff_00ff) << 4 | (nibbles >> 8 & 0x00ff_00ff_00ff_00ff);
    let quads = (pairs | pairs >> 8) & 0x0000_ffff_0000_ffff;
    let bytes = quads | quads >> 16;
    let [a, b, c, d, ..] = bytes.to_le_bytes();
    ([a, b, c, d], valid)
}

/// The flag [`HEX_VALUES`] sets for a byte that is not a hex digit.
const NOT_HEX: u8 = 0x10;

/// The value of each byte as a hex digit (either case), [`NOT_HEX`] if it is
/// none: one table lookup per digit, and one check per signature.
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut byte = 0;
    while byte < 256 {
        if let Some(value) = hex_value(byte as u8) {
            table[byte] = value;
        }
        byte += 1;
    }
    table
};

/// A parsed credential: the access key id and the credential scope.
///
/// It borrows the text it was parsed from where it can (an `Authorization`
/// header) and owns it only where the text had to be decoded first (a
/// presigned URL's percent-encoded `X-Amz-Credential`), so that reading a
/// header-signed request allocates nothing. The components are validated
/// when parsed and read back as slices.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential<'a> {
    text: Cow<'a, str>,
    /// Where the access key id ends (at the first `/`).
    access_key_id_end: usize,
    region: Option<Range<usize>>,
    service: Range<usize>,
}

impl<'a> Credential<'a> {
    /// Parses `akid/YYYYMMDD/region/service/aws4_request` (SigV4) or
    /// `akid/YYYYMMDD/service/aws4_request` (SigV4A).
    pub fn parse(
        algorithm: Algorithm,
        text: impl Into<Cow<'a, str>>,
    ) -> Result<Self, AuthorizationError> {
        let text = text.into();
        let layout = CredentialLayout::read(algorithm, text.as_bytes(), false)?;
        Ok(layout.with_text(text))
    }

    /// The access key id, which names the key to verify with.
    pub fn access_key_id(&self) -> &str {
        &self.text[..self.access_key_id_end]
    }

    /// The scope's `YYYYMMDD`.
    pub fn date(&self) -> &str {
        let start = self.access_key_id_end + 1;
        &self.text[start..start + 8]
    }

    /// The scope's region: present for SigV4, absent for SigV4A. Validated as
    /// [`Region::new`] validates.
    pub fn region(&self) -> Option<&str> {
        self.region.clone().map(|range| &self.text[range])
    }

    /// The scope's service, validated as [`Service::new`] validates.
    pub fn service(&self) -> &str {
        &self.text[self.service.clone()]
    }

    /// The credential scope as the string to sign holds it:
    /// `YYYYMMDD[/region]/service/aws4_request`.
    pub fn scope(&self) -> &str {
        &self.text[self.access_key_id_end + 1..]
    }

    /// The whole credential as received (decoded): `akid/` then the scope.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The same credential, owning its text.
    pub fn into_owned(self) -> Credential<'static> {
        Credential {
            text: Cow::Owned(self.text.into_owned()),
            access_key_id_end: self.access_key_id_end,
            region: self.region,
            service: self.service,
        }
    }
}

/// One `/`-separated part of a credential, as [`Credential::parse`] reads it.
struct CredentialPart {
    range: Range<usize>,
    /// The byte classes every byte of the part has.
    all: u8,
    /// The byte classes some byte of the part has.
    any: u8,
}

impl CredentialPart {
    fn starting_at(start: usize) -> Self {
        Self {
            range: start..start,
            all: DIGIT | SCOPE_CHARACTER,
            any: 0,
        }
    }

    /// The rule of [`Region::new`] and [`Service::new`], from the byte classes.
    fn is_scope_component(&self) -> bool {
        !self.range.is_empty() && self.all & SCOPE_CHARACTER != 0
    }
}

/// Where the parts of a credential lie, as [`CredentialLayout::read`] finds
/// them in one pass over its bytes.
#[derive(Debug, Clone)]
struct CredentialLayout {
    /// Where the credential ends: at the end of the text, or at the comma
    /// that ends it in an `Authorization` header.
    end: usize,
    access_key_id_end: usize,
    region: Option<Range<usize>>,
    service: Range<usize>,
}

impl CredentialLayout {
    /// Reads `akid/YYYYMMDD[/region]/service/aws4_request` from `bytes`, to
    /// their end or, with `stop_at_comma`, to their first `,` (which an
    /// access key id may otherwise hold).
    fn read(
        algorithm: Algorithm,
        bytes: &[u8],
        stop_at_comma: bool,
    ) -> Result<Self, AuthorizationError> {
        let malformed = |reason| AuthorizationError::MalformedCredential { reason };
        // One pass over the bytes: each `/`-separated part with the classes
        // all its bytes share and the classes any of them has.
        let mut parts: ArrayVec<CredentialPart, 5> = ArrayVec::new();
        let mut part = CredentialPart::starting_at(0);
        let mut end = bytes.len();
        for (index, &byte) in bytes.iter().enumerate() {
            let class = CREDENTIAL_BYTE_CLASSES[usize::from(byte)];
            if class & SEPARATOR != 0 {
                if byte == b'/' {
                    part.range.end = index;
                    parts
                        .try_push(part)
                        .map_err(|_| malformed("it has too many '/'-separated parts"))?;
                    part = CredentialPart::starting_at(index + 1);
                    continue;
                }
                if stop_at_comma {
                    end = index;
                    break;
                }
            }
            part.all &= class;
            part.any |= class;
        }
        part.range.end = end;
        parts
            .try_push(part)
            .map_err(|_| malformed("it has too many '/'-separated parts"))?;
        let (access_key_id, date, region, service, terminator) = match (algorithm, &parts[..]) {
            (Algorithm::Sigv4, [akid, date, region, service, terminator]) => {
                (akid, date, Some(region), service, terminator)
            }
            (Algorithm::Sigv4a, [akid, date, service, terminator]) => {
                (akid, date, None, service, terminator)
            }
            (Algorithm::Sigv4, _) => {
                return Err(malformed(
                    "a SigV4 credential is akid/date/region/service/aws4_request",
                ));
            }
            (Algorithm::Sigv4a, _) => {
                return Err(malformed(
                    "a SigV4A credential is akid/date/service/aws4_request",
                ));
            }
        };
        if access_key_id.range.is_empty() || access_key_id.any & SPACE_OR_CONTROL != 0 {
            return Err(malformed(
                "the access key id is empty or holds whitespace or a control character",
            ));
        }
        if date.range.len() != 8 || date.all & DIGIT == 0 {
            return Err(malformed("the date is not YYYYMMDD"));
        }
        if &bytes[terminator.range.clone()] != SCOPE_TERMINATOR.as_bytes() {
            return Err(malformed("the scope does not end with aws4_request"));
        }
        if region.is_some_and(|region| !region.is_scope_component()) {
            return Err(malformed(
                "the region is empty or holds characters a region cannot",
            ));
        }
        if !service.is_scope_component() {
            return Err(malformed(
                "the service is empty or holds characters a service cannot",
            ));
        }
        Ok(Self {
            end,
            access_key_id_end: access_key_id.range.end,
            region: region.map(|region| region.range.clone()),
            service: service.range.clone(),
        })
    }

    /// The credential of `text`, the text this layout was read from (up to
    /// [`Self::end`]).
    fn with_text(self, text: Cow<'_, str>) -> Credential<'_> {
        Credential {
            text,
            access_key_id_end: self.access_key_id_end,
            region: self.region,
            service: self.service,
        }
    }
}

/// A byte class of [`CREDENTIAL_BYTE_CLASSES`]: an ASCII digit.
const DIGIT: u8 = 1;
/// A byte class: a character of a region or service.
const SCOPE_CHARACTER: u8 = 2;
/// A byte class: ASCII whitespace or a control character, which an access
/// key id cannot hold.
const SPACE_OR_CONTROL: u8 = 4;
/// A byte class: `/`, which separates the parts of a credential, or `,`,
/// which ends one in an `Authorization` header. No other class has it.
const SEPARATOR: u8 = 8;

/// The classes of each byte, so that a credential is read in one pass.
const CREDENTIAL_BYTE_CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut index = 0;
    while index < 256 {
        let byte = index as u8;
        let mut class = 0;
        if byte.is_ascii_digit() {
            class |= DIGIT;
        }
        if is_scope_char(byte) {
            class |= SCOPE_CHARACTER;
        }
        if byte.is_ascii_whitespace() || byte.is_ascii_control() {
            class |= SPACE_OR_CONTROL;
        }
        if byte == b'/' || byte == b',' {
            class |= SEPARATOR;
        }
        table[index] = class;
        index += 1;
    }
    table
};

impl fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id())
            .field("date", &self.date())
            .field("region", &self.region())
            .field("service", &self.service())
            .finish()
    }
}

/// The bytes of a signed-header list: the token bytes of a header name but
/// the upper-case letters, and the `;` between names.
const SIGNED_HEADER_LIST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = byte == b';' as usize
            || is_token_byte(byte as u8) && !(byte as u8).is_ascii_uppercase();
        byte += 1;
    }
    table
};

/// A received signed-header list: `;`-separated lower-case header names,
/// sorted, each once.
///
/// Like [`Credential`], it borrows the received text where it can, and it is
/// read lazily: a verifier walks it alongside the request's sorted headers
/// instead of building a list of names.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders<'a>(Cow<'a, str>);

impl<'a> SignedHeaders<'a> {
    /// Parses and validates a signed-header list.
    ///
    /// A well-formed list is checked in two tight passes: its bytes against
    /// a table, then each name against the one before. Any fault sends it
    /// to [`Self::fault`], which finds the first rule broken, name by name.
    pub fn parse(text: impl Into<Cow<'a, str>>) -> Result<Self, AuthorizationError> {
        let text = text.into();
        let bytes = text.as_bytes();
        let well_formed = bytes
            .iter()
            .all(|&byte| SIGNED_HEADER_LIST_BYTES[usize::from(byte)])
            && Self::in_order(bytes);
        match well_formed {
            true => Ok(Self(text)),
            false => Err(Self::fault(&text)),
        }
    }

    /// The list at the start of `text`, up to the first byte no list holds
    /// (in an `Authorization` header, the comma after it), and the rest of
    /// `text` from there; `None` for a list [`Self::parse`] refuses.
    fn parse_up_to_comma(text: &'a str) -> Option<(Self, &'a str)> {
        let bytes = text.as_bytes();
        let plain = 8 * bytes
            .chunks_exact(8)
            .take_while(|word| {
                is_plain_list_word(u64::from_le_bytes((*word).try_into().unwrap_or_default()))
            })
            .count();
        let end = plain
            + bytes[plain..]
                .iter()
                .position(|&byte| !SIGNED_HEADER_LIST_BYTES[usize::from(byte)])
                .unwrap_or(bytes.len() - plain);
        // The list's bytes are ASCII: the cut is on a character boundary.
        let (list, rest) = text.split_at_checked(end)?;
        Self::in_order(list.as_bytes()).then_some((Self(Cow::Borrowed(list)), rest))
    }

    /// Whether the `;`-separated names of `bytes`, all of them bytes of a
    /// list, are non-empty, sorted and each there once: the second pass of
    /// [`Self::parse`].
    fn in_order(bytes: &[u8]) -> bool {
        let mut names = bytes.split(|&byte| byte == b';');
        let mut previous = names.next().unwrap_or_default();
        !previous.is_empty()
            && names.all(|name| {
                let in_order = sorts_after(previous, name);
                previous = name;
                in_order
            })
    }

    /// The first rule a list [`Self::parse`] refused breaks.
    #[cold]
    fn fault(text: &str) -> AuthorizationError {
        let malformed = |reason| AuthorizationError::MalformedSignedHeaders { reason };
        if text.is_empty() {
            return malformed("it is empty");
        }
        let mut previous: Option<&str> = None;
        for name in split_at_byte(text, b';') {
            if !is_valid_header_name(name.as_bytes()) {
                return malformed("it holds an empty or invalid header name");
            }
            if name.bytes().any(|byte| byte.is_ascii_uppercase()) {
                return malformed("header names must be lower-case");
            }
            match previous {
                Some(before) if before == name => {
                    return AuthorizationError::DuplicateSignedHeader {
                        name: shorten(name),
                    };
                }
                Some(before) if before > name => {
                    return malformed("header names must be sorted");
                }
                _ => {}
            }
            previous = Some(name);
        }
        // Every refusal of `parse` is one of the above; a generic reason
        // rather than a panic should they ever drift apart.
        malformed("it is not a sorted list of lower-case header names")
    }

    /// The list as received, e.g. `host;x-amz-date`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The length of the list as received, in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list is empty; never true for a parsed list.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, lower-case, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        split_at_byte(&self.0, b';')
    }

    /// Whether `name` is in the list, ignoring ASCII case.
    pub fn contains(&self, name: &[u8]) -> bool {
        self.iter().any(|listed| {
            listed.len() == name.len() && listed.as_bytes().eq_ignore_ascii_case(name)
        })
    }

    /// The names as a [`HeaderNames`], e.g. to keep them past the request.
    ///
    /// A list too long to be held inline is shared with the same list read
    /// recently on this thread ([`LONG_LISTS`]): a server keeps the list of
    /// each request it verifies, and its clients send the same few lists
    /// over and over.
    pub fn to_header_names(&self) -> HeaderNames {
        let list = self.as_str();
        if list.len() <= HeaderNames::INLINE {
            return HeaderNames::from_validated_list(list);
        }
        LONG_LISTS
            .try_with(|lists| {
                let mut lists = lists.try_borrow_mut().ok()?;
                if let Some(names) = lists.find(|names| names.as_list() == list) {
                    return Some(names.clone());
                }
                let names = HeaderNames::from_validated_list(list);
                lists.remember(|| names.clone(), |oldest| *oldest = names.clone());
                Some(names)
            })
            .ok()
            .flatten()
            // The thread is exiting and its memo is gone.
            .unwrap_or_else(|| HeaderNames::from_validated_list(list))
    }

    /// The same list, owning its text.
    pub fn into_owned(self) -> SignedHeaders<'static> {
        SignedHeaders(Cow::Owned(self.0.into_owned()))
    }
}

/// Whether the header name `name` sorts after `previous`: decided by their
/// first eight bytes as big-endian words when those differ, as they do for
/// most neighbours in a list, and by the bytes otherwise. A name shorter
/// than eight bytes is padded with zeros, which no name holds, so that it
/// sorts before the names it starts.
fn sorts_after(previous: &[u8], name: &[u8]) -> bool {
    match head_word(previous).cmp(&head_word(name)) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => previous < name,
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The three components of an `Authorization` header, validated, borrowed
/// from the header's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader<'a> {
    /// The algorithm named first.
    pub algorithm: Algorithm,
    /// `Credential=`.
    pub credential: Credential<'a>,
    /// `SignedHeaders=`.
    pub signed_headers: SignedHeaders<'a>,
    /// `Signature=`, decoded.
    pub signature: SignatureBytes,
}

/// Parses an `Authorization` header value:
/// `<algorithm> Credential=<akid>/<scope>, SignedHeaders=<list>, Signature=<hex>`.
#[inline]
pub fn parse_authorization_header(
    value: &[u8],
) -> Result<AuthorizationHeader<'_>, AuthorizationError> {
    match sdk_authorization_header(value) {
        Some(header) => Ok(header),
        None => general_authorization_header(value),
    }
}

/// [`parse_authorization_header`] for any layout AWS accepts, naming the
/// first fault.
fn general_authorization_header(
    value: &[u8],
) -> Result<AuthorizationHeader<'_>, AuthorizationError> {
    let malformed = |reason| AuthorizationError::MalformedAuthorization { reason };
    let text = std::str::from_utf8(value).map_err(|_| malformed("it is not UTF-8"))?;
    let text = trim_str(text);
    if text.is_empty() {
        return Err(malformed("it is empty"));
    }
    let split = text.bytes().position(is_ascii_space).ok_or_else(|| {
        malformed("it is not '<algorithm> Credential=.., SignedHeaders=.., Signature=..'")
    })?;
    let (name, rest) = text.split_at(split);
    let algorithm =
        Algorithm::from_wire_name(name).ok_or_else(|| AuthorizationError::UnknownAlgorithm {
            name: shorten(name),
        })?;
    let (credential, signed_headers, signature) = general_layout(rest)?;
    Ok(AuthorizationHeader {
        algorithm,
        credential: Credential::parse(algorithm, credential)?,
        signed_headers: SignedHeaders::parse(signed_headers)?,
        signature: SignatureBytes::from_hex(algorithm, signature.as_bytes())?,
    })
}

/// An `Authorization` header laid out as every SDK lays it out,
/// `<algorithm> Credential=<v>, SignedHeaders=<v>, Signature=<v>`, read the
/// short way: three literal prefixes, and each value validated in the same
/// pass that finds its end, with no search for the commas ahead. `None` for
/// any other layout and for any value that breaks a rule, which
/// [`parse_authorization_header`] then reads the general way, to accept it
/// or to name the fault.
///
/// Whatever this accepts, the general reading ([`general_layout`]) reads
/// the same: a valid credential ends with `aws4_request` and starts with an
/// access key id free of whitespace, a valid list holds neither whitespace
/// nor `,`, and a valid signature is hex, so there is nothing to trim and no
/// other comma to cut at.
///
/// A client sends the same credential and signed-header list on request
/// after request, so everything before the signature is usually the text
/// of the last header this thread read: then its layout is taken from
/// [`SDK_HEADER_LAYOUTS`] and only the signature is read.
#[inline]
fn sdk_authorization_header(value: &[u8]) -> Option<AuthorizationHeader<'_>> {
    // `try_with`: a thread that is exiting has no memo, and reads afresh.
    let remembered = SDK_HEADER_LAYOUTS
        .try_with(|layouts| layouts.try_borrow_mut().ok()?.find(value))
        .ok()
        .flatten();
    // The text before the signature is checked as UTF-8 in one pass, which
    // costs less than a pass over each value read as text; the signature is
    // checked as hex. A layout read afresh checks the whole value once.
    let (layout, before_signature) = match remembered {
        Some(layout) => {
            let before_signature =
                std::str::from_utf8(value.get(..layout.signature_start)?).ok()?;
            (layout, before_signature)
        }
        None => {
            let text = std::str::from_utf8(value).ok()?;
            let layout = SdkHeaderLayout::read(text)?;
            let _exiting = SDK_HEADER_LAYOUTS.try_with(|layouts| {
                if let Ok(mut layouts) = layouts.try_borrow_mut() {
                    layouts.remember(value, &layout);
                }
            });
            let before_signature = text.get(..layout.signature_start)?;
            (layout, before_signature)
        }
    };
    let text = |range: Range<usize>| before_signature.get(range);
    let credential_end = layout.credential_start + layout.credential.end;
    Some(AuthorizationHeader {
        algorithm: layout.algorithm,
        credential: layout.credential.with_text(Cow::Borrowed(text(
            layout.credential_start..credential_end,
        )?)),
        signed_headers: SignedHeaders(Cow::Borrowed(text(layout.signed_headers)?)),
        signature: SignatureBytes::from_hex(layout.algorithm, value.get(layout.signature_start..)?)
            .ok()?,
    })
}

thread_local! {
    /// The signed-header lists too long to be held inline that this thread
    /// answered with last. They hold no secret: header names.
    static LONG_LISTS: RefCell<Recent<HeaderNames, 8>> = const { RefCell::new(Recent::new()) };

    /// The SDK-layout headers this thread read last. They hold no secret:
    /// access key ids, scopes and lists of header names.
    static SDK_HEADER_LAYOUTS: RefCell<RememberedLayouts> =
        const { RefCell::new(RememberedLayouts::new()) };
}

/// The text before the signature of the last few SDK-layout headers read,
/// and where their parts lie: a server's thread reads the requests of
/// several clients in turn, each with its own credential and list.
struct RememberedLayouts {
    /// Each header's text before the signature, and its layout.
    layouts: Recent<(Vec<u8>, SdkHeaderLayout), { RememberedLayouts::PLACES }>,
}

impl RememberedLayouts {
    /// How many layouts are remembered.
    const PLACES: usize = 8;

    const fn new() -> Self {
        Self {
            layouts: Recent::new(),
        }
    }

    /// The layout of `value`, if the text before its signature is one of
    /// those remembered.
    #[inline]
    fn find(&mut self, value: &[u8]) -> Option<SdkHeaderLayout> {
        // The end of the text before the signature, the end of the signed
        // list, is compared first: clients with the same credential differ
        // there, so most places are passed over after one short comparison.
        let holds = |(before_signature, _): &(Vec<u8>, SdkHeaderLayout)| {
            let end = before_signature.len();
            let tail = end.saturating_sub(16)..end;
            value.get(tail.clone()) == before_signature.get(tail)
                && value.starts_with(before_signature)
        };
        self.layouts.find(holds).map(|(_, layout)| layout.clone())
    }

    /// Remembers `layout`, read from `value`.
    fn remember(&mut self, value: &[u8], layout: &SdkHeaderLayout) {
        let Some(before_signature) = value.get(..layout.signature_start) else {
            return;
        };
        self.layouts.remember(
            || (before_signature.to_vec(), layout.clone()),
            |(text, remembered)| {
                text.clear();
                text.extend_from_slice(before_signature);
                *remembered = layout.clone();
            },
        );
    }
}

/// Where the parts of an SDK-layout `Authorization` header lie in it: the
/// same for every header with the same text before its signature.
#[derive(Debug, Clone)]
struct SdkHeaderLayout {
    algorithm: Algorithm,
    credential_start: usize,
    /// The credential's parts, from `credential_start`.
    credential: CredentialLayout,
    signed_headers: Range<usize>,
    signature_start: usize,
}

impl SdkHeaderLayout {
    fn read(text: &str) -> Option<Self> {
        let (algorithm, rest) = match text.strip_prefix("AWS4-HMAC-SHA256 Credential=") {
            Some(rest) => (Algorithm::Sigv4, rest),
            None => (
                Algorithm::Sigv4a,
                text.strip_prefix("AWS4-ECDSA-P256-SHA256 Credential=")?,
            ),
        };
        let offset = |rest: &str| text.len() - rest.len();
        let credential_start = offset(rest);
        let credential = CredentialLayout::read(algorithm, rest.as_bytes(), true).ok()?;
        let rest = rest.get(credential.end..)?;
        let list_start = offset(rest.strip_prefix(", SignedHeaders=")?);
        let (_, rest) = SignedHeaders::parse_up_to_comma(&text[list_start..])?;
        let list_end = offset(rest);
        let signature_start = offset(rest.strip_prefix(", Signature=")?);
        Some(Self {
            algorithm,
            credential_start,
            credential,
            signed_headers: list_start..list_end,
            signature_start,
        })
    }
}

/// The values of the `Credential`, `SignedHeaders` and `Signature`
/// components after the algorithm, in any order, with any whitespace around
/// the commas and the `=`; each must appear once.
fn general_layout(rest: &str) -> Result<(&str, &str, &str), AuthorizationError> {
    let malformed = |reason| AuthorizationError::MalformedAuthorization { reason };
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    // `str::split` finds the commas with `memchr`: the components are long.
    for component in rest.split(',') {
        let component = trim_str(component);
        if component.is_empty() {
            return Err(malformed("it has an empty component"));
        }
        let equals = component
            .bytes()
            .position(|byte| byte == b'=')
            .ok_or_else(|| malformed("a component is not key=value"))?;
        let key = trim_str(&component[..equals]);
        let component_value = trim_str(&component[equals + 1..]);
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => {
                return Err(AuthorizationError::UnknownParameter {
                    name: shorten(other),
                });
            }
        };
        if slot.replace(component_value).is_some() {
            return Err(AuthorizationError::DuplicateParameter {
                name: key.to_owned(),
            });
        }
    }
    let missing = |name| move || AuthorizationError::MissingParameter { name };
    let credential = credential.ok_or_else(missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(missing("Signature"))?;
    Ok((credential, signed_headers, signature))
}

/// Where a received signature was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the `Authorization` header.
    Header,
    /// In the query of a presigned URL.
    Query {
        /// `X-Amz-Expires`: seconds from `X-Amz-Date` the URL is valid for.
        expires_seconds: u64,
    },
}

/// Everything a received request says about its signature, validated.
///
/// It borrows from the request: the credential, the signed-header list and
/// the session token are slices of the `Authorization` header and the other
/// headers, so that reading a header-signed SigV4 request allocates nothing.
/// Only values that must be decoded first (a presigned URL's
/// percent-encoded parameters) and the SigV4A region set are owned.
/// [`RequestSignature::into_owned`] detaches it from the request.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestSignature<'a> {
    /// The algorithm, which chooses the verifier.
    pub algorithm: Algorithm,
    /// The access key id and the credential scope.
    pub credential: Credential<'a>,
    /// The names the signature covers.
    pub signed_headers: SignedHeaders<'a>,
    /// The signature, decoded.
    pub signature: SignatureBytes,
    /// `X-Amz-Date`; its date is the scope's date.
    pub date: AmzDate,
    /// The SigV4A region set (`X-Amz-Region-Set`); `None` for SigV4.
    pub region_set: Option<RegionSet>,
    /// `X-Amz-Security-Token`, if sent.
    pub security_token: Option<Cow<'a, str>>,
    /// Header or presigned URL.
    pub placement: Placement,
}

/// The headers that carry a header signature, found in one pass.
#[derive(Default)]
struct SignatureHeaders<'r> {
    authorization: Option<&'r [u8]>,
    date: Option<&'r [u8]>,
    region_set: Option<&'r [u8]>,
    security_token: Option<&'r [u8]>,
}

impl<'r> SignatureHeaders<'r> {
    /// Reads them from `request`; any of them twice is an error.
    #[inline]
    fn of(request: &Request<'r>) -> Result<Self, AuthorizationError> {
        let mut found = Self::default();
        for header in request.headers {
            let slot = match header.name.len() {
                13 if eq_lower_case(header.name, b"authorization") => {
                    (&mut found.authorization, "Authorization")
                }
                10 if eq_lower_case(header.name, b"x-amz-date") => (&mut found.date, "X-Amz-Date"),
                16 if eq_lower_case(header.name, b"x-amz-region-set") => {
                    (&mut found.region_set, "X-Amz-Region-Set")
                }
                20 if eq_lower_case(header.name, b"x-amz-security-token") => {
                    (&mut found.security_token, "X-Amz-Security-Token")
                }
                _ => continue,
            };
            if slot.0.replace(header.value).is_some() {
                return Err(AuthorizationError::DuplicateParameter {
                    name: slot.1.to_owned(),
                });
            }
        }
        Ok(found)
    }
}

impl<'a> RequestSignature<'a> {
    /// Reads the signature of `request`, from its `Authorization` header or
    /// from its query, whichever it has; both is an error.
    #[inline]
    pub fn from_request(request: &Request<'a>) -> Result<Self, AuthorizationError> {
        let headers = SignatureHeaders::of(request)?;
        let query_parameter =
            raw_params(request.query).find_map(|(key, _)| signature_query_parameter(key));
        match (headers.authorization, query_parameter) {
            (Some(_), Some(parameter)) => Err(AuthorizationError::AmbiguousSignature {
                parameter: parameter.to_owned(),
            }),
            (None, None) => Err(AuthorizationError::MissingSignature),
            (None, Some(_)) => parse_presigned_query(request.query),
            (Some(value), None) => Self::from_header(value, &headers),
        }
    }

    #[inline]
    fn from_header(
        value: &'a [u8],
        headers: &SignatureHeaders<'a>,
    ) -> Result<Self, AuthorizationError> {
        let header = parse_authorization_header(value)?;
        let date = headers
            .date
            .ok_or(AuthorizationError::MissingParameter { name: "X-Amz-Date" })?;
        let date = parse_date(trim_ascii_space(date))?;
        let region_set = match header.algorithm {
            Algorithm::Sigv4 => None,
            Algorithm::Sigv4a => {
                let value = headers
                    .region_set
                    .ok_or(AuthorizationError::MissingParameter {
                        name: "X-Amz-Region-Set",
                    })?;
                Some(parse_region_set(trim_ascii_space(value))?)
            }
        };
        let security_token = headers
            .security_token
            .map(|token| {
                std::str::from_utf8(trim_ascii_space(token))
                    .map(Cow::Borrowed)
                    .map_err(|_| AuthorizationError::NotUtf8 {
                        name: "X-Amz-Security-Token",
                    })
            })
            .transpose()?;
        Self::check_matching_dates(&header.credential, &date)?;
        Ok(Self {
            algorithm: header.algorithm,
            credential: header.credential,
            signed_headers: header.signed_headers,
            signature: header.signature,
            date,
            region_set,
            security_token,
            placement: Placement::Header,
        })
    }

    /// The scope's date must be the date of `X-Amz-Date`: the string to sign
    /// holds both, and a scope is only built from one. Checked before the
    /// signature is assembled, which saves moving it.
    fn check_matching_dates(
        credential: &Credential<'_>,
        date: &AmzDate,
    ) -> Result<(), AuthorizationError> {
        if credential.date() != date.date() {
            return Err(AuthorizationError::ScopeDateMismatch {
                scope_date: credential.date().to_owned(),
                amz_date: date.as_str().to_owned(),
            });
        }
        Ok(())
    }

    /// Whether the signature came in the query of a presigned URL.
    pub fn is_presigned(&self) -> bool {
        matches!(self.placement, Placement::Query { .. })
    }

    /// The same signature, owning everything it borrowed from the request.
    pub fn into_owned(self) -> RequestSignature<'static> {
        RequestSignature {
            algorithm: self.algorithm,
            credential: self.credential.into_owned(),
            signed_headers: self.signed_headers.into_owned(),
            signature: self.signature,
            date: self.date,
            region_set: self.region_set,
            security_token: self
                .security_token
                .map(|token| Cow::Owned(token.into_owned())),
            placement: self.placement,
        }
    }
}

impl fmt::Debug for RequestSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSignature")
            .field("algorithm", &self.algorithm)
            .field("credential", &self.credential)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .field("date", &self.date)
            .field("region_set", &self.region_set)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("placement", &self.placement)
            .finish()
    }
}

/// The presigned-URL parameters, in the order of
/// [`SIGNATURE_QUERY_PARAMETERS`](crate::auth::SIGNATURE_QUERY_PARAMETERS).
const ALGORITHM: usize = 0;
const CREDENTIAL: usize = 1;
const DATE: usize = 2;
const EXPIRES: usize = 3;
const SIGNED_HEADERS: usize = 4;
const SECURITY_TOKEN: usize = 5;
const REGION_SET: usize = 6;
const SIGNATURE: usize = 7;

/// Parses the `X-Amz-*` parameters of a presigned URL's raw query (without
/// the `?`). Other parameters are ignored; each `X-Amz-*` one must appear
/// once, names compared without regard to case. A value with no `%` escape
/// is borrowed from the query; an escaped one is decoded into its own text.
pub fn parse_presigned_query(query: &[u8]) -> Result<RequestSignature<'_>, AuthorizationError> {
    let names = crate::auth::SIGNATURE_QUERY_PARAMETERS;
    let mut values: [Option<Cow<'_, str>>; 8] = Default::default();
    for (raw_key, raw_value) in raw_params(query) {
        let Some(name) = signature_query_parameter(raw_key) else {
            continue;
        };
        let index = names
            .iter()
            .position(|known| *known == name)
            .unwrap_or(ALGORITHM);
        if values[index].is_some() {
            return Err(AuthorizationError::DuplicateParameter {
                name: name.to_owned(),
            });
        }
        let not_utf8 = AuthorizationError::NotUtf8 { name };
        let text = if raw_value.contains(&b'%') {
            let mut decoded = Vec::with_capacity(raw_value.len());
            percent_decode_into(raw_value, &mut decoded);
            Cow::Owned(String::from_utf8(decoded).map_err(|_| not_utf8)?)
        } else {
            Cow::Borrowed(std::str::from_utf8(raw_value).map_err(|_| not_utf8)?)
        };
        values[index] = Some(text);
    }
    if values.iter().all(Option::is_none) {
        return Err(AuthorizationError::MissingSignature);
    }
    let mut take = |index: usize| {
        values[index]
            .take()
            .ok_or(AuthorizationError::MissingParameter { name: names[index] })
    };
    let algorithm_name = take(ALGORITHM)?;
    let algorithm = Algorithm::from_wire_name(&algorithm_name).ok_or_else(|| {
        AuthorizationError::UnknownAlgorithm {
            name: shorten(&algorithm_name),
        }
    })?;
    let credential = Credential::parse(algorithm, take(CREDENTIAL)?)?;
    let date = parse_date(take(DATE)?.as_bytes())?;
    let expires_seconds = parse_expires(&take(EXPIRES)?)?;
    let signed_headers = SignedHeaders::parse(take(SIGNED_HEADERS)?)?;
    let signature = SignatureBytes::from_hex(algorithm, take(SIGNATURE)?.as_bytes())?;
    let region_set = match algorithm {
        Algorithm::Sigv4 => None,
        Algorithm::Sigv4a => Some(parse_region_set(take(REGION_SET)?.as_bytes())?),
    };
    let security_token = values[SECURITY_TOKEN].take();
    RequestSignature::check_matching_dates(&credential, &date)?;
    Ok(RequestSignature {
        algorithm,
        credential,
        signed_headers,
        signature,
        date,
        region_set,
        security_token,
        placement: Placement::Query { expires_seconds },
    })
}

/// The raw query without its `X-Amz-Signature` parameter: what a presigned
/// URL's canonical query is computed from. Other pieces stay as sent, in
/// order; empty pieces are dropped, as canonicalization drops them anyway.
pub fn query_without_signature(query: &[u8]) -> Vec<u8> {
    query_without(query, &["X-Amz-Signature"])
}

/// The raw query without `X-Amz-Signature` and `X-Amz-Security-Token`: the
/// canonical query of a presigned URL whose session token was added after
/// signing, as some services (AWS IoT) require.
pub fn query_without_signature_and_session_token(query: &[u8]) -> Vec<u8> {
    query_without(query, &["X-Amz-Signature", "X-Amz-Security-Token"])
}

fn query_without(query: &[u8], left_out: &[&str]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(query.len());
    for piece in query
        .split(|&byte| byte == b'&')
        .filter(|piece| !piece.is_empty())
    {
        let key = piece
            .iter()
            .position(|&byte| byte == b'=')
            .map_or(piece, |equals| &piece[..equals]);
        if signature_query_parameter(key).is_some_and(|name| left_out.contains(&name)) {
            continue;
        }
        if !kept.is_empty() {
            kept.push(b'&');
        }
        kept.extend_from_slice(piece);
    }
    kept
}

fn parse_date(value: &[u8]) -> Result<AmzDate, AuthorizationError> {
    let malformed = || AuthorizationError::MalformedDate {
        value: shorten(&String::from_utf8_lossy(value)),
    };
    AmzDate::parse_amz_bytes(value).map_err(|_| malformed())
}

fn parse_expires(text: &str) -> Result<u64, AuthorizationError> {
    let malformed = || AuthorizationError::MalformedExpires {
        value: shorten(text),
    };
    // Ten digits hold any u32; more is not an expiry anyone means.
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(malformed());
    }
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(malformed()),
        Ok(seconds) => Ok(seconds),
    }
}

fn parse_region_set(value: &[u8]) -> Result<RegionSet, AuthorizationError> {
    let malformed = || AuthorizationError::MalformedRegionSet {
        value: shorten(&String::from_utf8_lossy(value)),
    };
    let text = std::str::from_utf8(value).map_err(|_| malformed())?;
    RegionSet::parse(text).map_err(|_| malformed())
}

/// The pieces of `text` between the bytes `separator` (an ASCII byte, so
/// every cut is a character boundary): `str::split` without the general
/// pattern machinery, which costs more than these short texts.
fn split_at_byte(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let rest = &text.as_bytes()[from..];
        let (end, next) = match rest.iter().position(|&byte| byte == separator) {
            Some(offset) => (from + offset, Some(from + offset + 1)),
            None => (text.len(), None),
        };
        start = next;
        Some(&text[from..end])
    })
}

/// `text` without its leading and trailing ASCII whitespace. The cuts fall
/// next to ASCII bytes, always on character boundaries.
fn trim_str(text: &str) -> &str {
    &text[trimmed_range(text.as_bytes())]
}

/// At most [`MAX_ECHO`] characters of `text`, so that an error never repeats
/// a huge input.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Header;
    use crate::scope::is_scope_component;

    const V4: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    const V4A_SIGNATURE: &str = "3045022100a28466db6c76223d5aa6ed436a8451b30e21ba0a076e7f2f943dd1f3d2816249022049e4b3746929cd2a2cb7b7984dbe0f5d40a300e7d9a7a7f1307c196b6f96b61a";

    #[test]
    fn a_suite_authorization_header_parses() {
        let parsed = parse_authorization_header(V4.as_bytes()).unwrap();
        assert_eq!(parsed.algorithm, Algorithm::Sigv4);
        assert_eq!(parsed.credential.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(parsed.credential.date(), "20150830");
        assert_eq!(parsed.credential.region(), Some("us-east-1"));
        assert_eq!(parsed.credential.service(), "service");
        assert_eq!(
            parsed.credential.scope(),
            "20150830/us-east-1/service/aws4_request"
        );
        assert!(
            matches!(
                parsed.credential,
                Credential {
                    text: Cow::Borrowed(_),
                    ..
                }
            ),
            "a header's credential is borrowed, not copied"
        );
        assert_eq!(
            parsed.signed_headers.iter().collect::<Vec<_>>(),
            ["host", "x-amz-date"]
        );
        assert_eq!(parsed.signature.as_bytes().len(), 32);
    }

    #[test]
    fn the_sdk_layout_is_taken_the_short_way() {
        let short = sdk_authorization_header(V4.as_bytes()).unwrap();
        assert_eq!(general_authorization_header(V4.as_bytes()), Ok(short));
        let signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let credential = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
        for other in [
            format!(
                "  AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature={signature}"
            ),
            format!(
                "AWS4-HMAC-SHA256  Credential={credential}, SignedHeaders=host, Signature={signature}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential},SignedHeaders=host, Signature={signature}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature={signature},"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature={signature} "
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential} , SignedHeaders=host, Signature={signature}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host , Signature={signature}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential}, Signature={signature}, SignedHeaders=host"
            ),
            format!("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature={signature}"),
            format!(
                "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=Host, Signature={signature}"
            ),
            format!("AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=abcd"),
        ] {
            assert_eq!(
                sdk_authorization_header(other.as_bytes()),
                None,
                "{other:?}"
            );
        }
    }

    /// Signatures well formed and not.
    const SIGNATURES: [&str; 5] = [
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        "5FA00FA31553B73EBF1942676E86291E8372FF2A2260956D9B8AAE1D763FBF31",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31 ",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fb,31",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3",
    ];

    proptest::proptest! {
        /// Wherever the short way applies, the general reading finds the
        /// same header.
        #[test]
        fn the_sdk_layout_agrees_with_the_general_one(
            access_key_id in "[A-Za-z0-9,=; \t\u{e9}]{0,6}",
            region in "[a-z0-9, -]{0,4}",
            terminator in proptest::sample::select(
                vec!["aws4_request", "aws4_request ", "aws4_request,x", "aws4_reques"],
            ),
            list in "[a-zA-Z;, =-]{0,10}",
            signature in proptest::sample::select(SIGNATURES.to_vec()),
            first in proptest::sample::select(vec![" ", " ", "  ", "\t"]),
            between in proptest::array::uniform2(proptest::sample::select(
                vec![", ", ", ", ",", " , ", ",\t"],
            )),
        ) {
            let header = |signature: &str| format!(
                "AWS4-HMAC-SHA256{first}Credential={access_key_id}/20150830/{region}/service/{terminator}{}SignedHeaders={list}{}Signature={signature}",
                between[0], between[1]
            );
            // The same text before the signature, read again with each
            // signature, is taken from the last header's layout.
            for signature in [signature, SIGNATURES[0], SIGNATURES[2], SIGNATURES[4]] {
                let header = header(signature);
                if let Some(short) = sdk_authorization_header(header.as_bytes()) {
                    proptest::prop_assert_eq!(
                        general_authorization_header(header.as_bytes()),
                        Ok(short)
                    );
                }
            }
        }

        /// Headers that share the text before the signature, or part of
        /// it, read one after the other as when they are read afresh.
        #[test]
        fn a_remembered_layout_reads_as_a_fresh_reading(
            headers in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["AKIDEXAMPLE", "AKID", "AKIDEXAMPLE2"]),
                    proptest::sample::select(vec!["us-east-1", "us-east-12", "eu-west-1"]),
                    proptest::sample::select(vec!["host;x-amz-date", "host;x-amz-dat", "host", "host;x-amz-date;"]),
                    proptest::sample::select(SIGNATURES.to_vec()),
                ),
                1..40,
            ),
        ) {
            for (access_key_id, region, list, signature) in headers {
                let header = format!(
                    "AWS4-HMAC-SHA256 Credential={access_key_id}/20150830/{region}/service/aws4_request, SignedHeaders={list}, Signature={signature}"
                );
                let read = parse_authorization_header(header.as_bytes());
                proptest::prop_assert_eq!(&read, &general_authorization_header(header.as_bytes()));
                if let Ok(read) = read {
                    proptest::prop_assert_eq!(read.credential.access_key_id(), access_key_id);
                    proptest::prop_assert_eq!(read.credential.region(), Some(region));
                    proptest::prop_assert_eq!(read.signed_headers.as_str(), list);
                }
            }
        }
    }

    /// `count` sorted names tagged `tag`, as a signed-header list.
    fn list_of(count: usize, tag: &str) -> String {
        let mut names: Vec<String> = (0..count).map(|i| format!("x-amz-{tag}-{i:02}")).collect();
        names.sort();
        names.join(";")
    }

    #[test]
    fn long_signed_header_lists_answer_as_read_in_any_order() {
        let short = list_of(2, "a");
        let long_a = list_of(12, "a");
        let long_b = list_of(12, "b");
        assert!(short.len() <= HeaderNames::INLINE);
        assert!(long_a.len() > HeaderNames::INLINE && long_b.len() > HeaderNames::INLINE);
        for text in [&long_a, &long_a, &short, &long_b, &long_a, &long_b, &long_b] {
            let names = SignedHeaders::parse(text.as_str())
                .unwrap()
                .to_header_names();
            assert_eq!(names.as_list(), text.as_str());
            assert_eq!(names, HeaderNames::from_validated_list(text), "{text}");
        }
    }

    #[test]
    fn the_long_lists_of_several_clients_in_turn_are_each_shared() {
        let lists: Vec<String> = (0..3)
            .map(|client| list_of(12, &format!("c{client}")))
            .collect();
        let names_of = |list: &str| SignedHeaders::parse(list).unwrap().to_header_names();
        // Held, so that a copy made afresh could not take their addresses.
        let first: Vec<HeaderNames> = lists.iter().map(|list| names_of(list)).collect();
        for _ in 0..2 {
            for (list, first) in lists.iter().zip(&first) {
                let again = names_of(list);
                assert_eq!(
                    again.as_list().as_ptr(),
                    first.as_list().as_ptr(),
                    "{list} is shared, not copied"
                );
            }
        }
    }

    #[test]
    fn the_last_few_layouts_are_remembered_and_the_oldest_give_way() {
        let header = |index: usize| {
            format!(
                "AWS4-HMAC-SHA256 Credential=AKID{index}/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature={}",
                SIGNATURES[0]
            )
        };
        // Three clients in turn are each served from memory.
        let mut layouts = RememberedLayouts::new();
        for index in 0..3 {
            let text = header(index);
            layouts.remember(text.as_bytes(), &SdkHeaderLayout::read(&text).unwrap());
        }
        for index in [0, 1, 2, 0] {
            assert!(layouts.find(header(index).as_bytes()).is_some(), "{index}");
        }
        let mut layouts = RememberedLayouts::new();
        let places = RememberedLayouts::PLACES;
        for index in 0..places + 2 {
            let text = header(index);
            assert!(layouts.find(text.as_bytes()).is_none(), "{index}");
            let layout = SdkHeaderLayout::read(&text).unwrap();
            layouts.remember(text.as_bytes(), &layout);
        }
        // The two oldest gave their places to the two newest.
        for index in 0..places + 2 {
            let found = layouts.find(header(index).as_bytes());
            assert_eq!(found.is_some(), index >= 2, "{index}");
            if let Some(found) = found {
                assert_eq!(
                    found.signature_start,
                    SdkHeaderLayout::read(&header(index))
                        .unwrap()
                        .signature_start
                );
            }
        }
    }

    #[test]
    fn spacing_is_tolerated_as_aws_tolerates_it() {
        let spaced = "  AWS4-HMAC-SHA256   Credential = AKIDEXAMPLE/20150830/us-east-1/service/aws4_request ,SignedHeaders=host;x-amz-date,\tSignature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31 ";
        assert_eq!(
            parse_authorization_header(spaced.as_bytes()),
            parse_authorization_header(V4.as_bytes())
        );
    }

    #[test]
    fn malformed_authorization_headers_table() {
        let sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let cred = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
        let cases: Vec<(String, AuthorizationError)> = vec![
            (
                String::new(),
                AuthorizationError::MalformedAuthorization {
                    reason: "it is empty",
                },
            ),
            (
                format!("AWS4-HMAC-SHA1 {cred}, SignedHeaders=host, Signature={sig}"),
                AuthorizationError::UnknownAlgorithm {
                    name: "AWS4-HMAC-SHA1".into(),
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, {cred}, SignedHeaders=host, Signature={sig}"),
                AuthorizationError::DuplicateParameter {
                    name: "Credential".into(),
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, Signature={sig}"),
                AuthorizationError::MissingParameter {
                    name: "SignedHeaders",
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host, Signature={sig}, Extra=1"),
                AuthorizationError::UnknownParameter {
                    name: "Extra".into(),
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred},, SignedHeaders=host, Signature={sig}"),
                AuthorizationError::MalformedAuthorization {
                    reason: "it has an empty component",
                },
            ),
            (
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host, Signature={sig}"
                ),
                AuthorizationError::MalformedCredential {
                    reason: "a SigV4 credential is akid/date/region/service/aws4_request",
                },
            ),
            (
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/service/aws4_request, SignedHeaders=host, Signature={sig}"
                ),
                AuthorizationError::MalformedCredential {
                    reason: "the date is not YYYYMMDD",
                },
            ),
            (
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, SignedHeaders=host, Signature={sig}"
                ),
                AuthorizationError::MalformedCredential {
                    reason: "the scope does not end with aws4_request",
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=x-amz-date;host, Signature={sig}"),
                AuthorizationError::MalformedSignedHeaders {
                    reason: "header names must be sorted",
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;host, Signature={sig}"),
                AuthorizationError::DuplicateSignedHeader {
                    name: "host".into(),
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=Host, Signature={sig}"),
                AuthorizationError::MalformedSignedHeaders {
                    reason: "header names must be lower-case",
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;;x, Signature={sig}"),
                AuthorizationError::MalformedSignedHeaders {
                    reason: "it holds an empty or invalid header name",
                },
            ),
            (
                format!(
                    "AWS4-HMAC-SHA256 {cred}, SignedHeaders=host, Signature={}",
                    &sig[1..]
                ),
                AuthorizationError::MalformedSignature {
                    reason: "it has an odd number of hex digits",
                },
            ),
            (
                format!(
                    "AWS4-HMAC-SHA256 {cred}, SignedHeaders=host, Signature={}zz",
                    &sig[2..]
                ),
                AuthorizationError::MalformedSignature {
                    reason: "it holds a character that is not a hex digit",
                },
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host, Signature={sig}00"),
                AuthorizationError::MalformedSignature {
                    reason: "a SigV4 signature is 64 hex digits",
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_authorization_header(input.as_bytes()),
                Err(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_suite_presigned_query_parses() {
        let query = format!(
            "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=us-east-1&X-Amz-Signature={V4A_SIGNATURE}"
        );
        let parsed = parse_presigned_query(query.as_bytes()).unwrap();
        assert_eq!(parsed.algorithm, Algorithm::Sigv4a);
        assert_eq!(parsed.credential.region(), None);
        assert_eq!(parsed.region_set.as_ref().unwrap().as_str(), "us-east-1");
        assert_eq!(
            parsed.placement,
            Placement::Query {
                expires_seconds: 3600
            }
        );
        assert_eq!(parsed.credential.scope(), "20150830/service/aws4_request");
        assert_eq!(parsed.signed_headers.as_str(), "host");
        assert!(
            matches!(parsed.signed_headers, SignedHeaders(Cow::Borrowed(_))),
            "an unescaped value is borrowed"
        );
    }

    #[test]
    fn malformed_presigned_queries_table() {
        let good = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        assert!(parse_presigned_query(good.as_bytes()).is_ok());
        let cases: Vec<(String, AuthorizationError)> = vec![
            ("a=1".into(), AuthorizationError::MissingSignature),
            (
                format!("{good}&x-amz-date=20150830T123600Z"),
                AuthorizationError::DuplicateParameter {
                    name: "X-Amz-Date".into(),
                },
            ),
            (
                good.replace("&X-Amz-Expires=3600", ""),
                AuthorizationError::MissingParameter {
                    name: "X-Amz-Expires",
                },
            ),
            (
                good.replace("X-Amz-Expires=3600", "X-Amz-Expires=0"),
                AuthorizationError::MalformedExpires { value: "0".into() },
            ),
            (
                good.replace("X-Amz-Expires=3600", "X-Amz-Expires=-1"),
                AuthorizationError::MalformedExpires { value: "-1".into() },
            ),
            (
                good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
                AuthorizationError::UnknownAlgorithm {
                    name: "AWS4-HMAC-SHA512".into(),
                },
            ),
            (
                good.replace("20150830T123600Z", "20150830T1236Z"),
                AuthorizationError::MalformedDate {
                    value: "20150830T1236Z".into(),
                },
            ),
            (
                good.replace("20150830T123600Z", "20150831T123600Z"),
                AuthorizationError::ScopeDateMismatch {
                    scope_date: "20150830".into(),
                    amz_date: "20150831T123600Z".into(),
                },
            ),
            (
                good.replace("X-Amz-Credential=AKIDEXAMPLE", "X-Amz-Credential=AKID%FF"),
                AuthorizationError::NotUtf8 {
                    name: "X-Amz-Credential",
                },
            ),
            (
                good.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
                    .replace("%2Fus-east-1", ""),
                AuthorizationError::MissingParameter {
                    name: "X-Amz-Region-Set",
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_presigned_query(input.as_bytes()),
                Err(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn the_request_decides_between_header_and_query() {
        let headers = [
            Header::new("Host", "example.amazonaws.com"),
            Header::new("X-Amz-Date", "20150830T123600Z"),
            Header::new("Authorization", V4),
        ];
        let header_request = Request::new("GET", "/", &headers);
        let parsed = RequestSignature::from_request(&header_request).unwrap();
        assert_eq!(parsed.placement, Placement::Header);
        assert_eq!(parsed.date.as_str(), "20150830T123600Z");

        let both = Request::new("GET", "/?X-Amz-Signature=00", &headers);
        assert_eq!(
            RequestSignature::from_request(&both),
            Err(AuthorizationError::AmbiguousSignature {
                parameter: "X-Amz-Signature".into()
            })
        );
        let host = [Header::new("Host", "h")];
        assert_eq!(
            RequestSignature::from_request(&Request::new("GET", "/", &host)),
            Err(AuthorizationError::MissingSignature)
        );
        let twice = [headers[0], headers[1], headers[2], headers[2]];
        assert_eq!(
            RequestSignature::from_request(&Request::new("GET", "/", &twice)),
            Err(AuthorizationError::DuplicateParameter {
                name: "Authorization".into()
            })
        );
        let undated = [headers[0], headers[2]];
        assert_eq!(
            RequestSignature::from_request(&Request::new("GET", "/", &undated)),
            Err(AuthorizationError::MissingParameter { name: "X-Amz-Date" })
        );
    }

    #[test]
    fn a_sigv4a_header_signature_needs_a_well_formed_region_set() {
        let authorization = format!(
            "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature={V4A_SIGNATURE}"
        );
        let with_set = |set: &'static str| {
            [
                Header::new("Host", "example.amazonaws.com"),
                Header::new("X-Amz-Date", "20150830T123600Z"),
                Header::new("X-Amz-Region-Set", set),
                Header::new("Authorization", authorization.as_str()),
            ]
        };
        let good = with_set(" us-east-1,us-west-2 ");
        let parsed = RequestSignature::from_request(&Request::new("GET", "/", &good)).unwrap();
        assert_eq!(
            parsed.region_set.as_ref().map(RegionSet::as_str),
            Some("us-east-1,us-west-2")
        );
        let bad = with_set("us-east-1,,x");
        assert_eq!(
            RequestSignature::from_request(&Request::new("GET", "/", &bad)),
            Err(AuthorizationError::MalformedRegionSet {
                value: "us-east-1,,x".into()
            })
        );
        let missing = [good[0], good[1], good[3]];
        assert_eq!(
            RequestSignature::from_request(&Request::new("GET", "/", &missing)),
            Err(AuthorizationError::MissingParameter {
                name: "X-Amz-Region-Set"
            })
        );
    }

    #[test]
    fn only_the_signature_parameter_is_dropped_from_the_query() {
        assert_eq!(
            query_without_signature(b"a=1&X-Amz-Signature=00&&X-Amz-Date=2&x-amz-signature"),
            b"a=1&X-Amz-Date=2"
        );
        assert_eq!(query_without_signature(b""), b"");
        assert_eq!(
            query_without_signature_and_session_token(
                b"a=1&X-Amz-Security-Token=t&X-Amz-Signature=00&X-Amz-Date=2"
            ),
            b"a=1&X-Amz-Date=2"
        );
    }

    #[test]
    fn errors_never_repeat_huge_inputs() {
        let name = "A".repeat(10_000);
        let Err(AuthorizationError::UnknownAlgorithm { name: echoed }) =
            parse_authorization_header(format!("{name} Credential=x").as_bytes())
        else {
            panic!("expected UnknownAlgorithm");
        };
        assert!(echoed.len() <= MAX_ECHO + 3);
    }

    #[test]
    fn the_security_token_is_redacted_in_debug() {
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Security-Token=SECRET-TOKEN&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let parsed = parse_presigned_query(query.as_bytes()).unwrap();
        assert_eq!(parsed.security_token.as_deref(), Some("SECRET-TOKEN"));
        assert!(!format!("{parsed:?}").contains("SECRET-TOKEN"));
    }

    #[test]
    fn scope_components_follow_the_region_and_service_rules() {
        use crate::scope::{Region, Service};
        for text in [
            "us-east-1",
            "s3",
            "vpc-lattice-svcs",
            "a_b.c",
            "",
            "a/b",
            "a b",
            "a,b",
            "ü",
            "*",
        ] {
            assert_eq!(
                is_scope_component(text),
                Region::new(text).is_ok(),
                "{text:?}"
            );
            assert_eq!(
                is_scope_component(text),
                Service::new(text).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn signature_hex_decodes_either_case() {
        let lower = SignatureBytes::from_hex(Algorithm::Sigv4, &[b'a'; 64]).unwrap();
        let upper = SignatureBytes::from_hex(Algorithm::Sigv4, &[b'A'; 64]).unwrap();
        assert_eq!(lower, upper);
        assert_eq!(lower.as_bytes(), [0xaa; 32]);
        for bad in [b'g', b'/', b':', b'@', b'`', 0xff] {
            let mut hex = [b'0'; 64];
            hex[63] = bad;
            assert_eq!(
                SignatureBytes::from_hex(Algorithm::Sigv4, &hex),
                Err(AuthorizationError::MalformedSignature {
                    reason: "it holds a character that is not a hex digit"
                }),
                "{bad:#x}"
            );
        }
    }

    proptest::proptest! {
        /// A DER-sized signature of any length decodes to its bytes and its
        /// copy is equal to it; one that ends in a zero byte is not equal to
        /// itself less that byte, though both hold the same array.
        #[test]
        fn signature_bytes_hold_exactly_their_length(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 9..=MAX_SIGNATURE_BYTES),
        ) {
            let decode = |bytes: &[u8]| {
                let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
                SignatureBytes::from_hex(Algorithm::Sigv4a, hex.as_bytes()).unwrap()
            };
            let decoded = decode(&bytes);
            proptest::prop_assert_eq!(decoded.as_bytes(), &bytes[..]);
            proptest::prop_assert_eq!(&decoded.clone(), &decoded);
            let mut zero_ended = bytes.clone();
            *zero_ended.last_mut().unwrap() = 0;
            let shorter = decode(&zero_ended[..zero_ended.len() - 1]);
            proptest::prop_assert_ne!(&shorter, &decode(&zero_ended));
        }
    }

    proptest::proptest! {
        /// Eight digits at a time decode as one digit at a time would, and
        /// are refused as it would refuse them.
        #[test]
        fn hex_words_decode_as_digits_do(
            digits in proptest::array::uniform8(proptest::prop_oneof![
                proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()),
                proptest::num::u8::ANY,
            ]),
        ) {
            let (value, valid) = decode_hex_word(u64::from_le_bytes(digits));
            let nibbles = digits.map(|digit| HEX_VALUES[usize::from(digit)]);
            proptest::prop_assert_eq!(valid, nibbles.iter().all(|&n| n & NOT_HEX == 0));
            if valid {
                let expected: Vec<u8> =
                    nibbles.chunks(2).map(|pair| pair[0] << 4 | pair[1]).collect();
                proptest::prop_assert_eq!(value.to_vec(), expected);
            }
        }
    }

    proptest::proptest! {
        /// Names sort by their first eight bytes as they sort by all of them.
        #[test]
        fn names_sort_by_their_heads_as_by_their_bytes(
            previous in "[a-c-]{1,10}",
            name in "[a-c-]{1,10}",
        ) {
            proptest::prop_assert_eq!(
                sorts_after(previous.as_bytes(), name.as_bytes()),
                previous < name
            );
        }
    }

    proptest::proptest! {
        /// A word is plain exactly when each of its bytes is a lower-case
        /// letter, `-` or `;`.
        #[test]
        fn plain_list_words_are_their_bytes(
            bytes in proptest::array::uniform8(proptest::prop_oneof![
                proptest::sample::select(b"az-;AZ,`{:0 ".to_vec()),
                proptest::num::u8::ANY,
            ]),
        ) {
            proptest::prop_assert_eq!(
                is_plain_list_word(u64::from_le_bytes(bytes)),
                bytes.iter().all(|&byte| byte.is_ascii_lowercase() || byte == b'-' || byte == b';')
            );
        }

        /// The short reading of a list up to its comma accepts exactly the
        /// lists [`SignedHeaders::parse`] accepts.
        #[test]
        fn a_list_up_to_its_comma_is_read_as_parse_reads_it(
            list in "[a-c;A-]{0,20}|(host|x-amz-date|content-type|a|ab|b)(;(host|x-amz-date|content-type|a|ab|b)){0,5}",
        ) {
            let header = format!("{list}, Signature=");
            let short = SignedHeaders::parse_up_to_comma(&header);
            match SignedHeaders::parse(list.as_str()) {
                Ok(parsed) => proptest::prop_assert_eq!(short, Some((parsed, ", Signature="))),
                Err(_) => proptest::prop_assert!(
                    short.is_none_or(|(_, rest)| !rest.starts_with(','))
                ),
            }
        }
    }

    #[test]
    fn signed_headers_are_read_lazily_and_kept_on_demand() {
        let list = SignedHeaders::parse("content-type;host;x-amz-date").unwrap();
        assert_eq!(list.len(), 28);
        assert!(list.contains(b"Host"));
        assert!(!list.contains(b"hos"));
        assert_eq!(
            list.to_header_names().iter().collect::<Vec<_>>(),
            ["content-type", "host", "x-amz-date"]
        );
    }
}
