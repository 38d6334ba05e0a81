//! Expressions for the fast parser, mirroring [`super::super::expr`]: from
//! low to high, `if c then a else b`, `??` (right associative), `||`,
//! `&&`, one comparison, `+ -`, `* / %`, unary `! -`, postfix, atoms.
//!
//! `amend` says whether a postfix `{ members }` amends the value; it is
//! off in `for x in EXPR {` and `if EXPR {`, and back on inside brackets.

use super::P;
use crate::ast::*;
use crate::lexer::token::{float_value, int_value, quantity_suffix_at};
use crate::lexer::Kind;
use crate::parser::expr::{bin, if_chain};
use crate::parser::MAX_CHAIN;
use crate::span::Span;

/// Binding power of `||` (the loosest binary operator the climb reads).
const OR: u8 = 1;
/// Binding power of the comparisons, which do not chain.
const CMP: u8 = 3;

/// A binary operator other than `??` and its binding power, from `||`
/// (1) to `* / %` (5).
fn binary_op(tok: Kind) -> Option<(BinaryOp, u8)> {
    Some(match tok {
        Kind::OrOr => (BinaryOp::Or, OR),
        Kind::AndAnd => (BinaryOp::And, 2),
        Kind::EqEq => (BinaryOp::Eq, CMP),
        Kind::Ne => (BinaryOp::Ne, CMP),
        Kind::Lt => (BinaryOp::Lt, CMP),
        Kind::Le => (BinaryOp::Le, CMP),
        Kind::Gt => (BinaryOp::Gt, CMP),
        Kind::Ge => (BinaryOp::Ge, CMP),
        Kind::Plus => (BinaryOp::Add, 4),
        Kind::Minus => (BinaryOp::Sub, 4),
        Kind::Star => (BinaryOp::Mul, 5),
        Kind::Slash => (BinaryOp::Div, 5),
        Kind::Percent => (BinaryOp::Rem, 5),
        _ => return None,
    })
}

impl P<'_> {
    /// A whole expression.
    pub(super) fn expr(&mut self, amend: bool) -> Option<Expr> {
        self.enter()?;
        let e = if self.at(Kind::If) {
            self.if_expr(amend)?
        } else {
            self.coalesce(amend)?
        };
        self.leave();
        Some(e)
    }

    /// `if c then v [else if c then v ...] else w`, read as a flat run.
    fn if_expr(&mut self, amend: bool) -> Option<Expr> {
        let mut clauses: Vec<(Span, Expr, Expr)> = Vec::new();
        loop {
            let at = self.span_here()?;
            self.expect(Kind::If)?;
            let cond = self.expr(true)?;
            self.expect(Kind::Then)?;
            let value = self.expr(amend)?;
            clauses.push((at, cond, value));
            if clauses.len() > MAX_CHAIN {
                return None;
            }
            if !(self.at(Kind::Else) && self.peek_at(self.pos + 1) == Some(Kind::If)) {
                break;
            }
            self.pos += 1;
        }
        self.expect(Kind::Else)?;
        let last = self.expr(amend)?;
        Some(if_chain(clauses, last))
    }

    /// `a ?? b ?? c`, right associative.
    fn coalesce(&mut self, amend: bool) -> Option<Expr> {
        let first = self.binary(amend)?;
        let mut rest = Vec::new();
        while self.eat(Kind::QQ) {
            rest.push(self.binary(amend)?);
            if rest.len() > MAX_CHAIN {
                return None;
            }
        }
        let Some(mut acc) = rest.pop() else {
            return Some(first);
        };
        while let Some(lhs) = rest.pop() {
            acc = bin(BinaryOp::Coalesce, lhs, acc);
        }
        Some(bin(BinaryOp::Coalesce, first, acc))
    }

    /// `||` down to `* / %` by precedence climbing, which builds the tree
    /// the grammar's one-rule-per-level ladder builds with fewer calls.
    /// Gives up after [`MAX_CHAIN`] operators in all (the grammar counts
    /// per level, so this is stricter) and at a second comparison in a row.
    fn binary(&mut self, amend: bool) -> Option<Expr> {
        let lhs = self.unary(amend)?;
        let mut count = 0;
        self.climb(amend, lhs, OR, &mut count)
    }

    /// Extends `lhs` with the operators binding at least as tightly as `min`.
    fn climb(&mut self, amend: bool, mut lhs: Expr, min: u8, count: &mut usize) -> Option<Expr> {
        while let Some((op, power)) = self.peek().and_then(binary_op) {
            if power < min {
                break;
            }
            self.pos += 1;
            *count += 1;
            if *count > MAX_CHAIN {
                return None;
            }
            // The grammar looks for a missing operand at all levels but
            // the comparisons.
            if power != CMP {
                self.value_follows()?;
            }
            let mut rhs = self.unary(amend)?;
            while let Some((_, next)) = self.peek().and_then(binary_op) {
                if next <= power {
                    break;
                }
                rhs = self.climb(amend, rhs, power + 1, count)?;
            }
            if power == CMP
                && self
                    .peek()
                    .and_then(binary_op)
                    .is_some_and(|(_, p)| p == CMP)
            {
                return None;
            }
            lhs = bin(op, lhs, rhs);
        }
        Some(lhs)
    }

    /// `!` and `-` in front of a postfix expression.
    fn unary(&mut self, amend: bool) -> Option<Expr> {
        let mut ops = Vec::new();
        loop {
            let op = match self.peek()? {
                Kind::Bang => UnaryOp::Not,
                Kind::Minus => UnaryOp::Neg,
                _ => break,
            };
            ops.push((op, self.span_here()?));
            self.pos += 1;
            if ops.len() > MAX_CHAIN {
                return None;
            }
        }
        let mut operand = self.postfix(amend)?;
        while let Some((op, span)) = ops.pop() {
            let span = span.to(operand.span);
            operand = Expr::new(
                ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
                span,
            );
        }
        Some(operand)
    }

    /// An atom followed by `.key`, `[index]` and (with `amend`) `{ }`.
    fn postfix(&mut self, amend: bool) -> Option<Expr> {
        let mut e = self.atom()?;
        let mut n = 0;
        loop {
            let start = self.pos;
            let kind = match self.peek() {
                Some(Kind::Dot) => {
                    self.pos += 1;
                    let name = self.key()?;
                    ExprKind::Field {
                        target: Box::new(e),
                        name,
                    }
                }
                // `[*]` starts the next member (`a = x` then `[*] { }`):
                // no index starts with `*`.
                Some(Kind::LBracket) if self.peek_at(self.pos + 1) == Some(Kind::Star) => {
                    return Some(e);
                }
                Some(Kind::LBracket) => {
                    self.pos += 1;
                    let index = self.expr(true)?;
                    self.expect(Kind::RBracket)?;
                    ExprKind::Index {
                        target: Box::new(e),
                        index: Box::new(index),
                    }
                }
                Some(Kind::LBrace) if amend => ExprKind::Amend {
                    base: Box::new(e),
                    body: self.body()?,
                },
                _ => return Some(e),
            };
            n += 1;
            if n > MAX_CHAIN {
                return None;
            }
            let span = match &kind {
                ExprKind::Field { target, .. }
                | ExprKind::Index { target, .. }
                | ExprKind::Amend { base: target, .. } => target.span.to(self.span_from(start)),
                _ => self.span_from(start),
            };
            e = Expr::new(kind, span);
        }
    }

    /// Literals, strings, names, calls, lists, comprehensions, parentheses
    /// and records.
    fn atom(&mut self) -> Option<Expr> {
        let tok = *self.toks.get(self.pos)?;
        let span = tok.span(self.file);
        let kind = match tok.kind {
            Kind::None => ExprKind::None,
            Kind::True => ExprKind::Bool(true),
            Kind::False => ExprKind::Bool(false),
            Kind::Int => ExprKind::Int(int_value(tok.text(self.text))?),
            Kind::Float => ExprKind::Float(float_value(tok.text(self.text))?),
            Kind::Quantity => {
                let text = tok.text(self.text);
                crate::parser::expr::quantity(text, quantity_suffix_at(text) as u32)
            }
            Kind::StrStart | Kind::MlStrStart => return self.string(),
            Kind::Ident => return self.name_or_call(),
            Kind::LBracket => return self.list(),
            Kind::LParen => {
                let start = self.pos;
                self.pos += 1;
                let inner = self.expr(true)?;
                self.expect(Kind::RParen)?;
                let kind = ExprKind::Paren(Box::new(inner));
                return Some(Expr::new(kind, self.span_from(start)));
            }
            Kind::LBrace => {
                let body = self.body()?;
                let span = body.span;
                return Some(Expr::new(ExprKind::Record(body), span));
            }
            _ => return None,
        };
        self.pos += 1;
        Some(Expr::new(kind, span))
    }

    /// `name` or `name(args)`.
    fn name_or_call(&mut self) -> Option<Expr> {
        let start = self.pos;
        let name = self.ident()?;
        if !self.eat(Kind::LParen) {
            let span = name.span;
            return Some(Expr::new(ExprKind::Name(name), span));
        }
        let args = self.items(Kind::RParen)?;
        let kind = ExprKind::Call { func: name, args };
        Some(Expr::new(kind, self.span_from(start)))
    }

    /// Expressions separated by `,` (a trailing one allowed) up to and
    /// including `close`.
    fn items(&mut self, close: Kind) -> Option<Vec<Expr>> {
        let base = self.exprs.len();
        while !self.at(close) {
            let item = self.expr(true)?;
            self.exprs.push(item);
            if !self.eat(Kind::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Some(self.exprs.drain(base..).collect())
    }

    /// `[items]` or `[for x in xs ...: e]`.
    fn list(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.expect(Kind::LBracket)?;
        let kind = if self.at(Kind::For) {
            let k = self.comprehension()?;
            self.expect(Kind::RBracket)?;
            k
        } else {
            ExprKind::List(self.items(Kind::RBracket)?)
        };
        Some(Expr::new(kind, self.span_from(start)))
    }

    /// `for ... [for ... | if ...]* : body` inside the brackets.
    fn comprehension(&mut self) -> Option<ExprKind> {
        let mut clauses = Vec::new();
        loop {
            match self.peek()? {
                Kind::For => {
                    self.pos += 1;
                    let (key_var, value_var) = self.loop_vars()?;
                    self.expect(Kind::In)?;
                    let iter = self.expr(true)?;
                    clauses.push(CompClause::For {
                        key_var,
                        value_var,
                        iter,
                    });
                }
                Kind::If if !clauses.is_empty() => {
                    self.pos += 1;
                    clauses.push(CompClause::If(self.expr(true)?));
                }
                Kind::Colon if !clauses.is_empty() => break,
                _ => return None,
            }
        }
        self.pos += 1;
        let body = Box::new(self.expr(true)?);
        Some(ExprKind::ListComp { clauses, body })
    }
}
