//! Property tests: no input, however malformed, panics; signing and verifying agree.

use callwaitingai::webhooks::{
    Provider, SignOptions, VerifyOptions, Webhook, meta_subscription_challenge, sign_request,
    verify,
};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "Stripe-Signature",
    "Calendly-Webhook-Signature",
    "X-Hub-Signature-256",
    "X-Twilio-Signature",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
];

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[tv0-9a-z=, ]{0,80}",
        "(v1a?,[A-Za-z0-9+/=]{0,90} ?){0,4}",
        "t=[0-9+-]{0,12}(,v[01]=[0-9a-f]{0,64}){0,3}",
        "sha256=[0-9a-fA-F]{0,70}",
        "v0=[0-9a-f]{0,70}",
        "[0-9]{0,25}",
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(NAMES).prop_map(str::to_string),
            header_value(),
        ),
        0..8,
    )
}

proptest! {
    // 512 cases in CI; PROPTEST_CASES=… for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn verify_never_panics(
        provider in prop::sample::select(Provider::ALL),
        body in prop::collection::vec(any::<u8>(), 0..256),
        headers in headers(),
        secret in prop_oneof![any::<String>(), "whsec_[A-Za-z0-9+/=]{0,44}", "whpk_[A-Za-z0-9+/=]{0,44}", "whsk_[A-Za-z0-9+/=]{0,88}"],
        url in prop::option::of(any::<String>()),
        now in any::<i64>(),
        tolerance in any::<u64>(),
    ) {
        let mut options = VerifyOptions::new().now(now).tolerance_secs(tolerance);
        if let Some(url) = url {
            options = options.url(url);
        }
        let _ = verify(provider, &body, &headers, &secret, &options);
        if let Ok(wh) = Webhook::new(&secret) {
            let _ = wh.verify_with(&body, &headers, &options);
            let _ = wh.sign("msg", now, &body);
        }
    }

    #[test]
    fn meta_handshake_never_panics(query in any::<String>(), token in any::<String>()) {
        let _ = meta_subscription_challenge(&query, &token);
    }

    #[test]
    fn what_we_sign_we_verify(
        provider in prop::sample::select(Provider::ALL),
        body in prop::collection::vec(any::<u8>(), 0..512),
        secret in "[A-Za-z0-9]{1,40}",
        ts in 0i64..4_000_000_000,
    ) {
        let secret = if provider == Provider::Standard { format!("whsec_{secret}A==") } else { secret };
        // Standard secrets must be base64: make one from the random text.
        let secret = if provider == Provider::Standard {
            use base64::Engine as _;
            format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(secret.as_bytes()))
        } else {
            secret
        };
        let opts = SignOptions { timestamp: Some(ts), url: Some("https://example.com/x".into()), ..Default::default() };
        let h = sign_request(provider, &body, &secret, &opts).unwrap();
        let v = VerifyOptions::new().now(ts).url("https://example.com/x");
        prop_assert!(verify(provider, &body, &h, &secret, &v).is_ok());
    }
}

proptest! {
    /// Typing never panics, whatever a (validly signed) body holds: a typed result, or
    /// `invalid_payload`.
    #[test]
    fn typing_any_signed_body_never_panics(
        provider in prop::sample::select(Provider::ALL),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            "[a-zA-Z]{1,8}=[a-z0-9%+]{0,12}(&[A-Za-z]{1,12}=[a-z0-9%+]{0,12}){0,6}".prop_map(String::into_bytes),
            json_value().prop_map(|v| v.to_string().into_bytes()),
        ],
    ) {
        let secret = if provider == Provider::Standard { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } else { "s3cr3t" };
        let opts = SignOptions { timestamp: Some(1_793_000_000), url: Some("https://example.com/x".into()), ..Default::default() };
        let mut h = sign_request(provider, &body, secret, &opts).unwrap();
        h.push(("X-GitHub-Event".into(), "push".into()));
        let v = VerifyOptions::new().now(1_793_000_000).url("https://example.com/x");
        match callwaitingai::webhooks::verify_event(provider, &body, &h, secret, &v) {
            Ok(e) => prop_assert_eq!(e.provider(), provider),
            Err(e) => prop_assert_eq!(e.kind(), callwaitingai::webhooks::ErrorKind::InvalidPayload),
        }
    }
}

/// Arbitrary JSON, shaped like the providers' payloads often enough to reach the typing.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z_]{0,10}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "type", "object", "entry", "changes", "value", "messages", "statuses",
                    "metadata", "data", "event", "payload", "text", "id"
                ]),
                inner,
                0..5,
            )
            .prop_map(|m| serde_json::Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}
