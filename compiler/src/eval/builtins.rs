//! Builtin functions.
//!
//! Each call checks its arity and argument types and reports a mistake at
//! the call with the signature in the help. Secrets are refused by every
//! builtin but `secret`. Bulk work (`range`, `sort`, ...) spends fuel in
//! proportion, so runaway programs stop with an error.

use super::object::Arena;
use super::scope::Scope;
use super::{EvalError, Evaluator};
use crate::loader::{is_inside, resolve_relative};
use crate::suggest;
use crate::value::{Value, ValueKind};
use base64::Engine;
use digit_lang::ast::{Expr, Ident};
use digit_lang::{Span, ToDiagnostic};
use sha2::Digest;
use std::rc::Rc;

/// The largest list `range` makes.
pub const MAX_RANGE: i64 = 1_000_000;

/// Name, minimum and maximum argument counts, signature.
pub const BUILTINS: &[(&str, usize, usize, &str)] = &[
    ("len", 1, 1, "len(x: String | [T] | {K: V}) -> Int"),
    ("keys", 1, 1, "keys(x: record or map) -> [String]"),
    ("values", 1, 1, "values(x: record or map) -> [V]"),
    ("join", 2, 2, "join(xs: [String], sep: String) -> String"),
    ("split", 2, 2, "split(s: String, sep: String) -> [String]"),
    (
        "int",
        1,
        1,
        "int(s: String) -> Int  (decimal digits, optional sign)",
    ),
    (
        "trim",
        1,
        1,
        "trim(s: String) -> String  (whitespace removed at both ends)",
    ),
    (
        "merge",
        2,
        2,
        "merge(a: record or map, b: record or map) -> map  (entries of b win)",
    ),
    ("upper", 1, 1, "upper(s: String) -> String"),
    ("lower", 1, 1, "lower(s: String) -> String"),
    (
        "replace",
        3,
        3,
        "replace(s: String, from: String, to: String) -> String",
    ),
    (
        "contains",
        2,
        2,
        "contains(s: String | [T] | {K: V}, x) -> Bool",
    ),
    (
        "starts_with",
        2,
        2,
        "starts_with(s: String, prefix: String) -> Bool",
    ),
    (
        "ends_with",
        2,
        2,
        "ends_with(s: String, suffix: String) -> Bool",
    ),
    (
        "range",
        2,
        2,
        "range(from: Int, to: Int) -> [Int]  (to excluded)",
    ),
    (
        "sort",
        1,
        1,
        "sort(xs: [Int | Float | String | Quantity]) -> [T]",
    ),
    ("unique", 1, 1, "unique(xs: [T]) -> [T]"),
    ("flatten", 1, 1, "flatten(xss: [[T]]) -> [T]"),
    ("all", 1, 1, "all(xs: [Bool]) -> Bool"),
    ("any", 1, 1, "any(xs: [Bool]) -> Bool"),
    ("min", 1, usize::MAX, "min(xs: [T]) or min(a, b, ...) -> T"),
    ("max", 1, usize::MAX, "max(xs: [T]) or max(a, b, ...) -> T"),
    ("to_json", 1, 1, "to_json(x) -> String"),
    ("base64", 1, 1, "base64(s: String) -> String"),
    ("sha256", 1, 1, "sha256(s: String) -> String  (hex)"),
    (
        "read_file",
        1,
        1,
        "read_file(path: String) -> String  (relative to this file)",
    ),
    (
        "secret",
        1,
        1,
        "secret(envelope: String) -> Secret  (\"dg1:...\")",
    ),
];

type R = Result<ValueKind, String>;

/// The keys and values of a record or map.
type Entries = (Rc<[Rc<str>]>, Vec<Value>);

impl<'a> Evaluator<'a> {
    pub(crate) fn call(
        &self,
        func: &'a Ident,
        args: &'a [Expr],
        env: &Scope<'a>,
        span: Span,
    ) -> Value {
        let Some(&(name, min, max, sig)) = BUILTINS.iter().find(|b| b.0 == func.name) else {
            let help = alias(&func.name)
                .map(str::to_string)
                .or_else(|| suggest::best(&func.name, BUILTINS.iter().map(|b| b.0)))
                .map(|c| format!("did you mean `{c}`?"));
            self.report(EvalError::UnknownFunction {
                span: func.span,
                name: func.name.to_string(),
                help,
            });
            return Value::invalid(span);
        };
        self.note_builtin(func.span, name);
        let bad = |problem: String| {
            let mut d = EvalError::BadCall {
                span,
                func: name.into(),
                signature: sig.into(),
                problem,
            }
            .to_diagnostic();
            // An argument that is a field hiding an outer one of its name.
            if let Some(h) = args.iter().find_map(|a| self.shadow_help(a, env)) {
                d = d.with_note(h);
            }
            self.report(d);
            Value::invalid(span)
        };
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("at least {min}")
            };
            return bad(format!(
                "expected {want} argument{}, found {}",
                if min == 1 && max == 1 { "" } else { "s" },
                args.len()
            ));
        }
        let vals: Vec<Value> = args.iter().map(|a| self.eval(a, env, None)).collect();
        if vals.iter().any(Value::is_invalid) {
            return Value::invalid(span);
        }
        if name != "secret" {
            if let Some((s, a)) = vals
                .iter()
                .zip(args)
                .find(|(v, _)| matches!(v.kind, ValueKind::Secret(_)))
            {
                self.secret_misuse(s, a.span, format!("passed to `{name}`"));
                return Value::invalid(span);
            }
        }
        if name == "secret" {
            // Checked without the passcode: the prefix, the encoding and
            // the length. The message never quotes the argument.
            if let ValueKind::Str(text) = &vals[0].kind {
                if let Err(e) = crate::secret::check(text) {
                    self.report(EvalError::BadSecret {
                        span,
                        problem: e.to_string(),
                    });
                    return Value::invalid(span);
                }
            }
        }
        match self.apply(name, &vals, span) {
            Ok(ValueKind::Invalid) => Value::invalid(span),
            Ok(k) => Value::new(k, span),
            Err(problem) => bad(problem),
        }
    }

    fn apply(&self, name: &str, a: &[Value], span: Span) -> R {
        use ValueKind as K;
        match name {
            "len" => match &a[0].kind {
                K::Str(s) => Ok(K::Int(s.chars().count() as i64)),
                K::List(xs) => Ok(K::Int(xs.len() as i64)),
                K::Object(o) => Ok(K::Int(self.keys(self.obj(*o)).len() as i64)),
                _ => Err(format!(
                    "cannot take the length of {}",
                    a[0].describe(&self.arena)
                )),
            },
            "keys" => Ok(K::List(Rc::new(
                self.obj_arg(&a[0])?
                    .0
                    .iter()
                    .map(|k| Value::str(k.clone(), span))
                    .collect(),
            ))),
            "values" => Ok(K::List(Rc::new(self.obj_arg(&a[0])?.1))),
            "join" => {
                let xs = strings(&self.arena, &a[0])?;
                let sep = string(&self.arena, &a[1])?;
                let n = xs.iter().map(|x| x.len()).sum::<usize>()
                    + sep.len().saturating_mul(xs.len().saturating_sub(1));
                if !self.built(n, "bytes", span) {
                    return Ok(K::Invalid);
                }
                Ok(K::Str(xs.join(&*sep).into()))
            }
            "split" => {
                let (s, sep) = (string(&self.arena, &a[0])?, string(&self.arena, &a[1])?);
                if sep.is_empty() {
                    return Err("the separator is empty".into());
                }
                Ok(K::List(Rc::new(
                    s.split(&*sep).map(|p| Value::str(p, span)).collect(),
                )))
            }
            "int" => parse_int(&string(&self.arena, &a[0])?).map(K::Int),
            "trim" => Ok(K::Str(string(&self.arena, &a[0])?.trim().into())),
            "merge" => self.merge(&a[0], &a[1], span),
            "upper" => Ok(K::Str(string(&self.arena, &a[0])?.to_uppercase().into())),
            "lower" => Ok(K::Str(string(&self.arena, &a[0])?.to_lowercase().into())),
            "replace" => {
                let from = string(&self.arena, &a[1])?;
                if from.is_empty() {
                    return Err("the text to replace is empty".into());
                }
                let (text, to) = (string(&self.arena, &a[0])?, string(&self.arena, &a[2])?);
                let hits = text.matches(&*from).count();
                let n =
                    (text.len() - hits * from.len()).saturating_add(hits.saturating_mul(to.len()));
                if !self.built(n, "bytes", span) {
                    return Ok(K::Invalid);
                }
                Ok(K::Str(text.replace(&*from, &to).into()))
            }
            "contains" => self.contains(&a[0], &a[1]),
            "starts_with" => Ok(K::Bool(
                string(&self.arena, &a[0])?.starts_with(&*string(&self.arena, &a[1])?),
            )),
            "ends_with" => Ok(K::Bool(
                string(&self.arena, &a[0])?.ends_with(&*string(&self.arena, &a[1])?),
            )),
            "range" => self.range(int(&self.arena, &a[0])?, int(&self.arena, &a[1])?, span),
            "sort" => self.sort(list(&self.arena, &a[0])?, span),
            "unique" => self.unique(list(&self.arena, &a[0])?, span),
            "flatten" => {
                let xss = list(&self.arena, &a[0])?;
                let mut n = 0usize;
                for x in xss.iter() {
                    n += list(&self.arena, x)?.len();
                }
                if !self.built(n, "elements", span) {
                    return Ok(K::Invalid);
                }
                let mut out = Vec::with_capacity(n);
                for x in xss.iter() {
                    out.extend(list(&self.arena, x)?.iter().cloned());
                }
                Ok(K::List(Rc::new(out)))
            }
            "all" | "any" => {
                let bools = list(&self.arena, &a[0])?
                    .iter()
                    .map(|b| boolean(&self.arena, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(K::Bool(if name == "all" {
                    bools.iter().all(|b| *b)
                } else {
                    bools.iter().any(|b| *b)
                }))
            }
            "min" | "max" => self.min_max(name == "max", a, span),
            "to_json" => {
                let j = self.to_json_checked(&a[0])?;
                Ok(K::Str(serde_json::to_string(&j).unwrap_or_default().into()))
            }
            "base64" => Ok(K::Str(
                base64::engine::general_purpose::STANDARD
                    .encode(string(&self.arena, &a[0])?.as_bytes())
                    .into(),
            )),
            "sha256" => {
                let digest = sha2::Sha256::digest(string(&self.arena, &a[0])?.as_bytes());
                Ok(K::Str(
                    digest
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                        .into(),
                ))
            }
            "read_file" => self.read_file(&a[0], span),
            "secret" => make_secret(&self.arena, &a[0]),
            _ => Err("unknown builtin".into()),
        }
    }

    /// `merge(a, b)`: the entries of `a` then the new ones of `b`; a key
    /// of both takes `b`'s value at `a`'s place. The result is a map.
    fn merge(&self, a: &Value, b: &Value, span: Span) -> R {
        let (ka, va) = self
            .obj_pairs(a)
            .map_err(|e| format!("the first argument: {e}"))?;
        let (kb, vb) = self
            .obj_pairs(b)
            .map_err(|e| format!("the second argument: {e}"))?;
        if !self.built(ka.len() + kb.len(), "elements", span) {
            return Ok(ValueKind::Invalid);
        }
        let mut index: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(ka.len() + kb.len());
        let mut keys: Vec<Rc<str>> = Vec::with_capacity(ka.len() + kb.len());
        let mut vals: Vec<Value> = Vec::with_capacity(ka.len() + kb.len());
        for (k, v) in ka.iter().zip(va).chain(kb.iter().zip(vb)) {
            match index.get(&**k) {
                Some(&i) => vals[i] = v,
                None => {
                    index.insert(k, keys.len());
                    keys.push(k.clone());
                    vals.push(v);
                }
            }
        }
        let obj = self.computed_object(super::object::ObjKind::Record, keys.into(), vals, span);
        Ok(ValueKind::Object(obj.id))
    }

    /// An object made of values already computed (no layers): `merge`'s
    /// result, and that result taking a map type (see `conform`).
    pub(crate) fn computed_object(
        &self,
        kind: super::object::ObjKind,
        keys: Rc<[Rc<str>]>,
        vals: Vec<Value>,
        span: Span,
    ) -> &super::object::Object<'a> {
        let obj = self.new_object(kind, Vec::new(), span, false);
        obj.computed.set(true);
        {
            let mut memo = obj.memo.borrow_mut();
            for (k, v) in keys.iter().zip(vals) {
                memo.insert(k.clone(), super::object::Slot::Done(v));
            }
        }
        *obj.keys.borrow_mut() = Some(keys);
        obj
    }

    /// The keys and values of a record or map, key by key (a field that
    /// has no value drops its key too).
    pub(crate) fn obj_pairs(&self, v: &Value) -> Result<(Vec<Rc<str>>, Vec<Value>), String> {
        let ValueKind::Object(o) = v.kind else {
            return Err(format!(
                "expected a record or map, found {}",
                v.describe(&self.arena)
            ));
        };
        let o = self.obj(o);
        let keys = self.keys(o);
        let mut ks = Vec::with_capacity(keys.len());
        let mut vs = Vec::with_capacity(keys.len());
        for k in keys.iter() {
            if let Some(x) = self.field_rc(o, k, v.span) {
                ks.push(k.clone());
                vs.push(x);
            }
        }
        Ok((ks, vs))
    }

    fn obj_arg(&self, v: &Value) -> Result<Entries, String> {
        let ValueKind::Object(o) = v.kind else {
            return Err(format!(
                "expected a record or map, found {}",
                v.describe(&self.arena)
            ));
        };
        let o = self.obj(o);
        let keys = self.keys(o);
        let vals = keys
            .iter()
            .filter_map(|k| self.field_rc(o, k, v.span))
            .collect();
        Ok((keys, vals))
    }

    fn contains(&self, hay: &Value, needle: &Value) -> R {
        match (&hay.kind, &needle.kind) {
            (ValueKind::Str(s), ValueKind::Str(n)) => Ok(ValueKind::Bool(s.contains(&**n))),
            (ValueKind::List(xs), _) => {
                Ok(ValueKind::Bool(xs.iter().any(|x| self.equal(x, needle))))
            }
            (ValueKind::Object(o), ValueKind::Str(k)) => Ok(ValueKind::Bool(
                self.keys(self.obj(*o)).iter().any(|x| x == k),
            )),
            _ => Err(format!(
                "cannot look for {} in {}",
                needle.describe(&self.arena),
                hay.describe(&self.arena)
            )),
        }
    }

    fn range(&self, from: i64, to: i64, span: Span) -> R {
        let n = to.saturating_sub(from).max(0);
        if n > MAX_RANGE {
            return Err(format!(
                "the range has {n} elements; at most {MAX_RANGE} are allowed"
            ));
        }
        if !self.spend(n as u64, span) {
            return Ok(ValueKind::Invalid);
        }
        Ok(ValueKind::List(Rc::new(
            (from..to)
                .map(|i| Value::new(ValueKind::Int(i), span))
                .collect(),
        )))
    }

    fn sort(&self, xs: &Rc<Vec<Value>>, span: Span) -> R {
        if !self.spend(xs.len() as u64, span) {
            return Ok(ValueKind::Invalid);
        }
        let mut out: Vec<Value> = xs.iter().cloned().collect();
        if let Some(bad) = out.iter().find(|x| {
            !matches!(
                x.kind,
                ValueKind::Int(_)
                    | ValueKind::Float(_)
                    | ValueKind::Str(_)
                    | ValueKind::Quantity(_)
            )
        }) {
            return Err(format!("cannot sort {}", bad.describe(&self.arena)));
        }
        let kinds: std::collections::HashSet<_> = out
            .iter()
            .map(|x| std::mem::discriminant(&x.kind))
            .collect();
        let numeric = out
            .iter()
            .all(|x| matches!(x.kind, ValueKind::Int(_) | ValueKind::Float(_)));
        if kinds.len() > 1 && !numeric {
            return Err("cannot sort a list mixing kinds of values".into());
        }
        out.sort_by(order);
        Ok(ValueKind::List(Rc::new(out)))
    }

    /// The distinct elements of `xs`, first occurrences in order. Elements
    /// are bucketed by a hash of what equality looks at, so a list of
    /// scalars costs linear time; records and lists share a bucket per
    /// kind and length, and each comparison in a bucket spends a step.
    fn unique(&self, xs: &Rc<Vec<Value>>, span: Span) -> R {
        use std::hash::{Hash, Hasher};
        if !self.spend(xs.len() as u64, span) {
            return Ok(ValueKind::Invalid);
        }
        // SipHash, not the evaluator's Fx hasher: float bits of whole numbers
        // share their low bits, which Fx would keep in one bucket.
        let mut buckets: std::collections::HashMap<u64, Vec<usize>> =
            std::collections::HashMap::new();
        let mut out: Vec<Value> = Vec::new();
        for x in xs.iter() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            match &x.kind {
                ValueKind::None => 0u8.hash(&mut h),
                ValueKind::Bool(b) => (1u8, b).hash(&mut h),
                // Int and Float compare by value: 1 == 1.0.
                ValueKind::Int(n) => (2u8, (*n as f64 + 0.0).to_bits()).hash(&mut h),
                ValueKind::Float(f) => (2u8, (f + 0.0).to_bits()).hash(&mut h),
                ValueKind::Str(s) => (3u8, &**s).hash(&mut h),
                ValueKind::Quantity(q) => (4u8, &**q).hash(&mut h),
                ValueKind::List(l) => (5u8, l.len()).hash(&mut h),
                _ => 6u8.hash(&mut h),
            }
            let bucket = buckets.entry(h.finish()).or_default();
            if !self.spend(bucket.len() as u64, span) {
                return Ok(ValueKind::Invalid);
            }
            if !bucket.iter().any(|&i| self.equal(x, &out[i])) {
                bucket.push(out.len());
                out.push(x.clone());
            }
        }
        Ok(ValueKind::List(Rc::new(out)))
    }

    fn min_max(&self, max: bool, a: &[Value], span: Span) -> R {
        let xs: Vec<Value> = match a {
            [one] => list(&self.arena, one)?.iter().cloned().collect(),
            many => many.to_vec(),
        };
        let sorted = self.sort(&Rc::new(xs), span)?;
        let ValueKind::List(s) = sorted else {
            return Ok(sorted);
        };
        let pick = if max { s.last() } else { s.first() };
        pick.map(|v| v.kind.clone())
            .ok_or_else(|| "the list is empty".to_string())
    }

    fn to_json_checked(&self, v: &Value) -> Result<serde_json::Value, String> {
        if crate::output::contains_secret(self, v) {
            return Err("the value contains a Secret, which cannot be turned into text".into());
        }
        crate::output::to_json_finite(self, v)
            .ok_or_else(|| "the value contains itself, so it has no finite JSON form".to_string())
    }

    fn read_file(&self, p: &Value, span: Span) -> R {
        let rel = string(&self.arena, p)?;
        let (loader, root) = self.files();
        let from = self
            .graph
            .modules
            .iter()
            .find(|m| m.file == span.file)
            .and_then(|m| match &m.key {
                crate::modules::ModuleKey::File(f) => Some(f.clone()),
                crate::modules::ModuleKey::Std(_) => None,
            });
        let Some(from) = from else {
            return Err("read_file is not available in the standard library".into());
        };
        let path = resolve_relative(&from, &rel);
        let fail = |reason: String, escapes: bool| {
            self.report(EvalError::ReadFile {
                span: p.span,
                path: rel.to_string(),
                reason,
                escapes,
            });
            Ok(ValueKind::Invalid)
        };
        if !is_inside(root, &path) {
            return fail("the path leaves the project directory".into(), true);
        }
        // The text of the path stays inside; so must the file it names,
        // once symbolic links are followed.
        match (loader.canonical(root), loader.canonical(&path)) {
            (Ok(root), Ok(real)) if is_inside(&root, &real) => {}
            (Ok(_), Ok(_)) => {
                return fail(
                    "the path leads out of the project directory through a symbolic link".into(),
                    true,
                )
            }
            (_, Err(e)) | (Err(e), _) => return fail(e.to_string(), false),
        }
        match loader.read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) => Ok(ValueKind::Str(s.into())),
                Err(_) => fail("the file is not UTF-8 text".into(), false),
            },
            Err(e) => fail(e.to_string(), false),
        }
    }
}

/// The builtin a name from another language means (`length` is `len`),
/// for the did-you-mean of an unknown function.
pub(crate) fn alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "length" | "size" | "count" => "len",
        "strip" | "trim_space" | "trimspace" => "trim",
        "to_int" | "parse_int" | "parseInt" | "toInt" | "atoi" | "number" => "int",
        "concat" | "combine" | "update" | "union" => "merge",
        "to_upper" | "toUpperCase" | "uppercase" => "upper",
        "to_lower" | "toLowerCase" | "lowercase" => "lower",
        "has" | "includes" | "has_key" => "contains",
        "startswith" | "startsWith" | "has_prefix" => "starts_with",
        "endswith" | "endsWith" | "has_suffix" => "ends_with",
        "distinct" | "uniq" => "unique",
        "tojson" | "json" | "json_encode" => "to_json",
        "base64encode" | "b64encode" => "base64",
        "file" => "read_file",
        _ => return None,
    })
}

/// `int(&self.arena, s)`: decimal digits with an optional sign, nothing else (no
/// spaces, no `_`, no `0x`); the error names the text.
fn parse_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let shown: String = s.chars().take(60).collect();
        let more = if shown.len() < s.len() { "..." } else { "" };
        let hint = if s.trim() != s {
            "; trim(...) it first"
        } else {
            ""
        };
        return Err(format!(
            "`{}{more}` is not a whole number (decimal digits with an optional sign){hint}",
            shown.escape_debug()
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("`{s}` does not fit in an Int (64 bits)"))
}

fn make_secret(arena: &Arena<'_>, v: &Value) -> R {
    let s = string(arena, v)?;
    Ok(ValueKind::Secret(Rc::new(crate::value::Secret::new(s))))
}

fn string(arena: &Arena<'_>, v: &Value) -> Result<Rc<str>, String> {
    match &v.kind {
        ValueKind::Str(s) => Ok(s.clone()),
        _ => Err(format!("expected a String, found {}", v.describe(arena))),
    }
}

fn int(arena: &Arena<'_>, v: &Value) -> Result<i64, String> {
    match v.kind {
        ValueKind::Int(n) => Ok(n),
        _ => Err(format!("expected an Int, found {}", v.describe(arena))),
    }
}

fn boolean(arena: &Arena<'_>, v: &Value) -> Result<bool, String> {
    match v.kind {
        ValueKind::Bool(b) => Ok(b),
        _ => Err(format!("expected a Bool, found {}", v.describe(arena))),
    }
}

fn list<'v>(arena: &Arena<'_>, v: &'v Value) -> Result<&'v Rc<Vec<Value>>, String> {
    match &v.kind {
        ValueKind::List(xs) => Ok(xs),
        _ => Err(format!("expected a list, found {}", v.describe(arena))),
    }
}

fn strings(arena: &Arena<'_>, v: &Value) -> Result<Vec<String>, String> {
    list(arena, v)?
        .iter()
        .map(|x| string(arena, x).map(|s| s.to_string()))
        .collect()
}

fn order(a: &Value, b: &Value) -> std::cmp::Ordering {
    use ValueKind as K;
    match (&a.kind, &b.kind) {
        (K::Int(x), K::Int(y)) => x.cmp(y),
        (K::Str(x), K::Str(y)) => x.cmp(y),
        (K::Quantity(x), K::Quantity(y)) => x.cmp(y),
        (K::Int(_) | K::Float(_), K::Int(_) | K::Float(_)) => {
            let f = |v: &Value| match v.kind {
                K::Int(n) => n as f64,
                K::Float(x) => x,
                _ => 0.0,
            };
            f(a).total_cmp(&f(b))
        }
        _ => std::cmp::Ordering::Equal,
    }
}
