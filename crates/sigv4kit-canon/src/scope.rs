//! The pieces of the credential scope and the string to sign.
//!
//! SigV4 scopes a signature to `date/region/service/aws4_request`; SigV4A drops
//! the region, which moves to the signed `X-Amz-Region-Set` instead. The string
//! to sign is `algorithm \n amz-date \n scope \n hex(SHA-256(canonical request))`.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.
//!
//! Each piece is validated once, when it is built, and trusted after that.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use arrayvec::ArrayString;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::CanonicalError;
use crate::sink::{AsciiSink, Sink};
use crate::text::ShortText;

/// The terminator of every credential scope.
pub const SCOPE_TERMINATOR: &str = "aws4_request";

/// The two signing algorithms of Signature Version 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `AWS4-HMAC-SHA256`: symmetric, scoped to one region.
    Sigv4,
    /// `AWS4-ECDSA-P256-SHA256`: asymmetric, valid for a region set.
    Sigv4a,
}

impl Algorithm {
    /// The name used in `Authorization` and `X-Amz-Algorithm`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sigv4 => "AWS4-HMAC-SHA256",
            Self::Sigv4a => "AWS4-ECDSA-P256-SHA256",
        }
    }

    /// Parses the name used in `Authorization` and `X-Amz-Algorithm`.
    pub fn from_wire_name(name: &str) -> Option<Self> {
        match name {
            "AWS4-HMAC-SHA256" => Some(Self::Sigv4),
            "AWS4-ECDSA-P256-SHA256" => Some(Self::Sigv4a),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

thread_local! {
    /// The last `X-Amz-Date` [`AmzDate::parse_amz_bytes`] accepted on this
    /// thread. Only a valid date is remembered, so a hit needs no checks.
    static LAST_AMZ_DATE: std::cell::Cell<Option<AmzDate>> = const { std::cell::Cell::new(None) };
}

/// A signing instant in the `X-Amz-Date` form, `YYYYMMDDTHHMMSSZ` (UTC).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AmzDate {
    unix_seconds: i64,
    text: ArrayString<16>,
}

impl AmzDate {
    /// The instant `time`, truncated to whole seconds.
    pub fn from_offset_date_time(time: OffsetDateTime) -> Result<Self, CanonicalError> {
        let utc = time.to_offset(time::UtcOffset::UTC);
        let year = utc.year();
        if !(0..=9999).contains(&year) {
            return Err(CanonicalError::InvalidTime {
                value: time.to_string(),
                reason: "the year must have four digits".into(),
            });
        }
        let mut text = *b"00000000T000000Z";
        write_digits(&mut text[0..4], year as u32);
        write_digits(&mut text[4..6], u32::from(u8::from(utc.month())));
        write_digits(&mut text[6..8], u32::from(utc.day()));
        write_digits(&mut text[9..11], u32::from(utc.hour()));
        write_digits(&mut text[11..13], u32::from(utc.minute()));
        write_digits(&mut text[13..15], u32::from(utc.second()));
        Ok(Self {
            unix_seconds: utc.unix_timestamp(),
            text: crate::encoding::ascii_array_string(&text),
        })
    }

    /// The instant `time`, truncated to whole seconds.
    pub fn from_system_time(time: SystemTime) -> Result<Self, CanonicalError> {
        Self::from_offset_date_time(OffsetDateTime::from(time))
    }

    /// The instant `seconds` after the Unix epoch.
    pub fn from_unix_seconds(seconds: i64) -> Result<Self, CanonicalError> {
        let time = OffsetDateTime::from_unix_timestamp(seconds).map_err(|error| {
            CanonicalError::InvalidTime {
                value: seconds.to_string(),
                reason: error.to_string(),
            }
        })?;
        Self::from_offset_date_time(time)
    }

    /// Parses RFC 3339, e.g. `2015-08-30T12:36:00Z`.
    pub fn parse_rfc3339(text: &str) -> Result<Self, CanonicalError> {
        let time =
            OffsetDateTime::parse(text, &Rfc3339).map_err(|error| CanonicalError::InvalidTime {
                value: text.to_owned(),
                reason: error.to_string(),
            })?;
        Self::from_offset_date_time(time)
    }

    /// Parses the `X-Amz-Date` form, `20150830T123600Z`.
    ///
    /// Every received request carries one, so it is read directly: digits,
    /// ranges and the days of the month (leap years included), then Unix
    /// seconds by the days-from-civil formula, without a calendar round trip.
    pub fn parse_amz(text: &str) -> Result<Self, CanonicalError> {
        Self::parse_amz_bytes(text.as_bytes())
    }

    /// [`Self::parse_amz`] of the bytes of a header value, which need not be
    /// UTF-8: anything but the sixteen ASCII bytes of the format is refused.
    ///
    /// A server reads the same `X-Amz-Date` on every request signed in the
    /// same second, so the last one read on this thread is remembered with
    /// its reading ([`LAST_AMZ_DATE`]): the same sixteen bytes again are
    /// answered by one comparison.
    pub fn parse_amz_bytes(text: &[u8]) -> Result<Self, CanonicalError> {
        // As arrays, the sixteen bytes compare in two words, with no call.
        let remembered = LAST_AMZ_DATE.get().filter(|last| {
            matches!(
                (<&[u8; 16]>::try_from(last.text.as_bytes()), <&[u8; 16]>::try_from(text)),
                (Ok(last), Ok(text)) if last == text
            )
        });
        if let Some(date) = remembered {
            return Ok(date);
        }
        let date = Self::read_amz_bytes(text)?;
        LAST_AMZ_DATE.set(Some(date));
        Ok(date)
    }

    fn read_amz_bytes(text: &[u8]) -> Result<Self, CanonicalError> {
        let invalid = |reason: &str| CanonicalError::InvalidTime {
            value: String::from_utf8_lossy(text).into_owned(),
            reason: reason.to_owned(),
        };
        let Ok(bytes) = <&[u8; 16]>::try_from(text) else {
            return Err(invalid("expected YYYYMMDDTHHMMSSZ"));
        };
        let shape_ok = bytes[8] == b'T'
            && bytes[15] == b'Z'
            && bytes[..8].iter().all(u8::is_ascii_digit)
            && bytes[9..15].iter().all(u8::is_ascii_digit);
        if !shape_ok {
            return Err(invalid("expected YYYYMMDDTHHMMSSZ"));
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            bytes[range]
                .iter()
                .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'))
        };
        let (year, month, day) = (number(0..4), number(4..6), number(6..8));
        if !(1..=12).contains(&month) {
            return Err(invalid("bad month"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(invalid("no such date"));
        }
        let (hour, minute, second) = (number(9..11), number(11..13), number(13..15));
        if hour > 23 || minute > 59 || second > 59 {
            return Err(invalid("no such time of day"));
        }
        let seconds_of_day = i64::from(hour * 3600 + minute * 60 + second);
        Ok(Self {
            unix_seconds: days_from_civil(year, month, day) * 86_400 + seconds_of_day,
            text: crate::encoding::ascii_array_string(bytes),
        })
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `YYYYMMDD`, the date of the credential scope.
    pub fn date(&self) -> &str {
        &self.as_str()[..8]
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDate({})", self.as_str())
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The days of `month` (1 to 12) in the Gregorian `year`.
const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date of a year from 0
/// to 9999: Howard Hinnant's `days_from_civil`, with years counted from
/// March so that the leap day ends a year.
const fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = year as i64 - if month <= 2 { 1 } else { 0 };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn write_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Characters a scope component may hold: no `/` (the scope separator), no
/// whitespace, no `,` (the region-set separator).
pub(crate) const fn is_scope_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')
}

/// Whether `text` is a valid region or service: the rule of [`Region::new`]
/// and [`Service::new`], checked without building either.
pub(crate) fn is_scope_component(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(is_scope_char)
}

/// The longest region or service name held inline: every AWS region and
/// nearly every service name is shorter.
const SCOPE_COMPONENT_INLINE: usize = 30;

macro_rules! scope_component {
    ($(#[$doc:meta])* $name:ident, $error:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(ShortText<SCOPE_COMPONENT_INLINE>);

        impl $name {
            /// Validates `value`: non-empty, letters, digits, `-`, `_` and `.` only.
            pub fn new(value: &str) -> Result<Self, CanonicalError> {
                if !is_scope_component(value) {
                    return Err(CanonicalError::$error {
                        value: value.to_owned(),
                    });
                }
                Ok(Self(ShortText::new(value)))
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = CanonicalError;
            fn from_str(value: &str) -> Result<Self, CanonicalError> {
                Self::new(value)
            }
        }
    };
}

scope_component!(
    /// A service name as it appears in the credential scope, e.g. `s3`.
    Service,
    InvalidService
);
scope_component!(
    /// A SigV4 region, e.g. `us-east-1`.
    Region,
    InvalidRegion
);

/// A SigV4A region set: the regions a signature is valid in, `*` for all.
///
/// Members are non-empty and hold no whitespace; a member may use `*` as a
/// wildcard. It is written comma-joined, as `X-Amz-Region-Set` carries it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RegionSet {
    joined: Arc<str>,
    /// The set's one member as a [`Region`], when it has one member and no
    /// wildcard: what a verifier's policy usually holds, and compares every
    /// request's scope region with.
    only_region: Option<Region>,
}

impl RegionSet {
    /// Parses a comma-separated set such as `us-east-1,us-west-2` or `*`.
    pub fn parse(value: &str) -> Result<Self, CanonicalError> {
        Self::from_members(value.split(','))
    }

    /// Builds a set from its members.
    pub fn from_members<'m>(
        members: impl IntoIterator<Item = &'m str>,
    ) -> Result<Self, CanonicalError> {
        let mut joined = String::new();
        for member in members {
            let invalid = |reason| CanonicalError::InvalidRegionSet {
                value: member.to_owned(),
                reason,
            };
            if member.is_empty() {
                return Err(invalid("a member is empty"));
            }
            if member.bytes().any(|byte| byte.is_ascii_whitespace()) {
                return Err(invalid("a member contains whitespace"));
            }
            if !member
                .bytes()
                .all(|byte| is_scope_char(byte) || byte == b'*')
            {
                return Err(invalid(
                    "a member may hold only letters, digits, '-', '_', '.' and '*'",
                ));
            }
            if !joined.is_empty() {
                joined.push(',');
            }
            joined.push_str(member);
        }
        if joined.is_empty() {
            return Err(CanonicalError::InvalidRegionSet {
                value: String::new(),
                reason: "the set is empty",
            });
        }
        let only_region = Region::new(&joined).ok();
        Ok(Self {
            joined: Arc::from(joined),
            only_region,
        })
    }

    /// The set's [`Region`], when the set is exactly `region`: a verifier
    /// whose policy names one region accepts a scope's region with one
    /// comparison, and answers with the policy's own copy.
    pub fn as_region(&self, region: &str) -> Option<&Region> {
        self.only_region
            .as_ref()
            .filter(|only| only.as_str() == region)
    }

    /// The set `*`: every region.
    pub fn any() -> Self {
        Self {
            joined: Arc::from("*"),
            only_region: None,
        }
    }

    /// The set holding one region.
    pub fn single(region: &Region) -> Self {
        Self {
            joined: Arc::from(region.as_str()),
            only_region: Some(region.clone()),
        }
    }

    /// The comma-joined form.
    pub fn as_str(&self) -> &str {
        &self.joined
    }

    /// The members.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.joined.split(',')
    }
}

impl fmt::Debug for RegionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionSet({:?})", &*self.joined)
    }
}

impl fmt::Display for RegionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.joined)
    }
}

/// The credential scope of one signature.
#[derive(Debug, Clone, Copy)]
pub struct CredentialScope<'a> {
    /// The signing date.
    pub date: &'a AmzDate,
    /// The region for SigV4; `None` for SigV4A, whose scope has none.
    pub region: Option<&'a Region>,
    /// The service.
    pub service: &'a Service,
}

impl CredentialScope<'_> {
    /// Writes `date/region/service/aws4_request` (or without the region).
    pub fn write(&self, sink: &mut impl Sink) {
        sink.put(self.date.date().as_bytes());
        sink.put(b"/");
        if let Some(region) = self.region {
            sink.put(region.as_str().as_bytes());
            sink.put(b"/");
        }
        sink.put(self.service.as_str().as_bytes());
        sink.put(b"/");
        sink.put(SCOPE_TERMINATOR.as_bytes());
    }

    /// Appends the scope to `out`.
    pub fn push_to(&self, out: &mut String) {
        out.push_str(self.date.date());
        out.push('/');
        if let Some(region) = self.region {
            out.push_str(region.as_str());
            out.push('/');
        }
        out.push_str(self.service.as_str());
        out.push('/');
        out.push_str(SCOPE_TERMINATOR);
    }

    /// The scope as text.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(64);
        self.push_to(&mut out);
        out
    }
}

/// The string to sign: what the algorithm's key actually signs.
#[derive(Debug, Clone, Copy)]
pub struct StringToSign<'a> {
    /// The signing algorithm.
    pub algorithm: Algorithm,
    /// The credential scope; its date gives the `X-Amz-Date` line.
    pub scope: CredentialScope<'a>,
    /// SHA-256 of the canonical request.
    pub canonical_request_sha256: [u8; 32],
}

impl StringToSign<'_> {
    /// Writes `algorithm \n amz-date \n scope \n hex(canonical request hash)`.
    pub fn write(&self, sink: &mut impl Sink) {
        sink.put(self.algorithm.as_str().as_bytes());
        sink.put(b"\n");
        sink.put(self.scope.date.as_str().as_bytes());
        sink.put(b"\n");
        self.scope.write(sink);
        sink.put(b"\n");
        sink.put(&crate::encoding::hex32(&self.canonical_request_sha256));
    }

    /// The string to sign as text.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(160);
        self.write(&mut AsciiSink(&mut out));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_forms_agree() {
        let from_rfc = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
        let from_amz = AmzDate::parse_amz("20150830T123600Z").unwrap();
        let from_unix = AmzDate::from_unix_seconds(1_440_938_160).unwrap();
        assert_eq!(from_rfc.as_str(), "20150830T123600Z");
        assert_eq!(from_rfc.date(), "20150830");
        assert_eq!(from_rfc, from_amz);
        assert_eq!(from_rfc, from_unix);
        let offset = AmzDate::parse_rfc3339("2015-08-30T14:36:00+02:00").unwrap();
        assert_eq!(offset, from_rfc);
    }

    #[test]
    fn malformed_amz_dates_are_errors() {
        for text in [
            "",
            "20150830",
            "20150830T123600",
            "2015083OT123600Z",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T253600Z",
            "20150830T123600Zx",
            "२०१५0830T123600Z",
        ] {
            assert!(AmzDate::parse_amz(text).is_err(), "{text:?}");
        }
    }

    /// The reading of `X-Amz-Date` before the direct parser, through the
    /// `time` crate's calendar: the reference the property test holds it to.
    fn parse_amz_with_time(text: &str) -> Option<AmzDate> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 16
            && bytes[8] == b'T'
            && bytes[15] == b'Z'
            && bytes[..8].iter().all(u8::is_ascii_digit)
            && bytes[9..15].iter().all(u8::is_ascii_digit);
        if !shape_ok {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap();
        let month = time::Month::try_from(number(4..6) as u8).ok()?;
        let date =
            time::Date::from_calendar_date(number(0..4) as i32, month, number(6..8) as u8).ok()?;
        let clock = time::Time::from_hms(
            number(9..11) as u8,
            number(11..13) as u8,
            number(13..15) as u8,
        )
        .ok()?;
        AmzDate::from_offset_date_time(date.with_time(clock).assume_utc()).ok()
    }

    #[test]
    fn leap_days_and_edges_parse_as_the_calendar_says() {
        for (text, unix_seconds) in [
            ("19700101T000000Z", 0),
            ("19691231T235959Z", -1),
            ("20000229T000000Z", 951_782_400),
            ("20240229T120000Z", 1_709_208_000),
            ("00000101T000000Z", -62_167_219_200),
            ("99991231T235959Z", 253_402_300_799),
        ] {
            assert_eq!(
                AmzDate::parse_amz(text).map(|date| date.unix_seconds()),
                Ok(unix_seconds),
                "{text}"
            );
        }
        for text in [
            "19000229T000000Z",
            "20230229T000000Z",
            "20240431T000000Z",
            "20240100T000000Z",
            "20240001T000000Z",
            "20240101T240000Z",
            "20240101T236000Z",
            "20240101T235960Z",
        ] {
            assert!(AmzDate::parse_amz(text).is_err(), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_direct_parser_agrees_with_the_calendar(
            digits in proptest::collection::vec(0u8..10, 14),
            instant in -62_167_219_200i64..253_402_300_800,
        ) {
            // Any digits, mostly impossible dates and times.
            let digit = |index: usize| char::from(b'0' + digits[index]);
            let text: String = (0..8).map(digit).chain(['T'])
                .chain((8..14).map(digit)).chain(['Z']).collect();
            proptest::prop_assert_eq!(AmzDate::parse_amz(&text).ok(), parse_amz_with_time(&text));
            // Every valid instant of the four-digit years.
            let date = AmzDate::from_unix_seconds(instant).unwrap();
            proptest::prop_assert_eq!(AmzDate::parse_amz(date.as_str()), Ok(date));
            proptest::prop_assert_eq!(parse_amz_with_time(date.as_str()), Some(date));
        }
    }

    proptest::proptest! {
        /// Dates read in turn on one thread, repeats and near misses
        /// included, read as a first reading would, and a refused text
        /// leaves nothing behind that a later one could match.
        #[test]
        fn the_remembered_date_answers_as_a_first_reading(
            picks in proptest::collection::vec((0usize..4, 0usize..16, 0u8..128), 1..24),
        ) {
            let texts = ["20150830T123600Z", "20150830T123601Z", "20240229T000000Z", "20230229T000000Z"];
            for (pick, position, byte) in picks {
                let mut text = texts[pick].as_bytes().to_vec();
                if byte >= 100 {
                    text[position] = byte - 100 + b'0';
                }
                let fresh = AmzDate::read_amz_bytes(&text);
                proptest::prop_assert_eq!(AmzDate::parse_amz_bytes(&text), fresh.clone());
                proptest::prop_assert_eq!(AmzDate::parse_amz_bytes(&text), fresh);
            }
        }
    }

    #[test]
    fn a_refused_date_is_refused_again_after_a_valid_one() {
        assert!(AmzDate::parse_amz("20150830T123600Z").is_ok());
        assert!(AmzDate::parse_amz("20150830T123600").is_err());
        assert!(AmzDate::parse_amz("20150830T123600Z ").is_err());
        assert!(AmzDate::parse_amz("20230229T123600Z").is_err());
        assert_eq!(
            AmzDate::parse_amz("20150830T123600Z").map(|date| date.unix_seconds()),
            Ok(1_440_938_160)
        );
    }

    #[test]
    fn a_single_region_set_lends_its_region() {
        let set = RegionSet::parse("us-east-1").unwrap();
        assert_eq!(
            set.as_region("us-east-1"),
            Some(&Region::new("us-east-1").unwrap())
        );
        assert_eq!(set.as_region("us-west-2"), None);
        assert_eq!(RegionSet::parse("us-*").unwrap().as_region("us-*"), None);
        assert_eq!(RegionSet::parse("a,b").unwrap().as_region("a"), None);
        assert_eq!(RegionSet::any().as_region("*"), None);
        let region = Region::new("eu-west-1").unwrap();
        assert_eq!(
            RegionSet::single(&region).as_region("eu-west-1"),
            Some(&region)
        );
        assert_eq!(
            RegionSet::single(&region),
            RegionSet::parse("eu-west-1").unwrap()
        );
    }

    #[test]
    fn region_set_validation_table() {
        let good = ["*", "us-east-1", "us-east-1,us-west-2", "us-*"];
        for text in good {
            assert_eq!(RegionSet::parse(text).unwrap().as_str(), text);
        }
        let bad = [
            "",
            ",",
            "us-east-1,",
            ",us-east-1",
            "us east-1",
            "us-east-1, us-west-2",
            "a/b",
        ];
        for text in bad {
            assert!(RegionSet::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn scope_components_reject_separators() {
        for bad in ["", "a/b", "a b", "a,b", "ü"] {
            assert!(Service::new(bad).is_err(), "{bad:?}");
            assert!(Region::new(bad).is_err(), "{bad:?}");
        }
        assert!(Service::new("vpc-lattice-svcs").is_ok());
    }

    #[test]
    fn scope_has_no_region_for_sigv4a() {
        let date = AmzDate::parse_amz("20150830T123600Z").unwrap();
        let service = Service::new("service").unwrap();
        let region = Region::new("us-east-1").unwrap();
        let v4 = CredentialScope {
            date: &date,
            region: Some(&region),
            service: &service,
        };
        let v4a = CredentialScope {
            date: &date,
            region: None,
            service: &service,
        };
        assert_eq!(v4.to_text(), "20150830/us-east-1/service/aws4_request");
        assert_eq!(v4a.to_text(), "20150830/service/aws4_request");
    }
}
