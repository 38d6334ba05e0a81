//! The platform rules, one fixture each: `fixtures/rules/NAME.dg` is a
//! small environment checked through the public pipeline; the snapshot
//! shows the source and the rendered diagnostics.
//!
//! - `ok_*.dg` must get no diagnostic at all;
//! - `evaluation_error_*.dg` must get evaluation errors and no rule;
//! - any other fixture must get at least one rule diagnostic (E0750–E0789,
//!   W0750–W0789) and nothing else, so it tests its rule alone.
//!
//! `digitc build` runs the same rules: `build_file` must report the same
//! rule diagnostics as `check_file`.

use digit_compiler::lower::Options;
use digit_compiler::{build_file, check_file, MemLoader};
use digit_lang::diagnostic::render_human;
use digit_lang::Diagnostic;
use std::path::PathBuf;

fn is_rule(d: &Diagnostic) -> bool {
    let n: u32 = d.code[1..].parse().unwrap_or(0);
    (750..=789).contains(&n) && matches!(&d.code[..1], "E" | "W")
}

#[test]
fn rule_fixtures() {
    insta::glob!("fixtures/rules/*.dg", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let mut loader = MemLoader::new();
        loader.add(&name, text.clone());
        let entry = PathBuf::from(&name);

        let analysis = check_file(&loader, &entry);
        let diags: Vec<&Diagnostic> = analysis.problems.iter().collect();
        let shown: Vec<String> = diags
            .iter()
            .map(|d| render_human(d, &analysis.sources, false))
            .collect();
        let all = shown.join("\n");
        if name.starts_with("ok_") {
            assert!(diags.is_empty(), "{name}: expected no diagnostic:\n{all}");
        } else if name.starts_with("evaluation_error_") {
            assert!(analysis.has_errors(), "{name}: expected an error");
            assert!(
                !diags.iter().any(|d| is_rule(d)),
                "{name}: a rule ran:\n{all}"
            );
        } else {
            assert!(
                diags.iter().any(|d| is_rule(d)),
                "{name}: no rule fired:\n{all}"
            );
            assert!(
                diags.iter().all(|d| is_rule(d)),
                "{name}: not only rules:\n{all}"
            );
        }

        let (built, _) = build_file(&loader, &entry, Options { decrypt: None });
        let rules = |ds: Vec<&Diagnostic>| -> Vec<Diagnostic> {
            ds.into_iter().filter(|d| is_rule(d)).cloned().collect()
        };
        assert_eq!(
            rules(built.problems.iter().collect()),
            rules(diags.clone()),
            "{name}: build reports other rule diagnostics than check"
        );

        let out = format!(
            "----- SOURCE {name}\n{}\n----- DIAGNOSTICS\n{}",
            text.trim_end(),
            all
        );
        insta::assert_snapshot!(out);
    });
}
