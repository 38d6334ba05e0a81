//! The module grammar: ties the expression, member and type grammars
//! together (they are mutually recursive) and reads a whole file.

use super::errors::{custom, PErr};
use super::{expr, member, types};
use crate::ast::*;
use crate::codes;
use crate::lexer::{decode_escapes, strip_indent, DocBlock, Token};
use crate::span::Span;
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use chumsky::recursive::Indirect;

pub(crate) type Extra<'t, 'src> = extra::Err<PErr<'t, 'src>>;

/// Side tables the grammar reads: doc blocks and line starts.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'t> {
    pub docs: &'t [DocBlock],
    /// Sorted start offsets of the tokens that begin a line.
    pub line_starts: &'t [u32],
}

impl Ctx<'_> {
    pub fn doc_at(&self, start: u32) -> Option<Doc> {
        self.docs
            .binary_search_by_key(&start, |d| d.next_token)
            .ok()
            .map(|i| self.docs[i].doc.clone())
    }

    pub fn is_line_start(&self, offset: u32) -> bool {
        self.line_starts.binary_search(&offset).is_ok()
    }
}

pub(crate) type Rec<'t, 'src, I, O> = Recursive<Indirect<'t, 't, I, O, Extra<'t, 'src>>>;

pub(crate) fn empty_module(span: Span) -> Module {
    Module {
        doc: None,
        amends: None,
        imports: Vec::new(),
        items: Vec::new(),
        span,
    }
}

/// An identifier.
pub(crate) fn ident<'t, 'src: 't, I>() -> impl Parser<'t, I, Ident, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    select! { Token::Ident(name) => name }
        .map_with(|name: &str, e| Ident {
            name: name.into(),
            span: e.span(),
        })
        .labelled("a name")
}

/// Member separators: `;` or `,` (newlines are whitespace).
pub(crate) fn sep<'t, 'src: 't, I>() -> impl Parser<'t, I, (), Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    one_of([Token::Semi, Token::Comma]).ignored()
}

/// A piece of a string literal as the tokens give it.
pub(crate) enum Raw<'a> {
    Text(&'a str),
    Interp(Expr),
}

/// A text piece of a single-line string, decoded; nothing when empty.
pub(crate) fn text_part(t: &str) -> Option<StrPart> {
    (!t.is_empty()).then(|| StrPart::Text(decode_escapes(t)))
}

/// Builds a string literal from its pieces: CRLF normalised and common
/// indentation stripped for `"""` strings, escapes decoded, empty text
/// pieces dropped. Shared by both parsers so they agree on every string.
pub(crate) fn string_lit(multiline: bool, raw: Vec<Raw<'_>>) -> StrLit {
    if !multiline {
        // Nothing to strip: each text piece is decoded as it stands.
        let parts = raw
            .into_iter()
            .filter_map(|r| match r {
                Raw::Interp(x) => Some(StrPart::Interp(Box::new(x))),
                Raw::Text(t) => text_part(t),
            })
            .collect();
        return StrLit { parts, multiline };
    }
    let mut texts: Vec<Option<String>> = raw
        .iter()
        .map(|r| match r {
            Raw::Text(t) => Some((*t).to_string()),
            Raw::Interp(_) => None,
        })
        .collect();
    // A checkout with CRLF line ends must give the same value.
    for t in texts.iter_mut().flatten() {
        if t.contains('\r') {
            *t = t.replace("\r\n", "\n");
        }
    }
    strip_indent(&mut texts);
    let mut parts = Vec::with_capacity(raw.len());
    for (r, t) in raw.into_iter().zip(texts) {
        match (r, t) {
            (Raw::Interp(x), _) => parts.push(StrPart::Interp(Box::new(x))),
            (Raw::Text(_), Some(t)) if !t.is_empty() => {
                parts.push(StrPart::Text(decode_escapes(&t)))
            }
            _ => {}
        }
    }
    StrLit { parts, multiline }
}

/// A string literal, single or multi-line, with interpolations.
pub(crate) fn string_parser<'t, 'src: 't, I>(
    expr: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let interp = expr
        .delimited_by(just(Token::InterpStart), just(Token::InterpEnd))
        .recover_with(via_parser(nested_delimiters(
            Token::InterpStart,
            Token::InterpEnd,
            [
                (Token::LBrace, Token::RBrace),
                (Token::LBracket, Token::RBracket),
                (Token::LParen, Token::RParen),
            ],
            |span| Expr::new(ExprKind::Error, span),
        )))
        .map(Raw::Interp);
    let text = select! { Token::StrText(t) => Raw::Text(t) };
    let start = select! {
        Token::StrStart => false,
        Token::MlStrStart => true,
    };
    start
        .then(text.or(interp).repeated().collect::<Vec<_>>())
        .then_ignore(just(Token::StrEnd))
        .map_with(|(multiline, raw), e| {
            Expr::new(ExprKind::Str(string_lit(multiline, raw)), e.span())
        })
        .labelled("a string")
}

/// `{ members }`
pub(crate) fn body_parser<'t, 'src: 't, I>(
    member: impl Parser<'t, I, Member, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Body, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    member_list(member)
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|members, e| Body {
            members,
            span: e.span(),
        })
        .recover_with(via_parser(nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            [
                (Token::LBracket, Token::RBracket),
                (Token::LParen, Token::RParen),
                (Token::InterpStart, Token::InterpEnd),
            ],
            |span| Body {
                members: Vec::new(),
                span,
            },
        )))
}

/// Members with optional separators between them.
pub(crate) fn member_list<'t, 'src: 't, I>(
    member: impl Parser<'t, I, Member, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, Vec<Member>, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    member
        .map(Some)
        .or(sep().to(None))
        .repeated()
        .collect::<Vec<_>>()
        .map(|ms| ms.into_iter().flatten().collect())
}

/// Skips a broken piece: a first token that is not in `stop`, then tokens
/// (and whole bracketed groups) up to a stop token or the next line.
pub(crate) fn skip_piece<'t, 'src: 't, I>(
    ctx: Ctx<'t>,
    stop: fn(&Token<'_>) -> bool,
) -> impl Parser<'t, I, Span, Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let group = || {
        let others = |a, b, c, d, e, f| [(a, b), (c, d), (e, f)];
        nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            others(
                Token::LBracket,
                Token::RBracket,
                Token::LParen,
                Token::RParen,
                Token::InterpStart,
                Token::InterpEnd,
            ),
            |_| (),
        )
        .or(nested_delimiters(
            Token::LBracket,
            Token::RBracket,
            others(
                Token::LBrace,
                Token::RBrace,
                Token::LParen,
                Token::RParen,
                Token::InterpStart,
                Token::InterpEnd,
            ),
            |_| (),
        ))
        .or(nested_delimiters(
            Token::LParen,
            Token::RParen,
            others(
                Token::LBrace,
                Token::RBrace,
                Token::LBracket,
                Token::RBracket,
                Token::InterpStart,
                Token::InterpEnd,
            ),
            |_| (),
        ))
    };
    let first = group().or(any().filter(move |t| !stop(t)).ignored());
    let next = any()
        .try_map(move |t: Token<'src>, span: Span| {
            if stop(&t) || ctx.is_line_start(span.start) {
                Err(PErr::custom(span, ""))
            } else {
                Ok(t)
            }
        })
        .rewind()
        .ignore_then(group().or(any().ignored()));
    first
        .then(next.repeated())
        .map_with(|_, e| -> Span { e.span() })
}

/// The name an import would usually get: the file name without `.dg`, or
/// the standard module's name.
fn import_stem(path: &str) -> String {
    let last = path.rsplit(['/', ':']).next().unwrap_or(path);
    let stem = last.strip_suffix(".dg").unwrap_or(last);
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{name}")
    } else {
        name
    }
}

/// Succeeds, consuming nothing, where a value is missing: at the end of
/// the file, before `}` `]` `)` `;` `,`, or before a line that starts a
/// new member (`name =`, `a.b +=`, `"key":`). `x =` at a line end is then
/// one error at the `=`, not a value stolen from the next line.
pub(crate) fn missing_value<'t, 'src: 't, I>(
    ctx: Ctx<'t>,
    string: impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
) -> impl Parser<'t, I, (), Extra<'t, 'src>> + Clone + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let line_start = any()
        .try_map(move |t: Token<'src>, span: Span| {
            if ctx.is_line_start(span.start) {
                Ok(t)
            } else {
                Err(PErr::custom(span, ""))
            }
        })
        .rewind();
    let member_start = line_start
        .ignore_then(super::member::member_path(string))
        .then(one_of([Token::Eq, Token::PlusEq, Token::Colon]))
        .ignored();
    let closer = one_of([
        Token::RBrace,
        Token::RBracket,
        Token::RParen,
        Token::Semi,
        Token::Comma,
        Token::InterpEnd,
    ])
    .ignored();
    choice((closer, member_start, end()))
        .rewind()
        .labelled("an expression")
}

/// The whole file.
pub(crate) fn module_parser<'t, 'src: 't, I>(
    ctx: Ctx<'t>,
) -> impl Parser<'t, I, Module, Extra<'t, 'src>> + 't
where
    I: ValueInput<'t, Token = Token<'src>, Span = Span>,
{
    let mut expr: Rec<'t, 'src, I, Expr> = Recursive::declare();
    let mut expr_na: Rec<'t, 'src, I, Expr> = Recursive::declare();
    let mut member: Rec<'t, 'src, I, Member> = Recursive::declare();
    let string = string_parser(expr.clone()).boxed();
    let body = body_parser(member.clone()).boxed();
    let ty = types::type_parser(expr.clone(), string.clone()).boxed();
    let missing = missing_value(ctx, string.clone()).boxed();
    expr.define(expr::expr_parser(
        expr.clone(),
        expr.clone(),
        body.clone(),
        string.clone(),
        missing.clone(),
        true,
    ));
    expr_na.define(expr::expr_parser(
        expr.clone(),
        expr_na.clone(),
        body.clone(),
        string.clone(),
        missing.clone(),
        false,
    ));
    member.define(member::member_parser(
        ctx,
        missing,
        expr.clone(),
        expr_na,
        body.clone(),
        string.clone(),
        ty.clone(),
    ));

    let path = string
        .clone()
        .validate(|s: Expr, e, emitter| {
            let path = match &s.kind {
                ExprKind::Str(lit) => lit.as_plain().map(String::from),
                _ => None,
            };
            path.unwrap_or_else(|| {
                emitter.emit(custom(
                    e.span(),
                    codes::UNEXPECTED_TOKEN,
                    "a module path cannot use interpolation",
                    "interpolation here",
                    "write the path as a plain string such as \"../base.dg\"",
                ));
                String::new()
            })
        })
        .map_with(|path, e| (path, e.span()))
        .labelled("a module path string");
    let amends = just(Token::Amends)
        .ignore_then(path.clone())
        .map_with(|(path, span), e| ModulePath {
            path,
            span,
            stmt_span: e.span(),
        });
    let import = just(Token::Import)
        .ignore_then(path.clone())
        .then(
            just(Token::As)
                .ignore_then(ident().labelled("a name after `as`"))
                .or_not(),
        )
        .validate(|((path, span), alias), _, emitter| {
            let alias = alias.unwrap_or_else(|| {
                let stem = import_stem(&path);
                emitter.emit(custom(
                    span,
                    codes::UNEXPECTED_TOKEN,
                    "an import needs a name",
                    "imported without `as NAME`",
                    &format!("name it: `import \"{path}\" as {stem}`"),
                ));
                Ident {
                    name: stem.into(),
                    span,
                }
            });
            ((path, span), alias)
        })
        .map_with(|((path, span), alias), e| Import {
            path: ModulePath {
                path,
                span,
                stmt_span: e.span(),
            },
            alias,
        });

    let extra_amends = amends.clone().validate(|_, e, emitter| {
        emitter.emit(custom(
            e.span(),
            codes::MISPLACED_HEADER,
            "a module can amend only one module",
            "a second `amends`",
            "keep one `amends`; use `import \"PATH\" as name` for the other module's values",
        ));
    });
    let misplaced = amends
        .clone()
        .map(|_| "`amends`")
        .or(import.clone().map(|_| "`import`"))
        .validate(|what, e, emitter| {
            emitter.emit(custom(
                e.span(),
                codes::MISPLACED_HEADER,
                &format!("{what} must come before the members of the module"),
                "out of place",
                "move it to the top of the file: `amends` first, then the imports",
            ));
        })
        .map_with(|_, e| {
            Item::Member(Member {
                doc: None,
                kind: MemberKind::Error,
                span: e.span(),
            })
        });
    let schema = just(Token::Schema)
        .ignore_then(ident().labelled("a schema name"))
        .then(body.clone().labelled("`{` and the schema's fields"))
        .map_with(move |(name, body), e| {
            let span: Span = e.span();
            Item::Schema(Schema {
                doc: ctx.doc_at(span.start),
                name,
                body,
                span,
            })
        });
    let alias = just(Token::Type)
        .ignore_then(ident().labelled("a type name"))
        .then_ignore(just(Token::Eq).labelled("`=` after the type name"))
        .then(ty)
        .map_with(move |(name, ty), e| {
            let span: Span = e.span();
            Item::TypeAlias(TypeAlias {
                doc: ctx.doc_at(span.start),
                name,
                ty,
                span,
            })
        });
    let item = choice((schema, alias, misplaced, member.map(Item::Member))).recover_with(
        via_parser(skip_piece(ctx, |_| false).map(|span| {
            Item::Member(Member {
                doc: None,
                kind: MemberKind::Error,
                span,
            })
        })),
    );
    // Separators first: the item's recovery would swallow a `;` as junk.
    let items = sep()
        .to(None)
        .or(item.map(Some))
        .repeated()
        .collect::<Vec<_>>()
        .map(|ms| ms.into_iter().flatten().collect::<Vec<_>>());
    let seps = sep().repeated();
    seps.clone()
        .ignore_then(amends.or_not())
        .then_ignore(seps.clone())
        .then_ignore(extra_amends.then(seps.clone()).repeated())
        .then(import.then_ignore(seps).repeated().collect::<Vec<_>>())
        .then(items)
        .then_ignore(end())
        .map_with(|((amends, imports), items), e| Module {
            doc: None,
            amends,
            imports,
            items,
            span: e.span(),
        })
}
