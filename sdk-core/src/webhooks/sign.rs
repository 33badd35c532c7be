//! Signing requests as each provider would: for customers' own tests of their webhook handlers.

use super::{
    ErrorKind, Provider, Webhook, WebhookError, hmac_sha256_hex, now_unix, require_secret, twilio,
};

/// What [`sign_request`] needs beyond the body and the secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOptions {
    /// Unix seconds of the signature (default: now).
    pub timestamp: Option<i64>,
    /// Standard Webhooks message id (default: `msg_` and the body's hash).
    pub msg_id: Option<String>,
    /// Twilio: the full public URL the request is sent to (required).
    pub url: Option<String>,
}

/// The headers `provider` would send with `payload`, signed with `secret`, as `(name, value)`
/// pairs that every verifier here accepts.
///
/// ```
/// use callwaitingai::webhooks::{sign_request, verify, Provider, SignOptions, VerifyOptions};
///
/// let body = br#"{"id":"evt_1"}"#;
/// let headers = sign_request(Provider::Stripe, body, "whsec_test", &SignOptions::default())?;
/// verify(Provider::Stripe, body, &headers, "whsec_test", &VerifyOptions::new())?;
/// # Ok::<(), callwaitingai::webhooks::WebhookError>(())
/// ```
pub fn sign_request(
    provider: Provider,
    payload: &[u8],
    secret: &str,
    options: &SignOptions,
) -> Result<Vec<(String, String)>, WebhookError> {
    let ts = options.timestamp.unwrap_or_else(now_unix);
    let t = ts.to_string();
    let pair = |k: &str, v: String| (k.to_string(), v);
    Ok(match provider {
        Provider::Standard => {
            let id = options.msg_id.clone().unwrap_or_else(|| {
                let digest = hmac_sha256_hex(t.as_bytes(), &[payload]);
                format!("msg_{}", &digest[..24.min(digest.len())])
            });
            let sig = Webhook::new(secret)?.try_sign(&id, ts, payload)?;
            vec![
                pair("webhook-id", id),
                pair("webhook-timestamp", t),
                pair("webhook-signature", sig),
            ]
        }
        Provider::Stripe | Provider::Calendly => {
            require_secret(secret)?;
            let v1 = hmac_sha256_hex(secret.as_bytes(), &[t.as_bytes(), b".", payload]);
            let name = if provider == Provider::Stripe {
                "Stripe-Signature"
            } else {
                "Calendly-Webhook-Signature"
            };
            vec![pair(name, format!("t={t},v1={v1}"))]
        }
        Provider::Github | Provider::Meta => {
            require_secret(secret)?;
            let sig = hmac_sha256_hex(secret.as_bytes(), &[payload]);
            vec![pair("X-Hub-Signature-256", format!("sha256={sig}"))]
        }
        Provider::Slack => {
            require_secret(secret)?;
            let sig = hmac_sha256_hex(secret.as_bytes(), &[b"v0:", t.as_bytes(), b":", payload]);
            vec![
                pair("X-Slack-Request-Timestamp", t),
                pair("X-Slack-Signature", format!("v0={sig}")),
            ]
        }
        Provider::Twilio => {
            require_secret(secret)?;
            let url = options.url.as_deref().ok_or_else(|| {
                WebhookError::new(ErrorKind::InvalidHeader, "Twilio signs the URL: set `url`")
            })?;
            let data = if url.contains("bodySHA256=") {
                String::new()
            } else {
                twilio::form_data(payload)
            };
            vec![pair(
                "X-Twilio-Signature",
                twilio::signature(secret, url, &data),
            )]
        }
    })
}
