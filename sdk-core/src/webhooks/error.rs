//! The one error type of webhook verification.

use std::fmt;

/// Why a webhook was rejected. [`ErrorKind::as_str`] gives the same strings in every SDK language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A required header is missing or empty.
    MissingHeader,
    /// A header is present but malformed (a bad timestamp, a value without its prefix…).
    InvalidHeader,
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew,
    /// No signature matches.
    InvalidSignature,
    /// The secret is empty or malformed.
    InvalidSecret,
    /// The signature matches but the body is not JSON.
    InvalidPayload,
    /// A Meta subscription handshake did not check out.
    HandshakeFailed,
    /// The message was verified before (see [`super::ReplayGuard`]).
    Replayed,
}

impl ErrorKind {
    /// The kind's name: `missing_header`, `invalid_header`, `timestamp_too_old`,
    /// `timestamp_too_new`, `invalid_signature`, `invalid_secret`, `invalid_payload`,
    /// `handshake_failed`, `replayed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::MissingHeader => "missing_header",
            ErrorKind::InvalidHeader => "invalid_header",
            ErrorKind::TimestampTooOld => "timestamp_too_old",
            ErrorKind::TimestampTooNew => "timestamp_too_new",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::InvalidSecret => "invalid_secret",
            ErrorKind::InvalidPayload => "invalid_payload",
            ErrorKind::HandshakeFailed => "handshake_failed",
            ErrorKind::Replayed => "replayed",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A webhook that failed verification: its [`kind`](WebhookError::kind) and a message that says
/// what to check. Messages never contain the expected signature or the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct WebhookError {
    kind: ErrorKind,
    message: String,
}

impl WebhookError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Why the webhook was rejected.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What to check, for humans.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn missing(header: &str) -> Self {
        Self::new(
            ErrorKind::MissingHeader,
            format!("the `{header}` header is missing or empty"),
        )
    }

    pub(crate) fn invalid_header(header: &str, why: &str) -> Self {
        Self::new(
            ErrorKind::InvalidHeader,
            format!("the `{header}` header {why}"),
        )
    }

    pub(crate) fn mismatch(secret: &[u8]) -> Self {
        let mut message = String::from(
            "no signature matches: verify the raw request body exactly as received (not \
             re-serialised JSON) with the endpoint's current secret",
        );
        if secret.first().is_some_and(u8::is_ascii_whitespace)
            || secret.last().is_some_and(u8::is_ascii_whitespace)
        {
            message.push_str("; note that the secret has surrounding whitespace");
        }
        Self::new(ErrorKind::InvalidSignature, message)
    }
}
