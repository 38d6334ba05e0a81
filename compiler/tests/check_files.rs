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
