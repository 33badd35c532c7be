//! `/leads`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use callwaitingai::models::{LeadCreateParams, LeadUpdateParams};
use serde_json::{Value, json};

use axum::response::Response;

use super::{Idempotency, json_body, respond, value};
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
    idem: Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:leads")?;
    let params: LeadCreateParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 201, move |tx| {
            value(&leads::create(tx, &p.org_id, &params)?)
        })
        .await?;
    Ok(respond(w))
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
) -> Result<Response, ApiError> {
    p.require("write:leads")?;
    let params: LeadUpdateParams = json_body(&body)?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            value(&leads::update(tx, &p.org_id, &id, &params)?.1)
        })
        .await?;
    Ok(respond(w))
}

pub async fn delete(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("write:leads")?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            leads::delete(tx, &p.org_id, &id)?;
            Ok(json!({ "id": id, "deleted": true }))
        })
        .await?;
    Ok(respond(w))
}
