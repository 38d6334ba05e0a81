//! Helps computed on the error path only: why a name did not mean what the
//! user thought (a `let` of another module, a nearer field hiding an outer
//! one). Nothing here runs unless a diagnostic is being reported.

use super::object::{ObjId, Object, Src};
use super::scope::{Scope, ScopeNode};
use super::Evaluator;
use crate::modules::ModuleId;
use digit_lang::ast::{Expr, ExprKind, StrPart};

/// Where a name is bound, while looking for what a nearer binding hides.
enum Binding<'s, 'a> {
    /// A `let` or a loop variable.
    Local,
    /// A field of an object.
    Field(&'s Object<'a>),
}

impl<'a> Evaluator<'a> {
    /// When `name` is a top-level `let` of a module that `module` amends
    /// (or of `module` itself, read from a module amending it), the help
    /// saying that `let`s are local and how to share the value instead.
    pub(crate) fn foreign_let_help(&self, module: ModuleId, name: &str) -> Option<String> {
        let chain = self.graph.amends_chain(module);
        chain
            .iter()
            .skip(1)
            .find_map(|&m| self.let_help(m, name, false))
    }

    /// The help for `name`, a top-level `let` of module `m` read from
    /// outside it (`imported`: through an import, else by a module amending
    /// `m`); `None` when `m` has no such `let`.
    pub(crate) fn let_help(&self, m: ModuleId, name: &str, imported: bool) -> Option<String> {
        let info = self.graph.get(m)?;
        let expr = self
            .body_index(Src::Items(&info.ast.items))
            .lets
            .get(name)
            .copied()?;
        let file = self.module_file_name(m);
        let (ty, value) = literal(expr);
        let then = if imported {
            format!("the modules importing {file} can then read it")
        } else {
            format!("the modules amending {file} can then read it, and override it")
        };
        Some(format!(
            "`{name}` is a `let` of {file}, and a `let` is local to its module; to share the \
             value, make it a field of {file}: `{name}: {ty} = {value}` ({then})"
        ))
    }

    /// When `e` reads a name (`ingress`, or `ingress.open_endpoints`
    /// through its first name) that a nearer field or `let` binds while an
    /// outer scope has a field of the same name, the help saying what the
    /// name is here and how to reach the outer one. For errors about the
    /// value `e` gave (a type error, a missing field).
    pub(crate) fn shadow_help(&self, e: &Expr, env: &Scope<'a>) -> Option<String> {
        let mut head = e;
        loop {
            match &head.kind {
                ExprKind::Field { target, .. } | ExprKind::Index { target, .. } => head = target,
                ExprKind::Paren(inner) => head = inner,
                _ => break,
            }
        }
        let ExprKind::Name(id) = &head.kind else {
            return None;
        };
        let name = id.name.as_str();
        let found = self.bindings(env, name);
        let (inner, outer) = match found.as_slice() {
            [inner, outer, ..] => (inner, outer),
            _ => return None,
        };
        let Binding::Field(outer) = outer else {
            // A `let` hidden by a field cannot be reached by a path.
            return None;
        };
        let here = match inner {
            Binding::Local => format!("`{name}` here is a `let` or loop variable"),
            Binding::Field(o) => {
                let path = o.child_path(name, &self.arena);
                match &o.kind {
                    super::ObjKind::Schema(_, s) => {
                        format!("`{name}` here is this {s}'s own field (`{path}`)")
                    }
                    _ => format!("`{name}` here is `{path}`"),
                }
            }
        };
        let reach = match self.root.get() {
            Some(r) if r == outer.id => Some(format!("root.{name}")),
            Some(r) if self.outermost_frame(env) == Some(r) => {
                let p = outer.path(&self.arena);
                (!p.is_empty()).then(|| format!("root.{p}.{name}"))
            }
            _ => None,
        };
        let outer_path = outer.child_path(name, &self.arena);
        let outer = if &*outer_path == name {
            format!("the outer `{name}`")
        } else {
            format!("the outer `{name}` (`{outer_path}`)")
        };
        Some(match reach {
            Some(r) => format!("{here}, which hides {outer}: write `{r}` to read that one"),
            None => format!("{here}, which hides {outer}"),
        })
    }

    /// The bindings of `name` visible from `env`, innermost first (at most
    /// two: the one used and the one it hides).
    fn bindings<'s>(&'s self, env: &'s Scope<'a>, name: &str) -> Vec<Binding<'s, 'a>> {
        let mut out = Vec::new();
        let mut cur = env;
        while out.len() < 2 {
            match &**cur {
                ScopeNode::Var {
                    name: n, parent, ..
                } => {
                    if *n == name {
                        out.push(Binding::Local);
                    }
                    cur = parent;
                }
                ScopeNode::Lets { src, parent, .. } => {
                    if self.body_index(*src).lets.contains_key(name) {
                        out.push(Binding::Local);
                    }
                    cur = parent;
                }
                ScopeNode::Frame { obj, parent } => {
                    let obj = self.obj(*obj);
                    if !obj.is_map() && self.has_field(obj, name) {
                        out.push(Binding::Field(obj));
                    }
                    cur = parent;
                }
                ScopeNode::Module { obj, upto, parent } => {
                    let obj = self.obj(*obj);
                    if self.has_field_in(obj, name, *upto) {
                        out.push(Binding::Field(obj));
                    }
                    cur = parent;
                }
                ScopeNode::Root { .. } => break,
            }
        }
        out
    }

    /// The last object frame of a scope chain: the module's value.
    fn outermost_frame(&self, env: &Scope<'a>) -> Option<ObjId> {
        let mut last = None;
        let mut cur = env;
        loop {
            match &**cur {
                ScopeNode::Frame { obj, parent } | ScopeNode::Module { obj, parent, .. } => {
                    last = Some(*obj);
                    cur = parent;
                }
                ScopeNode::Lets { parent, .. } | ScopeNode::Var { parent, .. } => cur = parent,
                ScopeNode::Root { .. } => return last,
            }
        }
    }

    /// The last component of a module's path, or `digit:NAME`.
    pub(crate) fn module_file_name(&self, m: ModuleId) -> String {
        match self.graph.get(m).map(|i| &i.key) {
            Some(crate::modules::ModuleKey::File(p)) => p.file_name().map_or_else(
                || p.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            ),
            Some(k) => k.display(),
            None => "its module".into(),
        }
    }
}

/// The type and value to suggest for a field holding `e`: its literal's,
/// or `Type` and `...` when it is not a short literal.
fn literal(e: &Expr) -> (&'static str, String) {
    let short = |t: String| if t.len() <= 40 { t } else { "...".into() };
    match &e.kind {
        ExprKind::Str(s) => match s.parts.as_slice() {
            [StrPart::Text(t)] if !t.contains(['"', '\\', '$', '\n']) => {
                ("String", short(format!("\"{t}\"")))
            }
            _ => ("String", "...".into()),
        },
        ExprKind::Int(n) => ("Int", n.to_string()),
        ExprKind::Bool(b) => ("Bool", b.to_string()),
        ExprKind::Float(_) => ("Float", "...".into()),
        ExprKind::Quantity { .. } => ("Quantity", "...".into()),
        ExprKind::Paren(inner) => literal(inner),
        _ => ("Type", "...".into()),
    }
}
