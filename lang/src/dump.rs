//! A compact, indented s-expression dump of a syntax tree, for snapshots
//! and `--debug ast`.
//!
//! Syntax tree in, text out. Small nodes stay on one line, larger ones
//! break with their children indented. With `with_spans` every node shows
//! its byte range (`@3..10`); without, two trees that differ only in spans
//! dump identically.

use crate::ast::*;
use crate::span::Span;
use std::fmt::Write as _;

const WIDTH: usize = 88;

struct Node {
    head: String,
    children: Vec<Node>,
    /// Printed bare; a node that is not a leaf keeps its parentheses even
    /// without children, so an empty list reads `(list)`, not a name.
    leaf: bool,
}

impl Node {
    fn leaf(head: impl Into<String>) -> Node {
        Node {
            head: head.into(),
            children: Vec::new(),
            leaf: true,
        }
    }

    fn inline_len(&self) -> usize {
        if self.leaf {
            return self.head.len();
        }
        2 + self.head.len()
            + self
                .children
                .iter()
                .map(|c| 1 + c.inline_len())
                .sum::<usize>()
    }

    fn write_inline(&self, out: &mut String) {
        if self.leaf {
            out.push_str(&self.head);
            return;
        }
        out.push('(');
        out.push_str(&self.head);
        for c in &self.children {
            out.push(' ');
            c.write_inline(out);
        }
        out.push(')');
    }

    fn write(&self, out: &mut String, indent: usize) {
        if indent + self.inline_len() <= WIDTH || self.children.is_empty() {
            self.write_inline(out);
            return;
        }
        out.push('(');
        out.push_str(&self.head);
        for c in &self.children {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            c.write(out, indent + 2);
        }
        out.push(')');
    }
}

/// Dumps `module`; `with_spans` adds each node's byte range.
pub fn dump(module: &Module, with_spans: bool) -> String {
    let d = Dumper { spans: with_spans };
    let mut out = String::new();
    d.module(module).write(&mut out, 0);
    out.push('\n');
    out
}

struct Dumper {
    spans: bool,
}

impl Dumper {
    fn head(&self, name: &str, span: Span) -> String {
        if self.spans {
            format!("{name}@{}..{}", span.start, span.end)
        } else {
            name.to_string()
        }
    }

    fn node(&self, name: &str, span: Span, children: Vec<Node>) -> Node {
        Node {
            head: self.head(name, span),
            children,
            leaf: false,
        }
    }

    fn module(&self, m: &Module) -> Node {
        let mut ch = Vec::new();
        if let Some(doc) = &m.doc {
            ch.push(self.doc(doc));
        }
        if let Some(a) = &m.amends {
            ch.push(self.node("amends", a.stmt_span, vec![self.text(&a.path, a.span)]));
        }
        for i in &m.imports {
            ch.push(self.node(
                "import",
                i.path.stmt_span,
                vec![self.text(&i.path.path, i.path.span), self.ident(&i.alias)],
            ));
        }
        for item in &m.items {
            ch.push(match item {
                Item::Schema(s) => {
                    let mut c = self.opt_doc(s.doc.as_ref());
                    c.push(self.ident(&s.name));
                    c.push(self.body(&s.body));
                    self.node("schema", s.span, c)
                }
                Item::TypeAlias(t) => {
                    let mut c = self.opt_doc(t.doc.as_ref());
                    c.push(self.ident(&t.name));
                    c.push(self.type_(&t.ty));
                    self.node("type", t.span, c)
                }
                Item::Member(mb) => self.member(mb),
            });
        }
        self.node("module", m.span, ch)
    }

    fn opt_doc(&self, doc: Option<&Doc>) -> Vec<Node> {
        doc.iter().map(|d| self.doc(d)).collect()
    }

    fn doc(&self, d: &Doc) -> Node {
        self.node("doc", d.span, vec![Node::leaf(format!("{:?}", d.text))])
    }

    fn text(&self, s: &str, span: Span) -> Node {
        let q = format!("{s:?}");
        if self.spans {
            Node::leaf(format!("{q}@{}..{}", span.start, span.end))
        } else {
            Node::leaf(q)
        }
    }

    fn ident(&self, i: &Ident) -> Node {
        if self.spans {
            Node::leaf(format!("{}@{}..{}", i.name, i.span.start, i.span.end))
        } else {
            Node::leaf(i.name.clone())
        }
    }

    fn key(&self, k: &Key) -> Node {
        match k {
            Key::Name(i) => self.ident(i),
            Key::Quoted(i) => self.text(&i.name, i.span),
            Key::Computed(e) => self.node("computed", e.span, vec![self.expr(e)]),
        }
    }

    fn path(&self, p: &Path) -> Node {
        if p.len() == 1 {
            return self.key(&p[0]);
        }
        let span = p[0].span().to(p[p.len() - 1].span());
        self.node("path", span, p.iter().map(|k| self.key(k)).collect())
    }

    fn body(&self, b: &Body) -> Node {
        self.node(
            "body",
            b.span,
            b.members.iter().map(|m| self.member(m)).collect(),
        )
    }

    fn member(&self, m: &Member) -> Node {
        let mut ch = self.opt_doc(m.doc.as_deref());
        let name = match &m.kind {
            MemberKind::Decl { name, ty, default } => {
                ch.push(self.key(name));
                ch.push(self.type_(ty));
                ch.extend(default.iter().map(|d| self.expr(d)));
                "decl"
            }
            MemberKind::Assign { path, value } => {
                ch.push(self.path(path));
                ch.push(self.expr(value));
                "="
            }
            MemberKind::Append { path, value } => {
                ch.push(self.path(path));
                ch.push(self.expr(value));
                "+="
            }
            MemberKind::Amend { path, body } => {
                ch.push(self.path(path));
                ch.push(self.body(body));
                "amend"
            }
            MemberKind::Let { name, value } => {
                ch.push(self.ident(name));
                ch.push(self.expr(value));
                "let"
            }
            MemberKind::For {
                key_var,
                value_var,
                iter,
                body,
            } => {
                ch.extend(key_var.iter().map(|k| self.ident(k)));
                ch.push(self.ident(value_var));
                ch.push(self.expr(iter));
                ch.push(self.body(body));
                "for"
            }
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                ch.push(self.expr(cond));
                ch.push(self.body(then_body));
                if let Some(e) = else_body {
                    ch.push(self.node("else", e.span, vec![self.body(e)]));
                }
                "if"
            }
            MemberKind::Check { cond, message } => {
                ch.push(self.expr(cond));
                ch.push(self.expr(message));
                "check"
            }
            MemberKind::Every { body } => {
                ch.push(self.body(body));
                "every"
            }
            MemberKind::Error => "error-member",
        };
        self.node(name, m.span, ch)
    }

    fn expr(&self, e: &Expr) -> Node {
        let leaf = |s: String| {
            if self.spans {
                Node::leaf(format!("{s}@{}..{}", e.span.start, e.span.end))
            } else {
                Node::leaf(s)
            }
        };
        let (name, ch): (String, Vec<Node>) = match &e.kind {
            ExprKind::None => return leaf("none".into()),
            ExprKind::Bool(b) => return leaf(b.to_string()),
            ExprKind::Int(n) => return leaf(n.to_string()),
            ExprKind::Float(f) => return leaf(format!("{f:?}")),
            ExprKind::Quantity { number, suffix } => return leaf(format!("{number}{suffix}")),
            ExprKind::Name(i) => return self.ident(i),
            ExprKind::Error => ("error-expr".into(), vec![]),
            ExprKind::Str(s) => self.str_lit(s),
            ExprKind::List(xs) => ("list".into(), xs.iter().map(|x| self.expr(x)).collect()),
            ExprKind::ListComp { clauses, body } => {
                let mut ch: Vec<Node> = clauses.iter().map(|c| self.clause(c)).collect();
                ch.push(self.expr(body));
                ("list-comp".into(), ch)
            }
            ExprKind::Record(b) => ("record".into(), vec![self.body(b)]),
            ExprKind::Amend { base, body } => {
                ("amend".into(), vec![self.expr(base), self.body(body)])
            }
            ExprKind::Field { target, name } => {
                (".".into(), vec![self.expr(target), self.key(name)])
            }
            ExprKind::Index { target, index } => {
                ("index".into(), vec![self.expr(target), self.expr(index)])
            }
            ExprKind::Call { func, args } => {
                let mut ch = vec![self.ident(func)];
                ch.extend(args.iter().map(|a| self.expr(a)));
                ("call".into(), ch)
            }
            ExprKind::Unary { op, operand } => {
                let op = match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Neg => "neg",
                };
                (op.into(), vec![self.expr(operand)])
            }
            ExprKind::Binary { op, lhs, rhs } => {
                (op.as_str().into(), vec![self.expr(lhs), self.expr(rhs)])
            }
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => (
                "if".into(),
                vec![
                    self.expr(cond),
                    self.expr(then_branch),
                    self.expr(else_branch),
                ],
            ),
            ExprKind::Paren(x) => ("paren".into(), vec![self.expr(x)]),
        };
        self.node(&name, e.span, ch)
    }

    fn str_lit(&self, s: &StrLit) -> (String, Vec<Node>) {
        let name = if s.multiline { "str3" } else { "str" };
        let ch = s
            .parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => Node::leaf(format!("{t:?}")),
                StrPart::Interp(x) => Node {
                    head: "$".into(),
                    children: vec![self.expr(x)],
                    leaf: false,
                },
            })
            .collect();
        (name.into(), ch)
    }

    fn clause(&self, c: &CompClause) -> Node {
        match c {
            CompClause::For {
                key_var,
                value_var,
                iter,
            } => {
                let mut ch: Vec<Node> = key_var.iter().map(|k| self.ident(k)).collect();
                ch.push(self.ident(value_var));
                ch.push(self.expr(iter));
                Node {
                    head: "for".into(),
                    children: ch,
                    leaf: false,
                }
            }
            CompClause::If(x) => Node {
                head: "if".into(),
                children: vec![self.expr(x)],
                leaf: false,
            },
        }
    }

    fn type_(&self, t: &Type) -> Node {
        match &t.kind {
            TypeKind::Named { name, range } => {
                let text = name
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                match range {
                    None => {
                        if self.spans {
                            Node::leaf(format!("{text}@{}..{}", t.span.start, t.span.end))
                        } else {
                            Node::leaf(text)
                        }
                    }
                    Some(r) => {
                        let bound = |b: &Option<Expr>| match b {
                            Some(x) => self.expr(x),
                            None => Node::leaf("_"),
                        };
                        self.node(
                            &format!("{text} range"),
                            t.span,
                            vec![bound(&r.lo), bound(&r.hi)],
                        )
                    }
                }
            }
            TypeKind::List(x) => self.node("list-of", t.span, vec![self.type_(x)]),
            TypeKind::Map(k, v) => self.node("map-of", t.span, vec![self.type_(k), self.type_(v)]),
            TypeKind::Optional(x) => self.node("optional", t.span, vec![self.type_(x)]),
            TypeKind::Union(xs) => {
                self.node("union", t.span, xs.iter().map(|x| self.type_(x)).collect())
            }
            TypeKind::Literal(s) => self.text(s, t.span),
            TypeKind::Error => self.node("error-type", t.span, vec![]),
        }
    }
}

/// Writes `s` quoted; kept for callers that dump single strings.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    let _ = write!(out, "{s:?}");
    out
}
