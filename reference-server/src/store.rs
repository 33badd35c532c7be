//! Storage behind one interface: handlers call the functions here and in the submodules and
//! never see SQL or know the database. Two backends: embedded SQLite (one file, or memory) and
//! PostgreSQL (any number of server instances sharing it). The submodules are written once
//! against [`db::Db`]; this file owns connections, transactions, idempotency claims, the shared
//! rate limit and the wake-ups of the delivery worker.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Notify, Semaphore};

use crate::error::ApiError;
use crate::idempotency::Idem;
use crate::params;
use crate::ratelimit::{Quota, RateLimiter};

pub mod analytics;
pub mod calls;
pub mod chat;
pub mod db;
pub mod keys;
pub mod leads;
pub mod list;
mod migrations;
pub mod users;
pub mod webhooks;

pub use db::Db;
use db::{Dialect, Optional, PgConn};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (`None`: a private in-memory database).
    Sqlite(Option<PathBuf>),
    /// A PostgreSQL connection URL or key/value string.
    Postgres(String),
}

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    /// Woken after every write here, and on PostgreSQL by `NOTIFY` from other instances, so
    /// the delivery worker sees new deliveries at once.
    written: Arc<Notify>,
}

enum Backend {
    Sqlite {
        conn: Mutex<rusqlite::Connection>,
        /// One process owns an SQLite file: the limiter can live in memory.
        limiter: RateLimiter,
    },
    Postgres {
        config: postgres::Config,
        idle: Mutex<Vec<PgConn>>,
        permits: Semaphore,
        limit: u32,
    },
}

impl Drop for Backend {
    fn drop(&mut self) {
        // A blocking client's drop blocks (it says goodbye to the server), which must not
        // happen on an async runtime's thread, where the last handle usually goes.
        if let Backend::Postgres { idle, .. } = self {
            let conns = std::mem::take(&mut *lock(idle));
            if !conns.is_empty() {
                let _ = std::thread::Builder::new()
                    .name("callwaitingai-close".into())
                    .spawn(move || drop(conns));
            }
        }
    }
}

/// The outcome of a write: done now, or a replay of the response stored under the
/// idempotency key.
#[derive(Debug)]
pub enum Written {
    Fresh(u16, Value),
    Replayed(u16, Value),
}

/// What claiming an idempotency key found.
pub enum Claim {
    /// This request holds the key until its work is committed (or it is dropped).
    Held(ClaimGuard),
    /// A response is stored under the key: the write replays it (or refuses another body).
    Answered,
    /// Another request with the key is running, here or on another instance.
    Busy,
}

/// How long idempotency keys are kept.
const IDEMPOTENCY_HOURS: i64 = 24;
/// How long a claimed key stays reserved when its request never finishes (a crashed
/// instance): after that another request may take it over.
const CLAIM_SECS: i64 = 30;
/// Connections per instance to PostgreSQL.
const PG_POOL: usize = 16;
/// The channel on which PostgreSQL instances announce new deliveries.
/// (The same name is in [`Db::announce_delivery`].)
pub const DELIVERY_CHANNEL: &str = "callwaitingai_deliveries";

impl Store {
    /// Opens the database (creating an SQLite file if needed) and applies the migrations.
    /// `rate_limit` is requests per minute per key.
    pub async fn open(location: &Location, rate_limit: u32) -> Result<Self, String> {
        let written = Arc::new(Notify::new());
        let backend = match location {
            Location::Sqlite(path) => {
                let conn = open_sqlite(path.as_deref()).map_err(|e| e.to_string())?;
                Backend::Sqlite {
                    conn: Mutex::new(conn),
                    limiter: RateLimiter::new(rate_limit),
                }
            }
            Location::Postgres(url) => {
                let config: postgres::Config = url
                    .parse()
                    .map_err(|e| format!("the database URL is not a PostgreSQL URL: {e}"))?;
                // Connect once now, so a wrong address or password fails the start with why.
                let first = {
                    let c = config.clone();
                    tokio::task::spawn_blocking(move || c.connect(postgres::NoTls))
                        .await
                        .map_err(|e| e.to_string())?
                        .map_err(|e| {
                            format!(
                                "cannot connect to PostgreSQL at {}: {}",
                                describe(&config),
                                db::Error::from(e)
                            )
                        })?
                };
                let weak = Arc::downgrade(&written);
                let listen = config.clone();
                std::thread::Builder::new()
                    .name("callwaitingai-listen".into())
                    .spawn(move || listen_for_deliveries(&listen, &weak))
                    .map_err(|e| e.to_string())?;
                Backend::Postgres {
                    config,
                    idle: Mutex::new(vec![PgConn::new(first)]),
                    permits: Semaphore::new(PG_POOL),
                    limit: rate_limit.max(1),
                }
            }
        };
        let store = Self {
            backend: Arc::new(backend),
            written,
        };
        store
            .run(|db| {
                migrations::apply(db).map_err(|e| {
                    ApiError::new(
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "MIGRATION_FAILED",
                        format!("applying the schema migrations failed: {e}"),
                    )
                })
            })
            .await
            .map_err(|e| e.message.to_string())?;
        Ok(store)
    }

    pub fn dialect(&self) -> Dialect {
        match *self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Runs `f` in one transaction on the blocking pool: committed when it returns `Ok`,
    /// rolled back when it returns an error.
    pub async fn run<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&Db<'_>) -> Result<R, ApiError> + Send + 'static,
    {
        self.run_in(true, f).await
    }

    /// Runs `f` with each statement its own transaction (on PostgreSQL: no `BEGIN`/`COMMIT`
    /// round trips), for work whose statements are each atomic alone.
    pub async fn run_each<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&Db<'_>) -> Result<R, ApiError> + Send + 'static,
    {
        self.run_in(false, f).await
    }

    async fn run_in<R, F>(&self, transactional: bool, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&Db<'_>) -> Result<R, ApiError> + Send + 'static,
    {
        let _permit = match &*self.backend {
            Backend::Postgres { permits, .. } => {
                Some(permits.acquire().await.map_err(ApiError::internal)?)
            }
            Backend::Sqlite { .. } => None,
        };
        let backend = self.backend.clone();
        tokio::task::spawn_blocking(move || match &*backend {
            Backend::Sqlite { conn, .. } => {
                let mut guard = match conn.lock() {
                    Ok(g) => g,
                    Err(poisoned) => poisoned.into_inner(),
                };
                let tx = guard.transaction()?;
                let out = f(&Db::sqlite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres { config, idle, .. } => {
                let pooled = lock(idle).pop().filter(|c| !c.client.is_closed());
                let mut conn = match pooled {
                    Some(c) => c,
                    None => PgConn::new(connect(config)?),
                };
                let out = {
                    let db = Db::postgres(&mut conn, transactional);
                    let out = f(&db);
                    match out {
                        Ok(v) => db.commit().map(|()| v).map_err(ApiError::from),
                        Err(e) => Err(e),
                    }
                };
                if !conn.client.is_closed() {
                    lock(idle).push(conn);
                }
                out
            }
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Claims `idem`'s key for this request. The claim is a row written and committed at once
    /// (`INSERT … ON CONFLICT DO NOTHING`), so it holds across instances; it carries a lease,
    /// so a request that never finishes (its instance killed) frees the key after
    /// [`CLAIM_SECS`].
    pub async fn claim(&self, idem: &Idem) -> Result<Claim, ApiError> {
        let token = crate::util::random_text(24);
        let (org, key, fingerprint) =
            (idem.org.clone(), idem.key.clone(), idem.fingerprint.clone());
        let mine = token.clone();
        // Each statement is atomic alone (the take-over is a compare-and-set).
        let held = self
            .run_each(move |db| {
                let now = time::OffsetDateTime::now_utc();
                let t = crate::util::format_ts(now);
                let cutoff = crate::util::format_ts(now - time::Duration::hours(IDEMPOTENCY_HOURS));
                let lease = crate::util::format_ts(now + time::Duration::seconds(CLAIM_SECS));
                db.execute(
                    "DELETE FROM idempotency_keys WHERE org_id = ?1 AND key = ?2 AND status <> 0 AND created_at < ?3",
                    params![org, key, cutoff],
                )?;
                let inserted = db.execute(
                    "INSERT INTO idempotency_keys (org_id, key, fingerprint, status, body, created_at, locked_until, claim)
                     VALUES (?1, ?2, ?3, 0, '', ?4, ?5, ?6) ON CONFLICT (org_id, key) DO NOTHING",
                    params![org, key, fingerprint, t, lease, mine],
                )?;
                if inserted == 1 {
                    return Ok(Some(true));
                }
                let row = db
                    .query_row(
                        "SELECT status, locked_until, claim FROM idempotency_keys WHERE org_id = ?1 AND key = ?2",
                        params![org, key],
                        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?)),
                    )
                    .optional()?;
                match row {
                    // Gone between the two statements (it was released): busy, retry shortly.
                    None => Ok(Some(false)),
                    Some((status, _, _)) if status != 0 => Ok(None),
                    Some((_, Some(until), _)) if until > t => Ok(Some(false)),
                    Some((_, _, old)) => {
                        // The lease lapsed: take the key over, unless someone else just did.
                        let taken = db.execute(
                            "UPDATE idempotency_keys SET fingerprint = ?3, created_at = ?4, locked_until = ?5, claim = ?6
                             WHERE org_id = ?1 AND key = ?2 AND status = 0 AND claim IS NOT DISTINCT FROM ?7",
                            params![org, key, fingerprint, t, lease, mine, old],
                        )?;
                        Ok(Some(taken == 1))
                    }
                }
            })
            .await?;
        Ok(match held {
            Some(true) => Claim::Held(ClaimGuard {
                store: self.clone(),
                org: idem.org.clone(),
                key: idem.key.clone(),
                token: Some(token),
            }),
            Some(false) => Claim::Busy,
            None => Claim::Answered,
        })
    }

    /// Runs `f` in a transaction that also honours `idem`: when a response is stored under the
    /// key, nothing runs and it is replayed; otherwise `f`'s result is stored with the work,
    /// in the row this request claimed. A stored key with another request body is a `409`.
    pub async fn write<F>(&self, idem: Option<Idem>, status: u16, f: F) -> Result<Written, ApiError>
    where
        F: FnOnce(&Db<'_>) -> Result<Value, ApiError> + Send + 'static,
    {
        let out = self
            .run(move |db| {
                if let Some(idem) = &idem {
                    let stored = db
                        .query_row(
                            "SELECT fingerprint, status, body FROM idempotency_keys
                             WHERE org_id = ?1 AND key = ?2 AND status <> 0",
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
                let value = f(db)?;
                if let Some(idem) = &idem {
                    let stored = db.execute(
                        "UPDATE idempotency_keys SET fingerprint = ?3, status = ?4, body = ?5, created_at = ?6,
                           locked_until = NULL, claim = NULL
                         WHERE org_id = ?1 AND key = ?2 AND status = 0 AND claim = ?7",
                        params![idem.org, idem.key, idem.fingerprint, status, value.to_string(), crate::util::now(), idem.claim],
                    )?;
                    if stored != 1 {
                        // The claim lapsed and another request took the key: undo this one.
                        return Err(in_progress());
                    }
                }
                Ok(Written::Fresh(status, value))
            })
            .await?;
        self.written.notify_one();
        Ok(out)
    }

    /// Counts one request of `key` at unix time `now` against the per-minute limit, shared by
    /// every instance on PostgreSQL.
    pub async fn rate_limit(&self, key: &str, now: i64) -> Result<Quota, ApiError> {
        let limit = match &*self.backend {
            Backend::Sqlite { limiter, .. } => return Ok(limiter.hit(key, now)),
            Backend::Postgres { limit, .. } => *limit,
        };
        let key = key.to_string();
        self.run_each(move |db| count_hit(db, &key, now, limit))
            .await
    }

    /// Authenticates an API key and counts the request against its rate limit, in one trip
    /// to the database.
    pub async fn authenticate_key(
        &self,
        token: String,
        now: i64,
    ) -> Result<(keys::Principal, Quota), ApiError> {
        let limit = match &*self.backend {
            Backend::Sqlite { limiter, .. } => {
                let principal = self.run(move |db| keys::authenticate(db, &token)).await?;
                let quota = limiter.hit(&principal.key_id, now);
                return Ok((principal, quota));
            }
            Backend::Postgres { limit, .. } => *limit,
        };
        self.run_each(move |db| {
            let principal = keys::authenticate(db, &token)?;
            let quota = count_hit(db, &principal.key_id, now, limit)?;
            Ok((principal, quota))
        })
        .await
    }

    /// Waits until the next write (here, or announced by another instance).
    pub async fn written(&self) {
        self.written.notified().await;
    }
}

/// Counts a request of `key` in the database's fixed one-minute window.
fn count_hit(db: &Db<'_>, key: &str, now: i64, limit: u32) -> Result<Quota, ApiError> {
    let window = now - now.rem_euclid(60);
    let count: i64 = db.query_row(
        "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.window_start = excluded.window_start
                        THEN rate_limits.count + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING count",
        params![key, window],
        |r| r.get(0),
    )?;
    let used = u32::try_from(count).unwrap_or(u32::MAX);
    Ok(Quota {
        limit,
        remaining: limit.saturating_sub(used),
        reset: window + 60,
        allowed: used <= limit,
    })
}

/// A `409` for a key whose first request is still running.
pub fn in_progress() -> ApiError {
    ApiError::conflict("a request with this Idempotency-Key is still in progress; retry shortly")
        .with_retry_after(1)
}

/// Holds an idempotency key; dropping it before the work is stored frees the key (a failed
/// request, or a client that went away), so a retry can run.
pub struct ClaimGuard {
    store: Store,
    org: String,
    key: String,
    token: Option<String>,
}

impl ClaimGuard {
    /// The claim's token, which the write must present to store its response.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The work stored its response under the key: keep the row.
    pub fn keep(mut self) {
        self.token = None;
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (store, org, key) = (self.store.clone(), self.org.clone(), self.key.clone());
        rt.spawn(async move {
            let _ = store
                .run_each(move |db| {
                    db.execute(
                        "DELETE FROM idempotency_keys WHERE org_id = ?1 AND key = ?2 AND status = 0 AND claim = ?3",
                        params![org, key, token],
                    )?;
                    Ok(())
                })
                .await;
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn open_sqlite(path: Option<&std::path::Path>) -> rusqlite::Result<rusqlite::Connection> {
    let conn = match path {
        Some(p) => rusqlite::Connection::open(p)?,
        None => rusqlite::Connection::open_in_memory()?,
    };
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// `user@host:port/database`, never the password.
fn describe(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or("?"),
        config.get_dbname().unwrap_or("?")
    )
}

fn connect(config: &postgres::Config) -> Result<postgres::Client, ApiError> {
    config.connect(postgres::NoTls).map_err(|e| {
        ApiError::internal(format!(
            "cannot connect to PostgreSQL: {}",
            db::Error::from(e)
        ))
    })
}

/// Wakes the delivery worker whenever any instance commits a new delivery (`NOTIFY` on
/// [`DELIVERY_CHANNEL`]). Reconnects after errors; ends when the store is gone. The worker
/// also polls, so a missed notification only delays a delivery.
fn listen_for_deliveries(config: &postgres::Config, written: &Weak<Notify>) {
    use postgres::fallible_iterator::FallibleIterator;
    while written.strong_count() > 0 {
        let mut client = match config.connect(postgres::NoTls) {
            Ok(c) => c,
            Err(_) => {
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if client
            .batch_execute(&format!("LISTEN {DELIVERY_CHANNEL}"))
            .is_err()
        {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        }
        loop {
            let mut notifications = client.notifications();
            match notifications.timeout_iter(Duration::from_secs(1)).next() {
                Ok(Some(_)) => match written.upgrade() {
                    Some(n) => n.notify_one(),
                    None => return,
                },
                Ok(None) if written.strong_count() == 0 => return,
                Ok(None) => {}
                Err(_) => break,
            }
        }
    }
}

/// Creates the organisation `id` if it does not exist.
pub fn ensure_org(db: &Db<'_>, id: &str, name: &str) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO orgs (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
        params![id, name, crate::util::now()],
    )?;
    Ok(())
}
