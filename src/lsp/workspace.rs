//! Open buffers laid over the disk.
//!
//! The client's unsaved texts are kept by path ([`Docs`]); a [`Snapshot`]
//! of them is a cheap copy (the texts are shared) taken when a request
//! arrives or a check starts, and it is also the compiler's [`Loader`]: an
//! open buffer is read from memory, every other file from the disk, so the
//! amends chain and the imports are analysed with unsaved edits. Paths are
//! absolute and normalised lexically, as the compiler's loader does.

use digit_compiler::loader::{normalize, FsLoader, Loader};
use digit_lang::source::LineIndex;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One open buffer.
#[derive(Clone, Debug)]
pub struct Doc {
    /// The URI as the client spelled it (published back the same way).
    pub uri: String,
    pub version: i32,
    pub text: Arc<str>,
}

/// Every open buffer, by normalised path.
pub type Docs = HashMap<PathBuf, Doc>;

/// The open buffers at one moment, and a loader reading them first.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub docs: Arc<Docs>,
    /// The workspace folders the client named.
    pub roots: Arc<Vec<PathBuf>>,
    /// Raised when files may have changed on disk (a save, a file event),
    /// so that what was read from the disk is read again.
    pub disk: u64,
}

impl Snapshot {
    /// The text of `path`: the open buffer, else the file on disk.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        if let Some(d) = self.docs.get(path) {
            return Some(d.text.clone());
        }
        let bytes = FsLoader.read(path).ok()?;
        Some(String::from_utf8_lossy(&bytes).into())
    }

    /// The URI to show for `path`: the client's spelling when it is open.
    pub fn uri(&self, path: &Path) -> String {
        match self.docs.get(path) {
            Some(d) => d.uri.clone(),
            None => path_to_uri(path),
        }
    }
}

impl Loader for Snapshot {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.docs.get(&normalize(path)) {
            Some(d) => Ok(d.text.as_bytes().to_vec()),
            None => FsLoader.read(path),
        }
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let mut out = FsLoader.list(dir);
        let dir = normalize(dir);
        for p in self.docs.keys() {
            if p.parent() == Some(dir.as_path()) && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        FsLoader.canonical(path)
    }
}

/// Applies the client's changes, in order, to `text`. A change without a
/// range replaces the whole text; positions past the end are clamped, a
/// range given backwards is taken from its earlier end.
pub fn apply_changes(text: &str, changes: &[TextDocumentContentChangeEvent]) -> String {
    let mut text = text.to_string();
    for change in changes {
        match change.range {
            None => text = change.text.clone(),
            Some(range) => {
                let index = LineIndex::new(&text);
                let a = offset(&index, &text, range.start);
                let b = offset(&index, &text, range.end);
                let (start, end) = (a.min(b), a.max(b));
                text.replace_range(start..end, &change.text);
            }
        }
    }
    text
}

/// The byte offset of an LSP position in `text` (clamped to the text).
pub fn offset(index: &LineIndex, text: &str, pos: Position) -> usize {
    (index.offset_utf16(text, pos.line, pos.character) as usize).min(text.len())
}

/// The LSP position of byte `offset` in `text`.
pub fn position(index: &LineIndex, text: &str, offset: u32) -> Position {
    let (line, character) = index.line_col_utf16(text, offset);
    Position { line, character }
}

/// The LSP range of bytes `start..end` in `text`.
pub fn range(index: &LineIndex, text: &str, start: u32, end: u32) -> Range {
    Range {
        start: position(index, text, start),
        end: position(index, text, end.max(start)),
    }
}

/// The path of a `file:` URI, normalised; `None` for other schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path`: only an empty host or `localhost` is local.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(rest)?;
    Some(normalize(Path::new(&decoded)))
}

/// A `file:` URI for an absolute path.
pub fn path_to_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    let text = path.to_string_lossy();
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/home/a b/é/x.dg");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///home/a%20b/%C3%A9/x.dg");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
        assert_eq!(
            uri_to_path("file:///a/./b/../c.dg").as_deref(),
            Some(Path::new("/a/c.dg"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///a%zz"), None);
    }

    #[test]
    fn incremental_changes_in_utf16() {
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(l1, c1),
                end: Position::new(l2, c2),
            }),
            range_length: None,
            text: text.to_string(),
        };
        let text = "a = \"😀\"\nb = 1\n";
        // After the emoji (two UTF-16 units) on line 0.
        let out = apply_changes(text, &[change(0, 7, 0, 7, "x")]);
        assert_eq!(out, "a = \"😀x\"\nb = 1\n");
        let out = apply_changes(&out, &[change(1, 4, 1, 5, "22"), change(9, 0, 9, 9, "c")]);
        assert_eq!(out, "a = \"😀x\"\nb = 22\nc");
        // Backwards range.
        let out = apply_changes("abc", &[change(0, 2, 0, 1, "")]);
        assert_eq!(out, "ac");
    }
}
