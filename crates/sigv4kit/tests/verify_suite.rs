//! Conformance of the verifier: every case of the AWS signing test suite, v4
//! and v4a, in header and query mode, verifies exactly as the suite signed it
//! (the `*-signed-request.txt` files, read with `RawRequest`), and fails
//! after any one change: the method, the path, a query key or value, a
//! signed header, the date, the scope, or the signature.
//!
//! The v4a signatures in the suite are real ECDSA signatures; they verify
//! with the suite's `public-key.json` alone, no secret, and with the key
//! derived from the case's credentials.

use sigv4kit::canon::auth::signature_query_parameter;
use sigv4kit::canon::{
    AmzDate, Header, PathRules, RawRequest, RegionSet, Request, RequestSignature, Service,
};
use sigv4kit::{
    EcdsaSigner, FixedClock, HmacSigner, InMemoryKeyProvider, PresignedPayload, PublicKey,
    RequestVerifier, Signer, VerifyError, VerifyPolicy, VerifyingKey,
};
use sigv4kit_suite::{Case, Mode, Tally, cases};

/// A request owned, so that it can be changed one part at a time.
#[derive(Clone, Debug)]
struct Owned {
    method: String,
    target: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
}

impl Owned {
    fn from_raw(raw: &RawRequest<'_>) -> Self {
        Self {
            method: raw.method.to_owned(),
            target: raw.target.to_vec(),
            headers: raw
                .headers
                .iter()
                .map(|header| (header.name.to_vec(), header.value.to_vec()))
                .collect(),
            body: raw.body.to_vec(),
        }
    }

    fn split_target(&self) -> (Vec<u8>, Option<Vec<u8>>) {
        match self.target.iter().position(|&byte| byte == b'?') {
            Some(mark) => (
                self.target[..mark].to_vec(),
                Some(self.target[mark + 1..].to_vec()),
            ),
            None => (self.target.clone(), None),
        }
    }

    fn set_target(&mut self, path: &[u8], query: Option<&[u8]>) {
        self.target = path.to_vec();
        if let Some(query) = query {
            self.target.push(b'?');
            self.target.extend_from_slice(query);
        }
    }

    /// The query's pieces, and the index of the first that is not a
    /// signature parameter.
    fn query_pieces(&self) -> (Vec<Vec<u8>>, Option<usize>) {
        let (_, query) = self.split_target();
        let pieces: Vec<Vec<u8>> = query
            .unwrap_or_default()
            .split(|&byte| byte == b'&')
            .map(<[u8]>::to_vec)
            .collect();
        let user = pieces.iter().position(|piece| {
            let key = piece.split(|&byte| byte == b'=').next().unwrap_or_default();
            !piece.is_empty() && signature_query_parameter(key).is_none()
        });
        (pieces, user)
    }

    fn with_query_pieces(&mut self, pieces: &[Vec<u8>]) {
        let (path, _) = self.split_target();
        let query = pieces.join(&b'&');
        self.set_target(&path, Some(&query));
    }

    fn add_query_parameter(&mut self, parameter: &[u8]) {
        let (mut pieces, _) = self.query_pieces();
        pieces.retain(|piece| !piece.is_empty());
        pieces.insert(0, parameter.to_vec());
        self.with_query_pieces(&pieces);
    }

    /// Replaces `from` with `to` in the value of the query parameter `name`.
    fn edit_query_parameter(&mut self, name: &str, from: &str, to: &str) -> bool {
        let (mut pieces, _) = self.query_pieces();
        let prefix = format!("{name}=");
        let Some(piece) = pieces
            .iter_mut()
            .find(|piece| piece.starts_with(prefix.as_bytes()))
        else {
            return false;
        };
        let text = String::from_utf8_lossy(piece).into_owned();
        if !text.contains(from) {
            return false;
        }
        *piece = text.replacen(from, to, 1).into_bytes();
        self.with_query_pieces(&pieces);
        true
    }

    /// Replaces `from` with `to` in the value of the header `name`.
    fn edit_header(&mut self, name: &str, from: &str, to: &str) -> bool {
        let Some((_, value)) = self
            .headers
            .iter_mut()
            .find(|(header, _)| header.eq_ignore_ascii_case(name.as_bytes()))
        else {
            return false;
        };
        let text = String::from_utf8_lossy(value).into_owned();
        if !text.contains(from) {
            return false;
        }
        *value = text.replacen(from, to, 1).into_bytes();
        true
    }

    fn verify(
        &self,
        case: &Case,
        verifier: &RequestVerifier,
        keys: &InMemoryKeyProvider,
    ) -> Result<sigv4kit::Verified, VerifyError> {
        let headers: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        let request = Request::new(&self.method, &self.target, &headers)
            .with_payload(case.payload(&self.body));
        pollster::block_on(verifier.verify(&request, keys))
    }
}

fn policy(case: &Case) -> VerifyPolicy {
    let context = &case.context;
    let service = Service::new(&context.service).expect("service");
    let other_service = Service::new(&format!("{}x", context.service)).expect("service");
    let regions = RegionSet::from_members([context.region.as_str(), "us-west-2"]).expect("regions");
    VerifyPolicy::new(service, regions)
        .with_service(other_service)
        .with_clock(FixedClock::at(
            &AmzDate::parse_rfc3339(&context.timestamp).expect("timestamp"),
        ))
        .with_path_rules(PathRules {
            normalize: context.normalize,
            double_encode: true,
        })
        // The suite's query cases sign the body as header signing does.
        .with_presigned_payload(PresignedPayload::FromRequest)
}

/// The signed request of `case` in `mode`: the suite's file, or, for a case
/// without one, the request signed here.
fn signed_request(case: &Case, mode: Mode, signer: &dyn Signer, region_set: bool) -> (Owned, bool) {
    if let Some(file) = case.expected(mode, "signed-request.txt") {
        let raw = RawRequest::parse(&file)
            .unwrap_or_else(|error| panic!("{}: signed request: {error}", case.name));
        return (Owned::from_raw(&raw), true);
    }
    let raw = RawRequest::parse(&case.request).expect("request.txt");
    let credentials = case.credentials();
    let params = case.params(&credentials, mode, region_set);
    let request = raw.as_request().with_payload(case.payload(raw.body));
    let output = signer.sign(&request, &params).expect("signs");
    let rendered = raw.render(&output.query_string(), output.headers());
    let signed = RawRequest::parse(&rendered).expect("rendered request parses");
    (Owned::from_raw(&signed), false)
}

/// Every single change to `original`, labelled, each paired with whether
/// the signature check itself (not a policy check) must be what rejects it.
fn mutations(original: &Owned, mode: Mode, sigv4a: bool) -> Vec<(String, Owned, bool)> {
    let mut out = Vec::new();
    let mut push = |label: &str, owned: Owned, mismatch: bool| {
        out.push((label.to_owned(), owned, mismatch));
    };

    let mut changed = original.clone();
    changed.method = if changed.method == "PUT" {
        "GET"
    } else {
        "PUT"
    }
    .to_owned();
    push("method", changed, true);

    let mut changed = original.clone();
    let (path, query) = changed.split_target();
    let mut new_path = b"/mutated".to_vec();
    if !path.starts_with(b"/") {
        new_path.push(b'/');
    }
    new_path.extend_from_slice(&path);
    changed.set_target(&new_path, query.as_deref());
    push("path", changed, true);

    let (pieces, user) = original.query_pieces();
    let mut changed = original.clone();
    match user {
        Some(index) => {
            let mut pieces = pieces.clone();
            pieces[index].insert(0, b'x');
            changed.with_query_pieces(&pieces);
        }
        None => changed.add_query_parameter(b"mutated=1"),
    }
    push("query key", changed, true);

    let mut changed = original.clone();
    match user {
        Some(index) => {
            let mut pieces = pieces.clone();
            let piece = &mut pieces[index];
            if !piece.contains(&b'=') {
                piece.push(b'=');
            }
            piece.push(b'x');
            changed.with_query_pieces(&pieces);
        }
        None => changed.add_query_parameter(b"mutated=value"),
    }
    push("query value", changed, true);

    // Every signed header of the request, one at a time.
    let signed: Vec<String> = {
        let headers: Vec<Header<'_>> = original
            .headers
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        let request = Request::new(&original.method, &original.target, &headers);
        RequestSignature::from_request(&request)
            .expect("the original parses")
            .signed_headers
            .iter()
            .map(str::to_owned)
            .collect()
    };
    for index in 0..original.headers.len() {
        let name = String::from_utf8_lossy(&original.headers[index].0).to_ascii_lowercase();
        if !signed.contains(&name) {
            continue;
        }
        let mut changed = original.clone();
        changed.headers[index].1.push(b'x');
        push(&format!("signed header {name} #{index}"), changed, false);
    }

    let later = |date: &str| {
        let parsed = AmzDate::parse_amz(date).expect("date");
        AmzDate::from_unix_seconds(parsed.unix_seconds() + 1)
            .expect("date")
            .as_str()
            .to_owned()
    };
    let date = "20150830T123600Z";
    let mut changed = original.clone();
    let edited = match mode {
        Mode::Header => changed.edit_header("X-Amz-Date", date, &later(date)),
        Mode::Query => changed.edit_query_parameter("X-Amz-Date", date, &later(date)),
    };
    assert!(edited, "the date is where the suite puts it");
    push("date", changed, true);

    let mut changed = original.clone();
    let edited = match mode {
        Mode::Header => changed.edit_header("Authorization", "/service/", "/servicex/"),
        Mode::Query => {
            changed.edit_query_parameter("X-Amz-Credential", "%2Fservice%2F", "%2Fservicex%2F")
        }
    };
    assert!(edited, "the scope is where the suite puts it");
    push("scope service", changed, true);

    let mut changed = original.clone();
    let edited = match (mode, sigv4a) {
        (Mode::Header, false) => changed.edit_header("Authorization", "/us-east-1/", "/us-west-2/"),
        (Mode::Query, false) => {
            changed.edit_query_parameter("X-Amz-Credential", "%2Fus-east-1%2F", "%2Fus-west-2%2F")
        }
        (Mode::Header, true) => changed.edit_header("X-Amz-Region-Set", "us-east-1", "us-west-2"),
        (Mode::Query, true) => {
            changed.edit_query_parameter("X-Amz-Region-Set", "us-east-1", "us-west-2")
        }
    };
    assert!(edited, "the region is where the suite puts it");
    push("scope region", changed, true);

    let mut changed = original.clone();
    let flip = |signature: &str| -> String {
        let mut text = signature.to_owned();
        let last = text.pop().expect("a signature");
        text.push(if last == '0' { '1' } else { '0' });
        text
    };
    let edited = match mode {
        Mode::Header => {
            let value = changed
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(b"authorization"))
                .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
                .unwrap_or_default();
            let signature = value
                .rsplit("Signature=")
                .next()
                .unwrap_or_default()
                .to_owned();
            changed.edit_header("Authorization", &signature, &flip(&signature))
        }
        Mode::Query => {
            let (pieces, _) = changed.query_pieces();
            let signature = pieces
                .iter()
                .find_map(|piece| piece.strip_prefix(b"X-Amz-Signature="))
                .map(|value| String::from_utf8_lossy(value).into_owned())
                .unwrap_or_default();
            changed.edit_query_parameter("X-Amz-Signature", &signature, &flip(&signature))
        }
    };
    assert!(edited, "the signature is where the suite puts it");
    push("signature", changed, true);

    out
}

fn run(algorithm_dir: &str, sigv4a: bool, keys_for: impl Fn(&Case) -> VerifyingKey) {
    let Some(cases) = cases(algorithm_dir) else {
        return;
    };
    let signer: Box<dyn Signer> = if sigv4a {
        Box::new(EcdsaSigner::new())
    } else {
        Box::new(HmacSigner::new())
    };
    let mut tally = Tally::default();
    let mut suite_files = 0;
    let mut mutations_rejected = 0;
    for case in &cases {
        let verifier = RequestVerifier::new(policy(case));
        let keys = InMemoryKeyProvider::new().with(
            case.context.credentials.access_key_id.clone(),
            keys_for(case),
        );
        tally.case(&case.name, |tally| {
            for mode in Mode::BOTH {
                let (original, from_suite) = signed_request(case, mode, &*signer, sigv4a);
                suite_files += usize::from(from_suite);
                let verified = original.verify(case, &verifier, &keys);
                let label = format!("{}-verifies", mode.prefix());
                if !tally.check(&case.name, &label, verified.is_ok(), || {
                    format!("{verified:?}")
                }) {
                    continue;
                }
                for (what, changed, mismatch) in mutations(&original, mode, sigv4a) {
                    let result = changed.verify(case, &verifier, &keys);
                    let rejected = match &result {
                        Err(VerifyError::SignatureMismatch { .. }) => true,
                        Err(_) => !mismatch,
                        Ok(_) => false,
                    };
                    mutations_rejected += usize::from(rejected);
                    let label = format!("{}-{what}-rejected", mode.prefix());
                    tally.check(&case.name, &label, rejected, || format!("{result:?}"));
                }
            }
        });
    }
    eprintln!(
        "{algorithm_dir}: {suite_files} suite-signed requests verified, {mutations_rejected} mutations rejected"
    );
    tally.finish(&format!("{algorithm_dir} verification"), cases.len());
}

#[test]
fn every_v4_suite_case_verifies_and_fails_after_any_change() {
    run("v4", false, |case| {
        VerifyingKey::from(case.credentials().secret().clone())
    });
}

#[test]
fn every_v4a_suite_case_verifies_with_the_public_key_alone_and_fails_after_any_change() {
    run("v4a", true, |case| {
        let key = match case.file("public-key.json") {
            Some(file) => {
                let json: serde_json::Value =
                    serde_json::from_slice(&file).expect("public-key.json");
                PublicKey::from_xy_hex(
                    json["X"].as_str().unwrap_or_default(),
                    json["Y"].as_str().unwrap_or_default(),
                )
                .expect("public key")
            }
            None => EcdsaSigner::new()
                .public_key(&case.credentials())
                .expect("public key"),
        };
        VerifyingKey::PublicKey(key)
    });
}

#[test]
fn every_v4a_suite_case_verifies_with_the_key_derived_from_the_secret() {
    run("v4a", true, |case| {
        VerifyingKey::from(case.credentials().secret().clone())
    });
}
