//! The output buffer: indentation, columns, and the flat mode used to
//! measure whether something fits on one line.

use super::comments::{Ctx, Piece, Placed};
use crate::ast::CommentKind;

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
    mode: Mode,
    /// While measuring: the line may not pass this column.
    width: usize,
    /// Columns owed after the node being printed (the `,` after a list
    /// element), counted when measuring it.
    reserve: usize,
    /// Measuring failed: a line break was needed in flat mode, or the line
    /// passed [`MAX_WIDTH`].
    overflow: bool,
    /// Measuring the first line: it has ended, the rest is not printed.
    done: bool,
    /// The line break the printer writes: `\r\n` when the source's first
    /// line ends so. Text copied from the source (strings, comments) keeps
    /// its own line breaks, byte for byte.
    line_break: &'static str,
}

/// What a printer is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The output.
    Print,
    /// Measuring whether something fits on one line: no line breaks.
    Flat,
    /// Measuring whether the first line of something fits: printing
    /// stops at the first line break.
    FirstLine,
}

impl<'a> Printer<'a> {
    pub(super) fn new(cx: &'a Ctx<'a>) -> Self {
        Printer {
            cx,
            buf: String::with_capacity(cx.src.len() + cx.src.len() / 8),
            line_start: 0,
            indent: 0,
            at_line_start: true,
            mode: Mode::Print,
            width: MAX_WIDTH,
            reserve: 0,
            overflow: false,
            done: false,
            line_break: if cx
                .src
                .find('\n')
                .is_some_and(|i| cx.src[..i].ends_with('\r'))
            {
                "\r\n"
            } else {
                "\n"
            },
        }
    }

    pub(super) fn finish(mut self) -> String {
        while let Some(rest) = self
            .buf
            .strip_suffix(self.line_break)
            .or_else(|| self.buf.strip_suffix('\n'))
        {
            self.buf.truncate(rest.len());
        }
        if !self.buf.is_empty() {
            self.buf.push_str(self.line_break);
        }
        self.buf
    }

    pub(super) fn is_flat(&self) -> bool {
        self.mode == Mode::Flat
    }

    /// In flat mode: give up, this cannot be printed on one line.
    pub(super) fn fail(&mut self) {
        self.overflow = true;
    }

    pub(super) fn failed(&self) -> bool {
        self.overflow || self.done
    }

    /// Writes `s`, which may contain line breaks only when it is verbatim
    /// source (a multi-line string or comment): its later lines are copied
    /// as they are, never re-indented.
    pub(super) fn text(&mut self, s: &str) {
        if self.failed() || s.is_empty() {
            return;
        }
        if self.at_line_start {
            for _ in 0..self.indent {
                self.buf.push_str(INDENT);
            }
            self.at_line_start = false;
        }
        match self.mode {
            Mode::Print => {}
            Mode::Flat if s.contains('\n') => {
                self.overflow = true;
                return;
            }
            Mode::Flat | Mode::FirstLine => {
                let first = s.split('\n').next().unwrap_or("");
                if self.buf.len() + first.len() > self.width {
                    self.overflow = true;
                    return;
                }
                if first.len() < s.len() {
                    self.done = true;
                    return;
                }
            }
        }
        if let Some(i) = s.rfind('\n') {
            self.line_start = self.buf.len() + i + 1;
        }
        self.buf.push_str(s);
    }

    /// Ends the line; with `blank`, leaves one empty line after it.
    pub(super) fn newline(&mut self, blank: bool) {
        match self.mode {
            Mode::Print => {}
            Mode::Flat => {
                self.overflow = true;
                return;
            }
            Mode::FirstLine => {
                self.done = true;
                return;
            }
        }
        if self.buf.is_empty() {
            return;
        }
        self.buf.push_str(self.line_break);
        if blank {
            self.buf.push_str(self.line_break);
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
        self.measure(Mode::Flat, f)
    }

    /// Whether the first line `f` prints, from the current column, stays
    /// within [`MAX_WIDTH`].
    pub(super) fn first_line_fits(&self, f: impl FnOnce(&mut Printer<'a>)) -> bool {
        self.measure(Mode::FirstLine, f)
    }

    fn measure(&self, mode: Mode, f: impl FnOnce(&mut Printer<'a>)) -> bool {
        // The scratch line starts with blanks up to the current column, so
        // columns and widths inside it are those of the real line.
        let mut p = Printer {
            cx: self.cx,
            buf: " ".repeat(self.column()),
            line_start: 0,
            indent: self.indent,
            at_line_start: false,
            mode,
            width: self.width.saturating_sub(self.reserve),
            reserve: 0,
            overflow: false,
            done: false,
            line_break: self.line_break,
        };
        f(&mut p);
        !p.overflow
    }

    pub(super) fn reserve(&self) -> usize {
        self.reserve
    }

    /// Runs `f` owing `n` columns after what it prints.
    pub(super) fn with_reserve(&mut self, n: usize, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.reserve, n);
        f(self);
        self.reserve = saved;
    }

    /// Copies source bytes `lo..hi` as they are.
    pub(super) fn verbatim(&mut self, (lo, hi): (u32, u32)) {
        let s = self.cx.slice(lo, hi);
        self.text(s);
    }

    /// Prints laid-out pieces one per line (the caller has opened the
    /// bracket and indented). Comments that sat on the line of the piece
    /// before them stay there, and a node that followed a block comment on
    /// its line (`/* why */ a = 1`) stays after it; blank lines are kept, at
    /// most one, never before the first line. `node` prints one node.
    pub(super) fn pieces<T>(
        &mut self,
        pieces: &[Placed<'_, T>],
        mut node: impl FnMut(&mut Self, &T),
    ) {
        let mut first_line = true;
        // The last piece was a block comment that began its own line.
        let mut after_block = false;
        for p in pieces {
            match &p.piece {
                Piece::Comment(c) if p.same_line => {
                    if self.buf.is_empty() {
                        // The file's first line.
                        first_line = false;
                    } else {
                        self.text(" ");
                    }
                    self.text(self.cx.comment_text(c));
                    after_block = false;
                }
                Piece::Comment(c) => {
                    self.newline(p.blank_before && !first_line);
                    first_line = false;
                    self.text(self.cx.comment_text(c));
                    after_block = c.kind == CommentKind::Block;
                }
                Piece::Node(n) => {
                    if p.same_line && after_block {
                        self.text(" ");
                    } else {
                        self.newline(p.blank_before && !first_line);
                        first_line = false;
                    }
                    self.with_reserve(0, |p| node(p, n));
                    after_block = false;
                }
            }
        }
    }
}
