//! The harness shared by the SDK tests: a reference server on a free loopback port, and small
//! scripted HTTP servers for the client's edge cases.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use callwaitingai::Client;
use callwaitingai_server::{Config, RunningServer};

/// The admin key of organisation `acme` on every test server.
pub const KEY: &str = "cw_test_acme_admin_0000000000000000";
/// The admin key of organisation `globex`.
pub const OTHER_KEY: &str = "cw_test_globex_admin_000000000000000";

/// The configuration of a fresh in-memory server with two organisations.
pub fn config() -> Config {
    Config {
        addr: ([127, 0, 0, 1], 0).into(),
        // Memory, or a fresh PostgreSQL database when CALLWAITINGAI_TEST_DATABASE_URL is set.
        storage: callwaitingai_server::test_storage().unwrap_or_else(|e| panic!("{e}")),
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

/// What a [`Hostile`] server answers to every request.
#[derive(Clone, Debug)]
pub enum HostileReply {
    /// These bytes, exactly (status line, headers, body: anything), then the connection closes.
    Raw(Vec<u8>),
    /// A 200 head with no length, then chunks of `chunk` bytes for as long as the client reads.
    Endless {
        /// Bytes per write.
        chunk: usize,
    },
}

/// A raw TCP server on 127.0.0.1:0 that answers every request with whatever it is told to,
/// well-formed or not: for testing that no server response can make the client panic.
pub struct Hostile {
    /// The server's origin.
    pub url: String,
    reply: Arc<std::sync::Mutex<HostileReply>>,
    /// Requests so far.
    pub hits: Arc<AtomicUsize>,
    /// Bytes written to clients so far.
    pub written: Arc<AtomicUsize>,
    /// The head (request line and headers) of every request so far.
    pub heads: Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    /// Starts the server answering `reply`.
    pub async fn start(reply: HostileReply) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let reply = Arc::new(std::sync::Mutex::new(reply));
        let hits = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (r, h, w, hd) = (reply.clone(), hits.clone(), written.clone(), heads.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (r, h, w, hd) = (r.clone(), h.clone(), w.clone(), hd.clone());
                tokio::spawn(async move {
                    // Read the request head; the body (if any) is ignored.
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|x| x == b"\r\n\r\n") {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    h.fetch_add(1, Ordering::SeqCst);
                    if let Ok(mut heads) = hd.lock() {
                        heads.push(String::from_utf8_lossy(&head).into_owned());
                    }
                    let reply = r
                        .lock()
                        .map(|g| g.clone())
                        .unwrap_or(HostileReply::Raw(Vec::new()));
                    match reply {
                        HostileReply::Raw(bytes) => {
                            if sock.write_all(&bytes).await.is_ok() {
                                w.fetch_add(bytes.len(), Ordering::SeqCst);
                            }
                        }
                        HostileReply::Endless { chunk } => {
                            let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n";
                            if sock.write_all(head).await.is_err() {
                                return;
                            }
                            let data = vec![b' '; chunk];
                            while sock.write_all(&data).await.is_ok() {
                                w.fetch_add(chunk, Ordering::SeqCst);
                            }
                        }
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
        Self {
            url,
            reply,
            hits,
            written,
            heads,
            task,
        }
    }

    /// Answers `reply` from now on.
    pub fn set(&self, reply: HostileReply) {
        if let Ok(mut g) = self.reply.lock() {
            *g = reply;
        }
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
