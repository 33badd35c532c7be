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
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

mod error;
mod middleware;
mod ratelimit;
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
    /// Requests per minute per key.
    pub rate_limit_per_min: u32,
    /// Allowed CORS origin (`None`: any).
    pub cors_origin: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            storage: Storage::File(PathBuf::from("callwaitingai.db")),
            bootstrap_keys: Vec::new(),
            rate_limit_per_min: 600,
            cors_origin: None,
        }
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: store::Store,
    pub limiter: Arc<ratelimit::RateLimiter>,
}

/// A running server.
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
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

    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
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
    let path = match &config.storage {
        Storage::File(p) => Some(p.as_path()),
        Storage::Memory => None,
    };
    let store = store::Store::open(path)
        .map_err(|e| StartError(format!("cannot open the database: {e}")))?;
    for (org, secret) in &config.bootstrap_keys {
        store
            .run_now(|c| store::keys::bootstrap(c, org, secret))
            .map_err(|e| StartError(format!("--bootstrap-key {org}=…: {}", e.message)))?;
    }
    let state = AppState {
        store,
        limiter: Arc::new(ratelimit::RateLimiter::new(config.rate_limit_per_min)),
    };
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| StartError(format!("cannot bind {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError(e.to_string()))?;
    let app = router(state, config.cors_origin.as_deref())?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task,
    })
}

fn router(state: AppState, cors_origin: Option<&str>) -> Result<Router, StartError> {
    use routes::{analytics, api_keys, calls, chat, health, leads};
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
        .route("/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api-keys/{id}", axum::routing::delete(api_keys::revoke))
        .route("/api-keys/{id}/rotate", post(api_keys::rotate))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::authenticate,
        ))
        .route("/health", get(health::check));
    let exposed = [
        "x-request-id",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "idempotent-replayed",
    ]
    .map(HeaderName::from_static);
    let origin = match cors_origin {
        None => AllowOrigin::any(),
        Some(o) => AllowOrigin::exact(
            HeaderValue::from_str(o).map_err(|_| StartError(format!("bad --cors-origin {o:?}")))?,
        ),
    };
    let cors = CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers(Any)
        .expose_headers(exposed);
    Ok(Router::new()
        .nest("/api/v1", api)
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn(middleware::request_id))
        .layer(cors)
        .with_state(state))
}
