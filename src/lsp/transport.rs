//! JSON-RPC framing over stdio.
//!
//! In: `Content-Length`-framed messages on stdin. Out: [`Message`]s on a
//! channel, and whatever the server sends written to stdout in the same
//! framing. Unlike `lsp_server`'s own stdio transport, which stops reading at
//! the first malformed message, a body that is not JSON gets a ParseError
//! reply and one that is JSON but not a message an InvalidRequest reply
//! (both with the id when one can be read, else `null`), and reading goes
//! on. A header without a usable `Content-Length` is skipped up to the next
//! blank line.

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use std::io::{self, BufRead, Write};
use std::thread;

/// What the writer thread writes.
pub enum Out {
    Message(Message),
    /// A JSON-RPC error whose id could not be read (`"id": null`).
    Error {
        id: serde_json::Value,
        code: i32,
        message: String,
    },
    /// Write nothing more: the server is exiting (a check still running
    /// on a worker thread may try to publish; it is dropped).
    Stop,
}

/// The two stdio threads; [`Io::join`] waits for them after `exit`.
pub struct Io {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Io {
    /// Waits for the writer to write what was sent before [`Out::Stop`];
    /// the reader is left blocked on stdin when the client keeps it open
    /// (the process exits anyway).
    pub fn join(self) {
        let _ = self.writer.join();
        if self.reader.is_finished() {
            let _ = self.reader.join();
        }
    }
}

/// Starts the reader and writer threads on `input` and `output`.
pub fn start<R, W>(input: R, output: W) -> (Sender<Out>, Receiver<Message>, Io)
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Out>();
    let (in_tx, in_rx) = crossbeam_channel::unbounded::<Message>();
    let writer = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || write_loop(output, out_rx))
        .expect("spawning a thread fails only when the system is out of resources");
    let replies = out_tx.clone();
    let reader = thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read_loop(input, in_tx, replies))
        .expect("spawning a thread fails only when the system is out of resources");
    (out_tx, in_rx, Io { reader, writer })
}

fn write_loop<W: Write>(mut output: W, rx: Receiver<Out>) {
    for out in rx {
        let written = match out {
            Out::Stop => return,
            Out::Message(m) => m.write(&mut output),
            Out::Error { id, code, message } => {
                let body = serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": { "code": code, "message": message },
                })
                .to_string();
                write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())
                    .and_then(|()| output.flush())
            }
        };
        if written.is_err() {
            return;
        }
    }
}

fn read_loop<R: BufRead>(mut input: R, tx: Sender<Message>, replies: Sender<Out>) {
    loop {
        let body = match read_frame(&mut input) {
            Ok(Frame::Body(body)) => body,
            Ok(Frame::Malformed(why)) => {
                let _ = replies.send(parse_error(serde_json::Value::Null, why));
                continue;
            }
            Ok(Frame::Eof) | Err(_) => return,
        };
        let Some(message) = decode(&body, &replies) else {
            continue;
        };
        let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if tx.send(message).is_err() || is_exit {
            return;
        }
    }
}

/// The message in `body`, or `None` after replying with an error.
fn decode(body: &[u8], replies: &Sender<Out>) -> Option<Message> {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let _ = replies.send(parse_error(
                serde_json::Value::Null,
                format!("the message is not JSON: {e}"),
            ));
            return None;
        }
    };
    let id = value.get("id").cloned();
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Some(m),
        Err(e) => {
            // A notification (no id) that is malformed gets no reply, as
            // JSON-RPC says; anything with an id does.
            if let Some(id) = id {
                let id = match id {
                    serde_json::Value::Number(_) | serde_json::Value::String(_) => id,
                    _ => serde_json::Value::Null,
                };
                let _ = replies.send(Out::Error {
                    id,
                    code: ErrorCode::InvalidRequest as i32,
                    message: format!("not a JSON-RPC request: {e}"),
                });
            }
            None
        }
    }
}

fn parse_error(id: serde_json::Value, message: String) -> Out {
    Out::Error {
        id,
        code: ErrorCode::ParseError as i32,
        message,
    }
}

enum Frame {
    Body(Vec<u8>),
    Malformed(String),
    Eof,
}

/// The largest body read (64 MiB): far above any document a client sends.
const MAX_BODY: usize = 64 << 20;

/// Reads one frame: headers up to a blank line, then `Content-Length` bytes.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(Frame::Eof);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let length = match length {
        None => return Ok(Frame::Malformed("a header without Content-Length".into())),
        Some(Err(why)) => return Ok(Frame::Malformed(why)),
        Some(Ok(n)) if n > MAX_BODY => {
            // Read and drop it, so the next frame is found.
            io::copy(&mut io::Read::take(&mut *input, n as u64), &mut io::sink())?;
            return Ok(Frame::Malformed(format!(
                "a message of {n} bytes is too large"
            )));
        }
        Some(Ok(n)) => n,
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Frame::Body(body))
}
