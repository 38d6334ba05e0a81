//! Members of a module or record body: declarations, assignments, appends,
//! amends along a path, `let`, `for`, `if`/`else`, `check`, `[*] { }`, and the
//! recovery that turns a broken member into [`MemberKind::Error`].

use super::errors::{custom, PErr};
use super::expr::{cap_run, else_if_run, key_parser, missing_operand};
use super::grammar::{ident, skip_piece, Ctx, Extra};
use super::MAX_CHAIN;
use crate::ast::*;
use crate::codes;
use crate::lexer::Token;
use crate::span::Span;
use chumsky::input::ValueInput;
use chumsky::prelude::*;

enum Tail {
    Decl(Box<Type>, Option<Expr>),
    Assign(Expr),
    Append(Expr),
    Amend(Body),
}

pub(crate) fn member_parser<'t, 'src: 't, I>(
    ctx: Ctx<'t>,
    missing: impl Parser<'t, I, (), Extra<'t, 'src>> + Clone + 't,
    expr: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    expr_na: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    body: impl Parser<'t, I, Body, Extra<'t, 'src>> + Clone + 't,
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    ty: impl Parser<'t, I, Type, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Member, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    // The value after `=`, `+=` or a declaration's `=`; when it is left
    // out, one error at the operator and an error node.
    let value = |op: Token<'static>| {
        just(op)
            .map_with(|_, e| -> Span { e.span() })
            .then(
                missing
                    .clone()
                    .to(None)
                    .or(expr.clone().map(Some))
                    .map_with(|x, e| (x, e.span())),
            )
            .validate(move |(at, (x, here)), _, emitter| {
                x.unwrap_or_else(|| {
                    emitter.emit(missing_operand(at, op.text()));
                    Expr::new(ExprKind::Error, here)
                })
            })
    };
    let path = member_path(string);
    let tail = choice((
        just(Token::Colon)
            .ignore_then(ty)
            .then(value(Token::Eq).or_not())
            .map(|(t, d)| Tail::Decl(Box::new(t), d)),
        value(Token::Eq).map(Tail::Assign),
        value(Token::PlusEq).map(Tail::Append),
        body.clone().map(Tail::Amend),
    ))
    .labelled("`=`, `+=`, `:` or `{` after the field name");
    let field = path
        .then(tail)
        .validate(|(path, tail), _, emitter| {
            report_dashed(&path, &tail, emitter);
            (path.into_iter().map(|(k, _)| k).collect::<Vec<_>>(), tail)
        })
        .validate(|(mut path, tail), e, emitter| match tail {
            Tail::Decl(ty, default) => {
                if path.len() > 1 {
                    emitter.emit(custom(
                        e.span(),
                        codes::PATH_IN_DECLARATION,
                        "a field declaration takes a single name, not a path",
                        "declares along a path",
                        "declare the field inside its record, or use `=` to set it",
                    ));
                }
                let name = path.swap_remove(0);
                MemberKind::Decl {
                    name,
                    ty: *ty,
                    default: default.map(Box::new),
                }
            }
            Tail::Assign(value) => MemberKind::Assign { path, value },
            Tail::Append(value) => MemberKind::Append { path, value },
            Tail::Amend(body) => MemberKind::Amend { path, body },
        });

    let let_ = just(Token::Let)
        .ignore_then(ident().labelled("a name after `let`"))
        .then(value(Token::Eq).labelled("`=` after the name"))
        .map(|(name, value)| MemberKind::Let { name, value });

    let vars = ident()
        .then(just(Token::Comma).ignore_then(ident()).or_not())
        .map(|(a, b)| match b {
            Some(v) => (Some(a), v),
            None => (None, a),
        });
    let for_ = just(Token::For)
        .ignore_then(vars.labelled("a loop variable"))
        .then_ignore(just(Token::In).labelled("`in`"))
        .then(expr_na.clone())
        .then(body.clone().labelled("`{` and the members to repeat"))
        .map(|(((key_var, value_var), iter), body)| MemberKind::For {
            key_var,
            value_var,
            iter: Box::new(iter),
            body: Box::new(body),
        });

    // `if c { } else if c { } ... [else { }]` is read as a flat run, not by
    // recursion, so a long `else if` chain neither overflows the stack nor
    // builds a tree deeper than later stages walk: past `MAX_CHAIN` clauses
    // it is cut and reported. Each `else if` becomes an `else` body holding
    // one `If` member that spans from its `if` to the end of the chain.
    let clause = just(Token::If)
        .map_with(|_, e| -> Span { e.span() })
        .then(expr_na)
        .then(body.clone().labelled("`{` and the conditional members"));
    let if_ = else_if_run(clause, body.clone()).validate(|(mut more, last), _, emitter| {
        cap_run(
            &mut more,
            |((at, _), _): &((Span, Expr), Body)| *at,
            &format!("`if` chain too long (more than {MAX_CHAIN} `else if`s in a row)"),
            "split the conditions into separate `if` blocks",
            emitter,
        );
        let clauses = more
            .into_iter()
            .map(|((at, cond), then_body)| (at, cond, then_body))
            .collect();
        if_member_chain(clauses, last).unwrap_or(MemberKind::Error)
    });

    let check = just(Token::Check)
        .ignore_then(expr.clone())
        .then_ignore(just(Token::Colon).labelled("`:` and a message after the condition"))
        .then(expr)
        .map(|(cond, message)| MemberKind::Check {
            cond: Box::new(cond),
            message: Box::new(message),
        });

    // `[*] { members }`: every entry of a map.
    let every = just(Token::LBracket)
        .ignore_then(just(Token::Star).labelled("`*` in `[*]`"))
        .ignore_then(just(Token::RBracket).labelled("`]` in `[*]`"))
        .ignore_then(body.clone().labelled("`{` and the members for every entry"))
        .map(|body| MemberKind::Every { body });

    choice((let_, for_, if_, check, every, field))
        .map_with(move |kind, e| {
            let span: Span = e.span();
            Member {
                doc: ctx.doc_at(span.start).map(Box::new),
                kind,
                span,
            }
        })
        .labelled("a member")
        .recover_with(via_parser(
            skip_piece(ctx, |t| {
                matches!(
                    t,
                    Token::RBrace | Token::Semi | Token::Comma | Token::InterpEnd
                )
            })
            .map(|span| Member {
                doc: None,
                kind: MemberKind::Error,
                span,
            }),
        ))
}

/// Folds a flat `if c { } else if c { } ...` run (each clause with the
/// span of its `if`) and the final `else` body into one `If` member: each
/// `else if` becomes an `else` body holding one `If` member that spans
/// from its `if` to the end of the chain (both parsers build it with this).
/// `None` for an empty run.
pub(crate) fn if_member_chain(
    mut clauses: Vec<(Span, Expr, Body)>,
    last: Option<Body>,
) -> Option<MemberKind> {
    let end = match (&last, clauses.last()) {
        (Some(b), _) => b.span,
        (None, Some((_, _, then_body))) => then_body.span,
        (None, None) => return None,
    };
    let mut last = last;
    let mut inner: Option<(Span, MemberKind)> = None;
    while let Some((at, cond, then_body)) = clauses.pop() {
        let else_body = match inner.take() {
            Some((inner_at, kind)) => {
                let span = inner_at.to(end);
                Some(Body {
                    members: vec![Member {
                        doc: None,
                        kind,
                        span,
                    }],
                    span,
                })
            }
            None => last.take(),
        };
        inner = Some((
            at,
            MemberKind::If {
                cond: Box::new(cond),
                then_body,
                else_body,
            },
        ));
    }
    inner.map(|(_, kind)| kind)
}

/// A member's path: keys separated by `.`, each with the span of a bare
/// name written with `-` in it (`egov-user`), which is read as the quoted
/// key it was meant to be and reported by [`report_dashed`].
pub(crate) fn member_path<'t, 'src: 't, I>(
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Vec<(Key, Option<Span>)>, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    dashed_name()
        .map(|(name, span)| (Key::Quoted(Ident { name, span }), Some(span)))
        .or(key_parser(string).map(|k| (k, None)))
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect::<Vec<_>>()
}

/// `egov-user`, `pg-v2`, `report-1`: a name and `-`-joined words with no
/// space between them, as DIGIT names its services; its text and span.
fn dashed_name<'t, 'src: 't, I>(
) -> impl Parser<'t, I, (compact_str::CompactString, Span), Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let word = select! {
        Token::Ident(name) => compact_str::CompactString::from(name),
        Token::Int(n) => compact_str::format_compact!("{n}"),
    }
    .map_with(|w, e| -> (compact_str::CompactString, Span) { (w, e.span()) });
    let dash = just(Token::Minus).map_with(|_, e| -> Span { e.span() });
    let first = select! { Token::Ident(name) => compact_str::CompactString::from(name) }
        .map_with(|w, e| -> (compact_str::CompactString, Span) { (w, e.span()) });
    first
        .then(
            dash.then(word)
                .repeated()
                .at_least(1)
                .collect::<Vec<(Span, (compact_str::CompactString, Span))>>(),
        )
        .try_map(|((first, first_span), rest), span: Span| {
            let mut name = first;
            let mut end = first_span.end;
            // Written without spaces, and each number as it reads
            // (`pg-01` is not `pg-1`).
            let mut ok = true;
            for (dash, (w, at)) in rest {
                ok &= dash.start == end && at.start == dash.end && at.len() as usize == w.len();
                name.push('-');
                name.push_str(&w);
                end = at.end;
            }
            if ok {
                Ok((name, span))
            } else {
                Err(PErr::custom(span, ""))
            }
        })
}

/// One error per bare name with `-` in a member's path, whose help shows
/// the member start corrected: `services."egov-user".replicas = ...`.
fn report_dashed<'t, 'src>(
    path: &[(Key, Option<Span>)],
    tail: &Tail,
    emitter: &mut chumsky::input::Emitter<PErr<'t, 'src>>,
) {
    let shown: Option<Vec<String>> = path
        .iter()
        .map(|(k, _)| match k {
            Key::Name(i) => Some(i.name.to_string()),
            Key::Quoted(i) => Some(crate::dump::quote(&i.name)),
            Key::Computed(_) => None,
        })
        .collect();
    let rest = match tail {
        Tail::Decl(..) => ": ...",
        Tail::Assign(_) => " = ...",
        Tail::Append(_) => " += ...",
        Tail::Amend(_) => " { ... }",
    };
    for (key, dashed) in path {
        let (Some(at), Key::Quoted(name)) = (dashed, key) else {
            continue;
        };
        let quoted = crate::dump::quote(&name.name);
        let fixed = match &shown {
            Some(parts) => format!("{}{rest}", parts.join(".")),
            None => quoted.clone(),
        };
        emitter.emit(custom(
            *at,
            codes::UNEXPECTED_TOKEN,
            &format!("`{}` is not a name: a bare name cannot hold `-`", name.name),
            "`-` here reads as a minus",
            &format!("quote a name with `-` in it: `{fixed}`"),
        ));
    }
}
