//! The `callwaitingai-server` binary: the `listening on` line, port 0, SIGTERM.

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
async fn demo_seeds_sample_data_and_prints_its_key() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callwaitingai-server"))
        .args(["--addr", "127.0.0.1:0", "--memory", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let mut second = String::new();
    out.read_line(&mut second).unwrap();
    let key = second.trim().rsplit(' ').next().unwrap().to_string();
    assert!(key.starts_with("cw_test_"), "{second:?}");
    let client = reqwest::Client::new();
    for (path, at_least) in [("leads", 6), ("calls", 4), ("chat/sessions", 3)] {
        let page: serde_json::Value = client
            .get(format!("{url}/api/v1/{path}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            page["data"].as_array().unwrap().len() >= at_least,
            "{path}: {page}"
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
