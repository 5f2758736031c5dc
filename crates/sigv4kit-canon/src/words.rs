//! Byte tests on eight bytes at once.
//!
//! Header names, header values and signed-header lists are short byte
//! strings that every signing and verification scans or compares. Read as
//! one `u64` word, eight bytes take a handful of word operations where a
//! byte loop takes eight rounds of a load, a test and a branch. Each helper
//! here is property-tested against the byte-wise rule it stands for.

/// A byte of each of a word's eight bytes.
pub(crate) const EACH: u64 = 0x0101_0101_0101_0101;
/// The top bit of each of a word's eight bytes.
pub(crate) const HIGH: u64 = 0x80 * EACH;

/// Which bytes of `word` lie in `low..=high`, as their top bits (`low` and
/// `high` below 0x80). Exact for a word of bytes below 0x80, where no sum
/// carries into the next byte; callers refuse any other word apart.
#[inline]
pub(crate) fn bytes_within(word: u64, low: u8, high: u8) -> u64 {
    let at_least_low = word.wrapping_add(u64::from(0x80 - low) * EACH);
    let above_high = word.wrapping_add(u64::from(0x7f - high) * EACH);
    at_least_low & !above_high & HIGH
}

/// Eight bytes with each ASCII upper-case letter lower-cased, all at once:
/// after adding the right constant to a byte's low seven bits, its high bit
/// says whether it was at least `A`, and another constant whether it was
/// above `Z`; a byte with its own high bit set is never a letter.
#[inline]
pub(crate) const fn lower_case_word(word: u64) -> u64 {
    let seven_bits = word & (0x7f * EACH);
    let at_least_a = seven_bits + (0x80 - b'A' as u64) * EACH;
    let above_z = seven_bits + (0x7f - b'Z' as u64) * EACH;
    let upper = at_least_a & !above_z & !word & HIGH;
    word | (upper >> 2)
}

/// The first eight bytes of `bytes` as one big-endian word, padded with
/// zeros when there are fewer: words compare as their bytes sort, and a
/// name shorter than eight bytes (no name holds a zero byte) sorts before
/// the names it starts. Built in a register: bytes stored one by one and
/// read back as a word would stall the load.
#[inline]
pub(crate) fn head_word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head),
        None => bytes
            .iter()
            .zip((0..8).rev())
            .fold(0, |word, (&byte, place)| {
                word | u64::from(byte) << (8 * place)
            }),
    }
}

/// Whether `name` is `lower`, a lower-case name, ignoring ASCII case:
/// [`eq_ignore_case`] with one side lowered already.
#[inline]
pub(crate) fn eq_lower_case(name: &[u8], lower: &[u8]) -> bool {
    eq_by_words(name, lower, |word| word)
}

/// Whether `a` and `b` are equal ignoring ASCII case, as
/// `eq_ignore_ascii_case` says. Header names are looked up this way on every
/// request.
#[inline]
pub(crate) fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    eq_by_words(a, b, lower_case_word)
}

/// Compares `a` lower-cased with `b` read through `b_word`, eight bytes at a
/// time, the last eight overlapping the ones before; byte by byte below
/// eight.
#[inline]
fn eq_by_words(a: &[u8], b: &[u8], b_word: impl Fn(u64) -> u64) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(last) = a.len().checked_sub(8) else {
        return a.eq_ignore_ascii_case(b);
    };
    let word = |bytes: &[u8], at: usize| {
        bytes
            .get(at..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map_or(0, |word| u64::from_le_bytes(*word))
    };
    let mut at = 0;
    while at < last {
        if lower_case_word(word(a, at)) != b_word(word(b, at)) {
            return false;
        }
        at += 8;
    }
    lower_case_word(word(a, last)) == b_word(word(b, last))
}

/// The top bit of each byte of `word` below `limit`, which is at most 0x80.
///
/// Subtracting `limit` from every byte sets the top bit of each byte below
/// it; a borrow can only set bits above a byte that was below, so the lowest
/// flagged byte of a little-endian word is exact (the ones above it may not
/// be).
#[inline]
fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(u64::from(limit) * EACH) & !word & HIGH
}

/// The first index at or after `from` whose byte is below `limit`, which is
/// at most 0x80.
#[inline]
pub(crate) fn position_below(bytes: &[u8], from: usize, limit: u8) -> Option<usize> {
    debug_assert!(limit <= 0x80);
    first_flagged(
        bytes,
        from,
        |word| bytes_below(word, limit),
        |byte| byte < limit,
    )
}

/// The first index at or after `from` that holds `wanted`: the only bytes
/// below 1 once every byte is xored with `wanted`.
#[inline]
pub(crate) fn position_of(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    first_flagged(
        bytes,
        from,
        |word| bytes_below(word ^ (u64::from(wanted) * EACH), 1),
        |byte| byte == wanted,
    )
}

/// The first index at or after `from` that `flags` marks in its word (the
/// lowest flagged byte of a little-endian word), or that `matches` accepts
/// in the tail shorter than a word.
#[inline]
fn first_flagged(
    bytes: &[u8],
    from: usize,
    flags: impl Fn(u64) -> u64,
    matches: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut index = from;
    while let Some(chunk) = bytes.get(index..).and_then(<[u8]>::first_chunk::<8>) {
        let flagged = flags(u64::from_le_bytes(*chunk));
        if flagged != 0 {
            return Some(index + (flagged.trailing_zeros() / 8) as usize);
        }
        index += 8;
    }
    let tail = bytes.get(index..)?;
    tail.iter()
        .position(|&byte| matches(byte))
        .map(|offset| index + offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_lower_case_as_bytes_do() {
        for byte in 0..=255u8 {
            let bytes = [byte, b'A', byte, b'z', 0x80, byte, b'Z', byte];
            let lower = bytes.map(|b| b.to_ascii_lowercase());
            assert_eq!(
                lower_case_word(u64::from_be_bytes(bytes)),
                u64::from_be_bytes(lower),
                "{byte:#x}"
            );
        }
    }

    #[test]
    fn head_words_are_the_first_eight_bytes_padded() {
        for length in 0..12 {
            let bytes: Vec<u8> = (1..=length).collect();
            let mut padded = [0u8; 8];
            let head = bytes.len().min(8);
            padded[..head].copy_from_slice(&bytes[..head]);
            assert_eq!(head_word(&bytes), u64::from_be_bytes(padded), "{bytes:?}");
        }
    }

    #[test]
    fn every_position_and_byte_is_found() {
        for length in 0..20 {
            for at in 0..length {
                for byte in [0u8, 0x1f, 0x20, b';', 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![b'a'; length];
                    bytes[at] = byte;
                    let below = bytes.iter().position(|&b| b < 0x21);
                    assert_eq!(position_below(&bytes, 0, 0x21), below, "{bytes:?}");
                    assert_eq!(position_of(&bytes, 0, byte), Some(at), "{bytes:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn names_equal_as_eq_ignore_ascii_case_says(
            name in proptest::collection::vec(proptest::sample::select(b"aAzZ-@[\x00\xc1".to_vec()), 0..24),
            other in proptest::collection::vec(proptest::sample::select(b"aAzZ-@[\x00\xc1".to_vec()), 0..24),
            shared in 0usize..24,
        ) {
            let other: Vec<u8> = name.iter().take(shared).chain(&other).copied().collect();
            prop_assert!(eq_ignore_case(&name, &name.to_ascii_lowercase()));
            prop_assert!(eq_lower_case(&name, &name.to_ascii_lowercase()));
            prop_assert_eq!(eq_lower_case(&name, &other.to_ascii_lowercase()), name.eq_ignore_ascii_case(&other));
            prop_assert!(eq_ignore_case(&name.to_ascii_uppercase(), &name));
            prop_assert_eq!(eq_ignore_case(&name, &other), name.eq_ignore_ascii_case(&other));
        }

        #[test]
        fn positions_are_those_of_a_byte_loop(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b' '), Just(b'\t'), Just(b';'), Just(0u8), Just(0x80u8), any::<u8>(), Just(b'a')],
                0..40,
            ),
            from in 0usize..45,
            limit in 0u8..=0x80,
            wanted in prop_oneof![Just(b';'), Just(b' '), Just(0u8), any::<u8>()],
        ) {
            let tail = bytes.get(from..);
            let below = tail.and_then(|tail| tail.iter().position(|&b| b < limit)).map(|at| from + at);
            let found = tail.and_then(|tail| tail.iter().position(|&b| b == wanted)).map(|at| from + at);
            prop_assert_eq!(position_below(&bytes, from, limit), below);
            prop_assert_eq!(position_of(&bytes, from, wanted), found);
        }
    }
}
