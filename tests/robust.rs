//! Robustness of the `digitc` binary (issue 13): every bad input gets a
//! diagnostic and exit 1 (or a clear exit-2 message), never a panic, and
//! positions are the same in both output formats.

mod support;

use std::process::{Command, Output};
use support::{digitc, Scratch};

/// A scratch directory holding `files` (raw bytes).
fn scratch(name: &str, files: &[(&str, &[u8])]) -> Scratch {
    Scratch::new(name, files)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `(line, column)` pairs of every `--format json` diagnostic.
fn json_positions(o: &Output) -> Vec<(u64, u64)> {
    stderr(o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap())
        })
        .collect()
}

/// The `file:line:col` of each ariadne excerpt header (`╭─[ file:2:1 ]`).
fn human_positions(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter_map(|l| {
            let start = l.find("─[ ")? + "─[ ".len();
            let end = l.rfind(" ]")?;
            Some(l[start..end].to_string())
        })
        .collect()
}

/// Issue 13.1: a label in another file with non-ASCII text before it.
#[test]
fn labels_in_other_files_with_non_ascii_text() {
    let s = scratch(
        "labels",
        &[
            (
                "base.dg",
                "// Configuração padrão — ünïcödé 😀\nreplicas: Int = 1\n".as_bytes(),
            ),
            (
                "main.dg",
                "// ééé\namends \"./base.dg\"\nreplicas = \"two\"\n".as_bytes(),
            ),
        ],
    );
    let out = digitc(&["check", "main.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        human_positions(&out),
        ["main.dg:3:12", "base.dg:2:1"],
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("declared as Int here"),
        "{}",
        stderr(&out)
    );
}

/// Issue 13.10: only `\n`, `\r\n` and a lone `\r` end a line, in both formats.
#[test]
fn one_definition_of_a_line_in_both_formats() {
    for (i, sep) in ["\u{2028}", "\u{0b}", "\u{0c}", "\u{85}", "\u{2029}"]
        .iter()
        .enumerate()
    {
        let text = format!("/* c{sep}d */ a: Int = \"x\"\r\rb: Int = \"y\"\r\n");
        let s = scratch(&format!("lines{i}"), &[("a.dg", text.as_bytes())]);
        let json = digitc(&["check", "--format", "json", "a.dg"], &s.0);
        assert_eq!(
            json_positions(&json),
            [(1, 20), (3, 10)],
            "{}",
            stderr(&json)
        );
        let human = digitc(&["check", "a.dg"], &s.0);
        assert_eq!(
            human_positions(&human),
            ["a.dg:1:20", "a.dg:3:10"],
            "{}",
            stderr(&human)
        );
    }
}

/// Issue 13.11: a UTF-8 byte-order mark is accepted and is not a column.
#[test]
fn a_byte_order_mark_is_accepted() {
    let s = scratch(
        "bom",
        &[
            ("a.dg", b"\xef\xbb\xbfa: Int = 1\n"),
            ("b.dg", b"\xef\xbb\xbfb: Int = \"x\"\n"),
        ],
    );
    let out = digitc(&["check", "a.dg"], &s.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = digitc(&["check", "--format", "json", "b.dg"], &s.0);
    assert_eq!(json_positions(&out), [(1, 10)], "{}", stderr(&out));
    let out = digitc(&["check", "b.dg"], &s.0);
    assert_eq!(human_positions(&out), ["b.dg:1:10"], "{}", stderr(&out));
}

/// Issue 13.16: with `--format json`, exit-2 messages are JSON objects too.
#[test]
fn exit_2_messages_are_json_under_format_json() {
    let s = scratch("fatal", &[]);
    for args in [
        &["check", "--format", "json", "missing.dg"][..],
        &["eval", "--format", "json", "missing.dg"],
        &["fmt", "--format", "json", "missing.dg"],
        &["check", "--format=json", "--no-such-flag"],
    ] {
        let out = digitc(args, &s.0);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        for line in stderr(&out).lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {line}"));
            assert_eq!(v["severity"], "error");
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
}

/// Issue 13.18: the labels of a file's diagnostics are drawn in that file.
#[test]
fn fmt_labels_stay_in_their_own_file() {
    let s = scratch(
        "fmtutf8",
        &[
            ("a.dg", b"a = 1\n"),
            ("b.dg", b"b = \"\xff\"\nc = \"\xfe\"\n"),
        ],
    );
    let out = digitc(&["fmt", "--check", "a.dg", "b.dg"], &s.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("a.dg"), "{err}");
    assert_eq!(human_positions(&out), ["b.dg:1:6"], "{err}");
    assert!(err.contains("also not valid UTF-8"), "{err}");
}

/// Issue 13.9: many diagnostics on one long line render in linear time;
/// people see the first 200 and the total, tools see them all.
#[test]
fn many_diagnostics_on_one_long_line_are_cheap() {
    let text: String = (0..20_000)
        .map(|i| format!("f{i} = \"x\" + {i}; "))
        .collect();
    let s = scratch("oneline", &[("a.dg", text.as_bytes())]);
    let started = std::time::Instant::now();
    let human = digitc(&["check", "a.dg"], &s.0);
    let err = stderr(&human);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        err.contains("showing the first 200 of 10001 diagnostics"),
        "{}",
        &err[err.len() - 300..]
    );
    assert!(err.len() < 200_000, "{} bytes of output", err.len());
    let json = digitc(&["check", "--format", "json", "a.dg"], &s.0);
    assert_eq!(json_positions(&json).len(), 10_001);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// Issue 13.12 and 13.13: only regular files are read, and `read_file`
/// cannot leave the project through a symbolic link.
#[cfg(unix)]
#[test]
fn special_files_and_symlinks_are_refused() {
    let s = scratch(
        "special",
        &[
            ("fifo-import.dg", b"import \"./fifo\" as f\nx = 1\n"),
            ("fifo-read.dg", b"x = read_file(\"./fifo\")\n"),
            ("zero.dg", b"import \"/dev/zero\" as z\nx = 1\n"),
            ("link.dg", b"x = read_file(\"./passwd.txt\")\n"),
            ("inside.dg", b"x = read_file(\"./data-link.txt\")\n"),
            ("data.txt", b"hello"),
        ],
    );
    let fifo = s.0.join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/etc/passwd", s.0.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(s.0.join("data.txt"), s.0.join("data-link.txt")).unwrap();
    for (file, code) in [
        ("fifo-import.dg", "E0204"),
        ("fifo-read.dg", "E0509"),
        ("zero.dg", "E0204"),
        ("link.dg", "E0510"),
    ] {
        let out = digitc(&["eval", "--format", "json", file], &s.0);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("\"code\":\"{code}\"")),
            "{file}: {}",
            stderr(&out)
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("root:"),
            "{file}"
        );
    }
    let out = digitc(&["eval", "inside.dg"], &s.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("hello"));
}
