//! The server never crashes: malformed messages get JSON-RPC errors,
//! cancelled requests are answered `RequestCancelled`, and thousands of
//! random edits leave every request answered and the server alive.

use crate::client::{examples, uri, Client};
use serde_json::{json, Value};

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INTERNAL_ERROR: i64 = -32603;
const REQUEST_CANCELLED: i64 = -32800;

fn code(r: &Value) -> i64 {
    r["error"]["code"].as_i64().unwrap_or(0)
}

#[test]
fn malformed_messages_get_errors() {
    let mut c = Client::start(&examples());
    c.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    let r = c.response(&Value::Null);
    assert_eq!(code(&r), PARSE_ERROR, "{r}");

    c.send(&json!({ "jsonrpc": "2.0", "id": 41, "method": 3 }));
    let r = c.response(&json!(41));
    assert_eq!(code(&r), INVALID_REQUEST, "{r}");

    let r = c.request("textDocument/noSuchThing", json!({}));
    assert_eq!(code(&r), METHOD_NOT_FOUND, "{r}");

    let r = c.request("textDocument/documentSymbol", json!({ "textDocument": 7 }));
    assert_eq!(code(&r), INVALID_PARAMS, "{r}");

    // A notification that does not fit its method has no reply and harms
    // nothing; neither does a header without a length.
    c.notify("textDocument/didChange", json!({ "textDocument": [] }));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "not a uri" } }),
    );
    c.send_raw(b"");
    let r = c.response(&Value::Null);
    assert_eq!(code(&r), PARSE_ERROR, "{r}");

    // Still serving.
    let qa = examples().join("env/qa.dg");
    let r = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&qa) } }),
    );
    assert!(r["result"].is_array(), "{r}");
    assert_eq!(c.shutdown(), 0);
}

/// Before `initialize`, requests are refused; `exit` without `shutdown`
/// ends the server with exit code 1, as the protocol says.
#[test]
fn lifecycle() {
    let mut c = Client::spawn();
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(code(&r), -32002, "{r}");
    c.initialize(&examples());
    let r = c.request("shutdown", Value::Null);
    assert!(r["result"].is_null() && r.get("error").is_none(), "{r}");
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(code(&r), INVALID_REQUEST, "after shutdown: {r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);

    let mut c = Client::start(&examples());
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}

/// A request cancelled while it waits behind a slow one is answered
/// RequestCancelled, once.
#[test]
fn cancellation() {
    let dir = crate::tempdir("cancel");
    let big = dir.join("big.dg");
    let mut text = String::from("services {\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "  \"svc-{i}\" {{ replicas = {i}\n env {{ A = \"b\" }} }}\n"
        ));
    }
    text.push_str("}\n");
    let mut c = Client::start(&dir);
    c.open(&big, &text);
    let doc = json!({ "textDocument": { "uri": uri(&big) } });
    let slow: Vec<i64> = (0..3)
        .map(|_| c.send_request("textDocument/documentSymbol", doc.clone()))
        .collect();
    let cancelled = c.send_request("textDocument/documentSymbol", doc.clone());
    c.notify("$/cancelRequest", json!({ "id": cancelled }));
    let r = c.response(&json!(cancelled));
    assert_eq!(code(&r), REQUEST_CANCELLED, "{r}");
    for id in slow {
        let r = c.response(&json!(id));
        assert!(r["result"].is_array(), "{r}");
    }
    // Answered once: the next message for that id never comes.
    let after = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&dir.join("none.dg")) } }),
    );
    assert!(after.get("error").is_none(), "{after}");
    assert_eq!(c.shutdown(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// A small seeded generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces of real syntax and of broken text typed at random places.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "\"",
    "\n",
    " = ",
    ".",
    "services",
    "replicas = 3",
    "Service {",
    "[",
    "]",
    "${",
    "amends \"../base.dg\"\n",
    "import \"./x.dg\" as x\n",
    "let a = ",
    "é",
    "😀",
    "\r\n",
    "for x in xs {",
    "if true {",
    "// c",
    "/*",
    "\"\"\"",
    "schema S { a: Int }\n",
    "secrets.",
    "env {",
    "none",
    "??",
    "1Gi",
    "0",
    "-",
    "egov-user",
];

/// The LSP position (line, UTF-16 column) of byte `at` in `text`.
fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = crate_lines(before);
    let col: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": col })
}

/// Line breaks in `text` (`\r\n` once), as the server counts them.
fn crate_lines(text: &str) -> usize {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Thousands of random insertions and deletions over the example files,
/// with requests between them: every request is answered (never with an
/// internal error), the last version's diagnostics are published, and the
/// server shuts down cleanly.
#[test]
fn random_edits() {
    let root = examples();
    let files = ["env/qa.dg", "base.dg", "services/core.dg", "env/dev.dg"];
    let mut rng = Rng(0x5eed_0fd1_617c);
    let mut c = Client::start(&root);
    let mut asked = Vec::new();
    let edits_per_file = 600;
    for file in files {
        let path = root.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        c.open(&path, &text);
        for version in 2..edits_per_file + 2 {
            // Line breaks `\r\n` must not be split by an edit, as an editor
            // never does: keep offsets off the middle of one.
            let mut a = boundary(&text, rng.below(text.len() + 1));
            if a > 0 && text.as_bytes()[a - 1] == b'\r' && text.as_bytes().get(a) == Some(&b'\n') {
                a -= 1;
            }
            let (start, end, insert) = if rng.below(3) == 0 && !text.is_empty() {
                let mut b = boundary(&text, a + rng.below(40));
                if b > 0
                    && text.as_bytes()[b - 1] == b'\r'
                    && text.as_bytes().get(b) == Some(&b'\n')
                {
                    b += 1;
                }
                (a, b, String::new())
            } else {
                (a, a, FRAGMENTS[rng.below(FRAGMENTS.len())].to_string())
            };
            let range = json!({ "start": position(&text, start), "end": position(&text, end) });
            text.replace_range(start..end, &insert);
            c.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri(&path), "version": version },
                    "contentChanges": [{ "range": range, "text": insert }],
                }),
            );
            if version % 7 == 0 {
                let method = [
                    "textDocument/documentSymbol",
                    "textDocument/formatting",
                    "textDocument/completion",
                    "textDocument/hover",
                    "textDocument/definition",
                    "textDocument/completion",
                ][rng.below(6)];
                let params = json!({
                    "textDocument": { "uri": uri(&path) },
                    "position": position(&text, boundary(&text, rng.below(text.len() + 1))),
                    "options": { "tabSize": 2, "insertSpaces": true },
                });
                asked.push(c.send_request(method, params));
            }
        }
        // The server holds the same text as we do: a whole-text formatting
        // edit or an unchanged outline would not show it, the diagnostics'
        // version does, and the text is compared through a full replace
        // being a no-op below.
        let final_version = edits_per_file + 1;
        c.diagnostics(&path, |p| p["version"] == final_version as i64);
        assert!(c.alive());
        // Put the file back.
        let saved = std::fs::read_to_string(&path).unwrap();
        c.replace(&path, final_version + 1, &saved);
        c.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri(&path) } }),
        );
    }
    for id in asked {
        let r = c.response(&json!(id));
        assert!(
            r.get("result").is_some() || code(&r) != INTERNAL_ERROR,
            "request {id}: {r}"
        );
        assert!(r.get("error").is_none(), "request {id}: {r}");
    }
    assert!(c.alive());
    assert_eq!(c.shutdown(), 0);
}
