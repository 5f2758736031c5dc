//! Constant-time big-endian integer helpers for the SigV4A KDF.
//!
//! The KDF (see [`crate::kdf`]) reads a 32-byte HMAC output `c` as a
//! big-endian integer, accepts it only if `c <= n - 2` (`n` = the P-256 group
//! order) and then uses `d = c + 1` as the private scalar. `c` is secret, so the
//! comparison and the addition must not branch or index on its value. AWS's
//! reference implementation (aws-c-auth) does this with two byte-sequence
//! helpers, `aws_be_bytes_compare_constant_time` and
//! `aws_be_bytes_add_one_constant_time`; their unit-test vectors pin the byte
//! order and the wrap-around.
//!
//! The KDF itself uses `crypto-bigint`'s [`U256`] (constant-time `ct_lt` and
//! `wrapping_add`). The byte-slice functions below are the direct equivalents
//! of the aws-c-auth helpers for arbitrary lengths, exported through
//! [`crate::hazmat`] so they can be checked against the upstream vectors and
//! against `U256`.

use core::cmp::Ordering;

use crypto_bigint::{CtLt, U256};
use subtle::{Choice, ConstantTimeGreater};
use thiserror::Error;
use zeroize::Zeroizing;

/// `n - 1`, where `n` is the order of the P-256 base point. A KDF candidate `c`
/// is acceptable iff `c < n - 1`, i.e. `c <= n - 2`.
pub(crate) const P256_ORDER_MINUS_ONE: U256 =
    U256::from_be_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550");

/// The two byte strings given to [`be_compare_ct`] differ in length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("big-endian operands differ in length ({lhs} vs {rhs} bytes)")]
pub struct LengthMismatch {
    /// Length of the left operand.
    pub lhs: usize,
    /// Length of the right operand.
    pub rhs: usize,
}

/// Adds one to the big-endian unsigned integer in `bytes`, in place, wrapping
/// to zero on overflow (`ff..ff + 1 = 00..00`). Runs in time that depends only
/// on `bytes.len()`.
pub fn be_add_one_ct(bytes: &mut [u8]) {
    let mut carry: u16 = 1;
    for b in bytes.iter_mut().rev() {
        let sum = u16::from(*b) + carry;
        *b = sum.to_le_bytes()[0];
        carry = sum >> 8;
    }
}

/// Compares two big-endian unsigned integers of the same length. Runs in time
/// that depends only on the length; only the final [`Ordering`] is revealed.
///
/// # Errors
/// [`LengthMismatch`] if the operands differ in length (lengths are public).
pub fn be_compare_ct(lhs: &[u8], rhs: &[u8]) -> Result<Ordering, LengthMismatch> {
    if lhs.len() != rhs.len() {
        return Err(LengthMismatch {
            lhs: lhs.len(),
            rhs: rhs.len(),
        });
    }
    let mut gt = Choice::from(0);
    let mut lt = Choice::from(0);
    for (a, b) in lhs.iter().zip(rhs) {
        // The first differing byte (from the most significant end) decides.
        let undecided = !(gt | lt);
        gt |= undecided & a.ct_gt(b);
        lt |= undecided & b.ct_gt(a);
    }
    Ok(match (bool::from(gt), bool::from(lt)) {
        (true, _) => Ordering::Greater,
        (_, true) => Ordering::Less,
        _ => Ordering::Equal,
    })
}

/// Maps a KDF candidate to the private scalar bytes `c + 1`, or `None` if the
/// candidate is out of range (`c > n - 2`).
///
/// The comparison and the increment are constant-time in `c`. The final
/// accept/reject decision *is* branched on: it only tells whether this
/// candidate was rejected, which happens with probability about 2^-32 and is
/// observable anyway from the number of HMAC calls (see [`crate::kdf`]).
pub(crate) fn candidate_to_scalar(candidate: &[u8; 32]) -> Option<Zeroizing<U256>> {
    let c = Zeroizing::new(U256::from_be_slice(candidate));
    let in_range = c.ct_lt(&P256_ORDER_MINUS_ONE);
    let d = Zeroizing::new(c.wrapping_add(&U256::ONE));
    if in_range.to_bool() { Some(d) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::NistP256;
    use p256::elliptic_curve::Curve;

    #[test]
    fn order_constant_matches_p256() {
        let n = NistP256::ORDER.get();
        assert_eq!(P256_ORDER_MINUS_ONE.wrapping_add(&U256::ONE), n);
    }

    #[test]
    fn candidate_boundaries() {
        let n_minus_2 = P256_ORDER_MINUS_ONE.wrapping_sub(&U256::ONE);
        let bytes: [u8; 32] = n_minus_2.to_be_bytes().into();
        let d = candidate_to_scalar(&bytes).expect("n-2 is the largest accepted candidate");
        assert_eq!(*d, P256_ORDER_MINUS_ONE);

        let bytes: [u8; 32] = P256_ORDER_MINUS_ONE.to_be_bytes().into();
        assert!(
            candidate_to_scalar(&bytes).is_none(),
            "n-1 must be rejected"
        );
        assert!(candidate_to_scalar(&[0xff; 32]).is_none());

        let d = candidate_to_scalar(&[0; 32]).expect("0 is accepted");
        assert_eq!(*d, U256::ONE);
    }
}
