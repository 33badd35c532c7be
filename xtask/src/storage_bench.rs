//! `cargo xtask bench-storage`: the release reference server on embedded SQLite (one
//! instance) and on PostgreSQL (one and three instances sharing a database), measured the same
//! way in the same run: `wrk` on `GET /leads/{id}` and `POST /leads`, then webhook delivery
//! (`reference-server/benches/delivery.rs`) at 50, 200 and 1 000 events per second.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{ServerProcess, cargo, pg, sh, target_dir};

const KEY: &str = "cw_test_bench_storage_000000000000";

/// `wrk` output: requests per second and the 99th percentile as printed.
struct Wrk {
    rps: f64,
    p99: String,
}

fn wrk_args(key: &str, threads: u32, conns: u32, script: Option<&Path>, url: &str) -> Command {
    let mut c = Command::new("wrk");
    c.args([
        &format!("-t{threads}"),
        &format!("-c{conns}"),
        "-d10s",
        "--latency",
        "-H",
        &format!("Authorization: Bearer {key}"),
    ]);
    if let Some(s) = script {
        c.arg("-s").arg(s);
    }
    c.arg(url);
    c
}

fn parse_wrk(out: &std::process::Output, url: &str) -> Result<Wrk> {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    let rps: f64 = field("Requests/sec:").parse().unwrap_or(0.0);
    if rps == 0.0 || !field("Non-2xx or 3xx responses:").is_empty() {
        bail!("wrk on {url}: {text}");
    }
    Ok(Wrk {
        rps,
        p99: field("99%"),
    })
}

/// `wrk -t2 -c32 -d10s` on `url` with `key`: requests per second and the p99 as printed.
pub(crate) fn wrk(key: &str, url: &str) -> Result<(f64, String)> {
    let out = wrk_args(key, 2, 32, None, url)
        .output()
        .context("running wrk")?;
    let w = parse_wrk(&out, url)?;
    Ok((w.rps, w.p99))
}

/// Debian's `wrk`, installed when missing.
pub(crate) fn ensure_wrk() -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        crate::apt_install("wrk")?;
    }
    Ok(())
}

/// Runs wrk against every instance at once (the connections split between them); the summed
/// rate and the worst p99.
fn wrk_all(urls: &[String], script: Option<&Path>) -> Result<(f64, String)> {
    let n = u32::try_from(urls.len()).unwrap_or(1);
    let children = urls
        .iter()
        .map(|u| {
            wrk_args(KEY, (2 / n).max(1), 32 / n, script, u)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .context("running wrk")
        })
        .collect::<Result<Vec<_>>>()?;
    let mut total = 0.0;
    let mut p99s = Vec::new();
    for (child, url) in children.into_iter().zip(urls) {
        let w = parse_wrk(&child.wait_with_output()?, url)?;
        total += w.rps;
        p99s.push(w.p99);
    }
    p99s.sort_by_key(|p| to_micros(p));
    Ok((total, p99s.pop().unwrap_or_default()))
}

/// wrk's `1.23ms` / `850.00us` / `1.02s` in microseconds, to compare.
fn to_micros(s: &str) -> u64 {
    let (num, mul) = if let Some(v) = s.strip_suffix("us") {
        (v, 1.0)
    } else if let Some(v) = s.strip_suffix("ms") {
        (v, 1e3)
    } else if let Some(v) = s.strip_suffix('s') {
        (v, 1e6)
    } else {
        (s, 1.0)
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let us = (num.parse::<f64>().unwrap_or(0.0) * mul) as u64;
    us
}

fn run_setup(
    root: &Path,
    name: &str,
    server_bin: &Path,
    storage: &[&str],
    instances: usize,
) -> Result<Vec<String>> {
    let key_arg = format!("acme={KEY}");
    let mut args = vec![
        "--bootstrap-key",
        &key_arg,
        "--rate-limit",
        "1000000000/min",
    ];
    args.extend_from_slice(storage);
    let servers = (0..instances)
        .map(|_| ServerProcess::start_bin(server_bin, &args))
        .collect::<Result<Vec<_>>>()?;
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();
    let created = Command::new("curl")
        .args(["-s", "-H"])
        .arg(format!("Authorization: Bearer {KEY}"))
        .args(["-H", "content-type: application/json"])
        .args(["-d", r#"{"name":"Bench"}"#])
        .arg(format!("{}/api/v1/leads", urls[0]))
        .output()?;
    let lead: serde_json::Value = serde_json::from_slice(&created.stdout)?;
    let id = lead["id"].as_str().context("no lead id")?.to_string();
    let get: Vec<String> = urls
        .iter()
        .map(|u| format!("{u}/api/v1/leads/{id}"))
        .collect();
    let (get_rps, get_p99) = wrk_all(&get, None)?;
    let script = target_dir(root).join("wrk-post-lead.lua");
    std::fs::write(
        &script,
        "wrk.method = \"POST\"\nwrk.body = '{\"name\":\"Bench\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
    )?;
    let post: Vec<String> = urls.iter().map(|u| format!("{u}/api/v1/leads")).collect();
    let (post_rps, post_p99) = wrk_all(&post, Some(&script))?;
    let out = cargo()
        .args([
            "bench",
            "--quiet",
            "-p",
            "callwaitingai-server",
            "--bench",
            "delivery",
            "--",
            KEY,
        ])
        .args(&urls)
        .output()
        .context("running the delivery bench")?;
    if !out.status.success() {
        bail!("delivery bench: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut rows = vec![
        format!("| {name} | `GET /leads/{{id}}` | {get_rps:.0} req/s, p99 {get_p99} |"),
        format!("| {name} | `POST /leads` | {post_rps:.0} req/s, p99 {post_p99} |"),
    ];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        rows.push(format!(
            "| {name} | webhooks, {} events/s for 5 s | {} of {} delivered, {}/s; event to receipt p50 {} ms, p95 {} ms, p99 {} ms |",
            v["rate"], v["delivered"], v["events"], v["deliveredPerSec"], v["p50ms"], v["p95ms"], v["p99ms"]
        ));
    }
    for r in &rows {
        println!("{r}");
    }
    drop(servers);
    Ok(rows)
}

pub fn bench_storage(root: &Path) -> Result<()> {
    ensure_wrk()?;
    sh(cargo().args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "callwaitingai-server",
    ]))?;
    sh(cargo().args([
        "bench",
        "--no-run",
        "--quiet",
        "-p",
        "callwaitingai-server",
        "--bench",
        "delivery",
    ]))?;
    let server = target_dir(root)
        .join("release")
        .join("callwaitingai-server");
    let mut rows = Vec::new();

    let dir = std::env::temp_dir().join(format!("callwaitingai-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("bench.db");
    let file = file.to_string_lossy().into_owned();
    let sqlite = run_setup(root, "SQLite, 1 instance", &server, &["--db", &file], 1);
    let _ = std::fs::remove_dir_all(&dir);
    rows.extend(sqlite?);

    // Durable commits as SQLite's WAL with synchronous=NORMAL makes them: written, not
    // flushed per transaction (synchronous_commit=off); fsync stays on.
    let cluster = pg::Cluster::start(&["max_connections=200", "synchronous_commit=off"])?;
    for (name, db, n) in [
        ("PostgreSQL, 1 instance", "bench1", 1),
        ("PostgreSQL, 3 instances", "bench3", 3),
    ] {
        let url = cluster.create_database(db)?;
        rows.extend(run_setup(
            root,
            name,
            &server,
            &["--database-url", &url],
            n,
        )?);
    }
    println!("\n| storage | measure | result |\n|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}
