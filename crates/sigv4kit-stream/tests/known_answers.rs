//! The AWS CRT's answers for aws-chunked uploads: the S3 documentation's
//! example under both algorithms, with and without trailers, and the exact
//! wire layout of a one-byte SigV4A upload with a CRC32C trailer
//! (`../shared/vectors/known-answers`, see its README).
//!
//! SigV4 answers are compared byte for byte. SigV4A signatures are random,
//! so there the strings to sign are compared with the CRT's templates and
//! every signature, sigv4kit's and the sample chain's, must verify under the
//! CRT's public key.

use sha2::{Digest, Sha256};
use sigv4kit_canon::{Algorithm, AmzDate, Header, PathRules, RegionSet, Request, Service};
use sigv4kit_ecdsa::{EcdsaSigner, EcdsaVerifier, PublicKey};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::canon::SignatureBytes;
use sigv4kit_signer::{
    ChainScope, Credentials, FixedClock, Signer, SigningOutput, SigningParams, Verified, Verifier,
    VerifyPolicy,
};
use sigv4kit_stream::{
    CheckingChain, ChecksumAlgorithm, ChunkedEncoder, ChunkedUpload, SigningChain,
    canonical_trailers,
};
use sigv4kit_suite::{KnownRequest, known_answer};

struct Seed {
    credentials: Credentials,
    output: SigningOutput,
    params_time: AmzDate,
    known: KnownRequest,
}

fn sign_seed(signer: &dyn Signer, file: &serde_json::Value) -> Seed {
    let known = KnownRequest::from_json(&file["request"]);
    let credentials = known.credentials();
    let headers = known.headers();
    let request =
        Request::new(&known.method, known.target(), &headers).with_payload(known.payload());
    let params = known.params(&credentials, signer.algorithm() == Algorithm::Sigv4a, &[]);
    let output = signer.sign(&request, &params).expect("seed signs");
    let params_time = params.time;
    Seed {
        credentials,
        output,
        params_time,
        known,
    }
}

fn params_of<'c>(seed: &'c Seed, algorithm: Algorithm) -> SigningParams<'c> {
    seed.known
        .params(&seed.credentials, algorithm == Algorithm::Sigv4a, &[])
}

fn body(file: &serde_json::Value) -> Vec<u8> {
    let mut body = Vec::new();
    for chunk in file["chunks"].as_array().expect("chunks") {
        let data = &chunk["data"];
        let fill = data["fill"].as_str().expect("fill").as_bytes()[0];
        let length = data["length"].as_u64().expect("length");
        body.extend(std::iter::repeat_n(fill, length as usize));
    }
    body
}

fn text(value: &serde_json::Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
}

fn chunk_hashes(file: &serde_json::Value) -> Vec<[u8; 32]> {
    file["chunks"]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|chunk| {
            let length = chunk["data"]["length"].as_u64().expect("length") as usize;
            Sha256::digest(vec![b'a'; length]).into()
        })
        .collect()
}

#[test]
fn sigv4_chunked_upload_reproduces_the_s3_documentation_example() {
    let Some(file) = known_answer("s3-chunked-upload-sigv4.json") else {
        return;
    };
    let signer = HmacSigner::new();
    let seed = sign_seed(&signer, &file);
    let expected = &file["expected"];
    assert_eq!(
        seed.output.authorization().expect("header signing"),
        text(&expected["authorization"])
    );

    let upload = ChunkedUpload::signed(Algorithm::Sigv4, 66_560);
    for (name, value) in upload.seed_headers() {
        let given = seed
            .known
            .headers
            .iter()
            .find(|(given, _)| given.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("the example has no {name}"));
        assert_eq!(given.1, value, "{name}");
    }

    let params = params_of(&seed, Algorithm::Sigv4);
    let chain = SigningChain::new(
        signer.chain_signer(&params).expect("chain signer"),
        ChainScope::for_signing(Algorithm::Sigv4, &params).expect("scope"),
        seed.output.signature(),
    )
    .expect("chain");
    let encoded = ChunkedEncoder::signed(upload, chain)
        .expect("encoder")
        .encode_all(&body(&file))
        .expect("encodes");

    let signatures: Vec<&str> = expected["chunk_signatures"]
        .as_array()
        .expect("chunk signatures")
        .iter()
        .map(text)
        .collect();
    let mut wire = Vec::new();
    wire.extend_from_slice(format!("10000;chunk-signature={}\r\n", signatures[0]).as_bytes());
    wire.extend(std::iter::repeat_n(b'a', 65_536));
    wire.extend_from_slice(format!("\r\n400;chunk-signature={}\r\n", signatures[1]).as_bytes());
    wire.extend(std::iter::repeat_n(b'a', 1024));
    wire.extend_from_slice(format!("\r\n0;chunk-signature={}\r\n\r\n", signatures[2]).as_bytes());
    assert_eq!(encoded.len(), 66_824);
    assert!(
        encoded == wire,
        "the encoded body differs from the S3 example"
    );
}

#[test]
fn sigv4_trailer_signature_chains_after_the_final_chunk() {
    let Some(file) = known_answer("s3-chunked-upload-trailer-sigv4.json") else {
        return;
    };
    let signer = HmacSigner::new();
    let seed = sign_seed(&signer, &file);
    let expected = &file["expected"];
    assert_eq!(seed.output.signature(), text(&expected["seed_signature"]));
    let params = params_of(&seed, Algorithm::Sigv4);
    let mut chain = SigningChain::new(
        signer.chain_signer(&params).expect("chain signer"),
        ChainScope::for_signing(Algorithm::Sigv4, &params).expect("scope"),
        seed.output.signature(),
    )
    .expect("chain");
    for (hash, signature) in chunk_hashes(&file)
        .iter()
        .zip(expected["chunk_signatures"].as_array().expect("chunks"))
    {
        assert_eq!(
            chain.sign_chunk(hash).expect("signs").as_str(),
            text(signature)
        );
    }
    let trailers: Vec<(&str, &str)> = file["trailers"]
        .as_array()
        .expect("trailers")
        .iter()
        .map(|pair| (text(&pair[0]), text(&pair[1])))
        .collect();
    let canonical = canonical_trailers(trailers.iter().copied());
    assert_eq!(
        canonical,
        text(&file["derived"]["trailer"]["canonical_trailers"]).as_bytes()
    );
    assert_eq!(
        chain.sign_trailer(&canonical).expect("signs").as_str(),
        text(&expected["trailer_signature"])
    );
}

/// The seed request verified by sigv4kit's own verifier with the CRT's
/// public key: the server's path to a chain verifier.
fn verified_seed(file: &serde_json::Value, signer: &EcdsaSigner) -> (Seed, Verified, PublicKey) {
    let seed = sign_seed(signer, file);
    let expected = &file["expected"];
    assert_eq!(
        seed.output.canonical_request().expect("captured"),
        text(&expected["canonical_request"])
    );
    let public_key = PublicKey::from_xy_hex(
        text(&expected["public_key"]["x"]),
        text(&expected["public_key"]["y"]),
    )
    .expect("public key");
    assert_eq!(
        signer.public_key(&seed.credentials).expect("derives"),
        public_key,
        "the key derived from the S3 example's credentials"
    );
    let mut headers: Vec<Header<'_>> = seed.known.headers();
    let added: Vec<(String, String)> = seed
        .output
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    headers.extend(added.iter().map(|(name, value)| Header::new(name, value)));
    let request = Request::new(&seed.known.method, seed.known.target(), &headers);
    let policy = VerifyPolicy::new(
        Service::new("s3").expect("service"),
        RegionSet::parse("us-east-1").expect("region"),
    )
    .with_path_rules(PathRules {
        normalize: true,
        double_encode: false,
    })
    .with_clock(FixedClock::at(&seed.params_time));
    let verified = EcdsaVerifier::new()
        .verify(&request, &public_key, &policy)
        .expect("the seed verifies under the CRT's public key");
    (seed, verified, public_key)
}

fn check_templates(
    file: &serde_json::Value,
    scope: &ChainScope,
    previous: &[String],
    trailer: Option<&[u8]>,
) {
    let expected = &file["expected"];
    let prefix = text(&expected["chunk_string_to_sign_prefix"]);
    let mut out = Vec::new();
    for ((hash, suffix), previous) in chunk_hashes(file)
        .iter()
        .zip(
            expected["chunk_string_to_sign_suffixes"]
                .as_array()
                .expect("suffixes"),
        )
        .zip(previous)
    {
        scope.payload_string_to_sign(&mut out, previous, None, hash);
        assert_eq!(
            String::from_utf8(out.clone()).expect("ascii"),
            format!("{prefix}{previous}{}", text(suffix))
        );
    }
    if let Some(canonical) = trailer {
        let hash: [u8; 32] = Sha256::digest(canonical).into();
        scope.trailer_string_to_sign(&mut out, &previous[previous.len() - 1], &hash);
        assert_eq!(
            String::from_utf8(out).expect("ascii"),
            format!(
                "{}{}{}",
                text(&expected["trailer_string_to_sign_prefix"]),
                previous[previous.len() - 1],
                text(&expected["trailer_string_to_sign_suffix"])
            )
        );
    }
}

fn sigv4a_chain_signs_and_verifies(file_name: &str) {
    let Some(file) = known_answer(file_name) else {
        return;
    };
    let signer = EcdsaSigner::new();
    let (seed, verified, public_key) = verified_seed(&file, &signer);
    let trailers: Option<Vec<u8>> = file["trailers"]
        .as_array()
        .map(|pairs| canonical_trailers(pairs.iter().map(|pair| (text(&pair[0]), text(&pair[1])))));

    // sigv4kit's chain, checked by sigv4kit's verifier with the public key.
    let params = params_of(&seed, Algorithm::Sigv4a);
    let scope = ChainScope::for_signing(Algorithm::Sigv4a, &params).expect("scope");
    assert_eq!(scope, ChainScope::for_verified(&verified));
    let mut chain = SigningChain::new(
        signer.chain_signer(&params).expect("chain signer"),
        scope.clone(),
        seed.output.signature(),
    )
    .expect("chain");
    let verifier = EcdsaVerifier::new();
    let mut checking = CheckingChain::new(
        verifier
            .chain_verifier(&verified, &public_key)
            .expect("chain verifier"),
        ChainScope::for_verified(&verified),
        verified.signature_hex(),
    );
    let mut previous = vec![seed.output.signature().to_owned()];
    for hash in chunk_hashes(&file) {
        let signature = chain.sign_chunk(&hash).expect("signs");
        let written = sigv4kit_stream::written_signature(Algorithm::Sigv4a, &signature);
        assert_eq!(written.len(), 144);
        assert!(checking.check_chunk(&hash, &written), "chunk verifies");
        previous.push(signature.as_str().to_owned());
    }
    if let Some(canonical) = &trailers {
        let signature = chain.sign_trailer(canonical).expect("signs");
        let written = sigv4kit_stream::written_signature(Algorithm::Sigv4a, &signature);
        assert!(
            checking.check_trailer(canonical, &written),
            "trailer verifies"
        );
    }
    previous.pop();
    check_templates(&file, &scope, &previous, trailers.as_deref());

    // The sample chain of the known answers, as the CRT writes it.
    let sample = &file["derived"]["sample_chain"];
    let mut crt_seed = verified.clone();
    crt_seed.signature = SignatureBytes::from_hex(
        Algorithm::Sigv4a,
        text(&sample["seed"]["signature"]).as_bytes(),
    )
    .expect("seed signature");
    let mut checking = CheckingChain::new(
        verifier
            .chain_verifier(&crt_seed, &public_key)
            .expect("chain verifier"),
        ChainScope::for_verified(&crt_seed),
        crt_seed.signature_hex(),
    );
    for (hash, chunk) in chunk_hashes(&file)
        .iter()
        .zip(sample["chunks"].as_array().expect("chunks"))
    {
        let written = format!("{:*<144}", text(&chunk["signature"]));
        assert!(checking.check_chunk(hash, &written), "the CRT's chunk");
    }
    if let Some(canonical) = &trailers {
        let written = format!("{:*<144}", text(&sample["trailer"]["signature"]));
        assert!(
            checking.check_trailer(canonical, &written),
            "the CRT's trailer"
        );
    }
    let mut tampered = CheckingChain::new(
        verifier
            .chain_verifier(&crt_seed, &public_key)
            .expect("chain verifier"),
        ChainScope::for_verified(&crt_seed),
        crt_seed.signature_hex(),
    );
    let first = &sample["chunks"][0]["signature"];
    assert!(
        !tampered.check_chunk(&[0; 32], &format!("{:*<144}", text(first))),
        "a chunk signature does not verify over other data"
    );
}

#[test]
fn sigv4a_chunked_upload_verifies_under_the_crt_public_key() {
    sigv4a_chain_signs_and_verifies("s3-chunked-upload-sigv4a.json");
}

#[test]
fn sigv4a_chunked_upload_with_trailers_verifies_under_the_crt_public_key() {
    sigv4a_chain_signs_and_verifies("s3-chunked-upload-trailer-sigv4a.json");
}

#[test]
fn sigv4a_one_byte_upload_with_a_crc32c_trailer_has_the_crt_wire_layout() {
    let Some(file) = known_answer("s3-chunked-trailer-body-layout-sigv4a.json") else {
        return;
    };
    let expected = &file["expected"];
    let upload =
        ChunkedUpload::signed(Algorithm::Sigv4a, 1).with_checksum(ChecksumAlgorithm::Crc32c);
    assert_eq!(
        upload.content_length(),
        expected["content_length"].as_u64().expect("length")
    );
    for (name, value) in file["request_headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| (text(&pair[0]), text(&pair[1])))
    {
        if let Some((_, ours)) = upload
            .seed_headers()
            .into_iter()
            .find(|(ours, _)| ours.eq_ignore_ascii_case(name))
        {
            assert_eq!(ours, value, "{name}");
        }
    }

    let credentials = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
    )
    .expect("credentials");
    let params = SigningParams::new(
        &credentials,
        AmzDate::parse_rfc3339("2013-05-24T00:00:00Z").expect("time"),
        Service::new("s3").expect("service"),
        sigv4kit_signer::SigningRegion::RegionSet(RegionSet::any()),
    );
    let signer = EcdsaSigner::new();
    let chain = SigningChain::new(
        signer.chain_signer(&params).expect("chain signer"),
        ChainScope::for_signing(Algorithm::Sigv4a, &params).expect("scope"),
        &"30".repeat(35),
    )
    .expect("chain");
    let encoded = ChunkedEncoder::signed(upload, chain)
        .expect("encoder")
        .encode_all(text(&file["chunk_data"]).as_bytes())
        .expect("encodes");
    assert_eq!(encoded.len() as u64, upload.content_length());

    // The template, with each <SIGn> a 144-character field.
    let template = text(&expected["body_template"]);
    let width = expected["signature_field_length"].as_u64().expect("width") as usize;
    let mut at = 0;
    let mut rest = template;
    while let Some(start) = rest.find("<SIG") {
        let literal = &rest[..start];
        assert_eq!(&encoded[at..at + literal.len()], literal.as_bytes());
        at += literal.len();
        let field = std::str::from_utf8(&encoded[at..at + width]).expect("ascii");
        assert!(
            field
                .trim_end_matches('*')
                .bytes()
                .all(|b| b.is_ascii_hexdigit()),
            "{field}"
        );
        at += width;
        rest = &rest[rest[start..].find('>').expect("closing") + start + 1..];
    }
    assert_eq!(&encoded[at..], rest.as_bytes());
    assert!(template.contains(text(&expected["crc32c_of_chunk_data_base64"])));
}
