//! Validation: force the whole value so every error is found in one run.
//!
//! In: an evaluated value. Out: nothing but problems, reported through the
//! evaluator: every field of every object and every list element is
//! computed (type errors, missing and unknown fields), every schema
//! `check` is evaluated with the instance as its frame, and map keys are
//! checked against the map's key type. Each object is walked once.

use crate::eval::{EvalError, Evaluator, FastMap, ObjId, ObjKind, Object, MAX_VALUE_SIZE};
use crate::types::Ty;
use crate::value::{Value, ValueKind};
use digit_lang::ast::MemberKind;
use digit_lang::Span;
use std::rc::Rc;

/// Forces `v` completely.
pub fn force<'a>(ev: &Evaluator<'a>, v: &Value) {
    let n = force_in(ev, v, &mut Walk::default(), None);
    if n > MAX_VALUE_SIZE {
        ev.report(EvalError::TooLarge {
            span: v.span,
            path: "the module".into(),
            what: "values when printed",
            size: n,
            limit: MAX_VALUE_SIZE,
        });
        ev.halt();
    }
}

/// How deep records may nest in a value that is forced or printed.
pub const MAX_DEPTH: usize = 256;

/// The objects the walk is inside of, innermost last.
#[derive(Default)]
struct Walk {
    open: Vec<ObjId>,
    /// [`EvalError::TooDeep`] is reported once per walk.
    too_deep: bool,
    /// The size of each list walked (by address: every list walked is
    /// held by the value being walked, so no address is reused): how many
    /// values it holds, shared parts counted each time they appear (as
    /// `digitc eval` prints them). A shared list is walked once.
    sizes: FastMap<usize, u64>,
    /// The size of each object walked, by id.
    object_sizes: FastMap<ObjId, u64>,
}

/// The field a value being forced is stored at: its object and key.
type Place<'p, 'a> = Option<(&'p Object<'a>, &'p str)>;

/// Forces `v`, the value of the field `at`, and returns its size (see
/// [`Walk::sizes`]). `open` holds the objects `v` is inside of, so a value
/// that contains itself (`h = { a = [h] }`) is an error rather than an
/// endless walk.
fn force_in<'a>(ev: &Evaluator<'a>, v: &Value, walk: &mut Walk, at: Place<'_, 'a>) -> u64 {
    // Only lists and objects nest; scalars need no stack check.
    match &v.kind {
        ValueKind::List(xs) => {
            let id = Rc::as_ptr(xs) as usize;
            if let Some(n) = walk.sizes.get(&id) {
                return *n;
            }
            let n = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                let mut n = 1u64;
                for x in xs.iter() {
                    if ev.halted() {
                        break;
                    }
                    n = n.saturating_add(force_in(ev, x, walk, at));
                }
                n
            });
            walk.sizes.insert(id, n);
            n
        }
        ValueKind::Object(o) => {
            if let Some(n) = walk.object_sizes.get(o) {
                return *n;
            }
            let n = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                force_object(ev, ev.obj(*o), walk, at)
            });
            walk.object_sizes.insert(*o, n);
            n
        }
        // A `secret(...)` that never reached a field typed Secret (a `Json`
        // field, say) has no path, so no key could ever open it.
        ValueKind::Secret(s) if s.path.is_none() => {
            ev.report(EvalError::SecretOutsideSecrets {
                span: v.span,
                path: at.map(|(o, k)| o.child_path(k, ev.arena()).to_string()),
            });
            1
        }
        _ => 1,
    }
}

/// Where the field `at` is defined (the object's own span at the root).
fn place_span<'a>(ev: &Evaluator<'a>, o: &Object<'a>, at: Place<'_, 'a>) -> Span {
    at.map_or(o.span, |(obj, k)| {
        ev.defs(obj, k).last().map_or(obj.span, |d| d.member.span)
    })
}

/// Forces every field of `o` and returns its size.
fn force_object<'a>(ev: &Evaluator<'a>, o: &Object<'a>, walk: &mut Walk, at: Place<'_, 'a>) -> u64 {
    if walk.open.contains(&o.id) {
        let span = place_span(ev, o, at);
        let inner = at.map_or_else(
            || "a value inside it".to_string(),
            |(obj, k)| obj.child_path(k, ev.arena()).to_string(),
        );
        let path = match &*o.path(ev.arena()) {
            "" => "the module".to_string(),
            p => p.to_string(),
        };
        ev.report(EvalError::Cycle {
            span,
            cycle: vec![path.clone(), inner, path],
        });
        return 1;
    }
    if walk.open.len() >= MAX_DEPTH {
        if std::mem::replace(&mut walk.too_deep, true) {
            return 1;
        }
        // Each level a new object: `h = { a = h } { a { b = 1 } }` amends
        // `h` inside itself forever. No real configuration is this deep.
        let span = place_span(ev, o, at);
        let path = o.path(ev.arena());
        let short = match path.match_indices('.').nth(5) {
            Some((i, _)) => format!("{}...", &path[..i]),
            None => path.to_string(),
        };
        ev.report(EvalError::TooDeep {
            span,
            path: short,
            depth: MAX_DEPTH,
        });
        return 1;
    }
    if o.checked.replace(true) {
        return 1;
    }
    walk.open.push(o.id);
    let keys = ev.keys(o);
    o.reserve_fields(keys.len());
    let mut size = 1u64;
    for k in keys.iter() {
        if ev.halted() {
            break;
        }
        if let Some(v) = ev.field_rc(o, k, o.span) {
            let n = force_in(ev, &v, walk, Some((o, k)));
            if n > MAX_VALUE_SIZE {
                // The innermost field past the limit: the value that grew.
                ev.report(EvalError::TooLarge {
                    span: place_span(ev, o, Some((o, k))),
                    path: crate::eval::fields::short_path(&o.child_path(k, ev.arena())),
                    what: "values when printed",
                    size: n,
                    limit: MAX_VALUE_SIZE,
                });
                ev.halt();
            }
            size = size.saturating_add(n);
        }
    }
    walk.open.pop();
    if ev.halted() {
        return size;
    }
    if let ObjKind::Map { key, .. } = &o.kind {
        if !matches!(**key, Ty::Str | Ty::Any | Ty::Unknown) {
            check_keys(ev, o, key, &keys);
        }
    }
    run_checks(ev, o);
    size
}

fn check_keys<'a>(ev: &Evaluator<'a>, o: &Object<'a>, ty: &Rc<Ty>, keys: &[Rc<str>]) {
    for k in keys {
        let span = ev.defs(o, k).last().map_or(o.span, |d| d.key_span());
        let path = o.child(k);
        ev.check_value(Value::str(k.clone(), span), ty, Some(&path), None);
    }
}

/// Evaluates the `check` members of every layer of `o`.
fn run_checks<'a>(ev: &Evaluator<'a>, o: &Object<'a>) {
    // Made already when the keys were listed; a nested path has no index
    // and no checks.
    let envs = ev.layer_envs(o);
    for (layer, le) in o.layers.iter().zip(envs.iter()) {
        let Some(ix) = &le.ix else { continue };
        if ix.checks.is_empty() {
            continue;
        }
        let env = &le.env;
        for pos in &ix.checks {
            let Some(m) = layer.src.member(*pos as usize) else {
                continue;
            };
            let MemberKind::Check { cond, message } = &m.kind else {
                continue;
            };
            if ev.eval_cond(cond, env) != Some(false) {
                continue;
            }
            let msg = match ev.eval(message, env, None).kind {
                ValueKind::Str(s) => s.to_string(),
                _ => "a check failed".to_string(),
            };
            ev.report(EvalError::CheckFailed {
                span: o.span,
                path: o.path(ev.arena()).to_string(),
                message: msg,
                check: m.span,
            });
        }
    }
}
