//! The few values a thread used last, for the memos that spare a server's
//! thread work it did for the same client a moment ago.
//!
//! A server's thread reads the requests of several clients in turn, and a
//! client sends the same credential, layout and signed-header list request
//! after request. A memo of one value would lose each client's work as
//! soon as another client's request came between; a handful of places
//! keeps them all, as long as no more clients than places alternate. The
//! `Authorization` layouts ([`crate::authorization`]) and the long
//! signed-header lists ([`crate::authorization::SignedHeaders`]) are kept
//! this way.

/// Up to `N` values. The value found last is tried first; once every place
/// is taken, a new value takes the places in turn, so the one replaced is
/// the oldest remembered.
pub(crate) struct Recent<T, const N: usize> {
    places: Vec<T>,
    /// The place found or filled last.
    last: usize,
    /// The place the next value takes once all are taken.
    next: usize,
}

impl<T, const N: usize> Recent<T, N> {
    pub(crate) const fn new() -> Self {
        Self {
            places: Vec::new(),
            last: 0,
            next: 0,
        }
    }

    /// The value that `holds`, the one found last tried first.
    #[inline]
    pub(crate) fn find(&mut self, holds: impl Fn(&T) -> bool) -> Option<&T> {
        let found = if self.places.get(self.last).is_some_and(&holds) {
            self.last
        } else {
            self.places.iter().position(holds)?
        };
        self.last = found;
        self.places.get(found)
    }

    /// Keeps a new value: `make` builds it while a place is free; once all
    /// are taken, `refill` writes it over the oldest, whose buffers it may
    /// reuse.
    pub(crate) fn remember(&mut self, make: impl FnOnce() -> T, refill: impl FnOnce(&mut T)) {
        if self.places.len() < N {
            self.last = self.places.len();
            self.places.push(make());
            return;
        }
        let place = self.next;
        self.next = (place + 1) % N;
        if let Some(oldest) = self.places.get_mut(place) {
            refill(oldest);
        }
        self.last = place;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_found_is_tried_first_and_the_oldest_gives_way() {
        let mut recent = Recent::<u32, 3>::new();
        for value in 0..3 {
            recent.remember(|| value, |slot| *slot = value);
        }
        let tried = std::cell::Cell::new(0);
        let counting = |value: u32| {
            let tried = &tried;
            move |held: &u32| {
                tried.set(tried.get() + 1);
                *held == value
            }
        };
        assert_eq!(recent.find(counting(1)), Some(&1));
        tried.set(0);
        assert_eq!(recent.find(counting(1)), Some(&1));
        assert_eq!(tried.get(), 1, "the value found last is tried first");

        // Two more values replace the two oldest, 0 then 1.
        for value in [3, 4] {
            recent.remember(|| value, |slot| *slot = value);
        }
        for value in 0..5 {
            assert_eq!(
                recent.find(|held| *held == value).is_some(),
                value >= 2,
                "{value}"
            );
        }
        assert!(recent.find(|held| *held == 9).is_none());
    }

    #[test]
    fn refilling_reuses_the_oldest_place() {
        let mut recent = Recent::<Vec<u8>, 1>::new();
        recent.remember(|| b"first".to_vec(), |_| unreachable!("a place is free"));
        let mut refilled = false;
        recent.remember(
            || unreachable!("no place is free"),
            |slot| {
                refilled = slot == b"first";
                slot.clear();
                slot.extend_from_slice(b"second");
            },
        );
        assert!(refilled);
        assert_eq!(
            recent.find(|held| held == b"second"),
            Some(&b"second".to_vec())
        );
        assert!(recent.find(|held| held == b"first").is_none());
    }
}
