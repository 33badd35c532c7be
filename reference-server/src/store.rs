//! Storage: embedded SQLite behind one module. Handlers call the functions here and never see
//! SQL, so another backend can replace this file without touching them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;

use crate::idempotency::Idem;

use crate::error::ApiError;

pub mod analytics;
pub mod calls;
pub mod chat;
pub mod keys;
pub mod leads;
pub mod list;
mod migrations;
pub mod users;
pub mod webhooks;

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// Woken after every write, so the delivery worker sees new deliveries at once.
    written: Arc<tokio::sync::Notify>,
}

/// The outcome of a write: done now, or a replay of the response stored under the
/// idempotency key.
#[derive(Debug)]
pub enum Written {
    Fresh(u16, Value),
    Replayed(u16, Value),
}

/// How long idempotency keys are kept.
const IDEMPOTENCY_HOURS: i64 = 24;

impl Store {
    /// Opens (creating if needed) the SQLite file at `path`, or a private in-memory database
    /// when `path` is `None`, and applies the migrations.
    pub fn open(path: Option<&Path>) -> Result<Self, rusqlite::Error> {
        let mut conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            written: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn run<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, ApiError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = match conn.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            f(&mut guard)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `f` in a transaction that also honours `idem`: when a response is stored under the
    /// key, nothing runs and it is replayed; otherwise `f`'s result is stored with the work.
    /// A stored key with another request body is a `409`.
    pub async fn write<F>(&self, idem: Option<Idem>, status: u16, f: F) -> Result<Written, ApiError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<Value, ApiError> + Send + 'static,
    {
        let out = self
            .run(move |conn| {
                let tx = conn.transaction()?;
                if let Some(idem) = &idem {
                    let cutoff = crate::util::format_ts(
                        time::OffsetDateTime::now_utc() - time::Duration::hours(IDEMPOTENCY_HOURS),
                    );
                    tx.execute(
                        "DELETE FROM idempotency_keys WHERE org_id = ?1 AND key = ?2 AND created_at < ?3",
                        params![idem.org, idem.key, cutoff],
                    )?;
                    let stored = tx
                        .query_row(
                            "SELECT fingerprint, status, body FROM idempotency_keys WHERE org_id = ?1 AND key = ?2",
                            params![idem.org, idem.key],
                            |r| Ok((r.get::<_, String>(0)?, r.get::<_, u16>(1)?, r.get::<_, String>(2)?)),
                        )
                        .optional()?;
                    if let Some((fingerprint, status, body)) = stored {
                        if fingerprint != idem.fingerprint {
                            return Err(ApiError::conflict(
                                "this Idempotency-Key was used with a different request; use a new key for a new request",
                            ));
                        }
                        let body = serde_json::from_str(&body).map_err(ApiError::internal)?;
                        return Ok(Written::Replayed(status, body));
                    }
                }
                let value = f(&tx)?;
                if let Some(idem) = &idem {
                    tx.execute(
                        "INSERT INTO idempotency_keys (org_id, key, fingerprint, status, body, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![idem.org, idem.key, idem.fingerprint, status, value.to_string(), crate::util::now()],
                    )?;
                }
                tx.commit()?;
                Ok(Written::Fresh(status, value))
            })
            .await?;
        self.written.notify_one();
        Ok(out)
    }

    /// Waits until the next write.
    pub async fn written(&self) {
        self.written.notified().await;
    }

    /// Runs `f` synchronously (start-up only).
    pub fn run_now<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut guard = match self.conn.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }
}

/// Creates the organisation `id` if it does not exist.
pub fn ensure_org(conn: &Connection, id: &str, name: &str) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO orgs (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
        params![id, name, crate::util::now()],
    )?;
    Ok(())
}
