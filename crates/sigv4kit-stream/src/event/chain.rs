//! What the signer and the verifier of an event stream share: an event's
//! string to sign, and the chain key of the event's day, kept while the days
//! stay the same.

use sha2::{Digest, Sha256};
use sigv4kit_canon::{Algorithm, Region, Service};
use sigv4kit_signer::ChainScope;

use super::date::EventDate;

/// Writes into `out` (cleared first) the string to sign of the event dated
/// `date` whose envelope carries `payload`, after the signature `previous`.
pub(super) fn write_string_to_sign(
    out: &mut Vec<u8>,
    date: &EventDate,
    region: &Region,
    service: &Service,
    previous: &str,
    payload: &[u8],
) {
    let scope = ChainScope::new(Algorithm::Sigv4, *date.amz_date(), Some(region), service);
    let date_header: [u8; 32] = Sha256::digest(date.encoded_header()).into();
    let payload: [u8; 32] = Sha256::digest(payload).into();
    scope.payload_string_to_sign(out, previous, Some(&date_header), &payload);
}

/// The chain signer or verifier of the last event's day. A SigV4 key is
/// derived per day, region and service; events of one stream mostly share a
/// day, so one key is kept and replaced when the day changes.
pub(super) struct KeyOfDay<T> {
    current: Option<(i64, T)>,
}

impl<T> KeyOfDay<T> {
    pub(super) const fn new() -> Self {
        Self { current: None }
    }

    /// The key of `date`'s day, from `derive` unless it is the one held.
    pub(super) fn get_or_derive<E>(
        &mut self,
        date: &EventDate,
        derive: impl FnOnce() -> Result<T, E>,
    ) -> Result<&T, E> {
        let day = date.scope_day();
        let held = match self.current.take() {
            Some((held_day, key)) if held_day == day => key,
            _ => derive()?,
        };
        Ok(&self.current.insert((day, held)).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_derived_once_per_day() {
        let mut keys = KeyOfDay::new();
        let mut derived = 0;
        for millis in [0, 1_000, 86_399_999, 86_400_000, 86_400_001, 0] {
            let date = EventDate::from_millis(millis).unwrap();
            let key = keys
                .get_or_derive(&date, || {
                    derived += 1;
                    Ok::<_, ()>(date.scope_day())
                })
                .unwrap();
            assert_eq!(*key, date.scope_day());
        }
        assert_eq!(derived, 3, "day 0, day 1, day 0 again");
    }

    #[test]
    fn a_failed_derivation_keeps_no_key() {
        let mut keys = KeyOfDay::<i64>::new();
        let date = EventDate::from_millis(0).unwrap();
        assert_eq!(keys.get_or_derive(&date, || Err("no key")), Err("no key"));
        assert_eq!(keys.get_or_derive(&date, || Ok::<_, ()>(7)), Ok(&7));
    }
}
