//! The binary on programs that try to exhaust time or memory (issue 13),
//! under a 1 GiB address-space limit: each run ends with a diagnostic and
//! exit code 1, never an abort, a panic or a kill. Needs `prlimit`
//! (util-linux); without it the test says so and passes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const LIMIT: &str = "--as=1073741824";

fn prlimit() -> Option<PathBuf> {
    ["/usr/bin/prlimit", "/bin/prlimit", "/usr/sbin/prlimit"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn doubling(first: &str, step: impl Fn(usize) -> String, n: usize) -> String {
    let mut s = format!("a0 = {first}\n");
    for i in 1..n {
        s.push_str(&format!("a{i} = {}\n", step(i)));
    }
    s
}

/// The resource cases: a name, the program, and the code it must report.
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let mut chain: String = (0..200_000)
        .map(|i| format!("f{i} = f{}\n", i + 1))
        .collect();
    chain.push_str("f200000 = 1\n");
    vec![
        ("self-amend", "m = { a = x.a, x = m { } }\n".into(), "E0521"),
        ("root-amend", "s = x\nx = root\ns.x.k = 1\n".into(), "E05"),
        (
            "base-amend",
            "base = { r = base { }, s = base { } }\n".into(),
            "E0522",
        ),
        ("chain", chain, "E0521"),
        (
            "nested-lists",
            doubling("[1, 1]", |i| format!("[a{}, a{}]", i - 1, i - 1), 40),
            "E0522",
        ),
        (
            "concat-lists",
            doubling("[1, 1]", |i| format!("a{} + a{}", i - 1, i - 1), 40),
            "E0522",
        ),
        (
            "concat-strings",
            doubling("\"xx\"", |i| format!("a{} + a{}", i - 1, i - 1), 40),
            "E0522",
        ),
        (
            "records",
            doubling(
                "{ x = 1 }",
                |i| format!("{{ l = a{}, r = a{} }}", i - 1, i - 1),
                60,
            ),
            "E0522",
        ),
        (
            "range",
            "x = [for i in range(0, 1000000): [for j in range(0, 1000000): i * j]]\n".into(),
            "E05",
        ),
    ]
}

#[test]
fn resource_cases_end_with_a_diagnostic_under_1_gib() {
    let Some(prlimit) = prlimit() else {
        eprintln!("skipped: `prlimit` is not installed, so no memory limit can be set");
        return;
    };
    let dir = std::env::temp_dir().join(format!("digitc-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, program, code) in cases() {
        let file = dir.join(format!("{name}.dg"));
        std::fs::write(&file, program).unwrap();
        for cmd in ["check", "eval"] {
            let started = Instant::now();
            let out = Command::new(&prlimit)
                .arg(LIMIT)
                .arg(env!("CARGO_BIN_EXE_digitc"))
                .args([cmd, "--format", "json"])
                .arg(&file)
                .env("NO_COLOR", "1")
                .output()
                .expect("prlimit runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} ({cmd}): exit {:?} after {:?}\n{}",
                out.status,
                started.elapsed(),
                &stderr[..stderr.len().min(2000)]
            );
            assert!(
                stderr.contains(&format!("\"code\":\"{code}")),
                "{name} ({cmd}): no {code}\n{}",
                &stderr[..stderr.len().min(2000)]
            );
            assert!(out.stdout.is_empty(), "{name} ({cmd}) printed a value");
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "{name} ({cmd})"
            );
        }
    }
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
