//! The conformance suite: every case in `tests/conformance/cases` run by every SDK (Rust,
//! Python, Node, and the wasm package under Node) against its own reference server, then one
//! table of case × language, every recorded response checked against `openapi.yaml`, and the
//! operations each language exercised.
//!
//! `cargo run -p callwaitingai-tests --bin conformance -- [--lang rust,python,node,wasm]
//! [--python PATH] [--case NAME]`: the Python runner needs an interpreter with `callwaitingai`
//! installed (by default `target/xtask-venv/bin/python`), the Node runner `sdk-node` built and
//! the wasm runner `sdk-wasm/pkg`; `cargo xtask test` prepares all of them first.

#![allow(clippy::unwrap_used)] // a test driver: its own bugs may panic

mod check;
mod receiver;
mod rust_runner;
mod schema;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

use serde_json::{Value, json};

/// The default key of every case (organisation `acme`).
pub const KEY: &str = "cw_test_conformance_acme_000000000000";
/// Another organisation's key (`$keys.other`).
pub const OTHER_KEY: &str = "cw_test_conformance_globex_0000000000";

const LANGS: [&str; 4] = ["rust", "python", "node", "wasm"];

struct Server(Child);

impl Server {
    fn start(bin: &Path, flags: &[String], record: &Path) -> Result<(Server, String), String> {
        let mut cmd = Command::new(bin);
        cmd.args(["--addr", "127.0.0.1:0", "--memory"])
            .args(["--bootstrap-key", &format!("acme={KEY}")])
            .args(["--bootstrap-key", &format!("globex={OTHER_KEY}")])
            .arg("--record")
            .arg(record);
        if !flags.iter().any(|f| f == "--rate-limit") {
            cmd.args(["--rate-limit", "1000000/min"]);
        }
        cmd.args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().map_err(|e| format!("{}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let server = Server(child);
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("the server said {line:?}"))?
            .to_string();
        Ok((server, url))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Case {
    name: String,
    json: Value,
}

fn load_cases(dir: &Path, only: Option<&str>) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let fixtures = dir.join("..").join("..").join("fixtures").join("webhooks");
    files
        .into_iter()
        .map(|p| {
            let json: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Case {
                name: json["name"].as_str().unwrap().to_string(),
                json,
            }
        })
        .chain(provider_fixture_cases(&fixtures))
        .filter(|c| only.is_none_or(|o| o == c.name))
        .collect()
}

/// One case per file of `tests/fixtures/webhooks/` (`provider:meta-text`…): the payload is
/// signed as its provider would (`sign_request`), then verified and typed; the outcome (the
/// result in camelCase, Meta's messages and statuses) must match the fixture's `expect` in every
/// language.
fn provider_fixture_cases(dir: &Path) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let f: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = format!("provider:{}", p.file_stem().unwrap().to_string_lossy());
            let payload = match &f["body"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut expect = json!({
                "provider": f["provider"], "type": f["expect"]["type"], "fields": f["expect"]["fields"],
            });
            for list in ["messages", "statuses"] {
                if !f["expect"][list].is_null() {
                    expect[list] = f["expect"][list].clone();
                }
            }
            let steps = json!([
                {
                    "webhook": "sign_request", "provider": f["provider"], "payload": payload,
                    "secret": f["secret"], "url": f["url"], "timestamp": 1_793_000_000, "save": "signed",
                },
                {
                    "webhook": "provider_event", "provider": f["provider"], "payload": payload,
                    "secret": f["secret"], "url": f["url"], "now": 1_793_000_000,
                    "headers": f["headers"], "signedHeaders": "$signed",
                    "expect": {"ok": expect},
                },
            ]);
            Case {
                name: name.clone(),
                json: json!({"name": name, "about": f["source"], "steps": steps}),
            }
        })
        .collect()
}

/// Runs a language's runner over the manifest; one result per case: the outcomes, or why the
/// runner could not go on.
async fn run_language(
    lang: &str,
    root: &Path,
    python: &Path,
    manifest: &[Value],
    manifest_file: &Path,
) -> Vec<Result<Vec<Value>, String>> {
    if lang == "rust" {
        let mut out = Vec::new();
        for entry in manifest {
            out.push(
                rust_runner::run_case(
                    &entry["case"],
                    entry["baseURL"].as_str().unwrap(),
                    &entry["vars"],
                )
                .await,
            );
        }
        return out;
    }
    std::fs::write(manifest_file, serde_json::to_vec(manifest).unwrap()).unwrap();
    let runners = root.join("tests").join("conformance").join("runners");
    let mut cmd = match lang {
        "python" => {
            let mut c = Command::new(python);
            c.arg(runners.join("python").join("runner.py"));
            c
        }
        _ => {
            let mut c = Command::new("node");
            c.arg(runners.join("node").join("runner.mjs"));
            let entry = if lang == "wasm" {
                root.join("sdk-wasm").join("pkg").join("index.js")
            } else {
                root.join("sdk-node").join("index.mjs")
            };
            c.env("CALLWAITINGAI_SDK_ENTRY", entry);
            c
        }
    };
    cmd.arg(manifest_file).stderr(Stdio::inherit());
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap();
    let parsed = output
        .map_err(|e| format!("cannot start the {lang} runner: {e}"))
        .and_then(|o| {
            serde_json::from_slice::<Value>(&o.stdout).map_err(|e| {
                format!(
                    "the {lang} runner's output is not JSON ({e}): {}",
                    String::from_utf8_lossy(&o.stdout)
                )
            })
        });
    match parsed {
        Ok(v) => v["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| match r["fatal"].as_str() {
                Some(f) => Err(f.to_string()),
                None => Ok(r["outcomes"].as_array().cloned().unwrap_or_default()),
            })
            .chain(std::iter::repeat_with(|| {
                Err("no result from the runner".to_string())
            }))
            .take(manifest.len())
            .collect(),
        Err(e) => manifest.iter().map(|_| Err(e.clone())).collect(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let mut langs: Vec<String> = LANGS.iter().map(|s| s.to_string()).collect();
    let mut python = target.join("xtask-venv").join("bin").join("python");
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lang" => {
                langs = args
                    .next()
                    .unwrap()
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            "--python" => python = PathBuf::from(args.next().unwrap()),
            "--case" => only = args.next(),
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::FAILURE;
            }
        }
    }
    let server_bin = std::env::var_os("CALLWAITINGAI_SERVER_BIN").map_or_else(
        || target.join("debug").join("callwaitingai-server"),
        PathBuf::from,
    );
    let cases = load_cases(
        &root.join("tests").join("conformance").join("cases"),
        only.as_deref(),
    );
    let spec = schema::Spec::load(&root.join("openapi.yaml")).unwrap();
    let receiver = receiver::Receiver::start().await.unwrap();
    let work = target.join("conformance");
    let _ = std::fs::remove_dir_all(&work);

    // case → language → result
    let mut table: BTreeMap<String, BTreeMap<String, Result<(), String>>> = BTreeMap::new();
    let mut reports: BTreeMap<String, schema::Report> = BTreeMap::new();
    for lang in &langs {
        let dir = work.join(lang);
        std::fs::create_dir_all(&dir).unwrap();
        let started = std::time::Instant::now();
        let mut servers = Vec::new();
        let mut manifest = Vec::new();
        for case in &cases {
            let flags: Vec<String> = case.json["server"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let record = dir.join(format!("{}.jsonl", case.name));
            let (server, url) = Server::start(&server_bin, &flags, &record).unwrap();
            servers.push(server);
            let vars = json!({
                "keys": {"default": KEY, "other": OTHER_KEY},
                "receiver": {"url": receiver.url(&format!("{lang}-{}", case.name))},
                // Nothing listens on the discard port.
                "closed": {"url": "http://127.0.0.1:9"},
            });
            manifest.push(json!({"case": case.json, "baseURL": url, "vars": vars, "key": KEY}));
        }
        let results =
            run_language(lang, &root, &python, &manifest, &dir.join("manifest.json")).await;
        drop(servers);
        for ((case, result), entry) in cases.iter().zip(results).zip(&manifest) {
            let verdict =
                result.and_then(|outcomes| check::evaluate(&case.json, &entry["vars"], &outcomes));
            table
                .entry(case.name.clone())
                .or_default()
                .insert(lang.clone(), verdict);
        }
        let report = reports.entry(lang.clone()).or_default();
        for case in &cases {
            spec.check_records(&dir.join(format!("{}.jsonl", case.name)), report);
        }
        eprintln!(
            "conformance: {lang} ran {} cases in {:.1}s",
            cases.len(),
            started.elapsed().as_secs_f64()
        );
    }
    // Every delivery the server made in every run, against the spec's `webhooks` section.
    let mut deliveries = schema::Report::default();
    for body in receiver.bodies() {
        spec.check_event(&body, &mut deliveries);
        if let Some(t) = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["type"].as_str().map(str::to_string))
        {
            deliveries.operations.insert(t);
        }
    }
    reports.insert("webhook deliveries".into(), deliveries);
    print_and_judge(&cases, &langs, &table, &reports, &spec)
}

fn print_and_judge(
    cases: &[Case],
    langs: &[String],
    table: &BTreeMap<String, BTreeMap<String, Result<(), String>>>,
    reports: &BTreeMap<String, schema::Report>,
    spec: &schema::Spec,
) -> ExitCode {
    let mut failed = false;
    let width = cases
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(4)
        .max(24);
    println!(
        "\nconformance: {} cases × {} languages",
        cases.len(),
        langs.len()
    );
    print!("{:width$}", "case");
    for l in langs {
        print!("  {l:>6}");
    }
    println!();
    let mut failures = Vec::new();
    for case in cases {
        print!("{:width$}", case.name);
        for l in langs {
            match &table[&case.name][l] {
                Ok(()) => print!("  {:>6}", "pass"),
                Err(e) => {
                    print!("  {:>6}", "FAIL");
                    failures.push(format!("{} / {l}: {e}", case.name));
                }
            }
        }
        println!();
    }
    if !failures.is_empty() {
        failed = true;
        println!("\nfailures:");
        for f in &failures {
            println!("  {f}");
        }
    }

    println!("\nresponses checked against openapi.yaml:");
    for l in langs {
        let r = &reports[l];
        println!(
            "  {l:>6}: {} responses, {} not conforming",
            r.checked,
            r.errors.len()
        );
        for e in &r.errors {
            failed = true;
            println!("          {e}");
        }
    }

    if let Some(d) = reports.get("webhook deliveries") {
        println!(
            "\nwebhook deliveries checked against the spec's webhooks: {}, {} not conforming",
            d.checked,
            d.errors.len()
        );
        for e in &d.errors {
            failed = true;
            println!("          {e}");
        }
        let types = spec.event_types();
        let sent: Vec<&str> = types
            .iter()
            .filter(|t| d.operations.contains(*t))
            .map(String::as_str)
            .collect();
        let unsent: Vec<&str> = types
            .iter()
            .filter(|t| !d.operations.contains(*t))
            .map(String::as_str)
            .collect();
        println!("  delivered: {}", sent.join(", "));
        if !unsent.is_empty() {
            println!(
                "  not sent by the reference server (no operation triggers them): {}",
                unsent.join(", ")
            );
        }
    }

    let all = spec.operation_ids();
    let owidth = all.iter().map(String::len).max().unwrap_or(10) + 2;
    println!("\noperations exercised ({} in openapi.yaml):", all.len());
    print!("{:owidth$}", "operationId");
    for l in langs {
        print!("  {l:>6}");
    }
    println!();
    for op in &all {
        print!("{op:owidth$}");
        for l in langs {
            let seen = reports[l].operations.contains(op);
            failed |= !seen;
            print!("  {:>6}", if seen { "yes" } else { "NO" });
        }
        println!();
    }
    if failed {
        println!("\nconformance: FAILED");
        ExitCode::FAILURE
    } else {
        println!(
            "\nconformance: every case passes in every language; every response conforms; every operation exercised"
        );
        ExitCode::SUCCESS
    }
}
