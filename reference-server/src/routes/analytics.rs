//! `/analytics` (scope `read:analytics`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Extension, Query, State};
use serde_json::Value;

use crate::AppState;
use crate::error::ApiError;
use crate::store::analytics::{self, Range};
use crate::store::keys::Principal;

type Q = Query<HashMap<String, String>>;

async fn run(
    s: AppState,
    p: Principal,
    q: HashMap<String, String>,
    f: fn(&crate::store::Db<'_>, &str, &Range) -> Result<Value, ApiError>,
) -> Result<Json<Value>, ApiError> {
    p.require("read:analytics")?;
    let range = Range::parse(&q)?;
    Ok(Json(s.store.run(move |c| f(c, &p.org_id, &range)).await?))
}

pub async fn summary(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    run(s, p, q, analytics::summary).await
}

pub async fn calls(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    run(s, p, q, analytics::calls).await
}

pub async fn leads(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    run(s, p, q, analytics::leads).await
}
