//! The fast parser against the grammar.
//!
//! Soundness: on any input, when the fast parser gives the tree, the
//! grammar gives the same tree and no errors (so the diagnostics, the
//! comments and the tree of `parse` do not depend on which parser ran).
//! Checked over every `.dg` file of the repository, the benchmark input,
//! those files with pieces cut out or glued in, random glued snippets and
//! arbitrary text.
//!
//! Completeness: the fast parser accepts every file of the repository that
//! has no diagnostics, and the benchmark input; otherwise it speeds up
//! nothing.

use digit_lang::parser::differential;
use digit_lang::FileId;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "common/platform.rs"]
mod platform;
#[path = "common/snippets.rs"]
mod snippets;

const FILE: FileId = FileId(0);

/// Checks the invariant on `text`; returns whether the fast parser ran.
fn agrees(text: &str) -> bool {
    let d = differential(FILE, text);
    let Some(fast) = &d.fast else {
        return false;
    };
    assert_eq!(
        d.grammar_errors, 0,
        "grammar errors where the fast parser accepted:\n{text}"
    );
    assert_eq!(fast.module, d.grammar.module, "trees differ on:\n{text}");
    assert_eq!(fast.comments, d.grammar.comments);
    assert_eq!(fast.diagnostics, d.grammar.diagnostics);
    true
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "dg") {
            out.push(path);
        }
    }
}

/// Every `.dg` file of the repository, with its text (lossily decoded).
fn repository_files() -> &'static [(PathBuf, String)] {
    static FILES: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        for dir in [
            "lang/tests/fixtures",
            "compiler/tests/fixtures",
            "examples",
            "stdlib/dg",
        ] {
            walk(&root.join(dir), &mut paths);
        }
        assert!(paths.len() > 100, "found only {} .dg files", paths.len());
        paths
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                (p, text)
            })
            .collect()
    })
}

#[test]
fn repository_files_agree_and_valid_ones_take_the_fast_path() {
    let mut missed = Vec::new();
    for (path, text) in repository_files() {
        let fast = agrees(text);
        let valid = digit_lang::parse(FILE, text).diagnostics.is_empty();
        if valid && !fast {
            missed.push(path.display().to_string());
        }
    }
    assert!(
        missed.is_empty(),
        "the fast parser gave up on valid files: {missed:#?}"
    );
}

#[test]
fn syntax_fixtures_take_the_fast_path() {
    let syntax: Vec<_> = repository_files()
        .iter()
        .filter(|(p, _)| p.to_string_lossy().contains("fixtures/syntax"))
        .collect();
    assert!(syntax.len() >= 10);
    for (path, text) in syntax {
        assert!(agrees(text), "{}", path.display());
    }
}

#[test]
fn benchmark_input_takes_the_fast_path() {
    assert!(agrees(&platform::platform(1 << 20)));
}

#[test]
fn chain_limits_agree() {
    for n in [499, 500, 501, 502] {
        let chain = vec!["a"; n + 1].join(" + ");
        let fields = vec!["a"; n + 1].join(".");
        let unary = "-".repeat(n);
        let ifs = "if a then 1 else ".repeat(n);
        let qs = "?".repeat(n);
        for text in [
            format!("x = {chain}\n"),
            format!("x = {fields}\n"),
            format!("x = {unary}1\n"),
            format!("x = {ifs}2\n"),
            format!("x: Int{qs}\n"),
            format!("if a {{ }}{}\n", " else if a { }".repeat(n)),
        ] {
            agrees(&text);
        }
    }
    assert!(agrees(&format!("x = {}\n", vec!["a"; 501].join(" + "))));
    assert!(!agrees(&format!("x = {}\n", vec!["a"; 502].join(" + "))));
}

#[test]
fn deep_nesting_agrees() {
    let n = digit_lang::parser::MAX_DEPTH - 1;
    let lists = format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n));
    assert!(agrees(&lists));
    let records = format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n));
    assert!(agrees(&records));
    let strings = format!("x = {}y{}\n", "\"${".repeat(n / 2), "}\"".repeat(n / 2));
    assert!(agrees(&strings));
    // Nesting without delimiters: past its depth bound the fast parser
    // leaves the file to the grammar.
    let thens = format!(
        "x = {}1{}\n",
        "if a then ".repeat(900),
        " else 2".repeat(900)
    );
    assert!(!agrees(&thens));
}

/// A char boundary of `text` at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn glued_snippets_agree(indices in proptest::collection::vec(any::<usize>(), 0..60)) {
        agrees(&snippets::glue(&indices));
    }

    #[test]
    fn arbitrary_text_agrees(text in "\\PC{0,300}") {
        agrees(&text);
    }

    #[test]
    fn arbitrary_bytes_agree(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        agrees(&String::from_utf8_lossy(&bytes));
    }

    /// Repository files with a few snippets glued in: mostly still valid,
    /// or broken in one place, which is where the two parsers could part.
    #[test]
    fn edited_files_agree(
        file in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<usize>(), 0usize..3), 1..4),
    ) {
        let files = repository_files();
        let (_, original) = &files[file % files.len()];
        let mut text = original.clone();
        for (at, what, kind) in edits {
            let at = boundary(&text, at % (text.len() + 1));
            match kind {
                0 => text.insert_str(at, snippets::SNIPPETS[what % snippets::SNIPPETS.len()]),
                1 => {
                    let end = boundary(&text, at + what % 8);
                    text.replace_range(at..end, "");
                }
                _ => {
                    let end = boundary(&text, at + what % 40);
                    let piece = text[at..end].to_string();
                    text.insert_str(end, &piece);
                }
            }
        }
        agrees(&text);
    }
}
