//! The tables of the error contract, self-contained so that `cargo xtask codegen` includes this
//! very file (`#[path]`) to write the classes of every language, without building the core.

/// One error class of the Python and JavaScript SDKs.
#[derive(Debug, Clone, Copy)]
pub struct ErrorClass {
    /// The class name, the same in every language (`NotFoundError`).
    pub name: &'static str,
    /// The class it extends; `None` for the root, which extends the language's `Exception` /
    /// `Error`.
    pub parent: Option<&'static str>,
    /// The language's own class it also is: `TypeError` for invalid input, so that the idiom of
    /// each language (`except TypeError`, `instanceof TypeError`) catches a bad argument.
    pub also: Option<&'static str>,
    /// When it is raised, for humans.
    pub doc: &'static str,
}

/// Every error class, parents before children.
pub const ERROR_CLASSES: &[ErrorClass] = &[
    class(
        "CallWaitingAIError",
        None,
        "Every error of the SDK: catch it to catch them all.",
    ),
    class(
        "APIError",
        Some("CallWaitingAIError"),
        "The API answered with an error status (one without a class of its own).",
    ),
    class(
        "BadRequestError",
        Some("APIError"),
        "400: the request is malformed.",
    ),
    class(
        "AuthenticationError",
        Some("APIError"),
        "401: missing, unknown, expired or revoked credentials.",
    ),
    class(
        "PermissionDeniedError",
        Some("APIError"),
        "403: the credentials lack a scope.",
    ),
    class(
        "NotFoundError",
        Some("APIError"),
        "404: no such object in your organisation.",
    ),
    class(
        "ConflictError",
        Some("APIError"),
        "409: an idempotency-key conflict.",
    ),
    class(
        "UnprocessableEntityError",
        Some("APIError"),
        "422: a value is not acceptable.",
    ),
    class(
        "RateLimitError",
        Some("APIError"),
        "429: too many requests.",
    ),
    class(
        "InternalServerError",
        Some("APIError"),
        "5xx: the server failed.",
    ),
    class(
        "APIResponseValidationError",
        Some("APIError"),
        "The API answered, but the body is not what the operation returns (or is larger than \
         the client's max_response_bytes).",
    ),
    class(
        "APIConnectionError",
        Some("CallWaitingAIError"),
        "No response: the connection failed.",
    ),
    class(
        "APITimeoutError",
        Some("APIConnectionError"),
        "No response within the timeout or the deadline.",
    ),
    class(
        "APIUserAbortError",
        Some("APIConnectionError"),
        "The caller aborted the call (an AbortSignal, a cancelled task): no response, no retry.",
    ),
    ErrorClass {
        also: Some("TypeError"),
        ..class(
            "InvalidRequestError",
            Some("CallWaitingAIError"),
            "Nothing was sent: an argument or option is invalid (no API key, a bad timeout, an \
             empty id, an unknown webhook provider…).",
        )
    },
    class(
        "WebhookVerificationError",
        Some("CallWaitingAIError"),
        "A webhook failed verification; `kind` says why.",
    ),
];

const fn class(name: &'static str, parent: Option<&'static str>, doc: &'static str) -> ErrorClass {
    ErrorClass {
        name,
        parent,
        also: None,
        doc: for_codegen(doc),
    }
}

/// Text only code generation reads (docs, the other languages' types): empty in the browser
/// module, which never needs it (size).
const fn for_codegen(text: &'static str) -> &'static str {
    if cfg!(target_arch = "wasm32") {
        ""
    } else {
        text
    }
}

/// The class of every webhook failure.
pub const WEBHOOK_ERROR_CLASS: &str = "WebhookVerificationError";

/// A binding's spelling of names and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// snake_case names, seconds.
    Python,
    /// camelCase names, milliseconds.
    JavaScript,
}

/// One attribute every error carries (absent values are `None` / `undefined`).
#[derive(Debug, Clone, Copy)]
pub struct ErrorField {
    /// The Python attribute.
    pub python: &'static str,
    /// The JavaScript property.
    pub javascript: &'static str,
    /// The Python type of the attribute.
    pub python_type: &'static str,
    /// The TypeScript type of the property.
    pub typescript_type: &'static str,
    /// What it holds.
    pub doc: &'static str,
}

impl ErrorField {
    /// The name in `style`.
    pub fn name(&self, style: Style) -> &'static str {
        match style {
            Style::Python => self.python,
            Style::JavaScript => self.javascript,
        }
    }
}

/// The attributes of every error, in the order the bindings receive them.
pub const ERROR_FIELDS: &[ErrorField] = &[
    field(
        "kind",
        "kind",
        "str",
        "string",
        "The failure as a stable name: `invalid_input`, `connection`, `timeout`, `api`, \
         `decode`, `response_too_large`, or a webhook kind (`invalid_signature`…).",
    ),
    field(
        "status_code",
        "status",
        "int | None",
        "number | undefined",
        "The HTTP status, when the API answered.",
    ),
    field(
        "code",
        "code",
        "str | None",
        "string | undefined",
        "The API's error code (`NOT_FOUND`…), when it answered with an error.",
    ),
    field(
        "message",
        "message",
        "str",
        "string",
        "What went wrong, for humans (the API's message is cut to 1000 characters).",
    ),
    field(
        "request_id",
        "requestId",
        "str | None",
        "string | undefined",
        "The request's id (`X-Request-Id`), when the API answered.",
    ),
    field(
        "headers",
        "headers",
        "dict[str, str]",
        "Record<string, string>",
        "The response headers of an error answer (empty otherwise).",
    ),
    field(
        "data",
        "data",
        "Any",
        "unknown",
        "Details that depend on the code (for example `{\"field\": \"email\"}`).",
    ),
    field(
        "retry_after",
        "retryAfter",
        "float | None",
        "number | undefined",
        "Seconds the API asked to wait (`retry-after-ms` or `Retry-After`).",
    ),
    field(
        "body",
        "body",
        "str | None",
        "string | undefined",
        "The raw error body.",
    ),
];

const fn field(
    python: &'static str,
    javascript: &'static str,
    python_type: &'static str,
    typescript_type: &'static str,
    doc: &'static str,
) -> ErrorField {
    ErrorField {
        python,
        javascript,
        python_type: for_codegen(python_type),
        typescript_type: for_codegen(typescript_type),
        doc: for_codegen(doc),
    }
}
