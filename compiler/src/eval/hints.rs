//! Helps computed on the error path only: why a name did not mean what the
//! user thought (a `let` of another module, a nearer field hiding an outer
//! one). Nothing here runs unless a diagnostic is being reported.

use super::object::Src;
use super::Evaluator;
use crate::modules::ModuleId;
use digit_lang::ast::{Expr, ExprKind, StrPart};

impl<'a> Evaluator<'a> {
    /// When `name` is a top-level `let` of a module that `module` amends
    /// (or of `module` itself, read from a module amending it), the help
    /// saying that `let`s are local and how to share the value instead.
    pub(crate) fn foreign_let_help(&self, module: ModuleId, name: &str) -> Option<String> {
        let chain = self.graph.amends_chain(module);
        chain.iter().skip(1).find_map(|&m| self.let_help(m, name, false))
    }

    /// The help for `name`, a top-level `let` of module `m` read from
    /// outside it (`imported`: through an import, else by a module amending
    /// `m`); `None` when `m` has no such `let`.
    pub(crate) fn let_help(&self, m: ModuleId, name: &str, imported: bool) -> Option<String> {
        let info = self.graph.get(m)?;
        let expr = self.body_index(Src::Items(&info.ast.items)).lets.get(name).copied()?;
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

    /// The last component of a module's path, or `digit:NAME`.
    pub(crate) fn module_file_name(&self, m: ModuleId) -> String {
        match self.graph.get(m).map(|i| &i.key) {
            Some(crate::modules::ModuleKey::File(p)) => p
                .file_name()
                .map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into_owned()),
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
