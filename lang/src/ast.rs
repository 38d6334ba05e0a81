//! The syntax tree.
//!
//! Produced by [`crate::parser::parse`], consumed by the formatter and the
//! compiler. Every node has a [`Span`]. A piece the parser could not make
//! sense of becomes an `Error` node (member, expression or type) with the
//! span it skipped; the parse reports a diagnostic for it, so later stages
//! treat `Error` nodes as already reported and stay quiet about them.
//!
//! Comments are not in the tree: the parse returns them beside it
//! ([`crate::parser::Parse::comments`]) for the formatter. Doc comments
//! (`///`) are attached to the declaration or member that follows them.

use crate::span::Span;
pub use compact_str::CompactString;

/// A name as written: identifier text, or the decoded text of a quoted key.
/// Names up to 24 bytes (nearly all) are stored inline, without an
/// allocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: CompactString,
    pub span: Span,
}

/// A doc comment: the text of consecutive `///` lines, each stripped of
/// `///` and one following space, joined with `\n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

/// A whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Doc comment at the top of the file, before `amends`/`import`, when it
    /// is followed by a blank line or by `amends`/`import`.
    pub doc: Option<Doc>,
    pub amends: Option<ModulePath>,
    pub imports: Vec<Import>,
    pub items: Vec<Item>,
    pub span: Span,
}

/// The string after `amends` or `import`: `"../base.dg"`, `"digit:environment"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModulePath {
    /// Decoded path text.
    pub path: String,
    /// Span of the string literal, quotes included.
    pub span: Span,
    /// Span of the whole `amends "..."` / `import "..." as x` line.
    pub stmt_span: Span,
}

/// `import "PATH" as name`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub path: ModulePath,
    pub alias: Ident,
}

/// A top-level item: a declaration or a member of the module's record.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Schema(Schema),
    TypeAlias(TypeAlias),
    Member(Member),
}

/// `schema Name { members }`. Body members are field declarations, `let`s,
/// `check`s, and (rarely) `for`/`if`.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub body: Body,
    pub span: Span,
}

/// `type Name = Type`
#[derive(Clone, Debug, PartialEq)]
pub struct TypeAlias {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub ty: Type,
    pub span: Span,
}

/// `{ members }`, with the span of the braces (for a module body, the file).
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub members: Vec<Member>,
    pub span: Span,
}

/// One segment of a member path: `a`, `"egov-user"`, or a computed key
/// `"${expr}"` (a string literal with interpolation).
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// An identifier.
    Name(Ident),
    /// A quoted key without interpolation; `Ident::name` is the decoded text.
    Quoted(Ident),
    /// A quoted key with interpolation, evaluated to a string.
    Computed(Box<Expr>),
}

impl Key {
    pub fn span(&self) -> Span {
        match self {
            Key::Name(i) | Key::Quoted(i) => i.span,
            Key::Computed(e) => e.span,
        }
    }

    /// The key's text when it is known without evaluation.
    pub fn as_static(&self) -> Option<&str> {
        match self {
            Key::Name(i) | Key::Quoted(i) => Some(&i.name),
            Key::Computed(_) => None,
        }
    }
}

/// A dotted member path: `kafka.replicas`, `services."egov-user".env`.
/// Never empty.
pub type Path = Vec<Key>;

/// One member of a body. Members are the most numerous large nodes, so
/// the rare doc comment and the big fields of the rarer kinds are boxed to
/// keep a member small.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub doc: Option<Box<Doc>>,
    pub kind: MemberKind,
    pub span: Span,
}

impl Member {
    /// Where a diagnostic or an outline points for this member: the `[*]`
    /// of `[*] { ... }` (never past its `{`), else the whole member.
    pub fn head_span(&self) -> Span {
        match &self.kind {
            MemberKind::Every { body } if body.span.start > self.span.start => {
                let end = body.span.start.min(self.span.start + 3);
                Span::new(self.span.file, self.span.start, end)
            }
            _ => self.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum MemberKind {
    /// `name: Type = expr` or `name: Type` (required). The name is a single
    /// key (identifier or quoted), never a path.
    Decl {
        name: Key,
        ty: Type,
        default: Option<Box<Expr>>,
    },
    /// `path = expr`
    Assign { path: Path, value: Expr },
    /// `path += expr`
    Append { path: Path, value: Expr },
    /// `path { members }`
    Amend { path: Path, body: Body },
    /// `let name = expr`
    Let { name: Ident, value: Expr },
    /// `for [key_var,] value_var in iter { members }`
    For {
        key_var: Option<Ident>,
        value_var: Ident,
        iter: Box<Expr>,
        body: Box<Body>,
    },
    /// `if cond { members } [else { members } | else if ...]`. An `else if`
    /// is an `else` body holding one `If` member.
    If {
        cond: Box<Expr>,
        then_body: Body,
        else_body: Option<Body>,
    },
    /// `check cond : "message"`
    Check { cond: Box<Expr>, message: Box<Expr> },
    /// `[*] { members }`: amends every entry the map has before this
    /// member (in the layers below, and earlier in the same body).
    Every { body: Body },
    /// A member the parser could not read; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `none`
    None,
    Bool(bool),
    /// Integer literal; `1_000` is stored as `1000`. A literal that does not
    /// fit an i64 is reported by the parser and becomes `Error`.
    Int(i64),
    Float(f64),
    /// `250m`, `512Mi`, `1.5Gi`, `10G`: number text and suffix, as written.
    Quantity {
        number: CompactString,
        suffix: CompactString,
    },
    /// A string literal, single or multi-line (`"""`), possibly with
    /// interpolation.
    Str(StrLit),
    /// A name: a let, a field of an enclosing record, a module field, an
    /// import alias, a schema or type name, `key`, `root`, or a builtin.
    Name(Ident),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `[for x in xs if p: e]`, `[for i, x in xs for y in x.ys if q: e]`
    ListComp {
        clauses: Vec<CompClause>,
        body: Box<Expr>,
    },
    /// `{ members }`: a record or map, typed by where it is used.
    Record(Body),
    /// `base { members }`: amends a value, or instantiates a schema when
    /// `base` names one (`Service { ... }`).
    Amend {
        base: Box<Expr>,
        body: Body,
    },
    /// `a.b`, `a."b-c"`
    Field {
        target: Box<Expr>,
        name: Key,
    },
    /// `xs[0]`, `m["k"]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `len(xs)`: a call of a builtin function.
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `if c then a else b`
    If {
        cond: Box<Expr>,
        then_branch: Box<Expr>,
        else_branch: Box<Expr>,
    },
    /// `( expr )`, kept so the formatter can keep the parentheses.
    Paren(Box<Expr>),
    /// An expression the parser could not read; already reported.
    Error,
}

/// One clause of a list comprehension.
#[derive(Clone, Debug, PartialEq)]
pub enum CompClause {
    /// `for [k,] v in iter`
    For {
        key_var: Option<Ident>,
        value_var: Ident,
        iter: Expr,
    },
    /// `if cond`
    If(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
    /// Written with `"""`.
    pub multiline: bool,
}

impl StrLit {
    /// The literal's text when it has no interpolation.
    pub fn as_plain(&self) -> Option<CompactString> {
        if let [StrPart::Text(t)] = self.parts.as_slice() {
            return Some(t.clone());
        }
        let mut s = CompactString::default();
        for p in &self.parts {
            match p {
                StrPart::Text(t) => s.push_str(t),
                StrPart::Interp(_) => return None,
            }
        }
        Some(s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    /// Literal text with escapes decoded (and, for `"""` strings, the common
    /// indentation and the first and last line breaks removed). Stored
    /// inline up to 24 bytes.
    Text(CompactString),
    /// `${expr}`, boxed: plain text pieces are far more common, and a
    /// piece stays at the size of its text.
    Interp(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `??`
    Coalesce,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Coalesce => "??",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `Int`, `Service`, `k8s.Probe`, `Int(1..)`, `Int(1..65535)`: a
    /// possibly qualified name, with optional inclusive range bounds.
    Named {
        name: Vec<Ident>,
        range: Option<Box<TypeRange>>,
    },
    /// `[T]`
    List(Box<Type>),
    /// `{K: V}`
    Map(Box<Type>, Box<Type>),
    /// `T?`
    Optional(Box<Type>),
    /// `A | B | "c"`: two or more alternatives.
    Union(Vec<Type>),
    /// `"cluster"`: a string literal type (in unions).
    Literal(String),
    /// A type the parser could not read; already reported.
    Error,
}

/// `(lo..hi)` after a type name; either bound may be missing; both inclusive.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRange {
    pub lo: Option<Expr>,
    pub hi: Option<Expr>,
    pub span: Span,
}

/// A comment kept beside the tree for the formatter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    /// The whole comment, `//`, `/*`, `///` included.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...` (up to, not including, the line break)
    Line,
    /// `/* ... */`
    Block,
    /// `/// ...`: also attached to the next item as [`Doc`].
    Doc,
}
