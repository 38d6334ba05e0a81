//! The fast parser: a hand-written recursive descent over the token slice
//! for files without mistakes.
//!
//! It reads the same language as the chumsky grammar ([`super::grammar`])
//! and builds exactly the same tree (spans, docs, string parts, `Paren`
//! nodes, everything), but only along the happy path: at the first token
//! it does not accept, and at every spot where the grammar would report
//! something on an otherwise parsed tree (a keyword used as a name, a path
//! in a declaration, a second comparison, a chain longer than
//! [`MAX_CHAIN`], a value that looks like the next member, ...), it gives
//! up and returns `None`. The caller then runs the grammar, which stays the
//! only source of parse diagnostics and recovery.
//!
//! **Invariant: when [`parse_module`] returns `Some(module)`, the grammar
//! returns the same module and no errors.** `lang/tests/fast_parser.rs`
//! checks it over every `.dg` file of the repository and random programs.
//!
//! Where the grammar makes an ordered choice, this parser looks at the next
//! token and takes the alternative the grammar would take first; where the
//! grammar would backtrack, this parser gives up. Recursion is bounded by
//! a depth counter (the delimiter check already bounds bracket nesting);
//! operator, postfix and `else if` runs are loops.

mod expr;

use super::grammar::{string_lit, text_part, Ctx, Raw};
use super::member::if_member_chain;
use super::MAX_CHAIN;
use crate::ast::*;
use crate::lexer::Token;
use crate::span::Span;

/// Deepest recursion (expressions, types, bodies) before giving up: well
/// past what [`super::MAX_DEPTH`] nested delimiters need, and a bound for
/// `if a then if b then ...` runs that nest without delimiters.
const MAX_RECURSION: usize = 4 * super::MAX_DEPTH;

/// Parses a whole file, or returns `None` where it would need the grammar.
/// The module's span and doc are left for the caller to set.
pub(crate) fn parse_module(
    tokens: &[(Token<'_>, Span)],
    text: &str,
    ctx: Ctx<'_>,
    eof: Span,
) -> Option<Module> {
    let mut p = P {
        toks: tokens,
        pos: 0,
        depth: 0,
        text,
        ctx,
        members: Vec::new(),
        exprs: Vec::new(),
    };
    p.module(eof)
}

/// The parser's state: the tokens and the position in them.
struct P<'a, 'src> {
    toks: &'a [(Token<'src>, Span)],
    pos: usize,
    depth: usize,
    text: &'a str,
    ctx: Ctx<'a>,
    /// Members of the bodies being read, innermost last: each body takes
    /// its own off the top into a vector of exactly its size, which saves
    /// the regrowing (members are large).
    members: Vec<Member>,
    /// The same for list items and call arguments.
    exprs: Vec<Expr>,
}

impl<'src> P<'_, 'src> {
    fn peek(&self) -> Option<Token<'src>> {
        self.toks.get(self.pos).map(|(t, _)| *t)
    }

    fn peek_at(&self, i: usize) -> Option<Token<'src>> {
        self.toks.get(i).map(|(t, _)| *t)
    }

    fn at(&self, tok: Token<'_>) -> bool {
        self.peek() == Some(tok)
    }

    /// Consumes `tok` or gives up.
    fn expect(&mut self, tok: Token<'_>) -> Option<()> {
        if self.at(tok) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Consumes `tok` when it is next.
    fn eat(&mut self, tok: Token<'_>) -> bool {
        let here = self.at(tok);
        self.pos += usize::from(here);
        here
    }

    /// The span of the current token (which must exist).
    fn span_here(&self) -> Option<Span> {
        self.toks.get(self.pos).map(|(_, s)| *s)
    }

    /// The span from token `start` to the last consumed token.
    fn span_from(&self, start: usize) -> Span {
        match (
            self.toks.get(start),
            self.toks.get(self.pos.wrapping_sub(1)),
        ) {
            (Some((_, a)), Some((_, b))) if start < self.pos => a.to(*b),
            (Some((_, a)), _) => a.start_point(),
            _ => Span::default(),
        }
    }

    /// Counts one level of recursion; `None` past [`MAX_RECURSION`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_RECURSION).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// An identifier.
    fn ident(&mut self) -> Option<Ident> {
        match self.toks.get(self.pos) {
            Some((Token::Ident(name), span)) => {
                self.pos += 1;
                Some(Ident {
                    name: (*name).into(),
                    span: *span,
                })
            }
            _ => None,
        }
    }

    fn skip_seps(&mut self) {
        while matches!(self.peek(), Some(Token::Semi | Token::Comma)) {
            self.pos += 1;
        }
    }

    /// The whole file: `amends`, imports, then items.
    fn module(&mut self, eof: Span) -> Option<Module> {
        self.skip_seps();
        let amends = if self.at(Token::Amends) && !self.keyword_is_key() {
            Some(self.header_path(Token::Amends)?.0)
        } else {
            None
        };
        self.skip_seps();
        let mut imports = Vec::new();
        while self.at(Token::Import) && !self.keyword_is_key() {
            imports.push(self.import()?);
            self.skip_seps();
        }
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Token::Semi | Token::Comma) => self.pos += 1,
                Some(t) if t.is_contextual() && self.keyword_is_key() => {
                    items.push(Item::Member(self.member()?))
                }
                Some(Token::Schema) => items.push(self.schema()?),
                Some(Token::Type) => items.push(self.alias()?),
                // A second or misplaced header is reported by the grammar.
                Some(Token::Amends | Token::Import) => return None,
                Some(_) => items.push(Item::Member(self.member()?)),
            }
        }
        Some(Module {
            doc: None,
            amends,
            imports,
            items,
            span: eof,
        })
    }

    /// `KEYWORD "path"`; the path must be plain text. Returns the module
    /// path and the index of the keyword.
    fn header_path(&mut self, keyword: Token<'_>) -> Option<(ModulePath, usize)> {
        let start = self.pos;
        self.expect(keyword)?;
        let s = self.string()?;
        let ExprKind::Str(lit) = &s.kind else {
            return None;
        };
        let path = lit.as_plain()?.into();
        Some((
            ModulePath {
                path,
                span: s.span,
                stmt_span: self.span_from(start),
            },
            start,
        ))
    }

    /// `import "path" as name`
    fn import(&mut self) -> Option<Import> {
        let (mut path, start) = self.header_path(Token::Import)?;
        self.expect(Token::As)?;
        let alias = self.ident()?;
        path.stmt_span = self.span_from(start);
        Some(Import { path, alias })
    }

    /// `schema Name { members }`
    fn schema(&mut self) -> Option<Item> {
        let start = self.pos;
        self.expect(Token::Schema)?;
        let name = self.ident()?;
        let body = self.body()?;
        let span = self.span_from(start);
        Some(Item::Schema(Schema {
            doc: self.ctx.doc_at(span.start),
            name,
            body,
            span,
        }))
    }

    /// `type Name = Type`
    fn alias(&mut self) -> Option<Item> {
        let start = self.pos;
        self.expect(Token::Type)?;
        let name = self.ident()?;
        self.expect(Token::Eq)?;
        let ty = self.type_()?;
        let span = self.span_from(start);
        Some(Item::TypeAlias(TypeAlias {
            doc: self.ctx.doc_at(span.start),
            name,
            ty,
            span,
        }))
    }

    /// `{ members }`, members separated by optional `;` or `,`.
    fn body(&mut self) -> Option<Body> {
        self.enter()?;
        let start = self.pos;
        self.expect(Token::LBrace)?;
        let base = self.members.len();
        loop {
            match self.peek()? {
                Token::RBrace => break,
                Token::Semi | Token::Comma => self.pos += 1,
                _ => {
                    let member = self.member()?;
                    self.members.push(member);
                }
            }
        }
        self.pos += 1;
        let members = self.members.drain(base..).collect();
        self.leave();
        Some(Body {
            members,
            span: self.span_from(start),
        })
    }

    /// One member, with the doc comment that precedes it.
    fn member(&mut self) -> Option<Member> {
        let start = self.pos;
        let kind = match self.peek()? {
            t if t.is_contextual() && self.keyword_is_key() => self.field()?,
            Token::Let => self.let_()?,
            Token::For => self.for_()?,
            Token::If => self.if_member()?,
            Token::Check => self.check()?,
            Token::LBracket => self.every()?,
            Token::Ident(_) | Token::StrStart | Token::MlStrStart => self.field()?,
            _ => return None,
        };
        let span = self.span_from(start);
        Some(Member {
            doc: self.ctx.doc_at(span.start).map(Box::new),
            kind,
            span,
        })
    }

    /// Whether the declaration keyword at the cursor is a field name: it
    /// is followed by what follows a field name (`=`, `+=`, `:`, `.`, `{`),
    /// not by what its declaration takes (`let x`, `type T`, `check c`).
    fn keyword_is_key(&self) -> bool {
        matches!(
            self.peek_at(self.pos + 1),
            Some(Token::Eq | Token::PlusEq | Token::Colon | Token::Dot | Token::LBrace)
        ) && !(self.peek() == Some(Token::Schema)
            && self.peek_at(self.pos + 1) == Some(Token::LBrace))
    }

    /// A key: a name, a declaration keyword (`type`), `"quoted"` or
    /// `"${computed}"`. Another keyword is not one here (the grammar
    /// reports it), nor is `schema {`.
    fn key(&mut self) -> Option<Key> {
        match self.peek()? {
            Token::Ident(_) => self.ident().map(Key::Name),
            t if t.is_contextual() => {
                if t == Token::Schema && self.peek_at(self.pos + 1) == Some(Token::LBrace) {
                    return None;
                }
                let span = self.span_here()?;
                self.pos += 1;
                Some(Key::Name(Ident {
                    name: t.text().into(),
                    span,
                }))
            }
            Token::StrStart | Token::MlStrStart => {
                let s = self.string()?;
                let plain = match &s.kind {
                    ExprKind::Str(lit) => lit.as_plain(),
                    _ => None,
                };
                Some(match plain {
                    Some(name) => Key::Quoted(Ident { name, span: s.span }),
                    None => Key::Computed(Box::new(s)),
                })
            }
            _ => None,
        }
    }

    /// `path = v`, `path += v`, `path { }`, `name: Type [= v]`.
    fn field(&mut self) -> Option<MemberKind> {
        let mut path = vec![self.key()?];
        while self.eat(Token::Dot) {
            path.push(self.key()?);
        }
        match self.peek()? {
            Token::Colon if path.len() == 1 => {
                self.pos += 1;
                let ty = self.type_()?;
                let default = if self.at(Token::Eq) {
                    Some(Box::new(self.value()?))
                } else {
                    None
                };
                let name = path.pop()?;
                Some(MemberKind::Decl { name, ty, default })
            }
            Token::Eq => Some(MemberKind::Assign {
                path,
                value: self.value()?,
            }),
            Token::PlusEq => Some(MemberKind::Append {
                path,
                value: self.value()?,
            }),
            Token::LBrace => Some(MemberKind::Amend {
                path,
                body: self.body()?,
            }),
            _ => None,
        }
    }

    /// The operator (`=`, `+=`) at the current token and the value after
    /// it, unless the value is missing (the grammar reports that).
    fn value(&mut self) -> Option<Expr> {
        self.pos += 1;
        self.value_follows()?;
        self.expr(true)
    }

    /// `let name = value`
    fn let_(&mut self) -> Option<MemberKind> {
        self.expect(Token::Let)?;
        let name = self.ident()?;
        if !self.at(Token::Eq) {
            return None;
        }
        let value = self.value()?;
        Some(MemberKind::Let { name, value })
    }

    /// `[key,] value` after `for`.
    fn loop_vars(&mut self) -> Option<(Option<Ident>, Ident)> {
        let first = self.ident()?;
        if self.eat(Token::Comma) {
            Some((Some(first), self.ident()?))
        } else {
            Some((None, first))
        }
    }

    /// `for [k,] v in iter { members }`
    fn for_(&mut self) -> Option<MemberKind> {
        self.expect(Token::For)?;
        let (key_var, value_var) = self.loop_vars()?;
        self.expect(Token::In)?;
        let iter = self.expr(false)?;
        let body = self.body()?;
        Some(MemberKind::For {
            key_var,
            value_var,
            iter: Box::new(iter),
            body: Box::new(body),
        })
    }

    /// `if c { } [else if c { } ...] [else { }]`, read as a flat run; each
    /// `else if` becomes an `else` body holding one `If` member.
    fn if_member(&mut self) -> Option<MemberKind> {
        let mut clauses = Vec::new();
        let mut else_body = None;
        loop {
            let at = self.span_here()?;
            self.expect(Token::If)?;
            let cond = self.expr(false)?;
            let then_body = self.body()?;
            clauses.push((at, cond, then_body));
            if clauses.len() > MAX_CHAIN {
                return None;
            }
            if !self.eat(Token::Else) {
                break;
            }
            if !self.at(Token::If) {
                else_body = Some(self.body()?);
                break;
            }
        }
        if_member_chain(clauses, else_body)
    }

    /// `[*] { members }`
    fn every(&mut self) -> Option<MemberKind> {
        self.expect(Token::LBracket)?;
        self.expect(Token::Star)?;
        self.expect(Token::RBracket)?;
        let body = self.body()?;
        Some(MemberKind::Every { body })
    }

    /// `check cond : message`
    fn check(&mut self) -> Option<MemberKind> {
        self.expect(Token::Check)?;
        let cond = self.expr(true)?;
        self.expect(Token::Colon)?;
        let message = self.expr(true)?;
        Some(MemberKind::Check {
            cond: Box::new(cond),
            message: Box::new(message),
        })
    }

    /// Gives up where the grammar's `missing_value` would match: at the end,
    /// before a closer or separator, or before a line that looks like the
    /// start of a member (`name =`, `a."b" +=`, `k:`). The last test is
    /// looser than the grammar's, which only costs a fallback.
    fn value_follows(&self) -> Option<()> {
        match self.peek()? {
            Token::RBrace
            | Token::RBracket
            | Token::RParen
            | Token::Semi
            | Token::Comma
            | Token::InterpEnd => None,
            _ if self.at_line_start(self.pos) && self.looks_like_member(self.pos) => None,
            _ => Some(()),
        }
    }

    /// Whether token `i` is the first on its line.
    fn at_line_start(&self, i: usize) -> bool {
        let Some(prev) = i.checked_sub(1).and_then(|j| self.toks.get(j)) else {
            return true;
        };
        let start = self.toks.get(i).map_or(prev.1.end, |(_, s)| s.start);
        self.text
            .get(prev.1.end as usize..start as usize)
            .is_some_and(crate::source::has_line_break)
    }

    /// Whether keys separated by `.` and then `=`, `+=` or `:` start at `i`.
    /// Any keyword counts as a key, and an unfinished string counts as a
    /// match: saying yes too often only costs a fallback.
    fn looks_like_member(&self, mut i: usize) -> bool {
        loop {
            match self.peek_at(i) {
                Some(Token::StrStart | Token::MlStrStart) => match self.skip_string(i) {
                    Some(next) => i = next,
                    None => return true,
                },
                Some(t) if matches!(t, Token::Ident(_)) || t.is_keyword() => i += 1,
                _ => return false,
            }
            if self.peek_at(i) == Some(Token::Dot) {
                i += 1;
            } else {
                break;
            }
        }
        matches!(
            self.peek_at(i),
            Some(Token::Eq | Token::PlusEq | Token::Colon)
        )
    }

    /// The index after the string starting at `i`, counting nested strings.
    fn skip_string(&self, mut i: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            match self.peek_at(i)? {
                Token::StrStart | Token::MlStrStart => depth += 1,
                Token::StrEnd => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// A string literal, single or multi-line, with interpolations.
    fn string(&mut self) -> Option<Expr> {
        self.enter()?;
        let start = self.pos;
        let multiline = match self.peek()? {
            Token::StrStart => false,
            Token::MlStrStart => true,
            _ => return None,
        };
        self.pos += 1;
        if !multiline {
            return self.single_line_string(start);
        }
        let mut raw = Vec::new();
        loop {
            match self.peek()? {
                Token::StrText(t) => {
                    self.pos += 1;
                    raw.push(Raw::Text(t));
                }
                Token::InterpStart => {
                    self.pos += 1;
                    raw.push(Raw::Interp(self.expr(true)?));
                    self.expect(Token::InterpEnd)?;
                }
                Token::StrEnd => break,
                _ => return None,
            }
        }
        self.pos += 1;
        self.leave();
        let lit = string_lit(multiline, raw);
        Some(Expr::new(ExprKind::Str(lit), self.span_from(start)))
    }

    /// The rest of a single-line string opened at token `start`: its
    /// pieces go straight into the literal (as [`string_lit`] would put
    /// them), without the list of raw pieces the indent pass needs.
    fn single_line_string(&mut self, start: usize) -> Option<Expr> {
        let mut parts = Vec::new();
        loop {
            match self.peek()? {
                Token::StrText(t) => {
                    self.pos += 1;
                    parts.extend(text_part(t));
                }
                Token::InterpStart => {
                    self.pos += 1;
                    parts.push(StrPart::Interp(Box::new(self.expr(true)?)));
                    self.expect(Token::InterpEnd)?;
                }
                Token::StrEnd => break,
                _ => return None,
            }
        }
        self.pos += 1;
        self.leave();
        let lit = StrLit {
            parts,
            multiline: false,
        };
        Some(Expr::new(ExprKind::Str(lit), self.span_from(start)))
    }

    /// A type: alternatives separated by `|`.
    fn type_(&mut self) -> Option<Type> {
        self.enter()?;
        let start = self.pos;
        let mut alts = vec![self.optional_type()?];
        while self.eat(Token::Pipe) {
            alts.push(self.optional_type()?);
        }
        self.leave();
        if alts.len() == 1 {
            return alts.pop();
        }
        Some(Type {
            kind: TypeKind::Union(alts),
            span: self.span_from(start),
        })
    }

    /// A primary type followed by `?`s.
    fn optional_type(&mut self) -> Option<Type> {
        let start = self.pos;
        let mut ty = self.primary_type()?;
        let mut n = 0;
        while self.eat(Token::Question) {
            n += 1;
            if n > MAX_CHAIN {
                return None;
            }
            ty = Type {
                kind: TypeKind::Optional(Box::new(ty)),
                span: self.span_from(start),
            };
        }
        Some(ty)
    }

    /// A named, list, map or string literal type.
    fn primary_type(&mut self) -> Option<Type> {
        let start = self.pos;
        let kind = match self.peek()? {
            Token::Ident(_) => {
                let mut name = vec![self.ident()?];
                while self.eat(Token::Dot) {
                    name.push(self.ident()?);
                }
                let range = if self.at(Token::LParen) {
                    Some(Box::new(self.type_range()?))
                } else {
                    None
                };
                TypeKind::Named { name, range }
            }
            Token::LBracket => {
                self.pos += 1;
                let t = self.type_()?;
                self.expect(Token::RBracket)?;
                TypeKind::List(Box::new(t))
            }
            Token::LBrace => {
                self.pos += 1;
                let k = self.type_()?;
                self.expect(Token::Colon)?;
                let v = self.type_()?;
                self.expect(Token::RBrace)?;
                TypeKind::Map(Box::new(k), Box::new(v))
            }
            Token::StrStart | Token::MlStrStart => {
                let s = self.string()?;
                match &s.kind {
                    ExprKind::Str(lit) => TypeKind::Literal(lit.as_plain()?.into()),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(Type {
            kind,
            span: self.span_from(start),
        })
    }

    /// `(lo..hi)` after a type name, either bound optional.
    fn type_range(&mut self) -> Option<TypeRange> {
        let start = self.pos;
        self.expect(Token::LParen)?;
        let lo = if self.at(Token::DotDot) {
            None
        } else {
            Some(self.expr(true)?)
        };
        self.expect(Token::DotDot)?;
        // `...` is reported by the grammar.
        if self.at(Token::Dot) {
            return None;
        }
        let hi = if self.at(Token::RParen) {
            None
        } else {
            Some(self.expr(true)?)
        };
        self.expect(Token::RParen)?;
        Some(TypeRange {
            lo,
            hi,
            span: self.span_from(start),
        })
    }
}
