//! `cargo xtask docs`: the developer portal's files in `target/docs/` — the portal page
//! (`index.html`: the API reference, guides and code samples, self-contained), the spec as the
//! reference server serves it (`openapi.yaml`, `openapi.json`, with the samples and guides) and a
//! Postman collection (`callwaitingai.postman_collection.json`), generated from the spec; and
//! `docs --check`, which also runs the collection with newman against a reference server (every
//! request must get a status the spec documents for it, with a JSON body when it has one) and
//! the portal in headless Chromium (`xtask/js/portal.test.mjs`: served by a reference server,
//! and as the file, with every request off the machine refused).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::{ServerProcess, npm_tools, sh, target_dir};

/// The portal's folder.
pub fn out_dir(root: &Path) -> PathBuf {
    target_dir(root).join("docs")
}

/// The renderer, as npm installs it for the version `xtask/js/package.json` pins.
fn scalar_bundle(root: &Path) -> PathBuf {
    root.join("xtask/js/node_modules/@scalar/api-reference/dist/browser/standalone.js")
}

/// Writes the portal's files.
pub fn build(root: &Path) -> Result<PathBuf> {
    let bin = npm_tools(root)?;
    let out = out_dir(root);
    std::fs::create_dir_all(&out)?;
    // The spec with the portal's samples and guides, as `cargo xtask codegen` wrote it for the
    // reference server.
    let served = root.join("reference-server/src/openapi.json");
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(&served)?)
        .with_context(|| served.display().to_string())?;
    if let Some(m) = spec.as_object_mut() {
        m.remove("x-generated");
    }
    std::fs::write(out.join("openapi.yaml"), serde_yaml_ng::to_string(&spec)?)?;
    std::fs::write(
        out.join("openapi.json"),
        serde_json::to_string_pretty(&spec)?,
    )?;

    // One file that works opened from disk with no network: the renderer as a `data:` URL (no
    // HTML-parsing hazards from inlining 5 MB of JavaScript), the spec inline with every `<`
    // escaped.
    let template = std::fs::read_to_string(root.join("reference-server/src/docs.html"))?;
    let bundle = std::fs::read(scalar_bundle(root)).context("the Scalar bundle")?;
    let script = format!(
        r#"<script src="data:text/javascript;base64,{}"></script>"#,
        base64::engine::general_purpose::STANDARD.encode(&bundle)
    );
    let content = serde_json::to_string(&spec)?.replace('<', "\\u003c");
    let page = template
        .replace("<!-- scalar -->", &script)
        .replace("/* source */", &format!("content: {content},"));
    std::fs::write(out.join("index.html"), page)?;

    let raw = out.join("postman.raw.json");
    sh(Command::new(bin.join("openapi2postmanv2"))
        .args(["-s", "openapi.yaml", "-o"])
        .arg(&raw)
        .args([
            "-p",
            "-O",
            "folderStrategy=Tags,parametersResolution=Example",
        ]))?;
    let converted: Value = serde_json::from_str(&std::fs::read_to_string(&raw)?)
        .context("openapi2postmanv2's output")?;
    std::fs::remove_file(&raw)?;
    let collection = collection(converted, &spec)?;
    let file = out.join("callwaitingai.postman_collection.json");
    std::fs::write(&file, serde_json::to_string_pretty(&collection)?)?;
    println!("developer portal: {}", out.join("index.html").display());
    Ok(out)
}

/// Builds the portal; checks the vendored renderer against npm's; runs the Postman collection
/// with newman against a reference server; and the portal in headless Chromium.
pub fn check(root: &Path) -> Result<()> {
    let out = build(root)?;
    let vendored = root.join("reference-server/assets/scalar/standalone.js");
    if std::fs::read(&vendored)? != std::fs::read(scalar_bundle(root))? {
        bail!(
            "{} differs from @scalar/api-reference's dist/browser/standalone.js as pinned in \
             xtask/js/package.json: copy it over (see reference-server/assets/scalar/README.md)",
            vendored.display()
        );
    }
    let bin = npm_tools(root)?;
    let key = "cw_test_postman_collection_000000000";
    let server = ServerProcess::start(root, &["--bootstrap-key", &format!("acme={key}")])?;
    sh(Command::new(bin.join("newman"))
        .arg("run")
        .arg(out.join("callwaitingai.postman_collection.json"))
        .args(["--env-var", &format!("baseUrl={}/api/v1", server.url)])
        .args(["--env-var", &format!("apiKey={key}")])
        .args(["--reporters", "cli", "--color", "off", "--disable-unicode"]))?;
    curl_samples(&out, &server.url, key)?;
    drop(server);

    // The portal in a browser: a fresh server started as a user would (`--demo`), its printed
    // try-it address opened.
    crate::ensure_chromium()?;
    sh(Command::new("node")
        .args(["--test", "portal.test.mjs"])
        .current_dir(root.join("xtask").join("js"))
        .env(
            "PORTAL_SERVER_BIN",
            target_dir(root).join("debug").join("callwaitingai-server"),
        )
        .env("PORTAL_FILE", out.join("index.html"))
        .env("PORTAL_SCREENSHOT", out.join("portal.png"))
        .env("PORTAL_SPEC", out.join("openapi.json")))
}

/// Runs every operation's cURL sample, as shown, against a reference server (the example ids
/// do not exist there, so a 404 is as good an answer as a 2xx): each must get a status the spec
/// documents for its operation.
fn curl_samples(out: &Path, url: &str, key: &str) -> Result<()> {
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(out.join("openapi.json"))?)?;
    let mut failures = Vec::new();
    let mut ran = 0;
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for op in item.as_object().into_iter().flatten().map(|(_, op)| op) {
            let Some(sample) = op["x-codeSamples"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["label"] == "cURL")
                .and_then(|s| s["source"].as_str())
            else {
                continue;
            };
            let output = Command::new("bash")
                .arg("-c")
                .arg(format!("{sample} -sS -o /dev/null -w '%{{http_code}}'"))
                .env("CALLWAITINGAI_BASE_URL", url)
                .env("CALLWAITINGAI_API_KEY", key)
                .output()
                .context("running bash")?;
            let status = String::from_utf8_lossy(&output.stdout).trim().to_string();
            let documented = op["responses"]
                .as_object()
                .is_some_and(|r| r.contains_key(&status));
            ran += 1;
            if !output.status.success() || !documented {
                failures.push(format!(
                    "{} ({path}): got {status:?} {}",
                    op["operationId"],
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
        }
    }
    if !failures.is_empty() {
        bail!("cURL samples that fail:\n  {}", failures.join("\n  "));
    }
    println!("cURL samples: {ran} run, each got a status its operation documents");
    Ok(())
}

/// The converted collection, made ready to run against a fresh server, in order: the `events`
/// folder (the webhooks we send, not requests anyone makes) left out; query parameters off but
/// `limit` (their examples would combine `cursor` with `offset`); the key as the collection
/// variable `apiKey`; ids chained (what a create returns is what the next requests of its
/// folder use, and the deletes go last, in a folder of their own); a fresh `Idempotency-Key` per request; and on each
/// request a test that it succeeded (2xx) —
/// `auth`, which needs a user the server does not have, must get a status the spec documents.
fn collection(mut c: Value, spec: &Value) -> Result<Value> {
    let documented = documented_statuses(spec);
    let items = c["item"]
        .as_array_mut()
        .ok_or_else(|| anyhow!("the collection has no items"))?;
    items.retain(|folder| folder["name"] != "events");
    // Example ids (`lead_01HZX…`) → the variable that will hold a real one (`{{leadsId}}`).
    let mut ids = BTreeMap::new();
    for folder in items.iter() {
        let name = folder["name"].as_str().unwrap_or_default();
        for item in folder["item"].as_array().into_iter().flatten() {
            for v in item["request"]["url"]["variable"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let (Some(key), Some(example)) = (v["key"].as_str(), v["value"].as_str()) {
                    ids.insert(example.to_string(), id_variable(name, key));
                }
            }
        }
    }
    let mut deletes = Vec::new();
    for folder in items.iter_mut() {
        let name = folder["name"].as_str().unwrap_or_default().to_string();
        let Some(requests) = folder["item"].as_array_mut() else {
            continue;
        };
        for item in requests.iter_mut() {
            prepare_request(item, &name, &ids, &documented)?;
        }
        // Deletes go last, in a folder of their own: a lead outlives its folder (calls use it).
        let (delete, keep): (Vec<Value>, Vec<Value>) = std::mem::take(requests)
            .into_iter()
            .partition(|i| i["request"]["method"] == "DELETE");
        *requests = keep;
        deletes.extend(delete);
    }
    items.push(json!({"name": "clean up", "item": deletes}));
    c["auth"] = json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{apiKey}}", "type": "string"}]});
    c["variable"] = json!([
        {"key": "baseUrl", "value": "http://127.0.0.1:8080/api/v1"},
        {"key": "apiKey", "value": "cw_test_your_key"},
    ]);
    c["info"]["description"] = json!(
        "Generated from openapi.yaml by `cargo xtask docs`. Set `baseUrl` (a reference server: \
         `callwaitingai-server --demo`) and `apiKey`, then run the folders in order: each create \
         saves the id the next requests use."
    );
    Ok(c)
}

/// The variable holding the id a path parameter takes: `{{leadsId}}` for `leads`' `:id`,
/// `{{deliveryId}}` for `:deliveryId`.
fn id_variable(folder: &str, key: &str) -> String {
    if key == "id" {
        format!("{folder}Id")
    } else {
        key.to_string()
    }
}

/// `(METHOD, /path/{template})` → the statuses the spec documents.
type Documented = BTreeMap<(String, String), Vec<String>>;

fn documented_statuses(spec: &Value) -> Documented {
    let mut out = Documented::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            out.insert(
                (method.to_uppercase(), template(path)),
                responses.keys().cloned().collect(),
            );
        }
    }
    out
}

/// `/leads/{id}` and `/leads/:id` → `/leads/{}`.
fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') || seg.starts_with(':') {
                "{}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn prepare_request(
    item: &mut Value,
    folder: &str,
    ids: &BTreeMap<String, String>,
    documented: &Documented,
) -> Result<()> {
    let request = &mut item["request"];
    let method = request["method"].as_str().unwrap_or("GET").to_string();
    let segments: Vec<String> = request["url"]["path"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let path = format!("/{}", segments.join("/"));
    for q in request["url"]["query"].as_array_mut().into_iter().flatten() {
        q["disabled"] = Value::Bool(q["key"] != "limit");
    }
    // A fresh key per request (Postman's `{{$guid}}`): one key for different bodies is a 409.
    for h in request["header"].as_array_mut().into_iter().flatten() {
        if h["key"]
            .as_str()
            .is_some_and(|k| k.eq_ignore_ascii_case("idempotency-key"))
        {
            h["value"] = "{{$guid}}".into();
        }
    }
    for v in request["url"]["variable"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        let key = v["key"].as_str().unwrap_or_default().to_string();
        v["value"] = format!("{{{{{}}}}}", id_variable(folder, &key)).into();
    }
    if let Some(raw) = request["body"]["raw"].as_str() {
        let mut raw = raw.to_string();
        for (example, var) in ids {
            raw = raw.replace(&format!("\"{example}\""), &format!("\"{{{{{var}}}}}\""));
        }
        request["body"]["raw"] = raw.into();
    }
    let statuses = documented
        .get(&(method.clone(), template(&path)))
        .with_context(|| format!("{method} {path}: no such operation in the spec"))?;
    let exact: Vec<u16> = statuses.iter().filter_map(|s| s.parse().ok()).collect();
    let classes: Vec<u16> = statuses
        .iter()
        .filter_map(|s| s.strip_suffix("XX").and_then(|c| c.parse().ok()))
        .collect();
    let any = statuses.iter().any(|s| s == "default");
    // What the request must get: a success, or (auth: no user here) a documented status.
    let expect = if folder == "auth" {
        format!("{any} || {exact:?}.includes(code) || {classes:?}.includes(Math.floor(code / 100))")
    } else {
        format!(
            "code >= 200 && code < 300 && ({any} || {exact:?}.includes(code) || {classes:?}.includes(2))"
        )
    };
    // A create saves its id for the folder's next requests; a list, its first item's.
    let save = if !path.contains(':') && method == "POST" {
        format!(
            "if (code < 300 && body) pm.collectionVariables.set('{var}', body.id ?? (body.session && body.session.id));",
            var = id_variable(folder, "id")
        )
    } else if method == "GET"
        && segments
            .last()
            .is_some_and(|l| l.ends_with("ies") || l.ends_with('s'))
        && path.contains(':')
    {
        let last = segments.last().map(String::as_str).unwrap_or_default();
        let singular = last.strip_suffix("ies").map_or_else(
            || last.trim_end_matches('s').to_string(),
            |s| format!("{s}y"),
        );
        format!(
            "if (code < 300 && body && body.data && body.data[0]) pm.collectionVariables.set('{singular}Id', body.data[0].id);"
        )
    } else {
        String::new()
    };
    let script = format!(
        "const code = pm.response.code;\n\
         let body = null;\n\
         try {{ body = pm.response.json(); }} catch (e) {{}}\n\
         pm.test('{method} {path}: ' + code + ' is what the spec says', function () {{\n  \
           pm.expect({expect}, pm.response.text()).to.be.true;\n\
         }});\n\
         if (pm.response.text().length > 0) {{\n  \
           pm.test('{method} {path}: the body is JSON', function () {{ pm.response.to.be.json; }});\n\
         }}\n\
         {save}"
    );
    item["event"] = json!([{
        "listen": "test",
        "script": {"type": "text/javascript", "exec": script.lines().collect::<Vec<_>>()},
    }]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_whatever_the_parameter_syntax() {
        assert_eq!(template("/leads/{id}"), template("/leads/:id"));
        assert_ne!(template("/leads/{id}"), template("/leads"));
    }
}
