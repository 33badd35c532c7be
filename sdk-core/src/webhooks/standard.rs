//! Standard Webhooks (standardwebhooks.com): CallWaitingAI's own webhooks, and Svix's.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose::STANDARD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use hmac::Mac;

use super::headers::required;
use super::{
    ErrorKind, Event, Headers, ReplayGuard, VerifyOptions, WebhookError, check_timestamp,
    parse_timestamp,
};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Base64 that accepts input with or without padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Clone)]
enum Key {
    /// `whsec_…`: HMAC-SHA256, signatures `v1,…`.
    Hmac(Vec<u8>),
    /// `whpk_…`: an Ed25519 public key, verifies `v1a,…`.
    Public(VerifyingKey),
    /// `whsk_…`: an Ed25519 private key, signs and verifies `v1a,…`.
    Private(Box<SigningKey>),
}

/// A Standard Webhooks verifier (and signer) for one secret.
///
/// Secrets: `whsec_<base64>` (HMAC-SHA256; the prefix is optional), `whpk_<base64>` (an Ed25519
/// public key: verifies `v1a` signatures) or `whsk_<base64>` (an Ed25519 private key: signs and
/// verifies `v1a`). `Debug` never shows the secret.
#[derive(Clone)]
pub struct Webhook {
    key: Key,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.key {
            Key::Hmac(_) => "whsec",
            Key::Public(_) => "whpk",
            Key::Private(_) => "whsk",
        };
        f.debug_struct("Webhook")
            .field("key", &format_args!("{kind}_[redacted]"))
            .finish()
    }
}

fn invalid_secret(why: &str) -> WebhookError {
    WebhookError::new(ErrorKind::InvalidSecret, why)
}

fn decode_key(b64: &str, what: &str) -> Result<Vec<u8>, WebhookError> {
    if b64.trim() != b64 {
        return Err(invalid_secret(&format!(
            "the {what} has surrounding whitespace; copy it exactly"
        )));
    }
    if b64.is_empty() {
        return Err(invalid_secret(&format!("the {what} is empty")));
    }
    LENIENT
        .decode(b64)
        .map_err(|_| invalid_secret(&format!("the {what} is not valid base64")))
}

impl Webhook {
    /// Parses a secret: `whsec_…` (or bare base64), `whpk_…` or `whsk_…`.
    ///
    /// An empty or undecodable secret is `invalid_secret`.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let key = if let Some(rest) = secret.strip_prefix("whpk_") {
            let bytes: [u8; 32] = decode_key(rest, "public key")?
                .try_into()
                .map_err(|_| invalid_secret("an Ed25519 public key is 32 bytes"))?;
            Key::Public(
                VerifyingKey::from_bytes(&bytes)
                    .map_err(|_| invalid_secret("not a valid Ed25519 public key"))?,
            )
        } else if let Some(rest) = secret.strip_prefix("whsk_") {
            let bytes = decode_key(rest, "private key")?;
            // 32 bytes of seed, or 64 (seed followed by the public key).
            let seed: [u8; 32] = bytes
                .get(..32)
                .filter(|_| bytes.len() == 32 || bytes.len() == 64)
                .and_then(|s| s.try_into().ok())
                .ok_or_else(|| invalid_secret("an Ed25519 private key is 32 or 64 bytes"))?;
            Key::Private(Box::new(SigningKey::from_bytes(&seed)))
        } else {
            let rest = secret.strip_prefix("whsec_").unwrap_or(secret);
            Key::Hmac(decode_key(rest, "secret")?)
        };
        Ok(Self { key })
    }

    /// Verifies `payload` and returns the event as JSON, with the default options (tolerance
    /// 300 s, the system clock).
    pub fn verify<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<serde_json::Value, WebhookError> {
        self.verify_with(payload, headers, &VerifyOptions::new())
    }

    /// Verifies `payload` and returns the event as JSON, exactly as sent.
    ///
    /// A body that verifies but is not JSON is `invalid_payload`.
    pub fn verify_with<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        options: &VerifyOptions,
    ) -> Result<serde_json::Value, WebhookError> {
        self.verify_signature(payload, headers, options)?;
        serde_json::from_slice(payload).map_err(|e| {
            WebhookError::new(
                ErrorKind::InvalidPayload,
                format!("the signature is valid but the body is not JSON: {e}"),
            )
        })
    }

    /// Verifies `payload` and types it: one [`Event`] variant per event type, or
    /// [`Event::Unknown`] for a type added after this version of the SDK (never an error).
    ///
    /// A known type whose body does not decode is `invalid_payload`, naming the field.
    ///
    /// ```
    /// use callwaitingai::webhooks::{Event, VerifyOptions, Webhook};
    ///
    /// let wh = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let body = br#"{"type":"webhook.test","timestamp":"2026-11-01T09:30:00Z",
    ///     "data":{"webhookEndpointId":"we_1","message":"Hello from CallWaitingAI"}}"#;
    /// let headers = [
    ///     ("webhook-id", "msg_1"),
    ///     ("webhook-timestamp", "1793000000"),
    ///     ("webhook-signature", &wh.sign("msg_1", 1_793_000_000, body)),
    /// ];
    /// match wh.verify_event_with(body, &headers, &VerifyOptions::new().now(1_793_000_000))? {
    ///     Event::WebhookTest(e) => assert_eq!(e.data.webhook_endpoint_id, "we_1"),
    ///     Event::LeadCreated(e) => println!("new lead {}", e.data.name),
    ///     other => println!("{} (not handled)", other.event_type()),
    /// }
    /// # Ok::<(), callwaitingai::webhooks::WebhookError>(())
    /// ```
    pub fn verify_event<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<Event, WebhookError> {
        self.verify_event_with(payload, headers, &VerifyOptions::new())
    }

    /// [`verify_event`](Self::verify_event) with options (the clock, the tolerance).
    pub fn verify_event_with<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        options: &VerifyOptions,
    ) -> Result<Event, WebhookError> {
        super::event::parse(self.verify_with(payload, headers, options)?)
    }

    /// Like [`verify_with`](Self::verify_with), and also rejects a message id that `guard` has
    /// seen before (`replayed`). Ids are remembered until the timestamp leaves the tolerance.
    pub fn verify_once<H: Headers + ?Sized, G: ReplayGuard + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        options: &VerifyOptions,
        guard: &G,
    ) -> Result<serde_json::Value, WebhookError> {
        let event = self.verify_with(payload, headers, options)?;
        let parts = Parts::read(headers)?;
        let ts = parse_timestamp(parts.timestamp_name, parts.timestamp)?;
        let tolerance = i64::try_from(options.get_tolerance_secs()).unwrap_or(i64::MAX);
        if !guard.first_time(parts.id, options.get_now(), ts.saturating_add(tolerance)) {
            return Err(WebhookError::new(
                ErrorKind::Replayed,
                format!("message {} was already verified once", parts.id),
            ));
        }
        Ok(event)
    }

    /// Checks the headers and the signature without parsing the body: for bindings that parse
    /// the verified body with their host's own JSON parser (and report `invalid_payload`
    /// when it fails). [`verify_with`](Self::verify_with) is this plus the JSON parse.
    pub fn verify_signature<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        options: &VerifyOptions,
    ) -> Result<(), WebhookError> {
        let parts = Parts::read(headers)?;
        let ts = parse_timestamp(parts.timestamp_name, parts.timestamp)?;
        check_timestamp(ts, options)?;
        let content = [
            parts.id.as_bytes(),
            b".",
            parts.timestamp.as_bytes(),
            b".",
            payload,
        ];
        let wanted_version = match self.key {
            Key::Hmac(_) => "v1",
            Key::Public(_) | Key::Private(_) => "v1a",
        };
        let hmac = match &self.key {
            Key::Hmac(k) => {
                // HMAC accepts keys of any length.
                let mut mac = HmacSha256::new_from_slice(k)
                    .map_err(|_| invalid_secret("the secret cannot key HMAC-SHA256"))?;
                for c in content {
                    mac.update(c);
                }
                Some(mac)
            }
            _ => None,
        };
        let verifying = match &self.key {
            Key::Public(k) => Some(*k),
            Key::Private(k) => Some(k.verifying_key()),
            Key::Hmac(_) => None,
        };
        let mut signed = Vec::new();
        if verifying.is_some() {
            signed = content.concat();
        }
        let mut buf = [0u8; 64];
        for entry in parts.signature.split(' ') {
            let Some((version, sig)) = entry.split_once(',') else {
                continue;
            };
            if version != wanted_version {
                continue;
            }
            // Signatures are 32 (HMAC) or 64 (Ed25519) bytes; longer input cannot match.
            let Ok(n) = STANDARD.decode_slice(sig, &mut buf) else {
                continue;
            };
            let sig = &buf[..n];
            let matched = match (&hmac, verifying) {
                (Some(mac), _) => mac.clone().verify_slice(sig).is_ok(),
                (None, Some(key)) => {
                    Signature::from_slice(sig).is_ok_and(|sig| key.verify(&signed, &sig).is_ok())
                }
                (None, None) => false,
            };
            if matched {
                return Ok(());
            }
        }
        Err(WebhookError::mismatch(b""))
    }

    /// Signs `payload` as message `msg_id` sent at `timestamp` (unix seconds): `v1,<base64>`
    /// for an HMAC secret, `v1a,<base64>` for an Ed25519 private key. A public key cannot sign:
    /// it gives an empty string (see [`try_sign`](Self::try_sign)).
    pub fn sign(&self, msg_id: &str, timestamp: i64, payload: &[u8]) -> String {
        self.try_sign(msg_id, timestamp, payload)
            .unwrap_or_default()
    }

    /// Like [`sign`](Self::sign), but a public key is an `invalid_secret` error.
    pub fn try_sign(
        &self,
        msg_id: &str,
        timestamp: i64,
        payload: &[u8],
    ) -> Result<String, WebhookError> {
        let ts = timestamp.to_string();
        let content = [msg_id.as_bytes(), b".", ts.as_bytes(), b".", payload];
        match &self.key {
            Key::Hmac(k) => {
                let mut mac = HmacSha256::new_from_slice(k)
                    .map_err(|_| invalid_secret("the secret cannot key HMAC-SHA256"))?;
                for c in content {
                    mac.update(c);
                }
                Ok(format!(
                    "v1,{}",
                    STANDARD.encode(mac.finalize().into_bytes())
                ))
            }
            Key::Private(k) => Ok(format!(
                "v1a,{}",
                STANDARD.encode(k.sign(&content.concat()).to_bytes())
            )),
            Key::Public(_) => Err(invalid_secret(
                "a whpk_ public key can verify but not sign; sign with the whsk_ private key",
            )),
        }
    }

    /// For an Ed25519 private key, its public key as `whpk_<base64>`.
    pub fn public_key(&self) -> Option<String> {
        match &self.key {
            Key::Private(k) => Some(format!(
                "whpk_{}",
                STANDARD.encode(k.verifying_key().as_bytes())
            )),
            Key::Public(k) => Some(format!("whpk_{}", STANDARD.encode(k.as_bytes()))),
            Key::Hmac(_) => None,
        }
    }
}

/// The three headers, each taken from `svix-*` when present, else `webhook-*`.
struct Parts<'a> {
    id: &'a str,
    timestamp: &'a str,
    timestamp_name: &'static str,
    signature: &'a str,
}

impl<'a> Parts<'a> {
    fn read<H: Headers + ?Sized>(headers: &'a H) -> Result<Self, WebhookError> {
        fn pick<'h, H: Headers + ?Sized>(
            headers: &'h H,
            svix: &'static str,
            standard: &'static str,
        ) -> Result<(&'h str, &'static str), WebhookError> {
            match headers.header(svix) {
                Some(v) if !v.is_empty() => Ok((v, svix)),
                _ => required(headers, standard).map(|v| (v, standard)),
            }
        }
        let (id, _) = pick(headers, "svix-id", "webhook-id")?;
        let (timestamp, timestamp_name) = pick(headers, "svix-timestamp", "webhook-timestamp")?;
        let (signature, _) = pick(headers, "svix-signature", "webhook-signature")?;
        Ok(Self {
            id,
            timestamp,
            timestamp_name,
            signature,
        })
    }
}
