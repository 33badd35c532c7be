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
    let repo_spec = include_str!("../../../openapi.yaml");
    assert!(
        text.ends_with(repo_spec),
        "the served YAML is the repository's spec"
    );

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
