//! Hover and go-to-definition from the compiler's semantic model: what a
//! name is, a field's type, doc and default, where it is declared and last
//! set along the amends chain. A secret shows only its path.

use super::diagnostics::span_range;
use super::semantic::At;
use digit_compiler::sema::{self, DefinitionKind, MemberKind, ResolvedKind, SType, Sema};
use digit_lang::Span;
use lsp_types::{Hover, HoverContents, Location, MarkupContent, MarkupKind};

/// Hover at the cursor.
pub fn hover(at: &At<'_>) -> Option<Hover> {
    let sema = at.sema();
    let Some(r) = sema.resolve_at(at.file, at.offset) else {
        return hover_declaration(at);
    };
    let mut parts: Vec<String> = Vec::new();
    match &r.kind {
        ResolvedKind::Field | ResolvedKind::Key => {
            let defs = sema.definitions_at(at.file, at.offset);
            let decl_member = sema
                .field_at(at.file, at.offset)
                .map(|f| f.member)
                .or_else(|| {
                    defs.iter()
                        .find(|d| d.kind == DefinitionKind::Declaration)
                        .map(|d| d.member)
                })
                .or_else(|| r.decl.and_then(|s| decl_at(sema, s)));
            match decl_member.and_then(|m| sema.member(m)) {
                Some(m) => parts.extend(decl_parts(at, m)),
                None => parts.push(format!("```digit\n{}\n```", r.name)),
            }
            if let Some(last) = defs.iter().rev().find(|d| {
                matches!(
                    d.kind,
                    DefinitionKind::Set | DefinitionKind::Append | DefinitionKind::Amend
                )
            }) {
                parts.push(format!("Last set in `{}`", at.place(last.span)));
            }
            parts.extend(evaluated_value(at));
        }
        ResolvedKind::Let(id) => parts.extend(let_parts(at, sema.let_(*id)?)),
        ResolvedKind::LoopVar => parts.push(format!("```digit\n{}\n```\nloop variable", r.name)),
        ResolvedKind::Import(target) => {
            let key = target
                .and_then(|t| at.a.graph.get(t))
                .map(|m| m.key.display());
            parts.push(format!(
                "```digit\nimport \"{}\" as {}\n```",
                key.unwrap_or_default(),
                r.name
            ));
        }
        ResolvedKind::Schema(id) => {
            let s = sema.schema(*id)?;
            parts.push(format!("```digit\nschema {}\n```", s.name));
            parts.extend(s.doc.clone());
            parts.push(format!("Declared in `{}`", at.place(s.span)));
        }
        ResolvedKind::Alias(id) => {
            let a = sema.alias(*id)?;
            parts.push(format!("```digit\ntype {} = {}\n```", a.name, a.ty));
            parts.extend(a.doc.clone());
        }
        ResolvedKind::Builtin(sig) => parts.push(format!("```digit\n{sig}\n```")),
        ResolvedKind::BuiltinType => {
            parts.push(format!("```digit\n{}\n```\nbuilt-in type", r.name))
        }
        ResolvedKind::Root => parts.push("`root`: the module's value".into()),
        ResolvedKind::TypeAsValue | ResolvedKind::Dynamic | ResolvedKind::Undefined => return None,
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n"),
        }),
        range: Some(span_range(&at.a.sources, r.span)),
    })
}

/// The most source text (the file and all it reaches) whose evaluation a
/// hover may wait for: the example platform is about 150 KB and evaluates
/// in a few milliseconds; a generated 1 500-service platform (1.3 MB)
/// takes a hundred, too long for every hover.
const CHEAP_EVALUATION: usize = 512 * 1024;

/// The value of the field under the cursor, when the file is an entry
/// (nothing amends it), its configuration is small enough to evaluate for
/// a hover and has no errors, and the value is short. Never a Secret's:
/// a value holding one is not shown.
fn evaluated_value(at: &At<'_>) -> Option<String> {
    let graph = &at.a.graph;
    if graph.modules.iter().any(|m| m.amends == Some(at.module)) {
        return None;
    }
    let size: usize = graph
        .modules
        .iter()
        .map(|m| at.a.sources.text(m.file).len())
        .sum();
    if size > CHEAP_EVALUATION {
        return None;
    }
    let (module, path) = at.sema().key_path_at(at.file, at.offset)?;
    let digit_compiler::modules::ModuleKey::File(file) = &graph.get(module)?.key else {
        return None;
    };
    if module != at.module || path.is_empty() {
        return None;
    }
    let select: Vec<digit_compiler::pipeline::PathSegment> =
        path.iter().map(|k| k.as_str().into()).collect();
    let (analysis, value) = digit_compiler::pipeline::eval_file_at(at.loader, file, &select);
    let value = value.ok()??;
    if analysis.has_errors() {
        return None;
    }
    let text = serde_json::to_string(&value).ok()?;
    (text.len() <= 200 && !text.contains("\"$secret\"")).then(|| format!("Value here: `{text}`"))
}

/// Hover on a declaration's own name: a field's, a `let`'s, a schema's.
fn hover_declaration(at: &At<'_>) -> Option<Hover> {
    let sema = at.sema();
    let model = sema.module(at.module)?;
    let (parts, span) = if let Some(l) = model.lets.iter().find(|l| l.name_span.contains(at.offset))
    {
        (let_parts(at, l), l.name_span)
    } else if let Some(s) = model
        .schemas
        .iter()
        .find(|s| s.name_span.contains(at.offset))
    {
        let mut parts = vec![format!("```digit\nschema {}\n```", s.name)];
        parts.extend(s.doc.clone());
        (parts, s.name_span)
    } else {
        let m = model.members.iter().find(|m| {
            matches!(&m.kind, MemberKind::Decl { name_span, .. } if name_span.contains(at.offset))
        })?;
        let MemberKind::Decl { name_span, .. } = &m.kind else {
            return None;
        };
        (decl_parts(at, m), *name_span)
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n"),
        }),
        range: Some(span_range(&at.a.sources, span)),
    })
}

/// A field declaration: its signature, whether it is a secret, its doc and
/// where it is declared.
fn decl_parts(at: &At<'_>, m: &sema::Member) -> Vec<String> {
    let mut parts = Vec::new();
    if let MemberKind::Decl {
        name, ty, default, ..
    } = &m.kind
    {
        let mut sig = format!("{name}: {ty}");
        if let Some(d) = default
            .as_deref()
            .filter(|d| !d.contains('\n') && d.len() <= 80)
        {
            sig.push_str(&format!(" = {d}"));
        }
        parts.push(format!("```digit\n{sig}\n```"));
        if matches!(ty.strip_optional(), SType::Secret) {
            parts.push("A secret: only its path is shown, never its value.".into());
        }
    }
    parts.extend(m.doc.clone());
    parts.push(format!("Declared in `{}`", at.place(m.span)));
    parts
}

/// A `let`: its first line and doc.
fn let_parts(at: &At<'_>, l: &sema::Let) -> Vec<String> {
    let m = l.member.and_then(|m| at.sema().member(m));
    let snippet = m
        .map(|m| first_line(at.a.sources.snippet(m.span)))
        .unwrap_or_default();
    let mut parts = vec![format!("```digit\n{snippet}\n```")];
    parts.extend(m.and_then(|m| m.doc.clone()));
    parts
}

/// The secret stored by the member whose key is at the cursor
/// (`password = secret("dg1:...")` inside `secrets { db { } }`): its
/// group and key.
pub fn secret_entry_at(at: &At<'_>) -> Option<(String, String)> {
    let member = at.sema().member(at.sema().member_at(at.file, at.offset)?)?;
    let ast = &at.a.graph.get(at.module)?.ast;
    // The member stores exactly this one secret (not `secrets { ... }`).
    let mut inside = digit_compiler::secret::edit::Secrets::of(ast)
        .sites
        .into_iter()
        .filter(|s| member.span.start <= s.value.start && s.value.end <= member.span.end);
    let site = inside.next().filter(|s| at.offset < s.value.start)?;
    inside.next().is_none().then_some((site.group, site.key))
}

/// The declaring member whose name is at `span`.
fn decl_at(sema: &Sema, span: Span) -> Option<sema::MemberId> {
    let m = sema.module_of_file(span.file)?;
    sema.module(m)?
        .members
        .iter()
        .find(|mem| matches!(&mem.kind, MemberKind::Decl { name_span, .. } if *name_span == span))
        .map(|mem| mem.id)
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    if s.lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_string()
    }
}

/// Where the name or field at the cursor is declared.
pub fn definition(at: &At<'_>) -> Option<Location> {
    let sema = at.sema();
    let r = sema.resolve_at(at.file, at.offset)?;
    if matches!(r.kind, ResolvedKind::Field | ResolvedKind::Key) {
        if let Some(f) = sema.field_at(at.file, at.offset) {
            return Some(at.location(f.decl));
        }
        let defs = sema.definitions_at(at.file, at.offset);
        if let Some(d) = defs.iter().find(|d| d.kind == DefinitionKind::Declaration) {
            return Some(at.location(d.key_span));
        }
    }
    let decl = r.decl?;
    Some(at.location(decl))
}
