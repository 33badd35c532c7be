//! `/calls`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use callwaitingai::models::{CallCreateParams, CallTranscriptParams, CallUpdateParams};
use serde_json::Value;

use super::{json_body, to_json};
use crate::AppState;
use crate::error::ApiError;
use crate::store::keys::Principal;
use crate::store::{calls, list};

type Q = Query<HashMap<String, String>>;

pub async fn list(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:calls")?;
    let query = list::parse(&q, calls::SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| calls::list(c, &p.org_id, &query, &q))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn create(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require("write:calls")?;
    let params: CallCreateParams = json_body(&body)?;
    let call = s
        .store
        .run(move |c| calls::create(c, &p.org_id, &params))
        .await?;
    Ok((StatusCode::CREATED, to_json(&call)?))
}

pub async fn retrieve(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:calls")?;
    let call = s.store.run(move |c| calls::get(c, &p.org_id, &id)).await?;
    let Json(v) = to_json(&call)?;
    Ok(Json(list::project(v, list::fields_param(&q).as_deref())))
}

pub async fn update(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    p.require("write:calls")?;
    let params: CallUpdateParams = json_body(&body)?;
    let (_, call) = s
        .store
        .run(move |c| calls::update(c, &p.org_id, &id, &params))
        .await?;
    to_json(&call)
}

pub async fn add_transcript(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    p.require("write:calls")?;
    let params: CallTranscriptParams = json_body(&body)?;
    let call = s
        .store
        .run(move |c| calls::add_transcript(c, &p.org_id, &id, &params))
        .await?;
    to_json(&call)
}
