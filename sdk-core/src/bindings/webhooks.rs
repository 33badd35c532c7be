//! Webhook verification as every binding exposes it: arguments as the binding received them
//! (the tolerance as a JSON value, checked here; `now` in unix seconds), every failure as a
//! [`Failure`] (a webhook kind, or invalid input such as an unknown provider).

use serde_json::Value;

use super::errors::{Failure, Style, failure, webhook_failure};
use crate::webhooks::{self as core, Headers, VerifyOptions, Webhook};

fn options(
    style: Style,
    tolerance: &Value,
    now: Option<i64>,
    url: Option<String>,
) -> Result<VerifyOptions, Failure> {
    let tolerance = super::options::tolerance(style, tolerance).map_err(|e| failure(&e, style))?;
    Ok(super::verify_options(now, tolerance, url))
}

/// A verifier for one secret (`whsec_…`, `whpk_…`, `whsk_…`).
pub fn webhook(style: Style, secret: &str) -> Result<Webhook, Failure> {
    Webhook::new(secret).map_err(|e| webhook_failure(&e, style))
}

/// Checks the headers and the signature of a Standard Webhooks message (the JS layer parses the
/// verified body itself).
pub fn check_signature<H: Headers + ?Sized>(
    style: Style,
    webhook: &Webhook,
    payload: &[u8],
    headers: &H,
    tolerance: &Value,
    now: Option<i64>,
) -> Result<(), Failure> {
    let opts = options(style, tolerance, now, None)?;
    webhook
        .verify_signature(payload, headers, &opts)
        .map_err(|e| webhook_failure(&e, style))
}

/// Verifies a Standard Webhooks message and returns the event as sent.
pub fn verify<H: Headers + ?Sized>(
    style: Style,
    webhook: &Webhook,
    payload: &[u8],
    headers: &H,
    tolerance: &Value,
    now: Option<i64>,
) -> Result<Value, Failure> {
    let opts = options(style, tolerance, now, None)?;
    webhook
        .verify_with(payload, headers, &opts)
        .map_err(|e| webhook_failure(&e, style))
}

/// The `webhook-signature` value of a message (a public key cannot sign: `invalid_secret`).
pub fn sign(
    style: Style,
    webhook: &Webhook,
    msg_id: &str,
    timestamp: i64,
    payload: &[u8],
) -> Result<String, Failure> {
    webhook
        .try_sign(msg_id, timestamp, payload)
        .map_err(|e| webhook_failure(&e, style))
}

/// Verifies a webhook from `provider` (an unknown provider is invalid input).
#[allow(clippy::too_many_arguments)] // the arguments of every binding's verify function
pub fn verify_provider<H: Headers + ?Sized>(
    style: Style,
    provider: &str,
    payload: &[u8],
    headers: &H,
    secret: &str,
    url: Option<String>,
    tolerance: &Value,
    now: Option<i64>,
) -> Result<(), Failure> {
    let provider = super::provider(provider).map_err(|e| failure(&e, style))?;
    let opts = options(style, tolerance, now, url)?;
    core::verify(provider, payload, headers, secret, &opts).map_err(|e| webhook_failure(&e, style))
}

/// Meta's subscription handshake: `hub.challenge`, or `handshake_failed`.
pub fn meta_challenge(style: Style, query: &str, verify_token: &str) -> Result<String, Failure> {
    core::meta_subscription_challenge(query, verify_token).map_err(|e| webhook_failure(&e, style))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_failure_is_a_class_with_a_kind() {
        let w = webhook(Style::Python, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let none: [(&str, &str); 0] = [];
        let e =
            check_signature(Style::Python, &w, b"{}", &none[..], &Value::Null, None).unwrap_err();
        assert_eq!(e.class, "WebhookVerificationError");
        assert_eq!(e.fields[0], ("kind", json!("missing_header")));
        let e = verify_provider(
            Style::JavaScript,
            "paypal",
            b"",
            &none[..],
            "s",
            None,
            &Value::Null,
            None,
        )
        .unwrap_err();
        assert_eq!(e.class, "InvalidRequestError");
        let e =
            check_signature(Style::JavaScript, &w, b"{}", &none[..], &json!(-1), None).unwrap_err();
        assert!(e.message().contains("tolerance must be"), "{}", e.message());
        assert!(webhook(Style::Python, "").is_err());
    }
}
