//! A server per test, in process, on a free port; a small JSON client.

use callwaitingai_server::{Config, RunningServer, start};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const KEY_A: &str = "cw_test_orgA_admin_key_0000000000";
pub const KEY_B: &str = "cw_test_orgB_admin_key_0000000000";

pub fn config() -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        // Memory, or a fresh PostgreSQL database when CALLWAITINGAI_TEST_DATABASE_URL is set.
        storage: callwaitingai_server::test_storage().unwrap_or_else(|e| panic!("{e}")),
        bootstrap_keys: vec![
            ("org_a".into(), KEY_A.into()),
            ("org_b".into(), KEY_B.into()),
        ],
        rate_limit_per_min: 100_000,
        ..Config::default()
    }
}

pub async fn server() -> RunningServer {
    start(config()).await.unwrap()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the contract's error shape and returns the code.
    pub fn error_code(&self) -> &str {
        let err = &self.body["error"];
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        assert_eq!(
            err["requestId"].as_str(),
            self.header("x-request-id"),
            "the body's requestId is the X-Request-Id header"
        );
        err["code"].as_str().unwrap()
    }
}

pub async fn call(
    server: &RunningServer,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let url = format!("{}{path}", server.url());
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    assert!(
        headers.contains_key("x-request-id"),
        "every response has X-Request-Id"
    );
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(s: &RunningServer, path: &str, key: &str) -> Reply {
    call(s, Method::GET, path, Some(key), None).await
}

pub async fn post(s: &RunningServer, path: &str, key: &str, body: Value) -> Reply {
    call(s, Method::POST, path, Some(key), Some(body)).await
}

/// Spawns the built binary as `cmd` describes (stdout piped, stderr dropped) and returns it
/// with the URL of its `listening on` line.
pub fn spawn_listening(cmd: &mut std::process::Command) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    match line.trim().strip_prefix("listening on ") {
        Some(url) => (child, url.to_string()),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start: {line:?}")
        }
    }
}
