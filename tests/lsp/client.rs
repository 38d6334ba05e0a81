//! A small JSON-RPC client that starts the real `digitc lsp` and talks to
//! it over its stdin and stdout, and drawings of positions and ranges under
//! the source for snapshots.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How long any single answer may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Value>,
    /// Responses received while waiting for another.
    responses: Vec<Value>,
    /// The cache directory the server writes the standard library to.
    pub cache: PathBuf,
}

/// The repository's `examples/` directory, absolute.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts the server with `root` as its workspace folder and
    /// initializes it.
    pub fn start(root: &Path) -> Client {
        let mut c = Client::spawn();
        c.initialize(root);
        c
    }

    /// Sends `initialize` and `initialized`.
    pub fn initialize(&mut self, root: &Path) {
        let init = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "root" }],
                "capabilities": {},
            }),
        );
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        self.notify("initialized", json!({}));
    }

    /// Starts the server, not initialized.
    pub fn spawn() -> Client {
        let cache = std::env::temp_dir().join(format!(
            "digitc-lsp-test-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_digitc"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", &cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start digitc lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            notifications: Vec::new(),
            responses: Vec::new(),
            cache,
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", bytes.len());
        self.stdin.write_all(header.as_bytes()).unwrap();
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, v: &Value) {
        self.send_raw(v.to_string().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&json!(id))
    }

    /// Waits for the response with `id`.
    pub fn response(&mut self, id: &Value) -> Value {
        if let Some(i) = self.responses.iter().position(|r| &r["id"] == id) {
            return self.responses.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self
                .next(deadline)
                .unwrap_or_else(|| panic!("no response to {id}"));
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
            } else if &m["id"] == id {
                return m;
            } else {
                self.responses.push(m);
            }
        }
    }

    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.rx.recv_timeout(left).ok()
    }

    /// Opens a buffer.
    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "digit", "version": 1, "text": text,
            }}),
        );
    }

    /// Replaces a buffer's whole text.
    pub fn replace(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Waits for diagnostics published for `path` that satisfy `done`, and
    /// returns them (the latest publication for the file).
    pub fn diagnostics(&mut self, path: &Path, done: impl Fn(&Value) -> bool) -> Value {
        let want = uri(path);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.notifications.iter().rposition(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == want
            });
            if let Some(i) = found {
                let n = self.notifications.remove(i);
                // Older publications for the file are superseded.
                self.notifications.retain(|m| m["params"]["uri"] != want);
                if done(&n["params"]) {
                    return n["params"].clone();
                }
            }
            match self.next(deadline) {
                Some(m) if m.get("id").is_some() && m.get("method").is_none() => {
                    self.responses.push(m)
                }
                Some(m) => self.notifications.push(m),
                None => panic!("no diagnostics for {want} as expected"),
            }
        }
    }

    /// `shutdown`, then `exit`; returns the exit code.
    pub fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let _ = std::fs::remove_dir_all(&self.cache);
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the process to end; returns its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// True while the server process runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.cache);
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A position `{line, character}` of a JSON value.
pub fn pos(v: &Value) -> (usize, usize) {
    (
        v["line"].as_u64().unwrap() as usize,
        v["character"].as_u64().unwrap() as usize,
    )
}

/// The position of the first occurrence of `marker` in `text` (0-based
/// line, UTF-16 column), plus `shift` characters.
pub fn find(text: &str, marker: &str, shift: usize) -> Value {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in text"))
        + shift;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({ "line": line, "character": col })
}

/// Draws `text`'s lines that the cursor or a range touches (with one line
/// of context), a `↑` under the cursor and `▔` under each range, labelled.
pub fn draw(text: &str, cursor: Option<&Value>, ranges: &[(Value, String)]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut marks: Vec<(usize, usize, usize, String)> = Vec::new();
    if let Some(c) = cursor {
        let (l, ch) = pos(c);
        marks.push((l, ch, ch, "↑".into()));
    }
    for (r, label) in ranges {
        let (sl, sc) = pos(&r["start"]);
        let (el, ec) = pos(&r["end"]);
        for l in sl..=el {
            let from = if l == sl { sc } else { 0 };
            let to = if l == el {
                ec
            } else {
                lines.get(l).map_or(0, |s| s.chars().count())
            };
            marks.push((
                l,
                from,
                to,
                if l == el {
                    label.clone()
                } else {
                    String::new()
                },
            ));
        }
    }
    let mut shown: Vec<usize> = marks
        .iter()
        .flat_map(|m| m.0.saturating_sub(1)..=m.0 + 1)
        .filter(|&l| l < lines.len().max(1))
        .collect();
    shown.sort();
    shown.dedup();
    let mut out = String::new();
    let mut last = None;
    for l in shown {
        if last.is_some_and(|p: usize| l > p + 1) {
            out.push_str("     ┆\n");
        }
        last = Some(l);
        out.push_str(&format!("{:>4} │ {}\n", l + 1, lines.get(l).unwrap_or(&"")));
        for (ml, from, to, label) in marks.iter().filter(|m| m.0 == l) {
            let pad = " ".repeat(*from);
            let under = if label == "↑" {
                "↑".to_string()
            } else {
                "▔".repeat((to - from).max(1))
            };
            let _ = ml;
            let label = if label == "↑" { "" } else { label.as_str() };
            out.push_str(&format!("     │ {pad}{under} {label}\n"));
        }
    }
    out
}
