//! Turning chumsky's errors into [`Diagnostic`]s a tired operator can read.
//!
//! Grammar rules that detect a mistake themselves (`a.b: Int`, `amends`
//! after members) emit a custom error carrying a stable code, a message, a
//! label and a help text ([`custom`]); everything else is an "expected ...,
//! found ..." error turned into "unexpected X" with at most a few expected
//! items.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::Token;
use crate::span::Span;
use chumsky::error::{Error, LabelError, Rich, RichPattern, RichReason};
use chumsky::input::Input;
use chumsky::util::MaybeRef;
use std::cell::Cell;

const SEP: char = '\u{1f}';

thread_local! {
    /// Set during the fast pass of [`fast_pass`]: errors carry nothing.
    static FAST: Cell<bool> = const { Cell::new(false) };
}

/// The grammar's error: chumsky's [`Rich`] error, or nothing at all during
/// the fast pass. Most failures are alternatives that did not match (an
/// operator that is not there after an operand) and are thrown away, but
/// building and merging their expected-sets was most of the parse time.
#[derive(Clone, Debug)]
pub(crate) struct PErr<'t, 'src>(pub Option<Rich<'t, Token<'src>, Span>>);

/// Runs `f` with errors that carry nothing. Control flow of the grammar
/// does not depend on what an error holds, so the tree and whether any
/// error was produced are the same as with rich errors.
pub(crate) fn fast_pass<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            FAST.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(FAST.with(|c| c.replace(true)));
    f()
}

impl<'t, 'src, I> Error<'t, I> for PErr<'t, 'src>
where
    I: Input<'t, Token = Token<'src>, Span = Span>,
{
    #[inline]
    fn merge(self, other: Self) -> Self {
        match (self.0, other.0) {
            (Some(a), Some(b)) => PErr(Some(<Rich<_, _> as Error<'t, I>>::merge(a, b))),
            (a, b) => PErr(a.or(b)),
        }
    }
}

impl<'t, 'src, I, L> LabelError<'t, I, L> for PErr<'t, 'src>
where
    I: Input<'t, Token = Token<'src>, Span = Span>,
    Rich<'t, Token<'src>, Span>: LabelError<'t, I, L>,
{
    #[inline]
    fn expected_found<E: IntoIterator<Item = L>>(
        expected: E,
        found: Option<MaybeRef<'t, Token<'src>>>,
        span: Span,
    ) -> Self {
        if FAST.with(Cell::get) {
            return PErr(None);
        }
        PErr(Some(<Rich<_, _> as LabelError<'t, I, L>>::expected_found(
            expected, found, span,
        )))
    }

    #[inline]
    fn merge_expected_found<E: IntoIterator<Item = L>>(
        self,
        expected: E,
        found: Option<MaybeRef<'t, Token<'src>>>,
        span: Span,
    ) -> Self {
        match self.0 {
            Some(r) => PErr(Some(
                <Rich<_, _> as LabelError<'t, I, L>>::merge_expected_found(
                    r, expected, found, span,
                ),
            )),
            None => <Self as LabelError<'t, I, L>>::expected_found(expected, found, span),
        }
    }

    #[inline]
    fn replace_expected_found<E: IntoIterator<Item = L>>(
        self,
        expected: E,
        found: Option<MaybeRef<'t, Token<'src>>>,
        span: Span,
    ) -> Self {
        match self.0 {
            Some(r) => PErr(Some(
                <Rich<_, _> as LabelError<'t, I, L>>::replace_expected_found(
                    r, expected, found, span,
                ),
            )),
            None => <Self as LabelError<'t, I, L>>::expected_found(expected, found, span),
        }
    }

    #[inline]
    fn label_with(&mut self, label: L) {
        if let Some(r) = &mut self.0 {
            <Rich<_, _> as LabelError<'t, I, L>>::label_with(r, label);
        }
    }

    #[inline]
    fn in_context(&mut self, label: L, span: Span) {
        if let Some(r) = &mut self.0 {
            <Rich<_, _> as LabelError<'t, I, L>>::in_context(r, label, span);
        }
    }
}

impl<'t, 'src> PErr<'t, 'src> {
    /// A custom error (a span and a message), empty during the fast pass.
    pub(crate) fn custom(span: Span, msg: impl ToString) -> Self {
        if FAST.with(Cell::get) {
            return PErr(None);
        }
        PErr(Some(Rich::custom(span, msg)))
    }
}

/// A custom grammar error with its code, message, label and help.
pub(crate) fn custom<'t, 'src>(
    span: Span,
    code: &'static str,
    message: &str,
    label: &str,
    help: &str,
) -> PErr<'t, 'src> {
    if FAST.with(Cell::get) {
        return PErr(None);
    }
    PErr::custom(span, format!("{code}{SEP}{message}{SEP}{label}{SEP}{help}"))
}

fn code_of(s: &str) -> &'static str {
    crate::codes::REGISTRY
        .iter()
        .find(|c| c.code == s)
        .map_or(codes::UNEXPECTED_TOKEN, |c| c.code)
}

pub(crate) fn to_diagnostic(e: &Rich<'_, Token<'_>, Span>) -> Diagnostic {
    let span = *e.span();
    match e.reason() {
        RichReason::Custom(msg) => {
            let mut parts = msg.split(SEP);
            let code = code_of(parts.next().unwrap_or_default());
            let message = parts.next().unwrap_or("syntax error");
            let mut d = Diagnostic::error(code, span, message);
            if let Some(label) = parts.next().filter(|l| !l.is_empty()) {
                d = d.with_label(label);
            }
            if let Some(help) = parts.next().filter(|h| !h.is_empty()) {
                d = d.with_help(help);
            }
            d
        }
        RichReason::ExpectedFound { expected, found } => {
            let expected = describe_expected(expected);
            let message = match found {
                Some(t) => format!("unexpected {}", found_noun(t)),
                None => "unexpected end of file".to_string(),
            };
            let mut d = Diagnostic::error(codes::UNEXPECTED_TOKEN, span, message);
            if let Some(exp) = &expected {
                d = d.with_label(format!("expected {exp}"));
            }
            for (label, at) in e.contexts() {
                if let chumsky::error::RichPattern::Label(l) = label {
                    d = d.with_secondary(*at, format!("while reading this {l}"));
                }
            }
            if let Some(h) = help_for(found.as_deref(), expected.as_deref()) {
                d = d.with_help(h);
            }
            d
        }
    }
}

/// What was found, as the object of "unexpected": "number `3`", "`=`".
fn found_noun(t: &Token<'_>) -> String {
    match t {
        Token::Int(n) => format!("number `{n}`"),
        Token::Float(f) => format!("number `{f}`"),
        Token::Quantity(text, _) => format!("quantity `{text}`"),
        Token::BadLit => "number".into(),
        Token::StrStart | Token::MlStrStart => "string".into(),
        Token::Ident(name) => format!("name `{name}`"),
        t => t.describe(),
    }
}

/// Tokens that would only continue the expression before them: listing
/// them ("expected `.`, `[`, `{`") hides what the author left out.
fn continues_expression(t: &Token<'_>) -> bool {
    t.is_binary_operator()
        || matches!(
            t,
            Token::Dot
                | Token::LBracket
                | Token::LBrace
                | Token::LParen
                | Token::Question
                | Token::Pipe
        )
}

fn describe_expected(expected: &[RichPattern<'_, Token<'_>>]) -> Option<String> {
    let operator = RichPattern::Label(std::borrow::Cow::Borrowed("an operator"));
    // What the grammar's labels say comes first; tokens that would merely
    // continue an expression go last, and only when nothing else is left.
    let mut ordered: Vec<&RichPattern<'_, Token<'_>>> = expected
        .iter()
        .filter(|p| matches!(p, RichPattern::Label(_)))
        .collect();
    let is_continuation = |p: &RichPattern<'_, Token<'_>>| match p {
        RichPattern::Token(t) => continues_expression(t),
        _ => false,
    };
    let rest = expected
        .iter()
        .filter(|p| !matches!(p, RichPattern::Label(_)) && !is_continuation(p));
    ordered.extend(rest);
    if ordered.is_empty() {
        ordered.extend(expected.iter().filter(|p| is_continuation(p)));
    } else if !ordered.iter().any(|p| matches!(p, RichPattern::Label(_)))
        && expected.iter().any(is_continuation)
    {
        ordered.push(&operator);
    }
    let mut items: Vec<String> = Vec::new();
    for p in ordered {
        let s = match p {
            RichPattern::Token(t) => t.describe(),
            RichPattern::Label(l) => l.to_string(),
            RichPattern::Identifier(i) => format!("`{i}`"),
            RichPattern::EndOfInput => "the end of the file".to_string(),
            _ => continue,
        };
        if !items.contains(&s) {
            items.push(s);
        }
    }
    if items.is_empty() {
        return None;
    }
    if items.len() > 4 {
        items.truncate(3);
        items.push("something else".to_string());
    }
    Some(match items.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => return None,
    })
}

/// Tokens that begin a literal value.
fn starts_value(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::Int(_)
            | Token::Float(_)
            | Token::Quantity(..)
            | Token::BadLit
            | Token::StrStart
            | Token::MlStrStart
            | Token::True
            | Token::False
            | Token::None
    )
}

fn help_for(found: Option<&Token<'_>>, expected: Option<&str>) -> Option<String> {
    let expected = expected.unwrap_or_default();
    match found {
        Some(Token::Colon) if expected.contains("`=`") => {
            Some("a field declaration is `name: Type` or `name: Type = default`".into())
        }
        Some(Token::Eq) if expected.contains("expression") => {
            Some("there is one `=` too many here".into())
        }
        Some(Token::Ident(_)) if expected.contains("`=`") => {
            Some("write `name = value` to set a field, or `name: Type` to declare one".into())
        }
        Some(Token::EqEq) if expected.contains("`=`") => {
            Some("`==` compares; a field is set with a single `=`".into())
        }
        Some(Token::Else) => Some("`else` must follow the closing `}` of an `if` block".into()),
        Some(t) if starts_value(t) && expected.contains("after the field name") => {
            Some("put `=` between the field name and its value".into())
        }
        Some(t) if starts_value(t) && expected == "a type" => {
            Some("`name: Type` declares a field; to set a value write `name = value`".into())
        }
        Some(t) if starts_value(t) && expected.starts_with("`,`") => {
            Some("separate the items with `,`".into())
        }
        None => Some("something is missing before the end of the file".into()),
        _ => None,
    }
}
