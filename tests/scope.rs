//! End to end through the `digitc` binary: a base and three environments
//! using what issue 12 items 4, 5, 7 and 8 added: a schema reading its
//! module's `let`s and fields, `[*] { }` over every service, a misspelt
//! service key (an error) and a misspelt config key (a warning only), and
//! the help when a service's field hides the environment's.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch project, removed when dropped.
struct Project(PathBuf);

impl Project {
    fn new(name: &str, files: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("digitc-scope-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Project(dir)
    }

    fn digitc(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_digitc"))
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("the digitc binary runs")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE: &str = r#"amends "digit:environment"
let default_branch = "master"
repo_host: String = "github.com"
/// Where every service clones its configs from.
schema ConfigRepo {
  branch: String = default_branch
  url: String = "https://${repo_host}/egov/configs"
}
configs: ConfigRepo = {}
domain = "digit.example.org"
db { host = "pg"; name = "egov" }
global { "logging-level-jdbc" = "DEBUG" }
services {
  "egov-user" { image = "egovio/egov-user:v2.9.0"; replicas = 2 }
  "egov-searcher" { image = "egovio/egov-searcher:v2.9.0"; replicas = 2 }
  zuul { image = "egovio/zuul:v2.9.0"; replicas = 3; ingress = false }
}
"#;

const DEV: &str = r#"amends "../base.dg"
name = "dev"
repo_host = "git.dev.example.org"
services { [*] { replicas = 1 } }
"#;

const QA: &str = r#"amends "../base.dg"
name = "qa"
global."loging-level-jdbc" = "INFO"
"#;

const PROD: &str = r#"amends "../base.dg"
name = "prod"
services {
  [*] { env.JAVA_TOOL_OPTIONS = "-XX:MaxRAMPercentage=75" }
}
"#;

fn project(name: &str, qa: &str) -> Project {
    Project::new(
        name,
        &[
            ("base.dg", BASE),
            ("env/dev.dg", DEV),
            ("env/qa.dg", qa),
            ("env/prod.dg", PROD),
        ],
    )
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_entry_and_schema_scope_reach_the_built_values() {
    let p = project("ok", QA);
    let dev = json(&p.digitc(&["eval", "env/dev.dg"]));
    for (name, svc) in dev["services"].as_object().unwrap() {
        assert_eq!(svc["replicas"], 1, "{name}");
    }
    assert_eq!(dev["configs"]["branch"], "master");
    assert_eq!(
        dev["configs"]["url"],
        "https://git.dev.example.org/egov/configs"
    );
    let prod = json(&p.digitc(&["eval", "env/prod.dg"]));
    for (name, svc) in prod["services"].as_object().unwrap() {
        assert_eq!(
            svc["env"]["JAVA_TOOL_OPTIONS"], "-XX:MaxRAMPercentage=75",
            "{name}"
        );
    }
    assert_eq!(prod["services"]["zuul"]["replicas"], 3);
}

#[test]
fn a_misspelt_config_key_warns_and_the_check_passes() {
    let p = project("warn", QA);
    let out = p.digitc(&["check", "--format", "json", "env/qa.dg"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let diags: Vec<serde_json::Value> = err
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(diags.len(), 1, "{err}");
    assert_eq!(diags[0]["code"], "W0535");
    assert_eq!(diags[0]["severity"], "warning");
    assert_eq!(diags[0]["line"], 3);
}

#[test]
fn a_misspelt_service_key_is_one_error_naming_the_right_one() {
    let qa = format!("{QA}services.\"egov-searchr\".replicas = 3\n");
    let p = project("typo", &qa);
    let out = p.digitc(&["check", "env/qa.dg"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0535"), "{err}");
    assert!(err.contains("did you mean `egov-searcher`"), "{err}");
    assert!(!err.contains("E0604"), "no missing-field cascade: {err}");
    assert!(err.contains("1 error"), "{err}");
}

#[test]
fn a_field_hiding_the_environments_says_how_to_reach_it() {
    let qa = format!("{QA}services.zuul.env.X = join(ingress.open_endpoints, \",\")\n");
    let p = project("shadow", &qa);
    let out = p.digitc(&["check", "env/qa.dg"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("qa.dg:4:"), "reported at the read: {err}");
    assert!(err.contains("`root.ingress`"), "{err}");
}

#[test]
fn a_let_of_the_base_read_in_an_environment_says_to_make_it_a_field() {
    let qa = format!("{QA}repo_host = default_branch\n");
    let p = project("let", &qa);
    let out = p.digitc(&["check", "env/qa.dg"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0301"), "{err}");
    assert!(
        err.contains("`default_branch: String = \"master\"`"),
        "{err}"
    );
}
