//! What evaluation bound each name to, recorded on request.
//!
//! Off by default: [`Evaluator::record_bindings`] switches it on and
//! [`Evaluator::take_bindings`] takes what was recorded. Each name lookup
//! ([`Evaluator::resolve_name`], a builtin call, a type named as an amend's
//! base) notes the use's span and what it bound (or that nothing did), in
//! terms the semantic model ([`crate::sema`]) can also express, so that a
//! test can hold the two to each other (`compiler/tests/bindings.rs`).

use super::object::{ObjKind, Object, Src};
use super::scope::ScopeNode;
use super::{Evaluator, FastSet};
use crate::modules::ModuleId;
use crate::types::Ty;
use digit_lang::ast::{self, MemberKind};
use digit_lang::Span;
use std::rc::Rc;

/// What a name was bound to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// A `let`; the span of its name.
    Let {
        name: Span,
    },
    /// A loop variable (of a `for` member or a comprehension); the span of
    /// its name where it is bound.
    LoopVar {
        name: Span,
    },
    /// A field of an object frame: the kind of object, and the span of
    /// every static key that defines or declares the field in the layers
    /// the lookup searched (declarations' names, the first key of member
    /// paths, inside `for`/`if` bodies too).
    Field {
        frame: Frame,
        defs: Vec<Span>,
    },
    Key,
    Root,
    /// An import alias; the span of its `import` statement.
    Import {
        span: Span,
    },
    /// A builtin function.
    Builtin(&'static str),
    /// Nothing: the name is undefined (or a type used as a value), which
    /// evaluation reports.
    Undefined,
    /// A type named as a value's base (`Service { ... }`): the span of the
    /// schema's name when it is (or its alias expands to) a schema, and the
    /// type as text.
    Type {
        schema: Option<Span>,
        text: String,
    },
}

/// The kind of object a field was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame {
    Record,
    /// An instance of the schema declared at this span (its name).
    Schema(Span),
    /// A module's value.
    Module(ModuleId),
    /// The fields of the module declaring a schema, seen from the schema's
    /// body (the bottom layers of the module's value).
    SchemaModule(ModuleId),
}

/// One recorded use: where the name is written, and what it bound.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BindingUse {
    pub span: Span,
    pub bound: Bound,
}

impl<'a> Evaluator<'a> {
    /// Starts recording what each name lookup binds (see the module doc).
    #[doc(hidden)]
    pub fn record_bindings(&self) {
        *self.bindings.borrow_mut() = Some(FastSet::default());
    }

    /// What was recorded since [`Self::record_bindings`], each use once per
    /// distinct binding, sorted by span; recording stops.
    #[doc(hidden)]
    pub fn take_bindings(&self) -> Vec<BindingUse> {
        let mut out: Vec<BindingUse> = self
            .bindings
            .borrow_mut()
            .take()
            .unwrap_or_default()
            .into_iter()
            .collect();
        out.sort_by_key(|b| b.span);
        out
    }

    fn recording(&self) -> bool {
        self.bindings.borrow().is_some()
    }

    fn note(&self, span: Span, bound: Bound) {
        if let Some(set) = self.bindings.borrow_mut().as_mut() {
            set.insert(BindingUse { span, bound });
        }
    }

    /// Notes that `name`, used at `span`, was found in scope node `node`.
    #[inline]
    pub(super) fn note_binding(&self, node: &ScopeNode<'a>, name: &str, span: Span) {
        if self.recording() {
            self.note_binding_slow(node, name, span);
        }
    }

    #[cold]
    fn note_binding_slow(&self, node: &ScopeNode<'a>, name: &str, span: Span) {
        let bound = match node {
            ScopeNode::Var { at, .. } => Bound::LoopVar { name: *at },
            ScopeNode::Lets { src, .. } => {
                // The `let` whose value the scope's index holds (the last
                // of a name defined twice), found by where it is written.
                let value = self.body_index(*src).lets.get(name).map(|e| e.span);
                let Some(at) = (0..src.len())
                    .filter_map(|i| src.member(i))
                    .find_map(|m| match &m.kind {
                        MemberKind::Let { name: n, value: v } if Some(v.span) == value => {
                            Some(n.span)
                        }
                        _ => None,
                    })
                else {
                    return;
                };
                Bound::Let { name: at }
            }
            ScopeNode::Frame { obj, .. } => {
                let obj = self.obj(*obj);
                Bound::Field {
                    frame: self.frame_kind(obj),
                    defs: self.def_spans(obj, name, obj.layers.len()),
                }
            }
            ScopeNode::Module { obj, upto, .. } => {
                let obj = self.obj(*obj);
                Bound::Field {
                    frame: match obj.kind {
                        ObjKind::Module(m) => Frame::SchemaModule(m),
                        _ => self.frame_kind(obj),
                    },
                    defs: self.def_spans(obj, name, *upto),
                }
            }
            ScopeNode::Root { module } => match name {
                "key" => Bound::Key,
                "root" if self.root.get().is_some() => Bound::Root,
                _ => match self
                    .graph
                    .get(*module)
                    .and_then(|m| m.imports.iter().find(|i| i.alias == name))
                {
                    Some(imp) => Bound::Import { span: imp.span },
                    None => Bound::Undefined,
                },
            },
        };
        self.note(span, bound);
    }

    /// Notes a call of the builtin `name` at `span`.
    pub(super) fn note_builtin(&self, span: Span, name: &'static str) {
        if self.recording() {
            self.note(span, Bound::Builtin(name));
        }
    }

    /// Notes the import alias used at `span` to name a type
    /// (`alias.Name { ... }`), its `import` statement at `import`.
    pub(super) fn note_import(&self, span: Span, import: Span) {
        if self.recording() {
            self.note(span, Bound::Import { span: import });
        }
    }

    /// Notes the type `ty` named at `span` as an amend's base.
    pub(super) fn note_type(&self, span: Span, ty: &Rc<Ty>) {
        if !self.recording() {
            return;
        }
        let schema = match &**ty {
            Ty::Schema(id, _) => self.types.schemas.get(*id).map(|s| s.ast.name.span),
            _ => None,
        };
        self.note(
            span,
            Bound::Type {
                schema,
                text: ty.to_string(),
            },
        );
    }

    fn frame_kind(&self, obj: &Object<'a>) -> Frame {
        match &obj.kind {
            ObjKind::Record | ObjKind::Map { .. } => Frame::Record,
            ObjKind::Schema(id, _) => match self.types.schemas.get(*id) {
                Some(s) => Frame::Schema(s.ast.name.span),
                None => Frame::Record,
            },
            ObjKind::Module(m) => Frame::Module(*m),
        }
    }

    /// The span of every static key defining `name` in the bottom `upto`
    /// layers of `obj`, sorted.
    fn def_spans(&self, obj: &Object<'a>, name: &str, upto: usize) -> Vec<Span> {
        let mut out = Vec::new();
        for l in obj.layers.iter().take(upto) {
            match l.src {
                Src::Nested(m, off) => {
                    if let Some(k) = first_key(m, off) {
                        if k.as_static() == Some(name) {
                            out.push(k.span());
                        }
                    }
                }
                src => {
                    for m in (0..src.len()).filter_map(|i| src.member(i)) {
                        member_keys(m, name, &mut out);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The key a member defines after `off` segments of its path.
fn first_key(m: &ast::Member, off: usize) -> Option<&ast::Key> {
    match &m.kind {
        MemberKind::Decl { name, .. } if off == 0 => Some(name),
        MemberKind::Assign { path, .. }
        | MemberKind::Append { path, .. }
        | MemberKind::Amend { path, .. } => path.get(off),
        _ => None,
    }
}

/// Adds the span of `m`'s key when it is `name` (through `for`/`if`
/// bodies, as [`Evaluator::has_field`] looks).
fn member_keys(m: &ast::Member, name: &str, out: &mut Vec<Span>) {
    match &m.kind {
        MemberKind::For { body, .. } => {
            for m in &body.members {
                member_keys(m, name, out);
            }
        }
        MemberKind::If {
            then_body,
            else_body,
            ..
        } => {
            for m in then_body
                .members
                .iter()
                .chain(else_body.iter().flat_map(|b| &b.members))
            {
                member_keys(m, name, out);
            }
        }
        _ => {
            if let Some(k) = first_key(m, 0) {
                if k.as_static() == Some(name) {
                    out.push(k.span());
                }
            }
        }
    }
}
