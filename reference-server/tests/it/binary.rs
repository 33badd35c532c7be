//! The `callwaitingai-server` binary: the `listening on` line, port 0, SIGTERM. Every flag:
//! `cli.rs`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_its_real_port_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callwaitingai-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--memory",
            "--bootstrap-key",
            "acme=cw_test_binary_key",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let r = reqwest::Client::new()
        .get(format!("{url}/api/v1/leads"))
        .bearer_auth("cw_test_binary_key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    #[cfg(unix)]
    {
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
    }
}

#[tokio::test]
async fn the_binary_serves_its_spec_without_a_key() {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_callwaitingai-server"))
            .args(["--addr", "127.0.0.1:0", "--memory"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let http = reqwest::Client::new();
    let yaml = http
        .get(format!("{url}/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(yaml.status(), 200);
    assert_eq!(yaml.headers()["content-type"], "application/yaml");
    let text = yaml.text().await.unwrap();
    // The repository's spec, with the portal's code samples in six languages per operation.
    let served: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    let repo: serde_json::Value =
        serde_yaml_ng::from_str(include_str!("../../../openapi.yaml")).unwrap();
    assert_eq!(served["components"], repo["components"]);
    assert_eq!(served["webhooks"], repo["webhooks"]);
    let create = &served["paths"]["/leads"]["post"];
    assert_eq!(
        create["summary"],
        repo["paths"]["/leads"]["post"]["summary"]
    );
    let labels: Vec<&str> = create["x-codeSamples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Rust", "Python", "Node", "Browser", "cURL", "PHP"]);

    let json = http
        .get(format!("{url}/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 200);
    assert!(
        json.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let spec: serde_json::Value = json.json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["webhooks"]["lead.created"].is_object());
    assert!(spec["paths"]["/leads"].is_object());
    assert_eq!(
        spec["servers"][0]["url"],
        format!("{url}/api/v1"),
        "this server first"
    );
    assert_eq!(spec["servers"][1]["url"], "http://127.0.0.1:8080/api/v1");
    // A Host that is not a host name is not reflected.
    let spec: serde_json::Value = http
        .get(format!("{url}/openapi.json"))
        .header("host", "evil.example/x")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["servers"][0]["url"], "http://127.0.0.1:8080/api/v1");
}

/// Stops the server however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_the_portal_offline_and_prints_its_try_it_address_with_demo() {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_callwaitingai-server"))
            .args(["--addr", "127.0.0.1:0", "--memory", "--demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let url = next().strip_prefix("listening on ").unwrap().to_string();
    let key = next()
        .strip_prefix("demo organisation API key: ")
        .unwrap()
        .to_string();
    assert_eq!(
        next(),
        format!("developer portal (try-it with the demo key): {url}/docs#api_key={key}")
    );
    drop(lines); // a starter that stops reading does not stop the server

    let http = reqwest::Client::new();
    let page = http.get(format!("{url}/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<script src="/docs/scalar.js"></script>"#));
    assert!(html.contains("url: '/openapi.json'"));
    // Only this server's addresses: no CDN, no fonts.
    assert!(!html.contains("https://"), "{html}");
    let js = http
        .get(format!("{url}/docs/scalar.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(
        js.bytes().await.unwrap().len(),
        include_bytes!("../../assets/scalar/standalone.js").len()
    );
    // The demo key works against the API the page's try-it calls.
    let leads = http
        .get(format!("{url}/api/v1/leads"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(leads.status(), 200);
    assert!(child.0.try_wait().unwrap().is_none(), "the server stopped");
}
