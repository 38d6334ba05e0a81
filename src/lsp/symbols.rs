//! `textDocument/documentSymbol`: the outline, from the syntax tree.
//!
//! Schemas (with their fields and lets), type aliases, and the module's
//! members: fields set, amended or appended (a dotted path is one symbol,
//! `db.host`), lets, and the bodies of `for` and `if`, nested as in the
//! source. The entries of a `services { }` body are shown as services. A
//! broken file gives the outline of what parsed.

use super::workspace::range;
use digit_lang::ast::{Body, Expr, ExprKind, Item, Key, Member, MemberKind, Module};
use digit_lang::source::LineIndex;
use digit_lang::Span;
use lsp_types::{DocumentSymbol, SymbolKind};

/// Nesting shown at most (the parser allows deeper, nobody reads it).
const MAX_DEPTH: usize = 64;

/// The outline of `module`, whose text is `text`.
pub fn outline(module: &Module, text: &str) -> Vec<DocumentSymbol> {
    let cx = Cx {
        text,
        index: LineIndex::new(text),
    };
    let mut out = Vec::new();
    for item in &module.items {
        match item {
            Item::Schema(s) => out.push(cx.symbol(
                s.name.name.to_string(),
                Some("schema".into()),
                SymbolKind::STRUCT,
                s.span,
                s.name.span,
                cx.body(&s.body, 1, false),
            )),
            Item::TypeAlias(t) => out.push(cx.symbol(
                t.name.name.to_string(),
                Some(cx.snippet(t.ty.span)),
                SymbolKind::TYPE_PARAMETER,
                t.span,
                t.name.span,
                Vec::new(),
            )),
            Item::Member(m) => out.extend(cx.member(m, 1, false)),
        }
    }
    out
}

struct Cx<'t> {
    text: &'t str,
    index: LineIndex,
}

impl Cx<'_> {
    fn body(&self, body: &Body, depth: usize, services: bool) -> Vec<DocumentSymbol> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        body.members
            .iter()
            .flat_map(|m| self.member(m, depth, services))
            .collect()
    }

    /// The symbols of one member (a `for` or `if` gives one symbol holding
    /// its body; a `check` or a broken member none).
    fn member(&self, m: &Member, depth: usize, services: bool) -> Vec<DocumentSymbol> {
        let field_kind = if services {
            SymbolKind::CLASS
        } else {
            SymbolKind::FIELD
        };
        let detail = services.then(|| "service".to_string());
        let sym = match &m.kind {
            MemberKind::Decl { name, ty, default } => self.symbol(
                key_text(name),
                Some(self.snippet(ty.span)),
                SymbolKind::FIELD,
                m.span,
                name.span(),
                default
                    .as_deref()
                    .map(|e| self.expr(e, depth + 1, false))
                    .unwrap_or_default(),
            ),
            MemberKind::Assign { path, value } => {
                let is_services = path_is(path, "services");
                self.symbol(
                    path_text(path),
                    detail,
                    field_kind,
                    m.span,
                    path_span(path),
                    self.expr(value, depth + 1, is_services),
                )
            }
            MemberKind::Append { path, value } => self.symbol(
                path_text(path),
                Some("+=".into()),
                field_kind,
                m.span,
                path_span(path),
                self.expr(value, depth + 1, false),
            ),
            MemberKind::Amend { path, body } => {
                let is_services = path_is(path, "services");
                self.symbol(
                    path_text(path),
                    detail,
                    field_kind,
                    m.span,
                    path_span(path),
                    self.body(body, depth + 1, is_services),
                )
            }
            MemberKind::Let { name, value } => self.symbol(
                name.name.to_string(),
                Some("let".into()),
                SymbolKind::VARIABLE,
                m.span,
                name.span,
                self.expr(value, depth + 1, false),
            ),
            MemberKind::For {
                key_var,
                value_var,
                iter,
                body,
            } => {
                let vars = match key_var {
                    Some(k) => format!("{}, {}", k.name, value_var.name),
                    None => value_var.name.to_string(),
                };
                self.symbol(
                    format!("for {vars} in {}", self.snippet(iter.span)),
                    None,
                    SymbolKind::OPERATOR,
                    m.span,
                    value_var.span,
                    self.body(body, depth + 1, services),
                )
            }
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                let mut children = self.body(then_body, depth + 1, services);
                if let Some(e) = else_body {
                    children.extend(self.body(e, depth + 1, services));
                }
                self.symbol(
                    format!("if {}", self.snippet(cond.span)),
                    None,
                    SymbolKind::OPERATOR,
                    m.span,
                    cond.span,
                    children,
                )
            }
            // `[*] { }`: its members apply to every entry, not to one.
            MemberKind::Every { body } => {
                let star = m.head_span();
                self.symbol(
                    "[*]".to_string(),
                    Some("every entry".into()),
                    SymbolKind::OPERATOR,
                    m.span,
                    star,
                    self.body(body, depth + 1, false),
                )
            }
            MemberKind::Check { .. } | MemberKind::Error => return Vec::new(),
        };
        vec![sym]
    }

    /// The symbols inside a value: the members of a record or of an
    /// instance (`Service { ... }`), through parentheses.
    fn expr(&self, e: &Expr, depth: usize, services: bool) -> Vec<DocumentSymbol> {
        match &e.kind {
            ExprKind::Record(body) | ExprKind::Amend { body, .. } => {
                self.body(body, depth, services)
            }
            ExprKind::Paren(inner) if depth <= MAX_DEPTH => self.expr(inner, depth + 1, services),
            _ => Vec::new(),
        }
    }

    #[allow(deprecated)] // `DocumentSymbol::deprecated` must be given.
    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: SymbolKind,
        span: Span,
        name_span: Span,
        children: Vec<DocumentSymbol>,
    ) -> DocumentSymbol {
        let whole = range(&self.index, self.text, span.start, span.end);
        // The name must lie inside the whole (the LSP requires it).
        let name_span = if span.start <= name_span.start && name_span.end <= span.end {
            name_span
        } else {
            span
        };
        DocumentSymbol {
            // Clients reject an empty name.
            name: if name.is_empty() { "_".into() } else { name },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: whole,
            selection_range: range(&self.index, self.text, name_span.start, name_span.end),
            children: (!children.is_empty()).then_some(children),
        }
    }

    /// The source under `span` on one line, shortened.
    fn snippet(&self, span: Span) -> String {
        let s = self.text.get(span.range()).unwrap_or_default();
        let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 60 {
            let cut: String = s.chars().take(59).collect();
            format!("{cut}…")
        } else {
            s
        }
    }
}

fn key_text(k: &Key) -> String {
    match k {
        Key::Name(i) => i.name.to_string(),
        Key::Quoted(i) => format!("\"{}\"", i.name),
        Key::Computed(_) => "\"${…}\"".into(),
    }
}

fn path_text(path: &[Key]) -> String {
    path.iter().map(key_text).collect::<Vec<_>>().join(".")
}

fn path_span(path: &[Key]) -> Span {
    match (path.first(), path.last()) {
        (Some(a), Some(b)) => a.span().to(b.span()),
        _ => Span::default(),
    }
}

fn path_is(path: &[Key], name: &str) -> bool {
    matches!(path, [k] if k.as_static() == Some(name))
}
