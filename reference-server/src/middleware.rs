//! Request ids, error bodies, authentication and rate limits.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;
use crate::idempotency::Idem;
use crate::ratelimit::Quota;
use crate::store::Claim;
use crate::util::{new_id, unix_now};

/// Gives every response an `X-Request-Id` and renders [`ApiError`] bodies with it.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = new_id("req");
    let mut res = next.run(req).await;
    if let Some(err) = res.extensions_mut().remove::<ApiError>() {
        let headers = std::mem::take(res.headers_mut());
        let extensions = std::mem::take(res.extensions_mut());
        let status = res.status();
        res = (status, axum::Json(err.body(&id))).into_response();
        *res.extensions_mut() = extensions;
        for (name, value) in &headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                res.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer <API key> header"))?
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized("the Authorization header must be `Bearer <API key>`")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "the Authorization header must be `Bearer <API key>`",
        ));
    }
    Ok(token.trim())
}

fn quota_headers(res: &mut Response, q: &Quota) {
    let h = res.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(q.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(q.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(q.reset));
}

/// Authenticates the bearer key, applies its rate limit, and hands the principal to handlers.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let token = match bearer(req.headers()) {
        Ok(t) => t.to_string(),
        Err(e) => return e.into_response(),
    };
    // Three dot-separated parts: an access token from `POST /auth/login`; else an API key.
    // Either way the request is then counted against the principal's rate limit.
    let now = unix_now();
    let checked = if token.split('.').count() == 3 {
        match crate::store::users::authenticate_jwt(&state.jwt_key, &token) {
            Ok(p) => state
                .store
                .rate_limit(&p.key_id, now)
                .await
                .map(|quota| (p, quota)),
            Err(e) => Err(e),
        }
    } else {
        state.store.authenticate_key(token, now).await
    };
    let (principal, quota) = match checked {
        Ok(pq) => pq,
        Err(e) => return e.into_response(),
    };
    if !quota.allowed {
        let wait = u64::try_from((quota.reset - now).max(1)).unwrap_or(1);
        let mut res = ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            format!("rate limit of {} requests per minute exceeded", quota.limit),
        )
        .with_retry_after(wait)
        .into_response();
        quota_headers(&mut res, &quota);
        return res;
    }
    // Idempotency-Key on POST: fingerprint the request and keep one request per key in flight.
    let mut claim = None;
    if req.method() == Method::POST
        && let Some(key) = req.headers().get("idempotency-key")
    {
        // The spec's pattern: printable ASCII (no tab, which `to_str` would allow), at least
        // one character that is not a space, at most 255.
        let bytes = key.as_bytes();
        let valid = bytes.len() <= 255
            && bytes.iter().all(|b| (b' '..=b'~').contains(b))
            && bytes.iter().any(|b| *b != b' ');
        let key = match key.to_str() {
            Ok(k) if valid => k.to_string(),
            _ => {
                return ApiError::bad_request(
                    "Idempotency-Key must be 1 to 255 printable ASCII characters, not all spaces",
                )
                .into_response();
            }
        };
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(_) => {
                return ApiError::bad_request("the request body is too large or was cut off")
                    .into_response();
            }
        };
        let idem = Idem::new(
            &principal.org_id,
            &key,
            parts.method.as_str(),
            parts.uri.path(),
            &bytes,
        );
        let mut idem = idem;
        match state.store.claim(&idem).await {
            Ok(Claim::Held(guard)) => {
                idem.claim = guard.token().map(str::to_string);
                claim = Some(guard);
            }
            Ok(Claim::Answered) => {}
            Ok(Claim::Busy) => {
                let mut res = crate::store::in_progress().into_response();
                quota_headers(&mut res, &quota);
                return res;
            }
            Err(e) => return e.into_response(),
        }
        req = Request::from_parts(parts, Body::from(bytes));
        req.extensions_mut().insert(idem);
    }
    req.extensions_mut().insert(principal);
    let mut res = next.run(req).await;
    if let Some(claim) = claim
        && res.status().is_success()
    {
        // The response is stored under the key: nothing to release.
        claim.keep();
    }
    quota_headers(&mut res, &quota);
    res
}

/// The largest request body accepted (2 MiB, as axum's default).
const MAX_BODY: usize = 2 * 1024 * 1024;
