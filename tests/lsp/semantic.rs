//! Completion, hover and go-to-definition from the semantic model, on the
//! example platform; each case is a buffer (an example file, edited), a
//! cursor, and the answer drawn under the source.

use crate::client::{draw, examples, find, uri, Client};
use serde_json::{json, Value};

/// `(file, (from, to) edit of the file, cursor marker, characters after
/// the marker's start)`.
type Case = (
    &'static str,
    (&'static str, &'static str),
    &'static str,
    usize,
);

fn run(method: &str, cases: &[Case], show: impl Fn(&str, &Value, &Value) -> String) -> String {
    let root = examples();
    let mut c = Client::start(&root);
    let mut out = String::new();
    for (file, (from, to), marker, shift) in cases {
        let path = root.join(file);
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.contains(from), "{from:?} not in {file}");
        let text = saved.replacen(from, to, 1);
        c.open(&path, &text);
        let at = find(&text, marker, *shift);
        let r = c.request(
            method,
            json!({ "textDocument": { "uri": uri(&path) }, "position": at }),
        );
        assert!(r.get("error").is_none(), "{r}");
        out.push_str(&format!("===== {file}: {marker:?}\n"));
        out.push_str(&show(&text, &at, &r["result"]));
        c.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri(&path) } }),
        );
    }
    assert_eq!(c.shutdown(), 0);
    out
}

#[test]
fn completion() {
    let cases: &[Case] = &[
        // Fields of a schema instance, on an incomplete line.
        (
            "env/qa.dg",
            ("  ssl = true", "  ssl = true\n  po"),
            "\n  po",
            5,
        ),
        // Service names of the base, in `services { }` of an environment.
        (
            "env/qa.dg",
            ("services {\n", "services {\n  \"egov-u\n"),
            "\"egov-u",
            7,
        ),
        // After `.`: the fields of the value's type.
        (
            "env/qa.dg",
            ("name = \"qa\"", "name = \"qa\"\nx = kafka."),
            "kafka.",
            6,
        ),
        // A Bool field's value.
        ("env/qa.dg", ("  ssl = true", "  ssl = "), "ssl = ", 6),
        // A union of string literals, inside the string.
        (
            "env/qa.dg",
            (
                "    replicas = 2\n",
                "    replicas = 2\n    expose = \"\"\n",
            ),
            "expose = \"",
            10,
        ),
        // The fields of the module, at the start of a line.
        (
            "env/qa.dg",
            ("config_branch", "core_\nconfig_branch"),
            "core_\n",
            5,
        ),
    ];
    insta::assert_snapshot!(run("textDocument/completion", cases, |text, at, result| {
        let items = result["items"].as_array().cloned().unwrap_or_default();
        let mut items: Vec<Value> = items;
        items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
        let range = items.first().map(|i| i["textEdit"]["range"].clone());
        let mut out = draw(
            text,
            Some(at),
            &range
                .into_iter()
                .map(|r| (r, "replaced".to_string()))
                .collect::<Vec<_>>(),
        );
        for i in items.iter().take(12) {
            out.push_str(&format!(
                "  {}{}\n",
                i["label"].as_str().unwrap(),
                i["detail"]
                    .as_str()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ));
        }
        if items.len() > 12 {
            out.push_str(&format!("  … {} in all\n", items.len()));
        }
        out
    }));
}

#[test]
fn hover() {
    let cases: &[Case] = &[
        // A field set in an environment: its declaration in the standard
        // library, and where it was last set.
        ("env/qa.dg", ("", ""), "ssl = true", 1),
        // A knob of the base, set by the environment.
        ("env/qa.dg", ("", ""), "core_release", 2),
        // A let, at its use.
        ("base.dg", ("", ""), "\"es-host\" = es_host", 14),
        // A let, at its own name.
        ("base.dg", ("", ""), "let es_host", 6),
        // A schema named as a value's base.
        ("services/core.dg", ("", ""), "digit.Service}", 8),
        // A secret: its path, never its value; where it is used and where
        // it is stored.
        ("base.dg", ("", ""), "secrets.db.password", 12),
        ("env/qa.dg", ("", ""), "    password = secret", 5),
    ];
    insta::assert_snapshot!(run("textDocument/hover", cases, |text, at, result| {
        let ranges: Vec<(Value, String)> = result["range"]
            .is_object()
            .then(|| (result["range"].clone(), "hover".to_string()))
            .into_iter()
            .collect();
        let mut out = draw(text, Some(at), &ranges);
        out.push_str(result["contents"]["value"].as_str().unwrap_or("(none)"));
        out.push('\n');
        out
    }));
}

#[test]
fn definition() {
    let cases: &[Case] = &[
        // A field to its declaration in the standard library.
        ("env/qa.dg", ("", ""), "ssl = true", 1),
        // A knob to its declaration in the base.
        ("env/qa.dg", ("", ""), "core_release", 2),
        // A name to its let.
        ("base.dg", ("", ""), "\"es-host\" = es_host", 14),
        // An import alias's use to the import.
        ("base.dg", ("", ""), "(core {", 2),
        // A schema name to the schema.
        ("services/core.dg", ("", ""), "digit.Service}", 8),
    ];
    insta::assert_snapshot!(run("textDocument/definition", cases, |text, at, result| {
        let mut out = draw(text, Some(at), &[]);
        let root = uri(&examples());
        let target = result["uri"].as_str().unwrap_or("(none)");
        let name = match target.strip_prefix(&root) {
            Some(rest) => rest.trim_start_matches('/').to_string(),
            None => target.rsplit('/').next().unwrap_or("").to_string(),
        };
        out.push_str(&format!("----- {name}\n"));
        let path = match target.strip_prefix("file://") {
            Some(p) => std::path::PathBuf::from(p),
            None => return out,
        };
        let target_text = std::fs::read_to_string(path).unwrap_or_default();
        out.push_str(&draw(
            &target_text,
            None,
            &[(result["range"].clone(), "declared here".into())],
        ));
        out
    }));
}
