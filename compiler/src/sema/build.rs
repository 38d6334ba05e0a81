//! Building the model: one walk over every module's syntax tree.
//!
//! A first pass collects what names depend on across modules (each
//! schema's declared fields, each module's declarations and static keys);
//! the second walks every body with the scope chain of the evaluator,
//! allocating ids in source order and resolving each name and type.

use super::{
    Alias, AliasId, Body, BodyId, BodyKind, BodyType, Let, LetId, Member, MemberId, MemberKind,
    ModuleModel, NameUse, PathSeg, Res, SType, Schema, SchemaId, Sema, Slot, TypeRes, TypeUse,
};
use crate::eval::builtins::{alias as alias_of, BUILTINS};
use crate::eval::EvalError;
use crate::modules::{ModuleGraph, ModuleId};
use crate::suggest;
use crate::types::{Ty, TypeEnv, BUILTIN_TYPES};
use digit_lang::ast::{self, ExprKind, Item, StrPart, TypeKind};
use digit_lang::{Diagnostic, SourceMap, Span, ToDiagnostic};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

/// The walk's maps, keyed by names and ids: hashed as the evaluator's are
/// (their order is never observed: lookups only, or sorted).
type HashMap<K, V> = std::collections::HashMap<K, V, crate::eval::FastHash>;

/// Names with the span of their declaration (or first definition).
type Names = HashMap<String, Span>;

/// The names of an object's frame, each with its declaration's span; none
/// for a name only a module amending this one defines (so that a model does
/// not depend on where in such a module the name is: see `Workspace`).
type FrameNames = HashMap<String, Option<Span>>;

/// A field declaration seen by the first pass.
#[derive(Clone, Debug)]
struct PreDecl {
    span: Span,
    ty: SType,
}

/// What the first pass knows of each module.
#[derive(Default)]
struct PreModule {
    /// Declared fields of the module's value (top level and generators).
    decls: HashMap<String, PreDecl>,
    /// Every static key its top level defines or declares.
    keys: Names,
    /// Own schemas and aliases by name.
    types: HashMap<String, TypeRes>,
}

struct Pre {
    modules: Vec<PreModule>,
    schema_fields: HashMap<SchemaId, HashMap<String, PreDecl>>,
    schema_names: HashMap<SchemaId, Rc<FrameNames>>,
    /// TypeEnv's schema index to ours.
    schema_ids: Vec<SchemaId>,
    family: HashMap<ModuleId, Option<Rc<FrameNames>>>,
    /// Frames of untyped objects at a static path of a module's value.
    paths: HashMap<(ModuleId, Vec<String>), Option<Rc<FrameNames>>>,
    /// The own names of a frame that has none beyond its declared ones.
    empty: Rc<Names>,
    /// Candidates the did-you-mean suggestions may still compare
    /// (evaluation's budget: many undefined names stay cheap).
    suggest_left: u64,
}

/// Builds the model of `graph`, keeping the model `reuse` gives for a
/// module; with `record` false, only the diagnostics: the same walk, which
/// stores no body, member, name, type or slot (nobody will query them), so
/// each module model holds only its diagnostics.
pub(super) fn build(
    graph: &ModuleGraph,
    sources: &SourceMap,
    reuse: &dyn Fn(ModuleId) -> Option<Arc<ModuleModel>>,
    record: bool,
) -> Sema {
    let env = TypeEnv::new(graph);
    let mut schema_ids = Vec::new();
    for (m, info) in graph.modules.iter().enumerate() {
        let mut i = 0;
        for item in &info.ast.items {
            if let Item::Schema(_) = item {
                schema_ids.push(SchemaId {
                    module: m,
                    index: i,
                });
                i += 1;
            }
        }
    }
    let mut pre = Pre {
        modules: Vec::new(),
        schema_fields: HashMap::default(),
        schema_names: HashMap::default(),
        schema_ids,
        family: HashMap::default(),
        paths: HashMap::default(),
        empty: Rc::default(),
        suggest_left: crate::eval::SUGGEST_BUDGET,
    };
    for (m, info) in graph.modules.iter().enumerate() {
        let mut pm = PreModule::default();
        let (mut si, mut ai) = (0u32, 0u32);
        let mut top: Vec<&ast::Member> = Vec::new();
        for item in &info.ast.items {
            match item {
                Item::Schema(s) => {
                    let id = SchemaId {
                        module: m,
                        index: si,
                    };
                    si += 1;
                    pm.types
                        .insert(s.name.name.to_string(), TypeRes::Schema(id));
                    let mut fields = HashMap::default();
                    let refs: Vec<&ast::Member> = s.body.members.iter().collect();
                    collect_decls(&refs, m, &env, &pre.schema_ids, &mut fields);
                    let mut names: FrameNames = fields
                        .iter()
                        .map(|(k, d)| (k.clone(), Some(d.span)))
                        .collect();
                    for (k, s) in static_keys(&s.body.members) {
                        names.entry(k).or_insert(Some(s));
                    }
                    pre.schema_fields.insert(id, fields);
                    pre.schema_names.insert(id, Rc::new(names));
                }
                Item::TypeAlias(t) => {
                    let id = AliasId {
                        module: m,
                        index: ai,
                    };
                    ai += 1;
                    pm.types.insert(t.name.name.to_string(), TypeRes::Alias(id));
                }
                Item::Member(mem) => top.push(mem),
            }
        }
        collect_decls(&top, m, &env, &pre.schema_ids, &mut pm.decls);
        pm.keys = static_keys(top.iter().copied());
        pre.modules.push(pm);
    }
    let mut sema = Sema {
        modules: Vec::with_capacity(graph.modules.len()),
        files: graph.modules.iter().map(|m| m.file).collect(),
        chains: (0..graph.modules.len())
            .map(|m| graph.amends_chain(m))
            .collect(),
        imports: graph
            .modules
            .iter()
            .map(|m| {
                m.imports
                    .iter()
                    .map(|i| (i.alias.clone(), i.span, i.target))
                    .collect()
            })
            .collect(),
        diagnostics: Vec::new(),
    };
    let mut diags = Vec::new();
    let mut models: Vec<Option<Arc<ModuleModel>>> = Vec::with_capacity(graph.modules.len());
    for m in 0..graph.modules.len() {
        if let Some(kept) = reuse(m) {
            models.push(Some(kept));
            continue;
        }
        let mut w = Walker {
            graph,
            sources,
            env: &env,
            pre: &mut pre,
            module: m,
            record,
            out: ModuleModel::default(),
            counts: Counts::default(),
            scopes: Vec::new(),
            cur_body: None,
            cur_member: None,
            diags: &mut diags,
        };
        w.walk_module();
        let mut out = w.out;
        out.names.sort_by_key(|n| (n.span.start, n.span.end));
        out.types.sort_by_key(|n| (n.span.start, n.span.end));
        out.slots
            .sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
        sema.modules.push(Arc::new(out));
        models.push(None);
    }
    diags.extend(env.errors.borrow_mut().drain(..));
    // Each diagnostic belongs to the module of its file; a kept model keeps
    // its own.
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.code, d.span)));
    let mut built = std::mem::take(&mut sema.modules).into_iter();
    for (m, kept) in models.into_iter().enumerate() {
        let model = match kept {
            Some(k) => k,
            None => {
                let mut out = built.next().unwrap_or_default();
                let file = sema.files.get(m).copied();
                if let Some(o) = Arc::get_mut(&mut out) {
                    o.diagnostics = diags
                        .iter()
                        .filter(|d| Some(d.span.file) == file)
                        .cloned()
                        .collect();
                }
                out
            }
        };
        sema.diagnostics.extend(model.diagnostics.iter().cloned());
        sema.modules.push(model);
    }
    sema
}

/// Converts a resolved type.
fn to_stype(t: &Ty, ids: &[SchemaId]) -> SType {
    match t {
        Ty::Any => SType::Any,
        Ty::Unknown => SType::Unknown,
        Ty::Bool => SType::Bool,
        Ty::Int { lo, hi } => SType::Int { lo: *lo, hi: *hi },
        Ty::Float => SType::Float,
        Ty::Str => SType::Str,
        Ty::Quantity => SType::Quantity,
        Ty::Secret => SType::Secret,
        Ty::Name => SType::Name,
        Ty::Port => SType::Port,
        Ty::Image => SType::Image,
        Ty::Cron => SType::Cron,
        Ty::EnvName => SType::EnvName,
        Ty::List(t) => SType::List(Box::new(to_stype(t, ids))),
        Ty::Map(k, v) => SType::Map(Box::new(to_stype(k, ids)), Box::new(to_stype(v, ids))),
        Ty::Optional(t) => SType::Optional(Box::new(to_stype(t, ids))),
        Ty::Union(ts) => SType::Union(ts.iter().map(|t| to_stype(t, ids)).collect()),
        Ty::Literal(s) => SType::Literal(s.to_string()),
        Ty::Schema(i, name) => match ids.get(*i) {
            Some(id) => SType::Schema(*id, name.to_string()),
            None => SType::Unknown,
        },
    }
}

/// The declarations among `members` (and in their `for`/`if` bodies).
fn collect_decls(
    members: &[&ast::Member],
    module: ModuleId,
    env: &TypeEnv<'_>,
    ids: &[SchemaId],
    out: &mut HashMap<String, PreDecl>,
) {
    for m in members {
        match &m.kind {
            ast::MemberKind::Decl { name, ty, .. } => {
                if let Some(n) = name.as_static() {
                    let t = to_stype(&env.resolve(ty, module), ids);
                    out.entry(n.to_string()).or_insert(PreDecl {
                        span: name.span(),
                        ty: t,
                    });
                }
            }
            ast::MemberKind::For { body, .. } => {
                let refs: Vec<&ast::Member> = body.members.iter().collect();
                collect_decls(&refs, module, env, ids, out);
            }
            ast::MemberKind::If {
                then_body,
                else_body,
                ..
            } => {
                for b in std::iter::once(then_body).chain(else_body) {
                    let refs: Vec<&ast::Member> = b.members.iter().collect();
                    collect_decls(&refs, module, env, ids, out);
                }
            }
            _ => {}
        }
    }
}

/// The static keys `members` define (through `for`/`if` bodies too).
/// A computed key (`"${k}" = ...`) is never a name in scope: evaluation
/// looks names up among static keys only (`Evaluator::has_field`).
fn static_keys<'m>(members: impl IntoIterator<Item = &'m ast::Member>) -> Names {
    let mut out = Names::default();
    fn go(members: &[ast::Member], out: &mut Names) {
        go_refs(members, out);
    }
    fn go_refs<'m>(members: impl IntoIterator<Item = &'m ast::Member>, out: &mut Names) {
        for m in members {
            let key = match &m.kind {
                ast::MemberKind::Decl { name, .. } => Some(name),
                ast::MemberKind::Assign { path, .. }
                | ast::MemberKind::Append { path, .. }
                | ast::MemberKind::Amend { path, .. } => path.first(),
                ast::MemberKind::For { body, .. } => {
                    go(&body.members, out);
                    None
                }
                ast::MemberKind::If {
                    then_body,
                    else_body,
                    ..
                } => {
                    go(&then_body.members, out);
                    if let Some(b) = else_body {
                        go(&b.members, out);
                    }
                    None
                }
                // `[*]` amends entries; it never adds one.
                ast::MemberKind::Let { .. }
                | ast::MemberKind::Every { .. }
                | ast::MemberKind::Check { .. }
                | ast::MemberKind::Error => None,
            };
            if let Some(n) = key.and_then(|k| Some((k.as_static()?, k.span()))) {
                out.entry(n.0.to_string()).or_insert(n.1);
            }
        }
    }
    go_refs(members, &mut out);
    out
}

/// The static keys `members` define directly (not in `for`/`if` bodies,
/// whose keys exist only when the generator produces them).
fn direct_keys(members: &[ast::Member]) -> Names {
    let mut out = Names::default();
    for m in members {
        let key = match &m.kind {
            ast::MemberKind::Decl { name, .. } => Some(name),
            ast::MemberKind::Assign { path, .. }
            | ast::MemberKind::Append { path, .. }
            | ast::MemberKind::Amend { path, .. } => path.first(),
            _ => None,
        };
        if let Some(k) = key {
            if let Some(n) = k.as_static() {
                out.entry(n.to_string()).or_insert(k.span());
            }
        }
    }
    out
}

/// Adds to `out` the static keys the definitions of `path` among
/// `members` give the object at `path`; false when one of them makes that
/// object from a computed value or a key on the way is computed (the
/// object's fields are then not static).
fn path_keys(members: &[&ast::Member], path: &[String], out: &mut Names) -> bool {
    let Some((first, rest)) = path.split_first() else {
        for (k, s) in static_keys(members.iter().copied()) {
            out.entry(k).or_insert(s);
        }
        return true;
    };
    fn refs(b: &ast::Body) -> Vec<&ast::Member> {
        b.members.iter().collect()
    }
    let mut ok = true;
    for m in members {
        ok &= match &m.kind {
            ast::MemberKind::For { body, .. } => path_keys(&refs(body), path, out),
            ast::MemberKind::If {
                then_body,
                else_body,
                ..
            } => {
                let a = path_keys(&refs(then_body), path, out);
                let b = else_body
                    .as_ref()
                    .is_none_or(|b| path_keys(&refs(b), path, out));
                a && b
            }
            ast::MemberKind::Decl { name, default, .. } => match name.as_static() {
                Some(n) if n == first => default.as_ref().is_none_or(|d| value_keys(d, rest, out)),
                Some(_) => true,
                None => false,
            },
            ast::MemberKind::Assign { path: p, value }
            | ast::MemberKind::Append { path: p, value } => {
                seg_keys(p, path, out, |rest, out| value_keys(value, rest, out))
            }
            ast::MemberKind::Amend { path: p, body } => {
                seg_keys(p, path, out, |rest, out| path_keys(&refs(body), rest, out))
            }
            // `[*]` may add fields to any entry: not static.
            ast::MemberKind::Every { .. } => false,
            ast::MemberKind::Let { .. }
            | ast::MemberKind::Check { .. }
            | ast::MemberKind::Error => true,
        };
    }
    ok
}

/// [`path_keys`] for one member path `p`: a longer path adds its next
/// key, a prefix of `path` continues into the member's value with `inner`.
fn seg_keys(
    p: &[ast::Key],
    path: &[String],
    out: &mut Names,
    inner: impl FnOnce(&[String], &mut Names) -> bool,
) -> bool {
    for (i, k) in p.iter().enumerate() {
        let Some(want) = path.get(i) else {
            if let Some(n) = k.as_static() {
                out.entry(n.to_string()).or_insert(k.span());
            }
            return true;
        };
        match k.as_static() {
            Some(n) if n == want => {}
            Some(_) => return true,
            None => return false,
        }
    }
    inner(&path[p.len().min(path.len())..], out)
}

/// [`path_keys`] for a value: only a `{ ... }` has static keys.
fn value_keys(v: &ast::Expr, rest: &[String], out: &mut Names) -> bool {
    match &v.kind {
        ExprKind::Record(b) => {
            let refs: Vec<&ast::Member> = b.members.iter().collect();
            path_keys(&refs, rest, out)
        }
        ExprKind::Paren(e) => value_keys(e, rest, out),
        _ => false,
    }
}

/// The fields of an object, for name lookup.
#[derive(Clone)]
enum Frame {
    /// Exactly these names (declared, or defined by the body itself).
    Closed(Rc<FrameNames>, Rc<Names>),
    /// Not known statically.
    Open,
    /// Not known statically, but for these: the keys the object's own body
    /// defines directly (outside `for`/`if` bodies), which it has whatever
    /// later amends add.
    OpenWith(Rc<Names>),
    /// A map: its entries are not names.
    Map,
}

enum Scope {
    /// `key`, `root` and the imports.
    Root,
    Vars(Vec<(String, Span)>),
    Lets(Vec<(String, LetId)>),
    Frame(Frame),
}

struct Walker<'w, 'g> {
    graph: &'g ModuleGraph,
    sources: &'g SourceMap,
    env: &'w TypeEnv<'g>,
    pre: &'w mut Pre,
    module: ModuleId,
    /// Whether to store the model in `out` (else only diagnostics).
    record: bool,
    out: ModuleModel,
    /// The ids given so far (`out`'s lengths when recording).
    counts: Counts,
    scopes: Vec<Scope>,
    cur_body: Option<BodyId>,
    cur_member: Option<MemberId>,
    diags: &'w mut Vec<Diagnostic>,
}

/// How many bodies, members and `let`s of the module have ids.
#[derive(Default)]
struct Counts {
    bodies: u32,
    members: u32,
    lets: u32,
}

/// How a literal fits a type, without evaluating.
enum Fit {
    Yes,
    No { found: String, help: Option<String> },
    Unsure,
}

impl<'w, 'g> Walker<'w, 'g> {
    fn walk_module(&mut self) {
        let Some(info) = self.graph.get(self.module) else {
            return;
        };
        let module = self.module;
        let body = self.new_body(
            BodyKind::Module,
            info.ast.span,
            || BodyType::Module(module),
            || Some(Vec::new()),
        );
        self.scopes.push(Scope::Root);
        let frame = self.module_frame(self.module);
        self.scopes.push(Scope::Frame(frame));
        let members: Vec<&ast::Member> = info
            .ast
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Member(m) => Some(m),
                _ => None,
            })
            .collect();
        let lets = self.collect_lets(members.iter().copied(), body);
        self.scopes.push(Scope::Lets(lets));
        self.cur_body = Some(body);
        let (mut si, mut ai) = (0u32, 0u32);
        let mut schema_frame = None;
        for item in &info.ast.items {
            match item {
                Item::Schema(s) => {
                    let id = SchemaId {
                        module: self.module,
                        index: si,
                    };
                    si += 1;
                    // The scopes are the module's: `key`, `root` and the
                    // imports, its frame, its `let`s. A schema's body sees
                    // only the fields of the module's amends chain.
                    let frame = schema_frame
                        .get_or_insert_with(|| self.chain_frame(self.module))
                        .clone();
                    let frame = Scope::Frame(frame);
                    let module_frame = std::mem::replace(&mut self.scopes[1], frame);
                    self.walk_schema(s, id, body);
                    self.scopes[1] = module_frame;
                }
                Item::TypeAlias(t) => {
                    let id = AliasId {
                        module: self.module,
                        index: ai,
                    };
                    ai += 1;
                    let ty = self.resolve_type(&t.ty);
                    if !self.record {
                        continue;
                    }
                    self.out.aliases.push(Alias {
                        id,
                        name: t.name.name.to_string(),
                        name_span: t.name.span,
                        span: t.span,
                        doc: t.doc.as_ref().map(|d| d.text.clone()),
                        ty,
                    });
                }
                Item::Member(m) => {
                    let id = self.walk_member(m, body, &BodyType::Module(self.module), Some(&[]));
                    self.add_member(body, id);
                }
            }
        }
        self.scopes.clear();
    }

    fn walk_schema(&mut self, s: &ast::Schema, id: SchemaId, parent: BodyId) {
        let body_id = BodyId {
            module: self.module,
            index: self.counts.bodies,
        };
        if self.record {
            self.out.schemas.push(Schema {
                id,
                name: s.name.name.to_string(),
                name_span: s.name.span,
                span: s.span,
                doc: s.doc.as_ref().map(|d| d.text.clone()),
                body: body_id,
            });
        }
        let names = self.pre.schema_names.get(&id).cloned().unwrap_or_default();
        let frame = Frame::Closed(names, self.pre.empty.clone());
        self.cur_body = Some(parent);
        self.walk_body(
            BodyKind::Schema(id),
            &s.body,
            BodyType::Schema(id),
            None,
            Some(frame),
            None,
        );
        self.cur_body = Some(parent);
    }

    /// A new body's id; its record, when recording (`ty` and `path` are
    /// asked for only then).
    fn new_body(
        &mut self,
        kind: BodyKind,
        span: Span,
        ty: impl FnOnce() -> BodyType,
        path: impl FnOnce() -> Option<Vec<String>>,
    ) -> BodyId {
        let id = BodyId {
            module: self.module,
            index: self.counts.bodies,
        };
        self.counts.bodies += 1;
        if self.record {
            self.out.bodies.push(Body {
                id,
                kind,
                span,
                parent: self.cur_body,
                owner: self.cur_member,
                members: Vec::new(),
                ty: ty(),
                path: path(),
            });
        }
        id
    }

    /// Records `member` as one of `body`'s members.
    fn add_member(&mut self, body: BodyId, member: MemberId) {
        if let Some(b) = self.out.bodies.get_mut(body.index as usize) {
            b.members.push(member);
        }
    }

    /// Walks a `{ ... }` body with its frame (none for `for`/`if` bodies,
    /// whose members define fields of the enclosing object) and the loop
    /// variables of a `for`.
    fn walk_body(
        &mut self,
        kind: BodyKind,
        body: &ast::Body,
        ty: BodyType,
        path: Option<Vec<String>>,
        frame: Option<Frame>,
        vars: Option<Vec<(String, Span)>>,
    ) -> BodyId {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.walk_body_inner(kind, body, ty, path, frame, vars)
        })
    }

    fn walk_body_inner(
        &mut self,
        kind: BodyKind,
        body: &ast::Body,
        ty: BodyType,
        path: Option<Vec<String>>,
        frame: Option<Frame>,
        vars: Option<Vec<(String, Span)>>,
    ) -> BodyId {
        let id = self.new_body(kind, body.span, || ty.clone(), || path.clone());
        let depth = self.scopes.len();
        if let Some(v) = vars {
            self.scopes.push(Scope::Vars(v));
        }
        if let Some(f) = frame {
            self.scopes.push(Scope::Frame(f));
        }
        let lets = self.collect_lets(&body.members, id);
        if !lets.is_empty() {
            self.scopes.push(Scope::Lets(lets));
        }
        let (saved_body, saved_member) = (self.cur_body, self.cur_member);
        self.cur_body = Some(id);
        for m in &body.members {
            let mid = self.walk_member(m, id, &ty, path.as_deref());
            self.add_member(id, mid);
        }
        self.cur_body = saved_body;
        self.cur_member = saved_member;
        self.scopes.truncate(depth);
        id
    }

    fn collect_lets<'m>(
        &mut self,
        members: impl IntoIterator<Item = &'m ast::Member>,
        body: BodyId,
    ) -> Vec<(String, LetId)> {
        let mut out = Vec::new();
        for m in members {
            if let ast::MemberKind::Let { name, .. } = &m.kind {
                let id = LetId {
                    module: self.module,
                    index: self.counts.lets,
                };
                self.counts.lets += 1;
                if self.record {
                    self.out.lets.push(Let {
                        id,
                        name: name.name.to_string(),
                        name_span: name.span,
                        member: None,
                        body,
                    });
                }
                out.push((name.name.to_string(), id));
            }
        }
        out
    }

    /// The frame of module `m`'s value: the static keys of every loaded
    /// module of its amends family (those it amends and those amending it),
    /// open when one has an `amends` that did not load.
    fn module_frame(&mut self, m: ModuleId) -> Frame {
        if let Some(f) = self.pre.family.get(&m) {
            return match f {
                Some(n) => Frame::Closed(n.clone(), self.pre.empty.clone()),
                None => Frame::Open,
            };
        }
        let family = self.family(m);
        let chain = self.graph.amends_chain(m);
        let mut names = FrameNames::default();
        let mut open = false;
        for &x in &family {
            let Some(info) = self.graph.get(x) else {
                continue;
            };
            if info.ast.amends.is_some() && info.amends.is_none() {
                open = true;
            }
            if let Some(pm) = self.pre.modules.get(x) {
                let own = chain.contains(&x);
                for (k, d) in &pm.decls {
                    names.entry(k.clone()).or_insert(own.then_some(d.span));
                }
            }
        }
        for &x in &family {
            if let Some(pm) = self.pre.modules.get(x) {
                let own = chain.contains(&x);
                for (k, s) in &pm.keys {
                    names.entry(k.clone()).or_insert(own.then_some(*s));
                }
            }
        }
        let f = (!open).then(|| Rc::new(names));
        self.pre.family.insert(m, f.clone());
        match f {
            Some(n) => Frame::Closed(n, self.pre.empty.clone()),
            None => Frame::Open,
        }
    }

    /// The fields of module `m`'s value as the bodies of its schemas see
    /// them: the static keys of `m` and the modules it amends (not of those
    /// amending it, as evaluation's `ScopeNode::Module`); open when one of
    /// them has an `amends` that did not load.
    fn chain_frame(&self, m: ModuleId) -> Frame {
        let chain = self.graph.amends_chain(m);
        let mut names = FrameNames::default();
        for &x in &chain {
            if let Some(info) = self.graph.get(x) {
                if info.ast.amends.is_some() && info.amends.is_none() {
                    return Frame::Open;
                }
            }
            if let Some(pm) = self.pre.modules.get(x) {
                for (k, d) in &pm.decls {
                    names.entry(k.clone()).or_insert(Some(d.span));
                }
            }
        }
        for &x in &chain {
            if let Some(pm) = self.pre.modules.get(x) {
                for (k, s) in &pm.keys {
                    names.entry(k.clone()).or_insert(Some(*s));
                }
            }
        }
        Frame::Closed(Rc::new(names), self.pre.empty.clone())
    }

    /// The frame of an object of type `ty` whose body is `members`, stored
    /// at `path` of the module's value when that is static.
    fn frame_of(
        &mut self,
        ty: &BodyType,
        members: &[ast::Member],
        path: Option<&[String]>,
    ) -> Frame {
        match ty {
            BodyType::Schema(s) => {
                let names = self.pre.schema_names.get(s).cloned().unwrap_or_default();
                Frame::Closed(names, Rc::new(static_keys(members)))
            }
            BodyType::Map(_) => Frame::Map,
            BodyType::Module(m) => match self.module_frame(*m) {
                Frame::Closed(names, _) => Frame::Closed(names, Rc::new(static_keys(members))),
                f => f,
            },
            BodyType::Unknown => {
                let f = match path {
                    Some(p) => self.path_frame(p),
                    None => Frame::Open,
                };
                match f {
                    Frame::Open => Frame::OpenWith(Rc::new(direct_keys(members))),
                    f => f,
                }
            }
        }
    }

    /// The modules whose layers can make this module's value: its amends
    /// chain and every loaded module amending it.
    fn family(&self, m: ModuleId) -> Vec<ModuleId> {
        let mut family: Vec<ModuleId> = self.graph.amends_chain(m);
        for (x, _) in self.graph.modules.iter().enumerate() {
            if x != m && self.graph.amends_chain(x).contains(&m) {
                family.push(x);
            }
        }
        family
    }

    /// The frame of the untyped object at static `path` of this module's
    /// value: the static keys every definition of that path, in every
    /// module of the family, gives it; open when one of them is not written
    /// as a `{ ... }` body (its value is computed, so its fields are not
    /// static) or a key on the way is computed.
    fn path_frame(&mut self, path: &[String]) -> Frame {
        let key = (self.module, path.to_vec());
        if let Some(f) = self.pre.paths.get(&key) {
            return match f {
                Some(n) => Frame::Closed(n.clone(), self.pre.empty.clone()),
                None => Frame::Open,
            };
        }
        let mut names = FrameNames::default();
        let mut ok = !path.is_empty();
        let chain = self.graph.amends_chain(self.module);
        for x in self.family(self.module) {
            let Some(info) = self.graph.get(x) else {
                continue;
            };
            if info.ast.amends.is_some() && info.amends.is_none() {
                ok = false;
            }
            let top: Vec<&ast::Member> = info
                .ast
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Member(m) => Some(m),
                    _ => None,
                })
                .collect();
            let mut found = Names::default();
            ok &= path_keys(&top, path, &mut found);
            let own = chain.contains(&x);
            for (k, s) in found {
                names.entry(k).or_insert(own.then_some(s));
            }
        }
        let f = ok.then(|| Rc::new(names));
        self.pre.paths.insert(key, f.clone());
        match f {
            Some(n) => Frame::Closed(n, self.pre.empty.clone()),
            None => Frame::Open,
        }
    }

    /// The declaration of field `name` of an object of type `ty`: its span
    /// (none for a map entry) and type.
    fn field_decl(&self, ty: &BodyType, name: Option<&str>) -> (Option<Span>, Option<SType>) {
        match (ty, name) {
            (BodyType::Map(v), _) => (None, Some(v.clone())),
            (BodyType::Schema(s), Some(n)) => {
                match self.pre.schema_fields.get(s).and_then(|f| f.get(n)) {
                    Some(d) => (Some(d.span), Some(d.ty.clone())),
                    None => (None, None),
                }
            }
            (BodyType::Module(m), Some(n)) => {
                for x in self.graph.amends_chain(*m) {
                    if let Some(d) = self.pre.modules.get(x).and_then(|p| p.decls.get(n)) {
                        return (Some(d.span), Some(d.ty.clone()));
                    }
                }
                (None, None)
            }
            _ => (None, None),
        }
    }

    fn walk_member(
        &mut self,
        m: &ast::Member,
        body: BodyId,
        bty: &BodyType,
        bpath: Option<&[String]>,
    ) -> MemberId {
        let id = MemberId {
            module: self.module,
            index: self.counts.members,
        };
        self.counts.members += 1;
        if self.record {
            self.out.members.push(Member {
                id,
                body,
                span: m.span,
                doc: m.doc.as_ref().map(|d| d.text.clone()),
                kind: MemberKind::Error,
                target_ty: None,
                value_body: None,
            });
        }
        let saved = self.cur_member;
        self.cur_member = Some(id);
        self.cur_body = Some(body);
        let mut value_body = None;
        let mut target_ty = None;
        let kind = match &m.kind {
            ast::MemberKind::Decl { name, ty, default } => {
                let t = self.resolve_type(ty);
                let n = name.as_static().map(str::to_string);
                if let ast::Key::Computed(e) = name {
                    self.walk_expr(e, None);
                }
                let path = match default {
                    Some(d) if is_body(d) => join(bpath, n.as_deref()),
                    _ => None,
                };
                if let Some(n) = &n {
                    self.push_name(NameUse {
                        name: n.as_str().into(),
                        span: name.span(),
                        res: Res::Field {
                            decl: Some(name.span()),
                        },
                        dynamic: false,
                        key: true,
                    });
                }
                if let Some(d) = default {
                    if let Some(n) = &n {
                        self.check_default(d, &t, n, m.span);
                    }
                    value_body = self.walk_value(d, Some(&t), path);
                }
                if !self.record {
                    MemberKind::Error
                } else {
                    target_ty = Some(t.clone());
                    MemberKind::Decl {
                        name: n.unwrap_or_default(),
                        name_span: name.span(),
                        ty_text: self.sources.snippet(ty.span).to_string(),
                        ty_span: ty.span,
                        ty: t,
                        default: default
                            .as_ref()
                            .map(|d| self.sources.snippet(d.span).to_string()),
                        default_span: default.as_ref().map(|d| d.span),
                    }
                }
            }
            ast::MemberKind::Assign { path, value } | ast::MemberKind::Append { path, value } => {
                let depth = self.scopes.len();
                let (segs, ty, full) = self.walk_path(path, bty, bpath, is_body(value));
                value_body = self.walk_value(value, ty.as_ref(), full);
                self.scopes.truncate(depth);
                target_ty = ty;
                if matches!(m.kind, ast::MemberKind::Assign { .. }) {
                    MemberKind::Assign {
                        path: segs,
                        value: value.span,
                    }
                } else {
                    MemberKind::Append {
                        path: segs,
                        value: value.span,
                    }
                }
            }
            ast::MemberKind::Amend { path, body: inner } => {
                let depth = self.scopes.len();
                let (segs, ty, full) = self.walk_path(path, bty, bpath, true);
                let bt = body_type(ty.as_ref());
                let frame = self.frame_of(&bt, &inner.members, full.as_deref());
                let b = self.walk_body(BodyKind::AmendMember, inner, bt, full, Some(frame), None);
                self.scopes.truncate(depth);
                target_ty = ty;
                MemberKind::Amend {
                    path: segs,
                    body: b,
                }
            }
            ast::MemberKind::Let { name, value } => {
                value_body = self.walk_value(value, None, None);
                let let_id = (self.out.lets.iter())
                    .rposition(|l| l.name_span == name.span)
                    .map(|i| {
                        self.out.lets[i].member = Some(id);
                        self.out.lets[i].id
                    });
                match let_id {
                    Some(l) => MemberKind::Let(l),
                    None => MemberKind::Error,
                }
            }
            ast::MemberKind::For {
                key_var,
                value_var,
                iter,
                body: inner,
            } => {
                self.walk_expr(iter, None);
                let mut vars = Vec::new();
                if let Some(k) = key_var {
                    vars.push((k.name.to_string(), k.span));
                }
                vars.push((value_var.name.to_string(), value_var.span));
                let b = self.walk_body(
                    BodyKind::For,
                    inner,
                    bty.clone(),
                    bpath.map(<[String]>::to_vec),
                    None,
                    Some(vars.clone()),
                );
                MemberKind::For { vars, body: b }
            }
            ast::MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                self.walk_expr(cond, None);
                let p = bpath.map(<[String]>::to_vec);
                let t = self.walk_body(
                    BodyKind::Then,
                    then_body,
                    bty.clone(),
                    p.clone(),
                    None,
                    None,
                );
                let e = else_body
                    .as_ref()
                    .map(|b| self.walk_body(BodyKind::Else, b, bty.clone(), p, None, None));
                MemberKind::If {
                    then_body: t,
                    else_body: e,
                }
            }
            ast::MemberKind::Check { cond, message } => {
                self.walk_expr(cond, None);
                self.walk_expr(message, None);
                MemberKind::Check
            }
            // The body is written in each entry: of the map's value type,
            // or not known (an untyped record's entries).
            ast::MemberKind::Every { body: inner } => {
                let bt = match bty {
                    BodyType::Map(v) => body_type(Some(v)),
                    _ => BodyType::Unknown,
                };
                let frame = self.frame_of(&bt, &inner.members, None);
                let b = self.walk_body(BodyKind::Every, inner, bt, None, Some(frame), None);
                MemberKind::Every { body: b }
            }
            ast::MemberKind::Error => MemberKind::Error,
        };
        if let Some(slot) = self.out.members.get_mut(id.index as usize) {
            slot.kind = kind;
            slot.value_body = value_body;
            slot.target_ty = target_ty;
        }
        self.cur_member = saved;
        self.cur_body = Some(body);
        id
    }

    /// Walks a member path: its computed keys, the frames of the objects
    /// along it (pushed; the caller pops them), and names each static key
    /// after its declaration. Returns the segments, the type of the field
    /// it sets and its full path.
    #[allow(clippy::type_complexity)]
    fn walk_path(
        &mut self,
        path: &[ast::Key],
        bty: &BodyType,
        bpath: Option<&[String]>,
        need_full: bool,
    ) -> (Vec<PathSeg>, Option<SType>, Option<Vec<String>>) {
        // The field path up to segment `i`, when static (made only when a
        // frame or a body needs it).
        let prefix = |i: usize| -> Option<Vec<String>> {
            let mut p = bpath?.to_vec();
            for k in &path[..=i] {
                p.push(k.as_static()?.to_string());
            }
            Some(p)
        };
        let mut segs = Vec::with_capacity(if self.record { path.len() } else { 0 });
        let mut ty = bty.clone();
        let mut last = None;
        for (i, k) in path.iter().enumerate() {
            if let ast::Key::Computed(e) = k {
                self.walk_expr(e, None);
            }
            let name = k.as_static();
            let (decl, t) = self.field_decl(&ty, name);
            if self.record {
                if let Some(n) = name {
                    self.push_name(NameUse {
                        name: n.into(),
                        span: k.span(),
                        res: Res::Field { decl },
                        dynamic: false,
                        key: true,
                    });
                }
                segs.push(PathSeg {
                    name: name.map(Into::into),
                    span: k.span(),
                });
            }
            if i + 1 < path.len() {
                let bt = body_type(t.as_ref());
                let frame = match &bt {
                    BodyType::Schema(s) => Frame::Closed(
                        self.pre.schema_names.get(s).cloned().unwrap_or_default(),
                        self.pre.empty.clone(),
                    ),
                    BodyType::Map(_) => Frame::Map,
                    _ => match prefix(i) {
                        Some(p) => self.path_frame(&p),
                        None => Frame::Open,
                    },
                };
                self.scopes.push(Scope::Frame(frame));
                ty = bt;
            }
            last = t;
        }
        let full = if need_full && !path.is_empty() {
            prefix(path.len() - 1)
        } else {
            None
        };
        (segs, last, full)
    }

    /// Walks a member's value; returns the body it is written as, if any.
    fn walk_value(
        &mut self,
        e: &ast::Expr,
        expected: Option<&SType>,
        path: Option<Vec<String>>,
    ) -> Option<BodyId> {
        match &e.kind {
            ExprKind::Record(body) => {
                if let Some(t) = expected {
                    self.slot(e.span, t);
                }
                Some(self.walk_record(body, expected, path))
            }
            ExprKind::Amend { base, body } => {
                if let Some(t) = expected {
                    self.slot(e.span, t);
                }
                Some(self.walk_amend(base, body, expected, path))
            }
            ExprKind::Paren(inner) => {
                if let Some(t) = expected {
                    self.slot(e.span, t);
                }
                self.walk_value(inner, expected, path)
            }
            _ => {
                self.walk_expr(e, expected);
                None
            }
        }
    }

    fn slot(&mut self, span: Span, ty: &SType) {
        if !self.record {
            return;
        }
        self.out.slots.push(Slot {
            span,
            ty: ty.clone(),
        });
    }

    fn walk_record(
        &mut self,
        body: &ast::Body,
        expected: Option<&SType>,
        path: Option<Vec<String>>,
    ) -> BodyId {
        let bt = body_type(expected);
        let frame = self.frame_of(&bt, &body.members, path.as_deref());
        self.walk_body(BodyKind::Record, body, bt, path, Some(frame), None)
    }

    fn walk_amend(
        &mut self,
        base: &ast::Expr,
        body: &ast::Body,
        expected: Option<&SType>,
        path: Option<Vec<String>>,
    ) -> BodyId {
        let bt = match &base.kind {
            ExprKind::Name(id) => {
                let (res, dynamic) = self.lookup(&id.name);
                let ty = if matches!(res, Res::Undefined | Res::Dynamic) {
                    self.type_named(&[id.name.as_str()])
                } else {
                    None
                };
                match ty {
                    Some((res, t)) => {
                        self.push_name(NameUse {
                            name: id.name.clone(),
                            span: id.span,
                            res,
                            dynamic,
                            key: false,
                        });
                        if dynamic {
                            BodyType::Unknown
                        } else {
                            body_type(Some(&t))
                        }
                    }
                    None => {
                        self.use_name(id);
                        match res {
                            // An imported module's value, amended: its
                            // fields and the body's.
                            Res::Import {
                                target: Some(m), ..
                            } if !dynamic => BodyType::Module(m),
                            _ => body_type(expected),
                        }
                    }
                }
            }
            ExprKind::Field { target, name } => {
                let typed = match (&target.kind, name.as_static()) {
                    (ExprKind::Name(alias), Some(n)) => self
                        .import(&alias.name)
                        .and_then(|i| Some((alias, i, n, self.type_named(&[&alias.name, n])?))),
                    _ => None,
                };
                match typed {
                    Some((alias, (span, target), n, (res, t))) => {
                        // `alias.Name { }` names the import's type, even
                        // where a field or `let` of the alias's name is in
                        // scope (as evaluation does).
                        self.push_name(NameUse {
                            name: alias.name.clone(),
                            span: alias.span,
                            res: Res::Import { span, target },
                            dynamic: false,
                            key: false,
                        });
                        self.push_name(NameUse {
                            name: n.into(),
                            span: name.span(),
                            res,
                            dynamic: false,
                            key: false,
                        });
                        body_type(Some(&t))
                    }
                    None => {
                        self.walk_expr(base, expected);
                        body_type(expected)
                    }
                }
            }
            _ => {
                self.walk_expr(base, expected);
                body_type(expected)
            }
        };
        // The base's value gives fields only evaluation knows.
        let frame = self.frame_of(&bt, &body.members, None);
        self.walk_body(BodyKind::AmendExpr, body, bt, path, Some(frame), None)
    }

    fn walk_expr(&mut self, e: &ast::Expr, expected: Option<&SType>) {
        // Long operator chains nest deeply: grow the stack as evaluation does.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.walk_expr_inner(e, expected));
    }

    fn walk_expr_inner(&mut self, e: &ast::Expr, expected: Option<&SType>) {
        if let Some(t) = expected {
            self.slot(e.span, t);
        }
        match &e.kind {
            ExprKind::Name(id) => self.use_name(id),
            ExprKind::Str(s) => {
                for p in &s.parts {
                    if let StrPart::Interp(x) = p {
                        self.walk_expr(x, None);
                    }
                }
            }
            ExprKind::List(items) => {
                let el = match expected.map(SType::strip_optional) {
                    Some(SType::List(el)) => Some((**el).clone()),
                    _ => None,
                };
                for x in items {
                    self.walk_value(x, el.as_ref(), None);
                }
            }
            ExprKind::ListComp { clauses, body } => {
                let depth = self.scopes.len();
                for c in clauses {
                    match c {
                        ast::CompClause::For {
                            key_var,
                            value_var,
                            iter,
                        } => {
                            self.walk_expr(iter, None);
                            let mut vars = Vec::new();
                            if let Some(k) = key_var {
                                vars.push((k.name.to_string(), k.span));
                            }
                            vars.push((value_var.name.to_string(), value_var.span));
                            self.scopes.push(Scope::Vars(vars));
                        }
                        ast::CompClause::If(c) => self.walk_expr(c, None),
                    }
                }
                let el = match expected.map(SType::strip_optional) {
                    Some(SType::List(el)) => Some((**el).clone()),
                    _ => None,
                };
                self.walk_value(body, el.as_ref(), None);
                self.scopes.truncate(depth);
            }
            ExprKind::Record(body) => {
                self.walk_record(body, expected, None);
            }
            ExprKind::Amend { base, body } => {
                self.walk_amend(base, body, expected, None);
            }
            ExprKind::Field { target, name } => {
                self.walk_expr(target, None);
                if let ast::Key::Computed(k) = name {
                    self.walk_expr(k, None);
                }
            }
            ExprKind::Index { target, index } => {
                self.walk_expr(target, None);
                self.walk_expr(index, None);
            }
            ExprKind::Call { func, args } => {
                self.check_call(func, args, e.span);
                for a in args {
                    self.walk_expr(a, None);
                }
            }
            ExprKind::Unary { operand, .. } => self.walk_expr(operand, None),
            ExprKind::Binary { op, lhs, rhs } => {
                // `??` passes the expected type to both sides, as
                // evaluation does. Lists joined with `+` are stored where
                // the whole list goes, so their records become instances of
                // its element type (`conform`): a superset of their fields.
                let list = matches!(expected.map(SType::strip_optional), Some(SType::List(_)));
                let passes = *op == ast::BinaryOp::Coalesce || (*op == ast::BinaryOp::Add && list);
                let t = passes.then_some(expected).flatten();
                self.walk_expr(lhs, t);
                self.walk_value(rhs, t, None);
            }
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => {
                self.walk_expr(cond, None);
                self.walk_value(then_branch, expected, None);
                self.walk_value(else_branch, expected, None);
            }
            ExprKind::Paren(inner) => {
                self.walk_value(inner, expected, None);
            }
            ExprKind::None
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Error => {}
        }
    }

    fn check_call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) {
        let Some(&(name, min, max, sig)) = BUILTINS.iter().find(|b| b.0 == func.name) else {
            let help = alias_of(&func.name)
                .map(str::to_string)
                .or_else(|| suggest::best(&func.name, BUILTINS.iter().map(|b| b.0)))
                .map(|c| format!("did you mean `{c}`?"));
            self.report(EvalError::UnknownFunction {
                span: func.span,
                name: func.name.to_string(),
                help,
            });
            self.push_name(NameUse {
                name: func.name.clone(),
                span: func.span,
                res: Res::Undefined,
                dynamic: false,
                key: false,
            });
            return;
        };
        self.push_name(NameUse {
            name: name.into(),
            span: func.span,
            res: Res::Builtin(sig),
            dynamic: false,
            key: false,
        });
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("at least {min}")
            };
            self.report(EvalError::BadCall {
                span,
                func: name.into(),
                signature: sig.into(),
                problem: format!(
                    "expected {want} argument{}, found {}",
                    if min == 1 && max == 1 { "" } else { "s" },
                    args.len()
                ),
            });
        }
    }

    /// Records a name as used (when recording).
    fn push_name(&mut self, n: NameUse) {
        if self.record {
            self.out.names.push(n);
        }
    }

    fn report(&mut self, e: EvalError) {
        self.diags.push(e.to_diagnostic());
    }

    fn import(&self, name: &str) -> Option<(Span, Option<ModuleId>)> {
        let info = self.graph.get(self.module)?;
        info.imports
            .iter()
            .find(|i| i.alias == name)
            .map(|i| (i.span, i.target))
    }

    /// Looks `name` up along the scope chain: what it is, and whether an
    /// open object came first.
    fn lookup(&self, name: &str) -> (Res, bool) {
        let mut dynamic = false;
        for s in self.scopes.iter().rev() {
            match s {
                Scope::Vars(vs) => {
                    if let Some((_, span)) = vs.iter().rev().find(|(n, _)| n == name) {
                        return (Res::LoopVar { span: *span }, dynamic);
                    }
                }
                Scope::Lets(ls) => {
                    // A `let` defined twice (reported): evaluation uses
                    // the last.
                    if let Some((_, id)) = ls.iter().rev().find(|(n, _)| n == name) {
                        return (Res::Let(*id), dynamic);
                    }
                }
                Scope::Frame(Frame::Closed(decls, own)) => {
                    if let Some(s) = decls.get(name) {
                        return (Res::Field { decl: *s }, dynamic);
                    }
                    if let Some(s) = own.get(name) {
                        return (Res::Field { decl: Some(*s) }, dynamic);
                    }
                }
                Scope::Frame(Frame::OpenWith(own)) => {
                    if let Some(s) = own.get(name) {
                        return (Res::Field { decl: Some(*s) }, dynamic);
                    }
                    dynamic = true;
                }
                Scope::Frame(Frame::Open) => dynamic = true,
                Scope::Frame(Frame::Map) => {}
                Scope::Root => {
                    match name {
                        "key" => return (Res::Key, dynamic),
                        "root" => return (Res::Root, dynamic),
                        _ => {}
                    }
                    if let Some((span, target)) = self.import(name) {
                        return (Res::Import { span, target }, dynamic);
                    }
                }
            }
        }
        (
            if dynamic {
                Res::Dynamic
            } else {
                Res::Undefined
            },
            dynamic,
        )
    }

    /// Whether a did-you-mean over `n` candidates is still affordable
    /// (spending them if so).
    fn may_suggest(&mut self, n: usize) -> bool {
        let n = n as u64;
        if n > self.pre.suggest_left {
            self.pre.suggest_left = 0;
            return false;
        }
        self.pre.suggest_left -= n;
        true
    }

    /// About how many names [`Self::names_in_scope`] would list.
    fn scope_size(&self) -> usize {
        self.scopes
            .iter()
            .map(|s| match s {
                Scope::Vars(v) => v.len(),
                Scope::Lets(l) => l.len(),
                Scope::Frame(Frame::Closed(d, o)) => d.len() + o.len(),
                Scope::Frame(_) => 0,
                Scope::Root => 2,
            })
            .sum()
    }

    /// Every name visible here, for did-you-mean.
    fn names_in_scope(&self) -> Vec<String> {
        let mut out = vec!["key".to_string(), "root".to_string()];
        for s in self.scopes.iter().rev() {
            match s {
                Scope::Vars(vs) => out.extend(vs.iter().map(|(n, _)| n.clone())),
                Scope::Lets(ls) => out.extend(ls.iter().map(|(n, _)| n.clone())),
                Scope::Frame(Frame::Closed(d, o)) => {
                    out.extend(d.keys().cloned());
                    out.extend(o.keys().cloned());
                }
                Scope::Frame(_) => {}
                Scope::Root => {
                    if let Some(info) = self.graph.get(self.module) {
                        out.extend(info.imports.iter().map(|i| i.alias.clone()));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn use_name(&mut self, id: &ast::Ident) {
        let (mut res, dynamic) = self.lookup(&id.name);
        if res == Res::Undefined {
            if self.type_named(&[id.name.as_str()]).is_some() {
                res = Res::TypeAsValue;
                self.report(EvalError::TypeMismatch {
                    span: id.span,
                    path: None,
                    expected: "a value".into(),
                    found: format!("the type `{}`", id.name),
                    decl: None,
                    help: Some(format!("make an instance with `{} {{ ... }}`", id.name)),
                });
            } else {
                let help = if self.may_suggest(self.scope_size()) {
                    let names = self.names_in_scope();
                    suggest::best(&id.name, names.iter().map(String::as_str))
                        .map(|c| format!("did you mean `{c}`?"))
                } else {
                    None
                };
                self.report(EvalError::UndefinedName {
                    span: id.span,
                    name: id.name.to_string(),
                    help,
                });
            }
        }
        self.push_name(NameUse {
            name: id.name.clone(),
            span: id.span,
            res,
            dynamic,
            key: false,
        });
    }

    /// The schema or alias `parts` names in this module (`Name`, or
    /// `alias.Name` through an import), with its type.
    fn type_named(&self, parts: &[&str]) -> Option<(Res, SType)> {
        let (target, name) = match parts {
            [name] => (self.module, *name),
            [alias, name] => (self.import(alias)?.1?, *name),
            _ => return None,
        };
        for m in self.graph.amends_chain(target) {
            match self.pre.modules.get(m).and_then(|p| p.types.get(name)) {
                Some(TypeRes::Schema(id)) => {
                    return Some((Res::Schema(*id), SType::Schema(*id, name.to_string())))
                }
                Some(TypeRes::Alias(id)) => {
                    let t = match self.env.lookup_named(self.module, parts) {
                        Some(t) => to_stype(&t, &self.pre.schema_ids),
                        None => SType::Unknown,
                    };
                    return Some((Res::Alias(*id), t));
                }
                _ => {}
            }
        }
        None
    }

    /// Resolves a written type, naming each type name in it.
    fn resolve_type(&mut self, ty: &ast::Type) -> SType {
        if self.record {
            self.name_types(ty);
        }
        to_stype(&self.env.resolve(ty, self.module), &self.pre.schema_ids)
    }

    fn name_types(&mut self, ty: &ast::Type) {
        match &ty.kind {
            TypeKind::Named { name, .. } => {
                let parts: Vec<&str> = name.iter().map(|i| i.name.as_str()).collect();
                let res = match parts.as_slice() {
                    [one] if BUILTIN_TYPES.contains(one) => TypeRes::Builtin,
                    _ => match self.type_named(&parts) {
                        Some((Res::Schema(id), _)) => TypeRes::Schema(id),
                        Some((Res::Alias(id), _)) => TypeRes::Alias(id),
                        _ => TypeRes::Unknown,
                    },
                };
                self.out.types.push(TypeUse {
                    text: parts.join("."),
                    span: ty.span,
                    res,
                });
            }
            TypeKind::List(t) | TypeKind::Optional(t) => self.name_types(t),
            TypeKind::Map(k, v) => {
                self.name_types(k);
                self.name_types(v);
            }
            TypeKind::Union(ts) => {
                for t in ts {
                    self.name_types(t);
                }
            }
            TypeKind::Literal(_) | TypeKind::Error => {}
        }
    }

    /// Reports a literal default that cannot be a value of its declared
    /// type (only what evaluation would report as a type mismatch).
    fn check_default(&mut self, e: &ast::Expr, ty: &SType, name: &str, decl: Span) {
        if let Fit::No { found, help } = fit(e, ty) {
            self.report(EvalError::TypeMismatch {
                span: literal(e).span,
                path: Some(name.to_string()),
                expected: ty.to_string(),
                found,
                decl: Some(decl),
                help,
            });
        }
    }
}

/// `e` without parentheses.
fn literal(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ExprKind::Paren(inner) => literal(inner),
        _ => e,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Lit {
    None,
    Bool,
    Int,
    Float,
    Str,
    Quantity,
    List,
    Record,
}

fn lit_kind(e: &ast::Expr) -> Option<Lit> {
    Some(match &literal(e).kind {
        ExprKind::None => Lit::None,
        ExprKind::Bool(_) => Lit::Bool,
        ExprKind::Int(_) => Lit::Int,
        ExprKind::Float(_) => Lit::Float,
        ExprKind::Str(_) => Lit::Str,
        ExprKind::Quantity { .. } => Lit::Quantity,
        ExprKind::List(_) | ExprKind::ListComp { .. } => Lit::List,
        ExprKind::Record(_) => Lit::Record,
        ExprKind::Unary {
            op: ast::UnaryOp::Neg,
            operand,
        } => match lit_kind(operand)? {
            k @ (Lit::Int | Lit::Float) => k,
            _ => return None,
        },
        _ => return None,
    })
}

fn describe(k: Lit) -> &'static str {
    match k {
        Lit::None => "none",
        Lit::Bool => "a Bool",
        Lit::Int => "an Int",
        Lit::Float => "a Float",
        Lit::Str => "a String",
        Lit::Quantity => "a Quantity",
        Lit::List => "a list",
        Lit::Record => "a record",
    }
}

/// Whether the literal `e` can be a value of `ty`, as evaluation's check
/// decides (`eval/check.rs`); `Unsure` where that depends on the value
/// (ranges, domain types, secrets) or on more than the literal.
fn fit(e: &ast::Expr, ty: &SType) -> Fit {
    let Some(k) = lit_kind(e) else {
        return Fit::Unsure;
    };
    let plain = match &literal(e).kind {
        ExprKind::Str(s) => s.as_plain(),
        _ => None,
    };
    let no = |help: Option<String>| Fit::No {
        found: describe(k).to_string(),
        help,
    };
    let yes = |b: bool| if b { Fit::Yes } else { no(None) };
    match (ty, k) {
        (SType::Any | SType::Unknown, _) => Fit::Yes,
        (SType::Optional(_), Lit::None) => Fit::Yes,
        (SType::Optional(t), _) => fit(e, t),
        (_, Lit::Record) => match ty {
            SType::Map(..) | SType::Schema(..) => Fit::Yes,
            SType::Union(_) => Fit::Unsure,
            _ => Fit::Unsure,
        },
        (SType::Bool, _) => yes(k == Lit::Bool),
        (SType::Int { .. } | SType::Port, _) => yes(k == Lit::Int),
        (SType::Float, _) => yes(matches!(k, Lit::Int | Lit::Float)),
        (SType::Str, Lit::Str) => Fit::Yes,
        (SType::Str, Lit::Int | Lit::Float | Lit::Bool | Lit::Quantity) => no(Some(
            "use string interpolation to make a String: \"${x}\"".into(),
        )),
        (SType::Str, _) => no(None),
        (SType::Quantity, Lit::Quantity | Lit::Int) => Fit::Yes,
        (SType::Quantity, Lit::Float) => Fit::Unsure,
        (SType::Quantity, Lit::Str) => match &plain {
            Some(s) if s.parse::<crate::quantity::Quantity>().is_ok() => no(Some(format!(
                "write {s} without quotes: quantities are not strings"
            ))),
            Some(_) => no(None),
            None => Fit::Unsure,
        },
        (SType::Quantity, _) => no(None),
        (SType::Secret | SType::Name | SType::Image | SType::Cron | SType::EnvName, Lit::Str) => {
            Fit::Unsure
        }
        (SType::Secret | SType::Name | SType::Image | SType::Cron | SType::EnvName, _) => no(None),
        (SType::Literal(l), Lit::Str) => match &plain {
            Some(s) => yes(s == l),
            None => Fit::Unsure,
        },
        (SType::Literal(_), _) => no(None),
        (SType::Union(ts), _) => {
            let fits: Vec<Fit> = ts.iter().map(|t| fit(e, t)).collect();
            if fits.iter().any(|f| matches!(f, Fit::Yes)) {
                Fit::Yes
            } else if fits.iter().all(|f| matches!(f, Fit::No { .. })) {
                Fit::No {
                    found: match &plain {
                        Some(s) => format!("{s:?}"),
                        None => describe(k).to_string(),
                    },
                    help: None,
                }
            } else {
                Fit::Unsure
            }
        }
        (SType::List(_), Lit::List) => Fit::Yes,
        (SType::List(_), _) => no(None),
        (SType::Map(..) | SType::Schema(..), _) => no(None),
    }
}

/// The type of the object a `{ ... }` stored at type `t` makes.
/// As evaluation's `object_type`: a union with one object type takes it.
pub(super) fn body_type(t: Option<&SType>) -> BodyType {
    match t.map(SType::strip_optional) {
        Some(SType::Schema(id, _)) => BodyType::Schema(*id),
        Some(SType::Map(_, v)) => BodyType::Map((**v).clone()),
        Some(SType::Union(ts)) => {
            let mut objects = ts
                .iter()
                .map(|t| body_type(Some(t)))
                .filter(|b| *b != BodyType::Unknown);
            match (objects.next(), objects.next()) {
                (Some(b), None) => b,
                _ => BodyType::Unknown,
            }
        }
        _ => BodyType::Unknown,
    }
}

/// Whether a value is written as a body (`{ ... }`, `x { ... }`), whose
/// object's path the walk needs.
fn is_body(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Record(_) | ExprKind::Amend { .. } => true,
        ExprKind::Paren(inner) => is_body(inner),
        _ => false,
    }
}

fn join(base: Option<&[String]>, name: Option<&str>) -> Option<Vec<String>> {
    let mut p = base?.to_vec();
    p.push(name?.to_string());
    Some(p)
}
