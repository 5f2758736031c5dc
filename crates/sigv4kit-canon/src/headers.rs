//! Canonical headers and the signed-header list.
//!
//! AWS rules (see "canonical headers" in
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>):
//! - names are lower-cased and sorted;
//! - values are trimmed, and every inner run of whitespace, an obsolete line
//!   fold included, becomes one space. Whitespace means ASCII whitespace only,
//!   as in the AWS CRT: a non-breaking space is content and stays;
//! - a name that repeats is listed once, its values joined with `,` in the
//!   order they came.
//!
//! Which headers are signed is a [`HeaderSelection`]. Sorting works on indices
//! into the caller's headers, so no header is copied.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::CanonicalError;
use crate::request::Header;
use crate::sink::Sink;

/// Headers the signer never signs unless told otherwise: they are changed by
/// proxies and HTTP stacks on the way, or carry the signature itself.
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
    "connection",
    "expect",
];

/// Whether `byte` may appear in a header name (an RFC 9110 `tchar`).
#[inline]
pub const fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// [`is_token_byte`] as a table: one load per byte instead of a chain of
/// range tests, for the names of every header of every request.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_token_byte(byte as u8);
        byte += 1;
    }
    table
};

/// Whether `name` is a valid header name: non-empty and made of token bytes.
#[inline]
pub fn is_valid_header_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&byte| TOKEN_BYTES[usize::from(byte)])
}

/// ASCII whitespace as the AWS CRT counts it: space, tab, LF, VT, FF, CR.
#[inline]
pub const fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The range of `value` left once leading and trailing [`is_ascii_space`]
/// bytes are trimmed.
#[inline]
pub fn trimmed_range(value: &[u8]) -> std::ops::Range<usize> {
    let start = value
        .iter()
        .position(|&byte| !is_ascii_space(byte))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&byte| !is_ascii_space(byte))
        .map_or(start, |last| last + 1);
    start..end
}

/// `value` without leading and trailing [`is_ascii_space`] bytes.
#[inline]
pub fn trim_ascii_space(value: &[u8]) -> &[u8] {
    &value[trimmed_range(value)]
}

/// Compares two header names as their lower-case forms compare.
///
/// Eight bytes at a time, each word lower-cased at once and compared as a
/// big-endian number (so its first differing byte decides); the tail byte
/// by byte. Every signing and verification sorts its headers with this.
#[inline]
pub fn cmp_names(a: &[u8], b: &[u8]) -> Ordering {
    let word =
        |chunk: &[u8]| lower_case_word(u64::from_be_bytes(chunk.try_into().unwrap_or_default()));
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let (x, y) = (word(x), word(y));
        if x != y {
            return x.cmp(&y);
        }
    }
    let compared = a.len().min(b.len()) / 8 * 8;
    let (a, b) = (&a[compared..], &b[compared..]);
    for (x, y) in a.iter().zip(b) {
        let ordering = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

/// Eight bytes with each ASCII upper-case letter lower-cased, all at once:
/// after adding the right constant to a byte's low seven bits, its high bit
/// says whether it is at least `A`, or above `Z`; bytes above 0x7f stay.
#[inline]
const fn lower_case_word(word: u64) -> u64 {
    const EACH: u64 = 0x0101_0101_0101_0101;
    let seven_bits = word & (0x7f * EACH);
    let at_least_a = seven_bits + (0x80 - b'A' as u64) * EACH;
    let above_z = seven_bits + (0x7f - b'Z' as u64) * EACH;
    let upper = at_least_a & !above_z & !word & (0x80 * EACH);
    word | (upper >> 2)
}

/// Writes a header value trimmed, with each inner whitespace run as one space.
#[inline]
pub fn write_canonical_value(value: &[u8], sink: &mut impl Sink) {
    let mut rest = value;
    while let [first, tail @ ..] = rest {
        if !is_ascii_space(*first) {
            break;
        }
        rest = tail;
    }
    while let [head @ .., last] = rest {
        if !is_ascii_space(*last) {
            break;
        }
        rest = head;
    }
    // Every ASCII space byte is at most 0x20: look for those first.
    let mut run_start = 0;
    let mut index = 0;
    while let Some(offset) = rest[index..].iter().position(|&byte| byte <= b' ') {
        index += offset;
        if !is_ascii_space(rest[index]) {
            index += 1;
            continue;
        }
        sink.put(&rest[run_start..index]);
        sink.put(b" ");
        while index < rest.len() && is_ascii_space(rest[index]) {
            index += 1;
        }
        run_start = index;
    }
    sink.put(&rest[run_start..]);
}

/// The canonical form of one header value, as text (lossy for non-UTF-8).
pub fn canonical_value(value: &[u8]) -> String {
    let mut out = Vec::with_capacity(value.len());
    write_canonical_value(value, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A validated list of lower-case header names.
///
/// Held as one `;`-joined text (`;` is not a header-name character), so that
/// a list costs one allocation however many names it holds.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderNames(Arc<str>);

impl HeaderNames {
    /// Validates and lower-cases `names`.
    pub fn new<I, S>(names: I) -> Result<Self, CanonicalError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut joined = String::new();
        for name in names {
            let name = name.as_ref();
            if !is_valid_header_name(name.as_bytes()) {
                return Err(CanonicalError::InvalidHeaderName {
                    name: name.to_owned(),
                });
            }
            if !joined.is_empty() {
                joined.push(';');
            }
            let start = joined.len();
            joined.push_str(name);
            joined[start..].make_ascii_lowercase();
        }
        Ok(Self(joined.into()))
    }

    /// A list from `;`-joined names already validated and lower-cased, such
    /// as a parsed signed-header list.
    pub(crate) fn from_validated_list(list: &str) -> Self {
        Self(list.into())
    }

    /// The default exclusion list, [`DEFAULT_EXCLUDED_HEADERS`].
    pub fn default_excluded() -> Self {
        Self(DEFAULT_EXCLUDED_HEADERS.join(";").into())
    }

    /// This list with `names` added.
    pub fn with<I, S>(&self, names: I) -> Result<Self, CanonicalError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let extra = Self::new(names)?;
        Self::new(self.iter().chain(extra.iter()))
    }

    /// Whether `name` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, name: &[u8]) -> bool {
        self.iter()
            .any(|listed| listed.as_bytes().eq_ignore_ascii_case(name))
    }

    /// The names, lower-cased.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        // Names are never empty, so an empty piece is only the empty list's.
        self.0.split(';').filter(|name| !name.is_empty())
    }
}

impl std::fmt::Debug for HeaderNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Which of a request's headers are signed.
///
/// Headers the signer adds itself (`x-amz-date`, `x-amz-region-set`, and the
/// session token unless it is left out on purpose) are always signed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HeaderSelection {
    /// Every header except [`DEFAULT_EXCLUDED_HEADERS`].
    #[default]
    AllButDefaultExcluded,
    /// Every header except these names; the list replaces the default one.
    AllBut(HeaderNames),
    /// Exactly these names. Each must be present in the request, or signing
    /// fails with [`CanonicalError::MissingSignedHeader`]. A verifier uses this
    /// to recompute a canonical request from its `SignedHeaders`.
    Exactly(HeaderNames),
}

impl HeaderSelection {
    /// Every header except the default list and these extra names.
    pub fn excluding_also<I, S>(names: I) -> Result<Self, CanonicalError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Self::AllBut(HeaderNames::default_excluded().with(names)?))
    }

    /// Whether a header with this name is selected for signing.
    #[inline]
    pub fn selects(&self, name: &[u8]) -> bool {
        match self {
            Self::AllButDefaultExcluded => !DEFAULT_EXCLUDED_HEADERS
                .iter()
                .any(|excluded| excluded.as_bytes().eq_ignore_ascii_case(name)),
            Self::AllBut(excluded) => !excluded.contains(name),
            Self::Exactly(included) => included.contains(name),
        }
    }
}

/// A header the signer adds to the request: `x-amz-date` and friends.
#[derive(Debug, Clone, Copy)]
pub struct AddedHeader<'a> {
    /// Lower-case name.
    pub name: &'static str,
    /// Value, already canonical.
    pub value: &'a [u8],
    /// Whether it is part of the signature.
    pub signed: bool,
}

/// The request's headers and the signer's, as one indexable list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderList<'a> {
    pub(crate) request: &'a [Header<'a>],
    pub(crate) added: &'a [AddedHeader<'a>],
}

impl<'a> HeaderList<'a> {
    #[inline]
    pub(crate) fn name(&self, index: usize) -> &'a [u8] {
        match self.request.get(index) {
            Some(header) => header.name,
            None => self.added[index - self.request.len()].name.as_bytes(),
        }
    }

    #[inline]
    pub(crate) fn value(&self, index: usize) -> &'a [u8] {
        match self.request.get(index) {
            Some(header) => header.value,
            None => self.added[index - self.request.len()].value,
        }
    }

    /// Checks every request header name and fills `order` with the indices
    /// of the headers `selects` keeps, sorted by name, repeats in their
    /// original order.
    fn sort_selected(
        &self,
        order: &mut Vec<usize>,
        mut selects: impl FnMut(&[u8]) -> bool,
    ) -> Result<(), CanonicalError> {
        order.clear();
        for (index, header) in self.request.iter().enumerate() {
            if !is_valid_header_name(header.name) {
                return Err(CanonicalError::InvalidHeaderName {
                    name: String::from_utf8_lossy(header.name).into_owned(),
                });
            }
            if selects(header.name) {
                order.push(index);
            }
        }
        let first_added = self.request.len();
        order.extend(
            self.added
                .iter()
                .enumerate()
                .filter(|(_, added)| added.signed)
                .map(|(offset, _)| first_added + offset),
        );
        order.sort_unstable_by(|&a, &b| cmp_names(self.name(a), self.name(b)).then(a.cmp(&b)));
        Ok(())
    }

    /// Sorts every request header and walks them alongside `signed`, a
    /// sorted list of lower-case names without repeats (a received
    /// `SignedHeaders`), keeping in `sorted.order` the headers it names. Both
    /// sides are sorted, so one merge pass finds everything a verifier asks
    /// of the list (is `host` signed, is an `x-amz-*` header left out, is a
    /// named header missing): no name is compared with every other. Nothing
    /// is an error here; the caller reports what was found in its own order.
    ///
    /// It also fills `sorted.group_ends` and `sorted.signed_names` as
    /// [`SortScratch::fill_groups`] would: the groups are the merge's, and
    /// the names are `signed` itself.
    pub(crate) fn merge_signed(&self, signed: &str, sorted: &mut SortScratch) -> MergeFindings<'a> {
        let SortScratch {
            order,
            group_ends,
            signed_names,
        } = sorted;
        order.clear();
        group_ends.clear();
        signed_names.clear();
        signed_names.extend_from_slice(signed.as_bytes());
        order.extend(0..self.request.len());
        order.sort_unstable_by(|&a, &b| cmp_names(self.name(a), self.name(b)).then(a.cmp(&b)));

        let mut findings = MergeFindings::default();
        // The request index of the first unsigned `x-amz-*` header and of the
        // first invalid name, so that the one reported is the first sent,
        // whatever the sort did. Only a header the list leaves out can have
        // an invalid name: one equal to a listed name, ignoring case, is a
        // valid name itself.
        let mut first_unsigned_amz: Option<usize> = None;
        let mut first_invalid: Option<usize> = None;
        let mut leave_out = |index: usize| {
            let name = self.name(index);
            if is_amz_header(name) && first_unsigned_amz.is_none_or(|first| index < first) {
                first_unsigned_amz = Some(index);
            }
            if !is_valid_header_name(name) && first_invalid.is_none_or(|first| index < first) {
                first_invalid = Some(index);
            }
        };
        let (mut kept, mut next) = (0, 0);
        // The names are short: a byte loop finds each `;` for less than `memchr`.
        for wanted in signed.as_bytes().split(|&byte| byte == b';') {
            findings.host_signed |= wanted == b"host";
            let group_start = kept;
            while next < order.len() {
                match cmp_names(self.name(order[next]), wanted) {
                    Ordering::Less => leave_out(order[next]),
                    Ordering::Equal => {
                        order[kept] = order[next];
                        kept += 1;
                    }
                    Ordering::Greater => break,
                }
                next += 1;
            }
            if kept > group_start {
                group_ends.push(kept);
            } else if findings.missing_signed_header.is_none() {
                findings.missing_signed_header = Some(String::from_utf8_lossy(wanted).into_owned());
            }
        }
        order[next..].iter().for_each(|&index| leave_out(index));
        order.truncate(kept);
        findings.unsigned_amz_header = first_unsigned_amz.map(|index| self.name(index));
        findings.invalid_header_name = first_invalid.map(|index| self.name(index));
        findings
    }

    /// Fills `sorted.order` with the indices of the signed headers, sorted by
    /// name, repeats in their original order; `sorted.group_ends` with the end
    /// (in `order`) of each run of one name; and `sorted.signed_names` with the
    /// signed-header list, lower-cased once here and reused by every writer.
    pub(crate) fn select_and_sort(
        &self,
        selection: &HeaderSelection,
        sorted: &mut SortScratch,
    ) -> Result<(), CanonicalError> {
        self.sort_selected(&mut sorted.order, |name| selection.selects(name))?;
        if let HeaderSelection::Exactly(wanted) = selection {
            for name in wanted.iter() {
                let present = sorted
                    .order
                    .binary_search_by(|&index| cmp_names(self.name(index), name.as_bytes()))
                    .is_ok();
                if !present {
                    return Err(CanonicalError::MissingSignedHeader {
                        name: name.to_owned(),
                    });
                }
            }
        }
        sorted.fill_groups(*self);
        Ok(())
    }
}

/// The prefix of the headers a verifier requires to be signed.
const AMZ_HEADER_PREFIX: &[u8] = b"x-amz-";

/// Whether `name` starts with `x-amz-`, in any case.
#[inline]
pub fn is_amz_header(name: &[u8]) -> bool {
    name.len() >= AMZ_HEADER_PREFIX.len()
        && name[..AMZ_HEADER_PREFIX.len()].eq_ignore_ascii_case(AMZ_HEADER_PREFIX)
}

/// What [`HeaderList::merge_signed`] found, for the caller to report.
#[derive(Debug, Default)]
pub(crate) struct MergeFindings<'r> {
    /// Whether the signed-header list names `host`.
    pub(crate) host_signed: bool,
    /// The first request header (in request order) named `x-amz-*` that the
    /// list leaves out.
    pub(crate) unsigned_amz_header: Option<&'r [u8]>,
    /// The first request header (in request order) whose name is invalid.
    pub(crate) invalid_header_name: Option<&'r [u8]>,
    /// The first name of the list the request does not have.
    pub(crate) missing_signed_header: Option<String>,
}

/// Reused storage for [`HeaderList::select_and_sort`].
#[derive(Debug, Default, Clone)]
pub(crate) struct SortScratch {
    order: Vec<usize>,
    group_ends: Vec<usize>,
    signed_names: Vec<u8>,
}

impl SortScratch {
    /// From the sorted `order`, fills `group_ends` with the end of each run
    /// of one name and `signed_names` with the signed-header list,
    /// lower-cased once here and reused by every writer.
    fn fill_groups(&mut self, list: HeaderList<'_>) {
        let Self {
            order,
            group_ends,
            signed_names,
        } = self;
        group_ends.clear();
        signed_names.clear();
        for position in 1..=order.len() {
            let ends_group = position == order.len()
                || !list
                    .name(order[position])
                    .eq_ignore_ascii_case(list.name(order[position - 1]));
            if ends_group {
                if !group_ends.is_empty() {
                    signed_names.push(b';');
                }
                let name_start = signed_names.len();
                signed_names.extend_from_slice(list.name(order[position - 1]));
                signed_names[name_start..].make_ascii_lowercase();
                group_ends.push(position);
            }
        }
    }

    /// A view of the sorted headers of `list`.
    pub(crate) fn view<'a>(&'a self, list: HeaderList<'a>) -> SortedHeaders<'a> {
        SortedHeaders {
            list,
            scratch: self,
        }
    }
}

/// Headers selected and sorted by [`HeaderList::select_and_sort`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct SortedHeaders<'a> {
    list: HeaderList<'a>,
    scratch: &'a SortScratch,
}

impl SortedHeaders<'_> {
    /// Writes the signed-header list: lower-case names joined by `;`.
    #[inline]
    pub(crate) fn write_signed_names(&self, sink: &mut impl Sink) {
        sink.put(&self.scratch.signed_names);
    }

    /// Writes the canonical headers block, each line ending in `\n`.
    pub(crate) fn write_canonical_headers(&self, sink: &mut impl Sink) {
        let names = &self.scratch.signed_names;
        let mut names = names.split(|&byte| byte == b';');
        let mut start = 0;
        for &end in &self.scratch.group_ends {
            sink.put(names.next().unwrap_or_default());
            sink.put(b":");
            for (position, &index) in self.scratch.order[start..end].iter().enumerate() {
                if position > 0 {
                    sink.put(b",");
                }
                write_canonical_value(self.list.value(index), sink);
            }
            sink.put(b"\n");
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_trimming_and_folding_table() {
        let cases: &[(&[u8], &str)] = &[
            (b"value1", "value1"),
            (b" value1 ", "value1"),
            (b"\"a   b   c\"", "\"a b c\""),
            (b"value1\n  value2\n     value3", "value1 value2 value3"),
            (b"\t a \t b \r\n", "a b"),
            (b"   ", ""),
            (b"", ""),
            ("a\u{a0}b".as_bytes(), "a\u{a0}b"),
            ("\u{a0}a".as_bytes(), "\u{a0}a"),
            (b"a\x0b\x0cb", "a b"),
        ];
        for (input, expected) in cases {
            assert_eq!(canonical_value(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn words_lower_case_as_bytes_do() {
        for byte in 0..=255u8 {
            let word = u64::from_be_bytes([byte, b'A', byte, b'z', 0x80, byte, b'Z', byte]);
            let lower =
                [byte, b'A', byte, b'z', 0x80, byte, b'Z', byte].map(|b| b.to_ascii_lowercase());
            assert_eq!(
                lower_case_word(word),
                u64::from_be_bytes(lower),
                "{byte:#x}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn names_compare_as_their_lower_case_forms(
            a in proptest::collection::vec(proptest::sample::select(b"aAzZ-_@[`{\xc3\x80".to_vec()), 0..20),
            b in proptest::collection::vec(proptest::sample::select(b"aAzZ-_@[`{\xc3\x80".to_vec()), 0..20),
        ) {
            let lower = |name: &[u8]| name.to_ascii_lowercase();
            proptest::prop_assert_eq!(cmp_names(&a, &b), lower(&a).cmp(&lower(&b)));
            proptest::prop_assert_eq!(cmp_names(&a, &a.to_ascii_uppercase()), Ordering::Equal);
        }
    }

    #[test]
    fn names_compare_as_lowercase() {
        assert_eq!(cmp_names(b"My-Header", b"my-header"), Ordering::Equal);
        assert_eq!(cmp_names(b"a", b"B"), Ordering::Less);
        assert_eq!(cmp_names(b"x-amz", b"X-Amz-Date"), Ordering::Less);
    }

    #[test]
    fn header_name_validation() {
        assert!(is_valid_header_name(b"X-Amz-Date"));
        assert!(!is_valid_header_name(b""));
        assert!(!is_valid_header_name(b"bad name"));
        assert!(!is_valid_header_name(b"bad:name"));
        assert!(!is_valid_header_name("naïve".as_bytes()));
    }

    #[test]
    fn default_selection_skips_the_exclusion_list_in_any_case() {
        let selection = HeaderSelection::default();
        for name in DEFAULT_EXCLUDED_HEADERS {
            assert!(!selection.selects(name.to_ascii_uppercase().as_bytes()));
        }
        assert!(selection.selects(b"Host"));
        assert!(selection.selects(b"X-Amz-Target"));
    }

    #[test]
    fn custom_exclusions_add_to_the_defaults() {
        let selection = HeaderSelection::excluding_also(["MyHeader", "anOtherHeader"]).unwrap();
        assert!(!selection.selects(b"myheader"));
        assert!(!selection.selects(b"AnotherHeader"));
        assert!(!selection.selects(b"User-Agent"));
        assert!(selection.selects(b"host"));
        assert!(HeaderSelection::excluding_also(["bad name"]).is_err());
    }
}
