//! Printing expressions.
//!
//! Literals are copied from the source; everything else is rebuilt from
//! the tree with normalised spacing. Parentheses are in the tree
//! ([`ExprKind::Paren`]), so nothing is ever added or removed. An
//! expression with a comment the printer cannot place (between an operator
//! and its operand, say) is copied verbatim instead.

use super::comments::layout;
use super::members::BodyKind;
use super::printer::Printer;
use crate::ast::{BinaryOp, CompClause, Expr, ExprKind, Ident, Key, UnaryOp};
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
            ExprKind::ListComp { clauses, body } => self.comprehension(e.span, clauses, body),
            ExprKind::Record(body) => self.body(body, BodyKind::Record),
            ExprKind::Amend { base, body } => {
                self.expr(base);
                self.text(" ");
                self.body(body, BodyKind::Record);
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
            ExprKind::Call { func, args } => self.call(&func.name, args),
            ExprKind::Unary { op, operand } => {
                self.text(match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Neg => "-",
                });
                // `- -x`, not `--x`.
                if *op == UnaryOp::Neg && is_negation(operand) {
                    self.text(" ");
                }
                self.expr(operand);
            }
            ExprKind::Binary { .. } => self.binary(e),
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => self.if_expr(cond, then_branch, else_branch),
            ExprKind::Paren(inner) => {
                self.text("(");
                self.expr(inner);
                self.text(")");
            }
        }
    }

    /// `[a, b, c]` when it was written on one line, holds no comment and
    /// fits; otherwise one element per line, each followed by a comma,
    /// comments kept where they were.
    fn list(&mut self, span: Span, items: &[Expr]) {
        let cx = self.cx;
        if items.is_empty() && cx.count_span(span) == 0 {
            self.text("[]");
            return;
        }
        if self.written_flat(span) && (self.is_flat() || self.fits(|p| p.flat_list(items))) {
            self.flat_list(items);
            return;
        }
        if self.is_flat() {
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
            p.with_reserve(1, |p| p.expr(e));
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

    /// Whether the source of `span` is on one line and holds no comment:
    /// the precondition for printing a list, comprehension or record on
    /// one line.
    pub(super) fn written_flat(&self, span: Span) -> bool {
        self.cx.count_span(span) == 0 && !crate::source::has_line_break(self.cx.text(span))
    }

    /// `[for x in xs if p: e]` when it was written on one line and fits;
    /// otherwise the brackets on lines of their own and the clauses and the
    /// element one indent in: the clauses on one line when the line they
    /// start (up to the element's first line break) fits, else one clause
    /// per line.
    fn comprehension(&mut self, span: Span, clauses: &[CompClause], body: &Expr) {
        let flat = |p: &mut Self| {
            p.text("[");
            p.clauses(clauses);
            p.text(": ");
            p.expr(body);
            p.text("]");
        };
        if self.written_flat(span) && (self.is_flat() || self.fits(flat)) {
            flat(self);
            return;
        }
        if self.is_flat() {
            self.fail();
            return;
        }
        self.text("[");
        self.indent();
        self.newline(false);
        self.with_reserve(0, |p| p.comprehension_lines(clauses, body));
        self.dedent();
        self.newline(false);
        self.text("]");
    }

    /// The inside of a broken comprehension.
    fn comprehension_lines(&mut self, clauses: &[CompClause], body: &Expr) {
        if self.first_line_fits(|p| {
            p.clauses(clauses);
            p.text(": ");
            p.expr(body);
        }) {
            self.clauses(clauses);
        } else {
            for (i, c) in clauses.iter().enumerate() {
                if i > 0 {
                    self.newline(false);
                }
                self.clause(c);
            }
        }
        self.text(": ");
        self.expr(body);
    }

    fn clauses(&mut self, clauses: &[CompClause]) {
        for (i, c) in clauses.iter().enumerate() {
            if i > 0 {
                self.text(" ");
            }
            self.clause(c);
        }
    }

    /// `for k, v in iter` (or `for v in iter`), shared by comprehension
    /// clauses and `for` members.
    pub(super) fn for_head(&mut self, key_var: Option<&Ident>, value_var: &Ident, iter: &Expr) {
        self.text("for ");
        if let Some(k) = key_var {
            self.text(&k.name);
            self.text(", ");
        }
        self.text(&value_var.name);
        self.text(" in ");
        self.expr(iter);
    }

    fn clause(&mut self, c: &CompClause) {
        match c {
            CompClause::For {
                key_var,
                value_var,
                iter,
            } => self.for_head(key_var.as_ref(), value_var, iter),
            CompClause::If(cond) => {
                self.text("if ");
                self.expr(cond);
            }
        }
    }

    /// `f(a, b)` when it fits; otherwise a single argument hugs the
    /// parentheses (`f([` ... `])`) and several go one per line, each
    /// followed by a comma.
    fn call(&mut self, func: &str, args: &[Expr]) {
        let flat = |p: &mut Self| {
            p.text(func);
            p.text("(");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    p.text(", ");
                }
                p.expr(a);
            }
            p.text(")");
        };
        if self.is_flat() || self.fits(flat) {
            flat(self);
            return;
        }
        self.text(func);
        self.text("(");
        if let [arg] = args {
            let owed = self.reserve() + 1;
            self.with_reserve(owed, |p| p.expr(arg));
        } else {
            self.indent();
            for a in args {
                self.newline(false);
                self.with_reserve(1, |p| p.expr(a));
                self.text(",");
            }
            self.dedent();
            self.newline(false);
        }
        self.text(")");
    }

    /// A chain of binary operators of one precedence (`a + b - c`,
    /// `a && b && c`) stays on one line when it was written so; when a line
    /// break sat between two operands of it or of a chain inside it, every
    /// operator after the first operand starts a line of its own, one
    /// indent in.
    fn binary(&mut self, e: &Expr) {
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        chain(e, &mut operands, &mut ops);
        let spans: Vec<Span> = operands.iter().map(|o| o.span).collect();
        if !self.cx.all_in((e.span.start, e.span.end), &spans) {
            self.verbatim((e.span.start, e.span.end));
            return;
        }
        let broken = self.written_broken(e);
        if broken && self.is_flat() {
            self.fail();
            return;
        }
        let Some((first, rest)) = operands.split_first() else {
            return;
        };
        self.expr(first);
        if broken {
            self.indent();
        }
        for (op, operand) in ops.iter().zip(rest) {
            if broken {
                self.newline(false);
            } else {
                self.text(" ");
            }
            self.text(op.as_str());
            self.text(" ");
            self.expr(operand);
        }
        if broken {
            self.dedent();
        }
    }

    /// Whether a line break sat between two operands anywhere in the
    /// operator tree of `e` (parentheses and brackets end the tree), so
    /// that `a\n  && b || c` breaks the `||` chain too.
    fn written_broken(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Binary { lhs, rhs, .. } => {
                crate::source::has_line_break(self.cx.slice(lhs.span.end, rhs.span.start))
                    || self.written_broken(lhs)
                    || self.written_broken(rhs)
            }
            _ => false,
        }
    }

    /// `if c then a else b` on one line when it was written so; when a line
    /// break sat before `then` or `else`, both start a line of their own,
    /// one indent in.
    fn if_expr(&mut self, cond: &Expr, then_branch: &Expr, else_branch: &Expr) {
        let cx = self.cx;
        let broken = crate::source::has_line_break(cx.slice(cond.span.end, then_branch.span.start))
            || crate::source::has_line_break(
                cx.slice(then_branch.span.end, else_branch.span.start),
            );
        if broken && self.is_flat() {
            self.fail();
            return;
        }
        self.text("if ");
        self.expr(cond);
        if broken {
            self.indent();
            self.newline(false);
        } else {
            self.text(" ");
        }
        self.text("then ");
        self.expr(then_branch);
        if broken {
            self.newline(false);
        } else {
            self.text(" ");
        }
        self.text("else ");
        self.expr(else_branch);
        if broken {
            self.dedent();
        }
    }
}

fn is_negation(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            ..
        }
    )
}

/// How tightly a binary operator binds; operators of one level form a chain.
fn level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Coalesce => 0,
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            3
        }
        BinaryOp::Add | BinaryOp::Sub => 4,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 5,
    }
}

/// The operands and operators of the chain `e` heads, in source order:
/// left-associative levels nest to the left, `??` to the right.
fn chain<'e>(e: &'e Expr, operands: &mut Vec<&'e Expr>, ops: &mut Vec<BinaryOp>) {
    let ExprKind::Binary { op, lhs, rhs } = &e.kind else {
        operands.push(e);
        return;
    };
    let same =
        |x: &Expr| matches!(&x.kind, ExprKind::Binary { op: o, .. } if level(*o) == level(*op));
    if *op != BinaryOp::Coalesce && same(lhs) {
        chain(lhs, operands, ops);
    } else {
        operands.push(lhs);
    }
    ops.push(*op);
    if *op == BinaryOp::Coalesce && same(rhs) {
        chain(rhs, operands, ops);
    } else {
        operands.push(rhs);
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
