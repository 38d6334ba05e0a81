//! Lexer: source text in, tokens, comments and lexing diagnostics out.
//!
//! Tokens are stored compact ([`Tok`]: a [`Kind`] and byte offsets, the
//! file id once in [`Compact`]); [`lex`] expands them into [`Token`]s with
//! payloads and spans for the grammar and the language server.
//!
//! Normal-mode tokens come from a logos state machine ([`token::Raw`]). A
//! small driver around it keeps a mode stack for strings: inside a string it
//! scans text by hand and emits [`Token::StrText`] chunks; `${` pushes
//! normal mode (tracking brace depth) and the matching `}` pops back.
//! Comments never reach the token stream: they are returned beside it, and
//! runs of `///` lines are also returned as [`DocBlock`]s keyed by the token
//! that follows them.
//!
//! Guarantees: never panics; every byte of the input is either in a token,
//! in a comment, whitespace, or covered by a diagnostic; string tokens are
//! always balanced (`StrStart`/`StrEnd`, `InterpStart`/`InterpEnd`), with
//! empty closing tokens synthesized when the source leaves them open.

mod strings;
pub(crate) mod token;

pub use strings::{decode_escapes, strip_indent};
pub use token::{Kind, Tok, Token};

use crate::ast::{Comment, CommentKind, Doc};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use logos::Logos;
use token::Raw;

/// Quantity suffixes, Kubernetes style.
pub const QUANTITY_SUFFIXES: &[&str] = &[
    "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
];

/// Whether `suffix` is a Kubernetes quantity suffix: one of
/// [`QUANTITY_SUFFIXES`], or a decimal exponent `e3` / `E3` (at most 18).
pub fn is_quantity_suffix(suffix: &str) -> bool {
    QUANTITY_SUFFIXES.contains(&suffix) || quantity_exponent(suffix).is_some()
}

/// The exponent of a decimal-exponent suffix (`e3` -> 3).
pub fn quantity_exponent(suffix: &str) -> Option<i32> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&e| e <= 18)
}

/// For a suffix written the way disks are sold (`GB`, `Mb`, `K`), the
/// Kubernetes suffixes meant: (`G`, `Gi`, 3 for 10^9 and 2^30).
fn suffix_suggestion(suffix: &str) -> Option<(&'static str, &'static str, u32)> {
    let lower = suffix.to_ascii_lowercase();
    let unit = lower
        .strip_suffix("ib")
        .or(lower.strip_suffix('b'))
        .unwrap_or(&lower);
    Some(match unit {
        "k" | "ki" => ("k", "Ki", 1),
        "m" | "mi" => ("M", "Mi", 2),
        "g" | "gi" => ("G", "Gi", 3),
        "t" | "ti" => ("T", "Ti", 4),
        "p" | "pi" => ("P", "Pi", 5),
        "e" | "ei" => ("E", "Ei", 6),
        _ => return None,
    })
}

/// A run of consecutive `///` lines and the token it documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocBlock {
    pub doc: Doc,
    /// Start offset of the first token after the block.
    pub next_token: u32,
    /// A blank line separates the block from that token.
    pub blank_line_after: bool,
}

/// The lexer's output, each token with its payload and span.
#[derive(Clone, Debug, Default)]
pub struct Lexed<'src> {
    pub tokens: Vec<(Token<'src>, Span)>,
    pub comments: Vec<Comment>,
    pub docs: Vec<DocBlock>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The lexer's output as the parser reads it: compact [`Tok`]s, whose
/// payloads are read back from the source when needed, and the file id
/// once.
#[derive(Clone, Debug, Default)]
pub struct Compact {
    pub file: FileId,
    pub tokens: Vec<Tok>,
    pub comments: Vec<Comment>,
    pub docs: Vec<DocBlock>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compact {
    /// The same output with each token's payload and span; `src` is the
    /// text that was lexed.
    pub fn expand(self, src: &str) -> Lexed<'_> {
        Lexed {
            tokens: expand(&self.tokens, self.file, src),
            comments: self.comments,
            docs: self.docs,
            diagnostics: self.diagnostics,
        }
    }
}

/// `tokens` of file `file`, lexed from `src`, with payloads and spans.
pub fn expand<'src>(tokens: &[Tok], file: FileId, src: &'src str) -> Vec<(Token<'src>, Span)> {
    tokens
        .iter()
        .map(|t| (t.token(src), t.span(file)))
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Inside a string opened at `start`.
    Str { multiline: bool, start: u32 },
    /// Inside `${ ... }` with this many unclosed `{`.
    Interp {
        depth: u32,
        single_line: bool,
        start: u32,
        /// Lengths of the token, diagnostic and comment lists before the
        /// `${`, to take back what an unterminated interpolation lexed.
        undo: (usize, usize, usize),
    },
}

struct Driver<'src> {
    file: FileId,
    src: &'src str,
    out: Compact,
    modes: Vec<Mode>,
    pending_doc: Option<(Doc, u32)>,
}

/// The UTF-8 byte-order mark some editors write at the start of a file.
pub const BOM: char = '\u{feff}';

/// Lexes a whole file; a leading byte-order mark is skipped.
pub fn lex(file: FileId, src: &str) -> Lexed<'_> {
    lex_compact(file, src).expand(src)
}

/// Tokens per byte of source the token vector is first sized for. Counted
/// on the repository's 237 `.dg` files: 0.14 in all, 0.06 to 0.13 for the
/// example platform and the standard library, above 0.25 only in 21 small
/// test fixtures (12 KB together); 0.2 on the generated 1 500-service
/// platform (0.28 its environment file). A denser file regrows the vector
/// once; capacity never touched costs address space, not memory.
const TOKENS_PER_BYTE: (usize, usize) = (1, 4);

/// [`lex`], keeping the tokens compact (what the parser reads).
pub fn lex_compact(file: FileId, src: &str) -> Compact {
    let mut d = Driver {
        file,
        src,
        out: Compact {
            file,
            tokens: Vec::with_capacity(src.len() * TOKENS_PER_BYTE.0 / TOKENS_PER_BYTE.1 + 16),
            ..Compact::default()
        },
        modes: Vec::new(),
        pending_doc: None,
    };
    d.run();
    d.out
}

impl<'src> Driver<'src> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::from_range(self.file, start..end)
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        // A doc comment documents the next member, past any `,` or `;`
        // separating it from the one before: `/// Doc` then `, e { }`
        // documents `e`, as it does once the formatter drops the comma.
        let separator = matches!(kind, Kind::Comma | Kind::Semi);
        if let Some((doc, end_of_doc)) = self.pending_doc.take_if(|_| !separator) {
            let gap = &self.src[end_of_doc as usize..start];
            self.out.docs.push(DocBlock {
                doc,
                next_token: start as u32,
                blank_line_after: crate::source::line_breaks(gap) > 1,
            });
        }
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.out.tokens.push(Tok {
            kind,
            start: clamp(start),
            end: clamp(end),
        });
    }

    fn error(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    fn run(&mut self) {
        let mut lexer = Raw::lexer(self.src);
        let mut last_end = 0usize;
        // A byte-order mark at the start of a file is not part of the text.
        if self.src.starts_with(BOM) {
            lexer.bump(BOM.len_utf8());
            last_end = BOM.len_utf8();
        }
        loop {
            if let Some(Mode::Str { multiline, start }) = self.modes.last().copied() {
                let pos = lexer.span().end;
                let end = self.string_mode(pos, multiline, start);
                lexer.bump(end - pos);
                last_end = end;
                continue;
            }
            let Some(res) = lexer.next() else { break };
            let range = lexer.span();
            if let Some(Mode::Interp {
                depth: 0,
                single_line: true,
                start,
                undo,
            }) = self.modes.last().copied()
            {
                if crate::source::has_line_break(&self.src[last_end..range.start]) {
                    self.close_interp_at_line_end(last_end, start, undo);
                    // Re-scan this token in the enclosing mode.
                    let back = range.start;
                    lexer = Raw::lexer(self.src);
                    lexer.bump(back);
                    last_end = back;
                    continue;
                }
            }
            last_end = range.end;
            match res {
                Ok(raw) => self.raw_token(raw, range, &mut lexer),
                Err(()) => self.stray(range, &mut lexer),
            }
            last_end = last_end.max(lexer.span().end);
        }
        self.finish();
    }

    /// Closes a single-line string's interpolation left open at a line end.
    /// What was lexed after the `${` is taken back and kept as string text:
    /// read as code, `${host:8080"` would report the `:` and open a new
    /// string at the `"`, three errors for one missing `}`.
    fn close_interp_at_line_end(
        &mut self,
        at: usize,
        interp_start: u32,
        (tokens, diags, comments): (usize, usize, usize),
    ) {
        self.modes.pop();
        self.out.tokens.truncate(tokens);
        self.out.diagnostics.truncate(diags);
        self.out.comments.truncate(comments);
        let from = interp_start as usize;
        if self
            .pending_doc
            .as_ref()
            .is_some_and(|(_, end)| *end as usize > from)
        {
            self.pending_doc = None;
        }
        let at = at.max(from);
        self.push(Kind::StrText, from, at);
        self.error(
            Diagnostic::error(
                codes::UNTERMINATED_INTERPOLATION,
                Span::new(self.file, interp_start, interp_start + 2),
                "unterminated interpolation",
            )
            .with_label("this `${` has no matching `}` on its line")
            .with_help("close the interpolation with `}` before the end of the line"),
        );
        if let Some(Mode::Str { .. }) = self.modes.last() {
            self.modes.pop();
            self.push(Kind::StrEnd, at, at);
        }
    }

    fn raw_token(
        &mut self,
        raw: Raw,
        range: std::ops::Range<usize>,
        lexer: &mut logos::Lexer<'src, Raw>,
    ) {
        let text = &self.src[range.clone()];
        match raw {
            Raw::LineComment => self.comment(CommentKind::Line, range),
            Raw::DocComment => self.doc_comment(range),
            Raw::BlockCommentStart => {
                let end = match self.src[range.end..].find("*/") {
                    Some(i) => range.end + i + 2,
                    None => {
                        self.error(
                            Diagnostic::error(
                                codes::UNTERMINATED_BLOCK_COMMENT,
                                self.span(range.start, range.end),
                                "unterminated block comment",
                            )
                            .with_label("this comment is never closed")
                            .with_help("close it with `*/`"),
                        );
                        self.src.len()
                    }
                };
                lexer.bump(end - range.end);
                self.comment(CommentKind::Block, range.start..end);
            }
            Raw::Quote | Raw::TripleQuote => {
                let multiline = raw == Raw::TripleQuote;
                let tok = if multiline {
                    Kind::MlStrStart
                } else {
                    Kind::StrStart
                };
                self.push(tok, range.start, range.end);
                self.modes.push(Mode::Str {
                    multiline,
                    start: range.start as u32,
                });
            }
            Raw::Ident => self.push(Kind::Ident, range.start, range.end),
            Raw::Int => {
                let tok = self.int(text, &range);
                self.push(tok, range.start, range.end);
            }
            Raw::Float => {
                let tok = match token::float_value(text) {
                    Some(_) => Kind::Float,
                    None => Kind::BadLit,
                };
                self.push(tok, range.start, range.end);
            }
            Raw::NumberWithSuffix => {
                let tok = self.quantity(text, &range);
                self.push(tok, range.start, range.end);
            }
            Raw::LBrace => {
                if let Some(Mode::Interp { depth, .. }) = self.modes.last_mut() {
                    *depth += 1;
                }
                self.push(Kind::LBrace, range.start, range.end);
            }
            Raw::RBrace => match self.modes.last_mut() {
                Some(Mode::Interp { depth: 0, .. }) => {
                    self.modes.pop();
                    self.push(Kind::InterpEnd, range.start, range.end);
                }
                Some(Mode::Interp { depth, .. }) => {
                    *depth -= 1;
                    self.push(Kind::RBrace, range.start, range.end);
                }
                _ => self.push(Kind::RBrace, range.start, range.end),
            },
            other => {
                if let Some(tok) = token::simple(other) {
                    self.push(tok, range.start, range.end);
                }
            }
        }
    }

    fn int(&mut self, text: &str, range: &std::ops::Range<usize>) -> Kind {
        if token::int_value(text).is_some() {
            return Kind::Int;
        }
        self.error(
            Diagnostic::error(
                codes::INT_TOO_LARGE,
                self.span(range.start, range.end),
                "integer literal too large",
            )
            .with_label("this does not fit in a 64-bit integer")
            .with_help(format!("the largest integer is {}", i64::MAX)),
        );
        Kind::BadLit
    }

    fn quantity(&mut self, text: &str, range: &std::ops::Range<usize>) -> Kind {
        let split = token::quantity_suffix_at(text);
        let (number, suffix) = text.split_at(split);
        if is_quantity_suffix(suffix) {
            return Kind::Quantity;
        }
        let start = range.start + split;
        let help = match suffix_suggestion(suffix) {
            Some((dec, bin, n)) => format!(
                "write `{number}{dec}` (× 10^{}) or `{number}{bin}` (× 2^{})",
                3 * n,
                10 * n
            ),
            None => format!(
                "valid suffixes are {} and exponents such as `e3`; put a space or an operator between a number and a name",
                QUANTITY_SUFFIXES.join(" ")
            ),
        };
        self.error(
            Diagnostic::error(
                codes::UNKNOWN_QUANTITY_SUFFIX,
                self.span(start, range.end),
                format!("unknown quantity suffix `{suffix}`"),
            )
            .with_label("not a Kubernetes quantity suffix")
            .with_help(help),
        );
        Kind::BadLit
    }

    fn comment(&mut self, kind: CommentKind, range: std::ops::Range<usize>) {
        let span = self.span(range.start, range.end);
        self.out.comments.push(crate::ast::Comment { kind, span });
    }

    fn doc_comment(&mut self, range: std::ops::Range<usize>) {
        self.comment(CommentKind::Doc, range.clone());
        let raw = &self.src[range.start + 3..range.end];
        let line = raw.strip_prefix(' ').unwrap_or(raw).trim_end_matches('\r');
        if let Some((doc, end)) = &mut self.pending_doc {
            let gap = &self.src[*end as usize..range.start];
            if crate::source::line_breaks(gap) <= 1 {
                doc.text.push('\n');
                doc.text.push_str(line);
                doc.span = doc.span.to(Span::from_range(self.file, range.clone()));
                *end = range.end as u32;
                return;
            }
        }
        let doc = Doc {
            text: line.to_string(),
            span: self.span(range.start, range.end),
        };
        self.pending_doc = Some((doc, range.end as u32));
    }

    /// Reports a run of characters logos does not know, skipping them all.
    /// Three habits from other languages get one diagnostic and are read
    /// as meant: `'text'` as a string, `# ...` as a comment, `&` as `&&`.
    fn stray(&mut self, range: std::ops::Range<usize>, lexer: &mut logos::Lexer<'src, Raw>) {
        let line_end = self.src[range.start..]
            .find(['\n', '\r'])
            .map_or(self.src.len(), |i| range.start + i);
        let line = &self.src[range.start..line_end];
        let habit = if let Some(after) = line.strip_prefix('\'') {
            after.find('\'').map(|close| {
                let end = range.start + 1 + close + 1;
                let inner = &self.src[range.start + 1..end - 1];
                (
                    end,
                    "strings use double quotes",
                    format!("write it as \"{inner}\""),
                )
            })
        } else if line.starts_with('#') {
            Some((
                line_end,
                "`#` does not start a comment",
                "comments start with `//`".to_string(),
            ))
        } else if line.starts_with('&') && !line.starts_with("&&") {
            Some((
                range.start + 1,
                "a single `&`",
                "logical and is written `&&`".to_string(),
            ))
        } else {
            None
        };
        if let Some((end, message, help)) = habit {
            lexer.bump(end - range.end);
            let (start, first) = (range.start, self.src.as_bytes()[range.start]);
            self.error(
                Diagnostic::error(codes::STRAY_CHARACTER, self.span(start, end), message)
                    .with_label("not part of the language")
                    .with_help(help),
            );
            match first {
                b'\'' => {
                    self.push(Kind::StrStart, start, start + 1);
                    if end - 1 > start + 1 {
                        self.push(Kind::StrText, start + 1, end - 1);
                    }
                    self.push(Kind::StrEnd, end - 1, end);
                }
                b'#' => self.comment(CommentKind::Line, start..end),
                _ => self.push(Kind::AndAnd, start, end),
            }
            return;
        }
        let rest = &self.src[range.end..];
        let more = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii() && !is_stray_ascii(*c))
            .map_or(rest.len(), |(i, _)| i);
        lexer.bump(more);
        let end = range.end + more;
        let text = &self.src[range.start..end];
        let what = if text.chars().count() == 1 {
            format!("unexpected character `{}`", text.escape_debug())
        } else {
            format!("unexpected characters `{}`", text.escape_debug())
        };
        let mut d = Diagnostic::error(codes::STRAY_CHARACTER, self.span(range.start, end), what)
            .with_label("not part of the language");
        if text.starts_with('\'') {
            d = d.with_help("strings use double quotes: \"...\"");
        } else if text.starts_with('#') {
            d = d.with_help("comments start with `//`");
        } else if text.starts_with('&') {
            d = d.with_help("logical and is written `&&`");
        } else {
            d = d.with_help("remove it, or put it inside a string");
        }
        self.error(d);
    }

    /// Scans string text from `pos`; returns where normal lexing resumes.
    fn string_mode(&mut self, pos: usize, multiline: bool, start: u32) -> usize {
        let scan = strings::scan(self.src, pos, multiline);
        for (at, len) in &scan.bad_escapes {
            let written = &self.src[*at..*at + *len];
            // Shown as written (`\q`), unless it holds a control character.
            let esc = if written.chars().any(char::is_control) {
                written.escape_debug().to_string()
            } else {
                written.to_string()
            };
            self.error(
                Diagnostic::error(
                    codes::BAD_ESCAPE,
                    self.span(*at, *at + *len),
                    format!("unknown escape sequence `{esc}`"),
                )
                .with_label("not a valid escape")
                .with_help(
                    "valid escapes are \\n \\t \\r \\\\ \\\" \\$ and \\u{XXXX}; write \\\\ for a backslash",
                ),
            );
        }
        if scan.text_end > pos {
            self.push(Kind::StrText, pos, scan.text_end);
        }
        match scan.stop {
            strings::Stop::Close(len) => {
                self.modes.pop();
                self.push(Kind::StrEnd, scan.text_end, scan.text_end + len);
                scan.text_end + len
            }
            strings::Stop::Interp => {
                let at = scan.text_end;
                let undo = (
                    self.out.tokens.len(),
                    self.out.diagnostics.len(),
                    self.out.comments.len(),
                );
                self.push(Kind::InterpStart, at, at + 2);
                self.modes.push(Mode::Interp {
                    depth: 0,
                    single_line: !multiline,
                    start: at as u32,
                    undo,
                });
                at + 2
            }
            strings::Stop::LineEnd | strings::Stop::Eof => {
                self.modes.pop();
                let quotes = if multiline { "\"\"\"" } else { "\"" };
                let open = if multiline { 3 } else { 1 };
                self.error(
                    Diagnostic::error(
                        codes::UNTERMINATED_STRING,
                        Span::new(self.file, start, start + open),
                        "unterminated string",
                    )
                    .with_label(if multiline {
                        "this string is never closed"
                    } else {
                        "this string is not closed on its line"
                    })
                    .with_help(format!("close the string with {quotes}")),
                );
                self.push(Kind::StrEnd, scan.text_end, scan.text_end);
                scan.text_end
            }
        }
    }

    /// Closes whatever the end of the file left open.
    fn finish(&mut self) {
        let end = self.src.len();
        while let Some(mode) = self.modes.pop() {
            match mode {
                Mode::Str { .. } => self.push(Kind::StrEnd, end, end),
                Mode::Interp { start, .. } => {
                    self.error(
                        Diagnostic::error(
                            codes::UNTERMINATED_INTERPOLATION,
                            Span::new(self.file, start, start + 2),
                            "unterminated interpolation",
                        )
                        .with_label("this `${` is never closed")
                        .with_help("close the interpolation with `}`"),
                    );
                    self.push(Kind::InterpEnd, end, end);
                }
            }
        }
        if let Some((doc, _)) = self.pending_doc.take() {
            // A doc comment at the end of the file documents nothing.
            let _ = doc;
        }
    }
}

fn is_stray_ascii(c: char) -> bool {
    matches!(c, '@' | '#' | '$' | '^' | '~' | '`' | '\'' | '\\' | '&')
        || (c.is_ascii_control() && !c.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact tokens give back the payloads the grammar reads: names
    /// and string text as written, integers without underscores, floats,
    /// quantities split at their suffix; a literal the lexer reported
    /// stays a `BadLit`.
    #[test]
    fn compact_tokens_expand_to_their_payloads() {
        let src = "a_1 = [1_000, 2.5, 512Mi, 1.5Gi, \"x${y}z\", 99999999999999999999, 3GB]";
        let file = FileId(3);
        let compact = lex_compact(file, src);
        let lexed = lex(file, src);
        assert_eq!(compact.tokens.len(), lexed.tokens.len());
        for (tok, (full, span)) in compact.tokens.iter().zip(&lexed.tokens) {
            assert_eq!(tok.kind, full.kind());
            assert_eq!(tok.span(file), *span);
        }
        let payloads: Vec<Token<'_>> = lexed
            .tokens
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| t.text().is_empty())
            .collect();
        assert_eq!(
            payloads,
            [
                Token::Ident("a_1"),
                Token::Int(1000),
                Token::Float(2.5),
                Token::Quantity("512Mi", 3),
                Token::Quantity("1.5Gi", 3),
                Token::StrText("x"),
                Token::Ident("y"),
                Token::StrText("z"),
                Token::BadLit,
                Token::BadLit,
            ]
        );
        assert_eq!(lexed.diagnostics.len(), 2, "{:?}", lexed.diagnostics);
    }
}
