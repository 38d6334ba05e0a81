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
use chumsky::error::{Rich, RichPattern, RichReason};

const SEP: char = '\u{1f}';

/// A custom grammar error with its code, message, label and help.
pub(crate) fn custom<'t, 'src>(
    span: Span,
    code: &'static str,
    message: &str,
    label: &str,
    help: &str,
) -> Rich<'t, Token<'src>, Span> {
    Rich::custom(span, format!("{code}{SEP}{message}{SEP}{label}{SEP}{help}"))
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
        Token::Quantity(n, s) => format!("quantity `{n}{s}`"),
        Token::BadLit => "number".into(),
        Token::StrStart | Token::MlStrStart => "string".into(),
        Token::Ident(name) => format!("name `{name}`"),
        t => t.describe(),
    }
}

/// Tokens that would only continue the expression before them: listing
/// them ("expected `.`, `[`, `{`") hides what the author left out.
fn continues_expression(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::Dot
            | Token::LBracket
            | Token::LBrace
            | Token::LParen
            | Token::Plus
            | Token::Minus
            | Token::Star
            | Token::Slash
            | Token::Percent
            | Token::EqEq
            | Token::Ne
            | Token::Lt
            | Token::Le
            | Token::Gt
            | Token::Ge
            | Token::AndAnd
            | Token::OrOr
            | Token::QQ
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
