//! `callwaitingai-server [--addr 127.0.0.1:8080] [--db PATH | --memory | --database-url URL]
//! [--bootstrap-key ORG=KEY]…
//! [--bootstrap-user ORG=EMAIL:PASSWORD]…
//! [--rate-limit N/min] [--cors-origin ORIGIN] [--webhook-retry-delays 5s,5m,30m]
//! [--fault-rate P] [--fault-seed N] [--latency 200ms] [--record FILE] [--demo]`

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use callwaitingai_server::{Config, Storage, start};
use clap::Parser;

/// The CallWaitingAI reference server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite file (created if needed) [default: callwaitingai.db].
    #[arg(long, conflicts_with_all = ["memory", "database_url"])]
    db: Option<PathBuf>,
    /// Keep everything in memory: nothing survives a restart.
    #[arg(long, conflicts_with = "database_url")]
    memory: bool,
    /// PostgreSQL instead of SQLite: postgres://USER:PASSWORD@HOST:PORT/DB. Several servers may
    /// share one database. Also read from DATABASE_URL when neither --db nor --memory is given.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// ORG=KEY: create organisation ORG if needed and an admin API key with exactly this secret.
    #[arg(long = "bootstrap-key", value_parser = parse_pair)]
    bootstrap_keys: Vec<(String, String)>,
    /// ORG=EMAIL:PASSWORD: a user who can log in (`POST /api/v1/auth/login`).
    #[arg(long = "bootstrap-user", value_parser = parse_user)]
    bootstrap_users: Vec<(String, String, String)>,
    /// Requests per minute per API key, as N/min (or N).
    #[arg(long, default_value = "600/min", value_parser = parse_rate)]
    rate_limit: u32,
    /// The only origin browsers may call from (default: any).
    #[arg(long)]
    cors_origin: Option<String>,
    /// Waits between webhook delivery attempts, e.g. 5s,5m,30m,2h (units ms, s, m, h).
    #[arg(long, value_parser = parse_delays)]
    webhook_retry_delays: Option<Delays>,
    /// Share of API requests (0 to 1) that fail on purpose: 500/503 or a dropped connection,
    /// before or after the work.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate_share)]
    fault_rate: f64,
    /// Seed of the fault plan: the same seed fails the same requests.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Seed a demo organisation with sample leads, calls and chats, and print its API key.
    #[arg(long)]
    demo: bool,
    /// A delay before every API request, e.g. 200ms (units ms, s, m, h), to test client timeouts.
    #[arg(long, value_parser = parse_delay)]
    latency: Option<Duration>,
    /// Append every API exchange to FILE as JSON lines (method, route, status, response body).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
}

/// A comma-separated list of waits, parsed as one value (clap would otherwise treat a `Vec` as
/// a flag given several times).
#[derive(Debug, Clone)]
struct Delays(Vec<Duration>);

fn parse_delay(s: &str) -> Result<Duration, String> {
    match parse_delays(s)?.0.as_slice() {
        [d] => Ok(*d),
        _ => Err(format!("expected one duration, got {s:?}")),
    }
}

fn parse_rate_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("expected a number from 0 to 1, got {s:?}")),
    }
}

fn parse_delays(s: &str) -> Result<Delays, String> {
    s.split(',')
        .map(|d| {
            let d = d.trim();
            let (n, unit) = d
                .find(|c: char| !c.is_ascii_digit())
                .map_or((d, ""), |i| d.split_at(i));
            let n: u64 = n
                .parse()
                .map_err(|_| format!("bad delay {d:?}; expected e.g. 500ms, 5s, 5m or 2h"))?;
            let secs_per_unit = match unit {
                "ms" => return Ok(Duration::from_millis(n)),
                "s" | "" => 1,
                "m" => 60,
                "h" => 3600,
                _ => return Err(format!("bad unit in {d:?}; use ms, s, m or h")),
            };
            n.checked_mul(secs_per_unit)
                .filter(|&secs| secs <= MAX_DELAY_SECS)
                .map(Duration::from_secs)
                .ok_or_else(|| format!("delay {d:?} is longer than a year"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Delays)
}

/// No wait on the command line may be longer than a year (longer ones are typos).
const MAX_DELAY_SECS: u64 = 366 * 24 * 3600;

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((org, key)) if !org.is_empty() && !key.is_empty() => Ok((org.into(), key.into())),
        _ => Err("expected ORG=KEY".into()),
    }
}

fn parse_user(s: &str) -> Result<(String, String, String), String> {
    let (org, rest) = s.split_once('=').ok_or("expected ORG=EMAIL:PASSWORD")?;
    let (email, password) = rest.split_once(':').ok_or("expected ORG=EMAIL:PASSWORD")?;
    if org.is_empty() || !email.contains('@') || password.is_empty() {
        return Err("expected ORG=EMAIL:PASSWORD with a non-empty password".into());
    }
    Ok((org.into(), email.into(), password.into()))
}

fn parse_rate(s: &str) -> Result<u32, String> {
    let n = s.strip_suffix("/min").unwrap_or(s);
    match n.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected N/min with N ≥ 1, got {s:?}")),
    }
}

/// The command line, or exit: help and version as clap prints them, a bad value as one line
/// on stderr (`callwaitingai-server: invalid value …`) and exit status 2.
fn parse_args() -> Args {
    match Args::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("callwaitingai-server: {first} (see --help)");
            std::process::exit(2);
        }
    }
}

/// The storage the flags choose: `--database-url`, `--memory`, `--db`, else `DATABASE_URL`
/// (PostgreSQL URLs only: the variable is common, and may name another application's
/// database), else the default SQLite file.
fn storage(args: &Args, env_url: Option<String>) -> Result<Storage, String> {
    let is_pg = |u: &str| u.starts_with("postgres://") || u.starts_with("postgresql://");
    if let Some(url) = &args.database_url {
        return if is_pg(url) {
            Ok(Storage::Postgres(url.clone()))
        } else {
            Err("--database-url must be a postgres:// or postgresql:// URL".into())
        };
    }
    if args.memory {
        return Ok(Storage::Memory);
    }
    if let Some(path) = &args.db {
        return Ok(Storage::File(path.clone()));
    }
    match env_url.filter(|u| !u.is_empty()) {
        Some(url) if is_pg(&url) => Ok(Storage::Postgres(url)),
        Some(_) => Err(
            "DATABASE_URL is set but is not a postgres:// URL; unset it, or pass --db PATH or --memory"
                .into(),
        ),
        None => Ok(Storage::File(PathBuf::from("callwaitingai.db"))),
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CALLWAITINGAI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = parse_args();
    let storage = match storage(&args, std::env::var("DATABASE_URL").ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("callwaitingai-server: {e}");
            std::process::exit(2);
        }
    };
    let config = Config {
        addr: args.addr,
        storage,
        bootstrap_keys: args.bootstrap_keys,
        bootstrap_users: args.bootstrap_users,
        rate_limit_per_min: args.rate_limit,
        cors_origin: args.cors_origin,
        webhook_retry_delays: args
            .webhook_retry_delays
            .map(|d| d.0)
            .unwrap_or_else(callwaitingai_server::default_retry_delays),
        fault_rate: args.fault_rate,
        fault_seed: args.fault_seed,
        demo: args.demo,
        latency: args.latency.unwrap_or_default(),
        record: args.record,
    };
    let server = match start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("callwaitingai-server: {e}");
            std::process::exit(1);
        }
    };
    // What a starter reads; a starter that stops reading after the first line (or closes the
    // pipe) must not stop the server, so failed writes are ignored rather than panicking.
    let mut out = String::new();
    let _ = writeln!(out, "listening on {}", server.url());
    match server.demo_key() {
        Some(key) => {
            let _ = writeln!(out, "demo organisation API key: {key}");
            // The key in the fragment: try-it works in one click, and it stays out of logs.
            let _ = writeln!(
                out,
                "developer portal (try-it with the demo key): {}/docs#api_key={key}",
                server.url()
            );
        }
        None => {
            let _ = writeln!(out, "developer portal: {}/docs", server.url());
        }
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    shutdown_signal().await;
    if let Err(e) = server.shutdown().await {
        eprintln!("callwaitingai-server: {e}");
        std::process::exit(1);
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
