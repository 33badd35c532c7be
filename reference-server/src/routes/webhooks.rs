//! `/webhooks`: endpoints and their deliveries.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use callwaitingai::models::{WebhookEndpointCreateParams, WebhookEndpointUpdateParams};
use serde_json::{Value, json};

use super::{Idempotency, json_body, respond, to_json, value};
use crate::AppState;
use crate::error::ApiError;
use crate::store::keys::Principal;
use crate::store::{list, webhooks};

type Q = Query<HashMap<String, String>>;

pub async fn list(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:webhooks")?;
    let query = list::parse(&q, webhooks::SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| webhooks::list(c, &p.org_id, &query))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn create(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let params: WebhookEndpointCreateParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 201, move |tx| {
            value(&webhooks::create(tx, &p.org_id, &params)?)
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
    p.require("read:webhooks")?;
    let e = s
        .store
        .run(move |c| webhooks::get(c, &p.org_id, &id))
        .await?;
    let Json(v) = to_json(&e)?;
    Ok(Json(list::project(v, list::fields_param(&q).as_deref())))
}

pub async fn update(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let params: WebhookEndpointUpdateParams = json_body(&body)?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            value(&webhooks::update(tx, &p.org_id, &id, &params)?)
        })
        .await?;
    Ok(respond(w))
}

pub async fn delete(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let w = s
        .store
        .write(None, 200, move |tx| {
            webhooks::delete(tx, &p.org_id, &id)?;
            Ok(json!({ "id": id, "deleted": true }))
        })
        .await?;
    Ok(respond(w))
}

pub async fn test(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let w = s
        .store
        .write(idem.0, 202, move |tx| {
            value(&webhooks::send_test(tx, &p.org_id, &id)?)
        })
        .await?;
    Ok(respond(w))
}

pub async fn rotate_secret(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let w = s
        .store
        .write(idem.0, 200, move |tx| {
            value(&webhooks::rotate_secret(tx, &p.org_id, &id)?)
        })
        .await?;
    Ok(respond(w))
}

pub async fn deliveries(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:webhooks")?;
    let query = list::parse(&q, webhooks::DELIVERY_SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| webhooks::deliveries(c, &p.org_id, &id, &query, &q))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn retry_delivery(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    p.require("write:webhooks")?;
    let w = s
        .store
        .write(idem.0, 202, move |tx| {
            value(&webhooks::retry_delivery(tx, &p.org_id, &id, &delivery)?)
        })
        .await?;
    Ok(respond(w))
}
