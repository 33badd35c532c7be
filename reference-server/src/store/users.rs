//! Users, passwords (argon2id), access tokens (HS256 JWTs) and single-use refresh tokens.

use crate::params;
use crate::store::db::{Db, Optional};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::keys::Principal;
use crate::error::ApiError;
use crate::util::{format_ts, hash_secret, new_id, now, random_text, unix_now};

/// Access tokens live 15 minutes; refresh tokens 30 days, and are single-use.
pub const ACCESS_TTL_SECS: i64 = 900;
const REFRESH_TTL_DAYS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    org: String,
    scopes: Vec<String>,
    iat: i64,
    exp: i64,
}

/// The server's JWT signing key, made on first start and kept in the database.
pub fn signing_key(conn: &Db<'_>) -> Result<String, ApiError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE name = 'jwt_key'",
            params![],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(k) = existing {
        return Ok(k);
    }
    let key = random_text(48);
    conn.execute(
        "INSERT INTO settings (name, value) VALUES ('jwt_key', ?1)",
        params![key],
    )?;
    Ok(key)
}

fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// `--bootstrap-user ORG=EMAIL:PASSWORD`.
pub fn bootstrap(conn: &Db<'_>, org: &str, email: &str, password: &str) -> Result<(), ApiError> {
    super::ensure_org(conn, org, org)?;
    let hash = hash_password(password)?;
    let existing: Option<String> = conn
        .query_row(
            "SELECT org_id FROM users WHERE email = ?1",
            params![email.to_lowercase()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(o) if o != org => Err(ApiError::conflict(
            "that email belongs to another organisation",
        )),
        Some(_) => {
            conn.execute(
                "UPDATE users SET password_hash = ?2 WHERE email = ?1",
                params![email.to_lowercase(), hash],
            )?;
            Ok(())
        }
        None => {
            conn.execute(
                "INSERT INTO users (id, org_id, email, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![new_id("usr"), org, email.to_lowercase(), hash, now()],
            )?;
            Ok(())
        }
    }
}

fn tokens(conn: &Db<'_>, jwt_key: &str, user: &str, org: &str) -> Result<Value, ApiError> {
    let iat = unix_now();
    let claims = Claims {
        sub: user.to_string(),
        org: org.to_string(),
        scopes: vec!["admin".to_string()],
        iat,
        exp: iat + ACCESS_TTL_SECS,
    };
    let access = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(jwt_key.as_bytes()),
    )
    .map_err(ApiError::internal)?;
    let refresh = format!("rt_{}", random_text(40));
    let expires =
        format_ts(time::OffsetDateTime::now_utc() + time::Duration::days(REFRESH_TTL_DAYS));
    conn.execute(
        "INSERT INTO refresh_tokens (hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash_secret(&refresh), user, expires],
    )?;
    Ok(
        json!({ "accessToken": access, "refreshToken": refresh, "expiresIn": ACCESS_TTL_SECS, "tokenType": "Bearer" }),
    )
}

/// Checks the password (the same answer, and about the same time, for an unknown email).
pub fn login(conn: &Db<'_>, jwt_key: &str, email: &str, password: &str) -> Result<Value, ApiError> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT id, org_id, password_hash FROM users WHERE email = ?1",
            params![email.trim().to_lowercase()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    // An unknown email still costs one hash, so timing does not tell which emails exist.
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default());
    let hash = row.as_ref().map_or(decoy.as_str(), |(_, _, h)| h.as_str());
    let ok = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    match row {
        Some((user, org, _)) if ok => tokens(conn, jwt_key, &user, &org),
        _ => Err(ApiError::unauthorized("invalid email or password")),
    }
}

/// Exchanges a refresh token (once) for new tokens.
pub fn refresh(conn: &Db<'_>, jwt_key: &str, token: &str) -> Result<Value, ApiError> {
    let row: Option<(String, String, Option<String>, String)> = conn
        .query_row(
            "SELECT t.user_id, t.expires_at, t.used_at, u.org_id FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?1",
            params![hash_secret(token)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((user, expires, used, org)) = row else {
        return Err(ApiError::unauthorized("invalid refresh token"));
    };
    if used.is_some() {
        return Err(ApiError::unauthorized(
            "this refresh token was already used",
        ));
    }
    if expires <= now() {
        return Err(ApiError::unauthorized("this refresh token has expired"));
    }
    conn.execute(
        "UPDATE refresh_tokens SET used_at = ?2 WHERE hash = ?1",
        params![hash_secret(token), now()],
    )?;
    tokens(conn, jwt_key, &user, &org)
}

/// The principal of a valid access token.
pub fn authenticate_jwt(jwt_key: &str, token: &str) -> Result<Principal, ApiError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(jwt_key.as_bytes()),
        &validation,
    )
    .map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
            ApiError::unauthorized("the access token has expired; refresh it")
        }
        _ => ApiError::unauthorized("invalid access token"),
    })?;
    Ok(Principal {
        key_id: data.claims.sub,
        org_id: data.claims.org,
        scopes: data.claims.scopes,
    })
}
