//! Declarations cut short by a syntax error.
//!
//! In `port: Int ?? = 8080` the grammar reads `port: Int`, reports the
//! `??`, and skips the rest of the line, so the tree holds a declaration
//! without a default. Left so, type checking would add "missing required
//! field `port`" for what is one mistake. A declaration without a default
//! whose line goes on into a syntax error is therefore given an `Error`
//! default (an error already reported, which later stages keep quiet
//! about).

use crate::ast::{Body, Expr, ExprKind, Item, Member, MemberKind, Module};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Gives an `Error` default to every declaration of `module` without one
/// that an error of `diagnostics` (sorted by start) follows on its line.
pub(super) fn mark(module: &mut Module, diagnostics: &[Diagnostic], text: &str) {
    if !diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let cx = Cx {
        errors: diagnostics,
        text,
    };
    for item in &mut module.items {
        match item {
            Item::Member(m) => cx.member(m),
            Item::Schema(s) => cx.body(&mut s.body),
            Item::TypeAlias(_) => {}
        }
    }
}

struct Cx<'a> {
    /// Every diagnostic of the file, sorted by start.
    errors: &'a [Diagnostic],
    text: &'a str,
}

impl Cx<'_> {
    /// The span of the first error after `end` on the same line.
    fn error_after(&self, end: u32) -> Option<Span> {
        let i = self.errors.partition_point(|d| d.span.start < end);
        let d = self.errors[i..].iter().find(|d| d.is_error())?;
        let gap = self.text.get(end as usize..d.span.start as usize)?;
        (!crate::source::has_line_break(gap)).then_some(d.span)
    }

    fn body(&self, body: &mut Body) {
        for m in &mut body.members {
            self.member(m);
        }
    }

    fn member(&self, m: &mut Member) {
        let end = m.span.end;
        match &mut m.kind {
            MemberKind::Decl { default, .. } => match default {
                Some(e) => self.expr(e),
                None => {
                    if let Some(at) = self.error_after(end) {
                        *default = Some(Box::new(Expr::new(ExprKind::Error, at)));
                    }
                }
            },
            MemberKind::Assign { value, .. }
            | MemberKind::Append { value, .. }
            | MemberKind::Let { value, .. } => self.expr(value),
            MemberKind::Amend { body, .. } | MemberKind::Every { body } => self.body(body),
            MemberKind::For { body, .. } => self.body(body),
            MemberKind::If {
                then_body,
                else_body,
                ..
            } => {
                self.body(then_body);
                if let Some(b) = else_body {
                    self.body(b);
                }
            }
            MemberKind::Check { .. } | MemberKind::Error => {}
        }
    }

    /// Record literals and amends, where declarations can be written.
    fn expr(&self, e: &mut Expr) {
        match &mut e.kind {
            ExprKind::Record(body) | ExprKind::Amend { body, .. } => self.body(body),
            ExprKind::Paren(inner) => self.expr(inner),
            _ => {}
        }
    }
}
