//! Source files and their line indexes.
//!
//! A [`SourceMap`] owns the text of every file a run has seen, under a
//! [`FileId`]. It converts byte offsets to 1-based line/column for people and
//! to 0-based line/UTF-16 column for the language server.

use crate::span::{FileId, Span};
use std::sync::{Arc, OnceLock};

/// Whether `text` holds a line break: `\n`, `\r\n` or a lone `\r`. The one
/// definition of a line (DESIGN §2), for the lexer and the parsers as for
/// positions.
pub fn has_line_break(text: &str) -> bool {
    text.bytes().any(|b| b == b'\n' || b == b'\r')
}

/// How many line breaks `text` holds (`\r\n` counts once).
pub fn line_breaks(text: &str) -> usize {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The offset where the line holding `offset` starts.
pub fn line_start_before(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// One file: the name shown to users and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Made the first time a position is asked for: a run without
    /// diagnostics never needs it.
    lines: OnceLock<LineIndex>,
}

impl SourceFile {
    /// The file's line index.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// All files of a run.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id. Adding the same name twice gives two
    /// ids; callers that want one id per path keep their own table.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let text = text.into();
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            name: name.into(),
            text,
            lines: OnceLock::new(),
        });
        id
    }

    /// Replaces the text of file `id` (an edited buffer), keeping its id
    /// and name, so spans into the other files stay valid; its line index
    /// is made again when next asked for. False when `id` is not a file of
    /// this map.
    pub fn replace(&mut self, id: FileId, text: impl Into<Arc<str>>) -> bool {
        match self.files.get_mut(id.0 as usize) {
            Some(f) => {
                f.text = text.into();
                f.lines = OnceLock::new();
                true
            }
            None => false,
        }
    }

    /// The id the next [`SourceMap::add`] will return.
    pub fn next_id(&self) -> FileId {
        FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| &f.text)
    }

    /// The source text under `span`, or "" when the span is out of range.
    pub fn snippet(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// 1-based (line, column) of `offset`, columns counted in characters.
    pub fn line_col(&self, file: FileId, offset: u32) -> (u32, u32) {
        match self.get(file) {
            Some(f) => f.lines().line_col(&f.text, offset),
            None => (1, 1),
        }
    }
}

/// Byte offsets of line starts, for offset to line/column conversion.
///
/// This is the one definition of a line: a line ends at `\n`, `\r\n` or a
/// lone `\r`, as the LSP specification counts (U+2028, form feed and the
/// like do not end a line). Every position shown anywhere comes from here.
/// A byte-order mark at the start of the file is not a column.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// `(byte offset, characters before it)` about every [`MARK_EVERY`]
    /// bytes, so that a column on a very long line costs a short scan.
    marks: Vec<(u32, u32)>,
    /// Length of the byte-order mark the file starts with (0 or 3).
    bom: u32,
}

/// Distance in bytes between two character-count marks.
const MARK_EVERY: usize = 256;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let end = match b {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if end {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let mut marks = Vec::with_capacity(text.len() / MARK_EVERY + 1);
        let mut next = 0usize;
        for (chars, (i, _)) in text.char_indices().enumerate() {
            if i >= next {
                marks.push((
                    u32::try_from(i).unwrap_or(u32::MAX),
                    u32::try_from(chars).unwrap_or(u32::MAX),
                ));
                next = i + MARK_EVERY;
            }
        }
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineIndex { starts, marks, bom }
    }

    /// 0-based line containing `offset`.
    pub fn line(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Characters in `text` before byte `offset` (clamped to the text and
    /// rounded down to a character boundary), not counting a byte-order
    /// mark. Costs a binary search and a scan of at most a few hundred bytes.
    pub fn char_offset(&self, text: &str, offset: u32) -> u32 {
        let mut end = (offset as usize).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let i = match self.marks.binary_search_by_key(&(end as u32), |m| m.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (at, before) = self.marks.get(i).copied().unwrap_or((0, 0));
        let scanned = text
            .get(at as usize..end)
            .map_or(0, |s| s.chars().count() as u32);
        let bom = u32::from(self.bom > 0 && end >= self.bom as usize);
        (before + scanned).saturating_sub(bom)
    }

    /// 1-based line and 1-based character column of `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.line(offset);
        let start = self.starts[line];
        let col = self
            .char_offset(text, offset)
            .saturating_sub(self.char_offset(text, start));
        (line as u32 + 1, col + 1)
    }

    /// 0-based line and UTF-16 column of `offset`, as the LSP wants them.
    pub fn line_col_utf16(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.line(offset);
        let mut start = self.starts[line] as usize;
        if line == 0 {
            start = start.max(self.bom as usize);
        }
        let end = (offset as usize).min(text.len());
        let col: usize = text
            .get(start..end)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        (line as u32, col as u32)
    }

    /// Byte offset of a 0-based line and UTF-16 column, clamped to the text.
    pub fn offset_utf16(&self, text: &str, line: u32, col: u32) -> u32 {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len() as u32;
        };
        let mut start = start as usize;
        if line == 0 {
            start = start.max(self.bom as usize).min(text.len());
        }
        let mut units = 0u32;
        let mut offset = start;
        for c in text.get(start..).unwrap_or_default().chars() {
            if units >= col || c == '\n' || c == '\r' {
                break;
            }
            units += c.len_utf16() as u32;
            offset += c.len_utf8();
        }
        offset as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "a\nbé c\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 2), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 3));
        assert_eq!(idx.line_col(text, 8), (3, 1));
    }

    #[test]
    fn utf16_round_trip() {
        let text = "x = \"😀\" y\n";
        let idx = LineIndex::new(text);
        let off = text.find('y').unwrap() as u32;
        let (l, c) = idx.line_col_utf16(text, off);
        assert_eq!((l, c), (0, 9));
        assert_eq!(idx.offset_utf16(text, l, c), off);
    }

    #[test]
    fn line_breaks_count_crlf_once() {
        assert_eq!(super::line_breaks("a\nb\r\nc\rd"), 3);
        assert_eq!(super::line_breaks("a\u{2028}b"), 0);
        assert!(super::has_line_break("a\rb") && !super::has_line_break("a\u{0b}b"));
        assert_eq!(super::line_start_before("ab\rcd", 4), 3);
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr_only() {
        let text = "a\r\nb\rc\nd\u{2028}e\u{0b}f\u{0c}g\u{85}h";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        let at = |c: char| text.find(c).unwrap() as u32;
        assert_eq!(idx.line_col(text, at('b')), (2, 1));
        assert_eq!(idx.line_col(text, at('c')), (3, 1));
        assert_eq!(idx.line_col(text, at('d')), (4, 1));
        assert_eq!(idx.line_col(text, at('e')), (4, 3));
        assert_eq!(idx.line_col(text, at('h')), (4, 9));
    }

    #[test]
    fn columns_on_a_long_line_and_after_a_bom() {
        let text: String = "\u{feff}".to_string() + &"é".repeat(1000) + "x";
        let idx = LineIndex::new(&text);
        let off = text.find('x').unwrap() as u32;
        assert_eq!(idx.line_col(&text, off), (1, 1001));
        assert_eq!(idx.line_col(&text, 3), (1, 1));
        assert_eq!(idx.line_col_utf16(&text, off), (0, 1000));
        assert_eq!(idx.offset_utf16(&text, 0, 1000), off);
    }
}
