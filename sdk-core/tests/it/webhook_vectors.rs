//! The providers' own published vectors and our own cases, from `tests/vectors/webhooks.json`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use callwaitingai::webhooks::{
    Provider, VerifyOptions, Webhook, meta_subscription_challenge, verify,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    provider: String,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    now: Option<i64>,
    #[serde(default)]
    tolerance: Option<u64>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    verify_token: Option<String>,
    #[serde(default)]
    challenge: Option<String>,
    expect: String,
}

pub fn vectors_path() -> PathBuf {
    std::env::var_os("CALLWAITINGAI_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/webhooks.json"),
        PathBuf::from,
    )
}

fn cases() -> Vec<Case> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the webhook vectors at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("webhooks.json is a list of cases")
}

fn run(case: &Case) -> Result<(), String> {
    if case.provider == "meta-handshake" {
        let got = meta_subscription_challenge(
            case.query.as_deref().unwrap_or_default(),
            case.verify_token.as_deref().unwrap_or_default(),
        );
        return match got {
            Ok(c) => {
                assert_eq!(Some(c), case.challenge, "{}: wrong challenge", case.name);
                Ok(())
            }
            Err(e) => Err(e.kind().as_str().to_string()),
        };
    }
    let provider: Provider = case.provider.parse().expect("known provider");
    let mut options = VerifyOptions::new();
    if let Some(now) = case.now {
        options = options.now(now);
    }
    if let Some(t) = case.tolerance {
        options = options.tolerance_secs(t);
    }
    if let Some(url) = &case.url {
        options = options.url(url);
    }
    let body = case.body.as_deref().unwrap_or_default().as_bytes();
    let secret = case.secret.as_deref().unwrap_or_default();
    let result = verify(provider, body, &case.headers, secret, &options);
    // Our own webhooks: `Webhook` agrees with `verify` (JSON bodies only).
    if provider == Provider::Standard {
        let via_webhook =
            Webhook::new(secret).and_then(|w| w.verify_with(body, &case.headers, &options));
        assert_eq!(
            via_webhook.as_ref().err().map(|e| e.kind()),
            result.as_ref().err().map(|e| e.kind()),
            "{}: Webhook::verify_with and verify disagree",
            case.name
        );
    }
    result.map_err(|e| e.kind().as_str().to_string())
}

#[test]
fn every_shared_vector_gives_the_expected_outcome() {
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "expected the full vector file, got {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let got = match run(case) {
            Ok(()) => "ok".to_string(),
            Err(kind) => kind,
        };
        if got != case.expect {
            failures.push(format!(
                "{}: expected {}, got {got}",
                case.name, case.expect
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_provider_has_vectors() {
    let cases = cases();
    for p in [
        "standard",
        "stripe",
        "github",
        "meta",
        "twilio",
        "slack",
        "meta-handshake",
    ] {
        assert!(cases.iter().any(|c| c.provider == p), "no vectors for {p}");
    }
}
