//! End-to-end tests of `digitc build` on the real binary: what it prints,
//! what it writes with `-o DIR` (and what it leaves alone), exit codes.
//! Fixtures: `tests/fixtures/build/` (base.dg holds a few extra objects of
//! built-in kinds and patches on them; the other files amend it).

use serde_json::Value;
use std::collections::BTreeMap;
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

fn fixture(name: &str) -> String {
    format!("tests/fixtures/build/{name}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// Builds `name` and returns its stdout; the build must succeed.
fn build_ok(name: &str, extra: &[&str]) -> Vec<u8> {
    let f = fixture(name);
    let mut args = vec!["build", f.as_str()];
    args.extend(extra);
    let out = digitc(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    out.stdout
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("digitc-build-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Everything about a directory tree a user could notice: each file's
/// bytes, mode and inode (a rewrite through rename changes the inode).
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    bytes: Vec<u8>,
    mode: u32,
    inode: u64,
}

fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(
                    rel + "/",
                    Entry {
                        bytes: Vec::new(),
                        mode: 0,
                        inode: 0,
                    },
                );
                walk(root, &p, out);
            } else {
                use std::os::unix::fs::MetadataExt;
                let meta = std::fs::metadata(&p).unwrap();
                out.insert(
                    rel,
                    Entry {
                        bytes: std::fs::read(&p).unwrap(),
                        mode: meta.mode() & 0o777,
                        inode: meta.ino(),
                    },
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn items(stdout: &[u8]) -> Vec<Value> {
    let list: Value = serde_json::from_slice(stdout).expect("stdout is JSON");
    list["items"].as_array().expect("items").clone()
}

fn find<'v>(items: &'v [Value], kind: &str, name: &str) -> &'v Value {
    items
        .iter()
        .find(|i| i["kind"] == kind && i["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn stdout_is_one_pretty_list_with_extras_and_patches_applied() {
    let out = build_ok("env.dg", &[]);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.starts_with("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n")
    );
    assert!(text.ends_with("]\n}\n"), "{text}");
    let items = items(&out);
    let web = find(&items, "Deployment", "web");
    assert_eq!(web["spec"]["replicas"], 2, "the patch sets replicas");
    let settings = find(&items, "ConfigMap", "settings");
    assert_eq!(
        settings["data"],
        serde_json::json!({
            "feature.enabled": "yes",
            "nginx.conf": "server {\n  listen 80;\n}\n",
            "timezone": "UTC"
        }),
        "the patch removes backup.time (none) and adds timezone last"
    );
    // kubectl-apply order: the Namespace before what lives in it.
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    let pos = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    assert!(pos("Namespace") < pos("ConfigMap"));
    assert!(pos("Secret") < pos("Deployment"));
}

#[test]
fn two_runs_give_identical_bytes() {
    for format in ["json", "yaml"] {
        let a = build_ok("env.dg", &["--output-format", format]);
        let b = build_ok("env.dg", &["--output-format", format]);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{format}");
    }
    let (one, two) = (Scratch::new("twice-1"), Scratch::new("twice-2"));
    build_ok("env.dg", &["-o", one.path()]);
    build_ok("env.dg", &["-o", two.path()]);
    let strip = |t: BTreeMap<String, Entry>| -> BTreeMap<String, Vec<u8>> {
        t.into_iter().map(|(k, e)| (k, e.bytes)).collect()
    };
    assert_eq!(strip(tree(&one.0)), strip(tree(&two.0)));
}

#[test]
fn yaml_reads_back_as_the_same_objects() {
    let json = items(&build_ok("env.dg", &[]));
    let yaml = String::from_utf8(build_ok("env.dg", &["--output-format", "yaml"])).unwrap();
    assert!(yaml.starts_with("---\napiVersion: v1\n"), "{yaml}");
    // Quoted for kubectl's YAML 1.1 reader, which takes `yes` for true.
    assert!(yaml.contains("  feature.enabled: 'yes'\n"), "{yaml}");
    assert!(
        yaml.contains("  nginx.conf: |\n    server {\n      listen 80;\n    }\n"),
        "{yaml}"
    );
    let docs: Vec<Value> = serde_yaml_ng::Deserializer::from_str(&yaml)
        .map(|d| serde::Deserialize::deserialize(d).expect("a YAML document"))
        .collect();
    assert_eq!(docs, json);
}

#[test]
fn out_dir_holds_one_file_per_object_and_nothing_on_stdout() {
    let dir = Scratch::new("layout");
    let out = digitc(&["build", &fixture("env.dg"), "-o", dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let items = items(&build_ok("env.dg", &[]));
    let n = items.len();
    assert!(
        stderr(&out).contains(&format!("{n} written")),
        "{}",
        stderr(&out)
    );
    let t = tree(&dir.0);
    for (path, kind, name) in [
        ("_cluster/namespace-tools.json", "Namespace", "tools"),
        ("egov/configmap-settings.json", "ConfigMap", "settings"),
        ("egov/secret-smtp.json", "Secret", "smtp"),
        ("tools/deployment-web.json", "Deployment", "web"),
    ] {
        let file = &t
            .get(path)
            .unwrap_or_else(|| panic!("{path} in {:?}", t.keys()));
        let mut want = serde_json::to_string_pretty(find(&items, kind, name)).unwrap();
        want.push('\n');
        assert_eq!(String::from_utf8_lossy(&file.bytes), want, "{path}");
    }
    let manifest = String::from_utf8(t[".digitc-manifest"].bytes.clone()).unwrap();
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    let files: Vec<&str> = t
        .keys()
        .map(String::as_str)
        .filter(|k| !k.ends_with('/') && *k != ".digitc-manifest")
        .collect();
    assert_eq!(
        listed, files,
        "the manifest lists every file written, sorted"
    );
    assert_eq!(files.len(), n, "one file per object");
    // Secret objects are private from their creation; others are not.
    assert_eq!(t["egov/secret-smtp.json"].mode, 0o600);
    assert_ne!(t["egov/configmap-settings.json"].mode & 0o044, 0);
}

#[test]
fn out_dir_in_yaml_replaces_the_json_files() {
    let dir = Scratch::new("yaml");
    build_ok("env.dg", &["-o", dir.path()]);
    build_ok("env.dg", &["-o", dir.path(), "--output-format", "yaml"]);
    let t = tree(&dir.0);
    assert!(t.contains_key("tools/deployment-web.yaml"));
    assert!(!t.keys().any(|k| k.ends_with(".json")), "{:?}", t.keys());
    let text = String::from_utf8(t["tools/deployment-web.yaml"].bytes.clone()).unwrap();
    assert!(
        text.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{text}"
    );
}

#[test]
fn a_rebuild_prunes_only_files_digitc_wrote_and_rewrites_only_changes() {
    let dir = Scratch::new("prune");
    build_ok("env.dg", &["-o", dir.path()]);
    std::fs::write(dir.0.join("README.md"), "mine").unwrap();
    std::fs::write(dir.0.join("tools/notes.txt"), "mine too").unwrap();
    let before = tree(&dir.0);
    // The same build again: nothing is rewritten.
    let n = items(&build_ok("env.dg", &[])).len();
    let out = digitc(&["build", &fixture("env.dg"), "-o", dir.path()]);
    let same = format!("0 written, {n} unchanged, 0 removed");
    assert!(stderr(&out).contains(&same), "{}", stderr(&out));
    assert_eq!(tree(&dir.0), before);
    // Without the Deployment and the ConfigMap: their files go, the rest stays.
    let out = digitc(&["build", &fixture("smaller.dg"), "-o", dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("2 removed"), "{}", stderr(&out));
    let after = tree(&dir.0);
    assert!(!after.contains_key("tools/deployment-web.json"));
    assert!(!after.contains_key("egov/configmap-settings.json"));
    assert_eq!(after["README.md"].bytes, b"mine");
    assert_eq!(after["tools/notes.txt"].bytes, b"mine too");
    assert_eq!(
        after["_cluster/namespace-tools.json"], before["_cluster/namespace-tools.json"],
        "an unchanged file keeps its inode"
    );
}

#[test]
fn a_failing_build_leaves_the_directory_exactly_as_it_was() {
    let dir = Scratch::new("atomic");
    build_ok("env.dg", &["-o", dir.path()]);
    std::fs::write(dir.0.join("README.md"), "mine").unwrap();
    let before = tree(&dir.0);
    for broken in ["broken.dg", "extras-errors.dg"] {
        let out = digitc(&["build", &fixture(broken), "-o", dir.path()]);
        assert_eq!(code(&out), 1, "{broken}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert_eq!(tree(&dir.0), before, "{broken}");
    }
    let out = digitc(&[
        "build",
        &fixture("custom.dg"),
        "-o",
        dir.path(),
        "--deny-warnings",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(tree(&dir.0), before);
    // A directory that does not exist is not created.
    let fresh = Scratch::new("atomic-fresh");
    let out = digitc(&["build", &fixture("broken.dg"), "-o", fresh.path()]);
    assert_eq!(code(&out), 1);
    assert!(!fresh.0.exists());
}

#[test]
fn nothing_is_printed_on_stdout_when_the_build_fails() {
    for broken in ["broken.dg", "extras-errors.dg"] {
        for format in ["json", "yaml"] {
            let out = digitc(&["build", &fixture(broken), "--output-format", format]);
            assert_eq!(code(&out), 1, "{broken}");
            assert!(out.stdout.is_empty(), "{broken}");
            assert!(stderr(&out).contains("error"), "{}", stderr(&out));
        }
    }
}

#[test]
fn warnings_pass_unless_denied() {
    let out = digitc(&["build", &fixture("custom.dg")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("W0730"), "{}", stderr(&out));
    let items = items(&out.stdout);
    assert_eq!(
        find(&items, "ClusterIssuer", "letsencrypt")["apiVersion"],
        "cert-manager.io/v1"
    );
    let out = digitc(&["build", &fixture("custom.dg"), "--deny-warnings"]);
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("W0730"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--deny-warnings"), "{}", stderr(&out));
    // A build without warnings passes with the flag.
    build_ok("env.dg", &["--deny-warnings"]);
}

#[test]
fn exit_codes() {
    let cases: &[(&[&str], i32)] = &[
        (&["build", "tests/fixtures/build/env.dg"], 0),
        (&["build", "tests/fixtures/build/broken.dg"], 1),
        (&["build", "tests/fixtures/build/no-such-file.dg"], 2),
        (
            &["build", "tests/fixtures/build/env.dg", "--no-such-flag"],
            2,
        ),
        (
            &[
                "build",
                "tests/fixtures/build/env.dg",
                "--output-format",
                "xml",
            ],
            2,
        ),
        (&["build"], 2),
        // -o naming a regular file: an I/O problem.
        (
            &[
                "build",
                "tests/fixtures/build/env.dg",
                "-o",
                "tests/fixtures/build/env.dg",
            ],
            2,
        ),
    ];
    for (args, want) in cases {
        let out = digitc(args);
        assert_eq!(code(&out), *want, "{args:?}: {}", stderr(&out));
        if *want != 0 {
            assert!(out.stdout.is_empty(), "{args:?}");
        }
    }
}

#[test]
fn extras_and_patches_errors_point_at_their_lines() {
    let out = digitc(&["build", &fixture("extras-errors.dg")]);
    assert_eq!(code(&out), 1);
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn diagnostics_as_json_lines() {
    let out = digitc(&["build", &fixture("extras-errors.dg"), "--format", "json"]);
    assert_eq!(code(&out), 1);
    let codes: Vec<String> = stderr(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("one JSON object a line")["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for c in [
        "E0730", "E0731", "E0732", "E0733", "E0734", "E0735", "E0736", "E0737",
    ] {
        assert!(codes.iter().any(|x| x == c), "{c} in {codes:?}");
    }
}

#[test]
fn every_build_code_is_explained() {
    for c in [
        "E0730", "E0731", "E0732", "E0733", "E0734", "E0735", "E0736", "E0737", "W0730", "E0740",
        "E0741",
    ] {
        let out = digitc(&["explain", c]);
        assert_eq!(code(&out), 0, "{c}");
    }
}

/// A module whose amends chain does not reach `digit:environment` (a
/// services module imported by a base) cannot be built: one error saying
/// so, exit 1.
#[test]
fn a_module_that_is_not_an_environment_is_refused() {
    let out = digitc(&["build", "--redact-secrets", "examples/services/core.dg"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("[E0701]") && err.contains("does not reach `digit:environment`"),
        "{err}"
    );
    assert_eq!(err.matches("Error:").count(), 1, "{err}");
}
