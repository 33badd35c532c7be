//! Verification of signed webhooks: ours (Standard Webhooks) and the providers' our customers
//! also receive (Stripe, Calendly, GitHub, Meta/WhatsApp, Twilio, Slack).
//!
//! Everything here is synchronous, allocation-light and needs no network; it behaves the same on
//! native targets and `wasm32-unknown-unknown`, and the Python, Node and browser SDKs expose it
//! unchanged.
//!
//! Our own webhooks:
//!
//! ```
//! use callwaitingai::webhooks::{VerifyOptions, Webhook};
//!
//! let wh = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let body = br#"{"type":"lead.created","timestamp":"2026-11-01T09:30:00Z","data":{}}"#;
//! let signature = wh.sign("msg_1", 1_793_000_000, body);
//! let headers = [
//!     ("webhook-id", "msg_1"),
//!     ("webhook-timestamp", "1793000000"),
//!     ("webhook-signature", signature.as_str()),
//! ];
//! let event = wh.verify_with(body, &headers, &VerifyOptions::new().now(1_793_000_000))?;
//! assert_eq!(event["type"], "lead.created");
//! # Ok::<(), callwaitingai::webhooks::WebhookError>(())
//! ```
//!
//! Another provider's:
//!
//! ```
//! use callwaitingai::webhooks::{verify, Provider, VerifyOptions};
//!
//! let body = b"Hello, World!";
//! let headers = [(
//!     "X-Hub-Signature-256",
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
//! )];
//! verify(Provider::Github, body, &headers, "It's a Secret to Everybody", &VerifyOptions::new())?;
//! # Ok::<(), callwaitingai::webhooks::WebhookError>(())
//! ```

mod error;
pub mod event;
mod headers;
mod hub;
mod provider_event;
mod replay;
mod sign;
mod slack;
mod standard;
mod stripe;
mod twilio;

use std::fmt;
use std::str::FromStr;

pub use error::{ErrorKind, WebhookError};
pub use event::Event;
pub use headers::Headers;
pub use hub::meta_subscription_challenge;
pub use provider_event::{Parsed, ProviderEvent, parse as parse_provider_event, verify_event};
pub use replay::{InMemoryReplayGuard, ReplayGuard};
pub use sign::{SignOptions, sign_request};
pub use standard::Webhook;

/// The default tolerance between a webhook's timestamp and now, both ways: 5 minutes.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Who sent the webhook, which decides how it is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Standard Webhooks: CallWaitingAI's own webhooks, Svix, and anyone following the spec.
    Standard,
    /// Stripe (`Stripe-Signature`).
    Stripe,
    /// Calendly (`Calendly-Webhook-Signature`), signed like Stripe.
    Calendly,
    /// GitHub (`X-Hub-Signature-256`).
    Github,
    /// Meta: WhatsApp Cloud API, Facebook, Instagram (`X-Hub-Signature-256`).
    Meta,
    /// Twilio (`X-Twilio-Signature`); needs [`VerifyOptions::url`].
    Twilio,
    /// Slack (`X-Slack-Signature`, `X-Slack-Request-Timestamp`).
    Slack,
}

impl Provider {
    /// Every provider.
    pub const ALL: &'static [Provider] = &[
        Provider::Standard,
        Provider::Stripe,
        Provider::Calendly,
        Provider::Github,
        Provider::Meta,
        Provider::Twilio,
        Provider::Slack,
    ];

    /// The provider's name as the SDKs spell it: `standard`, `stripe`, `calendly`, `github`,
    /// `meta`, `twilio`, `slack`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Provider::Standard => "standard",
            Provider::Stripe => "stripe",
            Provider::Calendly => "calendly",
            Provider::Github => "github",
            Provider::Meta => "meta",
            Provider::Twilio => "twilio",
            Provider::Slack => "slack",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is not one of [`Provider::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown webhook provider {0:?}; expected one of standard, stripe, calendly, github, meta, twilio, slack"
)]
pub struct UnknownProvider(pub String);

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// Parses a name of [`Provider::as_str`], in any case. `svix` is an alias of `standard`;
    /// `whatsapp`, `facebook` and `instagram` are aliases of `meta`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "standard" | "standardwebhooks" | "svix" => Provider::Standard,
            "stripe" => Provider::Stripe,
            "calendly" => Provider::Calendly,
            "github" => Provider::Github,
            "meta" | "whatsapp" | "facebook" | "instagram" => Provider::Meta,
            "twilio" => Provider::Twilio,
            "slack" => Provider::Slack,
            _ => return Err(UnknownProvider(s.to_string())),
        })
    }
}

/// Options of a verification: the clock, the tolerance, and (Twilio) the public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    url: Option<String>,
    tolerance_secs: u64,
    now: Option<i64>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl VerifyOptions {
    /// Tolerance 300 s, the system clock, no URL.
    pub fn new() -> Self {
        Self {
            url: None,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            now: None,
        }
    }

    /// The full public URL the provider called (Twilio signs it), query string included.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// How far, in seconds, the timestamp may be from now, either way. Exactly this far passes.
    #[must_use]
    pub fn tolerance_secs(mut self, secs: u64) -> Self {
        self.tolerance_secs = secs;
        self
    }

    /// Verify as if now were this unix time (for example, to verify a queued event later).
    #[must_use]
    pub fn now(mut self, unix_secs: i64) -> Self {
        self.now = Some(unix_secs);
        self
    }

    /// The URL, if set.
    pub fn get_url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The tolerance in seconds.
    pub fn get_tolerance_secs(&self) -> u64 {
        self.tolerance_secs
    }

    /// The unix time verification uses: the one set, else the system clock.
    pub fn get_now(&self) -> i64 {
        self.now.unwrap_or_else(now_unix)
    }
}

/// The system clock in unix seconds (via `Date.now()` on `wasm32-unknown-unknown`).
pub(crate) fn now_unix() -> i64 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Parses a timestamp header: plain decimal digits, no sign, no fraction, no overflow.
pub(crate) fn parse_timestamp(header: &str, value: &str) -> Result<i64, WebhookError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::invalid_header(
            header,
            "is not a plain decimal unix timestamp",
        ));
    }
    value
        .parse::<i64>()
        .map_err(|_| WebhookError::invalid_header(header, "is out of range"))
}

/// Checks `ts` against now, both ways; exactly `tolerance` passes.
pub(crate) fn check_timestamp(ts: i64, options: &VerifyOptions) -> Result<(), WebhookError> {
    let now = i128::from(options.get_now());
    let tol = i128::from(options.tolerance_secs);
    let ts = i128::from(ts);
    if now - ts > tol {
        return Err(WebhookError::new(
            ErrorKind::TimestampTooOld,
            format!(
                "the timestamp is {}s old, more than the {tol}s tolerance: a replay, a delayed \
                 delivery, or a wrong clock",
                now - ts
            ),
        ));
    }
    if ts - now > tol {
        return Err(WebhookError::new(
            ErrorKind::TimestampTooNew,
            format!(
                "the timestamp is {}s in the future, more than the {tol}s tolerance: check this \
                 machine's clock",
                ts - now
            ),
        ));
    }
    Ok(())
}

/// Verifies a webhook from `provider`: the raw `payload` exactly as received, its `headers`, and
/// the `secret` the provider gave you (for Twilio, the auth token).
///
/// Fails with a [`WebhookError`] whose [`kind`](WebhookError::kind) says why. For our own
/// webhooks, [`Webhook::verify`] also returns the parsed event.
pub fn verify<H: Headers + ?Sized>(
    provider: Provider,
    payload: &[u8],
    headers: &H,
    secret: &str,
    options: &VerifyOptions,
) -> Result<(), WebhookError> {
    match provider {
        Provider::Standard => Webhook::new(secret)?.verify_signature(payload, headers, options),
        Provider::Stripe => stripe::verify("Stripe-Signature", payload, headers, secret, options),
        Provider::Calendly => stripe::verify(
            "Calendly-Webhook-Signature",
            payload,
            headers,
            secret,
            options,
        ),
        Provider::Github | Provider::Meta => hub::verify(payload, headers, secret),
        Provider::Twilio => twilio::verify(payload, headers, secret, options),
        Provider::Slack => slack::verify(payload, headers, secret, options),
    }
}

/// An HMAC secret must not be empty.
pub(crate) fn require_secret(secret: &str) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::new(
            ErrorKind::InvalidSecret,
            "the secret is empty",
        ));
    }
    Ok(())
}

/// Lowercase hex HMAC-SHA256.
pub(crate) fn hmac_sha256_hex(key: &[u8], parts: &[&[u8]]) -> String {
    use hmac::Mac;
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    for p in parts {
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time equality of two strings (their lengths are not secret).
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
