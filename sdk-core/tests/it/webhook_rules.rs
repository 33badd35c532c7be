//! Every rule of CONTRACT.md section 3, boundaries included.

use std::collections::HashMap;
use std::time::Instant;

use callwaitingai::webhooks::{
    ErrorKind, InMemoryReplayGuard, Provider, SignOptions, VerifyOptions, Webhook,
    meta_subscription_challenge, sign_request, verify,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: i64 = 1_614_265_330;
const BODY: &[u8] = br#"{"test": 2432232314}"#;

fn at(now: i64) -> VerifyOptions {
    VerifyOptions::new().now(now)
}

fn std_headers(id: &str, ts: &str, sig: &str) -> Vec<(String, String)> {
    vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), ts.into()),
        ("webhook-signature".into(), sig.into()),
    ]
}

fn kind<T>(r: Result<T, callwaitingai::webhooks::WebhookError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.kind().as_str(),
    }
}

fn signed(provider: Provider, secret: &str, body: &[u8], ts: i64) -> Vec<(String, String)> {
    let opts = SignOptions {
        timestamp: Some(ts),
        url: Some("https://example.com/hook?x=1".into()),
        ..SignOptions::default()
    };
    sign_request(provider, body, secret, &opts).unwrap()
}

// --- standard -------------------------------------------------------------------------------

#[test]
fn sign_reproduces_the_official_vector() {
    let wh = Webhook::new(SECRET).unwrap();
    assert_eq!(
        wh.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", TS, BODY),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}

#[test]
fn verify_returns_the_event_exactly_as_sent() {
    let wh = Webhook::new(SECRET).unwrap();
    let body = br#"{"type":"lead.created","data":{"camelCase":1,"snake_case":2}}"#;
    let sig = wh.sign("msg_1", TS, body);
    let event = wh
        .verify_with(body, &std_headers("msg_1", &TS.to_string(), &sig), &at(TS))
        .unwrap();
    assert_eq!(event["data"]["camelCase"], 1);
    assert_eq!(event["data"]["snake_case"], 2);
}

#[test]
fn header_names_match_case_insensitively() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = wh.sign("msg_1", TS, BODY);
    let headers = [
        ("Webhook-Id", "msg_1"),
        ("WEBHOOK-TIMESTAMP", "1614265330"),
        ("webhook-Signature", sig.as_str()),
    ];
    assert_eq!(kind(wh.verify_with(BODY, &headers, &at(TS))), "ok");
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(k, v.parse().unwrap());
    }
    assert_eq!(kind(wh.verify_with(BODY, &map, &at(TS))), "ok");
}

#[test]
fn missing_or_empty_headers_are_missing_header() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = wh.sign("msg_1", TS, BODY);
    for drop in 0..3 {
        let mut h = std_headers("msg_1", "1614265330", &sig);
        h.remove(drop);
        assert_eq!(
            kind(wh.verify_with(BODY, &h, &at(TS))),
            "missing_header",
            "without header {drop}"
        );
        let mut h = std_headers("msg_1", "1614265330", &sig);
        h[drop].1.clear();
        assert_eq!(
            kind(wh.verify_with(BODY, &h, &at(TS))),
            "missing_header",
            "empty header {drop}"
        );
    }
}

#[test]
fn timestamps_must_be_plain_decimal_integers() {
    let wh = Webhook::new(SECRET).unwrap();
    for bad in [
        "+1614265330",
        "-1614265330",
        "1614265330.0",
        " 1614265330",
        "1614265330 ",
        "1e9",
        "0x10",
        "99999999999999999999",
        "١٢٣",
    ] {
        let sig = wh.sign("msg_1", TS, BODY);
        let h = std_headers("msg_1", bad, &sig);
        assert_eq!(
            kind(wh.verify_with(BODY, &h, &at(TS))),
            "invalid_header",
            "{bad:?}"
        );
    }
}

#[test]
fn tolerance_applies_both_ways_and_exactly_tolerance_passes() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = wh.sign("msg_1", TS, BODY);
    let h = std_headers("msg_1", &TS.to_string(), &sig);
    assert_eq!(kind(wh.verify_with(BODY, &h, &at(TS + 300))), "ok");
    assert_eq!(kind(wh.verify_with(BODY, &h, &at(TS - 300))), "ok");
    assert_eq!(
        kind(wh.verify_with(BODY, &h, &at(TS + 301))),
        "timestamp_too_old"
    );
    assert_eq!(
        kind(wh.verify_with(BODY, &h, &at(TS - 301))),
        "timestamp_too_new"
    );
    let tight = at(TS + 11).tolerance_secs(10);
    assert_eq!(kind(wh.verify_with(BODY, &h, &tight)), "timestamp_too_old");
    assert_eq!(
        kind(wh.verify_with(BODY, &h, &at(TS + 10).tolerance_secs(10))),
        "ok"
    );
    // Extreme clocks do not overflow.
    assert_eq!(
        kind(wh.verify_with(BODY, &h, &at(i64::MAX))),
        "timestamp_too_old"
    );
    assert_eq!(
        kind(wh.verify_with(BODY, &h, &at(i64::MIN))),
        "timestamp_too_new"
    );
    // The system clock is the default: a 2021 timestamp is too old today.
    assert_eq!(kind(wh.verify(BODY, &h)), "timestamp_too_old");
}

#[test]
fn a_fresh_signature_verifies_with_the_system_clock() {
    let wh = Webhook::new(SECRET).unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let sig = wh.sign("msg_now", now, BODY);
    assert_eq!(
        kind(wh.verify(BODY, &std_headers("msg_now", &now.to_string(), &sig))),
        "ok"
    );
}

#[test]
fn every_signature_in_the_list_is_tried() {
    let old = Webhook::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let new = Webhook::new(SECRET).unwrap();
    let list = format!(
        "v1,bm90IGEgc2lnbmF0dXJl v2,whatever nocomma v1,!!!notbase64 {} {}",
        old.sign("msg_1", TS, BODY),
        new.sign("msg_1", TS, BODY)
    );
    let h = std_headers("msg_1", &TS.to_string(), &list);
    assert_eq!(kind(new.verify_with(BODY, &h, &at(TS))), "ok");
    assert_eq!(kind(old.verify_with(BODY, &h, &at(TS))), "ok");
    let other = Webhook::new("whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB").unwrap();
    assert_eq!(
        kind(other.verify_with(BODY, &h, &at(TS))),
        "invalid_signature"
    );
}

#[test]
fn unknown_versions_and_entries_without_a_comma_are_skipped() {
    let wh = Webhook::new(SECRET).unwrap();
    let good = wh.sign("msg_1", TS, BODY);
    let b64 = good.trim_start_matches("v1,");
    for sig in [
        format!("v2,{b64}"),
        b64.to_string(),
        format!("v1a,{b64}"),
        String::from(" "),
    ] {
        let h = std_headers("msg_1", &TS.to_string(), &sig);
        assert_eq!(
            kind(wh.verify_with(BODY, &h, &at(TS))),
            "invalid_signature",
            "{sig}"
        );
    }
}

#[test]
fn the_signed_content_is_id_timestamp_and_body() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = wh.sign("msg_1", TS, BODY);
    let ts = TS.to_string();
    assert_eq!(
        kind(wh.verify_with(BODY, &std_headers("msg_2", &ts, &sig), &at(TS))),
        "invalid_signature"
    );
    assert_eq!(
        kind(wh.verify_with(
            BODY,
            &std_headers("msg_1", &(TS + 1).to_string(), &sig),
            &at(TS)
        )),
        "invalid_signature"
    );
    assert_eq!(
        kind(wh.verify_with(
            b"{\"test\":2432232314}",
            &std_headers("msg_1", &ts, &sig),
            &at(TS)
        )),
        "invalid_signature"
    );
}

#[test]
fn svix_headers_are_accepted_and_win_over_webhook_headers() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = wh.sign("msg_svix", TS, BODY);
    let ts = TS.to_string();
    let svix_only = [
        ("svix-id", "msg_svix"),
        ("svix-timestamp", ts.as_str()),
        ("svix-signature", sig.as_str()),
    ];
    assert_eq!(kind(wh.verify_with(BODY, &svix_only, &at(TS))), "ok");
    // Both present: the svix- values are the ones verified.
    let both = [
        ("webhook-id", "msg_other"),
        ("webhook-timestamp", "1"),
        ("webhook-signature", "v1,AAAA"),
        ("svix-id", "msg_svix"),
        ("svix-timestamp", ts.as_str()),
        ("svix-signature", sig.as_str()),
    ];
    assert_eq!(kind(wh.verify_with(BODY, &both, &at(TS))), "ok");
    let svix_wrong = [
        ("webhook-id", "msg_svix"),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", sig.as_str()),
        ("svix-id", "msg_other"),
    ];
    assert_eq!(
        kind(wh.verify_with(BODY, &svix_wrong, &at(TS))),
        "invalid_signature"
    );
}

#[test]
fn secrets_prefix_is_optional_and_bad_secrets_are_invalid_secret() {
    let bare = Webhook::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(
        bare.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", TS, BODY),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    for bad in [
        "",
        "whsec_",
        "whsec_not base64!",
        "whsec_@@@@",
        " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whpk_AAAA",
        "whsk_AAAA",
    ] {
        let e = Webhook::new(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSecret, "{bad:?}");
        assert!(
            !e.to_string().contains("MfKQ9r8G"),
            "the error leaks the secret: {e}"
        );
    }
    let h = std_headers("msg_1", &TS.to_string(), "v1,AAAA");
    assert_eq!(
        kind(verify(Provider::Standard, BODY, &h, "whsec_", &at(TS))),
        "invalid_secret"
    );
}

#[test]
fn ed25519_keys_sign_and_verify_v1a() {
    // A fixed private key (32-byte seed) and the public key derived from it.
    let sk = Webhook::new("whsk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=").unwrap();
    let pk_text = sk.public_key().unwrap();
    let pk = Webhook::new(&pk_text).unwrap();
    let sig = sk.sign("msg_1", TS, BODY);
    assert!(sig.starts_with("v1a,"), "{sig}");
    let h = std_headers("msg_1", &TS.to_string(), &format!("v1,AAAA {sig}"));
    assert_eq!(kind(pk.verify_with(BODY, &h, &at(TS))), "ok");
    assert_eq!(kind(sk.verify_with(BODY, &h, &at(TS))), "ok");
    assert_eq!(
        kind(verify(Provider::Standard, BODY, &h, &pk_text, &at(TS))),
        "ok"
    );
    assert_eq!(
        kind(pk.verify_with(b"{}", &h, &at(TS))),
        "invalid_signature"
    );
    // An HMAC v1 signature does not satisfy a public key, and a public key cannot sign.
    let hmac_sig = Webhook::new(SECRET).unwrap().sign("msg_1", TS, BODY);
    assert_eq!(
        kind(pk.verify_with(
            BODY,
            &std_headers("msg_1", &TS.to_string(), &hmac_sig),
            &at(TS)
        )),
        "invalid_signature"
    );
    assert_eq!(pk.sign("msg_1", TS, BODY), "");
    assert_eq!(
        pk.try_sign("msg_1", TS, BODY).unwrap_err().kind(),
        ErrorKind::InvalidSecret
    );
}

#[test]
fn a_valid_signature_over_a_non_json_body_is_invalid_payload() {
    let wh = Webhook::new(SECRET).unwrap();
    let body = b"not json";
    let h = std_headers("msg_1", &TS.to_string(), &wh.sign("msg_1", TS, body));
    assert_eq!(kind(wh.verify_with(body, &h, &at(TS))), "invalid_payload");
    // The provider-neutral `verify` checks only the signature.
    assert_eq!(
        kind(verify(Provider::Standard, body, &h, SECRET, &at(TS))),
        "ok"
    );
}

#[test]
fn mismatch_messages_help_without_leaking_the_expected_signature() {
    let wh = Webhook::new(SECRET).unwrap();
    let good = wh.sign("msg_1", TS, BODY);
    let e = wh
        .verify_with(
            b"{}",
            &std_headers("msg_1", &TS.to_string(), &good),
            &at(TS),
        )
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("raw request body"), "{text}");
    let expected = wh.sign("msg_1", TS, b"{}");
    assert!(!text.contains(expected.trim_start_matches("v1,")), "{text}");
    // A secret with surrounding whitespace is called out (HMAC providers take it as given).
    let h = signed(Provider::Stripe, "whsec_x", BODY, TS);
    let e = verify(Provider::Stripe, BODY, &h, "whsec_x\n", &at(TS)).unwrap_err();
    assert!(e.to_string().contains("whitespace"), "{e}");
    assert!(!format!("{wh:?}").contains("MfKQ9r8G"));
}

#[test]
fn replay_guard_accepts_each_message_once() {
    let wh = Webhook::new(SECRET).unwrap();
    let guard = InMemoryReplayGuard::new();
    let h = std_headers("msg_1", &TS.to_string(), &wh.sign("msg_1", TS, BODY));
    assert_eq!(kind(wh.verify_once(BODY, &h, &at(TS), &guard)), "ok");
    assert_eq!(
        kind(wh.verify_once(BODY, &h, &at(TS + 1), &guard)),
        "replayed"
    );
    // A forged message does not burn the id.
    let forged = std_headers("msg_2", &TS.to_string(), "v1,AAAA");
    assert_eq!(
        kind(wh.verify_once(BODY, &forged, &at(TS), &guard)),
        "invalid_signature"
    );
    let h2 = std_headers("msg_2", &TS.to_string(), &wh.sign("msg_2", TS, BODY));
    assert_eq!(kind(wh.verify_once(BODY, &h2, &at(TS), &guard)), "ok");
    assert_eq!(guard.len(), 2);
}

// --- stripe and calendly ----------------------------------------------------------------------

#[test]
fn stripe_and_calendly_sign_t_dot_body_with_the_secret_as_given() {
    for (provider, header) in [
        (Provider::Stripe, "Stripe-Signature"),
        (Provider::Calendly, "Calendly-Webhook-Signature"),
    ] {
        let h = signed(provider, "whsec_abc", BODY, TS);
        assert_eq!(h[0].0, header);
        assert_eq!(kind(verify(provider, BODY, &h, "whsec_abc", &at(TS))), "ok");
        // `whsec_` is part of the key: without it nothing matches.
        assert_eq!(
            kind(verify(provider, BODY, &h, "abc", &at(TS))),
            "invalid_signature"
        );
        assert_eq!(
            kind(verify(provider, BODY, &h, "", &at(TS))),
            "invalid_secret"
        );
        assert_eq!(
            kind(verify(
                provider,
                BODY,
                &Vec::<(String, String)>::new(),
                "whsec_abc",
                &at(TS)
            )),
            "missing_header"
        );
    }
}

#[test]
fn stripe_header_parsing() {
    let v1 = signed(Provider::Stripe, "sk", BODY, TS)[0].1.clone();
    let good_v1 = v1.split_once(",v1=").unwrap().1.to_string();
    let check = |value: &str| {
        kind(verify(
            Provider::Stripe,
            BODY,
            &[("stripe-signature", value)],
            "sk",
            &at(TS),
        ))
    };
    assert_eq!(
        check(&format!("t={TS},v1=00,v0=abc,v1={good_v1},x=1")),
        "ok"
    );
    assert_eq!(check(&format!("v1={good_v1},t={TS}")), "ok");
    assert_eq!(
        check(&format!("t={TS},v1=a=b,v1={good_v1}")),
        "ok",
        "split on the first '='"
    );
    assert_eq!(
        check(&format!("t={TS},v1={good_v1},junk")),
        "invalid_header"
    );
    assert_eq!(check(&format!("v1={good_v1}")), "invalid_header");
    assert_eq!(check(&format!("t=abc,v1={good_v1}")), "invalid_header");
    assert_eq!(check(&format!("t=-{TS},v1={good_v1}")), "invalid_header");
    assert_eq!(check(&format!("t={TS},v0={good_v1}")), "invalid_signature");
    assert_eq!(
        check(&format!("t={TS},v1={}", good_v1.to_uppercase())),
        "invalid_signature"
    );
    assert_eq!(
        check(&format!("t={},v1={good_v1}", TS + 1)),
        "invalid_signature"
    );
    let at_edge = |now| {
        kind(verify(
            Provider::Stripe,
            BODY,
            &[("Stripe-Signature", v1.as_str())],
            "sk",
            &at(now),
        ))
    };
    assert_eq!(at_edge(TS + 300), "ok");
    assert_eq!(at_edge(TS + 301), "timestamp_too_old");
    assert_eq!(at_edge(TS - 301), "timestamp_too_new");
}

// --- github and meta ----------------------------------------------------------------------------

#[test]
fn hub_signatures() {
    for provider in [Provider::Github, Provider::Meta] {
        let h = signed(provider, "app-secret", BODY, TS);
        assert_eq!(
            kind(verify(
                provider,
                BODY,
                &h,
                "app-secret",
                &VerifyOptions::new()
            )),
            "ok"
        );
        assert_eq!(
            kind(verify(
                provider,
                b"x",
                &h,
                "app-secret",
                &VerifyOptions::new()
            )),
            "invalid_signature"
        );
        let hex = h[0].1.trim_start_matches("sha256=").to_string();
        assert_eq!(
            kind(verify(
                provider,
                BODY,
                &[("x-hub-signature-256", hex.as_str())],
                "app-secret",
                &VerifyOptions::new()
            )),
            "invalid_header"
        );
        assert_eq!(
            kind(verify(
                provider,
                BODY,
                &[("x-hub-signature-256", "sha1=abc")],
                "app-secret",
                &VerifyOptions::new()
            )),
            "invalid_header"
        );
        assert_eq!(
            kind(verify(
                provider,
                BODY,
                &[("X-Hub-Signature", "sha1=abc")],
                "app-secret",
                &VerifyOptions::new()
            )),
            "missing_header"
        );
    }
}

#[test]
fn meta_subscription_handshake() {
    let ok = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
    assert_eq!(
        meta_subscription_challenge(ok, "meatyhamhock").unwrap(),
        "1158201444"
    );
    assert_eq!(
        meta_subscription_challenge(&format!("?{ok}"), "meatyhamhock").unwrap(),
        "1158201444"
    );
    assert_eq!(
        meta_subscription_challenge(
            "hub.mode=subscribe&hub.challenge=a%20b&hub.verify_token=t%26k",
            "t&k"
        )
        .unwrap(),
        "a b"
    );
    for (q, token) in [
        (
            "hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong",
            "meatyhamhock",
        ),
        (
            "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=t",
            "t",
        ),
        ("hub.challenge=1&hub.verify_token=t", "t"),
        ("hub.mode=subscribe&hub.verify_token=t", "t"),
        ("hub.mode=subscribe&hub.challenge=1", "t"),
        ("hub.mode=subscribe&hub.challenge=1&hub.verify_token=", ""),
        ("", "t"),
    ] {
        let e = meta_subscription_challenge(q, token).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::HandshakeFailed, "{q}");
    }
}

// --- twilio ------------------------------------------------------------------------------------

#[test]
fn twilio_params_ports_and_body_hash() {
    let body = b"To=%2B1&From=%2B2&Digits=9&Digits=1&Digits=9";
    let url = "https://example.com/hook?x=1";
    let h = signed(Provider::Twilio, "token", body, 0);
    let opts = |u: &str| VerifyOptions::new().url(u);
    assert_eq!(
        kind(verify(Provider::Twilio, body, &h, "token", &opts(url))),
        "ok"
    );
    // Param order in the body does not matter; values are sorted and de-duplicated.
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            b"Digits=1&Digits=9&From=%2B2&To=%2B1",
            &h,
            "token",
            &opts(url)
        )),
        "ok"
    );
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            b"To=%2B1&From=%2B2&Digits=9",
            &h,
            "token",
            &opts(url)
        )),
        "invalid_signature"
    );
    // Signed without a port: verifies behind a proxy that reports :443 or the default port.
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            body,
            &h,
            "token",
            &opts("https://example.com:443/hook?x=1")
        )),
        "ok"
    );
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            body,
            &h,
            "token",
            &opts("https://example.com:8443/hook?x=1")
        )),
        "ok"
    );
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            body,
            &h,
            "token",
            &opts("https://example.com/other")
        )),
        "invalid_signature"
    );
    // No URL: a clear error rather than a silent mismatch.
    let e = verify(Provider::Twilio, body, &h, "token", &VerifyOptions::new()).unwrap_err();
    assert!(e.to_string().contains("url"), "{e}");
    // bodySHA256: the body must hash to it.
    let json = br#"{"a":1}"#;
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(json))
    };
    let url = format!("https://example.com/hook?bodySHA256={sha}");
    let h = sign_request(
        Provider::Twilio,
        json,
        "token",
        &SignOptions {
            url: Some(url.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        kind(verify(Provider::Twilio, json, &h, "token", &opts(&url))),
        "ok"
    );
    assert_eq!(
        kind(verify(
            Provider::Twilio,
            br#"{"a":2}"#,
            &h,
            "token",
            &opts(&url)
        )),
        "invalid_signature"
    );
}

// --- slack -------------------------------------------------------------------------------------

#[test]
fn slack_signatures() {
    let h = signed(
        Provider::Slack,
        "8f742231b10e8888abcd99yyyzzz85a5",
        BODY,
        TS,
    );
    let secret = "8f742231b10e8888abcd99yyyzzz85a5";
    assert_eq!(
        kind(verify(Provider::Slack, BODY, &h, secret, &at(TS))),
        "ok"
    );
    assert_eq!(
        kind(verify(Provider::Slack, BODY, &h, secret, &at(TS + 301))),
        "timestamp_too_old"
    );
    let sig = h
        .iter()
        .find(|(k, _)| k == "X-Slack-Signature")
        .unwrap()
        .1
        .clone();
    let ts = TS.to_string();
    let with = |s: &str| {
        kind(verify(
            Provider::Slack,
            BODY,
            &[
                ("x-slack-signature", s),
                ("x-slack-request-timestamp", ts.as_str()),
            ],
            secret,
            &at(TS),
        ))
    };
    assert_eq!(with(&sig), "ok");
    assert_eq!(
        with(&sig.to_uppercase().replacen("V0=", "v0=", 1)),
        "invalid_signature"
    );
    assert_eq!(with(sig.trim_start_matches("v0=")), "invalid_header");
    assert_eq!(with(""), "missing_header");
}

// --- robustness --------------------------------------------------------------------------------

#[test]
fn a_one_mebibyte_body_verifies_for_every_provider() {
    let body: Vec<u8> = std::iter::repeat_n(b'a', 1 << 20).collect();
    for &provider in Provider::ALL {
        let secret = if provider == Provider::Standard {
            SECRET
        } else {
            "secret"
        };
        let h = signed(provider, secret, &body, TS);
        let opts = at(TS).url("https://example.com/hook?x=1");
        assert_eq!(
            kind(verify(provider, &body, &h, secret, &opts)),
            "ok",
            "{provider}"
        );
    }
}

#[test]
fn thousands_of_signature_entries_cost_linear_time() {
    let wh = Webhook::new(SECRET).unwrap();
    let good = wh.sign("msg_1", TS, BODY);
    let time = |n: usize| {
        let mut list = vec!["v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; n].join(" ");
        list.push(' ');
        list.push_str(&good);
        let h = std_headers("msg_1", &TS.to_string(), &list);
        let t = Instant::now();
        assert_eq!(kind(wh.verify_with(BODY, &h, &at(TS))), "ok");
        t.elapsed()
    };
    let small = time(2_000);
    let large = time(20_000);
    // Linear: ten times the entries cost about ten times as much, far from a hundred.
    assert!(
        large < small * 40 + std::time::Duration::from_millis(50),
        "{small:?} vs {large:?}"
    );
    // Stripe lists too.
    let v1 = signed(Provider::Stripe, "sk", BODY, TS)[0].1.clone();
    let mut header = format!("t={TS}");
    for _ in 0..20_000 {
        header.push_str(",v1=00");
    }
    header.push_str(&v1[v1.find(",v1=").unwrap()..]);
    let h: HashMap<&str, &str> = [("Stripe-Signature", header.as_str())].into();
    assert_eq!(
        kind(verify(Provider::Stripe, BODY, &h, "sk", &at(TS))),
        "ok"
    );
}

#[test]
fn providers_parse_from_their_names() {
    for &p in Provider::ALL {
        assert_eq!(p.as_str().parse::<Provider>().unwrap(), p);
        assert_eq!(p.as_str().to_uppercase().parse::<Provider>().unwrap(), p);
    }
    assert_eq!("whatsapp".parse::<Provider>().unwrap(), Provider::Meta);
    assert_eq!("svix".parse::<Provider>().unwrap(), Provider::Standard);
    assert!(
        "paypal"
            .parse::<Provider>()
            .unwrap_err()
            .to_string()
            .contains("paypal")
    );
}
