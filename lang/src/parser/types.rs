//! Types: `Int`, `k8s.Probe`, `Int(1..65535)`, `[T]`, `{K: V}`, `T?`,
//! `"a" | "b"`, `A | B`.

use super::errors::custom;
use super::expr::cap_run;
use super::grammar::{ident, Extra};
use super::MAX_CHAIN;
use crate::ast::*;
use crate::codes;
use crate::lexer::Token;
use crate::span::Span;
use chumsky::input::ValueInput;
use chumsky::prelude::*;

pub(crate) fn type_parser<'t, 'src: 't, I>(
    expr: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Type, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    recursive(move |ty| {
        let range = expr
            .clone()
            .or_not()
            .then_ignore(
                just(Token::DotDot)
                    .then(just(Token::Dot).or_not())
                    .map(|(_, extra)| extra.is_some())
                    .or(just(Token::Comma).to(true))
                    .labelled("`..` between the bounds")
                    .validate(|wrong, e, emitter| {
                        if wrong {
                            emitter.emit(custom(
                                e.span(),
                                codes::UNEXPECTED_TOKEN,
                                "a range is written with two dots",
                                "write `..` here",
                                "ranges read `Int(1..10)`, `Int(1..)` or `Int(..10)`",
                            ));
                        }
                    }),
            )
            .then(expr.clone().or_not())
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map_with(|(lo, hi), e| TypeRange {
                lo,
                hi,
                span: e.span(),
            });
        let named = ident()
            .separated_by(just(Token::Dot))
            .at_least(1)
            .collect::<Vec<_>>()
            .then(range.or_not())
            .map(|(name, range)| TypeKind::Named {
                name,
                range: range.map(Box::new),
            });
        let list = ty
            .clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(|t| TypeKind::List(Box::new(t)));
        let map = ty
            .clone()
            .then_ignore(just(Token::Colon).labelled("`:` between key and value types"))
            .then(ty.clone())
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map(|(k, v)| TypeKind::Map(Box::new(k), Box::new(v)));
        // A literal type names one fixed string, known without evaluation.
        let literal = string.clone().validate(|s, e, emitter| match &s.kind {
            ExprKind::Str(lit) => lit.as_plain().map_or_else(
                || {
                    emitter.emit(custom(
                        e.span(),
                        codes::UNEXPECTED_TOKEN,
                        "a string literal type cannot use interpolation",
                        "interpolation in a type",
                        "write the text itself, such as `\"cluster\" | \"namespace\"`, or use `String`",
                    ));
                    TypeKind::Error
                },
                |text| TypeKind::Literal(text.into()),
            ),
            _ => TypeKind::Error,
        });
        let primary = choice((named, list, map, literal))
            .map_with(|kind, e| Type {
                kind,
                span: e.span(),
            })
            .labelled("a type");
        // A run of `?` is capped like an operator run: each one nests the type.
        let optional = primary
            .then(
                just(Token::Question)
                    .map_with(|_, e| -> Span { e.span() })
                    .repeated()
                    .collect::<Vec<_>>(),
            )
            .validate(|(t, mut marks), _, emitter| {
                cap_run(
                    &mut marks,
                    |s: &Span| *s,
                    &format!("type too long (more than {MAX_CHAIN} `?` in a row)"),
                    "one `?` makes a type optional: `T?`",
                    emitter,
                );
                marks.into_iter().fold(t, |t, mark| Type {
                    span: t.span.to(mark),
                    kind: TypeKind::Optional(Box::new(t)),
                })
            });
        optional
            .separated_by(just(Token::Pipe))
            .at_least(1)
            .collect::<Vec<_>>()
            .map_with(|mut alts, e| {
                if alts.len() == 1 {
                    alts.pop().unwrap_or(Type {
                        kind: TypeKind::Error,
                        span: e.span(),
                    })
                } else {
                    Type {
                        kind: TypeKind::Union(alts),
                        span: e.span(),
                    }
                }
            })
    })
}
