//! `textDocument/definition` for what the syntax tree alone names: the
//! path of `amends` or `import` (the file, or the standard library's
//! module), and `secrets.GROUP.KEY` (where each environment of the
//! workspace stores that secret, found as `digitc secret set` finds it,
//! with `digit_compiler::secret::edit`).

use super::workspace::{self, path_to_uri, Snapshot};
use super::{diagnostics::parse_uri, stdlib};
use digit_compiler::loader::{normalize, resolve_relative};
use digit_compiler::secret::edit::Secrets;
use digit_lang::ast::{Expr, ExprKind, Key, Module};
use digit_lang::source::LineIndex;
use lsp_types::{Location, Range};
use std::path::{Path, PathBuf};

/// The module a `amends`/`import` path at `offset` names.
pub fn module_path(module: &Module, path: &Path, offset: u32) -> Option<Location> {
    let written = module
        .amends
        .iter()
        .chain(module.imports.iter().map(|i| &i.path))
        .find(|p| p.span.contains(offset))?;
    let target = resolve_module(path, &written.path)?;
    Some(Location {
        uri: parse_uri(&path_to_uri(&target)),
        range: Range::default(),
    })
}

/// The file of a module path written in `from`.
pub fn resolve_module(from: &Path, written: &str) -> Option<PathBuf> {
    match written.strip_prefix("digit:") {
        Some(name) => stdlib::file(name),
        None => Some(resolve_relative(from, written)),
    }
}

/// `secrets.GROUP.KEY` at `offset` in `module`: the group and key.
pub fn secret_reference(module: &Module, offset: u32) -> Option<(String, String)> {
    let mut found = None;
    super::walk::exprs(module, &mut |e: &Expr| {
        if !e.span.contains(offset) {
            return;
        }
        if let Some(path) = secret_path(e) {
            found = Some(path);
        }
    });
    found
}

/// `secrets.g.k` as (g, k).
fn secret_path(e: &Expr) -> Option<(String, String)> {
    let ExprKind::Field { target, name: key } = &e.kind else {
        return None;
    };
    let ExprKind::Field {
        target: root,
        name: group,
    } = &target.kind
    else {
        return None;
    };
    let ExprKind::Name(root) = &root.kind else {
        return None;
    };
    if root.name != "secrets" {
        return None;
    }
    let text = |k: &Key| k.as_static().map(str::to_string);
    Some((text(group)?, text(key)?))
}

/// Where `secrets.GROUP.KEY` is stored: in `current`, and in every `.dg`
/// file of the workspace and every open buffer (each environment stores
/// its own).
pub fn secret_sites(s: &Snapshot, current: &Path, group: &str, key: &str) -> Vec<Location> {
    let mut files: Vec<PathBuf> = s
        .roots
        .iter()
        .flat_map(|r| crate::files::dg_files(std::slice::from_ref(r)).unwrap_or_default())
        .map(|p| normalize(&p))
        .chain(s.docs.keys().cloned())
        .collect();
    files.sort();
    files.dedup();
    files.retain(|f| f != current);
    files.insert(0, current.to_path_buf());
    let mut out = Vec::new();
    for file in files {
        let Some(text) = s.text(&file) else { continue };
        let parse = digit_lang::parse(digit_lang::FileId(0), &text);
        let index = LineIndex::new(&text);
        for site in Secrets::of(&parse.module).sites {
            if site.group == group && site.key == key {
                out.push(Location {
                    uri: parse_uri(&s.uri(&file)),
                    range: workspace::range(&index, &text, site.value.start, site.value.end),
                });
            }
        }
    }
    out
}
