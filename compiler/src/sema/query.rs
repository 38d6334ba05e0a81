//! Queries on the model, by file and byte offset, for the language server.
//!
//! Every query works on any model: a file with syntax errors (its `Error`
//! nodes are simply skipped), code that is never evaluated. None of them
//! evaluates anything.

use super::{
    AliasId, Body, BodyId, BodyKind, BodyType, LetId, Member, MemberId, MemberKind, ModuleModel,
    Res, SType, SchemaId, Sema, TypeRes,
};
use crate::modules::ModuleId;
use digit_lang::{FileId, Span};

/// A field valid at a position (for completion and hover).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldInfo {
    pub name: String,
    /// The declared type, as text (`Int(0..)`, `{String: Service}`); none
    /// for a field defined without a declaration.
    pub ty: Option<String>,
    /// The default's source text, as written.
    pub default: Option<String>,
    /// The doc comment (`///`) of the declaration.
    pub doc: Option<String>,
    /// The declared (or first defining) name's span: file and offsets.
    pub decl: Span,
    /// The module it is declared in.
    pub module: ModuleId,
    /// Declared without a default.
    pub required: bool,
    /// The declaring member.
    pub member: MemberId,
}

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedKind {
    Let(LetId),
    /// A `for` variable.
    LoopVar,
    /// A field of an enclosing object, or a key of a member path.
    Field,
    Key,
    Root,
    /// An import alias and the module it loaded, if it did.
    Import(Option<ModuleId>),
    Schema(SchemaId),
    Alias(AliasId),
    /// `Int`, `String`, ...
    BuiltinType,
    /// A builtin function, with its signature.
    Builtin(&'static str),
    /// A schema or alias name used as a value (reported).
    TypeAsValue,
    /// Known only to evaluation (an object whose fields are not static
    /// comes first).
    Dynamic,
    /// Not defined (reported).
    Undefined,
}

/// The answer of [`Sema::resolve_at`].
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub name: String,
    /// The name as used.
    pub span: Span,
    pub kind: ResolvedKind,
    /// Where it is declared (a `let`'s name, a loop variable, a field's
    /// declaration, an import's alias, a schema's or alias's name).
    pub decl: Option<Span>,
    /// An object whose fields are only known by evaluation comes before
    /// the binding found: evaluation may bind the name there instead.
    pub dynamic: bool,
}

/// The answer of [`Sema::expected_type_at`].
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedType {
    pub ty: SType,
    /// `ty` as text.
    pub text: String,
    /// The expression (or member) the type applies to.
    pub span: Span,
}

/// How a definition defines a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    /// `name: Type = default`
    Declaration,
    /// `path = value`
    Set,
    /// `path += value`
    Append,
    /// `path { ... }`
    Amend,
    /// A longer path through the field: `kafka.replicas = 3` for `kafka`.
    Nested,
}

/// One definition of a field path ([`Sema::definitions`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub module: ModuleId,
    pub kind: DefinitionKind,
    /// The whole member.
    pub span: Span,
    /// The key (the last segment naming the field).
    pub key_span: Span,
    pub member: MemberId,
}

fn smallest<T>(items: impl Iterator<Item = (Span, T)>) -> Option<T> {
    let mut best: Option<(u32, T)> = None;
    for (s, t) in items {
        // Later items are nested in earlier ones at equal length.
        if best.as_ref().is_none_or(|(len, _)| s.len() <= *len) {
            best = Some((s.len(), t));
        }
    }
    best.map(|(_, t)| t)
}

impl Sema {
    fn model_of(&self, file: FileId) -> Option<(ModuleId, &ModuleModel)> {
        let m = self.module_of_file(file)?;
        Some((m, self.modules.get(m)?))
    }

    /// The innermost body holding `offset` in `file` (a module body holds
    /// the whole file).
    pub fn body_at(&self, file: FileId, offset: u32) -> Option<BodyId> {
        let (_, model) = self.model_of(file)?;
        smallest(
            model
                .bodies
                .iter()
                .filter(|b| b.span.contains(offset))
                .map(|b| (b.span, b.id)),
        )
    }

    /// The innermost member holding `offset` in `file`.
    pub fn member_at(&self, file: FileId, offset: u32) -> Option<MemberId> {
        let (_, model) = self.model_of(file)?;
        smallest(
            model
                .members
                .iter()
                .filter(|m| m.span.contains(offset))
                .map(|m| (m.span, m.id)),
        )
    }

    /// The fields that can be set at `offset`: those of the innermost
    /// body's object (see [`Sema::fields_of_body`]).
    pub fn fields_at(&self, file: FileId, offset: u32) -> Vec<FieldInfo> {
        self.body_at(file, offset)
            .map(|b| self.fields_of_body(b))
            .unwrap_or_default()
    }

    /// The fields of the object `body` defines: a schema's declared
    /// fields; a module's fields declared along its amends chain (from the
    /// base), then those it and its bases only define; nothing for a map
    /// (its members are entries); for an object of unknown type, the fields
    /// the body itself defines.
    pub fn fields_of_body(&self, body: BodyId) -> Vec<FieldInfo> {
        let Some(b) = self.body(body) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match &b.ty {
            BodyType::Schema(s) => {
                if let Some(sb) = self.schema(*s).and_then(|s| self.body(s.body)) {
                    self.decls_in(sb, &mut out);
                }
            }
            BodyType::Module(m) => {
                let chain: Vec<ModuleId> = self.amends_chain(*m).iter().rev().copied().collect();
                for &x in &chain {
                    if let Some(mb) = self.module_body(x) {
                        self.decls_in(mb, &mut out);
                    }
                }
                for &x in &chain {
                    if let Some(mb) = self.module_body(x) {
                        self.defined_in(mb, &mut out);
                    }
                }
            }
            BodyType::Map(_) => {}
            BodyType::Unknown => {
                let mut frame = b;
                while matches!(frame.kind, BodyKind::For | BodyKind::Then | BodyKind::Else) {
                    match frame.parent.and_then(|p| self.body(p)) {
                        Some(p) => frame = p,
                        None => break,
                    }
                }
                self.decls_in(frame, &mut out);
                self.defined_in(frame, &mut out);
            }
        }
        out
    }

    fn module_body(&self, m: ModuleId) -> Option<&Body> {
        self.modules.get(m)?.bodies.first()
    }

    /// Members of `b` and of its `for`/`if` bodies.
    fn members_deep<'s>(&'s self, b: &'s Body, out: &mut Vec<&'s Member>) {
        for id in &b.members {
            let Some(m) = self.member(*id) else { continue };
            out.push(m);
            match &m.kind {
                MemberKind::For { body, .. } => {
                    if let Some(inner) = self.body(*body) {
                        self.members_deep(inner, out);
                    }
                }
                MemberKind::If {
                    then_body,
                    else_body,
                } => {
                    for inner in std::iter::once(then_body)
                        .chain(else_body)
                        .filter_map(|b| self.body(*b))
                    {
                        self.members_deep(inner, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn decls_in(&self, b: &Body, out: &mut Vec<FieldInfo>) {
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        for m in members {
            if let MemberKind::Decl {
                name,
                name_span,
                ty,
                default,
                ..
            } = &m.kind
            {
                if name.is_empty() || out.iter().any(|f| f.name == *name) {
                    continue;
                }
                out.push(FieldInfo {
                    name: name.clone(),
                    ty: Some(ty.to_string()),
                    default: default.clone(),
                    doc: m.doc.clone(),
                    decl: *name_span,
                    module: m.id.module,
                    required: default.is_none(),
                    member: m.id,
                });
            }
        }
    }

    fn defined_in(&self, b: &Body, out: &mut Vec<FieldInfo>) {
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        for m in members {
            let seg = match &m.kind {
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. } => path.first(),
                _ => None,
            };
            let Some((name, span)) = seg.and_then(|s| Some((s.name.clone()?, s.span))) else {
                continue;
            };
            if out.iter().any(|f| f.name == name) {
                continue;
            }
            let single = matches!(&m.kind,
                MemberKind::Assign { path, .. } | MemberKind::Append { path, .. } | MemberKind::Amend { path, .. }
                if path.len() == 1);
            out.push(FieldInfo {
                name: name.to_string(),
                ty: if single {
                    m.target_ty.as_ref().map(|t| t.to_string())
                } else {
                    None
                },
                default: None,
                doc: m.doc.clone(),
                decl: span,
                module: m.id.module,
                required: false,
                member: m.id,
            });
        }
    }

    /// What the name (or type name, or key of a member path) at `offset`
    /// refers to.
    pub fn resolve_at(&self, file: FileId, offset: u32) -> Option<Resolution> {
        let (_, model) = self.model_of(file)?;
        let name = smallest(
            model
                .names
                .iter()
                .filter(|n| n.span.contains(offset))
                .map(|n| (n.span, n)),
        );
        if let Some(n) = name {
            let (kind, decl) = match &n.res {
                Res::Let(id) => (ResolvedKind::Let(*id), self.let_(*id).map(|l| l.name_span)),
                Res::LoopVar { span } => (ResolvedKind::LoopVar, Some(*span)),
                Res::Field { decl } => (ResolvedKind::Field, *decl),
                Res::Key => (ResolvedKind::Key, None),
                Res::Root => (ResolvedKind::Root, None),
                Res::Import { span, target } => (ResolvedKind::Import(*target), Some(*span)),
                Res::Schema(id) => (
                    ResolvedKind::Schema(*id),
                    self.schema(*id).map(|s| s.name_span),
                ),
                Res::Alias(id) => (
                    ResolvedKind::Alias(*id),
                    self.alias(*id).map(|a| a.name_span),
                ),
                Res::Builtin(sig) => (ResolvedKind::Builtin(sig), None),
                Res::TypeAsValue => (ResolvedKind::TypeAsValue, None),
                Res::Dynamic => (ResolvedKind::Dynamic, None),
                Res::Undefined => (ResolvedKind::Undefined, None),
            };
            return Some(Resolution {
                name: n.name.to_string(),
                span: n.span,
                kind,
                decl,
                dynamic: n.dynamic,
            });
        }
        let t = smallest(
            model
                .types
                .iter()
                .filter(|t| t.span.contains(offset))
                .map(|t| (t.span, t)),
        )?;
        let (kind, decl) = match &t.res {
            TypeRes::Builtin => (ResolvedKind::BuiltinType, None),
            TypeRes::Schema(id) => (
                ResolvedKind::Schema(*id),
                self.schema(*id).map(|s| s.name_span),
            ),
            TypeRes::Alias(id) => (
                ResolvedKind::Alias(*id),
                self.alias(*id).map(|a| a.name_span),
            ),
            TypeRes::Unknown => (ResolvedKind::Undefined, None),
        };
        Some(Resolution {
            name: t.text.clone(),
            span: t.span,
            kind,
            decl,
            dynamic: false,
        })
    }

    /// The type expected of the expression at `offset`: the declared type
    /// of the field it is stored at, through list elements, `if` branches,
    /// `??` and parentheses. For a member whose value is missing (a broken
    /// file), the type of the field it sets when `offset` is past its key.
    pub fn expected_type_at(&self, file: FileId, offset: u32) -> Option<ExpectedType> {
        let (_, model) = self.model_of(file)?;
        let slot = smallest(
            model
                .slots
                .iter()
                .filter(|s| s.span.contains(offset))
                .map(|s| (s.span, s)),
        );
        // A slot inside the innermost member wins; otherwise the member's
        // own target, when the offset is past its key.
        let member = self.member_at(file, offset).and_then(|m| self.member(m));
        if let Some(s) = slot {
            let inside = member.is_none_or(|m| s.span.start >= m.span.start);
            if inside {
                return Some(ExpectedType {
                    text: s.ty.to_string(),
                    ty: s.ty.clone(),
                    span: s.span,
                });
            }
        }
        let m = member?;
        let key_end = match &m.kind {
            MemberKind::Assign { path, .. } | MemberKind::Append { path, .. } => {
                path.last()?.span.end
            }
            MemberKind::Decl { ty_span, .. } => ty_span.end,
            _ => return None,
        };
        if offset < key_end {
            return None;
        }
        let ty = m.target_ty.clone()?;
        Some(ExpectedType {
            text: ty.to_string(),
            ty,
            span: m.span,
        })
    }

    /// Every definition of the field `path` (`["kafka", "replicas"]`) of
    /// module `module`'s value, bottom first: its declaration (in the
    /// standard library, a base, or a schema) comes first, then each member
    /// that sets, appends to or amends it, module by module from the base
    /// of the amends chain up to `module` itself, in source order within a
    /// module. So the last element is the most derived definition (the one
    /// evaluation applies last), in `module` when it defines the field.
    pub fn definitions(&self, module: ModuleId, path: &[&str]) -> Vec<Definition> {
        let mut out = Vec::new();
        if path.is_empty() {
            return out;
        }
        if let Some(d) = self.declaration(module, path) {
            out.push(d);
        }
        let chain: Vec<ModuleId> = self.amends_chain(module).iter().rev().copied().collect();
        for x in chain {
            if let Some(b) = self.module_body(x) {
                self.defs_in(b, path, &mut out);
            }
        }
        out
    }

    /// [`Sema::definitions`] of the member key at `offset` (its path from
    /// the module's value), when the key's path is static.
    pub fn definitions_at(&self, file: FileId, offset: u32) -> Vec<Definition> {
        self.key_path_at(file, offset)
            .map(|(m, path)| {
                let refs: Vec<&str> = path.iter().map(String::as_str).collect();
                self.definitions(m, &refs)
            })
            .unwrap_or_default()
    }

    /// The static field path (from the module's value) of the member key or
    /// declaration name at `offset`.
    pub fn key_path_at(&self, file: FileId, offset: u32) -> Option<(ModuleId, Vec<String>)> {
        let (m, model) = self.model_of(file)?;
        let key = smallest(
            model
                .names
                .iter()
                .filter(|n| n.key && n.span.contains(offset))
                .map(|n| (n.span, n)),
        )?;
        let member = self.member(self.member_at(file, offset)?)?;
        let mut path = self.body(member.body)?.path.clone()?;
        match &member.kind {
            MemberKind::Decl {
                name, name_span, ..
            } if *name_span == key.span => {
                path.push(name.clone());
            }
            MemberKind::Assign { path: p, .. }
            | MemberKind::Append { path: p, .. }
            | MemberKind::Amend { path: p, .. } => {
                for seg in p {
                    path.push(seg.name.as_deref()?.to_string());
                    if seg.span == key.span {
                        return Some((m, path));
                    }
                }
                return None;
            }
            _ => return None,
        }
        Some((m, path))
    }

    /// The declaration of `path` of module `module`'s value.
    fn declaration(&self, module: ModuleId, path: &[&str]) -> Option<Definition> {
        let mut ty = BodyType::Module(module);
        let mut found = None;
        for name in path {
            let decl = match &ty {
                BodyType::Module(m) => self.amends_chain(*m).iter().find_map(|x| {
                    let b = self.module_body(*x)?;
                    self.decl_member(b, name)
                }),
                BodyType::Schema(s) => {
                    let b = self.schema(*s).and_then(|s| self.body(s.body))?;
                    self.decl_member(b, name)
                }
                BodyType::Map(v) => {
                    ty = super::build_body_type(Some(v));
                    found = None;
                    continue;
                }
                BodyType::Unknown => return None,
            };
            let d = decl?;
            ty = super::build_body_type(d.target_ty.as_ref());
            found = Some(d);
        }
        let d = found?;
        let MemberKind::Decl { name_span, .. } = &d.kind else {
            return None;
        };
        Some(Definition {
            module: d.id.module,
            kind: DefinitionKind::Declaration,
            span: d.span,
            key_span: *name_span,
            member: d.id,
        })
    }

    fn decl_member<'s>(&'s self, b: &'s Body, name: &str) -> Option<&'s Member> {
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        members
            .into_iter()
            .find(|m| matches!(&m.kind, MemberKind::Decl { name: n, .. } if n == name))
    }

    fn defs_in(&self, b: &Body, path: &[&str], out: &mut Vec<Definition>) {
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        for m in members {
            match &m.kind {
                MemberKind::Decl {
                    name, name_span, ..
                } if name == path[0] => {
                    if path.len() == 1 {
                        if !out.iter().any(|d| d.member == m.id) {
                            out.push(Definition {
                                module: m.id.module,
                                kind: DefinitionKind::Declaration,
                                span: m.span,
                                key_span: *name_span,
                                member: m.id,
                            });
                        }
                    } else if let Some(vb) = m.value_body.and_then(|b| self.body(b)) {
                        self.defs_in(vb, &path[1..], out);
                    }
                }
                MemberKind::Assign { path: p, .. }
                | MemberKind::Append { path: p, .. }
                | MemberKind::Amend { path: p, .. } => {
                    let names: Option<Vec<&str>> = p.iter().map(|s| s.name.as_deref()).collect();
                    let Some(names) = names else { continue };
                    let n = names.len().min(path.len());
                    if n == 0 || names[..n] != path[..n] {
                        continue;
                    }
                    let kind = match &m.kind {
                        MemberKind::Assign { .. } => DefinitionKind::Set,
                        MemberKind::Append { .. } => DefinitionKind::Append,
                        _ => DefinitionKind::Amend,
                    };
                    if names.len() == path.len() {
                        out.push(Definition {
                            module: m.id.module,
                            kind,
                            span: m.span,
                            key_span: p[n - 1].span,
                            member: m.id,
                        });
                    } else if names.len() > path.len() {
                        out.push(Definition {
                            module: m.id.module,
                            kind: DefinitionKind::Nested,
                            span: m.span,
                            key_span: p[n - 1].span,
                            member: m.id,
                        });
                    } else {
                        let inner = match &m.kind {
                            MemberKind::Amend { body, .. } => Some(*body),
                            _ => m.value_body,
                        };
                        if let Some(ib) = inner.and_then(|b| self.body(b)) {
                            self.defs_in(ib, &path[n..], out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A name visible at a position ([`Sema::names_in_scope`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeName {
    pub name: String,
    pub kind: ResolvedKind,
    pub decl: Option<Span>,
}

/// What a dotted path reaches: a module's value (through an import) or a
/// value of a type.
enum PathTy {
    Module(ModuleId),
    Ty(SType),
}

impl Sema {
    /// The field whose key (any segment of a member path, or a
    /// declaration's name) or whose name (an expression naming a field) is
    /// at `offset`, described by its declaration. None for a map entry's
    /// key and for names that are not fields.
    pub fn field_at(&self, file: FileId, offset: u32) -> Option<FieldInfo> {
        let (_, model) = self.model_of(file)?;
        let n = smallest(
            model
                .names
                .iter()
                .filter(|n| n.span.contains(offset))
                .map(|n| (n.span, n)),
        )?;
        match &n.res {
            Res::Field { decl: Some(d) } => self.field_info_at(*d),
            _ => None,
        }
    }

    /// The field declared (or first defined) at `span`.
    fn field_info_at(&self, span: Span) -> Option<FieldInfo> {
        let (_, model) = self.model_of(span.file)?;
        for m in &model.members {
            match &m.kind {
                MemberKind::Decl {
                    name,
                    name_span,
                    ty,
                    default,
                    ..
                } if *name_span == span => {
                    return Some(FieldInfo {
                        name: name.clone(),
                        ty: Some(ty.to_string()),
                        default: default.clone(),
                        doc: m.doc.clone(),
                        decl: span,
                        module: m.id.module,
                        required: default.is_none(),
                        member: m.id,
                    })
                }
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. } => {
                    if let Some((i, seg)) = path.iter().enumerate().find(|(_, s)| s.span == span) {
                        return Some(FieldInfo {
                            name: seg.name.as_deref()?.to_string(),
                            ty: if i + 1 == path.len() {
                                m.target_ty.as_ref().map(|t| t.to_string())
                            } else {
                                None
                            },
                            default: None,
                            doc: m.doc.clone(),
                            decl: span,
                            module: m.id.module,
                            required: false,
                            member: m.id,
                        });
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Every name visible at `offset`, innermost first, each once (the
    /// binding that shadows the others): `let`s and `for` variables of the
    /// enclosing bodies, the fields of the enclosing objects (a schema body
    /// then sees its module's `let`s and fields), `key`, `root`, the
    /// imports, the schemas and aliases in scope (for `S { ... }`) and the
    /// builtin functions. Comprehension variables are not included.
    pub fn names_in_scope(&self, file: FileId, offset: u32) -> Vec<ScopeName> {
        let mut out: Vec<ScopeName> = Vec::new();
        let Some(module) = self.module_of_file(file) else {
            return out;
        };
        let push = |out: &mut Vec<ScopeName>, name: &str, kind, decl| {
            if !name.is_empty() && !out.iter().any(|n| n.name == name) {
                out.push(ScopeName {
                    name: name.to_string(),
                    kind,
                    decl,
                });
            }
        };
        let mut cur = self.body_at(file, offset);
        while let Some(b) = cur.and_then(|b| self.body(b)) {
            for id in &b.members {
                if let Some(MemberKind::Let(l)) = self.member(*id).map(|m| &m.kind) {
                    if let Some(l) = self.let_(*l) {
                        push(
                            &mut out,
                            &l.name,
                            ResolvedKind::Let(l.id),
                            Some(l.name_span),
                        );
                    }
                }
            }
            if b.kind == BodyKind::For {
                if let Some(MemberKind::For { vars, .. }) =
                    b.owner.and_then(|m| self.member(m)).map(|m| &m.kind)
                {
                    for (n, s) in vars.iter().rev() {
                        push(&mut out, n, ResolvedKind::LoopVar, Some(*s));
                    }
                }
            }
            let frame = !matches!(b.kind, BodyKind::For | BodyKind::Then | BodyKind::Else);
            if frame && !matches!(b.ty, BodyType::Map(_)) {
                for f in self.fields_of_body(b.id) {
                    push(&mut out, &f.name, ResolvedKind::Field, Some(f.decl));
                }
            }
            cur = b.parent;
        }
        push(&mut out, "key", ResolvedKind::Key, None);
        push(&mut out, "root", ResolvedKind::Root, None);
        if let Some(imports) = self.imports.get(module) {
            for (alias, span, target) in imports {
                push(&mut out, alias, ResolvedKind::Import(*target), Some(*span));
            }
        }
        for &x in self.amends_chain(module) {
            let Some(model) = self.modules.get(x) else {
                continue;
            };
            for s in &model.schemas {
                push(
                    &mut out,
                    &s.name,
                    ResolvedKind::Schema(s.id),
                    Some(s.name_span),
                );
            }
            for a in &model.aliases {
                push(
                    &mut out,
                    &a.name,
                    ResolvedKind::Alias(a.id),
                    Some(a.name_span),
                );
            }
        }
        for (name, _, _, sig) in crate::eval::builtins::BUILTINS {
            push(&mut out, name, ResolvedKind::Builtin(sig), None);
        }
        out
    }

    /// The fields of a value of type `ty`: a schema's declared fields;
    /// nothing for other types.
    pub fn fields_of_type(&self, ty: &SType) -> Vec<FieldInfo> {
        match ty.strip_optional() {
            SType::Schema(s, _) => self
                .schema(*s)
                .map(|s| self.fields_of_body(s.body))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The fields of module `module`'s value (what `alias.` offers for an
    /// import): declared along its amends chain, then only defined.
    pub fn fields_of_module(&self, module: ModuleId) -> Vec<FieldInfo> {
        match self.module_body(module) {
            Some(b) => self.fields_of_body(b.id),
            None => Vec::new(),
        }
    }

    /// The static type of `path` (`["kafka", "topics"]`) read at `offset`:
    /// its first segment is a name in scope there, the others fields of
    /// schemas or entries of maps. None when a step is not known
    /// statically or `path` names a module.
    pub fn type_of_path_at(&self, file: FileId, offset: u32, path: &[&str]) -> Option<SType> {
        match self.path_ty(file, offset, path)? {
            PathTy::Ty(t) => Some(t),
            PathTy::Module(_) => None,
        }
    }

    /// The fields offered after `path.` at `offset`: of a schema-typed
    /// value, or of a module reached through an import alias.
    pub fn fields_of_path_at(&self, file: FileId, offset: u32, path: &[&str]) -> Vec<FieldInfo> {
        match self.path_ty(file, offset, path) {
            Some(PathTy::Module(m)) => self.fields_of_module(m),
            Some(PathTy::Ty(t)) => self.fields_of_type(&t),
            None => Vec::new(),
        }
    }

    fn path_ty(&self, file: FileId, offset: u32, path: &[&str]) -> Option<PathTy> {
        let (first, rest) = path.split_first()?;
        let names = self.names_in_scope(file, offset);
        let n = names.iter().find(|n| n.name == *first)?;
        let mut cur = match &n.kind {
            ResolvedKind::Import(m) => PathTy::Module((*m)?),
            ResolvedKind::Field => {
                let f = self.field_info_at(n.decl?)?;
                PathTy::Ty(self.member(f.member)?.target_ty.clone()?)
            }
            ResolvedKind::Let(l) => {
                let m = self.member(self.let_(*l)?.member?)?;
                let b = self.body(m.value_body?)?;
                match &b.ty {
                    BodyType::Schema(s) => {
                        PathTy::Ty(SType::Schema(*s, self.schema(*s)?.name.clone()))
                    }
                    BodyType::Map(v) => {
                        PathTy::Ty(SType::Map(Box::new(SType::Str), Box::new(v.clone())))
                    }
                    _ => return None,
                }
            }
            ResolvedKind::Root => PathTy::Module(self.root_module(file)?),
            _ => return None,
        };
        for name in rest {
            cur = PathTy::Ty(match cur {
                PathTy::Module(m) => {
                    let d = self.amends_chain(m).iter().find_map(|x| {
                        let b = self.module_body(*x)?;
                        self.decl_member(b, name)
                    })?;
                    d.target_ty.clone()?
                }
                PathTy::Ty(t) => match t.strip_optional() {
                    SType::Schema(s, _) => {
                        let b = self.schema(*s).and_then(|s| self.body(s.body))?;
                        self.decl_member(b, name)?.target_ty.clone()?
                    }
                    SType::Map(_, v) => (**v).clone(),
                    _ => return None,
                },
            });
        }
        Some(cur)
    }

    /// The module `root` stands for when `file` is evaluated as the entry.
    fn root_module(&self, file: FileId) -> Option<ModuleId> {
        self.module_of_file(file)
    }

    /// The keys of the map whose body holds `offset`, defined anywhere
    /// along the amends chain of the file's module (for completing a new
    /// entry in `services { }` of an environment), each with the span of
    /// its first definition. Empty outside a map.
    pub fn map_keys_at(&self, file: FileId, offset: u32) -> Vec<(String, Span)> {
        let Some(mut b) = self.body_at(file, offset).and_then(|b| self.body(b)) else {
            return Vec::new();
        };
        while matches!(b.kind, BodyKind::For | BodyKind::Then | BodyKind::Else) {
            match b.parent.and_then(|p| self.body(p)) {
                Some(p) => b = p,
                None => break,
            }
        }
        if !matches!(b.ty, BodyType::Map(_)) {
            return Vec::new();
        }
        match &b.path {
            Some(p) => {
                let refs: Vec<&str> = p.iter().map(String::as_str).collect();
                self.keys_of(b.id.module, &refs)
            }
            None => {
                let mut out = Vec::new();
                self.first_keys(b, &mut out);
                out
            }
        }
    }

    /// The keys defined under `path` of module `module`'s value, along its
    /// amends chain (base first), each once.
    pub fn keys_of(&self, module: ModuleId, path: &[&str]) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        let chain: Vec<ModuleId> = self.amends_chain(module).iter().rev().copied().collect();
        for x in chain {
            if let Some(b) = self.module_body(x) {
                if path.is_empty() {
                    self.first_keys(b, &mut out);
                } else {
                    self.keys_in(b, path, &mut out);
                }
            }
        }
        out
    }

    fn first_keys(&self, b: &Body, out: &mut Vec<(String, Span)>) {
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        for m in members {
            let key = match &m.kind {
                MemberKind::Decl {
                    name, name_span, ..
                } => Some((name.clone(), *name_span)),
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. } => path
                    .first()
                    .and_then(|s| Some((s.name.as_deref()?.to_string(), s.span))),
                _ => None,
            };
            if let Some((k, s)) = key {
                if !k.is_empty() && !out.iter().any(|(n, _)| *n == k) {
                    out.push((k, s));
                }
            }
        }
    }

    fn keys_in(&self, b: &Body, path: &[&str], out: &mut Vec<(String, Span)>) {
        let Some((first, rest)) = path.split_first() else {
            self.first_keys(b, out);
            return;
        };
        let mut members = Vec::new();
        self.members_deep(b, &mut members);
        for m in members {
            match &m.kind {
                MemberKind::Decl { name, .. } if name == first => {
                    if let Some(vb) = m.value_body.and_then(|b| self.body(b)) {
                        self.keys_in(vb, rest, out);
                    }
                }
                MemberKind::Assign { path: p, .. }
                | MemberKind::Append { path: p, .. }
                | MemberKind::Amend { path: p, .. } => {
                    let names: Option<Vec<&str>> = p.iter().map(|s| s.name.as_deref()).collect();
                    let Some(names) = names else { continue };
                    let n = names.len().min(path.len());
                    if n == 0 || names[..n] != path[..n] {
                        continue;
                    }
                    if names.len() > path.len() {
                        let k = names[path.len()].to_string();
                        if !out.iter().any(|(x, _)| *x == k) {
                            out.push((k, p[path.len()].span));
                        }
                    } else {
                        let inner = match &m.kind {
                            MemberKind::Amend { body, .. } => Some(*body),
                            _ => m.value_body,
                        };
                        if let Some(ib) = inner.and_then(|b| self.body(b)) {
                            self.keys_in(ib, &path[n..], out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
