//! `cargo xtask dist [--all]`: the release artifacts, in `dist/`, each checked as a registry
//! would check it.
//!
//! - `dist/python/`: the sdist and abi3 wheels of `callwaitingai` (maturin with `--zig`, no
//!   Docker), and the `callwaitingai-server` wheels (the reference server binary and its pytest
//!   plugin). Checked with `twine check --strict`, `abi3audit --strict`, the glibc floor (no
//!   symbol version above 2.17), and a wheel built from the sdist in a clean folder.
//! - `dist/npm/`: `@callwaitingai/sdk` and one package per platform (napi-rs's
//!   optionalDependencies scheme, built against glibc 2.17 with cargo-zigbuild),
//!   `@callwaitingai/server` and its platform packages, and `@callwaitingai/web`.
//! - `dist/crates/`: `callwaitingai` and `callwaitingai-server` (`cargo publish --dry-run`).
//! - `dist/SHA256SUMS`.
//!
//! Without `--all`, x86_64 glibc Linux only (what CI builds); with it, also aarch64 glibc and
//! x86_64/aarch64 musl. macOS and Windows are built by `.github/workflows/release.yml` on
//! their own runners. Every package's version is the workspace's (`Cargo.toml`); the command
//! fails when a manifest says otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{cargo, python_tools, sh, target_dir};

/// A platform we build for: Rust's target triple and npm's name for it.
#[derive(Clone, Copy)]
pub struct Platform {
    /// `x86_64-unknown-linux-gnu`.
    pub triple: &'static str,
    /// `linux-x64-gnu` (napi-rs's name, and the npm package suffix).
    pub npm: &'static str,
    /// npm's `os`.
    pub os: &'static str,
    /// npm's `cpu`.
    pub cpu: &'static str,
    /// npm's `libc` ("" where npm does not tell libcs apart).
    pub libc: &'static str,
    /// maturin's `--compatibility`.
    pub python_tag: &'static str,
}

impl Platform {
    /// The reference server's file name on this platform.
    fn server_binary(&self) -> &'static str {
        if self.os == "win32" {
            "callwaitingai-server.exe"
        } else {
            "callwaitingai-server"
        }
    }

    fn musl(&self) -> bool {
        self.libc == "musl"
    }

    /// The target as cargo-zigbuild takes it: glibc targets pinned to 2.17.
    fn zig_target(&self) -> String {
        if self.musl() {
            self.triple.to_string()
        } else {
            format!("{}.2.17", self.triple)
        }
    }
}

pub const PLATFORMS: &[Platform] = &[
    Platform {
        triple: "x86_64-unknown-linux-gnu",
        npm: "linux-x64-gnu",
        os: "linux",
        cpu: "x64",
        libc: "glibc",
        python_tag: "manylinux2014",
    },
    Platform {
        triple: "aarch64-unknown-linux-gnu",
        npm: "linux-arm64-gnu",
        os: "linux",
        cpu: "arm64",
        libc: "glibc",
        python_tag: "manylinux2014",
    },
    Platform {
        triple: "x86_64-unknown-linux-musl",
        npm: "linux-x64-musl",
        os: "linux",
        cpu: "x64",
        libc: "musl",
        python_tag: "musllinux_1_2",
    },
    Platform {
        triple: "aarch64-unknown-linux-musl",
        npm: "linux-arm64-musl",
        os: "linux",
        cpu: "arm64",
        libc: "musl",
        python_tag: "musllinux_1_2",
    },
];

/// The platforms `.github/workflows/release.yml` builds on their own runners; their npm packages
/// are made from its artifacts by `cargo xtask dist --prebuilt DIR`.
pub const NATIVE_RUNNER_PLATFORMS: &[Platform] = &[
    Platform {
        triple: "x86_64-apple-darwin",
        npm: "darwin-x64",
        os: "darwin",
        cpu: "x64",
        libc: "",
        python_tag: "",
    },
    Platform {
        triple: "aarch64-apple-darwin",
        npm: "darwin-arm64",
        os: "darwin",
        cpu: "arm64",
        libc: "",
        python_tag: "",
    },
    Platform {
        triple: "x86_64-pc-windows-msvc",
        npm: "win32-x64-msvc",
        os: "win32",
        cpu: "x64",
        libc: "",
        python_tag: "",
    },
];

/// The newest glibc symbol version a gnu artifact may need (manylinux2014).
const GLIBC_FLOOR: (u32, u32) = (2, 17);

pub fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist")
}

/// Builds every artifact for `platforms` into `dist/`, with its checks.
pub fn dist(root: &Path, platforms: &[Platform]) -> Result<()> {
    let started = Instant::now();
    let version = check_versions(root)?;
    let out = dist_dir(root);
    if out.exists() {
        std::fs::remove_dir_all(&out).context("emptying dist/")?;
    }
    for sub in ["python", "npm", "crates"] {
        std::fs::create_dir_all(out.join(sub))?;
    }
    let stage = target_dir(root).join("dist-stage");
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&stage)?;
    let bin = python_tools(root)?;
    for p in platforms {
        sh(Command::new("rustup").args(["target", "add", p.triple]))?;
    }
    let mut times: Vec<(String, f64)> = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        eprintln!("\n==> dist: {name}");
        let t = Instant::now();
        f().with_context(|| format!("dist: {name}"))?;
        times.push((name.to_string(), t.elapsed().as_secs_f64()));
        Ok(())
    };
    timed("python wheels and sdist", &mut || {
        python(root, &bin, platforms, &out.join("python"))
    })?;
    timed("npm packages", &mut || {
        npm(root, &bin, &version, platforms, &stage, &out.join("npm"))
    })?;
    timed("crates", &mut || crates(root, &out.join("crates")))?;
    check_contents(&out)?;
    sha256sums(&out)?;
    eprintln!("\ndist/ ({:.0} s):", started.elapsed().as_secs_f64());
    for (name, secs) in &times {
        eprintln!("  {secs:>7.1}s  {name}");
    }
    for (path, size) in artifacts(&out)? {
        eprintln!("  {:>9.1} KiB  {}", size as f64 / 1024.0, path);
    }
    Ok(())
}

/// The x86_64 glibc wheel of the SDK in `dist/python`, if `dist` has built it.
pub fn sdk_wheel(root: &Path) -> Option<PathBuf> {
    list(&dist_dir(root).join("python"))
        .ok()?
        .into_iter()
        .find(|f| {
            let n = file_name(f);
            n.starts_with("callwaitingai-") && n.ends_with("manylinux_2_17_x86_64.whl")
        })
}

/// The workspace version, after checking that every package manifest carries it.
pub fn check_versions(root: &Path) -> Result<String> {
    let version = crate::codegen::workspace_version()?;
    let mut wrong = Vec::new();
    // `__version__` in Python is generated from the same value (the drift check covers it).
    for manifest in ["sdk-node/package.json", "reference-server/npm/package.json"] {
        let text = std::fs::read_to_string(root.join(manifest))
            .with_context(|| format!("reading {manifest}"))?;
        let json: Value = serde_json::from_str(&text)?;
        if json["version"] != version.as_str() {
            wrong.push(format!("{manifest} says {}", json["version"]));
        }
    }
    for (path, needle) in [
        ("sdk-python/pyproject.toml", "dynamic = [\"version\"]"),
        ("reference-server/pyproject.toml", "dynamic = [\"version\"]"),
    ] {
        let text = std::fs::read_to_string(root.join(path))?;
        if !text.contains(needle) {
            wrong.push(format!("{path} lacks `{needle}`"));
        }
    }
    if !wrong.is_empty() {
        bail!(
            "the packages disagree on the version; the workspace says {version} (Cargo.toml):\n  {}",
            wrong.join("\n  ")
        );
    }
    Ok(version)
}

fn with_tools_path<'c>(cmd: &'c mut Command, bin: &Path) -> &'c mut Command {
    // maturin and napi find zig (`ziglang`) and cargo-zigbuild in the tools virtualenv.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap_or(path))
}

fn python(root: &Path, bin: &Path, platforms: &[Platform], out: &Path) -> Result<()> {
    let maturin = bin.join("maturin");
    for (manifest, sdist) in [
        ("sdk-python/Cargo.toml", true),
        ("reference-server/Cargo.toml", false),
    ] {
        for p in platforms {
            sh(with_tools_path(Command::new(&maturin).arg("build"), bin)
                .args(["--release", "--zig", "--strip", "--target", p.triple])
                .args(["--compatibility", p.python_tag, "-m", manifest, "-o"])
                .arg(out))?;
        }
        if sdist {
            sh(Command::new(&maturin)
                .args(["sdist", "-m", manifest, "-o"])
                .arg(out))?;
        }
    }
    let files = list(out)?;
    sh(Command::new(bin.join("twine"))
        .args(["check", "--strict"])
        .args(&files))?;
    let wheels: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "whl"))
        .collect();
    let sdk_wheels: Vec<&&PathBuf> = wheels
        .iter()
        .filter(|w| file_name(w).starts_with("callwaitingai-"))
        .collect();
    sh(Command::new(bin.join("abi3audit"))
        .args(["--strict", "--summary"])
        .args(&sdk_wheels))?;
    for wheel in &wheels {
        let name = file_name(wheel);
        let unpacked = target_dir(root)
            .join("dist-stage")
            .join("wheels")
            .join(&name);
        sh(Command::new(bin.join("python"))
            .args(["-m", "zipfile", "-e"])
            .arg(wheel)
            .arg(&unpacked))?;
        let platform = platforms
            .iter()
            .find(|p| name.contains(p.python_tag) && name.contains(arch(p)))
            .with_context(|| format!("{name}: not tagged for any platform built"))?;
        for binary in binaries(&unpacked)? {
            check_binary(&binary, platform)?;
        }
    }
    // The sdist builds on its own: a wheel from it, in a clean folder, with the build
    // dependencies pip fetches (the compiled dependencies are shared through the target dir).
    let sdist = files
        .iter()
        .find(|f| file_name(f).ends_with(".tar.gz"))
        .context("no sdist")?;
    let clean = target_dir(root).join("dist-stage").join("from-sdist");
    std::fs::create_dir_all(&clean)?;
    let copied = clean.join(file_name(sdist));
    std::fs::copy(sdist, &copied)?;
    sh(Command::new(bin.join("python"))
        .args(["-m", "pip", "wheel", "--quiet", "--no-deps", "-w"])
        .arg(clean.join("wheel"))
        .arg(&copied)
        .current_dir(&clean)
        .env("CARGO_TARGET_DIR", target_dir(root))
        .env("MATURIN_PEP517_ARGS", "--target x86_64-unknown-linux-gnu"))?;
    if list(&clean.join("wheel"))?.is_empty() {
        bail!("the sdist built no wheel");
    }
    Ok(())
}

fn arch(p: &Platform) -> &'static str {
    if p.cpu == "x64" { "x86_64" } else { "aarch64" }
}

/// Shared objects and executables under `dir`.
fn binaries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path)
                .map(|b| b.starts_with(b"\x7fELF"))
                .unwrap_or(false)
            {
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// A gnu binary needs no glibc symbol newer than 2.17; a musl one links nothing but musl's libc.
/// `readelf` reads the ELF of any architecture.
fn check_binary(path: &Path, p: &Platform) -> Result<()> {
    let readelf = |args: &[&str]| -> Result<String> {
        let out = Command::new("readelf")
            .args(args)
            .arg(path)
            .output()
            .context("running readelf (binutils)")?;
        if !out.status.success() {
            bail!("readelf failed on {}", path.display());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let header = readelf(&["-h"])?;
    let machine = if p.cpu == "x64" { "X86-64" } else { "AArch64" };
    if !header.contains(machine) {
        bail!("{} is not an {machine} binary", path.display());
    }
    let dynamic = readelf(&["-d", "-W"])?;
    let needed: Vec<&str> = dynamic
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    if p.musl() {
        if let Some(bad) = needed.iter().find(|n| !n.starts_with("libc.")) {
            bail!(
                "{}: a musl binary needs {bad} (only musl's libc may be linked): {needed:?}",
                path.display()
            );
        }
        eprintln!("{}: musl, needs {needed:?}", file_name(path));
        return Ok(());
    }
    let versions = readelf(&["-V", "-W"])?;
    let newest = versions
        .split("GLIBC_")
        .skip(1)
        .filter_map(|s| {
            let v: String = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let mut parts = v.split('.').map(|n| n.parse::<u32>().ok());
            Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
        })
        .max()
        .unwrap_or((0, 0));
    if newest > GLIBC_FLOOR {
        bail!(
            "{} needs glibc {}.{} (the floor is {}.{}, manylinux2014)",
            path.display(),
            newest.0,
            newest.1,
            GLIBC_FLOOR.0,
            GLIBC_FLOOR.1
        );
    }
    eprintln!(
        "{}: newest glibc symbol {}.{}, needs {needed:?}",
        file_name(path),
        newest.0,
        newest.1
    );
    Ok(())
}

/// The files every published package carries besides its own.
fn package_docs(root: &Path, readme: &Path, into: &Path) -> Result<()> {
    std::fs::create_dir_all(into)?;
    std::fs::copy(readme, into.join("README.md"))
        .with_context(|| format!("copying {}", readme.display()))?;
    for f in ["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"] {
        std::fs::copy(root.join(f), into.join(f))?;
    }
    Ok(())
}

fn npm_pack(dir: &Path, out: &Path) -> Result<()> {
    sh(Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(out)
        .current_dir(dir))
}

fn write_json(path: &Path, value: &Value) -> Result<()> {
    std::fs::write(path, format!("{}\n", serde_json::to_string_pretty(value)?))?;
    Ok(())
}

/// A platform package (napi-rs's scheme): one native file, with `os`, `cpu` and `libc` so that
/// npm installs only the one that fits.
fn platform_package(
    name: &str,
    version: &str,
    description: &str,
    p: &Platform,
    file: &str,
) -> Value {
    let mut manifest = json!({
        "name": format!("{name}-{}", p.npm),
        "version": version,
        "description": format!("{description} ({}).", p.npm),
        "license": "MIT OR Apache-2.0",
        "repository": { "type": "git", "url": "https://github.com/callwaitingai/callwaitingai-sdk" },
        "os": [p.os],
        "cpu": [p.cpu],
        "main": file,
        "files": [file, "README.md", "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"],
        "engines": { "node": ">=18" },
    });
    if !p.libc.is_empty() {
        manifest["libc"] = json!([p.libc]);
    }
    manifest
}

/// The optionalDependencies of a main package: every platform package a release publishes
/// (npm skips those whose os/cpu/libc do not fit, and any it cannot find).
fn every_platform(name: &str, version: &str) -> Value {
    let all: BTreeMap<String, Value> = PLATFORMS
        .iter()
        .chain(NATIVE_RUNNER_PLATFORMS)
        .map(|p| (format!("{name}-{}", p.npm), json!(version)))
        .collect();
    json!(all)
}

fn npm(
    root: &Path,
    bin: &Path,
    version: &str,
    platforms: &[Platform],
    stage: &Path,
    out: &Path,
) -> Result<()> {
    let node_dir = root.join("sdk-node");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&node_dir))?;
    // The SDK: one package per platform with the napi module…
    for p in platforms {
        let dir = stage.join(format!("sdk-{}", p.npm));
        std::fs::create_dir_all(&dir)?;
        sh(with_tools_path(
            Command::new("npx").args(["napi", "build", "--platform", "--release", "-x"]),
            bin,
        )
        // napi's `-x` spawns `cargo zigbuild`; an inherited `CARGO` would replace it.
        .env_remove("CARGO")
        .args(["--target", &p.zig_target(), "--no-js", "--output-dir"])
        .arg(&dir)
        .args(["--dts", "native.d.ts"])
        .current_dir(&node_dir))?;
        let _ = std::fs::remove_file(dir.join("native.d.ts"));
        let file = format!("callwaitingai.{}.node", p.npm);
        check_binary(&dir.join(&file), p)?;
        package_docs(root, &node_dir.join("README.md"), &dir)?;
        let manifest = platform_package(
            "@callwaitingai/sdk",
            version,
            "The native module of @callwaitingai/sdk",
            p,
            &file,
        );
        write_json(&dir.join("package.json"), &manifest)?;
        npm_pack(&dir, out)?;
    }
    // …and the main package, which depends on all of them optionally (npm installs the one
    // whose os/cpu/libc fit) and carries no native code itself.
    let main = stage.join("sdk");
    std::fs::create_dir_all(&main)?;
    for f in ["index.cjs", "index.mjs", "native.cjs", "native.d.ts"] {
        std::fs::copy(node_dir.join(f), main.join(f))?;
    }
    sh(Command::new("node")
        .arg(root.join("sdk-js").join("copy-into.mjs"))
        .arg(&main))?;
    package_docs(root, &node_dir.join("README.md"), &main)?;
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(node_dir.join("package.json"))?)?;
    if let Some(m) = manifest.as_object_mut() {
        m.remove("scripts");
        m.remove("devDependencies");
        m.insert(
            "optionalDependencies".into(),
            every_platform("@callwaitingai/sdk", version),
        );
        m.insert(
            "files".into(),
            json!([
                "index.cjs",
                "index.mjs",
                "index.d.ts",
                "index.d.mts",
                "lib/",
                "native.cjs",
                "native.d.ts",
                "README.md",
                "LICENSE-MIT",
                "LICENSE-APACHE",
                "CHANGELOG.md"
            ]),
        );
    }
    write_json(&main.join("package.json"), &manifest)?;
    npm_pack(&main, out)?;

    // The reference server: a binary per platform, and the JS helper package.
    let server_npm = root.join("reference-server").join("npm");
    for p in platforms {
        // The same binary as the `callwaitingai-server` wheel's (built once, checked there).
        let wheel = list(&root.join("dist").join("python"))?
            .into_iter()
            .find(|f| {
                let n = file_name(f);
                n.starts_with("callwaitingai_server-")
                    && n.contains(p.python_tag)
                    && n.contains(arch(p))
            })
            .with_context(|| format!("no callwaitingai-server wheel for {}", p.npm))?;
        let built = stage
            .join("wheels")
            .join(file_name(&wheel))
            .join(format!("callwaitingai_server-{version}.data"))
            .join("scripts")
            .join("callwaitingai-server");
        let dir = stage.join(format!("server-{}", p.npm));
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(&built, dir.join("callwaitingai-server"))
            .with_context(|| format!("copying {}", built.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.join("callwaitingai-server"),
                std::fs::Permissions::from_mode(0o755),
            )?;
        }
        check_binary(&dir.join("callwaitingai-server"), p)?;
        package_docs(root, &server_npm.join("README.md"), &dir)?;
        let manifest = platform_package(
            "@callwaitingai/server",
            version,
            "The reference server binary of @callwaitingai/server",
            p,
            "callwaitingai-server",
        );
        write_json(&dir.join("package.json"), &manifest)?;
        npm_pack(&dir, out)?;
    }
    let server = stage.join("server");
    std::fs::create_dir_all(&server)?;
    for f in ["index.js", "index.d.ts"] {
        std::fs::copy(server_npm.join(f), server.join(f))?;
    }
    package_docs(root, &server_npm.join("README.md"), &server)?;
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(server_npm.join("package.json"))?)?;
    if let Some(m) = manifest.as_object_mut() {
        m.insert(
            "optionalDependencies".into(),
            every_platform("@callwaitingai/server", version),
        );
    }
    write_json(&server.join("package.json"), &manifest)?;
    npm_pack(&server, out)?;

    // The browser/edge package.
    let wasm = root.join("sdk-wasm");
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&wasm))?;
    sh(Command::new("npm")
        .args(["run", "build"])
        .current_dir(&wasm))?;
    let web = stage.join("web");
    copy_dir(&wasm.join("pkg"), &web)?;
    package_docs(root, &wasm.join("README.md"), &web)?;
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(web.join("package.json"))?)?;
    if let Some(files) = manifest["files"].as_array_mut() {
        for f in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"] {
            files.push(json!(f));
        }
    }
    write_json(&web.join("package.json"), &manifest)?;
    npm_pack(&web, out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `cargo publish --dry-run` of both crates (packaged and built from the package, the server
/// against the SDK crate as packaged), then the `.crate` files.
fn crates(root: &Path, out: &Path) -> Result<()> {
    // Publishing checks (packaged, then built from the package: the server against the SDK
    // crate as packaged), then the `.crate` files themselves.
    for step in [&["publish", "--dry-run"][..], &["package", "--no-verify"]] {
        let mut cmd = cargo();
        cmd.args(step)
            .args(["-p", "callwaitingai", "-p", "callwaitingai-server"]);
        if std::env::var_os("CI").is_none() {
            // Locally, uncommitted work may be packaged; CI packages the commit.
            cmd.arg("--allow-dirty");
        }
        sh(&mut cmd)?;
    }
    for entry in std::fs::read_dir(target_dir(root).join("package"))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".crate")
            && (name.starts_with("callwaitingai-0") || name.starts_with("callwaitingai-server-0"))
        {
            std::fs::copy(entry.path(), out.join(&name))?;
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// Every artifact under `dist/` (relative path, size), sorted.
fn artifacts(out: &Path) -> Result<Vec<(String, u64)>> {
    let mut files = Vec::new();
    for sub in ["python", "npm", "crates"] {
        if !out.join(sub).is_dir() {
            continue;
        }
        for f in list(&out.join(sub))? {
            files.push((
                format!("{sub}/{}", file_name(&f)),
                std::fs::metadata(&f)?.len(),
            ));
        }
    }
    Ok(files)
}

fn sha256sums(out: &Path) -> Result<()> {
    use sha2::{Digest, Sha256};
    let mut text = String::new();
    for (rel, _) in artifacts(out)? {
        let digest = Sha256::digest(std::fs::read(out.join(&rel))?);
        text.push_str(&format!("{}  {rel}\n", hex::encode(digest)));
    }
    std::fs::write(out.join("SHA256SUMS"), text)?;
    Ok(())
}

/// `PATH` without any folder that holds `cargo`, `rustc` or `rustup`: what a user without a
/// Rust toolchain has.
fn path_without_rust() -> Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|d| {
            !["cargo", "rustc", "rustup"]
                .iter()
                .any(|t| d.join(t).exists())
        })
        .collect();
    Ok(std::env::join_paths(kept)?)
}

/// A command with no Rust toolchain reachable: `PATH` without it, and no cargo/rustup homes.
fn without_rust<'c>(cmd: &'c mut Command, path: &std::ffi::OsStr) -> &'c mut Command {
    cmd.env("PATH", path)
        .env_remove("CARGO")
        .env_remove("CARGO_HOME")
        .env_remove("RUSTUP_HOME")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO_TARGET_DIR")
}

/// The x86_64 artifacts of `dist/`, installed as users install them into clean environments
/// with no Rust toolchain on `PATH`, then each ecosystem's test-double example suite (create a
/// lead, list it, verify a signed delivery) against the installed reference server.
pub fn smoke(root: &Path) -> Result<()> {
    let out = dist_dir(root);
    let stage = target_dir(root).join("dist-smoke");
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&stage)?;
    let path = path_without_rust()?;
    for tool in ["cargo", "rustc"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .env("PATH", &path)
            .output()?;
        if found.status.success() {
            bail!("{tool} is still reachable without the Rust folders on PATH");
        }
    }

    // Python: pytest from PyPI, our two distributions from dist/ only, as binaries.
    let venv = stage.join("venv");
    sh(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    let python = venv.join("bin").join("python");
    let venv_path = std::env::join_paths(
        std::iter::once(venv.join("bin")).chain(std::env::split_paths(&path)),
    )?;
    sh(without_rust(&mut crate::pip_install(&python), &venv_path).arg("pytest==9.2.0"))?;
    let t = Instant::now();
    sh(without_rust(&mut crate::pip_install(&python), &venv_path)
        .args(["--no-index", "--only-binary", ":all:", "--find-links"])
        .arg(out.join("python"))
        .args(["callwaitingai", "callwaitingai-server"]))?;
    eprintln!(
        "installed the wheels without Rust in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    sh(without_rust(&mut Command::new(&python), &venv_path)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("examples").join("testing").join("python"))
        .current_dir(&stage))?;

    // Node: the tarballs, installed into a fresh project.
    let project = stage.join("node");
    copy_dir(
        &root.join("examples").join("testing").join("node"),
        &project,
    )?;
    let tarballs: Vec<PathBuf> = list(&out.join("npm"))?
        .into_iter()
        .filter(|f| {
            let n = file_name(f);
            n.starts_with("callwaitingai-sdk-") && !n.contains("arm64") && !n.contains("musl")
                || n.starts_with("callwaitingai-server-")
                    && !n.contains("arm64")
                    && !n.contains("musl")
        })
        .collect();
    let t = Instant::now();
    sh(without_rust(&mut Command::new("npm"), &path)
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(&tarballs)
        .current_dir(&project))?;
    eprintln!(
        "installed {} npm tarballs without Rust in {:.1} s",
        tarballs.len(),
        t.elapsed().as_secs_f64()
    );
    sh(without_rust(&mut Command::new("node"), &path)
        .args(["--test", "test/"])
        .current_dir(&project))?;

    // The main package alone (no platform package): the loader names the platform and the fix.
    let bare = stage.join("node-bare");
    std::fs::create_dir_all(&bare)?;
    std::fs::write(bare.join("package.json"), "{\"private\": true}\n")?;
    let main = tarballs
        .iter()
        .find(|f| file_name(f).starts_with("callwaitingai-sdk-0"))
        .context("no @callwaitingai/sdk tarball")?;
    sh(without_rust(&mut Command::new("npm"), &path)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--omit=optional",
        ])
        .arg(main)
        .current_dir(&bare))?;
    let loaded = without_rust(&mut Command::new("node"), &path)
        .args(["-e", "require('@callwaitingai/sdk')"])
        .current_dir(&bare)
        .output()?;
    let message = String::from_utf8_lossy(&loaded.stderr);
    if loaded.status.success()
        || !message.contains("linux-x64-gnu")
        || !message.contains("--include=optional")
    {
        bail!(
            "without its platform package, @callwaitingai/sdk should fail naming the platform and the fix; it said:\n{message}"
        );
    }
    eprintln!(
        "without the platform package: {}",
        message
            .lines()
            .find(|l| l.starts_with("Error:"))
            .unwrap_or_default()
    );
    Ok(())
}

/// `cargo xtask dist --prebuilt DIR`: the npm platform packages of the platforms built on their
/// own runners (`NATIVE_RUNNER_PLATFORMS`), from the release workflow's artifacts
/// (`DIR/dist-<platform>/npm-native/callwaitingai.<platform>.node` and
/// `DIR/dist-<platform>/server-native/callwaitingai-server[.exe]`), packed into `dist/npm/`.
pub fn prebuilt(root: &Path, artifacts: &Path) -> Result<()> {
    let version = check_versions(root)?;
    let out = dist_dir(root).join("npm");
    std::fs::create_dir_all(&out)?;
    let stage = target_dir(root).join("dist-stage").join("prebuilt");
    for p in NATIVE_RUNNER_PLATFORMS {
        let from = artifacts.join(format!("dist-{}", p.npm));
        for (name, readme, file, source) in [
            (
                "@callwaitingai/sdk",
                root.join("sdk-node").join("README.md"),
                format!("callwaitingai.{}.node", p.npm),
                from.join("npm-native"),
            ),
            (
                "@callwaitingai/server",
                root.join("reference-server").join("npm").join("README.md"),
                p.server_binary().to_string(),
                from.join("server-native"),
            ),
        ] {
            let dir = stage.join(format!(
                "{}-{}",
                name.trim_start_matches("@callwaitingai/"),
                p.npm
            ));
            std::fs::create_dir_all(&dir)?;
            std::fs::copy(source.join(&file), dir.join(&file))
                .with_context(|| format!("{}: no {file} in {}", p.npm, source.display()))?;
            package_docs(root, &readme, &dir)?;
            let description = format!("The native part of {name}");
            write_json(
                &dir.join("package.json"),
                &platform_package(name, &version, &description, p, &file),
            )?;
            npm_pack(&dir, &out)?;
        }
    }
    sha256sums(&dist_dir(root))
}

/// `cargo xtask dist-smoke-arm64` (after `cargo xtask dist --all`): the aarch64 wheels and npm
/// packages installed and tested in an arm64 Debian root under qemu-user-static, made with
/// debootstrap (both from Debian's packages; needs root). The root is kept in
/// `target/arm64-root` for the next run.
pub fn smoke_arm64(root: &Path) -> Result<()> {
    let out = dist_dir(root);
    let chroot = target_dir(root).join("arm64-root");
    let apt = |pkgs: &[&str]| -> Result<()> {
        sh(Command::new("apt-get").args(["update", "-qq"]))?;
        sh(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(pkgs)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    if !Path::new("/usr/sbin/debootstrap").exists()
        || !Path::new("/usr/bin/qemu-aarch64-static").exists()
    {
        apt(&["debootstrap", "qemu-user-static"])?;
    }
    // The binfmt handler that runs aarch64 binaries through qemu.
    let binfmt = Path::new("/proc/sys/fs/binfmt_misc");
    if !binfmt.join("register").exists() {
        sh(Command::new("mount")
            .args(["-t", "binfmt_misc", "binfmt_misc"])
            .arg(binfmt))?;
    }
    if !binfmt.join("qemu-aarch64").exists() {
        let rule = std::fs::read_to_string("/usr/lib/binfmt.d/qemu-aarch64.conf")
            .context("qemu-user-static has no /usr/lib/binfmt.d/qemu-aarch64.conf")?;
        std::fs::write(binfmt.join("register"), rule.trim())
            .context("registering the qemu-aarch64 binfmt handler (needs root)")?;
    }
    if !chroot.join("usr/bin/python3").exists() {
        if chroot.exists() {
            std::fs::remove_dir_all(&chroot)?;
        }
        sh(Command::new("debootstrap")
            .args([
                "--arch=arm64",
                "--foreign",
                "--variant=minbase",
                "--include=python3,python3-venv,nodejs,ca-certificates",
                "bookworm",
            ])
            .arg(&chroot)
            .arg("http://deb.debian.org/debian"))?;
        std::fs::copy(
            "/usr/bin/qemu-aarch64-static",
            chroot.join("usr/bin/qemu-aarch64-static"),
        )?;
        sh(Command::new("chroot")
            .arg(&chroot)
            .args(["/debootstrap/debootstrap", "--second-stage"]))?;
    }
    // The root resolves names and trusts the certificate authorities the host does (a proxy's
    // included), so that pip can fetch pytest inside it.
    std::fs::copy("/etc/resolv.conf", chroot.join("etc/resolv.conf"))?;
    std::fs::copy(
        "/etc/ssl/certs/ca-certificates.crt",
        chroot.join("etc/ssl/certs/host-ca-certificates.crt"),
    )?;
    let work = chroot.join("smoke");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    copy_dir(&out.join("python"), &work.join("python"))?;
    copy_dir(
        &root.join("examples").join("testing"),
        &work.join("testing"),
    )?;
    let in_root = |script: &str| -> Result<()> {
        sh(Command::new("chroot").arg(&chroot).args([
            "/usr/bin/env",
            "-i",
            "PATH=/usr/bin:/bin",
            "HOME=/root",
            "PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt",
            "sh",
            "-ec",
            script,
        ]))
    };
    in_root("uname -m; python3 --version; node --version; ! command -v cargo")?;
    in_root(
        "python3 -m venv /smoke/venv && /smoke/venv/bin/pip install --quiet pytest==9.2.0 && \
         /smoke/venv/bin/pip install --quiet --no-index --only-binary :all: --find-links /smoke/python \
           callwaitingai callwaitingai-server && \
         cd /smoke && /smoke/venv/bin/python -m pytest -q -p no:cacheprovider /smoke/testing/python",
    )?;
    // npm is not in the root: the packages are installed on the host for arm64 Linux, then run there.
    let project = work.join("testing").join("node");
    let tarballs: Vec<PathBuf> = list(&out.join("npm"))?
        .into_iter()
        .filter(|f| {
            let n = file_name(f);
            (n.starts_with("callwaitingai-sdk-") || n.starts_with("callwaitingai-server-"))
                && (n.contains("-0.") && !n.contains("linux-") || n.contains("linux-arm64-gnu"))
        })
        .collect();
    sh(Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--cpu=arm64",
            "--os=linux",
            "--libc=glibc",
            // npm refuses a tarball for another CPU even when told to install for it.
            "--force",
        ])
        .args(&tarballs)
        .current_dir(&project))?;
    in_root("cd /smoke/testing/node && node --test test/")
}

/// Every artifact carries its README, both license files and the changelog.
fn check_contents(out: &Path) -> Result<()> {
    for (rel, _) in artifacts(out)? {
        let path = out.join(&rel);
        let listing = if rel.ends_with(".whl") {
            let o = Command::new("python3")
                .args(["-m", "zipfile", "-l"])
                .arg(&path)
                .output()?;
            String::from_utf8_lossy(&o.stdout).into_owned()
        } else {
            let o = Command::new("tar").arg("tzf").arg(&path).output()?;
            String::from_utf8_lossy(&o.stdout).into_owned()
        };
        let names: Vec<&str> = listing
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let has = |suffix: &str| names.iter().any(|n| n.ends_with(suffix));
        // A wheel's README is its metadata's description.
        let readme = if rel.ends_with(".whl") {
            "METADATA"
        } else {
            "/README.md"
        };
        let missing: Vec<&str> = [readme, "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"]
            .into_iter()
            .filter(|f| !has(f))
            .collect();
        if !missing.is_empty() {
            bail!("{rel} lacks {missing:?}");
        }
    }
    Ok(())
}
