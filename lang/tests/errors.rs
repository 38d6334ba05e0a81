//! The error suite: broken `.dg` files under `fixtures/errors/`, one kind of
//! mistake each (and a few with several independent mistakes). Each is
//! parsed from its raw bytes and its diagnostics rendered next to its
//! source; a fixture must give at least one error. A fixture whose header
//! line mentions `json` also shows the `--format json` lines.

use digit_lang::diagnostic::{render_human, render_json};
use digit_lang::{parse_bytes, parse_source, SourceMap};
use std::fmt::Write;

#[test]
fn error_fixtures() {
    insta::glob!("fixtures/errors/*.dg", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut map = SourceMap::new();
        let (file, parse) = parse_source(&mut map, name.clone(), &bytes);
        let text = map.text(file).to_string();
        assert!(
            parse.diagnostics.iter().any(|d| d.is_error()),
            "{name}: expected an error"
        );
        let mut out = format!("----- SOURCE\n{}\n----- DIAGNOSTICS\n", text.trim_end());
        for d in &parse.diagnostics {
            out.push_str(&render_human(d, &map, false));
        }
        if text.lines().next().is_some_and(|l| l.contains("json")) {
            out.push_str("----- JSON\n");
            for d in &parse.diagnostics {
                let _ = writeln!(out, "{}", render_json(d, &map));
            }
        }
        insta::assert_snapshot!(out);
    });
}

/// Every front-end code in the registry is produced by some fixture.
#[test]
fn every_front_end_code_is_exercised() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let (_, parse) = parse_bytes(digit_lang::FileId(0), &bytes);
        seen.extend(parse.diagnostics.iter().map(|d| d.code));
    }
    let missing: Vec<&str> = digit_lang::codes::REGISTRY
        .iter()
        .map(|c| c.code)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no fixture reports {missing:?}");
}
