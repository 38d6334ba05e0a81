//! The bundled example platform, built as a user builds it: each
//! environment of `examples/env/` through the real binary into a `-o DIR`
//! tree (YAML, the way most GitOps repositories hold it), snapshotted file
//! by file so that a change to the standard library, the lowering or the
//! example shows up as a reviewable diff. Secrets are redacted in the
//! snapshots; the decrypting build is checked for the same tree shape and
//! for Secret data that decodes to the demo values' files only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn digitc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digitc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("DIGIT_SECRET_PASSCODE")
        .env_remove("EGOV_SECRET_PASSCODE")
        .output()
        .expect("the digitc binary runs")
}

/// A fresh scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("digitc-example-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file below `dir` (relative, sorted), the manifest aside.
fn files(dir: &Path) -> Vec<PathBuf> {
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
    out.retain(|p| p != Path::new(".digitc-manifest"));
    out.sort();
    out
}

fn build_tree(env: &str, dir: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let file = format!("examples/env/{env}.dg");
    let out_dir = dir.to_str().unwrap();
    let mut args = vec!["build", file.as_str(), "-o", out_dir];
    args.extend(extra);
    let out = digitc(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{env}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "-o writes files, not stdout");
    files(dir)
}

fn snapshot_env(env: &str) {
    let dir = Scratch::new(&format!("{env}-redacted"));
    let tree = build_tree(
        env,
        &dir.0,
        &["--redact-secrets", "--output-format", "yaml"],
    );
    let mut text = String::new();
    for f in &tree {
        text.push_str(&format!("=== {}\n", f.display()));
        text.push_str(&std::fs::read_to_string(dir.0.join(f)).unwrap());
    }
    insta::assert_snapshot!(format!("example_{env}"), text);

    // The decrypting build writes the same files; only Secret files hold
    // data, and they are private to their owner.
    let real = Scratch::new(&format!("{env}-real"));
    let real_tree = build_tree(
        env,
        &real.0,
        &[
            "--passcode-file",
            "examples/.demo-passcode",
            "--output-format",
            "yaml",
        ],
    );
    assert_eq!(
        tree, real_tree,
        "{env}: the same objects with and without the passcode"
    );
    for f in &real_tree {
        let name = f.file_name().unwrap().to_string_lossy();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(real.0.join(f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            if name.starts_with("secret-") {
                assert_eq!(mode, 0o600, "{env}: {} holds secrets", f.display());
            }
        }
        if !name.starts_with("secret-") {
            let a = std::fs::read(dir.0.join(f)).unwrap();
            let b = std::fs::read(real.0.join(f)).unwrap();
            assert_eq!(
                a,
                b,
                "{env}: {} does not depend on the passcode",
                f.display()
            );
        }
    }
}

#[test]
fn dev_builds_to_the_reviewed_tree() {
    snapshot_env("dev");
}

#[test]
fn qa_builds_to_the_reviewed_tree() {
    snapshot_env("qa");
}

#[test]
fn prod_builds_to_the_reviewed_tree() {
    snapshot_env("prod");
}
