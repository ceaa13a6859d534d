//! The layering of `src/` (see the lib's top doc comment), checked on the source text: the core is pure
//! and imports nothing from above it, the app talks to ports and never names an adapter, and every
//! document a code comment cites is a file in the repository.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every line of the layer's files that mentions one of `forbidden`, as `file:line: text`.
fn offending_lines(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&root().join("src").join(layer)) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if let Some(word) = forbidden.iter().find(|w| code.contains(*w)) {
                found.push(format!("{}:{}: {word}: {}", file.display(), n + 1, code));
            }
        }
    }
    found
}

#[test]
fn the_core_is_pure_and_imports_nothing_from_above() {
    let forbidden = [
        "crate::app",
        "crate::adapters",
        "tokio",
        "reqwest",
        "aws_sdk",
        "aws_config",
        "lambda_runtime",
        "tracing",
        "async ",
        ".await",
        "std::fs",
        "std::net::TcpStream",
        "std::env",
        "SystemTime::now",
        "Instant::now",
    ];
    let found = offending_lines("core", &forbidden);
    assert!(found.is_empty(), "the core must stay pure:\n{}", found.join("\n"));
}

#[test]
fn the_app_names_ports_never_adapters() {
    let forbidden = ["crate::adapters", "reqwest", "aws_sdk", "aws_config", "lambda_runtime"];
    let found = offending_lines("app", &forbidden);
    assert!(found.is_empty(), "the app must talk to ports only:\n{}", found.join("\n"));
}

#[test]
fn every_document_a_comment_cites_is_in_the_repository() {
    let mut files = rust_files(&root().join("src"));
    for dir in ["tests", "benches", "crates"] {
        files.extend(rust_files(&root().join(dir)));
    }
    let mut missing = Vec::new();
    let mut cited = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let Some(comment) = line.find("//").map(|at| &line[at..]) else { continue };
            for word in comment.split(|c: char| c.is_whitespace() || "()[]`,;:".contains(c)) {
                let Some(name) = word.strip_suffix(".md") else { continue };
                let name = name.rsplit('/').next().unwrap_or(name);
                if name.is_empty() || name.eq_ignore_ascii_case("README") {
                    continue;
                }
                cited += 1;
                if !root().join("docs").join(format!("{name}.md")).is_file() {
                    missing.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(cited > 0, "no citation found: the scan is broken");
    assert!(missing.is_empty(), "cited documents missing from docs/:\n{}", missing.join("\n"));
}
