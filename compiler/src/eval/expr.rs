//! Expressions.
//!
//! Each expression is evaluated in a scope with an optional expected type
//! flowing down from the field it is stored in: a `{ ... }` where a schema
//! is expected becomes an instance of it, where a map is expected a map;
//! list elements, `if` branches, `??` and parentheses pass it through.

use super::object::{Layer, ObjKind, Src};
use super::scope::{Resolved, Scope, ScopeNode};
use super::{EvalError, Evaluator};
use crate::quantity::Quantity;
use crate::suggest;
use crate::types::Ty;
use crate::value::{Value, ValueKind};
use digit_lang::ast::{self, BinaryOp, CompClause, Expr, ExprKind, StrPart, UnaryOp};
use digit_lang::{Span, ToDiagnostic};
use std::rc::Rc;

impl<'a> Evaluator<'a> {
    /// Evaluates `e` in `env`, with `expected` the type of the place it goes.
    pub fn eval(&self, e: &'a Expr, env: &Scope<'a>, expected: Option<&Rc<Ty>>) -> Value {
        if !self.tick(e.span) {
            return Value::invalid(e.span);
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_inner(e, env, expected))
    }

    fn eval_inner(&self, e: &'a Expr, env: &Scope<'a>, expected: Option<&Rc<Ty>>) -> Value {
        let span = e.span;
        let v = |k| Value::new(k, span);
        match &e.kind {
            ExprKind::None => v(ValueKind::None),
            ExprKind::Bool(b) => v(ValueKind::Bool(*b)),
            ExprKind::Int(n) => v(ValueKind::Int(*n)),
            ExprKind::Float(x) => v(ValueKind::Float(*x)),
            ExprKind::Quantity { number, suffix } => {
                match Quantity::parse_literal(number, suffix) {
                    Ok(q) => v(ValueKind::Quantity(Rc::new(q))),
                    Err(err) => {
                        self.report(EvalError::BadQuantity {
                            span,
                            problem: err.to_string(),
                        });
                        Value::invalid(span)
                    }
                }
            }
            ExprKind::Str(s) => self.eval_string(s, env, span),
            ExprKind::Name(id) => self.eval_name(id, env),
            ExprKind::List(items) => {
                let elem = expected.and_then(|t| match t.strip_optional() {
                    Ty::List(el) => Some(el.clone()),
                    _ => None,
                });
                let xs = items
                    .iter()
                    .map(|x| self.eval(x, env, elem.as_ref()))
                    .collect();
                v(ValueKind::List(Rc::new(xs)))
            }
            ExprKind::ListComp { clauses, body } => {
                self.eval_comp(clauses, body, env, expected, span)
            }
            ExprKind::Record(body) => {
                let layer = Layer {
                    src: Src::Members(&body.members),
                    scope: env.clone(),
                    module: env.module(),
                };
                self.make_object(expected, vec![layer], span)
            }
            ExprKind::Amend { base, body } => self.eval_amend(base, body, env, expected, span),
            ExprKind::Field { target, name } => {
                let t = self.eval(target, env, None);
                match name.as_static() {
                    Some(k) => self.get_member_of(&t, k, name.span(), span, Some((target, env))),
                    None => match self.eval_key_expr(name, env) {
                        Some(k) => {
                            self.get_member_of(&t, &k, name.span(), span, Some((target, env)))
                        }
                        None => Value::invalid(span),
                    },
                }
            }
            ExprKind::Index { target, index } => self.eval_index(target, index, env, span),
            ExprKind::Call { func, args } => self.call(func, args, env, span),
            ExprKind::Unary { op, operand } => self.eval_unary(*op, operand, env, span),
            ExprKind::Binary { op, lhs, rhs } => {
                self.eval_binary(*op, lhs, rhs, env, expected, span)
            }
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => match self.eval_cond(cond, env) {
                Some(true) => self.eval(then_branch, env, expected),
                Some(false) => self.eval(else_branch, env, expected),
                None => Value::invalid(span),
            },
            ExprKind::Paren(inner) => self.eval(inner, env, expected),
            ExprKind::Error => Value::invalid(span),
        }
    }

    fn eval_key_expr(&self, key: &'a ast::Key, env: &Scope<'a>) -> Option<Rc<str>> {
        match key {
            ast::Key::Name(i) | ast::Key::Quoted(i) => Some(Rc::from(i.name.as_str())),
            ast::Key::Computed(e) => match self.eval(e, env, None).kind {
                ValueKind::Str(s) => Some(s),
                _ => None,
            },
        }
    }

    fn eval_name(&self, id: &'a ast::Ident, env: &Scope<'a>) -> Value {
        match self.resolve_name(env, &id.name, id.span) {
            Resolved::Value(v) => v,
            Resolved::NotFound => {
                let module = env.module();
                if self
                    .types
                    .lookup_named(module, &[id.name.as_str()])
                    .is_some()
                {
                    self.report(EvalError::TypeMismatch {
                        span: id.span,
                        path: None,
                        expected: "a value".into(),
                        found: format!("the type `{}`", id.name),
                        decl: None,
                        help: Some(format!("make an instance with `{} {{ ... }}`", id.name)),
                    });
                    return Value::invalid(id.span);
                }
                let help = if let Some(h) = self.foreign_let_help(module, &id.name) {
                    Some(h)
                } else if self.may_suggest(1) {
                    let names = self.names_in_scope(env);
                    self.may_suggest(names.len())
                        .then(|| suggest::best(&id.name, names.iter().map(String::as_str)))
                        .flatten()
                        .map(|c| format!("did you mean `{c}`?"))
                } else {
                    None
                };
                self.report(EvalError::UndefinedName {
                    span: id.span,
                    name: id.name.to_string(),
                    help,
                });
                Value::invalid(id.span)
            }
        }
    }

    /// `obj.key` / `m["key"]` on a value.
    pub(crate) fn get_member(
        &self,
        target: &Value,
        key: &str,
        key_span: Span,
        span: Span,
    ) -> Value {
        self.get_member_of(target, key, key_span, span, None)
    }

    /// [`Self::get_member`] on the value of `origin`, an expression and
    /// its scope, which the help of an error may speak of (a field hiding
    /// an outer one of the same name).
    fn get_member_of(
        &self,
        target: &Value,
        key: &str,
        key_span: Span,
        span: Span,
        origin: Option<(&'a Expr, &Scope<'a>)>,
    ) -> Value {
        let shadow = || origin.and_then(|(e, env)| self.shadow_help(e, env));
        match &target.kind {
            ValueKind::Object(o) => match self.field(self.obj(*o), key, span) {
                Some(v) => v,
                None => {
                    let o = self.obj(*o);
                    let keys = self.keys(o);
                    let help = self
                        .may_suggest(keys.len())
                        .then(|| suggest::best(key, keys.iter().map(|k| &**k)))
                        .flatten()
                        .map(|c| format!("did you mean `{c}`?"))
                        .or_else(|| match o.kind {
                            ObjKind::Module(m) => self.let_help(m, key, true),
                            _ => None,
                        })
                        .or_else(shadow);
                    let path = o.path(&self.arena);
                    let help = help.or_else(|| self.secret_group_help(o, &path, key));
                    let owner = if path.is_empty() {
                        o.describe()
                    } else {
                        format!("`{path}`")
                    };
                    self.report_missing(
                        o.id,
                        key,
                        key_span,
                        EvalError::MissingKey {
                            span: key_span,
                            key: key.to_string(),
                            owner,
                            help,
                        },
                    );
                    Value::invalid(span)
                }
            },
            ValueKind::Invalid => Value::invalid(span),
            _ => {
                let help =
                    shadow().unwrap_or_else(|| format!("`.{key}` reads a field of a record"));
                let found = target.describe(&self.arena);
                match origin {
                    // At the expression read, with the value's origin.
                    Some((e, _)) if e.span != target.span => {
                        let mut d = EvalError::TypeMismatch {
                            span: e.span,
                            path: None,
                            expected: "a record or map".into(),
                            found: found.clone(),
                            decl: None,
                            help: Some(help),
                        }
                        .to_diagnostic();
                        if !self.is_stdlib_file(target.span.file) || e.span.file == target.span.file
                        {
                            d = d.with_secondary(target.span, format!("{found}, from here"));
                        }
                        self.report(d);
                    }
                    _ => self.report(EvalError::TypeMismatch {
                        span: target.span,
                        path: None,
                        expected: "a record or map".into(),
                        found,
                        decl: None,
                        help: Some(help),
                    }),
                }
                Value::invalid(span)
            }
        }
    }

    /// The left side of `??`: `Ok(())` when it reads an entry missing from a
    /// map (`m.b ?? 5`, `m["b"] ?? 5`), which `??` absorbs; otherwise its
    /// value. A missing field of a schema or record stays an error.
    fn missing_map_entry(
        &self,
        lhs: &'a Expr,
        env: &Scope<'a>,
        expected: Option<&Rc<Ty>>,
    ) -> Result<(), Value> {
        let (target, key, key_span) = match &lhs.kind {
            ExprKind::Field { target, name } => {
                let t = self.eval(target, env, None);
                let key = match name.as_static() {
                    Some(k) => Some(k.to_string()),
                    None => self.eval_key_expr(name, env).map(|k| k.to_string()),
                };
                match key {
                    Some(k) => (t, k, name.span()),
                    None => return Err(Value::invalid(lhs.span)),
                }
            }
            ExprKind::Index { target, index } => {
                let t = self.eval(target, env, None);
                let i = self.eval(index, env, None);
                match (&t.kind, &i.kind) {
                    (ValueKind::Object(_), ValueKind::Str(k)) => {
                        let k = k.to_string();
                        (t, k, index.span)
                    }
                    _ => return Err(self.eval(lhs, env, expected)),
                }
            }
            _ => return Err(self.eval(lhs, env, expected)),
        };
        if let ValueKind::Object(o) = target.kind {
            let o = self.obj(o);
            if matches!(o.kind, ObjKind::Map { .. }) {
                return match self.field(o, &key, lhs.span) {
                    Some(v) => Err(v),
                    None => Ok(()),
                };
            }
        }
        Err(self.get_member(&target, &key, key_span, lhs.span))
    }

    fn eval_index(&self, target: &'a Expr, index: &'a Expr, env: &Scope<'a>, span: Span) -> Value {
        let t = self.eval(target, env, None);
        let i = self.eval(index, env, None);
        match (&t.kind, &i.kind) {
            (ValueKind::Invalid, _) | (_, ValueKind::Invalid) => Value::invalid(span),
            (ValueKind::List(xs), ValueKind::Int(n)) => {
                match usize::try_from(*n).ok().and_then(|n| xs.get(n)) {
                    Some(x) => x.clone(),
                    None => {
                        self.report(EvalError::IndexOutOfRange {
                            span: index.span,
                            index: *n,
                            len: xs.len(),
                        });
                        Value::invalid(span)
                    }
                }
            }
            (ValueKind::Object(_), ValueKind::Str(k)) => {
                self.get_member_of(&t, k, index.span, span, Some((target, env)))
            }
            _ => {
                self.report(EvalError::BadOperands {
                    span,
                    op: "[]".into(),
                    lhs: t.describe(&self.arena),
                    rhs: i.describe(&self.arena),
                });
                Value::invalid(span)
            }
        }
    }

    /// Evaluates a condition; `None` (after reporting) when not a Bool.
    pub(crate) fn eval_cond(&self, cond: &'a Expr, env: &Scope<'a>) -> Option<bool> {
        let c = self.eval(cond, env, None);
        match c.kind {
            ValueKind::Bool(b) => Some(b),
            ValueKind::Invalid => None,
            _ => {
                self.report(EvalError::TypeMismatch {
                    span: c.span,
                    path: None,
                    expected: "Bool".into(),
                    found: c.describe(&self.arena),
                    decl: None,
                    help: self.shadow_help(cond, env),
                });
                None
            }
        }
    }

    /// The (key, value) pairs `for` iterates over: index and element of a
    /// list, key and value of a record or map.
    pub(crate) fn iterate(&self, iter: &'a Expr, env: &Scope<'a>) -> Vec<(Value, Value)> {
        let v = self.eval(iter, env, None);
        match &v.kind {
            ValueKind::List(xs) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::new(ValueKind::Int(i as i64), x.span), x.clone()))
                .collect(),
            ValueKind::Object(o) => {
                let o = self.obj(*o);
                let keys = self.keys(o);
                keys.iter()
                    .filter_map(|k| {
                        Some((
                            Value::str(k.clone(), iter.span),
                            self.field_rc(o, k, iter.span)?,
                        ))
                    })
                    .collect()
            }
            ValueKind::Invalid => Vec::new(),
            _ => {
                self.report(EvalError::NotIterable {
                    span: iter.span,
                    found: v.describe(&self.arena),
                });
                Vec::new()
            }
        }
    }

    fn eval_comp(
        &self,
        clauses: &'a [CompClause],
        body: &'a Expr,
        env: &Scope<'a>,
        expected: Option<&Rc<Ty>>,
        span: Span,
    ) -> Value {
        let elem = expected.and_then(|t| match t.strip_optional() {
            Ty::List(el) => Some(el.clone()),
            _ => None,
        });
        let mut out = Vec::new();
        self.comp_step(clauses, body, env.clone(), elem.as_ref(), &mut out);
        if !self.built(out.len(), "elements", span) {
            return Value::invalid(span);
        }
        Value::new(ValueKind::List(Rc::new(out)), span)
    }

    fn comp_step(
        &self,
        clauses: &'a [CompClause],
        body: &'a Expr,
        env: Scope<'a>,
        elem: Option<&Rc<Ty>>,
        out: &mut Vec<Value>,
    ) {
        let Some((first, rest)) = clauses.split_first() else {
            out.push(self.eval(body, &env, elem));
            return;
        };
        match first {
            CompClause::If(c) => {
                if self.eval_cond(c, &env) == Some(true) {
                    self.comp_step(rest, body, env, elem, out);
                }
            }
            CompClause::For {
                key_var,
                value_var,
                iter,
            } => {
                for (k, v) in self.iterate(iter, &env) {
                    let mut e = env.clone();
                    if let Some(kv) = key_var {
                        e = ScopeNode::var(kv, k, e);
                    }
                    e = ScopeNode::var(value_var, v, e);
                    self.comp_step(rest, body, e, elem, out);
                }
            }
        }
    }

    fn eval_amend(
        &self,
        base: &'a Expr,
        body: &'a ast::Body,
        env: &Scope<'a>,
        expected: Option<&Rc<Ty>>,
        span: Span,
    ) -> Value {
        let layer = Layer {
            src: Src::Members(&body.members),
            scope: env.clone(),
            module: env.module(),
        };
        if let Some(ty) = self.as_type_name(base, env) {
            return match &*ty {
                Ty::Schema(id, name) => self.schema_instance(*id, name.clone(), vec![layer], span),
                Ty::Map(..) => self.make_object(Some(&ty), vec![layer], span),
                _ => {
                    self.report(EvalError::NotAmendable {
                        span: base.span,
                        found: format!("the type {ty}"),
                    });
                    Value::invalid(span)
                }
            };
        }
        let b = self.eval(base, env, expected);
        let b = match expected {
            Some(t) => self.conform(b, t),
            None => b,
        };
        self.amend(b, layer, span)
    }

    /// The type a base expression names (`Service`, `k8s.Probe`), when it
    /// is not a value in scope.
    fn as_type_name(&self, base: &'a Expr, env: &Scope<'a>) -> Option<Rc<Ty>> {
        let module = env.module();
        match &base.kind {
            ExprKind::Name(id) => {
                if matches!(self.resolve_name_quiet(env, &id.name), Some(true)) {
                    return None;
                }
                let ty = self.types.lookup_named(module, &[id.name.as_str()])?;
                self.note_type(id.span, &ty);
                Some(ty)
            }
            ExprKind::Field { target, name } => match (&target.kind, name.as_static()) {
                (ExprKind::Name(alias), Some(n)) => {
                    let info = self.graph.get(module)?;
                    let import = info.imports.iter().find(|i| i.alias == alias.name)?;
                    let ty = self.types.lookup_named(module, &[alias.name.as_str(), n])?;
                    self.note_import(alias.span, import.span);
                    self.note_type(name.span(), &ty);
                    Some(ty)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `name` is a value in scope, without evaluating it.
    fn resolve_name_quiet(&self, env: &Scope<'a>, name: &str) -> Option<bool> {
        let mut cur = env;
        loop {
            match &**cur {
                ScopeNode::Var {
                    name: n, parent, ..
                } => {
                    if *n == name {
                        return Some(true);
                    }
                    cur = parent;
                }
                ScopeNode::Lets { src, parent, .. } => {
                    if self.body_index(*src).lets.contains_key(name) {
                        return Some(true);
                    }
                    cur = parent;
                }
                ScopeNode::Frame { obj, parent } => {
                    let obj = self.obj(*obj);
                    if !obj.is_map() && self.has_field(obj, name) {
                        return Some(true);
                    }
                    cur = parent;
                }
                ScopeNode::Module { obj, upto, parent } => {
                    if self.has_field_in(self.obj(*obj), name, *upto) {
                        return Some(true);
                    }
                    cur = parent;
                }
                ScopeNode::Root { module } => {
                    let imported = self
                        .graph
                        .get(*module)
                        .is_some_and(|m| m.imports.iter().any(|i| i.alias == name));
                    return Some(imported);
                }
            }
        }
    }

    /// For a group missing from the environment's `secrets`: how to add
    /// one (`??` would only hide that the environment lacks it). The same
    /// words for every environment, so that one base read by several is
    /// one problem naming them.
    fn secret_group_help(&self, o: &super::Object<'a>, path: &str, key: &str) -> Option<String> {
        (path == "secrets" && o.is_map()).then(|| {
            format!(
                "secrets are stored in each environment file: `digitc secret set ENV.dg {key}.KEY` encrypts a value read from stdin into it"
            )
        })
    }

    /// A new object from `layers`, typed by the expected type.
    pub(crate) fn make_object(
        &self,
        expected: Option<&Rc<Ty>>,
        layers: Vec<Layer<'a>>,
        span: Span,
    ) -> Value {
        match expected.and_then(|t| object_type(t)) {
            Some(Ty::Schema(id, name)) => self.schema_instance(*id, name.clone(), layers, span),
            Some(Ty::Map(k, v)) => {
                let o = self.new_object(
                    ObjKind::Map {
                        key: k.clone(),
                        value: v.clone(),
                    },
                    layers,
                    span,
                    false,
                );
                Value::new(ValueKind::Object(o.id), span)
            }
            _ => Value::new(
                ValueKind::Object(self.new_object(ObjKind::Record, layers, span, false).id),
                span,
            ),
        }
    }

    /// A record value stored where a schema or map is expected takes that
    /// type: its layers are laid over the type's defaults.
    pub(crate) fn conform(&self, v: Value, ty: &Rc<Ty>) -> Value {
        let ValueKind::Object(o) = v.kind else {
            return v;
        };
        let o = self.obj(o);
        if o.computed.get() {
            // A `merge` result has values, not layers: a map type takes
            // them over; anything else is left to validation.
            return match object_type(ty) {
                Some(Ty::Map(k, val)) => match self.obj_pairs(&v) {
                    Ok((keys, vals)) => {
                        let vals = vals
                            .into_iter()
                            .map(|x| self.check_value_at(x, val, None, None, Some(v.span)))
                            .collect();
                        let kind = ObjKind::Map {
                            key: k.clone(),
                            value: val.clone(),
                        };
                        let n = self.computed_object(kind, keys.into(), vals, o.span);
                        Value::new(ValueKind::Object(n.id), v.span)
                    }
                    Err(_) => v,
                },
                _ => v,
            };
        }
        match (object_type(ty), &o.kind) {
            (Some(Ty::Schema(id, name)), ObjKind::Record) => {
                let out = self.schema_instance(*id, name.clone(), o.layers.clone(), o.span);
                out.with_span(v.span)
            }
            (Some(Ty::Map(k, val)), ObjKind::Record) => {
                let n = self.new_object(
                    ObjKind::Map {
                        key: k.clone(),
                        value: val.clone(),
                    },
                    o.layers.clone(),
                    o.span,
                    false,
                );
                Value::new(ValueKind::Object(n.id), v.span)
            }
            (Some(Ty::Map(k, val)), ObjKind::Map { key, value }) if (key != k || value != val) => {
                let n = self.new_object(
                    ObjKind::Map {
                        key: k.clone(),
                        value: val.clone(),
                    },
                    o.layers.clone(),
                    o.span,
                    false,
                );
                Value::new(ValueKind::Object(n.id), v.span)
            }
            _ => v,
        }
    }

    fn eval_string(&self, s: &'a ast::StrLit, env: &Scope<'a>, span: Span) -> Value {
        if let [StrPart::Text(t)] = s.parts.as_slice() {
            return Value::str(t.as_str(), span);
        }
        let text: usize = s
            .parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => t.len(),
                StrPart::Interp(_) => 16,
            })
            .sum();
        let mut out = String::with_capacity(text);
        for p in &s.parts {
            match p {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(e) => {
                    let v = self.eval(e, env, None);
                    if !self.interpolate(&v, (e, env), &mut out)
                        || !self.built(out.len(), "bytes", span)
                    {
                        return Value::invalid(span);
                    }
                }
            }
        }
        Value::str(out, span)
    }

    /// Appends `v` to `out`; false (after reporting) when it cannot be.
    fn interpolate(&self, v: &Value, (e, env): (&'a Expr, &Scope<'a>), out: &mut String) -> bool {
        use std::fmt::Write;
        let at = e.span;
        match &v.kind {
            ValueKind::Str(s) => out.push_str(s),
            ValueKind::Int(n) => {
                let _ = write!(out, "{n}");
            }
            ValueKind::Float(x) => {
                let _ = write!(out, "{}", format_float(*x));
            }
            ValueKind::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            ValueKind::Quantity(q) => {
                let _ = write!(out, "{q}");
            }
            ValueKind::Invalid => return false,
            ValueKind::Secret(_) => {
                self.secret_misuse(v, at, "interpolated into a string".into());
                return false;
            }
            _ => {
                self.report(EvalError::TypeMismatch {
                    span: at,
                    path: None,
                    expected: "a String, number, Bool or Quantity".into(),
                    found: v.describe(&self.arena),
                    decl: None,
                    help: self.shadow_help(e, env).or_else(|| {
                        Some(
                            "use `${to_json(x)}` to put a record, list or none into a string"
                                .into(),
                        )
                    }),
                });
                return false;
            }
        }
        true
    }

    fn eval_unary(&self, op: UnaryOp, operand: &'a Expr, env: &Scope<'a>, span: Span) -> Value {
        let x = self.eval(operand, env, None);
        let k = match (op, &x.kind) {
            (_, ValueKind::Invalid) => return Value::invalid(span),
            (UnaryOp::Not, ValueKind::Bool(b)) => ValueKind::Bool(!b),
            (UnaryOp::Neg, ValueKind::Int(n)) => match n.checked_neg() {
                Some(n) => ValueKind::Int(n),
                None => {
                    self.report(EvalError::Overflow {
                        span,
                        op: "-".into(),
                    });
                    return Value::invalid(span);
                }
            },
            (UnaryOp::Neg, ValueKind::Float(f)) => ValueKind::Float(-f),
            _ => {
                let op = if op == UnaryOp::Not { "!" } else { "-" };
                self.report(EvalError::BadOperands {
                    span,
                    op: op.into(),
                    lhs: String::new(),
                    rhs: x.describe(&self.arena),
                });
                return Value::invalid(span);
            }
        };
        Value::new(k, span)
    }

    fn eval_binary(
        &self,
        op: BinaryOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
        env: &Scope<'a>,
        expected: Option<&Rc<Ty>>,
        span: Span,
    ) -> Value {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let Some(l) = self.eval_cond(lhs, env) else {
                    return Value::invalid(span);
                };
                if (op == BinaryOp::And && !l) || (op == BinaryOp::Or && l) {
                    return Value::new(ValueKind::Bool(l), span);
                }
                match self.eval_cond(rhs, env) {
                    Some(r) => Value::new(ValueKind::Bool(r), span),
                    None => Value::invalid(span),
                }
            }
            BinaryOp::Coalesce => {
                let l = match self.missing_map_entry(lhs, env, expected) {
                    Ok(()) => return self.eval(rhs, env, expected),
                    Err(l) => l,
                };
                match l.kind {
                    ValueKind::None => self.eval(rhs, env, expected),
                    _ => l,
                }
            }
            _ => {
                let l = self.eval(lhs, env, None);
                let r = self.eval(rhs, env, None);
                self.binary(op, l, r, [lhs.span, rhs.span], span)
            }
        }
    }
}

/// The schema or map type a `{ ... }` takes when `t` is expected.
pub(crate) fn object_type(t: &Rc<Ty>) -> Option<&Ty> {
    match t.strip_optional() {
        s @ (Ty::Schema(..) | Ty::Map(..)) => Some(s),
        Ty::Union(ts) => {
            let mut found = ts.iter().filter_map(object_type);
            let first = found.next()?;
            found.next().is_none().then_some(first)
        }
        _ => None,
    }
}

/// Floats print with a decimal point (`1.0`, `0.5`).
pub fn format_float(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}
