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

use crate::error::CanonicalError;
use crate::request::Header;
use crate::sink::Sink;
use crate::text::ShortText;
use crate::words::{head_word, lower_case_word, position_below, position_of};

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

/// Writes a header value trimmed, with each inner whitespace run as one space.
///
/// A value is scanned eight bytes at a time for bytes up to 0x20, where
/// every ASCII space byte lies; a lone space between two other bytes is
/// already canonical, so most values go to the sink in one piece.
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
    let mut run_start = 0;
    let mut index = 0;
    while let Some(found) = position_below(rest, index, b' ' + 1) {
        index = found + 1;
        let byte = rest[found];
        // `rest` ends in a non-space byte, so a space always has a successor.
        let lone_space = byte == b' ' && !rest.get(index).copied().is_some_and(is_ascii_space);
        if lone_space || !is_ascii_space(byte) {
            continue;
        }
        sink.put(&rest[run_start..found]);
        sink.put(b" ");
        while rest.get(index).copied().is_some_and(is_ascii_space) {
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
///
/// A list of up to [`HeaderNames::INLINE`] bytes, such as
/// `host;x-amz-date`, is held inline (see [`ShortText`]).
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderNames(ShortText<{ HeaderNames::INLINE }>);

impl HeaderNames {
    /// The longest list held inline, in bytes.
    pub const INLINE: usize = 120;

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

    /// The names as one `;`-joined text, as a signed-header list writes them.
    pub(crate) fn as_list(&self) -> &str {
        self.0.as_str()
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
    /// Value, trimmed and folded like a request header's.
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

    #[inline]
    fn keyed(&self, index: usize) -> KeyedHeader {
        KeyedHeader {
            key: NameKey::of(self.name(index)),
            index,
        }
    }

    /// Orders two headers as their lower-case names, then as they came.
    #[inline]
    fn cmp_keyed(&self, a: &KeyedHeader, b: &KeyedHeader) -> Ordering {
        a.key
            .cmp_names(&b.key, || (self.name(a.index), self.name(b.index)))
            .then(a.index.cmp(&b.index))
    }

    /// Checks every request header name and fills `keyed` with the headers
    /// `selects` keeps, sorted by name, repeats in their original order.
    fn sort_selected(
        &self,
        keyed: &mut Vec<KeyedHeader>,
        mut selects: impl FnMut(&[u8]) -> bool,
    ) -> Result<(), CanonicalError> {
        keyed.clear();
        for (index, header) in self.request.iter().enumerate() {
            if !is_valid_header_name(header.name) {
                return Err(CanonicalError::InvalidHeaderName {
                    name: String::from_utf8_lossy(header.name).into_owned(),
                });
            }
            if selects(header.name) {
                keyed.push(self.keyed(index));
            }
        }
        let first_added = self.request.len();
        keyed.extend(
            self.added
                .iter()
                .enumerate()
                .filter(|(_, added)| added.signed)
                .map(|(offset, _)| self.keyed(first_added + offset)),
        );
        keyed.sort_unstable_by(|a, b| self.cmp_keyed(a, b));
        Ok(())
    }

    /// Selects the request headers `signed` names, a sorted list of
    /// lower-case names without repeats (a received `SignedHeaders`), into
    /// `sorted.keyed` in the list's order, repeats in their original order,
    /// and finds everything a verifier asks of the list: is `host` signed, is
    /// an `x-amz-*` header left out, is a named header missing. Nothing is an
    /// error here; the caller reports what was found in its own order.
    ///
    /// It also fills the rest of `sorted` as [`SortScratch::fill_groups`]
    /// would: the groups are the list's, and the names are `signed` itself.
    ///
    /// The list is sorted already, so a request of up to
    /// [`Self::SCANNED_HEADERS`] headers is not sorted at all: each listed
    /// name picks its headers out of the request's keys, in a scan that
    /// costs less than a sort for so few. A larger request is sorted and
    /// walked alongside the list, so that no name is compared with every
    /// other.
    pub(crate) fn merge_signed(
        &self,
        signed: &str,
        areas: &mut SortScratches,
    ) -> MergeFindings<'a> {
        let remembered = areas.find(self, |sorted| {
            sorted.memo.source == OrderSource::Merge
                && sorted.signed_names == signed.as_bytes()
                && sorted.memo.holds(self)
        });
        if remembered {
            return MergeFindings::CLEAN;
        }
        let sorted = areas.refill();
        let matching = if self.request.len() <= Self::SCANNED_HEADERS {
            Matching::Scan
        } else {
            Matching::Sort
        };
        let findings = self.merge(signed.as_bytes(), sorted, matching);
        if findings == MergeFindings::CLEAN {
            sorted.memo.remember(OrderSource::Merge, self);
        }
        findings
    }

    /// The most request headers [`Self::merge_signed`] scans instead of
    /// sorting.
    const SCANNED_HEADERS: usize = 64;

    /// [`Self::merge_signed`] without the memo, matching the list's names
    /// with the request's headers as `matching` says.
    fn merge(
        &self,
        signed: &[u8],
        sorted: &mut SortScratch,
        matching: Matching,
    ) -> MergeFindings<'a> {
        let SortScratch {
            keyed,
            received,
            picked,
            group_ends,
            signed_names,
            name_ends,
            ..
        } = sorted;
        keyed.clear();
        group_ends.clear();
        name_ends.clear();
        signed_names.clear();
        signed_names.extend_from_slice(signed);
        received.clear();
        received.extend((0..self.request.len()).map(|index| self.keyed(index)));
        if matching == Matching::Sort {
            received.sort_unstable_by(|a, b| self.cmp_keyed(a, b));
        }

        let mut findings = MergeFindings::default();
        // Where a sorted walk stands in `received`.
        let mut next = 0;
        for (wanted, end) in list_names(signed) {
            let wanted_key = NameKey::of(wanted);
            let compare = |header: &KeyedHeader| {
                header
                    .key
                    .cmp_names(&wanted_key, || (self.name(header.index), wanted))
            };
            findings.host_signed |= wanted == b"host";
            let group_start = keyed.len();
            match matching {
                Matching::Scan => keyed.extend(
                    received
                        .iter()
                        .filter(|header| compare(header) == Ordering::Equal),
                ),
                Matching::Sort => {
                    while let Some(header) = received.get(next) {
                        match compare(header) {
                            Ordering::Less => {}
                            Ordering::Equal => keyed.push(*header),
                            Ordering::Greater => break,
                        }
                        next += 1;
                    }
                }
            }
            if keyed.len() > group_start {
                group_ends.push(keyed.len());
                name_ends.push(end);
            } else if findings.missing_signed_header.is_none() {
                findings.missing_signed_header = Some(String::from_utf8_lossy(wanted).into_owned());
            }
        }

        picked.clear();
        picked.resize(self.request.len(), false);
        keyed.iter().for_each(|header| picked[header.index] = true);
        // Left-out headers in request order: the first found is the first
        // sent. Only a left-out header can have an invalid name: one equal
        // to a listed name, ignoring case, is a valid name itself.
        for (index, _) in picked.iter().enumerate().filter(|(_, picked)| !**picked) {
            let name = self.name(index);
            if is_amz_header(name) {
                findings.unsigned_amz_header.get_or_insert(name);
            }
            if !is_valid_header_name(name) {
                findings.invalid_header_name.get_or_insert(name);
            }
        }
        findings
    }

    /// Fills `sorted.keyed` with the signed headers, sorted by name, repeats
    /// in their original order, and the rest of `sorted` with the groups of
    /// one name and the signed-header list, lower-cased once here and reused
    /// by every writer.
    pub(crate) fn select_and_sort(
        &self,
        selection: &HeaderSelection,
        areas: &mut SortScratches,
    ) -> Result<(), CanonicalError> {
        let remembered = areas.find(self, |sorted| {
            matches!(&sorted.memo.source, OrderSource::Selection(last) if last == selection)
                && sorted.memo.holds(self)
        });
        if remembered {
            return Ok(());
        }
        let sorted = areas.refill();
        self.sort_selected(&mut sorted.keyed, |name| selection.selects(name))?;
        if let HeaderSelection::Exactly(wanted) = selection {
            for name in wanted.iter() {
                let wanted_key = NameKey::of(name.as_bytes());
                let present = sorted
                    .keyed
                    .binary_search_by(|header| {
                        header
                            .key
                            .cmp_names(&wanted_key, || (self.name(header.index), name.as_bytes()))
                    })
                    .is_ok();
                if !present {
                    return Err(CanonicalError::MissingSignedHeader {
                        name: name.to_owned(),
                    });
                }
            }
        }
        sorted.fill_groups(*self);
        sorted
            .memo
            .remember(OrderSource::Selection(selection.clone()), self);
        Ok(())
    }
}

/// The headers a [`SortScratch`] was last filled for, and how, so that the
/// next request with the same header names in the same order (a client
/// sends the same ones request after request) reuses the order, the groups
/// and the signed-header list instead of sorting again: comparing the names
/// costs a fraction of sorting them.
#[derive(Debug, Default, Clone)]
struct OrderMemo {
    source: OrderSource,
    /// The request's header names, one after the other.
    request_names: Vec<u8>,
    /// The end of each name in `request_names`.
    request_name_ends: Vec<usize>,
    /// The signer's added headers, and whether each was signed.
    added: Vec<(&'static str, bool)>,
    /// [`names_fingerprint`] of the request's header names.
    fingerprint: u64,
}

/// What filled a [`SortScratch`] last.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum OrderSource {
    /// Nothing reusable: none yet, or a failure.
    #[default]
    Nothing,
    /// A clean merge with the list in `signed_names`.
    Merge,
    /// A selection and sort.
    Selection(HeaderSelection),
}

impl OrderMemo {
    /// Whether `list` has exactly the header names remembered, in order.
    fn holds(&self, list: &HeaderList<'_>) -> bool {
        let added_same = self.added.len() == list.added.len()
            && self
                .added
                .iter()
                .zip(list.added)
                .all(|(&(name, signed), added)| name == added.name && signed == added.signed);
        let mut start = 0;
        added_same
            && self.request_name_ends.len() == list.request.len()
            && self
                .request_name_ends
                .iter()
                .zip(list.request)
                .all(|(&end, header)| {
                    let same = self.request_names.get(start..end) == Some(header.name);
                    start = end;
                    same
                })
    }

    fn remember(&mut self, source: OrderSource, list: &HeaderList<'_>) {
        self.request_names.clear();
        self.request_name_ends.clear();
        for header in list.request {
            self.request_names.extend_from_slice(header.name);
            self.request_name_ends.push(self.request_names.len());
        }
        self.added.clear();
        self.added
            .extend(list.added.iter().map(|added| (added.name, added.signed)));
        self.fingerprint = names_fingerprint(list);
        self.source = source;
    }
}

/// A digest of the header names of `list`, in order: their lengths and
/// their first and last eight bytes. Equal names give equal fingerprints,
/// so an area whose fingerprint differs cannot hold `list`, and is passed
/// over with one comparison instead of a comparison of names.
fn names_fingerprint(list: &HeaderList<'_>) -> u64 {
    list.request
        .iter()
        .fold(list.request.len() as u64, |hash, header| {
            let name = header.name;
            let head = head_word(name);
            let tail = name
                .last_chunk::<8>()
                .map_or(0, |tail| u64::from_le_bytes(*tail));
            (hash.rotate_left(23) ^ head ^ tail.rotate_left(29) ^ name.len() as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        })
}

/// The first sixteen bytes of a header name, lower-cased and padded with
/// zeros, as one big-endian number, and the name's length.
///
/// Sorting compares every name with several others; the key is built once
/// per header, and two keys order their names with one comparison unless
/// both names share their first sixteen bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameKey {
    head: u128,
    len: usize,
}

impl NameKey {
    const HEAD_BYTES: usize = 16;

    #[inline]
    pub(crate) fn of(name: &[u8]) -> Self {
        let high = lower_case_word(head_word(name));
        let low = lower_case_word(head_word(name.get(8..).unwrap_or_default()));
        Self {
            head: (u128::from(high) << 64) | u128::from(low),
            len: name.len(),
        }
    }

    /// Orders the names of `self` and `other` as [`cmp_names`] does; `names`
    /// gives the two names for the rare pair the keys cannot tell apart.
    ///
    /// With equal heads, a name of at most sixteen bytes is a prefix of the
    /// other (the other's bytes beyond it are the zeros of the padding), so
    /// the lengths decide; only two longer names compare their tails.
    #[inline]
    pub(crate) fn cmp_names<'n>(
        &self,
        other: &Self,
        names: impl FnOnce() -> (&'n [u8], &'n [u8]),
    ) -> Ordering {
        match self.head.cmp(&other.head) {
            Ordering::Equal if self.len > Self::HEAD_BYTES && other.len > Self::HEAD_BYTES => {
                let (a, b) = names();
                cmp_names(&a[Self::HEAD_BYTES..], &b[Self::HEAD_BYTES..])
            }
            Ordering::Equal => self.len.cmp(&other.len),
            unequal => unequal,
        }
    }
}

/// A header's sort key and its index in the [`HeaderList`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyedHeader {
    key: NameKey,
    index: usize,
}

/// How [`HeaderList::merge_signed`] finds the request headers a listed
/// name picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matching {
    /// Every header compared with every listed name: for few headers, less
    /// work than a sort.
    Scan,
    /// The headers sorted, then walked alongside the sorted list.
    Sort,
}

/// The names of a `;`-separated list, each with where it ends in the list.
fn list_names(list: &[u8]) -> impl Iterator<Item = (&[u8], usize)> {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let end = position_of(list, from, b';').unwrap_or(list.len());
        start = (end < list.len()).then_some(end + 1);
        Some((&list[from..end], end))
    })
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
#[derive(Debug, PartialEq, Eq)]
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

impl MergeFindings<'_> {
    /// Nothing to report.
    const CLEAN: Self = Self {
        host_signed: true,
        unsigned_amz_header: None,
        invalid_header_name: None,
        missing_signed_header: None,
    };
}

impl Default for MergeFindings<'_> {
    /// Nothing found yet: `host` not seen.
    fn default() -> Self {
        Self {
            host_signed: false,
            ..Self::CLEAN
        }
    }
}

/// The sort areas of the last few header shapes a thread canonicalized,
/// so that requests of several shapes in turn (a server's clients, a
/// client calling a few operations) each find their own order again
/// instead of evicting one another's.
#[derive(Debug, Clone)]
pub(crate) struct SortScratches {
    areas: Vec<SortScratch>,
    /// The area in use: the last one found or filled.
    current: usize,
    /// When each area was last used, counted in uses of this set.
    last_used: Vec<u64>,
    uses: u64,
    /// How many times an area was filled, for tests.
    #[cfg(test)]
    fills: usize,
}

impl SortScratches {
    /// How many header shapes are remembered.
    pub(crate) const SHAPES: usize = 8;

    /// Makes the area that `holds` accepts for `list` the current one,
    /// trying the current area first; whether there was one. The other
    /// areas are tried only where their names' fingerprint is `list`'s.
    #[inline]
    fn find(&mut self, list: &HeaderList<'_>, holds: impl Fn(&SortScratch) -> bool) -> bool {
        let found = if self.areas.get(self.current).is_some_and(&holds) {
            Some(self.current)
        } else if self.areas.len() > 1 {
            let fingerprint = names_fingerprint(list);
            self.areas
                .iter()
                .position(|area| area.memo.fingerprint == fingerprint && holds(area))
        } else {
            None
        };
        if let Some(found) = found {
            self.use_area(found);
        }
        found.is_some()
    }

    /// An area to fill for a new shape, now the current one: a new area
    /// while there are fewer than [`Self::SHAPES`], else the least recently
    /// used. Its memo is cleared until the caller fills it.
    fn refill(&mut self) -> &mut SortScratch {
        let index = if self.areas.len() < Self::SHAPES {
            self.areas.push(SortScratch::default());
            self.last_used.push(0);
            self.areas.len() - 1
        } else {
            (0..self.areas.len())
                .min_by_key(|&index| self.last_used[index])
                .unwrap_or(0)
        };
        self.use_area(index);
        #[cfg(test)]
        {
            self.fills += 1;
        }
        let area = &mut self.areas[index];
        area.memo.source = OrderSource::Nothing;
        area
    }

    /// How many times an area was filled for a shape not remembered.
    #[cfg(test)]
    pub(crate) fn filled(&self) -> usize {
        self.fills
    }

    fn use_area(&mut self, index: usize) {
        self.current = index;
        self.uses += 1;
        if let Some(used) = self.last_used.get_mut(index) {
            *used = self.uses;
        }
    }

    /// A view of the current area's sorted headers of `list`, which must be
    /// the list it was last found or filled for.
    pub(crate) fn view<'a>(&'a self, list: HeaderList<'a>) -> SortedHeaders<'a> {
        SortedHeaders {
            list,
            scratch: self.areas.get(self.current).unwrap_or(&EMPTY_SORT_SCRATCH),
        }
    }
}

impl Default for SortScratches {
    fn default() -> Self {
        Self {
            areas: Vec::with_capacity(Self::SHAPES),
            current: 0,
            last_used: Vec::with_capacity(Self::SHAPES),
            uses: 0,
            #[cfg(test)]
            fills: 0,
        }
    }
}

/// What a view shows before any area was filled: no headers.
static EMPTY_SORT_SCRATCH: SortScratch = SortScratch {
    keyed: Vec::new(),
    received: Vec::new(),
    picked: Vec::new(),
    group_ends: Vec::new(),
    signed_names: Vec::new(),
    name_ends: Vec::new(),
    memo: OrderMemo {
        source: OrderSource::Nothing,
        request_names: Vec::new(),
        request_name_ends: Vec::new(),
        added: Vec::new(),
        fingerprint: 0,
    },
};

/// Reused storage for [`HeaderList::select_and_sort`].
#[derive(Debug, Default, Clone)]
pub(crate) struct SortScratch {
    /// The signed headers, sorted by name, repeats in their original order.
    keyed: Vec<KeyedHeader>,
    /// Every received header, for a merge: in request order, or sorted.
    received: Vec<KeyedHeader>,
    /// Which received headers a merge picked, by request index.
    picked: Vec<bool>,
    /// The end, in `keyed`, of each run of one name.
    group_ends: Vec<usize>,
    /// The signed-header list: the lower-case names joined by `;`.
    signed_names: Vec<u8>,
    /// The end, in `signed_names`, of each name.
    name_ends: Vec<usize>,
    /// What the rest was filled for.
    memo: OrderMemo,
}

impl SortScratch {
    /// From the sorted `keyed`, fills `group_ends` with the end of each run
    /// of one name and `signed_names` with the signed-header list,
    /// lower-cased once here and reused by every writer.
    fn fill_groups(&mut self, list: HeaderList<'_>) {
        let Self {
            keyed,
            group_ends,
            signed_names,
            name_ends,
            ..
        } = self;
        group_ends.clear();
        name_ends.clear();
        signed_names.clear();
        for position in 1..=keyed.len() {
            let last = &keyed[position - 1];
            let ends_group = keyed.get(position).is_none_or(|next| {
                last.key
                    .cmp_names(&next.key, || (list.name(last.index), list.name(next.index)))
                    != Ordering::Equal
            });
            if ends_group {
                if !group_ends.is_empty() {
                    signed_names.push(b';');
                }
                let name_start = signed_names.len();
                signed_names.extend_from_slice(list.name(last.index));
                signed_names[name_start..].make_ascii_lowercase();
                group_ends.push(position);
                name_ends.push(signed_names.len());
            }
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
        let SortScratch {
            keyed,
            group_ends,
            signed_names,
            name_ends,
            ..
        } = self.scratch;
        let (mut start, mut name_start) = (0, 0);
        for (&end, &name_end) in group_ends.iter().zip(name_ends) {
            sink.put(&signed_names[name_start..name_end]);
            sink.put(b":");
            for (position, header) in keyed[start..end].iter().enumerate() {
                if position > 0 {
                    sink.put(b",");
                }
                write_canonical_value(self.list.value(header.index), sink);
            }
            sink.put(b"\n");
            start = end;
            name_start = name_end + 1;
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

    /// The folding rule byte by byte: trim, then each run of whitespace
    /// as one space.
    fn folded_byte_by_byte(value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut in_run = false;
        for &byte in trim_ascii_space(value) {
            if is_ascii_space(byte) {
                in_run = true;
                continue;
            }
            if in_run {
                out.push(b' ');
                in_run = false;
            }
            out.push(byte);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn values_fold_as_the_byte_rule_says(
            value in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b" \t\n\x0b\x0c\r\x00\x1f!a".to_vec()),
                    proptest::prelude::any::<u8>(),
                ],
                0..40,
            ),
        ) {
            let mut written = Vec::new();
            write_canonical_value(&value, &mut written);
            proptest::prop_assert_eq!(written, folded_byte_by_byte(&value));
        }

        #[test]
        fn name_keys_order_names_as_cmp_names_does(
            a in proptest::collection::vec(proptest::sample::select(b"aAzZ-_\x00\xc3".to_vec()), 0..24),
            b in proptest::collection::vec(proptest::sample::select(b"aAzZ-_\x00\xc3".to_vec()), 0..24),
            shared in 0usize..24,
        ) {
            // Long shared heads reach the tail comparison.
            let b: Vec<u8> = a.iter().take(shared).chain(b.iter()).copied().collect();
            let keyed = NameKey::of(&a).cmp_names(&NameKey::of(&b), || (&a, &b));
            proptest::prop_assert_eq!(keyed, cmp_names(&a, &b));
            let upper = a.to_ascii_uppercase();
            let same = NameKey::of(&a).cmp_names(&NameKey::of(&upper), || (&a, &upper));
            proptest::prop_assert_eq!(same, Ordering::Equal);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_merge_by_scan_finds_what_a_merge_by_sort_finds(
            names in proptest::collection::vec(
                proptest::sample::select(vec![
                    "host", "Host", "x-amz-date", "X-Amz-Date", "content-type", "x-amz-meta-a",
                    "x-amz-meta-abcdefghijklmnop", "x-amz-meta-abcdefghijklmnoq", "bad name", "",
                    "accept", "x-amz-security-token",
                ]),
                0..20,
            ),
            listed in proptest::collection::btree_set(
                proptest::sample::select(vec![
                    "accept", "content-type", "host", "missing", "x-amz-date", "x-amz-meta-a",
                    "x-amz-meta-abcdefghijklmnop", "x-amz-security-token",
                ]),
                1..6,
            ),
        ) {
            let headers: Vec<Header<'_>> = names
                .iter()
                .enumerate()
                .map(|(at, name)| Header::new(*name, if at % 2 == 0 { "v" } else { " w  x " }))
                .collect();
            let list = HeaderList { request: &headers, added: &[] };
            let signed = listed.into_iter().collect::<Vec<_>>().join(";");
            let (mut scanned, mut sorted) = (SortScratch::default(), SortScratch::default());
            let by_scan = list.merge(signed.as_bytes(), &mut scanned, Matching::Scan);
            let by_sort = list.merge(signed.as_bytes(), &mut sorted, Matching::Sort);
            proptest::prop_assert_eq!(by_scan, by_sort);
            let indices = |scratch: &SortScratch| scratch.keyed.iter().map(|header| header.index).collect::<Vec<_>>();
            proptest::prop_assert_eq!(indices(&scanned), indices(&sorted));
            proptest::prop_assert_eq!(&scanned.group_ends, &sorted.group_ends);
            proptest::prop_assert_eq!(&scanned.name_ends, &sorted.name_ends);
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
