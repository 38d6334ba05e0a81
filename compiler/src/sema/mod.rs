//! The semantic model: every name and every written type of a module
//! graph resolved once, statically, before (and without) evaluation.
//!
//! In: a [`ModuleGraph`] (the syntax trees, which may hold `Error` nodes)
//! and its [`SourceMap`]. Out: a [`Sema`] that owns no syntax tree: stable
//! ids for modules, bodies, members, `let`s, schemas and type aliases
//! ([`BodyId`], [`MemberId`], [`LetId`], [`SchemaId`], [`AliasId`]: a module
//! id plus an index in that module, in source order), what every name and
//! type refers to, the diagnostics found in code whether it is evaluated or
//! not, and the queries the language server asks ([`Sema::body_at`],
//! [`Sema::fields_at`], [`Sema::resolve_at`], [`Sema::expected_type_at`],
//! [`Sema::definitions`]).
//!
//! Scoping is the evaluator's (`eval/scope.rs`, DESIGN §2): innermost
//! first, loop variables, the `let`s of each enclosing member list, the
//! fields of each enclosing object (a map's entries are not names), then
//! `key`, `root` and the module's imports. A schema body sees its own
//! fields, then the `let`s of the module that declares it and the fields of
//! that module's amends chain (not of a module amending it). The
//! fields of an object are only known statically when its type is a schema
//! (closed: declared fields) or when it is a module (the static keys of
//! every loaded module of its amends family; a computed key `"${k}"` is
//! never a name, for evaluation as for sema); any other object (an untyped
//! record, a record amended from a computed value, a module whose `amends`
//! did not load) is *open*: a name not found before an open object is left
//! to evaluation. **Sema never reports what evaluation could find at run
//! time**; what it reports, evaluation would report the same way at the
//! same span if it reached the code, so the pipeline keeps one of the two.

mod build;
mod query;
mod workspace;

pub use query::{
    Definition, DefinitionKind, ExpectedType, FieldInfo, Resolution, ResolvedKind, ScopeName,
};
pub use workspace::{analyze, ParseCache, SemaAnalysis, Workspace};

use crate::modules::{ModuleGraph, ModuleId};
use build::body_type as build_body_type;
pub use digit_lang::ast::CompactString;
use digit_lang::{Diagnostic, FileId, SourceMap, Span};
use std::fmt;
use std::sync::Arc;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            /// The module it is written in.
            pub module: ModuleId,
            /// Its index among the module's items of its kind, in source
            /// order (stable while the module's text does not change).
            pub index: u32,
        }
    };
}

id!(
    /// A member list: a module body, a schema body, `{ ... }`, or the body
    /// of a `for` or `if` member.
    BodyId
);
id!(
    /// One member of a body (a declaration, an assignment, a `let`, ...).
    MemberId
);
id!(
    /// A `let`.
    LetId
);
id!(
    /// A `schema` declaration.
    SchemaId
);
id!(
    /// A `type` alias declaration.
    AliasId
);

/// A resolved type, owned (no reference into the syntax tree).
#[derive(Clone, Debug, PartialEq)]
pub enum SType {
    /// `Json`.
    Any,
    /// A type that did not resolve (already reported).
    Unknown,
    Bool,
    Int {
        lo: Option<i64>,
        hi: Option<i64>,
    },
    Float,
    Str,
    Quantity,
    Secret,
    Name,
    Port,
    Image,
    Cron,
    EnvName,
    List(Box<SType>),
    Map(Box<SType>, Box<SType>),
    Optional(Box<SType>),
    Union(Vec<SType>),
    Literal(String),
    Schema(SchemaId, String),
}

impl SType {
    /// The type without `?`.
    pub fn strip_optional(&self) -> &SType {
        match self {
            SType::Optional(t) => t.strip_optional(),
            t => t,
        }
    }
}

impl fmt::Display for SType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SType::Any => f.write_str("Json"),
            SType::Unknown => f.write_str("?"),
            SType::Bool => f.write_str("Bool"),
            SType::Int { lo: None, hi: None } => f.write_str("Int"),
            SType::Int { lo, hi } => {
                let s = |b: &Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
                write!(f, "Int({}..{})", s(lo), s(hi))
            }
            SType::Float => f.write_str("Float"),
            SType::Str => f.write_str("String"),
            SType::Quantity => f.write_str("Quantity"),
            SType::Secret => f.write_str("Secret"),
            SType::Name => f.write_str("Name"),
            SType::Port => f.write_str("Port"),
            SType::Image => f.write_str("Image"),
            SType::Cron => f.write_str("Cron"),
            SType::EnvName => f.write_str("EnvName"),
            SType::List(t) => write!(f, "[{t}]"),
            SType::Map(k, v) => write!(f, "{{{k}: {v}}}"),
            SType::Optional(t) => write!(f, "{t}?"),
            SType::Union(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
                f.write_str(&parts.join(" | "))
            }
            SType::Literal(s) => write!(f, "{s:?}"),
            SType::Schema(_, name) => f.write_str(name),
        }
    }
}

/// What kind of member list a body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// A module's top level.
    Module,
    /// `schema S { ... }`.
    Schema(SchemaId),
    /// A `{ ... }` expression (a record, an instance or a map, by where it
    /// is stored).
    Record,
    /// `S { ... }` (an instance of a schema) or `value { ... }`.
    AmendExpr,
    /// `path { ... }`, a member amending a field.
    AmendMember,
    /// The body of a `for` member.
    For,
    /// The `then` body of an `if` member.
    Then,
    /// The `else` body of an `if` member.
    Else,
    /// The body of `[*] { ... }`, applied to every entry of a map.
    Every,
}

/// The static type of the object a body defines fields of.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyType {
    /// A module's value: its fields are declared along its amends chain.
    Module(ModuleId),
    /// An instance of a schema.
    Schema(SchemaId),
    /// A map whose values have this type: members are entries, not names.
    Map(SType),
    /// Not known without evaluation (an untyped record, `Json`, a value
    /// amended from a computed one).
    Unknown,
}

/// One body.
#[derive(Clone, Debug)]
pub struct Body {
    pub id: BodyId,
    pub kind: BodyKind,
    /// The braces (a module body: the whole file).
    pub span: Span,
    /// The enclosing body (none for a module body).
    pub parent: Option<BodyId>,
    /// The member that holds this body, if any (`for`, `if`, `a { }`, or
    /// the member whose value the body's expression is part of).
    pub owner: Option<MemberId>,
    pub members: Vec<MemberId>,
    pub ty: BodyType,
    /// The field path of the object from the module's value, when it is
    /// known statically (`[]` for a module body, `["kafka"]` for
    /// `kafka { ... }`; none inside schemas and computed values).
    pub path: Option<Vec<String>>,
}

/// A segment of a member path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSeg {
    /// The key, or none for a computed key `"${...}"`.
    pub name: Option<CompactString>,
    pub span: Span,
}

/// What a member is.
#[derive(Clone, Debug)]
pub enum MemberKind {
    /// `name: Type = default`.
    Decl {
        name: String,
        name_span: Span,
        ty: SType,
        /// The type as written.
        ty_text: String,
        ty_span: Span,
        /// The default's source text.
        default: Option<String>,
        default_span: Option<Span>,
    },
    /// `path = value`.
    Assign {
        path: Vec<PathSeg>,
        value: Span,
    },
    /// `path += value`.
    Append {
        path: Vec<PathSeg>,
        value: Span,
    },
    /// `path { body }`.
    Amend {
        path: Vec<PathSeg>,
        body: BodyId,
    },
    Let(LetId),
    For {
        vars: Vec<(String, Span)>,
        body: BodyId,
    },
    If {
        then_body: BodyId,
        else_body: Option<BodyId>,
    },
    Check,
    /// `[*] { body }`: every entry of the enclosing map amended.
    Every {
        body: BodyId,
    },
    /// A member the parser could not read.
    Error,
}

/// One member.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: MemberId,
    pub body: BodyId,
    pub span: Span,
    pub doc: Option<String>,
    pub kind: MemberKind,
    /// The type of the field the member sets (a declaration's type, the
    /// declared type of an assigned path), when known statically.
    pub target_ty: Option<SType>,
    /// The body of the member's value when it is written as `{ ... }` or
    /// `S { ... }` directly.
    pub value_body: Option<BodyId>,
}

/// A `let`.
#[derive(Clone, Debug)]
pub struct Let {
    pub id: LetId,
    pub name: String,
    pub name_span: Span,
    pub member: Option<MemberId>,
    pub body: BodyId,
}

/// A `schema`.
#[derive(Clone, Debug)]
pub struct Schema {
    pub id: SchemaId,
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub body: BodyId,
}

/// A `type` alias.
#[derive(Clone, Debug)]
pub struct Alias {
    pub id: AliasId,
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub ty: SType,
}

/// What a name refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Res {
    Let(LetId),
    /// A `for` variable (of a member or a comprehension), declared at `span`.
    LoopVar {
        span: Span,
    },
    /// A field of an enclosing object; `decl` is its declaration, or its
    /// first static definition.
    Field {
        decl: Option<Span>,
    },
    Key,
    Root,
    /// An import alias; the target when it loaded.
    Import {
        span: Span,
        target: Option<ModuleId>,
    },
    /// A schema named as a value's base (`Service { ... }`).
    Schema(SchemaId),
    /// A type alias named as a value's base.
    Alias(AliasId),
    /// A builtin function.
    Builtin(&'static str),
    /// A type used as a value (reported).
    TypeAsValue,
    /// Found only by evaluation, if at all: an object without static fields
    /// comes first. Never reported.
    Dynamic,
    /// Not defined anywhere (reported).
    Undefined,
}

/// A name as used: an expression `Name`, a function name, or a static key
/// of a member path (resolved to the field's declaration).
#[derive(Clone, Debug)]
pub struct NameUse {
    pub name: CompactString,
    pub span: Span,
    pub res: Res,
    /// An open object (see the module header) comes before the binding
    /// found: evaluation may find the name there instead.
    pub dynamic: bool,
    /// A key of a member path or a declaration's name (not an expression).
    pub key: bool,
}

/// What a written type name refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRes {
    Builtin,
    Schema(SchemaId),
    Alias(AliasId),
    /// Unknown (reported).
    Unknown,
}

/// A type name as written (`Service`, `k8s.Probe`).
#[derive(Clone, Debug)]
pub struct TypeUse {
    pub text: String,
    pub span: Span,
    pub res: TypeRes,
}

/// An expression with the type of the place it is stored at.
#[derive(Clone, Debug)]
pub struct Slot {
    pub span: Span,
    pub ty: SType,
}

/// The model of one module.
#[derive(Clone, Debug, Default)]
pub struct ModuleModel {
    pub bodies: Vec<Body>,
    pub members: Vec<Member>,
    pub lets: Vec<Let>,
    pub schemas: Vec<Schema>,
    pub aliases: Vec<Alias>,
    /// Sorted by span start.
    pub names: Vec<NameUse>,
    /// Sorted by span start.
    pub types: Vec<TypeUse>,
    /// Expressions with an expected type, sorted by span start.
    pub slots: Vec<Slot>,
    /// What the stage found in this module's file.
    pub diagnostics: Vec<Diagnostic>,
}

/// The semantic model of a module graph.
#[derive(Clone, Debug, Default)]
pub struct Sema {
    /// Indexed by [`ModuleId`]; shared, so that an analysis redone after an
    /// edit keeps the models that did not change ([`Workspace`]).
    pub modules: Vec<Arc<ModuleModel>>,
    files: Vec<FileId>,
    /// Each module's amends chain, itself first.
    chains: Vec<Vec<ModuleId>>,
    /// Each module's imports: alias, its span, target.
    imports: Vec<Vec<(String, Span, Option<ModuleId>)>>,
    diagnostics: Vec<Diagnostic>,
}

impl Sema {
    /// Resolves every name and type of `graph`.
    pub fn build(graph: &ModuleGraph, sources: &SourceMap) -> Sema {
        build::build(graph, sources, &|_| None, true)
    }

    /// What [`Sema::build`] would report ([`Sema::diagnostics`], the same
    /// list in the same order), without keeping a model: for a run that
    /// asks no query (`digitc check`, `eval`, `build`). The walk is the
    /// same; it only stores no body, member, name, type or slot.
    pub fn check(graph: &ModuleGraph, sources: &SourceMap) -> Vec<Diagnostic> {
        build::build(graph, sources, &|_| None, false).diagnostics
    }

    /// [`Sema::build`], keeping the model `reuse` gives for a module (one
    /// built from the same inputs: see [`Workspace`]).
    pub fn build_reusing(
        graph: &ModuleGraph,
        sources: &SourceMap,
        reuse: &dyn Fn(ModuleId) -> Option<Arc<ModuleModel>>,
    ) -> Sema {
        build::build(graph, sources, reuse, true)
    }

    /// What the stage found: undefined names and types, unknown functions,
    /// wrong numbers of arguments, literal defaults that cannot fit their
    /// declared type. Each is the diagnostic evaluation would give at the
    /// same span (same code), so a run keeps one of the two.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The module whose text is `file`.
    pub fn module_of_file(&self, file: FileId) -> Option<ModuleId> {
        self.files.iter().position(|f| *f == file)
    }

    /// The file of a module.
    pub fn file(&self, module: ModuleId) -> Option<FileId> {
        self.files.get(module).copied()
    }

    pub fn module(&self, id: ModuleId) -> Option<&ModuleModel> {
        self.modules.get(id).map(|m| &**m)
    }

    pub fn body(&self, id: BodyId) -> Option<&Body> {
        self.modules.get(id.module)?.bodies.get(id.index as usize)
    }

    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.modules.get(id.module)?.members.get(id.index as usize)
    }

    pub fn let_(&self, id: LetId) -> Option<&Let> {
        self.modules.get(id.module)?.lets.get(id.index as usize)
    }

    pub fn schema(&self, id: SchemaId) -> Option<&Schema> {
        self.modules.get(id.module)?.schemas.get(id.index as usize)
    }

    pub fn alias(&self, id: AliasId) -> Option<&Alias> {
        self.modules.get(id.module)?.aliases.get(id.index as usize)
    }

    /// The module's amends chain, itself first.
    pub fn amends_chain(&self, module: ModuleId) -> &[ModuleId] {
        self.chains.get(module).map_or(&[], Vec::as_slice)
    }
}
