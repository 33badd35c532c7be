//! Every documented flag of the built `callwaitingai-server` binary, run as a user runs it: it
//! starts, prints `listening on`, and the flag takes effect; bad values exit non-zero with one
//! line on stderr, never a panic or a backtrace.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::receiver::Receiver;

const BIN: &str = env!("CARGO_BIN_EXE_callwaitingai-server");
const KEY: &str = "cw_test_cli_flags_key_000000000000";

/// The binary on a free port, killed when dropped.
struct Server {
    child: Child,
    url: String,
    /// The stdout lines after `listening on`, read so far.
    extra: Vec<String>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        Self::start_with_lines(args, 0)
    }

    /// Starts and also reads `lines` more stdout lines after `listening on`.
    fn start_with_lines(args: &[&str], lines: usize) -> Self {
        Self::start_in(&std::env::temp_dir(), args, lines)
    }

    /// Like [`start_with_lines`](Self::start_with_lines), in the working directory `cwd`.
    fn start_in(cwd: &std::path::Path, args: &[&str], lines: usize) -> Self {
        let mut child = Command::new(BIN)
            .current_dir(cwd)
            // The user's DATABASE_URL would choose PostgreSQL: these tests choose themselves.
            .env_remove("DATABASE_URL")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let Some(url) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("{args:?}: first line {first:?}, stderr {err:?}");
        };
        let url = url.to_string();
        let mut extra = Vec::new();
        for _ in 0..lines {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            extra.push(l.trim().to_string());
        }
        Self { child, url, extra }
    }

    async fn get(&self, path: &str, key: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/api/v1{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, key: &str, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/api/v1{path}", self.url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "callwaitingai-cli-{name}-{}-{}",
        std::process::id(),
        fastrand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn bootstrap() -> String {
    format!("acme={KEY}")
}

#[tokio::test]
async fn addr_with_port_zero_prints_the_real_port_and_serves() {
    let s = Server::start(&["--memory"]);
    assert!(
        s.url.starts_with("http://127.0.0.1:") && !s.url.ends_with(":0"),
        "{}",
        s.url
    );
    let r = reqwest::get(format!("{}/api/v1/health", s.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn db_keeps_data_across_restarts_and_memory_keeps_nothing() {
    let dir = temp_dir("db");
    let db = dir.join("data.db");
    let db_arg = db.to_str().unwrap();
    let boot = bootstrap();
    let id = {
        let s = Server::start(&["--db", db_arg, "--bootstrap-key", &boot]);
        let lead: Value = s
            .post("/leads", KEY, json!({"name": "Durable"}))
            .await
            .json()
            .await
            .unwrap();
        lead["id"].as_str().unwrap().to_string()
    };
    assert!(db.exists(), "--db wrote no file");
    {
        let s = Server::start(&["--db", db_arg, "--bootstrap-key", &boot]);
        assert_eq!(s.get(&format!("/leads/{id}"), KEY).await.status(), 200);
    }
    // --memory: a restart forgets, and no database file appears in the working directory.
    let cwd = temp_dir("memory");
    let memory = ["--memory", "--bootstrap-key", &boot];
    let lead: Value = {
        let s = Server::start_in(&cwd, &memory, 0);
        s.post("/leads", KEY, json!({"name": "Fleeting"}))
            .await
            .json()
            .await
            .unwrap()
    };
    let status = {
        let s = Server::start_in(&cwd, &memory, 0);
        s.get(&format!("/leads/{}", lead["id"].as_str().unwrap()), KEY)
            .await
            .status()
    };
    assert_eq!(status, 404, "--memory kept a lead across a restart");
    assert_eq!(
        std::fs::read_dir(&cwd).unwrap().count(),
        0,
        "--memory wrote files"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cwd);
}

#[tokio::test]
async fn bootstrap_key_and_user_give_working_credentials() {
    let s = Server::start(&[
        "--memory",
        "--bootstrap-key",
        &bootstrap(),
        "--bootstrap-user",
        "acme=owner@example.com:correct horse",
    ]);
    assert_eq!(s.get("/leads", KEY).await.status(), 200);
    assert_eq!(s.get("/leads", "cw_test_unknown").await.status(), 401);
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", s.url))
        .json(&json!({"email": "owner@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    let access = tokens["accessToken"].as_str().unwrap();
    assert_eq!(s.get("/leads", access).await.status(), 200);
}

#[tokio::test]
async fn demo_prints_a_key_that_sees_sample_data() {
    let s = Server::start_with_lines(&["--memory", "--demo"], 1);
    let key = s.extra[0].rsplit(' ').next().unwrap().to_string();
    assert!(key.starts_with("cw_test_"), "{:?}", s.extra);
    for (path, at_least) in [("/leads", 6), ("/calls", 4), ("/chat/sessions", 3)] {
        let page: Value = s.get(path, &key).await.json().await.unwrap();
        assert!(
            page["data"].as_array().unwrap().len() >= at_least,
            "{path}: {page}"
        );
    }
}

#[tokio::test]
async fn rate_limit_admits_n_per_minute_then_429() {
    let s = Server::start(&[
        "--memory",
        "--bootstrap-key",
        &bootstrap(),
        "--rate-limit",
        "3/min",
    ]);
    for _ in 0..3 {
        let r = s.get("/leads", KEY).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-ratelimit-limit"], "3");
    }
    let r = s.get("/leads", KEY).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn webhook_retry_delays_space_the_attempts() {
    // The flag the way the contract writes it used to panic at start (clap and a Vec value).
    let s = Server::start(&[
        "--memory",
        "--bootstrap-key",
        &bootstrap(),
        "--webhook-retry-delays",
        "1s,5m",
    ]);
    let receiver = Receiver::start(100).await;
    let endpoint: Value = s
        .post(
            "/webhooks",
            KEY,
            json!({"url": receiver.url, "events": ["*"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let we = endpoint["id"].as_str().unwrap();
    assert_eq!(
        s.post(&format!("/webhooks/{we}/test"), KEY, json!({}))
            .await
            .status(),
        202,
    );
    // The first attempt fails at once, the second 1 s later, and the third is 5 min away.
    let deadline = Instant::now() + Duration::from_secs(15);
    let delivery = loop {
        let page: Value = s
            .get(&format!("/webhooks/{we}/deliveries"), KEY)
            .await
            .json()
            .await
            .unwrap();
        let d = page["data"][0].clone();
        if d["attempts"].as_u64() == Some(2) {
            break d;
        }
        assert!(Instant::now() < deadline, "no second attempt: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(delivery["status"], "pending", "{delivery}");
    let next = time::OffsetDateTime::parse(
        delivery["nextAttemptAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let wait = next - time::OffsetDateTime::now_utc();
    assert!(
        wait > time::Duration::minutes(4) && wait <= time::Duration::minutes(5),
        "the third attempt is {wait} away, not 5 min"
    );
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn fault_rate_one_fails_every_api_request_but_not_health() {
    let s = Server::start(&[
        "--memory",
        "--bootstrap-key",
        &bootstrap(),
        "--fault-rate",
        "1",
        "--fault-seed",
        "7",
    ]);
    for _ in 0..5 {
        let r = reqwest::Client::new()
            .get(format!("{}/api/v1/leads", s.url))
            .bearer_auth(KEY)
            .send()
            .await;
        match r {
            Ok(r) => assert!(r.status().is_server_error(), "{}", r.status()),
            Err(e) => assert!(e.is_request() || e.is_connect() || e.is_body(), "{e}"),
        }
    }
    let r = reqwest::get(format!("{}/api/v1/health", s.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn fault_seed_makes_the_plan_reproducible() {
    async fn plan(seed: &str) -> Vec<String> {
        let s = Server::start(&[
            "--memory",
            "--bootstrap-key",
            &bootstrap(),
            "--fault-rate",
            "0.5",
            "--fault-seed",
            seed,
        ]);
        let mut out = Vec::new();
        for _ in 0..12 {
            let r = reqwest::Client::new()
                .get(format!("{}/api/v1/leads", s.url))
                .bearer_auth(KEY)
                .send()
                .await;
            out.push(match r {
                Ok(r) => r.status().as_u16().to_string(),
                Err(_) => "dropped".into(),
            });
        }
        out
    }
    let a = plan("42").await;
    assert_eq!(a, plan("42").await);
    assert!(
        a.iter().any(|s| s == "200") && a.iter().any(|s| s != "200"),
        "{a:?}"
    );
}

#[tokio::test]
async fn latency_delays_api_requests() {
    let s = Server::start(&[
        "--memory",
        "--bootstrap-key",
        &bootstrap(),
        "--latency",
        "300ms",
    ]);
    let t = Instant::now();
    assert_eq!(s.get("/leads", KEY).await.status(), 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn record_writes_every_exchange_as_json_lines() {
    let dir = temp_dir("record");
    let file = dir.join("exchanges.jsonl");
    {
        let s = Server::start(&[
            "--memory",
            "--bootstrap-key",
            &bootstrap(),
            "--record",
            file.to_str().unwrap(),
        ]);
        s.post("/leads", KEY, json!({"name": "Recorded"})).await;
        s.get("/leads", KEY).await;
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["status"], 201, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

async fn preflight(url: &str, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{url}/api/v1/leads"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,idempotency-key,x-callwaitingai-client,x-callwaitingai-retry-count",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_by_default_names_every_requested_header_never_a_wildcard() {
    let s = Server::start(&["--memory"]);
    let r = preflight(&s.url, "http://app.example").await;
    assert!(r.status().is_success(), "{}", r.status());
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    // `*` does not cover Authorization under the Fetch standard: it must be named.
    for name in [
        "authorization",
        "content-type",
        "idempotency-key",
        "x-callwaitingai-client",
        "x-callwaitingai-retry-count",
    ] {
        assert!(
            allowed.split(',').any(|a| a.trim() == name),
            "{name} not in {allowed:?}"
        );
    }
    assert!(!allowed.contains('*'), "{allowed:?}");
    let methods = h["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );
    // Simple responses expose what the SDKs read.
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/health", s.url))
        .header("origin", "http://app.example")
        .send()
        .await
        .unwrap();
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "x-request-id",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "idempotent-replayed",
    ] {
        assert!(exposed.contains(name), "{name} not in {exposed:?}");
    }
}

#[tokio::test]
async fn cors_origin_admits_that_origin_only() {
    let s = Server::start(&["--memory", "--cors-origin", "http://app.example"]);
    let ok = preflight(&s.url, "http://app.example").await;
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://app.example"
    );
    // Another origin is not admitted: the answer names only the configured origin (or none),
    // which a browser refuses for any other page.
    let other = preflight(&s.url, "http://evil.example").await;
    let allowed = other.headers().get("access-control-allow-origin");
    assert!(
        allowed.is_none_or(|v| v == "http://app.example"),
        "{allowed:?}"
    );
}

#[tokio::test]
async fn a_realistic_combination_starts_and_serves() {
    let dir = temp_dir("combo");
    let s = Server::start_with_lines(
        &[
            "--db",
            dir.join("c.db").to_str().unwrap(),
            "--demo",
            "--bootstrap-key",
            &bootstrap(),
            "--bootstrap-user",
            "acme=dev@example.com:pw-123456",
            "--rate-limit",
            "1000/min",
            "--cors-origin",
            "http://localhost:5173",
            "--webhook-retry-delays",
            "5s,5m,30m",
            "--fault-rate",
            "0",
            "--fault-seed",
            "1",
            "--latency",
            "10ms",
            "--record",
            dir.join("r.jsonl").to_str().unwrap(),
        ],
        1,
    );
    assert!(s.extra[0].contains("cw_test_"), "{:?}", s.extra);
    assert_eq!(s.get("/leads", KEY).await.status(), 200);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the binary with `args` and returns its exit code and stderr.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    fails_with(args, None)
}

/// [`fails`] with `DATABASE_URL` set to `database_url` (`None`: unset).
fn fails_with(args: &[&str], database_url: Option<&str>) -> (Option<i32>, String) {
    let mut cmd = Command::new(BIN);
    match database_url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    let out = cmd.args(args).stdin(Stdio::null()).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_values_exit_non_zero_with_one_line_and_no_panic() {
    let dir = temp_dir("bad");
    let not_a_dir = dir.join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let bad_db = not_a_dir.join("x.db");
    let cases: Vec<Vec<&str>> = vec![
        vec!["--addr", "not-an-address"],
        vec!["--addr", "256.0.0.1:80"],
        vec!["--memory", "--bootstrap-key", "no-equals-sign"],
        vec!["--memory", "--bootstrap-user", "acme=no-at-sign:pw"],
        vec!["--memory", "--rate-limit", "0/min"],
        vec!["--memory", "--rate-limit", "lots"],
        vec!["--memory", "--webhook-retry-delays", "5x"],
        vec!["--memory", "--webhook-retry-delays", ""],
        vec!["--memory", "--webhook-retry-delays", "5s,,5m"],
        vec!["--memory", "--webhook-retry-delays", "99999999999999999h"],
        vec![
            "--memory",
            "--webhook-retry-delays",
            "18446744073709551615h",
        ],
        vec!["--memory", "--fault-rate", "2"],
        vec!["--memory", "--fault-rate", "NaN"],
        vec!["--memory", "--fault-seed", "-1"],
        vec!["--memory", "--latency", "1s,2s"],
        vec!["--memory", "--latency", "soon"],
        vec!["--memory", "--cors-origin", "bad\nvalue"],
        vec!["--memory", "--db", "x.db"],
        vec!["--db", bad_db.to_str().unwrap()],
        vec!["--memory", "--no-such-flag"],
        vec!["--database-url", "mysql://user@127.0.0.1/db"],
        vec!["--database-url", "postgres://u@127.0.0.1:1/x", "--memory"],
        vec![
            "--database-url",
            "postgres://u@127.0.0.1:1/x",
            "--db",
            "x.db",
        ],
        // Nothing listens on port 1: the start fails with why.
        vec!["--database-url", "postgres://u:pw@127.0.0.1:1/x"],
    ];
    for args in cases {
        let mut full = vec!["--addr", "127.0.0.1:0"];
        if args.first() == Some(&"--addr") {
            full.clear();
        }
        full.extend(&args);
        let (code, stderr) = fails(&full);
        assert!(
            matches!(code, Some(c) if c != 0),
            "{args:?}: exit {code:?}, stderr {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{args:?}: not one line: {stderr:?}");
        assert!(
            lines[0].starts_with("callwaitingai-server: "),
            "{args:?}: {stderr:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn database_url_errors_say_why_and_never_show_the_password() {
    let (code, stderr) = fails(&[
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        "postgres://app:s3cret-pass@127.0.0.1:1/crm",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot connect to PostgreSQL at app@127.0.0.1:1/crm")
            && stderr.contains("refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "the password leaked: {stderr}");
    // DATABASE_URL is read when no flag chooses the storage: another database's URL there
    // (a common variable) is refused with what to do, rather than ignored or half-used.
    let (code, stderr) = fails_with(
        &["--addr", "127.0.0.1:0"],
        Some("mysql://app:s3cret@db/crm"),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    // A PostgreSQL DATABASE_URL is used: here nothing listens, so the start fails on it.
    let (code, stderr) = fails_with(
        &["--addr", "127.0.0.1:0"],
        Some("postgres://app:s3cret@127.0.0.1:1/crm"),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("app@127.0.0.1:1/crm"), "{stderr}");
}

#[tokio::test]
async fn storage_flags_win_over_database_url() {
    // --memory with a DATABASE_URL in the environment: the flag decides.
    let (mut child, url) = super::support::spawn_listening(
        Command::new(BIN)
            .env("DATABASE_URL", "postgres://app:pw@127.0.0.1:1/crm")
            .args([
                "--addr",
                "127.0.0.1:0",
                "--memory",
                "--bootstrap-key",
                &bootstrap(),
            ]),
    );
    let res = reqwest::Client::new()
        .get(format!("{url}/api/v1/leads"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(res.status(), 200);
}

#[test]
fn help_and_version_succeed() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--addr",
        "--db",
        "--memory",
        "--database-url",
        "--demo",
        "--bootstrap-key",
        "--bootstrap-user",
        "--rate-limit",
        "--cors-origin",
        "--webhook-retry-delays",
        "--fault-rate",
        "--fault-seed",
        "--latency",
        "--record",
    ] {
        assert!(help.contains(flag), "--help does not document {flag}");
    }
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("callwaitingai-server "));
}
