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
