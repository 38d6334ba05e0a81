//! Walks over the syntax tree: every body, every expression.

use digit_lang::ast::{
    Body, CompClause, Expr, ExprKind, Item, Member, MemberKind, Module, StrPart,
};

/// Nesting walked at most (the parser's own limit is lower).
const MAX_DEPTH: usize = 512;

/// Something that wants to see the tree's bodies and expressions.
pub trait Visit<'a> {
    fn body(&mut self, _: &'a Body) {}
    fn expr(&mut self, _: &'a Expr) {}
}

/// Calls `f` on every expression of `module`, outer before inner.
pub fn exprs<'a>(module: &'a Module, f: &mut impl FnMut(&'a Expr)) {
    struct V<F>(F);
    impl<'a, F: FnMut(&'a Expr)> Visit<'a> for V<F> {
        fn expr(&mut self, e: &'a Expr) {
            (self.0)(e)
        }
    }
    module_(module, &mut V(f));
}

/// Calls `f` on every body of `module`, outer before inner.
pub fn bodies<'a>(module: &'a Module, f: &mut impl FnMut(&'a Body)) {
    struct V<F>(F);
    impl<'a, F: FnMut(&'a Body)> Visit<'a> for V<F> {
        fn body(&mut self, b: &'a Body) {
            (self.0)(b)
        }
    }
    module_(module, &mut V(f));
}

pub fn module_<'a>(module: &'a Module, v: &mut impl Visit<'a>) {
    for item in &module.items {
        match item {
            Item::Schema(s) => body(&s.body, v, 0),
            Item::Member(m) => member(m, v, 0),
            Item::TypeAlias(_) => {}
        }
    }
}

fn body<'a>(b: &'a Body, v: &mut impl Visit<'a>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    v.body(b);
    for m in &b.members {
        member(m, v, depth + 1);
    }
}

fn member<'a>(m: &'a Member, v: &mut impl Visit<'a>, depth: usize) {
    let d = depth + 1;
    match &m.kind {
        MemberKind::Decl { default, .. } => {
            if let Some(e) = default {
                expr(e, v, d);
            }
        }
        MemberKind::Assign { path, value } | MemberKind::Append { path, value } => {
            keys(path, v, d);
            expr(value, v, d);
        }
        MemberKind::Let { value, .. } => expr(value, v, d),
        MemberKind::Amend { path, body: b } => {
            keys(path, v, d);
            body(b, v, d);
        }
        MemberKind::Every { body: b } => body(b, v, d),
        MemberKind::For { iter, body: b, .. } => {
            expr(iter, v, d);
            body(b, v, d);
        }
        MemberKind::If {
            cond,
            then_body,
            else_body,
        } => {
            expr(cond, v, d);
            body(then_body, v, d);
            if let Some(e) = else_body {
                body(e, v, d);
            }
        }
        MemberKind::Check { cond, message } => {
            expr(cond, v, d);
            expr(message, v, d);
        }
        MemberKind::Error => {}
    }
}

fn keys<'a>(path: &'a [digit_lang::ast::Key], v: &mut impl Visit<'a>, depth: usize) {
    for k in path {
        if let digit_lang::ast::Key::Computed(e) = k {
            expr(e, v, depth);
        }
    }
}

fn expr<'a>(e: &'a Expr, v: &mut impl Visit<'a>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    v.expr(e);
    let d = depth + 1;
    match &e.kind {
        ExprKind::Str(s) => {
            for p in &s.parts {
                if let StrPart::Interp(x) = p {
                    expr(x, v, d);
                }
            }
        }
        ExprKind::List(xs) => xs.iter().for_each(|x| expr(x, v, d)),
        ExprKind::ListComp { clauses, body: b } => {
            for c in clauses {
                match c {
                    CompClause::For { iter, .. } => expr(iter, v, d),
                    CompClause::If(x) => expr(x, v, d),
                }
            }
            expr(b, v, d);
        }
        ExprKind::Record(b) => body(b, v, d),
        ExprKind::Amend { base, body: b } => {
            expr(base, v, d);
            body(b, v, d);
        }
        ExprKind::Field { target, .. } => expr(target, v, d),
        ExprKind::Index { target, index } => {
            expr(target, v, d);
            expr(index, v, d);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| expr(x, v, d)),
        ExprKind::Unary { operand, .. } => expr(operand, v, d),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs, v, d);
            expr(rhs, v, d);
        }
        ExprKind::If {
            cond,
            then_branch,
            else_branch,
        } => {
            expr(cond, v, d);
            expr(then_branch, v, d);
            expr(else_branch, v, d);
        }
        ExprKind::Paren(x) => expr(x, v, d),
        ExprKind::None
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Quantity { .. }
        | ExprKind::Name(_)
        | ExprKind::Error => {}
    }
}
