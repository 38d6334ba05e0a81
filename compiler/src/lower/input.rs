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

use crate::eval::{Evaluator, ObjId, Object};
use crate::value::{path_segment, Value, ValueKind};
use digit_lang::Span;
use serde_json::{Map, Number, Value as Json};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
    /// Span by path, keyed by the path's hash ([`path_hash`]): a large
    /// platform has a hundred thousand values, and spelling each path as a
    /// string cost more than all the rules together.
    spans: HashMap<u64, Span, BuildHasherDefault<KeyIsHash>>,
    /// Every distinct secret (by path), in the order first met.
    pub secrets: Vec<SecretInput>,
}

impl EnvInput {
    /// The span of the expression that produced the value at `path`.
    pub fn span(&self, path: &str) -> Option<Span> {
        self.spans.get(&path_hash(path)).copied()
    }

    /// The span at `path`, or at the nearest enclosing path that has one,
    /// or `fallback`.
    pub fn span_near(&self, path: &str, fallback: Span) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(&path_hash(p)) {
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

/// The key of `path` in [`EnvInput::spans`]: 64-bit FNV-1a of its text.
/// The hash is streaming (byte by byte), so the walk hashes a child's path
/// by writing its segment into a copy of the parent's state, spelling no
/// path; SipHash was a twentieth of a large build.
fn path_hash(path: &str) -> u64 {
    let mut h = PathHasher::default();
    h.write(path.as_bytes());
    h.finish()
}

/// 64-bit FNV-1a.
#[derive(Clone, Copy)]
struct PathHasher(u64);

impl Default for PathHasher {
    fn default() -> Self {
        PathHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for PathHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The hasher of a map whose keys are already hashes.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Reads the forced value `v` of an environment into an [`EnvInput`].
pub fn read<'a>(ev: &Evaluator<'a>, v: &Value) -> EnvInput {
    let mut walk = Walk {
        ev,
        open: Vec::new(),
        input: EnvInput::default(),
        seen: HashMap::new(),
    };
    walk.input.json = walk.value(v, &PathHasher::default(), true);
    walk.input
}

struct Walk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    open: Vec<ObjId>,
    input: EnvInput,
    /// Secret path -> index in `input.secrets`.
    seen: HashMap<String, usize>,
}

impl<'a> Walk<'_, 'a> {
    /// `path` is the hasher state after writing the value's path; `root`
    /// is true for the empty path.
    fn value(&mut self, v: &Value, path: &PathHasher, root: bool) -> Json {
        self.input.spans.insert(path.finish(), v.span);
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
                let out = xs
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let mut child = *path;
                        write_index(&mut child, i);
                        self.value(x, &child, false)
                    })
                    .collect();
                Json::Array(out)
            }),
            ValueKind::Object(o) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                self.object(self.ev.obj(*o), path, root)
            }),
        }
    }

    fn object(&mut self, o: &Object<'a>, path: &PathHasher, root: bool) -> Json {
        if self.open.len() >= crate::validate::MAX_DEPTH || self.open.contains(&o.id) {
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
            let mut child = *path;
            if !root {
                child.write(b".");
            }
            if is_identifier(k) {
                child.write(k.as_bytes());
            } else {
                child.write(path_segment(k).as_bytes());
            }
            let j = self.value(&fv, &child, false);
            m.insert(k.to_string(), j);
        }
        self.open.pop();
        Json::Object(m)
    }
}

/// True when `key` is written bare in a path (`replicas`, not `"egov-user"`):
/// [`path_segment`]'s test, without its allocation.
fn is_identifier(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Writes `[i]` into a path's hasher.
fn write_index(h: &mut PathHasher, i: usize) {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    h.write(b"[");
    h.write(&digits[at..]);
    h.write(b"]");
}

#[cfg(test)]
mod tests {
    use super::PathHasher;
    use super::{path_hash, write_index};
    use std::hash::Hasher;

    /// The walk hashes a path segment by segment; a lookup hashes it whole.
    /// Both must agree.
    #[test]
    fn path_hashes_are_streaming() {
        let mut h = PathHasher::default();
        for seg in [
            &b"services"[..],
            b".",
            b"\"egov-user\"",
            b".",
            b"env",
            b".",
            b"A",
        ] {
            h.write(seg);
        }
        assert_eq!(h.finish(), path_hash("services.\"egov-user\".env.A"));
        let mut h = PathHasher::default();
        h.write(b"kafka.topics");
        write_index(&mut h, 1234);
        h.write(b".name");
        assert_eq!(h.finish(), path_hash("kafka.topics[1234].name"));
        let mut h = PathHasher::default();
        write_index(&mut h, 0);
        assert_eq!(h.finish(), path_hash("[0]"));
    }
}
