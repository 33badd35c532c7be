//! The harness shared by the SDK tests: a reference server on a free loopback port, and small
//! scripted HTTP servers for the client's edge cases.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use callwaitingai::Client;
use callwaitingai_server::{Config, RunningServer, Storage};

/// The admin key of organisation `acme` on every test server.
pub const KEY: &str = "cw_test_acme_admin_0000000000000000";
/// The admin key of organisation `globex`.
pub const OTHER_KEY: &str = "cw_test_globex_admin_000000000000000";

/// The configuration of a fresh in-memory server with two organisations.
pub fn config() -> Config {
    Config {
        addr: ([127, 0, 0, 1], 0).into(),
        storage: Storage::Memory,
        bootstrap_keys: vec![
            ("acme".into(), KEY.into()),
            ("globex".into(), OTHER_KEY.into()),
        ],
        bootstrap_users: vec![(
            "acme".into(),
            "owner@acme.example".into(),
            "hunter2!".into(),
        )],
        rate_limit_per_min: 1_000_000,
        ..Config::default()
    }
}

/// Starts a server with `config`.
pub async fn server_with(config: Config) -> RunningServer {
    callwaitingai_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("the reference server did not start: {e}"))
}

/// A client of `server` with `key`.
pub fn client(server: &RunningServer, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server.url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A scripted server: the nth request (from 0) is answered by `respond(n)`.
pub struct Scripted {
    /// The server's origin.
    pub url: String,
    /// Requests so far.
    pub hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Scripted {
    /// Serves every path and method with `respond(n, path_and_query)`.
    pub async fn start<F, Fut>(respond: F) -> Self
    where
        F: Fn(usize, String) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = axum::response::Response> + Send + 'static,
    {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let respond = Arc::new(respond);
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let respond = respond.clone();
            async move { respond(n, uri.to_string()).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, hits, task }
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
