//! JSON values as block-style YAML that every YAML reader takes back as
//! the same JSON: YAML 1.2 readers and the YAML 1.1 reader behind
//! `kubectl` (`sigs.k8s.io/yaml`), which reads `yes`, `on`, `Y`, `12:30`
//! and `1_000` as booleans and numbers.
//!
//! A string is written plain only when it cannot be read as anything
//! else: it starts with a letter, `_` or `/`, holds only letters, digits
//! and `_-./:+@=,()` (and single inner spaces), has no `: ` or ` #`, and is
//! not one of YAML's words (`yes`, `no`, `on`, `off`, `y`, `n`, `true`,
//! `false`, `null`, in any case). Other strings are single-quoted, or, with
//! a line break, a literal block (`|`, `|-`, `|+`), or, with control
//! characters or a first line starting with a space, double-quoted with
//! JSON's escapes. Keys keep their order; sequences under a key are not
//! indented (kubectl's own style). The same value gives the same bytes.

use serde_json::{Map, Value};

/// One YAML document (without `---`), ending with a newline.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(m, 0, false, &mut out),
        Value::Array(xs) if !xs.is_empty() => seq(xs, 0, false, &mut out),
        Value::String(s) => {
            double(s, &mut out);
            out.push('\n');
        }
        _ => {
            scalar(v, 0, &mut out);
            out.push('\n');
        }
    }
    out
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping at `indent`; `inline`: the first key follows a `- ` already
/// written.
fn map(m: &Map<String, Value>, indent: usize, inline: bool, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        string(k, indent, true, out);
        out.push(':');
        value_after(v, indent, out);
    }
}

/// A sequence at `indent`; `inline`: the first `- ` follows a `- `
/// already written.
fn seq(xs: &[Value], indent: usize, inline: bool, out: &mut String) {
    for (i, x) in xs.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        out.push_str("- ");
        match x {
            Value::Object(m) if !m.is_empty() => map(m, indent + 2, true, out),
            Value::Array(ys) if !ys.is_empty() => seq(ys, indent + 2, true, out),
            _ => {
                scalar(x, indent + 2, out);
                out.push('\n');
            }
        }
    }
}

/// The value of a mapping entry whose `key:` is written at `indent`.
fn value_after(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            map(m, indent + 2, false, out);
        }
        Value::Array(xs) if !xs.is_empty() => {
            out.push('\n');
            seq(xs, indent, false, out);
        }
        _ => {
            out.push(' ');
            scalar(v, indent + 2, out);
            out.push('\n');
        }
    }
}

/// A scalar (or an empty collection); a block scalar's lines are indented
/// by `indent`. No final newline.
fn scalar(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(s, indent, false, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn string(s: &str, indent: usize, key: bool, out: &mut String) {
    if plain(s) {
        out.push_str(s);
    } else if s.chars().any(|c| c.is_control() && c != '\t' && c != '\n') {
        double(s, out);
    } else if !s.contains('\n') {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else if key || !literal_ok(s) {
        double(s, out);
    } else {
        literal(s, indent, out);
    }
}

fn double(s: &str, out: &mut String) {
    // A JSON string is a valid YAML double-quoted scalar with the same
    // escapes.
    out.push_str(&Value::String(s.to_string()).to_string());
}

/// True when `s` is read back as this string by YAML 1.1 and 1.2 readers
/// if written plain.
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") || s.contains("  ") {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-./:+@=,() ".contains(c))
    {
        return false;
    }
    // Flow indicators would end the scalar inside `[...]`/`{...}`; in block
    // style only these words are read as something else.
    const WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    !WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// A literal block reads back exactly: no carriage return, and the first
/// line with text does not start with a space (its indentation would be
/// taken for the block's).
fn literal_ok(s: &str) -> bool {
    !s.contains('\r')
        && s.lines()
            .find(|l| !l.is_empty())
            .is_some_and(|l| !l.starts_with(' '))
        && s.lines()
            .all(|l| !l.trim_end_matches(' ').is_empty() || l.is_empty())
}

fn literal(s: &str, indent: usize, out: &mut String) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(indent, out);
            out.push_str(line);
        }
    }
    // The final line break of the last line; then, for `|+`, the kept
    // empty lines (the caller writes one line break).
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde_json::{json, Value};

    fn back(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn block_style_like_kubectl() {
        let v = json!({
            "apiVersion": "apps/v1",
            "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}, "annotations": {}},
            "spec": {"replicas": 2, "containers": [{"name": "web", "args": ["-c", "x"], "ports": []}], "m": [[1, 2], []]}
        });
        let text = to_string(&v);
        assert_eq!(
            text,
            "apiVersion: apps/v1\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n  annotations: {}\nspec:\n  replicas: 2\n  containers:\n  - name: web\n    args:\n    - '-c'\n    - x\n    ports: []\n  m:\n  - - 1\n    - 2\n  - []\n"
        );
        assert_eq!(back(&text), v);
    }

    #[test]
    fn strings_that_yaml_1_1_reads_otherwise_are_quoted() {
        let words = [
            "yes",
            "on",
            "Y",
            "NO",
            "off",
            "12:30",
            "1_000",
            "0x1F",
            "1e3",
            "null",
            "~",
            "",
            " lead",
            "- x",
            "a: b",
            "#x",
            "x #y",
            "3.0",
            "0o17",
            ".inf",
            "2001-12-14",
            "@x",
            "`x",
            "*x",
            "!x",
            "%x",
            "&x",
            "=",
            "<<",
            "it's",
            "10Gi",
            "1.27",
            "true",
            "-1",
            "a\u{7}b",
            "tab\there",
            "[x]",
            "{x}",
            "x,y",
            "a b",
            "a  b",
            "é",
        ];
        for w in words {
            let v = json!({ w: w, "list": [w] });
            let text = to_string(&v);
            assert_eq!(back(&text), v, "{w:?}: {text}");
        }
        let text = to_string(
            &json!({"a": "yes", "b": "12:30", "c": "nginx:1.27", "d": "https://x.org/a"}),
        );
        assert_eq!(
            text,
            "a: 'yes'\nb: '12:30'\nc: nginx:1.27\nd: https://x.org/a\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_and_read_back() {
        for s in [
            "line1\nline2\n",
            "no newline\nat end",
            "kept\n\n\n",
            "\nstarts empty\n",
            "  indented first\nblock\n",
            "a\n\n  b\n\tc\n",
            "win\r\nlines\n",
            "trailing spaces  \n  \nx\n",
        ] {
            let v = json!({"data": {"k": s}, "l": [s]});
            let text = to_string(&v);
            assert_eq!(back(&text), v, "{s:?}:\n{text}");
        }
        assert_eq!(to_string(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
    }
}
