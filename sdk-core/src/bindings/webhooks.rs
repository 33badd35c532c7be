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

/// Verifies a Standard Webhooks message and types it: the model's name (`LeadCreatedEvent`…,
/// or `UnknownEvent` for a type this SDK does not know) and the event named in the style
/// (Python's keys in snake_case; `data` of an unknown event as sent). A known type whose body
/// does not decode is `invalid_payload`.
pub fn verify_event<H: Headers + ?Sized>(
    style: Style,
    webhook: &Webhook,
    payload: &[u8],
    headers: &H,
    tolerance: &Value,
    now: Option<i64>,
) -> Result<(&'static str, Value), Failure> {
    let event = verify(style, webhook, payload, headers, tolerance, now)?;
    let model = core::event::check(&event)
        .map_err(|e| webhook_failure(&e, style))?
        .unwrap_or("UnknownEvent");
    Ok((model, super::calls::named(style, Some(model), event)))
}

/// Checks a verified body as [`verify_event`] types it (the JS layer parses it itself): a known
/// type whose body does not decode is `invalid_payload`; an unknown type passes.
pub fn check_event(style: Style, body: &[u8]) -> Result<(), Failure> {
    let event: Value = serde_json::from_slice(body).map_err(|e| {
        let e = core::WebhookError::new(
            core::ErrorKind::InvalidPayload,
            format!("the body is not JSON: {e}"),
        );
        webhook_failure(&e, style)
    })?;
    core::event::check(&event)
        .map(drop)
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

/// The headers `provider` would send with `payload` (`sign_request`), as `(name, value)` pairs:
/// for customers' tests of their own handlers.
pub fn sign_request(
    style: Style,
    provider: &str,
    payload: &[u8],
    secret: &str,
    url: Option<String>,
    timestamp: Option<i64>,
    msg_id: Option<String>,
) -> Result<Vec<(String, String)>, Failure> {
    let provider = super::provider(provider).map_err(|e| failure(&e, style))?;
    let options = core::SignOptions {
        timestamp,
        msg_id,
        url,
    };
    core::sign_request(provider, payload, secret, &options).map_err(|e| webhook_failure(&e, style))
}

/// Verifies and types a provider's webhook: the model's name, the result named in the style
/// (snake_case for Python, camelCase for JS; `raw` as sent) and the lists a model flattens
/// (Meta: `messages`, `statuses`) as `{key: [item model, items]}`, named the same way.
#[allow(clippy::too_many_arguments)] // the arguments of every binding's verify function
pub fn verify_provider_event<H: Headers + ?Sized>(
    style: Style,
    provider: &str,
    payload: &[u8],
    headers: &H,
    secret: &str,
    url: Option<String>,
    tolerance: &Value,
    now: Option<i64>,
) -> Result<(&'static str, Value, Value), Failure> {
    verify_provider(
        style, provider, payload, headers, secret, url, tolerance, now,
    )?;
    let provider = super::provider(provider).map_err(|e| failure(&e, style))?;
    let parsed = core::parse_provider_event(provider, payload, headers)
        .map_err(|e| webhook_failure(&e, style))?;
    let name = |schema: &str, v: Value| -> Value {
        let raw = v.get("raw").cloned();
        let mut named = match style {
            // The browser module has no Python caller: leave the renaming out of it.
            #[cfg(not(target_arch = "wasm32"))]
            Style::Python => crate::naming::from_wire(schema, v),
            _ => crate::naming::to_camel(schema, v),
        };
        if let (Some(raw), Value::Object(m)) = (raw, &mut named) {
            m.insert("raw".into(), raw);
        }
        named
    };
    let mut lists = serde_json::Map::new();
    for (key, schema, items) in parsed.lists {
        let items: Vec<Value> = items.into_iter().map(|i| name(schema, i)).collect();
        lists.insert(key.into(), serde_json::json!([schema, items]));
    }
    Ok((
        parsed.model,
        name(parsed.model, parsed.result),
        Value::Object(lists),
    ))
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

    #[test]
    fn events_are_typed_by_name_and_renamed_for_python() {
        let w = webhook(Style::Python, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let verify = |body: &str| {
            let sig = w.sign("msg_1", 1_793_000_000, body.as_bytes());
            let headers = [
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", "1793000000"),
                ("webhook-signature", sig.as_str()),
            ];
            verify_event(
                Style::Python,
                &w,
                body.as_bytes(),
                &headers[..],
                &Value::Null,
                Some(1_793_000_000),
            )
        };
        let (model, event) = verify(
            r#"{"type":"webhook.test","timestamp":"2026-11-01T09:30:00Z","data":{"webhookEndpointId":"we_1","message":"hi"}}"#,
        )
        .unwrap();
        assert_eq!(model, "WebhookTestEvent");
        assert_eq!(event["data"]["webhook_endpoint_id"], "we_1");
        let (model, event) =
            verify(r#"{"type":"lead.merged","timestamp":"2026-11-01T09:30:00Z","data":{"mergedInto":"lead_2"}}"#)
                .unwrap();
        assert_eq!(model, "UnknownEvent");
        assert_eq!(
            event["data"],
            json!({"mergedInto": "lead_2"}),
            "unknown data stays as sent"
        );
        let e = verify(r#"{"type":"webhook.test","timestamp":"2026-11-01T09:30:00Z","data":{}}"#)
            .unwrap_err();
        assert_eq!(e.fields[0], ("kind", json!("invalid_payload")));
        assert!(
            e.message().contains("data.webhookEndpointId"),
            "{}",
            e.message()
        );
    }
}
