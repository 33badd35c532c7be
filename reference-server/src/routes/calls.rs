//! `/calls`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use callwaitingai::models::{CallCreateParams, CallTranscriptParams, CallUpdateParams};
use serde_json::Value;

use axum::response::Response;

use super::{Idempotency, json_body, respond, to_json, value};
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
    idem: Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:calls")?;
    let params: CallCreateParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 201, move |tx| {
            value(&calls::create(tx, &p.org_id, &params)?)
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
) -> Result<Response, ApiError> {
    p.require("write:calls")?;
    let params: CallUpdateParams = json_body(&body)?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            value(&calls::update(tx, &p.org_id, &id, &params)?.1)
        })
        .await?;
    Ok(respond(w))
}

pub async fn add_transcript(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:calls")?;
    let params: CallTranscriptParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 200, move |tx| {
            value(&calls::add_transcript(tx, &p.org_id, &id, &params)?)
        })
        .await?;
    Ok(respond(w))
}
