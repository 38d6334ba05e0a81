//! Delimiter and depth check on the token stream, before the grammar runs.
//!
//! Matching `( ) [ ] { }` and `${ }` on the flat token stream gives precise
//! reports ("unclosed `{`" pointing at the brace that is never closed,
//! "unexpected `}`" for a stray closer) that a grammar can only guess at.
//! It also bounds nesting: past [`MAX_DEPTH`] open delimiters the stream is
//! cut, so the recursive grammar never goes deeper than that.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::Token;
use crate::span::Span;

/// Deepest nesting of brackets, braces, parentheses and interpolations.
pub const MAX_DEPTH: usize = 200;

pub(crate) struct Checked {
    /// Tokens after this index are not parsed (nesting too deep).
    pub cut: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Offset where the stream was cut (the file's end when it was not).
    cut_at: u32,
    /// Some delimiter is left open, so errors at the end are expected.
    unclosed: bool,
    eof: u32,
}

impl Checked {
    /// Whether a grammar error at `span` is already explained here.
    pub fn suppresses(&self, span: Span) -> bool {
        span.start >= self.cut_at
            || (self.unclosed && span.start >= self.eof)
            || self.diagnostics.iter().any(|d| d.span.start == span.start)
    }
}

fn closer_of(t: &Token<'_>) -> Option<Token<'static>> {
    Some(match t {
        Token::LParen => Token::RParen,
        Token::LBracket => Token::RBracket,
        Token::LBrace => Token::RBrace,
        Token::InterpStart => Token::InterpEnd,
        _ => return None,
    })
}

fn is_closer(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::RParen | Token::RBracket | Token::RBrace | Token::InterpEnd
    )
}

pub(crate) fn check(tokens: &[(Token<'_>, Span)], eof: Span) -> Checked {
    let mut stack: Vec<(Token<'static>, Span)> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut cut = tokens.len();
    let mut cut_at = eof.end;
    for (i, (tok, span)) in tokens.iter().enumerate() {
        if let Some(close) = closer_of(tok) {
            if stack.len() >= MAX_DEPTH {
                diagnostics.push(
                    Diagnostic::error(
                        codes::NESTING_TOO_DEEP,
                        *span,
                        format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                    )
                    .with_label("this opens one level too many")
                    .with_help("split the value into named parts with `let`"),
                );
                cut = i;
                cut_at = span.start;
                stack.clear();
                break;
            }
            stack.push((close, *span));
        } else if is_closer(tok) {
            match stack.iter().rposition(|(c, _)| c == tok) {
                Some(pos) => {
                    for (close, open) in stack.drain(pos + 1..).rev() {
                        diagnostics.push(unclosed(close, open, Some(*span)));
                    }
                    stack.pop();
                }
                None => diagnostics.push(stray(tok, *span, stack.last())),
            }
        }
    }
    let unclosed_any = !stack.is_empty();
    for (close, open) in stack.into_iter().rev() {
        diagnostics.push(unclosed(close, open, None));
    }
    Checked {
        cut,
        diagnostics,
        cut_at,
        unclosed: unclosed_any || cut < tokens.len(),
        eof: eof.end,
    }
}

fn unclosed(close: Token<'_>, open: Span, before: Option<Span>) -> Diagnostic {
    let opener = match close {
        Token::RParen => "(",
        Token::RBracket => "[",
        Token::InterpEnd => "${",
        _ => "{",
    };
    let mut d = Diagnostic::error(
        codes::UNCLOSED_DELIMITER,
        open,
        format!("unclosed `{opener}`"),
    )
    .with_label(format!("this `{opener}` is never closed"))
    .with_help(format!("add the missing `{}`", close.text()));
    if let Some(at) = before {
        d = d.with_secondary(at, "the enclosing group ends here");
    }
    d
}

fn stray(tok: &Token<'_>, span: Span, open: Option<&(Token<'static>, Span)>) -> Diagnostic {
    let mut d = Diagnostic::error(
        codes::UNEXPECTED_CLOSER,
        span,
        format!("unexpected `{}`", tok.text()),
    )
    .with_label("nothing to close here");
    match open {
        Some((close, at)) => {
            d = d
                .with_secondary(*at, format!("the open group here wants `{}`", close.text()))
                .with_help(format!(
                    "remove this `{}` or replace it with `{}`",
                    tok.text(),
                    close.text()
                ));
        }
        None => d = d.with_help(format!("remove this `{}`", tok.text())),
    }
    d
}
