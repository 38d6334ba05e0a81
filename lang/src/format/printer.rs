//! The output buffer: indentation, columns, and the flat mode used to
//! measure whether something fits on one line.

use super::comments::{Ctx, Piece, Placed};

/// Lines are kept within this many columns where the rules allow a choice.
pub(super) const MAX_WIDTH: usize = 100;
const INDENT: &str = "  ";

pub(super) struct Printer<'a> {
    pub(super) cx: &'a Ctx<'a>,
    buf: String,
    /// Byte offset in `buf` where the current line starts.
    line_start: usize,
    indent: usize,
    /// A line break was written and the indentation is still owed.
    at_line_start: bool,
    /// Flat mode: no line breaks allowed, at most this many bytes.
    limit: Option<usize>,
    /// Flat mode failed: a line break was needed or the limit was passed.
    overflow: bool,
}

impl<'a> Printer<'a> {
    pub(super) fn new(cx: &'a Ctx<'a>) -> Self {
        Printer {
            cx,
            buf: String::with_capacity(cx.src.len() + cx.src.len() / 8),
            line_start: 0,
            indent: 0,
            at_line_start: true,
            limit: None,
            overflow: false,
        }
    }

    pub(super) fn finish(mut self) -> String {
        while self.buf.ends_with('\n') {
            self.buf.pop();
        }
        if !self.buf.is_empty() {
            self.buf.push('\n');
        }
        self.buf
    }

    pub(super) fn is_flat(&self) -> bool {
        self.limit.is_some()
    }

    /// In flat mode: give up, this cannot be printed on one line.
    pub(super) fn fail(&mut self) {
        self.overflow = true;
    }

    pub(super) fn failed(&self) -> bool {
        self.overflow
    }

    /// Writes `s`, which may contain line breaks only when it is verbatim
    /// source (a multi-line string or comment): its later lines are copied
    /// as they are, never re-indented.
    pub(super) fn text(&mut self, s: &str) {
        if self.overflow || s.is_empty() {
            return;
        }
        if self.at_line_start {
            for _ in 0..self.indent {
                self.buf.push_str(INDENT);
            }
            self.at_line_start = false;
        }
        if let Some(limit) = self.limit {
            if s.contains('\n') || self.buf.len() + s.len() > limit {
                self.overflow = true;
                return;
            }
        }
        if let Some(i) = s.rfind('\n') {
            self.line_start = self.buf.len() + i + 1;
        }
        self.buf.push_str(s);
    }

    /// Ends the line; with `blank`, leaves one empty line after it.
    pub(super) fn newline(&mut self, blank: bool) {
        if self.limit.is_some() {
            self.overflow = true;
            return;
        }
        if self.buf.is_empty() {
            return;
        }
        self.buf.push('\n');
        if blank {
            self.buf.push('\n');
        }
        self.line_start = self.buf.len();
        self.at_line_start = true;
    }

    pub(super) fn indent(&mut self) {
        self.indent += 1;
    }

    pub(super) fn dedent(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }

    pub(super) fn column(&self) -> usize {
        if self.at_line_start {
            self.indent * INDENT.len()
        } else {
            self.buf.len() - self.line_start
        }
    }

    /// Whether `f` prints on one line from the current column without
    /// passing [`MAX_WIDTH`]. Work is bounded by the width, not the input.
    pub(super) fn fits(&self, f: impl FnOnce(&mut Printer<'a>)) -> bool {
        let mut p = Printer {
            cx: self.cx,
            buf: String::new(),
            line_start: 0,
            indent: 0,
            at_line_start: false,
            limit: Some(MAX_WIDTH.saturating_sub(self.column())),
            overflow: false,
        };
        f(&mut p);
        !p.overflow
    }

    /// Copies source bytes `lo..hi` as they are.
    pub(super) fn verbatim(&mut self, (lo, hi): (u32, u32)) {
        let s = self.cx.slice(lo, hi);
        self.text(s);
    }

    /// Prints laid-out pieces one per line (the caller has opened the
    /// bracket and indented). Comments that sat on the line of the piece
    /// before them stay there; blank lines are kept, at most one, never
    /// before the first line. `node` prints one node.
    pub(super) fn pieces<T>(
        &mut self,
        pieces: &[Placed<'_, T>],
        mut node: impl FnMut(&mut Self, &T),
    ) {
        let mut first_line = true;
        for p in pieces {
            match &p.piece {
                Piece::Comment(c) if p.same_line => {
                    if !self.buf.is_empty() {
                        self.text(" ");
                    }
                    self.text(self.cx.comment_text(c));
                }
                Piece::Comment(c) => {
                    self.newline(p.blank_before && !first_line);
                    first_line = false;
                    self.text(self.cx.comment_text(c));
                }
                Piece::Node(n) => {
                    self.newline(p.blank_before && !first_line);
                    first_line = false;
                    node(self, n);
                }
            }
        }
    }
}
