//! A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's `postgresql`
//! (installed when missing), `initdb` in a temporary folder, `pg_ctl` on a free loopback port,
//! removed when dropped. No Docker.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::sh;

/// A running cluster; stopped and deleted on drop.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub url: String,
    as_postgres: bool,
}

/// `initdb`, `pg_ctl`: the newest installed PostgreSQL's `bin` folder, installing Debian's
/// `postgresql` when there is none.
fn bin_dir() -> Result<PathBuf> {
    let find = || -> Option<PathBuf> {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| {
                let e = e.ok()?;
                let v = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((v, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, b)| b)
    };
    if let Some(b) = find() {
        return Ok(b);
    }
    eprintln!("PostgreSQL is not installed: installing Debian's postgresql");
    crate::apt_install("postgresql")?;
    find().context("postgresql was installed but no initdb was found under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// Creates and starts a cluster. `settings` are extra `-c name=value` server settings.
    pub fn start(settings: &[&str]) -> Result<Self> {
        let bin = bin_dir()?;
        // initdb refuses to run as root: as root, the cluster belongs to the `postgres` user.
        let as_postgres = is_root();
        let dir = std::env::temp_dir().join(format!(
            "callwaitingai-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut cluster = Self {
            bin,
            dir,
            url: String::new(),
            as_postgres,
        };
        if as_postgres {
            sh(Command::new("chown")
                .arg("postgres:postgres")
                .arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        sh(cluster
            .tool("initdb")
            .args([
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ])
            .arg("-D")
            .arg(&data)
            .stdout(std::process::Stdio::null()))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("finding a free port")?
            .port();
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={}",
            cluster.dir.display()
        );
        for s in settings {
            options.push_str(" -c ");
            options.push_str(s);
        }
        sh(cluster
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .stdout(std::process::Stdio::null()))
        .with_context(|| cluster.log())?;
        cluster.url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        eprintln!("PostgreSQL {} at {}", cluster.version(), cluster.url);
        Ok(cluster)
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn version(&self) -> String {
        Command::new(self.bin.join("postgres"))
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }

    /// The server log's tail, for failures.
    pub fn log(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("PostgreSQL's log:\n{}", tail.join("\n"))
    }

    /// Creates the database `name`; its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        self.psql(&format!("CREATE DATABASE {name}"))?;
        let (server, _) = self
            .url
            .rsplit_once('/')
            .context("the cluster URL has a database")?;
        Ok(format!("{server}/{name}"))
    }

    /// Runs `psql -c sql` against the cluster.
    pub fn psql(&self, sql: &str) -> Result<String> {
        let out = self
            .tool("psql")
            .args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.url,
                "-c",
                sql,
            ])
            .output()
            .context("running psql")?;
        if !out.status.success() {
            bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
