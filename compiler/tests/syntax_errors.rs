//! One syntax error, one diagnostic: a configuration that reaches a file
//! with a syntax error is not evaluated, so nothing in another file or
//! below the broken region is reported because of it, and the error says
//! once which entries were not checked. Built on the bundled example (a
//! base, three service groups, three environments) with one brace deleted
//! or doubled.

use digit_compiler::pipeline::{build_file, eval_file};
use digit_compiler::{check_files, lower::Options, MemLoader};
use std::path::{Path, PathBuf};

const FILES: &[&str] = &[
    "base.dg",
    "services/core.dg",
    "services/business.dg",
    "services/municipal.dg",
    "env/dev.dg",
    "env/qa.dg",
    "env/prod.dg",
];

fn example(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The example with `file` changed by `edit`.
fn loader(file: &str, edit: impl Fn(&str) -> String) -> MemLoader {
    let mut l = MemLoader::new();
    for &name in FILES {
        let text = example(name);
        let text = if name == file { edit(&text) } else { text };
        l.add(name, text);
    }
    l
}

/// `text` without its line `n` (1-based).
fn drop_line(text: &str, n: usize) -> String {
    text.lines()
        .enumerate()
        .filter(|(i, _)| i + 1 != n)
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

/// The 1-based number of the first line equal to `line`, searching from
/// line `after`.
fn line_of(text: &str, line: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no line {line:?}"))
}

/// `code file:line: message | notes` of every problem of checking all
/// `paths`.
fn check(l: &MemLoader, paths: &[&str]) -> Vec<String> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let a = check_files(l, &paths);
    a.problems
        .iter()
        .map(|d| {
            let (line, _) = a.sources.line_col(d.span.file, d.span.start);
            let file = a.sources.name(d.span.file);
            format!(
                "{} {file}:{line}: {} | {}",
                d.code,
                d.message,
                d.notes.join("; ")
            )
        })
        .collect()
}

#[test]
fn the_example_is_clean() {
    let l = loader("", |t| t.to_string());
    assert_eq!(check(&l, FILES), Vec::<String>::new());
}

#[test]
fn a_missing_brace_in_the_base_is_one_error_at_its_block() {
    let base = example("base.dg");
    let open = line_of(&base, "  \"egov-notification-sms\".secret_env {", 0);
    let close = line_of(&base, "  }", open);
    let l = loader("base.dg", |t| drop_line(t, close));
    let some: [&[&str]; 3] = [FILES, &["env/qa.dg"], &["env/dev.dg", "env/prod.dg"]];
    for paths in some {
        let m = check(&l, paths);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(
            m[0].starts_with(&format!("E0102 base.dg:{open}: unclosed `{{`")),
            "{m:#?}"
        );
    }
    let m = check(&l, FILES);
    assert!(
        m[0].ends_with(
            "| `env/dev.dg`, `env/prod.dg` and `env/qa.dg` are not checked until the \
             syntax errors of this file are fixed"
        ),
        "{m:#?}"
    );
}

#[test]
fn a_missing_brace_in_a_service_group_is_one_error_at_its_service() {
    let core = example("services/core.dg");
    let open = line_of(&core, "  \"egov-persister\" {", 0);
    // The service's own closing brace: the first `  }` after it.
    let close = line_of(&core, "  }", open);
    let l = loader("services/core.dg", |t| drop_line(t, close));
    let m = check(&l, FILES);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with(&format!("E0102 services/core.dg:{open}: unclosed `{{`")),
        "{m:#?}"
    );
}

#[test]
fn an_extra_brace_is_one_error_where_it_is() {
    let base = example("base.dg");
    let open = line_of(&base, "  \"egov-location\".secret_env {", 0);
    let close = line_of(&base, "  }", open);
    let l = loader("base.dg", |t| {
        t.lines()
            .enumerate()
            .map(|(i, l)| match i + 1 == close {
                true => "  }}\n".to_string(),
                false => format!("{l}\n"),
            })
            .collect()
    });
    let m = check(&l, FILES);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with(&format!("E0104 base.dg:{close}: unexpected `}}`")),
        "{m:#?}"
    );
}

#[test]
fn an_environment_with_a_syntax_error_leaves_the_others_checked() {
    // qa's broken block is not evaluated; dev and prod still are: a real
    // error in prod is reported next to qa's syntax error.
    let l = loader("env/qa.dg", |t| t.replacen("db {", "db {{", 1));
    let mut l2 = l.clone();
    l2.add(
        "env/prod.dg",
        example("env/prod.dg").replacen("name = \"prod\"", "name = 3", 1),
    );
    let m = check(&l2, FILES);
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(m[0].starts_with("E0102 env/qa.dg:"), "{m:#?}");
    assert!(
        m[0].ends_with("| the rest of this file is checked once its syntax errors are fixed"),
        "{m:#?}"
    );
    assert!(m[1].starts_with("E0401 env/prod.dg:"), "{m:#?}");
}

#[test]
fn eval_and_build_stop_at_the_syntax_error() {
    let base = example("base.dg");
    let open = line_of(&base, "  \"egov-filestore\".secret_env {", 0);
    let close = line_of(&base, "  }", open);
    let l = loader("base.dg", |t| drop_line(t, close));
    let (a, json) = eval_file(&l, Path::new("env/qa.dg"), None);
    assert!(json.is_none());
    assert_eq!(a.problems.len(), 1, "{:#?}", a.problems);
    let (a, lowered) = build_file(&l, Path::new("env/prod.dg"), Options { decrypt: None });
    assert!(lowered.is_none());
    assert_eq!(a.problems.len(), 1, "{:#?}", a.problems);
    let d = a.problems.iter().next().unwrap();
    assert_eq!(d.code, "E0102");
    assert_eq!(
        d.notes,
        ["`env/prod.dg` is not checked until the syntax errors of this file are fixed"]
    );
}
