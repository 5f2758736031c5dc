//! Signs an arbitrary request with SigV4 (`HmacSigner`) and SigV4A
//! (`EcdsaSigner`, p256 engine) through the `Signer` trait.
//!
//! Signing may refuse a request with an error, never panic, and both
//! algorithms accept or refuse the same requests. A signed request must:
//! sign again to the same signature, with the canonical request captured (the
//! debugging path) or not (the hot path), and with a fresh SigV4 key; hash to
//! the captured canonical request; give that canonical request back when a
//! verifier recomputes it from the signed request (`SignedHeaders` as an exact
//! selection); for SigV4A, verify against its own string to sign. One change
//! to a signed part (method, path, query, a signed header value, the body, the
//! time, the region) must change the string to sign and the SigV4 signature,
//! and the SigV4A signature must not verify against the changed string to sign.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sigv4kit_canon::headers::{HeaderNames, HeaderSelection};
use sigv4kit_canon::{
    AmzDate, CanonicalRules, Header, Payload, PayloadHash, Region, RegionSet, Request, Service,
    StreamingPayload, canonical_request_text,
};
use sigv4kit_ecdsa::{EcdsaSigner, PublicKey, verify};
use sigv4kit_hmac::HmacSigner;
use sigv4kit_signer::{
    Credentials, Expiry, SessionTokenMode, Signer, SigningError, SigningOutput, SigningParams,
    SigningRegion, SigningSettings,
};

const METHODS: &[&str] = &[
    "GET",
    "PUT",
    "POST",
    "DELETE",
    "HEAD",
    "PATCH",
    "get",
    "BAD METHOD",
];
const REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-central-1", "cn-north-1"];
const REGION_SETS: &[&str] = &["*", "us-east-1", "us-east-1,us-west-2", "us-*"];
const NAMES: &[&str] = &[
    "Host",
    "Content-Type",
    "X-Amz-Content-Sha256",
    "User-Agent",
    "Connection",
    "X-Amz-Meta-Zq",
    "x-amz-target",
    "X-Amz-Date",
];
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

static PLAIN: LazyLock<Credentials> =
    LazyLock::new(|| Credentials::new("AKIDEXAMPLE", SECRET, None).expect("valid credentials"));
static WITH_TOKEN: LazyLock<Credentials> = LazyLock::new(|| {
    Credentials::new("AKIDEXAMPLE", SECRET, Some("tok+/= en".into())).expect("valid credentials")
});
static HMAC: LazyLock<HmacSigner> = LazyLock::new(HmacSigner::new);
static HMAC_UNCACHED: LazyLock<HmacSigner> = LazyLock::new(|| HmacSigner::with_cache_capacity(0));
static ECDSA: LazyLock<EcdsaSigner> = LazyLock::new(EcdsaSigner::new);
static PUBLIC_KEY: LazyLock<PublicKey> =
    LazyLock::new(|| ECDSA.public_key(&PLAIN).expect("the public key derives"));

#[derive(Arbitrary, Debug, Clone)]
enum Name {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum PayloadMode {
    Bytes,
    Precomputed,
    Unsigned,
    Streaming(u8),
    FromHeader,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Mutation {
    Method,
    Path,
    Query,
    HeaderValue(u8),
    Body,
    Time,
    Region,
}

#[derive(Arbitrary, Debug, Clone)]
struct Input {
    method: u8,
    path: Vec<u8>,
    query: Vec<u8>,
    host: Option<Vec<u8>>,
    headers: Vec<(Name, Vec<u8>)>,
    body: Vec<u8>,
    payload: PayloadMode,
    time: u32,
    region: u8,
    /// Presigned URL with this expiry, or header signing.
    presigned: Option<u32>,
    s3: bool,
    /// A session token, signed or sent unsigned.
    token: Option<bool>,
    mutation: Mutation,
}

/// The request and parameters, owned, so that a copy can be changed.
#[derive(Debug, Clone)]
struct Case {
    method: usize,
    path: Vec<u8>,
    query: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
    payload: PayloadMode,
    time: i64,
    region: usize,
    presigned: Option<u32>,
    s3: bool,
    token: Option<bool>,
}

impl Case {
    fn new(input: Input) -> Self {
        let mut headers: Vec<(Vec<u8>, Vec<u8>)> = input
            .host
            .map(|host| (b"Host".to_vec(), host))
            .into_iter()
            .collect();
        headers.extend(input.headers.into_iter().take(6).map(|(name, value)| {
            let name = match name {
                Name::Known(index) => NAMES[usize::from(index) % NAMES.len()].as_bytes().to_vec(),
                Name::Raw(name) => name,
            };
            (name, value)
        }));
        Self {
            method: usize::from(input.method) % METHODS.len(),
            path: input.path,
            query: input.query,
            headers,
            body: input.body,
            payload: input.payload,
            time: i64::from(input.time),
            region: usize::from(input.region) % REGIONS.len(),
            presigned: input.presigned,
            s3: input.s3,
            token: input.token,
        }
    }

    fn payload(&self) -> Payload<'_> {
        match self.payload {
            PayloadMode::Bytes => Payload::Bytes(&self.body),
            PayloadMode::Precomputed => Payload::Precomputed(PayloadHash::of(&self.body)),
            PayloadMode::Unsigned => Payload::Unsigned,
            PayloadMode::Streaming(index) => Payload::Streaming(
                StreamingPayload::ALL[usize::from(index) % StreamingPayload::ALL.len()],
            ),
            PayloadMode::FromHeader => Payload::FromHeader,
        }
    }

    fn settings(&self) -> SigningSettings {
        let mut settings = if self.s3 {
            SigningSettings::s3()
        } else {
            SigningSettings::default()
        };
        if self.token == Some(false) {
            settings.session_token = SessionTokenMode::SentUnsigned;
        }
        settings
    }

    fn sign(&self, signer: &dyn Signer, capture: bool) -> Result<SigningOutput, SigningError> {
        let headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        let request = Request {
            method: METHODS[self.method],
            path: &self.path,
            query: &self.query,
            headers: &headers,
            payload: self.payload(),
        };
        let region: SigningRegion = match signer.algorithm() {
            sigv4kit_canon::Algorithm::Sigv4 => Region::new(REGIONS[self.region])
                .expect("valid region")
                .into(),
            sigv4kit_canon::Algorithm::Sigv4a => RegionSet::parse(REGION_SETS[self.region])
                .expect("valid set")
                .into(),
        };
        let credentials = if self.token.is_some() {
            &*WITH_TOKEN
        } else {
            &*PLAIN
        };
        let service = Service::new(if self.s3 { "s3" } else { "service" }).expect("valid service");
        let time = AmzDate::from_unix_seconds(self.time).expect("a u32 time is a valid date");
        let mut settings = self.settings();
        settings.capture_canonical_request = capture;
        let mut params =
            SigningParams::new(credentials, time, service, region).with_settings(settings);
        if let Some(expires) = self.presigned {
            let seconds = u64::from(expires) % u64::from(Expiry::MAX_SECONDS) + 1;
            params = params.presigned(Expiry::from_secs(seconds).expect("expiry in range"));
        }
        signer.sign(&request, &params)
    }

    /// The canonical request as a verifier recomputes it from the signed
    /// request: the request's headers and query with the signer's additions,
    /// and exactly the signed headers.
    fn recompute(&self, output: &SigningOutput) -> String {
        let mut headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        headers.extend(
            output
                .headers()
                .filter(|(name, _)| *name != "Authorization")
                .map(|(name, value)| Header::new(name, value)),
        );
        let mut query = self.query.clone();
        let unsigned_token = self.token == Some(false);
        for (name, value) in output.query_params() {
            if name == "X-Amz-Signature" || (unsigned_token && name == "X-Amz-Security-Token") {
                continue;
            }
            query.push(b'&');
            query.extend_from_slice(name.as_bytes());
            query.push(b'=');
            query.extend_from_slice(value.as_bytes());
        }
        let names = HeaderNames::new(output.signed_headers().split(';'))
            .expect("signed header names are valid");
        let rules = CanonicalRules {
            headers: HeaderSelection::Exactly(names),
            ..self.settings().rules
        };
        let request = Request {
            method: METHODS[self.method],
            path: &self.path,
            query: &query,
            headers: &headers,
            payload: self.payload(),
        };
        canonical_request_text(&request, &rules)
            .expect("a verifier recomputes the canonical request")
    }

    /// The same request with one signed part changed.
    fn mutated(&self, mutation: Mutation, output: &SigningOutput) -> Option<Self> {
        let mut changed = self.clone();
        match mutation {
            Mutation::Method => changed.method = (self.method + 1) % METHODS.len(),
            Mutation::Path => changed.path.extend_from_slice(b"/zq"),
            Mutation::Query => changed.query.extend_from_slice(b"&zq=1"),
            Mutation::HeaderValue(which) => {
                let signed: Vec<&str> = output.signed_headers().split(';').collect();
                let candidates: Vec<usize> = (0..self.headers.len())
                    .filter(|&index| {
                        let name =
                            String::from_utf8_lossy(&self.headers[index].0).to_ascii_lowercase();
                        signed.contains(&name.as_str())
                    })
                    .collect();
                let index = *candidates.get(usize::from(which) % candidates.len().max(1))?;
                changed.headers[index].1.extend_from_slice(b"zq");
            }
            Mutation::Body
                if matches!(self.payload, PayloadMode::Bytes | PayloadMode::Precomputed) =>
            {
                match changed.body.first_mut() {
                    Some(first) => *first ^= 1,
                    None => changed.body.push(0),
                }
            }
            Mutation::Body | Mutation::Time => changed.time += 1,
            Mutation::Region => changed.region = (self.region + 1) % REGIONS.len(),
        }
        Some(changed)
    }

    fn header_values_are_utf8(&self) -> bool {
        self.headers
            .iter()
            .all(|(_, value)| std::str::from_utf8(value).is_ok())
    }
}

/// Signs `case` with `signer` and checks every property; `Err` when the
/// request is refused.
fn check(
    signer: &dyn Signer,
    reference: Option<&dyn Signer>,
    public_key: Option<&PublicKey>,
    case: &Case,
    mutation: Mutation,
) -> Result<(), SigningError> {
    let algorithm = signer.algorithm();
    let fast = case.sign(signer, false)?;
    let string_to_sign = fast.string_to_sign();
    let captured = case
        .sign(signer, true)
        .expect("a request that signed once signs again");
    assert_eq!(
        captured.signature(),
        fast.signature(),
        "{algorithm}: capturing the canonical request changed the signature"
    );
    assert_eq!(captured.string_to_sign(), string_to_sign);
    assert_eq!(captured.authorization(), fast.authorization());
    assert_eq!(captured.query_string(), fast.query_string());
    if let Some(reference) = reference {
        let fresh = case
            .sign(reference, false)
            .expect("a fresh signer signs too");
        assert_eq!(
            fresh.signature(),
            fast.signature(),
            "{algorithm}: a cached key signs differently from a fresh one"
        );
    }
    let canonical = captured
        .canonical_request()
        .expect("the canonical request was captured");
    if case.header_values_are_utf8() {
        let digest = PayloadHash::of(canonical.as_bytes());
        assert_eq!(
            digest.as_bytes(),
            fast.canonical_request_sha256(),
            "{algorithm}: the captured canonical request is not what was hashed"
        );
    }
    assert_eq!(
        case.recompute(&captured),
        canonical,
        "{algorithm}: a verifier recomputes another canonical request"
    );
    if let Some(key) = public_key {
        assert_eq!(
            verify(string_to_sign.as_bytes(), fast.signature(), key),
            Ok(()),
            "{algorithm}: the signature does not verify"
        );
    }

    let Some(changed) = case.mutated(mutation, &fast) else {
        return Ok(());
    };
    let Ok(changed_output) = changed.sign(signer, false) else {
        return Ok(());
    };
    let changed_string = changed_output.string_to_sign();
    assert_ne!(
        changed_string, string_to_sign,
        "{algorithm}: {mutation:?} left the string to sign unchanged"
    );
    assert_ne!(
        changed_output.signature(),
        fast.signature(),
        "{algorithm}: {mutation:?} left the signature unchanged"
    );
    if let Some(key) = public_key {
        assert!(
            verify(changed_string.as_bytes(), fast.signature(), key).is_err(),
            "{algorithm}: the signature verifies after {mutation:?}"
        );
    }
    Ok(())
}

fuzz_target!(|input: Input| {
    let mutation = input.mutation;
    let case = Case::new(input);
    let sigv4 = check(&*HMAC, Some(&*HMAC_UNCACHED), None, &case, mutation);
    let sigv4a = check(&*ECDSA, None, Some(&PUBLIC_KEY), &case, mutation);
    assert_eq!(
        sigv4.is_ok(),
        sigv4a.is_ok(),
        "SigV4 and SigV4A disagree: {sigv4:?} / {sigv4a:?}"
    );
});
