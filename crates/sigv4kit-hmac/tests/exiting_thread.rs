//! Signing and verifying from a thread-local's destructor, while the thread
//! exits: the per-thread scratch area and memos may be gone by then, and a
//! request is then signed and verified with fresh ones instead of panicking.

use std::cell::RefCell;
use std::sync::Mutex;

use sigv4kit_canon::{AmzDate, Header, Region, RegionSet, Request, Service};
use sigv4kit_hmac::{FingerprintedSecret, HmacSigner, HmacVerifier};
use sigv4kit_signer::{Credentials, FixedClock, Signer, SigningParams, Verifier, VerifyPolicy};

/// What the destructor saw: `Ok(true)` when the request it signed verified.
static OUTCOME: Mutex<Option<Result<bool, String>>> = Mutex::new(None);

/// Signs and verifies a request with more headers than a signed-header list
/// held inline, so that every per-thread memo of both sides is used.
fn sign_and_verify() -> bool {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let time = AmzDate::parse_amz("20150830T123600Z").unwrap();
    let names: Vec<String> = (0..12)
        .map(|index| format!("x-amz-meta-exiting-{index}"))
        .collect();
    let mut headers = vec![Header::new("host", "example.amazonaws.com")];
    headers.extend(names.iter().map(|name| Header::new(name, "v")));
    let request = Request::new("GET", "/", &headers);
    let params = SigningParams::new(
        &credentials,
        time,
        Service::new("service").unwrap(),
        Region::new("us-east-1").unwrap(),
    );
    let output = HmacSigner::new().sign(&request, &params).unwrap();
    let added: Vec<(String, String)> = output
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    headers.extend(added.iter().map(|(name, value)| Header::new(name, value)));
    let signed = Request::new("GET", "/", &headers);
    let policy = VerifyPolicy::new(
        Service::new("service").unwrap(),
        RegionSet::parse("us-east-1").unwrap(),
    )
    .with_clock(FixedClock::at(&time));
    HmacVerifier::new()
        .verify(&signed, &FingerprintedSecret::from(&credentials), &policy)
        .is_ok()
}

struct SignsWhenDropped;

impl Drop for SignsWhenDropped {
    fn drop(&mut self) {
        let outcome = std::panic::catch_unwind(sign_and_verify).map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        });
        if let Ok(mut seen) = OUTCOME.lock() {
            *seen = Some(outcome);
        }
    }
}

thread_local! {
    static SIGNS_WHEN_DROPPED: RefCell<Option<SignsWhenDropped>> = const { RefCell::new(None) };
}

#[test]
fn a_thread_signs_and_verifies_while_it_exits() {
    std::thread::spawn(|| {
        // Set first, so that its destructor runs after those of the
        // thread-locals the signing below sets up (they run in reverse).
        SIGNS_WHEN_DROPPED.with(|slot| *slot.borrow_mut() = Some(SignsWhenDropped));
        assert!(sign_and_verify());
    })
    .join()
    .unwrap();
    assert_eq!(*OUTCOME.lock().unwrap(), Some(Ok(true)));
}
