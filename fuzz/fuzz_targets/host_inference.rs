//! Host-name inference, on arbitrary bytes.
//!
//! `infer_from_host` reads host names from user-given URLs and `Host`
//! headers, so it may answer `None` but must never panic. What it infers is
//! a usable credential scope: the service and region pass `Service::new`
//! and `Region::new`, a region set parses, and a host never gives both a
//! region and a region set. Case, a port and one trailing dot do not change
//! the answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4kit::canon::{Region, RegionSet, Service};
use sigv4kit::preset::{ServicePreset, infer_from_host};

fuzz_target!(|data: &[u8]| {
    let Ok(host) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ServicePreset::detect("s3", Some(host));
    let inferred = infer_from_host(host);
    assert_eq!(
        infer_from_host(&host.to_ascii_uppercase()),
        inferred,
        "{host:?}"
    );
    let bare = host.trim();
    if !bare.is_empty() && !bare.contains(':') && !bare.ends_with('.') {
        assert_eq!(
            infer_from_host(&format!("{bare}.:8443")),
            inferred,
            "{host:?}"
        );
    }
    let Some(endpoint) = inferred else {
        return;
    };
    assert!(Service::new(&endpoint.service).is_ok(), "{endpoint:?}");
    if let Some(region) = &endpoint.region {
        assert!(Region::new(region).is_ok(), "{endpoint:?}");
    }
    if let Some(set) = &endpoint.region_set {
        assert!(RegionSet::parse(set).is_ok(), "{endpoint:?}");
    }
    assert!(
        endpoint.region.is_none() || endpoint.region_set.is_none(),
        "{endpoint:?}"
    );
});
