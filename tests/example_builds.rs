//! The bundled example platform, built as a user builds it: each
//! environment of `examples/env/` through the real binary into a `-o DIR`
//! tree (YAML, the way most GitOps repositories hold it), snapshotted file
//! by file so that a change to the standard library, the lowering or the
//! example shows up as a reviewable diff. Secrets are redacted in the
//! snapshots; the decrypting build is checked for the same tree shape and
//! for Secret data that decodes to the demo values' files only.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use support::Scratch;

/// Runs the binary at the repository's root, without a passcode from the
/// environment.
fn digitc(args: &[&str]) -> Output {
    support::digitc(args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Every file below `dir` (relative, sorted), the manifest aside.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = support::files(dir);
    out.retain(|p| p != Path::new(".digitc-manifest"));
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
    let dir = Scratch::empty(&format!("example-{env}-redacted"));
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
    let real = Scratch::empty(&format!("example-{env}-real"));
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
