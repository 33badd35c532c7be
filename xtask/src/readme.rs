//! The READMEs' code is taken from files CI runs: every code block in the repository's README
//! and in each package's (the ones registries show) follows an `<!-- excerpt: PATH -->` line,
//! other than shell commands and listings, and its lines appear in that file, in order
//! (compared without surrounding whitespace; a line `…` stands for omitted lines). Checked by
//! `cargo test` (so by `cargo xtask test`).

use std::path::Path;

/// The READMEs checked: the repository's, then every published package's.
const READMES: &[&str] = &[
    "README.md",
    "sdk-core/README.md",
    "sdk-python/README.md",
    "sdk-node/README.md",
    "sdk-wasm/README.md",
    "reference-server/README.md",
    "reference-server/npm/README.md",
];

/// Every mismatch between the READMEs' excerpts and their files.
pub fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for name in READMES {
        match std::fs::read_to_string(root.join(name)) {
            Ok(text) => problems.extend(check_one(root, name, &text)),
            Err(_) if *name != "README.md" && !root.join("sdk-core").exists() => {}
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    problems
}

fn check_one(root: &Path, name: &str, readme: &str) -> Vec<String> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut problems = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let start = i;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or(lines.len());
        i = end + 1;
        if matches!(lang.trim(), "sh" | "" | "text") {
            continue;
        }
        let marker = start
            .checked_sub(1)
            .and_then(|p| lines[p].strip_prefix("<!-- excerpt: "))
            .and_then(|m| m.strip_suffix(" -->"));
        let Some(path) = marker else {
            problems.push(format!(
                "{name}:{}: a ```{lang} block without an `<!-- excerpt: PATH -->` line before it",
                start + 1
            ));
            continue;
        };
        let Ok(file) = std::fs::read_to_string(root.join(path)) else {
            problems.push(format!("{name}:{}: {path} does not exist", start));
            continue;
        };
        let mut source = file.lines().map(str::trim);
        for (n, line) in lines[start + 1..end].iter().enumerate() {
            let line = line.trim();
            if line.is_empty() || line == "…" {
                continue;
            }
            if !source.any(|s| s == line) {
                problems.push(format!(
                    "{name}:{}: not in {path} (in this order): {line}",
                    start + 2 + n
                ));
                break;
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    #[test]
    fn readme_snippets_are_excerpts_of_files_ci_runs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let problems = super::check(&root);
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn a_line_missing_from_its_file_is_reported() {
        let dir = std::env::temp_dir().join(format!("cw-readme-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("examples")).unwrap();
        std::fs::write(dir.join("examples/a.py"), "x = 1\ny = 2\n").unwrap();
        std::fs::write(
            dir.join("README.md"),
            "<!-- excerpt: examples/a.py -->\n```python\ny = 2\nx = 1\n```\n```js\nz\n```\n",
        )
        .unwrap();
        let problems = super::check(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("x = 1"), "order matters: {problems:?}");
        assert!(
            problems[1].contains("without an `<!-- excerpt"),
            "{problems:?}"
        );
    }
}
