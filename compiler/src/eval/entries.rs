//! New map entries made by an amending module: a typo in a key written as
//! a path (`services."egov-searchr".replicas = 2`) adds an entry instead of
//! changing one. An entry of a schema type made that way without its
//! required fields is one error at the key, with the closest key of the
//! layers below (not one "missing field" per required field); a new key of
//! any other map written as a path, close to a key below, is a warning.

use super::fields::{Def, Op};
use super::object::{Object, Src};
use super::{EvalError, Evaluator};
use crate::modules::ModuleId;
use crate::suggest;
use crate::types::Ty;
use digit_lang::ast::{self, MemberKind};
use std::rc::Rc;

impl<'a> Evaluator<'a> {
    /// Checks entry `key` of map `obj`, defined by `defs` (bottom first),
    /// whose values have type `value`. True when it reported an error and
    /// the entry is to be invalid.
    pub(super) fn new_entry_problem(
        &self,
        obj: &Object<'a>,
        key: &str,
        defs: &[Def<'a>],
        value: &Rc<Ty>,
    ) -> bool {
        let Some(first) = defs.first() else {
            return false;
        };
        // Only where a module amends another: the common case (an entry
        // written in a module that amends nothing) costs one look-up.
        if self
            .graph
            .get(first.module)
            .and_then(|m| m.amends)
            .is_none()
        {
            return false;
        }
        let by_amend = matches!(first.op(), Op::Amend(_) | Op::Nested);
        let as_path = first.off > 0 || matches!(first.op(), Op::Nested);
        match value.strip_optional() {
            Ty::Schema(id, name) if by_amend => {
                if defs
                    .iter()
                    .any(|d| matches!(d.op(), Op::Set(_) | Op::Append(_)))
                {
                    return false;
                }
                let missing = self.required_unset(*id, defs);
                if missing.is_empty() {
                    return false;
                }
                let Some(below) = self.keys_below(obj, first.module) else {
                    return false;
                };
                let owner = map_name(obj, &self.arena);
                let suggestion = self.closest(key, &below);
                self.report(EvalError::NewEntryByAmend {
                    span: first.key_span(),
                    key: key.to_string(),
                    owner,
                    schema: name.to_string(),
                    missing,
                    suggestion,
                });
                true
            }
            Ty::Schema(..) => false,
            _ if as_path => {
                let Some(below) = self.keys_below(obj, first.module) else {
                    return false;
                };
                // A warning about a legal key: only for a likely typo (one
                // or two characters off), not for any similar name.
                let near = self
                    .closest(key, &below)
                    .filter(|(k, _)| suggest::distance(key, k) <= 2);
                if let Some(suggestion) = near {
                    self.report(EvalError::NewKeyByPath {
                        span: first.key_span(),
                        key: key.to_string(),
                        owner: map_name(obj, &self.arena),
                        suggestion,
                    });
                }
                false
            }
            _ => false,
        }
    }

    /// The static keys of the layers of `obj` below the first one written
    /// in `module`, with the module of each; `None` when there are none.
    fn keys_below(&self, obj: &Object<'a>, module: ModuleId) -> Option<Vec<(&'a str, ModuleId)>> {
        let mut out = Vec::new();
        for l in obj.layers.iter().take_while(|l| l.module != module) {
            match l.src {
                Src::Nested(m, off) => {
                    if let Some(k) = nested_static_key(m, off) {
                        out.push((k, l.module));
                    }
                }
                src => {
                    let ix = self.body_index(src);
                    out.extend(ix.keyed.keys().map(|k| (*k, l.module)));
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The key of `below` closest to `key`, and the file that writes it.
    fn closest(&self, key: &str, below: &[(&'a str, ModuleId)]) -> Option<(String, String)> {
        if !self.may_suggest(below.len()) {
            return None;
        }
        let best = suggest::best(key, below.iter().map(|(k, _)| *k))?;
        let module = below.iter().find(|(k, _)| *k == best).map(|(_, m)| *m)?;
        Some((best, self.module_file_name(module)))
    }

    /// The required fields of schema `id` (declared without a default)
    /// that no definition in `defs` sets by a static key; empty when a
    /// definition may set any field (a computed key, a generator).
    fn required_unset(&self, id: usize, defs: &[Def<'a>]) -> Vec<String> {
        let Some(info) = self.types.schemas.get(id) else {
            return Vec::new();
        };
        let schema = self.body_index(Src::Members(&info.ast.body.members));
        let mut missing: Vec<&str> = Vec::new();
        for (name, pos) in &schema.keyed {
            let bare = pos.as_slice().iter().all(|&p| {
                matches!(
                    info.ast.body.members.get(p as usize).map(|m| &m.kind),
                    Some(MemberKind::Decl { default: None, .. })
                )
            });
            if bare {
                missing.push(name);
            }
        }
        for d in defs {
            match d.op() {
                Op::Nested => match nested_static_key(d.member, d.off + 1) {
                    Some(k) => missing.retain(|m| *m != k),
                    None => return Vec::new(),
                },
                Op::Amend(body) => {
                    let ix = self.body_index(Src::Members(&body.members));
                    if !ix.dynamic.is_empty() {
                        return Vec::new();
                    }
                    missing.retain(|m| !ix.keyed.contains_key(m));
                }
                _ => return Vec::new(),
            }
        }
        // In declaration order.
        let order = |n: &&str| schema.keyed.get(n).map_or(0, |p| p.as_slice()[0]);
        missing.sort_by_key(order);
        missing.into_iter().map(str::to_string).collect()
    }
}

/// The static key at `off` of a path member (`a.b."c-d" = 1`).
fn nested_static_key(m: &ast::Member, off: usize) -> Option<&str> {
    match &m.kind {
        MemberKind::Assign { path, .. }
        | MemberKind::Append { path, .. }
        | MemberKind::Amend { path, .. } => path.get(off).and_then(ast::Key::as_static),
        _ => None,
    }
}

/// How to name a map in a message: its path, or "the map".
fn map_name(obj: &Object<'_>, arena: &super::Arena<'_>) -> String {
    let p = obj.path(arena);
    if p.is_empty() {
        "the map".into()
    } else {
        format!("`{p}`")
    }
}
