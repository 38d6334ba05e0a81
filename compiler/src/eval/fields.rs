//! Field lookup: definitions across layers, folded bottom to top.
//!
//! The topmost `=` (assignment or declaration default) resets, `+=` appends
//! to the value below, `{ ... }` and dotted paths amend the value below (or,
//! with nothing below, the declared type's defaults). Generators are
//! expanded only when their bodies could produce the key asked for.

use super::object::{
    BodyIndex, Expansion, FieldPath, GenBody, GenCache, GenState, Layer, LayerEnv, ObjKind, Object,
    Shape, Shaped, Slot, Src, SyntaxId,
};
use super::scope::{Scope, ScopeNode};
use super::{EvalError, Evaluator};
use crate::modules::ModuleId;
use crate::suggest;
use crate::types::Ty;
use crate::value::{Value, ValueKind};
use digit_lang::ast::{self, Member, MemberKind};
use digit_lang::Span;
use std::cell::RefCell;
use std::rc::Rc;

/// One definition of a field.
#[derive(Clone)]
pub struct Def<'a> {
    pub member: &'a Member,
    /// How many path segments are already consumed.
    pub off: usize,
    /// Where the member's expressions are evaluated.
    pub env: Scope<'a>,
    pub module: ModuleId,
}

/// What a definition does.
pub(super) enum Op<'a> {
    Set(&'a ast::Expr),
    Required,
    Append(&'a ast::Expr),
    Amend(&'a ast::Body),
    Nested,
}

/// Where a definition found in a member list comes from: the member's
/// position, the generator's iteration, whether its key is static.
type Origin = (u32, usize, bool);

impl<'a> Def<'a> {
    /// The key member `m` names after `off` segments.
    fn key_of(m: &'a Member, off: usize) -> Option<&'a ast::Key> {
        match &m.kind {
            MemberKind::Decl { name, .. } => Some(name),
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => path.get(off),
            _ => None,
        }
    }

    pub(super) fn op(&self) -> Op<'a> {
        let last = |path: &ast::Path| self.off + 1 >= path.len();
        match &self.member.kind {
            MemberKind::Decl {
                default: Some(e), ..
            } => Op::Set(e),
            MemberKind::Assign { path, value } if last(path) => Op::Set(value),
            MemberKind::Append { path, value } if last(path) => Op::Append(value),
            MemberKind::Amend { path, body } if last(path) => Op::Amend(body),
            MemberKind::Every { body } => Op::Amend(body),
            MemberKind::Assign { .. } | MemberKind::Append { .. } | MemberKind::Amend { .. } => {
                Op::Nested
            }
            _ => Op::Required,
        }
    }

    /// The span of the key this definition names.
    pub fn key_span(&self) -> Span {
        match &self.member.kind {
            MemberKind::Every { .. } => self.member.head_span(),
            MemberKind::Decl { name, .. } => name.span(),
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => {
                path.get(self.off).map_or(self.member.span, ast::Key::span)
            }
            _ => self.member.span,
        }
    }

    /// The expression that gives the field its value here: the `=`'s
    /// right-hand side, the whole member for `+=` and `{ }`; `None` for a
    /// bare declaration.
    fn site(&self) -> Option<Span> {
        match self.op() {
            Op::Set(e) => Some(e.span),
            Op::Required => None,
            _ => Some(self.member.span),
        }
    }

    /// The member up to the key it defines: `services."egov-user"` of
    /// `services."egov-user" { ... }`, where an amended instance is made.
    pub fn head_span(&self) -> Span {
        let key = self.key_span();
        if key.file == self.member.span.file && key.end >= self.member.span.start {
            Span::new(key.file, self.member.span.start, key.end)
        } else {
            self.member.span
        }
    }

    /// The declared type, when this definition is a declaration.
    pub fn decl_type(&self) -> Option<&'a ast::Type> {
        match &self.member.kind {
            MemberKind::Decl { ty, .. } => Some(ty),
            _ => None,
        }
    }
}

/// The declaration of a field, when it has one.
pub struct DeclInfo<'a> {
    pub ty: Rc<Ty>,
    pub span: Span,
    /// Declared in a user module, not the standard library: a knob.
    pub knob: bool,
    pub doc: Option<&'a str>,
}

impl<'a> Evaluator<'a> {
    /// Every definition of `key` in `obj`, bottom first.
    pub fn defs(&self, obj: &Object<'a>, key: &str) -> Vec<Def<'a>> {
        let mut out = Vec::with_capacity(obj.layers.len());
        self.defs_into(obj, key, &mut out);
        out
    }

    /// [`Self::defs`] into `out`, which is empty.
    fn defs_into(&self, obj: &Object<'a>, key: &str, out: &mut Vec<Def<'a>>) {
        let envs = self.layer_envs(obj);
        if envs.nested.is_empty() {
            for (layer, le) in obj.layers.iter().zip(envs.iter()) {
                self.collect(obj, Lookup::layer(layer, le), key, out);
            }
            return;
        }
        let always = envs.always.as_slice();
        let nested = envs.nested.get(key).map_or(&[][..], Vec::as_slice);
        // Both ascending: merged, the layers are searched bottom first.
        let (mut i, mut j) = (0, 0);
        while i < always.len() || j < nested.len() {
            let pos = match (always.get(i), nested.get(j)) {
                (Some(&a), Some(&n)) if a < n => {
                    i += 1;
                    a
                }
                (_, Some(&n)) => {
                    j += 1;
                    n
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => break,
            };
            let (Some(layer), Some(le)) = (obj.layers.get(pos as usize), envs.get(pos as usize))
            else {
                continue;
            };
            self.collect(obj, Lookup::layer(layer, le), key, out);
        }
    }

    fn collect(&self, obj: &Object<'a>, at: Lookup<'_, 'a>, key: &str, out: &mut Vec<Def<'a>>) {
        let Lookup {
            src, env, module, ..
        } = at;
        let off = src.offset();
        if let Src::Nested(m, off) = src {
            if self.member_key(m, off, env).as_deref() == Some(key) {
                out.push(Def {
                    member: m,
                    off,
                    env: env.clone(),
                    module,
                });
            }
            return;
        }
        let ix = at.ix.cloned().unwrap_or_else(|| self.body_index(src));
        // Without computed keys and generators, every candidate is a member
        // whose static key is `key`.
        let all_static = ix.dynamic.is_empty();
        // Where each definition found in this list comes from, when some
        // are only known by running: member, iteration, known statically.
        let base = out.len();
        let mut origins: Vec<Origin> = Vec::new();
        for &pos in ix.candidates(key).iter() {
            let Some(m) = src.member(pos as usize) else {
                continue;
            };
            match &m.kind {
                MemberKind::For { .. } | MemberKind::If { .. } => {
                    if self.gen_keys(m).may_produce(key) {
                        let exp = at
                            .gens
                            .and_then(|g| self.expansion(obj, g, pos, m, env, Some(key)));
                        // The iteration each definition comes from.
                        let mut iters = Vec::new();
                        match exp {
                            Some(exp) => {
                                self.collect_expansion(obj, &exp, key, module, out, &mut iters)
                            }
                            None => {
                                self.collect_expanding(obj, m, env, key, module, out, &mut iters)
                            }
                        }
                        origins.extend(iters.into_iter().map(|i| (pos, i, false)));
                    }
                }
                // `[*] { }` amends the entries defined before it.
                MemberKind::Every { .. } => {
                    if every_applies(obj) && !out.is_empty() {
                        out.push(Def {
                            member: m,
                            off,
                            env: env.clone(),
                            module,
                        });
                    }
                }
                _ => {
                    if all_static
                        || self.member_key_for(obj, key, m, off, env).as_deref() == Some(key)
                    {
                        out.push(Def {
                            member: m,
                            off,
                            env: env.clone(),
                            module,
                        });
                        if !all_static {
                            let fixed =
                                Def::key_of(m, off).is_some_and(|k| k.as_static().is_some());
                            origins.resize(out.len() - base, (pos, 0, fixed));
                        }
                    }
                }
            }
        }
        if !all_static {
            self.defined_twice_by_running(&out[base..], &origins, key);
        }
    }

    /// Reports the first field of one member list set twice with `=`
    /// where one of the two is only known by running: made by a
    /// generator, or under a computed key. (Two members with static keys
    /// are reported without running, by [`crate::duplicates`].)
    fn defined_twice_by_running(&self, defs: &[Def<'a>], origins: &[Origin], key: &str) {
        let sets = || {
            defs.iter()
                .zip(origins)
                .filter(|(d, _)| matches!(d.op(), Op::Set(_)))
        };
        let Some((first, &(fpos, fiter, ffixed))) = sets().next() else {
            return;
        };
        for (d, &(pos, iter, fixed)) in sets().skip(1) {
            if (fixed && ffixed) || (pos == fpos && iter == fiter) {
                continue;
            }
            let (span, first) = (d.key_span(), first.key_span());
            if self.reported_twice.borrow_mut().insert((span, first)) {
                self.report(crate::duplicates::DuplicateError::Generated {
                    span,
                    first: (span != first).then_some(first),
                    key: key.to_string(),
                });
            }
            return;
        }
    }

    /// The definitions of `key` among the bodies of generator `m`,
    /// expanded again (while its cached expansion is being made).
    #[allow(clippy::too_many_arguments)] // the two outputs of collect_expansion, and its inputs
    fn collect_expanding(
        &self,
        obj: &Object<'a>,
        m: &'a Member,
        env: &Scope<'a>,
        key: &str,
        module: ModuleId,
        out: &mut Vec<Def<'a>>,
        iters: &mut Vec<usize>,
    ) {
        let base = out.len();
        for (i, (body, benv)) in self.expand(obj, m, env).into_iter().enumerate() {
            let s = Src::Members(body);
            let benv = self.lets_env(s, benv);
            let at = Lookup {
                src: s,
                ix: None,
                env: &benv,
                module,
                gens: None,
            };
            self.collect(obj, at, key, out);
            iters.resize(out.len() - base, i);
        }
    }

    /// The definitions of `key` in a generator's expansion, in order, and
    /// in `iters` the iteration (body) each comes from.
    fn collect_expansion(
        &self,
        obj: &Object<'a>,
        exp: &Expansion<'a>,
        key: &str,
        module: ModuleId,
        out: &mut Vec<Def<'a>>,
        iters: &mut Vec<usize>,
    ) {
        let base = out.len();
        let fixed = exp.keyed.get(key).map_or(&[][..], Vec::as_slice);
        let nested = exp.nested.as_slice();
        // Both in (body, position) order: merged, the members are searched
        // in the order they were written and produced.
        let (mut i, mut j) = (0, 0);
        loop {
            let ((b, p), generator) = match (fixed.get(i), nested.get(j)) {
                (Some(&a), Some(&n)) if a < n => {
                    i += 1;
                    (a, false)
                }
                (_, Some(&n)) => {
                    j += 1;
                    (n, true)
                }
                (Some(&a), None) => {
                    i += 1;
                    (a, false)
                }
                (None, None) => break,
            };
            let Some(body) = exp.bodies.get(b as usize) else {
                continue;
            };
            let Some(m) = body.members.get(p as usize) else {
                continue;
            };
            if !generator {
                out.push(Def {
                    member: m,
                    off: 0,
                    env: body.env.clone(),
                    module,
                });
            } else if let MemberKind::Every { .. } = m.kind {
                if every_applies(obj) && !out.is_empty() {
                    out.push(Def {
                        member: m,
                        off: 0,
                        env: body.env.clone(),
                        module,
                    });
                }
            } else if self.gen_keys(m).may_produce(key) {
                let inner_iters = &mut Vec::new();
                match self.expansion(obj, &body.gens, p, m, &body.env, Some(key)) {
                    Some(inner) => {
                        self.collect_expansion(obj, &inner, key, module, out, inner_iters)
                    }
                    None => {
                        self.collect_expanding(obj, m, &body.env, key, module, out, inner_iters)
                    }
                }
            }
            iters.resize(out.len() - base, b as usize);
        }
    }

    /// The expansion of generator `m`, at position `pos` of a member list
    /// whose generators `cache` holds, in `env`: made the first time it is
    /// asked for in this object (evaluating the loop and every computed
    /// key of its bodies once, while looking for `key` if given), then
    /// shared by every lookup and the key listing. `None` while it is
    /// being made.
    fn expansion(
        &self,
        obj: &Object<'a>,
        cache: &GenCache<'a>,
        pos: u32,
        m: &'a Member,
        env: &Scope<'a>,
        key: Option<&str>,
    ) -> Option<Rc<Expansion<'a>>> {
        match cache.borrow().get(&pos) {
            Some(GenState::Done(exp)) => return Some(exp.clone()),
            Some(GenState::Building) => return None,
            None => {}
        }
        cache.borrow_mut().insert(pos, GenState::Building);
        let mut exp = Expansion::default();
        for (b, (members, benv)) in self.expand(obj, m, env).into_iter().enumerate() {
            let s = Src::Members(members);
            let benv = self.lets_env(s, benv);
            let mut keys = Vec::with_capacity(members.len());
            for (p, member) in members.iter().enumerate() {
                let at = (b as u32, p as u32);
                let k = match &member.kind {
                    // Generators, and `[*] { }`, which amends every key.
                    MemberKind::For { .. } | MemberKind::If { .. } | MemberKind::Every { .. } => {
                        exp.nested.push(at);
                        None
                    }
                    _ => match key {
                        Some(k) => self.member_key_for(obj, k, member, 0, &benv),
                        None => self.member_key(member, 0, &benv),
                    }
                    .map(|k| match k {
                        KeyText::Static(k) => self.intern(k),
                        KeyText::Computed(k) => k,
                    }),
                };
                if let Some(k) = &k {
                    exp.keyed.entry(k.clone()).or_default().push(at);
                }
                keys.push(k);
            }
            exp.bodies.push(GenBody {
                members,
                env: benv,
                keys,
                gens: RefCell::default(),
            });
        }
        let exp = Rc::new(exp);
        cache.borrow_mut().insert(pos, GenState::Done(exp.clone()));
        Some(exp)
    }

    /// [`Self::member_key`] while looking for the definitions of `key`:
    /// a computed key that needs `key` itself is reported as such.
    fn member_key_for(
        &self,
        obj: &Object<'a>,
        key: &str,
        m: &'a Member,
        off: usize,
        env: &Scope<'a>,
    ) -> Option<KeyText<'a>> {
        let computed = match &m.kind {
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => match path.get(off) {
                Some(ast::Key::Computed(e)) => Some(e.span),
                _ => None,
            },
            _ => None,
        };
        let Some(span) = computed else {
            return self.member_key(m, off, env);
        };
        let entry = (obj.id, Rc::from(key), span);
        self.key_stack.borrow_mut().push(entry);
        let k = self.member_key(m, off, env);
        self.key_stack.borrow_mut().pop();
        k
    }

    /// The computed key being evaluated to find `key` of `obj`, if any.
    fn computed_key_of(&self, obj: &Object<'a>, key: &str) -> Option<Span> {
        self.key_stack
            .borrow()
            .iter()
            .rev()
            .find(|(o, k, _)| *o == obj.id && &**k == key)
            .map(|(_, _, span)| *span)
    }

    /// The key a member defines (computed keys evaluated in `env`).
    fn member_key(&self, m: &'a Member, off: usize, env: &Scope<'a>) -> Option<KeyText<'a>> {
        let k = match &m.kind {
            MemberKind::Decl { name, .. } => name,
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => path.get(off)?,
            _ => return None,
        };
        match k {
            ast::Key::Name(i) | ast::Key::Quoted(i) => Some(KeyText::Static(i.name.as_str())),
            ast::Key::Computed(e) => match self.eval(e, env, None).kind {
                ValueKind::Str(s) => Some(KeyText::Computed(s)),
                ValueKind::Invalid => None,
                _ => {
                    self.report(EvalError::TypeMismatch {
                        span: e.span,
                        path: None,
                        expected: "a String key".into(),
                        found: self.eval(e, env, None).describe(&self.arena),
                        decl: None,
                        help: None,
                    });
                    None
                }
            },
        }
    }

    /// The bodies a generator produces, each with its scope.
    fn expand(
        &self,
        obj: &Object<'a>,
        m: &'a Member,
        env: &Scope<'a>,
    ) -> Vec<(&'a [Member], Scope<'a>)> {
        let id = SyntaxId::member(m);
        if obj.expanding.borrow().contains(&id) {
            self.report(EvalError::Cycle {
                span: m.span,
                cycle: vec![
                    "this generator".into(),
                    "a field it produces".into(),
                    "this generator".into(),
                ],
            });
            return Vec::new();
        }
        obj.expanding.borrow_mut().push(id);
        let out = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expand_inner(m, env));
        obj.expanding.borrow_mut().retain(|x| *x != id);
        out
    }

    fn expand_inner(&self, m: &'a Member, env: &Scope<'a>) -> Vec<(&'a [Member], Scope<'a>)> {
        match &m.kind {
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => match self.eval_cond(cond, env) {
                Some(true) => vec![(then_body.members.as_slice(), env.clone())],
                Some(false) => else_body
                    .iter()
                    .map(|b| (b.members.as_slice(), env.clone()))
                    .collect(),
                None => Vec::new(),
            },
            MemberKind::For {
                key_var,
                value_var,
                iter,
                body,
            } => {
                let items = self.iterate(iter, env);
                items
                    .into_iter()
                    .map(|(k, v)| {
                        let mut e = env.clone();
                        if let Some(kv) = key_var {
                            e = ScopeNode::var(kv, k, e);
                        }
                        e = ScopeNode::var(value_var, v, e);
                        (body.members.as_slice(), e)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// True when `name` is a field of `obj` (declared or defined statically).
    pub fn has_field(&self, obj: &Object<'a>, name: &str) -> bool {
        self.has_field_in(obj, name, obj.layers.len())
    }

    /// [`Self::has_field`] in the bottom `upto` layers of `obj`.
    pub(crate) fn has_field_in(&self, obj: &Object<'a>, name: &str, upto: usize) -> bool {
        let envs = self.layer_envs(obj);
        obj.layers
            .iter()
            .zip(envs.iter())
            .take(upto)
            .any(|(l, le)| match l.src {
                Src::Nested(m, off) => match &m.kind {
                    MemberKind::Assign { path, .. }
                    | MemberKind::Append { path, .. }
                    | MemberKind::Amend { path, .. } => {
                        path.get(off).and_then(ast::Key::as_static) == Some(name)
                    }
                    _ => false,
                },
                src => {
                    let ix = le.ix.clone().unwrap_or_else(|| self.body_index(src));
                    ix.keyed.contains_key(name)
                        || ix.dynamic.iter().any(|p| {
                            src.member(*p as usize).is_some_and(|m| {
                                matches!(m.kind, MemberKind::For { .. } | MemberKind::If { .. })
                                    && self.gen_keys(m).keys.contains(name)
                            })
                        })
                }
            })
    }

    /// The span of the last member that defines `key` under a static name.
    /// Unlike [`Self::defs`] it evaluates nothing, so it is safe to call
    /// while a cycle through a computed key (`"${x}" = 1`, `x = 1`) is
    /// being reported.
    fn static_def_span(&self, obj: &Object<'a>, key: &str) -> Option<Span> {
        let mut at = None;
        for l in &obj.layers {
            match l.src {
                Src::Nested(m, off) => {
                    let path = match &m.kind {
                        MemberKind::Assign { path, .. }
                        | MemberKind::Append { path, .. }
                        | MemberKind::Amend { path, .. } => Some(path),
                        _ => None,
                    };
                    let k = path.and_then(|p| p.get(off)).and_then(ast::Key::as_static);
                    if k == Some(key) {
                        at = Some(m.span);
                    }
                }
                src => {
                    let ix = self.body_index(src);
                    if let Some(&pos) = ix.keyed.get(key).and_then(|p| p.as_slice().last()) {
                        at = src.member(pos as usize).map(|m| m.span).or(at);
                    }
                }
            }
        }
        at
    }

    /// Static field names of `obj`, for did-you-mean.
    pub(crate) fn static_names(&self, obj: &Object<'a>) -> Vec<String> {
        self.static_names_in(obj, obj.layers.len())
    }

    /// [`Self::static_names`] of the bottom `upto` layers of `obj`.
    pub(crate) fn static_names_in(&self, obj: &Object<'a>, upto: usize) -> Vec<String> {
        let mut out = Vec::new();
        for l in obj.layers.iter().take(upto) {
            if let Src::Nested(..) = l.src {
                continue;
            }
            out.extend(self.body_index(l.src).keyed.keys().map(|k| k.to_string()));
        }
        out
    }

    /// The declaration of `key` among `defs` (the bottom-most one).
    pub fn decl_of(&self, defs: &[Def<'a>]) -> Option<DeclInfo<'a>> {
        let d = defs.iter().find(|d| d.decl_type().is_some())?;
        let ty = self.resolve_type(d.decl_type()?, d.module);
        Some(DeclInfo {
            ty,
            span: d.member.span,
            knob: !self.is_stdlib(d.module),
            doc: d.member.doc.as_ref().map(|doc| doc.text.as_str()),
        })
    }

    /// The value of field `key` of `obj`, or `None` when nothing defines it.
    pub fn field(&self, obj: &Object<'a>, key: &str, use_span: Span) -> Option<Value> {
        self.field_with(obj, key, use_span, || Rc::from(key))
    }

    /// [`Self::field`] for a key the caller holds as an `Rc` already (from
    /// [`Self::keys`]), which the memo table then shares.
    pub fn field_rc(&self, obj: &Object<'a>, key: &Rc<str>, use_span: Span) -> Option<Value> {
        self.field_with(obj, key, use_span, || key.clone())
    }

    /// The shape of `obj` and its slots, when every layer of it defines
    /// only static keys; decided once per object.
    fn shaped<'o>(&self, obj: &'o Object<'a>) -> Option<&'o Shaped> {
        obj.shaped
            .get_or_init(|| {
                if obj.computed.get() || obj.layers.is_empty() {
                    return None;
                }
                let envs = self.layer_envs(obj);
                let all_static = envs
                    .iter()
                    .all(|le| le.ix.as_ref().is_some_and(|ix| ix.static_keys.is_some()));
                if !all_static {
                    return None;
                }
                let ids: Vec<SyntaxId> = obj.layers.iter().map(|l| l.src.id()).collect();
                let known = self.shapes.borrow().get(&ids).cloned();
                let shape = match known {
                    Some(shape) => shape,
                    None => {
                        let keys = self.keys(obj);
                        let index = keys
                            .iter()
                            .enumerate()
                            .map(|(i, k)| (k.clone(), i as u32))
                            .collect();
                        let shape = Rc::new(Shape { keys, index });
                        self.shapes.borrow_mut().insert(ids, shape.clone());
                        shape
                    }
                };
                if obj.keys.borrow().is_none() {
                    *obj.keys.borrow_mut() = Some(shape.keys.clone());
                }
                let slots = shape.keys.iter().map(|_| Slot::Empty).collect();
                Some(Shaped {
                    shape,
                    slots: RefCell::new(slots),
                })
            })
            .as_ref()
    }

    fn field_with(
        &self,
        obj: &Object<'a>,
        key: &str,
        use_span: Span,
        owned: impl FnOnce() -> Rc<str>,
    ) -> Option<Value> {
        if let Some(shaped) = self.shaped(obj) {
            return self.shaped_field(obj, shaped, key, use_span);
        }
        if let Some(slot) = obj.memo.borrow().get(key) {
            match slot {
                Slot::Done(v) => return Some(v.clone()),
                Slot::Empty => {}
                Slot::InProgress => {
                    match self.computed_key_of(obj, key) {
                        Some(span) => self.report(EvalError::KeyCycle {
                            span,
                            field: key.to_string(),
                            def: self.static_def_span(obj, key),
                        }),
                        None => self.report_cycle(obj, key, use_span),
                    }
                    return Some(Value::invalid(use_span));
                }
            }
        }
        if self.too_deep(obj, key, use_span) {
            return Some(Value::invalid(use_span));
        }
        let k = owned();
        obj.memo.borrow_mut().insert(k.clone(), Slot::InProgress);
        self.stack.borrow_mut().push((obj.id, k.clone()));
        let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.compute_field(obj, &k));
        self.stack.borrow_mut().pop();
        match v {
            Some(v) => {
                let mut memo = obj.memo.borrow_mut();
                match memo.get_mut(&*k) {
                    Some(slot) => *slot = Slot::Done(v.clone()),
                    None => {
                        memo.insert(k, Slot::Done(v.clone()));
                    }
                }
                Some(v)
            }
            None => {
                obj.memo.borrow_mut().remove(key);
                None
            }
        }
    }

    /// [`Self::field_with`] for a shaped object: its fields by position.
    fn shaped_field(
        &self,
        obj: &Object<'a>,
        shaped: &Shaped,
        key: &str,
        use_span: Span,
    ) -> Option<Value> {
        // Every key a layer defines is in the shape: any other is no field.
        let (k, &pos) = shaped.shape.index.get_key_value(key)?;
        let pos = pos as usize;
        match shaped.slots.borrow().get(pos)? {
            Slot::Done(v) => return Some(v.clone()),
            Slot::InProgress => {
                self.report_cycle(obj, key, use_span);
                return Some(Value::invalid(use_span));
            }
            Slot::Empty => {}
        }
        if self.too_deep(obj, key, use_span) {
            return Some(Value::invalid(use_span));
        }
        let set = |slot: Slot| {
            if let Some(s) = shaped.slots.borrow_mut().get_mut(pos) {
                *s = slot;
            }
        };
        set(Slot::InProgress);
        self.stack.borrow_mut().push((obj.id, k.clone()));
        let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.compute_field(obj, k));
        self.stack.borrow_mut().pop();
        match &v {
            Some(v) => set(Slot::Done(v.clone())),
            None => set(Slot::Empty),
        }
        v
    }

    /// Whether computing field `key` of `obj` now would pass
    /// [`super::MAX_FIELD_DEPTH`] (reported once, and the evaluation
    /// stopped).
    fn too_deep(&self, obj: &Object<'a>, key: &str, use_span: Span) -> bool {
        if self.stack.borrow().len() < super::MAX_FIELD_DEPTH {
            return false;
        }
        if !self.halted() {
            let path = obj.child_path(key, &self.arena).to_string();
            self.report(EvalError::FieldsTooDeep {
                span: self.static_def_span(obj, key).unwrap_or(use_span),
                path: short_path(&path),
                depth: super::MAX_FIELD_DEPTH,
            });
        }
        self.halt();
        true
    }

    fn report_cycle(&self, obj: &Object<'a>, key: &str, span: Span) {
        let stack = self.stack.borrow();
        let pos = stack
            .iter()
            .position(|(o, k)| *o == obj.id && &**k == key)
            .unwrap_or(0);
        let mut cycle: Vec<String> = stack[pos..]
            .iter()
            .map(|(o, k)| self.obj(*o).child_path(k, &self.arena).to_string())
            .collect();
        cycle.push(obj.child_path(key, &self.arena).to_string());
        drop(stack);
        let at = self.static_def_span(obj, key).unwrap_or(span);
        self.report(EvalError::Cycle { span: at, cycle });
    }

    fn compute_field(&self, obj: &Object<'a>, key: &Rc<str>) -> Option<Value> {
        // Fields are computed inside one another: each level takes a spare
        // vector for its definitions and gives it back emptied.
        let mut defs = self.spare_defs.borrow_mut().pop().unwrap_or_default();
        self.defs_into(obj, key, &mut defs);
        let v = self.fold_defs(obj, key, &defs);
        defs.clear();
        self.spare_defs.borrow_mut().push(defs);
        v
    }

    /// The value of field `key` of `obj` from its definitions `defs`.
    fn fold_defs(&self, obj: &Object<'a>, key: &Rc<str>, defs: &[Def<'a>]) -> Option<Value> {
        if defs.is_empty() {
            return None;
        }
        let decl = self.decl_of(defs);
        if obj.closed && decl.is_none() && !self.may_define(obj, &defs[0]) {
            self.report_unknown_field(obj, key, &defs[0]);
            return Some(Value::invalid(defs[0].key_span()));
        }
        let ty = match (&decl, &obj.kind) {
            (Some(d), _) => Some(d.ty.clone()),
            (None, ObjKind::Map { value, .. }) => Some(value.clone()),
            _ => None,
        };
        if let (None, ObjKind::Map { value, .. }) = (&decl, &obj.kind) {
            if self.new_entry_problem(obj, key, defs, value) {
                return Some(Value::invalid(defs[0].key_span()));
            }
        }
        let path = obj.child(key);
        // A map entry's `key` is the key as first written, so a bad key is
        // reported at the user's line rather than at `name: Name = key`.
        let map_key = obj.is_map().then(|| (key, defs[0].key_span()));
        let place = Place {
            path: &path,
            key: map_key,
        };
        let Some(v) = self.fold(obj, defs, defs.len(), ty.as_ref(), &place) else {
            let d = decl.map_or(defs[0].member.span, |d| d.span);
            self.report(EvalError::MissingField {
                span: obj.span,
                field: key.to_string(),
                path: obj.path(&self.arena).to_string(),
                decl: d,
            });
            return Some(Value::invalid(obj.span));
        };
        let Some(ty) = ty else { return Some(v) };
        let decl_span = decl.as_ref().map(|d| d.span).or_else(|| obj.decl());
        let site = defs.iter().rev().find_map(Def::site);
        // A name hiding an outer one (`WHITELIST = ingress` in a service).
        let note = || match defs.last().map(Def::op) {
            Some(Op::Set(e)) => self.shadow_help(e, &defs.last()?.env),
            _ => None,
        };
        let v = self.check_value_noted(v, &ty, Some(&path), decl_span, site, note);
        if let ValueKind::Object(o) = v.kind {
            let o = self.obj(o);
            o.settle(&path, map_key);
            if let Some(d) = decl_span {
                o.set_decl(d);
            }
        }
        Some(v)
    }

    /// True when `def`, the first definition of an undeclared field of a
    /// closed object, may define it anyway: it is written in a module
    /// that amends nothing typed (its own untyped fields, which the modules
    /// amending it can then set).
    fn may_define(&self, obj: &Object<'a>, def: &Def<'a>) -> bool {
        matches!(obj.kind, ObjKind::Module(_))
            && !self
                .graph
                .amends_chain(def.module)
                .iter()
                .skip(1)
                .any(|&m| self.declares_fields(m))
    }

    /// True when module `m` declares fields (`name: Type` at top level).
    pub(crate) fn declares_fields(&self, m: ModuleId) -> bool {
        self.graph.get(m).is_some_and(|info| {
            info.ast.items.iter().any(|i| {
                matches!(
                    i,
                    ast::Item::Member(Member {
                        kind: MemberKind::Decl { .. },
                        ..
                    })
                )
            })
        })
    }

    fn report_unknown_field(&self, obj: &Object<'a>, key: &str, def: &Def<'a>) {
        let declared = self.declared_names(obj);
        let help = self
            .may_suggest(declared.len())
            .then(|| {
                suggest::help(
                    key,
                    &declared.iter().map(String::as_str).collect::<Vec<_>>(),
                )
            })
            .flatten();
        let (owner, decl) = match &obj.kind {
            ObjKind::Schema(id, name) => (
                name.to_string(),
                self.types.schemas.get(*id).map(|s| s.ast.name.span),
            ),
            ObjKind::Module(id) => {
                let chain = self.graph.amends_chain(*id);
                let env = chain
                    .last()
                    .and_then(|m| self.graph.get(*m))
                    .is_some_and(|m| m.key == crate::modules::ModuleKey::Std("environment".into()));
                (
                    if env {
                        "the environment"
                    } else {
                        "this module"
                    }
                    .to_string(),
                    None,
                )
            }
            _ => ("this record".to_string(), None),
        };
        let help = help
            .or_else(|| (!declared.is_empty()).then(|| settable_fields_help(&declared, &obj.kind)));
        self.report(EvalError::UnknownField {
            span: def.key_span(),
            name: key.to_string(),
            owner,
            decl,
            help,
        });
    }

    /// Names declared with `name: Type` in any layer of `obj`.
    pub fn declared_names(&self, obj: &Object<'a>) -> Vec<String> {
        let mut out = Vec::new();
        for l in &obj.layers {
            for i in 0..l.src.len() {
                if let Some(Member {
                    kind:
                        MemberKind::Decl {
                            name: ast::Key::Name(n) | ast::Key::Quoted(n),
                            ..
                        },
                    ..
                }) = l.src.member(i)
                {
                    out.push(n.name.to_string());
                }
            }
        }
        out
    }

    /// Folds `defs[..n]`: the value of the top one, applied to those below.
    fn fold(
        &self,
        obj: &Object<'a>,
        defs: &[Def<'a>],
        n: usize,
        ty: Option<&Rc<Ty>>,
        place: &Place<'_>,
    ) -> Option<Value> {
        let d = defs.get(n.checked_sub(1)?)?;
        let v = match d.op() {
            Op::Set(e) => self.eval(e, &d.env, ty),
            Op::Required => return self.fold(obj, defs, n - 1, ty, place),
            Op::Append(e) => {
                let below = self
                    .fold(obj, defs, n - 1, ty, place)
                    .unwrap_or_else(|| self.empty_of(ty, e.span));
                let rhs = self.eval(e, &d.env, ty);
                self.append(below, rhs, d.member.span)
            }
            Op::Amend(_) | Op::Nested => self.fold_amends(obj, defs, n, ty, place),
        };
        if let ValueKind::Object(o) = v.kind {
            self.obj(o).settle(place.path, place.key);
        }
        Some(v)
    }

    /// Folds `defs[..n]` whose top is an amend (`x { }`, or a nested path
    /// `x.y = 1` seen from `x`): the run of amends at the top becomes one
    /// object with one layer each, laid over what is below them. Making
    /// one object per amend would copy the layers below each time: a map
    /// amended by a thousand nested paths would cost a million copies.
    fn fold_amends(
        &self,
        obj: &Object<'a>,
        defs: &[Def<'a>],
        n: usize,
        ty: Option<&Rc<Ty>>,
        place: &Place<'_>,
    ) -> Value {
        let mut start = n;
        while start > 0
            && matches!(
                defs[start - 1].op(),
                Op::Amend(_) | Op::Nested | Op::Required
            )
        {
            start -= 1;
        }
        let layers: Vec<Layer<'a>> = defs[start..n]
            .iter()
            .filter_map(|d| {
                let src = match d.op() {
                    Op::Amend(body) => Src::Members(&body.members),
                    Op::Nested => Src::Nested(d.member, d.off + 1),
                    _ => return None,
                };
                Some(Layer {
                    src,
                    scope: d.env.clone(),
                    module: d.module,
                })
            })
            .collect();
        // The run ends in an amend: `n - 1` is one, and `start <= n - 1`.
        let (bottom, top) = (&defs[start], &defs[n - 1]);
        let below = match self.fold(obj, defs, start, ty, place) {
            // `migration { ... }` on `migration: Migration? = none` starts a
            // new instance, as a new map entry does.
            Some(v) if matches!(v.kind, ValueKind::None) && starts_fresh(ty) => None,
            below => below,
        };
        let Some(below) = below else {
            return self.fresh_with(ty, layers, bottom.key_span(), top.head_span());
        };
        if let ValueKind::Object(o) = below.kind {
            self.obj(o).settle(place.path, place.key);
        }
        let below = match ty {
            Some(t) => self.conform(below, t),
            None => below,
        };
        self.amend_with(below, layers, top.head_span())
    }

    /// `{ ... }` on a value: a new object with one more layer.
    pub(crate) fn amend(&self, below: Value, layer: Layer<'a>, span: Span) -> Value {
        self.amend_with(below, vec![layer], span)
    }

    /// `below` amended by each of `layers` in turn, as one new object: the
    /// objects in between are never seen, so none is made.
    pub(crate) fn amend_with(&self, below: Value, extra: Vec<Layer<'a>>, span: Span) -> Value {
        match below.kind {
            ValueKind::Object(o) => {
                let o = self.obj(o);
                if o.computed.get() {
                    self.report(EvalError::NotAmendable {
                        span,
                        found: "the result of `merge`".into(),
                    });
                    return Value::invalid(span);
                }
                let mut layers = Vec::with_capacity(o.layers.len() + extra.len());
                layers.extend(o.layers.iter().cloned());
                layers.extend(extra);
                let obj = self.new_object(o.kind.clone(), layers, span, o.closed);
                Value::new(ValueKind::Object(obj.id), span)
            }
            ValueKind::Invalid => Value::invalid(span),
            _ => {
                self.report(EvalError::NotAmendable {
                    span,
                    found: below.describe(&self.arena),
                });
                Value::invalid(span)
            }
        }
    }

    /// What `{ ... }` starts from when nothing is defined below.
    pub(crate) fn defaults_of(&self, ty: Option<&Rc<Ty>>, span: Span) -> Value {
        self.fresh_with(ty, Vec::new(), span, span)
    }

    /// A new value of type `ty` (what `{ ... }` starts from, made at
    /// `at`) amended by `layers`, as one object made at `span`.
    fn fresh_with(
        &self,
        ty: Option<&Rc<Ty>>,
        layers: Vec<Layer<'a>>,
        at: Span,
        span: Span,
    ) -> Value {
        let kind = match ty.map(|t| t.strip_optional()) {
            Some(Ty::Schema(id, name)) => {
                return self.schema_instance(*id, name.clone(), layers, span);
            }
            Some(Ty::Map(k, v)) => ObjKind::Map {
                key: k.clone(),
                value: v.clone(),
            },
            Some(Ty::List(_)) => {
                let empty = Value::new(ValueKind::List(Rc::new(Vec::new())), at);
                return if layers.is_empty() {
                    empty
                } else {
                    self.amend_with(empty, layers, span)
                };
            }
            _ => ObjKind::Record,
        };
        Value::new(
            ValueKind::Object(self.new_object(kind, layers, span, false).id),
            span,
        )
    }

    /// What `+=` starts from when nothing is defined below.
    fn empty_of(&self, ty: Option<&Rc<Ty>>, span: Span) -> Value {
        match ty.map(|t| t.strip_optional()) {
            Some(t) if t.is_stringish() => Value::str("", span),
            _ => self.defaults_of(ty, span),
        }
    }

    /// A new instance of schema `id` with extra layers on top.
    pub(crate) fn schema_instance(
        &self,
        id: usize,
        name: Rc<str>,
        extra: Vec<Layer<'a>>,
        span: Span,
    ) -> Value {
        let Some(info) = self.types.schemas.get(id) else {
            return Value::invalid(span);
        };
        let mut layers = vec![Layer {
            src: Src::Members(&info.ast.body.members),
            scope: self.schema_scope(info.module),
            module: info.module,
        }];
        layers.extend(extra);
        Value::new(
            ValueKind::Object(
                self.new_object(ObjKind::Schema(id, name), layers, span, true)
                    .id,
            ),
            span,
        )
    }

    /// All keys of `obj`, in first-definition order (generators expanded).
    pub fn keys(&self, obj: &Object<'a>) -> Rc<[Rc<str>]> {
        if let Some(k) = obj.keys.borrow().as_ref() {
            return k.clone();
        }
        if obj.listing.replace(true) {
            self.report(EvalError::Cycle {
                span: obj.span,
                cycle: vec![
                    "the keys of this object".into(),
                    "a generator over them".into(),
                    "the keys of this object".into(),
                ],
            });
            return Rc::from([]);
        }
        let envs = self.layer_envs(obj);
        let keys = match self.all_static_keys(&envs) {
            Some(keys) => keys,
            None => {
                let members = obj.layers.iter().map(|l| l.src.len()).sum();
                let mut set = KeySet::with_capacity_and_hasher(members, Default::default());
                for (layer, le) in obj.layers.iter().zip(envs.iter()) {
                    self.list_keys(obj, layer.src, &le.env, Some(&le.gens), &mut set);
                }
                set.into_iter().collect()
            }
        };
        obj.listing.set(false);
        *obj.keys.borrow_mut() = Some(keys.clone());
        keys
    }

    /// The keys of an object with the layers `envs` when every layer names
    /// its keys statically (no generator, computed key or nested path),
    /// from the lists of its layers, evaluating nothing.
    fn all_static_keys(&self, envs: &[LayerEnv<'a>]) -> Option<Rc<[Rc<str>]>> {
        // Most objects have one layer with keys: its list is shared as is.
        let mut first = None;
        let mut lists = Vec::new();
        for le in envs {
            let list = le.ix.as_ref()?.static_keys.clone()?;
            if list.is_empty() {
                continue;
            }
            match first {
                None => first = Some(list),
                Some(_) => lists.push(list),
            }
        }
        let Some(first) = first else {
            return Some(Rc::from([]));
        };
        if lists.is_empty() {
            return Some(first);
        }
        lists.insert(0, first);
        let n: usize = lists.iter().map(|l| l.len()).sum();
        match lists.as_slice() {
            // Interned: equal names are the same `Rc`, so a short union
            // compares pointers instead of hashing.
            [first, rest @ ..] if n <= 64 => {
                let mut keys = Vec::with_capacity(n);
                keys.extend(first.iter().cloned());
                for k in rest.iter().flat_map(|l| l.iter()) {
                    push_new(&mut keys, k);
                }
                Some(keys.into())
            }
            _ => {
                let mut set = KeySet::with_capacity_and_hasher(n, Default::default());
                for list in &lists {
                    set.extend(list.iter().cloned());
                }
                Some(set.into_iter().collect())
            }
        }
    }

    fn list_keys(
        &self,
        obj: &Object<'a>,
        src: Src<'a>,
        env: &Scope<'a>,
        gens: Option<&GenCache<'a>>,
        set: &mut KeySet,
    ) {
        let off = src.offset();
        for i in 0..src.len() {
            let Some(m) = src.member(i) else { continue };
            match &m.kind {
                MemberKind::Every { .. } => {
                    if !every_applies(obj) {
                        self.report(EvalError::EveryOutsideMap {
                            span: m.head_span(),
                            found: obj.describe(),
                        });
                    }
                }
                MemberKind::For { .. } | MemberKind::If { .. } => {
                    let exp = gens.and_then(|g| self.expansion(obj, g, i as u32, m, env, None));
                    match exp {
                        Some(exp) => self.list_expansion(obj, &exp, set),
                        None => self.list_expanding(obj, m, env, set),
                    }
                }
                _ => match self.member_key(m, off, env) {
                    Some(KeyText::Computed(k)) => {
                        set.insert(k);
                    }
                    Some(KeyText::Static(k)) => {
                        set.insert(self.intern(k));
                    }
                    None => {}
                },
            }
        }
    }

    /// The keys generator `m` produces, expanded again (while its cached
    /// expansion is being made).
    fn list_expanding(&self, obj: &Object<'a>, m: &'a Member, env: &Scope<'a>, set: &mut KeySet) {
        for (body, benv) in self.expand(obj, m, env) {
            let s = Src::Members(body);
            let benv = self.lets_env(s, benv);
            self.list_keys(obj, s, &benv, None, set);
        }
    }

    /// The keys of a generator's expansion, in order.
    fn list_expansion(&self, obj: &Object<'a>, exp: &Expansion<'a>, set: &mut KeySet) {
        for body in &exp.bodies {
            for (p, (m, k)) in body.members.iter().zip(&body.keys).enumerate() {
                match (&m.kind, k) {
                    (_, Some(k)) => {
                        set.insert(k.clone());
                    }
                    (MemberKind::Every { .. }, _) if !every_applies(obj) => {
                        self.report(EvalError::EveryOutsideMap {
                            span: m.head_span(),
                            found: obj.describe(),
                        });
                    }
                    (MemberKind::For { .. } | MemberKind::If { .. }, None) => {
                        match self.expansion(obj, &body.gens, p as u32, m, &body.env, None) {
                            Some(inner) => self.list_expansion(obj, &inner, set),
                            None => self.list_expanding(obj, m, &body.env, set),
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Whether `[*] { }` amends the entries of `obj`: those of a map or an
/// untyped record (a schema instance's or a module's fields have types of
/// their own).
fn every_applies(obj: &Object<'_>) -> bool {
    matches!(obj.kind, ObjKind::Map { .. } | ObjKind::Record)
}

/// Appends `k` to `keys` unless it is there: keys are interned, so equal
/// names are the same `Rc`.
fn push_new(keys: &mut Vec<Rc<str>>, k: &Rc<str>) {
    if !keys.iter().any(|have| Rc::ptr_eq(have, k)) {
        keys.push(k.clone());
    }
}

/// True when `{ ... }` on `none` of type `ty` starts from the defaults of
/// the type: an optional schema or map (`Migration?`, `{String: String}?`).
fn starts_fresh(ty: Option<&Rc<Ty>>) -> bool {
    ty.is_some_and(|t| matches!(**t, Ty::Optional(_)) && super::expr::object_type(t).is_some())
}

/// A member list being searched for the definitions of a key.
#[derive(Clone, Copy)]
struct Lookup<'l, 'a> {
    src: Src<'a>,
    /// The list's index, when the caller has it.
    ix: Option<&'l Rc<BodyIndex<'a>>>,
    env: &'l Scope<'a>,
    module: ModuleId,
    /// Where the list's generators are expanded once, when it has a place.
    gens: Option<&'l GenCache<'a>>,
}

impl<'l, 'a> Lookup<'l, 'a> {
    /// Where to look in one layer of an object, with its scope and index.
    fn layer(layer: &Layer<'a>, le: &'l LayerEnv<'a>) -> Self {
        Lookup {
            src: layer.src,
            ix: le.ix.as_ref(),
            env: &le.env,
            module: layer.module,
            gens: Some(&le.gens),
        }
    }
}

/// The key a member defines: its text in the syntax tree, or a computed
/// key's value.
enum KeyText<'a> {
    Static(&'a str),
    Computed(Rc<str>),
}

impl std::ops::Deref for KeyText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            KeyText::Static(s) => s,
            KeyText::Computed(s) => s,
        }
    }
}

/// An object's keys in first-definition order, while they are listed.
type KeySet = indexmap::IndexSet<Rc<str>, super::FastHash>;

/// Where a field's value is stored.
pub(super) struct Place<'p> {
    pub path: &'p FieldPath,
    /// The map key the value is stored under, and where it was first written.
    pub key: Option<(&'p Rc<str>, Span)>,
}

/// The first few and the last segment of a long path, for messages.
pub(crate) fn short_path(path: &str) -> String {
    if path.len() <= 120 {
        return path.to_string();
    }
    let mut head = 100;
    while !path.is_char_boundary(head) {
        head -= 1;
    }
    let tail = path.rfind('.').map_or("", |i| &path[i..]);
    let tail = if tail.len() > 40 { "" } else { tail };
    format!("{}...{tail}", &path[..head])
}

/// The help of an unknown field with no close match: the fields that can be
/// set there (the first few), and how to declare one of your own.
fn settable_fields_help(declared: &[String], kind: &ObjKind) -> String {
    const SHOWN: usize = 12;
    let mut names: Vec<&str> = declared.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let mut list = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        list.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    let declare = match kind {
        ObjKind::Schema(_, name) => format!("only the fields declared in `schema {name}` exist"),
        _ => "to add a setting of your own, declare it in your module: `name: Type = default`"
            .to_string(),
    };
    format!("the fields that can be set here are {list}; {declare}")
}
