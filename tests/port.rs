//! A real environment ported by hand, with one mistake per case (issue 12).
//!
//! `port/platform/` is a reduced DIGIT platform of the examples' shape:
//! `base.dg` and three environments, `env/{dev,qa,prod}.dg`, which checks
//! clean. Each directory under `port/cases/` holds the files of one
//! mistake, written over a copy of the platform (same relative paths); the
//! first line of a changed file is a comment saying what the mistake is.
//! The case is checked through the binary as CI would, for people and for
//! tools, and the snapshot shows what changed next to what was reported:
//! one mistake, one diagnostic, at its place. Adding a case is adding a
//! directory.

mod support;

use std::fmt::Write;
use std::path::{Path, PathBuf};
use support::{digitc, files, Scratch};

/// The command lines each case is checked with.
const CHECKS: &[&[&str]] = &[
    &["check", "env/dev.dg", "env/qa.dg", "env/prod.dg"],
    &["check", "--format", "json", "."],
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/port")
}

/// A copy of the platform with the files of the case in `overlay`
/// written over it.
fn platform_with(case: &str, overlay: Option<&Path>) -> Scratch {
    let s = Scratch::empty(&format!("port-{case}"));
    let platform = root().join("platform");
    for dir in std::iter::once(platform.as_path()).chain(overlay) {
        for rel in files(dir) {
            s.write(&rel, &std::fs::read(dir.join(&rel)).unwrap());
        }
    }
    s
}

#[test]
fn the_platform_checks_clean() {
    let s = platform_with("platform", None);
    for args in CHECKS {
        let out = digitc(args, &s.0);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "digitc {}:\n{err}", args.join(" "));
    }
}

#[test]
fn each_mistake_is_reported_once_at_its_place() {
    let cases = root().join("cases");
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let case = cases.join(&name);
        let s = platform_with(&name, Some(&case));
        let mut text = String::new();
        for rel in files(&case) {
            let old =
                std::fs::read_to_string(root().join("platform").join(&rel)).unwrap_or_default();
            let new = std::fs::read_to_string(case.join(&rel)).unwrap();
            let _ = write!(
                text,
                "----- CHANGED {}\n{}",
                rel.display(),
                diff(&old, &new)
            );
        }
        for args in CHECKS {
            let out = digitc(args, &s.0);
            assert!(
                out.stdout.is_empty(),
                "{name}: `check` prints nothing on stdout"
            );
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name}: a mistake fails the check"
            );
            let err = String::from_utf8_lossy(&out.stderr);
            let _ = write!(text, "----- digitc {} (exit 1)\n{err}", args.join(" "));
        }
        insta::assert_snapshot!(name.as_str(), text);
    }
}

/// The lines that differ between `old` and `new`, each with one line of
/// context: `-` removed, `+` added, `@@ N` where a hunk starts in `new`.
fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence, from the ends.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Each line of the edit script: (kind, text, line in `new`).
    let mut script = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            script.push((' ', a[i], j + 1));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            script.push(('-', a[i], j + 1));
            i += 1;
        } else {
            script.push(('+', b[j], j + 1));
            j += 1;
        }
    }
    let changed = |k: usize| script.get(k).is_some_and(|l| l.0 != ' ');
    let mut out = String::new();
    let mut last_shown = None;
    for (k, &(kind, line, at)) in script.iter().enumerate() {
        let near = changed(k) || (k > 0 && changed(k - 1)) || changed(k + 1);
        if !near {
            continue;
        }
        if last_shown.is_none_or(|l: usize| l + 1 != k) {
            let _ = writeln!(out, "@@ {at}");
        }
        let _ = writeln!(out, "{kind} {line}");
        last_shown = Some(k);
    }
    out
}
