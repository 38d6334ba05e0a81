//! The evaluated environment as plain data: the narrow interface between
//! evaluation and lowering.
//!
//! In: the forced value of an environment module. Out: an [`EnvInput`]: the
//! value as JSON (what `digitc eval` prints), the span of the expression
//! that produced each value, by path (`services."egov-user".image`,
//! `kafka.topics[3].name`), and every Secret with its ciphertext. Lowering
//! and the platform rules read only this, so they survive any rework of the
//! evaluator. A Secret's JSON form is the marker `{"$secret": "group.key"}`;
//! its ciphertext is only in [`EnvInput::secrets`].

use crate::eval::{Evaluator, Object};
use crate::value::{join_path, Value, ValueKind};
use digit_lang::Span;
use serde_json::{Map, Number, Value as Json};
use std::collections::HashMap;
use std::rc::Rc;

/// A Secret found in the environment.
#[derive(Clone)]
pub struct SecretInput {
    /// Where it is stored, `group.key` (its additional authenticated data).
    pub path: String,
    /// The `dg1:` envelope.
    pub ciphertext: String,
    /// The `secret("dg1:...")` call.
    pub span: Span,
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretInput({})", self.path)
    }
}

/// The evaluated environment, as data.
#[derive(Debug, Default)]
pub struct EnvInput {
    /// The whole value, fields in order, quantities in canonical form.
    pub json: Json,
    spans: HashMap<String, Span>,
    /// Every distinct secret (by path), in the order first met.
    pub secrets: Vec<SecretInput>,
}

impl EnvInput {
    /// The span of the expression that produced the value at `path`.
    pub fn span(&self, path: &str) -> Option<Span> {
        self.spans.get(path).copied()
    }

    /// The span at `path`, or at the nearest enclosing path that has one,
    /// or `fallback`.
    pub fn span_near(&self, path: &str, fallback: Span) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p) {
                return *s;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return fallback,
            }
        }
    }

    /// Builds an input from JSON alone (tests, and tools that have no
    /// evaluator): every span is `fallback`'s.
    pub fn from_json(json: Json) -> Self {
        EnvInput {
            json,
            ..Default::default()
        }
    }
}

/// Reads the forced value `v` of an environment into an [`EnvInput`].
pub fn read<'a>(ev: &Evaluator<'a>, v: &Value<'a>) -> EnvInput {
    let mut walk = Walk {
        ev,
        open: Vec::new(),
        input: EnvInput::default(),
        seen: HashMap::new(),
    };
    let mut path = String::new();
    walk.input.json = walk.value(v, &mut path);
    walk.input
}

struct Walk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    open: Vec<*const Object<'a>>,
    input: EnvInput,
    /// Secret path -> index in `input.secrets`.
    seen: HashMap<String, usize>,
}

impl<'a> Walk<'_, 'a> {
    fn value(&mut self, v: &Value<'a>, path: &mut String) -> Json {
        self.input.spans.insert(path.clone(), v.span);
        match &v.kind {
            ValueKind::None | ValueKind::Invalid => Json::Null,
            ValueKind::Bool(b) => Json::Bool(*b),
            ValueKind::Int(n) => Json::Number((*n).into()),
            ValueKind::Float(x) => Number::from_f64(*x).map_or(Json::Null, Json::Number),
            ValueKind::Str(s) => Json::String(s.to_string()),
            ValueKind::Quantity(q) => Json::String(q.to_string()),
            ValueKind::Secret(s) => {
                let at = s
                    .path
                    .as_deref()
                    .map(|p| p.strip_prefix("secrets.").unwrap_or(p).to_string());
                if let Some(p) = &at {
                    if !self.seen.contains_key(p) {
                        self.seen.insert(p.clone(), self.input.secrets.len());
                        self.input.secrets.push(SecretInput {
                            path: p.clone(),
                            ciphertext: s.ciphertext().to_string(),
                            span: v.span,
                        });
                    }
                }
                let mut m = Map::new();
                m.insert("$secret".into(), at.map_or(Json::Null, Json::String));
                Json::Object(m)
            }
            ValueKind::List(xs) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                let len = path.len();
                let out = xs
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        path.push_str(&format!("[{i}]"));
                        let j = self.value(x, path);
                        path.truncate(len);
                        j
                    })
                    .collect();
                Json::Array(out)
            }),
            ValueKind::Object(o) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.object(o, path))
            }
        }
    }

    fn object(&mut self, o: &Rc<Object<'a>>, path: &mut String) -> Json {
        if self.open.len() >= crate::validate::MAX_DEPTH || self.open.contains(&Rc::as_ptr(o)) {
            return Json::Null;
        }
        self.open.push(Rc::as_ptr(o));
        let keys = self.ev.keys(o);
        let mut m = Map::with_capacity(keys.len());
        let len = path.len();
        for k in keys.iter() {
            let fv = self
                .ev
                .field_rc(o, k, o.span)
                .unwrap_or_else(|| Value::invalid(o.span));
            let child = join_path(path, k);
            path.clear();
            path.push_str(&child);
            let j = self.value(&fv, path);
            path.truncate(len);
            m.insert(k.to_string(), j);
        }
        self.open.pop();
        Json::Object(m)
    }
}
