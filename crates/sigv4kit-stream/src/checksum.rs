//! The trailing checksums S3 accepts after an `aws-chunked` body:
//! `x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`, `-sha1` and `-sha256`.
//!
//! Each is computed over the decoded bytes while they stream, and sent as a
//! trailer whose value is the checksum's big-endian bytes in standard base64
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>).
//! The CRCs come from `crc-fast`, the hashes from RustCrypto.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

/// A checksum algorithm of the `x-amz-checksum-*` family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC, as zlib).
    Crc32,
    /// CRC-32C (Castagnoli, as iSCSI).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm.
    pub const ALL: [Self; 5] = [
        Self::Crc32,
        Self::Crc32c,
        Self::Crc64Nvme,
        Self::Sha1,
        Self::Sha256,
    ];

    /// The trailer's name, e.g. `x-amz-checksum-crc32c`.
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The algorithm whose trailer is `name` (any case).
    pub fn from_header_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.header_name().eq_ignore_ascii_case(name))
    }

    /// The algorithm named as S3's `x-amz-checksum-algorithm` names it
    /// (`CRC32`, `CRC32C`, `CRC64NVME`, `SHA1`, `SHA256`; any case).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|algorithm| {
            algorithm.header_name()["x-amz-checksum-".len()..].eq_ignore_ascii_case(name)
        })
    }

    /// The checksum's size in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 4,
            Self::Crc64Nvme => 8,
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }

    /// The length of the checksum's base64 text: what the trailer's value
    /// adds to the encoded body.
    pub const fn encoded_len(self) -> usize {
        self.digest_len().div_ceil(3) * 4
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header_name())
    }
}

/// A checksum being computed over streamed bytes.
#[derive(Clone)]
pub struct Checksummer {
    state: State,
}

#[derive(Clone)]
enum State {
    Crc(ChecksumAlgorithm, crc_fast::Digest),
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Checksummer {
    /// A checksum of `algorithm` over no bytes yet.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let crc = |crc| State::Crc(algorithm, crc_fast::Digest::new(crc));
        let state = match algorithm {
            ChecksumAlgorithm::Crc32 => crc(crc_fast::CrcAlgorithm::Crc32IsoHdlc),
            ChecksumAlgorithm::Crc32c => crc(crc_fast::CrcAlgorithm::Crc32Iscsi),
            ChecksumAlgorithm::Crc64Nvme => crc(crc_fast::CrcAlgorithm::Crc64Nvme),
            ChecksumAlgorithm::Sha1 => State::Sha1(Sha1::new()),
            ChecksumAlgorithm::Sha256 => State::Sha256(Sha256::new()),
        };
        Self { state }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        match &self.state {
            State::Crc(algorithm, _) => *algorithm,
            State::Sha1(_) => ChecksumAlgorithm::Sha1,
            State::Sha256(_) => ChecksumAlgorithm::Sha256,
        }
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.state {
            State::Crc(_, digest) => digest.update(bytes),
            State::Sha1(hasher) => hasher.update(bytes),
            State::Sha256(hasher) => hasher.update(bytes),
        }
    }

    /// The checksum of the bytes so far, as the trailer's base64 value.
    pub fn finish(self) -> String {
        match self.state {
            State::Crc(algorithm, digest) => {
                let value = digest.finalize().to_be_bytes();
                STANDARD.encode(&value[value.len() - algorithm.digest_len()..])
            }
            State::Sha1(hasher) => STANDARD.encode(hasher.finalize()),
            State::Sha256(hasher) => STANDARD.encode(hasher.finalize()),
        }
    }
}

impl fmt::Debug for Checksummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checksummer")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(algorithm: ChecksumAlgorithm, bytes: &[u8]) -> String {
        let mut checksummer = Checksummer::new(algorithm);
        let (first, second) = bytes.split_at(bytes.len() / 2);
        checksummer.update(first);
        checksummer.update(second);
        checksummer.finish()
    }

    #[test]
    fn known_answers_of_each_algorithm() {
        // CRC catalogue check values over "123456789", and the hashes' own.
        let check = b"123456789";
        assert_eq!(
            checksum(ChecksumAlgorithm::Crc32, check),
            STANDARD.encode(0xCBF4_3926u32.to_be_bytes())
        );
        assert_eq!(
            checksum(ChecksumAlgorithm::Crc32c, check),
            STANDARD.encode(0xE306_9283u32.to_be_bytes())
        );
        assert_eq!(
            checksum(ChecksumAlgorithm::Crc64Nvme, check),
            STANDARD.encode(0xAE8B_1486_0A79_9888u64.to_be_bytes())
        );
        assert_eq!(
            checksum(ChecksumAlgorithm::Sha1, b"abc"),
            "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="
        );
        assert_eq!(
            checksum(ChecksumAlgorithm::Sha256, b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        // The CRT's CRC32C of "a", from its chunked-upload test.
        assert_eq!(checksum(ChecksumAlgorithm::Crc32c, b"a"), "wdBDMA==");
    }

    #[test]
    fn encoded_lengths_match_the_values() {
        for algorithm in ChecksumAlgorithm::ALL {
            assert_eq!(
                checksum(algorithm, b"data").len(),
                algorithm.encoded_len(),
                "{algorithm}"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for algorithm in ChecksumAlgorithm::ALL {
            assert_eq!(
                ChecksumAlgorithm::from_header_name(&algorithm.header_name().to_uppercase()),
                Some(algorithm)
            );
        }
        assert_eq!(
            ChecksumAlgorithm::from_name("crc64nvme"),
            Some(ChecksumAlgorithm::Crc64Nvme)
        );
        assert_eq!(ChecksumAlgorithm::from_name("md5"), None);
    }
}
