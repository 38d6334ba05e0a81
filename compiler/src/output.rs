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
    json_in(ev, v, &mut Vec::new()).unwrap_or_else(|j| j)
}

/// The JSON form of `v`, or `None` when `v` contains itself.
pub fn to_json_finite<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> Option<Json> {
    json_in(ev, v, &mut Vec::new()).ok()
}

/// `Err` carries the JSON made with `null` for each recurring object.
fn json_in<'a>(
    ev: &Evaluator<'a>,
    v: &Value<'a>,
    open: &mut Vec<*const Object<'a>>,
) -> Result<Json, Json> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
        ValueKind::None | ValueKind::Invalid => Ok(Json::Null),
        ValueKind::Bool(b) => Ok(Json::Bool(*b)),
        ValueKind::Int(n) => Ok(Json::Number((*n).into())),
        ValueKind::Float(x) => {
            Ok(Number::from_f64(*x).map_or_else(|| Json::String(format_float(*x)), Json::Number))
        }
        ValueKind::Str(s) => Ok(Json::String(s.to_string())),
        ValueKind::Quantity(q) => Ok(Json::String(q.to_string())),
        ValueKind::Secret(s) => {
            let mut m = Map::new();
            m.insert(
                "$secret".into(),
                s.path
                    .as_ref()
                    .map_or(Json::Null, |p| Json::String(p.to_string())),
            );
            Ok(Json::Object(m))
        }
        ValueKind::List(xs) => {
            let mut ok = true;
            let items = xs
                .iter()
                .map(|x| {
                    json_in(ev, x, open).unwrap_or_else(|j| {
                        ok = false;
                        j
                    })
                })
                .collect();
            if ok {
                Ok(Json::Array(items))
            } else {
                Err(Json::Array(items))
            }
        }
        ValueKind::Object(o) => {
            if open.len() >= crate::validate::MAX_DEPTH || open.contains(&Rc::as_ptr(o)) {
                return Err(Json::Null);
            }
            open.push(Rc::as_ptr(o));
            let mut ok = true;
            let mut m = Map::new();
            for k in ev.keys(o).iter() {
                let fv = ev
                    .field(o, k, o.span)
                    .unwrap_or_else(|| Value::invalid(o.span));
                let j = json_in(ev, &fv, open).unwrap_or_else(|j| {
                    ok = false;
                    j
                });
                m.insert(k.to_string(), j);
            }
            open.pop();
            if ok {
                Ok(Json::Object(m))
            } else {
                Err(Json::Object(m))
            }
        }
    })
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
