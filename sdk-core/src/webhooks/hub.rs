//! GitHub and Meta (WhatsApp Cloud API, Facebook, Instagram): `X-Hub-Signature-256:
//! sha256=<hex>`, HMAC-SHA256 of the raw body with the app secret; and Meta's subscription
//! handshake.

use std::borrow::Cow;

use super::headers::required;
use super::{ErrorKind, Headers, WebhookError, ct_eq, hmac_sha256_hex, require_secret};

const HEADER: &str = "X-Hub-Signature-256";

pub(crate) fn verify<H: Headers + ?Sized>(
    payload: &[u8],
    headers: &H,
    secret: &str,
) -> Result<(), WebhookError> {
    require_secret(secret)?;
    let value = required(headers, HEADER)?;
    let given = value
        .strip_prefix("sha256=")
        .ok_or_else(|| WebhookError::invalid_header(HEADER, "does not start with `sha256=`"))?;
    let expected = hmac_sha256_hex(secret.as_bytes(), &[payload]);
    if ct_eq(&expected, given) {
        Ok(())
    } else {
        Err(WebhookError::mismatch(secret.as_bytes()))
    }
}

/// Answers Meta's subscription handshake (WhatsApp Cloud API, Facebook, Instagram).
///
/// `query` is the raw query string of the GET request (with or without a leading `?`). When
/// `hub.mode` is `subscribe` and `hub.verify_token` equals `verify_token`, returns
/// `hub.challenge`, which the endpoint must send back as the response body; anything else is
/// `handshake_failed`.
///
/// ```
/// use callwaitingai::webhooks::meta_subscription_challenge;
/// let q = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
/// assert_eq!(meta_subscription_challenge(q, "meatyhamhock").unwrap(), "1158201444");
/// ```
pub fn meta_subscription_challenge(
    query: &str,
    verify_token: &str,
) -> Result<String, WebhookError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut mode: Option<Cow<'_, str>> = None;
    let mut token: Option<Cow<'_, str>> = None;
    let mut challenge: Option<Cow<'_, str>> = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "hub.mode" => &mut mode,
            "hub.verify_token" => &mut token,
            "hub.challenge" => &mut challenge,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v);
        }
    }
    let failed = |why: &str| WebhookError::new(ErrorKind::HandshakeFailed, why);
    if mode.as_deref() != Some("subscribe") {
        return Err(failed("`hub.mode` is not `subscribe`"));
    }
    if verify_token.is_empty() {
        return Err(failed("the expected verify token is empty"));
    }
    match token {
        Some(t) if ct_eq(&t, verify_token) => {}
        Some(_) => return Err(failed("`hub.verify_token` does not match")),
        None => return Err(failed("`hub.verify_token` is missing")),
    }
    match challenge {
        Some(c) if !c.is_empty() => Ok(c.into_owned()),
        _ => Err(failed("`hub.challenge` is missing")),
    }
}
