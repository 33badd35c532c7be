//! `/leads`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use callwaitingai::models::{LeadCreateParams, LeadUpdateParams};
use serde_json::{Value, json};

use super::json_body;
use crate::AppState;
use crate::error::ApiError;
use crate::store::keys::Principal;
use crate::store::{leads, list};

type Q = Query<HashMap<String, String>>;

pub async fn list(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:leads")?;
    let query = list::parse(&q, leads::SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| leads::list(c, &p.org_id, &query, &q))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn create(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require("write:leads")?;
    let params: LeadCreateParams = json_body(&body)?;
    let lead = s
        .store
        .run(move |c| leads::create(c, &p.org_id, &params))
        .await?;
    Ok((StatusCode::CREATED, Json(leads::to_json(&lead)?)))
}

pub async fn retrieve(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:leads")?;
    let lead = s.store.run(move |c| leads::get(c, &p.org_id, &id)).await?;
    Ok(Json(list::project(
        leads::to_json(&lead)?,
        list::fields_param(&q).as_deref(),
    )))
}

pub async fn update(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    p.require("write:leads")?;
    let params: LeadUpdateParams = json_body(&body)?;
    let (_, lead) = s
        .store
        .run(move |c| leads::update(c, &p.org_id, &id, &params))
        .await?;
    Ok(Json(leads::to_json(&lead)?))
}

pub async fn delete(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    p.require("write:leads")?;
    let deleted = id.clone();
    s.store
        .run(move |c| leads::delete(c, &p.org_id, &id))
        .await?;
    Ok(Json(json!({ "id": deleted, "deleted": true })))
}
