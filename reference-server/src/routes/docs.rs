//! The developer portal and the spec, served without a key: `GET /docs` (the API reference,
//! guides and code samples, with try-it against this server), `GET /openapi.yaml` and
//! `GET /openapi.json` (with this server first in `servers`, so that a client generated from it,
//! or the try-it console, calls it). All compiled in: the spec copies `cargo xtask codegen` keeps
//! in this crate (with the portal's samples and guides), the page's template, and the renderer
//! (`@scalar/api-reference`, vendored in `assets/scalar`), so the portal works offline.

use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const YAML: &str = include_str!("../openapi.yaml");
const JSON: &str = include_str!("../openapi.json");
/// The portal page's template, shared with `cargo xtask docs`.
pub const PORTAL_TEMPLATE: &str = include_str!("../docs.html");
const SCALAR: &str = include_str!("../../assets/scalar/standalone.js");

/// `GET /docs`: the developer portal.
pub async fn portal() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let page = PAGE.get_or_init(|| {
        PORTAL_TEMPLATE
            .replace(
                "<!-- scalar -->",
                r#"<script src="/docs/scalar.js"></script>"#,
            )
            .replace("/* source */", "url: '/openapi.json',")
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        page.as_str(),
    )
        .into_response()
}

/// `GET /docs/scalar.js`: the portal's renderer.
pub async fn scalar() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        SCALAR,
    )
        .into_response()
}

/// `GET /openapi.yaml`.
pub async fn openapi_yaml() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        YAML,
    )
        .into_response()
}

/// `GET /openapi.json`: the spec with `http(s)://<Host>/api/v1` as its first server.
pub async fn openapi_json(headers: HeaderMap) -> Response {
    static SPEC: OnceLock<Value> = OnceLock::new();
    let mut spec = SPEC
        .get_or_init(|| serde_json::from_str(JSON).unwrap_or(Value::Null))
        .clone();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', '\\', '@', ' ']));
    if let (Some(host), Some(servers)) =
        (host, spec.get_mut("servers").and_then(Value::as_array_mut))
    {
        let https = headers
            .get("x-forwarded-proto")
            .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
        let url = format!("{}://{host}/api/v1", if https { "https" } else { "http" });
        servers.retain(|s| s["url"] != url.as_str());
        servers.insert(
            0,
            json!({"url": url, "description": "This reference server."}),
        );
    }
    axum::Json(spec).into_response()
}
