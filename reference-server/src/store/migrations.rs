//! Schema migrations, the same for SQLite and PostgreSQL, applied in order at start-up in one
//! transaction. SQLite counts them in `PRAGMA user_version`; PostgreSQL in `schema_migrations`,
//! under an advisory lock, so instances starting together apply each migration once.

use crate::params;
use crate::store::db::{Db, Dialect};

const MIGRATIONS: &[&str] = &[
    // 1: organisations, API keys, leads.
    "CREATE TABLE orgs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX api_keys_org ON api_keys(org_id, created_at, id);
    CREATE TABLE leads (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        name TEXT NOT NULL,
        email TEXT,
        phone TEXT,
        company TEXT,
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        notes TEXT,
        tags TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX leads_org_created ON leads(org_id, created_at, id);
    CREATE INDEX leads_org_updated ON leads(org_id, updated_at, id);
    CREATE INDEX leads_org_name ON leads(org_id, name, id);",
    // 2: calls and chat.
    "CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        lead_id TEXT,
        direction TEXT NOT NULL,
        status TEXT NOT NULL,
        from_number TEXT NOT NULL,
        to_number TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        duration_seconds BIGINT,
        summary TEXT,
        transcript TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX calls_org_created ON calls(org_id, created_at, id);
    CREATE INDEX calls_org_started ON calls(org_id, started_at, id);
    CREATE INDEX calls_org_updated ON calls(org_id, updated_at, id);
    CREATE TABLE chat_sessions (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        lead_id TEXT,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        message_count BIGINT NOT NULL,
        last_message_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX chat_sessions_org_created ON chat_sessions(org_id, created_at, id);
    CREATE INDEX chat_sessions_org_updated ON chat_sessions(org_id, updated_at, id);
    CREATE TABLE chat_messages (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        session_id TEXT NOT NULL REFERENCES chat_sessions(id),
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX chat_messages_session ON chat_messages(org_id, session_id, created_at, id);",
    // 3: webhook endpoints, the outbox of messages, deliveries; idempotency records.
    "CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        description TEXT,
        enabled BIGINT NOT NULL,
        secret TEXT NOT NULL,
        old_secret TEXT,
        old_secret_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX webhook_endpoints_org ON webhook_endpoints(org_id, created_at, id);
    CREATE TABLE webhook_messages (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL REFERENCES webhook_messages(id),
        event_type TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts BIGINT NOT NULL,
        last_status_code BIGINT,
        last_error TEXT,
        next_attempt_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(org_id, endpoint_id, created_at, id);
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
    CREATE TABLE idempotency_keys (
        org_id TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status BIGINT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (org_id, key)
    );
    CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);",
    // 4: users, refresh tokens, server settings (the JWT signing key).
    "CREATE TABLE users (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs(id),
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE refresh_tokens (
        hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 5: idempotency claims (a key in flight: status 0, with a lease and the claimer's token);
    //    the rate-limit windows shared by instances on PostgreSQL.
    "ALTER TABLE idempotency_keys ADD COLUMN locked_until TEXT;
    ALTER TABLE idempotency_keys ADD COLUMN claim TEXT;
    CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        window_start BIGINT NOT NULL,
        count BIGINT NOT NULL
    );",
];

pub fn apply(db: &Db<'_>) -> crate::store::db::Result<()> {
    let done: i64 = match db.dialect() {
        Dialect::Sqlite => db.query_row("PRAGMA user_version", params![], |r| r.get(0))?,
        Dialect::Postgres => {
            // Any constant: instances starting at once queue here until the first commits.
            db.execute("SELECT pg_advisory_xact_lock(7468201)", params![])?;
            db.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
            )?;
            db.query_row(
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                params![],
                |r| r.get(0),
            )?
        }
    };
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(done).unwrap_or(0))
    {
        db.execute_batch(sql)?;
        match db.dialect() {
            Dialect::Sqlite => db.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?,
            Dialect::Postgres => {
                db.execute(
                    "INSERT INTO schema_migrations (version) VALUES (?1)",
                    params![i + 1],
                )?;
            }
        }
    }
    Ok(())
}
