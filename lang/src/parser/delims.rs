//! Delimiter and depth check on the token stream, before the grammar runs.
//!
//! Matching `( ) [ ] { }` and `${ }` on the flat token stream gives precise
//! reports ("unclosed `{`" pointing at the brace that is never closed,
//! "unexpected `}`" for a stray closer) that a grammar can only guess at.
//! It also bounds nesting: past [`MAX_DEPTH`] open delimiters the stream is
//! cut, so the recursive grammar never goes deeper than that.
//!
//! A closer no open group wants, met while the innermost group is not
//! closed later on the same line, is a typo for that group's closer (`[1, 2}`): one "`}` where `]`
//! was expected", not an unclosed `[` plus a stray `}`.
//!
//! When something is wrong it also repairs the stream for the grammar:
//! typo closers are read as the intended ones, stray closers are dropped,
//! and a group left open is closed before the
//! first later line indented no deeper than the line that opened it (or at
//! the end). The grammar then reads the rest of the file normally, so one
//! missing `}` is one diagnostic, and it never backtracks through many
//! unclosed bodies (which took time exponential in their depth).

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Kind, Tok, Token};
use crate::span::Span;

/// Deepest nesting of brackets, braces, parentheses and interpolations.
pub const MAX_DEPTH: usize = 200;

pub(crate) struct Checked<'src> {
    /// Tokens after this index are not parsed (nesting too deep).
    pub cut: usize,
    /// The stream the grammar should read instead, when it needed repair.
    pub repaired: Option<Vec<(Token<'src>, Span)>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Offset where the stream was cut (the file's end when it was not).
    cut_at: u32,
    /// Some delimiter is left open, so errors at the end are expected.
    unclosed: bool,
    /// From each unclosed opener to where the repair closed it: grammar
    /// errors there come from the missing closer.
    unclosed_groups: Vec<(u32, u32)>,
    eof: u32,
}

impl Checked<'_> {
    /// Whether a grammar error at a span is already explained here; each
    /// question costs a logarithm (a file with thousands of broken groups
    /// has thousands of grammar errors too).
    pub fn suppressor(&self) -> impl Fn(Span) -> bool + '_ {
        let mut starts: Vec<u32> = self.diagnostics.iter().map(|d| d.span.start).collect();
        starts.sort_unstable();
        let mut groups = self.unclosed_groups.clone();
        groups.sort_unstable();
        // The furthest end among the groups up to each one.
        let reach: Vec<u32> = groups
            .iter()
            .scan(0u32, |m, &(_, to)| {
                *m = (*m).max(to);
                Some(*m)
            })
            .collect();
        move |span: Span| {
            let at = span.start;
            let in_group = groups
                .partition_point(|&(from, _)| from <= at)
                .checked_sub(1)
                .is_some_and(|i| reach[i] >= at);
            at >= self.cut_at
                || (self.unclosed && at >= self.eof)
                || starts.binary_search(&at).is_ok()
                || in_group
        }
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

/// Whether the plain matching finds nothing to report in the compact
/// stream: every closer closes the innermost open group, no group is left
/// open and nesting stays within [`MAX_DEPTH`]. Exactly then [`check`]
/// leaves the stream alone and reports nothing, so a valid file is checked
/// on its compact tokens, without their payloads.
pub(crate) fn balanced(tokens: &[Tok]) -> bool {
    let mut stack: Vec<Kind> = Vec::new();
    for tok in tokens {
        let close = match tok.kind {
            Kind::LParen => Kind::RParen,
            Kind::LBracket => Kind::RBracket,
            Kind::LBrace => Kind::RBrace,
            Kind::InterpStart => Kind::InterpEnd,
            k @ (Kind::RParen | Kind::RBracket | Kind::RBrace | Kind::InterpEnd) => {
                if stack.pop() != Some(k) {
                    return false;
                }
                continue;
            }
            _ => continue,
        };
        if stack.len() >= MAX_DEPTH {
            return false;
        }
        stack.push(close);
    }
    stack.is_empty()
}

pub(crate) fn check<'src>(tokens: &[(Token<'src>, Span)], eof: Span, text: &str) -> Checked<'src> {
    let mut stack: Vec<(Token<'static>, Span, usize)> = Vec::new();
    let mut diagnostics = Vec::new();
    // Closers read as the one their group wants (`[1, 2}`), and which
    // openers the plain matching never closes (computed at the first stray
    // closer: valid files never pay for it).
    let mut mismatched: Vec<(usize, Token<'static>)> = Vec::new();
    let mut closers: Option<Vec<Option<usize>>> = None;
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
            stack.push((close, *span, i));
        } else if is_closer(tok) {
            match stack.iter().rposition(|(c, _, _)| c == tok) {
                Some(pos) => {
                    for (close, open, _) in stack.drain(pos + 1..).rev() {
                        diagnostics.push(unclosed(close, open, Some(*span)));
                    }
                    stack.pop();
                }
                None => {
                    // A closer no open group wants, while the innermost
                    // group is not closed later on this line: a typo for
                    // that group's closer.
                    let top = stack.last().copied();
                    let is_typo = top.is_some_and(|(close, _, at)| {
                        let closed_at = closers
                            .get_or_insert_with(|| matching_closers(tokens))
                            .get(at)
                            .copied()
                            .flatten();
                        close != Token::InterpEnd
                            && *tok != Token::InterpEnd
                            && closed_at.is_none_or(|c| {
                                let end = tokens.get(c).map_or(span.end, |t| t.1.start);
                                text.get(span.end as usize..end as usize)
                                    .is_none_or(crate::source::has_line_break)
                            })
                    });
                    match top {
                        Some((close, open, _)) if is_typo => {
                            diagnostics.push(mismatched_closer(tok, *span, close, open));
                            mismatched.push((i, close));
                            stack.pop();
                        }
                        _ => diagnostics.push(stray(tok, *span, top.map(|(c, s, _)| (c, s)))),
                    }
                }
            }
        }
    }
    let unclosed_any = !stack.is_empty();
    for (close, open, _) in stack.into_iter().rev() {
        diagnostics.push(unclosed(close, open, None));
    }
    // Something is wrong: the indentation usually says where. Its reading
    // is taken when it explains the stream with no more mistakes than the
    // plain matching (which reports a missing `}` at the outermost block
    // and an extra one at the file's last brace).
    if !diagnostics.is_empty() && cut == tokens.len() {
        let walk = indent_walk(tokens, text, eof);
        if let Some(walk) = walk.filter(|w| w.diagnostics.len() <= diagnostics.len()) {
            return Checked {
                cut,
                repaired: Some(walk.tokens),
                diagnostics: walk.diagnostics,
                unclosed: walk.closed_at_end,
                unclosed_groups: walk.groups,
                cut_at,
                eof: eof.end,
            };
        }
    }
    // Groups still open at the cut or the end close there, where grammar
    // errors are already suppressed.
    let (repaired, unclosed_groups) = if diagnostics.is_empty() {
        (None, Vec::new())
    } else {
        let mut fixed = tokens[..cut].to_vec();
        for (i, close) in mismatched {
            if let Some(t) = fixed.get_mut(i) {
                t.0 = close;
            }
        }
        let (tokens, groups) = repair(&fixed, text, eof, cut_at);
        (Some(tokens), groups)
    };
    Checked {
        cut,
        repaired,
        diagnostics,
        unclosed_groups,
        cut_at,
        unclosed: unclosed_any || cut < tokens.len(),
        eof: eof.end,
    }
}

/// Lines [`missing_opener`] looks back: a bound that keeps a broken
/// file's walk linear whatever its shape.
const LOOKBACK: usize = 2_000;

/// A group open during [`indent_walk`].
#[derive(Clone, Copy)]
struct Open {
    close: Token<'static>,
    open: Span,
    /// Index of the opener.
    at: usize,
    /// Indentation of the line the opener is on.
    indent: usize,
    /// Start offset of that line.
    line: usize,
}

/// What a closer does in [`indent_walk`].
enum Target {
    /// Closes the group at this stack position (the ones above it were
    /// never closed).
    Close(usize),
    /// Was typed for the group at this position, whose closer it stands for.
    Typo(usize),
    /// Closes nothing.
    Stray,
}

/// The stream as its indentation reads it, repaired, with its mistakes.
struct Walk<'src> {
    tokens: Tokens<'src>,
    diagnostics: Vec<Diagnostic>,
    /// From each unclosed opener to where the repair closed it.
    groups: Vec<(u32, u32)>,
    /// Some group was left open until the end of the file.
    closed_at_end: bool,
}

/// Matches delimiters the way the indentation of a formatted file says:
///
/// - a block opened on an earlier line ends before the first line whose
///   indentation is at or left of its opening line's, so a missing `}` is
///   reported at the block that lacks it, not at the outermost one;
/// - a closer that starts its line closes the open block whose opening
///   line is indented to its column, and the closers after it on that
///   line close the groups opened on one line together (`})` after
///   `f({`); a closer whose column matches no open block is one too many;
/// - a closer after other tokens on its line closes the innermost group,
///   an enclosing group opened on the same line, or stands for the
///   innermost group's closer when that group is not closed later on the
///   line (`[1, 2}`, `{ a = [1, 2} }`).
///
/// The groups of an interpolation are matched as the lexer made them.
fn indent_walk<'src>(tokens: &[(Token<'src>, Span)], text: &str, eof: Span) -> Option<Walk<'src>> {
    let mut stack: Vec<Open> = Vec::new();
    let mut out: Tokens<'src> = Vec::with_capacity(tokens.len() + 8);
    let mut diagnostics = Vec::new();
    let mut groups = Vec::new();
    let mut prev_end = 0u32;
    // The current line's start, whether only closers came before on it,
    // and the line of the group the last of those closers closed.
    let mut line = 0usize;
    let mut only_closers = true;
    let mut closed_line: Option<usize> = None;
    let mut lines: Vec<LineMark> = Vec::new();
    let mut line_indent = 0usize;
    let plain = Plain::new(tokens, text);
    for (i, (tok, span)) in tokens.iter().enumerate() {
        let gap = text
            .get(prev_end as usize..span.start as usize)
            .unwrap_or("");
        let at_line_start = i == 0 || crate::source::has_line_break(gap);
        if at_line_start {
            if let Some(last) = lines.last_mut() {
                last.depth_after = stack.len();
                last.closers_only = only_closers;
            }
            line = crate::source::line_start_before(text, span.start as usize);
            only_closers = true;
            closed_line = None;
            line_indent = indent_at(text, span.start);
            if !is_closer(tok) {
                let indent = line_indent;
                while let Some(top) = stack.last().copied() {
                    if top.close == Token::InterpEnd || top.line == line || indent > top.indent {
                        break;
                    }
                    diagnostics.push(
                        unclosed(top.close, top.open, None)
                            .with_secondary(
                                *span,
                                format!(
                                    "`{}` expected before this line: it is not indented inside the {}",
                                    top.close.text(),
                                    group_noun(top.close)
                                ),
                            )
                            .with_help(format!(
                                "add `{}` on a line of its own just above the marked line",
                                top.close.text()
                            )),
                    );
                    groups.push((top.open.start, prev_end));
                    out.push((top.close, Span::new(span.file, prev_end, prev_end)));
                    stack.pop();
                }
            }
            lines.push(LineMark {
                out_at: out.len(),
                indent: line_indent,
                depth_after: 0,
                closers_only: false,
                line,
            });
        }
        if let Some(close) = closer_of(tok) {
            // Deeper than the plain matching allows: leave it to that.
            if stack.len() >= MAX_DEPTH {
                return None;
            }
            stack.push(Open {
                close,
                open: *span,
                at: i,
                indent: line_indent,
                line,
            });
            only_closers = false;
        } else if is_closer(tok) {
            let target = if *tok == Token::InterpEnd {
                stack
                    .iter()
                    .rposition(|g| g.close == Token::InterpEnd)
                    .map_or(Target::Stray, Target::Close)
            } else if only_closers {
                let column = span.start as usize - line;
                leading_target(&stack, tok, column, closed_line)
            } else {
                inline_target(&stack, tok, i, line, &plain)
            };
            let pos = match target {
                Target::Stray if only_closers && closed_line.is_none() => {
                    let column = span.start as usize - line;
                    match missing_opener(&lines, column, stack.len(), &out) {
                        Some((mark, at)) => {
                            diagnostics.push(missing_opener_diag(tok, *span, at, text));
                            let open = opener_of(tok);
                            out.insert(mark.out_at, (open, Span::new(span.file, at.end, at.end)));
                            for m in lines.iter_mut().filter(|m| m.out_at >= mark.out_at) {
                                m.out_at += 1;
                            }
                            closed_line = Some(mark.line);
                            out.push((*tok, *span));
                        }
                        None => diagnostics.push(stray(tok, *span, None).with_label(
                            "nothing to close here: no open block starts in this column",
                        )),
                    }
                    prev_end = span.end;
                    continue;
                }
                Target::Stray => {
                    let top = stack.last().map(|g| (g.close, g.open));
                    let d = if only_closers && closed_line.is_some() {
                        stray(tok, *span, None)
                            .with_label(format!("one `{}` too many", tok.text()))
                            .with_help(format!(
                                "remove this `{}`: the `{}` before it on this line already closes the block",
                                tok.text(),
                                tok.text()
                            ))
                    } else {
                        stray(tok, *span, top)
                    };
                    diagnostics.push(d);
                    prev_end = span.end;
                    continue;
                }
                Target::Close(pos) => pos,
                Target::Typo(pos) => {
                    let g = stack[pos];
                    diagnostics.push(mismatched_closer(tok, *span, g.close, g.open));
                    pos
                }
            };
            let by_column = only_closers && closed_line.is_none();
            for g in stack.drain(pos + 1..).rev() {
                let mut d = unclosed(g.close, g.open, Some(*span));
                if by_column {
                    d.labels.clear();
                    d = d.with_secondary(
                        *span,
                        format!(
                            "this `{}` is in the column of an enclosing block, so it closes that one",
                            tok.text()
                        ),
                    );
                    d = d.with_help(format!(
                        "add `{}` on a line of its own just above the marked `{}`",
                        g.close.text(),
                        tok.text()
                    ));
                }
                diagnostics.push(d);
                groups.push((g.open.start, span.start));
                out.push((g.close, Span::new(span.file, span.start, span.start)));
            }
            if let Some(g) = stack.pop() {
                closed_line = Some(g.line);
                out.push((g.close, *span));
            }
            prev_end = span.end;
            continue;
        } else {
            only_closers = false;
        }
        out.push((*tok, *span));
        prev_end = span.end;
    }
    let closed_at_end = !stack.is_empty();
    for g in stack.into_iter().rev() {
        diagnostics.push(unclosed(g.close, g.open, None));
        groups.push((g.open.start, eof.end));
        out.push((g.close, Span::new(eof.file, eof.end, eof.end)));
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Some(Walk {
        tokens: out,
        diagnostics,
        groups,
        closed_at_end,
    })
}

/// A line start seen by [`indent_walk`].
#[derive(Clone, Copy)]
struct LineMark {
    /// Index in the repaired stream of the line's first token.
    out_at: usize,
    indent: usize,
    /// Groups open when the line ends (set when the next line starts).
    depth_after: usize,
    /// The line holds only closers (set when the next line starts).
    closers_only: bool,
    /// Offset of the line's start.
    line: usize,
}

/// For a closer that starts its line in `column` with no block open
/// there: the line that opens its block without the opener (the nearest
/// line above at or left of `column`, when it is in that column, ends
/// with the groups open that are open now and not with an opener, holds
/// more than closers, and has indented lines below it), and that line's
/// last token.
fn missing_opener(
    lines: &[LineMark],
    column: usize,
    depth: usize,
    out: &[(Token<'_>, Span)],
) -> Option<(LineMark, Span)> {
    let (_, before) = lines.split_last()?;
    let from = before.len().saturating_sub(LOOKBACK);
    let pos = from + before[from..].iter().rposition(|m| m.indent <= column)?;
    let mark = before[pos];
    let next = before.get(pos + 1)?;
    let (last, at) = out.get(next.out_at.checked_sub(1)?)?;
    let fits = mark.indent == column
        && mark.depth_after == depth
        && !mark.closers_only
        && closer_of(last).is_none()
        && at.end > at.start;
    // The opener goes before the first token of the next line.
    let mark = LineMark {
        out_at: next.out_at,
        ..mark
    };
    fits.then_some((mark, *at))
}

/// The opener that `close` closes.
fn opener_of(close: &Token<'_>) -> Token<'static> {
    match close {
        Token::RParen => Token::LParen,
        Token::RBracket => Token::LBracket,
        _ => Token::LBrace,
    }
}

/// ```txt
/// "egov-user".env
///                ^ `{` missing at the end of this line
///   X = "1"
/// }
/// - this `}` closes it
/// ```
fn missing_opener_diag(tok: &Token<'_>, span: Span, at: Span, text: &str) -> Diagnostic {
    let open = opener_text(match tok {
        Token::RParen => Token::RParen,
        Token::RBracket => Token::RBracket,
        _ => Token::RBrace,
    });
    let line_start = crate::source::line_start_before(text, at.end as usize);
    let shown = text.get(line_start..at.end as usize).unwrap_or("").trim();
    let help = if shown.chars().count() <= 60 {
        format!("add `{open}` at the end of the line: `{shown} {open}`")
    } else {
        format!("add `{open}` at the end of the line")
    };
    Diagnostic::error(
        codes::MISSING_OPENER,
        at,
        format!("`{open}` missing at the end of this line"),
    )
    .with_label(format!("the indented lines below need a `{open}` here"))
    .with_secondary(span, format!("this `{}` closes them", tok.text()))
    .with_help(help)
}

/// What a closer that starts its line (after only closers) closes: after
/// another closer on the line, the group opened on the same line as the
/// one that closer closed; otherwise the block whose opening line is
/// indented to the closer's `column`.
fn leading_target(
    stack: &[Open],
    tok: &Token<'_>,
    column: usize,
    closed_line: Option<usize>,
) -> Target {
    let kind = |pos: usize, g: &Open| {
        if g.close == *tok {
            Target::Close(pos)
        } else {
            Target::Typo(pos)
        }
    };
    if let (Some(prev), Some(top)) = (closed_line, stack.last()) {
        if top.close != Token::InterpEnd && top.line == prev {
            return kind(stack.len() - 1, top);
        }
    }
    for (pos, g) in stack.iter().enumerate().rev() {
        if g.close == Token::InterpEnd || g.indent < column {
            break;
        }
        if g.indent == column {
            return kind(pos, g);
        }
    }
    Target::Stray
}

/// What a closer after other tokens on its line closes: the innermost
/// group, or an enclosing one opened on this line (unless a closer of its
/// kind that the plain matching leaves over follows on the line, so that
/// reading this one as the innermost group's leaves the enclosing one
/// closed later: `{ a = [1, 2} }`), or it was typed for the innermost
/// group when the plain matching does not close that group later on the
/// line (`[1, 2}`).
fn inline_target(
    stack: &[Open],
    tok: &Token<'_>,
    i: usize,
    line: usize,
    plain: &Plain<'_, '_>,
) -> Target {
    let Some(top) = stack.last() else {
        return Target::Stray;
    };
    let last = stack.len() - 1;
    if top.close == *tok {
        return Target::Close(last);
    }
    let typo_possible = top.close != Token::InterpEnd;
    if let Some(pos) = stack.iter().rposition(|g| g.close == *tok) {
        let crosses_interp = stack[pos + 1..].iter().any(|g| g.close == Token::InterpEnd);
        let closed_later = || plain.stray_later_on_line(tok, i);
        if stack[pos].line == line && !crosses_interp && !(typo_possible && closed_later()) {
            return Target::Close(pos);
        }
    }
    if typo_possible && !plain.closed_later_on_line(top.at, i) {
        Target::Typo(last)
    } else {
        Target::Stray
    }
}

/// The plain matching of a stream, for [`inline_target`]'s looks along a
/// line, computed once.
struct Plain<'t, 'src> {
    tokens: &'t [(Token<'src>, Span)],
    text: &'t str,
    /// For each opener, the closer the plain matching gives it.
    closers: Vec<Option<usize>>,
    /// Closers the plain matching gives to no opener, in order.
    unmatched: Vec<usize>,
}

impl<'t, 'src> Plain<'t, 'src> {
    fn new(tokens: &'t [(Token<'src>, Span)], text: &'t str) -> Self {
        let closers = matching_closers(tokens);
        let mut used = vec![false; tokens.len()];
        for c in closers.iter().flatten() {
            if let Some(u) = used.get_mut(*c) {
                *u = true;
            }
        }
        let unmatched = tokens
            .iter()
            .enumerate()
            .filter(|(i, (t, _))| is_closer(t) && !used[*i])
            .map(|(i, _)| i)
            .collect();
        Plain {
            tokens,
            text,
            closers,
            unmatched,
        }
    }

    /// Whether tokens `i` and `j > i` are on one line.
    fn same_line(&self, i: usize, j: usize) -> bool {
        let (Some(a), Some(b)) = (self.tokens.get(i), self.tokens.get(j)) else {
            return false;
        };
        let gap = self
            .text
            .get(a.1.end as usize..b.1.start as usize)
            .unwrap_or("\n");
        !crate::source::has_line_break(gap)
    }

    /// Whether the opener at `open` is closed after token `i` on its line.
    fn closed_later_on_line(&self, open: usize, i: usize) -> bool {
        self.closers
            .get(open)
            .copied()
            .flatten()
            .is_some_and(|c| c > i && self.same_line(i, c))
    }

    /// Whether a closer like `tok` that closes nothing follows token `i`
    /// on its line.
    fn stray_later_on_line(&self, tok: &Token<'_>, i: usize) -> bool {
        let from = self.unmatched.partition_point(|&j| j <= i);
        self.unmatched[from..]
            .iter()
            .take_while(|&&j| self.same_line(i, j))
            .any(|&j| self.tokens.get(j).is_some_and(|t| t.0 == *tok))
    }
}

/// "block" for braces, "list" for brackets, "group" otherwise.
fn group_noun(close: Token<'_>) -> &'static str {
    match close {
        Token::RBrace => "block",
        Token::RBracket => "list",
        _ => "group",
    }
}

/// Indentation (in bytes) of the line holding `offset`.
fn indent_at(text: &str, offset: u32) -> usize {
    let offset = (offset as usize).min(text.len());
    let line_start = crate::source::line_start_before(text, offset);
    text[line_start..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

type Tokens<'src> = Vec<(Token<'src>, Span)>;

/// A copy of `tokens` with stray closers dropped and every group closed.
fn repair<'src>(
    tokens: &[(Token<'src>, Span)],
    text: &str,
    eof: Span,
    end: u32,
) -> (Tokens<'src>, Vec<(u32, u32)>) {
    let unclosed_openers: Vec<bool> = matching_closers(tokens)
        .iter()
        .zip(tokens)
        .map(|(c, (t, _))| c.is_none() && closer_of(t).is_some())
        .collect();

    // (closer, indentation of the opening line, opener never closed, its start)
    let mut stack: Vec<(Token<'static>, usize, bool, u32)> = Vec::new();
    let mut groups = Vec::new();
    let mut out = Vec::with_capacity(tokens.len() + 8);
    let mut prev_end = 0u32;
    let mut line_indent = 0usize;
    for (i, (tok, span)) in tokens.iter().enumerate() {
        let at_line_start =
            i == 0 || crate::source::has_line_break(&text[prev_end as usize..span.start as usize]);
        let closing = is_closer(tok);
        if at_line_start {
            line_indent = indent_at(text, span.start);
        }
        if at_line_start && !closing {
            let indent = line_indent;
            while let Some(&(close, open_indent, true, from)) = stack.last() {
                if indent > open_indent {
                    break;
                }
                groups.push((from, prev_end));
                out.push((close, Span::new(span.file, prev_end, prev_end)));
                stack.pop();
            }
        }
        if let Some(close) = closer_of(tok) {
            stack.push((close, line_indent, unclosed_openers[i], span.start));
        } else if closing {
            match stack.iter().rposition(|(c, _, _, _)| c == tok) {
                Some(pos) => {
                    for (close, _, _, from) in stack.drain(pos + 1..).rev() {
                        groups.push((from, span.start));
                        out.push((close, Span::new(span.file, span.start, span.start)));
                    }
                    stack.pop();
                }
                // Already reported; the grammar never sees it.
                None => {
                    prev_end = span.end;
                    continue;
                }
            }
        }
        out.push((*tok, *span));
        prev_end = span.end;
    }
    for (close, _, _, from) in stack.into_iter().rev() {
        groups.push((from, end));
        out.push((close, Span::new(eof.file, end, end)));
    }
    (out, groups)
}

/// For each opener, the index of the closer that closes it, if any (the
/// same matching as [`check`], without the typo rule); `None` for other
/// tokens.
fn matching_closers(tokens: &[(Token<'_>, Span)]) -> Vec<Option<usize>> {
    // The open openers, and for each kind of closer the positions in
    // `open_at` of the openers it closes: a closer finds its opener in
    // constant time, so a stream of unmatched closers stays linear.
    let mut open_at: Vec<usize> = Vec::new();
    let mut by_kind: [Vec<usize>; 4] = Default::default();
    let kind = |t: &Token<'_>| match t {
        Token::RParen => 0,
        Token::RBracket => 1,
        Token::RBrace => 2,
        _ => 3,
    };
    let mut closed_by = vec![None; tokens.len()];
    for (i, (tok, _)) in tokens.iter().enumerate() {
        if let Some(close) = closer_of(tok) {
            by_kind[kind(&close)].push(open_at.len());
            open_at.push(i);
        } else if is_closer(tok) {
            let Some(&pos) = by_kind[kind(tok)].last() else {
                continue;
            };
            if let Some(slot) = open_at.get(pos).and_then(|&o| closed_by.get_mut(o)) {
                *slot = Some(i);
            }
            open_at.truncate(pos);
            for v in &mut by_kind {
                while v.last().is_some_and(|&p| p >= pos) {
                    v.pop();
                }
            }
        }
    }
    closed_by
}

/// ```txt
/// xs = [1, 2}
///      -    ^ this should be `]`
/// ```
fn mismatched_closer(tok: &Token<'_>, span: Span, close: Token<'_>, open: Span) -> Diagnostic {
    Diagnostic::error(
        codes::UNEXPECTED_CLOSER,
        span,
        format!("`{}` where `{}` was expected", tok.text(), close.text()),
    )
    .with_label(format!("this should be `{}`", close.text()))
    .with_secondary(open, format!("it closes this `{}`", opener_text(close)))
    .with_help(format!("replace `{}` with `{}`", tok.text(), close.text()))
}

/// The opener whose closer is `close`.
fn opener_text(close: Token<'_>) -> &'static str {
    match close {
        Token::RParen => "(",
        Token::RBracket => "[",
        Token::InterpEnd => "${",
        _ => "{",
    }
}

fn unclosed(close: Token<'_>, open: Span, before: Option<Span>) -> Diagnostic {
    let opener = opener_text(close);
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

fn stray(tok: &Token<'_>, span: Span, open: Option<(Token<'static>, Span)>) -> Diagnostic {
    let mut d = Diagnostic::error(
        codes::UNEXPECTED_CLOSER,
        span,
        format!("unexpected `{}`", tok.text()),
    )
    .with_label("nothing to close here");
    match open {
        Some((close, at)) => {
            d = d
                .with_secondary(at, format!("the open group here wants `{}`", close.text()))
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
