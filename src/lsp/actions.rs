//! `textDocument/codeAction`: quick fixes for the compiler's diagnostics.
//!
//! The diagnostics published carry what a fix needs in their `data`
//! ([`fix_data`]): the replacement a "did you mean" help names, or the
//! missing required field and its declared type. The client sends them
//! back with the request; the fix is made on the buffer as it is now:
//!
//! - did you mean: replace the diagnostic's range with the suggestion
//!   (quoted when the range is a string literal);
//! - missing required field: insert `field = <placeholder>` as the last
//!   member of the instance's body, one action per field and one for all.

use super::workspace::{self, Snapshot};
use digit_lang::ast::{Body, Module};
use digit_lang::source::LineIndex;
use digit_lang::{Diagnostic, SourceMap};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The `data` of a published diagnostic that a quick fix can act on.
pub fn fix_data(d: &Diagnostic, sources: &SourceMap) -> Option<Value> {
    if let Some(replace) = d.help.as_deref().and_then(suggestion) {
        return Some(json!({ "replace": replace }));
    }
    if d.code == "E0604" {
        let field = d.message.split('`').nth(1)?;
        let ty = d
            .labels
            .first()
            .map(|l| declared_type(sources.snippet(l.span)))
            .unwrap_or_default();
        return Some(json!({ "missing": field, "type": ty }));
    }
    None
}

/// The one replacement a help line names: ``did you mean `x`?`` (or
/// `did you mean "x"?` for a module path).
fn suggestion(help: &str) -> Option<String> {
    let inner = help
        .strip_prefix("did you mean `")
        .and_then(|s| s.strip_suffix("`?"))
        .or_else(|| {
            help.strip_prefix("did you mean \"")
                .and_then(|s| s.strip_suffix("\"?"))
        })?;
    (!inner.is_empty() && !inner.contains(['`', '"'])).then(|| inner.to_string())
}

/// The type written in a declaration `name: Type = default`.
fn declared_type(decl: &str) -> String {
    let Some((_, rest)) = decl.split_once(':') else {
        return String::new();
    };
    let ty = rest.split(" = ").next().unwrap_or(rest);
    ty.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value of type `ty` to start from.
pub fn placeholder(ty: &str) -> String {
    let ty = ty.trim();
    if ty.ends_with('?') {
        return "none".into();
    }
    if let Some(first) = ty.split('|').next().map(str::trim) {
        if first.starts_with('"') && ty.contains('|') {
            return first.to_string();
        }
    }
    if ty.starts_with('[') {
        return "[]".into();
    }
    if ty.starts_with('{') {
        return "{}".into();
    }
    let name = ty.split('(').next().unwrap_or(ty);
    match name {
        "Bool" => "false".into(),
        "Int" | "Port" => ty
            .split_once('(')
            .and_then(|(_, r)| r.split("..").next())
            .filter(|lo| lo.parse::<i64>().is_ok())
            .unwrap_or("0")
            .to_string(),
        "Float" => "0.0".into(),
        "Quantity" => "0".into(),
        "String" | "Name" | "Image" | "Cron" | "EnvName" | "" => "\"\"".into(),
        _ if name.chars().next().is_some_and(char::is_uppercase) => "{}".into(),
        _ => "\"\"".into(),
    }
}

/// A missing required field: its name, declared type, and diagnostic.
type Missing = (String, String, lsp_types::Diagnostic);

/// The quick fixes for the diagnostics the client sent.
pub fn code_actions(
    s: &Snapshot,
    params: &lsp_types::CodeActionParams,
) -> Option<Vec<CodeActionOrCommand>> {
    let uri = params.text_document.uri.as_str();
    let (_, text) = super::requests::document(s, uri)?;
    let index = LineIndex::new(&text);
    let mut out = Vec::new();
    let mut missing: HashMap<(u32, u32, u32, u32), Vec<Missing>> = HashMap::new();
    for d in &params.context.diagnostics {
        let Some(data) = &d.data else { continue };
        if let Some(replace) = data["replace"].as_str() {
            let start = workspace::offset(&index, &text, d.range.start);
            let end = workspace::offset(&index, &text, d.range.end);
            let old = text.get(start..end).unwrap_or_default();
            let new = if old.starts_with('"') && !replace.starts_with('"') {
                serde_json::to_string(replace).unwrap_or_default()
            } else {
                replace.to_string()
            };
            if old == new || old.is_empty() {
                continue;
            }
            out.push(action(
                format!("Replace with `{new}`"),
                uri,
                vec![TextEdit {
                    range: d.range,
                    new_text: new,
                }],
                d.clone(),
                true,
            ));
        } else if let Some(field) = data["missing"].as_str() {
            let r = d.range;
            let key = (r.start.line, r.start.character, r.end.line, r.end.character);
            let ty = data["type"].as_str().unwrap_or_default().to_string();
            missing
                .entry(key)
                .or_default()
                .push((field.to_string(), ty, d.clone()));
        }
    }
    let parse = digit_lang::parse(digit_lang::FileId(0), &text);
    let mut groups: Vec<_> = missing.into_values().collect();
    groups.sort_by_key(|g| g.first().map(|(f, _, _)| f.clone()));
    for group in groups {
        let Some((_, _, first)) = group.first() else {
            continue;
        };
        let start = workspace::offset(&index, &text, first.range.start) as u32;
        let end = workspace::offset(&index, &text, first.range.end) as u32;
        let Some(at) = insertion(&parse.module, &text, start, end) else {
            continue;
        };
        let edit = |fields: &[Missing]| {
            let lines: String = fields
                .iter()
                .map(|(f, ty, _)| format!("{}{f} = {}\n", at.indent, placeholder(ty)))
                .collect();
            TextEdit {
                range: workspace::range(&index, &text, at.offset, at.offset),
                new_text: format!("{}{lines}{}", at.before, at.after),
            }
        };
        for one in &group {
            out.push(action(
                format!("Set the missing required field `{}`", one.0),
                uri,
                vec![edit(std::slice::from_ref(one))],
                one.2.clone(),
                group.len() == 1,
            ));
        }
        if group.len() > 1 {
            out.push(action(
                format!("Set all {} missing required fields", group.len()),
                uri,
                vec![edit(&group)],
                first.clone(),
                true,
            ));
        }
    }
    Some(out)
}

fn action(
    title: String,
    uri: &str,
    edits: Vec<TextEdit>,
    diagnostic: lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    // `Uri` caches its parse in a `Cell`, which the map never touches.
    #[allow(clippy::mutable_key_type)]
    let mut changes = HashMap::new();
    changes.insert(super::diagnostics::parse_uri(uri), edits);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: Some(preferred),
        ..Default::default()
    })
}

/// Where members go into a body: at `offset`, each line indented by
/// `indent`, with `before` and `after` around them.
struct Insertion {
    offset: u32,
    indent: String,
    before: String,
    after: String,
}

/// Where to add members to the instance at `start..end`: the outermost
/// body inside that range, before its closing brace; the module itself
/// when the range is the whole file.
fn insertion(module: &Module, text: &str, start: u32, end: u32) -> Option<Insertion> {
    let mut best: Option<&Body> = None;
    super::walk::bodies(module, &mut |b: &Body| {
        let inside = start <= b.span.start && b.span.end <= end;
        if inside && best.is_none_or(|o: &Body| b.span.len() > o.span.len()) {
            best = Some(b);
        }
    });
    let Some(body) = best else {
        // The module: at the end of the file.
        if start == 0 || end as usize >= text.len() {
            let before = if text.ends_with('\n') || text.is_empty() {
                ""
            } else {
                "\n"
            };
            return Some(Insertion {
                offset: text.len() as u32,
                indent: String::new(),
                before: before.into(),
                after: String::new(),
            });
        }
        return None;
    };
    let close = body.span.end.checked_sub(1)?;
    if text.as_bytes().get(close as usize) != Some(&b'}') {
        return None;
    }
    let line_start = digit_lang::source::line_start_before(text, close as usize);
    let before_close = &text[line_start..close as usize];
    let open_line = digit_lang::source::line_start_before(text, body.span.start as usize);
    let base: String = text[open_line..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let indent = format!("{base}  ");
    if before_close.trim().is_empty() {
        // `}` on its own line: insert the lines before it.
        Some(Insertion {
            offset: line_start as u32,
            indent,
            before: String::new(),
            after: String::new(),
        })
    } else {
        Some(Insertion {
            offset: close,
            indent,
            before: "\n".into(),
            after: base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_and_placeholders() {
        assert_eq!(
            suggestion("did you mean `replicas`?").as_deref(),
            Some("replicas")
        );
        assert_eq!(
            suggestion("did you mean \"../base.dg\"?").as_deref(),
            Some("../base.dg")
        );
        assert_eq!(
            suggestion("did you mean `Gi` (powers of 1024) or `G` (powers of 1000)?"),
            None
        );
        assert_eq!(declared_type("image: Image"), "Image");
        assert_eq!(declared_type("port: Int(1..65535) = 8080"), "Int(1..65535)");
        assert_eq!(placeholder("Int(1..65535)"), "1");
        assert_eq!(placeholder("\"cluster\" | \"node\""), "\"cluster\"");
        assert_eq!(placeholder("[String]"), "[]");
        assert_eq!(placeholder("Service"), "{}");
        assert_eq!(placeholder("String?"), "none");
    }
}
