//! Values to JSON.
//!
//! In: an evaluated value. Out: `serde_json::Value` in field order
//! ([`to_json`]), or the text `serde_json::to_string_pretty` would make of
//! it, written while the value is walked ([`to_json_pretty`], what `digitc
//! eval` prints); a Quantity prints in canonical form, a Secret as
//! `{"$secret": "<path>"}` (never its ciphertext), an invalid value as
//! `null`.

use crate::eval::expr::format_float;
use crate::eval::Evaluator;
use crate::eval::{ObjId, Object};
use crate::value::{Value, ValueKind};
use serde_json::{Map, Number, Value as Json};

/// The JSON form of `v`, forcing every field. A value that contains itself
/// (validation reports it) prints `null` where it recurs.
pub fn to_json<'a>(ev: &Evaluator<'a>, v: &Value) -> Json {
    JsonWalk::new(ev).json(v)
}

/// The JSON form of `v`, or `None` when `v` contains itself.
pub fn to_json_finite<'a>(ev: &Evaluator<'a>, v: &Value) -> Option<Json> {
    let mut walk = JsonWalk::new(ev);
    let json = walk.json(v);
    (!walk.recurred).then_some(json)
}

/// A walk that prints a value, remembering the objects it is inside of.
struct JsonWalk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    open: Vec<ObjId>,
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

    fn json(&mut self, v: &Value) -> Json {
        // Each value printed is a step: a value that shares its parts
        // (`a1 = [a0, a0]`, ...) prints exponentially many.
        if !self.ev.tick(v.span) {
            self.recurred = true;
            return Json::Null;
        }
        match &v.kind {
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
            // Only lists and objects nest; scalars need no stack check.
            ValueKind::List(xs) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                Json::Array(xs.iter().map(|x| self.json(x)).collect())
            }),
            ValueKind::Object(o) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.object(self.ev.obj(*o)))
            }
        }
    }

    fn object(&mut self, o: &Object<'a>) -> Json {
        if self.open.len() >= crate::validate::MAX_DEPTH || self.open.contains(&o.id) {
            self.recurred = true;
            return Json::Null;
        }
        self.open.push(o.id);
        let keys = self.ev.keys(o);
        let mut m = Map::with_capacity(keys.len());
        for k in keys.iter() {
            let fv = self
                .ev
                .field_rc(o, k, o.span)
                .unwrap_or_else(|| Value::invalid(o.span));
            m.insert(k.to_string(), self.json(&fv));
        }
        self.open.pop();
        Json::Object(m)
    }
}

/// The text of [`to_json`] as `serde_json::to_string_pretty` prints it
/// (two-space indent, fields in order), written while the value is walked
/// instead of through a JSON tree.
pub fn to_json_pretty<'a>(ev: &Evaluator<'a>, v: &Value) -> String {
    let mut walk = PrettyWalk {
        ev,
        open: Vec::new(),
        depth: 0,
        out: Vec::with_capacity(4096),
    };
    walk.value(v);
    // Every piece written is UTF-8: JSON punctuation and serde_json's
    // encoding of strings and numbers.
    String::from_utf8(walk.out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
}

/// A walk that writes a value as pretty JSON text.
struct PrettyWalk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    /// The objects being written, outermost first.
    open: Vec<ObjId>,
    /// How deep the value being written is nested (objects and lists).
    depth: usize,
    out: Vec<u8>,
}

impl<'a> PrettyWalk<'_, 'a> {
    /// A JSON string (escaped as serde_json escapes it).
    fn string(&mut self, s: &str) {
        // serde_json escapes `"`, `\\` and control characters below
        // U+0020 only; a string without them is written as it is.
        if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.out.push(b'"');
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(b'"');
            return;
        }
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    /// A newline and the indent of `depth` levels.
    fn indent(&mut self, depth: usize) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + 2 * depth, b' ');
    }

    fn value(&mut self, v: &Value) {
        let depth = self.depth;
        match &v.kind {
            ValueKind::None | ValueKind::Invalid => self.out.extend_from_slice(b"null"),
            ValueKind::Bool(b) => self
                .out
                .extend_from_slice(if *b { b"true" } else { b"false" }),
            ValueKind::Int(n) => {
                let _ = serde_json::to_writer(&mut self.out, n);
            }
            ValueKind::Float(x) => {
                if x.is_finite() {
                    let _ = serde_json::to_writer(&mut self.out, x);
                } else {
                    self.string(&format_float(*x));
                }
            }
            ValueKind::Str(s) => self.string(s),
            ValueKind::Quantity(q) => {
                // A canonical quantity is digits, a sign, a dot and a
                // suffix: nothing to escape.
                use std::io::Write;
                let _ = write!(self.out, "\"{q}\"");
            }
            ValueKind::Secret(s) => {
                self.out.push(b'{');
                self.indent(depth + 1);
                self.string("$secret");
                self.out.extend_from_slice(b": ");
                match &s.path {
                    Some(p) => self.string(p),
                    None => self.out.extend_from_slice(b"null"),
                }
                self.indent(depth);
                self.out.push(b'}');
            }
            // Only lists and objects nest; scalars need no stack check.
            ValueKind::List(xs) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.list(xs, depth))
            }
            ValueKind::Object(o) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                self.object(self.ev.obj(*o), depth)
            }),
        }
    }

    fn list(&mut self, xs: &[Value], depth: usize) {
        if xs.is_empty() {
            self.out.extend_from_slice(b"[]");
            return;
        }
        self.out.push(b'[');
        for (i, x) in xs.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.indent(depth + 1);
            self.depth += 1;
            self.value(x);
            self.depth -= 1;
        }
        self.indent(depth);
        self.out.push(b']');
    }

    fn object(&mut self, o: &Object<'a>, depth: usize) {
        if self.open.len() >= crate::validate::MAX_DEPTH || self.open.contains(&o.id) {
            self.out.extend_from_slice(b"null");
            return;
        }
        self.open.push(o.id);
        let keys = self.ev.keys(o);
        if keys.is_empty() {
            self.open.pop();
            self.out.extend_from_slice(b"{}");
            return;
        }
        self.out.push(b'{');
        self.depth += 1;
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.indent(depth + 1);
            self.string(k);
            self.out.extend_from_slice(b": ");
            let fv = self
                .ev
                .field_rc(o, k, o.span)
                .unwrap_or_else(|| Value::invalid(o.span));
            self.value(&fv);
        }
        self.depth -= 1;
        self.open.pop();
        self.indent(depth);
        self.out.push(b'}');
    }
}

/// True when a Secret is anywhere inside `v`.
pub fn contains_secret<'a>(ev: &Evaluator<'a>, v: &Value) -> bool {
    secret_in(ev, v, &mut Vec::new())
}

fn secret_in<'a>(ev: &Evaluator<'a>, v: &Value, open: &mut Vec<ObjId>) -> bool {
    if !ev.tick(v.span) {
        return false;
    }
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v.kind {
        ValueKind::Secret(_) => true,
        ValueKind::List(xs) => xs.iter().any(|x| secret_in(ev, x, open)),
        ValueKind::Object(o) => {
            let o = ev.obj(*o);
            if open.len() >= crate::validate::MAX_DEPTH || open.contains(&o.id) {
                return false;
            }
            open.push(o.id);
            let found = ev.keys(o).iter().any(|k| {
                ev.field_rc(o, k, o.span)
                    .is_some_and(|fv| secret_in(ev, &fv, open))
            });
            open.pop();
            found
        }
        _ => false,
    })
}
