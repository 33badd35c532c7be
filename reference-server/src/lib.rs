//! `callwaitingai-server`: the reference implementation of the CallWaitingAI API.
//!
//! A real, stateful server (SQLite storage, API-key auth with scopes, organisation isolation,
//! rate limits) that the SDKs' tests talk to and that customers can run as a local test double.
//! Start it in-process with [`start`], or as the `callwaitingai-server` binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use std::time::Duration;
use tokio::net::TcpListener;

use tokio::sync::{oneshot, watch};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

mod delivery;
mod demo;
mod error;
mod fault;
mod idempotency;
mod middleware;
mod ratelimit;
mod record;
mod routes;
mod store;
mod util;

/// Where data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// An SQLite file: durable across restarts.
    File(PathBuf),
    /// Memory only: nothing is kept.
    Memory,
    /// A PostgreSQL database (`postgres://…` URL): several instances may share it.
    Postgres(String),
}

/// The environment variable naming a PostgreSQL server for test suites (see [`test_storage`]).
pub const TEST_DATABASE_ENV: &str = "CALLWAITINGAI_TEST_DATABASE_URL";

/// Storage for one test: when [`TEST_DATABASE_ENV`] names a PostgreSQL server
/// (`postgres://user@host:port/db`), a new, empty database created on it for this caller;
/// else memory. Lets one test suite run on both backends.
pub fn test_storage() -> Result<Storage, StartError> {
    let Some(admin) = std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return Ok(Storage::Memory);
    };
    let name = format!("cw_test_{}", util::random_text(16).to_lowercase());
    let create = format!("CREATE DATABASE {name}");
    let url = admin.clone();
    // The blocking client must not run on an async runtime's thread.
    std::thread::spawn(move || -> Result<(), String> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .map_err(|e| format!("{TEST_DATABASE_ENV}: {e}"))?;
        client
            .batch_execute(&create)
            .map_err(|e| format!("{TEST_DATABASE_ENV}: {e}"))
    })
    .join()
    .map_err(|_| StartError("creating a test database panicked".into()))?
    .map_err(StartError)?;
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin.as_str(), None),
    };
    let (server, _) = base
        .rsplit_once('/')
        .filter(|(s, _)| s.contains("://") && !s.ends_with('/'))
        .ok_or_else(|| {
            StartError(format!(
                "{TEST_DATABASE_ENV} must be a postgres:// URL ending in /DATABASE"
            ))
        })?;
    Ok(Storage::Postgres(match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }))
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Storage.
    pub storage: Storage,
    /// `(organisation, secret)` pairs: each gets an `admin` key with exactly that secret.
    pub bootstrap_keys: Vec<(String, String)>,
    /// `(organisation, email, password)`: users who can `POST /auth/login`.
    pub bootstrap_users: Vec<(String, String, String)>,
    /// Requests per minute per key.
    pub rate_limit_per_min: u32,
    /// Allowed CORS origin (`None`: any).
    pub cors_origin: Option<String>,
    /// Waits between webhook delivery attempts; after the last, a delivery is failed.
    pub webhook_retry_delays: Vec<Duration>,
    /// Share (0..1) of API requests that fail on purpose.
    pub fault_rate: f64,
    /// Seed of the fault plan, for reproducible runs.
    pub fault_seed: u64,
    /// Seed a demo organisation with sample data (its key: [`RunningServer::demo_key`]).
    pub demo: bool,
    /// A delay before every API request (for testing client timeouts).
    pub latency: Duration,
    /// Append every API exchange to this file as JSON lines (method, route template, status,
    /// response body).
    pub record: Option<PathBuf>,
}

/// The default webhook retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h.
pub fn default_retry_delays() -> Vec<Duration> {
    [5, 300, 1800, 7200, 18_000, 36_000]
        .into_iter()
        .map(Duration::from_secs)
        .collect()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            storage: Storage::File(PathBuf::from("callwaitingai.db")),
            bootstrap_keys: Vec::new(),
            bootstrap_users: Vec::new(),
            rate_limit_per_min: 600,
            cors_origin: None,
            webhook_retry_delays: default_retry_delays(),
            fault_rate: 0.0,
            fault_seed: 0,
            demo: false,
            latency: Duration::ZERO,
            record: None,
        }
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: store::Store,
    pub faults: Arc<fault::Faults>,
    /// The key that signs access tokens.
    pub jwt_key: Arc<str>,
}

/// A running server.
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop_worker: watch::Sender<bool>,
    worker: tokio::task::JoinHandle<()>,
    demo_key: Option<String>,
}

impl RunningServer {
    /// The bound address (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The demo organisation's API key, with `demo`.
    pub fn demo_key(&self) -> Option<&str> {
        self.demo_key.as_deref()
    }

    /// Stops accepting connections, lets in-flight requests finish, stops the delivery worker
    /// after its attempts under way, and waits for both.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let served = match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        };
        let _ = self.stop_worker.send(true);
        let _ = (&mut self.worker).await;
        served
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Opens the storage, applies migrations and bootstrap keys, binds, and serves in the
/// background.
pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    let location = match &config.storage {
        Storage::File(p) => store::Location::Sqlite(Some(p.clone())),
        Storage::Memory => store::Location::Sqlite(None),
        Storage::Postgres(url) => store::Location::Postgres(url.clone()),
    };
    let store = store::Store::open(&location, config.rate_limit_per_min)
        .await
        .map_err(|e| StartError(format!("cannot open the database: {e}")))?;
    for (org, secret) in &config.bootstrap_keys {
        let (o, s) = (org.clone(), secret.clone());
        store
            .run(move |c| store::keys::bootstrap(c, &o, &s))
            .await
            .map_err(|e| StartError(format!("--bootstrap-key {org}=…: {}", e.message)))?;
    }
    for (org, email, password) in &config.bootstrap_users {
        let (o, e, p) = (org.clone(), email.clone(), password.clone());
        store
            .run(move |c| store::users::bootstrap(c, &o, &e, &p))
            .await
            .map_err(|e| StartError(format!("--bootstrap-user {org}={email}:…: {}", e.message)))?;
    }
    let jwt_key: Arc<str> = store
        .run(store::users::signing_key)
        .await
        .map_err(|e| StartError(format!("cannot read the token key: {}", e.message)))?
        .into();
    let demo_key = if config.demo {
        Some(
            store
                .run(demo::seed)
                .await
                .map_err(|e| StartError(format!("--demo: {}", e.message)))?,
        )
    } else {
        None
    };
    let state = AppState {
        store: store.clone(),
        faults: Arc::new(fault::Faults::new(config.fault_rate, config.fault_seed)),
        jwt_key,
    };
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| StartError(format!("cannot bind {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError(e.to_string()))?;
    let recorder = match &config.record {
        Some(path) => Some(
            record::Recorder::create(path)
                .map_err(|e| StartError(format!("--record {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let app = router(state, &config, recorder)?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    let (stop_worker, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(delivery::run(
        store,
        config.webhook_retry_delays.clone(),
        stop_rx,
    ));
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task,
        stop_worker,
        worker,
        demo_key,
    })
}

fn router(
    state: AppState,
    config: &Config,
    recorder: Option<record::Recorder>,
) -> Result<Router, StartError> {
    use routes::{analytics, api_keys, auth, calls, chat, health, leads, webhooks};
    let public = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fault::inject,
        ));
    let api = Router::new()
        .route("/leads", get(leads::list).post(leads::create))
        .route(
            "/leads/{id}",
            get(leads::retrieve)
                .patch(leads::update)
                .delete(leads::delete),
        )
        .route("/calls", get(calls::list).post(calls::create))
        .route("/calls/{id}", get(calls::retrieve).patch(calls::update))
        .route("/calls/{id}/transcript", post(calls::add_transcript))
        .route("/chat/message", post(chat::send_message))
        .route("/chat/sessions", get(chat::list_sessions))
        .route("/chat/sessions/{id}", get(chat::retrieve_session))
        .route("/chat/sessions/{id}/messages", get(chat::messages))
        .route("/analytics/summary", get(analytics::summary))
        .route("/analytics/calls", get(analytics::calls))
        .route("/analytics/leads", get(analytics::leads))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            get(webhooks::retrieve)
                .patch(webhooks::update)
                .delete(webhooks::delete),
        )
        .route("/webhooks/{id}/test", post(webhooks::test))
        .route(
            "/webhooks/{id}/rotate-secret",
            post(webhooks::rotate_secret),
        )
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/{id}/deliveries/{delivery_id}/retry",
            post(webhooks::retry_delivery),
        )
        .route("/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api-keys/{id}", axum::routing::delete(api_keys::revoke))
        .route("/api-keys/{id}/rotate", post(api_keys::rotate))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::authenticate,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fault::inject,
        ))
        .merge(public)
        .route("/health", get(health::check));
    let api = if config.latency.is_zero() {
        api
    } else {
        api.route_layer(axum::middleware::from_fn_with_state(
            config.latency,
            record::delay,
        ))
    };
    let api = if recorder.is_some() {
        api.route_layer(axum::middleware::from_fn(record::mark_route))
    } else {
        api
    };
    let exposed = [
        "x-request-id",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "retry-after-ms",
        "idempotent-replayed",
    ]
    .map(HeaderName::from_static);
    let origin = match config.cors_origin.as_deref() {
        None => AllowOrigin::any(),
        Some(o) => AllowOrigin::exact(
            HeaderValue::from_str(o).map_err(|_| StartError(format!("bad --cors-origin {o:?}")))?,
        ),
    };
    let cors = CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        // The requested headers, echoed: the Fetch standard leaves `Authorization` out of the
        // `*` wildcard, so `Access-Control-Allow-Headers: *` would refuse every API-key call
        // in a browser that follows it. Echoing also admits callers' own extra headers.
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(exposed)
        .max_age(Duration::from_secs(600));
    let app = Router::new()
        .nest("/api/v1", api)
        .route("/docs", get(routes::docs::portal))
        .route("/docs/", get(routes::docs::portal))
        .route("/docs/scalar.js", get(routes::docs::scalar))
        .route("/openapi.json", get(routes::docs::openapi_json))
        .route("/openapi.yaml", get(routes::docs::openapi_yaml))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn(middleware::request_id));
    let app = match recorder {
        Some(r) => app.layer(axum::middleware::from_fn_with_state(r, record::record)),
        None => app,
    };
    Ok(app.layer(cors).with_state(state))
}
