//! Expressions, by precedence from low to high: `if c then a else b`,
//! `??` (right associative), `||`, `&&`, comparisons (not associative),
//! `+ -`, `* / %`, unary `! -`, postfix (`.name`, `[index]`, `{ members }`),
//! atoms.
//!
//! The grammar is built twice: with postfix `{ members }` (amend) and
//! without, for the expression in `for x in EXPR {` and `if EXPR {` whose
//! `{` starts the member's body (Rust's rule for struct literals in
//! conditions).

use super::errors::{custom, PErr};
use super::grammar::{ident, Extra};
use super::MAX_CHAIN;
use crate::ast::*;
use crate::codes;
use crate::lexer::Token;
use crate::span::Span;
use chumsky::input::{Emitter, ValueInput};
use chumsky::prelude::*;

enum Post {
    Field(Key),
    Index(Expr),
    Amend(Body),
}

/// A key after `.` or in a member path: a name, `"quoted"` or `"${computed}"`.
pub(crate) fn key_parser<'t, 'src: 't, I>(
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Key, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    // A declaration keyword where a name belongs (`type = "Opaque"`,
    // `res.type`) is the name: keywords are contextual. `schema {` is a
    // schema without a name, not a field called `schema`.
    let contextual = any()
        .filter(|t: &Token<'src>| t.is_contextual() && *t != Token::Schema)
        .or(just(Token::Schema).then_ignore(just(Token::LBrace).not().rewind()))
        .map_with(|t: Token<'src>, e| Ident {
            name: t.text().into(),
            span: e.span(),
        });
    // Another keyword (`if`, `true`, ...): one error saying how to quote
    // it, and the key is read as if quoted. Not `else`: after an `if` body
    // it starts the else branch.
    let keyword = any()
        .filter(|t: &Token<'src>| t.is_keyword() && !t.is_contextual() && *t != Token::Else)
        .map(|t: Token<'src>| t.text())
        .then_ignore(just(Token::LBrace).not().rewind())
        .validate(|kw: &str, e, emitter| {
            emitter.emit(custom(
                e.span(),
                codes::UNEXPECTED_TOKEN,
                &format!("`{kw}` is a keyword, not a field name"),
                "a keyword",
                &format!("quote it to use it as a name: `\"{kw}\"`"),
            ));
            Key::Quoted(Ident {
                name: kw.into(),
                span: e.span(),
            })
        });
    ident()
        .or(contextual)
        .map(Key::Name)
        .or(keyword)
        .or(string.map(|s| {
            let plain = match &s.kind {
                ExprKind::Str(lit) => lit.as_plain(),
                _ => None,
            };
            match plain {
                Some(name) => Key::Quoted(Ident { name, span: s.span }),
                None => Key::Computed(Box::new(s)),
            }
        }))
        .labelled("a field name")
}

/// `lhs op rhs`, spanning both (both parsers build binary nodes with it).
pub(crate) fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

/// Keeps the first [`MAX_CHAIN`] links of a run, reporting the rest once
/// at `span_of` the first dropped link: a longer run would make a tree
/// deeper than the later stages can walk.
fn cap<'t, 'src, T>(
    links: &mut Vec<T>,
    span_of: impl Fn(&T) -> Span,
    emitter: &mut Emitter<PErr<'t, 'src>>,
) {
    cap_run(
        links,
        span_of,
        &format!("expression too long (more than {MAX_CHAIN} operators in a row)"),
        "split the value into named parts with `let`",
        emitter,
    );
}

/// [`cap`] for any run: `message` says what ran too long.
pub(crate) fn cap_run<'t, 'src, T>(
    links: &mut Vec<T>,
    span_of: impl Fn(&T) -> Span,
    message: &str,
    help: &str,
    emitter: &mut Emitter<PErr<'t, 'src>>,
) {
    if let Some(first_dropped) = links.get(MAX_CHAIN) {
        emitter.emit(custom(
            span_of(first_dropped),
            codes::NESTING_TOO_DEEP,
            message,
            "cut here",
            help,
        ));
        links.truncate(MAX_CHAIN);
    }
}

/// "`+` has nothing on its right", at the operator.
pub(crate) fn missing_operand<'t, 'src>(at: Span, op: &str) -> PErr<'t, 'src> {
    let help = match op {
        "=" | "+=" => "write the value after it, starting on the same line",
        _ => "finish the expression on this line, or remove the operator",
    };
    custom(
        at,
        codes::UNEXPECTED_TOKEN,
        &format!("missing value after `{op}`"),
        "nothing follows this",
        help,
    )
}

/// One left-associative binary level.
fn left_level<'t, 'src: 't, I>(
    operand: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    op: impl Parser<'t, I, BinaryOp, Extra<'t, 'src>> + Clone + 't,
    missing: impl Parser<'t, I, (), Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let rhs = missing
        .to(None)
        .or(operand.clone().map(Some))
        .map_with(|x, e| (x, e.span()));
    operand
        .clone()
        .then(
            op.map_with(|op, e| (op, e.span()))
                .then(rhs)
                .validate(|((op, at), (rhs, here)), _, emitter| {
                    let rhs = rhs.unwrap_or_else(|| {
                        emitter.emit(missing_operand(at, op.as_str()));
                        Expr::new(ExprKind::Error, here)
                    });
                    (op, rhs)
                })
                .repeated()
                .collect::<Vec<_>>(),
        )
        .validate(|(first, mut rest), _, emitter| {
            cap(&mut rest, |(_, rhs): &(BinaryOp, Expr)| rhs.span, emitter);
            rest.into_iter()
                .fold(first, |lhs, (op, rhs)| bin(op, lhs, rhs))
        })
}

/// A quantity literal from a [`Token::Quantity`]'s fields.
pub(crate) fn quantity(text: &str, suffix_at: u32) -> ExprKind {
    let (number, suffix) = Token::quantity_parts(text, suffix_at);
    ExprKind::Quantity {
        number: number.into(),
        suffix: suffix.into(),
    }
}

/// The atoms: literals, names, calls, lists, comprehensions, records,
/// strings and parentheses.
fn atom_parser<'t, 'src: 't, I>(
    expr: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    body: impl Parser<'t, I, Body, Extra<'t, 'src>> + Clone + 't,
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let literal = select! {
        Token::None => ExprKind::None,
        Token::True => ExprKind::Bool(true),
        Token::False => ExprKind::Bool(false),
        Token::Int(n) => ExprKind::Int(n),
        Token::Float(f) => ExprKind::Float(f),
        Token::Quantity(text, at) => quantity(text, at),
        Token::BadLit => ExprKind::Error,
    }
    .map_with(|k, e| Expr::new(k, e.span()));

    let args = expr
        .clone()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let name_or_call = ident()
        .then(args.or_not())
        .map_with(|(name, args), e| match args {
            Some(args) => Expr::new(ExprKind::Call { func: name, args }, e.span()),
            None => {
                let span = name.span;
                Expr::new(ExprKind::Name(name), span)
            }
        });

    let vars = ident()
        .then(just(Token::Comma).ignore_then(ident()).or_not())
        .map(|(a, b)| match b {
            Some(v) => (Some(a), v),
            None => (None, a),
        });
    let for_clause = just(Token::For)
        .ignore_then(vars)
        .then_ignore(just(Token::In).labelled("`in`"))
        .then(expr.clone())
        .map(|((key_var, value_var), iter)| CompClause::For {
            key_var,
            value_var,
            iter,
        });
    let if_clause = just(Token::If)
        .ignore_then(expr.clone())
        .map(CompClause::If);
    let comprehension = for_clause
        .clone()
        .then(for_clause.or(if_clause).repeated().collect::<Vec<_>>())
        .then_ignore(just(Token::Colon).labelled("`:` before the element"))
        .then(expr.clone())
        .map(|((first, mut rest), body)| {
            rest.insert(0, first);
            ExprKind::ListComp {
                clauses: rest,
                body: Box::new(body),
            }
        });
    let items = expr
        .clone()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .map(ExprKind::List);
    let list = comprehension
        .or(items)
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map_with(|k, e| Expr::new(k, e.span()))
        .recover_with(via_parser(nested_delimiters(
            Token::LBracket,
            Token::RBracket,
            [
                (Token::LBrace, Token::RBrace),
                (Token::LParen, Token::RParen),
                (Token::InterpStart, Token::InterpEnd),
            ],
            |span| Expr::new(ExprKind::Error, span),
        )));
    let paren = expr
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map_with(|x, e| Expr::new(ExprKind::Paren(Box::new(x)), e.span()))
        .recover_with(via_parser(nested_delimiters(
            Token::LParen,
            Token::RParen,
            [
                (Token::LBrace, Token::RBrace),
                (Token::LBracket, Token::RBracket),
                (Token::InterpStart, Token::InterpEnd),
            ],
            |span| Expr::new(ExprKind::Error, span),
        )));
    let record = body.map(|b| {
        let span = b.span;
        Expr::new(ExprKind::Record(b), span)
    });
    choice((literal, string, name_or_call, list, paren, record))
}

/// One precedence ladder; `this` is the ladder itself (for unary operands
/// and `if` branches), `expr` the full grammar (inside brackets).
pub(crate) fn expr_parser<'t, 'src: 't, I>(
    expr: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    this: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    body: impl Parser<'t, I, Body, Extra<'t, 'src>> + Clone + 't,
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
    missing: impl Parser<'t, I, (), Extra<'t, 'src>> + Clone + 't,
    allow_amend: bool,
) -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let atom = atom_parser(expr.clone(), body.clone(), string.clone()).boxed();
    let field = just(Token::Dot)
        .ignore_then(super::expr::key_parser(string))
        .map(Post::Field);
    let index = expr
        .clone()
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map(Post::Index);
    let post = if allow_amend {
        choice((field, index, body.map(Post::Amend))).boxed()
    } else {
        field.or(index).boxed()
    };
    let postfix = atom
        .then(
            post.map_with(|p, e| (p, e.span()))
                .repeated()
                .collect::<Vec<_>>(),
        )
        .validate(|(atom, mut posts), _, emitter| {
            cap(&mut posts, |(_, span): &(Post, Span)| *span, emitter);
            posts.into_iter().fold(atom, |lhs, (post, span)| {
                let span = lhs.span.to(span);
                let kind = match post {
                    Post::Field(name) => ExprKind::Field {
                        target: Box::new(lhs),
                        name,
                    },
                    Post::Index(i) => ExprKind::Index {
                        target: Box::new(lhs),
                        index: Box::new(i),
                    },
                    Post::Amend(body) => ExprKind::Amend {
                        base: Box::new(lhs),
                        body,
                    },
                };
                Expr::new(kind, span)
            })
        })
        .boxed();
    let unary_op = select! {
        Token::Bang => UnaryOp::Not,
        Token::Minus => UnaryOp::Neg,
    }
    .map_with(|op, e| (op, e.span()));
    let unary = unary_op
        .repeated()
        .collect::<Vec<_>>()
        .then(postfix)
        .validate(|(mut ops, operand), _, emitter| {
            cap(&mut ops, |(_, span): &(UnaryOp, Span)| *span, emitter);
            ops.into_iter().rev().fold(operand, |operand, (op, span)| {
                let span = span.to(operand.span);
                Expr::new(
                    ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                    span,
                )
            })
        });
    let product = left_level(
        unary,
        select! {
            Token::Star => BinaryOp::Mul,
            Token::Slash => BinaryOp::Div,
            Token::Percent => BinaryOp::Rem,
        },
        missing.clone(),
    );
    let sum = left_level(
        product,
        select! {
            Token::Plus => BinaryOp::Add,
            Token::Minus => BinaryOp::Sub,
        },
        missing.clone(),
    )
    .boxed();
    let cmp_op = select! {
        Token::EqEq => BinaryOp::Eq,
        Token::Ne => BinaryOp::Ne,
        Token::Lt => BinaryOp::Lt,
        Token::Le => BinaryOp::Le,
        Token::Gt => BinaryOp::Gt,
        Token::Ge => BinaryOp::Ge,
    };
    let compare = sum
        .clone()
        .then(
            cmp_op
                .map_with(|op, e| (op, e.span()))
                .then(sum)
                .repeated()
                .collect::<Vec<_>>(),
        )
        .validate(|(lhs, mut rest), _, emitter| {
            if let Some(((_, at), _)) = rest.get(1) {
                emitter.emit(custom(
                    *at,
                    codes::UNEXPECTED_TOKEN,
                    "comparisons cannot be chained",
                    "a second comparison",
                    "compare twice and join with `&&`: `a < b && b < c`",
                ));
                rest.truncate(1);
            }
            match rest.pop() {
                Some(((op, _), rhs)) => bin(op, lhs, rhs),
                None => lhs,
            }
        });
    let and = left_level(
        compare,
        just(Token::AndAnd).to(BinaryOp::And),
        missing.clone(),
    );
    let or = left_level(and, just(Token::OrOr).to(BinaryOp::Or), missing);
    let coalesce = or
        .clone()
        .then(
            just(Token::QQ)
                .ignore_then(or)
                .repeated()
                .collect::<Vec<_>>(),
        )
        .validate(|(first, mut rest), _, emitter| {
            cap(&mut rest, |x: &Expr| x.span, emitter);
            match rest.pop() {
                // Right associative: `a ?? b ?? c` is `a ?? (b ?? c)`.
                None => first,
                Some(mut acc) => {
                    while let Some(lhs) = rest.pop() {
                        acc = bin(BinaryOp::Coalesce, lhs, acc);
                    }
                    bin(BinaryOp::Coalesce, first, acc)
                }
            }
        });
    // `if a then x else if b then y else z` is read as a flat run of
    // `if c then v` clauses and a last `else`, so a long chain neither
    // recurses nor builds an unbounded tree. A missing `then` or `else` is
    // reported at the `if` and the tree gets an error node in its place.
    let clause = just(Token::If)
        .map_with(|_, e| -> Span { e.span() })
        .then(expr)
        .then(just(Token::Then).or_not())
        .then(this.clone())
        .validate(|(((at, cond), then), value), _, emitter| {
            if then.is_none() {
                emitter.emit(custom(
                    at.to(cond.span),
                    codes::UNEXPECTED_TOKEN,
                    "missing `then` in an `if` expression",
                    "`then` should follow this condition",
                    "write `if CONDITION then VALUE else OTHER`",
                ));
            }
            (at, cond, value)
        });
    let if_expr = else_if_run(clause, this).validate(|(mut more, last), _, emitter| {
            cap(&mut more, |(at, _, _): &(Span, Expr, Expr)| *at, emitter);
            let acc = match last {
                Some(last) => last,
                None => {
                    // `more` holds at least the first clause.
                    let (at, cond, value) = more.last().expect("an if has a clause");
                    emitter.emit(custom(
                        at.to(cond.span),
                        codes::UNEXPECTED_TOKEN,
                        "missing `else` in an `if` expression",
                        "this `if` has no `else`",
                        "an `if` expression needs both branches: `if c then a else b`; for optional members use `if c { ... }`",
                    ));
                    Expr::new(ExprKind::Error, value.span.end_point())
                }
            };
            if_chain(more, acc)
        });
    if_expr.or(coalesce).labelled("an expression")
}

/// `clause (else clause)* [else last]`, read as a flat run (never by
/// recursion): the clauses in order, at least one, and the last `else`.
/// Both `if` chains, of expressions and of members, are read with it.
pub(crate) fn else_if_run<'t, 'src: 't, I, C, L>(
    clause: impl Parser<'t, I, C, Extra<'t, 'src>> + Clone,
    last: impl Parser<'t, I, L, Extra<'t, 'src>> + Clone,
) -> impl Parser<'t, I, (Vec<C>, Option<L>), Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    clause
        .clone()
        .then(
            just(Token::Else)
                .ignore_then(clause)
                .repeated()
                .collect::<Vec<_>>(),
        )
        .then(just(Token::Else).ignore_then(last).or_not())
        .map(|((first, mut more), last)| {
            more.insert(0, first);
            (more, last)
        })
}

/// Folds a flat `if c then v else if ...` run (each clause with the span of
/// its `if`) and the final `else` value into nested `If` nodes, each
/// spanning from its `if` to the end (both parsers build them with it).
pub(crate) fn if_chain(mut clauses: Vec<(Span, Expr, Expr)>, last: Expr) -> Expr {
    let mut acc = last;
    while let Some((at, cond, value)) = clauses.pop() {
        let span = at.to(acc.span);
        acc = Expr::new(
            ExprKind::If {
                cond: Box::new(cond),
                then_branch: Box::new(value),
                else_branch: Box::new(acc),
            },
            span,
        );
    }
    acc
}
