//! Validation: force the whole value so every error is found in one run.
//!
//! In: an evaluated value. Out: nothing but problems, reported through the
//! evaluator: every field of every object and every list element is
//! computed (type errors, missing and unknown fields), every schema
//! `check` is evaluated with the instance as its frame, and map keys are
//! checked against the map's key type. Each object is walked once.

use crate::eval::{EvalError, Evaluator, ObjKind, Object, Src};
use crate::types::Ty;
use crate::value::{Value, ValueKind};
use digit_lang::ast::MemberKind;
use std::rc::Rc;

/// Forces `v` completely.
pub fn force<'a>(ev: &Evaluator<'a>, v: &Value<'a>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
        ValueKind::List(xs) => xs.iter().for_each(|x| force(ev, x)),
        ValueKind::Object(o) => force_object(ev, o),
        _ => {}
    })
}

fn force_object<'a>(ev: &Evaluator<'a>, o: &Rc<Object<'a>>) {
    if o.checked.replace(true) {
        return;
    }
    let keys = ev.keys(o);
    for k in keys.iter() {
        if let Some(v) = ev.field(o, k, o.span) {
            force(ev, &v);
        }
    }
    if let ObjKind::Map { key, .. } = &o.kind {
        if !matches!(**key, Ty::Str | Ty::Any | Ty::Unknown) {
            check_keys(ev, o, key, &keys);
        }
    }
    run_checks(ev, o);
}

fn check_keys<'a>(ev: &Evaluator<'a>, o: &Rc<Object<'a>>, ty: &Rc<Ty>, keys: &[Rc<str>]) {
    for k in keys {
        let span = ev.defs(o, k).last().map_or(o.span, |d| d.key_span());
        let path = o.child_path(k);
        ev.check_value(Value::str(k.clone(), span), ty, Some(&path), None);
    }
}

/// Evaluates the `check` members of every layer of `o`.
fn run_checks<'a>(ev: &Evaluator<'a>, o: &Rc<Object<'a>>) {
    for layer in &o.layers {
        if matches!(layer.src, Src::Nested(..)) {
            continue;
        }
        let ix = ev.body_index(layer.src);
        if ix.checks.is_empty() {
            continue;
        }
        let env = ev.member_env(layer.src, o, &layer.scope);
        for pos in &ix.checks {
            let Some(m) = layer.src.member(*pos as usize) else {
                continue;
            };
            let MemberKind::Check { cond, message } = &m.kind else {
                continue;
            };
            if ev.eval_cond(cond, &env) != Some(false) {
                continue;
            }
            let msg = match ev.eval(message, &env, None).kind {
                ValueKind::Str(s) => s.to_string(),
                _ => "a check failed".to_string(),
            };
            ev.report(EvalError::CheckFailed {
                span: o.span,
                path: o.path().to_string(),
                message: msg,
                check: m.span,
            });
        }
    }
}
