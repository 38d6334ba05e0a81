//! Helpers shared by the compiler's integration tests: the repository's
//! `.dg` files.

use std::path::{Path, PathBuf};

/// The directories whose `.dg` files are meant to be valid: the examples,
/// the standard library, and the fixtures that evaluate, build or pass the
/// platform rules.
pub const VALID_DIRS: &[&str] = &[
    "examples",
    "stdlib/dg",
    "compiler/tests/fixtures/eval",
    "compiler/tests/fixtures/build",
    "compiler/tests/fixtures/rules",
    "tests/fixtures/build",
];

/// The repository's root.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the compiler crate is inside the repository")
}

/// Every `.dg` file below the directories `dirs` of the repository (paths
/// from its root), sorted.
pub fn dg_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in dirs {
        walk(&repo_root().join(d), &mut files);
    }
    files.sort();
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "dg") {
            out.push(p);
        }
    }
}
