//! The client's error type.

use std::fmt;

/// Why a call failed. Match on the variant for the failure class, or use the accessors that
/// work on any variant ([`status`](Error::status), [`code`](Error::code),
/// [`request_id`](Error::request_id), [`is_retryable`](Error::is_retryable)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call was not sent: a bad argument or configuration (no API key, a malformed base URL,
    /// an empty id…).
    #[error("invalid request: {0}")]
    InvalidInput(String),
    /// No response: the connection failed or dropped.
    #[error("connection error: {message}")]
    Connection {
        /// What failed.
        message: String,
        /// Whether sending again may help: false for a browser's refusal (CORS, a blocked
        /// URL), which would be refused again.
        retryable: bool,
    },
    /// No response within the timeout (per attempt) or the overall deadline.
    #[error("request timed out: {message}")]
    Timeout {
        /// Which limit was hit.
        message: String,
    },
    /// The caller aborted the call (a JS `AbortSignal`, a cancelled Python task): nothing more
    /// was sent, and no retry follows.
    #[error("request aborted: {message}")]
    Aborted {
        /// Why.
        message: String,
    },
    /// The API answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The API answered, but the body is not what the operation returns.
    #[error("could not decode the response (status {status}): {message}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not match.
        message: String,
        /// The request's id, from `X-Request-Id`.
        request_id: Option<String>,
    },
    /// The response body passed the client's limit (`max_response_bytes`); it was not kept.
    #[error(
        "the response body (status {status}) is larger than the {limit}-byte limit; raise \
         max_response_bytes if it is expected"
    )]
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// The request's id, from `X-Request-Id`.
        request_id: Option<String>,
    },
}

/// An error answer from the API: its status, the decoded body and the response headers.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The machine-readable code (`NOT_FOUND`, `VALIDATION_FAILED`…).
    pub code: String,
    /// The message for humans.
    pub message: String,
    /// The request's id (`req_…`).
    pub request_id: Option<String>,
    /// Details that depend on the code (for example `{"field": "email"}`).
    pub data: Option<serde_json::Value>,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The raw response body ([`message`](Self::message) is cut to 1000 characters).
    pub body: Vec<u8>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Seconds to wait before retrying, from `retry-after-ms` or `Retry-After`.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::retry::retry_after(&self.headers)
    }
}

impl Error {
    /// The failure class as a stable name, for bindings that hand errors over as data:
    /// `invalid_input`, `connection`, `timeout`, `aborted`, `api`, `decode` or
    /// `response_too_large`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "invalid_input",
            Error::Connection { .. } => "connection",
            Error::Timeout { .. } => "timeout",
            Error::Aborted { .. } => "aborted",
            Error::Api(_) => "api",
            Error::Decode { .. } => "decode",
            Error::ResponseTooLarge { .. } => "response_too_large",
        }
    }

    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's error code (`NOT_FOUND`…), when the API answered with an error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.code),
            _ => None,
        }
    }

    /// The error message.
    pub fn message(&self) -> String {
        match self {
            Error::Api(e) => e.message.clone(),
            other => other.to_string(),
        }
    }

    /// The request's id (`X-Request-Id`), when the API answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The response headers, when the API answered with an error.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The API error, when the API answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again: connection errors, timeouts, 408,
    /// 429, 5xx, and a 409 that carries `Retry-After` (the same idempotency key in flight).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connection { retryable, .. } => *retryable,
            Error::Timeout { .. } => true,
            Error::Api(e) => crate::retry::retryable_status(e.status, &e.headers),
            Error::InvalidInput(_)
            | Error::Aborted { .. }
            | Error::Decode { .. }
            | Error::ResponseTooLarge { .. } => false,
        }
    }
}

/// The result of every call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
