//! `/api-keys` (scope `admin`).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use callwaitingai::models::ApiKeyCreateParams;
use serde_json::Value;

use axum::response::Response;

use super::{Idempotency, json_body, respond, value};
use crate::AppState;
use crate::error::ApiError;
use crate::store::keys::{self, Principal};
use crate::store::list;

pub async fn list(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    p.require("admin")?;
    let query = list::parse(&q, keys::SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| keys::list(c, &p.org_id, &query, &q))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn create(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("admin")?;
    let params: ApiKeyCreateParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 201, move |tx| {
            value(&keys::create(tx, &p.org_id, &params)?)
        })
        .await?;
    Ok(respond(w))
}

pub async fn revoke(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("admin")?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            value(&keys::revoke(tx, &p.org_id, &id)?)
        })
        .await?;
    Ok(respond(w))
}

pub async fn rotate(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("admin")?;
    let w = s
        .store
        .write(idem.0, 200, move |tx| {
            value(&keys::rotate(tx, &p.org_id, &id)?)
        })
        .await?;
    Ok(respond(w))
}
