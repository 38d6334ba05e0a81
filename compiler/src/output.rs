//! Values to JSON.
//!
//! In: an evaluated value. Out: `serde_json::Value` in field order; a
//! Quantity prints in canonical form, a Secret as `{"$secret": "<path>"}`
//! (never its ciphertext), an invalid value as `null`.

use crate::eval::expr::format_float;
use crate::eval::Evaluator;
use crate::value::{Value, ValueKind};
use serde_json::{Map, Number, Value as Json};

/// The JSON form of `v`, forcing every field.
pub fn to_json<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> Json {
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
        ValueKind::List(xs) => Json::Array(xs.iter().map(|x| to_json(ev, x)).collect()),
        ValueKind::Object(o) => {
            let mut m = Map::new();
            for k in ev.keys(o).iter() {
                let fv = ev
                    .field(o, k, o.span)
                    .unwrap_or_else(|| Value::invalid(o.span));
                m.insert(k.to_string(), to_json(ev, &fv));
            }
            Json::Object(m)
        }
    })
}

/// True when a Secret is anywhere inside `v`.
pub fn contains_secret<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> bool {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
        ValueKind::Secret(_) => true,
        ValueKind::List(xs) => xs.iter().any(|x| contains_secret(ev, x)),
        ValueKind::Object(o) => ev.keys(o).iter().any(|k| {
            ev.field(o, k, o.span)
                .is_some_and(|fv| contains_secret(ev, &fv))
        }),
        _ => false,
    })
}
