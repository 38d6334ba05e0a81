//! `digitc lsp`: the language server, over stdio.
//!
//! In: JSON-RPC messages from the editor ([`transport`]). Out: replies,
//! and diagnostics pushed as the configuration changes. **Only this module
//! knows about LSP types and JSON-RPC**; every answer comes from the
//! compiler's own analysis (`digit_compiler`, `digit_lang`), never from a
//! second parser or checker.
//!
//! Threads: the main loop ([`Server::run`]) applies edits to the open
//! buffers ([`workspace`]) and hands work out; the diagnostics worker
//! ([`diagnostics`]) checks the workspace after a pause in typing; the
//! request worker ([`requests`]) answers requests one at a time, each with
//! the buffers as they were when it arrived. A request still queued when
//! the client cancels it is answered `RequestCancelled`; a handler that
//! panics is answered with an error and the server carries on.

mod actions;
mod completion;
mod definition;
mod diagnostics;
mod navigate;
mod requests;
mod semantic;
mod stdlib;
mod symbols;
mod transport;
mod values;
mod walk;
mod workspace;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use transport::Out;
use workspace::{Docs, Snapshot};

/// Stack of the worker threads: the compiler's deepest walks grow their own
/// stacks, this is room for the rest.
const WORKER_STACK: usize = 32 << 20;

/// Serves one client on stdin/stdout until `exit`. Returns the exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the LSP asks).
pub fn run() -> u8 {
    let (out, inbox, io) =
        transport::start(std::io::BufReader::new(std::io::stdin()), std::io::stdout());
    let stop = out.clone();
    let code = serve(out, inbox);
    let _ = stop.send(Out::Stop);
    io.join();
    code
}

/// The server on any pair of channels (the stdio transport's, or a test's).
pub fn serve(out: Sender<Out>, inbox: Receiver<Message>) -> u8 {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        out,
        pending: Mutex::new(HashSet::new()),
    });
    let Some(init) = initialize(&shared, &inbox) else {
        return 1;
    };
    {
        let mut state = shared.lock();
        state.roots = Arc::new(init);
    }
    let (check_tx, check_rx) = crossbeam_channel::unbounded();
    let (job_tx, job_rx) = crossbeam_channel::unbounded();
    let checker = diagnostics::Checker::new(shared.clone());
    let spawned = spawn("lsp-check", move || checker.run(check_rx)).and_then(|c| {
        let worker_shared = shared.clone();
        spawn("lsp-requests", move || requests::run(worker_shared, job_rx)).map(|r| (c, r))
    });
    let Ok((check_thread, request_thread)) = spawned else {
        eprintln!("digitc lsp: cannot start the worker threads");
        return 1;
    };
    let _ = check_tx.send(diagnostics::Job::Rescan);
    let mut server = Server {
        shared: shared.clone(),
        checks: check_tx,
        jobs: job_tx,
        shut_down: false,
    };
    let code = server.run(&inbox);
    // The workers are not waited for: a check of a large workspace may
    // still be running, and the process ends with `exit`.
    drop((server, check_thread, request_thread));
    code
}

fn spawn(
    name: &str,
    f: impl FnOnce() + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(WORKER_STACK)
        .spawn(f)
}

/// What the threads share.
pub struct Shared {
    state: Mutex<State>,
    out: Sender<Out>,
    /// Requests received and not yet answered.
    pending: Mutex<HashSet<RequestId>>,
}

/// The open buffers, the workspace folders, and a generation number raised
/// by every change to the buffers.
#[derive(Default)]
pub struct State {
    pub docs: Arc<Docs>,
    pub roots: Arc<Vec<PathBuf>>,
    pub generation: u64,
    /// Raised when files may have changed on disk.
    pub disk: u64,
}

impl Shared {
    /// The state; a thread that panicked while holding it left it usable
    /// (every change to it is a single assignment).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn snapshot(&self) -> (Snapshot, u64) {
        let s = self.lock();
        (
            Snapshot {
                docs: s.docs.clone(),
                roots: s.roots.clone(),
                disk: s.disk,
            },
            s.generation,
        )
    }

    fn pending(&self) -> MutexGuard<'_, HashSet<RequestId>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends the response to a pending request, unless it was already
    /// answered (cancelled).
    pub fn respond(&self, response: Response) {
        let mut pending = self.pending();
        if pending.remove(&response.id) {
            let _ = self.out.send(Out::Message(Message::Response(response)));
        }
    }

    fn send(&self, message: Message) {
        let _ = self.out.send(Out::Message(message));
    }
}

/// Waits for `initialize` and answers it; returns the workspace folders.
/// `None` when the client left (or sent `exit`) first.
fn initialize(shared: &Shared, inbox: &Receiver<Message>) -> Option<Vec<PathBuf>> {
    for message in inbox {
        match message {
            Message::Request(r) if r.method == req::Initialize::METHOD => {
                let params: lsp_types::InitializeParams =
                    serde_json::from_value(r.params).unwrap_or_default();
                let roots = roots(&params);
                let result = lsp_types::InitializeResult {
                    capabilities: requests::capabilities(),
                    server_info: Some(lsp_types::ServerInfo {
                        name: "digitc".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                let value = serde_json::to_value(result).unwrap_or_default();
                shared.send(Message::Response(Response::new_ok(r.id, value)));
                return Some(roots);
            }
            Message::Request(r) => shared.send(Message::Response(Response::new_err(
                r.id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".into(),
            ))),
            Message::Notification(n) if n.method == note::Exit::METHOD => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

/// The workspace folders, else the root URI; none for a client that opens
/// single files only.
#[allow(deprecated)] // `root_uri`, for clients without workspace folders.
fn roots(params: &lsp_types::InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| workspace::uri_to_path(f.uri.as_str()))
        .collect();
    if out.is_empty() {
        out.extend(
            params
                .root_uri
                .as_ref()
                .and_then(|u| workspace::uri_to_path(u.as_str())),
        );
    }
    out
}

struct Server {
    shared: Arc<Shared>,
    checks: Sender<diagnostics::Job>,
    jobs: Sender<requests::Job>,
    shut_down: bool,
}

impl Server {
    fn run(&mut self, inbox: &Receiver<Message>) -> u8 {
        for message in inbox {
            match message {
                Message::Request(r) => self.request(r),
                Message::Notification(n) if n.method == note::Exit::METHOD => {
                    return if self.shut_down { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notification(n)
                    }));
                    if handled.is_err() {
                        eprintln!("digitc lsp: handling `{method}` panicked");
                    }
                }
                Message::Response(_) => {}
            }
        }
        // The client closed the stream without `exit`.
        1
    }

    fn request(&mut self, r: Request) {
        if self.shut_down {
            self.shared.send(Message::Response(Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            )));
            return;
        }
        if r.method == req::Shutdown::METHOD {
            self.shut_down = true;
            self.shared.pending().insert(r.id.clone());
            self.shared
                .respond(Response::new_ok(r.id, serde_json::Value::Null));
            return;
        }
        self.shared.pending().insert(r.id.clone());
        let (snapshot, _) = self.shared.snapshot();
        let job = requests::Job {
            id: r.id.clone(),
            method: r.method,
            params: r.params,
            snapshot,
        };
        if self.jobs.send(job).is_err() {
            self.shared.respond(Response::new_err(
                r.id,
                ErrorCode::InternalError as i32,
                "the request worker stopped".into(),
            ));
        }
    }

    fn notification(&mut self, n: Notification) {
        // A notification that does not fit its method is dropped: JSON-RPC
        // gives notifications no reply.
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Some(p) = decode::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let doc = p.text_document;
                self.edit(doc.uri.as_str(), |docs, path| {
                    docs.insert(
                        path,
                        workspace::Doc {
                            uri: doc.uri.as_str().to_string(),
                            version: doc.version,
                            text: doc.text.as_str().into(),
                        },
                    );
                });
            }
            note::DidChangeTextDocument::METHOD => {
                let Some(p) = decode::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let version = p.text_document.version;
                self.edit(p.text_document.uri.as_str(), |docs, path| {
                    if let Some(doc) = docs.get_mut(&path) {
                        let text = workspace::apply_changes(&doc.text, &p.content_changes);
                        doc.text = text.into();
                        doc.version = version;
                    }
                });
            }
            note::DidCloseTextDocument::METHOD => {
                let Some(p) = decode::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                self.edit(p.text_document.uri.as_str(), |docs, path| {
                    docs.remove(&path);
                });
            }
            note::DidSaveTextDocument::METHOD => {
                let Some(p) = decode::<lsp_types::DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                self.shared.lock().disk += 1;
                if let Some(path) = workspace::uri_to_path(p.text_document.uri.as_str()) {
                    let _ = self.checks.send(diagnostics::Job::Changed(vec![path]));
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                {
                    let mut state = self.shared.lock();
                    state.generation += 1;
                    state.disk += 1;
                }
                let _ = self.checks.send(diagnostics::Job::Rescan);
            }
            note::Cancel::METHOD => {
                let Some(p) = decode::<lsp_types::CancelParams>(n.params) else {
                    return;
                };
                let id: RequestId = match p.id {
                    lsp_types::NumberOrString::Number(n) => n.into(),
                    lsp_types::NumberOrString::String(s) => s.into(),
                };
                self.shared.respond(Response::new_err(
                    id,
                    ErrorCode::RequestCanceled as i32,
                    "cancelled".into(),
                ));
            }
            _ => {}
        }
    }

    /// Changes the open buffers under the lock (raising the generation, so
    /// a check running on the old texts is not published) and tells the
    /// diagnostics worker.
    fn edit(&mut self, uri: &str, f: impl FnOnce(&mut Docs, PathBuf)) {
        let Some(path) = workspace::uri_to_path(uri) else {
            return;
        };
        {
            let mut state = self.shared.lock();
            f(Arc::make_mut(&mut state.docs), path.clone());
            state.generation += 1;
        }
        let _ = self.checks.send(diagnostics::Job::Changed(vec![path]));
    }
}

/// The parameters of a notification, when they fit.
fn decode<T: serde::de::DeserializeOwned>(params: serde_json::Value) -> Option<T> {
    serde_json::from_value(params).ok()
}
