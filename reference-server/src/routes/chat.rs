//! `/chat`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use callwaitingai::models::ChatMessageParams;
use serde_json::{Value, json};

use axum::response::Response;

use super::{Idempotency, json_body, respond, to_json};
use crate::AppState;
use crate::error::ApiError;
use crate::store::keys::Principal;
use crate::store::{chat, list};

type Q = Query<HashMap<String, String>>;

pub async fn send_message(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    idem: Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    p.require("write:chat")?;
    let params: ChatMessageParams = json_body(&body)?;
    let w = s
        .store
        .write(idem.0, 200, move |tx| {
            let (session, message, reply) = chat::send(tx, &p.org_id, &params)?;
            Ok(json!({ "session": session, "message": message, "reply": reply }))
        })
        .await?;
    Ok(respond(w))
}

pub async fn list_sessions(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:chat")?;
    let query = list::parse(&q, chat::SESSION_SORTS, "-createdAt")?;
    let page = s
        .store
        .run(move |c| chat::list_sessions(c, &p.org_id, &query, &q))
        .await?;
    Ok(Json(page.to_json()))
}

pub async fn retrieve_session(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:chat")?;
    let session = s
        .store
        .run(move |c| chat::get_session(c, &p.org_id, &id))
        .await?;
    let Json(v) = to_json(&session)?;
    Ok(Json(list::project(v, list::fields_param(&q).as_deref())))
}

pub async fn messages(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    p.require("read:chat")?;
    let query = list::parse(&q, chat::MESSAGE_SORTS, "createdAt")?;
    let page = s
        .store
        .run(move |c| chat::list_messages(c, &p.org_id, &id, &query))
        .await?;
    Ok(Json(page.to_json()))
}
