//! End-to-end tests of the `digitc` binary: exit codes, what is printed and
//! what is (not) written, as a user at a terminal or in CI sees them.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use support::{digitc, Scratch};

/// A scratch directory holding `files` (text).
fn scratch(name: &str, files: &[(&str, &str)]) -> Scratch {
    Scratch::new(name, files)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_bundled_example_checks_clean() {
    let out = digitc(&["check", "examples"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("no problems"), "{}", stderr(&out));
}

#[test]
fn eval_of_qa_applies_overrides_through_the_amends_chain() {
    let out = digitc(&["eval", "examples/env/qa.dg"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["name"], "qa");
    // base.dg's settings follow qa's domain (late binding).
    assert_eq!(
        v["global"]["egov-services-fqdn-name"],
        "https://qa.digit.example.org/"
    );
    // base.dg's image tags follow qa's knob, and the migration image
    // (computed in services/core.dg from the service's image) follows it.
    assert_eq!(
        v["services"]["egov-user"]["image"],
        "egovio/egov-user:v2.9.1-rc1"
    );
    assert_eq!(
        v["services"]["egov-user"]["migration"]["image"],
        "egovio/egov-user-db:v2.9.1-rc1"
    );
    // The config repositories' branch is qa's.
    assert_eq!(v["services"]["egov-persister"]["git_sync"]["branch"], "qa");
    assert_eq!(v["services"]["egov-user"]["replicas"], 2);
    // Secrets are markers with their path, never ciphertext or plaintext.
    let text = stdout(&out);
    assert!(!text.contains("dg1:"), "ciphertext leaked into eval output");
    assert_eq!(
        v["services"]["egov-user"]["secret_env"]["SPRING_DATASOURCE_PASSWORD"]["$secret"],
        "secrets.db.password"
    );
}

#[test]
fn eval_path_selects_one_value() {
    let out = digitc(
        &[
            "eval",
            "examples/env/prod.dg",
            "--path",
            "services.\"egov-user\".replicas",
        ],
        &root(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "3");
}

#[test]
fn a_type_error_in_an_environment_fails_with_code_and_line() {
    let s = scratch(
        "typeerr",
        &[
            (
                "base.dg",
                "amends \"digit:environment\"\ndomain = \"x.example.org\"\ndb { host = \"db\"; name = \"egov\" }\n",
            ),
            (
                "env/qa.dg",
                "amends \"../base.dg\"\nname = \"qa\"\nkafka.replicas = \"three\"\n",
            ),
        ],
    );
    let out = digitc(&["check", "--format", "json"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let errors: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", stderr(&out));
    let line = &errors[0];
    assert!(line["file"].as_str().unwrap().ends_with("qa.dg"), "{line}");
    assert_eq!(line["line"], 3);
    assert!(line["code"].as_str().unwrap().starts_with('E'));
}

#[test]
fn eval_with_errors_prints_nothing_on_stdout() {
    let s = scratch("evalerr", &[("a.dg", "x = 1 / 0\n")]);
    let out = digitc(&["eval", "a.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("a.dg:1"), "{}", stderr(&out));
}

#[test]
fn every_syntax_error_of_a_file_is_reported_in_one_run() {
    let s = scratch(
        "syntax",
        &[("bad.dg", "a = \nb = [1, 2\nc = 3\nd = \"unterminated\n")],
    );
    let out = digitc(&["check", "bad.dg", "--format", "json"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    let errors = stderr(&out).lines().count();
    assert!(errors >= 2, "expected several errors:\n{}", stderr(&out));
}

#[test]
fn fmt_check_lists_files_and_changes_nothing() {
    let messy = "x   =   1\n\n\n\ny={a=1;b=2}\n";
    let s = scratch("fmtcheck", &[("a.dg", messy), ("b.dg", "z = 1\n")]);
    let out = digitc(&["fmt", "--check"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).trim(), "a.dg");
    assert_eq!(std::fs::read_to_string(s.0.join("a.dg")).unwrap(), messy);

    let out = digitc(&["fmt"], &s.0);
    assert!(out.status.success(), "{}", stderr(&out));
    let formatted = std::fs::read_to_string(s.0.join("a.dg")).unwrap();
    assert_ne!(formatted, messy);
    let again = digitc(&["fmt", "--check"], &s.0);
    assert!(
        again.status.success(),
        "fmt is not idempotent:\n{formatted}"
    );
}

#[test]
fn fmt_leaves_a_broken_file_untouched() {
    let broken = "x = = 1\n";
    let s = scratch("fmtbroken", &[("a.dg", broken)]);
    let out = digitc(&["fmt"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(s.0.join("a.dg")).unwrap(), broken);
}

#[test]
fn fmt_check_names_every_file_that_would_change() {
    let s = scratch(
        "fmtchecknames",
        &[
            ("a.dg", "x=1\n"),
            ("sub/b.dg", "y = [ 1,2 ]\n"),
            ("sub/c.dg", "z = 1\n"),
        ],
    );
    let out = digitc(&["fmt", "--check", "a.dg", "sub"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "a.dg\nsub/b.dg\n");
    assert!(
        stderr(&out).contains("2 files would be reformatted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(s.0.join("a.dg")).unwrap(), "x=1\n");
}

#[test]
fn fmt_rewrites_files_in_place_in_the_canonical_style() {
    let messy = "amends   \"digit:environment\"\nname=\"qa\" \n\n\n\ndb { host = \"db\"; name = \"egov\" }\nkafka.topics += [ { name = \"t\", partitions = 1 } ]\n";
    let s = scratch("fmtinplace", &[("env/qa.dg", messy)]);
    let out = digitc(&["fmt", "env"], &s.0);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("formatted env/qa.dg"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(s.0.join("env/qa.dg")).unwrap(),
        "amends \"digit:environment\"\n\nname = \"qa\"\n\ndb {\n  host = \"db\"\n  name = \"egov\"\n}\nkafka.topics += [{ name = \"t\", partitions = 1 }]\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(s.0.join("env"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

#[test]
fn fmt_does_not_touch_a_file_already_formatted() {
    let s = scratch("fmtuntouched", &[("a.dg", "x = 1\n"), ("b.dg", "y=2\n")]);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let f = std::fs::File::options()
        .write(true)
        .open(s.0.join("a.dg"))
        .unwrap();
    f.set_modified(old).unwrap();
    drop(f);
    let out = digitc(&["fmt"], &s.0);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("a.dg"), "{}", stderr(&out));
    let meta = std::fs::metadata(s.0.join("a.dg")).unwrap();
    assert_eq!(
        meta.modified().unwrap(),
        old,
        "a formatted file was rewritten"
    );
    assert_eq!(
        std::fs::read_to_string(s.0.join("b.dg")).unwrap(),
        "y = 2\n"
    );
}

#[test]
fn fmt_reports_a_broken_file_and_still_formats_the_others() {
    let broken = "x = = 1\ny   =   2\n";
    let s = scratch(
        "fmtbrokenothers",
        &[("a.dg", broken), ("b.dg", "z   =   3\n")],
    );
    let out = digitc(&["fmt"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("E0101") && err.contains("a.dg:1:5"), "{err}");
    assert_eq!(std::fs::read_to_string(s.0.join("a.dg")).unwrap(), broken);
    assert_eq!(
        std::fs::read_to_string(s.0.join("b.dg")).unwrap(),
        "z = 3\n"
    );

    let out = digitc(&["fmt", "--check", "a.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "",
        "a broken file is not listed as formattable"
    );
    assert!(stderr(&out).contains("E0101"), "{}", stderr(&out));
}

#[test]
fn explain_prints_the_explanation_and_rejects_unknown_codes() {
    let out = digitc(&["explain", "E0101"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("E0101: "));
    let out = digitc(&["explain", "E9999"], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_file_is_an_io_error() {
    let out = digitc(&["eval", "does/not/exist.dg"], &root());
    assert_eq!(out.status.code(), Some(2));
    let out = digitc(&["check", "does/not/exist.dg"], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_a_diagnostic_not_a_crash() {
    let s = scratch("utf8", &[]);
    std::fs::create_dir_all(&s.0).unwrap();
    std::fs::write(s.0.join("a.dg"), b"x = \"\xff\xfe\"\n").unwrap();
    let out = digitc(&["check", "a.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("UTF-8"), "{}", stderr(&out));
}

/// A minimal valid platform base, amended by the environments of a test.
const BASE: &str = "amends \"digit:environment\"\ndomain = \"x.example.org\"\ndb { host = \"db\"; name = \"egov\" }\n";

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stderr(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn check_reports_the_errors_of_every_file_in_one_run() {
    let s = scratch(
        "manyfiles",
        &[
            ("base.dg", BASE),
            (
                "env/dev.dg",
                "amends \"../base.dg\"\nname = \"dev\"\nkafka.replicas = 0\n",
            ),
            (
                "env/qa.dg",
                "amends \"../base.dg\"\nname = \"qa\"\nkafka.replcas = 2\n",
            ),
            (
                "env/uat.dg",
                "amends \"../base.dg\"\nname = \"Not_A_Name\"\n",
            ),
        ],
    );
    let out = digitc(&["check", "--format", "json"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diags = json_lines(&out);
    let at = |file: &str| {
        diags
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(file))
            .collect::<Vec<_>>()
    };
    // dev: out of range, at the value.
    let dev = at("dev.dg");
    assert_eq!(dev.len(), 1, "{diags:?}");
    assert_eq!(
        (dev[0]["line"].as_u64(), dev[0]["column"].as_u64()),
        (Some(3), Some(18))
    );
    // qa: the misspelt field, with the fix.
    let qa = at("qa.dg");
    assert_eq!(qa.len(), 1, "{diags:?}");
    assert_eq!(qa[0]["line"], 3);
    assert!(
        qa[0]["help"].as_str().unwrap_or("").contains("replicas"),
        "{diags:?}"
    );
    // uat: not a DNS-1123 label.
    let uat = at("uat.dg");
    assert_eq!(uat.len(), 1, "{diags:?}");
    assert_eq!(uat[0]["line"], 2);
    // The base alone is incomplete (no name) but only ever used through
    // its environments: not reported.
    assert!(at("base.dg").is_empty(), "{diags:?}");
}

#[test]
fn a_plaintext_secret_is_refused_before_it_is_committed() {
    let s = scratch(
        "plaintext",
        &[
            ("base.dg", BASE),
            (
                "env/qa.dg",
                "amends \"../base.dg\"\nname = \"qa\"\nsecrets { db { password = \"hunter2\" } }\n",
            ),
        ],
    );
    let out = digitc(&["check"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("qa.dg:3"), "{}", stderr(&out));
    let out = digitc(&["eval", "env/qa.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
}

#[test]
fn an_import_cycle_is_named_whole() {
    let s = scratch(
        "cycle",
        &[
            ("a.dg", "import \"./b.dg\" as b\nx = b.y\n"),
            ("b.dg", "import \"./a.dg\" as a\ny = 1\n"),
        ],
    );
    let out = digitc(&["check", "a.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("a.dg") && err.contains("b.dg") && err.contains("cycle"),
        "{err}"
    );
}

#[test]
fn a_bad_eval_path_is_a_usage_error_with_a_suggestion() {
    let out = digitc(
        &["eval", "examples/env/qa.dg", "--path", "kafka.replcas"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("replicas"), "{}", stderr(&out));
}

#[test]
fn eval_path_takes_list_indexes() {
    let dir = scratch(
        "path-index",
        &[(
            "a.dg",
            "kafka { topics = [{ name = \"save-user\" }, { name = \"update-user\" }] }\n",
        )],
    );
    let out = digitc(&["eval", "a.dg", "--path", "kafka.topics[1].name"], &dir.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "\"update-user\"\n");
    let out = digitc(&["eval", "a.dg", "--path", "kafka.topics[2]"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has 2 elements"), "{}", stderr(&out));
    assert!(stderr(&out).contains("`[0]` to `[1]`"), "{}", stderr(&out));
    let out = digitc(&["eval", "a.dg", "--path", "kafka.topics.name"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("kafka.topics[0].name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_reports_what_only_the_lowering_finds() {
    let dir = scratch(
        "check-lowering",
        &[(
            "env.dg",
            r#"amends "digit:environment"
name = "qa"
domain = "qa.example.org"
db { host = "db"; name = "egov" }
extra_objects = [
  { apiVersion = "apps/v1", kind = "Deployment", metadata { name = "x", namespace = "egov" }, spec { replcias = 2 } },
]
"#,
        )],
    );
    let out = digitc(&["check", "env.dg"], &dir.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("E0731") && err.contains("did you mean `replicas`?"),
        "{err}"
    );
}

/// Every diagnostic code that appears in the sources of `lang` and
/// `compiler` (`"E0101"`, `"W0601"`) has a long explanation.
#[test]
fn every_reported_code_is_explained() {
    fn codes_in(dir: &Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                codes_in(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let b = text.as_bytes();
                for i in 0..b.len().saturating_sub(6) {
                    let code = &b[i + 1..i + 6];
                    if b[i] == b'"'
                        && matches!(code[0], b'E' | b'W')
                        && code[1..].iter().all(u8::is_ascii_digit)
                        && b[i + 6] == b'"'
                    {
                        out.insert(String::from_utf8(code.to_vec()).unwrap());
                    }
                }
            }
        }
    }
    let mut codes = std::collections::BTreeSet::new();
    codes_in(&root().join("lang/src"), &mut codes);
    codes_in(&root().join("compiler/src"), &mut codes);
    assert!(codes.len() > 30, "found only {codes:?}");
    for code in codes {
        let out = digitc(&["explain", &code], &root());
        assert!(
            out.status.success(),
            "`digitc explain {code}` fails: {}",
            stderr(&out)
        );
        assert!(stdout(&out).len() > 80, "{code} has no real explanation");
    }
}

const RULES_ENV: &str = r#"amends "digit:environment"

name = "qa"
domain = "qa.digit.org"
db { host = "pg"; name = "egov" }
zookeeper.replicas = 2
"#;

#[test]
fn check_holds_environments_to_the_platform_rules() {
    let s = scratch("rules-warn", &[("env.dg", RULES_ENV)]);
    // An even ensemble is a warning: reported, but the check passes.
    let out = digitc(&["check", "env.dg"], &s.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("[W0750] Warning"), "{}", stderr(&out));
    assert!(stderr(&out).contains("env.dg:6:22"), "{}", stderr(&out));
    // --deny-warnings makes it fail.
    let out = digitc(&["check", "--deny-warnings", "env.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--deny-warnings"), "{}", stderr(&out));
    let out = digitc(
        &["check", "--deny-warnings", "--format", "json", "env.dg"],
        &s.0,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["code"], "W0750");

    // A rule error fails without the flag; a base amended by the
    // environment is checked through it, once.
    let s = scratch(
        "rules-error",
        &[
            (
                "base.dg",
                &RULES_ENV.replace(
                    "zookeeper.replicas = 2",
                    "kafka.topics = [{ name = \"a/b\" }]",
                ),
            ),
            (
                "env/qa.dg",
                "amends \"../base.dg\"\nzookeeper.replicas = 3\n",
            ),
        ],
    );
    let out = digitc(&["check", "."], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&digitc(&["check", "--format", "json", "."], &s.0));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["code"], "E0753");
    assert_eq!(lines[0]["line"], 6);
}
