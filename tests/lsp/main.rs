//! `digitc lsp` end to end: the real binary, spoken to over stdio, on the
//! example platform. One test per feature; snapshots draw the cursor and
//! the returned ranges under the source.

mod client;
mod robustness;
mod semantic;

use client::{draw, examples, uri, Client};
use serde_json::{json, Value};
use std::path::Path;

/// The diagnostics of a publication drawn under `text`.
fn draw_diagnostics(text: &str, params: &Value) -> String {
    let mut out = String::new();
    for d in params["diagnostics"].as_array().unwrap() {
        out.push_str(&format!(
            "{} ({}): {}\n",
            d["code"].as_str().unwrap_or("?"),
            if d["severity"] == 1 {
                "error"
            } else {
                "warning"
            },
            d["message"].as_str().unwrap_or("").replace('\n', "\n    ")
        ));
        out.push_str(&draw(text, None, &[(d["range"].clone(), "here".into())]));
        for r in d["relatedInformation"].as_array().into_iter().flatten() {
            let file = r["location"]["uri"].as_str().unwrap_or("");
            out.push_str(&format!(
                "  related: {} in {}\n",
                r["message"].as_str().unwrap_or(""),
                file.rsplit('/').next().unwrap_or(file)
            ));
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn has_code(code: &'static str) -> impl Fn(&Value) -> bool {
    move |p: &Value| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|ds| ds.iter().any(|d| d["code"] == code))
    }
}

fn is_empty(p: &Value) -> bool {
    p["diagnostics"].as_array().is_some_and(|ds| ds.is_empty())
}

/// Unsaved edits are checked (with their versions), a fix clears the
/// diagnostics, and an edit to the base republishes the environments that
/// amend it.
#[test]
fn diagnostics_follow_edits_and_bases() {
    let root = examples();
    let qa = root.join("env/qa.dg");
    let base = root.join("base.dg");
    let qa_text = read(&qa);
    let base_text = read(&base);
    let mut c = Client::start(&root);

    let broken = qa_text.replacen("name = \"qa\"", "name = 3", 1);
    c.open(&qa, &broken);
    let p = c.diagnostics(&qa, has_code("E0401"));
    assert_eq!(p["version"], 1);
    let first = draw_diagnostics(&broken, &p);

    c.replace(&qa, 2, &qa_text);
    let p = c.diagnostics(&qa, is_empty);
    assert_eq!(p["version"], 2);

    // The base's knob becomes an Int: every environment that sets it to a
    // string is now wrong, in its own file.
    let changed = base_text.replacen(
        "core_release: String = \"v2.9.0\"",
        "core_release: Int = 1",
        1,
    );
    c.open(&base, &changed);
    let p = c.diagnostics(&qa, has_code("E0401"));
    assert_eq!(p["version"], 2, "qa.dg's buffer did not change");
    let second = draw_diagnostics(&qa_text, &p);
    let dev = root.join("env/dev.dg");
    let p_dev = c.diagnostics(&dev, |p| p["diagnostics"].as_array().is_some());
    assert!(p_dev["version"].is_null(), "dev.dg is not open: no version");

    // Back to the saved base: qa.dg is clean again.
    c.replace(&base, 2, &base_text);
    c.diagnostics(&qa, is_empty);
    assert_eq!(c.shutdown(), 0);
    insta::assert_snapshot!(format!(
        "----- env/qa.dg with `name = 3`\n{first}\n----- base.dg with `core_release: Int = 1`, env/qa.dg\n{second}"
    ));
}

/// Formatting returns `digitc fmt`'s text; a file with a syntax error gets
/// no edit.
#[test]
fn formatting() {
    let dir = tempdir("fmt");
    let path = dir.join("a.dg");
    let text = "name   =   \"x\"\ndb{host=\"h\";name=\"n\"}\nlet  xs=[1,2,\n3]\n";
    let mut c = Client::start(&dir);
    c.open(&path, text);
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = r["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let expected = digit_lang::format::format(digit_lang::FileId(0), text).unwrap();
    assert_eq!(edits[0]["newText"], expected);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 4, "character": 0 })
    );

    // Already formatted: no edit.
    c.replace(&path, 2, &expected);
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(r["result"], json!([]));

    // A syntax error: nothing is rewritten.
    c.replace(&path, 3, "name = \ndb {\n");
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert!(r["result"].is_null(), "{r}");
    assert_eq!(c.shutdown(), 0);
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(format!("----- SOURCE\n{text}----- FORMATTED\n{expected}"));
}

/// The outline of an environment: its fields, nested bodies, lets, `for`s.
#[test]
fn document_symbols() {
    let root = examples();
    let qa = root.join("env/qa.dg");
    let text = read(&qa);
    let mut c = Client::start(&root);
    c.open(&qa, &text);
    let r = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&qa) } }),
    );
    let mut out = String::new();
    fn walk(out: &mut String, syms: &Value, depth: usize) {
        for s in syms.as_array().into_iter().flatten() {
            let (l, ch) = client::pos(&s["selectionRange"]["start"]);
            let (el, _) = client::pos(&s["range"]["end"]);
            out.push_str(&format!(
                "{}{} [{}]{} {}:{}..{}\n",
                "  ".repeat(depth),
                s["name"].as_str().unwrap(),
                kind_name(s["kind"].as_u64().unwrap()),
                s["detail"]
                    .as_str()
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default(),
                l + 1,
                ch + 1,
                el + 1
            ));
            walk(out, &s["children"], depth + 1);
        }
    }
    walk(&mut out, &r["result"], 0);
    assert_eq!(c.shutdown(), 0);
    insta::assert_snapshot!(out);
}

fn kind_name(k: u64) -> &'static str {
    match k {
        5 => "class",
        8 => "field",
        13 => "variable",
        23 => "struct",
        25 => "operator",
        26 => "type",
        _ => "other",
    }
}

/// A fresh empty directory under the system's temporary directory.
pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("digitc-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Applies LSP text edits (sorted, not overlapping) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    let offset = |p: &Value| {
        let (l, c) = client::pos(p);
        let start: usize = text.split_inclusive('\n').take(l).map(str::len).sum();
        start + c
    };
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (a, b) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    out
}

/// Quick fixes: the did-you-mean replacement, and the missing required
/// fields of an instance.
#[test]
fn code_actions() {
    let root = examples();
    let qa = root.join("env/qa.dg");
    let text = read(&qa).replacen("  ssl = true", "  sll = true", 1);
    let mut c = Client::start(&root);
    c.open(&qa, &text);
    let p = c.diagnostics(&qa, has_code("E0303"));
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0303")
        .unwrap()
        .clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&qa) }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let action = &r["result"][0];
    let edits = action["edit"]["changes"][uri(&qa)].as_array().unwrap();
    let fixed = apply(&text, edits);
    assert_eq!(fixed, read(&qa));
    let mut out = format!("----- {}\n", action["title"].as_str().unwrap());
    out.push_str(&draw(
        &text,
        None,
        &[(edits[0]["range"].clone(), edits[0]["newText"].to_string())],
    ));

    // An instance without its required `image`; a buffer never saved.
    let t = root.join("env/lsp-test-missing.dg");
    let src = "amends \"../base.dg\"\n\nname = \"t\"\nservices {\n  \"x\" = Service {\n    port = 80\n  }\n}\n";
    c.open(&t, src);
    let p = c.diagnostics(&t, has_code("E0604"));
    let ds: Vec<Value> = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0604")
        .cloned()
        .collect();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&t) }, "range": ds[0]["range"], "context": { "diagnostics": ds } }),
    );
    for a in r["result"].as_array().unwrap() {
        let edits = a["edit"]["changes"][uri(&t)].as_array().unwrap();
        out.push_str(&format!(
            "----- {}\n{}",
            a["title"].as_str().unwrap(),
            apply(src, edits)
        ));
    }
    // The fix is accepted: the field is no longer missing.
    let all = &r["result"][0]["edit"]["changes"][uri(&t)];
    let fixed = apply(src, all.as_array().unwrap());
    c.replace(&t, 2, &fixed);
    c.diagnostics(&t, |p| !has_code("E0604")(p) && p["version"] == 2);
    assert_eq!(c.shutdown(), 0);
    insta::assert_snapshot!(out);
}

/// Go to definition: an `amends` path to its file; `secrets.GROUP.KEY` to
/// where each environment stores it.
#[test]
fn definition_of_paths_and_secrets() {
    let root = examples();
    let qa = root.join("env/qa.dg");
    let base = root.join("base.dg");
    let qa_text = read(&qa);
    let base_text = read(&base);
    let mut c = Client::start(&root);
    c.open(&qa, &qa_text);
    c.open(&base, &base_text);
    let at = client::find(&qa_text, "../base.dg", 3);
    let r = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri(&qa) }, "position": at }),
    );
    assert_eq!(r["result"]["uri"], uri(&base), "{r}");

    let at = client::find(&base_text, "secrets.db.password", 12);
    let r = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri(&base) }, "position": at }),
    );
    let mut out = draw(&base_text, Some(&at), &[]);
    for loc in r["result"].as_array().unwrap() {
        let file = loc["uri"]
            .as_str()
            .unwrap()
            .strip_prefix(&uri(&root))
            .unwrap()
            .to_string();
        let text = read(&root.join(file.trim_start_matches('/')));
        out.push_str(&format!("----- {file}\n"));
        out.push_str(&draw(
            &text,
            None,
            &[(loc["range"].clone(), "stored here".into())],
        ));
    }
    assert_eq!(c.shutdown(), 0);
    insta::assert_snapshot!(out);
}

/// In the string of `amends`, files beside and `digit:` modules, while
/// the string is not closed yet.
#[test]
fn completion_of_module_paths() {
    let root = examples();
    let path = root.join("env/lsp-test-paths.dg");
    let text = "amends \"../";
    let mut c = Client::start(&root);
    c.open(&path, text);
    let r = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri(&path) }, "position": { "line": 0, "character": 11 } }),
    );
    let mut labels: Vec<String> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} -> {}",
                i["label"].as_str().unwrap(),
                i["textEdit"]["newText"].as_str().unwrap()
            )
        })
        .collect();
    labels.sort();
    assert_eq!(c.shutdown(), 0);
    insta::assert_snapshot!(labels.join("\n"));
}
