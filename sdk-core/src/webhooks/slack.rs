//! Slack: `X-Slack-Signature: v0=<hex>` of `v0:{ts}:{body}`, with `X-Slack-Request-Timestamp`.

use super::headers::required;
use super::{
    Headers, VerifyOptions, WebhookError, check_timestamp, ct_eq, hmac_sha256_hex, parse_timestamp,
    require_secret,
};

const SIGNATURE: &str = "X-Slack-Signature";
const TIMESTAMP: &str = "X-Slack-Request-Timestamp";

pub(crate) fn verify<H: Headers + ?Sized>(
    payload: &[u8],
    headers: &H,
    secret: &str,
    options: &VerifyOptions,
) -> Result<(), WebhookError> {
    require_secret(secret)?;
    let ts_text = required(headers, TIMESTAMP)?;
    let signature = required(headers, SIGNATURE)?;
    let ts = parse_timestamp(TIMESTAMP, ts_text)?;
    check_timestamp(ts, options)?;
    let given = signature
        .strip_prefix("v0=")
        .ok_or_else(|| WebhookError::invalid_header(SIGNATURE, "does not start with `v0=`"))?;
    let expected = hmac_sha256_hex(
        secret.as_bytes(),
        &[b"v0:", ts_text.as_bytes(), b":", payload],
    );
    if ct_eq(&expected, given) {
        Ok(())
    } else {
        Err(WebhookError::mismatch(secret.as_bytes()))
    }
}
