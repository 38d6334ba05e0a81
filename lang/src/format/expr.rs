//! Printing expressions.
//!
//! Literals are copied from the source; everything else is rebuilt from
//! the tree with normalised spacing. Parentheses are in the tree
//! ([`ExprKind::Paren`]), so nothing is ever added or removed. An
//! expression with a comment the printer cannot place (between an operator
//! and its operand, say) is copied verbatim instead.

use super::comments::layout;
use super::printer::Printer;
use crate::ast::{CompClause, Expr, ExprKind, Key, UnaryOp};
use crate::span::Span;

impl Printer<'_> {
    pub(super) fn expr(&mut self, e: &Expr) {
        if self.failed() {
            return;
        }
        let span = (e.span.start, e.span.end);
        if self.cx.count(span.0, span.1) > 0 && !self.cx.all_in(span, &children(e)) {
            self.verbatim(span);
            return;
        }
        match &e.kind {
            ExprKind::None
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Str(_)
            | ExprKind::Error => self.verbatim(span),
            ExprKind::Name(i) => self.text(&i.name),
            ExprKind::List(items) => self.list(e.span, items),
            ExprKind::ListComp { clauses, body } => {
                self.text("[");
                for (i, c) in clauses.iter().enumerate() {
                    if i > 0 {
                        self.text(" ");
                    }
                    match c {
                        CompClause::For {
                            key_var,
                            value_var,
                            iter,
                        } => {
                            self.text("for ");
                            if let Some(k) = key_var {
                                self.text(&k.name);
                                self.text(", ");
                            }
                            self.text(&value_var.name);
                            self.text(" in ");
                            self.expr(iter);
                        }
                        CompClause::If(cond) => {
                            self.text("if ");
                            self.expr(cond);
                        }
                    }
                }
                self.text(": ");
                self.expr(body);
                self.text("]");
            }
            ExprKind::Record(body) => self.body(body),
            ExprKind::Amend { base, body } => {
                self.expr(base);
                self.text(" ");
                self.body(body);
            }
            ExprKind::Field { target, name } => {
                self.expr(target);
                self.text(".");
                self.key(name);
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.text("[");
                self.expr(index);
                self.text("]");
            }
            ExprKind::Call { func, args } => {
                self.text(&func.name);
                self.text("(");
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.text(", ");
                    }
                    self.expr(a);
                }
                self.text(")");
            }
            ExprKind::Unary { op, operand } => {
                self.text(match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Neg => "-",
                });
                self.expr(operand);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs);
                self.text(" ");
                self.text(op.as_str());
                self.text(" ");
                self.expr(rhs);
            }
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => {
                self.text("if ");
                self.expr(cond);
                self.text(" then ");
                self.expr(then_branch);
                self.text(" else ");
                self.expr(else_branch);
            }
            ExprKind::Paren(inner) => {
                self.text("(");
                self.expr(inner);
                self.text(")");
            }
        }
    }

    /// `[a, b, c]` when it fits and holds no comment; otherwise one element
    /// per line, each followed by a comma, comments kept where they were.
    fn list(&mut self, span: Span, items: &[Expr]) {
        let cx = self.cx;
        let comments = cx.count_span(span);
        if comments == 0 {
            if self.is_flat() {
                self.flat_list(items);
                return;
            }
            if items.is_empty() || self.fits(|p| p.flat_list(items)) {
                self.flat_list(items);
                return;
            }
        } else if self.is_flat() {
            self.fail();
            return;
        }
        let open = span.start.saturating_add(1);
        let close = span.end.saturating_sub(1).max(open);
        let pieces = layout(
            cx,
            open,
            close,
            items.iter().map(|e| (e, (e.span.start, e.span.end))),
        );
        self.text("[");
        self.indent();
        self.pieces(&pieces, |p, e| {
            p.expr(e);
            p.text(",");
        });
        self.dedent();
        self.newline(false);
        self.text("]");
    }

    fn flat_list(&mut self, items: &[Expr]) {
        self.text("[");
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.text(", ");
            }
            self.expr(e);
        }
        self.text("]");
    }
}

/// The parts of `e` the printer reprints itself; a comment outside them
/// makes `e` verbatim.
fn children(e: &Expr) -> Vec<Span> {
    match &e.kind {
        // Lists and records place their own comments.
        ExprKind::List(_) | ExprKind::Record(_) => vec![e.span],
        ExprKind::None
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Quantity { .. }
        | ExprKind::Str(_)
        | ExprKind::Name(_)
        | ExprKind::Error => vec![],
        ExprKind::ListComp { clauses, body } => {
            let mut v: Vec<Span> = clauses
                .iter()
                .map(|c| match c {
                    CompClause::For { iter, .. } => iter.span,
                    CompClause::If(cond) => cond.span,
                })
                .collect();
            v.push(body.span);
            v
        }
        ExprKind::Amend { base, body } => vec![base.span, body.span],
        ExprKind::Field { target, name } => match name {
            Key::Computed(k) => vec![target.span, k.span],
            Key::Name(_) | Key::Quoted(_) => vec![target.span],
        },
        ExprKind::Index { target, index } => vec![target.span, index.span],
        ExprKind::Call { args, .. } => args.iter().map(|a| a.span).collect(),
        ExprKind::Unary { operand, .. } => vec![operand.span],
        ExprKind::Binary { lhs, rhs, .. } => vec![lhs.span, rhs.span],
        ExprKind::If {
            cond,
            then_branch,
            else_branch,
        } => vec![cond.span, then_branch.span, else_branch.span],
        ExprKind::Paren(inner) => vec![inner.span],
    }
}
