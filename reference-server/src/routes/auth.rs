//! `/auth/login` and `/auth/refresh`: no API key needed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use callwaitingai::models::{LoginParams, RefreshParams};
use serde_json::Value;

use super::json_body;
use crate::AppState;
use crate::error::ApiError;
use crate::store::users;

pub async fn login(State(s): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let p: LoginParams = json_body(&body)?;
    let key = s.jwt_key.clone();
    Ok(Json(
        s.store
            .run(move |c| users::login(c, &key, &p.email, &p.password))
            .await?,
    ))
}

pub async fn refresh(State(s): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let p: RefreshParams = json_body(&body)?;
    let key = s.jwt_key.clone();
    Ok(Json(
        s.store
            .run(move |c| users::refresh(c, &key, &p.refresh_token))
            .await?,
    ))
}
