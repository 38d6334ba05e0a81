//! Where comments go.
//!
//! Comments are not in the tree, so the printer asks this module two
//! questions: "how many comments lie in this byte range" (to decide whether a
//! node can be reprinted or must be copied verbatim so no comment is lost),
//! and "lay out this sequence of nodes with the comments between them"
//! ([`layout`]), which yields the pieces of a body or a broken list in source
//! order, each marked with whether it sat on the same line as the piece
//! before it (a trailing comment) and whether a blank line preceded it.

use crate::ast::{Comment, CommentKind};
use crate::span::Span;

/// The source text and its comments, sorted by position.
pub(super) struct Ctx<'a> {
    pub(super) src: &'a str,
    comments: Vec<Comment>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(src: &'a str, comments: &[Comment]) -> Self {
        let mut comments = comments.to_vec();
        comments.sort_by_key(|c| (c.span.start, c.span.end));
        Ctx { src, comments }
    }

    /// The source between two offsets; empty if they are out of range.
    pub(super) fn slice(&self, lo: u32, hi: u32) -> &'a str {
        self.src.get(lo as usize..hi as usize).unwrap_or("")
    }

    pub(super) fn text(&self, span: Span) -> &'a str {
        self.slice(span.start, span.end)
    }

    /// The comments that start in `lo..hi`.
    pub(super) fn within(&self, lo: u32, hi: u32) -> &[Comment] {
        let a = self.comments.partition_point(|c| c.span.start < lo);
        let b = self.comments.partition_point(|c| c.span.start < hi);
        self.comments.get(a..b.max(a)).unwrap_or(&[])
    }

    pub(super) fn count(&self, lo: u32, hi: u32) -> usize {
        self.within(lo, hi).len()
    }

    pub(super) fn count_span(&self, span: Span) -> usize {
        self.count(span.start, span.end)
    }

    /// Whether every comment inside `whole` lies inside one of `parts`
    /// (the children the printer reprints itself, each of which takes care
    /// of its own comments).
    pub(super) fn all_in(&self, whole: (u32, u32), parts: &[Span]) -> bool {
        let total = self.count(whole.0, whole.1);
        total == 0 || total == parts.iter().map(|s| self.count_span(*s)).sum::<usize>()
    }

    /// A comment as printed: verbatim, trailing blanks of `//` comments
    /// dropped (doc comments are left alone: their text is in the tree,
    /// but for the `\r` of a CRLF line end, which the printer writes).
    pub(super) fn comment_text(&self, c: &Comment) -> &'a str {
        let t = self.text(c.span);
        match c.kind {
            CommentKind::Line => t.trim_end(),
            CommentKind::Doc => t.strip_suffix('\r').unwrap_or(t),
            CommentKind::Block => t,
        }
    }

    /// The part of a node's span that is code: leading blanks and comments
    /// (a doc comment the parser counts into the node) skipped, trailing
    /// blanks and member separators dropped.
    pub(super) fn core(&self, span: Span) -> (u32, u32) {
        let bytes = self.src.as_bytes();
        let mut lo = span.start;
        let hi_limit = span.end;
        loop {
            while lo < hi_limit && bytes.get(lo as usize).is_some_and(u8::is_ascii_whitespace) {
                lo += 1;
            }
            match self.within(lo, lo + 1).first() {
                Some(c) if c.span.start == lo && c.span.end <= hi_limit && c.span.end > lo => {
                    lo = c.span.end;
                }
                _ => break,
            }
        }
        let mut hi = span.end.max(lo);
        while hi > lo
            && bytes
                .get(hi as usize - 1)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b';' || *b == b',')
        {
            hi -= 1;
        }
        (lo, hi)
    }
}

/// One piece of a laid-out sequence.
pub(super) enum Piece<'n, T> {
    Comment(Comment),
    Node(&'n T),
}

pub(super) struct Placed<'n, T> {
    pub(super) piece: Piece<'n, T>,
    /// No line break between the previous piece (or the opening bracket)
    /// and this one.
    pub(super) same_line: bool,
    /// At least one empty line between the previous piece and this one.
    pub(super) blank_before: bool,
}

/// Interleaves `nodes` (each with its code range, in source order) with the
/// comments of `open..close` that lie between them. Comments inside a node
/// are the node's business and are skipped here.
pub(super) fn layout<'n, T>(
    cx: &Ctx<'_>,
    open: u32,
    close: u32,
    nodes: impl IntoIterator<Item = (&'n T, (u32, u32))>,
) -> Vec<Placed<'n, T>> {
    let comments = cx.within(open, close);
    let mut out = Vec::new();
    let mut cursor = open;
    let mut ci = 0;
    let place = |out: &mut Vec<Placed<'n, T>>, piece, cursor: u32, start: u32| {
        let newlines = crate::source::line_breaks(cx.slice(cursor, start.max(cursor)));
        out.push(Placed {
            piece,
            same_line: newlines == 0,
            blank_before: newlines >= 2,
        });
    };
    for (node, (lo, hi)) in nodes {
        while let Some(c) = comments.get(ci) {
            if c.span.start >= lo {
                break;
            }
            ci += 1;
            if c.span.start < cursor {
                continue;
            }
            place(&mut out, Piece::Comment(c.clone()), cursor, c.span.start);
            cursor = c.span.end;
        }
        place(&mut out, Piece::Node(node), cursor, lo);
        cursor = hi.max(cursor);
    }
    for c in comments.get(ci..).unwrap_or(&[]) {
        if c.span.start < cursor {
            continue;
        }
        place(&mut out, Piece::Comment(c.clone()), cursor, c.span.start);
        cursor = c.span.end;
    }
    out
}
