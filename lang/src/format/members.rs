//! Printing the module, declarations, bodies, members and types.

use super::comments::{layout, Piece};
use super::printer::Printer;
use crate::ast::{Body, Import, Item, Key, Member, MemberKind, Module, ModulePath, Type, TypeKind};
use crate::span::Span;

/// Where a body sits, which decides whether several members may share
/// its line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// A record expression or the body of an amend expression
    /// (`x = { a = 1, b = 2 }`, `Topic { name = "t", partitions = 3 }`):
    /// data, which may stay on one line with several fields.
    Record,
    /// The body of a member (`db { ... }`, `for`, `if`) or a schema: on one
    /// line only with a single member.
    Member,
}

/// A member that may share a line with others in a record expression: a
/// field (`path = expr`, `path += expr`, `name: Type = expr`).
fn is_simple(m: &Member) -> bool {
    matches!(
        m.kind,
        MemberKind::Assign { .. } | MemberKind::Append { .. } | MemberKind::Decl { .. }
    )
}

/// A top-level piece of a module.
enum Top<'m> {
    Amends(&'m ModulePath),
    Import(&'m Import),
    Item(&'m Item),
}

impl Printer<'_> {
    pub(super) fn module(&mut self, m: &Module) {
        let cx = self.cx;
        let mut tops: Vec<(Top<'_>, Span)> = Vec::new();
        if let Some(a) = &m.amends {
            tops.push((Top::Amends(a), a.stmt_span));
        }
        for i in &m.imports {
            tops.push((Top::Import(i), i.path.stmt_span));
        }
        let header = tops.len();
        for item in &m.items {
            tops.push((Top::Item(item), item_span(item)));
        }
        let nodes = tops.iter().map(|top| (top, cx.core(top.1)));
        let mut pieces = layout(
            cx,
            0,
            u32::try_from(cx.src.len()).unwrap_or(u32::MAX),
            nodes,
        );
        // One blank line after the amends/import block.
        if header > 0 {
            let mut seen = 0;
            for p in pieces.iter_mut() {
                // The first piece not trailing the last header line.
                if seen == header && !(p.same_line && matches!(p.piece, Piece::Comment(_))) {
                    p.blank_before = true;
                    break;
                }
                if matches!(p.piece, Piece::Node((Top::Amends(_) | Top::Import(_), _))) {
                    seen += 1;
                }
            }
        }
        self.pieces(&pieces, |p, (top, span)| match top {
            Top::Amends(a) => p.guarded(*span, &[], |p| {
                p.text("amends ");
                p.text(p.cx.text(a.span));
            }),
            Top::Import(i) => p.guarded(*span, &[], |p| {
                p.text("import ");
                p.text(p.cx.text(i.path.span));
                p.text(" as ");
                p.text(&i.alias.name);
            }),
            Top::Item(item) => p.item(item),
        });
    }

    /// Prints `f` unless a comment sits in `span` outside `parts`, in which
    /// case the node's source is copied verbatim so the comment survives.
    pub(super) fn guarded(&mut self, span: Span, parts: &[Span], f: impl FnOnce(&mut Self)) {
        let core = self.cx.core(span);
        let parts: Vec<Span> = parts.iter().copied().filter(|s| !s.is_empty()).collect();
        if self.cx.all_in(core, &parts) {
            f(self);
        } else {
            self.verbatim(core);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Schema(s) => self.guarded(s.span, &[s.body.span], |p| {
                p.text("schema ");
                p.text(&s.name.name);
                p.text(" ");
                p.body(&s.body, BodyKind::Member);
            }),
            Item::TypeAlias(t) => self.guarded(t.span, &[t.ty.span], |p| {
                p.text("type ");
                p.text(&t.name.name);
                p.text(" = ");
                p.ty(&t.ty);
            }),
            Item::Member(m) => self.member(m),
        }
    }

    /// `{}` when empty; `{ a = 1 }` or, for a record expression,
    /// `{ a = 1, b = 2 }` when it was written on one line, holds no
    /// comment and fits (see [`BodyKind`]); otherwise one member per line.
    pub(super) fn body(&mut self, b: &Body, kind: BodyKind) {
        let cx = self.cx;
        if b.members.is_empty() && cx.count_span(b.span) == 0 {
            self.text("{}");
            return;
        }
        let inline = self.written_flat(b.span)
            && match b.members.as_slice() {
                [_] => true,
                ms => kind == BodyKind::Record && ms.iter().all(is_simple),
            };
        if inline && (self.is_flat() || self.fits(|p| p.inline_body(&b.members))) {
            self.inline_body(&b.members);
            return;
        }
        if self.is_flat() {
            self.fail();
            return;
        }
        let open = b.span.start.saturating_add(1);
        let close = b.span.end.saturating_sub(1).max(open);
        let nodes = b.members.iter().map(|m| (m, cx.core(m.span)));
        let pieces = layout(cx, open, close, nodes);
        self.text("{");
        self.indent();
        self.pieces(&pieces, |p, m| p.member(m));
        self.dedent();
        self.newline(false);
        self.text("}");
    }

    fn inline_body(&mut self, members: &[Member]) {
        self.text("{ ");
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                self.text(", ");
            }
            self.member(m);
        }
        self.text(" }");
    }

    pub(super) fn member(&mut self, m: &Member) {
        let mut parts: Vec<Span> = Vec::new();
        match &m.kind {
            MemberKind::Decl { name, ty, default } => {
                parts.push(name.span());
                parts.push(ty.span);
                parts.extend(default.as_ref().map(|d| d.span));
            }
            MemberKind::Assign { path, value } | MemberKind::Append { path, value } => {
                parts.extend(path.iter().map(Key::span));
                parts.push(value.span);
            }
            MemberKind::Amend { path, body } => {
                parts.extend(path.iter().map(Key::span));
                parts.push(body.span);
            }
            MemberKind::Let { value, .. } => parts.push(value.span),
            MemberKind::For { iter, body, .. } => parts.extend([iter.span, body.span]),
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                parts.extend([cond.span, then_body.span]);
                parts.extend(else_body.as_ref().map(|b| b.span));
            }
            MemberKind::Check { cond, message } => parts.extend([cond.span, message.span]),
            MemberKind::Every { body } => parts.push(body.span),
            MemberKind::Error => {
                let core = self.cx.core(m.span);
                self.verbatim(core);
                return;
            }
        }
        self.guarded(m.span, &parts, |p| p.member_kind(&m.kind));
    }

    fn member_kind(&mut self, kind: &MemberKind) {
        match kind {
            MemberKind::Decl { name, ty, default } => {
                self.key(name);
                self.text(": ");
                self.ty(ty);
                if let Some(d) = default {
                    self.text(" = ");
                    self.expr(d);
                }
            }
            MemberKind::Assign { path, value } => {
                self.path(path);
                self.text(" = ");
                self.expr(value);
            }
            MemberKind::Append { path, value } => {
                self.path(path);
                self.text(" += ");
                self.expr(value);
            }
            MemberKind::Amend { path, body } => {
                self.path(path);
                self.text(" ");
                self.body(body, BodyKind::Member);
            }
            MemberKind::Let { name, value } => {
                self.text("let ");
                self.text(&name.name);
                self.text(" = ");
                self.expr(value);
            }
            MemberKind::For {
                key_var,
                value_var,
                iter,
                body,
            } => {
                self.for_head(key_var.as_ref(), value_var, iter);
                self.text(" ");
                self.body(body, BodyKind::Member);
            }
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                self.text("if ");
                self.expr(cond);
                self.text(" ");
                self.body(then_body, BodyKind::Member);
                if let Some(e) = else_body {
                    self.text(" else ");
                    self.else_body(e);
                }
            }
            MemberKind::Check { cond, message } => {
                self.text("check ");
                self.expr(cond);
                self.text(" : ");
                self.expr(message);
            }
            MemberKind::Every { body } => {
                self.text("[*] ");
                self.body(body, BodyKind::Member);
            }
            MemberKind::Error => {}
        }
    }

    /// An `else` body: `{ ... }`, or the `if` of an `else if` as written.
    fn else_body(&mut self, b: &Body) {
        let braced = self.cx.text(b.span).starts_with('{');
        match b.members.as_slice() {
            [m] if !braced && matches!(m.kind, MemberKind::If { .. }) => self.member(m),
            _ if braced => self.body(b, BodyKind::Member),
            _ => {
                let core = self.cx.core(b.span);
                self.verbatim(core);
            }
        }
    }

    pub(super) fn path(&mut self, path: &[Key]) {
        for (i, k) in path.iter().enumerate() {
            if i > 0 {
                self.text(".");
            }
            self.key(k);
        }
    }

    /// A key: an identifier by name, a quoted or computed key verbatim.
    pub(super) fn key(&mut self, k: &Key) {
        match k {
            Key::Name(i) => self.text(&i.name),
            Key::Quoted(i) => {
                let src = self.cx.text(i.span);
                if src.starts_with('"') {
                    self.text(src);
                } else {
                    let quoted = format!("{:?}", i.name);
                    self.text(&quoted);
                }
            }
            Key::Computed(e) => self.verbatim((e.span.start, e.span.end)),
        }
    }

    pub(super) fn ty(&mut self, t: &Type) {
        if self.cx.count_span(t.span) > 0 {
            self.verbatim((t.span.start, t.span.end));
            return;
        }
        match &t.kind {
            TypeKind::Named { name, range } => {
                for (i, n) in name.iter().enumerate() {
                    if i > 0 {
                        self.text(".");
                    }
                    self.text(&n.name);
                }
                if let Some(r) = range {
                    self.text("(");
                    if let Some(lo) = &r.lo {
                        self.expr(lo);
                    }
                    self.text("..");
                    if let Some(hi) = &r.hi {
                        self.expr(hi);
                    }
                    self.text(")");
                }
            }
            TypeKind::List(inner) => {
                self.text("[");
                self.ty(inner);
                self.text("]");
            }
            TypeKind::Map(k, v) => {
                self.text("{");
                self.ty(k);
                self.text(": ");
                self.ty(v);
                self.text("}");
            }
            TypeKind::Optional(inner) => match inner.kind {
                // Written with parentheses the tree does not keep.
                TypeKind::Union(_) | TypeKind::Optional(_) => {
                    self.verbatim((t.span.start, t.span.end));
                }
                _ => {
                    self.ty(inner);
                    self.text("?");
                }
            },
            TypeKind::Union(alts) => {
                for (i, a) in alts.iter().enumerate() {
                    if i > 0 {
                        self.text(" | ");
                    }
                    self.ty(a);
                }
            }
            TypeKind::Literal(_) | TypeKind::Error => self.verbatim((t.span.start, t.span.end)),
        }
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Schema(s) => s.span,
        Item::TypeAlias(t) => t.span,
        Item::Member(m) => m.span,
    }
}
