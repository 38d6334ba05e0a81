//! Completion from the compiler's semantic model (`digit_compiler::sema`):
//! what may go at the cursor. Also the analyses kept between requests,
//! which hover and go-to-definition ([`super::navigate`]) read too.
//!
//! In: a kept analysis of the file ([`Kept`], redone when a file it read
//! changed) and a byte offset. Out: LSP items. What the cursor is in is
//! read from the compiler's lexer ([`cursor`]), so it works while the line
//! is incomplete: `repl|`, `x = |`, `x = "|`, `kafka.|`.

use super::diagnostics::{location_uri, parse_uri, span_range};
use super::workspace::Snapshot;
use digit_compiler::modules::{ModuleId, ModuleKey};
use digit_compiler::sema::{
    self, BodyId, BodyType, FieldInfo, MemberKind, ResolvedKind, SType, Sema, SemaAnalysis,
};
use digit_lang::lexer::{self, Token};
use digit_lang::{FileId, Span};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, Location, MarkupContent,
    MarkupKind, TextEdit,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Analyses kept between requests, most recent first.
#[derive(Default)]
pub struct Kept {
    /// The parse cache: a file whose text did not change is not parsed
    /// again.
    workspace: sema::Workspace,
    analyses: Vec<KeptAnalysis>,
}

/// Analyses kept at most (one per file recently asked about).
const KEEP: usize = 4;

struct KeptAnalysis {
    path: PathBuf,
    /// [`Snapshot::disk`] when it was made.
    disk: u64,
    /// Every file it read, with the open buffer's text it read (none: the
    /// disk's).
    inputs: Vec<(PathBuf, Option<Arc<str>>)>,
    analysis: SemaAnalysis,
}

impl Kept {
    /// The analysis of `path` with the buffers of `s`: the kept one when no
    /// file it read has changed, else a new one.
    pub fn analysis(&mut self, s: &Snapshot, path: &Path) -> &SemaAnalysis {
        let fresh = |k: &KeptAnalysis| {
            k.path == path
                && k.disk == s.disk
                && k.inputs
                    .iter()
                    .all(|(p, text)| match (s.docs.get(p).map(|d| &d.text), text) {
                        (Some(now), Some(then)) => Arc::ptr_eq(now, then),
                        (None, None) => true,
                        _ => false,
                    })
        };
        match self.analyses.iter().position(fresh) {
            Some(i) => {
                let k = self.analyses.remove(i);
                self.analyses.insert(0, k);
            }
            None => {
                let analysis = self.workspace.analyze(s, path);
                let inputs = analysis
                    .graph
                    .modules
                    .iter()
                    .filter_map(|m| match &m.key {
                        ModuleKey::File(p) => {
                            Some((p.clone(), s.docs.get(p).map(|d| d.text.clone())))
                        }
                        ModuleKey::Std(_) => None,
                    })
                    .collect();
                self.analyses.insert(
                    0,
                    KeptAnalysis {
                        path: path.to_path_buf(),
                        disk: s.disk,
                        inputs,
                        analysis,
                    },
                );
                self.analyses.truncate(KEEP);
            }
        }
        &self.analyses[0].analysis
    }
}

/// The analysed file: its id, module, and text.
pub struct At<'a> {
    pub a: &'a SemaAnalysis,
    /// The loader the analysis read through (for evaluation).
    pub loader: &'a Snapshot,
    pub file: FileId,
    pub module: ModuleId,
    pub text: &'a str,
    pub offset: u32,
}

impl<'a> At<'a> {
    pub fn new(
        a: &'a SemaAnalysis,
        loader: &'a Snapshot,
        path: &Path,
        offset: u32,
    ) -> Option<At<'a>> {
        let module = a.graph.by_path(path)?;
        let file = a.graph.modules.get(module)?.file;
        Some(At {
            a,
            loader,
            file,
            module,
            text: a.sources.text(file),
            offset,
        })
    }

    pub fn sema(&self) -> &'a Sema {
        &self.a.sema
    }

    pub fn location(&self, span: Span) -> Location {
        Location {
            uri: parse_uri(&location_uri(self.a.sources.name(span.file))),
            range: span_range(&self.a.sources, span),
        }
    }

    /// `file:line` of a span, for people.
    pub fn place(&self, span: Span) -> String {
        let name = self.a.sources.name(span.file);
        let (line, _) = self.a.sources.line_col(span.file, span.start);
        let short = name.rsplit('/').next().unwrap_or(name);
        format!("{short}:{line}")
    }
}

// ---------------------------------------------------------------------------
// Where the cursor is

/// What is being typed at the cursor.
#[derive(Debug, PartialEq)]
pub enum Cursor {
    /// A member's key at the start of a member: `repl|`.
    Member,
    /// A value: after `=`, `+=`, an operator, `(`, `[`, `,`, `then`, ...
    Value,
    /// Inside a string that is a value: `x = "cl|`.
    StringValue,
    /// Inside a quoted key at the start of a member: `"egov-u|`.
    MemberString,
    /// After `a.b.`: the segments before the dot.
    Field(Vec<String>),
    /// A type, after `name:`.
    Type,
    /// Inside a comment or anything else: nothing to offer.
    Nothing,
}

/// The context at `offset`, and the start of the word being typed.
pub fn cursor(text: &str, offset: u32) -> (Cursor, u32) {
    let lexed = lexer::lex(FileId(0), text);
    if lexed
        .comments
        .iter()
        .any(|c| c.span.start < offset && offset <= c.span.end)
    {
        return (Cursor::Nothing, offset);
    }
    let tokens = &lexed.tokens;
    // The word under or before the cursor.
    let word = tokens
        .iter()
        .position(|(t, s)| s.start < offset && offset <= s.end && is_word(t));
    let start = word.map_or(offset, |i| tokens[i].1.start);
    let before: Vec<&(Token<'_>, Span)> = tokens.iter().filter(|(_, s)| s.end <= start).collect();
    // Inside a string: its opening quote is before, its end after.
    if let Some(i) = before
        .iter()
        .rposition(|(t, _)| matches!(t, Token::StrStart))
    {
        // An unterminated string ends in an empty `StrEnd` at the line's
        // end: the cursor there is still inside it.
        let closed = before[i + 1..]
            .iter()
            .any(|(t, s)| matches!(t, Token::StrEnd) && (!s.is_empty() || s.end < offset));
        if !closed {
            let q = before[i].1.end;
            let kind = match i.checked_sub(1).map(|p| (&before[p].0, before[p].1)) {
                Some((Token::Eq | Token::Comma | Token::LBracket | Token::LParen, _)) => {
                    Cursor::StringValue
                }
                None | Some((Token::LBrace | Token::Semi, _)) => Cursor::MemberString,
                Some((_, prev)) => {
                    let gap = text.get(prev.end as usize..before[i].1.start as usize);
                    if gap.is_some_and(digit_lang::source::has_line_break) {
                        Cursor::MemberString
                    } else {
                        Cursor::Nothing
                    }
                }
            };
            return (kind, q);
        }
    }
    let Some((prev, prev_span)) = before.last().map(|(t, s)| (t, *s)) else {
        return (Cursor::Member, start);
    };
    let gap = text
        .get(prev_span.end as usize..start as usize)
        .unwrap_or("");
    let new_line = digit_lang::source::has_line_break(gap);
    let kind = match prev {
        Token::Dot => Cursor::Field(chain(&before)),
        Token::Colon => Cursor::Type,
        Token::LBrace | Token::Semi => Cursor::Member,
        Token::Eq
        | Token::PlusEq
        | Token::Comma
        | Token::LBracket
        | Token::LParen
        | Token::Then
        | Token::Else
        | Token::If
        | Token::In
        | Token::Bang
        | Token::InterpStart => Cursor::Value,
        op if op.is_binary_operator() => Cursor::Value,
        _ if new_line => Cursor::Member,
        _ => Cursor::Nothing,
    };
    (kind, start)
}

fn is_word(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::Ident(_) | Token::True | Token::False | Token::None | Token::Let | Token::If
    ) || matches!(
        t,
        Token::For | Token::In | Token::Check | Token::Schema | Token::Type
    )
}

/// The names of `a.b.` before the last dot (quoted keys decoded as written).
fn chain(before: &[&(Token<'_>, Span)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = before.len();
    // before[i - 1] is a Dot.
    while i >= 2 && matches!(before[i - 1].0, Token::Dot) {
        match &before[i - 2].0 {
            Token::Ident(name) => {
                out.push(name.to_string());
                i -= 2;
            }
            Token::StrEnd if i >= 4 => match (&before[i - 3].0, &before[i - 4].0) {
                (Token::StrText(t), Token::StrStart) => {
                    out.push(t.to_string());
                    i -= 4;
                }
                _ => break,
            },
            _ => break,
        }
    }
    out.reverse();
    out
}

// ---------------------------------------------------------------------------
// Completion

/// The completion items at the cursor.
pub fn complete(at: &At<'_>, cursor: &Cursor, start: u32) -> Vec<CompletionItem> {
    let index = digit_lang::source::LineIndex::new(at.text);
    let range = super::workspace::range(&index, at.text, start, at.offset);
    let mut items = Vec::new();
    // Inside a quoted key, the key goes in bare, closing the string when
    // it is still open.
    let in_key = *cursor == Cursor::MemberString;
    let close = if at.text[at.offset as usize..].starts_with('"') {
        ""
    } else {
        "\""
    };
    let mut push = |label: String, kind, detail: Option<String>, doc: Option<String>, sort: u8| {
        let (label, new_text) = if in_key {
            let bare = label.trim_matches('"').to_string();
            (bare.clone(), format!("{bare}{close}"))
        } else {
            (label.clone(), label)
        };
        items.push(CompletionItem {
            label: label.clone(),
            kind: Some(kind),
            detail,
            documentation: doc.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            sort_text: Some(format!("{sort}{label}")),
            filter_text: Some(label.trim_matches('"').to_string()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
            ..Default::default()
        });
    };
    match cursor {
        Cursor::Member | Cursor::MemberString => {
            let body = at.sema().body_at(at.file, at.offset);
            match body.and_then(|b| at.sema().body(b)).map(|b| &b.ty) {
                Some(BodyType::Map(value)) => {
                    let set = set_here(at, body);
                    for key in map_keys(at, body) {
                        let label = digit_compiler::value::path_segment(&key);
                        let sort = if set.contains(&key) { 2 } else { 0 };
                        push(
                            label,
                            CompletionItemKind::VALUE,
                            Some(value.to_string()),
                            None,
                            sort,
                        );
                    }
                }
                _ => {
                    let set = set_here(at, body);
                    let fields = body
                        .map(|b| at.sema().fields_of_body(b))
                        .unwrap_or_default();
                    for f in fields {
                        let sort = if set.contains(&f.name) {
                            3
                        } else if f.required {
                            0
                        } else {
                            1
                        };
                        push(
                            digit_compiler::value::path_segment(&f.name),
                            CompletionItemKind::FIELD,
                            f.ty.clone(),
                            Some(field_doc(&f)),
                            sort,
                        );
                    }
                }
            }
        }
        Cursor::Value | Cursor::StringValue => {
            let expected = expected_type(at, start);
            let quoted = *cursor == Cursor::Value;
            if let Some(e) = &expected {
                for lit in literals(&e.ty) {
                    let label = if quoted { format!("{lit:?}") } else { lit };
                    push(
                        label,
                        CompletionItemKind::ENUM_MEMBER,
                        Some(e.text.clone()),
                        None,
                        0,
                    );
                }
            }
            if quoted {
                let (bool_first, opt) = expected.as_ref().map_or((false, false), |e| {
                    (
                        matches!(e.ty.strip_optional(), SType::Bool),
                        matches!(e.ty, SType::Optional(_)),
                    )
                });
                for (kw, first) in [("true", bool_first), ("false", bool_first), ("none", opt)] {
                    push(
                        kw.into(),
                        CompletionItemKind::KEYWORD,
                        None,
                        None,
                        if first { 0 } else { 2 },
                    );
                }
                for (name, kind, detail) in names_in_scope(at) {
                    push(name, kind, detail, None, 1);
                }
            }
        }
        Cursor::Field(segments) => {
            for f in fields_of_chain(at, segments) {
                push(
                    digit_compiler::value::path_segment(&f.name),
                    CompletionItemKind::FIELD,
                    f.ty.clone(),
                    Some(field_doc(&f)),
                    0,
                );
            }
        }
        Cursor::Type => {
            for t in BUILTIN_TYPES {
                push(
                    (*t).into(),
                    CompletionItemKind::TYPE_PARAMETER,
                    None,
                    None,
                    1,
                );
            }
            for &m in at.sema().amends_chain(at.module) {
                let Some(model) = at.sema().module(m) else {
                    continue;
                };
                for s in &model.schemas {
                    push(
                        s.name.clone(),
                        CompletionItemKind::STRUCT,
                        Some("schema".into()),
                        s.doc.clone(),
                        0,
                    );
                }
                for a in &model.aliases {
                    push(
                        a.name.clone(),
                        CompletionItemKind::TYPE_PARAMETER,
                        Some(a.ty.to_string()),
                        a.doc.clone(),
                        0,
                    );
                }
            }
        }
        Cursor::Nothing => {}
    }
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    items
}

/// The type expected at the cursor; for a value not written yet (`x = |`),
/// asked just after the `=`.
fn expected_type(at: &At<'_>, start: u32) -> Option<sema::ExpectedType> {
    let sema = at.sema();
    if let Some(t) = sema.expected_type_at(at.file, at.offset) {
        return Some(t);
    }
    let before = at.text.get(..start as usize)?;
    let trimmed = before.trim_end_matches([' ', '\t']).len() as u32;
    sema.expected_type_at(at.file, trimmed)
        .or_else(|| sema.expected_type_at(at.file, trimmed.saturating_sub(1)))
}

const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Quantity", "Secret", "Name", "Port", "Image", "Cron",
    "EnvName", "Json",
];

/// The string literals a type admits.
fn literals(t: &SType) -> Vec<String> {
    match t {
        SType::Literal(s) => vec![s.clone()],
        SType::Union(ts) => ts.iter().flat_map(literals).collect(),
        SType::Optional(t) => literals(t),
        _ => Vec::new(),
    }
}

/// The markdown shown beside a field.
fn field_doc(f: &FieldInfo) -> String {
    let mut out = String::new();
    if let Some(d) = &f.doc {
        out.push_str(d);
        out.push_str("\n\n");
    }
    match (&f.default, f.required) {
        (Some(d), _) => out.push_str(&format!("Default: `{d}`")),
        (None, true) => out.push_str("Required"),
        (None, false) => {}
    }
    out
}

/// The first key of every member of `body` (what is already set there).
fn set_here(at: &At<'_>, body: Option<BodyId>) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(b) = body.and_then(|b| at.sema().body(b)) else {
        return out;
    };
    for id in &b.members {
        let Some(m) = at.sema().member(*id) else {
            continue;
        };
        let first = match &m.kind {
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => path
                .first()
                .and_then(|s| s.name.as_deref())
                .map(str::to_string),
            MemberKind::Decl { name, .. } => Some(name.clone()),
            _ => None,
        };
        out.extend(first);
    }
    out
}

/// Names in scope at the cursor, innermost first, as the semantic model
/// resolves them.
fn names_in_scope(at: &At<'_>) -> Vec<(String, CompletionItemKind, Option<String>)> {
    at.sema()
        .names_in_scope(at.file, at.offset)
        .into_iter()
        .filter_map(|n| {
            let (kind, detail) = match n.kind {
                ResolvedKind::Let(_) => (CompletionItemKind::VARIABLE, "let".to_string()),
                ResolvedKind::LoopVar => (CompletionItemKind::VARIABLE, "loop variable".into()),
                ResolvedKind::Field => (CompletionItemKind::FIELD, "field".into()),
                ResolvedKind::Import(_) => (CompletionItemKind::MODULE, "import".into()),
                ResolvedKind::Schema(_) => (CompletionItemKind::STRUCT, "schema".into()),
                ResolvedKind::Alias(_) => (CompletionItemKind::TYPE_PARAMETER, "type".into()),
                ResolvedKind::Builtin(sig) => (CompletionItemKind::FUNCTION, sig.to_string()),
                ResolvedKind::Root => (CompletionItemKind::KEYWORD, "the module's value".into()),
                ResolvedKind::Key => (CompletionItemKind::KEYWORD, "the entry's key".into()),
                _ => return None,
            };
            Some((n.name, kind, Some(detail)))
        })
        .collect()
}

/// The fields of the value named by `segments` (`kafka`, `core.services`).
fn fields_of_chain(at: &At<'_>, segments: &[String]) -> Vec<FieldInfo> {
    let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    at.sema().fields_of_path_at(at.file, at.offset, &refs)
}

/// The keys a map body's field already has where the module amends from:
/// its base's value at the body's path, evaluated (lazily: only the keys).
/// Keys written statically along the amends chain come too (evaluation
/// finds none in a base that does not evaluate).
fn map_keys(at: &At<'_>, body: Option<BodyId>) -> Vec<String> {
    let mut keys = Vec::new();
    let path = body
        .and_then(|b| at.sema().body(b))
        .and_then(|b| b.path.clone());
    let chain = at.sema().amends_chain(at.module);
    if let (Some(path), Some(&base)) = (path, chain.get(1)) {
        keys = super::values::keys_at(at.a, at.loader, base, &path);
    }
    for (k, _) in at.sema().map_keys_at(at.file, at.offset) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, marker: &str) -> (Cursor, u32) {
        let off = (text.find(marker).unwrap() + marker.len()) as u32;
        cursor(text, off)
    }

    #[test]
    fn cursor_contexts() {
        let t = "services {\n  \"egov-u\n  x = 1\n}\n";
        assert_eq!(at(t, "\"egov-u").0, Cursor::MemberString);
        let t = "a {\n  b = 1\n  re\n}";
        assert_eq!(at(t, "  re"), (Cursor::Member, 14));
        assert_eq!(
            at("x = kafka.", "kafka.").0,
            Cursor::Field(vec!["kafka".into()])
        );
        assert_eq!(
            at("x = a.\"b-c\".", "\".").0,
            Cursor::Field(vec!["a".into(), "b-c".into()])
        );
        assert_eq!(at("x = \"cl", "\"cl").0, Cursor::StringValue);
        assert_eq!(at("x: ", ": ").0, Cursor::Type);
        assert_eq!(at("x = 1 // co", "co").0, Cursor::Nothing);
        assert_eq!(at("x = ", "= ").0, Cursor::Value);
    }
}
