//! Values to JSON.
//!
//! In: an evaluated value. Out: `serde_json::Value` in field order; a
//! Quantity prints in canonical form, a Secret as `{"$secret": "<path>"}`
//! (never its ciphertext), an invalid value as `null`.

use crate::eval::expr::format_float;
use crate::eval::Evaluator;
use crate::eval::Object;
use crate::value::{Value, ValueKind};
use serde_json::{Map, Number, Value as Json};
use std::rc::Rc;

/// The JSON form of `v`, forcing every field. A value that contains itself
/// (validation reports it) prints `null` where it recurs.
pub fn to_json<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> Json {
    JsonWalk::new(ev).json(v)
}

/// The JSON form of `v`, or `None` when `v` contains itself.
pub fn to_json_finite<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> Option<Json> {
    let mut walk = JsonWalk::new(ev);
    let json = walk.json(v);
    (!walk.recurred).then_some(json)
}

/// A walk that prints a value, remembering the objects it is inside of.
struct JsonWalk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    open: Vec<*const Object<'a>>,
    /// An object recurred inside itself (or nesting passed the limit).
    recurred: bool,
}

impl<'e, 'a> JsonWalk<'e, 'a> {
    fn new(ev: &'e Evaluator<'a>) -> Self {
        JsonWalk {
            ev,
            open: Vec::new(),
            recurred: false,
        }
    }

    fn json(&mut self, v: &Value<'a>) -> Json {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
            ValueKind::None | ValueKind::Invalid => Json::Null,
            ValueKind::Bool(b) => Json::Bool(*b),
            ValueKind::Int(n) => Json::Number((*n).into()),
            ValueKind::Float(x) => {
                Number::from_f64(*x).map_or_else(|| Json::String(format_float(*x)), Json::Number)
            }
            ValueKind::Str(s) => Json::String(s.to_string()),
            ValueKind::Quantity(q) => Json::String(q.to_string()),
            ValueKind::Secret(s) => {
                let mut m = Map::new();
                m.insert(
                    "$secret".into(),
                    s.path
                        .as_ref()
                        .map_or(Json::Null, |p| Json::String(p.to_string())),
                );
                Json::Object(m)
            }
            ValueKind::List(xs) => Json::Array(xs.iter().map(|x| self.json(x)).collect()),
            ValueKind::Object(o) => {
                if self.open.len() >= crate::validate::MAX_DEPTH
                    || self.open.contains(&Rc::as_ptr(o))
                {
                    self.recurred = true;
                    return Json::Null;
                }
                self.open.push(Rc::as_ptr(o));
                let mut m = Map::new();
                for k in self.ev.keys(o).iter() {
                    let fv = self
                        .ev
                        .field(o, k, o.span)
                        .unwrap_or_else(|| Value::invalid(o.span));
                    m.insert(k.to_string(), self.json(&fv));
                }
                self.open.pop();
                Json::Object(m)
            }
        })
    }
}

/// True when a Secret is anywhere inside `v`.
pub fn contains_secret<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> bool {
    secret_in(ev, v, &mut Vec::new())
}

fn secret_in<'a>(ev: &Evaluator<'a>, v: &Value<'a>, open: &mut Vec<*const Object<'a>>) -> bool {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
        ValueKind::Secret(_) => true,
        ValueKind::List(xs) => xs.iter().any(|x| secret_in(ev, x, open)),
        ValueKind::Object(o) => {
            if open.len() >= crate::validate::MAX_DEPTH || open.contains(&Rc::as_ptr(o)) {
                return false;
            }
            open.push(Rc::as_ptr(o));
            let found = ev.keys(o).iter().any(|k| {
                ev.field(o, k, o.span)
                    .is_some_and(|fv| secret_in(ev, &fv, open))
            });
            open.pop();
            found
        }
        _ => false,
    })
}
