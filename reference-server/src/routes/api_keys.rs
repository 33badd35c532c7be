//! `/api-keys` (scope `admin`).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use callwaitingai::models::ApiKeyCreateParams;
use serde_json::Value;

use super::{json_body, to_json};
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
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require("admin")?;
    let params: ApiKeyCreateParams = json_body(&body)?;
    let key = s
        .store
        .run(move |c| keys::create(c, &p.org_id, &params))
        .await?;
    Ok((StatusCode::CREATED, to_json(&key)?))
}

pub async fn revoke(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    p.require("admin")?;
    let key = s
        .store
        .run(move |c| keys::revoke(c, &p.org_id, &id))
        .await?;
    to_json(&key)
}

pub async fn rotate(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    p.require("admin")?;
    let key = s
        .store
        .run(move |c| keys::rotate(c, &p.org_id, &id))
        .await?;
    to_json(&key)
}
