//! API keys: stored as SHA-256 hashes, shown once, with scopes, expiry, revocation, rotation.

use std::collections::HashMap;

use crate::params;
use crate::store::db::{Db, Optional, Row};
use callwaitingai::models::{ApiKey, ApiKeyCreateParams, ApiKeyScope};

use super::list::{self, ListQuery, Page};
use crate::error::ApiError;
use crate::util::{hash_secret, new_id, now, parse_ts, random_text};

pub const SORTS: &[(&str, &str)] = &[("createdAt", "created_at")];

/// How many leading characters of a secret are kept for display.
const PREFIX_LEN: usize = 12;

/// A key presented by a request, once authenticated.
#[derive(Debug, Clone)]
pub struct Principal {
    pub key_id: String,
    pub org_id: String,
    pub scopes: Vec<String>,
}

impl Principal {
    /// Whether the key may use `scope` (`admin` may do everything).
    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope || s == "admin")
    }

    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.allows(scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden_scope(scope))
        }
    }
}

fn row_to_key(row: &Row) -> crate::store::db::Result<ApiKey> {
    let scopes: String = row.get("scopes")?;
    Ok(ApiKey {
        id: row.get("id")?,
        name: row.get("name")?,
        prefix: row.get("prefix")?,
        scopes: serde_json::from_str::<Vec<String>>(&scopes)
            .unwrap_or_default()
            .into_iter()
            .map(ApiKeyScope::from)
            .collect(),
        expires_at: row.get("expires_at")?,
        last_used_at: row.get("last_used_at")?,
        created_at: row.get("created_at")?,
        revoked_at: row.get("revoked_at")?,
        key: None,
    })
}

fn new_secret(mode: &str) -> String {
    format!("cw_{mode}_{}", random_text(32))
}

fn prefix_of(secret: &str) -> String {
    secret.chars().take(PREFIX_LEN).collect()
}

/// Inserts a key with the given secret.
fn insert(
    conn: &Db<'_>,
    org: &str,
    name: &str,
    secret: &str,
    scopes: &[String],
    expires_at: Option<&str>,
) -> Result<ApiKey, ApiError> {
    let id = new_id("key");
    let t = now();
    conn.execute(
        "INSERT INTO api_keys (id, org_id, name, prefix, hash, scopes, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            org,
            name,
            prefix_of(secret),
            hash_secret(secret),
            serde_json::to_string(scopes).map_err(ApiError::internal)?,
            expires_at,
            t
        ],
    )?;
    let mut key = get(conn, org, &id)?;
    key.key = Some(secret.to_string());
    Ok(key)
}

/// `--bootstrap-key ORG=KEY`: the organisation, and an `admin` key with exactly that secret.
pub fn bootstrap(conn: &Db<'_>, org: &str, secret: &str) -> Result<(), ApiError> {
    super::ensure_org(conn, org, org)?;
    let exists = conn
        .query_row(
            "SELECT org_id FROM api_keys WHERE hash = ?1",
            params![hash_secret(secret)],
            |r| r.get::<_, String>(0),
        )
        .optional()?;
    match exists {
        Some(o) if o == org => Ok(()),
        Some(_) => Err(ApiError::conflict(
            "that key already belongs to another organisation",
        )),
        None => insert(conn, org, "bootstrap", secret, &["admin".to_string()], None).map(|_| ()),
    }
}

/// Looks up the secret of a request. Unknown, revoked and expired keys are all `None`-like
/// errors with a message that says which.
pub fn authenticate(conn: &Db<'_>, secret: &str) -> Result<Principal, ApiError> {
    let row = conn
        .query_row(
            "SELECT id, org_id, scopes, expires_at, revoked_at, last_used_at FROM api_keys WHERE hash = ?1",
            params![hash_secret(secret)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((id, org, scopes, expires_at, revoked_at, last_used)) = row else {
        return Err(ApiError::unauthorized("invalid API key"));
    };
    if revoked_at.is_some() {
        return Err(ApiError::unauthorized("this API key was revoked"));
    }
    let t = now();
    if expires_at.as_deref().is_some_and(|e| e <= t.as_str()) {
        return Err(ApiError::unauthorized("this API key has expired"));
    }
    // Record use, at most about once a second per key.
    if last_used
        .as_deref()
        .is_none_or(|l| l.get(..19) != t.get(..19))
    {
        conn.execute(
            "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
            params![id, t],
        )?;
    }
    Ok(Principal {
        key_id: id,
        org_id: org,
        scopes: serde_json::from_str(&scopes).unwrap_or_default(),
    })
}

pub fn get(conn: &Db<'_>, org: &str, id: &str) -> Result<ApiKey, ApiError> {
    conn.query_row(
        "SELECT * FROM api_keys WHERE org_id = ?1 AND id = ?2",
        params![org, id],
        row_to_key,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("API key", id))
}

pub fn create(conn: &Db<'_>, org: &str, p: &ApiKeyCreateParams) -> Result<ApiKey, ApiError> {
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::validation(
            "name",
            "name must be 1 to 200 characters",
        ));
    }
    if p.scopes.is_empty() {
        return Err(ApiError::validation("scopes", "give at least one scope"));
    }
    let mut scopes = Vec::new();
    for s in &p.scopes {
        if let ApiKeyScope::Unknown(v) = s {
            let known: Vec<&str> = ApiKeyScope::KNOWN.iter().map(ApiKeyScope::as_str).collect();
            return Err(ApiError::validation(
                "scopes",
                format!("unknown scope {v:?}; use any of {}", known.join(", ")),
            ));
        }
        if !scopes.iter().any(|x: &String| x == s.as_str()) {
            scopes.push(s.as_str().to_string());
        }
    }
    let expires_at = match &p.expires_at {
        Some(e) => Some(parse_ts(e).ok_or_else(|| {
            ApiError::validation("expiresAt", "expiresAt must be an RFC 3339 timestamp")
        })?),
        None => None,
    };
    let mode = match p.mode.as_deref() {
        None | Some("live") => "live",
        Some("test") => "test",
        Some(other) => {
            return Err(ApiError::validation(
                "mode",
                format!("mode {other:?} is not live or test"),
            ));
        }
    };
    insert(
        conn,
        org,
        name,
        &new_secret(mode),
        &scopes,
        expires_at.as_deref(),
    )
}

pub fn revoke(conn: &Db<'_>, org: &str, id: &str) -> Result<ApiKey, ApiError> {
    get(conn, org, id)?;
    conn.execute(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE org_id = ?1 AND id = ?2",
        params![org, id, now()],
    )?;
    get(conn, org, id)
}

/// A new secret for the same key; the old one stops working at once.
pub fn rotate(conn: &Db<'_>, org: &str, id: &str) -> Result<ApiKey, ApiError> {
    let key = get(conn, org, id)?;
    if key.revoked_at.is_some() {
        return Err(ApiError::conflict("a revoked key cannot be rotated"));
    }
    let mode = if key.prefix.starts_with("cw_test_") {
        "test"
    } else {
        "live"
    };
    let secret = new_secret(mode);
    conn.execute(
        "UPDATE api_keys SET hash = ?3, prefix = ?4 WHERE org_id = ?1 AND id = ?2",
        params![org, id, hash_secret(&secret), prefix_of(&secret)],
    )?;
    let mut key = get(conn, org, id)?;
    key.key = Some(secret);
    Ok(key)
}

pub fn list(
    conn: &Db<'_>,
    org: &str,
    q: &ListQuery,
    _params: &HashMap<String, String>,
) -> Result<Page, ApiError> {
    list::fetch(conn, "api_keys", org, &[], q, row_to_key)
}
