//! An event's `:date`, in the two forms its signature uses: the milliseconds
//! the header carries, whose encoding is hashed, and the whole second that
//! names the timestamp line, the scope date and the signing key.

use aws_smithy_types::DateTime;
use aws_smithy_types::event_stream::{Header, HeaderValue};
use sigv4kit_canon::AmzDate;

use super::DATE_HEADER;

/// The length of the `:date` header in event-stream encoding.
pub const ENCODED_DATE_HEADER_BYTES: usize = 15;

/// The `:date` header's encoding before its value: the name's length (5),
/// the name, and the value type 8, a timestamp.
const ENCODED_DATE_HEADER_PREFIX: [u8; 7] = [5, b':', b'd', b'a', b't', b'e', 8];

/// The time of one event, as its `:date` header carries it.
///
/// A signer writes whole seconds, so that the header and the string to sign
/// name the same instant; a received header may carry milliseconds, which
/// are hashed as received while the string to sign names their second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventDate {
    millis: i64,
    time: AmzDate,
}

impl EventDate {
    /// The event time `time`, a whole second.
    pub fn from_amz_date(time: AmzDate) -> Self {
        Self {
            // Years 0000 to 9999 are far from overflowing i64 milliseconds.
            millis: time.unix_seconds().saturating_mul(1000),
            time,
        }
    }

    /// The event time `millis` milliseconds after the Unix epoch, as a
    /// received `:date` header gives it; `None` outside the years 0000 to
    /// 9999, which no `X-Amz-Date` can name.
    pub fn from_millis(millis: i64) -> Option<Self> {
        let time = AmzDate::from_unix_seconds(millis.div_euclid(1000)).ok()?;
        Some(Self { millis, time })
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(&self) -> i64 {
        self.millis
    }

    /// The second of the string to sign and of the credential scope.
    pub const fn amz_date(&self) -> &AmzDate {
        &self.time
    }

    /// The `:date` header.
    pub fn header(&self) -> Header {
        Header::new(
            DATE_HEADER,
            HeaderValue::Timestamp(DateTime::from_millis(self.millis)),
        )
    }

    /// The `:date` header in event-stream encoding,
    /// `0x05 ":date" 0x08 <i64 big-endian milliseconds>`: what the fifth line
    /// of the string to sign hashes.
    pub fn encoded_header(&self) -> [u8; ENCODED_DATE_HEADER_BYTES] {
        let mut encoded = [0; ENCODED_DATE_HEADER_BYTES];
        let (prefix, value) = encoded.split_at_mut(ENCODED_DATE_HEADER_PREFIX.len());
        prefix.copy_from_slice(&ENCODED_DATE_HEADER_PREFIX);
        value.copy_from_slice(&self.millis.to_be_bytes());
        encoded
    }

    /// The UTC day of the scope, which keys the signing key.
    pub(crate) const fn scope_day(&self) -> i64 {
        self.time.unix_seconds().div_euclid(86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoded_header_is_the_framing_crates_encoding() {
        for millis in [0, 1, -1, 348_474_601_000, 253_402_300_799_999] {
            let date = EventDate::from_millis(millis).unwrap();
            let mut reference = Vec::new();
            aws_smithy_eventstream::frame::write_headers_to(&[date.header()], &mut reference)
                .unwrap();
            assert_eq!(date.encoded_header().as_slice(), reference, "{millis}");
        }
    }

    #[test]
    fn milliseconds_name_the_second_they_fall_in() {
        let date = EventDate::from_millis(-1).unwrap();
        assert_eq!(date.amz_date().as_str(), "19691231T235959Z");
        let date = EventDate::from_millis(348_474_601_999).unwrap();
        assert_eq!(date.amz_date().as_str(), "19810116T063001Z");
        assert_eq!(date.millis(), 348_474_601_999);
    }

    #[test]
    fn times_no_amz_date_can_name_are_refused() {
        assert_eq!(EventDate::from_millis(i64::MAX), None);
        assert_eq!(EventDate::from_millis(i64::MIN), None);
        assert_eq!(EventDate::from_millis(253_402_300_800_000), None);
    }

    #[test]
    fn a_whole_second_converts_both_ways() {
        let time = AmzDate::parse_amz("19810116T063001Z").unwrap();
        let date = EventDate::from_amz_date(time);
        assert_eq!(date.millis(), 348_474_601_000);
        assert_eq!(EventDate::from_millis(date.millis()), Some(date));
    }
}
