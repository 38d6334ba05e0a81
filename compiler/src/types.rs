//! Types: resolution of written types into [`Ty`], and the type names in
//! scope in each module.
//!
//! In: the module graph. Out: for each module, the schemas and aliases it
//! can name (its own declarations and those of every module in its amends
//! chain, plus `alias.Name` through imports), and resolved types, cached per
//! syntax node. An unknown type name is reported once and becomes
//! [`Ty::Unknown`], which accepts anything (no cascade).

use crate::eval::FastMap;
use crate::modules::{ModuleGraph, ModuleId};
use crate::suggest;
use digit_lang::ast::{self, ExprKind, TypeKind, UnaryOp};
use digit_lang::{Diagnostic, Span};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Index of a schema in [`TypeEnv::schemas`].
pub type SchemaId = usize;

/// A resolved type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// `Json`: any value.
    Any,
    /// A type that failed to resolve (already reported): accepts anything.
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
    List(Rc<Ty>),
    Map(Rc<Ty>, Rc<Ty>),
    Optional(Rc<Ty>),
    Union(Vec<Rc<Ty>>),
    Literal(Rc<str>),
    Schema(SchemaId, Rc<str>),
}

impl Ty {
    /// The type without `?`.
    pub fn strip_optional(&self) -> &Ty {
        match self {
            Ty::Optional(t) => t.strip_optional(),
            t => t,
        }
    }

    /// True for types that hold a string value.
    pub fn is_stringish(&self) -> bool {
        matches!(
            self,
            Ty::Str | Ty::Name | Ty::Image | Ty::Cron | Ty::EnvName | Ty::Literal(_)
        )
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any => f.write_str("Json"),
            Ty::Unknown => f.write_str("?"),
            Ty::Bool => f.write_str("Bool"),
            Ty::Int { lo: None, hi: None } => f.write_str("Int"),
            Ty::Int { lo, hi } => {
                let s = |b: &Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
                write!(f, "Int({}..{})", s(lo), s(hi))
            }
            Ty::Float => f.write_str("Float"),
            Ty::Str => f.write_str("String"),
            Ty::Quantity => f.write_str("Quantity"),
            Ty::Secret => f.write_str("Secret"),
            Ty::Name => f.write_str("Name"),
            Ty::Port => f.write_str("Port"),
            Ty::Image => f.write_str("Image"),
            Ty::Cron => f.write_str("Cron"),
            Ty::EnvName => f.write_str("EnvName"),
            Ty::List(t) => write!(f, "[{t}]"),
            Ty::Map(k, v) => write!(f, "{{{k}: {v}}}"),
            Ty::Optional(t) => write!(f, "{t}?"),
            Ty::Union(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
                f.write_str(&parts.join(" | "))
            }
            Ty::Literal(s) => write!(f, "{s:?}"),
            Ty::Schema(_, name) => f.write_str(name),
        }
    }
}

/// A schema declaration and the module it is written in.
#[derive(Debug)]
pub struct SchemaInfo<'a> {
    pub name: Rc<str>,
    pub module: ModuleId,
    pub ast: &'a ast::Schema,
}

#[derive(Clone, Copy, Debug)]
enum TypeDef<'a> {
    Schema(SchemaId),
    Alias(&'a ast::TypeAlias, ModuleId),
}

/// Names of the builtin types, for did-you-mean.
pub const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Quantity", "Secret", "Json", "Name", "Port", "Image",
    "Cron", "EnvName",
];

/// Where a written type is: its span and its kind.
type TypeSite = (digit_lang::Span, std::mem::Discriminant<ast::TypeKind>);

/// Type names in scope per module, and a cache of resolved types.
pub struct TypeEnv<'a> {
    graph: &'a ModuleGraph,
    pub schemas: Vec<SchemaInfo<'a>>,
    own: Vec<FastMap<&'a str, TypeDef<'a>>>,
    /// Resolved types by where they are written (span and kind, never an
    /// address) and the module they are resolved in.
    cache: RefCell<FastMap<(TypeSite, ModuleId), Rc<Ty>>>,
    resolving: RefCell<Vec<TypeSite>>,
    pub errors: RefCell<Vec<Diagnostic>>,
}

impl<'a> TypeEnv<'a> {
    pub fn new(graph: &'a ModuleGraph) -> Self {
        let mut schemas = Vec::new();
        let mut own = Vec::new();
        for (id, m) in graph.modules.iter().enumerate() {
            let mut table = FastMap::default();
            for item in &m.ast.items {
                match item {
                    ast::Item::Schema(s) => {
                        table.insert(s.name.name.as_str(), TypeDef::Schema(schemas.len()));
                        schemas.push(SchemaInfo {
                            name: s.name.name.as_str().into(),
                            module: id,
                            ast: s,
                        });
                    }
                    ast::Item::TypeAlias(t) => {
                        table.insert(t.name.name.as_str(), TypeDef::Alias(t, id));
                    }
                    ast::Item::Member(_) => {}
                }
            }
            own.push(table);
        }
        TypeEnv {
            graph,
            schemas,
            own,
            cache: RefCell::new(FastMap::default()),
            resolving: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
        }
    }

    fn lookup_def(&self, module: ModuleId, name: &str) -> Option<TypeDef<'a>> {
        self.graph
            .amends_chain(module)
            .into_iter()
            .find_map(|m| self.own.get(m).and_then(|t| t.get(name)).copied())
    }

    /// Every type name usable in `module`, for did-you-mean and completion.
    pub fn names_in_scope(&self, module: ModuleId) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = BUILTIN_TYPES.to_vec();
        for m in self.graph.amends_chain(module) {
            if let Some(t) = self.own.get(m) {
                out.extend(t.keys().copied());
            }
        }
        out
    }

    /// The schema or alias `name` (possibly `alias.Name`) names in `module`.
    pub fn lookup_named(&self, module: ModuleId, path: &[&str]) -> Option<Rc<Ty>> {
        let (target, name) = match path {
            [name] => (module, *name),
            [alias, name] => {
                let m = self.graph.get(module)?;
                let target = m.imports.iter().find(|i| i.alias == *alias)?.target?;
                (target, *name)
            }
            _ => return None,
        };
        match self.lookup_def(target, name)? {
            TypeDef::Schema(id) => Some(Rc::new(Ty::Schema(id, self.schemas[id].name.clone()))),
            TypeDef::Alias(a, m) => Some(self.resolve(&a.ty, m)),
        }
    }

    /// Resolves a written type in the scope of `module`.
    pub fn resolve(&self, ty: &ast::Type, module: ModuleId) -> Rc<Ty> {
        let key = ((ty.span, std::mem::discriminant(&ty.kind)), module);
        if let Some(t) = self.cache.borrow().get(&key) {
            return t.clone();
        }
        if self.resolving.borrow().contains(&key.0) {
            self.error(
                Diagnostic::error("E0305", ty.span, "this type alias refers to itself")
                    .with_label("recursive type")
                    .with_help("a type alias must expand to a finite type"),
            );
            return Rc::new(Ty::Unknown);
        }
        self.resolving.borrow_mut().push(key.0);
        let t = Rc::new(self.resolve_uncached(ty, module));
        self.resolving.borrow_mut().retain(|k| *k != key.0);
        self.cache.borrow_mut().insert(key, t.clone());
        t
    }

    fn resolve_uncached(&self, ty: &ast::Type, module: ModuleId) -> Ty {
        match &ty.kind {
            TypeKind::Named { name, range } => {
                self.resolve_named(name, range.as_deref(), module, ty.span)
            }
            TypeKind::List(t) => Ty::List(self.resolve(t, module)),
            TypeKind::Map(k, v) => Ty::Map(self.resolve(k, module), self.resolve(v, module)),
            TypeKind::Optional(t) => Ty::Optional(self.resolve(t, module)),
            TypeKind::Union(ts) => Ty::Union(ts.iter().map(|t| self.resolve(t, module)).collect()),
            TypeKind::Literal(s) => Ty::Literal(s.as_str().into()),
            TypeKind::Error => Ty::Unknown,
        }
    }

    fn resolve_named(
        &self,
        name: &[ast::Ident],
        range: Option<&ast::TypeRange>,
        module: ModuleId,
        span: Span,
    ) -> Ty {
        let parts: Vec<&str> = name.iter().map(|i| i.name.as_str()).collect();
        let builtin = match parts.as_slice() {
            ["Bool"] => Some(Ty::Bool),
            ["Int"] => Some(self.int_range(range)),
            ["Float"] => Some(Ty::Float),
            ["String"] => Some(Ty::Str),
            ["Quantity"] => Some(Ty::Quantity),
            ["Secret"] => Some(Ty::Secret),
            ["Json"] => Some(Ty::Any),
            ["Name"] => Some(Ty::Name),
            ["Port"] => Some(Ty::Port),
            ["Image"] => Some(Ty::Image),
            ["Cron"] => Some(Ty::Cron),
            ["EnvName"] => Some(Ty::EnvName),
            _ => None,
        };
        if let Some(b) = builtin {
            if range.is_some() && !matches!(b, Ty::Int { .. }) {
                self.error(
                    Diagnostic::error("E0306", span, "only Int takes a range")
                        .with_label("not a range type")
                        .with_help("write `Int(lo..hi)`"),
                );
            }
            return b;
        }
        if let Some(t) = self.lookup_named(module, &parts) {
            return (*t).clone();
        }
        let written = parts.join(".");
        let names = self.names_in_scope(module);
        let help = suggest::help(&written, &names)
            .unwrap_or_else(|| "types come from `schema` and `type` declarations in this module, the modules it amends, or `alias.Name` of an import".into());
        self.error(
            Diagnostic::error("E0302", span, format!("unknown type `{written}`"))
                .with_label("not a type in scope")
                .with_help(help),
        );
        Ty::Unknown
    }

    fn int_range(&self, range: Option<&ast::TypeRange>) -> Ty {
        let Some(r) = range else {
            return Ty::Int { lo: None, hi: None };
        };
        let bound = |e: &Option<ast::Expr>| -> Option<i64> {
            let e = e.as_ref()?;
            match literal_int(e) {
                Some(n) => Some(n),
                None => {
                    self.error(
                        Diagnostic::error(
                            "E0306",
                            e.span,
                            "a range bound must be an integer literal",
                        )
                        .with_label("not an integer literal"),
                    );
                    None
                }
            }
        };
        Ty::Int {
            lo: bound(&r.lo),
            hi: bound(&r.hi),
        }
    }

    fn error(&self, d: Diagnostic) {
        self.errors.borrow_mut().push(d);
    }
}

fn literal_int(e: &ast::Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Int(n) => Some(*n),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => literal_int(operand)?.checked_neg(),
        ExprKind::Paren(inner) => literal_int(inner),
        _ => None,
    }
}
