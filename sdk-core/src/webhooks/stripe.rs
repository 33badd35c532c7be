//! Stripe (`Stripe-Signature`) and Calendly (`Calendly-Webhook-Signature`):
//! `t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}` keyed by the secret as given.

use super::headers::required;
use super::{
    Headers, VerifyOptions, WebhookError, check_timestamp, ct_eq, hmac_sha256_hex, parse_timestamp,
    require_secret,
};

pub(crate) fn verify<H: Headers + ?Sized>(
    header: &'static str,
    payload: &[u8],
    headers: &H,
    secret: &str,
    options: &VerifyOptions,
) -> Result<(), WebhookError> {
    require_secret(secret)?;
    let value = required(headers, header)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for item in value.split(',') {
        let Some((key, val)) = item.split_once('=') else {
            return Err(WebhookError::invalid_header(
                header,
                "is not a list of key=value items (expected `t=…,v1=…`)",
            ));
        };
        match key.trim() {
            "t" => timestamp = Some(val.trim()),
            "v1" => candidates.push(val.trim()),
            _ => {} // v0 and unknown schemes are ignored
        }
    }
    let ts_text =
        timestamp.ok_or_else(|| WebhookError::invalid_header(header, "has no `t=` timestamp"))?;
    let ts = parse_timestamp(header, ts_text)?;
    check_timestamp(ts, options)?;
    let expected = hmac_sha256_hex(secret.as_bytes(), &[ts_text.as_bytes(), b".", payload]);
    // Every candidate is compared (secret rotation), without stopping early.
    let mut ok = false;
    for c in candidates {
        ok |= ct_eq(&expected, c);
    }
    if ok {
        Ok(())
    } else {
        Err(WebhookError::mismatch(secret.as_bytes()))
    }
}
