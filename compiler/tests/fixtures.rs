//! The conformance suite: small `.dg` programs under `fixtures/`, run
//! through the public pipeline and snapshotted next to their source.
//!
//! - `fixtures/eval/NAME.dg`, or `fixtures/eval/NAME/main.dg` with sibling
//!   files: evaluated; the snapshot shows the sources and the JSON, and the
//!   run must have no errors.
//! - `fixtures/errors/...`: the same layout; the snapshot shows the sources
//!   and the rendered diagnostics, and there must be at least one error.

use digit_compiler::{eval_file, eval_file_pretty_at, MemLoader};
use digit_lang::diagnostic::render_human;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The loader for one fixture, and the entry path inside it. A directory
/// fixture gets every file below its directory, by relative path.
fn fixture(path: &Path) -> (MemLoader, PathBuf, Vec<(String, String)>) {
    let mut loader = MemLoader::new();
    let mut sources = Vec::new();
    let is_dir_fixture = path.file_name().is_some_and(|n| n == "main.dg")
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n != "eval" && n != "errors");
    if is_dir_fixture {
        let dir = path.parent().unwrap();
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        for f in files {
            let rel = f.strip_prefix(dir).unwrap().to_path_buf();
            let text = std::fs::read_to_string(&f).unwrap();
            if rel != Path::new("main.dg") {
                sources.push((rel.display().to_string(), text.clone()));
            }
            loader.add(&rel, text);
        }
        let main = std::fs::read_to_string(path).unwrap();
        sources.push(("main.dg".into(), main));
        (loader, PathBuf::from("main.dg"), sources)
    } else {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        loader.add(&name, text.clone());
        sources.push((name.clone(), text));
        (loader, PathBuf::from(name), sources)
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn show_sources(sources: &[(String, String)]) -> String {
    let mut s = String::new();
    for (name, text) in sources {
        let _ = writeln!(s, "----- SOURCE {name}\n{}", text.trim_end());
    }
    s
}

fn is_entry(path: &Path, area: &str) -> bool {
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    parent.as_deref() == Some(area) || path.file_name().is_some_and(|n| n == "main.dg")
}

#[test]
fn eval_fixtures() {
    insta::glob!("fixtures/eval/**/*.dg", |path| {
        if !is_entry(path, "eval") {
            return;
        }
        let (loader, entry, sources) = fixture(path);
        let (analysis, json) = eval_file(&loader, &entry, None);
        let diags: Vec<String> = analysis
            .problems
            .iter()
            .map(|d| render_human(d, &analysis.sources, false))
            .collect();
        assert!(
            !analysis.has_errors(),
            "{}: unexpected errors:\n{}",
            path.display(),
            diags.join("\n")
        );
        let json = serde_json::to_string_pretty(&json.unwrap()).unwrap();
        // `digitc eval` writes the same text without the JSON value.
        let (_, text) = eval_file_pretty_at(&loader, &entry, &[]);
        assert_eq!(text, Ok(Some(json.clone())), "{}", path.display());
        let mut out = show_sources(&sources);
        let _ = write!(out, "----- JSON\n{json}\n");
        if !diags.is_empty() {
            let _ = write!(out, "----- WARNINGS\n{}", diags.join("\n"));
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn error_fixtures() {
    insta::glob!("fixtures/errors/**/*.dg", |path| {
        if !is_entry(path, "errors") {
            return;
        }
        let (loader, entry, sources) = fixture(path);
        let (analysis, _) = eval_file(&loader, &entry, None);
        assert!(
            analysis.has_errors(),
            "{}: expected an error",
            path.display()
        );
        let diags: Vec<String> = analysis
            .problems
            .iter()
            .map(|d| render_human(d, &analysis.sources, false))
            .collect();
        let out = format!(
            "{}----- DIAGNOSTICS\n{}",
            show_sources(&sources),
            diags.join("\n")
        );
        insta::assert_snapshot!(out);
    });
}
