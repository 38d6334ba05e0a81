//! The formatter, tested as data.
//!
//! - `fixtures/format/NAME.dg`: messy input; the snapshot shows the source
//!   and the formatted text, and the formatted text must be a fixed point
//!   that parses to the same tree with the same comments.
//! - Every `.dg` file of the repository that parses without errors (the
//!   fixtures of every crate, the examples, the standard library) must
//!   round-trip the same way. Files whose parse has errors are skipped: the
//!   formatter refuses them.

use digit_lang::ast::CommentKind;
use digit_lang::format::format;
use digit_lang::{dump::dump, parse, FileId};
use std::path::{Path, PathBuf};

/// The properties every formatted file has; returns the formatted text.
fn check_round_trip(name: &str, src: &str) -> String {
    let out = match format(FileId(0), src) {
        Ok(out) => out,
        Err(ds) => panic!("{name}: the formatter refused the file: {ds:?}"),
    };
    let before = parse(FileId(0), src);
    let after = parse(FileId(0), &out);
    assert!(
        !after.diagnostics.iter().any(|d| d.is_error()),
        "{name}: the formatted text does not parse:\n{out}\n{:?}",
        after.diagnostics
    );
    assert_eq!(
        dump(&before.module, false),
        dump(&after.module, false),
        "{name}: formatting changed the syntax tree:\n{out}"
    );
    assert_eq!(
        comments(src, &before.comments),
        comments(&out, &after.comments),
        "{name}: formatting lost or changed a comment:\n{out}"
    );
    let again = format(FileId(0), &out).unwrap_or_default();
    assert_eq!(out, again, "{name}: formatting is not idempotent");
    out
}

/// Each comment's text, in order (line comments without trailing blanks).
fn comments(src: &str, cs: &[digit_lang::ast::Comment]) -> Vec<String> {
    cs.iter()
        .map(|c| {
            let t = &src[c.span.start as usize..c.span.end as usize];
            match c.kind {
                CommentKind::Line => t.trim_end().to_string(),
                CommentKind::Block | CommentKind::Doc => t.to_string(),
            }
        })
        .collect()
}

#[test]
fn format_fixtures() {
    insta::glob!("fixtures/format/*.dg", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let out = check_round_trip(&path.display().to_string(), &src);
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{}\n----- FORMATTED\n{out}",
            src.trim_end()
        ));
    });
}

#[test]
fn a_crlf_file_keeps_its_line_ends() {
    let src =
        "// crlf\r\na   =   1\r\n\r\n\r\ns = \"\"\"\r\n  x\r\n  \"\"\"\r\nb { c = 1 ; d = 2 }\r\n";
    let out = check_round_trip("crlf", src);
    assert_eq!(
        out,
        "// crlf\r\na = 1\r\n\r\ns = \"\"\"\r\n  x\r\n  \"\"\"\r\nb {\r\n  c = 1\r\n  d = 2\r\n}\r\n"
    );
    assert_eq!(check_round_trip("lf", "a=1\n"), "a = 1\n");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "dg") {
            out.push(p);
        }
    }
}

#[test]
fn every_dg_file_in_the_repository_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "lang/tests/fixtures",
        "compiler/tests/fixtures",
        "examples",
        "stdlib/dg",
    ] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    let mut checked = 0;
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        if parse(FileId(0), &src)
            .diagnostics
            .iter()
            .any(|d| d.is_error())
        {
            continue;
        }
        check_round_trip(&path.display().to_string(), &src);
        checked += 1;
    }
    assert!(checked > 20, "only {checked} files were checked");
}

#[test]
fn the_examples_and_the_standard_library_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    walk(&root.join("examples"), &mut files);
    walk(&root.join("stdlib/dg"), &mut files);
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let out = format(FileId(0), &src).unwrap();
        assert!(out == src, "{} is not formatted", path.display());
    }
}
