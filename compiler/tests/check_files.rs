//! `check_files`: a base amended by another checked file is checked through
//! it; every independent error of every file is reported in one run.

use digit_compiler::{check_files, MemLoader};
use std::path::PathBuf;

const BASE: &str = r#"amends "digit:environment"
tag: String = "v1"
domain = "digit.example.org"
db { host = "db", name = "egov" }
services."egov-user".image = "egovio/egov-user:${tag}"
"#;

fn loader() -> MemLoader {
    MemLoader::new()
        .with("base.dg", BASE)
        .with(
            "env/qa.dg",
            "amends \"../base.dg\"\nname = \"qa\"\nkafka.replicas = \"three\"\n",
        )
        .with(
            "env/dev.dg",
            "amends \"../base.dg\"\nname = \"dev\"\ntag = 2\n",
        )
}

fn messages(paths: &[&str]) -> Vec<String> {
    let l = loader();
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let a = check_files(&l, &paths);
    a.problems
        .iter()
        .map(|d| {
            let file = a.sources.name(d.span.file);
            format!("{} {file}: {}", d.code, d.message)
        })
        .collect()
}

#[test]
fn base_is_checked_through_the_files_amending_it() {
    let m = messages(&["base.dg", "env/dev.dg", "env/qa.dg"]);
    assert!(
        !m.iter()
            .any(|s| s.contains("missing required field `name`")),
        "{m:#?}"
    );
    // One error in each environment, both reported in the same run.
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(m.iter().any(|s| s.starts_with("E0401 env/qa.dg")), "{m:#?}");
    assert!(
        m.iter().any(|s| s.starts_with("E0401 env/dev.dg")),
        "{m:#?}"
    );
}

#[test]
fn base_alone_reports_what_it_lacks() {
    let m = messages(&["base.dg"]);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].contains("missing required field `name`"), "{m:#?}");
}

#[test]
fn environment_alone_is_checked_with_its_base() {
    let m = messages(&["env/qa.dg"]);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].starts_with("E0401 env/qa.dg"), "{m:#?}");
}

/// An environment whose `amends` is misspelt is not checked (it has no
/// schema without its base), and the base it meant is not checked alone
/// in its place (it would lack `name`): the path is the one error.
#[test]
fn a_misspelt_amends_is_the_only_error() {
    let l = MemLoader::new().with("base.dg", BASE).with(
        "env/qa.dg",
        "amends \"../bas.dg\"\nname = \"qa\"\nkafka.replicas = 3\n",
    );
    let a = check_files(&l, &[PathBuf::from("base.dg"), PathBuf::from("env/qa.dg")]);
    let m: Vec<String> = a
        .problems
        .iter()
        .map(|d| format!("{} {}", d.code, d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(m, ["E0201 did you mean \"../base.dg\"?"], "{m:#?}");
}

/// A problem in the base that two environments cause is one diagnostic
/// naming both; one in an environment's own file names none.
#[test]
fn a_problem_in_the_base_names_the_entries_that_cause_it() {
    let l = MemLoader::new()
        .with(
            "base.dg",
            "amends \"digit:environment\"\ndomain = \"d.example.org\"\ndb { host = \"db\", name = \"egov\" }\nfactor: Int = 1\nservices.\"egov-user\" { image = \"egovio/egov-user:v1\"; replicas = 10 / (factor - 1) }\n",
        )
        .with("env/dev.dg", "amends \"../base.dg\"\nname = \"dev\"\n")
        .with("env/uat.dg", "amends \"../base.dg\"\nname = \"uat\"\n")
        .with("env/qa.dg", "amends \"../base.dg\"\nname = \"qa\"\nfactor = 2\n")
        .with("env/prod.dg", "amends \"../base.dg\"\nname = \"prod\"\nfactor = true\n");
    let paths = ["env/dev.dg", "env/qa.dg", "env/uat.dg", "env/prod.dg"].map(PathBuf::from);
    let a = check_files(&l, &paths);
    let m: Vec<(String, String, Vec<&str>)> = a
        .problems
        .iter()
        .map(|d| {
            let entries = d.entries.iter().map(|f| a.sources.name(*f)).collect();
            (
                d.code.to_string(),
                a.sources.name(d.span.file).to_string(),
                entries,
            )
        })
        .collect();
    assert_eq!(
        m,
        [
            (
                "E0502".into(),
                "base.dg".into(),
                vec!["env/dev.dg", "env/uat.dg"]
            ),
            ("E0401".into(), "env/prod.dg".into(), vec![]),
        ],
        "{m:#?}"
    );
}
