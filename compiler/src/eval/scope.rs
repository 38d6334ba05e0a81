//! Scopes: the chain a name is looked up along.
//!
//! Innermost first: `let`s and loop variables, then each enclosing object
//! frame (record, schema instance or module fields, declared or defined in
//! any layer; map entries are not names), then `key` and `root`, then the
//! module's imports. Lookup is dynamic: a frame is the final, fully amended
//! object, so a default written in a base module sees the override.

use super::object::{LayerEnv, LayerEnvs, ObjId, Object, Src};
use super::FastMap;
use super::{EvalError, Evaluator};
use crate::modules::ModuleId;
use crate::value::{Value, ValueKind};
use digit_lang::ast::{self, MemberKind};
use digit_lang::Span;
use std::cell::RefCell;
use std::rc::Rc;

pub type Scope<'a> = Rc<ScopeNode<'a>>;

pub enum ScopeNode<'a> {
    /// The outermost scope of a module: its imports.
    Root { module: ModuleId },
    /// An object's fields.
    Frame { obj: ObjId, parent: Scope<'a> },
    /// The fields of a schema's module, seen from the schema's body: the
    /// names defined in the bottom `upto` layers of `obj` (the module that
    /// declares the schema and those it amends), read from `obj`, the
    /// final module object (late bound).
    Module {
        obj: ObjId,
        upto: usize,
        parent: Scope<'a>,
    },
    /// The `let`s of a member list, each computed at most once in this
    /// scope (see [`LetSlot`]).
    Lets {
        src: Src<'a>,
        parent: Scope<'a>,
        memo: RefCell<FastMap<&'a str, LetSlot>>,
    },
    /// A loop variable, bound at `at`.
    Var {
        name: &'a str,
        at: Span,
        value: Value,
        parent: Scope<'a>,
    },
}

impl<'a> ScopeNode<'a> {
    pub fn root(module: ModuleId) -> Scope<'a> {
        Rc::new(ScopeNode::Root { module })
    }

    /// The scope of the `let`s of `src` inside `parent`.
    pub fn lets(src: Src<'a>, parent: Scope<'a>) -> Scope<'a> {
        Rc::new(ScopeNode::Lets {
            src,
            parent,
            memo: RefCell::new(FastMap::default()),
        })
    }

    pub fn var(name: &'a ast::Ident, value: Value, parent: Scope<'a>) -> Scope<'a> {
        Rc::new(ScopeNode::Var {
            name: name.name.as_str(),
            at: name.span,
            value,
            parent,
        })
    }

    /// The module whose imports end this chain.
    pub fn module(&self) -> ModuleId {
        let mut cur = self;
        loop {
            match cur {
                ScopeNode::Root { module } => return *module,
                ScopeNode::Frame { parent, .. }
                | ScopeNode::Module { parent, .. }
                | ScopeNode::Lets { parent, .. }
                | ScopeNode::Var { parent, .. } => cur = parent,
            }
        }
    }
}

/// A `let` of one scope: being computed (a use now is a cycle), or its value.
pub enum LetSlot {
    InProgress,
    Done(Value),
}

/// What a name means.
pub(crate) enum Resolved {
    Value(Value),
    NotFound,
}

impl<'a> Evaluator<'a> {
    /// The environment a member of `src` is evaluated in, inside `obj`,
    /// with the member list's index.
    fn layer_env(&self, src: Src<'a>, obj: &Object<'a>, outer: &Scope<'a>) -> LayerEnv<'a> {
        let frame = Rc::new(ScopeNode::Frame {
            obj: obj.id,
            parent: outer.clone(),
        });
        if matches!(src, Src::Nested(..)) {
            return LayerEnv {
                env: frame,
                ix: None,
                gens: RefCell::default(),
            };
        }
        let ix = self.body_index(src);
        let env = if ix.lets.is_empty() {
            frame
        } else {
            ScopeNode::lets(src, frame)
        };
        LayerEnv {
            env,
            ix: Some(ix),
            gens: RefCell::default(),
        }
    }

    /// [`Self::layer_env`] of every layer of `obj`, in layer order; made
    /// once per object (its frames refer to the object by id).
    pub(crate) fn layer_envs(&self, obj: &Object<'a>) -> Rc<LayerEnvs<'a>> {
        if let Some(envs) = obj.envs.borrow().as_ref() {
            return envs.clone();
        }
        let mut envs = LayerEnvs {
            layers: Vec::with_capacity(obj.layers.len()),
            always: Vec::new(),
            nested: FastMap::default(),
        };
        for l in &obj.layers {
            envs.layers.push(self.layer_env(l.src, obj, &l.scope));
        }
        // Without a nested path of a static key every layer is searched for
        // every key: no lists needed.
        if obj.layers.iter().any(|l| nested_key(l.src).is_some()) {
            for (i, l) in obj.layers.iter().enumerate() {
                match nested_key(l.src) {
                    Some(k) => envs.nested.entry(k).or_default().push(i as u32),
                    None => envs.always.push(i as u32),
                }
            }
        }
        let envs = Rc::new(envs);
        *obj.envs.borrow_mut() = Some(envs.clone());
        envs
    }

    /// Like [`Self::layer_env`] for a generator body (no new frame).
    pub(crate) fn lets_env(&self, src: Src<'a>, outer: Scope<'a>) -> Scope<'a> {
        if self.body_index(src).lets.is_empty() {
            return outer;
        }
        ScopeNode::lets(src, outer)
    }

    /// The scope the body of a schema declared in `module` is written in:
    /// the module's `let`s, then its fields (those defined in the module
    /// and the modules it amends), read from the final module object: the
    /// value of the module being evaluated when `module` is in its amends
    /// chain, else `module`'s own value. Made once per module.
    pub(crate) fn schema_scope(&self, module: ModuleId) -> Scope<'a> {
        if let Some(s) = self.schema_scopes.borrow().get(&module) {
            return s.clone();
        }
        let obj = match self.root() {
            Some(r) if r.layers.iter().any(|l| l.module == module) => r,
            Some(_) => self.module_object(module),
            // Not evaluating yet: nothing to cache.
            None => return ScopeNode::root(module),
        };
        let upto = obj
            .layers
            .iter()
            .position(|l| l.module == module)
            .map_or(obj.layers.len(), |i| i + 1);
        let mut scope = Rc::new(ScopeNode::Module {
            obj: obj.id,
            upto,
            parent: ScopeNode::root(module),
        });
        if let Some(info) = self.graph.get(module) {
            let src = Src::Items(&info.ast.items);
            if !self.body_index(src).lets.is_empty() {
                scope = ScopeNode::lets(src, scope);
            }
        }
        self.schema_scopes
            .borrow_mut()
            .insert(module, scope.clone());
        scope
    }

    pub(crate) fn resolve_name(&self, env: &Scope<'a>, name: &str, span: Span) -> Resolved {
        let mut cur = env;
        loop {
            match &**cur {
                ScopeNode::Var {
                    name: n,
                    value,
                    parent,
                    ..
                } => {
                    if *n == name {
                        self.note_binding(cur, name, span);
                        return Resolved::Value(value.clone().with_span(span));
                    }
                    cur = parent;
                }
                ScopeNode::Lets { src, parent, .. } => {
                    if let Some((&n, &expr)) = self.body_index(*src).lets.get_key_value(name) {
                        self.note_binding(cur, name, span);
                        return Resolved::Value(self.eval_let(expr, cur, n, span));
                    }
                    cur = parent;
                }
                ScopeNode::Frame { obj, parent } => {
                    let obj = self.obj(*obj);
                    if !obj.is_map() && self.has_field(obj, name) {
                        self.note_binding(cur, name, span);
                        return Resolved::Value(self.produced_field(obj, name, span));
                    }
                    cur = parent;
                }
                ScopeNode::Module { obj, upto, parent } => {
                    let obj = self.obj(*obj);
                    if self.has_field_in(obj, name, *upto) {
                        self.note_binding(cur, name, span);
                        return Resolved::Value(self.produced_field(obj, name, span));
                    }
                    cur = parent;
                }
                ScopeNode::Root { module } => {
                    self.note_binding(cur, name, span);
                    return self.resolve_global(env, *module, name, span);
                }
            }
        }
    }

    /// The value of field `name` of the frame `obj` whose static keys
    /// name it, read at `span`; when only an `if` or `for` writes it and
    /// wrote nothing here, an error (E0537): the name is this frame's, as
    /// the semantic model resolves it, so it never falls through to a
    /// field further out.
    fn produced_field(&self, obj: &Object<'a>, name: &str, span: Span) -> Value {
        if let Some(v) = self.field(obj, name, span) {
            return v;
        }
        self.report(EvalError::UnproducedField {
            span,
            name: name.to_string(),
            def: generated_key_span(obj, name),
        });
        Value::invalid(span)
    }

    /// The value of `let name = expr` of the scope `env` (a `Lets` node),
    /// computed the first time it is used there and then remembered: a
    /// `let` costs one evaluation per scope instance, however often it is
    /// read (`let a1 = a0 + a0`, `let a2 = a1 + a1`, ... stays linear).
    fn eval_let(&self, expr: &'a ast::Expr, env: &Scope<'a>, name: &'a str, span: Span) -> Value {
        let ScopeNode::Lets { memo, .. } = &**env else {
            return self.eval(expr, env, None);
        };
        match memo.borrow().get(name) {
            Some(LetSlot::Done(v)) => return v.clone(),
            Some(LetSlot::InProgress) => {
                self.report(EvalError::Cycle {
                    span: expr.span,
                    cycle: vec![name.to_string(), name.to_string()],
                });
                return Value::invalid(span);
            }
            None => {}
        }
        memo.borrow_mut().insert(name, LetSlot::InProgress);
        let v = self.eval(expr, env, None);
        memo.borrow_mut().insert(name, LetSlot::Done(v.clone()));
        v
    }

    fn resolve_global(
        &self,
        env: &Scope<'a>,
        module: ModuleId,
        name: &str,
        span: Span,
    ) -> Resolved {
        match name {
            "key" => {
                return Resolved::Value(match self.innermost_key(env) {
                    Some((k, at)) => Value::str(k, at),
                    None => Value::new(ValueKind::None, span),
                })
            }
            "root" => {
                if let Some(r) = self.root.get() {
                    return Resolved::Value(Value::new(ValueKind::Object(r), span));
                }
            }
            _ => {}
        }
        let Some(info) = self.graph.get(module) else {
            return Resolved::NotFound;
        };
        if let Some(imp) = info.imports.iter().find(|i| i.alias == name) {
            return Resolved::Value(match imp.target {
                Some(target) => Value::new(ValueKind::Object(self.module_object(target).id), span),
                None => Value::invalid(span),
            });
        }
        Resolved::NotFound
    }

    fn innermost_key(&self, env: &Scope<'a>) -> Option<(Rc<str>, Span)> {
        let mut cur = env;
        loop {
            match &**cur {
                ScopeNode::Frame { obj, parent } => {
                    if let Some(k) = self.obj(*obj).key_at() {
                        return Some(k);
                    }
                    cur = parent;
                }
                ScopeNode::Lets { parent, .. }
                | ScopeNode::Var { parent, .. }
                | ScopeNode::Module { parent, .. } => cur = parent,
                ScopeNode::Root { .. } => return None,
            }
        }
    }

    /// Every name visible from `env`, for did-you-mean.
    pub(crate) fn names_in_scope(&self, env: &Scope<'a>) -> Vec<String> {
        let mut out = vec!["key".to_string(), "root".to_string()];
        let mut cur = env;
        loop {
            match &**cur {
                ScopeNode::Var { name, parent, .. } => {
                    out.push(name.to_string());
                    cur = parent;
                }
                ScopeNode::Lets { src, parent, .. } => {
                    out.extend(self.body_index(*src).lets.keys().map(|k| k.to_string()));
                    cur = parent;
                }
                ScopeNode::Frame { obj, parent } => {
                    let obj = self.obj(*obj);
                    if !obj.is_map() {
                        out.extend(self.static_names(obj));
                    }
                    cur = parent;
                }
                ScopeNode::Module { obj, upto, parent } => {
                    out.extend(self.static_names_in(self.obj(*obj), *upto));
                    cur = parent;
                }
                ScopeNode::Root { module } => {
                    if let Some(info) = self.graph.get(*module) {
                        out.extend(info.imports.iter().map(|i| i.alias.clone()));
                    }
                    return out;
                }
            }
        }
    }
}

/// Where a `for` or `if` member of a layer of `obj` writes the static key
/// `key` (the last such place).
fn generated_key_span(obj: &Object<'_>, key: &str) -> Option<Span> {
    fn in_members(ms: &[ast::Member], key: &str, inside: bool) -> Option<Span> {
        let mut at = None;
        for m in ms {
            let found = match &m.kind {
                MemberKind::For { body, .. } => in_members(&body.members, key, true),
                MemberKind::If {
                    then_body,
                    else_body,
                    ..
                } => in_members(&then_body.members, key, true).or_else(|| {
                    else_body
                        .as_ref()
                        .and_then(|b| in_members(&b.members, key, true))
                }),
                MemberKind::Decl { name, .. } if inside => {
                    (name.as_static() == Some(key)).then(|| name.span())
                }
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. }
                    if inside =>
                {
                    path.first()
                        .filter(|k| k.as_static() == Some(key))
                        .map(ast::Key::span)
                }
                _ => None,
            };
            at = found.or(at);
        }
        at
    }
    obj.layers.iter().rev().find_map(|l| match l.src {
        Src::Members(ms) => in_members(ms, key, false),
        Src::Items(items) => items.iter().rev().find_map(|i| match i {
            ast::Item::Member(m) => in_members(std::slice::from_ref(m), key, false),
            _ => None,
        }),
        Src::Nested(..) => None,
    })
}

/// The static key a nested-path layer (`services."svc-1".replicas = 2`
/// seen from `services`) defines.
fn nested_key(src: Src<'_>) -> Option<&str> {
    match src {
        Src::Nested(m, off) => match &m.kind {
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => path.get(off).and_then(ast::Key::as_static),
            _ => None,
        },
        _ => None,
    }
}
