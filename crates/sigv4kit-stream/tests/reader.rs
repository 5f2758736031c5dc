//! `ChunkedReader` yields exactly what `ChunkedEncoder::encode_all` does,
//! however it is read, and refuses a body of another length than planned.

use std::io::Read;

use sigv4kit_canon::{Algorithm, AmzDate, Region, Service};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{ChainScope, Credentials, Signer, SigningParams};
use sigv4kit_stream::{
    ChecksumAlgorithm, ChunkSize, ChunkedEncoder, ChunkedError, ChunkedReader, ChunkedUpload,
    SigningChain,
};

fn encoder(upload: ChunkedUpload) -> ChunkedEncoder {
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let params = SigningParams::new(
        &credentials,
        AmzDate::parse_rfc3339("2026-11-25T12:00:00Z").unwrap(),
        Service::new("s3").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    let chain = SigningChain::new(
        HmacSigner::new().chain_signer(&params).unwrap(),
        ChainScope::for_signing(Algorithm::Sigv4, &params).unwrap(),
        &"ab".repeat(32),
    )
    .unwrap();
    ChunkedEncoder::signed(upload, chain).unwrap()
}

fn body(length: usize) -> Vec<u8> {
    (0..length).map(|index| (index * 31 % 251) as u8).collect()
}

#[test]
fn reading_in_any_steps_gives_the_encoded_body() {
    let chunk_size = ChunkSize::new(8192).unwrap();
    for length in [1, 8191, 8192, 8193, 40_000] {
        let upload = ChunkedUpload::signed(Algorithm::Sigv4, length as u64)
            .with_chunk_size(chunk_size)
            .with_checksum(ChecksumAlgorithm::Crc64Nvme);
        let data = body(length);
        let expected = encoder(upload).encode_all(&data).unwrap();
        assert_eq!(expected.len() as u64, upload.content_length());
        for step in [1, 7, 4096, 100_000] {
            let mut reader = ChunkedReader::new(&data[..], encoder(upload));
            let mut read = Vec::new();
            let mut buffer = vec![0u8; step];
            loop {
                let n = reader.read(&mut buffer).unwrap();
                if n == 0 {
                    break;
                }
                read.extend_from_slice(&buffer[..n]);
            }
            assert!(read == expected, "length {length}, step {step}");
        }
    }
}

#[test]
fn a_body_of_another_length_than_planned_is_an_error() {
    let upload = ChunkedUpload::signed(Algorithm::Sigv4, 10_000);
    let short = ChunkedReader::new(&body(9_999)[..], encoder(upload)).read_to_end(&mut Vec::new());
    let error = short.unwrap_err();
    assert!(matches!(
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ChunkedError>()),
        Some(ChunkedError::BodyTooShort {
            declared: 10_000,
            sent: 9_999
        })
    ));
    let long = ChunkedReader::new(&body(10_001)[..], encoder(upload)).read_to_end(&mut Vec::new());
    let error = long.unwrap_err();
    assert!(matches!(
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ChunkedError>()),
        Some(ChunkedError::BodyTooLong { declared: 10_000 })
    ));
}

#[test]
fn the_encoder_refuses_chunks_off_the_plan() {
    let upload = ChunkedUpload::signed(Algorithm::Sigv4, 100_000);
    let mut encoder = encoder(upload);
    assert!(matches!(
        encoder.chunk_header(&[0; 1000]),
        Err(ChunkedError::UnexpectedChunkLength {
            index: 0,
            expected: 65_536,
            got: 1000
        })
    ));
    assert!(matches!(
        encoder.finish(),
        Err(ChunkedError::BodyTooShort { sent: 0, .. })
    ));
    assert!(matches!(
        ChunkedEncoder::unsigned(upload),
        Err(ChunkedError::ChainMismatch { .. })
    ));
}
