//! Helpers shared by the tests of the `digitc` binary: each `tests/*.rs`
//! is a crate of its own and includes this module (`mod support;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary in `dir`, without colours and without a passcode from
/// the environment.
pub fn digitc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digitc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DIGIT_SECRET_PASSCODE")
        .env_remove("EGOV_SECRET_PASSCODE")
        .output()
        .expect("the digitc binary runs")
}

/// A scratch directory `digitc-NAME-PID` in the temporary directory,
/// removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// An empty scratch directory (not created yet).
    pub fn empty(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("digitc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    /// A scratch directory holding `files` (relative path, contents).
    pub fn new<B: AsRef<[u8]>>(name: &str, files: &[(&str, B)]) -> Scratch {
        let s = Scratch::empty(name);
        std::fs::create_dir_all(&s.0).unwrap();
        for (path, bytes) in files {
            s.write(Path::new(path), bytes.as_ref());
        }
        s
    }

    /// Writes `bytes` at `rel` below the directory, making its parents.
    pub fn write(&self, rel: &Path, bytes: &[u8]) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file below `dir`, relative to it, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
