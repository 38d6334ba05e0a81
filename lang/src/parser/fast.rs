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
use crate::lexer::{Kind, Tok};
use crate::span::{FileId, Span};

/// Deepest recursion (expressions, types, bodies) before giving up: well
/// past what [`super::MAX_DEPTH`] nested delimiters need, and a bound for
/// `if a then if b then ...` runs that nest without delimiters.
const MAX_RECURSION: usize = 4 * super::MAX_DEPTH;

/// Parses a whole file, or returns `None` where it would need the grammar.
/// The module's span and doc are left for the caller to set.
pub(crate) fn parse_module(tokens: &[Tok], text: &str, ctx: Ctx<'_>, eof: Span) -> Option<Module> {
    let mut p = P {
        toks: tokens,
        file: eof.file,
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
struct P<'a> {
    toks: &'a [Tok],
    /// The file the tokens are from (for spans).
    file: FileId,
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

impl<'a> P<'a> {
    fn peek(&self) -> Option<Kind> {
        self.toks.get(self.pos).map(|t| t.kind)
    }

    fn peek_at(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn at(&self, tok: Kind) -> bool {
        self.peek() == Some(tok)
    }

    /// Consumes `tok` or gives up.
    fn expect(&mut self, tok: Kind) -> Option<()> {
        if self.at(tok) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Consumes `tok` when it is next.
    fn eat(&mut self, tok: Kind) -> bool {
        let here = self.at(tok);
        self.pos += usize::from(here);
        here
    }

    /// The text of the current token ("" at the end).
    fn text_here(&self) -> &'a str {
        self.toks.get(self.pos).map_or("", |t| t.text(self.text))
    }

    /// The span of the current token (which must exist).
    fn span_here(&self) -> Option<Span> {
        self.toks.get(self.pos).map(|t| t.span(self.file))
    }

    /// The span from token `start` to the last consumed token.
    fn span_from(&self, start: usize) -> Span {
        match (
            self.toks.get(start),
            self.toks.get(self.pos.wrapping_sub(1)),
        ) {
            (Some(a), Some(b)) if start < self.pos => a.span(self.file).to(b.span(self.file)),
            (Some(a), _) => a.span(self.file).start_point(),
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
            Some(
                t @ Tok {
                    kind: Kind::Ident, ..
                },
            ) => {
                self.pos += 1;
                Some(Ident {
                    name: t.text(self.text).into(),
                    span: t.span(self.file),
                })
            }
            _ => None,
        }
    }

    fn skip_seps(&mut self) {
        while matches!(self.peek(), Some(Kind::Semi | Kind::Comma)) {
            self.pos += 1;
        }
    }

    /// The whole file: `amends`, imports, then items.
    fn module(&mut self, eof: Span) -> Option<Module> {
        self.skip_seps();
        let amends = if self.at(Kind::Amends) && !self.keyword_is_key() {
            Some(self.header_path(Kind::Amends)?.0)
        } else {
            None
        };
        self.skip_seps();
        let mut imports = Vec::new();
        while self.at(Kind::Import) && !self.keyword_is_key() {
            imports.push(self.import()?);
            self.skip_seps();
        }
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Kind::Semi | Kind::Comma) => self.pos += 1,
                Some(t) if t.is_contextual() && self.keyword_is_key() => {
                    items.push(Item::Member(self.member()?))
                }
                Some(Kind::Schema) => items.push(self.schema()?),
                Some(Kind::Type) => items.push(self.alias()?),
                // A second or misplaced header is reported by the grammar.
                Some(Kind::Amends | Kind::Import) => return None,
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
    fn header_path(&mut self, keyword: Kind) -> Option<(ModulePath, usize)> {
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
        let (mut path, start) = self.header_path(Kind::Import)?;
        self.expect(Kind::As)?;
        let alias = self.ident()?;
        path.stmt_span = self.span_from(start);
        Some(Import { path, alias })
    }

    /// `schema Name { members }`
    fn schema(&mut self) -> Option<Item> {
        let start = self.pos;
        self.expect(Kind::Schema)?;
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
        self.expect(Kind::Type)?;
        let name = self.ident()?;
        self.expect(Kind::Eq)?;
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
        self.expect(Kind::LBrace)?;
        let base = self.members.len();
        loop {
            match self.peek()? {
                Kind::RBrace => break,
                Kind::Semi | Kind::Comma => self.pos += 1,
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
            Kind::Let => self.let_()?,
            Kind::For => self.for_()?,
            Kind::If => self.if_member()?,
            Kind::Check => self.check()?,
            Kind::LBracket => self.every()?,
            Kind::Ident | Kind::StrStart | Kind::MlStrStart => self.field()?,
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
            Some(Kind::Eq | Kind::PlusEq | Kind::Colon | Kind::Dot | Kind::LBrace)
        ) && !(self.peek() == Some(Kind::Schema)
            && self.peek_at(self.pos + 1) == Some(Kind::LBrace))
    }

    /// A key: a name, a declaration keyword (`type`), `"quoted"` or
    /// `"${computed}"`. Another keyword is not one here (the grammar
    /// reports it), nor is `schema {`.
    fn key(&mut self) -> Option<Key> {
        match self.peek()? {
            Kind::Ident => self.ident().map(Key::Name),
            t if t.is_contextual() => {
                if t == Kind::Schema && self.peek_at(self.pos + 1) == Some(Kind::LBrace) {
                    return None;
                }
                let span = self.span_here()?;
                self.pos += 1;
                Some(Key::Name(Ident {
                    name: t.text().into(),
                    span,
                }))
            }
            Kind::StrStart | Kind::MlStrStart => {
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
        while self.eat(Kind::Dot) {
            path.push(self.key()?);
        }
        match self.peek()? {
            Kind::Colon if path.len() == 1 => {
                self.pos += 1;
                let ty = self.type_()?;
                let default = if self.at(Kind::Eq) {
                    Some(Box::new(self.value()?))
                } else {
                    None
                };
                let name = path.pop()?;
                Some(MemberKind::Decl { name, ty, default })
            }
            Kind::Eq => Some(MemberKind::Assign {
                path,
                value: self.value()?,
            }),
            Kind::PlusEq => Some(MemberKind::Append {
                path,
                value: self.value()?,
            }),
            Kind::LBrace => Some(MemberKind::Amend {
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
        self.expect(Kind::Let)?;
        let name = self.ident()?;
        if !self.at(Kind::Eq) {
            return None;
        }
        let value = self.value()?;
        Some(MemberKind::Let { name, value })
    }

    /// `[key,] value` after `for`.
    fn loop_vars(&mut self) -> Option<(Option<Ident>, Ident)> {
        let first = self.ident()?;
        if self.eat(Kind::Comma) {
            Some((Some(first), self.ident()?))
        } else {
            Some((None, first))
        }
    }

    /// `for [k,] v in iter { members }`
    fn for_(&mut self) -> Option<MemberKind> {
        self.expect(Kind::For)?;
        let (key_var, value_var) = self.loop_vars()?;
        self.expect(Kind::In)?;
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
            self.expect(Kind::If)?;
            let cond = self.expr(false)?;
            let then_body = self.body()?;
            clauses.push((at, cond, then_body));
            if clauses.len() > MAX_CHAIN {
                return None;
            }
            if !self.eat(Kind::Else) {
                break;
            }
            if !self.at(Kind::If) {
                else_body = Some(self.body()?);
                break;
            }
        }
        if_member_chain(clauses, else_body)
    }

    /// `[*] { members }`
    fn every(&mut self) -> Option<MemberKind> {
        self.expect(Kind::LBracket)?;
        self.expect(Kind::Star)?;
        self.expect(Kind::RBracket)?;
        let body = self.body()?;
        Some(MemberKind::Every { body })
    }

    /// `check cond : message`
    fn check(&mut self) -> Option<MemberKind> {
        self.expect(Kind::Check)?;
        let cond = self.expr(true)?;
        self.expect(Kind::Colon)?;
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
            Kind::RBrace
            | Kind::RBracket
            | Kind::RParen
            | Kind::Semi
            | Kind::Comma
            | Kind::InterpEnd => None,
            _ if self.at_line_start(self.pos) && self.looks_like_member(self.pos) => None,
            _ => Some(()),
        }
    }

    /// Whether token `i` is the first on its line.
    fn at_line_start(&self, i: usize) -> bool {
        let Some(prev) = i.checked_sub(1).and_then(|j| self.toks.get(j)) else {
            return true;
        };
        let start = self.toks.get(i).map_or(prev.end, |t| t.start);
        self.text
            .get(prev.end as usize..start as usize)
            .is_some_and(crate::source::has_line_break)
    }

    /// Whether keys separated by `.` and then `=`, `+=` or `:` start at `i`.
    /// Any keyword counts as a key, and an unfinished string counts as a
    /// match: saying yes too often only costs a fallback.
    fn looks_like_member(&self, mut i: usize) -> bool {
        loop {
            match self.peek_at(i) {
                Some(Kind::StrStart | Kind::MlStrStart) => match self.skip_string(i) {
                    Some(next) => i = next,
                    None => return true,
                },
                Some(t) if matches!(t, Kind::Ident) || t.is_keyword() => i += 1,
                _ => return false,
            }
            if self.peek_at(i) == Some(Kind::Dot) {
                i += 1;
            } else {
                break;
            }
        }
        matches!(self.peek_at(i), Some(Kind::Eq | Kind::PlusEq | Kind::Colon))
    }

    /// The index after the string starting at `i`, counting nested strings.
    fn skip_string(&self, mut i: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            match self.peek_at(i)? {
                Kind::StrStart | Kind::MlStrStart => depth += 1,
                Kind::StrEnd => {
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
            Kind::StrStart => false,
            Kind::MlStrStart => true,
            _ => return None,
        };
        self.pos += 1;
        if !multiline {
            return self.single_line_string(start);
        }
        let mut raw = Vec::new();
        loop {
            match self.peek()? {
                Kind::StrText => {
                    raw.push(Raw::Text(self.text_here()));
                    self.pos += 1;
                }
                Kind::InterpStart => {
                    self.pos += 1;
                    raw.push(Raw::Interp(self.expr(true)?));
                    self.expect(Kind::InterpEnd)?;
                }
                Kind::StrEnd => break,
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
        let mut parts = Vec::with_capacity(self.string_pieces());
        loop {
            match self.peek()? {
                Kind::StrText => {
                    parts.extend(text_part(self.text_here()));
                    self.pos += 1;
                }
                Kind::InterpStart => {
                    self.pos += 1;
                    parts.push(StrPart::Interp(Box::new(self.expr(true)?)));
                    self.expect(Kind::InterpEnd)?;
                }
                Kind::StrEnd => break,
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

    /// How many pieces (texts and interpolations) the string whose first
    /// piece is at the cursor has: its parts vector is made that size (one
    /// text, nearly always), where growing it from empty would reserve four.
    fn string_pieces(&self) -> usize {
        let mut depth = 0usize;
        let mut n = 0;
        for t in self.toks.get(self.pos..).unwrap_or_default() {
            match t.kind {
                Kind::InterpStart => {
                    n += usize::from(depth == 0);
                    depth += 1;
                }
                Kind::InterpEnd => depth = depth.saturating_sub(1),
                Kind::StrText if depth == 0 => n += 1,
                Kind::StrEnd if depth == 0 => break,
                _ => {}
            }
        }
        n
    }

    /// A type: alternatives separated by `|`.
    fn type_(&mut self) -> Option<Type> {
        self.enter()?;
        let start = self.pos;
        let mut alts = vec![self.optional_type()?];
        while self.eat(Kind::Pipe) {
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
        while self.eat(Kind::Question) {
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
            Kind::Ident => {
                let mut name = vec![self.ident()?];
                while self.eat(Kind::Dot) {
                    name.push(self.ident()?);
                }
                let range = if self.at(Kind::LParen) {
                    Some(Box::new(self.type_range()?))
                } else {
                    None
                };
                TypeKind::Named { name, range }
            }
            Kind::LBracket => {
                self.pos += 1;
                let t = self.type_()?;
                self.expect(Kind::RBracket)?;
                TypeKind::List(Box::new(t))
            }
            Kind::LBrace => {
                self.pos += 1;
                let k = self.type_()?;
                self.expect(Kind::Colon)?;
                let v = self.type_()?;
                self.expect(Kind::RBrace)?;
                TypeKind::Map(Box::new(k), Box::new(v))
            }
            Kind::StrStart | Kind::MlStrStart => {
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
        self.expect(Kind::LParen)?;
        let lo = if self.at(Kind::DotDot) {
            None
        } else {
            Some(self.expr(true)?)
        };
        self.expect(Kind::DotDot)?;
        // `...` is reported by the grammar.
        if self.at(Kind::Dot) {
            return None;
        }
        let hi = if self.at(Kind::RParen) {
            None
        } else {
            Some(self.expr(true)?)
        };
        self.expect(Kind::RParen)?;
        Some(TypeRange {
            lo,
            hi,
            span: self.span_from(start),
        })
    }
}
